using System.Text.Json;
using WgAdmin.Keys;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>EndpointSync: the values its script gets, and its output read as hostile text.</summary>
public sealed class EndpointSyncTests
{
    private static readonly string Key = WgPrivateKey.Generate().PublicKey.ToString();

    private static IReadOnlyList<WgEndpointSyncResult> Parse(string output) => EndpointSync.Parse("gw", "wg0", SectionReader.Read(output));

    private static string Peer(string key = "", string host = "site.example.net", string port = "51820", string old = "198.51.100.3:51820", string @new = "203.0.113.9:51820", string age = "140", string status = "moved", string name = "site-b") =>
        $"@@peer\nkey={(key == "" ? Key : key)}\nname={name}\nhost={host}\nport={port}\nold={old}\nnew={@new}\nage={age}\nstatus={status}\nmessage=\n";

    [Fact]
    public void APeerSectionIsAResultOfPlainValues()
    {
        var result = Assert.Single(Parse(Peer()));
        Assert.Equal(("gw", "wg0", "site-b", Key, "site.example.net", 51820), (result.ComputerName, result.InterfaceName, result.Peer, result.PublicKey, result.HostName, result.Port));
        Assert.Equal(("198.51.100.3:51820", "203.0.113.9:51820", true, 140L, "Moved", false), (result.OldEndpoint, result.NewEndpoint, result.Moved, result.HandshakeAgeSeconds, result.Status, result.Failed));
        // Plain JSON: every property a string, a number, a boolean or null.
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(result));
        Assert.All(json.RootElement.EnumerateObject(), p => Assert.Contains(p.Value.ValueKind, new[] { JsonValueKind.String, JsonValueKind.Number, JsonValueKind.True, JsonValueKind.False, JsonValueKind.Null }));
        Assert.DoesNotContain(Key, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoHandshakeNoEndpointAndNoNameAreNulls()
    {
        var result = Assert.Single(Parse(Peer(old: "(none)", age: "", name: "")));
        Assert.Null(result.OldEndpoint);
        Assert.Null(result.HandshakeAgeSeconds);
        Assert.Equal(Key, result.Peer);
    }

    [Theory]
    [InlineData("key", "not-a-key")]
    [InlineData("host", "198.51.100.3")]
    [InlineData("host", "a b")]
    [InlineData("port", "70000")]
    [InlineData("port", "-1")]
    [InlineData("old", "site.example.net:51820")]
    [InlineData("new", "$(reboot)")]
    [InlineData("age", "99999999999999999999999")]
    [InlineData("status", "rebooted")]
    public void OutputTheScriptCannotPrintIsRefused(string field, string value)
    {
        var output = field switch
        {
            "key" => Peer(key: value),
            "host" => Peer(host: value),
            "port" => Peer(port: value),
            "old" => Peer(old: value),
            "new" => Peer(@new: value),
            "age" => Peer(age: value),
            _ => Peer(status: value),
        };
        Assert.ThrowsAny<Exception>(() => Parse(output));
    }

    [Fact]
    public void TheScriptTakesTheChangeLockWithTheCmdletsTimeoutAndNoSnapshot()
    {
        var script = EndpointSync.Script("wg0", force: true, new ChangeOptions { LockTimeout = TimeSpan.FromSeconds(7), Station = "me@here" });
        Assert.Contains($"lock_file='{HostPaths.ChangeLock}'", script, StringComparison.Ordinal);
        Assert.Contains("lock_timeout='7'", script, StringComparison.Ordinal);
        Assert.Contains("force='1'", script, StringComparison.Ordinal);
        Assert.Contains("holder='Sync-WgEndpoint from me@here'", script, StringComparison.Ordinal);
        Assert.Contains("stale_after='135'", script, StringComparison.Ordinal);
        Assert.DoesNotContain("take_snapshot", script, StringComparison.Ordinal);
        // The change machinery's lock file is the same.
        Assert.Contains($"lock_file={HostPaths.ChangeLock}\n", ScriptLibrary.Text("change.sh"), StringComparison.Ordinal);
    }
}

using WgAdmin.Keys;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>InterfaceStatusReader.Parse on output written as the status script prints it, and RedactLine.</summary>
public class InterfaceStatusTests
{
    private static readonly string Own = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Priv = WgPrivateKey.Generate().Reveal();
    private static readonly string Psk = WgPresharedKey.Generate().Reveal();
    private static readonly string PeerA = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string PeerB = WgPrivateKey.Generate().PublicKey.ToString();
    private const long Now = 1_712_000_000;

    private static string Output() => string.Join("\n",
        "@@now",
        Now.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "@@dump",
        $"wg0\t(hidden)\t{Own}\t51820\t0x51",
        $"wg0\t{PeerA}\t(set)\t203.0.113.7:40000\t10.8.0.2/32\t{Now - 125}\t1000\t2000\t25",
        $"wg0\t{PeerB}\t(none)\t(none)\t10.8.0.3/32,192.168.50.0/24\t0\t0\t0\toff",
        "@@config wg0",
        "[Interface]",
        "ListenPort = 51820",
        "Address = 10.8.0.1/24",
        "",
        "[Peer]",
        "# Name = laptop",
        $"PublicKey = {PeerA}",
        "AllowedIPs = 10.8.0.2/32",
        "",
        "[Peer]",
        $"PublicKey = {PeerB}",
        "AllowedIPs = 10.8.0.3/32, 192.168.50.0/24",
        "@@service wg0 enabled active",
        "@@config wg1",
        "[Interface]",
        "ListenPort = 51821",
        "FwMark = 0x10",
        "Address = 10.9.0.1/24",
        "@@service wg1 disabled inactive",
        "@@end",
        "");

    [Fact]
    public void ParsesALiveAndADownInterface()
    {
        var statuses = InterfaceStatusReader.Parse(Output(), "gw1", now: DateTimeOffset.FromUnixTimeSeconds(1));

        Assert.Equal(["wg0", "wg1"], statuses.Select(s => s.Name));
        var up = statuses[0];
        Assert.Equal("gw1", up.ComputerName);
        Assert.Equal("gw1/wg0", up.ToString());
        Assert.True(up.IsUp);
        Assert.Equal(Own, up.PublicKey);
        Assert.Equal(51820, up.ListenPort);
        Assert.Equal(0x51u, up.FwMark);
        Assert.Equal(("enabled", "active"), (up.ServiceEnabled, up.ServiceActive));
        Assert.Equal("/etc/wireguard/wg0.conf", up.ConfigPath);
        Assert.Equal([WgPrefix.Parse("10.8.0.1/24")], up.Config!.Address);
        Assert.Equal(2, up.Peers.Count);

        var laptop = up.Peers[0];
        Assert.Equal("laptop", laptop.Name);
        Assert.Equal("laptop", laptop.ToString());
        Assert.Equal(PeerA, laptop.PublicKey);
        Assert.True(laptop.HasPresharedKey);
        Assert.Equal("203.0.113.7:40000", laptop.Endpoint);
        Assert.Equal(["10.8.0.2/32"], laptop.AllowedIPs);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now - 125), laptop.LatestHandshake);
        // The age is taken from the gateway's clock (@@now), not the caller's.
        Assert.Equal(TimeSpan.FromSeconds(125), laptop.HandshakeAge);
        Assert.Equal((1000L, 2000L, (int?)25), (laptop.ReceivedBytes, laptop.SentBytes, laptop.PersistentKeepalive));

        var other = up.Peers[1];
        Assert.Null(other.Name);
        Assert.Equal(PeerB, other.ToString());
        Assert.False(other.HasPresharedKey);
        Assert.Null(other.Endpoint);
        Assert.Null(other.LatestHandshake);
        Assert.Null(other.HandshakeAge);
        Assert.Null(other.PersistentKeepalive);
        Assert.Equal(["10.8.0.3/32", "192.168.50.0/24"], other.AllowedIPs);

        var down = statuses[1];
        Assert.False(down.IsUp);
        Assert.Empty(down.Peers);
        Assert.Null(down.PublicKey);
        Assert.Equal(51821, down.ListenPort);
        Assert.Equal(0x10u, down.FwMark);
        Assert.Equal(("disabled", "inactive"), (down.ServiceEnabled, down.ServiceActive));
        Assert.Equal("/etc/wireguard/wg1.conf", down.ConfigPath);
    }

    [Fact]
    public void WithoutANowLineTheCallersClockIsUsed()
    {
        var output = Output().Replace($"@@now\n{Now}\n", "", StringComparison.Ordinal);

        var laptop = InterfaceStatusReader.Parse(output, null, now: DateTimeOffset.FromUnixTimeSeconds(Now + 5))[0].Peers[0];

        Assert.Equal(TimeSpan.FromSeconds(130), laptop.HandshakeAge);
    }

    [Fact]
    public void ALiveInterfaceWithoutAConfigAndAConfigThatDoesNotParse()
    {
        var output = $"@@now\n{Now}\n@@dump\nwgx\t(hidden)\t{Own}\t0\toff\n@@config wgbad\n[Interface]\nListenPort = nope\n@@end\n";

        var statuses = InterfaceStatusReader.Parse(output, null);

        var live = statuses.Single(s => s.Name == "wgx");
        Assert.True(live.IsUp);
        Assert.Null(live.ListenPort);
        Assert.Null(live.FwMark);
        Assert.Null(live.ConfigPath);
        Assert.Null(live.Config);
        Assert.Equal("wgx", live.ToString());
        var bad = statuses.Single(s => s.Name == "wgbad");
        Assert.Null(bad.Config);
        Assert.Contains("nope", bad.ConfigError, StringComparison.Ordinal);
        Assert.Equal("/etc/wireguard/wgbad.conf", bad.ConfigPath);
    }

    [Fact]
    public void RedactLineHidesThePrivateKeyOfInterfaceLines()
    {
        Assert.Equal($"wg0\t(hidden)\t{Own}\t51820\toff", InterfaceStatusReader.RedactLine($"wg0\t{Priv}\t{Own}\t51820\toff"));
    }

    [Fact]
    public void RedactLineHidesPresharedKeysOfPeerLines()
    {
        Assert.Equal($"wg0\t{PeerA}\t(set)\t(none)\t10.8.0.2/32\t0\t0\t0\toff",
            InterfaceStatusReader.RedactLine($"wg0\t{PeerA}\t{Psk}\t(none)\t10.8.0.2/32\t0\t0\t0\toff"));
        var none = $"wg0\t{PeerB}\t(none)\t(none)\t(none)\t0\t0\t0\toff";
        Assert.Equal(none, InterfaceStatusReader.RedactLine(none));
    }

    [Theory]
    [InlineData("")]
    [InlineData("just text")]
    [InlineData("a\tb\tc")]
    [InlineData("a\tb\tc\td\te\tf")]
    public void RedactLineDropsLinesOfOtherShapes(string line) => Assert.Null(InterfaceStatusReader.RedactLine(line));

    [SkippableFact]
    public void TheScriptIsValidBashAndRedactsLikeRedactLine()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        var script = InterfaceStatusReader.Script();
        RemoteOracle.AssertSyntax(script, "bash");

        // The script's filter (lib.sh's, which dump_all runs), on lines of a real-shaped dump, next to RedactLine.
        Assert.Contains("\nif has wg; then dump_all; fi\n", script, StringComparison.Ordinal);
        var awk = RemoteScript.Libraries() + "filter_all_dump";
        string[] dump =
        [
            $"wg0\t{Priv}\t{Own}\t51820\toff",
            $"wg0\t{PeerA}\t{Psk}\t203.0.113.7:40000\t10.8.0.2/32\t{Now}\t1\t2\t25",
            $"wg0\t{PeerB}\t(none)\t(none)\t(none)\t0\t0\t0\toff",
        ];
        var piped = WgAdmin.Core.Tests.Support.Tool.Run("bash", ["-c", awk], stdin: string.Join("\n", dump) + "\n");

        Assert.True(piped.Ok, piped.StdErr);
        Assert.Equal(dump.Select(InterfaceStatusReader.RedactLine), piped.StdOut.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain(Priv, piped.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(Psk, piped.StdOut, StringComparison.Ordinal);
    }
}

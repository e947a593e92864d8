using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// reresolve.sh's rule and its distrust of the config file, run by bash with a stand-in `wg` and
/// `ip` on PATH (they record what they were asked and answer from files): which peers it gives
/// to `wg set`, and what it reports. The real wg, resolver and timer are the lab's
/// (tests/lab/Endpoint.Tests.ps1); this is the logic beside it.
/// </summary>
public sealed class ReresolveScriptTests
{
    private static readonly string Stale = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Recent = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Never = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Unresolvable = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string ByAddress = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Hostile = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string NotRunning = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string NoEndpoint = WgPrivateKey.Generate().PublicKey.ToString();

    private const string FakeWg = """
        #!/bin/bash
        # A stand-in for wg: show answers from files, set records its arguments and "resolves" from $STUB/dns.
        if [ "$1" = show ]; then cat "$STUB/$3"; exit 0; fi
        if [ "$1" = set ]; then
          printf '%s\n' "$*" >> "$STUB/calls"
          host=${6%:*}; port=${6##*:}
          addr=$(awk -v h="$host" '$1 == h { print $2 }' "$STUB/dns")
          if [ -z "$addr" ]; then echo "Name or service not known: \`$6'" >&2; exit 1; fi
          awk -v k="$4" -v e="$addr:$port" 'BEGIN { OFS = "\t" } $1 == k { $2 = e } { print }' "$STUB/endpoints" > "$STUB/endpoints.new"
          mv "$STUB/endpoints.new" "$STUB/endpoints"
          exit 0
        fi
        exit 2
        """;

    private static (IReadOnlyList<WgEndpointSyncResult> Results, string[] Calls, string Log) Run(bool force = false, string report = "sections")
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk", "flock");
        using var dir = new SecretTempDir();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        dir.Write("wg", FakeWg);
        dir.Write("ip", "#!/bin/bash\nexit 0\n");
        dir.Write("dns", "moved.example.net 203.0.113.9\nsame.example.net 198.51.100.4\nfirst.example.net 198.51.100.5\n");
        dir.Write("latest-handshakes", $"{Stale}\t{now - 200}\n{Recent}\t{now - 20}\n{Never}\t0\n{Unresolvable}\t{now - 500}\n{ByAddress}\t0\n{Hostile}\t0\n");
        dir.Write("endpoints", $"{Stale}\t198.51.100.3:51820\n{Recent}\t198.51.100.4:51820\n{Never}\t(none)\n{Unresolvable}\t198.51.100.6:51820\n{ByAddress}\t198.51.100.8:51820\n{Hostile}\t(none)\n");
        var conf = dir.Write("wg0.conf", $"""
            [Interface]
            PrivateKey = {WgPrivateKey.Generate().Reveal()}
            ListenPort = 51820

            [Peer]
            # Name = moved-site
            PublicKey = {Stale}
            Endpoint = moved.example.net:51820

            [Peer]
            # Name = fresh-site
            Public Key = {Recent}
            endpoint = same.example.net:51820 # a comment

            [Peer]
            PublicKey = {Never}
            Endpoint = first.example.net:51820

            [Peer]
            # Name = lost-site
            PublicKey = {Unresolvable}
            Endpoint = gone.example.net:51820

            [Peer]
            PublicKey = {ByAddress}
            Endpoint = 198.51.100.8:51820

            [Peer]
            # Name = hostile
            PublicKey = {Hostile}
            Endpoint = $(touch${"{"}IFS{"}"}{dir.Path}/pwned).example.net:51820

            [Peer]
            PublicKey = not-a-key;reboot
            Endpoint = moved.example.net:51820

            [Peer]
            # Name = not-running
            PublicKey = {NotRunning}
            Endpoint = moved.example.net:51820

            [Peer]
            PublicKey = {NoEndpoint}
            """);
        var values = new ScriptValues()
            .Set("name", "wg0").Set("conf", conf).Set("lock_file", Path.Combine(dir.Path, "change.lock")).Set("lock_timeout", 5)
            .Set("holder", "test").Set("force", force).Set("stale_after", 135).Set("resolve_retries", 2).Set("report", report);
        var script = $"export STUB={ShellQuote.Quote(dir.Path)}\nchmod 700 \"$STUB/wg\" \"$STUB/ip\"\nexport PATH=\"$STUB:$PATH\"\n" + RemoteScript.Compose("reresolve.sh", values);
        var result = RemoteOracle.Shell(script);
        Assert.True(result.Ok, result.StdErr);
        Assert.False(File.Exists(Path.Combine(dir.Path, "pwned")), "a command in the config's Endpoint ran");
        var calls = File.Exists(Path.Combine(dir.Path, "calls")) ? File.ReadAllLines(Path.Combine(dir.Path, "calls")) : [];
        return (EndpointSync.Parse("gw", "wg0", SectionReader.Read(result.StdOut)), calls, result.StdOut);
    }

    [SkippableFact]
    public void StaleAndNeverHandshakenNamesAreResolvedAgainFreshOnesAreLeftAlone()
    {
        var (results, calls, _) = Run();
        Assert.Equal(
            [$"set wg0 peer {Stale} endpoint moved.example.net:51820", $"set wg0 peer {Never} endpoint first.example.net:51820", $"set wg0 peer {Unresolvable} endpoint gone.example.net:51820"],
            calls);
        var moved = Assert.Single(results, r => r.Peer == "moved-site");
        Assert.Equal((EndpointSync.Moved, true, "198.51.100.3:51820", "203.0.113.9:51820", "moved.example.net", 51820), (moved.Status, moved.Moved, moved.OldEndpoint, moved.NewEndpoint, moved.HostName, moved.Port));
        Assert.InRange(moved.HandshakeAgeSeconds!.Value, 199, 230);
        var fresh = Assert.Single(results, r => r.Peer == "fresh-site");
        Assert.Equal((EndpointSync.Fresh, false, null), (fresh.Status, fresh.Moved, fresh.NewEndpoint));
        var first = Assert.Single(results, r => r.PublicKey == Never);
        Assert.Equal((EndpointSync.Moved, null, "198.51.100.5:51820", null, Never), (first.Status, first.OldEndpoint, first.NewEndpoint, first.HandshakeAgeSeconds, first.Peer));
        var lost = Assert.Single(results, r => r.Peer == "lost-site");
        Assert.Equal((EndpointSync.Unresolved, true), (lost.Status, lost.Failed));
        Assert.Contains("Name or service not known", lost.Message, StringComparison.Ordinal);
        Assert.Equal("198.51.100.6:51820", lost.OldEndpoint);
        Assert.DoesNotContain(results, r => r.PublicKey == ByAddress);
    }

    [SkippableFact]
    public void EntriesThatAreNoKeyOrNoHostNameNeverReachWg()
    {
        var (results, calls, _) = Run(force: true);
        Assert.DoesNotContain(calls, c => c.Contains("touch", StringComparison.Ordinal) || c.Contains("reboot", StringComparison.Ordinal));
        var hostile = Assert.Single(results, r => r.Peer == "hostile");
        Assert.Equal((EndpointSync.Invalid, null, true), (hostile.Status, hostile.HostName, hostile.Failed));
        var noKey = Assert.Single(results, r => r.Status == EndpointSync.Invalid && r.Peer != "hostile");
        Assert.Null(noKey.PublicKey);
        Assert.Equal("moved.example.net", noKey.HostName);
        var absent = Assert.Single(results, r => r.Peer == "not-running");
        Assert.Equal(EndpointSync.Absent, absent.Status);
        // A peer without an Endpoint is no host-name peer.
        Assert.DoesNotContain(results, r => r.PublicKey == NoEndpoint);
        // -Force: the fresh one too, and it resolves to where it is.
        Assert.Contains($"set wg0 peer {Recent} endpoint same.example.net:51820", calls);
        Assert.Equal(EndpointSync.Unchanged, Assert.Single(results, r => r.Peer == "fresh-site").Status);
    }

    [SkippableFact]
    public void TheTimersRunWritesALineAPeerThatMovedOrFailed()
    {
        var (_, _, log) = Run(report: "log");
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l != RemoteScript.EndMarker).ToArray();
        Assert.Contains(lines, l => l.StartsWith("wg0: peer moved-site (moved.example.net:51820) moved from 198.51.100.3:51820 to 203.0.113.9:51820 (last handshake 2", StringComparison.Ordinal) && l.EndsWith(" s ago)", StringComparison.Ordinal));
        Assert.Contains($"wg0: peer {Never} (first.example.net:51820) moved from (none) to 198.51.100.5:51820 (last handshake never)", lines);
        Assert.Contains(lines, l => l.StartsWith("wg0: peer lost-site (gone.example.net:51820): unresolved: Name or service not known", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("fresh-site", StringComparison.Ordinal) || l.StartsWith("@@", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ABusyLockIsGatewayBusyNamingItsHolder()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "flock");
        using var dir = new SecretTempDir();
        dir.Write("ip", "#!/bin/bash\nexit 0\n");
        dir.Write("wg", "#!/bin/bash\nexit 0\n");
        var conf = dir.Write("wg0.conf", "[Interface]\n");
        dir.Write("change.holder", "admin@station (pid 7), pid 8, since 2026-12-03T05:00:00Z\n");
        var lockFile = Path.Combine(dir.Path, "change.lock");
        var values = new ScriptValues()
            .Set("name", "wg0").Set("conf", conf).Set("lock_file", lockFile).Set("lock_timeout", 0)
            .Set("holder", "test").Set("force", false).Set("stale_after", 135).Set("resolve_retries", 2).Set("report", "sections");
        var script = $"chmod 700 {ShellQuote.Quote(dir.Path)}/wg {ShellQuote.Quote(dir.Path)}/ip\nexport PATH={ShellQuote.Quote(dir.Path)}:\"$PATH\"\n" + RemoteScript.Compose("reresolve.sh", values);
        // The lock held by another process (as change.sh holds it) for the script's whole run.
        var result = Tool.Run("flock", [lockFile, "bash", "-s"], stdin: script);
        var output = new ScriptOutput { ExitCode = result.ExitCode, Sections = SectionReader.Read(result.StdOut), Error = result.StdErr };
        var error = RemoteRunner.Failure("gw", "re-resolving", output);
        Assert.Equal(WgErrorId.GatewayBusy, error.ErrorId);
        Assert.Contains("admin@station (pid 7)", error.Message, StringComparison.Ordinal);
    }
}

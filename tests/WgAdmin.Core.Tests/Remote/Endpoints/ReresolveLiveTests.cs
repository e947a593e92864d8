using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// reresolve.sh against the real wg and a real userspace interface (wireguard-go in a scratch
/// namespace), with the resolver under the test's control: /etc/hosts bind-mounted in a private
/// mount namespace. The name resolves, the peer moves there; a name that does not resolve is that
/// peer's failure with wg's own last word on it. The lab suite does the same on booted gateways.
/// </summary>
public sealed class ReresolveLiveTests
{
    [SkippableFact]
    public void TheRealWgResolvesTheNameAgainAndTheResultSaysWhereThePeerWent()
    {
        RemoteOracle.Require(needsRoot: true, "wg", "wireguard-go", "ip", "unshare", "mount", "flock");
        using var live = UserspaceInterface.Start();
        using var dir = new SecretTempDir();
        var named = WgPrivateKey.Generate().PublicKey.ToString();
        var lost = WgPrivateKey.Generate().PublicKey.ToString();
        var key = dir.Write("key", WgPrivateKey.Generate().Reveal() + "\n");
        Assert.True(live.Wg("set", live.InterfaceName, "private-key", key, "peer", named, "allowed-ips", "10.9.0.2/32", "endpoint", "127.0.0.1:5000",
            "peer", lost, "allowed-ips", "10.9.0.3/32", "endpoint", "127.0.0.1:5001").Ok);
        var conf = dir.Write("wg.conf", $"[Interface]\nListenPort = 51999\n\n[Peer]\n# Name = by-name\nPublicKey = {named}\nEndpoint = rr-test.lab.test:51820\n\n[Peer]\nPublicKey = {lost}\nEndpoint = nowhere.invalid:51820\n");
        var hosts = dir.Write("hosts", "127.0.0.7 rr-test.lab.test\n127.0.0.1 localhost\n");
        var values = new ScriptValues()
            .Set("name", live.InterfaceName).Set("conf", conf).Set("lock_file", Path.Combine(dir.Path, "change.lock")).Set("lock_timeout", 5)
            .Set("holder", "test").Set("force", false).Set("stale_after", 135).Set("resolve_retries", 1).Set("report", "sections");
        var script = dir.Write("script.sh", RemoteScript.Compose("reresolve.sh", values));
        var run = Tool.Run("unshare", ["-m", "--propagation", "private", "bash", "-c",
            $"mount --bind {ShellQuote.Quote(hosts)} /etc/hosts && exec ip netns exec {ShellQuote.Quote(live.Namespace)} bash {ShellQuote.Quote(script)}"]);
        Assert.True(run.Ok, run.StdErr);
        var results = EndpointSync.Parse("gw", live.InterfaceName, SectionReader.Read(run.StdOut));
        var moved = Assert.Single(results, r => r.Peer == "by-name");
        Assert.Equal((EndpointSync.Moved, "127.0.0.1:5000", "127.0.0.7:51820", null), (moved.Status, moved.OldEndpoint, moved.NewEndpoint, moved.HandshakeAgeSeconds));
        Assert.Contains($"{named}\t127.0.0.7:51820", live.Wg("show", live.InterfaceName, "endpoints").StdOut, StringComparison.Ordinal);
        var failed = Assert.Single(results, r => r.PublicKey == lost);
        Assert.Equal((EndpointSync.Unresolved, "127.0.0.1:5001", null), (failed.Status, failed.OldEndpoint, failed.NewEndpoint));
        Assert.Contains("nowhere.invalid:51820", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Trying again", failed.Message, StringComparison.Ordinal);
        Assert.Contains($"{lost}\t127.0.0.1:5001", live.Wg("show", live.InterfaceName, "endpoints").StdOut, StringComparison.Ordinal);
    }
}

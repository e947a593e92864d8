using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The route to a host through ProxyJump, as ssh plans it: each hop resolved through ssh_config
/// under its own name, the last hop of a chain reached through the rest, the first through its own
/// ProxyJump; -JumpHost over the config; loops refused; the target's -UserName, -Port and
/// -KeyFilePath not passed on to the hops.
/// </summary>
public sealed class SshJumpPlannerTests : IDisposable
{
    private readonly SecretTempDir _home = new();

    public void Dispose() => _home.Dispose();

    private SshConnectionSettings Settings => new()
    {
        HomeDirectory = _home.Path,
        EnvironmentVariable = name => name == "SSH_AUTH_SOCK" ? "/run/agent.sock" : null,
    };

    private static readonly SshConfigFile Config = SshConfigFile.Parse("""
        Host bastion
          HostName 203.0.113.5
          User ops
          Port 2200
          IdentityFile ~/.ssh/bastion_key
          IdentityAgent none
        Host outer
          HostName outer.example.net
        Host inner
          ProxyJump outer
        Host deep-*
          ProxyJump inner
        Host chained
          ProxyJump alice@outer,inner
        Host gw-*
          ProxyJump bastion
          User root
        Host looped
          ProxyJump looped
        """);

    [Fact]
    public void OneHopIsResolvedUnderItsOwnName()
    {
        var options = Settings.For("gw-a", Config);

        var hop = Assert.IsType<SshConnectOptions>(options.Via);
        Assert.Equal(("203.0.113.5", 2200, "ops"), (hop.Target.Host, hop.Target.Port, hop.Target.User));
        Assert.Equal("[203.0.113.5]:2200", hop.Target.KnownHostsName);
        Assert.Equal([Path.Combine(_home.Path, ".ssh", "bastion_key")], hop.KeyFiles);
        Assert.Null(hop.AgentSocket); // IdentityAgent none, for the bastion only
        Assert.Null(hop.Via);
        // The target keeps its own name for known_hosts, whatever the route.
        Assert.Equal("gw-a", options.Target.KnownHostsName);
        Assert.Equal("/run/agent.sock", options.AgentSocket);
        Assert.Equal("root@gw-a via ops@[203.0.113.5]:2200", options.RouteKey);
    }

    [Fact]
    public void GatewaysBehindOneBastionShareItsRoute()
    {
        var routes = new[] { "gw-a", "gw-b", "root@gw-c:2222" }.Select(name => Settings.For(name, Config).Via!.RouteKey).Distinct();

        Assert.Equal(["ops@[203.0.113.5]:2200"], routes);
    }

    [Fact]
    public void AChainsLastHopRidesTheRestAndItsFirstHopItsOwnProxyJump()
    {
        var chained = Settings.For("chained", Config);
        // "alice@outer,inner": inner through alice@outer (not through inner's own ProxyJump outer).
        Assert.Equal(["alice@outer.example.net", $"{Environment.UserName}@inner"], chained.JumpHosts.Select(h => h.Target.ToString()));

        // "inner" alone: inner's own ProxyJump (outer) applies, as ssh -W through ssh inner.
        var deep = Settings.For("deep-1", Config);
        Assert.Equal([$"{Environment.UserName}@outer.example.net", $"{Environment.UserName}@inner"], deep.JumpHosts.Select(h => h.Target.ToString()));
        Assert.Equal(deep.Via!.Via!.RouteKey, Settings.For("inner", Config).Via!.RouteKey);
    }

    [Theory]
    [InlineData("none", new string[0])]
    [InlineData("NONE", new string[0])]
    [InlineData("me@other:2022", new[] { "me@[other]:2022" })]
    [InlineData("ssh://me@other:2022", new[] { "me@[other]:2022" })]
    [InlineData("bastion,me@[fd00::9]:22", new[] { "ops@[203.0.113.5]:2200", "me@fd00::9" })]
    public void JumpHostReplacesTheConfigsProxyJump(string jumpHost, string[] hops)
    {
        var options = (Settings with { JumpHost = jumpHost }).For("gw-a", Config);

        Assert.Equal(hops, options.JumpHosts.Select(h => h.Target.ToString()));
    }

    [Fact]
    public void TheTargetsUserPortAndKeyAreNotTheHops()
    {
        var key = Path.Combine(_home.Path, "gw_key");
        File.WriteAllText(key, "");
        var settings = Settings with { UserName = "admin", Port = 2222, KeyFilePath = key, Password = "pw", KnownHostsPaths = ["/kh/extra"], HostKeyPolicy = HostKeyPolicy.AcceptNew, ConnectTimeout = TimeSpan.FromSeconds(4) };

        var options = settings.For("gw-a", Config);

        Assert.Equal("admin@[gw-a]:2222", options.Target.ToString());
        var hop = options.Via!;
        Assert.Equal("ops@[203.0.113.5]:2200", hop.Target.ToString());
        Assert.False(hop.KeyFileNamed);
        Assert.Null(hop.Password);
        Assert.Null(hop.KeyPassphrase);
        Assert.DoesNotContain(key, hop.KeyFiles);
        // What is about trust and time is the command's, for every hop.
        Assert.Contains("/kh/extra", hop.KnownHostsFiles);
        Assert.Equal(HostKeyPolicy.AcceptNew, hop.HostKeyPolicy);
        Assert.Equal(TimeSpan.FromSeconds(4), hop.ConnectTimeout);
    }

    [Fact]
    public void AHostReachedThroughItselfIsALoop()
    {
        var ex = Assert.Throws<WgException>(() => Settings.For("looped", Config));
        Assert.Equal(WgErrorId.InvalidJumpHost, ex.ErrorId);
        Assert.Contains("through itself", ex.Message);

        // The usual mistake: "Host *" with ProxyJump also matches the bastion.
        var everywhere = SshConfigFile.Parse("Host *\n  ProxyJump bastion\n");
        var loop = Assert.Throws<WgException>(() => Settings.For("gw1", everywhere));
        Assert.Equal(WgErrorId.InvalidJumpHost, loop.ErrorId);
        Assert.Contains("Host * !bastion", loop.Message);

        var excluded = SshConfigFile.Parse("Host * !bastion\n  ProxyJump bastion\n");
        Assert.Equal(["bastion"], Settings.For("gw1", excluded).JumpHosts.Select(h => h.Target.Host));
    }

    [Fact]
    public void ARouteLongerThanTheLimitIsRefused()
    {
        var text = string.Concat(Enumerable.Range(0, SshJumpPlanner.MaxHops + 2).Select(i => $"Host h{i}\n  ProxyJump h{i + 1}\n"));

        var ex = Assert.Throws<WgException>(() => Settings.For("h0", SshConfigFile.Parse(text)));

        Assert.Equal(WgErrorId.InvalidJumpHost, ex.ErrorId);
        Assert.Contains($"more than {SshJumpPlanner.MaxHops} hops", ex.Message);
    }

    [Theory]
    [InlineData("bastion", null, "bastion", null)]
    [InlineData("ops@bastion", "ops", "bastion", null)]
    [InlineData("ops@bastion:2200", "ops", "bastion", 2200)]
    [InlineData("ssh://ops@bastion:2200", "ops", "bastion", 2200)]
    [InlineData("ssh://bastion/", null, "bastion", null)]
    [InlineData("[fd00::1]:2222", null, "fd00::1", 2222)]
    [InlineData(" bastion ", null, "bastion", null)]
    public void OneHop(string text, string? user, string host, int? port) =>
        Assert.Equal(new SshJumpHost(user, host, port), Assert.Single(SshJumpHost.ParseList(text)));

    [Theory]
    [InlineData("a,,b", "empty")]
    [InlineData("a,", "empty")]
    [InlineData("none,a", "'none'")]
    [InlineData("a;rm", "host name")]
    [InlineData("a:99999", "port")]
    [InlineData("ssh://a/x", "path")]
    [InlineData("-oProxyCommand=x", "host name")]
    public void ABadJumpHostIsRefusedQuotingIt(string text, string reason)
    {
        var ex = Assert.Throws<WgException>(() => SshJumpHost.ParseList(text));

        Assert.Equal(WgErrorId.InvalidJumpHost, ex.ErrorId);
        Assert.Contains(Quote.Value(text), ex.Message);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void ABadProxyJumpInTheConfigIsRefusedWhenTheHostIsResolved()
    {
        var ex = Assert.Throws<WgException>(() => Settings.For("gw1", SshConfigFile.Parse("Host gw1\n  ProxyJump a,,b\n")));

        Assert.Equal(WgErrorId.InvalidJumpHost, ex.ErrorId);
    }
}

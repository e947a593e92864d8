using System.Collections.Concurrent;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The connections of one command, counted with stand-ins for SSH: a fan-out behind one bastion
/// opens the bastion once; holds keep a kept session's route open after the command; a hop that
/// fails is tried once and names itself in every host's error.
/// </summary>
public class SshRoutePoolTests
{
    private sealed class Fake(SshConnectOptions options, Fake? via)
    {
        public SshConnectOptions Options { get; } = options;
        public Fake? Via { get; } = via;
        public int Holders = 1;
        public bool Closed => Volatile.Read(ref Holders) <= 0;

        public void Release()
        {
            if (Interlocked.Decrement(ref Holders) == 0)
                Via?.Release();
        }
    }

    private readonly ConcurrentBag<string> _attempts = new();

    private SshRoutePool<Fake> Pool(Func<SshConnectOptions, bool>? fails = null) => new(
        (options, via, _) =>
        {
            _attempts.Add(options.RouteKey);
            Thread.Sleep(5); // let the others pile up on the same route
            if (fails?.Invoke(options) == true)
            {
                via?.Release();
                throw new WgException(new WgError(WgErrorId.HostKeyUnknown, $"{options.Target}: the host is unknown.", Offender: "SHA256:x"));
            }
            return new Fake(options, via);
        },
        fake => { Interlocked.Increment(ref fake.Holders); return fake; },
        fake => fake.Release());

    private static readonly SshConfigFile Config = SshConfigFile.Parse("Host gw*\n  ProxyJump ops@bastion\nHost far*\n  ProxyJump ops@bastion,inner\n");

    private static SshConnectOptions For(string name) => new SshConnectionSettings { UserName = "root" }.For(name, Config);

    [Fact]
    public void TwentyGatewaysBehindOneBastionOpenOneBastionConnection()
    {
        using var pool = Pool();
        var gateways = Enumerable.Range(1, 20).Select(i => For($"gw{i}")).ToArray();

        var connections = gateways.AsParallel().WithDegreeOfParallelism(16).Select(g => pool.Get(g, default)).ToArray();

        Assert.Equal(21, pool.Opened.Count);
        Assert.Single(pool.Opened, "ops@bastion");
        Assert.Equal("ops@bastion", pool.Opened[0]); // the hop first
        Assert.Single(connections.Select(c => c.Via).Distinct());
        Assert.Equal(21, _attempts.Count);
        // A second use of a host is the same connection.
        Assert.Same(connections[0], pool.Get(gateways[0], default));
    }

    [Fact]
    public void DisposingThePoolClosesEverythingUnlessKept()
    {
        var pool = Pool();
        var a = pool.Get(For("gw1"), default);
        var kept = pool.Get(For("gw2"), default);
        Interlocked.Increment(ref kept.Holders); // a session's hold (SshConnectionPool.Keep)
        var bastion = a.Via!;

        pool.Dispose();

        Assert.True(a.Closed);
        Assert.False(kept.Closed);
        Assert.False(bastion.Closed); // the kept session still rides it
        kept.Release();
        Assert.True(bastion.Closed);
    }

    [Fact]
    public void TwoHopsEachOpenedOnceAndInOrder()
    {
        using var pool = Pool();

        pool.Get(For("far1"), default);
        pool.Get(For("far2"), default);

        Assert.Equal(["ops@bastion", $"{Environment.UserName}@inner via ops@bastion", "root@far1 via " + $"{Environment.UserName}@inner via ops@bastion", "root@far2 via " + $"{Environment.UserName}@inner via ops@bastion"], pool.Opened);
    }

    [Fact]
    public void AFailedHopIsTriedOnceAndNamedInEveryHostsError()
    {
        using var pool = Pool(fails: o => o.Target.Host == "bastion");
        var gateways = new[] { For("gw1"), For("gw2"), For("far1") };

        var errors = gateways.Select(g => Assert.Throws<WgException>(() => pool.Get(g, default))).ToArray();

        Assert.Single(_attempts, "ops@bastion");
        Assert.Single(_attempts);
        foreach (var error in errors)
        {
            Assert.Equal(WgErrorId.JumpHostFailed, error.ErrorId);
            Assert.Equal("ops@bastion", error.Errors[0].Offender);
            Assert.Contains("ops@bastion", error.Message);
            // The hop's own reason follows, with its own ID.
            Assert.Equal(WgErrorId.HostKeyUnknown, error.Errors[1].ErrorId);
        }
        Assert.StartsWith("root@gw1: the jump host ops@bastion failed: ops@bastion: the host is unknown.", errors[0].Errors[0].Message);
        // Two hops: every hop on the way is named, the failing one as Offender.
        Assert.Contains($"root@far1: cannot be reached through {Environment.UserName}@inner: {Environment.UserName}@inner: the jump host ops@bastion failed", errors[2].Errors[0].Message);
    }

    [Fact]
    public void TheOrderOfKeysIsSshs()
    {
        var a = new SshAgentIdentity([1], "a");
        var b = new SshAgentIdentity([2], "b");
        var c = new SshAgentIdentity([3], "c");
        (string, byte[]?)[] files = [("/k/file-b", [2]), ("/k/file-x", [9]), ("/k/no-pub", null)];

        Assert.Equal(["agent: a", "agent: b", "agent: c", "file: /k/file-x", "file: /k/no-pub"],
            SshAuthentication.Order([a, b, c], files, identitiesOnly: false).Select(k => Describe(k)));
        Assert.Equal(["agent: b", "file: /k/file-x", "file: /k/no-pub"],
            SshAuthentication.Order([a, b, c], files, identitiesOnly: true).Select(k => Describe(k)));
        Assert.Equal(["file: /k/file-b", "file: /k/file-x", "file: /k/no-pub"],
            SshAuthentication.Order([], files, identitiesOnly: true).Select(k => Describe(k)));
    }

    private static string Describe(SshOfferedKey key) => key.AgentKey is { } agent ? $"agent: {agent.Comment}" : $"file: {key.File}";
}

using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;
using Xunit.Abstractions;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Jump hosts through real sshds (<see cref="RealSshd"/>, each on its own port of 127.0.0.1 with
/// its own host key): one hop, a chain of two, host keys checked under each host's own name
/// (never the tunnel's local port), failures naming the hop, and one bastion connection for many
/// gateways, counted in the bastion's own log.
/// </summary>
public class RealSshdJumpTests(ITestOutputHelper output)
{
    private static string KnownHost(RealSshd sshd) => $"{sshd.KnownHostsName} {sshd.PublicKey("host_ed25519")}\n";

    private static SshConnectOptions Hop(RealSshd sshd, SshConnectOptions? via = null) => sshd.Options("root", "id_client", KnownHost(sshd), via);

    [SkippableFact]
    public void AGatewayBehindABastionIsReachedThroughItAndKnownByItsOwnName()
    {
        using var bastion = new RealSshd();
        using var gateway = new RealSshd();

        using var connection = SshConnection.Open(Hop(gateway, Hop(bastion)));

        Assert.Equal("root\n", connection.Run("id -un").Output);
        Assert.NotNull(connection.Via);
        Assert.Equal(bastion.Port, connection.Via.Target.Port);
        Assert.Equal(1, bastion.CountLogins(1));
        Assert.Equal(1, gateway.CountLogins(1));
        // The bastion opened the way to the gateway (a direct-tcpip channel).
        Assert.True(bastion.Logged($"target 127.0.0.1 port {gateway.Port}"), bastion.Log);
    }

    [SkippableFact]
    public void AChainOfTwoHopsIsConnectedInOrder()
    {
        using var outer = new RealSshd();
        using var inner = new RealSshd();
        using var gateway = new RealSshd();

        using var connection = SshConnection.Open(Hop(gateway, Hop(inner, Hop(outer))));

        Assert.Equal("root\n", connection.Run("id -un").Output);
        Assert.Equal(inner.Port, connection.Via!.Target.Port);
        Assert.Equal(outer.Port, connection.Via.Via!.Target.Port);
        Assert.Equal((1, 1, 1), (outer.CountLogins(1), inner.CountLogins(1), gateway.CountLogins(1)));
    }

    [SkippableFact]
    public void TheGatewaysKeyUnderAnotherNameIsNoTrust()
    {
        using var bastion = new RealSshd();
        using var gateway = new RealSshd();
        // known_hosts holds the gateway's key, but under the bastion's name.
        var options = gateway.Options("root", "id_client", $"{bastion.KnownHostsName} {gateway.PublicKey("host_ed25519")}\n", Hop(bastion));

        var ex = Assert.Throws<WgException>(() => SshConnection.Open(options));

        Assert.Equal(WgErrorId.HostKeyUnknown, ex.ErrorId);
        Assert.Contains(gateway.KnownHostsName, ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ABastionWhoseKeyIsUnknownFailsNamingTheHop()
    {
        using var bastion = new RealSshd();
        using var gateway = new RealSshd();
        var hop = bastion.Options("root", "id_client", "");

        var ex = Assert.Throws<WgException>(() => SshConnection.Open(Hop(gateway, hop)));

        Assert.Equal(WgErrorId.JumpHostFailed, ex.ErrorId);
        Assert.Equal($"root@{bastion.KnownHostsName}", ex.Errors[0].Offender);
        Assert.Contains(ex.Errors, e => e.ErrorId == WgErrorId.HostKeyUnknown);
        Assert.Equal(0, gateway.CountLogins(0));
    }

    [SkippableFact]
    public void GatewaysBehindOneBastionShareOneBastionConnection()
    {
        using var bastion = new RealSshd();
        var gateways = Enumerable.Range(0, 4).Select(_ => new RealSshd()).ToArray();
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using (var pool = new SshConnectionPool())
            {
                Parallel.ForEach(gateways, gateway => Assert.Equal("root\n", pool.Get(Hop(gateway, Hop(bastion))).Run("id -un").Output));
                Assert.Equal(gateways.Length + 1, pool.Opened.Count);
            }
            var through = watch.Elapsed;
            watch.Restart();
            using (var pool = new SshConnectionPool())
                Parallel.ForEach(gateways, gateway => pool.Get(Hop(gateway)).Run("id -un"));
            output.WriteLine($"{gateways.Length} gateways through one bastion: {through.TotalMilliseconds:F0} ms, {bastion.CountLogins(1)} bastion login(s); direct: {watch.Elapsed.TotalMilliseconds:F0} ms");

            Assert.Equal(1, bastion.CountLogins(1));
            Assert.All(gateways, gateway => Assert.Equal(2, gateway.CountLogins(2))); // once through the bastion, once direct
        }
        finally
        {
            foreach (var gateway in gateways)
                gateway.Dispose();
        }
    }

    [SkippableFact]
    public void AKeyTheAgentHoldsLogsInWithItsFileEncryptedAndNoPassphrase()
    {
        using var agent = new RealSshAgent();
        using var sshd = new RealSshd();
        File.AppendAllText(sshd.Path("authorized_keys"), File.ReadAllText(agent.KeyFile("held-encrypted") + ".pub"));
        var direct = sshd.Options("root", "id_client", KnownHost(sshd));
        var options = new SshConnectOptions
        {
            Target = direct.Target, KnownHostsFiles = direct.KnownHostsFiles, KeyFileNamed = true,
            KeyFiles = [agent.KeyFile("held-encrypted")], AgentSocket = agent.Socket, IdentitiesOnly = true,
        };

        using var connection = SshConnection.Open(options);

        Assert.Equal("root\n", connection.Run("id -un").Output);
        var fingerprint = Tool.Run("ssh-keygen", ["-lf", agent.KeyFile("held-encrypted") + ".pub"]).StdOut.Split(' ')[1];
        Assert.True(sshd.Logged($"Accepted publickey for root from 127.0.0.1"), sshd.Log);
        Assert.True(sshd.Logged(fingerprint), $"sshd did not log the agent's key {fingerprint}: {sshd.Log}");
        // Without the agent the same file wants its passphrase.
        var ex = Assert.Throws<WgException>(() => SshConnection.Open(new SshConnectOptions
        {
            Target = direct.Target, KnownHostsFiles = direct.KnownHostsFiles, KeyFileNamed = true, KeyFiles = [agent.KeyFile("held-encrypted")],
        }));
        Assert.Equal(WgErrorId.KeyFilePassphraseRequired, ex.ErrorId);
    }

    [SkippableFact]
    public void AnAgentCertificateIsOfferedForItsKeyWithIdentitiesOnly()
    {
        using var agent = new RealSshAgent();
        using var sshd = new RealSshd();
        // id_certified is in no authorized_keys; ssh-add adds it with the certificate beside it.
        sshd.Sign("user_ca", "id_certified.pub", ["-I", "wgadmin-test-user", "-n", "root", "-V", "-5m:+1h"]);
        Assert.True(Tool.Run("ssh-add", [sshd.Path("id_certified")], environment: agent.Environment).Ok);
        // Encrypted on disk and its certificate gone: only the agent can sign with it, and only the agent has the certificate.
        Assert.True(Tool.Run("ssh-keygen", ["-q", "-p", "-P", "", "-N", "not given", "-f", sshd.Path("id_certified")]).Ok);
        File.Delete(sshd.Path("id_certified-cert.pub"));
        var direct = sshd.Options("root", "id_client", KnownHost(sshd));

        using var connection = SshConnection.Open(new SshConnectOptions
        {
            Target = direct.Target, KnownHostsFiles = direct.KnownHostsFiles, KeyFileNamed = true,
            KeyFiles = [sshd.Path("id_certified")], AgentSocket = agent.Socket, IdentitiesOnly = true,
        });

        Assert.Equal("root\n", connection.Run("id -un").Output);
        Assert.True(sshd.Logged("wgadmin-test-user"), sshd.Log); // sshd logs the certificate's key ID
    }
}

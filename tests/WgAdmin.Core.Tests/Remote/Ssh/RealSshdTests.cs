using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// WgAdmin's connection (SSH.NET and the code around it) against a real sshd (<see cref="RealSshd"/>):
/// logins that are not root through the real sudo, and certificates made by ssh-keygen -s.
/// </summary>
public class RealSshdTests
{
    private static string KnownHost(RealSshd sshd) => $"{sshd.KnownHostsName} {sshd.PublicKey("host_ed25519")}\n";

    [SkippableFact]
    public void ACommandThatEndsBeforeItsInputIsWrittenGivesItsResult()
    {
        using var sshd = new RealSshd();
        using var connection = SshConnection.Open(sshd.Options("root", "id_client", KnownHost(sshd)));

        // The command exits at once, without reading its input: under load its channel has closed
        // before the input stream is asked for, which SSH.NET refuses (seen in -Task Test).
        for (var i = 0; i < 50; i++)
        {
            var result = connection.Run("echo done; exit 3", i % 2 == 0 ? "input nobody reads\n" : null);
            Assert.Equal((3, "done\n"), (result.ExitCode, result.Output));
        }
    }

    [SkippableFact]
    public void ALoginWithPasswordlessSudoRunsTheScriptAsRoot()
    {
        using var sshd = new RealSshd();
        using var connection = SshConnection.Open(sshd.Options(RealSshd.SudoUser, "id_client", KnownHost(sshd)));

        var output = RemoteRunner.Run(connection, "id -u\n", TimeSpan.FromSeconds(30));

        Assert.Equal(0, output.ExitCode);
        Assert.Equal("0\n", connection.Run(RemoteRunner.RootShell, "id -u\n").Output);
        Assert.Equal($"{RealSshd.SudoUser}\n", connection.Run("id -un").Output); // the login itself is not root
    }

    [SkippableFact]
    public void ALoginWhoseSudoWantsAPasswordIsSudoRequiredWithoutAPrompt()
    {
        using var sshd = new RealSshd();
        using var connection = SshConnection.Open(sshd.Options(RealSshd.PasswordUser, "id_client", KnownHost(sshd)));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var ex = Assert.Throws<WgException>(() => RemoteRunner.Run(connection, "touch /tmp/wgadmin-must-not-run\n", TimeSpan.FromSeconds(30)));

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"sudo took {watch.Elapsed}: did it wait for a password?");
        Assert.Equal(WgErrorId.SudoRequired, ex.ErrorId);
        Assert.Equal("127.0.0.1", ex.Errors[0].Offender);
        Assert.Contains($"'{RealSshd.PasswordUser}' is not root", ex.Message, StringComparison.Ordinal);
        Assert.Contains("sudo: a password is required", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AServerThatStopsAnsweringIsGivenUpAfterServerAliveCountMaxKeepalives()
    {
        Skip.IfNot(SshServerAlive.Supported, "this SSH.NET hides its session differently: ServerAliveCountMax cannot be counted");
        using var sshd = new RealSshd();
        var plain = sshd.Options("root", "id_client", KnownHost(sshd));
        var options = new SshConnectOptions
        {
            Target = plain.Target,
            KeyFiles = plain.KeyFiles,
            KeyFileNamed = true,
            KnownHostsFiles = plain.KnownHostsFiles,
            ConnectTimeout = plain.ConnectTimeout,
            ServerAliveInterval = TimeSpan.FromSeconds(1),
            ServerAliveCountMax = 2,
        };
        using var connection = SshConnection.Open(options);
        Assert.Equal("up\n", connection.Run("echo up").Output);
        Thread.Sleep(2500); // keepalives answered while the server is alive: not counted against it
        Assert.True(connection.IsConnected);

        using (sshd.FreezeSessions())
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            // Without the count only the command's own timeout (40 s here) would end the wait.
            var ex = Assert.Throws<WgException>(() => connection.Run("sleep 60", timeout: TimeSpan.FromSeconds(40)));

            Assert.Equal(WgErrorId.ConnectionFailed, ex.ErrorId);
            Assert.Contains("stopped answering: 2 keepalives every 1 s", ex.Message, StringComparison.Ordinal);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the dead server was noticed after {watch.Elapsed}, not after about 3 s");
            Assert.False(connection.IsConnected);
        }
    }

    [SkippableFact]
    public void ACommandThatStallsPastItsTimeoutIsGivenUpAtTheTimeout()
    {
        using var sshd = new RealSshd();
        using var connection = SshConnection.Open(sshd.Options("root", "id_client", KnownHost(sshd)));

        // The command never reads its input: once the channel's window is full, writing the input
        // blocks. SSH.NET alone ends that only at its session timeout (the connect timeout, here
        // 10 s) as a connection failure; and a lab run saw probes whose reads SSH.NET never ended,
        // 13 minutes against a 2-minute limit. The limit is the command's own.
        var input = new string('x', 8 * 1024 * 1024);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var run = Task.Run(() => connection.Run("sleep 60", input, timeout: TimeSpan.FromSeconds(5)));

        var ended = ((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(40));
        var elapsed = watch.Elapsed;
        Assert.True(ended, $"the command was still waiting after {elapsed}: its 5 s limit was not kept");
        var ex = Assert.IsType<WgException>(run.Exception?.InnerException);
        Assert.True(ex.ErrorId == WgErrorId.RemoteCommandTimedOut, $"{ex.Message} after {elapsed}");
        Assert.Contains("did not finish within 5 s", ex.Message, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"the command was given up after {elapsed}, not at its 5 s limit");
        Assert.False(connection.IsConnected);
    }

    private static string Trusting(RealSshd sshd, string pattern = "[127.0.0.1]:*", string? ca = null) => $"@cert-authority {pattern} {ca ?? sshd.HostCa}\n";

    [SkippableTheory]
    [InlineData("[127.0.0.1]:*")]
    [InlineData("localhost,[127.0.0.1]:*,!gw-x")]
    public void AHostCertificateFromATrustedCaIsTrustedWithNoKeyOnFile(string pattern)
    {
        using var sshd = new RealSshd("-n 127.0.0.1,gw-a -V -5m:+1h");
        using var connection = SshConnection.Open(sshd.Options("root", "id_client", Trusting(sshd, pattern)));

        Assert.Equal("root\n", connection.Run("id -un").Output);
        // The fingerprint is the certified key's, as ssh prints it.
        Assert.Equal(Tool.Run("ssh-keygen", ["-lf", sshd.Path("host_ed25519.pub")]).StdOut.Split(' ')[1], connection.HostKeyFingerprint);
    }

    [SkippableTheory]
    [InlineData("-n 127.0.0.1 -V 20200101:20200102", "it expired at 2020-01-02")]
    [InlineData("-n 127.0.0.1 -V +1d:+2d", "it is not valid before")]
    [InlineData("-n gw-a,10.0.0.1 -V -5m:+1h", "it is for 'gw-a', '10.0.0.1', not '127.0.0.1'")]
    public void AHostCertificateSshWouldRefuseIsRefusedWithTheReason(string signing, string reason)
    {
        using var sshd = new RealSshd(signing);

        var ex = Assert.Throws<WgException>(() => SshConnection.Open(sshd.Options("root", "id_client", Trusting(sshd))));

        Assert.Equal(WgErrorId.HostCertificateInvalid, ex.ErrorId);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("from the trusted CA SHA256:", ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AHostCertificateFromAnUnknownCaIsAnUnknownHostNamingTheCa()
    {
        using var sshd = new RealSshd("-n 127.0.0.1 -V -5m:+1h");
        // Another CA is trusted for the host; the host's own CA is not.
        var ex = Assert.Throws<WgException>(() => SshConnection.Open(sshd.Options("root", "id_client", Trusting(sshd, ca: sshd.UserCa))));

        Assert.Equal(WgErrorId.HostKeyUnknown, ex.ErrorId);
        Assert.Contains("no @cert-authority line trusts for " + sshd.KnownHostsName, ex.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ACertificateOfARevokedCaIsRevoked()
    {
        using var sshd = new RealSshd("-n 127.0.0.1 -V -5m:+1h");
        var knownHosts = Trusting(sshd) + $"@revoked * {sshd.HostCa}\n";

        var ex = Assert.Throws<WgException>(() => SshConnection.Open(sshd.Options("root", "id_client", knownHosts)));

        Assert.Equal(WgErrorId.HostKeyRevoked, ex.ErrorId);
    }

    [SkippableFact]
    public void ACertifiedHostKnownByItsPlainKeyIsTrusted()
    {
        using var sshd = new RealSshd("-n 127.0.0.1 -V -5m:+1h");
        using var connection = SshConnection.Open(sshd.Options("root", "id_client", KnownHost(sshd)));

        Assert.True(connection.IsConnected);
    }

    [SkippableFact]
    public void AUserCertificateBesideTheKeyLogsInWhereTheKeyAloneCannot()
    {
        using var sshd = new RealSshd();
        // id_certified is in no authorized_keys: only the CA's certificate lets it in.
        var alone = Assert.Throws<WgException>(() => SshConnection.Open(sshd.Options("root", "id_certified", KnownHost(sshd))));
        Assert.Equal(WgErrorId.AuthenticationFailed, alone.ErrorId);

        sshd.Sign("user_ca", "id_certified.pub", ["-I", "wgadmin-test-user", "-n", "root", "-V", "-5m:+1h"]);
        using var connection = SshConnection.Open(sshd.Options("root", "id_certified", KnownHost(sshd)));

        Assert.Equal("root\n", connection.Run("id -un").Output);
    }

    [SkippableFact]
    public void ACertificateFileElsewhereIsUsedWithTheKeyItCertifies()
    {
        using var sshd = new RealSshd();
        sshd.Sign("user_ca", "id_certified.pub", ["-I", "wgadmin-test-user", "-n", "root", "-V", "-5m:+1h"]);
        var elsewhere = sshd.Path("issued-cert.pub");
        File.Move(sshd.Path("id_certified-cert.pub"), elsewhere);
        sshd.Sign("user_ca", "id_client.pub", ["-I", "another-key", "-n", "root", "-V", "-5m:+1h"]);
        var options = sshd.Options("root", "id_certified", KnownHost(sshd));
        // The first CertificateFile certifies another key: passed over, as ssh does.
        options = new SshConnectOptions
        {
            Target = options.Target, KeyFiles = options.KeyFiles, KeyFileNamed = true, KnownHostsFiles = options.KnownHostsFiles,
            CertificateFiles = [sshd.Path("id_client-cert.pub"), elsewhere],
        };

        using var connection = SshConnection.Open(options);

        Assert.Equal("root\n", connection.Run("id -un").Output);
        Assert.Equal(elsewhere, SshAuthentication.CertificateFor(sshd.Path("id_certified"), options.CertificateFiles));
    }

    [SkippableFact]
    public void AUserCertificateForAnotherPrincipalIsRefusedByTheServer()
    {
        using var sshd = new RealSshd();
        sshd.Sign("user_ca", "id_certified.pub", ["-I", "wgadmin-test-user", "-n", "someone-else", "-V", "-5m:+1h"]);

        var ex = Assert.Throws<WgException>(() => SshConnection.Open(sshd.Options("root", "id_certified", KnownHost(sshd))));

        Assert.Equal(WgErrorId.AuthenticationFailed, ex.ErrorId);
    }
}

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
}

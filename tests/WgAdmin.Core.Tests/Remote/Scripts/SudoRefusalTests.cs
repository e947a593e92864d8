using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The one command line WgAdmin sends (<see cref="RemoteRunner.RootShell"/>), run for real by bash
/// as users that are not root, with the real sudo reading a sudoers file of the test's own
/// (bind-mounted over /etc/sudoers in a private mount namespace, so the host's is never touched):
/// a user with the NOPASSWD line docs/remote.md gives gets a root shell; one whose rule wants a password, one with no rule and
/// one without sudo on its PATH get <see cref="WgErrorId.SudoRequired"/>, never a prompt.
/// </summary>
public class SudoRefusalTests
{
    private sealed record Login(int Uid, string Name, bool SudoOnPath = true);

    private static readonly Login NoPassword = new(65534, "nobody");
    private static readonly Login WantsPassword = new(1, "daemon");
    private static readonly Login NoRule = new(2, "bin");
    private static readonly Login NoSudo = new(65534, "nobody", SudoOnPath: false);

    private static readonly Dictionary<Login, RemoteResult> Results = new();
    private static readonly object Gate = new();

    /// <summary>Runs RootShell once for every login (one unshare), the script printing the uid it ran as.</summary>
    private static RemoteResult As(Login login)
    {
        OracleGate.Require(needsRoot: true, "sudo", "unshare", "setpriv", "mount", "bash");
        lock (Gate)
        {
            if (Results.Count == 0)
                RunAll();
            return Results[login];
        }
    }

    private static void RunAll()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("sudo, unshare and setpriv are Linux tools.");
        using var dir = new SecretTempDir();
        var sudoers = dir.Write("sudoers", $"Defaults !lecture\n#{NoPassword.Uid} ALL=(root) NOPASSWD: /usr/bin/bash -s\n#{WantsPassword.Uid} ALL=(ALL) ALL\n");
        File.SetUnixFileMode(sudoers, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        // Everything a login needs on its PATH but sudo, for the login without it.
        var bare = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bare, "id"), Tool.FindOnPath("id")!);
        File.CreateSymbolicLink(Path.Combine(bare, "bash"), Tool.FindOnPath("bash")!);
        Directory.CreateDirectory(Path.Combine(dir.Path, "out"));
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0x1ED); // 0755: the logins run bash from it
        File.SetUnixFileMode(bare, (UnixFileMode)0x1ED);

        var logins = new[] { NoPassword, WantsPassword, NoRule, NoSudo };
        var wrapper = new System.Text.StringBuilder($"set -u\nmount --bind {ShellQuote.Quote(sudoers)} /etc/sudoers\n");
        for (var i = 0; i < logins.Length; i++)
        {
            var path = logins[i].SudoOnPath ? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin" : bare;
            var output = ShellQuote.Quote(Path.Combine(dir.Path, "out", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            wrapper.Append($"printf 'id -u\\n' | setpriv --reuid={logins[i].Uid} --regid={logins[i].Uid} --clear-groups env -i PATH={ShellQuote.Quote(path)} bash -c {ShellQuote.Quote(RemoteRunner.RootShell)} >{output}.out 2>{output}.err\n"
                + $"echo $? >{output}.rc\n");
        }
        var script = dir.Write("wrapper.sh", wrapper.ToString());
        var run = Tool.Run("unshare", ["--mount", "--propagation", "private", "bash", script], timeoutSeconds: 60);
        Assert.True(run.Ok, $"the sudo sandbox failed: {run.StdErr}");
        for (var i = 0; i < logins.Length; i++)
        {
            var output = Path.Combine(dir.Path, "out", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Results[logins[i]] = new RemoteResult(int.Parse(File.ReadAllText(output + ".rc").Trim(), System.Globalization.CultureInfo.InvariantCulture),
                File.ReadAllText(output + ".out"), File.ReadAllText(output + ".err"), TimeSpan.Zero);
        }
    }

    [SkippableFact]
    public void ALoginWithPasswordlessSudoGetsARootShell()
    {
        var result = As(NoPassword);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("0\n", result.Output);
        Assert.Null(RemoteRunner.SudoRefusal("nobody@gw", "nobody", "gw", result));
    }

    [SkippableFact]
    public void SudoThatWantsAPasswordIsSudoRequiredAndNoPrompt()
    {
        var result = As(WantsPassword);

        Assert.Equal("", result.Output); // the script never ran
        var error = RemoteRunner.SudoRefusal("daemon@gw", "daemon", "gw", result);
        Assert.NotNull(error);
        Assert.Equal(WgErrorId.SudoRequired, error.ErrorId);
        Assert.Equal("gw", error.Errors[0].Offender);
        Assert.Contains("wants a password", error.Message, StringComparison.Ordinal);
        Assert.Contains("sudo: a password is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("NOPASSWD", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ALoginWithoutASudoersRuleIsSudoRequired()
    {
        var error = RemoteRunner.SudoRefusal("bin@gw", "bin", "gw", As(NoRule));

        Assert.NotNull(error);
        Assert.Equal(WgErrorId.SudoRequired, error.ErrorId);
    }

    [SkippableFact]
    public void AHostWithoutSudoIsSudoRequiredNamingIt()
    {
        var result = As(NoSudo);

        Assert.Equal(127, result.ExitCode);
        var error = RemoteRunner.SudoRefusal("nobody@gw", "nobody", "gw", result);
        Assert.NotNull(error);
        Assert.Equal(WgErrorId.SudoRequired, error.ErrorId);
        Assert.Contains("sudo is not installed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "", "wg: Unable to access interface: No such device\n")]
    [InlineData(1, "@@begin probe\n", "sudo: a password is required\n")]
    [InlineData(2, "", "sudo: a password is required\n")]
    [InlineData(127, "", "bash: line 3: wg: command not found\n")]
    public void AScriptThatRanAndFailedIsNotASudoRefusal(int exitCode, string output, string error) =>
        Assert.Null(RemoteRunner.SudoRefusal("u@gw", "u", "gw", new RemoteResult(exitCode, output, error, TimeSpan.Zero)));
}

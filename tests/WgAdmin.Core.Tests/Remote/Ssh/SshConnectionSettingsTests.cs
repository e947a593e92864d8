using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>SshConnectionSettings.For: which key files are offered, which known_hosts files are read and which one is written, password or passphrase.</summary>
public sealed class SshConnectionSettingsTests : IDisposable
{
    private readonly SecretTempDir _home = new();

    public void Dispose() => _home.Dispose();

    private string InHome(params string[] parts) => Path.Combine([_home.Path, .. parts]);

    private SshConnectionSettings Settings => new() { HomeDirectory = _home.Path };

    [Fact]
    public void WithNothingSaidTheDefaultKeysAndFilesAreUsed()
    {
        var options = Settings.For("gw1", SshConfigFile.Empty);

        Assert.Equal([InHome(".ssh", "id_ed25519"), InHome(".ssh", "id_ecdsa"), InHome(".ssh", "id_rsa")], options.KeyFiles);
        Assert.Equal([InHome(".ssh", "known_hosts"), "/etc/ssh/ssh_known_hosts"], options.KnownHostsFiles);
        Assert.Equal(InHome(".ssh", "known_hosts"), options.KnownHostsWriteFile);
        Assert.Null(options.Password);
        Assert.Null(options.KeyPassphrase);
        Assert.Equal(HostKeyPolicy.Strict, options.HostKeyPolicy);
        Assert.Equal(("gw1", 22), (options.Target.Host, options.Target.Port));
    }

    [Fact]
    public void SshConfigIdentityAndKnownHostsFilesReplaceTheDefaults()
    {
        var config = SshConfigFile.Parse("Host gw1\n  IdentityFile ~/.ssh/gw_key\n  IdentityFile ~/.ssh/second\n  UserKnownHostsFile ~/kh1 ~/kh2\n");

        var options = Settings.For("gw1", config);

        Assert.Equal([InHome(".ssh", "gw_key"), InHome(".ssh", "second")], options.KeyFiles);
        // As in OpenSSH, UserKnownHostsFile replaces ~/.ssh/known_hosts; the system file is still read.
        Assert.Equal([InHome("kh1"), InHome("kh2"), "/etc/ssh/ssh_known_hosts"], options.KnownHostsFiles);
        Assert.Equal(InHome("kh1"), options.KnownHostsWriteFile);
    }

    [Fact]
    public void KnownHostsPathsComeFirstAndTheFirstIsWritten()
    {
        var config = SshConfigFile.Parse("UserKnownHostsFile ~/kh1\n");
        var settings = Settings with { KnownHostsPaths = ["/x/a", "/x/b", InHome(".ssh", "known_hosts")], HostKeyPolicy = HostKeyPolicy.AcceptNew };

        var options = settings.For("gw1", config);

        Assert.Equal(["/x/a", "/x/b", InHome(".ssh", "known_hosts"), InHome("kh1"), "/etc/ssh/ssh_known_hosts"], options.KnownHostsFiles);
        Assert.Equal("/x/a", options.KnownHostsWriteFile);
        Assert.Equal(HostKeyPolicy.AcceptNew, options.HostKeyPolicy);
    }

    [Fact]
    public void AKeyFileBeatsTheConfigAndThePasswordIsItsPassphrase()
    {
        var key = _home.Write("my_key", "not really a key");
        var config = SshConfigFile.Parse("IdentityFile ~/.ssh/gw_key\n");
        var settings = Settings with { KeyFilePath = key, Password = "s3cret" };

        var options = settings.For("gw1", config);

        Assert.Equal([key], options.KeyFiles);
        Assert.Equal("s3cret", options.KeyPassphrase);
        Assert.Null(options.Password);
    }

    [Fact]
    public void WithoutAKeyFileThePasswordIsALoginPassword()
    {
        var options = (Settings with { Password = "s3cret" }).For("gw1", SshConfigFile.Empty);

        Assert.Equal("s3cret", options.Password);
        Assert.Null(options.KeyPassphrase);
        Assert.Equal(3, options.KeyFiles.Count);
    }

    [Fact]
    public void AMissingKeyFileIsRefused()
    {
        var missing = InHome("nope");

        var error = Assert.Throws<WgException>(() => (Settings with { KeyFilePath = missing }).For("gw1", SshConfigFile.Empty));

        Assert.Equal(WgErrorId.AuthenticationFailed, error.ErrorId);
        Assert.Equal(missing, error.Errors[0].Offender);
    }

    [Fact]
    public void UserNameAndPortBeatTheNameAndConfig()
    {
        var config = SshConfigFile.Parse("Host gw1\n  User cfg\n  Port 2200\n");

        var options = (Settings with { UserName = "explicit", Port = 2400 }).For("bob@gw1:2300", config);

        Assert.Equal(("explicit", 2400), (options.Target.User, options.Target.Port));
    }

    [Fact]
    public void LoadSshConfigReadsTheHomeFileOrNothing()
    {
        Assert.Same(SshConfigFile.Empty, Settings.LoadSshConfig());

        Directory.CreateDirectory(InHome(".ssh"));
        File.WriteAllText(InHome(".ssh", "config"), "Host gw1\n  Port 2201\n");
        Assert.Equal(2201, Settings.LoadSshConfig().Resolve("gw1").Port);
    }

    [Fact]
    public void AnExplicitSshConfigThatIsMissingIsAnError()
    {
        var path = InHome("missing_config");

        var error = Assert.Throws<WgException>(() => (Settings with { SshConfigPath = path }).LoadSshConfig());

        Assert.Equal(WgErrorId.SshConfigError, error.ErrorId);
        Assert.Equal(path, error.Errors[0].Offender);
    }

    [Fact]
    public void AnExplicitSshConfigIsUsed()
    {
        var path = _home.Write("other_config", "Host *\n  User fromfile\n");

        Assert.Equal("fromfile", (Settings with { SshConfigPath = path }).LoadSshConfig().Resolve("gw9").User);
    }
}

using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>SshTarget.Split (what the admin typed) and Resolve (explicit, then user@host:port, then ssh_config, then defaults).</summary>
public class SshTargetTests
{
    [Theory]
    [InlineData("gw1", null, "gw1", null)]
    [InlineData("root@gw1", "root", "gw1", null)]
    [InlineData("gw1:2222", null, "gw1", 2222)]
    [InlineData("admin@gw1.example.com:22", "admin", "gw1.example.com", 22)]
    [InlineData("192.0.2.1:65535", null, "192.0.2.1", 65535)]
    [InlineData("192.0.2.1:1", null, "192.0.2.1", 1)]
    [InlineData("[fd00::1]:2222", null, "fd00::1", 2222)]
    [InlineData("[fd00::1]", null, "fd00::1", null)]
    [InlineData("fd00::1", null, "fd00::1", null)]
    [InlineData("2001:db8::10", null, "2001:db8::10", null)]
    [InlineData("::1", null, "::1", null)]
    [InlineData("ops@[2001:db8::1]:22", "ops", "2001:db8::1", 22)]
    [InlineData("ops@fd00::1", "ops", "fd00::1", null)]
    [InlineData("[fe80::1%eth0]:22", null, "fe80::1%eth0", 22)]
    [InlineData("deploy_user.x-1@gw_1.example", "deploy_user.x-1", "gw_1.example", null)]
    [InlineData("ops@gw1:0022", "ops", "gw1", 22)]
    public void SplitAcceptsWhatAdminsType(string typed, string? user, string host, int? port)
    {
        Assert.Equal((user, host, port), SshTarget.Split(typed));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("gw 1")]
    [InlineData("gw1\n")]
    [InlineData("gw1\t")]
    [InlineData("\u00a0gw1")]
    [InlineData("@gw1")]
    [InlineData("root@")]
    [InlineData(":22")]
    [InlineData("gw1:")]
    [InlineData("gw1:0")]
    [InlineData("gw1:65536")]
    [InlineData("gw1:123456")]
    [InlineData("gw1:abc")]
    [InlineData("gw1:+22")]
    [InlineData("gw1:-1")]
    [InlineData("gw1:\u0663")]
    [InlineData("[fd00::1")]
    [InlineData("[fd00::1]x")]
    [InlineData("[fd00::1]:")]
    [InlineData("[fd00::1]:70000")]
    [InlineData("[]:22")]
    [InlineData("[]")]
    [InlineData("-oProxyCommand=touch")]
    [InlineData("root@-oProxyCommand=touch")]
    [InlineData("[-x]:22")]
    // Only letters, digits and . - _ in a user name; a host name adds ':' and '%' (IPv6 with a scope).
    [InlineData("a@b@gw1")]
    [InlineData("-u@gw1")]
    [InlineData("us$er@gw1")]
    [InlineData("gw1;id")]
    [InlineData("gw1/x")]
    [InlineData("gw*")]
    [InlineData("[gw1'x]:22")]
    [InlineData("ops@gw1$(id)")]
    public void SplitRefusesBadNames(string typed)
    {
        var error = Assert.Throws<WgException>(() => SshTarget.Split(typed));

        Assert.Equal(WgErrorId.InvalidComputerName, error.ErrorId);
        Assert.Equal(typed, error.Errors[0].Offender);
        Assert.Contains(Quote.Value(typed), error.Message, StringComparison.Ordinal);
        // Resolve refuses the same names with the same ID.
        Assert.Equal(WgErrorId.InvalidComputerName, Assert.Throws<WgException>(() => SshTarget.Resolve(typed, SshConfigFile.Empty)).ErrorId);
    }

    private static readonly SshConfigFile Config = SshConfigFile.Parse("""
        Host gw1
          HostName 10.1.1.1
          User cfguser
          Port 2200
          IdentityFile ~/.ssh/gw1_key
          IdentityFile %d/keys/%r@%h
          UserKnownHostsFile ~/.ssh/kh_%n
        Host *.lab
          User labuser
        """);

    [Fact]
    public void ConfigFillsWhatTheNameLeavesOut()
    {
        var target = SshTarget.Resolve("gw1", Config, homeDirectory: "/home/ada");

        Assert.Equal("gw1", target.ComputerName);
        Assert.Equal("10.1.1.1", target.Host);
        Assert.Equal("cfguser", target.User);
        Assert.Equal(2200, target.Port);
        Assert.Equal(["/home/ada/.ssh/gw1_key", "/home/ada/keys/cfguser@10.1.1.1"], target.IdentityFiles);
        Assert.Equal(["/home/ada/.ssh/kh_gw1"], target.KnownHostsFiles);
        Assert.Equal("[10.1.1.1]:2200", target.KnownHostsName);
        Assert.Equal("cfguser@[10.1.1.1]:2200", target.ToString());
    }

    [Fact]
    public void UserAndPortInTheNameBeatTheConfig()
    {
        var target = SshTarget.Resolve("bob@gw1:2300", Config, homeDirectory: "/home/ada");

        Assert.Equal(("10.1.1.1", "bob", 2300), (target.Host, target.User, target.Port));
        // %r is the user finally chosen.
        Assert.Equal("/home/ada/keys/bob@10.1.1.1", target.IdentityFiles[1]);
    }

    [Fact]
    public void ExplicitParametersBeatTheName()
    {
        var target = SshTarget.Resolve("bob@gw1:2300", Config, userName: "carol", port: 2400, homeDirectory: "/home/ada");

        Assert.Equal(("10.1.1.1", "carol", 2400), (target.Host, target.User, target.Port));
    }

    [Fact]
    public void DefaultsApplyWhereNothingIsSaid()
    {
        var target = SshTarget.Resolve("other.example", Config, homeDirectory: "/home/ada");

        Assert.Equal(("other.example", Environment.UserName, 22), (target.Host, target.User, target.Port));
        Assert.Empty(target.IdentityFiles);
        Assert.Empty(target.KnownHostsFiles);
        Assert.Equal("other.example", target.KnownHostsName);
    }

    [Fact]
    public void WildcardBlockMatchesTheAliasWithoutItsUser()
    {
        var target = SshTarget.Resolve("x.lab:2022", Config, homeDirectory: "/home/ada");

        Assert.Equal(("x.lab", "labuser", 2022), (target.Host, target.User, target.Port));
        Assert.Equal("[x.lab]:2022", target.KnownHostsName);
    }

    [Fact]
    public void IPv6TargetIsBracketedInKnownHostsOffPort22()
    {
        Assert.Equal("fd00::1", SshTarget.Resolve("fd00::1", SshConfigFile.Empty).KnownHostsName);
        Assert.Equal("[fd00::1]:2222", SshTarget.Resolve("[fd00::1]:2222", SshConfigFile.Empty).KnownHostsName);
    }

    [Fact]
    public void HostNamesAreLowercasedAsSshDoes()
    {
        // ssh looks a host up in known_hosts (hashed entries included) by its lowercased name.
        var config = SshConfigFile.Parse("Host Alias1\n  HostName MyHost.Example\n");

        Assert.Equal("myhost.example", SshTarget.Resolve("Alias1", config).Host);
        Assert.Equal("gw1.example.com", SshTarget.Resolve("GW1.Example.com", SshConfigFile.Empty).Host);
        Assert.Equal("[gw1.example.com]:2222", SshTarget.Resolve("ops@GW1.Example.com:2222", SshConfigFile.Empty).KnownHostsName);
    }

    [Fact]
    public void PercentPercentIsALiteralPercent()
    {
        var config = SshConfigFile.Parse("Host gw1\n  HostName x%%h\n  IdentityFile ~/k%%d_%h\n");

        var target = SshTarget.Resolve("gw1", config, homeDirectory: "/home/ada");

        Assert.Equal("x%h", target.Host);
        Assert.Equal(["/home/ada/k%d_x%h"], target.IdentityFiles);
    }

    /// <summary>A HostName or User from ssh_config goes where a typed name would, so it is held to the same rules, with its line.</summary>
    [Theory]
    [InlineData("HostName gw1;touch${IFS}/tmp/x", "gw1;touch${IFS}/tmp/x")]
    [InlineData("HostName -oProxyCommand=id", "-oProxyCommand=id")]
    [InlineData("HostName \"gw 1\"", "gw 1")]
    [InlineData("HostName $(id)%h", "$(id)gw1")]
    [InlineData("HostName gw\u200b1", "gw\u200b1")]
    [InlineData("User -oProxyCommand=id", "-oProxyCommand=id")]
    [InlineData("User root;id", "root;id")]
    [InlineData("User `id`", "`id`")]
    [InlineData("User ad\u00e9le", "ad\u00e9le")]
    public void AConfigHostNameOrUserIsHeldToTheComputerNameRules(string option, string value)
    {
        var config = SshConfigFile.Parse($"Host other\n  User fine\nHost gw1\n  {option}\n");

        var error = Assert.Single(Assert.Throws<WgException>(() => SshTarget.Resolve("gw1", config)).Errors);
        Assert.Equal(WgErrorId.SshConfigError, error.ErrorId);
        Assert.Equal(4, error.Line);
        Assert.Equal(value, error.Offender);
        Assert.Contains(Quote.Value(value), error.Message, StringComparison.Ordinal);
        // A block that does not apply is not judged, and a name given on the line does not need the config's.
        Assert.Equal("fine", SshTarget.Resolve("other", config).User);
    }

    [Theory]
    [InlineData("HashKnownHosts yes", true)]
    [InlineData("hashknownhosts=YES", true)]
    [InlineData("HashKnownHosts true", true)]
    [InlineData("HashKnownHosts no", false)]
    [InlineData("", false)]
    public void HashKnownHostsIsReadFromTheConfig(string option, bool hashed)
    {
        Assert.Equal(hashed, SshTarget.Resolve("gw1", SshConfigFile.Parse($"Host gw1\n  {option}\n  HashKnownHosts no\n")).HashKnownHosts);
    }

    [Fact]
    public void HashKnownHostsTakesOnlyYesOrNo()
    {
        var error = Assert.Single(Assert.Throws<WgException>(() => SshConfigFile.Parse("HashKnownHosts maybe\n").Resolve("gw1")).Errors);
        Assert.Equal((WgErrorId.SshConfigError, 1, "maybe"), (error.ErrorId, error.Line, error.Offender));
    }
}

using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Include in ssh config files, as ssh reads them: in place, relative to ~/.ssh, wildcards in
/// sorted order, conditional on the Host block it sits in; and checked against `ssh -G`.
/// </summary>
public class SshConfigIncludeTests
{
    /// <summary>A config whose includes cover the cases: top level, inside a Host block, inside Host *, wildcards, a missing file.</summary>
    private static (string Config, string Home) Layout(SecretTempDir dir)
    {
        Directory.CreateDirectory(Path.Combine(dir.Path, ".ssh", "conf.d"));
        var top = dir.Write("top", "Host gw-b\n  Port 2022\n");
        dir.Write(".ssh/inc-a", "HostName a.example\nHost site-c\n  Port 2201\n");
        dir.Write(".ssh/conf.d/2-all", "Host site-c\n  User c-user\n");
        dir.Write(".ssh/conf.d/1-all", "Port 2222\nHost gw-b\n  HostName b.example\n  User b-user\n");
        dir.Write(".ssh/conf.d/.hidden", "Host gw-b\n  HostName hidden.example\n");
        var config = dir.Write(".ssh/config", $"""
            Include {top}
            User top-user-after-include
            Host gw-a
              Include inc-a
              Port 2001
            Host *
              Include conf.d/*-all missing-file
              User fallback
            """);
        return (config, dir.Path);
    }

    public static TheoryData<string, string, string, int> Expected => new()
    {
        // alias, hostname, user, port
        { "gw-a", "a.example", "top-user-after-include", 2001 },
        { "gw-b", "b.example", "top-user-after-include", 2022 },
        { "site-c", "site-c", "top-user-after-include", 2222 },
        { "other", "other", "top-user-after-include", 2222 },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void IncludedFilesApplyInPlaceAndOnlyWhereTheirBlockDoes(string alias, string hostName, string user, int port)
    {
        using var dir = new SecretTempDir();
        var (config, home) = Layout(dir);
        var target = SshTarget.Resolve(alias, SshConfigFile.Load(config, home), homeDirectory: home);
        Assert.Equal((hostName, user, port), (target.Host, target.User, target.Port));
    }

    [Fact]
    public void IncludedHostAliasesAreListedInReadingOrder()
    {
        using var dir = new SecretTempDir();
        var (config, home) = Layout(dir);
        Assert.Equal(["gw-b", "gw-a", "site-c", "gw-b", "site-c"], SshConfigFile.Load(config, home).HostPatterns.Where(p => p != "*"));
        Assert.Equal(["gw-b", "gw-a", "site-c"], WgCompletion.SshConfigHosts(config, home));
    }

    [Fact]
    public void ParsedTextFollowsNoInclude() =>
        Assert.Null(SshConfigFile.Parse("Include /etc/passwd\nHost gw\n").Resolve("gw").HostName);

    [Fact]
    public void AnIncludeLoopIsAnError()
    {
        using var dir = new SecretTempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, ".ssh"));
        var config = dir.Write(".ssh/config", "Include config\n");
        var error = Assert.Throws<WgException>(() => SshConfigFile.Load(config, dir.Path));
        Assert.Equal(WgErrorId.SshConfigError, error.ErrorId);
    }

    /// <summary>The same layout through the real ssh: `ssh -G -F config alias`, with HOME's .ssh standing in by absolute paths.</summary>
    [SkippableFact]
    public void SshReadsTheIncludesTheSameWay()
    {
        RemoteOracle.Require(needsRoot: false, "ssh");
        using var dir = new SecretTempDir();
        var (config, home) = Layout(dir);
        // ssh takes relative Include paths from the account's real ~/.ssh: make them absolute for it.
        var text = File.ReadAllText(config).Replace("Include inc-a", $"Include {home}/.ssh/inc-a", StringComparison.Ordinal)
            .Replace("Include conf.d/*-all missing-file", $"Include {home}/.ssh/conf.d/*-all {home}/.ssh/missing-file", StringComparison.Ordinal);
        var absolute = dir.Write("config-absolute", text);
        foreach (var row in Expected)
        {
            var alias = (string)row[0];
            var run = Tool.Run("ssh", ["-G", "-F", absolute, alias]);
            Assert.True(run.Ok, run.StdErr);
            var lines = run.StdOut.Split('\n');
            string Value(string key) => lines.First(l => l.StartsWith(key + " ", StringComparison.Ordinal))[(key.Length + 1)..];
            Assert.Equal(((string)row[1], (string)row[2], ((int)row[3]).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                (Value("hostname"), Value("user"), Value("port")));
            var ours = SshTarget.Resolve(alias, SshConfigFile.Load(absolute, home), homeDirectory: home);
            Assert.Equal((Value("hostname"), Value("user"), Value("port")), (ours.Host, ours.User, ours.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }
}

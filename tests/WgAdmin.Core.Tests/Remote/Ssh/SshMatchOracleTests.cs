using System.Globalization;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Match blocks, ConnectTimeout and ServerAliveInterval/CountMax as the real ssh reads them:
/// `ssh -G -F FILE ALIAS` over a table of configs, every alias of each, compared on hostname,
/// user, port and the three times; configs ssh refuses are refused here too, with the line.
/// </summary>
public class SshMatchOracleTests
{
    private static readonly string[] Aliases = ["gw-a", "gw-b", "GW-C", "db1", "bastion", "10.1.2.3", "other"];

    public static TheoryData<string> Configs => new()
    {
        // host is the HostName set so far; originalhost the alias.
        "Host gw-*\n  HostName %h.lab.example\nMatch host *.lab.example\n  User ops\n  Port 2201\nMatch originalhost gw-b\n  User bee\n",
        // user is the User set so far, else the local user.
        "Host db*\n  User dba\nMatch user dba\n  Port 5432\nMatch !user dba\n  ConnectTimeout 7\n",
        "Match localuser " + Environment.UserName + "\n  User me-local\nMatch localuser nobody-here\n  User never\n",
        // Criteria are and-ed; pattern lists are comma-separated with negations; a criterion negated.
        "Match host gw-*,!gw-b originalhost gw-*\n  User gate\nMatch !host gw-*,db*\n  ServerAliveInterval 15\n  ServerAliveCountMax 4\n",
        // all, and first value wins across Host and Match blocks.
        "Match all\n  ConnectTimeout 1m30s\nHost *\n  ConnectTimeout 5\n  ServerAliveInterval 1h\n",
        // Case: host and originalhost ignore it, user does not.
        "Match originalhost gw-c\n  User lower\nMatch host GW-A\n  User upper\nMatch user ROOT\n  Port 2\n",
        // Times in every unit, and none.
        "Host gw-a\n  ConnectTimeout none\n  ServerAliveInterval 2m\nHost gw-b\n  ConnectTimeout 1W\n  ServerAliveInterval 10S\nHost db1\n  ConnectTimeout 1d2h3m4s\n  ServerAliveCountMax 0\nHost *\n  ServerAliveInterval 0\n",
        // Options before any Host or Match line, a Match block after a Host block, key=value.
        "ServerAliveCountMax=9\nHost bastion\n  User b\nMatch host 10.*\n  User=ten\n  ConnectTimeout=3\n",
    };

    private static Dictionary<string, string> SshG(string file, string alias)
    {
        var printed = Tool.Run("ssh", ["-G", "-F", file, alias]);
        Assert.True(printed.Ok, $"ssh -G {alias}: {printed.StdErr}");
        var values = new Dictionary<string, string>();
        foreach (var line in printed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (line.Split(' ', 2) is [var key, var value])
                values.TryAdd(key, value);
        return values;
    }

    [SkippableTheory]
    [MemberData(nameof(Configs))]
    public void ResolvesAsSshG(string config)
    {
        OracleGate.Require(needsRoot: false, "ssh");
        using var dir = new SecretTempDir();
        var file = dir.Write("config", config);
        var parsed = SshConfigFile.Parse(config);
        foreach (var alias in Aliases)
        {
            var ssh = SshG(file, alias);
            var context = $"alias {alias}, config:\n{config}";
            var target = SshTarget.Resolve(alias, parsed, homeDirectory: dir.Path);
            var options = parsed.Resolve(alias);
            Assert.True(ssh["hostname"] == target.Host, $"hostname: ssh {ssh["hostname"]}, we {target.Host}; {context}");
            Assert.True(ssh["user"] == target.User, $"user: ssh {ssh["user"]}, we {target.User}; {context}");
            Assert.True(ssh["port"] == target.Port.ToString(CultureInfo.InvariantCulture), $"port: ssh {ssh["port"]}, we {target.Port}; {context}");
            // ssh prints "none" for no ConnectTimeout (and for "none"); a zero it prints as 0... never here.
            var connectTimeout = options.ConnectTimeout is { } t && t > TimeSpan.Zero ? ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) : "none";
            Assert.True(ssh["connecttimeout"] == connectTimeout, $"connecttimeout: ssh {ssh["connecttimeout"]}, we {connectTimeout}; {context}");
            var interval = ((int)(options.ServerAliveInterval ?? TimeSpan.Zero).TotalSeconds).ToString(CultureInfo.InvariantCulture);
            Assert.True(ssh["serveraliveinterval"] == interval, $"serveraliveinterval: ssh {ssh["serveraliveinterval"]}, we {interval}; {context}");
            var count = (options.ServerAliveCountMax ?? 3).ToString(CultureInfo.InvariantCulture);
            Assert.True(ssh["serveralivecountmax"] == count, $"serveralivecountmax: ssh {ssh["serveralivecountmax"]}, we {count}; {context}");
        }
    }

    /// <summary>What ssh refuses to read, WgAdmin refuses too: SshConfigError naming the line.</summary>
    [SkippableTheory]
    [InlineData("Host x\n  User u\nMatch\n  User v\n", 3)]
    [InlineData("Match all host x\n  User v\n", 1)]
    [InlineData("Match host\n  User v\n", 1)]
    [InlineData("Match hostname x\n  User v\n", 1)]
    [InlineData("Host *\n  ConnectTimeout 5x\n", 2)]
    [InlineData("Host *\n  ConnectTimeout -5\n", 2)]
    [InlineData("Host *\n  ServerAliveInterval m\n", 2)]
    [InlineData("Host *\n  ServerAliveCountMax three\n", 2)]
    public void RefusesWhatSshRefuses(string config, int line)
    {
        OracleGate.Require(needsRoot: false, "ssh");
        using var dir = new SecretTempDir();
        var file = dir.Write("config", config);
        var ssh = Tool.Run("ssh", ["-G", "-F", file, "x"]);
        Assert.False(ssh.Ok, $"ssh -G read it: {ssh.StdOut}");

        var ex = Assert.Throws<WgException>(() => SshConfigFile.Parse(config).Resolve("x"));
        Assert.Equal(WgErrorId.SshConfigError, ex.ErrorId);
        Assert.Equal(line, ex.Errors[0].Line);
    }

    [Theory]
    [InlineData("exec \"test -f /tmp/x\"")]
    [InlineData("host gw-* exec true")]
    [InlineData("canonical")]
    [InlineData("final")]
    public void MatchExecCanonicalAndFinalAreRefusedWhenReached(string criteria)
    {
        var config = $"Host gw-a\n  User first\nMatch {criteria}\n  User v\n";
        var ex = Assert.Throws<WgException>(() => SshConfigFile.Parse(config).Resolve("gw-b"));
        Assert.Equal(WgErrorId.SshConfigError, ex.ErrorId);
        Assert.Equal(3, ex.Errors[0].Line);
        Assert.Contains("not supported", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMatchExecAfterAFailedCriterionIsNotReached()
    {
        // ssh evaluates no exec once an earlier criterion failed; neither does WgAdmin refuse it.
        var config = "Match originalhost elsewhere exec \"false\"\n  User v\nHost *\n  User w\n";
        Assert.Equal("w", SshConfigFile.Parse(config).Resolve("gw-a").User);
    }

    [Fact]
    public void ConfigTimesReachTheConnectionUnlessTheCallerGivesOne()
    {
        using var dir = new SecretTempDir();
        var config = SshConfigFile.Parse("Match host gw-*\n  ConnectTimeout 4\n  ServerAliveInterval 20\n  ServerAliveCountMax 2\nHost *\n  ConnectTimeout none\n");
        var settings = new SshConnectionSettings { HomeDirectory = dir.Path, EnvironmentVariable = _ => null };

        var gateway = settings.For("gw-a", config);
        Assert.Equal(TimeSpan.FromSeconds(4), gateway.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), gateway.ServerAliveInterval);
        Assert.Equal(2, gateway.ServerAliveCountMax);

        var other = settings.For("db1", config);
        Assert.Equal(SshConnectionSettings.DefaultConnectTimeout, other.ConnectTimeout); // "none": WgAdmin's default, not forever
        Assert.Equal(TimeSpan.Zero, other.ServerAliveInterval);
        Assert.Equal(3, other.ServerAliveCountMax);

        Assert.Equal(TimeSpan.FromSeconds(9), (settings with { ConnectTimeout = TimeSpan.FromSeconds(9) }).For("gw-a", config).ConnectTimeout);
    }

    [SkippableFact]
    public void CertificateFilesAccumulateAsSshGListsThem()
    {
        OracleGate.Require(needsRoot: false, "ssh");
        using var dir = new SecretTempDir();
        var config = "Host gw-*\n  CertificateFile ~/.ssh/gw-cert.pub\n  CertificateFile /etc/ssh/%r-cert.pub\nMatch all\n  CertificateFile ~/.ssh/gw-cert.pub\n  CertificateFile ~/.ssh/all-cert.pub\n";
        var file = dir.Write("config", config);
        foreach (var alias in new[] { "gw-a", "db1" })
        {
            var printed = Tool.Run("ssh", ["-G", "-F", file, alias]);
            Assert.True(printed.Ok, printed.StdErr);
            var ssh = printed.StdOut.Split('\n').Where(l => l.StartsWith("certificatefile ", StringComparison.Ordinal)).Select(l => l["certificatefile ".Length..]).ToArray();

            Assert.Equal(ssh, SshConfigFile.Parse(config).Resolve(alias).CertificateFiles);
        }
    }
}

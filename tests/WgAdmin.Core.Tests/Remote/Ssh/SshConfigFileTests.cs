using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>The ssh_config(5) subset: Host blocks, first value wins, IdentityFile accumulates, both "Key value" and "Key=value".</summary>
public class SshConfigFileTests
{
    [Fact]
    public void FirstValueWinsAndIdentityFilesAccumulate()
    {
        var config = SshConfigFile.Parse("""
            # a comment
            Host gw1
              HostName first.example
              HostName second.example
              IdentityFile ~/a
            Host *
              HostName never.example
              User everyone
              Port 2222
              IdentityFile ~/b
            """);

        var options = config.Resolve("gw1");

        Assert.Equal("first.example", options.HostName);
        Assert.Equal("everyone", options.User);
        Assert.Equal(2222, options.Port);
        Assert.Equal(["~/a", "~/b"], options.IdentityFiles);
    }

    [Fact]
    public void OptionsBeforeAnyHostLineApplyToAll()
    {
        var options = SshConfigFile.Parse("User early\nHost gw1\n  User late\n").Resolve("gw1");

        Assert.Equal("early", options.User);
    }

    [Theory]
    [InlineData("Port 2200")]
    [InlineData("Port=2200")]
    [InlineData("Port = 2200")]
    [InlineData("port\t2200")]
    [InlineData("PORT  =  2200")]
    [InlineData("  Port 2200  ")]
    [InlineData("Port \"2200\"")]
    public void KeywordSpellingsAndSeparators(string line)
    {
        Assert.Equal(2200, SshConfigFile.Parse(line + "\n").Resolve("any").Port);
    }

    [Theory]
    [InlineData("web1.example.com", true)]
    [InlineData("webbad.example.com", false)]
    [InlineData("example.com", false)]
    [InlineData("gw7", true)]
    [InlineData("gw77", false)]
    [InlineData("db", false)]
    public void PatternsWildcardsAndNegation(string host, bool matched)
    {
        var config = SshConfigFile.Parse("Host *.example.com !webbad.example.com gw?\n  User hit\n");

        Assert.Equal(matched ? "hit" : null, config.Resolve(host).User);
    }

    [Fact]
    public void TrailingCommentsAreNotValues()
    {
        // `ssh -G` reads "User alice # the admin" as user alice, and "Host gw1 # prod box" as the one pattern gw1.
        var config = SshConfigFile.Parse("Host gw1 # prod box\n  User alice # the admin\n  Port 2200\t# odd port\n  IdentityFile \"~/my #1 key\" # quoted\n");

        var options = config.Resolve("gw1");

        Assert.Equal(("alice", 2200), (options.User, options.Port));
        Assert.Equal(["~/my #1 key"], options.IdentityFiles);
        Assert.Null(config.Resolve("prod").User);
        // (A '#' inside a word is kept; a user name may not hold one, a path may.)
        Assert.Equal(["~/a#b"], SshConfigFile.Parse("IdentityFile ~/a#b\n").Resolve("x").IdentityFiles);
    }

    [Fact]
    public void APatternWithManyStarsIsMatchedAtOnce()
    {
        // As a regex, this pattern against 30 a's took 14 s: every '*' tried every split of the name.
        const string pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*b";
        var name = new string('a', 30);
        var config = SshConfigFile.Parse($"Host {pattern}\n  User hit\n");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.Null(config.Resolve(name).User);
        Assert.Equal("hit", config.Resolve(name + "b").User);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
    }

    [Fact]
    public void NegationAloneMatchesNothing()
    {
        Assert.Null(SshConfigFile.Parse("Host !gw1\n  User hit\n").Resolve("gw2").User);
    }

    [Fact]
    public void HostPatternsAreCaseSensitiveAsInSsh()
    {
        // `ssh -G -F f gw1` with "Host Gw1" does not apply the block: ssh matches the alias as typed.
        var config = SshConfigFile.Parse("Host Gw1\n  User hit\n");

        Assert.Equal("hit", config.Resolve("Gw1").User);
        Assert.Null(config.Resolve("gw1").User);
        Assert.Null(config.Resolve("GW1").User);
    }

    [Fact]
    public void MatchBlocksApplyWhereTheyStand()
    {
        var config = SshConfigFile.Parse("Match host gw1\n  User matched\nHost gw1\n  User hosted\n");

        Assert.Equal("matched", config.Resolve("gw1").User);
        Assert.Null(config.Resolve("gw2").User);
    }

    [Fact]
    public void HostNameExpandsPercentH()
    {
        var config = SshConfigFile.Parse("Host gw*\n  HostName %h.internal.example\n");

        Assert.Equal("gw3.internal.example", config.Resolve("gw3").HostName);
    }

    [Fact]
    public void DuplicateIdentityFilesAreListedOnce()
    {
        // ssh -G lists a file named twice once; offering a key twice only spends an authentication attempt.
        var options = SshConfigFile.Parse("Host gw1\n  IdentityFile ~/k1\nHost *\n  IdentityFile ~/k1\n  IdentityFile ~/k2\n").Resolve("gw1");

        Assert.Equal(["~/k1", "~/k2"], options.IdentityFiles);
    }

    [Fact]
    public void UserKnownHostsFileTakesSeveralFilesFromItsFirstLine()
    {
        var options = SshConfigFile.Parse("UserKnownHostsFile ~/a ~/b\nUserKnownHostsFile ~/c\n").Resolve("x");

        Assert.Equal(["~/a", "~/b"], options.UserKnownHostsFiles);
    }

    [Theory]
    [InlineData("Port abc", 1)]
    [InlineData("Port 0", 1)]
    [InlineData("Port 65536", 1)]
    [InlineData("# c\nHost x\n  Port -5", 3)]
    public void BadPortIsAnErrorWithItsLine(string text, int line)
    {
        var error = Assert.Throws<WgException>(() => SshConfigFile.Parse(text).Resolve("x"));

        Assert.Equal(WgErrorId.SshConfigError, error.ErrorId);
        Assert.Equal(line, error.Errors[0].Line);
    }

    [Fact]
    public void KeywordWithoutValueIsAnError()
    {
        var error = Assert.Throws<WgException>(() => SshConfigFile.Parse("Host gw1\nHostName\n"));

        Assert.Equal(WgErrorId.SshConfigError, error.ErrorId);
        Assert.Equal(2, error.Errors[0].Line);
    }
}

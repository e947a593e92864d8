using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>Where tab completion finds host and interface names: ssh_config, known_hosts, config folders, a gateway's listing.</summary>
public class WgCompletionTests
{
    [Fact]
    public void HostAliasesAreThePlainHostPatterns()
    {
        const string config = """
            # gateways
            Host gw-a gw-b
                HostName 198.51.100.1
            Host *.lab !gw-c gw-? gw-d # the rest
            Host = "gw-e"
            Match host gw-f
                User root
            HostName ignored
            """;
        Assert.Equal(["gw-a", "gw-b", "gw-d", "gw-e"], WgCompletion.SshConfigHosts(config));
    }

    [Fact]
    public void IncludedFilesAreFollowedAsSshReadsThem()
    {
        using var home = new SecretTempDir();
        Directory.CreateDirectory(Path.Combine(home.Path, ".ssh", "config.d"));
        home.Write(".ssh/config", "Include config.d/*.conf ~/extra missing\nHost main\n");
        home.Write(".ssh/config.d/20-site.conf", "Host site-b\n");
        home.Write(".ssh/config.d/10-site.conf", "Host site-a\nInclude ~/.ssh/config.d/nested\n");
        home.Write(".ssh/config.d/nested", "Host nested\n");
        home.Write(".ssh/config.d/other.txt", "Host not-included\n");
        home.Write("extra", "Host extra\n");

        Assert.Equal(["site-a", "nested", "site-b", "extra", "main"], WgCompletion.SshConfigHosts(Path.Combine(home.Path, ".ssh", "config"), home.Path));
    }

    [Fact]
    public void AnIncludeLoopOffersNothing()
    {
        using var home = new SecretTempDir();
        Directory.CreateDirectory(Path.Combine(home.Path, ".ssh"));
        home.Write(".ssh/config", "Host looped\nInclude config\n");

        // ssh refuses the file (too many nested includes); completion offers nothing rather than fail.
        Assert.Empty(WgCompletion.SshConfigHosts(Path.Combine(home.Path, ".ssh", "config"), home.Path));
    }

    [Fact]
    public void AMissingConfigOffersNothing() =>
        Assert.Empty(WgCompletion.SshConfigHosts("/nonexistent/wgadmin/config", "/nonexistent"));

    [Fact]
    public void KnownHostNamesArePlainNamesAndBracketedPortsWithoutHashesOrMarkers()
    {
        const string knownHosts = """
            gw-a,198.51.100.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA
            [gw-b]:2222,[198.51.100.2]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA
            |1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-rsa AAAA
            @revoked gw-old ssh-rsa AAAA
            @cert-authority *.lab ssh-rsa AAAA
            *.example.org,!gw-x,gw-? ssh-rsa AAAA
            # gw-commented ssh-rsa AAAA
            GW-A ssh-rsa AAAA
            [gw-c] ssh-rsa AAAA
            """;
        Assert.Equal(["gw-a", "198.51.100.1", "gw-b", "198.51.100.2", "gw-c"], WgCompletion.KnownHostNames(knownHosts));
    }

    /// <summary>Completion inserts what it offers into a command line: only names -ComputerName accepts, never a shell or PowerShell character.</summary>
    [Fact]
    public void NamesThatAComputerNameRefusesAreNotOffered()
    {
        const string knownHosts = """
            gwz;hostname,gw$(id),gw`id`,gw&calc,gw|x,gw{1},gw(2),gw>f,-oProxyCommand=x,gw@ ssh-ed25519 AAAA
            gw-ok,fe80::1%eth0,[fd00::5]:2222,root@gw-user ssh-ed25519 AAAA
            """;
        Assert.Equal(["gw-ok", "fe80::1%eth0", "fd00::5", "root@gw-user"], WgCompletion.KnownHostNames(knownHosts));
        Assert.Equal(["gw-conf"], WgCompletion.SshConfigHosts("Host gwy;id gw-conf gw$HOME -x gw`id`\n"));
    }

    [Theory]
    [InlineData("gw-a", "gw-a")]
    [InlineData("gw_1.example.com", "gw_1.example.com")]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData("0x10", "'0x10'")]      // bare, the number 16
    [InlineData("07", "'07'")]          // bare, the number 7
    [InlineData("1kb", "'1kb'")]        // bare, 1024
    [InlineData("10.5", "'10.5'")]
    [InlineData("fd00::5", "'fd00::5'")]
    [InlineData("fe80::1%eth0", "'fe80::1%eth0'")]
    [InlineData("root@gw", "'root@gw'")]
    [InlineData("_gw", "'_gw'")]
    [InlineData("site=b+", "'site=b+'")]
    [InlineData("o'brien", "'o''brien'")]
    public void CompletionTextIsBareOnlyWhenPowerShellReadsItBackAsTheName(string name, string text) =>
        Assert.Equal(text, WgCompletion.CompletionText(name));

    [Fact]
    public void KnownHostsFilesThatAreMissingOfferNothing()
    {
        using var dir = new SecretTempDir();
        var file = dir.Write("known_hosts", "gw-a ssh-ed25519 AAAA\n");
        Assert.Equal(["gw-a"], WgCompletion.KnownHostNames([Path.Combine(dir.Path, "missing"), file, file]));
    }

    [Fact]
    public void LocalInterfaceNamesAreTheValidConfFiles()
    {
        using var dir = new SecretTempDir();
        foreach (var name in new[] { "wg1.conf", "wg0.conf", "wg0.conf.wgadmin-removed", "wg0.key", "name-far-too-long-for-linux.conf", "bad name.conf", "site=b+.conf" })
            dir.Write(name, "");
        Assert.Equal(["site=b+", "wg0", "wg1"], WgCompletion.LocalInterfaceNames(dir.Path));
        Assert.Empty(WgCompletion.LocalInterfaceNames(Path.Combine(dir.Path, "missing")));
    }

    [Fact]
    public void TheRemoteListingCountsOnlyWhenItReachedItsEnd()
    {
        Assert.Equal(["wg0", "wg1"], WgCompletion.ParseRemoteInterfaces("wg1\nwg0\r\n\nwg0\nnot valid\n@@end\n"));
        Assert.Empty(WgCompletion.ParseRemoteInterfaces("wg0\nwg1\n"));
    }

    /// <summary>The listing script run by a real bash against a scratch folder standing for /etc/wireguard.</summary>
    [SkippableFact]
    public void TheRemoteListingScriptListsConfigFiles()
    {
        OracleGate.Require(needsRoot: false, "bash", "basename");
        using var dir = new SecretTempDir();
        dir.Write("wg0.conf", "");
        dir.Write("site-b.conf", "");
        dir.Write("wg0.key", "");
        var script = WgCompletion.RemoteInterfaceScript.Replace("wireguard_dir='/etc/wireguard'", $"wireguard_dir={ShellQuote.Quote(dir.Path)}", StringComparison.Ordinal);
        var run = Tool.Run("bash", ["-s"], script);
        Assert.True(run.Ok, run.StdErr);
        var names = WgCompletion.ParseRemoteInterfaces(run.StdOut);
        Assert.Contains("wg0", names);
        Assert.Contains("site-b", names);
        Assert.DoesNotContain("wg0.key", names);
    }

    [Fact]
    public void FilteringIsByPrefixWithoutCaseOrOpenQuotes()
    {
        string[] candidates = ["gw-a", "gw-b", "GW-A", "site-c"];
        Assert.Equal(["gw-a", "gw-b"], WgCompletion.Filter(candidates, "gw"));
        Assert.Equal(["gw-a"], WgCompletion.Filter(candidates, "'GW-a"));
        Assert.Equal(["gw-a", "gw-b", "site-c"], WgCompletion.Filter(candidates, ""));
        Assert.Empty(WgCompletion.Filter(candidates, "x"));
    }

    [Fact]
    public void TheLocalFolderIsEtcWireguardUnlessTheEnvironmentSaysOtherwise()
    {
        var saved = Environment.GetEnvironmentVariable("WGADMIN_WIREGUARD_DIR");
        try
        {
            Environment.SetEnvironmentVariable("WGADMIN_WIREGUARD_DIR", null);
            Assert.Equal("/etc/wireguard", WgCompletion.LocalConfigDirectory);
            Environment.SetEnvironmentVariable("WGADMIN_WIREGUARD_DIR", "/tmp/wg-test");
            Assert.Equal("/tmp/wg-test", WgCompletion.LocalConfigDirectory);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WGADMIN_WIREGUARD_DIR", saved);
        }
    }

    [Fact]
    public void AGatewayThatDoesNotAnswerInTimeGivesNoNamesWithinTheBudget()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var names = WgCompletion.RemoteInterfaceNames(cancel =>
        {
            Task.Delay(TimeSpan.FromSeconds(30), cancel).Wait(cancel);
            throw new InvalidOperationException("not reached");
        }, closeAfter: true, TimeSpan.FromMilliseconds(300));
        Assert.Empty(names);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public void AGatewayThatCannotBeReachedGivesNoNames() =>
        Assert.Empty(WgCompletion.RemoteInterfaceNames(_ => throw new WgException(new WgError(WgErrorId.ConnectionFailed, "refused")), closeAfter: true, TimeSpan.FromSeconds(1)));
}

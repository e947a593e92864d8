using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// ProxyJump, IdentityAgent and IdentitiesOnly as the real ssh reads them: `ssh -G -F FILE ALIAS`
/// prints the values it would use (first value wins, Host blocks by alias, "none").
/// </summary>
public class SshJumpConfigOracleTests
{
    private const string Config = """
        Host bastion
          ProxyJump none
          IdentityAgent none
        Host gw-*
          ProxyJump ops@bastion:2200
          IdentitiesOnly yes
        Host gw-b
          ProxyJump never-used
          IdentityAgent SSH_AUTH_SOCK
        Host far
          ProxyJump ssh://alice@outer:22,inner
          IdentityAgent ~/.ssh/agent.sock
        Host *
          ProxyJump bastion
          IdentitiesOnly no
        """;

    [SkippableTheory]
    [InlineData("gw-a")]
    [InlineData("gw-b")]
    [InlineData("bastion")]
    [InlineData("far")]
    [InlineData("elsewhere")]
    public void AgreesWithSshG(string alias)
    {
        OracleGate.Require(needsRoot: false, "ssh");
        using var dir = new SecretTempDir();
        var file = dir.Write("config", Config);
        var printed = Tool.Run("ssh", ["-G", "-F", file, alias], environment: new Dictionary<string, string> { ["SSH_AUTH_SOCK"] = "/run/agent.sock" });
        Assert.True(printed.Ok, printed.StdErr);
        var lines = printed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToLookup(p => p[0], p => p[1]);

        var options = SshConfigFile.Load(file, dir.Path).Resolve(alias);

        // ssh -G prints no proxyjump line for "none".
        var proxyJump = options.ProxyJump is { } jump && !jump.Equals("none", StringComparison.OrdinalIgnoreCase) ? jump : null;
        Assert.Equal(lines["proxyjump"].SingleOrDefault(), proxyJump);
        Assert.Equal(lines["identitiesonly"].Single() == "yes", options.IdentitiesOnly ?? false);
        var agent = lines["identityagent"].SingleOrDefault();
        if (options.IdentityAgent is "none" or "SSH_AUTH_SOCK" or null)
            Assert.Equal(agent, options.IdentityAgent);
        else
            Assert.EndsWith(options.IdentityAgent.TrimStart('~'), agent);
        // The planner reads the same chain ssh would run.
        Assert.Equal(SshJumpHost.ParseList(proxyJump).Count, proxyJump is null ? 0 : proxyJump.Split(',').Length);
    }
}

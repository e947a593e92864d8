using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>Which agent socket a host uses: IdentityAgent (none, SSH_AUTH_SOCK, $VAR, a path with ~, % tokens and ${VAR}), else SSH_AUTH_SOCK.</summary>
public class SshAgentLocatorTests
{
    private static string? Env(string name) => name switch
    {
        "SSH_AUTH_SOCK" => "/run/user/1000/agent.sock",
        "OTHER_AGENT" => "/tmp/other.sock",
        "XDG_RUNTIME_DIR" => "/run/user/1000",
        "EMPTY" => "",
        _ => null,
    };

    private static string Expand(string path) => path.Replace("~", "/home/me").Replace("%h", "gw1");

    [Theory]
    [InlineData(null, "/run/user/1000/agent.sock")]
    [InlineData("SSH_AUTH_SOCK", "/run/user/1000/agent.sock")]
    [InlineData("none", null)]
    [InlineData("None", null)]
    [InlineData("$OTHER_AGENT", "/tmp/other.sock")]
    [InlineData("$UNSET_AGENT", null)]
    [InlineData("$EMPTY", null)]
    [InlineData("~/.ssh/agent-%h.sock", "/home/me/.ssh/agent-gw1.sock")]
    [InlineData("${XDG_RUNTIME_DIR}/ssh-agent.socket", "/run/user/1000/ssh-agent.socket")]
    [InlineData("/abs/agent.sock", "/abs/agent.sock")]
    public void Resolves(string? identityAgent, string? expected) =>
        Assert.Equal(expected, SshAgentLocator.Resolve(identityAgent, Env, Expand));

    [Fact]
    public void WithoutSshAuthSockThereIsNoAgent() =>
        Assert.Null(SshAgentLocator.Resolve(null, _ => null, Expand));

    [Theory]
    [InlineData("${UNSET}/agent", "not set")]
    [InlineData("${XDG_RUNTIME_DIR/agent", "'${'")]
    [InlineData("$1BAD", "not an environment variable name")]
    public void ABadValueIsAConfigError(string identityAgent, string reason)
    {
        var ex = Assert.Throws<WgException>(() => SshAgentLocator.Resolve(identityAgent, Env, Expand));

        Assert.Equal(WgErrorId.SshConfigError, ex.ErrorId);
        Assert.Contains(reason, ex.Message);
    }

    [Fact]
    public void TheConfigsIdentityAgentAndIdentitiesOnlyReachTheOptions()
    {
        var config = SshConfigFile.Parse("Host gw1\n  IdentityAgent ~/.ssh/agent.%h\n  IdentitiesOnly yes\nHost *\n  IdentityAgent none\n");
        var settings = new SshConnectionSettings { HomeDirectory = "/home/me", EnvironmentVariable = Env };

        var gw1 = settings.For("gw1", config);
        var gw2 = settings.For("gw2", config);
        var plain = settings.For("gw3", SshConfigFile.Empty);

        Assert.Equal(("/home/me/.ssh/agent.gw1", true), (gw1.AgentSocket, gw1.IdentitiesOnly));
        Assert.Equal((null, false), (gw2.AgentSocket, gw2.IdentitiesOnly));
        Assert.Equal("/run/user/1000/agent.sock", plain.AgentSocket);
    }
}

namespace WgAdmin.Remote;

/// <summary>One key offered to a server, in order: a key the agent holds, or an identity file to load.</summary>
public sealed record SshOfferedKey(SshAgentIdentity? AgentKey, string? File)
{
    public static SshOfferedKey FromAgent(SshAgentIdentity identity) => new(identity, null);

    public static SshOfferedKey FromFile(string file) => new(null, file);

    public override string ToString() => AgentKey is not null ? $"agent: {AgentKey}" : $"file: {File}";
}

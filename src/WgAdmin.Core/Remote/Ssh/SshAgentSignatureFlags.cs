namespace WgAdmin.Remote;

/// <summary>The flags of an agent's SIGN_REQUEST (draft-miller-ssh-agent, section 4.5.1): which hash an RSA key signs with.</summary>
[Flags]
public enum SshAgentSignatureFlags : uint
{
    /// <summary>The key type's own algorithm; for an RSA key the agent's default (ssh-rsa, SHA-1).</summary>
    None = 0,
    /// <summary>rsa-sha2-256 (SSH_AGENT_RSA_SHA2_256).</summary>
    RsaSha2256 = 2,
    /// <summary>rsa-sha2-512 (SSH_AGENT_RSA_SHA2_512).</summary>
    RsaSha2512 = 4,
}

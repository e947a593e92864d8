using Renci.SshNet;
using Renci.SshNet.Security;

namespace WgAdmin.Remote;

/// <summary>
/// A key the agent holds, offered to SSH.NET as a private key source: its algorithms in the order
/// ssh prefers them, each signing through the agent. ed25519, ECDSA (nistp256/384/521), security
/// keys (sk-...) and RSA, which signs with rsa-sha2-512 or rsa-sha2-256, never SHA-1.
/// </summary>
internal sealed class SshAgentKeySource : IPrivateKeySource
{
    public SshAgentKeySource(SshAgentClient agent, SshAgentIdentity identity)
    {
        Identity = identity;
        HostKeyAlgorithms = AlgorithmsFor(identity.KeyType)
            .Select(a => (HostAlgorithm)new SshAgentAlgorithm(a.Name, agent, identity, a.Flags)).ToArray();
    }

    public SshAgentIdentity Identity { get; }

    public IReadOnlyCollection<HostAlgorithm> HostKeyAlgorithms { get; }

    /// <summary>The signature algorithms (and the agent flags that select them) for a key type; none for types WgAdmin does not offer (ssh-dss).</summary>
    public static IReadOnlyList<(string Name, SshAgentSignatureFlags Flags)> AlgorithmsFor(string keyType) => keyType switch
    {
        "ssh-rsa" => [("rsa-sha2-512", SshAgentSignatureFlags.RsaSha2512), ("rsa-sha2-256", SshAgentSignatureFlags.RsaSha2256)],
        "ssh-rsa-cert-v01@openssh.com" => [("rsa-sha2-512-cert-v01@openssh.com", SshAgentSignatureFlags.RsaSha2512), ("rsa-sha2-256-cert-v01@openssh.com", SshAgentSignatureFlags.RsaSha2256)],
        "ssh-ed25519" or "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521"
            or "sk-ssh-ed25519@openssh.com" or "sk-ecdsa-sha2-nistp256@openssh.com"
            or "ssh-ed25519-cert-v01@openssh.com" or "ecdsa-sha2-nistp256-cert-v01@openssh.com"
            or "ecdsa-sha2-nistp384-cert-v01@openssh.com" or "ecdsa-sha2-nistp521-cert-v01@openssh.com"
            or "sk-ssh-ed25519-cert-v01@openssh.com" or "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com" => [(keyType, SshAgentSignatureFlags.None)],
        _ => [],
    };
}

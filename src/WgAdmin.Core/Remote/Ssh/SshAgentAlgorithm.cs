using Renci.SshNet.Security;

namespace WgAdmin.Remote;

/// <summary>
/// One signature algorithm of a key the agent holds, as SSH.NET's public key authentication
/// uses it: <see cref="Data"/> is the public key blob sent to the server, and
/// <see cref="Sign"/> asks the agent, which returns the signature already in SSH's encoding.
/// </summary>
internal sealed class SshAgentAlgorithm : HostAlgorithm
{
    private readonly SshAgentClient _agent;
    private readonly SshAgentIdentity _identity;
    private readonly SshAgentSignatureFlags _flags;

    public SshAgentAlgorithm(string name, SshAgentClient agent, SshAgentIdentity identity, SshAgentSignatureFlags flags)
        : base(name)
    {
        _agent = agent;
        _identity = identity;
        _flags = flags;
    }

    public override byte[] Data => _identity.PublicKey;

    public override byte[] Sign(byte[] data) => _agent.Sign(_identity.PublicKey, data, _flags);

    /// <summary>Client keys only sign; checking signatures is the server's side.</summary>
    public override bool VerifySignature(byte[] data, byte[] signature) =>
        throw new NotSupportedException("A key in ssh-agent is used to sign, not to verify.");
}

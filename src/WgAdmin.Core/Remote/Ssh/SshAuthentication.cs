using Renci.SshNet;
using Renci.SshNet.Common;

namespace WgAdmin.Remote;

/// <summary>
/// The authentication methods for one connection, as ssh chooses its keys: the agent's keys first,
/// in the agent's order (with IdentitiesOnly only those whose public key matches an identity file),
/// then the identity files the agent does not hold, loaded from disk (with the user certificate
/// that certifies it: a CertificateFile, else KEY-cert.pub beside it); then a password. A key in
/// the agent is used through the agent and its file is never opened, so it needs no passphrase.
/// </summary>
internal sealed class SshAuthentication : IDisposable
{
    private SshAuthentication(IReadOnlyList<AuthenticationMethod> methods, SshAgentClient? agent, string? agentProblem)
    {
        Methods = methods;
        Agent = agent;
        AgentProblem = agentProblem;
    }

    public IReadOnlyList<AuthenticationMethod> Methods { get; }

    /// <summary>The agent connection, open while the SSH connection authenticates.</summary>
    public SshAgentClient? Agent { get; }

    /// <summary>Why an agent that should have been used was not (for the message when authentication fails).</summary>
    public string? AgentProblem { get; }

    public void Dispose() => Agent?.Dispose();

    public static SshAuthentication Build(SshConnectOptions options)
    {
        SshAgentClient? agent = null;
        string? agentProblem = null;
        IReadOnlyList<SshAgentIdentity> agentKeys = Array.Empty<SshAgentIdentity>();
        if (options.AgentSocket is { } socket)
        {
            try
            {
                agent = SshAgentClient.Connect(socket);
                agentKeys = agent.ListIdentities();
            }
            catch (WgException ex)
            {
                // As ssh, an agent that cannot be reached is no error by itself: the files may do.
                agent?.Dispose();
                agent = null;
                agentProblem = ex.Message;
            }
        }
        try
        {
            var files = options.KeyFiles.Where(File.Exists).ToArray();
            var offered = Order(agentKeys, files.Select(f => (f, SshPublicKeyFile.Read(f))).ToArray(), options.IdentitiesOnly);
            var sources = new List<IPrivateKeySource>();
            foreach (var key in offered)
            {
                if (key.AgentKey is { } identity)
                {
                    var source = new SshAgentKeySource(agent!, identity);
                    if (source.HostKeyAlgorithms.Count > 0)
                        sources.Add(source);
                }
                else if (LoadFile(key.File!, options) is { } file)
                {
                    sources.Add(file);
                }
            }
            var methods = new List<AuthenticationMethod>();
            if (sources.Count > 0)
                methods.Add(new PrivateKeyAuthenticationMethod(options.Target.User, sources.ToArray()));
            if (options.Password is not null)
                methods.Add(new PasswordAuthenticationMethod(options.Target.User, options.Password));
            if (methods.Count == 0)
                methods.Add(new NoneAuthenticationMethod(options.Target.User));
            return new SshAuthentication(methods, agent, agentProblem);
        }
        catch
        {
            agent?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ssh's order (sshconnect2.c, pubkey_prepare): each agent key in the agent's order, where an
    /// identity file with the same public key is used through the agent; an agent certificate
    /// (ssh-add adds KEY-cert.pub with the key) counts as its key's; other agent keys only
    /// without IdentitiesOnly; then the identity files no agent key matched, in their order.
    /// </summary>
    public static IReadOnlyList<SshOfferedKey> Order(IReadOnlyList<SshAgentIdentity> agentKeys, IReadOnlyList<(string File, byte[]? PublicKey)> files, bool identitiesOnly)
    {
        var remaining = files.ToList();
        var offered = new List<SshOfferedKey>();
        foreach (var identity in agentKeys)
        {
            var match = remaining.FindIndex(f => f.PublicKey is not null && identity.Is(f.PublicKey));
            if (match >= 0)
                remaining.RemoveAt(match);
            var certifies = CertifiedKey(identity) is { } plain && files.Any(f => f.PublicKey is not null && plain.AsSpan().SequenceEqual(f.PublicKey));
            if (match >= 0 || certifies || !identitiesOnly)
                offered.Add(SshOfferedKey.FromAgent(identity));
        }
        offered.AddRange(remaining.Select(f => SshOfferedKey.FromFile(f.File)));
        return offered;
    }

    /// <summary>The key an agent certificate certifies, or null for a plain key (or a certificate that cannot be read).</summary>
    private static byte[]? CertifiedKey(SshAgentIdentity identity)
    {
        if (!SshCertificate.IsCertificateType(identity.KeyType))
            return null;
        try
        {
            return SshCertificate.Parse(identity.PublicKey).PlainKey;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>True when the agent at <paramref name="agentSocket"/> holds the key of <paramref name="keyFile"/>; false when it cannot be asked.</summary>
    public static bool AgentHolds(string? agentSocket, string keyFile)
    {
        if (agentSocket is null || SshPublicKeyFile.Read(keyFile) is not { } publicKey)
            return false;
        try
        {
            using var agent = SshAgentClient.Connect(agentSocket, TimeSpan.FromSeconds(5));
            return agent.ListIdentities().Any(i => i.Is(publicKey));
        }
        catch (WgException)
        {
            return false;
        }
    }

    /// <summary>
    /// The user certificate for an identity file, as ssh pairs them: the first CertificateFile, then
    /// FILE-cert.pub, that certifies the file's public key; null when none does.
    /// </summary>
    internal static string? CertificateFor(string file, IReadOnlyList<string> certificateFiles)
    {
        if (SshPublicKeyFile.Read(file) is not { } publicKey)
            return null;
        foreach (var candidate in certificateFiles.Append(file + "-cert.pub"))
        {
            try
            {
                if (File.Exists(candidate) && SshPublicKeyFile.ParsePublicKeyLine(File.ReadAllText(candidate)) is { } blob
                    && SshCertificate.Parse(blob).PlainKey.AsSpan().SequenceEqual(publicKey))
                    return candidate;
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                // Not a certificate ssh could read either: passed over, as ssh does.
            }
        }
        return null;
    }

    private static PrivateKeyFile? LoadFile(string file, SshConnectOptions options)
    {
        try
        {
            var passphrase = string.IsNullOrEmpty(options.KeyPassphrase) ? null : options.KeyPassphrase;
            return CertificateFor(file, options.CertificateFiles) is { } certificate
                ? new PrivateKeyFile(file, passphrase, certificate)
                : passphrase is null ? new PrivateKeyFile(file) : new PrivateKeyFile(file, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException) when (!options.KeyFileNamed)
        {
            // An encrypted default or ssh_config identity no agent holds is skipped, as ssh without an askpass would; others may work.
            return null;
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw new WgException(new WgError(WgErrorId.KeyFilePassphraseRequired,
                $"The key file {Quote.Value(file)} is protected by a passphrase and no ssh-agent holds it; give the passphrase with -Credential (the password is the passphrase), or add the key to the agent (ssh-add).", Offender: file));
        }
        catch (Exception ex) when (ex is SshException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            if (!options.KeyFileNamed)
                return null; // a default identity that is not a key SSH.NET reads
            throw new WgException(new WgError(WgErrorId.AuthenticationFailed, $"The key file {Quote.Value(file)} cannot be used: {ex.Message}", Offender: file));
        }
    }
}

namespace WgAdmin.Remote;

/// <summary>One key an ssh-agent holds: its public key blob (the wire form, as in a .pub file's second field) and comment.</summary>
public sealed record SshAgentIdentity(byte[] PublicKey, string Comment)
{
    /// <summary>The key type named in the blob: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, or a certificate type.</summary>
    public string KeyType => KnownHosts.KeyTypeOf(PublicKey);

    /// <summary>"SHA256:..." as ssh-add -l prints it.</summary>
    public string Fingerprint => KnownHosts.Fingerprint(PublicKey);

    /// <summary>True when this is the key of <paramref name="publicKey"/> (blobs compared byte for byte).</summary>
    public bool Is(byte[] publicKey) => PublicKey.AsSpan().SequenceEqual(publicKey);

    public override string ToString() => $"{KeyType} {Fingerprint} {Comment}";
}

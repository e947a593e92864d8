using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// The public key of an identity file, found as ssh finds it to pick the agent's matching key:
/// the file itself when it is a public key ("type base64 comment"), else "FILE.pub", else the
/// public key stored unencrypted in an OpenSSH-format private key. No passphrase is ever needed.
/// </summary>
public static class SshPublicKeyFile
{
    private const string OpenSshBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private const string OpenSshEnd = "-----END OPENSSH PRIVATE KEY-----";
    private static readonly byte[] OpenSshMagic = Encoding.ASCII.GetBytes("openssh-key-v1\0");

    /// <summary>The public key blob of <paramref name="identityFile"/>, or null when none can be read.</summary>
    public static byte[]? Read(string identityFile)
    {
        foreach (var candidate in new[] { identityFile, identityFile + ".pub" })
        {
            var text = TryRead(candidate);
            if (text is not null && ParsePublicKeyLine(text) is { } blob)
                return blob;
        }
        return TryRead(identityFile) is { } privateText ? FromOpenSshPrivateKey(privateText) : null;
    }

    /// <summary>The blob of a public key line "type base64 [comment]" whose type matches the blob's own, or null.</summary>
    public static byte[]? ParsePublicKeyLine(string text)
    {
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#'));
        var fields = line?.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        if (fields is not { Length: >= 2 })
            return null;
        try
        {
            var blob = Convert.FromBase64String(fields[1]);
            return KnownHosts.KeyTypeOf(blob) == fields[0] ? blob : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// The first public key of an "openssh-key-v1" private key (PROTOCOL.key): magic, cipher, KDF,
    /// KDF options, key count, then the public keys in the clear; the private part is not read.
    /// </summary>
    public static byte[]? FromOpenSshPrivateKey(string text)
    {
        var begin = text.IndexOf(OpenSshBegin, StringComparison.Ordinal);
        var end = text.IndexOf(OpenSshEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
            return null;
        try
        {
            var data = Convert.FromBase64String(text[(begin + OpenSshBegin.Length)..end].Trim());
            if (!data.AsSpan().StartsWith(OpenSshMagic))
                return null;
            var reader = new SshWireReader(data[OpenSshMagic.Length..]);
            reader.ReadString(); // cipher
            reader.ReadString(); // KDF
            reader.ReadString(); // KDF options
            return reader.ReadUInt32() >= 1 && reader.ReadString() is { Length: > 0 } blob && KnownHosts.KeyTypeOf(blob).Length > 0 ? blob : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string? TryRead(string path)
    {
        try
        {
            if (!File.Exists(path) || new FileInfo(path).Length > 64 * 1024)
                return null;
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

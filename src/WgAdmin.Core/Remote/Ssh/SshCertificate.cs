using System.Globalization;

namespace WgAdmin.Remote;

/// <summary>
/// An OpenSSH certificate (PROTOCOL.certkeys): the certified key, its type (user or host), its
/// principals, its validity and the key of the CA that signed it, read from the wire blob. The
/// CA's signature itself is checked by SSH.NET when the host proves it holds the key; what ssh
/// checks besides (the CA trusted for the host, a host certificate, the principal, the dates) is
/// <see cref="Problem"/>.
/// </summary>
public sealed class SshCertificate
{
    private SshCertificate(string type, byte[] plainKey, bool isHost, IReadOnlyList<string> principals, ulong validAfter, ulong validBefore, byte[] caKey, string keyId)
    {
        Type = type;
        PlainKey = plainKey;
        IsHost = isHost;
        Principals = principals;
        ValidAfter = validAfter;
        ValidBefore = validBefore;
        CaKey = caKey;
        KeyId = keyId;
    }

    /// <summary>The certificate's type ("ssh-ed25519-cert-v01@openssh.com").</summary>
    public string Type { get; }

    /// <summary>The certified key as a plain public key blob ("ssh-ed25519" and the key).</summary>
    public byte[] PlainKey { get; }

    public bool IsHost { get; }

    /// <summary>The names it is valid for; none means any (as ssh reads a host certificate).</summary>
    public IReadOnlyList<string> Principals { get; }

    /// <summary>Unix seconds: valid from (inclusive) to (exclusive), as sshkey_cert_check_authority reads them.</summary>
    public ulong ValidAfter { get; }

    public ulong ValidBefore { get; }

    /// <summary>The signing CA's public key blob.</summary>
    public byte[] CaKey { get; }

    public string KeyId { get; }

    private static readonly Dictionary<string, (string Plain, int Fields)> KeyShapes = new(StringComparer.Ordinal)
    {
        ["ssh-ed25519-cert-v01@openssh.com"] = ("ssh-ed25519", 1),
        ["ecdsa-sha2-nistp256-cert-v01@openssh.com"] = ("ecdsa-sha2-nistp256", 2),
        ["ecdsa-sha2-nistp384-cert-v01@openssh.com"] = ("ecdsa-sha2-nistp384", 2),
        ["ecdsa-sha2-nistp521-cert-v01@openssh.com"] = ("ecdsa-sha2-nistp521", 2),
        ["ssh-rsa-cert-v01@openssh.com"] = ("ssh-rsa", 2),
    };

    /// <summary>True for a certificate key type WgAdmin reads.</summary>
    public static bool IsCertificateType(string type) => KeyShapes.ContainsKey(type);

    /// <summary>Reads a certificate blob; <see cref="FormatException"/> when it is none or is cut short.</summary>
    public static SshCertificate Parse(byte[] blob)
    {
        var reader = new SshWireReader(blob);
        var type = reader.ReadText();
        if (!KeyShapes.TryGetValue(type, out var shape))
            throw new FormatException($"{type} is not a certificate type WgAdmin reads.");
        reader.ReadString(); // nonce
        var plain = new SshWireWriter().String(shape.Plain);
        for (var i = 0; i < shape.Fields; i++)
            plain.String(reader.ReadString());
        reader.ReadUInt64();  // serial
        var certType = reader.ReadUInt32();
        var keyId = reader.ReadText();
        var principals = new List<string>();
        var list = new SshWireReader(reader.ReadString());
        while (!list.AtEnd)
            principals.Add(list.ReadText());
        var validAfter = reader.ReadUInt64();
        var validBefore = reader.ReadUInt64();
        reader.ReadString(); // critical options
        reader.ReadString(); // extensions
        reader.ReadString(); // reserved
        var caKey = reader.ReadString();
        reader.ReadString(); // signature
        return new SshCertificate(type, plain.ToArray(), certType == 2, principals, validAfter, validBefore, caKey, keyId);
    }

    /// <summary>
    /// Why ssh would refuse this certificate for <paramref name="hostName"/> at <paramref name="now"/>
    /// from a CA it trusts (sshkey_cert_check_authority): not a host certificate, not yet valid,
    /// expired, or not for that name; null when it holds.
    /// </summary>
    public string? Problem(string hostName, DateTimeOffset now)
    {
        var seconds = (ulong)Math.Max(0, now.ToUnixTimeSeconds());
        if (!IsHost)
            return "it is a user certificate, not a host certificate";
        if (seconds < ValidAfter)
            return $"it is not valid before {Time(ValidAfter)}";
        if (seconds >= ValidBefore)
            return $"it expired at {Time(ValidBefore)}";
        if (Principals.Count > 0 && !Principals.Contains(hostName, StringComparer.Ordinal))
            return $"it is for {string.Join(", ", Principals.Select(Quote.Value))}, not {Quote.Value(hostName)}";
        return null;
    }

    private static string Time(ulong unixSeconds) =>
        unixSeconds >= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? "forever"
            : DateTimeOffset.FromUnixTimeSeconds((long)unixSeconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}

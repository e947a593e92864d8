using System.Security.Cryptography;
using System.Text;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Two independent checks of a signature an agent made: .NET's own crypto (NSec for ed25519) with
/// the hash the algorithm name promises, and OpenSSH's ssh-keygen -Y check-novalidate, fed the
/// signature wrapped as an SSHSIG (PROTOCOL.sshsig) over a message.
/// </summary>
internal static class SshAgentSignatures
{
    public static (string Algorithm, byte[] Blob) Split(byte[] signature)
    {
        var reader = new SshWireReader(signature);
        var result = (reader.ReadText(), reader.ReadString());
        if (!reader.AtEnd)
            throw new FormatException("Bytes after the signature.");
        return result;
    }

    /// <summary>Verifies <paramref name="signature"/> (string algorithm, string blob) of <paramref name="data"/> by <paramref name="publicKey"/> with .NET.</summary>
    public static bool VerifyWithDotNet(byte[] publicKey, byte[] data, byte[] signature)
    {
        var (algorithm, blob) = Split(signature);
        var key = new SshWireReader(publicKey);
        var type = key.ReadText();
        switch (algorithm)
        {
            case "ssh-ed25519":
            {
                var raw = key.ReadString();
                var ed = NSec.Cryptography.SignatureAlgorithm.Ed25519;
                var imported = NSec.Cryptography.PublicKey.Import(ed, raw, NSec.Cryptography.KeyBlobFormat.RawPublicKey);
                return type == algorithm && ed.Verify(imported, data, blob);
            }
            case "rsa-sha2-256" or "rsa-sha2-512":
            {
                var e = Unsigned(key.ReadString());
                var n = Unsigned(key.ReadString());
                using var rsa = RSA.Create(new RSAParameters { Exponent = e, Modulus = n });
                var hash = algorithm == "rsa-sha2-256" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA512;
                return type == "ssh-rsa" && rsa.VerifyData(data, blob, hash, RSASignaturePadding.Pkcs1);
            }
            case "ecdsa-sha2-nistp256" or "ecdsa-sha2-nistp384" or "ecdsa-sha2-nistp521":
            {
                var (curve, hash, size) = algorithm switch
                {
                    "ecdsa-sha2-nistp256" => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256, 32),
                    "ecdsa-sha2-nistp384" => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384, 48),
                    _ => (ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512, 66),
                };
                key.ReadString(); // curve name
                var q = key.ReadString();
                using var ecdsa = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = q[1..(1 + size)], Y = q[(1 + size)..] } });
                var rs = new SshWireReader(blob);
                var fixedSize = Pad(Unsigned(rs.ReadString()), size).Concat(Pad(Unsigned(rs.ReadString()), size)).ToArray();
                return type == algorithm && ecdsa.VerifyData(data, fixedSize, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            default:
                throw new NotSupportedException(algorithm);
        }
    }

    /// <summary>What an agent must sign for an SSHSIG over <paramref name="message"/> (the "signed data" of PROTOCOL.sshsig).</summary>
    public static byte[] SshSigSignedData(string nameSpace, byte[] message) =>
        new SshWireWriter().Raw("SSHSIG"u8).String(nameSpace).String("").String("sha512").String(SHA512.HashData(message)).ToArray();

    /// <summary>Asks ssh-keygen whether <paramref name="signature"/> over <see cref="SshSigSignedData"/> is a good SSHSIG of the message.</summary>
    public static ToolResult CheckWithSshKeygen(SecretTempDir dir, byte[] publicKey, string nameSpace, byte[] message, byte[] signature)
    {
        var blob = new SshWireWriter().Raw("SSHSIG"u8).UInt32(1).String(publicKey).String(nameSpace).String("").String("sha512").String(signature).ToArray();
        var base64 = Convert.ToBase64String(blob);
        var armored = new StringBuilder("-----BEGIN SSH SIGNATURE-----\n");
        for (var i = 0; i < base64.Length; i += 70)
            armored.Append(base64.AsSpan(i, Math.Min(70, base64.Length - i))).Append('\n');
        armored.Append("-----END SSH SIGNATURE-----\n");
        var file = dir.Write($"sig-{Guid.NewGuid():N}", armored.ToString());
        return Tool.Run("ssh-keygen", ["-Y", "check-novalidate", "-n", nameSpace, "-s", file], stdin: Encoding.UTF8.GetString(message));
    }

    private static byte[] Unsigned(byte[] mpint) => mpint.Length > 1 && mpint[0] == 0 ? mpint[1..] : mpint;

    private static byte[] Pad(byte[] value, int size) => value.Length >= size ? value[^size..] : new byte[size - value.Length].Concat(value).ToArray();
}

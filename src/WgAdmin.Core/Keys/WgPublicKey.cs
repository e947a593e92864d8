using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace WgAdmin.Keys;

/// <summary>A Curve25519 public key, shown and parsed as `wg` writes it.</summary>
public sealed class WgPublicKey : IEquatable<WgPublicKey>
{
    private readonly byte[] _bytes;

    internal WgPublicKey(byte[] bytes)
    {
        if (bytes.Length != KeyEncoding.KeyLength)
            throw new ArgumentException("A WireGuard key is 32 bytes.", nameof(bytes));
        _bytes = bytes;
    }

    public static WgPublicKey FromBytes(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    public static WgPublicKey Parse(string text) =>
        TryParse(text, out var key, out var error) ? key : throw new WgException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out WgPublicKey? key)
    {
        key = KeyEncoding.TryDecode(text, out var bytes, out _) && !LowOrderPoints.Contains(bytes) ? new WgPublicKey(bytes) : null;
        return key is not null;
    }

    /// <summary>Parses a public key from any source (parameter, config file, topology file), with the one error each gets.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out WgPublicKey? key, [NotNullWhen(false)] out WgError? error)
    {
        key = null;
        error = null;
        if (!KeyEncoding.TryDecode(text, out var bytes, out var problem))
        {
            error = new WgError(WgErrorId.InvalidKey, $"The public key {Quote.PublicKey(text ?? "")} is not valid: {problem}.",
                Offender: text is null ? null : Quote.PublicKeyOffender(text));
            return false;
        }
        if (LowOrderPoints.Contains(bytes))
        {
            error = new WgError(WgErrorId.LowOrderPublicKey,
                $"The public key {Quote.PublicKey(text!)} is a low-order point of Curve25519: a peer with it can never complete a handshake.", Offender: text);
            return false;
        }
        key = new WgPublicKey(bytes);
        return true;
    }

    public ReadOnlySpan<byte> AsSpan() => _bytes;

    /// <summary>The first 8 characters of the key, enough to tell keys apart in a report.</summary>
    public string ToShortString() => ToString()[..8] + "…";

    public override string ToString() => KeyEncoding.Encode(_bytes);

    public bool Equals(WgPublicKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    public override bool Equals(object? obj) => Equals(obj as WgPublicKey);

    public override int GetHashCode() => BitConverter.ToInt32(_bytes, 0);

    public static bool operator ==(WgPublicKey? left, WgPublicKey? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(WgPublicKey? left, WgPublicKey? right) => !(left == right);
}

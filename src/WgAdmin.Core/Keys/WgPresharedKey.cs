using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace WgAdmin.Keys;

/// <summary>A 32-byte symmetric key mixed into a peer's handshake. Like a private key, it never shows itself.</summary>
public sealed class WgPresharedKey : IEquatable<WgPresharedKey>
{
    private readonly byte[] _bytes;

    private WgPresharedKey(byte[] bytes) => _bytes = bytes;

    /// <summary>32 bytes from the operating system's CSPRNG, as `wg genpsk` makes one.</summary>
    public static WgPresharedKey Generate() => new(RandomNumberGenerator.GetBytes(KeyEncoding.KeyLength));

    /// <summary><paramref name="count"/> new keys at once, their random bytes drawn in large blocks.</summary>
    public static WgPresharedKey[] Generate(int count) => BulkKeys.PresharedKeys(count);

    /// <summary>Keys one by one, drawn a batch at a time; keys never handed out (the caller stopped early) are wiped.</summary>
    public static IEnumerable<WgPresharedKey> GenerateSequence(int count) =>
        BulkKeys.Sequence(count, BulkKeys.SequenceBatch, BulkKeys.PresharedKeys, key => CryptographicOperations.ZeroMemory(key._bytes));

    internal static WgPresharedKey FromBytes(ReadOnlySpan<byte> bytes) => new(bytes.ToArray());

    public static WgPresharedKey Parse(string text)
    {
        if (KeyEncoding.TryDecode(text, out var bytes, out var problem))
            return new WgPresharedKey(bytes);
        throw new WgException(new WgError(WgErrorId.InvalidKey, $"The preshared key is not valid: {problem}."));
    }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out WgPresharedKey? key)
    {
        key = KeyEncoding.TryDecode(text, out var bytes, out _) ? new WgPresharedKey(bytes) : null;
        return key is not null;
    }

    /// <summary>The key in `wg` base64 form. Call it only to hand the key to something that needs it.</summary>
    public string Reveal() => KeyEncoding.Encode(_bytes);

    public override string ToString() => "(preshared key)";

    public bool Equals(WgPresharedKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    public override bool Equals(object? obj) => Equals(obj as WgPresharedKey);

    public override int GetHashCode() => 0x5eed;
}

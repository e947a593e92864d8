using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using NSec.Cryptography;

namespace WgAdmin.Keys;

/// <summary>
/// A Curve25519 private key. It never shows itself: <see cref="ToString"/> and every view
/// name only its public key; <see cref="Reveal"/> is the one explicit way to the secret.
/// </summary>
public sealed class WgPrivateKey : IEquatable<WgPrivateKey>
{
    private readonly byte[] _bytes;
    private WgPublicKey? _publicKey;

    private WgPrivateKey(byte[] bytes) => _bytes = bytes;

    /// <summary>
    /// A new X25519 key from NSec (libsodium), clamped as `wg genkey` clamps it. Clamping does not
    /// change the public key (X25519 clamps the scalar itself), so the one libsodium call yields both.
    /// </summary>
    public static WgPrivateKey Generate()
    {
        using var key = Key.Create(KeyAgreementAlgorithm.X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var bytes = key.Export(KeyBlobFormat.RawPrivateKey);
        Clamp(bytes);
        return new WgPrivateKey(bytes) { _publicKey = new WgPublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey)) };
    }

    /// <summary>
    /// <paramref name="count"/> new keys at once, in the order made: random bytes in large blocks,
    /// clamped, each public key from libsodium's X25519 directly, on all cores. Many times cheaper a
    /// key than <see cref="Generate()"/>, which New-WgKeyPair keeps for a single key.
    /// </summary>
    public static WgPrivateKey[] Generate(int count) => BulkKeys.PrivateKeys(count);

    /// <summary>
    /// Keys one by one, made in bulk (<see cref="Generate(int)"/>) a batch at a time; keys never
    /// handed out, when the caller stops early, are wiped.
    /// </summary>
    public static IEnumerable<WgPrivateKey> GenerateSequence(int count) =>
        BulkKeys.Sequence(count, BulkKeys.SequenceBatch, BulkKeys.PrivateKeys, key => key.Wipe());

    /// <summary>Overwrites the secret with zeros: only for a key nobody was given.</summary>
    internal void Wipe() => CryptographicOperations.ZeroMemory(_bytes);

    /// <summary>A key the bulk generator made: its own copy of the clamped bytes and their public key.</summary>
    internal static WgPrivateKey FromGenerated(byte[] bytes, WgPublicKey publicKey) => new(bytes) { _publicKey = publicKey };

    public static WgPrivateKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != KeyEncoding.KeyLength)
            throw new WgException(new WgError(WgErrorId.InvalidKey, $"A private key is 32 bytes; {bytes.Length} were given."));
        return new WgPrivateKey(bytes.ToArray());
    }

    public static WgPrivateKey Parse(string text)
    {
        if (KeyEncoding.TryDecode(text, out var bytes, out var problem))
            return new WgPrivateKey(bytes);
        // The value itself is secret, so the message describes it instead of quoting it.
        throw new WgException(new WgError(WgErrorId.InvalidKey, $"The private key is not valid: {problem}."));
    }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out WgPrivateKey? key)
    {
        key = KeyEncoding.TryDecode(text, out var bytes, out _) ? new WgPrivateKey(bytes) : null;
        return key is not null;
    }

    /// <summary>The public key, derived with X25519 as `wg pubkey` does.</summary>
    public WgPublicKey PublicKey => _publicKey ??= DerivePublicKey(_bytes);

    /// <summary>The key in `wg` base64 form. Call it only to hand the key to something that needs it.</summary>
    public string Reveal() => KeyEncoding.Encode(_bytes);

    public override string ToString() => $"(private key of {PublicKey})";

    public bool Equals(WgPrivateKey? other) => other is not null && CryptographicOperations.FixedTimeEquals(_bytes, other._bytes);

    public override bool Equals(object? obj) => Equals(obj as WgPrivateKey);

    public override int GetHashCode() => PublicKey.GetHashCode();

    internal static void Clamp(Span<byte> scalar)
    {
        scalar[0] &= 248;
        scalar[31] = (byte)((scalar[31] & 127) | 64);
    }

    private static WgPublicKey DerivePublicKey(byte[] privateKey)
    {
        using var key = Key.Import(KeyAgreementAlgorithm.X25519, privateKey, KeyBlobFormat.RawPrivateKey);
        return new WgPublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }
}

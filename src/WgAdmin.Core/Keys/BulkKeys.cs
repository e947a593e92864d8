using System.Security.Cryptography;

namespace WgAdmin.Keys;

/// <summary>
/// Many keys at once, at the cost of the X25519 arithmetic alone. NSec's Key.Create puts each key
/// in libsodium's guarded memory (about eleven system calls a key, serialised on the kernel's
/// memory-map lock, so a second core does not help); here the random bytes come in one block per
/// chunk of <see cref="ChunkKeys"/> keys from the operating system's CSPRNG, each scalar is
/// clamped as `wg genkey` clamps it, its public key comes from libsodium's
/// crypto_scalarmult_curve25519_base, and the chunks run on all cores. The block lives on the
/// stack and is wiped before it is dropped; each key keeps only its own 32-byte copy.
/// </summary>
internal static class BulkKeys
{
    /// <summary>Keys per random block and per unit of parallel work: 4 KiB of random bytes.</summary>
    public const int ChunkKeys = 128;

    private const int Key = KeyEncoding.KeyLength;

    /// <summary>Fills a block with random bytes; the tests put known scalars in instead.</summary>
    public delegate void Fill(Span<byte> block);

    public static WgPrivateKey[] PrivateKeys(int count) => PrivateKeys(count, RandomNumberGenerator.Fill);

    public static WgPrivateKey[] PrivateKeys(int count, Fill fill)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var keys = new WgPrivateKey[count];
        MakeKeys(keys, fill);
        return keys;
    }

    /// <summary>Fills <paramref name="keys"/> chunk by chunk on all cores; on a failure, wipes what it made and throws.</summary>
    internal static void MakeKeys(WgPrivateKey[] keys, Fill fill)
    {
        var count = keys.Length;
        if (count == 0)
            return;
        Sodium.EnsureInitialised();
        var chunks = (count + ChunkKeys - 1) / ChunkKeys;
        try
        {
            if (chunks == 1)
                Chunk(0);
            else
                Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, Chunk);
        }
        catch
        {
            // The keys other chunks made are dropped with the failure: wiped first.
            foreach (var key in keys)
                key?.Wipe();
            throw;
        }

        void Chunk(int index)
        {
            var first = index * ChunkKeys;
            Span<byte> block = stackalloc byte[ChunkKeys * Key];
            MakeChunk(block[..(Math.Min(ChunkKeys, count - first) * Key)], keys.AsSpan(first), fill);
        }
    }

    /// <summary>
    /// One chunk: <paramref name="block"/> (32 bytes a key) filled, clamped, each key made from its
    /// slice, and the whole block wiped afterwards, also when something fails.
    /// </summary>
    internal static void MakeChunk(Span<byte> block, Span<WgPrivateKey> into, Fill fill)
    {
        try
        {
            fill(block);
            for (var i = 0; i < block.Length / Key; i++)
            {
                var scalar = block.Slice(i * Key, Key);
                WgPrivateKey.Clamp(scalar);
                var publicKey = new byte[Key];
                Sodium.ScalarMultBase(publicKey, scalar);
                into[i] = WgPrivateKey.FromGenerated(scalar.ToArray(), new WgPublicKey(publicKey));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>
    /// Keys one by one, made <paramref name="batch"/> at a time by <paramref name="make"/>, so that
    /// a million keys never sit in memory at once. Keys made but never handed out, when the caller
    /// stops early (a pipeline stopped by Select-Object -First or Ctrl+C), are wiped before they
    /// are dropped. Making the next batch in the background while the caller takes the current
    /// one was tried and was no faster: writing a pair to the pipeline costs well under a
    /// microsecond, against about 15 for the key on two cores.
    /// </summary>
    public static IEnumerable<T> Sequence<T>(int count, int batch, Func<int, T[]> make, Action<T> wipe)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        return Iterate();

        IEnumerable<T> Iterate()
        {
            for (var made = 0; made < count;)
            {
                var current = make(Math.Min(batch, count - made));
                made += current.Length;
                var handed = 0;
                try
                {
                    while (handed < current.Length)
                        yield return current[handed++];
                }
                finally
                {
                    for (var i = handed; i < current.Length; i++)
                        wipe(current[i]);
                }
            }
        }
    }

    /// <summary>Keys per batch of a sequence: 64 chunks, so that every core has many to take.</summary>
    public const int SequenceBatch = 64 * ChunkKeys;

    /// <summary>Preshared keys: 32 random bytes each, as `wg genpsk` makes them, one block per chunk.</summary>
    public static WgPresharedKey[] PresharedKeys(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var keys = new WgPresharedKey[count];
        Span<byte> block = stackalloc byte[ChunkKeys * Key];
        try
        {
            for (var first = 0; first < count; first += ChunkKeys)
            {
                var chunk = block[..(Math.Min(ChunkKeys, count - first) * Key)];
                RandomNumberGenerator.Fill(chunk);
                for (var i = 0; i < chunk.Length / Key; i++)
                    keys[first + i] = WgPresharedKey.FromBytes(chunk.Slice(i * Key, Key));
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
        return keys;
    }
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace WgAdmin.Benchmarks;

/// <summary>
/// The bare P/Invoke loop over the same libsodium call WgAdmin's bulk generator makes, with none
/// of WgAdmin's objects: per chunk of 256 keys one block of random bytes, each scalar clamped, its
/// public key from crypto_scalarmult_curve25519_base, the block wiped; THREADS plain threads split
/// a batch. It stands in for the C loop (tests/bench/keys-floor.c) where no C compiler is
/// installed, and shows what .NET itself adds to the C loop where one is.
/// </summary>
internal static unsafe partial class BareSodiumLoop
{
    private const int Key = 32;
    private const int ChunkKeys = 256;

    public static int Batch(int count, int threads)
    {
        if (sodium_init() < 0)
            throw new InvalidOperationException("sodium_init failed");
        var sinks = new int[threads];
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            var share = count / threads + (t < count % threads ? 1 : 0);
            workers[t] = new Thread(() => sinks[index] = Loop(share));
            if (t > 0)
                workers[t].Start();
        }
        sinks[0] = Loop(count / threads + (count % threads > 0 ? 1 : 0));
        for (var t = 1; t < threads; t++)
            workers[t].Join();
        return sinks.Sum();
    }

    private static int Loop(int count)
    {
        var sink = 0;
        Span<byte> block = stackalloc byte[ChunkKeys * Key];
        Span<byte> publicKey = stackalloc byte[Key];
        for (var first = 0; first < count; first += ChunkKeys)
        {
            var n = Math.Min(ChunkKeys, count - first);
            RandomNumberGenerator.Fill(block[..(n * Key)]);
            fixed (byte* secret = block)
            fixed (byte* q = publicKey)
            {
                for (var i = 0; i < n; i++)
                {
                    var scalar = secret + i * Key;
                    scalar[0] &= 248;
                    scalar[31] = (byte)((scalar[31] & 127) | 64);
                    if (crypto_scalarmult_curve25519_base(q, scalar) != 0)
                        throw new InvalidOperationException("crypto_scalarmult_curve25519_base failed");
                    sink += q[0];
                }
            }
            CryptographicOperations.ZeroMemory(block);
        }
        return sink;
    }

    [LibraryImport("libsodium")]
    private static partial int sodium_init();

    [LibraryImport("libsodium")]
    private static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);
}

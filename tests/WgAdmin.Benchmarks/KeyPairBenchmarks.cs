using BenchmarkDotNet.Attributes;
using NSec.Cryptography;
using WgAdmin.Keys;

namespace WgAdmin.Benchmarks;

/// <summary>
/// The cost of one new key pair. The baseline is the floor: the bare NSec calls any key
/// generation must make (create an exportable X25519 key, export the private and the public
/// half). WgAdmin's one-at-a-time generators add clamping and two small wrapper objects on top;
/// the bulk generator (New-WgKeyPair -Count) skips NSec's guarded memory and uses every core, so
/// it comes out well under this floor (its own floor, the C loop, is in tests/Bench.ps1). Each invocation makes <see cref="KeysPerInvoke"/> keys so
/// that the per-key figure is far above the timer's resolution and the harness overhead.
/// </summary>
[MemoryDiagnoser]
public class KeyPairBenchmarks
{
    public const int KeysPerInvoke = 1000;

    [Benchmark(Baseline = true, OperationsPerInvoke = KeysPerInvoke, Description = "Bare NSec (floor)")]
    public int BareNSec()
    {
        var sink = 0;
        for (var i = 0; i < KeysPerInvoke; i++)
        {
            using var key = Key.Create(KeyAgreementAlgorithm.X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
            var privateKey = key.Export(KeyBlobFormat.RawPrivateKey);
            var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
            sink += privateKey[31] ^ publicKey[0];
        }
        return sink;
    }

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "WgPrivateKey.Generate + PublicKey")]
    public int PrivateKeyGenerate()
    {
        var sink = 0;
        for (var i = 0; i < KeysPerInvoke; i++)
        {
            var key = WgPrivateKey.Generate();
            sink += key.PublicKey.AsSpan()[0];
        }
        return sink;
    }

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "WgKeyPair.Generate(1000), bulk on all cores")]
    public int KeyPairGenerateBulk()
    {
        var sink = 0;
        foreach (var pair in WgKeyPair.Generate(KeysPerInvoke))
            sink += pair.PublicKey.AsSpan()[0];
        return sink;
    }

    [Benchmark(OperationsPerInvoke = KeysPerInvoke, Description = "WgKeyPair.Generate")]
    public int KeyPairGenerate()
    {
        var sink = 0;
        for (var i = 0; i < KeysPerInvoke; i++)
        {
            var pair = WgKeyPair.Generate();
            sink += pair.PublicKey.AsSpan()[0];
        }
        return sink;
    }
}

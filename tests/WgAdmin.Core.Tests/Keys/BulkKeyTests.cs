using WgAdmin.Keys;
using Xunit;

namespace WgAdmin.Core.Tests.Keys;

/// <summary>
/// The bulk generator (New-WgKeyPair -Count, New-WgPresharedKey -Count, New-WgTopology): libsodium's
/// X25519 called directly on block random bytes, on all cores. Known answers from RFC 7748 with the
/// random source replaced; the real `wg pubkey` on 10,000 keys is in Oracles/KeyOracleTests.
/// </summary>
public class BulkKeyTests
{
    // RFC 7748 section 6.1 (Alice, Bob) and section 5.2 (the iteration test after one iteration:
    // X25519 of the scalar 9 and the base point 9).
    public static TheoryData<string, string> Rfc7748() => new()
    {
        { "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a" },
        { "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f" },
        { "0900000000000000000000000000000000000000000000000000000000000000", "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079" },
    };

    private static byte[] Clamped(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        bytes[0] &= 248;
        bytes[31] = (byte)((bytes[31] & 127) | 64);
        return bytes;
    }

    [Theory]
    [MemberData(nameof(Rfc7748))]
    public void TheLibsodiumCallGivesRfc7748sPublicKey(string privateHex, string publicHex)
    {
        Sodium.EnsureInitialised();
        var publicKey = new byte[32];

        Sodium.ScalarMultBase(publicKey, Convert.FromHexString(privateHex));

        Assert.Equal(publicHex, Convert.ToHexStringLower(publicKey));
    }

    [Theory]
    [MemberData(nameof(Rfc7748))]
    public void TheBulkGeneratorClampsTheRandomBytesAndGivesRfc7748sPublicKey(string privateHex, string publicHex)
    {
        // Three chunks and a bit, so that the parallel path runs and the vector sits in the last chunk.
        var count = 3 * BulkKeys.ChunkKeys + 5;
        var keys = BulkKeys.PrivateKeys(count, block =>
        {
            block.Clear();
            if (block.Length == 5 * 32)
                Convert.FromHexString(privateHex).CopyTo(block[(4 * 32)..]);
        });

        var last = keys[^1];
        Assert.Equal(Convert.ToBase64String(Clamped(privateHex)), last.Reveal());
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(publicHex)), last.PublicKey.ToString());
        // NSec derives the same from the private key: the two paths agree.
        Assert.Equal(last.PublicKey, WgPrivateKey.Parse(last.Reveal()).PublicKey);
    }

    [Fact]
    public void EveryBulkKeyIsClampedDistinctAndPairedWithItsOwnPublicKey()
    {
        var keys = WgPrivateKey.Generate(1000);

        Assert.Equal(1000, keys.Length);
        Assert.Equal(1000, keys.Select(k => k.Reveal()).Distinct().Count());
        Assert.Equal(1000, keys.Select(k => k.PublicKey.ToString()).Distinct().Count());
        foreach (var key in keys)
        {
            var bytes = Convert.FromBase64String(key.Reveal());
            Assert.Equal(0, bytes[0] & 7);
            Assert.Equal(64, bytes[31] & 0xc0);
            Assert.Equal(key.PublicKey, WgPrivateKey.FromBytes(bytes).PublicKey);
        }
    }

    [Fact]
    public void PairsAndPresharedKeysComeInTheCountAsked()
    {
        Assert.Empty(WgKeyPair.Generate(0));
        Assert.Empty(WgPresharedKey.Generate(0));
        Assert.Single(WgKeyPair.Generate(1));
        var pairs = WgKeyPair.Generate(300);
        Assert.All(pairs, pair => Assert.Equal(pair.PrivateKey!.PublicKey, pair.PublicKey));
        var presharedKeys = WgPresharedKey.Generate(600);
        Assert.Equal(600, presharedKeys.Select(k => k.Reveal()).Distinct().Count());
        Assert.All(presharedKeys, key => Assert.Equal(32, Convert.FromBase64String(key.Reveal()).Length));
        Assert.Throws<ArgumentOutOfRangeException>(() => WgPrivateKey.Generate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => WgPresharedKey.Generate(-1));
    }

    [Fact]
    public void SequencesGiveTheCountAskedAcrossBatches()
    {
        var count = BulkKeys.SequenceBatch + 3;
        Assert.Equal(count, WgKeyPair.GenerateSequence(count).Count());
        Assert.Equal(count, WgPresharedKey.GenerateSequence(count).Select(k => k.Reveal()).Distinct().Count());
        Assert.Empty(WgKeyPair.GenerateSequence(0));
    }

    [Fact]
    public void BulkKeysShowNoSecret()
    {
        var pair = WgKeyPair.Generate(2)[1];
        var psk = WgPresharedKey.Generate(2)[1];

        Assert.Equal(pair.PublicKey.ToString(), pair.ToString());
        Assert.DoesNotContain(pair.PrivateKey!.Reveal(), pair.PrivateKey.ToString());
        Assert.Equal("(preshared key)", psk.ToString());
    }

    [Fact]
    public void TheRandomBlockIsWipedAfterUse()
    {
        var block = new byte[4 * 32];
        var keys = new WgPrivateKey[4];

        BulkKeys.MakeChunk(block, keys, b => b.Fill(0xa5));

        Assert.All(block, b => Assert.Equal(0, b));
        Assert.All(keys, key => Assert.Equal(Convert.ToBase64String(Clamped(string.Concat(Enumerable.Repeat("a5", 32)))), key.Reveal()));
    }

    [Fact]
    public void TheRandomBlockIsWipedWhenMakingAKeyFails()
    {
        var block = new byte[4 * 32];

        // Three keys' room for four keys' bytes: the fourth cannot be stored.
        Assert.ThrowsAny<Exception>(() => BulkKeys.MakeChunk(block, new WgPrivateKey[3], b => b.Fill(0x5a)));

        Assert.All(block, b => Assert.Equal(0, b));
    }

    [Fact]
    public void AFailedBulkCallWipesTheKeysItMadeAndSaysWhy()
    {
        var keys = new WgPrivateKey[5 * BulkKeys.ChunkKeys];
        var calls = 0;

        // The third chunk's random source fails; the other chunks' keys are dropped with the call.
        var failure = Assert.ThrowsAny<Exception>(() => BulkKeys.MakeKeys(keys, block =>
        {
            if (Interlocked.Increment(ref calls) == 3)
                throw new InvalidOperationException("no entropy");
            block.Fill(0x11);
        }));

        Assert.Contains("no entropy", failure.ToString());
        var made = keys.Where(k => k is not null).ToList();
        Assert.NotEmpty(made);
        Assert.All(made, key => Assert.Equal(Convert.ToBase64String(new byte[32]), key.Reveal()));
    }

    [Fact]
    public void KeysNeverHandedOutAreWiped()
    {
        var wiped = new List<int>();
        var batches = 0;
        int[] Make(int n)
        {
            batches++;
            return Enumerable.Range(batches * 100, n).ToArray();
        }

        var taken = BulkKeys.Sequence(10, 4, Make, wiped.Add).Take(5).ToList();

        Assert.Equal([100, 101, 102, 103, 200], taken);
        Assert.Equal([201, 202, 203], wiped);
        Assert.Equal(2, batches); // the third batch was never made

        wiped.Clear();
        batches = 0;
        Assert.Equal(10, BulkKeys.Sequence(10, 4, Make, wiped.Add).Count());
        Assert.Empty(wiped);
        Assert.Equal(3, batches);
    }

    [Fact]
    public void AWipedKeyHoldsZeros()
    {
        var key = WgPrivateKey.Generate(1)[0];

        key.Wipe();

        Assert.Equal(Convert.ToBase64String(new byte[32]), key.Reveal());
    }
}

using WgAdmin.Keys;
using Xunit;

namespace WgAdmin.Core.Tests.Keys;

/// <summary>Keys are exactly the 44-character canonical base64 that `wg` reads and writes.</summary>
public class KeyParsingTests
{
    // RFC 7748 section 6.1: Alice's and Bob's X25519 keys, a fixed point no implementation may miss.
    private const string AlicePrivateHex = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
    private const string AlicePublicHex = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    private const string BobPrivateHex = "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb";
    private const string BobPublicHex = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";

    private static string B64(string hex) => Convert.ToBase64String(Convert.FromHexString(hex));

    private static readonly string Good = B64(AlicePublicHex);

    [Theory]
    [InlineData(AlicePrivateHex, AlicePublicHex)]
    [InlineData(BobPrivateHex, BobPublicHex)]
    public void PublicKeyIsDerivedAsRfc7748Says(string privateHex, string publicHex)
    {
        var key = WgPrivateKey.Parse(B64(privateHex));

        Assert.Equal(B64(publicHex), key.PublicKey.ToString());
    }

    [Theory]
    [InlineData(AlicePrivateHex)]
    [InlineData(BobPrivateHex)]
    public void ParsedKeysRevealExactlyTheirText(string hex)
    {
        var text = B64(hex);

        Assert.Equal(text, WgPrivateKey.Parse(text).Reveal());
        Assert.Equal(text, WgPresharedKey.Parse(text).Reveal());
        Assert.Equal(text, WgPublicKey.Parse(text).ToString());
    }

    public static TheoryData<string, string> BadKeys()
    {
        var data = new TheoryData<string, string>
        {
            { "", "empty" },
            { Good[..43], "43 characters: the '=' is missing" },
            { Good + "A", "45 characters" },
            { Good[..42] + "==", "two '=' (a 31-byte value)" },
            { Good[..43] + "A", "44 characters without the '='" },
            { Good[..10] + "-" + Good[11..], "'-' of base64url" },
            { Good[..10] + "_" + Good[11..], "'_' of base64url" },
            { Good[..10] + "!" + Good[11..], "'!'" },
            { Good[..10] + " " + Good[11..], "a space in place of a character" },
            { Good[..20] + " " + Good[20..], "a space inside (wg deletes it in files, the value type does not)" },
            { " " + Good, "a leading space" },
            { Good + "\n", "a trailing newline" },
            { Good[..10] + "é" + Good[11..], "a non-ASCII letter" },
            { Good[..10] + "\u0663" + Good[11..], "an Arabic-Indic digit (char.IsDigit would take it)" },
            { Good[..10] + "\uff21" + Good[11..], "a full-width A" },
            { Good[..10] + "=" + Good[11..], "'=' in the middle" },
            { new string('A', 88), "88 characters (a 64-byte key)" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void BadKeysAreRefusedByEveryKeyType(string text, string why)
    {
        _ = why;
        Assert.Equal(WgErrorId.InvalidKey, Assert.Throws<WgException>(() => WgPublicKey.Parse(text)).ErrorId);
        Assert.Equal(WgErrorId.InvalidKey, Assert.Throws<WgException>(() => WgPrivateKey.Parse(text)).ErrorId);
        Assert.Equal(WgErrorId.InvalidKey, Assert.Throws<WgException>(() => WgPresharedKey.Parse(text)).ErrorId);
        Assert.False(WgPublicKey.TryParse(text, out var pub));
        Assert.False(WgPrivateKey.TryParse(text, out var priv));
        Assert.False(WgPresharedKey.TryParse(text, out var psk));
        Assert.Null(pub);
        Assert.Null(priv);
        Assert.Null(psk);
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void SecretKeyErrorsDescribeTheProblemWithoutTheValue(string text, string why)
    {
        _ = why;
        foreach (var ex in new[]
        {
            Assert.Throws<WgException>(() => WgPrivateKey.Parse(text)),
            Assert.Throws<WgException>(() => WgPresharedKey.Parse(text)),
        })
        {
            Assert.Single(ex.Errors);
            Assert.Null(ex.Errors[0].Offender);
            if (text.Trim().Length >= 8)
            {
                Assert.DoesNotContain(text.Trim(), ex.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(text.Trim()[..8], ex.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void PublicKeyErrorsQuoteTheValue()
    {
        // Short of a key's length: of a key's length it may be a private key, and is not quoted.
        var bad = Good[..30];

        var ex = Assert.Throws<WgException>(() => WgPublicKey.Parse(bad));

        Assert.Contains($"'{bad}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(bad, ex.Errors[0].Offender);
    }

    public static TheoryData<char, bool> LastCharacters()
    {
        // The 43rd character carries 4 key bits and 2 unused bits, which canonical base64 (and wg) wants zero.
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var data = new TheoryData<char, bool>();
        foreach (var c in alphabet)
            data.Add(c, "AEIMQUYcgkosw048".Contains(c));
        return data;
    }

    [Theory]
    [MemberData(nameof(LastCharacters))]
    public void OnlyCanonicalTrailingBitsAreAccepted(char last, bool canonical)
    {
        var text = Good[..42] + last + "=";

        Assert.Equal(canonical, WgPublicKey.TryParse(text, out _));
        Assert.Equal(canonical, WgPrivateKey.TryParse(text, out _));
        Assert.Equal(canonical, WgPresharedKey.TryParse(text, out _));
        if (!canonical)
            Assert.Contains("canonical", Assert.Throws<WgException>(() => WgPrivateKey.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullIsRefusedNotThrown()
    {
        Assert.False(WgPublicKey.TryParse(null, out _));
        Assert.False(WgPrivateKey.TryParse(null, out _));
        Assert.False(WgPresharedKey.TryParse(null, out _));
        Assert.Equal(WgErrorId.InvalidKey, Assert.Throws<WgException>(() => WgPublicKey.Parse(null!)).ErrorId);
    }

    [Fact]
    public void KeysWithTheSameBytesAreEqual()
    {
        var a = WgPublicKey.Parse(Good);
        var b = WgPublicKey.Parse(Good);
        var other = WgPublicKey.Parse(B64(BobPublicHex));

        Assert.True(a == b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != other);
        Assert.False(a.Equals(null));
        Assert.Equal(WgPrivateKey.Parse(B64(AlicePrivateHex)), WgPrivateKey.Parse(B64(AlicePrivateHex)));
        Assert.NotEqual(WgPrivateKey.Parse(B64(AlicePrivateHex)), WgPrivateKey.Parse(B64(BobPrivateHex)));
        Assert.Equal(WgPresharedKey.Parse(Good), WgPresharedKey.Parse(Good));
        Assert.Equal(WgPrivateKey.Parse(B64(AlicePrivateHex)).GetHashCode(), WgPrivateKey.Parse(B64(AlicePrivateHex)).GetHashCode());
    }

    [Fact]
    public void GeneratedPrivateKeysAreClampedAsWgGenkeyClampsThem()
    {
        for (var i = 0; i < 200; i++)
        {
            var bytes = Convert.FromBase64String(WgPrivateKey.Generate().Reveal());
            Assert.Equal(0, bytes[0] & 7);
            Assert.Equal(0, bytes[31] & 128);
            Assert.Equal(64, bytes[31] & 64);
        }
    }

    [Fact]
    public void GeneratedKeysCarryThePublicKeyTheirBytesGive()
    {
        // Generate() takes the public key from the same libsodium call; Parse derives it again.
        for (var i = 0; i < 200; i++)
        {
            var key = WgPrivateKey.Generate();
            Assert.Equal(key.PublicKey, WgPrivateKey.Parse(key.Reveal()).PublicKey);
        }
    }

    [Fact]
    public void GeneratedKeysDiffer()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => WgPrivateKey.Generate().Reveal()).ToHashSet();
        var psks = Enumerable.Range(0, 100).Select(_ => WgPresharedKey.Generate().Reveal()).ToHashSet();

        Assert.Equal(100, keys.Count);
        Assert.Equal(100, psks.Count);
    }

    [Fact]
    public void KeyPairHoldsBothHalvesOrOnlyThePublicOne()
    {
        var pair = WgKeyPair.Generate();
        var publicOnly = new WgKeyPair(pair.PublicKey);

        Assert.Equal(pair.PrivateKey!.PublicKey, pair.PublicKey);
        Assert.Null(publicOnly.PrivateKey);
        Assert.Equal(pair.PublicKey.ToString(), pair.ToString());
    }

    [Fact]
    public void FromBytesTakesExactly32Bytes()
    {
        Assert.Equal(WgErrorId.InvalidKey, Assert.Throws<WgException>(() => WgPrivateKey.FromBytes(new byte[31])).ErrorId);
        Assert.Throws<ArgumentException>(() => WgPublicKey.FromBytes(new byte[33]));
        Assert.Equal(Good, WgPublicKey.FromBytes(Convert.FromHexString(AlicePublicHex)).ToString());
        Assert.Equal(Good[..8] + "…", WgPublicKey.Parse(Good).ToShortString());
    }

    /// <summary>libsodium's blocklist of small-order points, each also with the top bit set (X25519 ignores it).</summary>
    public static TheoryData<string> LowOrderPoints()
    {
        var data = new TheoryData<string>();
        foreach (var hex in new[]
        {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        })
        {
            var bytes = Convert.FromHexString(hex);
            data.Add(Convert.ToBase64String(bytes));
            bytes[31] |= 0x80;
            data.Add(Convert.ToBase64String(bytes));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LowOrderPoints))]
    public void LowOrderPublicKeysAreRefused(string text)
    {
        var ex = Assert.Throws<WgException>(() => WgPublicKey.Parse(text));

        Assert.Equal(WgErrorId.LowOrderPublicKey, ex.ErrorId);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal); // a public key, and no real one: quoted
        Assert.False(WgPublicKey.TryParse(text, out _));
        // Still a well-formed key: as a private or preshared key it is only weak, not refused here.
        Assert.True(WgPresharedKey.TryParse(text, out _));
    }

    [Fact]
    public void APointNextToALowOrderOneIsAccepted()
    {
        var bytes = Convert.FromHexString("0200000000000000000000000000000000000000000000000000000000000000");
        Assert.True(WgPublicKey.TryParse(Convert.ToBase64String(bytes), out _));
        Assert.True(WgPublicKey.TryParse(WgPrivateKey.Generate().PublicKey.ToString(), out _));
    }

    [Theory]
    [InlineData(0)]   // a private key with a typo, pasted where the public key goes
    [InlineData(1)]   // its base64url form
    public void AMalformedPublicKeyOfAKeysLengthIsNotQuoted(int form)
    {
        var key = WgPrivateKey.Generate().Reveal();
        var text = form == 0 ? key[..20] + "!" + key[21..] : key[..10] + "-" + key[11..];

        var ex = Assert.Throws<WgException>(() => WgPublicKey.Parse(text));

        Assert.Equal(WgErrorId.InvalidKey, ex.ErrorId);
        Assert.DoesNotContain(key[21..35], ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.Errors[0].Offender);
    }
}

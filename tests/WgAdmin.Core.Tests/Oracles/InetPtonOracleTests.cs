using System.Runtime.InteropServices;
using CsCheck;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Oracles;

/// <summary>
/// wg parses AllowedIPs with inet_pton, so glibc's inet_pton is the oracle for our address
/// parser: on address-like strings (leading zeros, short forms, embedded IPv4, stray colons)
/// both must accept the same strings and read the same bytes.
/// </summary>
public class InetPtonOracleTests
{
    private const int AF_INET = 2, AF_INET6 = 10; // Linux values

    [DllImport("libc", EntryPoint = "inet_pton")]
    private static extern int InetPton(int family, [MarshalAs(UnmanagedType.LPUTF8Str)] string source, byte[] destination);

    private static byte[]? Libc(string text)
    {
        var v4 = new byte[4];
        if (InetPton(AF_INET, text, v4) == 1)
            return v4;
        var v6 = new byte[16];
        return InetPton(AF_INET6, text, v6) == 1 ? v6 : null;
    }

    private static readonly Gen<string> Piece = Gen.OneOf(
        Gen.OneOf("0", "00", "000", "0000", "00000", "1", "01", "001", "255", "256", "999", "ffff", "FFFF", "fFfF", "12345", "g", "1a", ""),
        Gen.Int[0, 300].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.UShort.Select(u => u.ToString("x", System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Separator = Gen.OneOf(".", ":", "::", ".", ":", ":::", " ", "%", "/", "");

    /// <summary>Address-like strings: pieces joined by separators, mostly dots and colons.</summary>
    private static readonly Gen<string> AddressLike = Gen.OneOf(
        Gen.Select(Piece.Array[1, 9], Separator.Array[9], (pieces, separators) =>
            string.Concat(pieces.Select((p, i) => i == 0 ? p : separators[i] + p))),
        // Real addresses, and then one character changed.
        Gen.OneOf(WgGen.IPv4, WgGen.IPv6).Select(a => a.ToString()),
        Gen.Select(Gen.OneOf(WgGen.IPv4, WgGen.IPv6), Gen.Int[0, 100], Gen.Char["0123456789abcdefABCDEF.:xg "],
            (a, at, c) => { var s = a.ToString(); var i = at % s.Length; return s[..i] + c + s[(i + 1)..]; }));

    [SkippableFact]
    public void OurAddressParserAgreesWithInetPton()
    {
        OracleGate.Require(needsRoot: false);

        AddressLike.Sample(text =>
        {
            var theirs = Libc(text);
            var ours = IPText.TryParseAddress(text, out var address);

            Assert.True(ours == (theirs is not null), $"{Structural.Show(text)}: inet_pton says {(theirs is null ? "invalid" : "valid")}, WgAdmin says {(ours ? "valid" : "invalid")}");
            if (ours)
                Assert.Equal(theirs, address.GetAddressBytes());
        }, iter: 100_000);
    }

    [SkippableTheory]
    [InlineData("1.2.3.4")]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3")]
    [InlineData("::ffff:1.2.3.4")]
    [InlineData("::1.2.3.04")]
    [InlineData("1:2:3:4:5:6:7:8")]
    [InlineData("1:2:3:4:5:6:7:8:9")]
    [InlineData("1:2:3:4:5:6:7::")]
    [InlineData("::1:2:3:4:5:6:7")]
    [InlineData("1::2::3")]
    [InlineData("00000::1")]
    [InlineData("::")]
    [InlineData(":::")]
    [InlineData("1:2:3:4:5:6:1.2.3.4")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4")]
    [InlineData("fe80::1%lo")]
    public void KnownCornersAgreeWithInetPton(string text)
    {
        OracleGate.Require(needsRoot: false);

        Assert.Equal(Libc(text) is not null, IPText.TryParseAddress(text, out _));
        Assert.Equal(Libc(text) is not null, WgPrefix.TryParse(text, out _));
    }
}

using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Keys;

/// <summary>
/// Private and preshared keys never leave through ToString, error messages or error offenders,
/// however the line that holds them is broken.
/// </summary>
public partial class SecretTests
{
    private static readonly WgPrivateKey Private = WgPrivateKey.Generate();
    private static readonly WgPresharedKey Preshared = WgPresharedKey.Generate();
    private static readonly string PrivateText = Private.Reveal();
    private static readonly string PresharedText = Preshared.Reveal();
    private static readonly string PeerKey = WgPrivateKey.Generate().PublicKey.ToString();

    /// <summary>Neither the key, nor its unpadded form, nor any 12-character piece of it.</summary>
    private static void AssertNoSecret(string secret, string? text)
    {
        if (text is null)
            return;
        var core = secret.TrimEnd('=');
        for (var i = 0; i + 12 <= core.Length; i++)
            Assert.False(text.Contains(core.Substring(i, 12), StringComparison.Ordinal),
                $"the text shows part of a secret key: {text.Replace(core.Substring(i, 12), "<HERE>")}");
    }

    private static void AssertNoSecret(string secret, WgException ex)
    {
        AssertNoSecret(secret, ex.Message);
        AssertNoSecret(secret, ex.ToString());
        foreach (var error in ex.Errors)
        {
            AssertNoSecret(secret, error.Message);
            AssertNoSecret(secret, error.Offender);
            AssertNoSecret(secret, error.ToString());
        }
    }

    [Fact]
    public void ToStringNeverShowsAKey()
    {
        var peer = new WgPeer(WgPublicKey.Parse(PeerKey)) { PresharedKey = Preshared, Name = "p" };
        var config = new WgInterface { PrivateKey = Private, Peers = [peer] };
        var pair = new WgKeyPair(Private);

        foreach (var text in new[] { Private.ToString(), Preshared.ToString(), config.ToString(), peer.ToString(), pair.ToString(), $"{Private}", $"{Preshared}", $"{config}" })
        {
            AssertNoSecret(PrivateText, text);
            AssertNoSecret(PresharedText, text);
        }
        Assert.Contains(Private.PublicKey.ToString(), Private.ToString(), StringComparison.Ordinal);
        Assert.Equal(PrivateText, Private.Reveal());
        Assert.Equal(PresharedText, Preshared.Reveal());
    }

    [Fact]
    public void HiddenWriterOutputNeverShowsAKey()
    {
        var config = new WgInterface { PrivateKey = Private, Peers = [new WgPeer(WgPublicKey.Parse(PeerKey)) { PresharedKey = Preshared }] };

        var text = WgConfigWriter.Write(config, WgSecretMode.Hide);

        AssertNoSecret(PrivateText, text);
        AssertNoSecret(PresharedText, text);
    }

    public static TheoryData<string, string> BrokenPrivateKeyLines()
    {
        var k = PrivateText;
        return new TheoryData<string, string>
        {
            { $"PrivateKey = {k[..43]}", "43 characters" },
            { $"PrivateKey = {k}A", "45 characters" },
            { $"PrivateKey = {k[..20]}-{k[21..]}", "a base64url character" },
            { $"PrivateKey = {k[..20]}!{k[21..]}", "a bad character" },
            { $"PrivateKey = {k[..42]}{(k[42] == 'B' ? 'C' : 'B')}=", "non-canonical trailing bits" },
            { $"PrivateKey = {k} {k}", "the key twice" },
            { $"PrivateKy = {k}", "a misspelled key name" },
            { $"Private_Key = {k}", "another misspelled key name" },
            { k, "a bare key line (its '=' padding is the only '=')" },
            { k[..43], "a bare key line without its '='" },
            { $"PrivateKey {k}", "a key line that lost its '='" },
            { $"PrivateKey: {k}", "a colon instead of '='" },
            { $"{k} = PrivateKey", "key and name swapped" },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenPrivateKeyLines))]
    public void BrokenPrivateKeyLinesNeverShowTheKey(string line, string why)
    {
        _ = why;
        foreach (var text in new[]
        {
            $"[Interface]\n{line}\n",                         // in its section
            $"{line}\n[Interface]\n",                         // before any section
            $"[Peer]\nPublicKey = {PeerKey}\n{line}\n",       // in a peer
            $"[Interface]\r\n{line}\r\n",                     // with CRLF
        })
        {
            var ex = Assert.Throws<WgException>(() => WgConfigParser.Parse(text));
            AssertNoSecret(PrivateText, ex);
        }
    }

    public static TheoryData<string, string> BrokenPresharedKeyLines()
    {
        var k = PresharedText;
        return new TheoryData<string, string>
        {
            { $"PresharedKey = {k[..43]}", "43 characters" },
            { $"PresharedKey = {k}B", "45 characters" },
            { $"PresharedKey = {k[..10]}_{k[11..]}", "a base64url character" },
            { $"PresharedKey = {k[..42]}{(k[42] == 'B' ? 'C' : 'B')}=", "non-canonical trailing bits" },
            { $"PreSharedKy = {k}", "a misspelled key name" },
            { $"PresharedKey {k}", "a key line that lost its '='" },
            { k, "a bare key line" },
            { k[..43], "a bare key line without its '='" },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenPresharedKeyLines))]
    public void BrokenPresharedKeyLinesNeverShowTheKey(string line, string why)
    {
        _ = why;
        foreach (var text in new[] { $"[Peer]\nPublicKey = {PeerKey}\n{line}\n", $"[Interface]\n{line}\n", $"{line}\n" })
        {
            var ex = Assert.Throws<WgException>(() => WgConfigParser.Parse(text));
            AssertNoSecret(PresharedText, ex);
        }
    }

    [Fact]
    public void PrivateKeyInAPeerSectionIsNamedNotShown()
    {
        var ex = Assert.Throws<WgException>(() => WgConfigParser.Parse($"[Peer]\nPublicKey = {PeerKey}\nPrivateKey = {PrivateText}\n"));

        Assert.Equal(WgErrorId.UnknownKey, ex.ErrorId);
        Assert.Contains("'PrivateKey'", ex.Message, StringComparison.Ordinal);
        AssertNoSecret(PrivateText, ex);
    }

    [Fact]
    public void ValueTypeErrorsNeverShowTheKey()
    {
        AssertNoSecret(PrivateText, Assert.Throws<WgException>(() => WgPrivateKey.Parse(PrivateText[..43])));
        AssertNoSecret(PrivateText, Assert.Throws<WgException>(() => WgPrivateKey.Parse(PrivateText + "=")));
        AssertNoSecret(PresharedText, Assert.Throws<WgException>(() => WgPresharedKey.Parse(PresharedText[..43])));
    }

    [Fact]
    public void ValidationErrorsOfAModelWithSecretsNeverShowThem()
    {
        var peer = new WgPeer(Private.PublicKey) { PresharedKey = Preshared, Name = "self\n", AllowedIPs = [WgPrefix.Parse("10.0.0.0/8")] };
        var config = new WgInterface { PrivateKey = Private, ListenPort = 0, Peers = [peer, peer.Clone()] };

        var ex = Assert.Throws<WgException>(() => WgConfigWriter.Write(config, WgSecretMode.Include));

        Assert.True(ex.Errors.Count >= 4);
        AssertNoSecret(PrivateText, ex);
        AssertNoSecret(PresharedText, ex);
    }

    [Fact]
    public void CorpusErrorsNeverShowASecretKeyOfTheirFile()
    {
        // Every key-shaped run in an invalid corpus file, however mangled, except on PublicKey lines (public, and quoted on purpose).
        foreach (var file in Corpus.All("invalid"))
        {
            var secrets = file.Text.Split('\n')
                .Where(line => !line.TrimStart().StartsWith("PublicKey", StringComparison.OrdinalIgnoreCase) && !line.StartsWith('#'))
                .SelectMany(line => KeyShape().Matches(line).Select(m => m.Value))
                .ToList();
            var ex = Assert.Throws<WgException>(() => WgConfigParser.Parse(file.Bytes));
            foreach (var secret in secrets)
                AssertNoSecret(secret, ex);
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z0-9+/_!-]{30,}")]
    private static partial System.Text.RegularExpressions.Regex KeyShape();
}

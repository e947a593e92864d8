using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Topology;
using Xunit;

namespace WgAdmin.Core.Tests.Keys;

/// <summary>
/// A fresh private key typed into any field of a config file or a topology file, in any of the
/// forms a key is pasted (padded or not, base64 or base64url, or a key's length with a typo), never
/// shows in an error: not in its message, not in its Offender, not in its text.
/// </summary>
public class KeyInEveryFieldTests
{
    /// <summary>The forms of one key: as wg writes it, without '=', URL-safe with and without '=', and with one wrong character.</summary>
    public static string[] Forms(string key)
    {
        var urlSafe = key.Replace('+', '-').Replace('/', '_');
        return [key, key.TrimEnd('='), urlSafe, urlSafe.TrimEnd('='), key[..20] + "!" + key[21..]];
    }

    // {0} is where the key goes. Each template gives at least one error.
    public static readonly string[] ConfigTemplates =
    [
        "[Interface]\nListenPort = {0}\n",
        "[Interface]\nFwMark = {0}\n",
        "[Interface]\nAddress = {0}\n",
        "[Interface]\nAddress = 10.0.0.1/24, {0}\n",
        "[Interface]\nDNS = {0}\n",
        "[Interface]\nMTU = {0}\n",
        "[Interface]\nTable = {0}\n",
        "[Interface]\nSaveConfig = {0}\n",
        "[Interface]\nPrivateKey = {0}x\n",
        "[Interface]\n[Peer]\nPublicKey = {0}\n",
        "[Interface]\n[Peer]\nPublicKey = {0}x\n",
        "[Interface]\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = {0}\n",
        "[Interface]\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = {0}:51820\n",
        "[Interface]\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = 192.0.2.1:{0}\n",
        "[Interface]\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nAllowedIPs = {0}\n",
        "[Interface]\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nPersistentKeepalive = {0}\n",
        "[Interface]\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nPresharedKey = {0}x\n",
        "[Interface]\n[Peer]\n# Name = {0}\u0001\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n",
        "[{0}]\n",
    ];

    private const string Site = "[Site]\nName = a\nEndpoint = 198.51.100.1:1\nLanPrefix = 10.1.0.0/16\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n";

    public static readonly string[] TopologyTemplates =
    [
        "[Topology]\nTunnelPrefix = {0}\n" + Site,
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\nShape = {0}\n" + Site,
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\nInterfaceName = {0}\n" + Site,
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\nPresharedKeys = {0}\n" + Site,
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\nShape = HubAndSpoke\nHub = {0}\n" + Site,
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site.Replace("198.51.100.1:1", "{0}", StringComparison.Ordinal),
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site.Replace("10.1.0.0/16", "{0}", StringComparison.Ordinal),
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "LanAddress = {0}\n",
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "TunnelAddress = {0}\n",
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "ListenPort = {0}\n",
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "Cloud = {0}\n",
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "BehindNat = {0}\n",
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "WanInterface = {0}\n",
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site.Replace("xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=", "{0}x", StringComparison.Ordinal),
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "PrivateKey = {0}x\n",
        "[Topology]\nTunnelPrefix = 10.0.0.0/24\n" + Site + "[PresharedKey]\nSites = a, {0}\nKey = {0}x\n",
    ];

    public static TheoryData<string, int> ConfigCases() => Cases(ConfigTemplates);

    public static TheoryData<string, int> TopologyCases() => Cases(TopologyTemplates);

    private static TheoryData<string, int> Cases(string[] templates)
    {
        var data = new TheoryData<string, int>();
        // The form with a typo is no key to the shape test; only a public key's field knows to hide it.
        foreach (var template in templates)
            for (var form = 0; form < (template.Contains("PublicKey = {0}", StringComparison.Ordinal) ? 5 : 4); form++)
                data.Add(template, form);
        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigCases))]
    public void AConfigFileNeverShowsAKeyInAnyField(string template, int form)
    {
        var key = WgPrivateKey.Generate().Reveal();
        var text = template.Replace("{0}", Forms(key)[form], StringComparison.Ordinal);

        WgException? error = null;
        try
        {
            WgConfigParser.Parse(text);
        }
        catch (WgException ex)
        {
            error = ex;
        }
        // Unpadded, a key may be a good value of the field (a search domain, a host name, a table
        // name), and a padded one a good public key: then there is no error to look into.
        Assert.True(error is not null || form is 1 or 3 || template.Contains("PublicKey = {0}\n", StringComparison.Ordinal), "the key in the field gave no error");
        if (error is not null)
            AssertHides(key, error);
    }

    [Theory]
    [MemberData(nameof(TopologyCases))]
    public void ATopologyFileNeverShowsAKeyInAnyField(string template, int form)
    {
        var key = WgPrivateKey.Generate().Reveal();
        var text = template.Replace("{0}", Forms(key)[form], StringComparison.Ordinal);

        // Some values pass the reader and fail the checks (a hub, a site name): both count.
        var errors = new List<WgError>();
        try
        {
            var topology = WgTopologyFile.Parse(text);
            errors.AddRange(topology.Check().Select(p => p.ToError()));
            topology.Build();
        }
        catch (WgException ex)
        {
            errors.AddRange(ex.Errors);
            AssertHides(key, ex);
        }
        Assert.True(errors.Count > 0 || form is 1 or 3, "the key in the field gave no error");
        foreach (var e in errors)
            AssertHides(key, e);
    }

    [Fact]
    public void OffenderIsHiddenWhereTheErrorIsMadeWhateverTheCallerPassed()
    {
        var key = WgPrivateKey.Generate().Reveal();
        foreach (var form in Forms(key)[..4])
        {
            var error = new WgError(WgErrorId.InvalidPort, "m", Offender: $"x {form} y");
            Assert.Equal($"x {Quote.Hidden} y", error.Offender);
            Assert.Equal($"{Quote.Hidden}:5", (error with { Offender = form + ":5" }).Offender);
        }
    }

    /// <summary>A key with a typo: a character lost, one too many, one mistyped (at the end, in the middle).</summary>
    public static TheoryData<int> NearForms() => [0, 1, 2, 3, 4];

    private static string NearForm(string key, int form) => form switch
    {
        0 => key[..20] + key[21..],                        // one lost, '=' kept: 42 + '='
        1 => key.TrimEnd('=') + "x",                       // one too many, no '='
        2 => key[..42] + (key[42] == 'A' ? 'B' : 'A'),     // the last one mistyped: no key's last character
        3 => key[..42] + (key[42] == 'A' ? 'B' : 'A') + "=",
        _ => key[..10] + (key[10] == 'q' ? 'r' : 'q') + key[11..].TrimEnd('=') + "x",
    };

    [Theory]
    [MemberData(nameof(NearForms))]
    public void AKeyWithATypoIsHiddenToo(int form)
    {
        var key = WgPrivateKey.Generate().Reveal();
        var typed = NearForm(key, form);

        Assert.Equal($"x {Quote.Hidden} y", new WgError(WgErrorId.InvalidPort, "m", Offender: $"x {typed} y").Offender);
        foreach (var template in new[] { "[Interface]\nListenPort = {0}\n", "[Interface]\nAddress = {0}\n" })
            AssertHides(key, Assert.Throws<WgException>(() => WgConfigParser.Parse(template.Replace("{0}", typed, StringComparison.Ordinal))));
        // Without '+', '/' and '=', 44 characters are a good host name: then there is no error to look into.
        try
        {
            WgConfigParser.Parse($"[Interface]\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nEndpoint = {typed}:1\n");
        }
        catch (WgException ex)
        {
            AssertHides(key, ex);
        }
    }

    [Theory]
    [InlineData("/etc/wireguard/some-long-folder-name/another-folder-name")]  // a path, lower case only
    [InlineData("averyveryverylonghostnamelabelwithoutanydots-0123")]          // no upper case
    [InlineData("WG-SITE-ALPHA-BRAVO-CHARLIE-DELTA-ECHO-2026")]                // no lower case
    [InlineData("ThisIsAVeryLongCamelCaseNameOfAThingWithoutDigits")]          // no digit
    public void LongWordsThatAreNoKeyStayReadable(string text)
    {
        Assert.Equal(text, new WgError(WgErrorId.FileNotFound, "m", Offender: text).Offender);
    }

    [Fact]
    public void APublicKeyNamedAsSuchAndAFingerprintStayReadable()
    {
        var publicKey = WgPrivateKey.Generate().PublicKey;
        Assert.Equal(publicKey.ToString(), new WgError(WgErrorId.DuplicatePeer, "m", publicKey).Offender);
        Assert.Equal(publicKey.ToString(), (new WgError(WgErrorId.DuplicatePeer, "m", publicKey) with { Line = 3 }).Offender);
        // ssh's SHA256 fingerprints are 43 unpadded base64 characters too; they are quoted on purpose.
        var fingerprint = "SHA256:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData([1, 2, 3])).TrimEnd('=');
        Assert.Equal(fingerprint, new WgError(WgErrorId.HostKeyUnknown, "m", Offender: fingerprint).Offender);
        Assert.Equal("/etc/wireguard/wg0.conf", new WgError(WgErrorId.FileExists, "m", Offender: "/etc/wireguard/wg0.conf").Offender);
    }

    /// <summary>Neither the key nor any 12 characters of it, in any form.</summary>
    private static void AssertHides(string key, WgException ex)
    {
        AssertNoPart(key, ex.Message);
        foreach (var e in ex.Errors)
            AssertHides(key, e);
    }

    private static void AssertHides(string key, WgError error)
    {
        AssertNoPart(key, error.Message);
        AssertNoPart(key, error.Offender);
        AssertNoPart(key, error.ToString());
    }

    private static void AssertNoPart(string key, string? text)
    {
        if (text is null)
            return;
        foreach (var form in new[] { key, key.Replace('+', '-').Replace('/', '_') })
        {
            var core = form.TrimEnd('=');
            for (var i = 0; i + 12 <= core.Length; i++)
                Assert.False(text.Contains(core.Substring(i, 12), StringComparison.Ordinal), $"the text shows part of the key: {text}");
        }
    }
}

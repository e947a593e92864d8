using System.Net;
using CsCheck;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Net;
using WgAdmin.Topology;
using Xunit;
using static WgAdmin.Core.Tests.Topology.TopologyCheckTests;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>Topology files: written and read back to the same interfaces, secrets only when asked, errors with their line.</summary>
public class TopologyFileTests
{
    private static WgPrefix P(string text) => WgPrefix.Parse(text);

    private static string Configs(WgTopology topology) =>
        string.Join("\n--\n", topology.Build().Select(i => WgConfigWriter.Write(i, WgSecretMode.Include)));

    // Sites with everything a file holds: keys local or gateway-made, LAN address, cloud, NAT, ports.
    private static readonly Gen<WgTopology> Topologies =
        Gen.Select(Gen.Int[1, 6], Gen.Bool, Gen.Bool, Gen.Int[0, 1000], (count, hubAndSpoke, psk, seed) => (count, hubAndSpoke, psk, seed))
            .SelectMany(t => Gen.Select(Gen.Bool.Array[6], Gen.Bool.Array[6], Gen.Bool.Array[6], Gen.Int[16, 28].Array[6], Gen.Int[0, 3].Array[6],
                (gatewayKey, cloud, nat, length, naming) =>
                {
                    var sites = Enumerable.Range(0, t.count).Select(i =>
                    {
                        var lan = new WgPrefix(IPAddress.Parse($"10.{i + 1}.0.0"), length[i]);
                        var site = new WgSite(SiteName(naming[i], i, t.seed), WgEndpoint.Parse($"198.51.100.{10 + i}:{10086 + i}"))
                        {
                            ComputerName = i % 2 == 0 ? $"gw-{i}" : null,
                            LanPrefix = i == 3 ? [lan, P($"fd00:{i}::/64")] : [lan],
                            LanAddress = cloud[i] && i % 3 == 0 ? null : IPAddress.Parse($"10.{i + 1}.0.{i + 1}"),
                            Cloud = cloud[i],
                            BehindNat = nat[i],
                            WanInterface = nat[i] ? "eth0" : null,
                        };
                        if (gatewayKey[i])
                            site.PublicKey = WgPrivateKey.Generate().PublicKey;
                        if (i == 2)
                            site.ListenPort = 51820;
                        return site;
                    }).ToList();
                    return new WgTopology(P("10.0.0.0/24"), sites)
                    {
                        Shape = t.hubAndSpoke ? WgTopologyShape.HubAndSpoke : WgTopologyShape.Mesh,
                        Hub = t.hubAndSpoke ? sites[^1].Name : null,
                        PresharedKeys = t.psk,
                        InterfaceName = t.psk ? "wg3" : "wg0",
                    };
                }));

    // Names with commas inside, at the ends and beside blanks, in mixed case: a [PresharedKey]'s Sites must still read back.
    private static string SiteName(int naming, int i, int seed) => naming switch
    {
        0 => $"site-{(char)('a' + i)}{seed % 7}",
        1 => $"Hamburg, Hafen {(char)('A' + i)}{seed % 7}",
        2 => $",site-{(char)('a' + i)},",
        _ => $"SITE-{(char)('A' + i)}{seed % 7},x , y",
    };

    [Fact]
    public void ReadingAFileWithSecretsGivesTheSameInterfacesAndTheSameFile()
    {
        Topologies.Sample(topology =>
        {
            var expected = Configs(topology);
            var text = WgTopologyFile.Write(topology, includeSecrets: true);
            var read = WgTopologyFile.Parse(text);
            Assert.Equal(expected, Configs(read));
            Assert.Equal(text, WgTopologyFile.Write(read, includeSecrets: true));
            Assert.Equal(expected, Configs(topology)); // building again keeps the keys
        }, iter: 300);
    }

    [Fact]
    public void AFileWithoutSecretsGivesPublicKeysOnlyAndTheSameRestOfTheInterfaces()
    {
        Topologies.Where(t => !t.PresharedKeys).Sample(topology =>
        {
            var text = WgTopologyFile.Write(topology, includeSecrets: false);
            Assert.DoesNotContain("PrivateKey", text, StringComparison.Ordinal);
            var read = WgTopologyFile.Parse(text).Build();
            var built = topology.Build();
            for (var i = 0; i < built.Count; i++)
            {
                Assert.Null(read[i].PrivateKey);
                Assert.Equal(built[i].PublicKey, read[i].PublicKey);
                var stripped = built[i].Clone();
                stripped.PrivateKey = null;
                stripped.PublicKey = built[i].PublicKey;
                Assert.Equal(WgConfigWriter.Write(stripped, WgSecretMode.Include), WgConfigWriter.Write(read[i], WgSecretMode.Include));
            }
        }, iter: 200);
    }

    [Fact]
    public void NoKeyOfATopologyAppearsInAFileWithoutSecrets()
    {
        var topology = TwoSites();
        topology.PresharedKeys = true;
        var built = topology.Build();
        var text = WgTopologyFile.Write(topology, includeSecrets: false);
        foreach (var config in built)
        {
            Assert.DoesNotContain(config.PrivateKey!.Reveal(), text, StringComparison.Ordinal);
            Assert.DoesNotContain(config.Peers[0].PresharedKey!.Reveal(), text, StringComparison.Ordinal);
        }
        Assert.Contains("PresharedKeys = true", text, StringComparison.Ordinal);
    }

    [Fact]
    public void PresharedKeysMissingFromAFileAreAnErrorNotNewKeys()
    {
        var topology = TwoSites();
        topology.PresharedKeys = true;
        var read = WgTopologyFile.Parse(WgTopologyFile.Write(topology, includeSecrets: false));
        var error = Assert.Throws<WgException>(() => read.Build());
        Assert.Equal(WgErrorId.SecretNotInFile, error.ErrorId);
        Assert.Empty(read.Interfaces);
    }

    [Fact]
    public void TheFileIsReadable()
    {
        var topology = TwoSites();
        topology.Sites[0].LanAddress = IPAddress.Parse("10.11.7.1");
        topology.Sites[1].Cloud = true;
        var text = WgTopologyFile.Write(topology, includeSecrets: false);
        Assert.StartsWith("# WgAdmin topology", text, StringComparison.Ordinal);
        Assert.Contains("[Topology]\nTunnelPrefix = 10.0.0.0/24\nShape = Mesh\nInterfaceName = wg0\nPresharedKeys = false\n", text, StringComparison.Ordinal);
        Assert.Contains("\n[Site]\nName = site-a\n", text, StringComparison.Ordinal);
        Assert.Contains("\nLanAddress = 10.11.7.1\n", text, StringComparison.Ordinal);
        Assert.Contains("\nCloud = true\n", text, StringComparison.Ordinal);
        Assert.Contains($"\nTunnelAddress = {topology.TunnelAddresses()["site-a"]}\n", text, StringComparison.Ordinal);
    }

    private const string Good = "[Topology]\nTunnelPrefix = 10.0.0.0/24\n[Site]\nName = a\nEndpoint = 198.51.100.1:1\nLanPrefix = 10.1.0.0/16\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n";

    public static TheoryData<string, string, int> BadFiles() => new()
    {
        { Good.Replace("TunnelPrefix = 10.0.0.0/24", "TunnelPrefix = 10.0.0.0/33", StringComparison.Ordinal), WgErrorId.InvalidPrefix, 2 },
        { Good.Replace("[Topology]\n", "", StringComparison.Ordinal), WgErrorId.KeyOutsideSection, 1 },
        { Good.Replace("Endpoint = 198.51.100.1:1", "Endpoint = 198.51.100.1", StringComparison.Ordinal), WgErrorId.InvalidEndpoint, 5 },
        { Good.Replace("LanPrefix = 10.1.0.0/16", "LanPrefix = ten", StringComparison.Ordinal), WgErrorId.InvalidPrefix, 6 },
        { Good + "Colour = blue\n", WgErrorId.UnknownKey, 8 },
        { Good + "[Peer]\n", WgErrorId.UnknownSection, 8 },
        { Good + "Cloud = maybe\n", WgErrorId.InvalidBoolean, 8 },
        { Good + "ListenPort = 70000\n", WgErrorId.InvalidPort, 8 },
        { Good + "LanAddress = 10.1.0.0/16\n", WgErrorId.InvalidPrefix, 8 },
        { Good + "PrivateKey = nope\n", WgErrorId.InvalidKey, 8 },
        { Good + "Name\n", WgErrorId.MissingEquals, 8 },
        { Good + "WanInterface =\n", WgErrorId.EmptyValue, 8 },
        { Good.Replace("PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n", "", StringComparison.Ordinal), WgErrorId.MissingPublicKey, 3 },
        { Good.Replace("Name = a\n", "", StringComparison.Ordinal), WgErrorId.InvalidTopologyFile, 3 },
        { Good + "[Topology]\n", WgErrorId.InvalidTopologyFile, 8 },
        { Good.Replace("TunnelPrefix = 10.0.0.0/24\n", "Shape = Ring\n", StringComparison.Ordinal), WgErrorId.InvalidTopologyFile, 2 },
        { Good + "[PresharedKey]\nSites = a, b\nKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n", WgErrorId.SiteNotFound, 8 },
        { "", WgErrorId.InvalidTopologyFile, 1 },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ABadFileFailsWithItsIdAndLine(string text, string id, int line)
    {
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(text));
        Assert.Contains(error.Errors, e => e.ErrorId == id && e.Line == line);
    }

    [Fact]
    public void AGoodFileParses()
    {
        var topology = WgTopologyFile.Parse(Good.Replace("Name = a", "# a comment\n  name   =   a  ", StringComparison.Ordinal));
        var site = Assert.Single(topology.Sites);
        Assert.Equal("a", site.Name);
        Assert.False(topology.GenerateMissingSecrets);
    }

    [Theory]
    [InlineData("site\nName = evil")]
    [InlineData(" padded")]
    public void ANameAFileCannotHoldIsRefusedOnWrite(string name)
    {
        var topology = new WgTopology(P("10.0.0.0/24"), [Site(name, "198.51.100.1:1", "10.1.0.0/16")]);
        Assert.Throws<WgException>(() => WgTopologyFile.Write(topology, includeSecrets: true));
    }

    // A base64 key ends in its '=' padding, so a mistyped key line splits there: everything before the '='
    // (43 characters, the whole key) is where the key name should be. No error may show it.
    public static TheoryData<string, string> MistypedKeyLines()
    {
        var data = new TheoryData<string, string>();
        string[] lines = ["PrivateKey: {0}", "Privatekey {0}", "{0}", "PrivateKey: {0} # gw-a", "{0} = x", "PrivateKey {1}", "[PrivateKey {0}]", "[{1}]"];
        string[] places = ["before", "[Topology]", "[Site]", "[PresharedKey]"];
        foreach (var line in lines)
            foreach (var place in places)
                data.Add(line, place);
        return data;
    }

    [Theory]
    [MemberData(nameof(MistypedKeyLines))]
    public void AMistypedKeyLineNeverShowsTheKey(string line, string place)
    {
        var key = WgPrivateKey.Generate().Reveal();
        var keyLine = string.Format(System.Globalization.CultureInfo.InvariantCulture, line, key, key.TrimEnd('='));
        var text = place switch
        {
            "before" => keyLine + "\n" + Good,
            "[Topology]" => Good.Replace("[Topology]\n", "[Topology]\n" + keyLine + "\n", StringComparison.Ordinal),
            "[Site]" => Good + keyLine + "\n",
            _ => Good + "[PresharedKey]\n" + keyLine + "\n",
        };
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(text));
        var secret = key[..20];
        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        Assert.All(error.Errors, e =>
        {
            Assert.DoesNotContain(secret, e.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, e.Offender ?? "", StringComparison.Ordinal);
            Assert.True(e.Offender is null || !e.Offender.Contains(key[..8], StringComparison.Ordinal));
        });
        // The line itself is still reported, by number.
        var lineNumber = text.Split('\n').ToList().IndexOf(keyLine) + 1;
        Assert.Contains(error.Errors, e => e.Line == lineNumber);
    }

    [Theory]
    [InlineData("Colour = blue", WgErrorId.UnknownKey, "'Colour'")]
    [InlineData("Colour =", WgErrorId.EmptyValue, "'Colour'")]
    [InlineData("[Peer]", WgErrorId.UnknownSection, "'[Peer]'")]
    public void AKeyNameIsStillQuoted(string line, string id, string quoted)
    {
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(Good + line + "\n"));
        var found = Assert.Single(error.Errors);
        Assert.Equal(id, found.ErrorId);
        Assert.Contains(quoted, found.Message, StringComparison.Ordinal);
        Assert.NotNull(found.Offender);
    }

    [Theory]
    [InlineData("[Site]", "Name = b", "Name")]
    [InlineData("[Site]", "endpoint = 198.51.100.9:9", "endpoint")]
    [InlineData("[Site]", "PublicKey = VDxDQ/iSKVlRqXDWM8Ok+bNvm2yLTGDFZbnLmNz92DA=", "PublicKey")]
    [InlineData("[Topology]", "TunnelPrefix = 10.9.0.0/24", "TunnelPrefix")]
    public void ARepeatedKeyIsAnErrorWithBothLines(string section, string line, string key)
    {
        var text = section == "[Site]" ? Good + line + "\n" : Good.Replace("[Site]", line + "\n[Site]", StringComparison.Ordinal);
        var number = text.Split('\n').ToList().IndexOf(line) + 1;
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(text));
        var found = Assert.Single(error.Errors);
        Assert.Equal(WgErrorId.DuplicateKey, found.ErrorId);
        Assert.Equal(number, found.Line);
        Assert.Equal(key, found.Offender);
        var first = text.Split('\n').ToList().FindIndex(l => l.StartsWith(key + " =", StringComparison.OrdinalIgnoreCase)) + 1;
        Assert.Contains($"line {first}", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARepeatedPrivateKeyIsAnErrorThatDoesNotShowEitherKey()
    {
        var one = WgPrivateKey.Generate();
        var two = WgPrivateKey.Generate();
        var text = Good.Replace("PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n", $"PrivateKey = {one.Reveal()}\nPrivateKey = {two.Reveal()}\n", StringComparison.Ordinal);
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(text));
        var found = Assert.Single(error.Errors);
        Assert.Equal((WgErrorId.DuplicateKey, 8), (found.ErrorId, found.Line));
        Assert.DoesNotContain(one.Reveal()[..20], found.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(two.Reveal()[..20], found.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void LanPrefixStillRepeats()
    {
        var topology = WgTopologyFile.Parse(Good + "LanPrefix = 10.2.0.0/16\n");
        Assert.Equal(2, topology.Sites[0].LanPrefix.Length);
    }

    private static string TwoSiteFile(string first, string second, string sites) =>
        Good.Replace("Name = a", $"Name = {first}", StringComparison.Ordinal)
        + $"[Site]\nName = {second}\nEndpoint = 198.51.100.2:1\nLanPrefix = 10.2.0.0/16\nPublicKey = VDxDQ/iSKVlRqXDWM8Ok+bNvm2yLTGDFZbnLmNz92DA=\n"
        + $"[PresharedKey]\nSites = {sites}\nKey = {WgPresharedKey.Generate().Reveal()}\n";

    [Theory]
    [InlineData("a", "b", "A, B")]
    [InlineData("Hamburg, Hafen", "b", "hamburg, hafen,b")]
    [InlineData("a,", ",b", "a,, ,b")]
    public void SitesNamesItsSitesCaseInsensitivelyAndMayHoldCommas(string first, string second, string sites)
    {
        var topology = WgTopologyFile.Parse(TwoSiteFile(first, second, sites));
        Assert.NotNull(topology.PresharedKeyOf(first, second));
        var (a, b, _) = Assert.Single(topology.PresharedKeyPairs());
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), new[] { a, b });
    }

    [Theory]
    [InlineData("a", "b", "a, c", WgErrorId.SiteNotFound)]
    [InlineData("a", "b", "a, A", WgErrorId.InvalidTopologyFile)]
    [InlineData("a", "b", "a b", WgErrorId.InvalidTopologyFile)]
    [InlineData("a", "b", "a, b, c", WgErrorId.InvalidTopologyFile)]
    public void SitesThatNameNoTwoSitesIsAnError(string first, string second, string sites, string id)
    {
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(TwoSiteFile(first, second, sites)));
        Assert.Contains(error.Errors, e => e.ErrorId == id && e.Line == 13);
    }

    [Fact]
    public void NamesWhosePairWouldSplitTwoWaysAreRefusedOnWrite()
    {
        // "a, b, c" is both (a; "b, c") and ("a, b"; c).
        var sites = new[] { "a", "b, c", "a, b", "c" }.Select((n, i) => Site(n, $"198.51.100.{i + 1}:1", $"10.{i + 1}.0.0/16")).ToList();
        var topology = new WgTopology(P("10.0.0.0/24"), sites) { PresharedKeys = true };
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Write(topology, includeSecrets: true));
        Assert.Contains(error.Errors, e => e.ErrorId == WgErrorId.InvalidTopologyFile);
        // Without secrets no Sites line is written, so the same names are fine.
        Assert.Equal(4, WgTopologyFile.Parse(WgTopologyFile.Write(topology, includeSecrets: false)).Sites.Count);
    }

    [Fact]
    public void ASecondPresharedKeyForThePairIsAnError()
    {
        var text = TwoSiteFile("a", "b", "a, b") + $"[PresharedKey]\nSites = B, A\nKey = {WgPresharedKey.Generate().Reveal()}\n";
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(text));
        var found = Assert.Single(error.Errors);
        Assert.Equal((WgErrorId.DuplicateKey, 16), (found.ErrorId, found.Line));
        Assert.Contains("line 13", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseGivesTheLineOfEachSiteSection()
    {
        WgTopologyFile.Parse(TwoSiteFile("a", "Site-B", "a, site-b"), out var lines);
        Assert.Equal(3, lines["a"]);
        Assert.Equal(8, lines["site-b"]);
    }
}

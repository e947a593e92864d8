using System.Net;
using WgAdmin.Net;
using WgAdmin.Topology;
using Xunit;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>
/// The sweep finds exactly the overlapping pairs, in the same order, as the loop over every pair
/// of sites the overlap check used before issue 15 (kept here as the oracle), over random and
/// adversarial sets of prefixes.
/// </summary>
public class LanOverlapSweepTests
{
    /// <summary>The check's loop before the sweep, as it was: every pair of sites, every pair of their prefixes.</summary>
    private static List<LanOverlapSweep.Overlap> AllPairs(IReadOnlyList<WgPrefix[]> lans)
    {
        var found = new List<LanOverlapSweep.Overlap>();
        for (var i = 0; i < lans.Count; i++)
            for (var j = i + 1; j < lans.Count; j++)
                for (var a = 0; a < lans[i].Length; a++)
                    for (var b = 0; b < lans[j].Length; b++)
                        if (lans[i][a].Length > 0 && lans[j][b].Length > 0 && lans[j][b].Overlaps(lans[i][a]))
                            found.Add(new(i, a, j, b));
        return found;
    }

    private static WgPrefix[] P(params string[] prefixes) => prefixes.Select(WgPrefix.Parse).ToArray();

    public static TheoryData<string, string[][]> Adversarial => new()
    {
        { "no sites", [] },
        { "one site holding overlapping prefixes of its own", [["10.0.0.0/8", "10.1.0.0/16", "10.1.0.0/16"]] },
        { "the same prefix at every site", [["10.1.0.0/24"], ["10.1.0.0/24"], ["10.1.0.0/24"], ["10.1.0.0/24"]] },
        { "a chain of nested prefixes, one per site, longest first", [["10.1.2.0/24"], ["10.1.0.0/16"], ["10.0.0.0/8"], ["0.0.0.0/1"]] },
        { "nested prefixes sharing a first address and one apart", [["10.0.0.0/8", "10.0.0.0/16"], ["10.0.0.0/24"], ["10.0.0.0/16", "10.255.255.255/32"], ["11.0.0.0/8"]] },
        { "host bits set", [["10.1.2.3/24"], ["10.1.2.200/25"], ["10.1.3.1/24"]] },
        { "a default route beside others (left to its own check)", [["0.0.0.0/0", "10.0.0.0/8"], ["10.9.0.0/16"], ["::/0"]] },
        { "both families, each overlapping only its own", [["10.0.0.0/8", "fd00::/8"], ["fd00:1::/32", "10.2.0.0/16"], ["192.168.0.0/16", "fd00:1:2::/48"]] },
        { "the ends of the address space", [["255.255.255.255/32"], ["255.255.255.0/24"], ["0.0.0.0/32"], ["0.0.0.0/8"], ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"], ["8000::/1"]] },
        { "a wide prefix holding many narrow ones of several sites", [["10.0.0.0/16"], ["10.0.1.0/24", "10.0.2.0/24"], ["10.0.3.0/24"], ["10.0.1.128/25", "10.1.0.0/24"]] },
        { "adjacent, not overlapping", [["10.0.0.0/25"], ["10.0.0.128/25"], ["10.0.1.0/24"]] },
    };

    [Theory]
    [MemberData(nameof(Adversarial))]
    public void TheSweepFindsWhatEveryPairFound(string name, string[][] sites)
    {
        _ = name; // names the case in the test's display name only
        var lans = sites.Select(s => P(s)).ToList();
        Assert.Equal(AllPairs(lans), LanOverlapSweep.Find(lans));
    }

    [Theory]
    [InlineData(1, 200, 3, false)]
    [InlineData(2, 200, 3, true)]
    [InlineData(3, 60, 6, false)]
    [InlineData(4, 500, 2, true)]
    [InlineData(5, 1000, 1, false)]
    public void RandomPrefixesInASmallSpaceGiveTheSamePairs(int seed, int siteCount, int prefixesPerSite, bool ipv6Too)
    {
        // A small space (10.0.0.0/12 and fd00::/116) and lengths from /12 to /32, so that many
        // prefixes nest, repeat or sit side by side.
        var random = new Random(seed);
        WgPrefix Next()
        {
            if (ipv6Too && random.Next(3) == 0)
            {
                var bytes = IPAddress.Parse("fd00::").GetAddressBytes();
                bytes[14] = (byte)random.Next(16);
                bytes[15] = (byte)random.Next(256);
                return new WgPrefix(new IPAddress(bytes), random.Next(116, 129));
            }
            var address = new IPAddress([10, (byte)random.Next(16), (byte)random.Next(4), (byte)random.Next(256)]);
            return new WgPrefix(address, random.Next(12, 33));
        }
        var lans = Enumerable.Range(0, siteCount).Select(_ => Enumerable.Range(0, random.Next(prefixesPerSite + 1)).Select(_ => Next()).ToArray()).ToList();

        var expected = AllPairs(lans);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, LanOverlapSweep.Find(lans));
    }

    [Fact]
    public void AThousandDistinctLansOverlapNowhere()
    {
        var lans = Enumerable.Range(0, 1000).Select(i => P($"10.{100 + i / 256}.{i % 256}.0/24")).ToList();

        Assert.Empty(LanOverlapSweep.Find(lans));
        Assert.Empty(AllPairs(lans));
    }

    /// <summary>The check's errors and proposals follow the pairs' order: the same as before for a topology with several overlaps.</summary>
    [Fact]
    public void TheCheckReportsEveryOverlapInTheOrderOfTheSites()
    {
        var topology = new WgTopology(WgPrefix.Parse("10.0.0.0/24"),
        [
            TopologyCheckTests.Site("a", "198.51.100.1:51820", "10.1.0.0/16", "192.168.1.0/24"),
            TopologyCheckTests.Site("b", "198.51.100.2:51820", "192.168.0.0/16"),
            TopologyCheckTests.Site("c", "198.51.100.3:51820", "10.1.5.0/24", "192.168.1.128/25"),
        ]);

        var overlaps = topology.Check().Where(p => p.ErrorId == WgErrorId.LanOverlap).Select(p => p.Message).ToList();

        Assert.Equal(4, overlaps.Count);
        string[] expected =
        [
            "'192.168.1.0/24' of site 'a' overlaps the LAN prefix '192.168.0.0/16' of site 'b'",
            "'10.1.0.0/16' of site 'a' overlaps the LAN prefix '10.1.5.0/24' of site 'c'",
            "'192.168.1.0/24' of site 'a' overlaps the LAN prefix '192.168.1.128/25' of site 'c'",
            "'192.168.0.0/16' of site 'b' overlaps the LAN prefix '192.168.1.128/25' of site 'c'",
        ];
        for (var i = 0; i < expected.Length; i++)
            Assert.Contains(expected[i], overlaps[i], StringComparison.Ordinal);
        // Each proposal is a range no site, the tunnel nor an earlier proposal uses.
        var proposed = overlaps.Select(m => m.Split(" to '")[1].Split('\'')[0]).Select(WgPrefix.Parse).ToList();
        Assert.Equal(proposed.Count, proposed.Distinct().Count());
        var used = topology.Sites.SelectMany(s => s.LanPrefix).Append(topology.TunnelPrefix).ToList();
        Assert.All(proposed, p => Assert.DoesNotContain(used, u => u.Overlaps(p)));
    }
}

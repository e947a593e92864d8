using System.Net;
using WgAdmin.Net;
using WgAdmin.Topology;
using Xunit;
using static WgAdmin.Core.Tests.Topology.TopologyCheckTests;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>
/// WgLanRoutes.For works out each far LAN and each site's next hop once (issue 15) instead of once
/// per pair of sites: its routes are the same, field for field and in the same order, as those of
/// the code before (kept here as the oracle) on a large, mixed topology.
/// </summary>
public class LanRouteScaleTests
{
    /// <summary>WgLanRoutes.For and its Route before issue 15, as they were (every site, no addresses read from a gateway).</summary>
    private static List<WgLanRoute> Before(WgTopology topology, string? siteName, IReadOnlyList<IPAddress> gatewayAddresses)
    {
        var sites = topology.Sites.Where(s => s is not null).ToList();
        var selected = siteName is null ? sites : sites.Where(s => string.Equals(s.Name, siteName, StringComparison.OrdinalIgnoreCase)).ToList();
        var routes = new List<WgLanRoute>();
        foreach (var site in selected)
        {
            var own = site.LanPrefix.Select(p => p.ToNetwork()).ToList();
            var seen = new HashSet<WgPrefix>();
            foreach (var far in sites.Where(s => s != site))
            {
                foreach (var destination in far.LanPrefix.Where(p => p.Length > 0).Select(p => p.ToNetwork()))
                {
                    if (!seen.Add(destination) || own.Any(o => o.Overlaps(destination)))
                        continue;
                    var known = site.LanAddress is { } given ? new[] { given } : gatewayAddresses;
                    var gateway = known.FirstOrDefault(a => a.AddressFamily == destination.Family);
                    string? note = null;
                    if (known.Count == 0)
                        note = $"the LAN address of the gateway of site {Quote.Value(site.Name)} is unknown: give New-WgSite -LanAddress (or the site's -ComputerName, for Set-WgLanRoute to read it from the gateway)";
                    else if (gateway is null)
                        note = $"the gateway's LAN address {string.Join(", ", known)} is not of the destination's address family";
                    else if (site.Cloud)
                        note = WgLanRoutes.CloudNote;
                    routes.Add(new WgLanRoute
                    {
                        Site = site.Name,
                        DestinationSite = far.Name,
                        Destination = destination.ToString(),
                        Gateway = gateway?.ToString(),
                        Command = gateway is null ? null : $"ip {(destination.IsIPv6 ? "-6 " : "")}route replace {destination} via {gateway}",
                        Note = note,
                    });
                }
            }
        }
        return routes;
    }

    private static (string, string, string?, string?, string?, string?) Fields(WgLanRoute r) => (r.Site, r.Destination, r.DestinationSite, r.Gateway, r.Command, r.Note);

    /// <summary>
    /// 300 sites: most with an IPv4 LAN and its gateway, some with an IPv6 LAN too (a few with an IPv6
    /// gateway address only), some in a cloud,
    /// some without a LAN address, some whose prefixes repeat another site's or hold host bits,
    /// one with a LAN of ::/0 and one of 0.0.0.0/0 (no route may go there), one with no LAN at all.
    /// </summary>
    private static WgTopology Mixed()
    {
        var sites = new List<WgSite>();
        for (var i = 0; i < 300; i++)
        {
            var lan = $"10.{100 + i / 256}.{i % 256}";
            var prefixes = new List<string> { i % 7 == 3 ? $"{lan}.9/24" : $"{lan}.0/24" };
            if (i % 5 == 0)
                prefixes.Add($"fd00:{i:x}::/64");
            if (i % 11 == 4)
                prefixes.Add("192.168.1.0/24"); // the same far prefix at several sites: routed once
            var site = Site($"site-{i:D3}", $"198.51.{i / 250}.{i % 250 + 1}:51820", prefixes.ToArray());
            if (i % 13 != 6)
                site.LanAddress = IPAddress.Parse(i % 10 == 5 ? $"fd00:{i:x}::1" : $"{lan}.1");
            site.Cloud = i % 17 == 2;
            sites.Add(site);
        }
        sites[42].LanPrefix = [WgPrefix.Parse("::/0"), WgPrefix.Parse("10.200.0.0/24")];
        sites[43].LanPrefix = [WgPrefix.Parse("0.0.0.0/0")];
        sites[44].LanPrefix = [];
        sites[44].LanAddress = null;
        return new WgTopology(WgPrefix.Parse("10.0.0.0/16"), sites);
    }

    [Fact]
    public void EveryRouteIsTheSameAsBefore()
    {
        var topology = Mixed();

        var expected = Before(topology, null, Array.Empty<IPAddress>());

        Assert.True(expected.Count > 80_000, $"{expected.Count} routes");
        Assert.Contains(expected, r => r.Command is null);
        Assert.Contains(expected, r => r.Note == WgLanRoutes.CloudNote);
        Assert.Contains(expected, r => r.Command?.StartsWith("ip -6 ", StringComparison.Ordinal) == true);
        Assert.Equal(expected.Select(Fields), WgLanRoutes.For(topology).Select(Fields));
    }

    [Theory]
    [InlineData("site-006", new[] { "10.100.6.7", "fd00:6::7" })]
    [InlineData("SITE-013", new[] { "fd00:13::1" })]
    [InlineData("site-042", new string[0])]
    public void OneSitesRoutesWithTheAddressesReadFromItsGatewayAreTheSameAsBefore(string site, string[] read)
    {
        var topology = Mixed();
        var addresses = read.Select(IPAddress.Parse).ToArray();

        var expected = Before(topology, site, addresses);

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(Fields), WgLanRoutes.For(topology, site, addresses).Select(Fields));
    }

    /// <summary>Enumerate gives the routes one at a time, but an unknown site is refused when it is called, before any route is asked for.</summary>
    [Fact]
    public void EnumerateRefusesAnUnknownSiteAtOnceAndGivesWhatForGives()
    {
        var topology = Mixed();

        var error = Assert.Single(Assert.Throws<WgException>(() => WgLanRoutes.Enumerate(topology, "no-such-site")).Errors);

        Assert.Equal(WgErrorId.SiteNotFound, error.ErrorId);
        Assert.Throws<ArgumentException>(() => WgLanRoutes.Enumerate(topology, null, [IPAddress.Loopback]));
        Assert.Equal(WgLanRoutes.For(topology, "site-007").Select(Fields), WgLanRoutes.Enumerate(topology, "site-007").Select(Fields));
    }
}

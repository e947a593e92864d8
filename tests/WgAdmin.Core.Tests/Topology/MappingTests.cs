using System.Net;
using WgAdmin.Net;
using WgAdmin.Topology;
using Xunit;
using static WgAdmin.Core.Tests.Topology.TopologyCheckTests;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>1:1 prefix mapping of overlapping LANs (issue 14): what the other sites see, the checks, -ResolveOverlap, the file.</summary>
public class MappingTests
{
    private static WgPrefix P(string text) => WgPrefix.Parse(text);

    private static WgSite Mapped(string name, string endpoint, string lan, string mapped)
    {
        var site = Site(name, endpoint, lan);
        site.MappedPrefix = [P(mapped)];
        return site;
    }

    /// <summary>The issue's offices: two with 192.168.1.0/24, each mapped, and one that is not.</summary>
    private static WgTopology Offices(WgTopologyShape shape = WgTopologyShape.Mesh) => new(P("10.0.0.0/24"),
    [
        Mapped("office-a", "198.51.100.10:1", "192.168.1.0/24", "10.201.1.0/24"),
        Mapped("office-b", "198.51.100.20:1", "192.168.1.0/24", "10.201.2.0/24"),
        Site("office-c", "198.51.100.30:1", "10.100.3.0/24"),
    ]) { Shape = shape, Hub = "office-c" };

    [Theory]
    [InlineData("192.168.1.7", "192.168.1.0/24", "10.201.1.0/24", "10.201.1.7")]
    [InlineData("172.17.255.254", "172.17.0.0/16", "100.64.3.0/16", "100.64.255.254")]
    [InlineData("10.0.0.5", "10.0.0.4/30", "192.0.2.8/30", "192.0.2.9")]
    public void AnAddressKeepsItsHostBitsUnderTheMappedPrefix(string real, string lan, string mapped, string expected)
    {
        var mapping = new WgPrefixMapping(P(lan), P(mapped).ToNetwork());
        Assert.Equal(expected, mapping.ToMapped(IPAddress.Parse(real)).ToString());
        Assert.Equal(real, mapping.ToReal(IPAddress.Parse(expected)).ToString());
        Assert.Throws<ArgumentException>(() => mapping.ToMapped(IPAddress.Parse("203.0.113.1")));
    }

    [Fact]
    public void TheOtherSitesSeeAMappedLanUnderItsMappedPrefix()
    {
        var topology = Offices();
        Assert.Empty(topology.Check());
        var interfaces = topology.Build();
        var a = interfaces[0];
        var c = interfaces[2];

        var allowedOnC = c.Peers.ToDictionary(p => p.Name!, p => p.AllowedIPs.Skip(1).Select(x => x.ToString()).ToArray());
        Assert.Equal(["10.201.1.0/24"], allowedOnC["office-a"]);
        Assert.Equal(["10.201.2.0/24"], allowedOnC["office-b"]);
        Assert.DoesNotContain(c.Peers.SelectMany(p => p.AllowedIPs), p => p.Overlaps(P("192.168.1.0/24")));
        Assert.Equal(["10.201.2.0/24"], a.Peers.Single(p => p.Name == "office-b").AllowedIPs.Skip(1).Select(x => x.ToString()));

        // Each gateway carries only its own site's mapping; the unmapped one none.
        Assert.Equal([new WgPrefixMapping(P("192.168.1.0/24"), P("10.201.1.0/24"))], a.PrefixMappings);
        Assert.Equal([new WgPrefixMapping(P("192.168.1.0/24"), P("10.201.2.0/24"))], interfaces[1].PrefixMappings);
        Assert.Empty(c.PrefixMappings);
        // Not part of the wg-quick file.
        Assert.DoesNotContain("10.201.1.0", WgAdmin.Config.WgConfigWriter.Write(a, WgAdmin.Config.WgSecretMode.Hide), StringComparison.Ordinal);
        Assert.Equal(a.PrefixMappings, a.Clone().PrefixMappings);
    }

    [Fact]
    public void InHubAndSpokeASpokeRoutesTheMappedPrefixesThroughTheHub()
    {
        var interfaces = Offices(WgTopologyShape.HubAndSpoke).Build();
        var spokeA = interfaces[0];
        var hub = Assert.Single(spokeA.Peers);
        Assert.Contains(P("10.201.2.0/24"), hub.AllowedIPs);
        Assert.Contains(P("10.100.3.0/24"), hub.AllowedIPs);
        Assert.DoesNotContain(hub.AllowedIPs, p => p == P("192.168.1.0/24"));
        Assert.Contains(interfaces[2].Peers, p => p.Name == "office-a" && p.AllowedIPs.Contains(P("10.201.1.0/24")));
    }

    [Fact]
    public void LanRoutesAdviseTheMappedPrefixes()
    {
        var topology = Offices();
        topology.Sites[0].LanAddress = IPAddress.Parse("192.168.1.1");
        var routes = WgLanRoutes.For(topology, "office-a");
        Assert.Equal(["10.201.2.0/24", "10.100.3.0/24"], routes.Select(r => r.Destination));
        Assert.Equal("ip route replace 10.201.2.0/24 via 192.168.1.1", routes[0].Command);
        Assert.Equal(["10.201.1.0/24", "10.201.2.0/24"], WgLanRoutes.For(topology, "office-c").Select(r => r.Destination));
    }

    [Fact]
    public void WithoutAMappingTheOverlapErrorSuggestsResolveOverlap()
    {
        var topology = new WgTopology(P("10.0.0.0/24"), [Site("a", "198.51.100.1:1", "192.168.1.0/24"), Site("b", "198.51.100.2:1", "192.168.1.0/24")]);
        var problem = Assert.Single(topology.Check());
        Assert.Equal(WgErrorId.LanOverlap, problem.ErrorId);
        Assert.Contains("'192.168.1.0/24' of site 'a' overlaps the LAN prefix '192.168.1.0/24' of site 'b'", problem.Message, StringComparison.Ordinal);
        Assert.Contains("New-WgTopology -ResolveOverlap", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MappingOnlyOneOfTwoTwinsIsRefusedTheOtherMustBeMappedToo()
    {
        var topology = new WgTopology(P("10.0.0.0/24"), [Mapped("a", "198.51.100.1:1", "192.168.1.0/24", "10.201.1.0/24"), Site("b", "198.51.100.2:1", "192.168.1.0/24")]);
        var problem = Assert.Single(topology.Check());
        Assert.Equal((WgErrorId.LanOverlap, "b"), (problem.ErrorId, problem.Site));
        Assert.Contains("of site 'b' overlaps the LAN prefix '192.168.1.0/24' of site 'a', which is mapped", problem.Message, StringComparison.Ordinal);
        Assert.Contains("Map 'b' too", problem.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string, string, string> BadMappings => new()
    {
        // what overlaps, the error, and the two values it must name
        { "another site's LAN", "10.100.3.0/24", WgErrorId.MappedPrefixOverlap, "'10.100.3.0/24' of site 'office-a'", "'10.100.3.0/24' of site 'office-c'" },
        { "another site's mapped prefix", "10.201.2.0/25", WgErrorId.MappedPrefixOverlap, "'10.201.2.0/25' of site 'office-a'", "'10.201.2.0/24' of site 'office-b'" },
        { "the tunnel", "10.0.0.0/24", WgErrorId.MappedPrefixOverlap, "'10.0.0.0/24' of site 'office-a'", "tunnel prefix '10.0.0.0/24'" },
        { "its own LAN", "192.168.1.0/24", WgErrorId.MappedPrefixOverlap, "'192.168.1.0/24' of site 'office-a'", "own LAN prefix '192.168.1.0/24'" },
        { "another length", "10.201.0.0/16", WgErrorId.InvalidMappedPrefix, "'10.201.0.0/16'", "'192.168.1.0/24' a /24" },
    };

    [Theory]
    [MemberData(nameof(BadMappings))]
    public void AMappedPrefixThatOverlapsAnythingIsRefusedWithBothNamed(string what, string mapped, string id, string first, string second)
    {
        var topology = Offices();
        topology.Sites[0].MappedPrefix = [P(mapped)];
        var problems = topology.Check().Where(p => p.Severity == WgTopologySeverity.Error).ToList();
        // Once, with both values named (a prefix may clash with more than one thing: each is its own error).
        Assert.True(1 == problems.Count(p => p.ErrorId == id && p.Message.Contains(first, StringComparison.Ordinal) && p.Message.Contains(second, StringComparison.Ordinal)),
            $"{what}: {string.Join(" | ", problems.Select(p => p.Message))}");
        Assert.Throws<WgException>(() => topology.Build());
        Assert.Empty(topology.Interfaces);
    }

    [Fact]
    public void OneMappedPrefixPerLanPrefixAndIPv4Only()
    {
        var twoLans = Site("a", "198.51.100.1:1", "192.168.1.0/24", "192.168.2.0/24");
        twoLans.MappedPrefix = [P("10.201.1.0/24")];
        var problem = Assert.Single(new WgTopology(P("10.0.0.0/24"), [twoLans]).Check());
        Assert.Equal(WgErrorId.InvalidMappedPrefix, problem.ErrorId);
        Assert.Contains("2 LAN prefixes", problem.Message, StringComparison.Ordinal);

        var v6 = Site("b", "198.51.100.2:1", "fd00:1::/64");
        v6.MappedPrefix = [P("fd00:2::/64")];
        var refused = Assert.Single(new WgTopology(P("10.0.0.0/24"), [v6]).Check());
        Assert.Equal(WgErrorId.MappingNotSupported, refused.ErrorId);
        Assert.Contains("'fd00:1::/64' to 'fd00:2::/64'", refused.Message, StringComparison.Ordinal);
    }

    private static WgTopology Twins(params WgSite[] more) => new(P("10.0.0.0/24"),
    [
        Site("office-a", "198.51.100.10:1", "192.168.1.0/24"),
        Site("office-b", "198.51.100.20:1", "192.168.1.0/24"),
        Site("office-c", "198.51.100.30:1", "10.100.3.0/24"),
        .. more,
    ]);

    [Fact]
    public void ResolveOverlapMapsBothTwinsFromTheDefaultPoolAndLeavesTheOthers()
    {
        var topology = Twins();
        var mapped = WgMappingAllocator.Resolve(topology);
        Assert.Equal(["office-a", "office-b"], mapped.Select(s => s.Name));
        Assert.False(topology.Sites[2].IsMapped);
        var pool = P("100.64.0.0/16");
        foreach (var site in mapped)
        {
            var prefix = Assert.Single(site.MappedPrefix);
            Assert.Equal(24, prefix.Length);
            Assert.True(pool.Contains(prefix.Address), $"{prefix} is outside {pool}");
        }
        Assert.NotEqual(mapped[0].MappedPrefix[0], mapped[1].MappedPrefix[0]);
        Assert.Empty(topology.Check());
        Assert.Empty(WgMappingAllocator.Resolve(topology)); // nothing left to map
    }

    [Fact]
    public void ResolveOverlapIsDeterministicAndASiteAddedKeepsTheOthersMappings()
    {
        string Of(WgTopology t, string name) => t.Sites.Single(s => s.Name == name).MappedPrefix[0].ToString();
        var first = Twins();
        WgMappingAllocator.Resolve(first);
        var again = Twins();
        WgMappingAllocator.Resolve(again);
        Assert.Equal(Of(first, "office-a"), Of(again, "office-a"));
        Assert.Equal(Of(first, "office-b"), Of(again, "office-b"));

        var grown = Twins(Site("office-0", "198.51.100.40:1", "192.168.1.0/24"));
        WgMappingAllocator.Resolve(grown);
        Assert.Equal(Of(first, "office-a"), Of(grown, "office-a"));
        Assert.Equal(Of(first, "office-b"), Of(grown, "office-b"));
        Assert.Empty(grown.Check());
    }

    [Fact]
    public void ResolveOverlapTakesAGivenPoolAvoidsWhatIsUsedAndSaysWhenItIsFull()
    {
        // Docker's default on two hosts: two /16s need a pool larger than the default /16.
        var docker = new WgTopology(P("10.0.0.0/24"), [Site("docker-u", "198.51.100.1:1", "172.17.0.0/16"), Site("docker-v", "198.51.100.2:1", "172.17.0.0/16")]);
        WgMappingAllocator.Resolve(docker);
        Assert.All(docker.Sites, s => Assert.True(P("100.64.0.0/10").Contains(s.MappedPrefix[0].Address)));
        Assert.Empty(docker.Check());

        // A pool whose only place is taken by a site's LAN.
        var taken = Twins(Site("office-d", "198.51.100.40:1", "10.99.0.0/24"));
        var full = Assert.Throws<WgException>(() => WgMappingAllocator.Resolve(taken, P("10.99.0.0/23")));
        var error = Assert.Single(full.Errors);
        Assert.Equal(WgErrorId.MappingPoolExhausted, error.ErrorId);
        Assert.Contains("'10.99.0.0/23'", error.Message, StringComparison.Ordinal);
        Assert.All(taken.Sites, s => Assert.False(s.IsMapped)); // nothing half-done

        var room = Twins();
        WgMappingAllocator.Resolve(room, P("10.99.0.0/23"));
        Assert.Equal(["10.99.0.0/24", "10.99.1.0/24"], room.Sites.Take(2).Select(s => s.MappedPrefix[0].ToString()).Order());
    }

    [Fact]
    public void ResolveOverlapRefusesIPv6Twins()
    {
        var topology = new WgTopology(P("10.0.0.0/24"), [Site("a", "198.51.100.1:1", "fd00:1::/64"), Site("b", "198.51.100.2:1", "fd00:1::/64")]);
        var errors = Assert.Throws<WgException>(() => WgMappingAllocator.Resolve(topology)).Errors;
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(WgErrorId.MappingNotSupported, e.ErrorId));
        Assert.Contains("'fd00:1::/64' of site 'a'", errors[0].Message, StringComparison.Ordinal);
        Assert.All(topology.Sites, s => Assert.False(s.IsMapped));
    }

    [Fact]
    public void TheTopologyFileKeepsTheMappedPrefixes()
    {
        var topology = Offices();
        var text = WgTopologyFile.Write(topology, includeSecrets: true);
        Assert.Contains("LanPrefix = 192.168.1.0/24\nMappedPrefix = 10.201.1.0/24\n", text, StringComparison.Ordinal);
        var read = WgTopologyFile.Parse(text);
        Assert.Equal([P("10.201.1.0/24")], read.Sites[0].MappedPrefix);
        Assert.Empty(read.Sites[2].MappedPrefix);
        Assert.Equal(topology.Build().Select(i => string.Join(",", i.PrefixMappings)), read.Build().Select(i => string.Join(",", i.PrefixMappings)));

        // A second MappedPrefix adds to the list, as LanPrefix does; an overlap read from a file is refused with its line.
        var twice = WgTopologyFile.Parse(text.Replace("LanPrefix = 192.168.1.0/24\nMappedPrefix = 10.201.1.0/24\n", "LanPrefix = 192.168.1.0/24\nLanPrefix = 192.168.9.0/24\nMappedPrefix = 10.201.1.0/24\nMappedPrefix = 10.201.9.0/24\n", StringComparison.Ordinal));
        Assert.Equal(2, twice.Sites[0].Mappings.Length);
        Assert.Throws<WgException>(() => WgTopologyFile.Parse("[Topology]\nTunnelPrefix = 10.0.0.0/24\n[Site]\nName = a\nEndpoint = 198.51.100.1:1\nLanPrefix = 192.168.1.0/24\nMappedPrefix = 10.201.1.0/99\nPublicKey = VDxDQ/iSKVlRqXDWM8Ok+bNvm2yLTGDFZbnLmNz92DA=\n"));
    }
}

/// <summary>Test-WgTunnel -Topology: a far host of a mapped site by its real or its mapped address.</summary>
public class TunnelTargetTests
{
    private static WgTopology Offices()
    {
        var a = new WgSite("office-a", WgEndpoint.Parse("198.51.100.10:1")) { ComputerName = "gw-a", LanPrefix = [WgPrefix.Parse("192.168.1.0/24")], MappedPrefix = [WgPrefix.Parse("10.201.1.0/24")] };
        var b = new WgSite("office-b", WgEndpoint.Parse("198.51.100.20:1")) { ComputerName = "gw-b", LanPrefix = [WgPrefix.Parse("192.168.1.0/24")], MappedPrefix = [WgPrefix.Parse("10.201.2.0/24")] };
        var c = new WgSite("office-c", WgEndpoint.Parse("198.51.100.30:1")) { ComputerName = "gw-c", LanPrefix = [WgPrefix.Parse("10.100.3.0/24")] };
        return new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [a, b, c]);
    }

    [Theory]
    [InlineData("gw-a", "192.168.1.7", "10.201.2.7", "192.168.1.7", "office-b")] // the twin's host by its own address
    [InlineData("gw-a", "10.201.2.7", "10.201.2.7", "192.168.1.7", "office-b")]  // or by its mapped one
    [InlineData("GW-B", "192.168.1.9", "10.201.1.9", "192.168.1.9", "office-a")]
    [InlineData("gw-c", "10.201.1.9", "10.201.1.9", "192.168.1.9", "office-a")]
    [InlineData("gw-a", "10.100.3.5", "10.100.3.5", null, "office-c")]          // an unmapped site's host as it is
    [InlineData("gw-a", "203.0.113.1", "203.0.113.1", null, null)]
    public void ATargetIsPingedUnderTheAddressTheNearSideSees(string gateway, string given, string pinged, string? real, string? site)
    {
        var target = WgTunnelTargets.Resolve(Offices(), gateway, IPAddress.Parse(given));
        Assert.Equal((pinged, real, site), (target.Address.ToString(), target.RealAddress?.ToString(), target.Site));
    }

    [Fact]
    public void ARealAddressTwoFarSitesHaveIsRefusedNamingTheMappedOnes()
    {
        var error = Assert.Throws<WgException>(() => WgTunnelTargets.Resolve(Offices(), "gw-c", IPAddress.Parse("192.168.1.7")));
        Assert.Equal(WgErrorId.InvalidTunnelTarget, error.ErrorId);
        Assert.Contains("'10.201.1.7' at 'office-a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'10.201.2.7' at 'office-b'", error.Message, StringComparison.Ordinal);
    }
}

using System.Net;
using WgAdmin.Net;
using WgAdmin.Topology;
using Xunit;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>Every sanity check, with its fixed ID, severity and a message that quotes the values.</summary>
public class TopologyCheckTests
{
    internal static WgSite Site(string name, string endpoint, params string[] lans) =>
        new(name, WgEndpoint.Parse(endpoint)) { LanPrefix = lans.Select(WgPrefix.Parse).ToArray() };

    internal static WgTopology TwoSites(string tunnel = "10.0.0.0/24") => new(WgPrefix.Parse(tunnel),
    [
        Site("site-a", "198.51.100.10:10086", "10.11.7.0/24"),
        Site("site-b", "198.51.100.20:10086", "172.19.16.0/20"),
    ]);

    [Fact]
    public void TheIssuesExampleHasNoProblem() => Assert.Empty(TwoSites().Check());

    /// <summary>Sites with LANs of their own (10.100.0.0/24 on) in a tunnel with room for them.</summary>
    private static WgTopology ManySites(int count, WgTopologyShape shape = WgTopologyShape.Mesh) =>
        new(WgPrefix.Parse("10.0.0.0/16"), Enumerable.Range(0, count).Select(i =>
            Site($"s{i}", $"198.51.{i / 250}.{i % 250 + 1}:51820", $"10.{100 + i / 256}.{i % 256}.0/24")))
        { Shape = shape, Hub = "s0" };

    /// <summary>The issue's file: 4,000 mesh sites asked for 16 million peers and ran out of memory after 114 s.</summary>
    [Fact]
    public void ATopologyPastTheSiteLimitIsRefusedBeforeAnythingIsBuilt()
    {
        var topology = ManySites(4000);
        // Not timed (tests never time): what it allocated shows nothing of 16 million peers was made.
        var allocated = GC.GetAllocatedBytesForCurrentThread();

        var problem = Assert.Single(topology.Check());
        var error = Assert.Single(Assert.Throws<WgException>(() => topology.Build()).Errors);

        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated:N0} bytes: was the topology built?");
        Assert.Equal((WgErrorId.TopologyTooLarge, WgTopologySeverity.Error), (problem.ErrorId, problem.Severity));
        Assert.Equal(WgErrorId.TopologyTooLarge, error.ErrorId);
        foreach (var part in new[] { "4,000 sites", "limit of 1,000", "15,996,000 peers", "-MaximumSites 4000" })
            Assert.Contains(part, error.Message, StringComparison.Ordinal);
        Assert.Empty(topology.Interfaces);
        Assert.Contains("7,998 peers", Assert.Single(ManySites(4000, WgTopologyShape.HubAndSpoke).Check()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLimitIsAThousandSitesUnlessRaised()
    {
        Assert.DoesNotContain(ManySites(1000).Check(), p => p.ErrorId == WgErrorId.TopologyTooLarge);
        Assert.Equal(WgErrorId.TopologyTooLarge, Assert.Single(ManySites(1001).Check()).ErrorId);

        var raised = ManySites(1001);
        raised.MaximumSites = 1001;
        Assert.Empty(raised.Check());
        var lowered = TwoSites();
        lowered.MaximumSites = 1;
        Assert.Contains("limit of 1:", Assert.Single(lowered.Check()).Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, Func<WgTopology>, WgTopologySeverity, string[]> Cases() => new()
    {
        {
            WgErrorId.LanOverlap,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "172.17.0.0/16"), Site("site-b", "198.51.100.20:10086", "172.17.0.0/16")]),
            WgTopologySeverity.Error,
            ["'site-a'", "'site-b'", "'172.17.0.0/16'", "'10.1.0.0/16'"]
        },
        {
            WgErrorId.LanOverlap,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "192.168.0.0/16"), Site("site-b", "198.51.100.20:10086", "192.168.1.0/24")]),
            WgTopologySeverity.Error,
            ["'192.168.0.0/16'", "'192.168.1.0/24'", "'10.0.1.0/24'"]
        },
        {
            WgErrorId.TunnelOverlapsLan,
            () => new WgTopology(WgPrefix.Parse("10.11.0.0/16"), [Site("site-a", "198.51.100.10:10086", "10.11.7.0/24"), Site("site-b", "198.51.100.20:10086", "172.19.16.0/20")]),
            WgTopologySeverity.Error,
            ["'10.11.0.0/16'", "'10.11.7.0/24'", "'site-a'", "'10.0.0.0/16'"]
        },
        {
            WgErrorId.DefaultRouteAllowed,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "0.0.0.0/0"), Site("site-b", "198.51.100.20:10086", "172.19.16.0/20")]),
            WgTopologySeverity.Error,
            ["'0.0.0.0/0'", "'site-a'"]
        },
        {
            WgErrorId.DefaultRouteAllowed,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "::/0")]),
            WgTopologySeverity.Error,
            ["'::/0'"]
        },
        {
            WgErrorId.PrefixHasHostBits,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "10.11.7.1/24")]),
            WgTopologySeverity.Warning,
            ["'10.11.7.1/24'", "'10.11.7.0/24'"]
        },
        {
            WgErrorId.PrivateEndpointBehindNat,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "192.168.1.10:10086", "10.11.7.0/24")]),
            WgTopologySeverity.Warning,
            ["'site-a'", "'192.168.1.10:10086'"]
        },
        {
            WgErrorId.PrivateEndpointBehindNat,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "100.64.3.4:10086", "10.11.7.0/24")]),
            WgTopologySeverity.Warning,
            ["'100.64.3.4:10086'"]
        },
        {
            WgErrorId.PrivateEndpointBehindNat,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "[fd00::10]:10086", "10.11.7.0/24")]),
            WgTopologySeverity.Warning,
            ["'[fd00::10]:10086'"]
        },
        {
            WgErrorId.EndpointInsideAllowedIPs,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "198.51.100.0/24")]),
            WgTopologySeverity.Warning,
            ["'198.51.100.10:10086'", "'site-a'", "'198.51.100.0/24'"]
        },
        {
            WgErrorId.EndpointInsideAllowedIPs,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "[2001:db8:20:2::1]:10101", "10.11.7.0/24", "2001:db8:20:2::/64")]),
            WgTopologySeverity.Warning,
            ["'[2001:db8:20:2::1]:10101'", "'2001:db8:20:2::/64'"]
        },
        {
            WgErrorId.EndpointInsideAllowedIPs,
            () =>
            {
                var site = Site("site-a", "10.0.0.9:10086", "10.11.7.0/24");
                site.BehindNat = false;
                return new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [site]);
            },
            WgTopologySeverity.Warning,
            ["'10.0.0.9:10086'", "'10.0.0.0/24'"]
        },
        {
            WgErrorId.DuplicateSiteName,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "10.11.7.0/24"), Site("Site-A", "198.51.100.20:10086", "172.19.16.0/20")]),
            WgTopologySeverity.Error,
            ["'site-a'", "'Site-A'"]
        },
        {
            WgErrorId.TunnelTooSmall,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/30"), [Site("a", "198.51.100.10:1", "10.1.0.0/24"), Site("b", "198.51.100.11:1", "10.2.0.0/24"), Site("c", "198.51.100.12:1", "10.3.0.0/24")]),
            WgTopologySeverity.Error,
            ["'10.0.0.0/30'", "2 host addresses for 3 sites"]
        },
        {
            WgErrorId.HubNotFound,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "10.11.7.0/24")]) { Shape = WgTopologyShape.HubAndSpoke, Hub = "site-z" },
            WgTopologySeverity.Error,
            ["'site-z'", "'site-a'"]
        },
        {
            WgErrorId.HubNotFound,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("site-a", "198.51.100.10:10086", "10.11.7.0/24")]) { Shape = WgTopologyShape.HubAndSpoke },
            WgTopologySeverity.Error,
            ["needs a hub"]
        },
        {
            WgErrorId.InvalidTunnelAddress,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [new WgSite("site-a", WgEndpoint.Parse("198.51.100.10:1")) { TunnelAddress = IPAddress.Parse("10.0.1.5") }]),
            WgTopologySeverity.Error,
            ["'10.0.1.5'", "'site-a'", "'10.0.0.0/24'"]
        },
        {
            WgErrorId.InvalidTunnelAddress,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [new WgSite("site-a", WgEndpoint.Parse("198.51.100.10:1")) { TunnelAddress = IPAddress.Parse("10.0.0.255") }]),
            WgTopologySeverity.Error,
            ["'10.0.0.255'"]
        },
        {
            WgErrorId.InvalidTunnelAddress,
            () => new WgTopology(WgPrefix.Parse("10.0.0.0/24"),
                [new WgSite("a", WgEndpoint.Parse("198.51.100.10:1")) { TunnelAddress = IPAddress.Parse("10.0.0.7") }, new WgSite("b", WgEndpoint.Parse("198.51.100.11:1")) { TunnelAddress = IPAddress.Parse("10.0.0.7") }]),
            WgTopologySeverity.Error,
            ["'10.0.0.7'", "'a' and 'b'"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachProblemHasItsIdSeverityAndQuotedValues(string id, Func<WgTopology> topology, WgTopologySeverity severity, string[] quoted)
    {
        var problems = topology().Check();

        var problem = Assert.Single(problems);
        Assert.Equal(id, problem.ErrorId);
        Assert.Equal(severity, problem.Severity);
        foreach (var text in quoted)
            Assert.Contains(text, problem.Message);
    }

    [Fact]
    public void EveryCheckIdIsAFixedErrorId()
    {
        var ids = typeof(WgErrorId).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        foreach (var id in Cases().Select(row => (string)row[0]))
            Assert.Contains(id, ids);
    }

    [Theory]
    [InlineData("WgAdmin.LanOverlap")]
    [InlineData("WgAdmin.TunnelOverlapsLan")]
    [InlineData("WgAdmin.DefaultRouteAllowed")]
    [InlineData("WgAdmin.PrefixHasHostBits")]
    [InlineData("WgAdmin.PrivateEndpointBehindNat")]
    [InlineData("WgAdmin.EndpointInsideAllowedIPs")]
    [InlineData("WgAdmin.DuplicateSiteName")]
    [InlineData("WgAdmin.TunnelTooSmall")]
    [InlineData("WgAdmin.HubNotFound")]
    [InlineData("WgAdmin.InvalidTunnelAddress")]
    public void TopologyErrorIdsStayAsTheyAre(string id) =>
        Assert.Contains(id, typeof(WgErrorId).GetFields().Select(f => (string)f.GetRawConstantValue()!));

    [Fact]
    public void APrivateEndpointIsFineWhenTheSiteIsNotBehindNat()
    {
        var site = Site("site-a", "192.168.1.10:10086", "10.11.7.0/24");
        site.BehindNat = false;

        Assert.Empty(new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [site]).Check());
    }

    [Fact]
    public void ProposalsAvoidEveryLanTheTunnelAndEachOther()
    {
        var topology = new WgTopology(WgPrefix.Parse("10.1.0.0/24"),
        [
            Site("a", "198.51.100.10:1", "172.17.0.0/16", "10.0.0.0/16"),
            Site("b", "198.51.100.11:1", "172.17.0.0/16"),
            Site("c", "198.51.100.12:1", "172.17.0.0/16"),
        ]);

        var problems = topology.Check();

        Assert.All(problems, p => Assert.Equal(WgErrorId.LanOverlap, p.ErrorId));
        var proposals = problems.Select(p => System.Text.RegularExpressions.Regex.Match(p.Message, @"to '([^']+)'").Groups[1].Value).Select(WgPrefix.Parse).ToList();
        Assert.Equal(3, proposals.Count);
        Assert.Equal(proposals.Count, proposals.Distinct().Count());
        var used = topology.Sites.SelectMany(s => s.LanPrefix).Append(topology.TunnelPrefix);
        Assert.All(proposals, p => Assert.DoesNotContain(used, u => u.Overlaps(p)));
        Assert.All(proposals, p => Assert.Equal(16, p.Length));
        Assert.Equal(WgPrefix.Parse("10.2.0.0/16"), proposals[0]);
    }

    [Fact]
    public void AnIPv6OverlapProposesAUniqueLocalRange()
    {
        var topology = new WgTopology(WgPrefix.Parse("10.0.0.0/24"),
            [Site("a", "198.51.100.10:1", "fd00::/64"), Site("b", "198.51.100.11:1", "fd00::/64")]);

        var problem = Assert.Single(topology.Check());

        Assert.Contains("'fd00:0:0:1::/64'", problem.Message);
    }

    [Fact]
    public void AnErrorStopsTheBuildWithEveryErrorButAWarningDoesNot()
    {
        var bad = new WgTopology(WgPrefix.Parse("10.0.0.0/24"),
            [Site("a", "198.51.100.10:1", "172.17.0.0/16"), Site("b", "198.51.100.11:1", "172.17.0.0/16", "0.0.0.0/0")]);
        var ex = Assert.Throws<WgException>(() => bad.Build());
        Assert.Equal([WgErrorId.DefaultRouteAllowed, WgErrorId.LanOverlap], ex.Errors.Select(e => e.ErrorId));

        var warned = new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site("a", "192.168.1.1:1", "10.11.7.1/24")]);
        Assert.Single(warned.Build());
    }

    [Theory]
    [InlineData("site-a\u202E")]
    [InlineData("site\u200B-a")]
    public void ASiteNameWithAnInvisibleCharacterIsAnError(string name)
    {
        var topology = new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [Site(name, "198.51.100.10:10086", "10.11.7.0/24"), Site("site-b", "198.51.100.20:10086", "172.19.16.0/20")]);

        var problem = Assert.Single(topology.Check());

        Assert.Equal(WgErrorId.InvisibleCharacter, problem.ErrorId);
        Assert.Equal(WgTopologySeverity.Error, problem.Severity);
        Assert.Equal(name, problem.Site);
    }
}

using System.Net;
using WgAdmin.Net;
using WgAdmin.Remote;
using WgAdmin.Topology;
using Xunit;
using static WgAdmin.Core.Tests.Topology.TopologyCheckTests;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>The routes LAN hosts need: far prefixes via the local gateway, notes for clouds and unknown gateways.</summary>
public class LanRouteTests
{
    private static WgTopology Three(WgTopologyShape shape = WgTopologyShape.Mesh)
    {
        var a = Site("site-a", "198.51.100.10:10086", "10.11.7.0/24");
        a.LanAddress = IPAddress.Parse("10.11.7.1");
        var b = Site("site-b", "198.51.100.20:10086", "172.19.16.0/20", "fd00:19::/64");
        b.LanAddress = IPAddress.Parse("172.19.16.7");
        b.Cloud = true;
        var c = Site("site-c", "198.51.100.30:10086", "192.168.50.0/24");
        return new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [a, b, c]) { Shape = shape, Hub = shape == WgTopologyShape.HubAndSpoke ? "site-c" : null };
    }

    [Theory]
    [InlineData(WgTopologyShape.Mesh)]
    [InlineData(WgTopologyShape.HubAndSpoke)]
    public void EverySiteRoutesEveryFarLanViaItsOwnGateway(WgTopologyShape shape)
    {
        var routes = WgLanRoutes.For(Three(shape));
        var a = routes.Where(r => r.Site == "site-a").ToList();
        Assert.Equal(["172.19.16.0/20", "fd00:19::/64", "192.168.50.0/24"], a.Select(r => r.Destination));
        Assert.Equal("ip route replace 172.19.16.0/20 via 10.11.7.1", a[0].Command);
        Assert.Null(a[0].Note);
        Assert.Null(a[1].Command); // no IPv6 LAN address to route through
        Assert.NotNull(a[1].Note);
        Assert.Equal("10.11.7.1", a[2].Gateway);
    }

    [Fact]
    public void ACloudSiteGetsItsRoutesWithANote()
    {
        var b = WgLanRoutes.For(Three(), "site-b");
        Assert.Equal(["10.11.7.0/24", "192.168.50.0/24"], b.Select(r => r.Destination));
        Assert.All(b, r => Assert.Equal(WgLanRoutes.CloudNote, r.Note));
        Assert.All(b, r => Assert.StartsWith("ip route replace ", r.Command, StringComparison.Ordinal));
    }

    [Fact]
    public void ASiteWithoutLanAddressGetsNoCommand()
    {
        var c = WgLanRoutes.For(Three(), "site-c");
        Assert.All(c, r => Assert.Null(r.Command));
        Assert.All(c, r => Assert.Contains("unknown", r.Note, StringComparison.Ordinal));
        Assert.Equal("", WgLanRoutes.FileText(c));
    }

    [Fact]
    public void ASiteWithoutLanAddressRoutesViaTheAddressesReadFromItsGateway_OnePerFamily()
    {
        var topology = Three();
        var c = WgLanRoutes.For(topology, "site-c", [IPAddress.Parse("192.168.50.1")]);
        Assert.Equal(["ip route replace 10.11.7.0/24 via 192.168.50.1", "ip route replace 172.19.16.0/20 via 192.168.50.1"], c.Take(2).Select(r => r.Command));
        Assert.Null(c[2].Command); // fd00:19::/64: the gateway gave no IPv6 address in its LAN
        Assert.Contains("192.168.50.1", c[2].Note, StringComparison.Ordinal);
        var both = WgLanRoutes.For(topology, "site-c", [IPAddress.Parse("192.168.50.1"), IPAddress.Parse("fd00:50::1")]);
        Assert.Equal("ip -6 route replace fd00:19::/64 via fd00:50::1", both[2].Command);
        // A site's own -LanAddress wins over what its gateway says.
        Assert.Equal("10.11.7.1", WgLanRoutes.For(topology, "site-a", [IPAddress.Parse("10.11.7.9")])[0].Gateway);
        Assert.Throws<ArgumentException>(() => WgLanRoutes.For(topology, null, [IPAddress.Parse("192.168.50.1")]));
    }

    [Fact]
    public void TheInterfacesATopologyBuiltLeadBackToIt()
    {
        var topology = Three();
        var interfaces = topology.Build();
        Assert.All(interfaces, i => Assert.Same(topology, WgTopology.Of(i)));
        Assert.Null(WgTopology.Of(interfaces[0].Clone()));
        Assert.Null(WgTopology.Of(new WgAdmin.Model.WgInterface { Name = "wg0" }));
        var again = topology.Build();
        Assert.Same(topology, WgTopology.Of(again[1]));
    }

    [Fact]
    public void AnUnknownSiteIsAnError() =>
        Assert.Equal(WgErrorId.SiteNotFound, Assert.Throws<WgException>(() => WgLanRoutes.For(Three(), "site-z")).ErrorId);

    [Theory]
    [InlineData("10.12.0.1", false)]
    [InlineData("10.11.7.0", false)]
    [InlineData("10.11.7.255", false)]
    [InlineData("10.11.7.1", true)]
    public void TheLanAddressMustBeAHostOfTheSitesLan(string address, bool good)
    {
        var site = Site("site-a", "198.51.100.10:10086", "10.11.7.0/24");
        site.LanAddress = IPAddress.Parse(address);
        Assert.Equal(good, WgTopologyCheck.LanAddressProblem(site) is null);
        var topology = new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [site]);
        Assert.Equal(!good, topology.Check().Any(p => p.ErrorId == WgErrorId.InvalidLanAddress));
    }

    [Fact]
    public void TheRemoteScriptQuotesItsValuesAndHoldsTheRoutes()
    {
        var script = LanRouteScript.Script(WgLanRoutes.For(Three(), "site-a"), remove: false);
        // Several lines in one quoted value, as they are: no encoding.
        Assert.Contains("\ndesired='172.19.16.0/20 via 10.11.7.1\n192.168.50.0/24 via 10.11.7.1'\nremove='0'\n", script, StringComparison.Ordinal);
        Assert.Contains("\ndesired=''\nremove='1'\n", LanRouteScript.Script([], remove: true), StringComparison.Ordinal);
    }
}

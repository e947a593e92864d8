using System.Net;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Topology;
using Xunit;
using static WgAdmin.Core.Tests.Topology.TopologyCheckTests;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>Sites to interfaces: addresses, peers, AllowedIPs, keepalives, preshared keys, and files the tools accept.</summary>
public class TopologyBuildTests
{
    private static WgPrefix P(string text) => WgPrefix.Parse(text);

    private static WgTopology FourSites(WgTopologyShape shape = WgTopologyShape.Mesh) => new(P("10.0.0.0/24"),
    [
        Site("site-a", "198.51.100.10:10086", "10.11.7.0/24"),
        Site("site-b", "198.51.100.20:10086", "172.19.16.0/20"),
        Site("site-c", "198.51.100.30:10086", "192.168.50.0/24", "fd00:50::/64"),
        Site("site-d", "198.51.100.40:10086", "192.168.60.0/24"),
    ])
    { Shape = shape, Hub = shape == WgTopologyShape.HubAndSpoke ? "site-a" : null };

    [Fact]
    public void TheIssuesExampleGivesTwoInterfacesThatPeerWithEachOther()
    {
        var interfaces = TwoSites().Build();

        Assert.Equal(2, interfaces.Count);
        var (a, b) = (interfaces[0], interfaces[1]);
        Assert.All(interfaces, i => Assert.Equal("wg0", i.Name));
        Assert.All(interfaces, i => Assert.Equal(10086, i.ListenPort));
        Assert.All(interfaces, i => Assert.True(P("10.0.0.0/24").Contains(Assert.Single(i.Address).Address)));
        Assert.All(interfaces, i => Assert.Equal(24, i.Address[0].Length));
        Assert.NotEqual(a.Address[0].Address, b.Address[0].Address);

        var peerOfA = Assert.Single(a.Peers);
        Assert.Equal("site-b", peerOfA.Name);
        Assert.Equal(b.PublicKey, peerOfA.PublicKey);
        Assert.Equal(WgEndpoint.Parse("198.51.100.20:10086"), peerOfA.Endpoint);
        Assert.Equal([new WgPrefix(b.Address[0].Address, 32), P("172.19.16.0/20")], peerOfA.AllowedIPs);

        var peerOfB = Assert.Single(b.Peers);
        Assert.Equal(a.PublicKey, peerOfB.PublicKey);
        Assert.Equal([new WgPrefix(a.Address[0].Address, 32), P("10.11.7.0/24")], peerOfB.AllowedIPs);
    }

    [Fact]
    public void AddressesAreStableWhenASiteIsAdded()
    {
        var before = FourSites().TunnelAddresses();
        foreach (var extra in new[] { "aaa", "site-0", "site-bb", "zzz", "hq" })
        {
            var topology = FourSites();
            topology.Sites.Insert(1, Site(extra, "198.51.100.99:1"));
            var after = topology.TunnelAddresses();

            foreach (var (name, address) in before)
                Assert.Equal(address, after[name]);
            Assert.DoesNotContain(after[extra], before.Values);
        }
    }

    [Fact]
    public void AddressesDoNotDependOnTheOrderOfSitesOrOnTheProcess()
    {
        var forward = FourSites();
        var backward = FourSites();
        backward.Sites.Reverse();

        Assert.Equal(forward.TunnelAddresses().OrderBy(p => p.Key), backward.TunnelAddresses().OrderBy(p => p.Key));
        // Pinned values: SHA-256 of the name, so every run and every machine agrees.
        Assert.Equal(forward.TunnelAddresses()["site-a"], new WgTopology(P("10.0.0.0/24"), [Site("site-a", "198.51.100.10:1")]).TunnelAddresses()["site-a"]);
    }

    [Fact]
    public void ACollisionMovesOnlyTheLaterNameAndAPinnedAddressNeverMoves()
    {
        // In a /30 (two host addresses) collisions are certain; find two names with the same home.
        var tunnel = P("10.0.0.0/30");
        string HomeOf(string name) => new WgTopology(tunnel, [Site(name, "198.51.100.1:1")]).TunnelAddresses()[name].ToString();
        var names = Enumerable.Range(0, 20).Select(i => $"s{i}").ToList();
        var first = names[0];
        var second = names.First(n => n != first && HomeOf(n) == HomeOf(first));

        var both = new WgTopology(tunnel, [Site(second, "198.51.100.2:1"), Site(first, "198.51.100.1:1")]).TunnelAddresses();
        var (earlier, later) = string.CompareOrdinal(first, second) < 0 ? (first, second) : (second, first);
        Assert.Equal(HomeOf(earlier), both[earlier].ToString());
        Assert.NotEqual(HomeOf(later), both[later].ToString());

        var pinned = new WgSite(later, WgEndpoint.Parse("198.51.100.2:1")) { TunnelAddress = IPAddress.Parse(HomeOf(later)) };
        var withPin = new WgTopology(tunnel, [Site(earlier, "198.51.100.1:1"), pinned]).TunnelAddresses();
        Assert.Equal(HomeOf(later), withPin[later].ToString());
        Assert.NotEqual(withPin[earlier], withPin[later]);
    }

    [Fact]
    public void EveryAddressOfASmallTunnelIsUsedWithoutTheNetworkOrBroadcast()
    {
        var sites = Enumerable.Range(0, 6).Select(i => Site($"site-{i}", $"198.51.100.{i + 1}:1")).ToList();

        var addresses = new WgTopology(P("10.0.0.0/29"), sites).TunnelAddresses();

        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"10.0.0.{i}"), addresses.Values.Select(a => a.ToString()).Order());
    }

    [Fact]
    public void AnIPv6TunnelGivesSlash128PeersAndAPrefixLengthAddress()
    {
        var topology = new WgTopology(P("fd10::/64"), [Site("a", "198.51.100.1:1", "10.1.0.0/24"), Site("b", "198.51.100.2:1", "10.2.0.0/24")]);

        var interfaces = topology.Build();

        Assert.All(interfaces, i => Assert.Equal(64, i.Address[0].Length));
        Assert.All(interfaces, i => Assert.Equal(128, i.Peers[0].AllowedIPs[0].Length));
        Assert.All(interfaces, i => Assert.True(P("fd10::/64").Contains(i.Address[0].Address)));
    }

    [Fact]
    public void AMeshGivesEverySiteEveryOtherWithItsAddressAndLans()
    {
        var interfaces = FourSites().Build();

        Assert.All(interfaces, i => Assert.Equal(3, i.Peers.Length));
        var c = interfaces[2];
        var peerC = interfaces[0].Peers.Single(p => p.Name == "site-c");
        Assert.Equal([new WgPrefix(c.Address[0].Address, 32), P("192.168.50.0/24"), P("fd00:50::/64")], peerC.AllowedIPs);
        Assert.Equal(c.PublicKey, peerC.PublicKey);
    }

    [Fact]
    public void AHubGivesSpokesOnlyTheHubWithTheTunnelAndEveryOtherLan()
    {
        var interfaces = FourSites(WgTopologyShape.HubAndSpoke).Build();
        var hub = interfaces[0];

        Assert.Equal(["site-b", "site-c", "site-d"], hub.Peers.Select(p => p.Name));
        Assert.Equal([new WgPrefix(interfaces[1].Address[0].Address, 32), P("172.19.16.0/20")], hub.Peers[0].AllowedIPs);
        var spoke = interfaces[1];
        var onlyPeer = Assert.Single(spoke.Peers);
        Assert.Equal("site-a", onlyPeer.Name);
        Assert.Equal(hub.PublicKey, onlyPeer.PublicKey);
        // The hub's own address first (Test-WgTunnel pings it), then the whole tunnel and the LANs.
        Assert.Equal([new WgPrefix(hub.Address[0].Address, 32), P("10.0.0.0/24"), P("10.11.7.0/24"), P("192.168.50.0/24"), P("fd00:50::/64"), P("192.168.60.0/24")], onlyPeer.AllowedIPs);
    }

    [Fact]
    public void KeepaliveComesFromTheLocalSiteBeingBehindNat()
    {
        var topology = TwoSites();
        topology.Sites[1].BehindNat = false;

        var interfaces = topology.Build();

        Assert.Equal(25, interfaces[0].Peers[0].PersistentKeepalive);
        Assert.Null(interfaces[1].Peers[0].PersistentKeepalive);
    }

    [Theory]
    [InlineData(WgTopologyShape.Mesh)]
    [InlineData(WgTopologyShape.HubAndSpoke)]
    public void APresharedKeyPerPairIsTheSameOnBothSides(WgTopologyShape shape)
    {
        var topology = FourSites(shape);
        topology.PresharedKeys = true;

        var interfaces = topology.Build();

        var keys = new Dictionary<(string, string), WgPresharedKey>();
        for (var i = 0; i < interfaces.Count; i++)
        {
            foreach (var peer in interfaces[i].Peers)
            {
                Assert.NotNull(peer.PresharedKey);
                keys[(topology.Sites[i].Name, peer.Name!)] = peer.PresharedKey!;
            }
        }
        foreach (var ((local, remote), key) in keys)
            Assert.Equal(key, keys[(remote, local)]);
        Assert.Equal(keys.Count / 2, keys.Values.Select(k => k.Reveal()).Distinct().Count());
        Assert.All(FourSites(shape).Build().SelectMany(i => i.Peers), p => Assert.Null(p.PresharedKey));
    }

    [Fact]
    public void KeysFromTheSiteAreKeptAndAGatewayKeyStaysPublicOnly()
    {
        var topology = TwoSites();
        var gatewayKey = WgPrivateKey.Generate().PublicKey;
        var ownKey = WgPrivateKey.Generate();
        topology.Sites[0].PublicKey = gatewayKey;
        topology.Sites[0].ComputerName = "gw-a";
        topology.Sites[1].PrivateKey = ownKey;

        var interfaces = topology.Build();

        Assert.Null(interfaces[0].PrivateKey);
        Assert.Equal(gatewayKey, interfaces[0].PublicKey);
        Assert.Equal("gw-a", interfaces[0].ComputerName);
        Assert.Equal(ownKey, interfaces[1].PrivateKey);
        Assert.Equal(gatewayKey, interfaces[1].Peers[0].PublicKey);
    }

    [Fact]
    public void ListenPortDefaultsToTheEndpointsPortUnlessGiven()
    {
        var topology = TwoSites();
        topology.Sites[1].ListenPort = 51820;
        topology.InterfaceName = "wg7";

        var interfaces = topology.Build();

        Assert.Equal(10086, interfaces[0].ListenPort);
        Assert.Equal(51820, interfaces[1].ListenPort);
        Assert.All(interfaces, i => Assert.Equal("wg7", i.Name));
    }

    [Theory]
    [InlineData(WgTopologyShape.Mesh, false)]
    [InlineData(WgTopologyShape.Mesh, true)]
    [InlineData(WgTopologyShape.HubAndSpoke, true)]
    public void EveryInterfacePassesTheValidatorAndRendersAndParsesBack(WgTopologyShape shape, bool presharedKeys)
    {
        var topology = FourSites(shape);
        topology.PresharedKeys = presharedKeys;

        foreach (var config in topology.Build())
        {
            Assert.Empty(WgConfigValidator.Validate(config));
            var text = WgConfigWriter.Write(config, WgSecretMode.Include);
            var parsed = WgConfigParser.Parse(text);
            Assert.Equal(config.PublicKey, parsed.PublicKey);
            Assert.Equal(config.Peers.Select(p => p.PublicKey), parsed.Peers.Select(p => p.PublicKey));
            Assert.Equal(config.Peers.SelectMany(p => p.AllowedIPs), parsed.Peers.SelectMany(p => p.AllowedIPs));
            Assert.DoesNotContain(config.PrivateKey!.Reveal(), WgConfigWriter.Write(config, WgSecretMode.Hide));
        }
    }

    [Fact]
    public void HostBitsInLansAndTunnelAreCleared()
    {
        var topology = new WgTopology(P("10.0.0.9/24"), [Site("a", "198.51.100.1:1", "10.11.7.1/24"), Site("b", "198.51.100.2:1", "10.12.0.0/16")]);

        var interfaces = topology.Build();

        Assert.Equal(P("10.11.7.0/24"), interfaces[1].Peers[0].AllowedIPs[1]);
        Assert.All(interfaces, i => Assert.True(P("10.0.0.0/24").Contains(i.Address[0].Address)));
    }
}

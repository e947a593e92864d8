using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

public class WgDriftTests
{
    private static readonly WgPrivateKey Own = WgPrivateKey.Generate();
    private static readonly WgPublicKey PeerB = WgPrivateKey.Generate().PublicKey;
    private static readonly WgPublicKey PeerC = WgPrivateKey.Generate().PublicKey;

    private static WgInterface Desired() => new()
    {
        Name = "wg0",
        PrivateKey = Own,
        ListenPort = 10086,
        Address = [WgPrefix.Parse("10.0.0.1/24")],
        Peers = [new WgPeer(PeerB) { Name = "site-b", AllowedIPs = [WgPrefix.Parse("10.0.0.2/32"), WgPrefix.Parse("172.19.16.0/20")], PersistentKeepalive = 25 }],
    };

    private static WgInterfaceStatus Live(Action<List<WgPeerStatus>>? change = null, int port = 10086, string address = "10.0.0.1/24")
    {
        var peers = new List<WgPeerStatus>
        {
            new() { PublicKey = PeerB.ToString(), AllowedIPs = ["10.0.0.2/32", "172.19.16.0/20"], PersistentKeepalive = 25 },
        };
        change?.Invoke(peers);
        return new WgInterfaceStatus
        {
            ComputerName = "gw-a", Name = "wg0", IsUp = true, PublicKey = Own.PublicKey.ToString(), ListenPort = port, Peers = peers,
            Config = new WgInterface { Name = "wg0", Address = [WgPrefix.Parse(address)] },
        };
    }

    [Fact]
    public void AGatewayThatRunsTheDesiredInterfaceHasNoDifference() =>
        Assert.Empty(WgDrift.Compare(Desired(), Live(), "gw-a"));

    [Fact]
    public void AMissingOrDownInterfaceIsOneDifference()
    {
        Assert.Equal("Missing", Assert.Single(WgDrift.Compare(Desired(), null, "gw-a")).Kind);
        var down = Live();
        var status = new WgInterfaceStatus { Name = "wg0", IsUp = false, Peers = down.Peers };
        Assert.Equal("down", Assert.Single(WgDrift.Compare(Desired(), status, "gw-a")).Live);
    }

    [Fact]
    public void PeersMissingExtraAndChangedAreNamed()
    {
        var live = Live(peers =>
        {
            peers[0] = new WgPeerStatus { PublicKey = PeerB.ToString(), AllowedIPs = ["10.0.0.2/32"], PersistentKeepalive = null, HasPresharedKey = true };
            peers.Add(new WgPeerStatus { PublicKey = PeerC.ToString(), AllowedIPs = ["10.0.0.3/32"] });
        });
        var desired = Desired();
        desired.Peers = [.. desired.Peers, new WgPeer(WgPrivateKey.Generate().PublicKey) { Name = "site-d" }];

        var differences = WgDrift.Compare(desired, live, "gw-a");

        Assert.Contains(differences, d => d.Kind == "PeerChanged" && d.Peer == "site-b" && d.Property == "AllowedIPs" && d.Live == "10.0.0.2/32");
        Assert.Contains(differences, d => d.Kind == "PeerChanged" && d.Property == "PersistentKeepalive" && d.Desired == "25" && d.Live is null);
        Assert.Contains(differences, d => d.Kind == "PeerChanged" && d.Property == "PresharedKey" && d.Live == "set");
        Assert.Contains(differences, d => d.Kind == "PeerExtra" && d.Live == PeerC.ToString());
        Assert.Contains(differences, d => d.Kind == "PeerMissing" && d.Peer == "site-d");
        Assert.Equal(5, differences.Count);
    }

    [Fact]
    public void InterfacePropertiesAreCompared()
    {
        var desired = Desired();
        desired.PrivateKey = WgPrivateKey.Generate();
        var differences = WgDrift.Compare(desired, Live(port: 51820, address: "10.0.0.9/24"), "gw-a");

        Assert.Equal(["PublicKey", "ListenPort", "Address"], differences.Select(d => d.Kind).ToArray());
        Assert.DoesNotContain(differences, d => (d.Desired ?? "").Contains(desired.PrivateKey.Reveal(), StringComparison.Ordinal));
    }
}

using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Two userspace WireGuard links, A and B, each the other's only peer (with a preshared key): in one
/// scratch namespace over 127.0.0.1, or with <c>apart</c> in two namespaces joined by a veth pair, so
/// that pings from A's namespace to B's tunnel address cross the tunnel both ways. A routes
/// 10.70.2.0/24 to B (B's address 10.70.2.1), B routes 10.70.1.0/24 to A (A's address 10.70.1.1).
/// </summary>
internal sealed class TwoGateways : IDisposable
{
    public ScratchNamespace NsA { get; }
    public ScratchNamespace NsB { get; }
    public WgInterface A { get; }
    public WgInterface B { get; }

    public TwoGateways(bool apart)
    {
        GatewaySandbox.Require("wireguard-go", "wg", "wg-quick", "sha256sum", "flock", "ping");
        NsA = ScratchNamespace.Create("wgadm-rota");
        NsB = apart ? ScratchNamespace.Create("wgadm-rotb") : NsA;
        string hostA = "127.0.0.1", hostB = "127.0.0.1";
        if (apart)
        {
            var veth = "wgrv" + RemoteOracle.RandomSuffix()[..6];
            NsA.Check(Tool.Run("ip", ["-n", NsA.Name, "link", "add", veth + "a", "type", "veth", "peer", "name", veth + "b", "netns", NsB.Name]), "ip link add veth");
            NsA.Check(NsA.Exec(["ip", "address", "add", "192.168.77.1/24", "dev", veth + "a"]), "veth address");
            NsB.Check(NsB.Exec(["ip", "address", "add", "192.168.77.2/24", "dev", veth + "b"]), "veth address");
            NsA.Check(NsA.Exec(["ip", "link", "set", "up", "dev", veth + "a"]), "veth up");
            NsB.Check(NsB.Exec(["ip", "link", "set", "up", "dev", veth + "b"]), "veth up");
            (hostA, hostB) = ("192.168.77.1", "192.168.77.2");
        }
        var suffix = RemoteOracle.RandomSuffix()[..6];
        var keyA = WgPrivateKey.Generate();
        var keyB = WgPrivateKey.Generate();
        var psk = WgPresharedKey.Generate();
        var portA = Random.Shared.Next(40000, 50000);
        var portB = portA + 1;
        A = new WgInterface
        {
            Name = "wra" + suffix, PrivateKey = keyA, ListenPort = portA, Address = [WgPrefix.Parse("10.70.1.1/32")],
            Peers = [new WgPeer(keyB.PublicKey) { Name = "site-b", PresharedKey = psk, AllowedIPs = [WgPrefix.Parse("10.70.2.0/24")], Endpoint = WgEndpoint.Parse($"{hostB}:{portB}") }],
        };
        B = new WgInterface
        {
            Name = "wrb" + suffix, PrivateKey = keyB, ListenPort = portB, Address = [WgPrefix.Parse("10.70.2.1/32")],
            Peers = [new WgPeer(keyA.PublicKey) { Name = "site-a", PresharedKey = psk, AllowedIPs = [WgPrefix.Parse("10.70.1.0/24")], Endpoint = WgEndpoint.Parse($"{hostA}:{portA}"), PersistentKeepalive = 25 }],
        };
        BringUp(NsA, A);
        BringUp(NsB, B);
    }

    private static void BringUp(ScratchNamespace ns, WgInterface link)
    {
        ns.StartWireGuardGo(link.Name!);
        using var dir = new SecretTempDir();
        var stripped = dir.Write("stripped.conf", WgConfigWriter.Write(link, WgSecretMode.Include, strip: true));
        ns.Check(ns.Exec(["wg", "setconf", link.Name!, stripped]), "wg setconf");
        ns.Check(ns.Exec(["ip", "address", "add", link.Address[0].ToString(), "dev", link.Name!]), "ip address add");
        ns.Check(ns.Exec(["ip", "link", "set", "up", "dev", link.Name!]), "ip link set up");
        ns.Check(ns.Exec(["ip", "route", "add", link.Peers[0].AllowedIPs[0].ToString(), "dev", link.Name!]), "ip route add");
    }

    /// <summary>The config files as the gateways have them, one set per namespace.</summary>
    public Dictionary<string, string> Files(WgInterface link) => new() { [link.Name + ".conf"] = WgConfigWriter.Write(link, WgSecretMode.Include) };

    public Dictionary<string, string> Files() => new(Files(A).Concat(Files(B)));

    public void Dispose()
    {
        if (!ReferenceEquals(NsA, NsB))
            NsB.Dispose();
        NsA.Dispose();
    }
}

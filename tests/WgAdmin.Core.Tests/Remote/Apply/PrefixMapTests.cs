using System.Text;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The prefix mapping script (a site's -MappedPrefix), for iptables and nftables, with real
/// packets: two LANs with the identical 192.168.1.0/24, each behind a gateway namespace, the
/// gateways joined by a link named like the tunnel. Without the mapping the far LAN is out of
/// reach; with it each host reaches the other under its mapped address and sees the other's
/// mapped address as the source; `up` twice changes nothing, `check` tells a rule removed by
/// hand, `down` leaves nothing behind. Then the same through a real WireGuard tunnel
/// (wireguard-go on both gateways), pings and a TCP connection over nc.
/// </summary>
public class PrefixMapTests
{
    private static readonly WgPrefixMapping MapA = new(WgPrefix.Parse("192.168.1.0/24"), WgPrefix.Parse("10.201.1.0/24"));
    private static readonly WgPrefixMapping MapB = new(WgPrefix.Parse("192.168.1.0/24"), WgPrefix.Parse("10.201.2.0/24"));

    [SkippableTheory]
    [InlineData(FirewallBackend.Iptables)]
    [InlineData(FirewallBackend.Nftables)]
    public void ScriptPassesBashAndShSyntaxChecks(FirewallBackend backend)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "sh");
        var script = PrefixMap.Script("wg11", [MapA, new(WgPrefix.Parse("172.17.0.0/16"), WgPrefix.Parse("100.64.0.0/16"))], backend);
        Assert.StartsWith("#!/bin/sh\n", script, StringComparison.Ordinal);
        RemoteOracle.AssertSyntax(script, "bash");
        RemoteOracle.AssertSyntax(script, "sh");
    }

    [Fact]
    public void HostileOrIPv6MappingsAndNamesAreRefusedBeforeAnyScriptIsMade()
    {
        Assert.Equal(WgErrorId.InvalidInterfaceName, Assert.Throws<WgException>(() => PrefixMap.Script("wg0;id", [MapA], FirewallBackend.Nftables)).ErrorId);
        Assert.Equal(WgErrorId.MappingNotSupported, Assert.Throws<WgException>(() =>
            PrefixMap.Script("wg0", [new(WgPrefix.Parse("fd00:1::/64"), WgPrefix.Parse("fd00:2::/64"))], FirewallBackend.Nftables)).ErrorId);
        Assert.Equal(WgErrorId.InvalidMappedPrefix, Assert.Throws<WgException>(() =>
            PrefixMap.Script("wg0", [new(WgPrefix.Parse("192.168.1.0/24"), WgPrefix.Parse("10.201.0.0/16"))], FirewallBackend.Iptables)).ErrorId);
        Assert.True(PrefixMap.PreroutingChain("abcdefghijklmno").Length <= 28, "iptables takes chain names of up to 28 characters");
        Assert.Equal("wgadmin_map_wg/3d1", PrefixMap.NftTableName("wg=1"));
    }

    /// <summary>lanA - gwA = wg11 = gwB - lanB; both LANs 192.168.1.0/24 with the host at .2, the gateway at .1. The "tunnel" is a veth: its routes go via the far end, which a WireGuard link would not need.</summary>
    private sealed class Offices : IDisposable
    {
        public ScratchNamespace LanA { get; } = ScratchNamespace.Create("wgadm-mla");
        public ScratchNamespace GwA { get; } = ScratchNamespace.Create("wgadm-mga");
        public ScratchNamespace GwB { get; } = ScratchNamespace.Create("wgadm-mgb");
        public ScratchNamespace LanB { get; } = ScratchNamespace.Create("wgadm-mlb");

        /// <summary>The gateways' tunnel interfaces: the veth "wg11" on both, or a wireguard-go link each (their control sockets share /var/run/wireguard: two names).</summary>
        public string TunnelA { get; } = "wg11";
        public string TunnelB { get; } = "wg11";

        public Offices(bool wireGuard = false)
        {
            try
            {
                Build(wireGuard, out var tunnelA, out var tunnelB);
                (TunnelA, TunnelB) = (tunnelA, tunnelB);
            }
            catch
            {
                Dispose(); // a constructor that throws is never disposed: its namespaces would stay
                throw;
            }
        }

        private void Build(bool wireGuard, out string tunnelA, out string tunnelB)
        {
            (tunnelA, tunnelB) = ("wg11", "wg11");
            Link(LanA, "eth0", GwA, "lan0");
            Link(GwB, "lan0", LanB, "eth0");
            if (wireGuard)
            {
                // A real tunnel: wireguard-go on each gateway over a veth underlay, the far LAN's mapped prefix in AllowedIPs.
                var suffix = RemoteOracle.RandomSuffix()[..6];
                (tunnelA, tunnelB) = ("wgma" + suffix, "wgmb" + suffix);
                Link(GwA, "ul0", GwB, "ul0");
                GwA.Check(GwA.Shell("ip address add 192.168.77.1/24 dev ul0"), "underlay");
                GwB.Check(GwB.Shell("ip address add 192.168.77.2/24 dev ul0"), "underlay");
                var keyA = WgAdmin.Keys.WgPrivateKey.Generate();
                var keyB = WgAdmin.Keys.WgPrivateKey.Generate();
                var port = Random.Shared.Next(40000, 50000);
                BringUp(GwA, tunnelA, keyA, keyB.PublicKey, port, "10.0.0.1/24", "10.0.0.2/32", "10.201.2.0/24", $"192.168.77.2:{port}");
                BringUp(GwB, tunnelB, keyB, keyA.PublicKey, port, "10.0.0.2/24", "10.0.0.1/32", "10.201.1.0/24", $"192.168.77.1:{port}");
            }
            else
            {
                Link(GwA, "wg11", GwB, "wg11");
                GwA.Check(GwA.Shell("ip address add 10.0.0.1/24 dev wg11 && ip route add 10.201.2.0/24 via 10.0.0.2 dev wg11"), "tunnel");
                GwB.Check(GwB.Shell("ip address add 10.0.0.2/24 dev wg11 && ip route add 10.201.1.0/24 via 10.0.0.1 dev wg11"), "tunnel");
            }
            foreach (var (ns, script) in new[]
            {
                (LanA, "ip address add 192.168.1.2/24 dev eth0 && ip route add default via 192.168.1.1"),
                (LanB, "ip address add 192.168.1.2/24 dev eth0 && ip route add default via 192.168.1.1"),
                (GwA, "ip address add 192.168.1.1/24 dev lan0 && sysctl -q -w net.ipv4.ip_forward=1"),
                (GwB, "ip address add 192.168.1.1/24 dev lan0 && sysctl -q -w net.ipv4.ip_forward=1"),
            })
                ns.Check(ns.Shell("set -e\n" + script), "addresses and routes");
            // What reaches lanB's host, by source: the mapped address of lanA's host, or its real one.
            LanB.Check(LanB.Shell("iptables -w -A INPUT -s 10.201.1.2 -p icmp --icmp-type echo-request && iptables -w -A INPUT -s 192.168.1.2 -p icmp --icmp-type echo-request"), "counters");
        }

        private static void BringUp(ScratchNamespace ns, string tunnel, WgAdmin.Keys.WgPrivateKey key, WgAdmin.Keys.WgPublicKey peer, int port, string address, string peerTunnel, string farMapped, string endpoint)
        {
            ns.StartWireGuardGo(tunnel);
            var link = new WgAdmin.Model.WgInterface
            {
                Name = tunnel, PrivateKey = key, ListenPort = port,
                Peers = [new WgAdmin.Model.WgPeer(peer) { AllowedIPs = [WgPrefix.Parse(peerTunnel), WgPrefix.Parse(farMapped)], Endpoint = WgEndpoint.Parse(endpoint) }],
            };
            using var dir = new SecretTempDir();
            var conf = dir.Write("wg.conf", WgAdmin.Config.WgConfigWriter.Write(link, WgAdmin.Config.WgSecretMode.Include, strip: true));
            ns.Check(ns.Exec(["wg", "setconf", tunnel, conf]), "wg setconf");
            ns.Check(ns.Shell($"ip address add {address} dev {tunnel} && ip link set up dev {tunnel} && ip route add {farMapped} dev {tunnel}"), "tunnel up");
        }

        private static void Link(ScratchNamespace a, string nameA, ScratchNamespace b, string nameB)
        {
            var temp = "wgmv" + RemoteOracle.RandomSuffix()[..6];
            a.Check(Tool.Run("ip", ["-n", a.Name, "link", "add", temp, "type", "veth", "peer", "name", nameB, "netns", b.Name]), "veth");
            a.Check(a.Exec(["ip", "link", "set", temp, "name", nameA]), "veth name");
            a.Check(a.Exec(["ip", "link", "set", "up", "dev", nameA]), "veth up");
            b.Check(b.Exec(["ip", "link", "set", "up", "dev", nameB]), "veth up");
        }

        /// <summary>Echo requests from lanA's host counted at lanB's: (from its mapped address, from its real one).</summary>
        public (int Mapped, int Real) SeenAtB()
        {
            var counts = LanB.Exec(["iptables", "-w", "-L", "INPUT", "-n", "-v", "-x"]).StdOut.Split('\n').Skip(2)
                .Where(l => l.Trim().Length > 0).Select(l => int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            return (counts[0], counts[1]);
        }

        public void Dispose()
        {
            foreach (var ns in new[] { LanB, GwB, GwA, LanA })
                ns.Dispose();
        }
    }

    private static ToolResult Ping(ScratchNamespace from, string target, int count = 2) => from.Exec(["ping", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-W", "1", "-i", "0.2", target]);

    /// <summary>Every rule of the namespace (iptables' and nft's), without counters or empty chains and tables.</summary>
    private static string Rules(ScratchNamespace ns) => string.Join('\n',
        ns.Exec(["iptables-save"]).StdOut.Split('\n').Where(l => l.StartsWith("-A ", StringComparison.Ordinal))
            .Concat(ns.Exec(["nft", "list", "ruleset"]).StdOut.Split('\n').Select(l => l.Trim())
                .Where(l => l.Length > 0 && !l.StartsWith("table ", StringComparison.Ordinal) && !l.StartsWith("chain ", StringComparison.Ordinal) && !l.StartsWith("type ", StringComparison.Ordinal) && l != "}")
                .Select(l => System.Text.RegularExpressions.Regex.Replace(l, "counter packets [0-9]+ bytes [0-9]+", "counter"))));

    [SkippableTheory]
    [InlineData(FirewallBackend.Iptables)]
    [InlineData(FirewallBackend.Nftables)]
    public void TwoIdenticalLansReachEachOtherUnderTheirMappedPrefixes(FirewallBackend backend)
    {
        RemoteOracle.Require(needsRoot: true, "ip", "sh", "ping", "iptables", "iptables-save", "nft");
        using var offices = new Offices();
        using var dir = new SecretTempDir();
        var scriptA = dir.Write("a-map", PrefixMap.Script("wg11", [MapA], backend));
        var scriptB = dir.Write("b-map", PrefixMap.Script("wg11", [MapB], backend));
        var (gwA, gwB) = (offices.GwA, offices.GwB);
        // Someone else's NAT rules, which must survive untouched.
        gwA.Check(gwA.Shell("iptables -w -t nat -A POSTROUTING -o eth9 -j MASQUERADE && nft add table ip other && nft add chain ip other post '{ type nat hook postrouting priority 100; }' && nft add rule ip other post oifname eth8 masquerade"), "foreign rules");
        var before = (A: Rules(gwA), B: Rules(gwB));
        Assert.Contains("eth9", before.A, StringComparison.Ordinal);

        Assert.False(Ping(offices.LanA, "10.201.2.2").Ok, "without the mapping nothing answers at 10.201.2.2");
        Assert.NotEqual(0, gwA.Exec(["sh", scriptA, "check"]).ExitCode);
        foreach (var (ns, script) in new[] { (gwA, scriptA), (gwB, scriptB) })
        {
            var up = ns.Exec(["sh", script, "up"]);
            Assert.True(up.Ok, $"up failed: {up.StdErr}");
        }
        var afterUp = Rules(gwA);
        Assert.True(gwA.Exec(["sh", scriptA, "up"]).Ok);
        Assert.Equal(afterUp, Rules(gwA)); // a second up changes nothing
        Assert.True(gwA.Exec(["sh", scriptA, "check"]).Ok, afterUp);

        // lanA's host reaches lanB's (the same address, 192.168.1.2) under B's mapped address; the
        // replies come from that address; lanB's host sees lanA's under A's mapped address, never its real one.
        var ping = Ping(offices.LanA, "10.201.2.2", 4);
        Assert.True(ping.Ok, $"{ping.StdOut}{ping.StdErr}\n{afterUp}");
        Assert.Equal(4, ping.StdOut.Split('\n').Count(l => l.Contains("bytes from 10.201.2.2:", StringComparison.Ordinal)));
        Assert.Equal((4, 0), offices.SeenAtB());
        var back = Ping(offices.LanB, "10.201.1.2", 2);
        Assert.True(back.Ok, back.StdOut + back.StdErr);
        Assert.Contains("bytes from 10.201.1.2:", back.StdOut, StringComparison.Ordinal);

        // A rule taken away by hand: check says so, and the far LAN is out of reach again.
        var broken = backend == FirewallBackend.Iptables
            ? gwB.Shell("iptables -w -t nat -F WGADMIN-MPI-wg11")
            : gwB.Shell("nft flush chain ip wgadmin_map_wg11 prerouting");
        Assert.True(broken.Ok, broken.StdErr);
        Assert.NotEqual(0, gwB.Exec(["sh", scriptB, "check"]).ExitCode);
        Assert.False(Ping(offices.LanA, "10.201.2.2").Ok);
        Assert.True(gwB.Exec(["sh", scriptB, "up"]).Ok);
        Assert.True(Ping(offices.LanA, "10.201.2.2").Ok, "up puts the rule back");

        foreach (var (ns, script, rules) in new[] { (gwA, scriptA, before.A), (gwB, scriptB, before.B) })
        {
            Assert.True(ns.Exec(["sh", script, "down"]).Ok);
            Assert.True(ns.Exec(["sh", script, "down"]).Ok, "down twice is fine");
            var after = Rules(ns);
            Assert.DoesNotContain("WGADMIN", after, StringComparison.Ordinal);
            Assert.DoesNotContain("wgadmin_map", after, StringComparison.Ordinal);
            Assert.Equal(rules, after);
        }
        Assert.False(Ping(offices.LanA, "10.201.2.2").Ok, "down removes the mapping");
    }

    [SkippableTheory]
    [InlineData(FirewallBackend.Iptables)]
    [InlineData(FirewallBackend.Nftables)]
    public void ThroughARealWireGuardTunnelPingsAndATcpConnectionCrossTheMapping(FirewallBackend backend)
    {
        RemoteOracle.Require(needsRoot: true, "ip", "sh", "ping", "iptables", "nft", "wg", "wireguard-go", "nc", "ss");
        using var offices = new Offices(wireGuard: true);
        using var dir = new SecretTempDir();
        var scriptA = dir.Write("a-map", PrefixMap.Script(offices.TunnelA, [MapA], backend));
        var scriptB = dir.Write("b-map", PrefixMap.Script(offices.TunnelB, [MapB], backend));
        Assert.False(Ping(offices.LanA, "10.201.2.2", 1).Ok, "without the mapping nothing answers at 10.201.2.2");
        Assert.True(offices.GwA.Exec(["sh", scriptA, "up"]).Ok);
        Assert.True(offices.GwB.Exec(["sh", scriptB, "up"]).Ok);

        var ping = Ping(offices.LanA, "10.201.2.2", 4);
        Assert.True(ping.Ok, ping.StdOut + ping.StdErr);
        Assert.Equal(4, ping.StdOut.Split('\n').Count(l => l.Contains("bytes from 10.201.2.2:", StringComparison.Ordinal)));
        Assert.Equal((4, 0), offices.SeenAtB());

        // A small file over TCP, from lanB's host to lanA's (the other way round), byte for byte, from the mapped source.
        var sent = dir.Write("sent", Enumerable.Range(0, 65536).Select(i => (byte)(i % 251)).ToArray());
        var received = System.IO.Path.Combine(dir.Path, "received");
        var log = System.IO.Path.Combine(dir.Path, "listener.log");
        var transfer = Tool.Run("bash", ["-c", $"""
            ip netns exec {offices.LanA.Name} timeout 20 nc -v -n -l 5095 > '{received}' 2> '{log}' &
            listener=$!
            for i in $(seq 50); do ip netns exec {offices.LanA.Name} ss -ltn 'sport = :5095' | grep -q LISTEN && break; sleep 0.1; done
            ip netns exec {offices.LanB.Name} timeout 10 nc -N 10.201.1.2 5095 < '{sent}'
            wait $listener
            """]);
        Assert.True(transfer.Ok, transfer.StdErr);
        Assert.Equal(File.ReadAllBytes(sent), File.ReadAllBytes(received));
        Assert.Contains("Connection received on 10.201.2.2 ", File.ReadAllText(log), StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Net;
using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Test-WgTunnel's judgement: TunnelProbe.Parse and TunnelCheck.Evaluate on output written as the
/// probe script prints it on a lab gateway (sites j and k), one thing broken per row; and the
/// script itself, run by bash here against real ip and ping.
/// </summary>
public class TunnelCheckTests
{
    private static readonly string PeerK = WgPrivateKey.Generate().PublicKey.ToString();
    private const long Now = 1_795_621_038;
    private static readonly TunnelCheckOptions Options = new(TimeSpan.FromMinutes(3), 3);

    /// <summary>A healthy probe of gw-j's wg2 with -Target 10.100.11.100; each replacement swaps one line.</summary>
    private static string Output(params (string Line, string Replacement)[] replacements)
    {
        var text = string.Join("\n",
            "@@now", Now.ToString(CultureInfo.InvariantCulture),
            "@@tools", "wg", "ip", "ss", "ping", "systemctl",
            "@@link", "5: wg2: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc fq_codel state UNKNOWN mode DEFAULT group default qlen 500\\    link/none ",
            "@@addresses", "10.0.2.1/24",
            "@@live", "port=10087",
            "@@peers", $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1000\t2000\t25",
            "@@config", "[Interface]", "ListenPort = 10087", "Address = 10.0.2.1/24", "", "[Peer]", "# Name = site-k", $"PublicKey = {PeerK}",
            "AllowedIPs = 10.0.2.2/32, 10.100.11.0/24", "Endpoint = 198.51.100.20:10087", "PersistentKeepalive = 25",
            "@@service", "enabled=enabled", "active=active",
            "@@forwarding", "ipv4=1", "ipv6=0",
            "@@nat", "present",
            "@@map", "none",
            "@@listen", "socket=0.0.0.0:10087", "socket=[::]:10087",
            $"@@peer {PeerK} 10.0.2.2",
            "@@ping", "3 packets transmitted, 3 received, 0% packet loss, time 404ms", "rtt min/avg/max/mdev = 0.412/0.533/0.701/0.121 ms",
            "@@mtu", "1420",
            "@@routes", "10.0.2.2/32 10.0.2.2 dev wg2 src 10.0.2.1 uid 0", "10.100.11.0/24 10.100.11.0 dev wg2 src 10.0.2.1 uid 0",
            "@@target 10.100.11.100 10.100.10.7",
            "@@routes", "10.100.11.100 10.100.11.100 dev wg2 src 10.0.2.1 uid 0",
            "@@ping", "3 packets transmitted, 3 received, 0% packet loss, time 403ms", "rtt min/avg/max/mdev = 0.601/0.702/0.803/0.082 ms",
            "@@after", $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1592\t2624\t25",
            "@@end", "");
        foreach (var (line, replacement) in replacements)
        {
            Assert.True(text.Contains(line + "\n", StringComparison.Ordinal), $"the sample has no line '{line}'");
            text = text.Replace(line + "\n", replacement.Length == 0 ? "" : replacement + "\n", StringComparison.Ordinal);
        }
        return text;
    }

    private static IReadOnlyList<WgTunnelTestResult> Evaluate(string output, TunnelCheckOptions? options = null) =>
        TunnelCheck.Evaluate(TunnelProbe.Parse(output), "gw-j", "wg2", options ?? Options, 1.5);

    [Fact]
    public void AHealthyTunnelPassesWithItsFigures()
    {
        var results = Evaluate(Output());

        Assert.Equal(2, results.Count);
        var peer = results[0];
        Assert.Equal(("Peer", "site-k", PeerK, "198.51.100.20:10087", "10.0.2.2"), (peer.Kind, peer.Peer, peer.PublicKey, peer.Endpoint, peer.Address));
        Assert.True(peer.Passed, string.Join("; ", peer.Reasons));
        Assert.Empty(peer.Reasons);
        Assert.Empty(peer.Warnings);
        Assert.Equal((3, 3, 0.0), (peer.PingsSent, peer.PingsReceived, peer.LossPercent));
        Assert.Equal((0.412, 0.533, 0.701), (peer.RttMinMs, peer.RttAvgMs, peer.RttMaxMs));
        Assert.Equal(40, peer.HandshakeAgeSeconds);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now - 40).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), peer.LatestHandshake);
        Assert.Equal((592L, 624L), (peer.ReceivedBytesDelta, peer.SentBytesDelta));
        Assert.Equal((1420, 1420), (peer.PathMtu, peer.InterfaceMtu));
        Assert.Equal(["10.100.11.0/24 dev wg2"], peer.Routes);
        Assert.Equal(1.5, peer.DurationSeconds);

        var target = results[1];
        Assert.Equal(("Target", "site-k", "10.100.11.100", "10.100.10.7"), (target.Kind, target.Peer, target.Address, target.Source));
        Assert.True(target.Passed, string.Join("; ", target.Reasons));
        Assert.Equal(["10.100.11.100 dev wg2"], target.Routes);
        Assert.Equal(0.702, target.RttAvgMs);
    }

    [Theory]
    // the endpoint the peer now has, its AllowedIPs → the prefix named, or none
    [InlineData("10.100.11.9:10087", "10.0.2.2/32,10.100.11.0/24", "10.100.11.0/24")]
    [InlineData("[2001:db8:20:2::1]:10087", "10.0.2.2/32,2001:db8:20:2::/64", "2001:db8:20:2::/64")]
    [InlineData("198.51.100.20:10087", "10.0.2.2/32,10.100.11.0/24", null)]
    [InlineData("198.51.100.20:10087", "0.0.0.0/0", null)]       // wg-quick's firewall mark keeps a default route's endpoint out
    [InlineData("[::ffff:10.100.11.9]:10087", "10.100.11.0/24", null)]   // another family
    public void AnEndpointInsideItsOwnAllowedIPsIsNamed(string endpoint, string allowed, string? prefix)
    {
        var healthy = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1592\t2624\t25";
        var peer = Evaluate(Output((healthy, $"{PeerK}\t(none)\t{endpoint}\t{allowed}\t{Now - 40}\t1592\t2624\t25")))[0];

        var named = peer.Warnings.Where(w => w.Contains("lies inside its AllowedIPs", StringComparison.Ordinal)).ToArray();
        if (prefix is null)
        {
            Assert.Empty(named);
            return;
        }
        Assert.Equal([$"site-k's endpoint {endpoint} lies inside its AllowedIPs {prefix}: unless a more specific route keeps it off wg2, the tunnel's own packets to it loop back into wg2 (the far gateway sent from an address in that prefix; give it a source outside, such as its WAN address)"], named);
        Assert.DoesNotContain(peer.Reasons, r => r.Contains("AllowedIPs", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string> Broken() => new()
    {
        // what is broken, the line as healthy, the line as broken → the reason
        { "5: wg2: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc fq_codel state UNKNOWN mode DEFAULT group default qlen 500\\    link/none ",
          "5: wg2: <POINTOPOINT,NOARP> mtu 1420 qdisc fq_codel state DOWN mode DEFAULT group default qlen 500\\    link/none ",
          "wg2 is down (flags <POINTOPOINT,NOARP>, state DOWN)" },
        { "enabled=enabled", "enabled=disabled", "wg-quick@wg2 is not enabled (is-enabled: disabled)" },
        { "active=active", "active=failed", "wg-quick@wg2 is not running (is-active: failed)" },
        { "socket=0.0.0.0:10087\nsocket=[::]:10087", "", "nothing listens on UDP port 10087" },
        { "ipv4=1", "ipv4=0", "forwarding is off (net.ipv4.ip_forward = 0)" },
        { "present", "missing", "NAT rules for wg2 missing (/etc/wireguard/wgadmin/wg2-nat check failed)" },
        { "@@map\nnone", "@@map\nmissing", "the prefix mapping of wg2 is broken: its rules are missing or changed (/etc/wireguard/wgadmin/wg2-map check failed; Set-WgInterface puts them back)" },
        { "3 packets transmitted, 3 received, 0% packet loss, time 404ms\nrtt min/avg/max/mdev = 0.412/0.533/0.701/0.121 ms",
          "3 packets transmitted, 0 received, 100% packet loss, time 2046ms",
          "0 of 3 pings to 10.0.2.2 answered" },
        { "10.100.11.0/24 10.100.11.0 dev wg2 src 10.0.2.1 uid 0", "10.100.11.0/24 10.100.11.0 via 10.100.10.1 dev eth0 src 10.100.10.7 uid 0",
          "no route to 10.100.11.0/24 through wg2 (it leaves through eth0 via 10.100.10.1)" },
        { "10.100.11.0/24 10.100.11.0 dev wg2 src 10.0.2.1 uid 0", "10.100.11.0/24 RTNETLINK answers: Network is unreachable",
          "no route to 10.100.11.0/24 (RTNETLINK answers: Network is unreachable)" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void EachBrokenThingIsNamed(string healthy, string broken, string reason)
    {
        var peer = Evaluate(Output((healthy, broken)))[0];

        Assert.False(peer.Passed);
        Assert.Contains(reason, peer.Reasons);
    }

    [Theory]
    [InlineData(840, "no handshake for 14 minutes with site-k (endpoint 198.51.100.20:10087)")]
    [InlineData(185, "no handshake for 3 minutes with site-k (endpoint 198.51.100.20:10087)")]
    [InlineData(9000, "no handshake for 2 hours with site-k (endpoint 198.51.100.20:10087)")]
    public void AnOldHandshakeIsNamedWithItsAge(long age, string reason)
    {
        var after = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1592\t2624\t25";
        var peer = Evaluate(Output((after, after.Replace($"\t{Now - 40}\t", $"\t{Now - age}\t", StringComparison.Ordinal))))[0];

        Assert.Equal([reason], peer.Reasons);
        Assert.Equal(age, peer.HandshakeAgeSeconds);
    }

    [Fact]
    public void ASmallMaxHandshakeAgeFailsAnOtherwiseHealthyTunnel()
    {
        var peer = Evaluate(Output(), new TunnelCheckOptions(TimeSpan.FromSeconds(5), 3))[0];

        Assert.Equal(["no handshake for 40 seconds with site-k (endpoint 198.51.100.20:10087)"], peer.Reasons);
    }

    [Fact]
    public void APeerThatNeverAnsweredHasNoHandshakeAndNothingReceived()
    {
        // A wrong key: handshakes are sent, nothing comes back.
        var before = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1000\t2000\t25";
        var after = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1592\t2624\t25";
        var peer = Evaluate(Output(
            (before, $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t0\t0\t444\t25"),
            (after, $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t0\t0\t740\t25"),
            ("3 packets transmitted, 3 received, 0% packet loss, time 404ms\nrtt min/avg/max/mdev = 0.412/0.533/0.701/0.121 ms", "3 packets transmitted, 0 received, 100% packet loss, time 2046ms")))[0];

        Assert.Equal([
            "no handshake yet with site-k (endpoint 198.51.100.20:10087)",
            "nothing received from site-k during the probe (296 bytes sent)",
            "0 of 3 pings to 10.0.2.2 answered",
        ], peer.Reasons);
        Assert.Null(peer.LatestHandshake);
        Assert.Null(peer.RttAvgMs);
    }

    [Fact]
    public void AMissingInterfaceNamesItsPeersFromTheConfig()
    {
        var output = string.Join("\n", "@@now", Now.ToString(CultureInfo.InvariantCulture), "@@tools", "wg", "ip", "ss", "ping", "systemctl",
            "@@link", "@@addresses", "@@config", "[Interface]", "ListenPort = 10087", "Address = 10.0.2.2/24", "", "[Peer]", "# Name = site-j",
            $"PublicKey = {PeerK}", "AllowedIPs = 10.0.2.1/32, 10.100.10.0/24", "Endpoint = 198.51.100.19:10087",
            "@@service", "enabled=enabled", "active=inactive", "@@listen", "port=", "@@forwarding", "ipv4=1", "ipv6=0", "@@nat", "missing",
            "@@peers", "", "@@after", "@@end", "");

        var result = Assert.Single(Evaluate(output));

        Assert.Equal(("Peer", "site-j", "198.51.100.19:10087"), (result.Kind, result.Peer, result.Endpoint));
        Assert.False(result.Passed);
        Assert.Equal(["wg2 does not exist", "wg-quick@wg2 is not running (is-active: inactive)", "NAT rules for wg2 missing (/etc/wireguard/wgadmin/wg2-nat check failed)"], result.Reasons);
    }

    [Fact]
    public void AnInterfaceWithNoPeersAndNoConfigIsOneInterfaceResult()
    {
        var output = string.Join("\n", "@@now", "1", "@@tools", "ip", "@@link", "@@addresses", "@@service", "enabled=disabled", "active=inactive",
            "@@listen", "port=", "@@forwarding", "ipv4=0", "@@nat", "none", "@@after", "@@end", "");

        var result = Assert.Single(Evaluate(output));

        Assert.Equal("Interface", result.Kind);
        Assert.Equal(["wg is not installed", "wg2 does not exist", "wg-quick@wg2 is not enabled (is-enabled: disabled)", "wg-quick@wg2 is not running (is-active: inactive)"], result.Reasons);
    }

    [Fact]
    public void OutputThatStopsEarlyIsAFailureNotAPass()
    {
        var output = Output();
        var results = Evaluate(output[..output.IndexOf("@@after", StringComparison.Ordinal)]);

        Assert.All(results, r => Assert.Contains("the probe did not finish (its output ends early)", r.Reasons));
    }

    [Fact]
    public void PartialLossAndASmallerPathMtuAreWarningsAndThePeerStillPasses()
    {
        var peer = Evaluate(Output(
            ("3 packets transmitted, 3 received, 0% packet loss, time 404ms", "3 packets transmitted, 2 received, 33.3333% packet loss, time 404ms"),
            ("1420", "1380")))[0];

        Assert.True(peer.Passed);
        Assert.Equal([
            "1 of 3 pings to 10.0.2.2 lost",
            "the path MTU to 10.0.2.2 is 1380, below wg2's MTU 1420: larger packets are lost or fragmented (set MTU = 1380, and Set-WgNat -ClampMss so TCP through the tunnel keeps to it)",
        ], peer.Warnings);
        Assert.Equal(33.3, peer.LossPercent);
        Assert.Equal(1380, peer.PathMtu);
    }

    [Fact]
    public void ASmallerPathMtuDoesNotRecommendClampingWhenTheNatRulesClampAlready()
    {
        var peer = Evaluate(Output(("@@nat\npresent", "@@nat\npresent\nclamp"), ("1420", "1380")))[0];

        Assert.Equal(["the path MTU to 10.0.2.2 is 1380, below wg2's MTU 1420: larger packets are lost or fragmented (set MTU = 1380)"], peer.Warnings);
    }

    [Fact]
    public void ATargetOutsideEveryPeersAllowedIPsOrWithABadSourceIsNamed()
    {
        var results = Evaluate(Output(
            ("@@target 10.100.11.100 10.100.10.7", "@@target 10.100.12.5 10.100.10.99"),
            ("10.100.11.100 10.100.11.100 dev wg2 src 10.0.2.1 uid 0", "10.100.12.5 10.100.12.5 via 10.100.10.1 dev eth0 src 10.100.10.7 uid 0"),
            ("3 packets transmitted, 3 received, 0% packet loss, time 403ms\nrtt min/avg/max/mdev = 0.601/0.702/0.803/0.082 ms", "ping: bind icmp socket: Cannot assign requested address")));

        var target = results[1];
        Assert.Null(target.Peer);
        Assert.Equal([
            "10.100.12.5 is in no peer's AllowedIPs on wg2",
            "no route to 10.100.12.5 through wg2 (it leaves through eth0 via 10.100.10.1)",
            "ping from 10.100.10.99 to 10.100.12.5 failed: ping: bind icmp socket: Cannot assign requested address",
        ], target.Reasons);
        Assert.True(results[0].Passed, "the peer itself is fine");
    }

    [Fact]
    public void APeerWithoutAnAddressInTheTunnelSubnetIsNotPingedAndSaysSo()
    {
        var results = Evaluate(Output(
            ($"@@peer {PeerK} 10.0.2.2", $"@@peer {PeerK} none"),
            ("@@ping\n3 packets transmitted, 3 received, 0% packet loss, time 404ms\nrtt min/avg/max/mdev = 0.412/0.533/0.701/0.121 ms\n@@mtu\n1420", "")));

        Assert.True(results[0].Passed);
        Assert.Equal(["site-k has no address in wg2's IPv4 tunnel subnet (10.0.2.0/24): not pinged"], results[0].Warnings);
        Assert.Null(results[0].Address);
    }

    [Fact]
    public void APeerWithoutANameIsShownByItsPublicKey()
    {
        var peer = Evaluate(Output(("# Name = site-k", "")))[0];

        Assert.Equal(PeerK, peer.Peer);
    }

    [Fact]
    public void IPv6FarPrefixesNeedIPv6Forwarding()
    {
        var before = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1000\t2000\t25";
        var after = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1592\t2624\t25";
        var peer = Evaluate(Output(
            (before, before.Replace("10.100.11.0/24", "10.100.11.0/24,fd11::/64", StringComparison.Ordinal)),
            (after, after.Replace("10.100.11.0/24", "10.100.11.0/24,fd11::/64", StringComparison.Ordinal)),
            ("10.100.11.0/24 10.100.11.0 dev wg2 src 10.0.2.1 uid 0", "10.100.11.0/24 10.100.11.0 dev wg2 src 10.0.2.1 uid 0\nfd11::/64 fd11:: from :: dev wg2 proto kernel src fd00::1 metric 256 pref medium")))[0];

        Assert.Equal(["IPv6 forwarding is off (net.ipv6.conf.all.forwarding = 0)"], peer.Reasons);
        Assert.Equal(["10.100.11.0/24 dev wg2", "fd11::/64 dev wg2"], peer.Routes);
    }

    /// <summary>A dual-stack peer: its IPv6 tunnel address is a second row, pinged and judged like the IPv4 one; a broken IPv6 path fails only that row, naming the address.</summary>
    [Fact]
    public void AnIPv6TunnelAddressIsASecondRowThatFailsAloneNamingIt()
    {
        var before = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1000\t2000\t25";
        var after = $"{PeerK}\t(none)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now - 40}\t1592\t2624\t25";
        (string, string)[] DualStack(string ping6) =>
        [
            ("@@addresses\n10.0.2.1/24", "@@addresses\n10.0.2.1/24\n2001:db8:2::1/64"),
            ("ipv6=0", "ipv6=1"),
            (before, before.Replace("10.0.2.2/32", "10.0.2.2/32,2001:db8:2::2/128", StringComparison.Ordinal)),
            (after, after.Replace("10.0.2.2/32", "10.0.2.2/32,2001:db8:2::2/128", StringComparison.Ordinal)),
            ("@@mtu\n1420", "@@mtu\n1420\n@@tunnel6 2001:db8:2::2\n@@ping\n" + ping6),
        ];
        var healthy = Evaluate(Output(DualStack("3 packets transmitted, 3 received, 0% packet loss, time 404ms\nrtt min/avg/max/mdev = 0.5/0.6/0.7/0.1 ms\n@@mtu\n1420")));

        Assert.Equal(["Peer", "Peer", "Target"], healthy.Select(r => r.Kind));
        Assert.All(healthy, r => Assert.True(r.Passed, string.Join("; ", r.Reasons)));
        var v6 = healthy[1];
        Assert.Equal(("site-k", "2001:db8:2::2", 3, 3, 0.6, 1420), (v6.Peer, v6.Address, v6.PingsSent, v6.PingsReceived, v6.RttAvgMs!.Value, v6.PathMtu!.Value));
        Assert.Empty(v6.Routes);
        Assert.Equal(["10.100.11.0/24 dev wg2"], healthy[0].Routes);

        var broken = Evaluate(Output(DualStack("3 packets transmitted, 0 received, 100% packet loss, time 404ms")));

        Assert.True(broken[0].Passed, string.Join("; ", broken[0].Reasons));
        Assert.Equal(["0 of 3 pings to 2001:db8:2::2 answered"], broken[1].Reasons);
        Assert.Null(broken[1].PathMtu);
    }

    [Fact]
    public void IPv6TargetsNeedIPv6ForwardingAndNotIPv4s()
    {
        var results = Evaluate(Output(
            ("ipv4=1", "ipv4=0"),
            ("@@target 10.100.11.100 10.100.10.7", "@@target 2001:db8:11::100 2001:db8:10::7"),
            ("10.100.11.100 10.100.11.100 dev wg2 src 10.0.2.1 uid 0", "2001:db8:11::100 from :: via 2001:db8:2::2 dev wg2 src 2001:db8:2::1 metric 1024 pref medium")));

        // 10.100.11.0/24 is still routed, so IPv4 forwarding is named; IPv6 forwarding (0 in the sample) too, for the v6 target.
        Assert.Contains("forwarding is off (net.ipv4.ip_forward = 0)", results[^1].Reasons);
        Assert.Contains("IPv6 forwarding is off (net.ipv6.conf.all.forwarding = 0)", results[^1].Reasons);
        Assert.Equal(("2001:db8:11::100", "2001:db8:10::7"), (results[^1].Address, results[^1].Source));
    }

    [Theory]
    [InlineData(1, "1 second")]
    [InlineData(52, "52 seconds")]
    [InlineData(119, "119 seconds")]
    [InlineData(840, "14 minutes")]
    [InlineData(7200, "2 hours")]
    [InlineData(259200, "3 days")]
    public void DurationsReadAsTheLargestWholeUnit(long seconds, string text) => Assert.Equal(text, TunnelCheck.Duration(seconds));

    [Fact]
    public void PingSummariesParseAsIputilsAndBusyBoxPrintThem()
    {
        var iputils = TunnelProbe.ParsePing(["3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2031ms", "pipe 3"]);
        var busybox = TunnelProbe.ParsePing(["3 packets transmitted, 3 packets received, 0% packet loss", "round-trip min/avg/max = 0.050/0.060/0.070 ms"]);

        Assert.Equal(new PingSummary(3, 0, null, null, null, null), iputils);
        Assert.Equal(new PingSummary(3, 3, 0.05, 0.06, 0.07, null), busybox);
        Assert.Equal("ping printed nothing", TunnelProbe.ParsePing([]).Error);
    }

    [Fact]
    public void TheScriptQuotesEveryValueAndCarriesNoKeys()
    {
        var script = TunnelProbe.Script("wg2", 3, [IPAddress.Parse("10.100.11.100"), IPAddress.Parse("fd11::5")], IPAddress.Parse("10.100.10.7"));

        Assert.Contains("\nname='wg2'\n", script, StringComparison.Ordinal);
        foreach (var assignment in new[] { "nat_script='/etc/wireguard/wgadmin/wg2-nat'", "count='3'", "source4='10.100.10.7'", "source6=''", "set -- '10.100.11.100' 'fd11::5'" })
            Assert.Contains($"\n{assignment}\n", script, StringComparison.Ordinal);
        Assert.DoesNotContain("PrivateKey", script, StringComparison.Ordinal);
        Assert.DoesNotContain("wg showconf", script, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void TheScriptPassesBashSyntaxCheck()
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        RemoteOracle.AssertSyntax(TunnelProbe.Script("wg2", 3, [IPAddress.Loopback], null), "bash");
    }

    /// <summary>The script's functions and the interface's subnets (10.0.2.1/24 and 192.168.9.77/24), as the script computes them.</summary>
    private static string WithFunctions(string commands) => "name=wg2\ncount=3\n" + TunnelProbe.Functions + """
nets=""; own=""
for a in 10.0.2.1/24 192.168.9.77/24; do own="$own ${a%/*}"; nets="$nets $(( $(ip2int "${a%/*}") & $(mask "${a#*/}") ))/${a#*/}"; done

""" + commands;

    /// <summary>The script's own address arithmetic, run by bash: which address of a peer's AllowedIPs is its tunnel address.</summary>
    [SkippableTheory]
    [InlineData("10.0.2.2/32,10.100.11.0/24", "", "10.0.2.2")]
    [InlineData("10.100.11.0/24,10.0.2.7/32", "", "10.0.2.7")]
    [InlineData("10.0.2.0/24,10.0.2.9/32", "", "10.0.2.9")]                    // a /32 names the peer, whatever the order
    [InlineData("10.0.2.0/24", "", "ambiguous 10.0.2.0/24")]                   // a hub seen from a spoke: any of 253 addresses
    [InlineData("10.0.2.0/24", "10.0.2.3/32 10.0.2.4/32", "ambiguous 10.0.2.0/24")]
    [InlineData("10.0.2.128/25", "", "ambiguous 10.0.2.128/25")]
    [InlineData("10.0.2.0/30", "", "10.0.2.2")]                                // .1 is the gateway's own: one address left
    [InlineData("10.0.2.0/29", "10.0.2.2/31 10.0.2.4/31", "10.0.2.6")]         // the others' more specific prefixes are theirs
    [InlineData("10.0.2.0/29", "10.0.2.2/31 10.0.0.0/16 10.0.2.5/32", "ambiguous 10.0.2.0/29")] // a wider prefix of another peer takes nothing
    [InlineData("10.0.2.0/29", "10.0.2.0/28 10.0.2.2/31 10.0.2.4/30", "")]     // nothing left
    [InlineData("10.0.2.2/31", "", "10.0.2.2")]
    [InlineData("10.0.0.0/16", "", "")]                                        // wider than the tunnel subnet
    [InlineData("10.100.11.0/24,fd00::2/128", "", "")]
    [InlineData("(none)", "", "")]
    [InlineData("10.9.2.1/32,192.168.9.1/32", "", "192.168.9.1")]              // in the interface's second subnet
    public void TheScriptFindsThePeersTunnelAddress(string allowedIPs, string others, string expected)
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        var run = RemoteOracle.Shell(WithFunctions($"tunnel_address {ShellQuote.Quote(allowedIPs)} {ShellQuote.Quote(others)}\n"));

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(expected, run.StdOut.Trim());
    }

    /// <summary>The script's IPv6 arithmetic, run by bash: a /128 in the interface's IPv6 subnets, not the gateway's own, however the address is written.</summary>
    [SkippableTheory]
    [InlineData("10.0.2.2/32,2001:db8:2::2/128", "2001:db8:2::2")]
    [InlineData("2001:db8:2:0:0:0:0:9/128", "2001:db8:2:0:0:0:0:9")]          // uncompressed, as an admin may write it
    [InlineData("2001:db8:2::1/128", "")]                                       // the gateway's own
    [InlineData("2001:db8:3::2/128,fd00:a::7f/128", "fd00:a::7f")]              // outside the /64, inside the /121
    [InlineData("fd00:a::80/128", "")]                                          // just past the /121
    [InlineData("2001:db8:2::/64", "")]                                         // wider prefixes are not searched
    [InlineData("2001:db8:2::1.2.3.4/128,1::2::3/128,g::1/128", "")]             // hostile or IPv4-tailed: nothing
    public void TheScriptFindsThePeersIPv6TunnelAddress(string allowedIPs, string expected)
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        var run = RemoteOracle.Shell(WithFunctions($"nets6='2001:db8:2::1/64 fd00:a::1/121'; own6='2001:db8:2::1 fd00:a::1'\ntunnel_address6 {ShellQuote.Quote(allowedIPs)}\n"));

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(expected, run.StdOut.Trim());
    }

    [Fact]
    public void APeerWhoseTunnelAddressIsAmbiguousIsNotPingedAndTheWarningSaysWhy()
    {
        var results = Evaluate(Output(
            ($"@@peer {PeerK} 10.0.2.2", $"@@peer {PeerK} none 10.0.2.0/24"),
            ("@@ping", ""),
            ("3 packets transmitted, 3 received, 0% packet loss, time 404ms", ""),
            ("rtt min/avg/max/mdev = 0.412/0.533/0.701/0.121 ms", ""),
            ("@@mtu", ""), ("1420", "")));

        var peer = results[0];
        Assert.True(peer.Passed, string.Join("; ", peer.Reasons));
        Assert.Null(peer.Address);
        Assert.Equal(0, peer.PingsSent);
        Assert.Contains("site-k's AllowedIPs 10.0.2.0/24 hold several addresses of wg2's tunnel subnet and none names the peer's own: not pinged (add the peer's tunnel address as a /32 to its AllowedIPs)", peer.Warnings);
    }

    /// <summary>Captured `ip route` and `ip -o addr` of gateways, answered by a shell function in place of ip.</summary>
    private static string FakeIp(string route, string addresses, string wgInterfaces) => $$"""
ip() {
  case "$*" in
    "-4 route show default") printf '%s\n' {{Lines(route)}} | tr '\t' '\n' ;;
    "-4 -o addr show scope global") printf '%s\n' {{Lines(addresses)}} | tr '\t' '\n' ;;
    *) echo "unexpected: ip $*" >&2; return 1 ;;
  esac
}
wg() { [ "$*" = "show interfaces" ] && echo {{ShellQuote.Quote(wgInterfaces)}}; }

""";

    private static string Lines(string text) => ShellQuote.Quote(text.Replace('\n', '\t'));

    private const string Lo = "1: lo    inet 10.255.0.1/32 scope global lo\\       valid_lft forever preferred_lft forever";
    private const string Wg2 = "5: wg2    inet 10.0.2.1/24 scope global wg2\\       valid_lft forever preferred_lft forever";
    private const string Wg9 = "6: wg9    inet 10.0.9.1/24 scope global wg9\\       valid_lft forever preferred_lft forever";

    /// <summary>The source of target pings, chosen by the script's own function from captured output.</summary>
    [SkippableTheory]
    // The seed's one-armed cloud gateway (and the lab's): its LAN is the default route's interface.
    [InlineData("default via 10.11.7.254 dev eth0 proto dhcp src 10.11.7.1 metric 100",
        Lo + "\n2: eth0    inet 10.11.7.1/24 metric 100 brd 10.11.7.255 scope global dynamic eth0\\       valid_lft 3012sec preferred_lft 3012sec\n" + Wg2, "wg2", "10.11.7.1")]
    // A two-armed gateway: WAN on eth0 (the default route), LAN on eth1; the other WireGuard link is no LAN.
    [InlineData("default via 203.0.113.1 dev eth0 onlink",
        "2: eth0    inet 203.0.113.5/24 brd 203.0.113.255 scope global eth0\\       valid_lft forever preferred_lft forever\n" + Wg9 +
        "\n3: eth1    inet 10.100.10.1/24 brd 10.100.10.255 scope global eth1\\       valid_lft forever preferred_lft forever\n" + Wg2, "wg2 wg9", "10.100.10.1")]
    // The same with the LAN on a VLAN (the name ip prints with its parent) and a tentative address first.
    [InlineData("default via 203.0.113.1 dev ppp0",
        "4: ppp0    inet 203.0.113.5 peer 203.0.113.1/32 scope global ppp0\\       valid_lft forever preferred_lft forever\n" +
        "7: br0    inet 10.100.10.9/24 scope global tentative br0\\       valid_lft forever preferred_lft forever\n" +
        "8: eth1.10@eth1    inet 10.100.10.1/24 brd 10.100.10.255 scope global eth1.10\\       valid_lft forever preferred_lft forever\n" + Wg2, "wg2", "10.100.10.1")]
    // No default route: the first address that is not a WireGuard link's.
    [InlineData("", Wg2 + "\n3: eth1    inet 10.100.10.1/24 scope global eth1\\       valid_lft forever preferred_lft forever", "wg2", "10.100.10.1")]
    // Only WireGuard links and lo: none.
    [InlineData("default dev wg2 scope link", Lo + "\n" + Wg2, "wg2", "")]
    public void TargetPingsLeaveFromTheLanSideAndFromTheDefaultRouteOnlyWhenThereIsNoOther(string route, string addresses, string wgInterfaces, string expected)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        var run = RemoteOracle.Shell(WithFunctions(FakeIp(route, addresses, wgInterfaces) + "default_source -4\n"));

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(expected, run.StdOut.Trim());
    }

    /// <summary>The received count as the script reads it from iputils' and BusyBox's summaries.</summary>
    [SkippableTheory]
    [InlineData("3 packets transmitted, 3 received, 0% packet loss, time 404ms", "3")]
    [InlineData("3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 2040ms", "0")]
    [InlineData("3 packets transmitted, 10 received, 0% packet loss", "10")]
    [InlineData("3 packets transmitted, 0 packets received, 100% packet loss", "0")]
    [InlineData("3 packets transmitted, 2 packets received, 33% packet loss", "2")]
    [InlineData("ping: sendmsg: Required key not available", "")]
    public void TheScriptReadsTheReceivedCountOfIputilsAndBusyBox(string summary, string expected)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "sed");
        var run = RemoteOracle.Shell(WithFunctions($"printf '%s\\n' 'PING x' {ShellQuote.Quote(summary)} | received\n"));

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(expected, run.StdOut.Trim());
        Assert.DoesNotContain("\" 0 received\"", TunnelProbe.Script("wg2", 3, [], null), StringComparison.Ordinal);
    }

    /// <summary>A don't-fragment ping lost once is sent again before the size counts as too large.</summary>
    [SkippableFact]
    public void APathMtuPingLostOnceIsRetriedBeforeTheSizeIsLowered()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "sed");
        using var dir = new SecretTempDir();
        var counter = dir.Write("count", "0");
        // BusyBox's summary; every size up to 1300 bytes crosses, but the first ping of each pair is lost.
        var run = RemoteOracle.Shell(WithFunctions($$"""
counter={{ShellQuote.Quote(counter)}}
ping() {
  c=$(cat "$counter"); echo $(( c + 1 )) > "$counter"
  eval "size=\${$(( $# - 1 ))}"
  if [ $(( c % 2 )) -eq 1 ] && [ "$size" -le 1300 ]; then echo "1 packets transmitted, 1 packets received, 0% packet loss"; else echo "1 packets transmitted, 0 packets received, 100% packet loss"; fi
}
echo "mtu=$(path_mtu 10.0.2.2 1420)"
echo "pings=$(cat "$counter")"

"""));

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(["mtu=1328", "pings=24"], run.StdOut.Trim().Split('\n'));
    }

    /// <summary>
    /// The whole probe script against fake wg, ip and ping: a peer that has never shaken hands does
    /// not answer until its first handshake arrives (the fake's third poll), as on a tunnel just
    /// brought up whose first initiation waits out the rekey timeout. The probe waits for it and
    /// pings again; a peer whose handshake never comes is given up on after the wait.
    /// </summary>
    [SkippableTheory]
    [InlineData(3, 3)]
    [InlineData(1000, 0)]
    public void APeerThatNeverShookHandsGetsItsFirstHandshakeBeforeItsPingsCount(int handshakeAfterPolls, int expectedReceived)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk", "sed", "cut");
        using var dir = new SecretTempDir();
        var state = dir.Write("polls", "0");
        var fakes = $$"""
polls={{ShellQuote.Quote(state)}}
shaken() { [ "$(cat "$polls")" -ge {{handshakeAfterPolls}} ]; }
wg() {
  case "$*" in
    "show wg2 dump") printf 'PRIV\tPUB\t10087\toff\n'; printf 'PEER\t(none)\t198.51.100.20:10087\t10.0.2.2/32,172.19.16.0/20\t%s\t100\t200\t25\n' "$(shaken && echo 1700000000 || echo 0)" ;;
    "show wg2 latest-handshakes") echo $(( $(cat "$polls") + 1 )) > "$polls"; printf 'PEER\t%s\n' "$(shaken && echo 1700000000 || echo 0)" ;;
    "show wg2 listen-port") echo 10087 ;;
  esac
}
ip() {
  case "$*" in
    "-o link show dev wg2") echo "9: wg2: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN" ;;
    *"addr show dev wg2"*) echo "9: wg2    inet 10.0.2.1/24 scope global wg2" ;;
    "route get "*) echo "$3 dev wg2 src 10.0.2.1 uid 0" ;;
  esac
}
ping() { if shaken; then echo "3 packets transmitted, 3 received, 0% packet loss, time 400ms"; echo "rtt min/avg/max/mdev = 0.5/0.6/0.7/0.1 ms"; else echo "3 packets transmitted, 0 received, 100% packet loss, time 2000ms"; fi; }
sleep() { :; }

""";
        var run = RemoteOracle.Shell(fakes + TunnelProbe.Script("wg2", 3, [], null));

        Assert.True(run.Ok, run.StdErr);
        var peer = TunnelProbe.Parse(run.StdOut).Peers["PEER"];
        Assert.Equal("10.0.2.2", peer.TunnelAddress);
        Assert.Equal(expectedReceived, peer.Ping!.Received);
        // It polled until the handshake came, or 35 times (7 s) when it never did.
        Assert.Equal(Math.Min(handshakeAfterPolls, 35), int.Parse(File.ReadAllText(state).Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [SkippableFact]
    public void TheListeningSocketIsReadWithoutSsDashHAndItsHeaderIsSkipped()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        var line = TunnelProbe.Script("wg2", 3, [], null).Split('\n').Single(l => l.Contains("ss -l", StringComparison.Ordinal));
        Assert.DoesNotContain(" -H", line, StringComparison.Ordinal);
        // iproute2 before 4.15 has no -H: it refuses it, and prints this header.
        var run = RemoteOracle.Shell(WithFunctions("""
ss() { case " $* " in *" -H "*) echo "ss: invalid option -- 'H'" >&2; return 1 ;; esac
  printf 'State      Recv-Q Send-Q Local Address:Port               Peer Address:Port\nUNCONN     0      0            *:10087                     *:*\nUNCONN     0      0           :::10087                    :::*\n'; }
has() { true; }
port=10087

""" + line + "\n"));

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(["socket=*:10087", "socket=:::10087"], run.StdOut.Trim().Split('\n'));
    }

    /// <summary>
    /// Dumps of every shape through the one filter: `wg show all dump` (what `-Name all` would read),
    /// `wg show NAME dump`, and odd lines. No private or preshared key comes through, and the peer
    /// filter keeps only 8-field peer lines.
    /// </summary>
    [SkippableFact]
    public void TheDumpFiltersLetNoKeyThroughWhateverTheLinesLookLike()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        var priv = WgPrivateKey.Generate();
        var own = priv.PublicKey.ToString();
        var psk = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string[] all =
        [
            $"wg2\t{priv.Reveal()}\t{own}\t10087\toff",
            $"wg2\t{PeerK}\t{psk}\t198.51.100.20:10087\t10.0.2.2/32\t{Now}\t1\t2\t25",
            $"wg3\t{PeerK}\t(none)\t(none)\t10.0.3.2/32\t0\t0\t0\toff",
        ];
        string[] single =
        [
            $"{priv.Reveal()}\t{own}\t10087\toff",
            $"{PeerK}\t{psk}\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now}\t1000\t2000\t25",
            $"{own}\t(none)\t(none)\t(none)\t0\t0\t0\toff",
        ];
        string[] odd = [psk, $"{psk}\t{priv.Reveal()}", $"x\t{psk}\t{priv.Reveal()}", $"a\tb\t{psk}\t{priv.Reveal()}\te\tf\tg\th\ti\tj", ""];
        string Filter(string function, IEnumerable<string> lines)
        {
            var run = Tool.Run("bash", ["-c", RemoteScript.Libraries() + function], stdin: string.Join("\n", lines) + "\n");
            Assert.True(run.Ok, run.StdErr);
            Assert.DoesNotContain(priv.Reveal(), run.StdOut, StringComparison.Ordinal);
            Assert.DoesNotContain(psk, run.StdOut, StringComparison.Ordinal);
            return run.StdOut;
        }

        Assert.Equal("", Filter("filter_peer_dump", all.Concat(odd)));
        Assert.Equal(
            $"{PeerK}\t(set)\t198.51.100.20:10087\t10.0.2.2/32,10.100.11.0/24\t{Now}\t1000\t2000\t25\n{own}\t(none)\t(none)\t(none)\t0\t0\t0\toff\n",
            Filter("filter_peer_dump", single.Concat(odd)));
        var kept = Filter("filter_all_dump", all.Concat(single).Concat(odd));
        Assert.Equal(all.Select(DumpFormat.RedactAllLine).Select(l => l + "\n"), kept.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l + "\n"));
        Assert.All(all.Concat(single).Concat(odd), l => Assert.True(DumpFormat.RedactAllLine(l) is null || !DumpFormat.RedactAllLine(l)!.Contains(psk, StringComparison.Ordinal)));
        // The parser reads no peer from what the filter would have let through for `-Name all`.
        Assert.Empty(TunnelProbe.Parse("@@peers\n" + Filter("filter_peer_dump", all)).LivePeers);
    }

    /// <summary>Every probe script is read whole by bash before it runs, with stdin closed: a command that reads stdin cannot eat the script.</summary>
    [SkippableFact]
    public void TheProbeScriptsRunAsOneFunctionWithStdinClosed()
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        var wrapped = RemoteScript.Wrap("set -- one\nx=1\n", "echo start\ncat\nread -r line || echo \"nothing to read\"\necho \"end $x $1\"");
        var run = RemoteOracle.Shell(wrapped + "echo not a command of the script\n");

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(["start", "nothing to read", "end 1 one", "@@end", "not a command of the script"], run.StdOut.Trim().Split('\n'));
        // A body that exits early ends the script without the end marker, with its status.
        var early = RemoteOracle.Shell(RemoteScript.Wrap("", "echo before\nexit 4\necho after"));
        Assert.Equal((4, "before\n"), (early.ExitCode, early.StdOut));
        const string call = $"\n({RemoteScript.FunctionName} \"$@\") </dev/null\n";
        foreach (var script in new[] { TunnelProbe.Script("wg2", 3, [IPAddress.Loopback], null), GatewayProbe.Script("wg2"), InterfaceStatusReader.Script(), RemoteKeys.GenerateScript("wg2", "apt") })
            Assert.Contains(call, script, StringComparison.Ordinal);
        // A change runs detached from the session (RemoteScript.WrapDetached), stdin closed too.
        Assert.Contains($"\n(trap : HUP INT TERM QUIT; {RemoteScript.FunctionName} \"$@\") </dev/null >", LanRouteScript.Script([], remove: true), StringComparison.Ordinal);
        foreach (var script in new[] { TunnelProbe.Script("wg2", 3, [IPAddress.Loopback], null), GatewayProbe.Script("wg2"), InterfaceStatusReader.Script(), LanRouteScript.Script([], remove: true) })
        {
            RemoteOracle.AssertSyntax(script, "bash");
            Assert.Single(script.Split('\n'), l => l.Contains(RemoteScript.FunctionName + "() {", StringComparison.Ordinal));
        }
    }

    /// <summary>The real script, run here by bash with the real ip and ping: a missing interface and a loopback target.</summary>
    [SkippableFact]
    public void TheScriptRunByBashIsReadBackAsTheToolsPrintIt()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "ip", "ping");
        var run = RemoteOracle.Shell(TunnelProbe.Script("wgt-none9", 2, [IPAddress.Loopback], IPAddress.Loopback));
        Assert.True(run.Ok, run.StdErr);

        var probe = TunnelProbe.Parse(run.StdOut);
        var results = TunnelCheck.Evaluate(probe, "here", "wgt-none9", Options);

        Assert.True(probe.Complete);
        Assert.False(probe.LinkExists);
        var target = Assert.Single(results);
        Assert.Equal(("Target", "127.0.0.1", "127.0.0.1"), (target.Kind, target.Address, target.Source));
        Assert.Equal((2, 2), (target.PingsSent, target.PingsReceived));
        Assert.NotNull(target.RttAvgMs);
        Assert.Equal(["127.0.0.1 dev lo"], target.Routes);
        Assert.Contains("wgt-none9 does not exist", target.Reasons);
        Assert.Contains("no route to 127.0.0.1 through wgt-none9 (it leaves through lo)", target.Reasons);
        Assert.Contains("127.0.0.1 is in no peer's AllowedIPs on wgt-none9", target.Reasons);
    }
}

/// <summary>
/// Test-WgTunnel's probe for real: two scratch network namespaces joined by a veth pair, each with a
/// userspace WireGuard link (wireguard-go) and a "LAN" link, and the probe run by bash in the first
/// (its /etc/wireguard a private tmpfs, see GatewaySandbox). Real ip, ss, ping and wg output goes
/// through the same parser and judgement as the table tests; the lab suite does the same on booted
/// gateways across NAT.
/// </summary>
public class TunnelProbeLiveTests
{
    private static WgInterface Side(string name, string address, int port, WgPrivateKey key, WgPublicKey peer, string peerName, string peerTunnel, string peerLan, string peerEndpoint) => new()
    {
        Name = name,
        PrivateKey = key,
        ListenPort = port,
        Address = [WgPrefix.Parse(address)],
        Mtu = 1420,
        Peers =
        [
            new WgPeer(peer)
            {
                Name = peerName,
                Endpoint = WgEndpoint.Parse(peerEndpoint),
                AllowedIPs = [WgPrefix.Parse(peerTunnel), WgPrefix.Parse(peerLan)],
            },
        ],
    };

    private static void BringUp(ScratchNamespace ns, WgInterface config, string farLan)
    {
        using var dir = new SecretTempDir();
        var stripped = dir.Write("stripped.conf", WgConfigWriter.Write(config, WgSecretMode.Include, strip: true));
        ns.Check(ns.Exec(["wg", "setconf", config.Name!, stripped]), "wg setconf");
        ns.Check(ns.Exec(["ip", "address", "add", config.Address[0].ToString(), "dev", config.Name!]), "ip address add");
        ns.Check(ns.Exec(["ip", "link", "set", "mtu", "1420", "up", "dev", config.Name!]), "ip link set up");
        ns.Check(ns.Exec(["ip", "route", "add", farLan, "dev", config.Name!]), "ip route add");
    }

    [SkippableFact]
    public void AWorkingTunnelBetweenTwoNamespacesPassesEveryCheckAndABrokenRouteIsNamed()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "ss", "ping", "awk");
        using var a = ScratchNamespace.Create("wgadm-tna");
        using var b = ScratchNamespace.Create("wgadm-tnb");
        var suffix = RemoteOracle.RandomSuffix();
        var (wgA, wgB) = ("wta" + suffix, "wtb" + suffix);
        var (keyA, keyB) = (WgPrivateKey.Generate(), WgPrivateKey.Generate());
        var (portA, portB) = (Random.Shared.Next(40000, 50000), Random.Shared.Next(50000, 60000));

        // The "internet": a veth pair; the LANs: a link each.
        a.Check(Tool.Run("ip", ["-n", a.Name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth0", "netns", b.Name]), "ip link add veth");
        a.Check(a.Exec(["ip", "address", "add", "192.0.2.1/24", "dev", "veth0"]), "address");
        b.Check(b.Exec(["ip", "address", "add", "192.0.2.2/24", "dev", "veth0"]), "address");
        a.Check(a.Exec(["ip", "link", "set", "veth0", "up"]), "up");
        b.Check(b.Exec(["ip", "link", "set", "veth0", "up"]), "up");
        a.AddLink("lan0");
        b.AddLink("lan0");
        a.Check(a.Exec(["ip", "address", "add", "10.71.1.1/24", "dev", "lan0"]), "address");
        b.Check(b.Exec(["ip", "address", "add", "10.71.2.1/24", "dev", "lan0"]), "address");
        a.Check(a.Exec(["ip", "link", "set", "lan0", "up"]), "up");
        b.Check(b.Exec(["ip", "link", "set", "lan0", "up"]), "up");
        a.Check(a.Exec(["sysctl", "-qw", "net.ipv4.ip_forward=1"]), "forwarding");

        var sideA = Side(wgA, "10.70.0.1/24", portA, keyA, keyB.PublicKey, "site-b", "10.70.0.2/32", "10.71.2.0/24", $"192.0.2.2:{portB}");
        var sideB = Side(wgB, "10.70.0.2/24", portB, keyB, keyA.PublicKey, "site-a", "10.70.0.1/32", "10.71.1.0/24", $"192.0.2.1:{portA}");
        a.StartWireGuardGo(wgA);
        b.StartWireGuardGo(wgB);
        BringUp(a, sideA, "10.71.2.0/24");
        BringUp(b, sideB, "10.71.1.0/24");
        var files = new Dictionary<string, string> { [wgA + ".conf"] = WgConfigWriter.Write(sideA, WgSecretMode.Include) };
        var script = TunnelProbe.Script(wgA, 3, [IPAddress.Parse("10.71.2.1")], IPAddress.Parse("10.71.1.1"));

        var run = GatewaySandbox.Run(a, files, script)[0];

        Assert.True(run.Ok, run.StdErr);
        Assert.DoesNotContain(keyA.Reveal(), run.StdOut, StringComparison.Ordinal);
        var results = TunnelCheck.Evaluate(TunnelProbe.Parse(run.StdOut), "a", wgA, new TunnelCheckOptions(TimeSpan.FromMinutes(3), 3));
        Assert.Equal(2, results.Count);
        // No wg-quick@ unit runs these links, whatever this machine has: that reason (or warning) is expected.
        static string[] Others(IEnumerable<string> reasons) => reasons.Where(r => !r.Contains("wg-quick@", StringComparison.Ordinal)).ToArray();
        var peer = results[0];
        Assert.Empty(Others(peer.Reasons));
        Assert.Equal(("site-b", "10.70.0.2", $"192.0.2.2:{portB}"), (peer.Peer, peer.Address, peer.Endpoint));
        Assert.Equal((3, 3), (peer.PingsSent, peer.PingsReceived));
        Assert.NotNull(peer.RttAvgMs);
        Assert.InRange(peer.HandshakeAgeSeconds!.Value, 0, 10);
        Assert.True(peer.ReceivedBytesDelta > 0);
        Assert.Equal((1420, 1420), (peer.PathMtu, peer.InterfaceMtu));
        Assert.Equal(["10.71.2.0/24 dev " + wgA], peer.Routes);
        var target = results[1];
        Assert.Empty(Others(target.Reasons));
        Assert.Equal(("site-b", "10.71.2.1", "10.71.1.1", 3), (target.Peer, target.Address, target.Source, target.PingsReceived));

        // The far LAN's route gone: named, and the target's pings fail.
        a.Check(a.Exec(["ip", "route", "del", "10.71.2.0/24", "dev", wgA]), "ip route del");
        var broken = TunnelCheck.Evaluate(TunnelProbe.Parse(GatewaySandbox.Run(a, files, script)[0].StdOut), "a", wgA, new TunnelCheckOptions(TimeSpan.FromMinutes(3), 3));
        Assert.Equal(["no route to 10.71.2.0/24 (RTNETLINK answers: Network is unreachable)"], Others(broken[0].Reasons));
        Assert.Equal(["no route to 10.71.2.1 (RTNETLINK answers: Network is unreachable)", "0 of 3 pings from 10.71.1.1 to 10.71.2.1 answered"], Others(broken[1].Reasons));
        Assert.Equal((3, 3), (broken[0].PingsSent, broken[0].PingsReceived));
    }

    /// <summary>
    /// The same pair dual-stack: IPv6 tunnel addresses, IPv6 LANs, the WireGuard UDP over an IPv6
    /// "internet" ([2001:db8:1::2]:port). Both tunnel addresses and both far LAN hosts are pinged;
    /// then the far side loses only its IPv6 route back, and only the IPv6 target fails, named.
    /// </summary>
    [SkippableFact]
    public void ADualStackTunnelPingsItsIPv6AddressesAndABrokenIPv6PathIsNamedWhileIPv4Passes()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "ss", "ping", "awk");
        using var a = ScratchNamespace.Create("wgadm-t6a");
        using var b = ScratchNamespace.Create("wgadm-t6b");
        var suffix = RemoteOracle.RandomSuffix();
        var (wgA, wgB) = ("w6a" + suffix, "w6b" + suffix);
        var (keyA, keyB) = (WgPrivateKey.Generate(), WgPrivateKey.Generate());
        var (portA, portB) = (Random.Shared.Next(40000, 50000), Random.Shared.Next(50000, 60000));

        a.Check(Tool.Run("ip", ["-n", a.Name, "link", "add", "veth0", "type", "veth", "peer", "name", "veth0", "netns", b.Name]), "ip link add veth");
        foreach (var (ns, wan, lan4, lan6) in new[] { (a, "2001:db8:1::1/64", "10.71.1.1/24", "2001:db8:71::1/64"), (b, "2001:db8:1::2/64", "10.71.2.1/24", "2001:db8:72::1/64") })
        {
            ns.AddLink("lan0");
            ns.Check(ns.Exec(["ip", "-6", "address", "add", wan, "dev", "veth0", "nodad"]), "address");
            ns.Check(ns.Exec(["ip", "address", "add", lan4, "dev", "lan0"]), "address");
            ns.Check(ns.Exec(["ip", "-6", "address", "add", lan6, "dev", "lan0", "nodad"]), "address");
            ns.Check(ns.Exec(["ip", "link", "set", "veth0", "up"]), "up");
            ns.Check(ns.Exec(["ip", "link", "set", "lan0", "up"]), "up");
        }
        a.Check(a.Exec(["sysctl", "-qw", "net.ipv4.ip_forward=1"]), "forwarding");
        a.Check(a.Exec(["sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"]), "IPv6 forwarding");
        // A gateway's default route leaves by its WAN: target pings then leave from its LAN side, unasked.
        a.Check(a.Exec(["ip", "-6", "route", "add", "default", "via", "2001:db8:1::2"]), "ip -6 route add default");

        WgInterface DualSide(string name, int port, WgPrivateKey key, WgPublicKey peer, string peerName, string self, string far, string endpoint) => new()
        {
            Name = name, PrivateKey = key, ListenPort = port, Mtu = 1420,
            Address = [WgPrefix.Parse($"10.70.0.{self}/24"), WgPrefix.Parse($"2001:db8:70::{self}/64")],
            Peers =
            [
                new WgPeer(peer)
                {
                    Name = peerName, Endpoint = WgEndpoint.Parse(endpoint),
                    AllowedIPs = [WgPrefix.Parse($"10.70.0.{far}/32"), WgPrefix.Parse($"2001:db8:70::{far}/128"), WgPrefix.Parse($"10.71.{far}.0/24"), WgPrefix.Parse($"2001:db8:7{far}::/64")],
                },
            ],
        };
        var sideA = DualSide(wgA, portA, keyA, keyB.PublicKey, "site-b", "1", "2", $"[2001:db8:1::2]:{portB}");
        var sideB = DualSide(wgB, portB, keyB, keyA.PublicKey, "site-a", "2", "1", $"[2001:db8:1::1]:{portA}");
        a.StartWireGuardGo(wgA);
        b.StartWireGuardGo(wgB);
        foreach (var (ns, side, far) in new[] { (a, sideA, "2"), (b, sideB, "1") })
        {
            BringUp(ns, side, $"10.71.{far}.0/24");
            ns.Check(ns.Exec(["ip", "-6", "address", "add", side.Address[1].ToString(), "dev", side.Name!, "nodad"]), "ip -6 address add");
            ns.Check(ns.Exec(["ip", "-6", "route", "add", $"2001:db8:7{far}::/64", "dev", side.Name!]), "ip -6 route add");
        }
        var files = new Dictionary<string, string> { [wgA + ".conf"] = WgConfigWriter.Write(sideA, WgSecretMode.Include) };
        var options = new TunnelCheckOptions(TimeSpan.FromMinutes(3), 3);
        IReadOnlyList<WgTunnelTestResult> Probe()
        {
            var script = TunnelProbe.Script(wgA, 3, [IPAddress.Parse("10.71.2.1"), IPAddress.Parse("2001:db8:72::1")], null);
            var run = GatewaySandbox.Run(a, files, script)[0];
            Assert.True(run.Ok, run.StdErr);
            return TunnelCheck.Evaluate(TunnelProbe.Parse(run.StdOut), "a", wgA, options);
        }
        static string[] Others(IEnumerable<string> reasons) => reasons.Where(r => !r.Contains("wg-quick@", StringComparison.Ordinal)).ToArray();

        var results = Probe();

        Assert.Equal(["Peer", "Peer", "Target", "Target"], results.Select(r => r.Kind));
        Assert.Equal(["10.70.0.2", "2001:db8:70::2", "10.71.2.1", "2001:db8:72::1"], results.Select(r => r.Address));
        Assert.All(results, r => Assert.Empty(Others(r.Reasons)));
        Assert.All(results, r => Assert.Equal(($"[2001:db8:1::2]:{portB}", 3), (r.Endpoint, r.PingsReceived)));
        Assert.Equal((1420, 1420), (results[0].PathMtu, results[1].PathMtu));
        Assert.Equal(("10.71.1.1", "2001:db8:71::1"), (results[2].Source, results[3].Source));

        // Only IPv6 broken: the far side no longer routes the near LAN's IPv6 back.
        b.Check(b.Exec(["ip", "-6", "route", "del", "2001:db8:71::/64", "dev", wgB]), "ip -6 route del");
        var broken = Probe();

        Assert.Equal([true, true, true, false], broken.Select(r => Others(r.Reasons).Length == 0));
        Assert.Equal(["0 of 3 pings from 2001:db8:71::1 to 2001:db8:72::1 answered"], Others(broken[3].Reasons));

        // One-armed, as cloud IPv6 often is: the LAN /64 on the WAN link too. Target pings leave
        // from the LAN address, not from the one the kernel uses towards the default router.
        a.Check(a.Exec(["ip", "-6", "address", "del", "2001:db8:71::1/64", "dev", "lan0"]), "ip -6 address del");
        a.Check(a.Exec(["ip", "-6", "address", "add", "2001:db8:71::1/64", "dev", "veth0", "nodad"]), "ip -6 address add");
        // The WAN address added again, so ip lists it first (newest first): the first address is the wrong one.
        a.Check(a.Exec(["ip", "-6", "address", "del", "2001:db8:1::1/64", "dev", "veth0"]), "ip -6 address del");
        a.Check(a.Exec(["ip", "-6", "address", "add", "2001:db8:1::1/64", "dev", "veth0", "nodad"]), "ip -6 address add");
        a.Check(a.Exec(["ip", "-6", "route", "replace", "default", "via", "2001:db8:1::2"]), "ip -6 route replace default");
        Assert.StartsWith("2001:db8:1::1/64", a.Shell("ip -6 -o addr show dev veth0 scope global | awk '{ print $4 }'").StdOut, StringComparison.Ordinal);
        var source = a.Shell($"name={wgA}\ncount=1\n" + TunnelProbe.Functions + "\ndefault_source -6\n");
        Assert.True(source.Ok, source.StdErr);
        Assert.Equal("2001:db8:71::1", source.StdOut.Trim());
    }
}

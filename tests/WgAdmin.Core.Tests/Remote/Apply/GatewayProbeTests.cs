using WgAdmin.Keys;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>GatewayProbe.Parse on outputs written as the probe script prints them, ParsePeer, and the script's syntax.</summary>
public class GatewayProbeTests
{
    private static readonly string OwnPub = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Peer1 = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Peer2 = WgPrivateKey.Generate().PublicKey.ToString();
    private const string Hash = "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";
    private const string OtherHash = "0000000000000000000000000000000000000000000000000000000000000001";

    private static string FullOutput(string newline = "\n") => string.Join(newline,
        "@@os",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"",
        "VERSION_ID=\"12\"",
        "ID=debian",
        "@@tools",
        "wg", "wg-quick", "systemctl", "iptables", "ip6tables", "nft", "ip", "apt-get", "sysctl", "sha256sum",
        "@@systemd",
        "yes",
        "@@host",
        "root=yes",
        "iptables_nft=yes",
        "iptables_forward_drop=yes",
        "@@confmeta",
        "mode=600",
        $"hash={Hash}",
        $"pubkey={OwnPub}",
        "@@config",
        "[Interface]",
        "ListenPort = 51820",
        "Address = 10.8.0.1/24, fd00:8::1/64",
        "PostUp = iptables -A FORWARD -i %i -j ACCEPT",
        "",
        "[Peer]",
        "# Name = laptop",
        $"PublicKey = {Peer1}",
        "AllowedIPs = 10.8.0.2/32",
        "PersistentKeepalive = 25",
        "",
        "[Peer]",
        $"PublicKey = {Peer2}",
        "AllowedIPs = 10.8.0.3/32, 192.168.50.0/24",
        "Endpoint = 198.51.100.9:51820",
        "@@keyfile",
        OwnPub,
        "@@link",
        "5: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/none ",
        "@@live",
        $"pubkey={OwnPub}",
        "port=51820",
        "@@peers",
        $"{Peer1}\t(set)\t203.0.113.7:40000\t10.8.0.2/32\t1700000000\t1234\t5678\t25",
        $"{Peer2}\t(none)\t198.51.100.9:51820\t10.8.0.3/32,192.168.50.0/24\t0\t0\t0\toff",
        "@@addresses",
        "10.8.0.1/24",
        "fd00:8::1/64",
        "@@service",
        "enabled=enabled",
        "active=active",
        "@@forwarding",
        "ipv4=1",
        "ipv6=0",
        "@@managed",
        $"{Hash} /etc/sysctl.d/90-wgadmin-wg0.conf",
        $"{OtherHash} /etc/wireguard/wgadmin/wg0-nat",
        "@@nat",
        "present",
        "@@end",
        "");

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void ParsesEverySectionOfAFullOutput(string newline)
    {
        var state = GatewayProbe.Parse(FullOutput(newline));

        Assert.Equal("debian", state.OsRelease["ID"]);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", state.OsRelease["PRETTY_NAME"]);
        Assert.Equal(PackageManagerKind.Apt, state.PackageManager);
        Assert.True(state.HasWireGuard);
        Assert.True(state.Has("nft"));
        Assert.False(state.Has("dnf"));
        Assert.True(state.HasSystemd && state.IsRoot && state.IptablesIsNft && state.IptablesForwardDrop);

        Assert.True(state.ConfigExists);
        Assert.Equal("600", state.ConfigMode);
        Assert.Equal(Hash, state.ConfigHash);
        Assert.Equal(OwnPub, state.ConfigPublicKey);
        Assert.Null(state.ConfigParseError);
        var config = Assert.IsType<WgAdmin.Model.WgInterface>(state.Config);
        Assert.Null(config.PrivateKey);
        Assert.Equal(51820, config.ListenPort);
        Assert.Equal([WgPrefix.Parse("10.8.0.1/24"), WgPrefix.Parse("fd00:8::1/64")], config.Address);
        Assert.Equal(["iptables -A FORWARD -i %i -j ACCEPT"], config.PostUp);
        Assert.Equal(2, config.Peers.Length);
        Assert.Equal("laptop", config.Peers[0].Name);
        Assert.Equal(Peer2, config.Peers[1].PublicKey.ToString());
        Assert.Equal(WgEndpoint.Parse("198.51.100.9:51820"), config.Peers[1].Endpoint);

        Assert.Equal(OwnPub, state.KeyFilePublicKey);
        Assert.True(state.LinkExists);
        Assert.Equal(1420, state.LinkMtu);
        Assert.Equal(OwnPub, state.LivePublicKey);
        Assert.Equal(51820, state.LiveListenPort);
        Assert.Equal(2, state.LivePeers.Count);
        var first = state.LivePeers[0];
        Assert.Equal((Peer1, true, "203.0.113.7:40000", 1700000000L, 1234L, 5678L, (int?)25),
            (first.PublicKey, first.HasPresharedKey, first.Endpoint, first.LatestHandshakeUnix, first.ReceivedBytes, first.SentBytes, first.PersistentKeepalive));
        Assert.Equal(["10.8.0.2/32"], first.AllowedIPs);
        Assert.Equal(["10.8.0.3/32", "192.168.50.0/24"], state.LivePeers[1].AllowedIPs);
        Assert.Null(state.LivePeers[1].PersistentKeepalive);
        Assert.False(state.LivePeers[1].HasPresharedKey);
        Assert.Equal(["10.8.0.1/24", "fd00:8::1/64"], state.LiveAddresses);

        Assert.Equal(("enabled", "active"), (state.ServiceEnabled, state.ServiceActive));
        Assert.Equal(("1", "0"), (state.Ipv4Forwarding, state.Ipv6Forwarding));
        Assert.Equal(new Dictionary<string, string>
        {
            ["/etc/sysctl.d/90-wgadmin-wg0.conf"] = Hash,
            ["/etc/wireguard/wgadmin/wg0-nat"] = OtherHash,
        }, state.ManagedFileHashes);
        Assert.True(state.NatRulesPresent);
    }

    [Fact]
    public void AFreshHostHasNothing()
    {
        var state = GatewayProbe.Parse("""
            @@os
            ID=debian
            @@tools
            systemctl
            iptables
            ip
            apt-get
            sysctl
            sha256sum
            @@systemd
            yes
            @@host
            root=yes
            @@keyfile
            @@service
            enabled=
            active=inactive
            @@forwarding
            ipv4=0
            ipv6=0
            @@managed
            @@nat
            @@end

            """);

        Assert.False(state.HasWireGuard);
        Assert.False(state.IptablesIsNft);
        Assert.False(state.IptablesForwardDrop);
        Assert.False(state.ConfigExists);
        Assert.Null(state.Config);
        Assert.Null(state.ConfigHash);
        Assert.Null(state.KeyFilePublicKey);
        Assert.False(state.LinkExists);
        Assert.Empty(state.LivePeers);
        Assert.Empty(state.LiveAddresses);
        Assert.Equal(("", "inactive"), (state.ServiceEnabled, state.ServiceActive));
        Assert.Equal("0", state.Ipv4Forwarding);
        Assert.Empty(state.ManagedFileHashes);
        Assert.Null(state.NatRulesPresent);
    }

    [Fact]
    public void MissingNatRulesAreReported()
    {
        Assert.False(GatewayProbe.Parse("@@nat\nmissing\n@@end\n").NatRulesPresent);
        Assert.True(GatewayProbe.Parse("@@nat\npresent\n@@end\n").NatRulesPresent);
    }

    [Fact]
    public void AConfigThatDoesNotParseIsReportedNotThrown()
    {
        var state = GatewayProbe.Parse($"@@confmeta\nmode=644\nhash={Hash}\n@@config\n[Interface]\nListenPort = banana\n@@keyfile\n@@end\n");

        Assert.True(state.ConfigExists);
        Assert.Equal("644", state.ConfigMode);
        Assert.Null(state.Config);
        Assert.Contains("banana", state.ConfigParseError, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyPubkeyLineIsNoKey()
    {
        // `wg pubkey` fails on a config without a private key, and the probe prints "pubkey=".
        var state = GatewayProbe.Parse($"@@confmeta\nmode=600\nhash={Hash}\npubkey=\n@@config\n[Interface]\n@@end\n");

        Assert.Null(state.ConfigPublicKey);
        Assert.NotNull(state.Config);
    }

    [Theory]
    [InlineData("K\t(none)\t(none)\t(none)\t0\t0\t0\toff", "K", false, null, new string[0], 0L, 0L, 0L, null)]
    [InlineData("K\t(set)\t[2001:db8::1]:51820\tfd00::2/128,10.0.0.0/8\t1712345678\t99\t100\t5", "K", true, "[2001:db8::1]:51820", new[] { "fd00::2/128", "10.0.0.0/8" }, 1712345678L, 99L, 100L, 5)]
    [InlineData("K\t(set)\t192.0.2.1:1\t0.0.0.0/0\tx\t-1\t\toff", "K", true, "192.0.2.1:1", new[] { "0.0.0.0/0" }, 0L, 0L, 0L, null)]
    public void ParsePeerReadsADumpLine(string line, string key, bool psk, string? endpoint, string[] allowed, long handshake, long rx, long tx, int? keepalive)
    {
        var peer = DumpFormat.ParsePeer(line);

        Assert.NotNull(peer);
        Assert.Equal((key, psk, endpoint, handshake, rx, tx, keepalive),
            (peer.PublicKey, peer.HasPresharedKey, peer.Endpoint, peer.LatestHandshakeUnix, peer.ReceivedBytes, peer.SentBytes, peer.PersistentKeepalive));
        Assert.Equal(allowed, peer.AllowedIPs);
    }

    [Theory]
    [InlineData("")]
    [InlineData("K\t(none)\t(none)")]
    [InlineData("K (none) (none) (none) 0 0 0 off")]
    [InlineData("K\t(none)\t(none)\t(none)\t0\t0\t0\toff\textra")]
    public void ParsePeerIgnoresShortLines(string line) => Assert.Null(DumpFormat.ParsePeer(line));

    [SkippableFact]
    public void TheScriptIsValidBashAndQuotesEveryValue()
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        var hostile = "wg0'$(touch x)";
        var script = GatewayProbe.Script(hostile);

        RemoteOracle.AssertSyntax(script, "bash");
        Assert.Contains($"\nname={WgAdmin.Remote.ShellQuote.Quote(hostile)}\n", script, StringComparison.Ordinal);
        Assert.Contains($"\nconf={WgAdmin.Remote.ShellQuote.Quote($"/etc/wireguard/{hostile}.conf")}\n", script, StringComparison.Ordinal);
        Assert.EndsWith("echo @@end\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void PathsAreWhereWgQuickLooks()
    {
        Assert.Equal("/etc/wireguard/wg0.conf", HostPaths.Config("wg0"));
        Assert.Equal("/etc/wireguard/wg0.key", HostPaths.KeyFile("wg0"));
    }
}

using System.Globalization;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Benchmarks;

/// <summary>
/// A large, realistic hub configuration, the same on every run: keys come from a fixed-seed
/// generator (they need only be well-formed, not secret), every peer has an IPv4 and an IPv6
/// host address, every tenth also routes a site subnet of each family, endpoints mix IPv4,
/// IPv6 and DNS names, half the peers keep alive and a fifth have a preshared key. The text is
/// what <see cref="WgConfigWriter"/> writes, the canonical form, so `wg-quick strip` of the file
/// and WgAdmin's stripped output can be compared byte for byte.
/// </summary>
internal static class SampleConfig
{
    public const int DefaultPeers = 10_000;

    // The largest count whose addresses fit the scheme below (10.200.0.0/16 less .0.0, .0.1 and the broadcast).
    public const int MaxPeers = 65_532;

    private const int Seed = 20_251;

    public static string Text(int peers) => WgConfigWriter.Write(Build(peers), WgSecretMode.Include);

    public static WgInterface Build(int peers)
    {
        if (peers is < 0 or > MaxPeers)
            throw new ArgumentOutOfRangeException(nameof(peers), peers, $"The sample holds 0 to {MaxPeers} peers.");
        var random = new Random(Seed);
        var config = new WgInterface
        {
            PrivateKey = WgPrivateKey.FromBytes(PrivateKeyBytes(random)),
            ListenPort = 51820,
            Address = [WgPrefix.Parse("10.200.0.1/16"), WgPrefix.Parse("fd00:c8::1/64")],
            Dns = [System.Net.IPAddress.Parse("10.200.0.1")],
            DnsSearch = ["corp.example"],
            Mtu = 1420,
            PreUp = ["sysctl -w net.ipv4.ip_forward=1"],
            PostUp =
            [
                "iptables -A FORWARD -i %i -j ACCEPT; iptables -A FORWARD -o %i -j ACCEPT",
                "ip6tables -A FORWARD -i %i -j ACCEPT",
            ],
            PostDown =
            [
                "iptables -D FORWARD -i %i -j ACCEPT; iptables -D FORWARD -o %i -j ACCEPT",
                "ip6tables -D FORWARD -i %i -j ACCEPT",
            ],
        };

        var list = new WgPeer[peers];
        for (var i = 0; i < peers; i++)
            list[i] = Peer(i, random);
        config.Peers = list;
        return config;
    }

    private static WgPeer Peer(int i, Random random)
    {
        var host = i + 2; // .0.0 is the network, .0.1 the hub
        var allowed = new List<WgPrefix>
        {
            WgPrefix.Parse(Invariant($"10.200.{host >> 8}.{host & 0xff}/32")),
            WgPrefix.Parse(Invariant($"fd00:c8::{host:x}/128")),
        };
        if (i % 10 == 0)
        {
            var site = i / 10;
            allowed.Add(WgPrefix.Parse(Invariant($"172.{16 + (site >> 8)}.{site & 0xff}.0/24")));
            allowed.Add(WgPrefix.Parse(Invariant($"fd10:0:{site:x}::/64")));
        }

        var endpoint = (i % 3) switch
        {
            0 => new WgEndpoint(Invariant($"203.0.113.{1 + i % 254}"), 51820 + i % 100),
            1 => new WgEndpoint(Invariant($"2001:db8:100::{i:x}"), 51820),
            _ => new WgEndpoint(Invariant($"gw-{i}.branches.example.net"), 51820),
        };

        return new WgPeer(WgPublicKey.FromBytes(RandomBytes(random)))
        {
            Name = Invariant($"site-{i:D5}"),
            PresharedKey = i % 5 == 0 ? WgPresharedKey.Parse(Convert.ToBase64String(RandomBytes(random))) : null,
            AllowedIPs = [.. allowed],
            Endpoint = endpoint,
            PersistentKeepalive = i % 2 == 0 ? 25 : null,
        };
    }

    private static byte[] PrivateKeyBytes(Random random)
    {
        var bytes = RandomBytes(random);
        bytes[0] &= 248;
        bytes[31] = (byte)((bytes[31] & 127) | 64);
        return bytes;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        return bytes;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Net;
using CsCheck;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// CsCheck generators of valid interfaces: IPv4 and IPv6 addresses (random, sparse, IPv4-mapped),
/// endpoints of all three host kinds, every optional field on and off, hooks and peer names made
/// of odd but legal pieces ('#', '=', quotes, '%i', brackets, non-ASCII, NBSP). Duplicates the
/// validator refuses (a prefix on two peers, a repeated or self peer key) are filtered out.
/// </summary>
internal static class WgGen
{
    private static readonly Gen<byte[]> Bytes32 = Gen.Byte.Array[32];

    public static readonly Gen<WgPublicKey> PublicKey = Bytes32.Select(b => WgPublicKey.FromBytes(b));

    // Any 32 bytes are a key wg accepts (it clamps when it uses the key), so no clamping here.
    public static readonly Gen<WgPrivateKey> PrivateKey = Bytes32.Select(b => WgPrivateKey.FromBytes(b));

    public static readonly Gen<WgPresharedKey> PresharedKey = Bytes32.Select(b => WgPresharedKey.Parse(Convert.ToBase64String(b)));

    public static readonly Gen<IPAddress> IPv4 = Gen.Byte.Array[4].Select(b => new IPAddress(b));

    public static readonly Gen<IPAddress> IPv6 = Gen.OneOf(
        Gen.Byte.Array[16].Select(b => new IPAddress(b)),
        // Mostly zero groups, so "::" compression lands in every position.
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, 7], Gen.UShort, Gen.UShort, (i, j, a, b) =>
        {
            var bytes = new byte[16];
            bytes[0] = 0xfd;
            bytes[2 * i] = (byte)(a >> 8);
            bytes[2 * i + 1] = (byte)a;
            bytes[2 * j] = (byte)(b >> 8);
            bytes[2 * j + 1] = (byte)b;
            return new IPAddress(bytes);
        }),
        IPv4.Select(a => a.MapToIPv6()));

    public static readonly Gen<WgPrefix> Prefix4 = Gen.Select(IPv4, Gen.Int[0, 32], (a, l) => new WgPrefix(a, l));

    public static readonly Gen<WgPrefix> Prefix6 = Gen.Select(IPv6, Gen.Int[0, 128], (a, l) => new WgPrefix(a, l));

    public static readonly Gen<WgPrefix> Prefix = Gen.OneOf(Prefix4, Prefix6);

    private static readonly Gen<string> Label = Gen.Select(
        Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"],
        Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789-_"], 0, 10],
        Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"],
        Gen.Bool,
        (first, middle, last, single) => single ? first.ToString() : first + middle + last);

    /// <summary>A host name or search domain: letter-led labels, so never all digits (wg-quick would read that as a server).</summary>
    public static readonly Gen<string> DnsName = Gen.Select(Label.Array[1, 4], Gen.Int[0, 9],
        (labels, dot) => string.Join('.', labels) + (dot == 0 ? "." : ""));

    public static readonly Gen<int> Port = Gen.OneOf(Gen.Int[1, 65535], Gen.OneOf(1, 53, 51820, 65535));

    public static Gen<WgEndpoint> Endpoint(bool ipLiteralsOnly) =>
        Gen.Select(
            ipLiteralsOnly ? Gen.OneOf(IPv4, IPv6).Select(a => a.ToString()) : Gen.OneOf(IPv4.Select(a => a.ToString()), IPv6.Select(a => a.ToString()), DnsName),
            Port,
            (host, port) => new WgEndpoint(host, port));

    // Odd but legal pieces: whatever a shell command or a person's note may hold, and no control character.
    private static readonly string[] HookPieces =
    [
        "iptables", " ", " ", "-A", "%i", "#", "# comment?", "=", "==", "\"", "'", "\\", "$(date)", "${IFACE}", ";", "&&", "|",
        "[Peer]", "[Interface]", "PostUp = x", "Key = value", "é", "Köln", "€", "😀", "\u00a0", "\u3000", "/", ":", ",", "\t",
    ];

    private static readonly string[] NamePieces = HookPieces.Where(p => p != "\t").ToArray();

    private static readonly char[] CSpaces = [' ', '\t', '\n', '\v', '\f', '\r'];

    /// <summary>A hook: never empty and with no whitespace at its ends (wg-quick trims those, so they cannot round-trip).</summary>
    public static readonly Gen<string> Hook = Gen.OneOf(HookPieces).Array[1, 8]
        .Select(pieces => string.Concat(pieces).Trim(CSpaces))
        .Select(text => text.Length == 0 ? "true" : text);

    public static readonly Gen<string?> PeerText = Gen.OneOf(NamePieces).Array[0, 6]
        .Select(pieces => string.Concat(pieces).Trim(CSpaces))
        .Select(text => text.Length == 0 ? null : text);

    /// <summary>An interface name; "." and ".." (which Linux refuses) get a prefix.</summary>
    public static readonly Gen<string> InterfaceName = Gen.String[Gen.Char["abcxyzABCXYZ0189_=+.-"], 1, 15]
        .Select(name => name is "." or ".." ? "wg" + name : name);

    public static readonly Gen<string?> Table = Gen.OneOf<string?>(
        Gen.Const((string?)null), Gen.Const<string?>("off"), Gen.Const<string?>("auto"),
        Gen.UInt.Select(u => (string?)u.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf<string?>("main", "vpn_1", "wg.table", "T-2"));

    public static Gen<T?> OrNull<T>(Gen<T> gen) where T : class =>
        Gen.Select(Gen.Int[0, 3], gen, (coin, value) => coin == 0 ? null : value);

    public static Gen<T?> OrNone<T>(Gen<T> gen) where T : struct =>
        Gen.Select(Gen.Int[0, 3], gen, (coin, value) => coin == 0 ? (T?)null : value);

    public static Gen<WgPeer> Peer(bool ipLiteralsOnly) => Gen.Select(
        PublicKey,
        OrNull(PresharedKey),
        OrNull(Endpoint(ipLiteralsOnly)),
        Prefix.Array[0, 4],
        OrNone(Gen.OneOf(Gen.Int[0, 65535], Gen.OneOf(0, 25))),
        PeerText,
        PeerText,
        (key, psk, endpoint, allowed, keepalive, name, description) => new WgPeer(key)
        {
            PresharedKey = psk,
            Endpoint = endpoint,
            AllowedIPs = allowed,
            PersistentKeepalive = keepalive,
            Name = name,
            Description = description,
        });

    public static Gen<WgInterface> Interface(bool ipLiteralsOnly = false, int maxPeers = 6) => Gen.Select(
        Gen.Select(OrNull(InterfaceName), OrNull(PrivateKey), OrNone(Port), OrNone(Gen.UInt), OrNone(Gen.OneOf(Gen.UInt[1, 0xffff], Gen.Const(0u)))),
        Gen.Select(Prefix.Array[0, 4], Gen.OneOf(IPv4, IPv6).Array[0, 3], DnsName.Array[0, 3], OrNone(Gen.Int[68, 65535]), Table),
        Gen.Select(Hook.Array[0, 3], Hook.Array[0, 2], Hook.Array[0, 2], Hook.Array[0, 3], Gen.Bool),
        Peer(ipLiteralsOnly).Array[0, maxPeers],
        (a, b, c, peers) =>
        {
            var (name, privateKey, port, bigMark, smallMark) = a;
            var (address, dns, search, mtu, table) = b;
            var (preUp, postUp, preDown, postDown, saveConfig) = c;
            var config = new WgInterface
            {
                Name = name,
                PrivateKey = privateKey,
                ListenPort = port,
                FwMark = bigMark is null ? smallMark : bigMark,
                Address = address,
                Dns = dns,
                DnsSearch = search,
                Mtu = mtu,
                Table = table,
                PreUp = preUp,
                PostUp = postUp,
                PreDown = preDown,
                PostDown = postDown,
                SaveConfig = saveConfig,
            };
            config.Peers = Distinct(peers, config.PublicKey);
            return config;
        });

    /// <summary>Drops what the validator refuses: a repeated or self key, an allowed network already on an earlier peer.</summary>
    private static WgPeer[] Distinct(WgPeer[] peers, WgPublicKey? ownKey)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var networks = new HashSet<WgPrefix>();
        var kept = new List<WgPeer>();
        foreach (var peer in peers)
        {
            if (peer.PublicKey == ownKey || !keys.Add(peer.PublicKey.ToString()))
                continue;
            var mine = peer.AllowedIPs.Select(p => p.ToNetwork()).ToHashSet();
            peer.AllowedIPs = peer.AllowedIPs.Where(p => !networks.Contains(p.ToNetwork())).ToArray();
            networks.UnionWith(mine);
            kept.Add(peer);
        }
        return kept.ToArray();
    }
}

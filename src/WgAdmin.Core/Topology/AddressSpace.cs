using System.Net;
using System.Net.Sockets;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>Address arithmetic for planning: addresses as numbers, private ranges, free ranges.</summary>
internal static class AddressSpace
{
    private static readonly WgPrefix[] PrivateIPv4 = [P("10.0.0.0/8"), P("172.16.0.0/12"), P("192.168.0.0/16")];
    private static readonly WgPrefix CarrierGradeNat = P("100.64.0.0/10");
    private static readonly WgPrefix UniqueLocal = P("fc00::/7");
    private static readonly WgPrefix UniqueLocalAssigned = P("fd00::/8");

    // Enough to step past every site's LAN in any real topology without a long search.
    private const int MaxCandidates = 1 << 20;

    public static int Bits(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? 128 : 32;

    public static UInt128 ToNumber(IPAddress address)
    {
        UInt128 value = 0;
        foreach (var b in address.GetAddressBytes())
            value = (value << 8) | b;
        return value;
    }

    public static IPAddress FromNumber(UInt128 value, AddressFamily family)
    {
        var bytes = new byte[Bits(family) / 8];
        for (var i = bytes.Length - 1; i >= 0; i--, value >>= 8)
            bytes[i] = (byte)(value & 0xFF);
        return new IPAddress(bytes);
    }

    /// <summary>RFC 1918, carrier-grade NAT (RFC 6598) and unique local (RFC 4193) addresses: not reachable from the internet.</summary>
    public static bool IsPrivate(IPAddress address) =>
        PrivateIPv4.Any(p => p.Contains(address)) || CarrierGradeNat.Contains(address) || UniqueLocal.Contains(address);

    /// <summary>
    /// The first prefix of <paramref name="length"/> bits in private space (RFC 1918 for IPv4,
    /// fd00::/8 for IPv6) that overlaps none of <paramref name="taken"/>; null when there is none.
    /// </summary>
    public static WgPrefix? FindFree(AddressFamily family, int length, IEnumerable<WgPrefix> taken)
    {
        var takenList = taken.Where(p => p.Family == family).ToList();
        var spaces = family == AddressFamily.InterNetworkV6 ? new[] { UniqueLocalAssigned } : PrivateIPv4;
        foreach (var space in spaces)
        {
            if (space.Length > length)
                continue;
            var step = UInt128.One << (Bits(family) - length);
            var start = ToNumber(space.Address);
            var count = length - space.Length >= 20 ? MaxCandidates : 1 << (length - space.Length);
            for (var i = 0; i < count; i++)
            {
                var candidate = new WgPrefix(FromNumber(start + ((UInt128)(uint)i * step), family), length);
                if (!takenList.Any(candidate.Overlaps))
                    return candidate;
            }
        }
        return null;
    }

    private static WgPrefix P(string text) => WgPrefix.Parse(text);
}

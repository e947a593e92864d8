using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// Gives each site an address in the tunnel prefix. A site's address depends on its own name,
/// not on the other sites: the name's SHA-256 picks a home address in the range. Sorting the
/// sites and numbering them 1, 2, 3 would renumber every site after one added in the middle,
/// and a renumbered gateway breaks the AllowedIPs on all the others.
/// Two names can share a home address; then the later name (ordinal order) takes the next free
/// one. Only such a collision can move an existing site when one is added, which is why an
/// explicit <see cref="WgSite.TunnelAddress"/> is honoured first: it pins an address for good.
/// </summary>
public static class WgTunnelAllocator
{
    /// <summary>The addresses of the tunnel prefix sites may take: not the network, nor the IPv4 broadcast.</summary>
    public static (UInt128 First, UInt128 Count) UsableRange(WgPrefix tunnel)
    {
        // Beyond 2^120 addresses the exact count does not matter; capping keeps the arithmetic in range.
        var hostBits = Math.Min(AddressSpace.Bits(tunnel.Family) - tunnel.Length, 120);
        var size = UInt128.One << hostBits;
        if (tunnel.IsIPv6)
            return hostBits == 0 ? (UInt128.Zero, UInt128.One) : (UInt128.One, size - 1);
        return hostBits switch
        {
            0 => (UInt128.Zero, UInt128.One),
            1 => (UInt128.Zero, (UInt128)2), // a /31 is a point-to-point link: both addresses are hosts (RFC 3021)
            _ => (UInt128.One, size - 2),
        };
    }

    /// <summary>True when <paramref name="address"/> is one of the usable addresses of <paramref name="tunnel"/>.</summary>
    public static bool IsUsable(WgPrefix tunnel, IPAddress address)
    {
        if (!tunnel.Contains(address))
            return false;
        var (first, count) = UsableRange(tunnel);
        var offset = AddressSpace.ToNumber(address) - AddressSpace.ToNumber(tunnel.ToNetwork().Address);
        return offset >= first && offset - first < count;
    }

    /// <summary>
    /// The tunnel address of every site, by name. Expects a topology that passed
    /// <see cref="WgTopologyCheck"/>: unique names, explicit addresses usable and distinct, room for all.
    /// </summary>
    public static IReadOnlyDictionary<string, IPAddress> Allocate(WgPrefix tunnel, IEnumerable<WgSite> sites)
    {
        var network = tunnel.ToNetwork();
        var baseNumber = AddressSpace.ToNumber(network.Address);
        var (first, count) = UsableRange(network);
        var result = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        var taken = new HashSet<UInt128>();
        var siteList = sites.ToList();

        foreach (var site in siteList.Where(s => s.TunnelAddress is not null))
        {
            result[site.Name] = site.TunnelAddress!;
            taken.Add(AddressSpace.ToNumber(site.TunnelAddress!) - baseNumber - first);
        }
        foreach (var site in siteList.Where(s => s.TunnelAddress is null).OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if ((UInt128)taken.Count >= count)
                throw new InvalidOperationException($"The tunnel prefix {tunnel} has no room left for {site.Name}.");
            var offset = Home(site.Name, count);
            while (!taken.Add(offset))
                offset = offset + 1 == count ? 0 : offset + 1;
            result[site.Name] = AddressSpace.FromNumber(baseNumber + first + offset, network.Family);
        }
        return result;
    }

    private static UInt128 Home(string name, UInt128 count)
    {
        // SHA-256 rather than string.GetHashCode, which .NET randomizes per process.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        UInt128 value = 0;
        for (var i = 0; i < 16; i++)
            value = (value << 8) | hash[i];
        return value % count;
    }
}

using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// New-WgTopology -ResolveOverlap: gives mapped prefixes to the sites whose LANs overlap another
/// site's, from a pool. Both sites of an overlap are mapped: a site left as it is would be seen
/// under an address its far twin's hosts have on their own LAN. As with tunnel addresses, each
/// prefix's place in the pool comes from the SHA-256 of the site's name (and the prefix's
/// index), not from an order of the sites, so a re-run, or a site added, keeps the mappings;
/// a collision takes the next free place. Sites given a mapped prefix keep theirs.
/// </summary>
public static class WgMappingAllocator
{
    /// <summary>Where a default pool is looked for: carrier-grade NAT space first (rarely a LAN), then 10/8.</summary>
    private static readonly WgPrefix[] PoolSpaces = [WgPrefix.Parse("100.64.0.0/10"), WgPrefix.Parse("10.0.0.0/8")];

    /// <summary>The default pool's length, unless the prefixes to map need a larger one.</summary>
    public const int DefaultPoolLength = 16;

    /// <summary>
    /// The sites that need a mapping (an unmapped site whose LAN overlaps another site's LAN), in
    /// ordinal order of their names.
    /// </summary>
    public static IReadOnlyList<WgSite> Overlapping(IReadOnlyList<WgSite> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        return sites.Where(s => !s.IsMapped && s.LanPrefix.Any(lan => lan.Length > 0
                && sites.Any(other => other != s && other.LanPrefix.Any(o => o.Length > 0 && o.Overlaps(lan)))))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Maps every overlapping site (see <see cref="Overlapping"/>), setting its
    /// <see cref="WgSite.MappedPrefix"/>; returns the sites mapped. <paramref name="pool"/> null
    /// takes the first free /16 (larger when needed) of 100.64.0.0/10, then 10.0.0.0/8, that no
    /// site and not the tunnel uses. Throws <see cref="WgException"/> when an overlap cannot be
    /// mapped (IPv6) or the pool has no room; then no site is changed.
    /// </summary>
    public static IReadOnlyList<WgSite> Resolve(WgTopology topology, WgPrefix? pool = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var sites = topology.Sites.Where(s => s is not null).ToList();
        var toMap = Overlapping(sites);
        if (toMap.Count == 0)
            return toMap;
        var errors = new List<WgError>();
        foreach (var site in toMap)
            foreach (var lan in site.LanPrefix.Where(p => p.IsIPv6))
                errors.Add(new WgError(WgErrorId.MappingNotSupported,
                    $"The LAN prefix {Quote.Value(lan.ToString())} of site {Quote.Value(site.Name)} overlaps another site's, and WgAdmin maps IPv4 prefixes only (NPTv6 is not supported): renumber it.",
                    Offender: lan.ToString()));
        if (errors.Count > 0)
            throw new WgException(errors);

        var taken = sites.SelectMany(s => s.LanPrefix.Concat(s.MappedPrefix)).Where(p => p.Length > 0).Select(p => p.ToNetwork())
            .Append(topology.TunnelPrefix.ToNetwork()).ToList();
        var lans = toMap.SelectMany(s => s.LanPrefix).Select(p => p.ToNetwork()).ToList();
        if (pool is { } given && (given.IsIPv6 || given.Length == 0))
            throw new WgException(new WgError(WgErrorId.InvalidMappedPrefix,
                $"The mapping pool {Quote.Value(given.ToString())} must be an IPv4 prefix shorter than the LANs it maps.", Offender: given.ToString()));
        var chosen = pool?.ToNetwork() ?? DefaultPool(lans, taken);

        var assigned = new Dictionary<WgSite, WgPrefix[]>();
        foreach (var site in toMap)
        {
            var mapped = new WgPrefix[site.LanPrefix.Length];
            for (var index = 0; index < site.LanPrefix.Length; index++)
            {
                var lan = site.LanPrefix[index].ToNetwork();
                if (Place(chosen, lan.Length, $"{site.Name}\n{index}", taken) is not { } place)
                    throw new WgException(new WgError(WgErrorId.MappingPoolExhausted,
                        $"The mapping pool {Quote.Value(chosen.ToString())} has no free /{lan.Length} left for the LAN prefix {Quote.Value(lan.ToString())} of site {Quote.Value(site.Name)}; give a larger pool with -MappingPool.",
                        Offender: chosen.ToString()));
                mapped[index] = place;
                taken.Add(place);
            }
            assigned[site] = mapped;
        }
        foreach (var (site, mapped) in assigned)
            site.MappedPrefix = mapped;
        return toMap;
    }

    /// <summary>The first pool of /16 (or of the length the LANs need) in 100.64.0.0/10, then 10.0.0.0/8, that overlaps nothing taken.</summary>
    private static WgPrefix DefaultPool(IReadOnlyList<WgPrefix> lans, IReadOnlyList<WgPrefix> taken)
    {
        // Room for twice what is mapped now, so that sites added later still fit.
        UInt128 needed = 0;
        foreach (var lan in lans)
            needed += UInt128.One << (32 - lan.Length);
        var length = DefaultPoolLength;
        while (length > 1 && (UInt128.One << (32 - length)) < 2 * needed)
            length--;
        foreach (var space in PoolSpaces.Where(s => s.Length <= length))
        {
            var step = UInt128.One << (32 - length);
            var start = AddressSpace.ToNumber(space.Address);
            for (UInt128 i = 0; i < (UInt128.One << (length - space.Length)); i++)
            {
                var candidate = new WgPrefix(AddressSpace.FromNumber(start + i * step, AddressFamily.InterNetwork), length);
                if (!taken.Any(candidate.Overlaps))
                    return candidate;
            }
        }
        throw new WgException(new WgError(WgErrorId.MappingPoolExhausted,
            $"No free /{length} is left in 100.64.0.0/10 or 10.0.0.0/8 to map the overlapping LANs from; give a pool with -MappingPool.", Offender: $"/{length}"));
    }

    /// <summary>A free prefix of <paramref name="length"/> in the pool: the name's home place, or the next free one after it.</summary>
    private static WgPrefix? Place(WgPrefix pool, int length, string name, IReadOnlyList<WgPrefix> taken)
    {
        if (length < pool.Length)
            return null;
        var slots = UInt128.One << Math.Min(length - pool.Length, 64);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        UInt128 home = 0;
        for (var i = 0; i < 16; i++)
            home = (home << 8) | hash[i];
        home %= slots;
        var step = UInt128.One << (32 - length);
        var start = AddressSpace.ToNumber(pool.Address);
        // Past a million places tried the pool is as good as full.
        for (UInt128 tried = 0; tried < slots && tried < (1 << 20); tried++)
        {
            var slot = (home + tried) % slots;
            var candidate = new WgPrefix(AddressSpace.FromNumber(start + slot * step, AddressFamily.InterNetwork), length);
            if (!taken.Any(candidate.Overlaps))
                return candidate;
        }
        return null;
    }
}

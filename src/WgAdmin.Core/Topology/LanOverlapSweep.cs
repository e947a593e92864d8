using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// Finds the pairs of LAN prefixes of different sites that overlap, without comparing every pair
/// of sites: two CIDR prefixes overlap only when one holds the other, so after sorting by first
/// address (the shorter prefix first on a tie) a prefix overlaps exactly the prefixes still open
/// when it starts, and those are nested in each other like a stack. The cost is a sort plus one
/// step per overlap found, where comparing every pair of sites cost the square of the sites
/// (issue 15; the checks run twice in New-WgTopology and Import-WgTopology, once in Export).
/// </summary>
internal static class LanOverlapSweep
{
    /// <summary>One overlap: the prefix <see cref="First"/> of site <see cref="FirstSite"/> and <see cref="Second"/> of site <see cref="SecondSite"/> (indexes into the lists given), FirstSite &lt; SecondSite.</summary>
    public readonly record struct Overlap(int FirstSite, int First, int SecondSite, int Second);

    private readonly record struct Range(int Family, UInt128 Start, UInt128 End, int Length, int Site, int Index);

    /// <summary>
    /// Every overlap between LAN prefixes of two different sites (a /0 is left out, as the checks
    /// report it apart), in the order the all-pairs loop met them: by first site, second site,
    /// then the prefixes' places in their lists.
    /// </summary>
    public static List<Overlap> Find(IReadOnlyList<WgPrefix[]> lans)
    {
        ArgumentNullException.ThrowIfNull(lans);
        var ranges = new List<Range>();
        for (var site = 0; site < lans.Count; site++)
        {
            for (var index = 0; index < lans[site].Length; index++)
            {
                var prefix = lans[site][index];
                if (prefix.Length == 0)
                    continue;
                var network = prefix.ToNetwork();
                var start = AddressSpace.ToNumber(network.Address);
                var size = (UInt128.One << (AddressSpace.Bits(network.Family) - network.Length)) - 1;
                ranges.Add(new Range((int)network.Family, start, start + size, network.Length, site, index));
            }
        }
        ranges.Sort((a, b) => a.Family != b.Family ? a.Family.CompareTo(b.Family)
            : a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : a.Length.CompareTo(b.Length));

        var overlaps = new List<Overlap>();
        var open = new List<Range>();
        foreach (var range in ranges)
        {
            // Each open range holds the one above it, so the ones that end before this start are on top.
            while (open.Count > 0 && (open[^1].Family != range.Family || open[^1].End < range.Start))
                open.RemoveAt(open.Count - 1);
            foreach (var holder in open)
            {
                if (holder.Site == range.Site)
                    continue;
                overlaps.Add(holder.Site < range.Site
                    ? new Overlap(holder.Site, holder.Index, range.Site, range.Index)
                    : new Overlap(range.Site, range.Index, holder.Site, holder.Index));
            }
            open.Add(range);
        }
        overlaps.Sort((a, b) => a.FirstSite != b.FirstSite ? a.FirstSite.CompareTo(b.FirstSite)
            : a.SecondSite != b.SecondSite ? a.SecondSite.CompareTo(b.SecondSite)
            : a.First != b.First ? a.First.CompareTo(b.First)
            : a.Second.CompareTo(b.Second));
        return overlaps;
    }
}

using System.Globalization;
using WgAdmin.Config;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// The sanity checks made before a topology is built: the mistakes that give a tunnel which
/// comes up and then routes packets to the wrong place (overlapping LANs, a LAN of 0.0.0.0/0)
/// or does not come up at all (a private endpoint behind NAT).
/// </summary>
public static class WgTopologyCheck
{
    public static IReadOnlyList<WgTopologyProblem> Check(WgTopology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var problems = new List<WgTopologyProblem>();
        var sites = topology.Sites.Where(s => s is not null).ToList();
        var tunnel = topology.TunnelPrefix;

        // First and alone: the other checks compare every pair of sites.
        if (CheckSize(topology, sites, problems))
            return problems;
        CheckNames(sites, problems);
        CheckHub(topology, sites, problems);
        CheckPrefixes(tunnel, sites, problems);
        CheckOverlaps(tunnel, sites, problems);
        CheckTunnelRoom(tunnel, sites, problems);
        CheckEndpoints(tunnel, sites, problems);
        CheckLanAddresses(sites, problems);
        return problems;
    }

    /// <summary>True (and the error added) when there are more sites than <see cref="WgTopology.MaximumSites"/>.</summary>
    private static bool CheckSize(WgTopology topology, List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        if (sites.Count <= topology.MaximumSites)
            return false;
        long n = sites.Count;
        var peers = topology.Shape == WgTopologyShape.HubAndSpoke ? 2 * (n - 1) : n * (n - 1);
        problems.Add(Error(WgErrorId.TopologyTooLarge,
            string.Create(CultureInfo.InvariantCulture,
                $"The topology has {n:N0} sites, more than the limit of {topology.MaximumSites:N0}: as a {topology.Shape} it would build {peers:N0} peers, and in either shape the AllowedIPs grow with the square of the sites. Nothing was built; if you mean it, raise the limit with -MaximumSites {n}."),
            offender: n.ToString(CultureInfo.InvariantCulture)));
        return true;
    }

    private static void CheckNames(List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        foreach (var site in sites)
            if (WgValues.CheckName(site.Name, "The site name") is { } bad)
                problems.Add(Error(bad.ErrorId, bad.Message, site.Name, site.Name));
        // Case-insensitive: "Site-A" and "site-a" would be two peers no reader tells apart.
        foreach (var group in sites.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add(Error(WgErrorId.DuplicateSiteName,
                $"The site name {Quote.Value(group.Key)} is given {group.Count()} times ({string.Join(", ", group.Select(s => Quote.Value(s.Name)))}); every site needs its own name, which names its peer on the other gateways.",
                group.Key, group.Key));
    }

    private static void CheckHub(WgTopology topology, List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        if (topology.Shape != WgTopologyShape.HubAndSpoke)
            return;
        if (string.IsNullOrEmpty(topology.Hub))
            problems.Add(Error(WgErrorId.HubNotFound, "A hub-and-spoke topology needs a hub: the name of one of its sites."));
        else if (!sites.Any(s => string.Equals(s.Name, topology.Hub, StringComparison.Ordinal)))
            problems.Add(Error(WgErrorId.HubNotFound,
                $"The hub {Quote.Value(topology.Hub)} is not one of the sites ({string.Join(", ", sites.Select(s => Quote.Value(s.Name)))}).",
                topology.Hub, topology.Hub));
    }

    private static void CheckPrefixes(WgPrefix tunnel, List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        if (tunnel.Length == 0)
            problems.Add(Error(WgErrorId.DefaultRouteAllowed,
                $"The tunnel prefix {Quote.Value(tunnel.ToString())} is the whole address space: routed into the tunnel, it would take every gateway's default route.",
                offender: tunnel.ToString()));
        else if (tunnel.HasHostBits)
            problems.Add(Warning(WgErrorId.PrefixHasHostBits,
                $"The tunnel prefix {Quote.Value(tunnel.ToString())} has host bits set; {Quote.Value(tunnel.ToNetwork().ToString())} is used.",
                offender: tunnel.ToString()));

        foreach (var site in sites)
        {
            foreach (var lan in site.LanPrefix)
            {
                if (lan.Length == 0)
                    problems.Add(Error(WgErrorId.DefaultRouteAllowed,
                        $"The LAN prefix {Quote.Value(lan.ToString())} of site {Quote.Value(site.Name)} is the whole address space: as AllowedIPs on the other gateways it would take their default route. List the site's real LAN prefixes.",
                        site.Name, lan.ToString()));
                else if (lan.HasHostBits)
                    problems.Add(Warning(WgErrorId.PrefixHasHostBits,
                        $"The LAN prefix {Quote.Value(lan.ToString())} of site {Quote.Value(site.Name)} has host bits set; {Quote.Value(lan.ToNetwork().ToString())} is used.",
                        site.Name, lan.ToString()));
            }
            if (site.TunnelAddress is { } address && !WgTunnelAllocator.IsUsable(tunnel, address))
                problems.Add(Error(WgErrorId.InvalidTunnelAddress,
                    $"The tunnel address {Quote.Value(address.ToString())} of site {Quote.Value(site.Name)} is not a host address of the tunnel prefix {Quote.Value(tunnel.ToString())}.",
                    site.Name, address.ToString()));
        }
        foreach (var group in sites.Where(s => s.TunnelAddress is not null).GroupBy(s => s.TunnelAddress!).Where(g => g.Count() > 1))
            problems.Add(Error(WgErrorId.InvalidTunnelAddress,
                $"The tunnel address {Quote.Value(group.Key.ToString())} is given to {string.Join(" and ", group.Select(s => Quote.Value(s.Name)))}; each site needs its own.",
                group.First().Name, group.Key.ToString()));
    }

    private static void CheckOverlaps(WgPrefix tunnel, List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        // Every range in use, so that a proposal never collides with anything, earlier proposals included.
        var taken = sites.SelectMany(s => s.LanPrefix.Concat(s.MappedPrefix)).Where(p => p.Length > 0).Select(p => p.ToNetwork()).Append(tunnel.ToNetwork()).ToList();

        var clashes = tunnel.Length == 0 ? new List<(WgSite Site, WgPrefix Lan)>()
            : sites.SelectMany(s => s.LanPrefix.Where(p => p.Length > 0 && p.Overlaps(tunnel)).Select(p => (s, p))).ToList();
        if (clashes.Count > 0)
        {
            // One proposal for the tunnel, whatever number of LANs it hits.
            var proposal = AddressSpace.FindFree(tunnel.Family, tunnel.Length, taken);
            foreach (var (site, lan) in clashes)
                problems.Add(Error(WgErrorId.TunnelOverlapsLan,
                    $"The tunnel prefix {Quote.Value(tunnel.ToString())} overlaps the LAN prefix {Quote.Value(lan.ToString())} of site {Quote.Value(site.Name)}; the tunnel needs a range of its own{Proposal(proposal)}.",
                    site.Name, tunnel.ToString()));
            if (proposal is { } p)
                taken.Add(p);
        }
        if (tunnel.Length > 0)
            foreach (var site in sites)
                foreach (var mapped in site.MappedPrefix.Where(p => p.Length > 0 && p.Overlaps(tunnel)))
                    problems.Add(Error(WgErrorId.MappedPrefixOverlap,
                        $"The mapped prefix {Quote.Value(mapped.ToString())} of site {Quote.Value(site.Name)} overlaps the tunnel prefix {Quote.Value(tunnel.ToString())}; give the site a mapped prefix of its own.",
                        site.Name, mapped.ToString()));

        // Only pairs of sites that share some range, real or mapped, can clash: a sweep over every
        // site's prefixes finds them (not a loop over every pair), then each pair is judged in the
        // order a loop over every pair would meet it, so the messages and proposals are the same.
        var pairs = new SortedSet<(int, int)>();
        foreach (var overlap in LanOverlapSweep.Find(sites.Select(s => s.LanPrefix.Concat(s.MappedPrefix).ToArray()).ToList()))
        {
            var (i, j) = overlap.FirstSite < overlap.SecondSite ? (overlap.FirstSite, overlap.SecondSite) : (overlap.SecondSite, overlap.FirstSite);
            if (i != j)
                pairs.Add((i, j));
        }
        var next = pairs.GetEnumerator();
        var more = next.MoveNext();
        for (var i = 0; i < sites.Count; i++)
        {
            CheckOwnMapping(sites[i], problems);
            for (; more && next.Current.Item1 == i; more = next.MoveNext())
            {
                var (x, y) = (sites[i], sites[next.Current.Item2]);
                if (!x.IsMapped && !y.IsMapped)
                {
                    LanOverlaps(x, y, taken, problems);
                    continue;
                }
                // The rest of the topology sees a site under its visible prefixes; its own hosts sit on its real ones.
                // A far site's visible prefix must lie on neither, else one side's hosts would look for it on their own link.
                SeenOverlaps(x, y, problems);
                SeenOverlaps(y, x, problems);
                if (!x.IsMapped || !y.IsMapped)
                    continue; // an unmapped site's visible prefixes are its LAN's: checked just above
                foreach (var first in x.VisiblePrefix.Where(p => p.Length > 0))
                    foreach (var second in y.VisiblePrefix.Where(p => p.Length > 0 && p.Overlaps(first)))
                        problems.Add(Error(WgErrorId.MappedPrefixOverlap,
                            $"The {Seen(x)} prefix {Quote.Value(first.ToString())} of site {Quote.Value(x.Name)} overlaps the {Seen(y)} prefix {Quote.Value(second.ToString())} of site {Quote.Value(y.Name)}: the other sites could not tell them apart. Give one of them another mapped prefix.",
                            y.Name, second.ToString()));
            }
        }
    }

    private static string Seen(WgSite site) => site.IsMapped ? "mapped" : "LAN";

    /// <summary>The LAN prefixes of two unmapped sites that overlap: renumber one, or map both.</summary>
    private static void LanOverlaps(WgSite x, WgSite y, List<WgPrefix> taken, List<WgTopologyProblem> problems)
    {
        foreach (var first in x.LanPrefix.Where(p => p.Length > 0))
        {
            foreach (var second in y.LanPrefix.Where(p => p.Length > 0 && p.Overlaps(first)))
            {
                // The proposal is for the second site: renumbering either one would do.
                var proposal = AddressSpace.FindFree(second.Family, second.Length, taken);
                var advice = proposal is { } renumbered
                    ? $", for example {Quote.Value(y.Name)} to {Quote.Value(renumbered.ToString())}, which neither a site nor the tunnel uses"
                    : " (no free private range of that size is left)";
                var mapping = first.IsIPv6 || second.IsIPv6 ? "" : ", or keep both and map them 1:1 to free prefixes with New-WgTopology -ResolveOverlap";
                problems.Add(Error(WgErrorId.LanOverlap,
                    $"The LAN prefix {Quote.Value(first.ToString())} of site {Quote.Value(x.Name)} overlaps the LAN prefix {Quote.Value(second.ToString())} of site {Quote.Value(y.Name)}: neither gateway could route to the other's LAN. Renumber one of them{advice}{mapping}.",
                    y.Name, second.ToString()));
                if (proposal is not null)
                    taken.Add(proposal.Value);
            }
        }
    }

    /// <summary>What <paramref name="far"/> shows the others against the LAN of <paramref name="near"/>, whose hosts must reach it through the tunnel.</summary>
    private static void SeenOverlaps(WgSite far, WgSite near, List<WgTopologyProblem> problems)
    {
        foreach (var seen in far.VisiblePrefix.Where(p => p.Length > 0))
        {
            foreach (var lan in near.LanPrefix.Where(p => p.Length > 0 && p.Overlaps(seen)))
            {
                if (far.IsMapped)
                    problems.Add(Error(WgErrorId.MappedPrefixOverlap,
                        $"The mapped prefix {Quote.Value(seen.ToString())} of site {Quote.Value(far.Name)} overlaps the LAN prefix {Quote.Value(lan.ToString())} of site {Quote.Value(near.Name)}: the hosts of {Quote.Value(near.Name)} would look for it on their own LAN. Give {Quote.Value(far.Name)} another mapped prefix.",
                        far.Name, seen.ToString()));
                else
                    problems.Add(Error(WgErrorId.LanOverlap,
                        $"The LAN prefix {Quote.Value(seen.ToString())} of site {Quote.Value(far.Name)} overlaps the LAN prefix {Quote.Value(lan.ToString())} of site {Quote.Value(near.Name)}, which is mapped: the hosts of {Quote.Value(near.Name)} would still look for {Quote.Value(far.Name)} on their own LAN. Map {Quote.Value(far.Name)} too (New-WgSite -MappedPrefix, or New-WgTopology -ResolveOverlap).",
                        far.Name, seen.ToString()));
            }
        }
    }

    /// <summary>A site's mapped prefixes against its own LAN: one per LAN prefix, of its length and family, IPv4, apart from the LAN.</summary>
    private static void CheckOwnMapping(WgSite site, List<WgTopologyProblem> problems)
    {
        if (!site.IsMapped)
            return;
        if (site.MappedPrefix.Length != site.LanPrefix.Length)
        {
            problems.Add(Error(WgErrorId.InvalidMappedPrefix,
                $"Site {Quote.Value(site.Name)} has {site.LanPrefix.Length} LAN prefix{(site.LanPrefix.Length == 1 ? "" : "es")} ({string.Join(", ", site.LanPrefix.Select(p => Quote.Value(p.ToString())))}) and {site.MappedPrefix.Length} mapped prefix{(site.MappedPrefix.Length == 1 ? "" : "es")} ({string.Join(", ", site.MappedPrefix.Select(p => Quote.Value(p.ToString())))}); give one mapped prefix per LAN prefix, in the same order.",
                site.Name, string.Join(",", site.MappedPrefix.Select(p => p.ToString()))));
            return;
        }
        for (var k = 0; k < site.LanPrefix.Length; k++)
        {
            var (lan, mapped) = (site.LanPrefix[k], site.MappedPrefix[k]);
            if (lan.IsIPv6 || mapped.IsIPv6)
                problems.Add(Error(WgErrorId.MappingNotSupported,
                    $"The mapping of {Quote.Value(lan.ToString())} to {Quote.Value(mapped.ToString())} at site {Quote.Value(site.Name)} is IPv6: WgAdmin maps IPv4 prefixes only (NPTv6 is not supported). Renumber the IPv6 LAN, or leave it unmapped on a site of its own.",
                    site.Name, mapped.ToString()));
            else if (lan.Length != mapped.Length)
                problems.Add(Error(WgErrorId.InvalidMappedPrefix,
                    $"The mapped prefix {Quote.Value(mapped.ToString())} of site {Quote.Value(site.Name)} is a /{mapped.Length}, its LAN prefix {Quote.Value(lan.ToString())} a /{lan.Length}: a 1:1 mapping needs the same length.",
                    site.Name, mapped.ToString()));
            else if (mapped.Length == 0)
                problems.Add(Error(WgErrorId.DefaultRouteAllowed,
                    $"The mapped prefix {Quote.Value(mapped.ToString())} of site {Quote.Value(site.Name)} is the whole address space.", site.Name, mapped.ToString()));
            else if (mapped.Overlaps(lan) || site.LanPrefix.Any(p => p.Length > 0 && p.Overlaps(mapped)))
                problems.Add(Error(WgErrorId.MappedPrefixOverlap,
                    $"The mapped prefix {Quote.Value(mapped.ToString())} of site {Quote.Value(site.Name)} overlaps its own LAN prefix {Quote.Value(site.LanPrefix.First(p => p.Length > 0 && p.Overlaps(mapped)).ToString())}; a mapped prefix must be a range the site does not use.",
                    site.Name, mapped.ToString()));
            else if (mapped.HasHostBits)
                problems.Add(Warning(WgErrorId.PrefixHasHostBits,
                    $"The mapped prefix {Quote.Value(mapped.ToString())} of site {Quote.Value(site.Name)} has host bits set; {Quote.Value(mapped.ToNetwork().ToString())} is used.",
                    site.Name, mapped.ToString()));
        }
        foreach (var group in site.MappedPrefix.Select(p => p.ToNetwork()).GroupBy(p => p).Where(g => g.Count() > 1))
            problems.Add(Error(WgErrorId.MappedPrefixOverlap,
                $"The mapped prefix {Quote.Value(group.Key.ToString())} is given {group.Count()} times for site {Quote.Value(site.Name)}.", site.Name, group.Key.ToString()));
    }

    private static void CheckTunnelRoom(WgPrefix tunnel, List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        if (tunnel.Length == 0)
            return;
        var (_, count) = WgTunnelAllocator.UsableRange(tunnel);
        if (count < (UInt128)sites.Count)
            problems.Add(Error(WgErrorId.TunnelTooSmall,
                $"The tunnel prefix {Quote.Value(tunnel.ToString())} has {count.ToString(CultureInfo.InvariantCulture)} host address{(count == 1 ? "" : "es")} for {sites.Count} sites; choose a shorter prefix length.",
                offender: tunnel.ToString()));
    }

    private static void CheckEndpoints(WgPrefix tunnel, List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        // The other gateways route the site's LAN prefixes and the tunnel prefix into the tunnel:
        // an endpoint inside one would have its own packets loop there.
        foreach (var site in sites)
        {
            if (EndpointLoop.Find(site.Endpoint, site.LanPrefix.Append(tunnel)) is { } inside)
                problems.Add(Warning(WgErrorId.EndpointInsideAllowedIPs,
                    $"The endpoint {Quote.Value(site.Endpoint.ToString())} of site {Quote.Value(site.Name)} lies inside {Quote.Value(inside.ToString())}, which the other gateways route into the tunnel: their packets to it would loop back into the tunnel unless a more specific route keeps them off it. Give the site's public or WAN address.",
                    site.Name, site.Endpoint.ToString()));
        }
        foreach (var site in sites.Where(s => s.BehindNat && s.Endpoint.Address is { } address && AddressSpace.IsPrivate(address)))
            problems.Add(Warning(WgErrorId.PrivateEndpointBehindNat,
                $"Site {Quote.Value(site.Name)} is behind NAT, but its endpoint {Quote.Value(site.Endpoint.ToString())} is a private address the other sites cannot reach; give the public address of its NAT router, with the port forwarded, or say the site is not behind NAT.",
                site.Name, site.Endpoint.ToString()));
    }

    private static void CheckLanAddresses(List<WgSite> sites, List<WgTopologyProblem> problems)
    {
        foreach (var site in sites)
        {
            if (LanAddressProblem(site) is { } message)
                problems.Add(Error(WgErrorId.InvalidLanAddress, message, site.Name, site.LanAddress!.ToString()));
        }
    }

    /// <summary>Why a site's LAN address cannot be its gateway's address on the LAN, or null when it can.</summary>
    public static string? LanAddressProblem(WgSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        if (site.LanAddress is not { } address)
            return null;
        var lan = site.LanPrefix.FirstOrDefault(p => p.Length > 0 && p.Contains(address));
        if (lan.Address is null)
            return $"The LAN address {Quote.Value(address.ToString())} of site {Quote.Value(site.Name)} lies in none of its LAN prefixes ({(site.LanPrefix.Length == 0 ? "none given" : string.Join(", ", site.LanPrefix.Select(p => Quote.Value(p.ToString()))))}); give the gateway's address on its LAN.";
        var network = lan.ToNetwork();
        if (address.Equals(network.Address) || (!network.IsIPv6 && network.Length < 31 && address.Equals(AddressSpace.FromNumber(AddressSpace.ToNumber(network.Address) + (UInt128.One << (32 - network.Length)) - 1, network.Family))))
            return $"The LAN address {Quote.Value(address.ToString())} of site {Quote.Value(site.Name)} is the network or broadcast address of {Quote.Value(network.ToString())}, not a host's.";
        return null;
    }

    private static string Proposal(WgPrefix? proposal) =>
        proposal is { } p ? $", for example {Quote.Value(p.ToString())}, which no site uses" : " (no free private range of that size is left)";

    private static WgTopologyProblem Error(string id, string message, string? site = null, string? offender = null) =>
        new(WgTopologySeverity.Error, id, message, site, offender);

    private static WgTopologyProblem Warning(string id, string message, string? site = null, string? offender = null) =>
        new(WgTopologySeverity.Warning, id, message, site, offender);
}

using System.Net;
using System.Net.Sockets;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// One route a site's LAN hosts need: a far site's LAN prefix via this site's gateway, on the
/// LAN. Strings only, so it converts cleanly with ConvertTo-Json.
/// </summary>
public sealed class WgLanRoute
{
    /// <summary>The site whose LAN hosts need the route.</summary>
    public required string Site { get; init; }

    /// <summary>The far network (another site's LAN prefix).</summary>
    public required string Destination { get; init; }

    /// <summary>The site's gateway address on its LAN (the next hop); null when unknown.</summary>
    public string? Gateway { get; init; }

    /// <summary>The site the destination belongs to.</summary>
    public string? DestinationSite { get; init; }

    /// <summary>The command that sets the route on a Linux LAN host; null when the gateway's LAN address is unknown.</summary>
    public string? Command { get; init; }

    /// <summary>Why the route cannot be set as it is, or where it belongs (a cloud VPC's route table).</summary>
    public string? Note { get; init; }

    public override string ToString() => Command ?? $"{Destination} (no gateway: {Note})";
}

/// <summary>Works out the routes each site's LAN hosts need to reach the other sites' LANs through the tunnel.</summary>
public static class WgLanRoutes
{
    public const string CloudNote = "cloud VPC: add this route to the provider's route table (target: the gateway instance, with its source/destination check off), not on the hosts";

    /// <summary>
    /// The routes of every site (or only of <paramref name="siteName"/>), in site order then the
    /// far sites' order. In a mesh and in hub-and-spoke alike a LAN host sends every far prefix
    /// to its own gateway, which knows the way (directly or through the hub). The next hop is the
    /// site's <see cref="WgSite.LanAddress"/>; for a site without one, <paramref name="gatewayAddresses"/>
    /// (read from its gateway, one per address family) when given, with <paramref name="siteName"/> only.
    /// </summary>
    public static IReadOnlyList<WgLanRoute> For(WgTopology topology, string? siteName = null, IReadOnlyList<IPAddress>? gatewayAddresses = null) =>
        Enumerate(topology, siteName, gatewayAddresses).ToList();

    /// <summary>
    /// The routes of <see cref="For"/>, one at a time: a hub with 1,000 spokes has a million, and
    /// Get-WgLanRoute writes each as it is made instead of holding them all. The arguments are
    /// checked (and an unknown site refused) here, before the first route.
    /// </summary>
    public static IEnumerable<WgLanRoute> Enumerate(WgTopology topology, string? siteName = null, IReadOnlyList<IPAddress>? gatewayAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (gatewayAddresses is not null && siteName is null)
            throw new ArgumentException("The addresses read from a gateway are those of one site: give its name.", nameof(gatewayAddresses));
        var sites = topology.Sites.Where(s => s is not null).ToList();
        var selected = siteName is null ? sites : sites.Where(s => string.Equals(s.Name, siteName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (siteName is not null && selected.Count == 0)
            throw new WgException(new WgError(WgErrorId.SiteNotFound,
                $"The topology has no site {Quote.Value(siteName)} (it has {string.Join(", ", sites.Select(s => Quote.Value(s.Name)))}).", Offender: siteName));

        return Routes(sites, selected, gatewayAddresses ?? Array.Empty<IPAddress>());
    }

    private static IEnumerable<WgLanRoute> Routes(List<WgSite> sites, List<WgSite> selected, IReadOnlyList<IPAddress> gatewayAddresses)
    {
        // Once per site, not once per pair of sites: each far LAN's network, its range and its text;
        // a mapped site is reached under its mapped prefixes.
        var lans = sites.Select(s => s.VisiblePrefix.Where(p => p.Length > 0).Select(p => new Lan(p.ToNetwork())).ToArray()).ToList();
        foreach (var site in selected)
        {
            var own = site.LanPrefix.Select(p => new Lan(p.ToNetwork())).ToArray();
            var hop = new NextHop(site, gatewayAddresses);
            var seen = new HashSet<WgPrefix>();
            for (var far = 0; far < sites.Count; far++)
            {
                if (sites[far] == site)
                    continue;
                foreach (var destination in lans[far])
                {
                    // A prefix inside the site's own LAN is on-link there: no route (the overlap check refuses such topologies anyway).
                    if (!seen.Add(destination.Network) || own.Any(o => o.Overlaps(destination)))
                        continue;
                    yield return hop.Route(sites[far], destination);
                }
            }
        }
    }

    /// <summary>A far LAN as a route needs it: the network, its text, and its first and last address for the overlap test.</summary>
    private sealed class Lan
    {
        public Lan(WgPrefix network)
        {
            Network = network;
            Text = network.ToString();
            First = AddressSpace.ToNumber(network.Address);
            var hostBits = AddressSpace.Bits(network.Family) - network.Length;
            // UInt128 shifts by 128 come back as shifts by 0: ::/0 is the whole space.
            Last = hostBits == 128 ? UInt128.MaxValue : First + ((UInt128.One << hostBits) - 1);
        }

        public WgPrefix Network { get; }
        public string Text { get; }
        private UInt128 First { get; }
        private UInt128 Last { get; }

        public bool Overlaps(Lan other) => Network.Family == other.Network.Family && First <= other.Last && other.First <= Last;
    }

    /// <summary>A site's next hop for each address family, and the note its routes carry, worked out once per site.</summary>
    private sealed class NextHop(WgSite site, IReadOnlyList<IPAddress> gatewayAddresses)
    {
        private readonly IReadOnlyList<IPAddress> _known = site.LanAddress is { } given ? [given] : gatewayAddresses;
        private (string? Gateway, string? Note)? _v4, _v6;

        public WgLanRoute Route(WgSite far, Lan destination)
        {
            var (gateway, note) = destination.Network.IsIPv6 ? _v6 ??= For(AddressFamily.InterNetworkV6) : _v4 ??= For(AddressFamily.InterNetwork);
            return new WgLanRoute
            {
                Site = site.Name,
                DestinationSite = far.Name,
                Destination = destination.Text,
                Gateway = gateway,
                Command = gateway is null ? null : string.Concat(destination.Network.IsIPv6 ? "ip -6 route replace " : "ip route replace ", destination.Text, " via ", gateway),
                Note = note,
            };
        }

        private (string?, string?) For(AddressFamily family)
        {
            var gateway = _known.FirstOrDefault(a => a.AddressFamily == family);
            string? note = null;
            if (_known.Count == 0)
                note = $"the LAN address of the gateway of site {Quote.Value(site.Name)} is unknown: give New-WgSite -LanAddress (or the site's -ComputerName, for Set-WgLanRoute to read it from the gateway)";
            else if (gateway is null)
                note = $"the gateway's LAN address {string.Join(", ", _known)} is not of the destination's address family";
            else if (site.Cloud)
                note = CloudNote;
            return (gateway?.ToString(), note);
        }
    }

    /// <summary>The lines of /etc/wgadmin/lan-routes for routes that have a gateway: "PREFIX via ADDRESS".</summary>
    public static string FileText(IEnumerable<WgLanRoute> routes) =>
        string.Concat(routes.Where(r => r.Gateway is not null).Select(r => $"{r.Destination} via {r.Gateway}\n"));
}

using System.Net;
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
    public static IReadOnlyList<WgLanRoute> For(WgTopology topology, string? siteName = null, IReadOnlyList<IPAddress>? gatewayAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        if (gatewayAddresses is not null && siteName is null)
            throw new ArgumentException("The addresses read from a gateway are those of one site: give its name.", nameof(gatewayAddresses));
        var sites = topology.Sites.Where(s => s is not null).ToList();
        var selected = siteName is null ? sites : sites.Where(s => string.Equals(s.Name, siteName, StringComparison.OrdinalIgnoreCase)).ToList();
        if (siteName is not null && selected.Count == 0)
            throw new WgException(new WgError(WgErrorId.SiteNotFound,
                $"The topology has no site {Quote.Value(siteName)} (it has {string.Join(", ", sites.Select(s => Quote.Value(s.Name)))}).", Offender: siteName));

        var routes = new List<WgLanRoute>();
        foreach (var site in selected)
        {
            var own = site.LanPrefix.Select(p => p.ToNetwork()).ToList();
            var seen = new HashSet<WgPrefix>();
            foreach (var far in sites.Where(s => s != site))
            {
                // A mapped far site is reached under its mapped prefixes.
                foreach (var destination in far.VisiblePrefix.Where(p => p.Length > 0).Select(p => p.ToNetwork()))
                {
                    // A prefix inside the site's own LAN is on-link there: no route (the overlap check refuses such topologies anyway).
                    if (!seen.Add(destination) || own.Any(o => o.Overlaps(destination)))
                        continue;
                    routes.Add(Route(site, far, destination, gatewayAddresses ?? Array.Empty<IPAddress>()));
                }
            }
        }
        return routes;
    }

    private static WgLanRoute Route(WgSite site, WgSite far, WgPrefix destination, IReadOnlyList<IPAddress> gatewayAddresses)
    {
        var known = site.LanAddress is { } given ? new[] { given } : gatewayAddresses;
        var gateway = known.FirstOrDefault(a => a.AddressFamily == destination.Family);
        string? note = null;
        if (known.Count == 0)
            note = $"the LAN address of the gateway of site {Quote.Value(site.Name)} is unknown: give New-WgSite -LanAddress (or the site's -ComputerName, for Set-WgLanRoute to read it from the gateway)";
        else if (gateway is null)
            note = $"the gateway's LAN address {string.Join(", ", known)} is not of the destination's address family";
        else if (site.Cloud)
            note = CloudNote;
        return new WgLanRoute
        {
            Site = site.Name,
            DestinationSite = far.Name,
            Destination = destination.ToString(),
            Gateway = gateway?.ToString(),
            Command = gateway is null ? null : $"ip {(destination.IsIPv6 ? "-6 " : "")}route replace {destination} via {gateway}",
            Note = note,
        };
    }

    /// <summary>The lines of /etc/wgadmin/lan-routes for routes that have a gateway: "PREFIX via ADDRESS".</summary>
    public static string FileText(IEnumerable<WgLanRoute> routes) =>
        string.Concat(routes.Where(r => r.Gateway is not null).Select(r => $"{r.Destination} via {r.Gateway}\n"));
}

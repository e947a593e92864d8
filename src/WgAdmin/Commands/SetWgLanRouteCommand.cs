using System.Management.Automation;
using System.Net;
using WgAdmin.Net;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Set-WgLanRoute: sets one site's routes to the other sites' LANs on Linux LAN hosts over SSH,
/// now and at boot (a oneshot unit reading /etc/wgadmin/lan-routes); a route no longer wanted is
/// deleted, and nothing changes when all is as wanted. A site without -LanAddress gets its
/// gateway's address in the LAN read from the gateway (its -ComputerName), once the change is
/// confirmed: -WhatIf connects to nothing.
/// </summary>
[Cmdlet(VerbsCommon.Set, "WgLanRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgLanRouteResult))]
public sealed class SetWgLanRouteCommand : WgLanRouteCmdlet
{
    private readonly HashSet<WgTopology> _seen = new(ReferenceEqualityComparer.Instance);

    /// <summary>One site's routes, and where its gateway's LAN address still has to be read from.</summary>
    private sealed class SitePlan(WgTopology topology, WgSite site, IReadOnlyList<WgLanRoute> routes, string? readFrom)
    {
        public WgTopology Topology { get; } = topology;
        public WgSite Site { get; } = site;
        public IReadOnlyList<WgLanRoute> Routes { get; set; } = routes;
        public string? ReadFrom { get; } = readFrom;
        public LanRouteChange? Change { get; set; }
    }

    /// <summary>The topology, or the interfaces it built (New-WgTopology's and Import-WgTopology's default output).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [WgTopologyTransformation]
    public object Topology { get; set; } = null!;

    /// <summary>The site the LAN hosts are on; needed when the topology has more than one.</summary>
    [Parameter]
    public string? Site { get; set; }

    /// <summary>The Linux LAN hosts to change (SSH, as for the gateways).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ComputerNameSet)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgTopology>(Topology, WgErrorId.InvalidTopology, "Topology", TopologyHint) is not { } topology)
            return;
        // Each interface piped stands for its topology: plan the topology once.
        if (!_seen.Add(topology))
            return;
        var sites = topology.Sites.Where(s => s is not null).ToList();
        var siteName = Site ?? (sites.Count == 1 ? sites[0].Name : null);
        if (siteName is null)
        {
            ThrowWgError(new WgException(new WgError(WgErrorId.SiteNotFound,
                $"Say which site the LAN hosts are on: -Site, one of {string.Join(", ", sites.Select(s => Quote.Value(s.Name)))}.")), ComputerName);
            return;
        }
        IReadOnlyList<WgLanRoute> routes;
        try
        {
            routes = WgLanRoutes.For(topology, siteName);
        }
        catch (WgException ex)
        {
            ThrowWgError(ex, siteName);
            return;
        }
        var site = sites.First(s => string.Equals(s.Name, siteName, StringComparison.OrdinalIgnoreCase));
        var blocked = routes.FirstOrDefault(r => r.Gateway is null);
        // Without a LAN address the gateway is asked for it; any other gap (an address of the
        // wrong family) stops here: applying only some routes would leave the hosts half-routed.
        var readFrom = site.LanAddress is null ? site.ComputerName : null;
        if (blocked is not null && readFrom is null)
        {
            ThrowWgError(new WgException(new WgError(WgErrorId.LanAddressUnknown,
                $"Cannot set the routes of site {Quote.Value(site.Name)}: {blocked.Note}.", Offender: site.Name)), site.Name);
            return;
        }
        if (site.Cloud)
            WriteWarning($"Site {Quote.Value(site.Name)} is a cloud VPC: its LAN routes belong in the provider's route table; setting them on the hosts as asked.");
        var plan = new SitePlan(topology, site, routes, blocked is null ? null : readFrom);
        var description = Describe(plan);
        WriteVerbose(description); // the plan goes to the verbose stream too: "What if:" lines go straight to the host
        AddHosts(ComputerName, site.Name, plan, target => ShouldProcess(target.ComputerName, description));
    }

    private static string Describe(SitePlan plan)
    {
        var count = $"{plan.Routes.Count} route{(plan.Routes.Count == 1 ? "" : "s")} of site {plan.Site.Name}";
        var via = plan.ReadFrom is null
            ? string.Join(", ", plan.Routes.Select(r => $"{r.Destination} via {r.Gateway}"))
            : $"{string.Join(", ", plan.Routes.Select(r => r.Destination))} via the address of {plan.ReadFrom} in {string.Join(", ", plan.Site.LanPrefix)}";
        return $"set {count} ({via}), now and at boot";
    }

    protected override void EndProcessing()
    {
        // The gateways are asked only now, for the changes the admin confirmed.
        foreach (var plan in Hosts.Select(h => (SitePlan)h.Context!).Distinct())
        {
            if (plan.ReadFrom is not null)
                plan.Routes = RoutesViaGateway(plan);
            plan.Change = new LanRouteChange(plan.Site.Name, plan.Routes);
        }
        ChangeHosts(target => ((SitePlan)target.Context!).Change!);
    }

    /// <summary>The site's routes via its gateway's address in the LAN, read from the gateway; stops the command when it cannot be read.</summary>
    private IReadOnlyList<WgLanRoute> RoutesViaGateway(SitePlan plan)
    {
        var gateway = plan.ReadFrom!;
        string? problem;
        try
        {
            var addresses = ReadAddresses(gateway, plan.Site.LanPrefix);
            var routes = WgLanRoutes.For(plan.Topology, plan.Site.Name, addresses);
            if (routes.FirstOrDefault(r => r.Gateway is null) is not { } blocked)
            {
                WriteVerbose($"Site {plan.Site.Name}: the address of {gateway} in its LAN is {string.Join(", ", addresses)}.");
                return routes;
            }
            problem = addresses.Count == 0
                ? $"{gateway} has no address in {string.Join(", ", plan.Site.LanPrefix)}"
                : blocked.Note;
        }
        catch (WgException ex)
        {
            problem = ex.Errors[0].Message;
        }
        ThrowWgError(new WgException(new WgError(WgErrorId.LanAddressUnknown,
            $"Cannot set the routes of site {Quote.Value(plan.Site.Name)}: it has no -LanAddress, and the gateway's address in its LAN could not be read: {problem}.",
            Offender: plan.Site.Name)), plan.Site.Name);
        return plan.Routes;
    }

    /// <summary>The gateway's addresses in the LAN, over a kept session to it or a connection of this command's.</summary>
    private IReadOnlyList<IPAddress> ReadAddresses(string gateway, IReadOnlyList<WgPrefix> lanPrefixes)
    {
        var connection = WgSessionRegistry.Find(RunspaceId, gateway)?.Connection ?? Connect(OptionsFor(gateway), StopToken);
        return RemoteRunner.Invoke(connection, GatewayLanAddress.Operation(lanPrefixes), StopToken);
    }
}

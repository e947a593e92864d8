using System.Diagnostics;
using System.Management.Automation;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Get-WgLanRoute: the routes each site's LAN hosts need to reach the other sites' LANs (far
/// prefix via the site's gateway on the LAN), as objects with the `ip route` command. With
/// -Apply -ComputerName it sets one site's routes on Linux LAN hosts over SSH, now and at boot
/// (a oneshot unit reading /etc/wgadmin/lan-routes); -Remove takes them away again.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WgLanRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ListSet)]
[OutputType(typeof(WgLanRoute), ParameterSetName = new[] { ListSet })]
[OutputType(typeof(WgLanRouteResult), ParameterSetName = new[] { ComputerNameSet })]
public sealed class GetWgLanRouteCommand : WgRemoteCmdlet
{
    private const string ListSet = "List";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = ListSet)]
    [Parameter(Position = 0, ValueFromPipeline = true, ParameterSetName = ComputerNameSet)]
    public WgTopology? Topology { get; set; }

    /// <summary>Only this site's routes; with -Apply, the site the LAN hosts are on.</summary>
    [Parameter]
    public string? Site { get; set; }

    /// <summary>Sets the routes on the LAN hosts named by -ComputerName.</summary>
    [Parameter(ParameterSetName = ComputerNameSet)]
    public SwitchParameter Apply { get; set; }

    /// <summary>Removes every route an earlier -Apply set on the hosts, with its file and unit.</summary>
    [Parameter(ParameterSetName = ComputerNameSet)]
    public SwitchParameter Remove { get; set; }

    /// <summary>The Linux LAN hosts to change (SSH, as for the gateways).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ComputerNameSet)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = ComputerNameSet)]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 16;

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ListSet)
        {
            List();
            return;
        }
        if (Apply == Remove)
        {
            ThrowWgError(new WgException(new WgError(WgErrorId.LanRouteActionRequired,
                Apply ? "-Apply and -Remove do opposite things; give one of them." : "With -ComputerName, say what to do: -Apply (with -Topology) or -Remove.")), ComputerName);
            return;
        }
        if (Remove)
        {
            Change(Array.Empty<WgLanRoute>(), null, remove: true);
            return;
        }
        if (Topology is null)
        {
            ThrowWgError(new WgException(new WgError(WgErrorId.LanRouteActionRequired, "-Apply needs the -Topology whose routes to set.")), ComputerName);
            return;
        }
        var sites = Topology.Sites.Where(s => s is not null).ToList();
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
            routes = WgLanRoutes.For(Topology, siteName);
        }
        catch (WgException ex)
        {
            ThrowWgError(ex, siteName);
            return;
        }
        var site = sites.First(s => string.Equals(s.Name, siteName, StringComparison.OrdinalIgnoreCase));
        var blocked = routes.Where(r => r.Gateway is null).ToList();
        if (blocked.Count > 0)
        {
            // Applying only some routes would leave the host half-routed: nothing is changed.
            ThrowWgError(new WgException(new WgError(WgErrorId.LanAddressUnknown,
                $"Cannot set the routes of site {Quote.Value(site.Name)}: {blocked[0].Note}.", Offender: site.Name)), site.Name);
            return;
        }
        if (site.Cloud)
            WriteWarning($"Site {Quote.Value(site.Name)} is a cloud VPC: its LAN routes belong in the provider's route table; setting them on the hosts as asked.");
        Change(routes, site.Name, remove: false);
    }

    private void List()
    {
        IReadOnlyList<WgLanRoute> routes;
        try
        {
            routes = WgLanRoutes.For(Topology!, Site);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, Site, ErrorCategory.ObjectNotFound);
            return;
        }
        foreach (var site in routes.Where(r => r.Gateway is null).Select(r => r.Site).Distinct())
        {
            var note = routes.First(r => r.Site == site && r.Gateway is null).Note;
            WriteWarning($"Site {Quote.Value(site)}: {note}; its routes have no command. ({WgErrorId.LanAddressUnknown})");
        }
        foreach (var route in routes)
            WriteObject(route);
    }

    private void Change(IReadOnlyList<WgLanRoute> routes, string? site, bool remove)
    {
        var description = remove
            ? "remove the LAN routes WgAdmin set, /etc/wgadmin/lan-routes and wgadmin-lan-routes.service"
            : $"set {routes.Count} route{(routes.Count == 1 ? "" : "s")} of site {site} ({string.Join(", ", routes.Select(r => $"{r.Destination} via {r.Gateway}"))}), now and at boot";
        var targets = new List<(string Host, SshConnectOptions Options)>();
        foreach (var host in ComputerName)
        {
            if (!ShouldProcess(host, description))
                continue;
            try
            {
                targets.Add((host, OptionsFor(host)));
            }
            catch (WgException ex)
            {
                WriteError(HostError(ex, host));
            }
        }
        var fanOut = new HostFanOut(this, ThrottleLimit, StopToken);
        fanOut.Run(targets, $"Setting LAN routes on {targets.Count} host(s)", t => t.Host,
            (target, cancellation) =>
            {
                var connection = Connect(target.Options, cancellation);
                return RemoteRunner.Invoke(connection, LanRouteScript.Operation(target.Host, routes, site, remove), cancellation);
            },
            (_, result) =>
            {
                if (result.Error is not null)
                    WriteError(CreateErrorRecord(new WgError(WgErrorId.RemoteCommandFailed, $"{result.ComputerName}: {result.Error}", Offender: result.ComputerName), result.ComputerName, ErrorCategory.InvalidOperation));
                WriteObject(result);
            },
            (target, error) =>
            {
                WriteError(HostError(error, target.Host));
                WriteObject(new WgLanRouteResult { ComputerName = target.Host, Site = site, Error = error.Message });
            });
    }
}

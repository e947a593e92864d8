using System.Management.Automation;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Get-WgLanRoute: the routes each site's LAN hosts need to reach the other sites' LANs (far
/// prefix via the site's gateway on the LAN), as objects with the `ip route` command. It only
/// lists them: Set-WgLanRoute sets them on LAN hosts, Remove-WgLanRoute takes them away.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WgLanRoute")]
[OutputType(typeof(WgLanRoute))]
public sealed class GetWgLanRouteCommand : WgCmdlet
{
    private readonly HashSet<WgTopology> _listed = new(ReferenceEqualityComparer.Instance);

    /// <summary>The topology, or the interfaces it built (New-WgTopology's and Import-WgTopology's default output).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [WgTopologyTransformation]
    public object Topology { get; set; } = null!;

    /// <summary>Only this site's routes.</summary>
    [Parameter]
    public string? Site { get; set; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgTopology>(Topology, WgErrorId.InvalidTopology, "Topology", TopologyHint) is not { } topology)
            return;
        // Each interface piped stands for its topology: list the topology once.
        if (!_listed.Add(topology))
            return;
        IEnumerable<WgLanRoute> routes;
        try
        {
            routes = WgLanRoutes.Enumerate(topology, Site);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, Site, ErrorCategory.ObjectNotFound);
            return;
        }
        // Written as they are made (a hub of 1,000 spokes has a million routes), each site's
        // warning before its first route without a gateway.
        var warned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in routes)
        {
            if (route.Gateway is null && warned.Add(route.Site))
                WriteWarning($"Site {Quote.Value(route.Site)}: {route.Note}; its routes have no command. ({WgErrorId.LanAddressUnknown})");
            WriteObject(route);
        }
    }
}

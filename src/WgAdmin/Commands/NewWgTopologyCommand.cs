using System.Management.Automation;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// New-WgTopology: joins sites into one interface per gateway, after the sanity checks. Sites
/// from the pipeline are collected and built together at the end; any check error stops the
/// build, and then nothing is written but the errors. -AsTopology emits the topology itself,
/// which keeps the keys it generated (for Export-WgTopology and Get-WgLanRoute).
/// </summary>
[Cmdlet(VerbsCommon.New, "WgTopology")]
[OutputType(typeof(WgInterface), typeof(WgTopology))]
public sealed class NewWgTopologyCommand : WgCmdlet
{
    private readonly List<WgSite> _sites = new();
    private bool _notASite;

    /// <summary>The sites. Typed object so that binding never fails (<see cref="WgCmdlet.PipelineValue{T}"/>): a row with a private key is not kept in an error record.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Sites")]
    public object?[] Site { get; set; } = Array.Empty<object>();

    [Parameter(Mandatory = true)]
    [WgTransformation(typeof(WgPrefix))]
    public WgPrefix TunnelPrefix { get; set; }

    [Parameter]
    public WgTopologyShape Shape { get; set; } = WgTopologyShape.Mesh;

    /// <summary>The name of the hub site, for -Shape HubAndSpoke.</summary>
    [Parameter]
    public string? Hub { get; set; }

    [Parameter]
    public SwitchParameter PresharedKeys { get; set; }

    [Parameter]
    [ValidateInterfaceName]
    public string InterfaceName { get; set; } = "wg0";

    /// <summary>The most sites built (1,000); past it New-WgTopology refuses with WgAdmin.TopologyTooLarge before building anything.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaximumSites { get; set; } = WgTopology.DefaultMaximumSites;

    /// <summary>Maps the sites whose LANs overlap 1:1 to free prefixes of the pool (-MappingPool) instead of refusing them.</summary>
    [Parameter]
    public SwitchParameter ResolveOverlap { get; set; }

    /// <summary>Where -ResolveOverlap takes mapped prefixes from; by default a free /16 of 100.64.0.0/10 or 10.0.0.0/8.</summary>
    [Parameter]
    [WgTransformation(typeof(WgPrefix))]
    public WgPrefix? MappingPool { get; set; }

    /// <summary>Emits the topology itself (sites, shape, keys, and the built interfaces in Interfaces) instead of the interfaces.</summary>
    [Parameter]
    public SwitchParameter AsTopology { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in Site)
        {
            if (item is null)
                continue;
            if (PipelineValue<WgSite>(item, WgErrorId.InvalidSite, nameof(Site), "a row of Import-Csv becomes a site through New-WgSite: Import-Csv sites.csv | New-WgSite | New-WgTopology.") is { } site)
                _sites.Add(site);
            else
                _notASite = true;
        }
    }

    protected override void EndProcessing()
    {
        // A topology without one of the sites meant would be wrong on every gateway: build none.
        if (_notASite)
            return;
        var topology = new WgTopology(TunnelPrefix, _sites)
        {
            Shape = Shape,
            Hub = string.IsNullOrEmpty(Hub) ? null : Hub,
            PresharedKeys = PresharedKeys.IsPresent,
            InterfaceName = InterfaceName,
            MaximumSites = MaximumSites,
        };
        if (MappingPool is not null && !ResolveOverlap)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidMappedPrefix, $"-MappingPool {Quote.Value(MappingPool.ToString()!)} is the pool of -ResolveOverlap; give both, or neither.", Offender: MappingPool.ToString()), MappingPool, ErrorCategory.InvalidArgument));
            return;
        }
        if (ResolveOverlap)
        {
            try
            {
                foreach (var site in WgMappingAllocator.Resolve(topology, MappingPool))
                    WriteVerbose($"Site {site.Name}: {string.Join(", ", site.Mappings.Select(m => m.ToString()))}");
            }
            catch (WgException ex)
            {
                WriteWgErrors(ex, MappingPool?.ToString() ?? TunnelPrefix.ToString(), ErrorCategory.InvalidArgument);
                return;
            }
        }
        var problems = topology.Check();
        foreach (var warning in problems.Where(p => p.Severity == WgTopologySeverity.Warning))
            WriteWarning($"{warning.Message} ({warning.ErrorId})");
        var errors = problems.Where(p => p.Severity == WgTopologySeverity.Error).ToList();
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors.Select(p => p.ToError()).ToList()), TunnelPrefix, ErrorCategory.InvalidArgument);
            return;
        }
        IReadOnlyList<WgInterface> interfaces;
        try
        {
            interfaces = topology.Build();
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, TunnelPrefix, ErrorCategory.InvalidArgument);
            return;
        }
        if (AsTopology)
        {
            WriteObject(topology);
            return;
        }
        foreach (var config in interfaces)
            WriteObject(config);
    }
}

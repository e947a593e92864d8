using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Export-WgTopology: writes a topology to a readable file (see docs/topology.md), atomically and
/// mode 0600. Private and preshared keys are written only with -IncludeSecret; an existing file is
/// replaced only with -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "WgTopology", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportWgTopologyCommand : WgCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Topology")]
    public object InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = "";

    /// <summary>Writes the private keys the topology holds and its preshared keys.</summary>
    [Parameter]
    public SwitchParameter IncludeSecret { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgTopology>(InputObject, WgErrorId.InvalidTopology, "InputObject", TopologyHint) is not { } topology)
            return;
        var target = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (Directory.Exists(target))
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.FileWriteFailed,
                $"{Quote.Value(Path)} is a folder; give the path of the topology file.", Offender: target), target, ErrorCategory.InvalidArgument));
            return;
        }
        string text;
        try
        {
            text = WgTopologyFile.Write(topology, IncludeSecret);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, topology, ErrorCategory.InvalidArgument);
            return;
        }
        var what = IncludeSecret ? "WireGuard topology with its private and preshared keys" : "WireGuard topology (public keys only)";
        WriteKeyFile(target, text, what, Force, PassThru);
    }
}

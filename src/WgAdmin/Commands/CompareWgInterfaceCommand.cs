using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Model;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Compare-WgInterface: what differs between a desired interface and the one a gateway runs
/// (peers missing, extra or changed; addresses; keys as public keys only). Nothing is written
/// when they agree, so a scheduled job can alert on any output.
/// </summary>
[Cmdlet(VerbsData.Compare, "WgInterface", DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgDifference))]
public sealed class CompareWgInterfaceCommand : WgHostCmdlet
{
    /// <summary>The interface. Typed object so that binding never fails (<see cref="WgCmdlet.PipelineValue{T}"/>): a row with a private key is not kept in an error record.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Desired", "InputObject")]
    public object ReferenceObject { get; set; } = null!;

    /// <summary>The gateways; taken from the interface's ComputerName when not given.</summary>
    [Parameter(ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgInterface>(ReferenceObject, WgErrorId.InvalidInterface, "ReferenceObject", InterfaceHint) is not { } input)
            return;
        if (input.Name is null)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidInterfaceForApply, "The reference interface has no Name to look for on the gateway."), input, ErrorCategory.InvalidArgument));
            return;
        }
        var hosts = ComputerName.Length > 0 ? ComputerName : input.ComputerName is { } attached ? new[] { attached } : Array.Empty<string>();
        if (hosts.Length == 0 && ParameterSetName == ComputerNameSet)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidComputerName, $"No -ComputerName for interface {Quote.Value(input.Name)}, and the interface names none."), input, ErrorCategory.InvalidArgument));
            return;
        }
        AddHosts(hosts, input.Name, input);
    }

    protected override void EndProcessing() =>
        ForEachHost($"Comparing interfaces on {Hosts.Count} gateway(s)",
            (target, cancellation) => GetWgInterfaceCommand.ReadRemote(Connect(target, cancellation), target.ComputerName, cancellation),
            (target, interfaces) =>
            {
                var live = interfaces.FirstOrDefault(s => s.Name == target.Scope);
                foreach (var difference in WgDrift.Compare((WgInterface)target.Context!, live, target.ComputerName))
                    WriteObject(difference);
            });
}

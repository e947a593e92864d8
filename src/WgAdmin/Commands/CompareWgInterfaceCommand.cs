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
public sealed class CompareWgInterfaceCommand : WgRemoteCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Desired", "InputObject")]
    public WgInterface ReferenceObject { get; set; } = null!;

    /// <summary>The gateway; taken from the interface's ComputerName when not given.</summary>
    [Parameter(ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public string? ComputerName { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
    public WgSession Session { get; set; } = null!;

    protected override void ProcessRecord()
    {
        if (ReferenceObject.Name is null)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidInterfaceForApply, "The reference interface has no Name to look for on the gateway."), ReferenceObject, ErrorCategory.InvalidArgument));
            return;
        }
        var host = ParameterSetName == SessionSet ? Session.ComputerName : ComputerName ?? ReferenceObject.ComputerName;
        if (host is null)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidComputerName, $"No -ComputerName for interface {Quote.Value(ReferenceObject.Name)}, and the interface names none."), ReferenceObject, ErrorCategory.InvalidArgument));
            return;
        }
        try
        {
            var connection = ParameterSetName == SessionSet ? Session.Connection : Connect(OptionsFor(host), CancellationToken.None);
            var live = RemoteRunner.Invoke(connection, InterfaceStatusReader.Operation(host)).FirstOrDefault(s => s.Name == ReferenceObject.Name);
            foreach (var difference in WgDrift.Compare(ReferenceObject, live, host))
                WriteObject(difference);
        }
        catch (WgException ex)
        {
            WriteError(HostError(ex, host));
        }
    }
}

using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Remove-WgInterface: stops and disables wg-quick@NAME, takes away the NAT rules, the re-resolve
/// timer and the files WgAdmin made, and removes the config (kept as NAME.conf.wgadmin-removed, mode 0600).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "WgInterface", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgApplyResult))]
public sealed class RemoveWgInterfaceCommand : WgApplyCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateInterfaceName]
    [Alias("InterfaceName")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Also delete NAME.key, a private key generated on the gateway.</summary>
    [Parameter]
    public SwitchParameter RemoveKey { get; set; }

    protected override void ProcessRecord() => AddHosts(ComputerName, Name);

    protected override GatewayPlan Plan(string computerName, string interfaceName, object? context, GatewayState state) =>
        GatewayPlanner.PlanRemoval(computerName, interfaceName, state, RemoveKey);
}

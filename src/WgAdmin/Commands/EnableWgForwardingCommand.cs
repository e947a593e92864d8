using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>Enable-WgForwarding: IP forwarding on gateways, now and persisted in /etc/sysctl.d/.</summary>
[Cmdlet(VerbsLifecycle.Enable, "WgForwarding", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgApplyResult))]
public sealed class EnableWgForwardingCommand : WgApplyCmdlet
{
    /// <summary>The interface the forwarding is for; it names the sysctl file (90-wgadmin-NAME.conf).</summary>
    [Parameter]
    [ValidateInterfaceName]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = "wg0";

    [Parameter]
    public SwitchParameter IPv6 { get; set; }

    protected override void ProcessRecord() => AddHosts(ComputerName, Name);

    protected override GatewayPlan Plan(string computerName, string interfaceName, object? context, GatewayState state) =>
        GatewayPlanner.Plan(computerName, null, interfaceName, state,
            new ApplyOptions { EnableForwarding = true, ManageInterface = false, IPv6 = IPv6.IsPresent ? true : null });
}

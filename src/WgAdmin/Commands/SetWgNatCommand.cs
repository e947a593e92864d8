using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Set-WgNat: the forward and NAT rules of a tunnel interface, in WgAdmin's own chains or table,
/// re-applied by wg-quick@NAME on every start and never duplicated. -Remove takes them away.
/// </summary>
[Cmdlet(VerbsCommon.Set, "WgNat", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgApplyResult))]
public sealed class SetWgNatCommand : WgApplyCmdlet
{
    [Parameter]
    [ValidateInterfaceName]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = "wg0";

    /// <summary>The gateway's uplink (eth0) that traffic from the tunnel is masqueraded out of.</summary>
    [Parameter]
    [ValidateInterfaceName]
    public string? Masquerade { get; set; }

    [Parameter]
    public SwitchParameter TwoWayNat { get; set; }

    [Parameter]
    public SwitchParameter IPv6 { get; set; }

    /// <summary>Clamp the MSS of forwarded TCP SYNs through the tunnel to the path's MTU (a path that drops ICMP "fragmentation needed"); with -Masquerade.</summary>
    [Parameter]
    public SwitchParameter ClampMss { get; set; }

    [Parameter]
    public FirewallBackend FirewallBackend { get; set; } = FirewallBackend.Auto;

    [Parameter]
    public SwitchParameter InstallPackage { get; set; }

    /// <summary>Remove the rules and files WgAdmin made for this interface.</summary>
    [Parameter]
    public SwitchParameter Remove { get; set; }

    protected override void BeginProcessing()
    {
        if (!Remove && Masquerade is null)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidInterfaceForApply, "Give -Masquerade <interface> to set NAT, or -Remove to take it away.")), null);
        if (Remove && ClampMss)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption, "-ClampMss and -Remove do not go together: -Remove takes the clamp away with the NAT rules.")), null);
        base.BeginProcessing();
    }

    protected override void ProcessRecord() => AddHosts(ComputerName, Name);

    protected override GatewayPlan Plan(string computerName, string interfaceName, object? context, GatewayState state) => Remove
        ? GatewayPlanner.PlanNatRemoval(computerName, interfaceName, state)
        : GatewayPlanner.Plan(computerName, null, interfaceName, state, new ApplyOptions
        {
            Masquerade = Masquerade,
            TwoWayNat = TwoWayNat,
            ClampMss = ClampMss,
            IPv6 = IPv6.IsPresent ? true : null, // absent: as the interface on the gateway has it
            Firewall = FirewallBackend,
            ManageInterface = false,
            InstallPackage = InstallPackage,
        });
}

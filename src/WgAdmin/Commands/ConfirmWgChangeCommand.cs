using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Confirm-WgChange: keeps a change made with -ConfirmWithin -ManualConfirm (its revert cancelled,
/// its snapshot dropped). Run it from anywhere that reaches the host, before the deadline.
/// </summary>
[Cmdlet(VerbsLifecycle.Confirm, "WgChange", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgChangeResult))]
public sealed class ConfirmWgChangeCommand : WgChangeControlCmdlet
{
    protected override string Action => "confirm";

    protected override RemoteOperation<WgChangeResult> Operation(string computerName, ChangeOptions options) => ChangeControl.Confirm(computerName, options);
}

using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Undo-WgChange: reverts a change awaiting confirmation now, instead of at its deadline: the
/// host is restored to its snapshot and compared with it.
/// </summary>
[Cmdlet(VerbsCommon.Undo, "WgChange", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgChangeResult))]
public sealed class UndoWgChangeCommand : WgChangeControlCmdlet
{
    protected override string Action => "undo";

    protected override RemoteOperation<WgChangeResult> Operation(string computerName, ChangeOptions options) => ChangeControl.Undo(computerName, options);
}

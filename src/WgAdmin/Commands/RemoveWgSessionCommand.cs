using System.Management.Automation;

namespace WgAdmin.Commands;

/// <summary>Remove-WgSession: closes kept sessions.</summary>
[Cmdlet(VerbsCommon.Remove, "WgSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = "Session")]
[OutputType(typeof(WgSession))]
public sealed class RemoveWgSessionCommand : WgCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "Session")]
    public WgSession[] Session { get; set; } = Array.Empty<WgSession>();

    [Parameter(Mandatory = true, ParameterSetName = "Id")]
    public int[] Id { get; set; } = Array.Empty<int>();

    /// <summary>Write each closed session (its State is then Closed).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var runspace = RunspaceId;
        var sessions = ParameterSetName == "Id"
            ? WgSessionRegistry.List(runspace).Where(s => Id.Contains(s.Id)).ToArray()
            : Session;
        if (ParameterSetName == "Id")
        {
            foreach (var missing in Id.Except(sessions.Select(s => s.Id)))
                WriteError(CreateErrorRecord(new WgError(WgErrorId.SessionNotFound, $"No session has the Id {missing}."), missing, ErrorCategory.ObjectNotFound));
        }
        foreach (var session in sessions)
        {
            if (!ShouldProcess(session.ToString(), "Close WgAdmin session"))
                continue;
            WgSessionRegistry.Remove(session);
            if (PassThru)
                WriteObject(session);
        }
    }
}

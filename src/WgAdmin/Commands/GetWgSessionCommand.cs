using System.Management.Automation;

namespace WgAdmin.Commands;

/// <summary>Get-WgSession: the sessions this runspace keeps.</summary>
[Cmdlet(VerbsCommon.Get, "WgSession")]
[OutputType(typeof(WgSession))]
public sealed class GetWgSessionCommand : WgCmdlet
{
    [Parameter(Position = 0)]
    public int[] Id { get; set; } = Array.Empty<int>();

    [Parameter]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var runspace = RunspaceId;
        var patterns = ComputerName.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var session in WgSessionRegistry.List(runspace))
        {
            if (Id.Length > 0 && !Id.Contains(session.Id))
                continue;
            if (patterns.Length > 0 && !patterns.Any(p => p.IsMatch(session.ComputerName)))
                continue;
            WriteObject(session);
        }
    }
}

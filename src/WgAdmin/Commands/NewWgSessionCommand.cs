using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// New-WgSession: opens SSH connections to keep and pass to other cmdlets as -Session, in
/// parallel (-ThrottleLimit); a host named twice gets one session.
/// </summary>
[Cmdlet(VerbsCommon.New, "WgSession", DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgSession))]
public sealed class NewWgSessionCommand : WgHostCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value; }

    /// <summary>New-WgSession takes no -Session: overridden without [Parameter], it is no parameter here.</summary>
    public override WgSession[] Session { get => base.Session; set => base.Session = value; }

    protected override void ProcessRecord() => AddHosts(ComputerName);

    protected override void EndProcessing()
    {
        var runspace = RunspaceId;
        ForEachHost($"Connecting to {Hosts.Count} host(s)", (target, cancellation) => Keep(target.Options!, cancellation),
            (_, connection) =>
            {
                var session = new WgSession(connection, runspace);
                WgSessionRegistry.Add(session);
                WriteObject(session);
            });
    }
}

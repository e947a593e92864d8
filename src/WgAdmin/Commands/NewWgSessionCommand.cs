using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>New-WgSession: opens SSH connections to keep and pass to other cmdlets as -Session.</summary>
[Cmdlet(VerbsCommon.New, "WgSession", DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgSession))]
public sealed class NewWgSessionCommand : WgRemoteCmdlet
{
    private readonly List<(string Host, SshConnectOptions Options)> _hosts = new();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 16;

    protected override void ProcessRecord()
    {
        foreach (var host in ComputerName)
        {
            try
            {
                _hosts.Add((host, OptionsFor(host)));
            }
            catch (WgException ex)
            {
                WriteError(HostError(ex, host));
            }
        }
    }

    protected override void EndProcessing()
    {
        var runspace = RunspaceId;
        new HostFanOut(this, ThrottleLimit, CancellationToken.None).Run(_hosts, $"Connecting to {_hosts.Count} host(s)", h => h.Host,
            (host, cancellation) => SshConnection.Open(host.Options, cancellation),
            (_, connection) =>
            {
                var session = new WgSession(connection, runspace);
                WgSessionRegistry.Add(session);
                WriteObject(session);
            },
            (host, error) => WriteError(HostError(error, host.Host)));
    }
}

using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Sync-WgEndpoint: on each gateway, what wireguard-tools' contrib/reresolve-dns does: every peer
/// of the interface whose Endpoint in its config is a host name, and whose latest handshake is
/// older than 135 s (or that never shook hands; every one with -Force), is sent to wherever the
/// name resolves now (`wg set NAME peer KEY endpoint HOST:PORT`, live). One result per such peer
/// says where it was and where it went; a name that does not resolve is that peer's error
/// (WgAdmin.EndpointUnresolved), and the others go on. Takes the host's change lock, so it never
/// runs during an apply.
/// </summary>
[Cmdlet(VerbsData.Sync, "WgEndpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgEndpointSyncResult))]
public sealed class SyncWgEndpointCommand : WgHostCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateInterfaceName]
    [Alias("InterfaceName")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Re-resolve every host-name peer, however recent its handshake.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How long to wait for a change on the same host to end before failing with WgAdmin.GatewayBusy.</summary>
    [Parameter]
    public TimeSpan LockTimeout { get; set; } = ChangeOptions.DefaultLockTimeout;

    protected override void BeginProcessing()
    {
        if (LockTimeout < TimeSpan.Zero || LockTimeout > TimeSpan.FromHours(1))
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption,
                $"-LockTimeout {Quote.Value(LockTimeout.ToString())} is not between 0 and one hour.", Offender: LockTimeout.ToString())), LockTimeout);
        base.BeginProcessing();
    }

    protected override void ProcessRecord() =>
        AddHosts(ComputerName, Name, null, target => ShouldProcess($"{target.ComputerName} ({Name})",
            Force ? "re-resolve every host-name endpoint" : "re-resolve the host-name endpoints of peers without a recent handshake"));

    protected override void EndProcessing()
    {
        var options = new ChangeOptions { LockTimeout = LockTimeout };
        ForEachHost($"Re-resolving endpoints on {Hosts.Count} host(s)",
            (target, cancellation) => RemoteRunner.Invoke(Connect(target, cancellation), EndpointSync.Operation(target.ComputerName, target.Scope, Force, options), cancellation),
            (_, results) =>
            {
                foreach (var result in results)
                {
                    WriteObject(result);
                    if (result.Status == EndpointSync.Unresolved)
                        WriteError(CreateErrorRecord(new WgError(WgErrorId.EndpointUnresolved,
                            $"{result.ComputerName}: {result.InterfaceName}: the endpoint {Quote.Value($"{result.HostName}:{result.Port}")} of peer {Quote.Value(result.Peer)} did not resolve: {result.Message}",
                            Offender: result.HostName), result.ComputerName, ErrorCategory.ObjectNotFound));
                    else if (result.Status == EndpointSync.Invalid)
                        WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidEndpoint,
                            $"{result.ComputerName}: {result.InterfaceName}: peer {Quote.Value(result.Peer)} in {HostPaths.Config(result.InterfaceName)}: {result.Message}; it was left alone.",
                            Offender: result.Peer), result.ComputerName, ErrorCategory.InvalidData));
                    else if (result.Status == EndpointSync.Absent)
                        WriteWarning($"{result.ComputerName}: {result.InterfaceName}: peer {result.Peer} is in the config but not on the running interface; it was left alone.");
                }
            });
    }
}

using System.Management.Automation;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// What Set-WgLanRoute and Remove-WgLanRoute share: one fixed script (<see cref="LanRouteScript"/>)
/// run as root on every queued LAN host, in parallel; one <see cref="WgLanRouteResult"/> per
/// host, and a host that fails does not stop the others.
/// </summary>
public abstract class WgLanRouteCmdlet : WgHostCmdlet
{
    /// <summary>What to do on a LAN host: the site whose routes to set and its routes, or (Remove) take away every route WgAdmin set.</summary>
    protected sealed record LanRouteChange(string? Site, IReadOnlyList<WgLanRoute> Routes, bool Remove = false);

    /// <summary>Runs each queued host's change on it.</summary>
    protected void ChangeHosts(Func<HostTarget, LanRouteChange> changeOf) =>
        ForEachHost($"Setting LAN routes on {Hosts.Count} host(s)", (target, cancellation) => Run(target, changeOf(target), cancellation),
            (_, result) =>
            {
                if (result.Error is not null)
                    WriteError(CreateErrorRecord(new WgError(WgErrorId.RemoteCommandFailed, $"{result.ComputerName}: {result.Error}", Offender: result.ComputerName), result.ComputerName, ErrorCategory.InvalidOperation));
                WriteObject(result);
            },
            (target, error) =>
            {
                WriteHostError(target, error);
                WriteObject(new WgLanRouteResult { ComputerName = target.ComputerName, Site = changeOf(target).Site, Error = error.Message });
            });

    private WgLanRouteResult Run(HostTarget target, LanRouteChange change, CancellationToken cancellation) =>
        RemoteRunner.Invoke(Connect(target, cancellation), LanRouteScript.Operation(target.ComputerName, change.Routes, change.Site, change.Remove), cancellation);
}

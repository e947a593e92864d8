using System.Management.Automation;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// What Set-WgLanRoute and Remove-WgLanRoute share: one fixed script (<see cref="LanRouteScript"/>)
/// run as root on every queued LAN host, in parallel; one <see cref="WgLanRouteResult"/> per
/// host, and a host that fails does not stop the others.
/// </summary>
public abstract class WgLanRouteCmdlet : WgChangeCmdlet
{
    /// <summary>What to do on a LAN host: the site whose routes to set and its routes, or (Remove) take away every route WgAdmin set.</summary>
    protected sealed record LanRouteChange(string? Site, IReadOnlyList<WgLanRoute> Routes, bool Remove = false);

    /// <summary>Runs each queued host's change on it.</summary>
    protected void ChangeHosts(Func<HostTarget, LanRouteChange> changeOf) =>
        ForEachHost($"Setting LAN routes on {Hosts.Count} host(s)", (target, cancellation) => Run(target, changeOf(target), cancellation),
            (_, result) =>
            {
                if (result.Error is not null)
                    WriteError(CreateErrorRecord(new WgError(result.ErrorId ?? WgErrorId.RemoteCommandFailed, result.Error, Offender: result.ComputerName), result.ComputerName,
                        result.ErrorId == WgErrorId.GatewayBusy ? ErrorCategory.ResourceBusy : ErrorCategory.InvalidOperation));
                WriteObject(result);
            },
            (target, error) =>
            {
                WriteHostError(target, error);
                WriteObject(new WgLanRouteResult { ComputerName = target.ComputerName, Site = changeOf(target).Site, Error = error.Message });
            });

    /// <summary>The change as one all-or-nothing change on the host; a failed one says whether the host was put back; a pending one is confirmed over a new connection.</summary>
    private WgLanRouteResult Run(HostTarget target, LanRouteChange change, CancellationToken cancellation)
    {
        var connection = Connect(target, cancellation);
        var options = ChangeOptions;
        var operation = LanRouteScript.Operation(target.ComputerName, change.Routes, change.Site, change.Remove, options);
        var output = RemoteRunner.Run(connection, operation.Script, operation.Timeout, cancellation);
        if (!output.Complete)
        {
            var outcome = ChangeScript.Outcome(output);
            var failure = outcome.Error(RemoteRunner.Failure(target.ComputerName, operation.Description, output).Errors[0], "host");
            return new WgLanRouteResult
            {
                ComputerName = target.ComputerName,
                Site = change.Site,
                Error = failure.Message,
                ErrorId = failure.ErrorId,
                RolledBack = outcome.RolledBack,
                Duration = output.Duration,
            };
        }
        var result = operation.Parse(output);
        if (result.PendingUntil is not { } deadline || ManualConfirm)
            return result;
        var (confirmed, undone, error, errorId) = ConfirmOverNewConnection(connection, deadline, options, null, cancellation);
        return result with { Confirmed = confirmed, PendingUntil = confirmed ? null : result.PendingUntil, RolledBack = undone, Error = error, ErrorId = errorId };
    }
}

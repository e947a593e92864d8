using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using WgAdmin.Net;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// The shape every gateway-changing cmdlet shares: per host, probe and plan in parallel; the
/// admin confirms each plan on the pipeline thread (-WhatIf prints it); the approved plans run
/// in parallel; one <see cref="WgApplyResult"/> per host, and a host that fails does not stop
/// the others. A derived cmdlet queues its hosts (<see cref="WgHostCmdlet.AddHosts"/>, the
/// interface name as the scope) and says how to plan one. Every change is all-or-nothing on its
/// host (<see cref="ChangeScript"/>); with -ConfirmWithin it reverts by itself unless confirmed
/// over a new connection (after a passing tunnel check with -ConfirmTunnel).
/// </summary>
public abstract class WgApplyCmdlet : WgChangeCmdlet
{
    private sealed record Planned(HostTarget Target, SshConnection Connection, GatewayPlan Plan, Stopwatch Clock, string? BranchWarning);

    /// <summary>Confirm only after Test-WgTunnel passes over the new connection (implies -ConfirmWithin 00:02:00 when not given); a tunnel that does not pass is undone.</summary>
    [Parameter]
    public SwitchParameter ConfirmTunnel { get; set; }

    /// <summary>Return only when every peer has shaken hands and answers (or this long has passed: the result says which did not).</summary>
    [Parameter]
    public TimeSpan? Wait { get; set; }

    /// <summary>The plan for one host, from what its probe found.</summary>
    protected abstract GatewayPlan Plan(string computerName, string interfaceName, object? context, GatewayState state);

    /// <summary>The networks the interface routes after and before the change (a change through them may cut the SSH path).</summary>
    protected virtual IEnumerable<WgPrefix> RoutedNetworks(object? context, GatewayState state) =>
        state.Config?.Peers.SelectMany(p => p.AllowedIPs) ?? Enumerable.Empty<WgPrefix>();

    protected override ChangeOptions ChangeOptions => base.ChangeOptions with
    {
        ConfirmWithin = ConfirmWithin ?? (ConfirmTunnel ? TimeSpan.FromMinutes(2) : null),
    };

    protected override void EndProcessing()
    {
        var planned = new List<Planned>();
        ForEachHost($"Reading {Hosts.Count} gateway(s)", ProbeAndPlan, (_, item) => planned.Add(item), Fail);

        var approved = new List<Planned>();
        foreach (var item in planned)
        {
            WriteVerbose(item.Plan.ToString());
            if (item.BranchWarning is not null && !item.Plan.IsEmpty)
                WriteWarning(item.BranchWarning);
            if (item.Plan.IsEmpty)
                WriteObject(GatewayExecutor.Execute(item.Connection, item.Plan, item.Clock));
            else if (ShouldProcess(item.Plan.ToString(), MyInvocation.MyCommand.Name))
                approved.Add(item);
        }

        ForEachHost(approved, $"Changing {approved.Count} gateway(s)", p => p.Target.Label, Execute,
            (_, result) =>
            {
                if (result.Error is not null)
                    WriteError(CreateErrorRecord(new WgError(result.ErrorId ?? WgErrorId.RemoteCommandFailed, result.Error, Offender: result.ComputerName), result.ComputerName,
                        result.ErrorId == WgErrorId.GatewayBusy ? ErrorCategory.ResourceBusy : ErrorCategory.InvalidOperation));
                foreach (var failure in result.TunnelFailures)
                    WriteWarning($"{result.ComputerName}: {failure}");
                WriteObject(result);
            },
            (item, error) => Fail(item.Target, error));
    }

    // The two remote calls of an apply: the probe, and carrying out the plan.

    private Planned ProbeAndPlan(HostTarget target, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var connection = Connect(target, cancellation);
        var state = GatewayExecutor.Probe(connection, target.Scope, cancellation);
        var plan = Plan(target.ComputerName, target.Scope, target.Context, state);
        return new Planned(target, connection, plan, clock, ConfirmWithin is null && !ConfirmTunnel ? BranchWarning(connection, target.Scope, RoutedNetworks(target.Context, state)) : null);
    }

    /// <summary>A warning when the SSH target's address lies inside what the interface routes: the change may cut the path it is made over.</summary>
    private static string? BranchWarning(SshConnection connection, string interfaceName, IEnumerable<WgPrefix> routed)
    {
        var host = connection.Target.Host;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }
        foreach (var prefix in routed)
            foreach (var address in addresses)
                if (prefix.Length > 0 && prefix.Contains(address))
                    return $"{connection.Target.ComputerName} ({address}) is reached through {interfaceName} (AllowedIPs {prefix}): a change that breaks the tunnel cuts this connection. Consider -ConfirmWithin 00:02:00, so that the gateway reverts by itself unless the change is confirmed over a new connection.";
        return null;
    }

    private WgApplyResult Execute(Planned item, CancellationToken cancellation)
    {
        var options = ChangeOptions;
        var result = GatewayExecutor.Execute(item.Connection, item.Plan, options, item.Clock, cancellation);
        if (result.PendingUntil is { } deadline && !ManualConfirm)
            return Confirm(item, result, deadline, options, cancellation);
        if (Wait is { } wait && result.Error is null && !item.Plan.IsEmpty)
            return result with { TunnelFailures = WaitForTunnel(item.Connection, item.Target.Scope, DateTimeOffset.UtcNow + wait, cancellation) };
        return result;
    }

    /// <summary>Confirms a pending change over a new connection; with -ConfirmTunnel (or -Wait) the tunnel is checked over it first, and a tunnel that does not pass -ConfirmTunnel is undone.</summary>
    private WgApplyResult Confirm(Planned item, WgApplyResult result, DateTimeOffset deadline, ChangeOptions options, CancellationToken cancellation)
    {
        IReadOnlyList<string> failures = Array.Empty<string>();
        string? CheckTunnel(SshConnection fresh)
        {
            if (!ConfirmTunnel && Wait is null)
                return null;
            var margin = TimeSpan.FromSeconds(Math.Min(10, (deadline - DateTimeOffset.UtcNow).TotalSeconds / 4));
            var until = Wait is { } wait ? Min(DateTimeOffset.UtcNow + wait, deadline - margin) : deadline - margin;
            failures = WaitForTunnel(fresh, item.Target.Scope, until, cancellation);
            return ConfirmTunnel && failures.Count > 0 ? $"the tunnel check did not pass ({string.Join("; ", failures)})" : null;
        }
        var (confirmed, undone, error, errorId) = ConfirmOverNewConnection(item.Connection, deadline, options, CheckTunnel, cancellation);
        return result with
        {
            Confirmed = confirmed,
            PendingUntil = confirmed || undone || errorId == WgErrorId.ChangeRolledBack ? null : result.PendingUntil,
            RolledBack = undone,
            Error = error,
            ErrorId = errorId,
            TunnelFailures = failures,
        };
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>Runs the tunnel check until every peer passes or <paramref name="until"/>; the last failures (none: it passed).</summary>
    private static IReadOnlyList<string> WaitForTunnel(SshConnection connection, string interfaceName, DateTimeOffset until, CancellationToken cancellation)
    {
        var options = new TunnelCheckOptions(TimeSpan.FromMinutes(3), 1);
        IReadOnlyList<string> failures;
        while (true)
        {
            try
            {
                var probe = RemoteRunner.Invoke(connection, TunnelProbe.Operation(interfaceName, 1, Array.Empty<IPAddress>(), null), cancellation);
                var results = TunnelCheck.Evaluate(probe, connection.Target.ComputerName, interfaceName, options);
                failures = results.Where(r => !r.Passed).Select(r => r.ToString()).ToList();
                if (results.Count > 0 && failures.Count == 0)
                    return failures;
                if (results.Count == 0)
                    failures = new[] { $"{interfaceName} has no peer to test" };
            }
            catch (WgException ex)
            {
                failures = new[] { ex.Message };
            }
            if (DateTimeOffset.UtcNow >= until || cancellation.IsCancellationRequested)
                return failures;
            cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        }
    }

    private void Fail(HostTarget target, Exception error)
    {
        WriteHostError(target, error);
        WriteObject(new WgApplyResult { ComputerName = target.ComputerName, InterfaceName = target.Scope, Error = error.Message });
    }
}

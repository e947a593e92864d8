using System.Diagnostics;
using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// The shape every gateway-changing cmdlet shares: per host, probe and plan in parallel; the
/// admin confirms each plan on the pipeline thread (-WhatIf prints it); the approved plans run
/// in parallel; one <see cref="WgApplyResult"/> per host, and a host that fails does not stop
/// the others. A derived cmdlet queues its hosts (<see cref="WgHostCmdlet.AddHosts"/>, the
/// interface name as the scope) and says how to plan one.
/// </summary>
public abstract class WgApplyCmdlet : WgHostCmdlet
{
    private sealed record Planned(HostTarget Target, SshConnection Connection, GatewayPlan Plan, Stopwatch Clock);

    /// <summary>The plan for one host, from what its probe found.</summary>
    protected abstract GatewayPlan Plan(string computerName, string interfaceName, object? context, GatewayState state);

    protected override void EndProcessing()
    {
        var planned = new List<Planned>();
        ForEachHost($"Reading {Hosts.Count} gateway(s)", ProbeAndPlan, (_, item) => planned.Add(item), Fail);

        var approved = new List<Planned>();
        foreach (var item in planned)
        {
            WriteVerbose(item.Plan.ToString());
            if (item.Plan.IsEmpty)
                WriteObject(GatewayExecutor.Execute(item.Connection, item.Plan, item.Clock));
            else if (ShouldProcess(item.Plan.ToString(), MyInvocation.MyCommand.Name))
                approved.Add(item);
        }

        ForEachHost(approved, $"Changing {approved.Count} gateway(s)", p => p.Target.Label, Execute,
            (_, result) =>
            {
                if (result.Error is not null)
                    WriteError(CreateErrorRecord(new WgError(WgErrorId.RemoteCommandFailed, result.Error, Offender: result.ComputerName), result.ComputerName, ErrorCategory.InvalidOperation));
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
        return new Planned(target, connection, Plan(target.ComputerName, target.Scope, target.Context, state), clock);
    }

    private static WgApplyResult Execute(Planned item, CancellationToken cancellation) =>
        GatewayExecutor.Execute(item.Connection, item.Plan, item.Clock, cancellation);

    private void Fail(HostTarget target, Exception error)
    {
        WriteHostError(target, error);
        WriteObject(new WgApplyResult { ComputerName = target.ComputerName, InterfaceName = target.Scope, Error = error.Message });
    }
}

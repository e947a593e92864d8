using System.Diagnostics;
using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// The shape every gateway-changing cmdlet shares: per host, probe and plan in parallel; the
/// admin confirms each plan on the pipeline thread (-WhatIf prints it); the approved plans run
/// in parallel; one <see cref="WgApplyResult"/> per host, and a host that fails does not stop
/// the others.
/// </summary>
public abstract class WgApplyCmdlet : WgRemoteCmdlet
{
    private readonly List<Target> _targets = new();

    /// <summary>One host to change, with what the derived cmdlet needs to plan it.</summary>
    protected sealed record Target(string ComputerName, string InterfaceName, object? Context, SshConnectOptions? Options, WgSession? Session);

    private sealed record Planned(Target Target, SshConnection Connection, GatewayPlan Plan, Stopwatch Clock);

    [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
    public WgSession[] Session { get; set; } = Array.Empty<WgSession>();

    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = 16;

    /// <summary>Queues hosts (or this command's sessions) for <see cref="EndProcessing"/>.</summary>
    protected void AddTargets(IEnumerable<string> computerNames, string interfaceName, object? context)
    {
        if (ParameterSetName == SessionSet)
        {
            foreach (var session in Session)
                _targets.Add(new Target(session.ComputerName, interfaceName, context, null, session));
            return;
        }
        foreach (var host in computerNames)
        {
            try
            {
                _targets.Add(new Target(host, interfaceName, context, OptionsFor(host), null));
            }
            catch (WgException ex)
            {
                WriteError(HostError(ex, host));
            }
        }
    }

    /// <summary>The plan for one host, from what its probe found.</summary>
    protected abstract GatewayPlan Plan(Target target, GatewayState state);

    protected override void EndProcessing()
    {
        var fanOut = new HostFanOut(this, ThrottleLimit, StopToken);
        var planned = new List<Planned>();
        fanOut.Run(_targets, $"Reading {_targets.Count} gateway(s)", t => t.ComputerName,
            (target, cancellation) =>
            {
                var clock = Stopwatch.StartNew();
                var connection = target.Session?.Connection ?? Connect(target.Options!, cancellation);
                var state = GatewayExecutor.Probe(connection, target.InterfaceName, cancellation);
                return new Planned(target, connection, Plan(target, state), clock);
            },
            (_, item) => planned.Add(item),
            (target, error) => Fail(target, error));

        var approved = new List<Planned>();
        foreach (var item in planned)
        {
            WriteVerbose(item.Plan.ToString());
            if (item.Plan.IsEmpty)
                WriteObject(GatewayExecutor.Execute(item.Connection, item.Plan, item.Clock));
            else if (ShouldProcess(item.Plan.ToString(), MyInvocation.MyCommand.Name))
                approved.Add(item);
        }

        fanOut.Run(approved, $"Changing {approved.Count} gateway(s)", p => p.Target.ComputerName,
            (item, cancellation) => GatewayExecutor.Execute(item.Connection, item.Plan, item.Clock, cancellation),
            (_, result) =>
            {
                if (result.Error is not null)
                    WriteError(CreateErrorRecord(new WgError(WgErrorId.RemoteCommandFailed, result.Error, Offender: result.ComputerName), result.ComputerName, ErrorCategory.InvalidOperation));
                WriteObject(result);
            },
            (item, error) => Fail(item.Target, error));
    }

    private void Fail(Target target, Exception error)
    {
        WriteError(HostError(error, target.ComputerName));
        WriteObject(new WgApplyResult { ComputerName = target.ComputerName, InterfaceName = target.InterfaceName, Error = error.Message });
    }
}

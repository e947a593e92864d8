using System.Diagnostics;
using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// Carries out gateway plans over one SSH connection: one command to probe, one to apply, both
/// through <see cref="RemoteRunner"/>. The plan's steps run as one change (<see cref="ChangeScript"/>):
/// lib.sh, change.sh and apply.sh, the interface's paths and the steps' texts as quoted values,
/// then the steps, each announced by a marker so that a failure names the step it happened in;
/// a failure restores the snapshot taken before the first step.
/// </summary>
public static class GatewayExecutor
{
    public static GatewayState Probe(SshConnection connection, string interfaceName, CancellationToken cancellation = default) =>
        RemoteRunner.Invoke(connection, GatewayProbe.Operation(interfaceName), cancellation);

    /// <summary>The script that carries out <paramref name="plan"/>, exactly as it is sent (tests run it in a sandbox).</summary>
    public static string Script(GatewayPlan plan, ChangeOptions? options = null) => Script(plan.InterfaceName, plan.Steps, options);

    /// <summary>The steps as one change of the interface (<see cref="ChangeScript"/>): locked, snapshotted, all or nothing.</summary>
    public static string Script(string interfaceName, IEnumerable<PlanStep> steps, ChangeOptions? options = null)
    {
        var values = HostPaths.For(interfaceName);
        var fragments = new List<(string, string)>();
        foreach (var step in steps)
        {
            values.Set(step.Values);
            fragments.Add((step.Action, step.Script));
        }
        return ChangeScript.Compose(ChangeScope.Interface(interfaceName), options ?? new ChangeOptions(), values, fragments, "apply.sh");
    }

    /// <summary>Runs the plan's steps in order as one change: the first that fails stops them, and the host goes back to its snapshot.</summary>
    public static WgApplyResult Execute(SshConnection connection, GatewayPlan plan, Stopwatch elapsed, CancellationToken cancellation = default) =>
        Execute(connection, plan, new ChangeOptions(), elapsed, cancellation);

    public static WgApplyResult Execute(SshConnection connection, GatewayPlan plan, ChangeOptions options, Stopwatch elapsed, CancellationToken cancellation = default)
    {
        if (plan.IsEmpty)
            return Result(connection, plan, elapsed, Array.Empty<string>(), null, new ChangeOutcome());
        ScriptOutput output;
        try
        {
            output = RemoteRunner.Run(connection, Script(plan, options), TimeSpan.FromMinutes(15), cancellation);
        }
        catch (WgException ex)
        {
            // The connection broke while the script ran: on the host it runs on to its end (or is
            // restored at boot); the next command reads which.
            return new WgApplyResult
            {
                ComputerName = plan.ComputerName,
                InterfaceName = plan.InterfaceName,
                Changed = true,
                Actions = new[] { "unknown: the connection was lost while changing the gateway; the change finishes or is restored on the gateway itself: read it again (Get-WgInterface) before retrying" },
                Duration = elapsed.Elapsed,
                Error = ex.Message,
                ErrorId = WgErrorId.ConnectionFailed,
                RemoteCommands = connection.CommandCount,
                Notes = plan.Notes,
            };
        }

        var outcome = ChangeScript.Outcome(output);
        var reached = output.Sections.Count(s => s.Name == "step");
        var completed = plan.Steps.Take(output.Complete ? plan.Steps.Count : Math.Max(0, reached - 1)).Select(s => s.Description).ToList();
        string? error = null;
        string? errorId = null;
        if (!output.Complete)
        {
            var failed = reached > 0 && reached <= plan.Steps.Count ? plan.Steps[reached - 1].Description : "starting the change";
            var failure = outcome.Error(RemoteRunner.Failure(connection.Target.ComputerName, $"'{failed}'", output).Errors[0], "gateway");
            (error, errorId) = (failure.Message, failure.ErrorId);
            if (outcome.RolledBack)
                completed.Clear();
        }
        return Result(connection, plan, elapsed, completed, error, outcome) with { ErrorId = errorId };
    }

    private static WgApplyResult Result(SshConnection connection, GatewayPlan plan, Stopwatch elapsed, IReadOnlyList<string> actions, string? error, ChangeOutcome outcome) => new()
    {
        RolledBack = outcome.RolledBack,
        PendingUntil = outcome.PendingUntil,
        Recovered = outcome.RecoveredFrom,
        ComputerName = plan.ComputerName,
        InterfaceName = plan.InterfaceName,
        Changed = actions.Count > 0,
        Actions = actions,
        Restarted = plan.RestartReason is not null && error is null,
        RestartReason = plan.RestartReason,
        Duration = elapsed.Elapsed,
        Error = error,
        RemoteCommands = connection.CommandCount,
        Notes = plan.Notes,
    };
}

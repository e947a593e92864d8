using System.Diagnostics;
using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// Carries out gateway plans over one SSH connection: one command to probe, one to apply, both
/// through <see cref="RemoteRunner"/>. The plan's steps run as one script: lib.sh and apply.sh,
/// the interface's paths and the steps' texts as quoted values, then the steps, each announced by
/// a marker so that a failure names the step it happened in.
/// </summary>
public static class GatewayExecutor
{
    public static GatewayState Probe(SshConnection connection, string interfaceName, CancellationToken cancellation = default) =>
        RemoteRunner.Invoke(connection, GatewayProbe.Operation(interfaceName), cancellation);

    /// <summary>The script that carries out <paramref name="plan"/>, exactly as it is sent (tests run it in a sandbox).</summary>
    public static string Script(GatewayPlan plan) => Script(plan.InterfaceName, plan.Steps);

    public static string Script(string interfaceName, IEnumerable<PlanStep> steps)
    {
        var values = HostPaths.For(interfaceName);
        var body = new StringBuilder("set -eu\nset -o pipefail\n");
        foreach (var step in steps)
        {
            values.Set(step.Values);
            body.Append($"echo '@@step {step.Action}'\n{step.Script}\n");
        }
        return RemoteScript.Libraries("apply.sh") + RemoteScript.Wrap(values.Prelude(), body.ToString());
    }

    /// <summary>Runs the plan's steps in order and stops at the first that fails.</summary>
    public static WgApplyResult Execute(SshConnection connection, GatewayPlan plan, Stopwatch elapsed, CancellationToken cancellation = default)
    {
        if (plan.IsEmpty)
            return Result(connection, plan, elapsed, Array.Empty<string>(), null);
        ScriptOutput output;
        try
        {
            output = RemoteRunner.Run(connection, Script(plan), TimeSpan.FromMinutes(15), cancellation);
        }
        catch (WgException ex)
        {
            // The connection broke while the script ran: some steps may have happened.
            return new WgApplyResult
            {
                ComputerName = plan.ComputerName,
                InterfaceName = plan.InterfaceName,
                Changed = true,
                Actions = new[] { "unknown: the connection was lost while changing the gateway; read it again (Get-WgInterface) before retrying" },
                Duration = elapsed.Elapsed,
                Error = ex.Message,
                RemoteCommands = connection.CommandCount,
                Notes = plan.Notes,
            };
        }

        var reached = output.Sections.Count(s => s.Name == "step");
        var completed = plan.Steps.Take(output.Complete ? plan.Steps.Count : Math.Max(0, reached - 1)).Select(s => s.Description).ToList();
        string? error = null;
        if (!output.Complete)
        {
            var failed = reached > 0 && reached <= plan.Steps.Count ? plan.Steps[reached - 1].Description : "starting the script";
            error = RemoteRunner.Failure(connection.Target.ComputerName, $"'{failed}'", output).Errors[0].Message;
        }
        return Result(connection, plan, elapsed, completed, error);
    }

    private static WgApplyResult Result(SshConnection connection, GatewayPlan plan, Stopwatch elapsed, IReadOnlyList<string> actions, string? error) => new()
    {
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

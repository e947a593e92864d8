using System.Diagnostics;
using System.Text;
using WgAdmin.Model;

namespace WgAdmin.Remote;

/// <summary>
/// Carries out gateway plans over one SSH connection: one command to probe, one to apply.
/// Scripts travel on standard input to a fixed command line, so neither keys nor values from
/// the admin ever appear in a remote process's arguments.
/// </summary>
public static class GatewayExecutor
{
    /// <summary>The only command line WgAdmin sends: a root shell reading its script from stdin.</summary>
    public const string RootShell = "if [ \"$(id -u)\" -eq 0 ]; then exec bash -s; else exec sudo -n bash -s; fi";

    private const string Preamble = """
set -eu
set -o pipefail
umask 077
export LC_ALL=C

""" + RemoteScript.PutFileFunction + "\n\n";

    public static GatewayState Probe(SshConnection connection, string interfaceName, CancellationToken cancellation = default)
    {
        var script = GatewayProbe.Script(interfaceName, GatewayPlanner.ManagedFiles(interfaceName));
        var result = connection.Run(RootShell, script, TimeSpan.FromMinutes(2), cancellation);
        if (result.ExitCode != 0 || !result.Output.Contains("@@end", StringComparison.Ordinal))
            throw new WgException(new WgError(WgErrorId.RemoteCommandFailed,
                $"{connection.Target}: reading the gateway's state failed (exit {result.ExitCode}): {FirstLines(result.Error)}", Offender: connection.Target.ComputerName));
        return GatewayProbe.Parse(result.Output);
    }

    /// <summary>Runs the plan's steps in order and stops at the first that fails.</summary>
    public static WgApplyResult Execute(SshConnection connection, GatewayPlan plan, Stopwatch elapsed, CancellationToken cancellation = default)
    {
        if (plan.IsEmpty)
            return Result(connection, plan, elapsed, Array.Empty<string>(), null);
        var script = new StringBuilder(Preamble);
        foreach (var step in plan.Steps)
            script.Append($"echo '@@step {step.Action}'\n{step.Script}\n");
        script.Append("echo '@@done'\n");
        RemoteResult result;
        try
        {
            result = connection.Run(RootShell, RemoteScript.Wrap("", script.ToString()), TimeSpan.FromMinutes(15), cancellation);
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

        var reached = result.Output.Split('\n').Where(l => l.StartsWith("@@step ", StringComparison.Ordinal)).Select(l => l[7..].Trim()).ToList();
        var finished = result.ExitCode == 0 && result.Output.Contains("@@done", StringComparison.Ordinal);
        var completed = plan.Steps.Take(finished ? plan.Steps.Count : Math.Max(0, reached.Count - 1)).Select(s => s.Description).ToList();
        string? error = null;
        if (!finished)
        {
            var failed = reached.Count > 0 && reached.Count <= plan.Steps.Count ? plan.Steps[reached.Count - 1].Description : "starting the script";
            error = $"{connection.Target}: '{failed}' failed (exit {result.ExitCode}): {FirstLines(result.Error)}";
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

    private static string FirstLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no error output)" : string.Join(" | ", lines.TakeLast(5));
    }
}

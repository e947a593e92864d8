using System.Globalization;
using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// Makes a body of steps an all-or-nothing change (change.sh): the host's lock, an earlier
/// unfinished change restored, a snapshot of the scope, the steps in a subshell that stops at the
/// first failure, then either the commit (or a revert scheduled at the deadline) or the snapshot
/// restored and verified. The script survives the SSH channel closing (RemoteScript.WrapDetached).
/// </summary>
public static class ChangeScript
{
    public const string Library = "change.sh";

    /// <summary>
    /// The whole script: lib.sh, change.sh and <paramref name="libraries"/>, the values, then the
    /// steps (each a shell fragment, announced by "@@step ACTION" and preceded by a fault point).
    /// </summary>
    public static string Compose(ChangeScope scope, ChangeOptions options, ScriptValues values, IEnumerable<(string Action, string Script)> steps, params string[] libraries)
    {
        values.Set(Values(scope, options));
        var body = new StringBuilder("begin_change\n(\nset -eu\nset -o pipefail\n");
        var index = 0;
        foreach (var (action, script) in steps)
        {
            index++;
            body.Append($"echo '@@step {action}'\nfault_point {index}\n{script.TrimEnd('\n')}\n");
        }
        body.Append(") 9>&-\nstep_status=$?\nif [ \"$step_status\" -eq 0 ]; then end_change; else roll_back \"$step_status\"; fi\n");
        return RemoteScript.Libraries(libraries.Prepend(Library).ToArray()) + RemoteScript.WrapDetached(values.Prelude(), body.ToString());
    }

    /// <summary>The values of change.sh for a change of <paramref name="scope"/>.</summary>
    public static ScriptValues Values(ChangeScope scope, ChangeOptions options)
    {
        var scopeValues = scope.Values();
        return new ScriptValues()
            .Set(scopeValues)
            .Set("change_values", scopeValues.Prelude())
            .Set("change_station", options.Station)
            .Set("lock_timeout", Seconds(options.LockTimeout))
            .Set("confirm_seconds", options.ConfirmWithin is { } within ? Math.Max(1, Seconds(within)) : 0)
            .Set("revert_helper", HostPaths.RevertHelper)
            .Set("revert_helper_text", RevertHelperText().TrimEnd('\n'))
            .Set("recover_unit", HostPaths.RecoverUnit)
            .Set("recover_unit_text", RemoteScript.Template("wgadmin-recover.service",
                ("helper", HostPaths.RevertHelper), ("change_dir", HostPaths.ChangeDirectory)).TrimEnd('\n'));
    }

    internal static int Seconds(TimeSpan span) => (int)Math.Ceiling(Math.Max(0, span.TotalSeconds));

    /// <summary>
    /// The revert helper as installed: its header (what it is, with its comments), then lib.sh,
    /// change.sh and its main part without theirs. Its text goes with every change (install_revert_helper
    /// compares it with the installed one), so it is sent as compact as the libraries themselves.
    /// </summary>
    public static string RevertHelperText() =>
        ScriptLibrary.Text("revert-helper.sh").TrimEnd('\n') + "\n" + RemoteScript.Libraries(Library) + ScriptLibrary.Sent("revert-main.sh");

    /// <summary>The change's outcome from its sections (null parts where the script did not get that far).</summary>
    public static ChangeOutcome Outcome(ScriptOutput output)
    {
        var rolledBack = output.Section("rolledback")?.Argument(0);
        var pending = output.Section("pending")?.Argument(0);
        return new ChangeOutcome
        {
            Committed = output.Section("committed") is not null,
            PendingUntil = long.TryParse(pending, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
            RolledBack = rolledBack == "ok",
            RollbackIncomplete = rolledBack == "incomplete" || output.ReportedError?.Kind == "rollback-failed",
            RestoreDifference = output.Section("restore-diff") is { } diff ? string.Join(' ', diff.Arguments) : null,
            RecoveredFrom = output.Section("recovered") is { } recovered ? string.Join(' ', recovered.Arguments) : null,
        };
    }
}

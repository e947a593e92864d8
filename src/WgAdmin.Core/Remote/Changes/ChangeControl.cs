namespace WgAdmin.Remote;

/// <summary>
/// Ends a change that awaits confirmation (-ConfirmWithin): confirm it, or undo it now
/// (change-control.sh). Each takes the host's lock, so it never races the host's own revert.
/// </summary>
public static class ChangeControl
{
    public static RemoteOperation<WgChangeResult> Confirm(string computerName, ChangeOptions options) => Operation(computerName, "confirm", options);

    public static RemoteOperation<WgChangeResult> Undo(string computerName, ChangeOptions options) => Operation(computerName, "undo", options);

    private static RemoteOperation<WgChangeResult> Operation(string computerName, string action, ChangeOptions options) =>
        new($"{(action == "confirm" ? "confirming" : "undoing")} the change", Script(action, options), output => Parse(computerName, action, output))
        {
            Timeout = options.LockTimeout + TimeSpan.FromMinutes(2),
        };

    public static string Script(string action, ChangeOptions options) =>
        RemoteScript.Compose("change-control.sh", new ScriptValues()
            .Set("action", action)
            .Set("lock_timeout", ChangeScript.Seconds(options.LockTimeout))
            .Set("change_station", options.Station), ChangeScript.Library);

    public static WgChangeResult Parse(string computerName, string action, ScriptOutput output)
    {
        var outcome = ChangeScript.Outcome(output);
        var lastRevert = output.Section("lastrevert");
        return new WgChangeResult
        {
            ComputerName = computerName,
            Action = action == "confirm" ? "Confirm" : "Undo",
            Found = output.Section("nochange") is null,
            Station = output.Section("change") is { } change ? string.Join(' ', change.Arguments) : null,
            Confirmed = output.Section("confirmed") is not null,
            RolledBack = outcome.RolledBack,
            RestoreDifference = outcome.RestoreDifference,
            LastRevert = lastRevert is null ? null : WgRevertRecord.Parse(lastRevert),
        };
    }
}

namespace WgAdmin.Remote;

/// <summary>
/// The one way a script runs on a host: as root, or through `sudo -n` (which fails rather than
/// asks), the script on standard input so that no value ever appears in a process's arguments.
/// One check that it ran to its end, one error naming the host and the operation, one redaction.
/// </summary>
public static class RemoteRunner
{
    /// <summary>The only command line WgAdmin sends: a root shell reading its script from stdin.</summary>
    public const string RootShell = "if [ \"$(id -u)\" -eq 0 ]; then exec bash -s; else exec sudo -n bash -s; fi";

    /// <summary>Runs a script and reads what it printed, whatever its outcome.</summary>
    /// <remarks>A login that is not root and that sudo would not run the script for is a <see cref="WgErrorId.SudoRequired"/>: nothing ran.</remarks>
    public static ScriptOutput Run(SshConnection connection, string script, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var result = connection.Run(RootShell, script, timeout, cancellation);
        if (SudoRefusal(connection.Target.ToString(), connection.Target.User, connection.Target.ComputerName, result) is { } refusal)
            throw refusal;
        return ScriptOutput.Read(result);
    }

    /// <summary>
    /// What <see cref="RootShell"/> printed when sudo, not the script, answered: nothing on standard
    /// output, and sudo's own line ("sudo: a password is required", which -n gives instead of a
    /// prompt; "sudo: ... not in the sudoers file"; a shell's "sudo: command not found") on standard
    /// error. Null when the script ran.
    /// </summary>
    internal static WgException? SudoRefusal(string host, string user, string computerName, RemoteResult result)
    {
        if (result.Output.Length > 0 || result.ExitCode is not (1 or 126 or 127))
            return null;
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? Line(Func<string, bool> test) => lines.FirstOrDefault(test);
        var why = result.ExitCode == 1
            ? Line(l => l.StartsWith("sudo: ", StringComparison.Ordinal)) is { } said
                ? said.Contains("password is required", StringComparison.Ordinal)
                    ? $"sudo wants a password, and WgAdmin never answers a prompt on a gateway (sudo -n said {Quote.Value(said)})"
                    : $"sudo -n would not run it ({Quote.Value(said)})"
                : null
            : Line(l => l.Contains("sudo: command not found", StringComparison.Ordinal) || l.EndsWith("sudo: not found", StringComparison.Ordinal)) is { } missing
                ? $"sudo is not installed ({Quote.Value(missing)})"
                : null;
        return why is null
            ? null
            : new WgException(new WgError(WgErrorId.SudoRequired,
                $"{host}: {Quote.Value(user)} is not root and {why}. Connect as root, or let {Quote.Value(user)} run commands through sudo without a password (a sudoers line such as '{user} ALL=(root) NOPASSWD: ALL'); nothing was run.",
                Offender: computerName));
    }

    /// <summary>Runs the operation; a script that did not run to its end is a <see cref="WgErrorId.RemoteCommandFailed"/> (or the ID it reported).</summary>
    public static T Invoke<T>(SshConnection connection, RemoteOperation<T> operation, CancellationToken cancellation = default) =>
        Parse(connection.Target.ComputerName, operation, Run(connection, operation.Script, operation.Timeout, cancellation));

    /// <summary>
    /// The operation's result from what its script printed: a <see cref="WgErrorId.RemoteCommandFailed"/>
    /// when it did not run to its end, a <see cref="WgErrorId.InvalidRemoteOutput"/> when its parser
    /// meets output it cannot read (a host's output is not trusted to have the shape a parser expects).
    /// </summary>
    public static T Parse<T>(string computerName, RemoteOperation<T> operation, ScriptOutput output)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(output);
        if (!output.Complete)
            throw Failure(computerName, operation.Description, output);
        try
        {
            return operation.Parse(output);
        }
        catch (Exception ex) when (ex is not WgException && ex is FormatException or OverflowException or ArgumentException or InvalidOperationException or IndexOutOfRangeException or KeyNotFoundException)
        {
            // The exception's own message may quote the host's text; its kind is enough to say what broke.
            throw new WgException(new WgError(WgErrorId.InvalidRemoteOutput,
                $"{computerName}: {operation.Description}: the host's output could not be read ({ex.GetType().Name}).", Offender: computerName));
        }
    }

    /// <summary>The error for a script that failed: the ID and message it reported, else its exit code and standard error.</summary>
    public static WgException Failure(string computerName, string description, ScriptOutput output)
    {
        if (output.ReportedError is var (kind, message))
        {
            var id = kind switch
            {
                "not-installed" => WgErrorId.WireGuardNotInstalled,
                "unsupported-os" => WgErrorId.UnsupportedOperatingSystem,
                "busy" => WgErrorId.GatewayBusy,
                "not-running" or "no-config" => WgErrorId.InterfaceNotFound,
                "rollback-failed" => WgErrorId.RollbackIncomplete,
                "snapshot-failed" => WgErrorId.SnapshotFailed,
                "no-change" => WgErrorId.NoPendingChange,
                _ => WgErrorId.RemoteCommandFailed,
            };
            return new WgException(new WgError(id, $"{computerName}: {description} failed: {SecretFilter.Redact(message)}.", Offender: computerName));
        }
        var reason = output.ExitCode == 0 ? "its output ended early" : $"exit {output.ExitCode}";
        return new WgException(new WgError(WgErrorId.RemoteCommandFailed,
            $"{computerName}: {description} failed ({reason}): {output.ErrorSummary}", Offender: computerName));
    }
}

using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// How a script is put together before it is sent: lib.sh and any other libraries it names, the
/// quoted values, then its own text as the body of one function. Scripts reach the host on the
/// standard input of `bash -s`, which reads them as it runs them: a command there that reads its
/// standard input (a NAT helper, systemctl asking for a password, ssh, a ping that waits) would
/// swallow the rest of the script. So bash reads the function whole before running it, runs it in
/// a subshell with stdin from /dev/null (an early `exit` ends the script, not the framing), and
/// the end marker follows only when it succeeded.
/// </summary>
public static class RemoteScript
{
    public const string FunctionName = "wgadmin_main";

    /// <summary>The last line of a script that ran to its end (<see cref="RemoteRunner"/> checks it).</summary>
    public const string EndMarker = "@@end";

    public const string Library = "lib.sh";

    /// <summary>The script <paramref name="fileName"/> of <see cref="ScriptLibrary"/>, ready to send.</summary>
    public static string Compose(string fileName, ScriptValues values, params string[] libraries) =>
        Libraries(libraries) + Wrap(values.Prelude(), ScriptLibrary.Sent(fileName));

    /// <summary>lib.sh, then the given libraries: the functions a script calls, as sent (without comments).</summary>
    public static string Libraries(params string[] libraries) => Join(ScriptLibrary.Sent, libraries);

    /// <summary>As <see cref="Libraries"/>, with the comments: for a script installed on a host, where an admin reads it.</summary>
    public static string InstalledLibraries(params string[] libraries) => Join(ScriptLibrary.Text, libraries);

    private static string Join(Func<string, string> text, string[] libraries)
    {
        var all = new StringBuilder(text(Library));
        foreach (var library in libraries)
            all.Append('\n').Append(text(library));
        return all.Append('\n').ToString();
    }

    /// <summary>The assignments (<paramref name="prelude"/>, no commands) then the body, read whole and run with stdin closed.</summary>
    public static string Wrap(string prelude, string body) =>
        $"{Function(prelude, body)}({FunctionName} \"$@\") </dev/null\nwgadmin_status=$?\n{Trailer}";

    /// <summary>
    /// As <see cref="Wrap"/>, for a change that must not stop half way when the client goes
    /// (Ctrl+C, a killed process, a cut path): the body runs in a process group of its own (a
    /// signal to the session's group misses it), catches hangups and terminations with a no-op
    /// handler (not ignores them: an ignored signal stays ignored in every daemon the change starts,
    /// a caught one is reset by exec), and writes to files under /run/wgadmin (a closed channel
    /// cannot kill it by SIGPIPE); the session shows those files when the body ends.
    /// </summary>
    public static string WrapDetached(string prelude, string body) =>
        Function(prelude, body) +
        "mkdir -p /run/wgadmin\nwgadmin_out=$(mktemp /run/wgadmin/out.XXXXXX)\nwgadmin_err=$(mktemp /run/wgadmin/err.XXXXXX)\n" +
        $"set -m\n(trap : HUP INT TERM QUIT; {FunctionName} \"$@\") </dev/null >\"$wgadmin_out\" 2>\"$wgadmin_err\" &\nset +m\n" +
        "wait $!\nwgadmin_status=$?\ncat \"$wgadmin_out\"\ncat \"$wgadmin_err\" >&2\nrm -f \"$wgadmin_out\" \"$wgadmin_err\"\n" + Trailer;

    /// <summary>The values, then the body as one function, read whole by bash before anything runs.</summary>
    private static string Function(string prelude, string body) => $"{prelude}{FunctionName}() {{\n{body.TrimEnd('\n')}\n}}\n";

    /// <summary>The body's status as the script's; the end marker only after success.</summary>
    private static readonly string Trailer = $"if [ \"$wgadmin_status\" -ne 0 ]; then exit \"$wgadmin_status\"; fi\necho {EndMarker}\n";

    /// <summary>
    /// A script to install on a host (the NAT script, the LAN-route helper): its leading comment
    /// lines (the shebang and what it is), the values as assignments, then the rest of the file.
    /// </summary>
    public static string Installable(string fileName, ScriptValues values)
    {
        var lines = ScriptLibrary.Text(fileName).Split('\n');
        var header = lines.TakeWhile(l => l.StartsWith('#')).Count();
        return string.Join('\n', lines.Take(header)) + "\n" + values.Prelude() + string.Join('\n', lines.Skip(header));
    }

    /// <summary>A text file of the library (a unit, a drop-in) with its @placeholders@ filled (paths only, never shell).</summary>
    public static string Template(string fileName, params (string Placeholder, string Value)[] values)
    {
        var text = ScriptLibrary.Text(fileName);
        foreach (var (placeholder, value) in values)
            text = text.Replace($"@{placeholder}@", value, StringComparison.Ordinal);
        return text;
    }
}

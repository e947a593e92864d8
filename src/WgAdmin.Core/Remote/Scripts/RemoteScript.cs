namespace WgAdmin.Remote;

/// <summary>
/// Scripts reach the gateway on the standard input of `bash -s`, which reads them as it runs them:
/// a command there that reads its standard input (a NAT helper, systemctl asking for a password,
/// ssh, a ping that waits) would swallow the rest of the script. <see cref="Wrap"/> puts the body
/// in a function that bash reads whole before running it, and runs it with stdin from /dev/null.
/// </summary>
public static class RemoteScript
{
    public const string FunctionName = "wgadmin_main";

    /// <summary>
    /// The shell function `put_file PATH MODE`: writes its standard input to PATH atomically (a
    /// temporary file beside it, the mode, then a rename) and leaves no temporary file when a step fails.
    /// </summary>
    public const string PutFileFunction =
        "put_file() { d=$(dirname \"$1\"); mkdir -p \"$d\"; t=$(mktemp \"$d/.wgadmin.XXXXXX\"); " +
        "{ cat > \"$t\" && chmod \"$2\" \"$t\" && mv -f \"$t\" \"$1\"; } || { rm -f \"$t\"; return 1; }; }";

    /// <summary>The assignments (<paramref name="prelude"/>, no commands) then the body, read whole and run with stdin closed.</summary>
    public static string Wrap(string prelude, string body) =>
        $"{prelude}{FunctionName}() {{\n{body.TrimEnd('\n')}\n}}\n{FunctionName} \"$@\" </dev/null\n";
}

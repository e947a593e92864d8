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

    /// <summary>The assignments (<paramref name="prelude"/>, no commands) then the body, read whole and run with stdin closed.</summary>
    public static string Wrap(string prelude, string body) =>
        $"{prelude}{FunctionName}() {{\n{body.TrimEnd('\n')}\n}}\n{FunctionName} \"$@\" </dev/null\n";
}

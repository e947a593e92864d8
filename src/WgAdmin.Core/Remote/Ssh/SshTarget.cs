using System.Globalization;
using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>
/// Where to connect, resolved from what the admin typed ("gw1", "root@gw1", "gw1:2222",
/// "[fd00::1]:22", an ssh_config alias) plus explicit parameters, which win, then the ssh
/// config, then defaults.
/// </summary>
public sealed record SshTarget(string ComputerName, string Host, int Port, string User, IReadOnlyList<string> IdentityFiles, IReadOnlyList<string> KnownHostsFiles)
{
    /// <summary>The name used in known_hosts: "host", or "[host]:port" off port 22.</summary>
    public string KnownHostsName => Port == 22 ? Host : $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>ssh_config's HashKnownHosts: a host key AcceptNew records is written under a hashed name.</summary>
    public bool HashKnownHosts { get; init; }

    /// <summary>ssh_config's CertificateFile entries, expanded as identity files are.</summary>
    public IReadOnlyList<string> CertificateFiles { get; init; } = Array.Empty<string>();

    public override string ToString() => $"{User}@{KnownHostsName}";

    public static SshTarget Resolve(string computerName, SshConfigFile config, string? userName = null, int? port = null, string? homeDirectory = null)
    {
        var (nameUser, nameHost, namePort) = Split(computerName);
        var options = config.Resolve(nameHost);
        var home = homeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        // ssh lowercases the name it connects to and looks up in known_hosts (hashed entries are of
        // the lowercased name); an IPv6 literal it leaves as written.
        var host = options.HostName ?? nameHost;
        if (!host.Contains(':'))
            host = host.ToLowerInvariant();
        var user = userName ?? nameUser ?? options.User ?? Environment.UserName;
        var finalPort = port ?? namePort ?? options.Port ?? 22;
        string Expand(string path) => ExpandPath(path, home, host, user, nameHost);
        return new SshTarget(computerName, host, finalPort, user,
            options.IdentityFiles.Select(Expand).ToArray(),
            options.UserKnownHostsFiles.Select(Expand).ToArray())
        {
            HashKnownHosts = options.HashKnownHosts ?? false,
            CertificateFiles = options.CertificateFiles.Select(Expand).ToArray(),
        };
    }

    /// <summary>Splits "user@host:port"; an IPv6 host is bracketed when a port follows.</summary>
    public static (string? User, string Host, int? Port) Split(string computerName)
    {
        if (string.IsNullOrWhiteSpace(computerName) || computerName.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            throw Invalid(computerName, "it is empty or contains spaces or control characters");
        string? user = null;
        var rest = computerName;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
            if (user.Length == 0)
                throw Invalid(computerName, "the user name before '@' is empty");
        }
        int? port = null;
        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
                throw Invalid(computerName, "the '[' has no matching ']'");
            host = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                if (!after.StartsWith(':'))
                    throw Invalid(computerName, "only ':port' may follow ']'");
                port = ParsePort(computerName, after[1..]);
            }
        }
        else if (rest.Count(c => c == ':') == 1)
        {
            var colon = rest.IndexOf(':');
            host = rest[..colon];
            port = ParsePort(computerName, rest[(colon + 1)..]);
        }
        else
        {
            host = rest; // a bare IPv6 address has several colons and no port
        }
        if (HostProblem(host) is { } hostProblem)
            throw Invalid(computerName, hostProblem);
        if (user is not null && UserProblem(user) is { } userProblem)
            throw Invalid(computerName, userProblem);
        return (user, host, port);
    }

    /// <summary>Why a host name cannot be connected to as given (-ComputerName, ssh_config HostName), or null.</summary>
    internal static string? HostProblem(string host) =>
        host.Length == 0 || host.StartsWith('-') || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '%')
            ? "the host name must be letters, digits, '.', '-', '_' (or an IP address) and not start with '-'"
            : null;

    /// <summary>Why a user name cannot be logged in as (user@ of -ComputerName, ssh_config User), or null.</summary>
    internal static string? UserProblem(string user) =>
        user.Length == 0 || user.StartsWith('-') || !user.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            ? "the user name must be letters, digits, '.', '-', '_' and not start with '-'"
            : null;

    private static int ParsePort(string computerName, string text)
    {
        if (text.Length is > 0 and <= 5 && text.All(char.IsAsciiDigit) && int.Parse(text, CultureInfo.InvariantCulture) is >= 1 and <= 65535 and var port)
            return port;
        throw Invalid(computerName, $"the port {Quote.Value(text)} is not a number from 1 to 65535");
    }

    private static WgException Invalid(string computerName, string problem) =>
        new(new WgError(WgErrorId.InvalidComputerName, $"The computer name {Quote.Value(computerName ?? "")} is not valid: {problem}.", Offender: computerName));

    internal static string ExpandPath(string path, string home, string host, string user, string alias)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
            path = home + path[1..];
        // One pass, as ssh's percent_expand: "%%d" is a literal "%d", and a value put in is not expanded again.
        return Regex.Replace(path, "%[%dhrn]", m => m.Value[1] switch
        {
            'd' => home,
            'h' => host,
            'r' => user,
            'n' => alias,
            _ => "%",
        });
    }
}

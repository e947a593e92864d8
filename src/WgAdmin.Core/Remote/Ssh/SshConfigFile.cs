using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>
/// The subset of OpenSSH's client configuration (ssh_config(5)) WgAdmin honours: Host blocks
/// with wildcard and negated patterns, Match blocks (host, originalhost, user, localuser, all;
/// exec, canonical, final refused), Include (when loaded from a file), and HostName, User,
/// Port, IdentityFile, UserKnownHostsFile, HashKnownHosts, IdentityAgent, IdentitiesOnly, ProxyJump,
/// ConnectTimeout, ServerAliveInterval, ServerAliveCountMax, CertificateFile.
/// As in OpenSSH, the first value found for a keyword wins (IdentityFile and CertificateFile accumulate), keywords
/// are case-insensitive, and "Key value" and "Key=value" are both accepted.
/// </summary>
public sealed class SshConfigFile
{
    /// <summary>ssh's limit on nested Include (READCONF_MAX_DEPTH); deeper is an error, as in ssh.</summary>
    private const int MaxIncludeDepth = 16;

    /// <summary>
    /// Blocks in the order ssh reads them. A block applies to a host that matches its patterns and
    /// the patterns of every Host block an Include of it sits in (ssh's conditional inclusion).
    /// </summary>
    private readonly List<Block> _blocks = new();

    private sealed record Block(SshConfigCondition Condition, SshConfigCondition[] Guards, List<(string Key, string Value, int Line)> Options, bool IsHostLine = false);

    public string? Path { get; private set; }

    public static SshConfigFile Empty { get; } = new();

    /// <summary>
    /// Reads a user's ssh config file, and the files its Include lines name (relative paths are
    /// under <paramref name="homeDirectory"/>/.ssh, as ssh reads a user's config).
    /// </summary>
    public static SshConfigFile Load(string path, string? homeDirectory = null)
    {
        var file = new SshConfigFile { Path = path };
        file.Read(File.ReadAllText(path), homeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), SshConfigCondition.Everything, [], 0);
        return file;
    }

    /// <summary>One config text; Include lines are not followed (there is no file to be relative to).</summary>
    public static SshConfigFile Parse(string text)
    {
        var file = new SshConfigFile();
        file.Read(text, null, SshConfigCondition.Everything, [], 0);
        return file;
    }

    /// <summary>The patterns of every Host line, in the order they were read (included files in place).</summary>
    public IEnumerable<string> HostPatterns => _blocks.Where(b => b.IsHostLine).SelectMany(b => b.Condition.HostPatterns ?? []);

    /// <summary>
    /// Reads one file's lines into blocks. Lines before its first Host line continue the including
    /// block (<paramref name="condition"/>); after an Include the including block continues, as in ssh.
    /// </summary>
    private void Read(string text, string? homeDirectory, SshConfigCondition condition, SshConfigCondition[] guards, int depth)
    {
        // Options before any Host line apply to every host, like "Host *".
        var current = new Block(condition, guards, new List<(string, string, int)>());
        _blocks.Add(current);
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var match = Regex.Match(line, @"^(\S+?)(?:\s*=\s*|\s+)(.*)$");
            if (!match.Success)
                throw new WgException(new WgError(WgErrorId.SshConfigError, $"ssh config line {lineNumber}: {Quote.Value(line)} has no value.", lineNumber, line));
            var key = match.Groups[1].Value;
            var value = Unquote(WithoutComment(match.Groups[2].Value).Trim());
            if (key.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                current = new Block(SshConfigCondition.Host(value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), guards, new List<(string, string, int)>(), IsHostLine: true);
                _blocks.Add(current);
            }
            else if (key.Equals("Match", StringComparison.OrdinalIgnoreCase))
            {
                current = new Block(SshConfigCondition.Match(value, lineNumber, line), guards, new List<(string, string, int)>());
                _blocks.Add(current);
            }
            else if (key.Equals("Include", StringComparison.OrdinalIgnoreCase) && homeDirectory is not null)
            {
                if (depth >= MaxIncludeDepth)
                    throw new WgException(new WgError(WgErrorId.SshConfigError, $"ssh config line {lineNumber}: too many nested Include lines (more than {MaxIncludeDepth}).", lineNumber, line));
                // What an included file says applies only where the including block does.
                var inner = current.Condition.IsEverything ? current.Guards : [.. current.Guards, current.Condition];
                foreach (var argument in value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    foreach (var included in ExpandInclude(argument, homeDirectory))
                    {
                        string includedText;
                        try
                        {
                            includedText = File.ReadAllText(included);
                        }
                        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                        {
                            throw new WgException(new WgError(WgErrorId.SshConfigError, $"Cannot read {Quote.Value(included)}, included by ssh config line {lineNumber}: {ex.Message}", lineNumber, included));
                        }
                        Read(includedText, homeDirectory, current.Condition, inner, depth + 1);
                    }
                }
                current = new Block(current.Condition, current.Guards, new List<(string, string, int)>());
                _blocks.Add(current);
            }
            else
            {
                current.Options.Add((key, value, lineNumber));
            }
        }
    }

    /// <summary>
    /// The files an Include argument names, as ssh reads a user's config: "~/" is the home
    /// folder, a relative path is under ~/.ssh, and wildcards in the file name expand in sorted
    /// order (a name that matches no file is no error).
    /// </summary>
    public static IReadOnlyList<string> ExpandInclude(string argument, string homeDirectory)
    {
        var path = argument.StartsWith("~/", StringComparison.Ordinal) ? System.IO.Path.Combine(homeDirectory, argument[2..])
            : System.IO.Path.IsPathRooted(argument) ? argument
            : System.IO.Path.Combine(homeDirectory, ".ssh", argument);
        var directory = System.IO.Path.GetDirectoryName(path);
        var pattern = System.IO.Path.GetFileName(path);
        if (string.IsNullOrEmpty(directory) || string.IsNullOrEmpty(pattern) || directory.IndexOfAny(['*', '?']) >= 0 || !Directory.Exists(directory))
            return Array.Empty<string>();
        if (pattern.IndexOfAny(['*', '?']) < 0)
            return File.Exists(path) ? new[] { path } : Array.Empty<string>();
        return Directory.EnumerateFiles(directory)
            .Where(f => !System.IO.Path.GetFileName(f).StartsWith('.') && Glob(pattern, System.IO.Path.GetFileName(f), ignoreCase: false))
            .Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The options that apply to <paramref name="host"/>, first value per keyword. Match blocks
    /// are evaluated where they stand, as ssh evaluates them: "host" against the HostName set so
    /// far (else the alias), "user" against the User set so far (else <paramref name="localUser"/>).
    /// </summary>
    public SshHostOptions Resolve(string host, string? localUser = null)
    {
        var options = new SshHostOptions();
        var local = localUser ?? Environment.UserName;
        foreach (var (condition, guards, entries, _) in _blocks)
        {
            var context = new SshConfigCondition.Context(host, options.HostName ?? host, options.User ?? local, local);
            if (!condition.Applies(context) || !guards.All(guard => guard.Applies(context)))
                continue;
            foreach (var (key, value, line) in entries)
            {
                switch (key.ToLowerInvariant())
                {
                    case "hostname":
                        // One pass, as ssh's percent_expand: "%%h" is a literal "%h", not "%" and the host.
                        options.HostName ??= Checked("HostName", Regex.Replace(value, "%[%h]", m => m.Value == "%%" ? "%" : host), SshTarget.HostProblem, line);
                        break;
                    case "user":
                        options.User ??= Checked("User", value, SshTarget.UserProblem, line);
                        break;
                    case "hashknownhosts":
                        options.HashKnownHosts ??= value.ToLowerInvariant() switch
                        {
                            "yes" or "true" => true,
                            "no" or "false" => false,
                            _ => throw new WgException(new WgError(WgErrorId.SshConfigError, $"ssh config line {line}: HashKnownHosts {Quote.Value(value)} is neither yes nor no.", line, value)),
                        };
                        break;
                    case "port":
                        if (options.Port is null)
                        {
                            if (!int.TryParse(value, out var port) || port is < 1 or > 65535)
                                throw new WgException(new WgError(WgErrorId.SshConfigError, $"ssh config line {line}: Port {Quote.Value(value)} is not a port number.", line, value));
                            options.Port = port;
                        }
                        break;
                    case "identityfile":
                        // ssh lists a file named twice once (ssh -G shows it so).
                        if (!options.IdentityFiles.Contains(value, StringComparer.Ordinal))
                            options.IdentityFiles.Add(value);
                        break;
                    case "certificatefile":
                        if (!options.CertificateFiles.Contains(value, StringComparer.Ordinal))
                            options.CertificateFiles.Add(value);
                        break;
                    case "identityagent":
                        options.IdentityAgent ??= value;
                        break;
                    case "identitiesonly":
                        options.IdentitiesOnly ??= value.Equals("yes", StringComparison.OrdinalIgnoreCase) || value.Equals("true", StringComparison.OrdinalIgnoreCase);
                        break;
                    case "proxyjump":
                        options.ProxyJump ??= value;
                        break;
                    case "userknownhostsfile":
                        if (options.UserKnownHostsFiles.Count == 0)
                            options.UserKnownHostsFiles.AddRange(value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                        break;
                    case "connecttimeout":
                        // "none" (ssh's default, no limit) is kept as a zero: WgAdmin's own default applies.
                        options.ConnectTimeout ??= value.Equals("none", StringComparison.OrdinalIgnoreCase) ? TimeSpan.Zero : Time("ConnectTimeout", value, line);
                        break;
                    case "serveraliveinterval":
                        options.ServerAliveInterval ??= value.Equals("none", StringComparison.OrdinalIgnoreCase) ? TimeSpan.Zero : Time("ServerAliveInterval", value, line);
                        break;
                    case "serveralivecountmax":
                        if (options.ServerAliveCountMax is null)
                        {
                            if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count))
                                throw new WgException(new WgError(WgErrorId.SshConfigError, $"ssh config line {line}: ServerAliveCountMax {Quote.Value(value)} is not a whole number.", line, value));
                            options.ServerAliveCountMax = count;
                        }
                        break;
                }
            }
        }
        return options;
    }

    /// <summary>
    /// A time as ssh's convtime reads it: whole numbers, each with an optional unit (s, m, h, d, w,
    /// either case), added up ("90", "1m30s", "2h"); anything else is an error, as in ssh.
    /// </summary>
    internal static TimeSpan Time(string keyword, string value, int line)
    {
        long total = 0;
        var i = 0;
        var valid = value.Length > 0;
        while (valid && i < value.Length)
        {
            var start = i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
                i++;
            if (i == start || i - start > 10 || !long.TryParse(value.AsSpan(start, i - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                valid = false;
                break;
            }
            long multiplier = 1;
            if (i < value.Length)
            {
                multiplier = char.ToLowerInvariant(value[i]) switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86400, 'w' => 604800, _ => 0 };
                i++;
            }
            total += number * multiplier;
            valid = multiplier != 0 && total <= int.MaxValue;
        }
        if (!valid)
            throw new WgException(new WgError(WgErrorId.SshConfigError, $"ssh config line {line}: {keyword} {Quote.Value(value)} is not a time (seconds, or a number with s, m, h, d or w).", line, value));
        return TimeSpan.FromSeconds(total);
    }

    /// <summary>
    /// A HostName or User from the file, held to the rules -ComputerName is held to: the value
    /// goes where a typed name would (the connection, known_hosts, %h and %r in paths).
    /// </summary>
    private static string Checked(string keyword, string value, Func<string, string?> problem, int line) =>
        problem(value) is { } why
            ? throw new WgException(new WgError(WgErrorId.SshConfigError, $"ssh config line {line}: {keyword} {Quote.Value(value)} is not valid: {why}.", line, value))
            : value;

    /// <summary>
    /// True when the host matches a pattern list: any positive match and no negated one. Host
    /// patterns are case-sensitive, as in ssh (which matches the alias as typed).
    /// </summary>
    public static bool Matches(IEnumerable<string> patterns, string host) => Matches(patterns, host, ignoreCase: false);

    /// <summary>The same, optionally without regard to case (known_hosts names, which ssh lowercases).</summary>
    internal static bool Matches(IEnumerable<string> patterns, string host, bool ignoreCase)
    {
        var matched = false;
        foreach (var pattern in patterns)
        {
            if (pattern.StartsWith('!'))
            {
                if (Glob(pattern[1..], host, ignoreCase))
                    return false;
            }
            else if (Glob(pattern, host, ignoreCase))
            {
                matched = true;
            }
        }
        return matched;
    }

    /// <summary>
    /// '*' and '?' as ssh's match_pattern reads them, without backtracking: on a mismatch only the
    /// last '*' takes one more character, so a match costs at most pattern times text steps
    /// ("*a*a*a*b" against a long name is instant, as a regex of it is not). It runs inside the
    /// host-key callback, on names and patterns from files.
    /// </summary>
    internal static bool Glob(string pattern, string text, bool ignoreCase)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));

    /// <summary>Cuts a trailing comment, as ssh does: a '#' that starts a word outside double quotes ("User alice # admin").</summary>
    private static string WithoutComment(string value)
    {
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"')
                quoted = !quoted;
            else if (value[i] == '#' && !quoted && i > 0 && char.IsWhiteSpace(value[i - 1]))
                return value[..i];
        }
        return value;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
}

public sealed class SshHostOptions
{
    public string? HostName { get; set; }
    public string? User { get; set; }
    public int? Port { get; set; }
    public List<string> IdentityFiles { get; } = new();
    public List<string> UserKnownHostsFiles { get; } = new();
    /// <summary>CertificateFile: user certificates, each used with the identity whose key it certifies.</summary>
    public List<string> CertificateFiles { get; } = new();
    /// <summary>HashKnownHosts: whether a host key added to known_hosts is written with its name hashed; null when not set (no).</summary>
    public bool? HashKnownHosts { get; set; }
    public string? IdentityAgent { get; set; }
    public bool? IdentitiesOnly { get; set; }
    public string? ProxyJump { get; set; }
    /// <summary>ConnectTimeout; zero for "none".</summary>
    public TimeSpan? ConnectTimeout { get; set; }
    /// <summary>ServerAliveInterval; zero (ssh's default) sends none.</summary>
    public TimeSpan? ServerAliveInterval { get; set; }
    /// <summary>ServerAliveCountMax: unanswered keepalives before the server is given up for dead (ssh's default 3).</summary>
    public int? ServerAliveCountMax { get; set; }
}

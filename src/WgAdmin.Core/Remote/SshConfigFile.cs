using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>
/// The subset of OpenSSH's client configuration (ssh_config(5)) WgAdmin honours: Host blocks
/// with wildcard and negated patterns, and HostName, User, Port, IdentityFile, UserKnownHostsFile.
/// As in OpenSSH, the first value found for a keyword wins (IdentityFile accumulates), keywords
/// are case-insensitive, and "Key value" and "Key=value" are both accepted.
/// </summary>
public sealed class SshConfigFile
{
    private readonly List<(string[] Patterns, List<(string Key, string Value, int Line)> Options)> _blocks = new();

    public string? Path { get; private set; }

    public static SshConfigFile Empty { get; } = new();

    public static SshConfigFile Load(string path)
    {
        var file = Parse(File.ReadAllText(path));
        file.Path = path;
        return file;
    }

    public static SshConfigFile Parse(string text)
    {
        var file = new SshConfigFile();
        // Options before any Host line apply to every host, like "Host *".
        var current = (Patterns: new[] { "*" }, Options: new List<(string, string, int)>());
        file._blocks.Add(current);
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
                current = (value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), new List<(string, string, int)>());
                file._blocks.Add(current);
            }
            else if (key.Equals("Match", StringComparison.OrdinalIgnoreCase))
            {
                // Match blocks need evaluation WgAdmin does not do; their options are skipped.
                current = (Array.Empty<string>(), new List<(string, string, int)>());
                file._blocks.Add(current);
            }
            else
            {
                current.Options.Add((key, value, lineNumber));
            }
        }
        return file;
    }

    /// <summary>The options that apply to <paramref name="host"/>, first value per keyword.</summary>
    public SshHostOptions Resolve(string host)
    {
        var options = new SshHostOptions();
        foreach (var (patterns, entries) in _blocks)
        {
            if (!Matches(patterns, host))
                continue;
            foreach (var (key, value, line) in entries)
            {
                switch (key.ToLowerInvariant())
                {
                    case "hostname":
                        // One pass, as ssh's percent_expand: "%%h" is a literal "%h", not "%" and the host.
                        options.HostName ??= Regex.Replace(value, "%[%h]", m => m.Value == "%%" ? "%" : host);
                        break;
                    case "user":
                        options.User ??= value;
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
                    case "userknownhostsfile":
                        if (options.UserKnownHostsFiles.Count == 0)
                            options.UserKnownHostsFiles.AddRange(value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                        break;
                }
            }
        }
        return options;
    }

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

    private static bool Glob(string pattern, string text, bool ignoreCase) =>
        Regex.IsMatch(text, "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None);

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
}

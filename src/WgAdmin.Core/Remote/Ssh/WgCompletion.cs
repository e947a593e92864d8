using System.Text.RegularExpressions;
using WgAdmin.Config;

namespace WgAdmin.Remote;

/// <summary>
/// Where tab completion finds its candidates: host aliases in ssh_config (Include followed),
/// host names in known_hosts, interface names in a WireGuard config folder or on a gateway.
/// Everything here reads files or parses text and never asks anything of anyone.
/// </summary>
public static class WgCompletion
{
    /// <summary>The folder local interface names come from: /etc/wireguard, or WGADMIN_WIREGUARD_DIR (tests point it at a scratch folder).</summary>
    public static string LocalConfigDirectory =>
        Environment.GetEnvironmentVariable("WGADMIN_WIREGUARD_DIR") is { Length: > 0 } dir ? dir : "/etc/wireguard";

    /// <summary>
    /// The names that can be typed after ssh: every Host pattern of the file and the files it
    /// includes that has no wildcard and no negation and that -ComputerName accepts, in the order
    /// ssh reads them. A file that cannot be read or parsed offers nothing.
    /// </summary>
    public static IReadOnlyList<string> SshConfigHosts(string configPath, string homeDirectory)
    {
        try
        {
            return PlainHosts(SshConfigFile.Load(configPath, homeDirectory));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or WgException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>The Host aliases of one ssh_config text, Include lines not followed.</summary>
    public static IReadOnlyList<string> SshConfigHosts(string text) => PlainHosts(SshConfigFile.Parse(text));

    private static IReadOnlyList<string> PlainHosts(SshConfigFile config) =>
        config.HostPatterns.Where(IsConnectableName).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The host names of a known_hosts text: plain names and addresses, "[host]:port" as host;
    /// hashed names (|1|...), negations, wildcards, names -ComputerName refuses, @revoked and
    /// @cert-authority lines left out.
    /// </summary>
    public static IReadOnlyList<string> KnownHostNames(string text)
    {
        var names = new List<string>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith('@'))
                continue;
            var fields = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            foreach (var name in fields[0].Split(','))
            {
                var host = Regex.Match(name, @"^\[([^\]]+)\](?::[0-9]+)?$") is { Success: true } bracketed ? bracketed.Groups[1].Value : name;
                if (!IsConnectableName(host))
                    continue;
                names.Add(host);
            }
        }
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>The host names of known_hosts files that exist and can be read.</summary>
    public static IReadOnlyList<string> KnownHostNames(IEnumerable<string> files)
    {
        var names = new List<string>();
        foreach (var file in files)
        {
            try
            {
                names.AddRange(KnownHostNames(File.ReadAllText(file)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A missing or unreadable file offers nothing.
            }
        }
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>Interface names of the NAME.conf files in a folder (valid names only), sorted.</summary>
    public static IReadOnlyList<string> LocalInterfaceNames(string directory)
    {
        try
        {
            return InterfaceNames(Directory.EnumerateFiles(directory, "*.conf").Select(Path.GetFileNameWithoutExtension)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>Valid interface names, once each, sorted.</summary>
    public static IReadOnlyList<string> InterfaceNames(IEnumerable<string?> names) =>
        names.Where(WgValues.IsValidInterfaceName).Select(n => n!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>What lists a gateway's interfaces: its config files and its running links (interface-names.sh).</summary>
    public static RemoteOperation<IReadOnlyList<string>> RemoteInterfaceOperation(TimeSpan budget) =>
        new("listing interfaces", RemoteInterfaceScript, output => InterfaceNames(output.Sections.Where(s => s.Name == "").SelectMany(s => s.Lines))) { Timeout = budget };

    public static string RemoteInterfaceScript => RemoteScript.Compose("interface-names.sh", new ScriptValues().Set("wireguard_dir", HostPaths.WireGuardDirectory));

    /// <summary>The names <see cref="RemoteInterfaceScript"/> printed; none unless it got to its end.</summary>
    public static IReadOnlyList<string> ParseRemoteInterfaces(string output)
    {
        var sections = SectionReader.Read(output);
        return sections.Count > 0 && sections[^1].Name == RemoteScript.EndMarker[2..]
            ? InterfaceNames(sections.Where(s => s.Name == "").SelectMany(s => s.Lines))
            : Array.Empty<string>();
    }

    /// <summary>
    /// Lists a gateway's interfaces over a connection, giving up after <paramref name="budget"/>
    /// (a prompt must not hang on a slow host): then, or on any failure, no names. The
    /// connection is made by <paramref name="connect"/> inside the budget; one it made after the
    /// budget ran out is closed when it arrives, and a kept one is never closed.
    /// </summary>
    public static IReadOnlyList<string> RemoteInterfaceNames(Func<CancellationToken, SshConnection> connect, bool closeAfter, TimeSpan budget)
    {
        using var cancel = new CancellationTokenSource(budget);
        var work = Task.Run(() =>
        {
            var connection = connect(cancel.Token);
            try
            {
                return RemoteRunner.Invoke(connection, RemoteInterfaceOperation(budget), cancel.Token);
            }
            finally
            {
                if (closeAfter)
                    connection.Dispose();
            }
        }, CancellationToken.None);
        try
        {
            return work.Wait(budget) ? work.Result : Array.Empty<string>();
        }
        catch (AggregateException)
        {
            return Array.Empty<string>();
        }
    }

    /// <summary>
    /// The candidates that start with what was typed (any quote the user opened is ignored),
    /// without regard to case, each once, in the order given.
    /// </summary>
    public static IReadOnlyList<string> Filter(IEnumerable<string> candidates, string? wordToComplete)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return candidates.Where(c => c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>
    /// A name one can connect to as typed: what -ComputerName accepts (SshTarget.Split), so never
    /// a wildcard, a negation, a hash or a shell character ("gw;id" in known_hosts is not offered).
    /// </summary>
    private static bool IsConnectableName(string name)
    {
        try
        {
            SshTarget.Split(name);
            return true;
        }
        catch (WgException)
        {
            return false;
        }
    }

    /// <summary>
    /// The text a completion inserts: the name bare when PowerShell reads it back as that same
    /// word (letters first, or a dotted IPv4 address), else single-quoted, so that "0x10" is not
    /// the number 16, "[fd00::1]" not a type, and nothing in a name is ever read as code.
    /// </summary>
    public static string CompletionText(string name) =>
        Regex.IsMatch(name, @"\A(?:[A-Za-z][A-Za-z0-9._-]*|[0-9]{1,3}(?:\.[0-9]{1,3}){3})\z", RegexOptions.CultureInvariant)
            ? name
            : "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'";
}

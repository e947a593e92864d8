using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Completes -ComputerName: the Host aliases of the ssh config (-SshConfigPath when given,
/// else ~/.ssh/config, Include followed), the hosts of this runspace's kept sessions, then the
/// host names in known_hosts (-KnownHostsPath, ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts).
/// Reads files only; never connects.
/// </summary>
public sealed class ComputerNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var settings = SshParameters.Settings(fakeBoundParameters, CompletionContext.ResolvePath);
        var home = settings.HomeDirectory;
        var configPath = settings.SshConfigPath ?? Path.Combine(home, ".ssh", "config");
        var knownHostsFiles = settings.KnownHostsPaths
            .Append(Path.Combine(home, ".ssh", "known_hosts"))
            .Append("/etc/ssh/ssh_known_hosts");

        var candidates = new List<(string Name, string Source)>();
        candidates.AddRange(WgCompletion.SshConfigHosts(configPath, home).Select(h => (h, $"{h} (ssh config)")));
        candidates.AddRange(WgSessionRegistry.List(WgCmdlet.RunspaceId).Select(s => (s.ComputerName, $"{s.ComputerName} (session {s.Id})")));
        candidates.AddRange(WgCompletion.KnownHostNames(knownHostsFiles).Order(StringComparer.OrdinalIgnoreCase).Select(h => (h, $"{h} (known_hosts)")));

        var tooltips = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, source) in candidates)
            tooltips.TryAdd(name, source);
        return WgCompletion.Filter(candidates.Select(c => c.Name), wordToComplete).Select(name => CompletionContext.Result(name, tooltips[name]));
    }
}

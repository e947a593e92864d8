using System.Collections;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Language;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Completes interface names (-Name, -InterfaceName). With -Session or -ComputerName bound, the
/// gateway's interfaces (its /etc/wireguard/*.conf and running links): over the kept session to
/// that host when there is one, else over a short connection of its own that cannot ask
/// anything (host key checked strictly, no password, no passphrase, sudo -n) and gives up after
/// <see cref="Budget"/>; what a gateway answered (nothing, when it did not in time) is kept for a minute. Otherwise the NAME.conf
/// files of this machine's /etc/wireguard (WGADMIN_WIREGUARD_DIR for tests).
/// </summary>
public sealed class InterfaceNameCompleter : IArgumentCompleter
{
    /// <summary>The most a TAB waits for one gateway, connecting included.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);
    private static readonly ConcurrentDictionary<string, (DateTime At, IReadOnlyList<string> Names)> Cache = new(StringComparer.Ordinal);

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var names = new List<(string Name, string Source)>();
        var sessions = CompletionContext.Sessions(fakeBoundParameters);
        var hosts = BoundValues.Strings(fakeBoundParameters, "ComputerName");
        // One TAB asks at most a few gateways, all at once: each is bounded by the budget, so the
        // TAB waits about one budget however many it asks. What to ask is worked out here, on the
        // prompt's thread: kept sessions and relative paths belong to its runspace.
        var asks = sessions.Length > 0
            ? sessions.Where(s => s.Connection.IsConnected).Take(3)
                .Select(session => (Where: session.ComputerName, Ask: (Func<IReadOnlyList<string>>)(() => FromSession(session)))).ToList()
            : hosts.Distinct(StringComparer.OrdinalIgnoreCase).Take(3)
                .Select(host => (Where: host, Ask: AskHost(host, fakeBoundParameters))).ToList();
        if (sessions.Length > 0 || hosts.Length > 0)
        {
            var answers = asks.Select(a => Task.Run(a.Ask)).ToArray();
            try
            {
                Task.WaitAll(answers, Budget + TimeSpan.FromMilliseconds(500));
            }
            catch (AggregateException)
            {
                // A gateway that failed offers nothing; the others still count.
            }
            for (var i = 0; i < asks.Count; i++)
            {
                if (answers[i].IsCompletedSuccessfully)
                    names.AddRange(answers[i].Result.Select(n => (n, $"{n} on {asks[i].Where}")));
            }
        }
        else
        {
            var directory = WgCompletion.LocalConfigDirectory;
            names.AddRange(WgCompletion.LocalInterfaceNames(directory).Select(n => (n, Path.Combine(directory, n + ".conf"))));
        }
        var tooltips = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, source) in names)
            tooltips.TryAdd(name, source);
        return WgCompletion.Filter(names.Select(n => n.Name), wordToComplete).Select(name => CompletionContext.Result(name, tooltips[name]));
    }

    private static IReadOnlyList<string> FromSession(WgSession session) =>
        WgCompletion.RemoteInterfaceNames(_ => session.Connection, closeAfter: false, Budget);

    /// <summary>How to ask one host: over its kept session, from the cache, or over a connection of its own.</summary>
    private static Func<IReadOnlyList<string>> AskHost(string host, IDictionary bound)
    {
        var kept = WgSessionRegistry.Find(WgCmdlet.RunspaceId, host);
        if (kept is not null)
            return () => FromSession(kept);

        SshConnectOptions options;
        try
        {
            var settings = SshParameters.Settings(bound, CompletionContext.ResolvePath) with
            {
                // Completion never trusts a new host key (nor writes known_hosts) and never asks for anything.
                Password = null,
                HostKeyPolicy = HostKeyPolicy.Strict,
                ConnectTimeout = ConnectTimeout,
            };
            options = settings.For(host, settings.LoadSshConfig());
        }
        catch (WgException)
        {
            return Array.Empty<string>;
        }

        var key = $"{options.Target}|{string.Join(',', options.KeyFiles)}|{string.Join(',', options.KnownHostsFiles)}";
        if (Cache.TryGetValue(key, out var cached) && DateTime.UtcNow - cached.At < CacheLifetime)
            return () => cached.Names;
        return () =>
        {
            var names = WgCompletion.RemoteInterfaceNames(cancel => SshConnection.Open(options, cancel), closeAfter: true, Budget);
            // A host that gave nothing in time is not asked again for a minute either: every TAB would wait the budget.
            Cache[key] = (DateTime.UtcNow, names);
            return names;
        };
    }
}

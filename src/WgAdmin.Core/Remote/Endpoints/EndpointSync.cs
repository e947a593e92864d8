using System.Globalization;
using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Remote;

/// <summary>
/// Re-resolving the host names of peers' endpoints on a gateway (reresolve.sh), as wireguard-tools'
/// contrib/reresolve-dns does: Sync-WgEndpoint sends the script once; Set-WgInterface
/// -ReresolveEndpoint installs it with a timer (<see cref="ReresolveTimer"/>). Either takes the
/// host's change lock and no snapshot (docs/remote.md, "Dynamic endpoints").
/// </summary>
public static class EndpointSync
{
    public const string Moved = "Moved";
    public const string Unchanged = "Unchanged";
    public const string Fresh = "Fresh";
    public const string Unresolved = "Unresolved";
    public const string Invalid = "Invalid";
    public const string Absent = "Absent";

    /// <summary>wireguard-tools' rule: a handshake older than this (REKEY_AFTER_TIME + REKEY_TIMEOUT + 10 s) means the peer is lost.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(135);

    /// <summary>How often wg asks the resolver again for a name that fails for now (WG_ENDPOINT_RESOLUTION_RETRIES; wg's own default, 15, takes a minute).</summary>
    public const int ResolveRetries = 2;

    /// <summary>How long the timer's run waits for the change lock before it leaves this round to the next.</summary>
    public static readonly TimeSpan TimerLockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Sync-WgEndpoint's operation: every peer of <paramref name="interfaceName"/> with a host name, re-resolved when stale (or all, <paramref name="force"/>).</summary>
    public static RemoteOperation<IReadOnlyList<WgEndpointSyncResult>> Operation(string computerName, string interfaceName, bool force, ChangeOptions options) =>
        new("re-resolving the peers' endpoints", Script(interfaceName, force, options), output => Parse(computerName, interfaceName, output.Sections))
        {
            Timeout = options.LockTimeout + TimeSpan.FromMinutes(2),
        };

    public static string Script(string interfaceName, bool force, ChangeOptions options) =>
        RemoteScript.Compose("reresolve.sh", Values(interfaceName, force, options.LockTimeout, $"Sync-WgEndpoint from {options.Station}", "sections"));

    /// <summary>The script as the timer runs it: #!/bin/bash, lib.sh, the values, reresolve.sh; it writes a line a moved or failed peer to the journal.</summary>
    public static string InstalledScript(string interfaceName) =>
        "#!/bin/bash\n# Written by WgAdmin (Set-WgInterface -ReresolveEndpoint): re-resolves the host names of the\n"
        + $"# peers' endpoints of {interfaceName} whose handshake is stale; run by its timer (or cron).\n"
        + RemoteScript.InstalledLibraries()
        + Values(interfaceName, force: false, TimerLockTimeout, $"the re-resolve timer of {interfaceName}", "log").Prelude()
        + ScriptLibrary.Text("reresolve.sh");

    private static ScriptValues Values(string interfaceName, bool force, TimeSpan lockTimeout, string holder, string report) => new ScriptValues()
        .Set("name", interfaceName)
        .Set("conf", HostPaths.Config(interfaceName))
        .Set("lock_file", HostPaths.ChangeLock)
        .Set("lock_timeout", ChangeScript.Seconds(lockTimeout))
        .Set("holder", holder)
        .Set("force", force)
        .Set("stale_after", (int)StaleAfter.TotalSeconds)
        .Set("resolve_retries", ResolveRetries)
        .Set("report", report);

    /// <summary>
    /// The "@@peer" sections as results. The host's text is held to what the script may print: a
    /// key, a host name, endpoints, digits; a section that is not is no result but a failure.
    /// </summary>
    public static IReadOnlyList<WgEndpointSyncResult> Parse(string computerName, string interfaceName, IReadOnlyList<ScriptSection> sections)
    {
        var results = new List<WgEndpointSyncResult>();
        foreach (var section in sections.Where(s => s.Name == "peer"))
        {
            var status = section.Value("status") switch
            {
                "moved" => Moved,
                "unchanged" => Unchanged,
                "fresh" => Fresh,
                "unresolved" => Unresolved,
                "invalid" => Invalid,
                "absent" => Absent,
                var other => throw new FormatException($"unknown status '{other}'"),
            };
            var key = Text(section.Value("key"));
            if (key is not null && !WgPublicKey.TryParse(key, out _))
                throw new FormatException("a peer key that is no key");
            var host = Text(section.Value("host"));
            if (host is not null && (!WgEndpoint.TryParse($"{host}:1", out var parsed) || parsed.Address is not null))
                throw new FormatException("a host that is no host name");
            var port = Number(section.Value("port"));
            if (port is < 1 or > 65535)
                throw new FormatException("a port out of range");
            var old = Endpoint(section.Value("old"));
            var current = Endpoint(section.Value("new"));
            var name = Text(section.Value("name"));
            results.Add(new WgEndpointSyncResult
            {
                ComputerName = computerName,
                InterfaceName = interfaceName,
                Peer = name ?? key ?? "(unnamed peer)",
                PublicKey = key,
                HostName = host,
                Port = (int?)port,
                OldEndpoint = old,
                NewEndpoint = current,
                Moved = status == Moved,
                HandshakeAgeSeconds = Number(section.Value("age")),
                Status = status,
                Message = Text(section.Value("message")) is { } message ? SecretFilter.Redact(message) : null,
            });
        }
        return results;
    }

    private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static long? Number(string? value) =>
        Text(value) is { } text ? long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) : null;

    /// <summary>An endpoint as wg shows it: an address and port, or "(none)" (null).</summary>
    private static string? Endpoint(string? value)
    {
        if (Text(value) is not { } text || text == "(none)")
            return null;
        if (!WgEndpoint.TryParse(text, out var endpoint) || endpoint.Address is null)
            throw new FormatException("an endpoint that is no address");
        return endpoint.ToString();
    }
}

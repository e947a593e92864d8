using System.Globalization;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Remote;

/// <summary>Reads interface status: the remote script, its parser, and the local `wg show all dump` redaction.</summary>
public static class InterfaceStatusReader
{
    public static RemoteOperation<IReadOnlyList<WgInterfaceStatus>> Operation(string computerName) =>
        new("reading interfaces", Script(), output => Parse(output.Sections, computerName));

    public static string Script() => RemoteScript.Compose("interface-status.sh", new ScriptValues().Set("wireguard_dir", HostPaths.WireGuardDirectory));

    /// <summary>Reduces one line of local `wg show all dump` output the same way the remote filter does; null for a line it drops.</summary>
    public static string? RedactLine(string line) => DumpFormat.RedactAllLine(line);

    public static IReadOnlyList<WgInterfaceStatus> Parse(string output, string? computerName, DateTimeOffset? now = null) =>
        Parse(SectionReader.Read(output), computerName, now);

    public static IReadOnlyList<WgInterfaceStatus> Parse(IReadOnlyList<ScriptSection> sections, string? computerName, DateTimeOffset? now = null)
    {
        var dumpLines = new List<string>();
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        var services = new Dictionary<string, (string Enabled, string Active)>(StringComparer.Ordinal);
        var readAt = now ?? DateTimeOffset.UtcNow;
        foreach (var section in sections)
        {
            switch (section.Name)
            {
                case "now" when long.TryParse(section.Items.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                                && DumpFormat.UnixTime(seconds) is { } clock:
                    readAt = clock;
                    break;
                case "dump":
                    dumpLines.AddRange(section.Lines.Where(l => l.Length > 0));
                    break;
                case "config" when section.Argument(0) is { } name:
                    configs[name] = section.Text;
                    break;
                case "service" when section.Arguments.Count >= 3:
                    services[section.Arguments[0]] = (section.Arguments[1], section.Arguments[2]);
                    break;
            }
        }
        return Build(dumpLines, configs, services, computerName, readAt);
    }

    public static IReadOnlyList<WgInterfaceStatus> Build(IReadOnlyList<string> dumpLines, IReadOnlyDictionary<string, string> configTexts,
        IReadOnlyDictionary<string, (string Enabled, string Active)> services, string? computerName, DateTimeOffset readAt)
    {
        var live = new Dictionary<string, (string? PublicKey, int? Port, uint? FwMark, List<LivePeer> Peers)>(StringComparer.Ordinal);
        foreach (var line in dumpLines)
        {
            var fields = line.Split('\t');
            // An interface line: a valid name and a public key (or none), as wg prints them; anything else is dropped.
            if (fields.Length == 5 && WgValues.IsValidInterfaceName(fields[0]) && (fields[2] == "(none)" || Keys.WgPublicKey.TryParse(fields[2], out _)))
                live[fields[0]] = (fields[2] == "(none)" ? null : fields[2], int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0 ? port : null,
                    fields[4] == "off" ? null : uint.TryParse(fields[4].StartsWith("0x", StringComparison.Ordinal) ? fields[4][2..] : fields[4],
                        fields[4].StartsWith("0x", StringComparison.Ordinal) ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var mark) ? mark : null,
                    new List<LivePeer>());
            else if (fields.Length == 9 && live.TryGetValue(fields[0], out var entry) && DumpFormat.ParsePeer(string.Join('\t', fields[1..])) is { } peer
                     && entry.Peers.All(p => p.PublicKey != peer.PublicKey))
                entry.Peers.Add(peer);
        }
        var names = live.Keys.Union(configTexts.Keys).OrderBy(n => n, StringComparer.Ordinal);
        var result = new List<WgInterfaceStatus>();
        foreach (var name in names)
        {
            WgInterface? config = null;
            string? configError = null;
            if (configTexts.TryGetValue(name, out var text))
            {
                try
                {
                    config = WgConfigParser.Parse(text, WgValues.IsValidInterfaceName(name) ? name : null);
                }
                catch (WgException ex)
                {
                    configError = ex.Message;
                }
            }
            var peerNames = config?.Peers.Where(p => p.Name is not null).ToDictionary(p => p.PublicKey.ToString(), p => p.Name!, StringComparer.Ordinal)
                ?? new Dictionary<string, string>();
            var isUp = live.TryGetValue(name, out var running);
            services.TryGetValue(name, out var service);
            result.Add(new WgInterfaceStatus
            {
                ComputerName = computerName,
                Name = name,
                IsUp = isUp,
                PublicKey = isUp ? running.PublicKey : config?.PublicKey?.ToString(),
                ListenPort = isUp ? running.Port : config?.ListenPort,
                FwMark = isUp ? running.FwMark : config?.FwMark,
                ServiceEnabled = service.Enabled,
                ServiceActive = service.Active,
                ConfigPath = config is not null || configError is not null ? HostPaths.Config(name) : null,
                Config = config,
                ConfigError = configError,
                Peers = isUp ? running.Peers.Select(p => Peer(p, peerNames, readAt)).ToArray() : Array.Empty<WgPeerStatus>(),
            });
        }
        return result;
    }

    private static WgPeerStatus Peer(LivePeer peer, IReadOnlyDictionary<string, string> names, DateTimeOffset readAt)
    {
        var latest = DumpFormat.UnixTime(peer.LatestHandshakeUnix);
        return new WgPeerStatus
        {
            Name = names.TryGetValue(peer.PublicKey, out var name) ? name : null,
            PublicKey = peer.PublicKey,
            HasPresharedKey = peer.HasPresharedKey,
            Endpoint = peer.Endpoint,
            AllowedIPs = peer.AllowedIPs,
            LatestHandshake = latest,
            HandshakeAge = latest is null ? null : readAt - latest.Value,
            ReceivedBytes = peer.ReceivedBytes,
            SentBytes = peer.SentBytes,
            PersistentKeepalive = peer.PersistentKeepalive,
        };
    }
}

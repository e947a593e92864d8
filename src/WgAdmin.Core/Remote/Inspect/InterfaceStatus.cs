using System.Globalization;
using System.Text;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Remote;

/// <summary>A peer of a running interface: where it is, when it last shook hands, what it moved.</summary>
public sealed class WgPeerStatus
{
    public string? Name { get; init; }
    public required string PublicKey { get; init; }
    public string? Endpoint { get; init; }
    public IReadOnlyList<string> AllowedIPs { get; init; } = Array.Empty<string>();
    public DateTimeOffset? LatestHandshake { get; init; }
    /// <summary>How long ago the last handshake was, as seen when the status was read.</summary>
    public TimeSpan? HandshakeAge { get; init; }
    public long ReceivedBytes { get; init; }
    public long SentBytes { get; init; }
    public int? PersistentKeepalive { get; init; }
    public bool HasPresharedKey { get; init; }

    public override string ToString() => Name ?? PublicKey;
}

/// <summary>An interface as a host has it: live state from `wg show all dump` and its config file. Nothing secret.</summary>
public sealed class WgInterfaceStatus
{
    public string? ComputerName { get; init; }
    public required string Name { get; init; }
    public bool IsUp { get; init; }
    public string? PublicKey { get; init; }
    public int? ListenPort { get; init; }
    public uint? FwMark { get; init; }
    public string? ServiceEnabled { get; init; }
    public string? ServiceActive { get; init; }
    public IReadOnlyList<WgPeerStatus> Peers { get; init; } = Array.Empty<WgPeerStatus>();
    public string? ConfigPath { get; init; }
    /// <summary>The config file without its keys, or null when there is none.</summary>
    public WgInterface? Config { get; init; }
    public string? ConfigError { get; init; }

    public override string ToString() => ComputerName is null ? Name : $"{ComputerName}/{Name}";
}

/// <summary>Reads interface status: the remote script, its parser, and the local `wg show all dump` redaction.</summary>
public static class InterfaceStatusReader
{
    public static string Script() => RemoteScript.Wrap("", $$"""
export LC_ALL=C
echo @@now; date +%s
echo @@dump
command -v wg >/dev/null 2>&1 && wg show all dump 2>/dev/null | {{DumpFilter.AllLines}}
for f in /etc/wireguard/*.conf; do
  [ -f "$f" ] || continue
  n=$(basename "$f" .conf)
  echo "@@config $n"
  {{KeyLines.AwkFilter}} "$f"
  if command -v systemctl >/dev/null 2>&1; then
    echo "@@service $n $(systemctl is-enabled "wg-quick@$n" 2>/dev/null) $(systemctl is-active "wg-quick@$n" 2>/dev/null)"
  fi
done
echo @@end
""");

    /// <summary>Reduces one line of local `wg show all dump` output the same way the remote filter does; null for a line it drops.</summary>
    public static string? RedactLine(string line) => DumpFilter.RedactAllLine(line);

    public static IReadOnlyList<WgInterfaceStatus> Parse(string output, string? computerName, DateTimeOffset? now = null)
    {
        var dumpLines = new List<string>();
        var configs = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        var services = new Dictionary<string, (string Enabled, string Active)>(StringComparer.Ordinal);
        var section = "";
        string? currentConfig = null;
        var readAt = now ?? DateTimeOffset.UtcNow;
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                var parts = line[2..].Split(' ');
                section = parts[0];
                if (section == "config" && parts.Length > 1)
                    configs[currentConfig = parts[1]] = new StringBuilder();
                else if (section == "service" && parts.Length >= 4)
                    services[parts[1]] = (parts[2], parts[3]);
                continue;
            }
            switch (section)
            {
                case "now" when long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds):
                    readAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
                    break;
                case "dump" when line.Length > 0:
                    dumpLines.Add(line);
                    break;
                case "config" when currentConfig is not null:
                    configs[currentConfig].Append(line).Append('\n');
                    break;
            }
        }
        return Build(dumpLines, configs.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()), services, computerName, readAt);
    }

    public static IReadOnlyList<WgInterfaceStatus> Build(IReadOnlyList<string> dumpLines, IReadOnlyDictionary<string, string> configTexts,
        IReadOnlyDictionary<string, (string Enabled, string Active)> services, string? computerName, DateTimeOffset readAt)
    {
        var live = new Dictionary<string, (string PublicKey, int? Port, uint? FwMark, List<string[]> Peers)>(StringComparer.Ordinal);
        foreach (var line in dumpLines)
        {
            var fields = line.Split('\t');
            if (fields.Length == 5)
                live[fields[0]] = (fields[2], int.TryParse(fields[3], out var port) && port > 0 ? port : null,
                    fields[4] == "off" ? null : uint.TryParse(fields[4].StartsWith("0x", StringComparison.Ordinal) ? fields[4][2..] : fields[4],
                        fields[4].StartsWith("0x", StringComparison.Ordinal) ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var mark) ? mark : null,
                    new List<string[]>());
            else if (fields.Length == 9 && live.TryGetValue(fields[0], out var entry))
                entry.Peers.Add(fields);
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
                ConfigPath = config is not null || configError is not null ? $"/etc/wireguard/{name}.conf" : null,
                Config = config,
                ConfigError = configError,
                Peers = isUp ? running.Peers.Select(f => Peer(f, peerNames, readAt)).ToArray() : Array.Empty<WgPeerStatus>(),
            });
        }
        return result;
    }

    private static WgPeerStatus Peer(string[] f, IReadOnlyDictionary<string, string> names, DateTimeOffset readAt)
    {
        // `wg show all dump` is `wg show NAME dump` with the interface in front: one parser for both.
        var peer = GatewayProbe.ParsePeer(string.Join('\t', f[1..]))!;
        DateTimeOffset? latest = peer.LatestHandshakeUnix > 0 ? DateTimeOffset.FromUnixTimeSeconds(peer.LatestHandshakeUnix) : null;
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

/// <summary>Generating a private key on a gateway, where it stays.</summary>
public static class RemoteKeys
{
    public static string GenerateScript(string interfaceName, string? installCommand)
    {
        var name = ShellQuote.Quote(interfaceName);
        var install = installCommand is null
            ? "echo 'WgAdmin: wg is not installed' >&2; exit 3"
            : installCommand;
        return RemoteScript.Wrap($"name={name}\n", $$"""
set -eu
umask 077
f="/etc/wireguard/$name.key"
command -v wg >/dev/null 2>&1 || { {{install}}; }
mkdir -p /etc/wireguard && chmod 700 /etc/wireguard
if [ ! -s "$f" ]; then t=$(mktemp /etc/wireguard/.wgadmin.XXXXXX); wg genkey > "$t"; chmod 600 "$t"; mv -f "$t" "$f"; echo created=yes; fi
chmod 600 "$f"
echo "pubkey=$(wg pubkey < "$f")"
""");
    }
}

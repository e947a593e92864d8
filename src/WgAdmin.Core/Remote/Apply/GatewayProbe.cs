using System.Globalization;
using System.Text;
using WgAdmin.Config;

namespace WgAdmin.Remote;

/// <summary>
/// Reads a gateway's state for one interface in a single remote command. The script prints
/// sections marked "@@name"; nothing secret leaves the gateway: the private key is reduced to
/// its public key there, preshared keys to "(set)", and key lines are cut from the config text.
/// </summary>
public static class GatewayProbe
{
    public static string ConfigPath(string name) => $"/etc/wireguard/{name}.conf";

    public static string KeyFilePath(string name) => $"/etc/wireguard/{name}.key";

    public static string Script(string interfaceName, IEnumerable<string> managedFiles)
    {
        var name = ShellQuote.Quote(interfaceName);
        var text = new StringBuilder();
        var prelude = $"name={name}\nconf=/etc/wireguard/$name.conf\nnat={ShellQuote.Quote(Firewall.ScriptPath(interfaceName))}\n";
        text.Append($$"""
export LC_ALL=C
has() { command -v "$1" >/dev/null 2>&1; }
echo @@os; cat /etc/os-release 2>/dev/null
echo @@tools
for t in wg wg-quick systemctl iptables ip6tables nft ip apt-get dnf apk sysctl sha256sum; do has "$t" && echo "$t"; done
echo @@facts
[ -d /run/systemd/system ] && echo systemd=yes
[ -z "${SUDO_USER:-}" ] && echo root=yes
has iptables && iptables -V 2>/dev/null | grep -q nf_tables && echo iptables_nft=yes
has iptables && iptables -w -S FORWARD 2>/dev/null | grep -qx -- '-P FORWARD DROP' && echo iptables_forward_drop=yes
echo @@conf
if [ -f "$conf" ]; then
  echo "mode=$(stat -c %a "$conf")"
  echo "hash=$(grep -v '^PrivateKey = ' "$conf" | sha256sum | cut -d' ' -f1)"
  has wg && echo "pubkey=$(sed -n 's/^[[:space:]]*[Pp][Rr][Ii][Vv][Aa][Tt][Ee][[:space:]]*[Kk][Ee][Yy][[:space:]]*=[[:space:]]*//p' "$conf" | head -n 1 | wg pubkey 2>/dev/null)"
  echo @@conftext
  {{KeyLines.AwkFilter}} "$conf"
fi
echo @@keyfile
[ -f "/etc/wireguard/$name.key" ] && has wg && wg pubkey < "/etc/wireguard/$name.key" 2>/dev/null
echo @@link
if ip link show dev "$name" >/dev/null 2>&1; then
  echo yes
  ip -o link show dev "$name" | sed -n 's/.* mtu \([0-9]*\).*/mtu=\1/p'
  echo @@live
  has wg && wg show "$name" public-key 2>/dev/null | sed 's/^/pubkey=/'
  has wg && wg show "$name" listen-port 2>/dev/null | sed 's/^/port=/'
  echo @@peers
  has wg && wg show "$name" dump 2>/dev/null | {{DumpFilter.PeerLines}}
  echo @@addresses
  ip -o addr show dev "$name" 2>/dev/null | awk '{ print $4 }'
fi
echo @@service
if has systemctl; then
  echo "enabled=$(systemctl is-enabled "wg-quick@$name" 2>/dev/null)"
  echo "active=$(systemctl is-active "wg-quick@$name" 2>/dev/null)"
fi
echo @@forwarding
echo "ipv4=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
echo "ipv6=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)"
echo @@managed

""");
        foreach (var file in managedFiles)
            text.Append($"[ -f {ShellQuote.Quote(file)} ] && echo \"$(sha256sum < {ShellQuote.Quote(file)} | cut -d' ' -f1) \"{ShellQuote.Quote(file)}\n");
        text.Append("echo @@nat\n");
        text.Append("if [ -x \"$nat\" ]; then \"$nat\" check >/dev/null 2>&1 && echo present || echo missing; fi\necho @@end\n");
        return RemoteScript.Wrap(prelude, text.ToString());
    }

    public static GatewayState Parse(string output)
    {
        var state = new GatewayState();
        var section = "";
        var configText = new StringBuilder();
        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                section = line[2..];
                continue;
            }
            if (section == "conftext")
            {
                configText.Append(line).Append('\n');
                continue;
            }
            if (line.Length == 0)
                continue;
            var (key, value) = SplitPair(line);
            switch (section)
            {
                case "os":
                    if (value is not null)
                        state.OsRelease[key] = value.Trim('"');
                    break;
                case "tools":
                    state.Tools.Add(line.Trim());
                    break;
                case "facts":
                    state.HasSystemd |= line == "systemd=yes";
                    state.IsRoot |= line == "root=yes";
                    state.IptablesIsNft |= line == "iptables_nft=yes";
                    state.IptablesForwardDrop |= line == "iptables_forward_drop=yes";
                    break;
                case "conf":
                    state.ConfigExists = true;
                    if (key == "mode") state.ConfigMode = value;
                    else if (key == "hash") state.ConfigHash = value;
                    else if (key == "pubkey" && !string.IsNullOrEmpty(value)) state.ConfigPublicKey = value;
                    break;
                case "keyfile":
                    state.KeyFilePublicKey = line.Trim();
                    break;
                case "link":
                    if (line == "yes") state.LinkExists = true;
                    else if (key == "mtu" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var mtu)) state.LinkMtu = mtu;
                    break;
                case "live":
                    if (key == "pubkey") state.LivePublicKey = value;
                    else if (key == "port" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port)) state.LiveListenPort = port;
                    break;
                case "peers":
                    if (ParsePeer(line) is { } peer)
                        state.LivePeers.Add(peer);
                    break;
                case "addresses":
                    state.LiveAddresses.Add(line.Trim());
                    break;
                case "service":
                    if (key == "enabled") state.ServiceEnabled = value ?? "";
                    else if (key == "active") state.ServiceActive = value ?? "";
                    break;
                case "forwarding":
                    if (key == "ipv4") state.Ipv4Forwarding = value;
                    else if (key == "ipv6") state.Ipv6Forwarding = value;
                    break;
                case "managed":
                    var space = line.IndexOf(' ');
                    if (space > 0)
                        state.ManagedFileHashes[line[(space + 1)..]] = line[..space];
                    break;
                case "nat":
                    state.NatRulesPresent = line.Trim() == "present";
                    break;
            }
        }
        if (state.ConfigExists)
        {
            try
            {
                state.Config = WgConfigParser.Parse(configText.ToString());
            }
            catch (WgException ex)
            {
                state.ConfigParseError = ex.Message;
            }
        }
        return state;
    }

    /// <summary>One peer line of `wg show dump`: key, psk, endpoint, allowed-ips, handshake, rx, tx, keepalive.</summary>
    public static LivePeer? ParsePeer(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length < 8)
            return null;
        static long Long(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
        var allowed = fields[3] == "(none)" ? Array.Empty<string>() : fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries);
        int? keepalive = fields[7] == "off" ? null : int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;
        return new LivePeer(fields[0], fields[1] != "(none)", fields[2] == "(none)" ? null : fields[2], allowed, Long(fields[4]), Long(fields[5]), Long(fields[6]), keepalive);
    }

    private static (string Key, string? Value) SplitPair(string line)
    {
        var equals = line.IndexOf('=');
        return equals < 0 ? (line, null) : (line[..equals], line[(equals + 1)..]);
    }
}

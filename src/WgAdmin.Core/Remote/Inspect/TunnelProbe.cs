using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using WgAdmin.Config;

namespace WgAdmin.Remote;

/// <summary>What one `ping -q` printed: its summary, or the error it stopped with.</summary>
public sealed record PingSummary(int Sent, int Received, double? RttMinMs, double? RttAvgMs, double? RttMaxMs, string? Error)
{
    public double LossPercent => Sent == 0 ? 100 : Math.Round(100.0 * (Sent - Received) / Sent, 1);
}

/// <summary>One `ip route get` answer: the prefix asked about and the first line of the answer.</summary>
public sealed record RouteAnswer(string Prefix, string Line)
{
    private static readonly Regex DevPattern = new(@"\bdev (\S+)", RegexOptions.CultureInvariant);
    private static readonly Regex ViaPattern = new(@"\bvia (\S+)", RegexOptions.CultureInvariant);

    /// <summary>The interface the route leaves through; null when there is no route.</summary>
    public string? Device => DevPattern.Match(Line) is { Success: true } m ? m.Groups[1].Value : null;

    public string? Via => ViaPattern.Match(Line) is { Success: true } m ? m.Groups[1].Value : null;
}

/// <summary>What the probe found for one peer: its tunnel address, the pings to it, the path MTU, its routes.</summary>
public sealed class PeerProbe
{
    public required string PublicKey { get; init; }
    public string? TunnelAddress { get; set; }
    /// <summary>The peer's prefix in the tunnel subnet when several of its addresses could be the peer's own: not pinged.</summary>
    public string? AmbiguousPrefix { get; set; }
    public PingSummary? Ping { get; set; }
    /// <summary>The largest IP packet that crossed with don't-fragment set; 0 when even the smallest did not.</summary>
    public int? PathMtu { get; set; }
    public List<RouteAnswer> Routes { get; } = new();
}

/// <summary>What the probe found for one -Target: the source it pinged from, its route, the pings.</summary>
public sealed class TargetProbe
{
    public required string Address { get; init; }
    public string? Source { get; set; }
    public RouteAnswer? Route { get; set; }
    public PingSummary? Ping { get; set; }
}

/// <summary>Everything one run of <see cref="TunnelProbe.Script"/> printed, parsed. Nothing secret is in it.</summary>
public sealed class TunnelProbeOutput
{
    /// <summary>The gateway's clock (Unix seconds) when the probe ended: handshake ages are measured from it.</summary>
    public long Now { get; set; }
    public HashSet<string> Tools { get; } = new(StringComparer.Ordinal);
    public string? LinkLine { get; set; }
    public bool LinkExists => LinkLine is not null;
    public List<string> Addresses { get; } = new();
    /// <summary>The config file with its key lines cut; null when there is none.</summary>
    public string? ConfigText { get; set; }
    /// <summary>`systemctl is-enabled`/`is-active` of wg-quick@NAME; null on a host not run by systemd.</summary>
    public string? ServiceEnabled { get; set; }
    public string? ServiceActive { get; set; }
    public int? ListenPort { get; set; }
    public List<string> ListenSockets { get; } = new();
    public string? Ipv4Forwarding { get; set; }
    public string? Ipv6Forwarding { get; set; }
    /// <summary>"present", "missing", or "none" (WgAdmin manages no NAT for the interface).</summary>
    public string? Nat { get; set; }
    public List<LivePeer> Before { get; } = new();
    public List<LivePeer> After { get; } = new();
    public Dictionary<string, PeerProbe> Peers { get; } = new(StringComparer.Ordinal);
    public List<TargetProbe> Targets { get; } = new();
    public bool Complete { get; set; }

    public bool IsUp => LinkLine is not null && Regex.IsMatch(LinkLine, @"<[^>]*\bUP\b[^>]*>", RegexOptions.CultureInvariant);

    public int? Mtu => LinkLine is not null && Regex.Match(LinkLine, @"\bmtu (\d+)", RegexOptions.CultureInvariant) is { Success: true } m
        ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// The one remote script of Test-WgTunnel and its parser. The script reads the interface (link,
/// addresses, service, listening socket, forwarding, WgAdmin's NAT check, `wg show dump` with the
/// preshared keys reduced to "(set)"), pings each peer's tunnel address and each target (from the
/// gateway's LAN address), measures the path MTU with don't-fragment pings, asks `ip route get`
/// for every allowed prefix and target, and reads the dump again. Every value from the admin is
/// single-quoted; the private key is never read.
/// </summary>
public static class TunnelProbe
{
    /// <summary>IPv4 and ICMP headers: a ping of N bytes is an IP packet of N + 28.</summary>
    public const int IcmpOverhead = 28;

    /// <summary>The smallest packet every IPv4 path must carry (576), as a ping size.</summary>
    public const int MinimumPingSize = 576 - IcmpOverhead;

    /// <summary>
    /// The script's functions, defined before its body runs (tests run them alone). A peer's tunnel
    /// address: a /32 (or /31) of its AllowedIPs inside one of the interface's IPv4 subnets; else, for a
    /// wider prefix there, its only host address that is neither the gateway's own nor inside another
    /// peer's more specific prefix, or "ambiguous PREFIX" when several are left (then not pinged). The
    /// source of target pings: the first global address of the family on an interface that is neither
    /// the default route's, nor a WireGuard link, nor lo (the LAN side of a two-armed gateway); else the
    /// default route's interface (a one-armed gateway). Ping counts are read from the summary of iputils
    /// ("0 received") and BusyBox ("0 packets received"); a lost don't-fragment ping is sent again once.
    /// </summary>
    public static readonly string Functions = $$"""
has() { command -v "$1" >/dev/null 2>&1; }
ip2int() { local IFS=.; set -- $1; echo $(( ($1 << 24) | ($2 << 16) | ($3 << 8) | $4 )); }
int2ip() { echo "$(( ($1 >> 24) & 255 )).$(( ($1 >> 16) & 255 )).$(( ($1 >> 8) & 255 )).$(( $1 & 255 ))"; }
mask() { [ "$1" -eq 0 ] && echo 0 || echo $(( (0xFFFFFFFF << (32 - $1)) & 0xFFFFFFFF )); }
dump() { wg show "$name" dump 2>/dev/null | {{DumpFilter.PeerLines}}; }
pings() { ping -n -q -c "$count" -i 0.2 -W 1 "$@" </dev/null 2>&1 | grep -v -e '^PING ' -e '^---' -e '^$' | tail -n 4; }
received() { sed -n 's/.*transmitted, \([0-9][0-9]*\) \(packets \)\{0,1\}received.*/\1/p' | head -n 1; }
fits_once() { r=$(ping -n -q -c 1 -W 1 -M do -s "$2" "$1" </dev/null 2>&1 | received); [ "${r:-0}" -gt 0 ]; }
fits() { fits_once "$1" "$2" || fits_once "$1" "$2"; }
# The largest IP packet that crosses to $1 with don't-fragment set, below the interface MTU $2.
path_mtu() {
  hi=$(( $2 - {{IcmpOverhead}} ))
  if fits "$1" "$hi"; then echo "$2"; return; fi
  lo={{MinimumPingSize}}
  if ! fits "$1" "$lo"; then echo 0; return; fi
  while [ $(( hi - lo )) -gt 1 ]; do mid=$(( (lo + hi) / 2 )); if fits "$1" "$mid"; then lo=$mid; else hi=$mid; fi; done
  echo $(( lo + {{IcmpOverhead}} ))
}
# $1: the peer's allowed IPs (comma-separated); $2: the other peers' (spaced); $nets, $own: the interface's.
tunnel_address() {
  wide=""
  for p in $(echo "$1" | tr ',' ' '); do
    case "$p" in *:*|'(none)') continue ;; esac
    a=${p%/*}; l=${p#*/}; n=$(ip2int "$a")
    for s in $nets; do
      sn=${s%/*}; sl=${s#*/}
      [ "$l" -ge "$sl" ] && [ $(( n & $(mask "$sl") )) -eq "$sn" ] || continue
      if [ "$l" -ge 31 ]; then echo "$a"; return; fi
      [ -n "$wide" ] || wide=$p
    done
  done
  [ -n "$wide" ] || return 0
  l=${wide#*/}; n=$(( $(ip2int "${wide%/*}") & $(mask "$l") )); last=$(( n + (1 << (32 - l)) - 2 ))
  found=""; k=$(( n + 1 ))
  while [ "$k" -le "$last" ]; do
    end=-1
    for o in $own; do [ "$(ip2int "$o")" -eq "$k" ] && end=$k; done
    for q in $2; do
      case "$q" in *:*|'(none)') continue ;; esac
      ql=${q#*/}; [ "$ql" -gt "$l" ] || continue
      qn=$(( $(ip2int "${q%/*}") & $(mask "$ql") )); qe=$(( qn + (1 << (32 - ql)) - 1 ))
      [ $(( k & $(mask "$ql") )) -eq "$qn" ] && [ "$qe" -gt "$end" ] && end=$qe
    done
    if [ "$end" -lt 0 ]; then
      [ -z "$found" ] || { echo "ambiguous $wide"; return; }
      found=$k; end=$k
    fi
    k=$(( end + 1 ))
  done
  [ -z "$found" ] || int2ip "$found"
}
default_source() {
  dev=$(ip "$1" route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
  wgs=" $(wg show interfaces 2>/dev/null) $name "
  ip "$1" -o addr show scope global 2>/dev/null | awk -v dev="$dev" -v wgs="$wgs" '
    / tentative| deprecated/ { next }
    { split($4, a, "/"); d = $2; sub(/@.*/, "", d) }
    d == "lo" || index(wgs, " " d " ") { next }
    d == dev { if (fallback == "") fallback = a[1]; next }
    lan == "" { lan = a[1] }
    END { if (lan != "") print lan; else if (fallback != "") print fallback }'
}

""";

    public static string Script(string interfaceName, int count, IReadOnlyList<IPAddress> targets, IPAddress? sourceAddress)
    {
        var text = new StringBuilder();
        text.Append($"name={ShellQuote.Quote(interfaceName)}\n");
        text.Append($"count={count.ToString(CultureInfo.InvariantCulture)}\n");
        text.Append($"nat={ShellQuote.Quote(Firewall.ScriptPath(interfaceName))}\n");
        var source4 = sourceAddress?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? sourceAddress.ToString() : "";
        var source6 = sourceAddress?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? sourceAddress.ToString() : "";
        text.Append($"source4={ShellQuote.Quote(source4)}\nsource6={ShellQuote.Quote(source6)}\n");
        text.Append("set --");
        foreach (var target in targets)
            text.Append(' ').Append(ShellQuote.Quote(target.ToString()));
        text.Append('\n');
        text.Append("export LC_ALL=C\n").Append(Functions);
        return RemoteScript.Wrap(text.ToString(), $$"""
echo @@now; date +%s
echo @@tools
for t in wg ip ss ping systemctl; do has "$t" && echo "$t"; done
echo @@link
ip -o link show dev "$name" 2>/dev/null
echo @@addresses
ip -o addr show dev "$name" 2>/dev/null | awk '{ print $4 }'
echo @@config
[ -f "/etc/wireguard/$name.conf" ] && {{KeyLines.AwkFilter}} "/etc/wireguard/$name.conf"
echo @@service
if has systemctl && [ -d /run/systemd/system ]; then
  echo "enabled=$(systemctl is-enabled "wg-quick@$name" 2>/dev/null)"
  echo "active=$(systemctl is-active "wg-quick@$name" 2>/dev/null)"
fi
echo @@listen
port=$(wg show "$name" listen-port 2>/dev/null)
echo "port=$port"
if [ -n "$port" ] && [ "$port" != 0 ] && has ss; then ss -l -u -n "sport = :$port" 2>/dev/null | awk 'NR == 1 && $1 == "State" { next } { print "socket=" $4 }'; fi
echo @@forwarding
echo "ipv4=$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)"
echo "ipv6=$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)"
echo @@nat
if [ -x "$nat" ]; then "$nat" check >/dev/null 2>&1 && echo present || echo missing; else echo none; fi
before=$(dump)
echo @@before
echo "$before"
nets=""; own=""
for a in $(ip -4 -o addr show dev "$name" 2>/dev/null | awk '{ print $4 }'); do
  own="$own ${a%/*}"; nets="$nets $(( $(ip2int "${a%/*}") & $(mask "${a#*/}") ))/${a#*/}"
done
mtu=$(ip -o link show dev "$name" 2>/dev/null | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
while IFS="$(printf '\t')" read -r key psk endpoint allowed rest; do
  [ -n "$key" ] || continue
  others=$(printf '%s\n' "$before" | awk -F '\t' -v k="$key" '$1 != k { print $4 }' | tr ',\n' '  ')
  address=$(tunnel_address "$allowed" "$others")
  case "$address" in ambiguous*) echo "@@peer $key none ${address#ambiguous }"; address="" ;; *) echo "@@peer $key ${address:-none}" ;; esac
  if [ -n "$address" ]; then
    echo @@ping
    answer=$(pings "$address")
    got=$(printf '%s\n' "$answer" | received)
    if [ "${got:-0}" -eq 0 ] && [ "$(printf '%s\n' "$rest" | cut -f1)" = 0 ]; then
      # Never shook hands: on a tunnel just brought up, a first initiation that found the far side
      # not yet listening is retried only after 5 s (REKEY_TIMEOUT). Wait up to 7 s, then ask again.
      i=0
      while [ "$i" -lt 35 ] && [ "$(wg show "$name" latest-handshakes 2>/dev/null | awk -v k="$key" '$1 == k { print $2 }')" = 0 ]; do sleep 0.2; i=$((i + 1)); done
      if [ "$i" -lt 35 ]; then answer=$(pings "$address"); got=$(printf '%s\n' "$answer" | received); fi
    fi
    echo "$answer"
    if [ "${got:-0}" -gt 0 ] && [ -n "$mtu" ]; then echo @@mtu; path_mtu "$address" "$mtu"; fi
  fi
  echo @@routes
  for p in $(echo "$allowed" | tr ',' ' '); do
    case "$p" in '(none)'|*/0) continue ;; esac
    echo "$p $(ip route get "${p%/*}" 2>&1 | head -n 1)"
  done
done <<EOF
$before
EOF
for t in "$@"; do
  case "$t" in *:*) family=-6; source=$source6 ;; *) family=-4; source=$source4 ;; esac
  [ -n "$source" ] || source=$(default_source "$family")
  echo "@@target $t ${source:-none}"
  echo @@routes
  echo "$t $(ip route get "$t" 2>&1 | head -n 1)"
  if [ -n "$source" ]; then echo @@ping; pings "$family" -I "$source" "$t"; fi
done
echo @@after
dump
echo @@now; date +%s
echo @@end
""");
    }

    public static TunnelProbeOutput Parse(string output)
    {
        var probe = new TunnelProbeOutput();
        var section = "";
        var config = new StringBuilder();
        var pingLines = new List<string>();
        PeerProbe? peer = null;
        TargetProbe? target = null;

        void FlushPing()
        {
            if (section != "ping")
                return;
            var summary = ParsePing(pingLines);
            if (target is not null)
                target.Ping = summary;
            else if (peer is not null)
                peer.Ping = summary;
            pingLines.Clear();
        }

        foreach (var rawLine in output.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                FlushPing();
                var parts = line[2..].Split(' ');
                section = parts[0];
                switch (section)
                {
                    case "config":
                        probe.ConfigText = "";
                        break;
                    case "peer" when parts.Length >= 3:
                        target = null;
                        peer = new PeerProbe { PublicKey = parts[1], TunnelAddress = parts[2] == "none" ? null : parts[2], AmbiguousPrefix = parts.Length > 3 ? parts[3] : null };
                        probe.Peers[peer.PublicKey] = peer;
                        break;
                    case "target" when parts.Length >= 3:
                        peer = null;
                        target = new TargetProbe { Address = parts[1], Source = parts[2] == "none" ? null : parts[2] };
                        probe.Targets.Add(target);
                        break;
                    case "after":
                        peer = null;
                        target = null;
                        break;
                    case "end":
                        probe.Complete = true;
                        break;
                }
                continue;
            }
            if (section == "config")
            {
                config.Append(line).Append('\n');
                continue;
            }
            if (line.Length == 0)
                continue;
            var equals = line.IndexOf('=');
            var (key, value) = equals < 0 ? (line, "") : (line[..equals], line[(equals + 1)..]);
            switch (section)
            {
                case "now" when long.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var now):
                    probe.Now = now;
                    break;
                case "tools":
                    probe.Tools.Add(line.Trim());
                    break;
                case "link":
                    probe.LinkLine ??= line;
                    break;
                case "addresses":
                    probe.Addresses.Add(line.Trim());
                    break;
                case "service":
                    if (key == "enabled") probe.ServiceEnabled = value;
                    else if (key == "active") probe.ServiceActive = value;
                    break;
                case "listen":
                    if (key == "port" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0) probe.ListenPort = port;
                    else if (key == "socket") probe.ListenSockets.Add(value);
                    break;
                case "forwarding":
                    if (key == "ipv4") probe.Ipv4Forwarding = value;
                    else if (key == "ipv6") probe.Ipv6Forwarding = value;
                    break;
                case "nat":
                    probe.Nat = line.Trim();
                    break;
                case "before":
                    if (GatewayProbe.ParsePeer(line) is { } before) probe.Before.Add(before);
                    break;
                case "after":
                    if (GatewayProbe.ParsePeer(line) is { } after) probe.After.Add(after);
                    break;
                case "ping":
                    pingLines.Add(line);
                    break;
                case "mtu" when peer is not null && int.TryParse(line.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mtu):
                    peer.PathMtu = mtu;
                    break;
                case "routes":
                    var space = line.IndexOf(' ');
                    var answer = space < 0 ? new RouteAnswer(line, "") : new RouteAnswer(line[..space], line[(space + 1)..].Trim());
                    if (target is not null) target.Route = answer;
                    else peer?.Routes.Add(answer);
                    break;
            }
        }
        FlushPing();
        if (probe.ConfigText is not null)
            probe.ConfigText = config.ToString();
        return probe;
    }

    private static readonly Regex SummaryPattern = new(@"(\d+) packets transmitted, (\d+) (?:packets )?received", RegexOptions.CultureInvariant);
    private static readonly Regex RttPattern = new(@"= ([\d.]+)/([\d.]+)/([\d.]+)", RegexOptions.CultureInvariant);

    /// <summary>Reads ping's summary ("3 packets transmitted, 3 received, ..." and "rtt min/avg/max/mdev = ..."), or keeps its error.</summary>
    public static PingSummary ParsePing(IReadOnlyList<string> lines)
    {
        int sent = 0, received = 0;
        double? min = null, avg = null, max = null;
        var found = false;
        var other = new List<string>();
        foreach (var line in lines)
        {
            if (SummaryPattern.Match(line) is { Success: true } summary)
            {
                sent = int.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture);
                received = int.Parse(summary.Groups[2].Value, CultureInfo.InvariantCulture);
                found = true;
            }
            else if (line.StartsWith("rtt ", StringComparison.Ordinal) || line.StartsWith("round-trip ", StringComparison.Ordinal))
            {
                if (RttPattern.Match(line) is { Success: true } rtt)
                {
                    min = double.Parse(rtt.Groups[1].Value, CultureInfo.InvariantCulture);
                    avg = double.Parse(rtt.Groups[2].Value, CultureInfo.InvariantCulture);
                    max = double.Parse(rtt.Groups[3].Value, CultureInfo.InvariantCulture);
                }
            }
            else if (line.Trim().Length > 0)
            {
                other.Add(line.Trim());
            }
        }
        var error = found ? null : other.Count > 0 ? SecretFilter.Redact(string.Join(" | ", other)) : "ping printed nothing";
        return new PingSummary(sent, received, min, avg, max, error);
    }
}

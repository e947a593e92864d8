using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>
/// The remote script of Test-WgTunnel (tunnel-probe.sh, with facts.sh and tunnel.sh) and its
/// parser. The script reads the interface's facts and its listening socket, pings each peer's
/// tunnel address and each target (from the gateway's LAN address), measures the path MTU with
/// don't-fragment pings, asks `ip route get` for every allowed prefix and target, and reads the
/// dump again. Every value from the admin is a quoted value; the private key is never read.
/// </summary>
public static class TunnelProbe
{
    /// <summary>IPv4 and ICMP headers: a ping of N bytes is an IP packet of N + 28.</summary>
    public const int IcmpOverhead = 28;

    /// <summary>The smallest packet every IPv4 path must carry (576), as a ping size.</summary>
    public const int MinimumPingSize = 576 - IcmpOverhead;

    /// <summary>The smallest packet every IPv6 link must carry (1280): don't-fragment pings of IPv6 start there.</summary>
    public const int MinimumIpv6Packet = 1280;

    /// <summary>lib.sh and tunnel.sh: the functions the probe calls (tests run them alone).</summary>
    public static string Functions => RemoteScript.Libraries("tunnel.sh");

    public static RemoteOperation<TunnelProbeOutput> Operation(string interfaceName, int count, IReadOnlyList<IPAddress> targets, IPAddress? sourceAddress) =>
        new("the tunnel probe", Script(interfaceName, count, targets, sourceAddress), output => Parse(output.Sections)) { Timeout = TimeSpan.FromMinutes(10) };

    public static string Script(string interfaceName, int count, IReadOnlyList<IPAddress> targets, IPAddress? sourceAddress)
    {
        var source4 = sourceAddress?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? sourceAddress.ToString() : "";
        var source6 = sourceAddress?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? sourceAddress.ToString() : "";
        var values = HostPaths.For(interfaceName).Set("count", count).Set("source4", source4).Set("source6", source6)
            .Arguments(targets.Select(t => t.ToString()));
        return RemoteScript.Compose("tunnel-probe.sh", values, "facts.sh", "tunnel.sh");
    }

    public static TunnelProbeOutput Parse(string output) => Parse(SectionReader.Read(output));

    public static TunnelProbeOutput Parse(IReadOnlyList<ScriptSection> sections)
    {
        var probe = new TunnelProbeOutput();
        PeerProbe? peer = null;
        TargetProbe? target = null;
        var ipv6 = false; // between @@tunnel6 and the peer's @@routes: its pings and MTU are the IPv6 address's
        foreach (var section in sections)
        {
            if (probe.ReadFact(section))
                continue;
            switch (section.Name)
            {
                case "now" when long.TryParse(section.Items.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var now):
                    probe.Now = now;
                    break;
                case "listen":
                    probe.ListenSockets.AddRange(section.Values("socket"));
                    break;
                case "peer" when section.Arguments.Count >= 2:
                    target = null;
                    ipv6 = false;
                    peer = new PeerProbe
                    {
                        PublicKey = section.Arguments[0],
                        TunnelAddress = section.Arguments[1] == "none" ? null : section.Arguments[1],
                        AmbiguousPrefix = section.Argument(2),
                    };
                    probe.Peers[peer.PublicKey] = peer;
                    break;
                case "tunnel6" when peer is not null && section.Arguments.Count >= 1
                        && IPAddress.TryParse(section.Arguments[0], out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6:
                    peer.TunnelAddress6 = v6.ToString();
                    ipv6 = true;
                    break;
                case "target" when section.Arguments.Count >= 2:
                    peer = null;
                    ipv6 = false;
                    target = new TargetProbe { Address = section.Arguments[0], Source = section.Arguments[1] == "none" ? null : section.Arguments[1] };
                    probe.Targets.Add(target);
                    break;
                case "ping":
                    var summary = ParsePing(section.Lines);
                    if (target is not null) target.Ping = summary;
                    else if (peer is not null && ipv6) peer.Ping6 = summary;
                    else if (peer is not null) peer.Ping = summary;
                    break;
                case "mtu" when peer is not null && int.TryParse(section.Items.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var mtu):
                    if (ipv6) peer.PathMtu6 = mtu;
                    else peer.PathMtu = mtu;
                    break;
                case "routes":
                    ipv6 = false;
                    foreach (var line in section.Items)
                    {
                        var space = line.IndexOf(' ');
                        var answer = space < 0 ? new RouteAnswer(line, "") : new RouteAnswer(line[..space], line[(space + 1)..].Trim());
                        if (target is not null) target.Route = answer;
                        else peer?.Routes.Add(answer);
                    }
                    break;
                case "after":
                    peer = null;
                    target = null;
                    probe.After.AddRange(DumpFormat.ParsePeers(section));
                    break;
                case "end":
                    probe.Complete = true;
                    break;
            }
        }
        return probe;
    }

    // ASCII digits only, few enough to fit: a host's output is not trusted to be ping's.
    private static readonly Regex SummaryPattern = new(@"\b([0-9]{1,9}) packets transmitted, ([0-9]{1,9}) (?:packets )?received", RegexOptions.CultureInvariant);
    private static readonly Regex RttPattern = new(@"= ([0-9]{1,9}(?:\.[0-9]{1,9})?)/([0-9]{1,9}(?:\.[0-9]{1,9})?)/([0-9]{1,9}(?:\.[0-9]{1,9})?)", RegexOptions.CultureInvariant);

    private static double? Milliseconds(string text) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Reads ping's summary ("3 packets transmitted, 3 received, ..." and "rtt min/avg/max/mdev = ..."), or keeps its error.</summary>
    public static PingSummary ParsePing(IReadOnlyList<string> lines)
    {
        int sent = 0, received = 0;
        double? min = null, avg = null, max = null;
        var found = false;
        var other = new List<string>();
        foreach (var line in lines)
        {
            if (SummaryPattern.Match(line) is { Success: true } summary
                && int.TryParse(summary.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var sentCount)
                && int.TryParse(summary.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var receivedCount))
            {
                (sent, received) = (sentCount, receivedCount);
                found = true;
            }
            else if (line.StartsWith("rtt ", StringComparison.Ordinal) || line.StartsWith("round-trip ", StringComparison.Ordinal))
            {
                if (RttPattern.Match(line) is { Success: true } rtt)
                {
                    min = Milliseconds(rtt.Groups[1].Value);
                    avg = Milliseconds(rtt.Groups[2].Value);
                    max = Milliseconds(rtt.Groups[3].Value);
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

using System.Globalization;
using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Remote;

/// <summary>
/// `wg show ... dump` lines as lib.sh's filters leave them (filter_peer_dump, filter_all_dump):
/// a peer line of `wg show NAME dump` has 8 tab-separated fields (public key, preshared key,
/// endpoint, allowed IPs, handshake, received, sent, keepalive), its interface line 4 (private
/// key, public key, port, fwmark); `wg show all dump` puts the interface name in front (9 and
/// 5). Preshared keys are "(set)" or "(none)", private keys "(hidden)".
/// </summary>
public static class DumpFormat
{
    /// <summary>
    /// One peer line: key, psk, endpoint, allowed-ips, handshake, rx, tx, keepalive; null for a line
    /// of another shape, or whose key is not a public key or whose endpoint is not an endpoint (a
    /// host's output is not trusted).
    /// </summary>
    public static LivePeer? ParsePeer(string line)
    {
        var fields = line.Split('\t');
        // The preshared key's field is only ever read as set or not: whatever a host put there is not kept.
        if (fields.Length != 8 || !WgPublicKey.TryParse(fields[0], out _) || (fields[2] != "(none)" && !WgEndpoint.TryParse(fields[2], out _)))
            return null;
        static long Long(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
        var allowed = fields[3] == "(none)" ? Array.Empty<string>() : fields[3].Split(',', StringSplitOptions.RemoveEmptyEntries);
        int? keepalive = fields[7] == "off" ? null : int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;
        return new LivePeer(fields[0], fields[1] != "(none)", fields[2] == "(none)" ? null : fields[2], allowed, Long(fields[4]), Long(fields[5]), Long(fields[6]), keepalive);
    }

    /// <summary>
    /// A Unix time from a host (its clock, a handshake) as a time; null for 0 ("never") and for what
    /// no calendar holds (past the year 9999), which DateTimeOffset would throw on.
    /// </summary>
    public static DateTimeOffset? UnixTime(long seconds) =>
        seconds > 0 && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    /// <summary>The peers of a section of peer lines, each key once (the first line of it: a dump never repeats one).</summary>
    public static List<LivePeer> ParsePeers(ScriptSection? section) => section is null ? new List<LivePeer>() : Distinct(section.Lines.Select(ParsePeer).OfType<LivePeer>());

    /// <summary>Each public key once, the first seen.</summary>
    public static List<LivePeer> Distinct(IEnumerable<LivePeer> peers) => peers.DistinctBy(p => p.PublicKey, StringComparer.Ordinal).ToList();

    /// <summary>One line of local `wg show all dump`, reduced as filter_all_dump does; null for a line it drops.</summary>
    public static string? RedactAllLine(string line)
    {
        var fields = line.Split('\t');
        if (fields.Length == 5)
            fields[1] = "(hidden)";
        else if (fields.Length == 9)
            fields[2] = fields[2] == "(none)" ? "(none)" : "(set)";
        else
            return null;
        return string.Join('\t', fields);
    }
}

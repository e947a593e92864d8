namespace WgAdmin.Remote;

/// <summary>
/// The one filter every remote `wg show ... dump` passes through before it leaves the host. It keeps
/// known fields by position and only lines with the right field count: a peer line of
/// `wg show NAME dump` has 8 fields (public key, preshared key, endpoint, allowed IPs, handshake,
/// received, sent, keepalive), its interface line 4 (private key, public key, port, fwmark);
/// `wg show all dump` puts the interface name in front (9 and 5). Preshared keys become "(set)",
/// private keys "(hidden)", and any other line is dropped, so a dump of another shape (a name
/// wg reads as a keyword, a future field) cannot carry a key out.
/// </summary>
public static class DumpFilter
{
    /// <summary>For `wg show NAME dump`: its peer lines only, preshared keys reduced.</summary>
    public static readonly string PeerLines = Awk(allInterfaces: false);

    /// <summary>For `wg show all dump`: interface lines with the private key hidden, peer lines with preshared keys reduced.</summary>
    public static readonly string AllLines = Awk(allInterfaces: true);

    private static string Awk(bool allInterfaces)
    {
        var o = allInterfaces ? 1 : 0;
        string F(int i) => $"${i + o}";
        var lead = allInterfaces ? "$1, " : "";
        var peer = $"NF == {8 + o} {{ print {lead}{F(1)}, ({F(2)} == \"(none)\" ? \"(none)\" : \"(set)\"), {F(3)}, {F(4)}, {F(5)}, {F(6)}, {F(7)}, {F(8)} }}";
        var face = allInterfaces ? $" NF == 5 {{ print $1, \"(hidden)\", $3, $4, $5 }}" : "";
        return $"awk -F '\\t' 'BEGIN {{ OFS = \"\\t\" }}{face} {peer}'";
    }

    /// <summary>One line of local `wg show all dump`, reduced as <see cref="AllLines"/> does; null for a line it drops.</summary>
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

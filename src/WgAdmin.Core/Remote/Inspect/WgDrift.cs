using WgAdmin.Model;

namespace WgAdmin.Remote;

/// <summary>
/// Compares a desired interface with what a gateway runs (Get-WgInterface's status): the live
/// peers from `wg show`, the addresses from the config file. For scheduled drift reports.
/// </summary>
public static class WgDrift
{
    public static IReadOnlyList<WgDifference> Compare(WgInterface desired, WgInterfaceStatus? live, string? computerName)
    {
        var name = desired.Name ?? live?.Name ?? "";
        var differences = new List<WgDifference>();
        WgDifference Difference(string kind, string? peer = null, string? property = null, string? wanted = null, string? found = null) => new()
        {
            ComputerName = computerName, InterfaceName = name, Kind = kind, Peer = peer, Property = property, Desired = wanted, Live = found,
        };

        if (live is null || !live.IsUp)
        {
            differences.Add(Difference("Missing", wanted: "up", found: live is null ? "no such interface" : "down"));
            return differences;
        }
        if (desired.PublicKey is not null && live.PublicKey != desired.PublicKey.ToString())
            differences.Add(Difference("PublicKey", wanted: desired.PublicKey.ToString(), found: live.PublicKey));
        if (desired.ListenPort is int port && live.ListenPort != port)
            differences.Add(Difference("ListenPort", wanted: port.ToString(System.Globalization.CultureInfo.InvariantCulture), found: live.ListenPort?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var liveAddresses = live.Config?.Address.Select(a => a.ToString()).ToArray() ?? Array.Empty<string>();
        var wantedAddresses = desired.Address.Select(a => a.ToString()).ToArray();
        if (!wantedAddresses.OrderBy(a => a, StringComparer.Ordinal).SequenceEqual(liveAddresses.OrderBy(a => a, StringComparer.Ordinal)))
            differences.Add(Difference("Address", wanted: string.Join(", ", wantedAddresses), found: string.Join(", ", liveAddresses)));

        var livePeers = live.Peers.DistinctBy(p => p.PublicKey, StringComparer.Ordinal).ToDictionary(p => p.PublicKey, StringComparer.Ordinal);
        foreach (var peer in desired.Peers)
        {
            var key = peer.PublicKey.ToString();
            var label = peer.Name ?? peer.PublicKey.ToShortString();
            if (!livePeers.Remove(key, out var running))
            {
                differences.Add(Difference("PeerMissing", label, wanted: key));
                continue;
            }
            var wanted = peer.AllowedIPs.Select(a => a.ToNetwork().ToString()).OrderBy(a => a, StringComparer.Ordinal).ToArray();
            var found = running.AllowedIPs.OrderBy(a => a, StringComparer.Ordinal).ToArray();
            if (!wanted.SequenceEqual(found))
                differences.Add(Difference("PeerChanged", label, "AllowedIPs", string.Join(", ", wanted), string.Join(", ", found)));
            var keepalive = peer.PersistentKeepalive is null or 0 ? null : peer.PersistentKeepalive;
            if (keepalive != running.PersistentKeepalive)
                differences.Add(Difference("PeerChanged", label, "PersistentKeepalive", keepalive?.ToString(System.Globalization.CultureInfo.InvariantCulture), running.PersistentKeepalive?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (peer.HasPresharedKey != running.HasPresharedKey)
                differences.Add(Difference("PeerChanged", label, "PresharedKey", peer.HasPresharedKey ? "set" : "none", running.HasPresharedKey ? "set" : "none"));
        }
        foreach (var extra in livePeers.Values)
            differences.Add(Difference("PeerExtra", extra.Name ?? extra.PublicKey[..Math.Min(8, extra.PublicKey.Length)] + "…", found: extra.PublicKey));
        return differences;
    }
}

using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Config;

/// <summary>
/// The checks WgAdmin makes beyond what `wg` and wg-quick make, on a whole interface: values in
/// range, no control characters, and none of the silent surprises of the real tools (a prefix
/// on two peers moves to the last one, a repeated peer is merged, a peer with the interface's
/// own key is dropped).
/// </summary>
public static class WgConfigValidator
{
    /// <summary>Every problem in <paramref name="config"/>; <paramref name="lineOf"/> gives, for parsed files, the line of each peer's [Peer] header.</summary>
    public static IReadOnlyList<WgError> Validate(WgInterface config, Func<WgPeer, int>? lineOf = null)
    {
        var errors = new List<WgError>();
        void Add(WgError? error, WgPeer? peer = null)
        {
            if (error is not null)
                errors.Add(peer is not null && lineOf?.Invoke(peer) is int line and > 0 ? error with { Line = line } : error);
        }

        if (config.Name is not null)
            Add(WgValues.CheckInterfaceName(config.Name));
        if (config.ListenPort is int port)
            Add(WgValues.CheckPort(port));
        if (config.Mtu is int mtu)
            Add(WgValues.CheckMtu(mtu));
        if (config.Table is not null)
            Add(WgValues.CheckText(config.Table, "Table") ?? WgValues.CheckTable(config.Table));
        foreach (var domain in config.DnsSearch)
            Add(WgValues.CheckText(domain, "DNS search domain") ?? WgValues.CheckSearchDomain(domain));
        foreach (var (hooks, name) in new[] { (config.PreUp, "PreUp"), (config.PostUp, "PostUp"), (config.PreDown, "PreDown"), (config.PostDown, "PostDown") })
            foreach (var hook in hooks)
                Add(WgValues.CheckText(hook, name, allowTab: true));

        var ownKey = config.PublicKey;
        var peersByKey = new Dictionary<string, WgPeer>(StringComparer.Ordinal);
        var peersByPrefix = new Dictionary<WgPrefix, WgPeer>();
        for (var index = 0; index < config.Peers.Length; index++)
        {
            var peer = config.Peers[index];
            if (peer is null)
            {
                // $interface.Peers += $null, or an array built with a gap: refused here, before the writer or a gateway meets it.
                Add(new WgError(WgErrorId.NullPeer, $"Peers[{index}] is null, not a peer; remove it from Peers."));
                continue;
            }
            // The label is built only for an error: a valid 40,000-peer mesh should not pay for 40,000 of them.
            Add(WgValues.CheckName(peer.Name, "The peer name"), peer);
            Add(WgValues.CheckText(peer.Description, "The peer description"), peer);
            if (peer.PersistentKeepalive is int keepalive)
                Add(WgValues.CheckKeepalive(keepalive), peer);
            if (ownKey is not null && peer.PublicKey == ownKey)
                Add(new WgError(WgErrorId.PeerIsSelf, $"The peer {Label(peer)} has the interface's own public key; WireGuard would silently drop it.", peer.PublicKey), peer);

            if (peersByKey.TryGetValue(peer.PublicKey.ToString(), out var first))
            {
                // One error for a repeated peer: its allowed IPs would only repeat the point.
                Add(new WgError(WgErrorId.DuplicatePeer, $"The peer {Label(peer)} appears twice{AtLine(first, lineOf)}; WireGuard would silently merge the two.", peer.PublicKey), peer);
                continue;
            }
            peersByKey.Add(peer.PublicKey.ToString(), peer);

            foreach (var prefix in peer.AllowedIPs.Select(p => p.ToNetwork()).Distinct())
            {
                if (peersByPrefix.TryGetValue(prefix, out var owner) && !ReferenceEquals(owner, peer))
                    Add(new WgError(WgErrorId.DuplicateAllowedIP, $"AllowedIPs {Quote.Value(prefix.ToString())} is on both {Label(owner)}{AtLine(owner, lineOf)} and {Label(peer)}; WireGuard would silently move it to the last one.", Offender: prefix.ToString()), peer);
                else
                    peersByPrefix[prefix] = peer;
            }
        }
        return errors;
    }

    /// <summary>Throws <see cref="WgException"/> with every problem, if there is any.</summary>
    public static void ThrowIfInvalid(WgInterface config)
    {
        var errors = Validate(config);
        if (errors.Count > 0)
            throw new WgException(errors);
    }

    private static string Label(WgPeer peer) =>
        peer.Name is { Length: > 0 } name && WgValues.CheckName(name, "") is null
            ? $"{Quote.Value(name)} ({peer.PublicKey})"
            : Quote.PublicKey(peer.PublicKey);

    private static string AtLine(WgPeer peer, Func<WgPeer, int>? lineOf) =>
        lineOf?.Invoke(peer) is int line and > 0 ? $" (line {line})" : "";
}

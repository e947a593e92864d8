using WgAdmin.Keys;
using WgAdmin.Topology;

namespace WgAdmin.Remote;

/// <summary>
/// The pure half of rotation: which sites and pairs are due, which gateways list a site as a
/// peer, and, from the gateways' state, what each site's key rotation still needs. Nothing here
/// connects; the cmdlets probe, call these, and carry the plans out.
/// </summary>
public static class RotationPlanner
{
    /// <summary>Due when older than <paramref name="olderThan"/>, or of unknown age (made before ages were recorded); always due without a limit.</summary>
    public static bool IsDue(DateTimeOffset? created, TimeSpan? olderThan, DateTimeOffset now) =>
        olderThan is not { } limit || created is not { } made || now - made > limit;

    /// <summary>The site's public key as the topology (and so every far end) knows it.</summary>
    public static WgPublicKey? PublicKeyOf(WgTopology topology, WgSite site) => topology.PrivateKeyOf(site)?.PublicKey ?? site.PublicKey;

    /// <summary>The sites whose gateways list <paramref name="site"/> as a peer: every other site in a mesh; the hub for a spoke, every spoke for the hub.</summary>
    public static IReadOnlyList<WgSite> PeerSites(WgTopology topology, WgSite site)
    {
        var pairs = topology.Pairs();
        return topology.Sites.Where(s => s is not null && s != site
            && pairs.Contains(Ordered(s.Name, site.Name))).ToList();
    }

    /// <summary>
    /// The pairs to give new preshared keys: every pair of the topology, or those with a site of
    /// <paramref name="sites"/> (and, with <paramref name="peers"/>, the other in it), due by age.
    /// </summary>
    public static IReadOnlyList<(string First, string Second)> PresharedKeyPairs(WgTopology topology, IReadOnlyCollection<string>? sites, IReadOnlyCollection<string>? peers, TimeSpan? olderThan, DateTimeOffset now)
    {
        bool In(IReadOnlyCollection<string>? names, string name) => names is null || names.Contains(name, StringComparer.OrdinalIgnoreCase);
        return topology.Pairs()
            .Where(p => (In(sites, p.First) && In(peers, p.Second)) || (In(sites, p.Second) && In(peers, p.First)))
            .Where(p => IsDue(topology.PresharedKeyCreatedOf(p.First, p.Second), olderThan, now))
            .ToList();
    }

    /// <summary>One plan per gateway with a pair in <paramref name="keys"/>: each end of a pair gets the same new key.</summary>
    public static IReadOnlyList<PresharedKeyPlan> PresharedKeyPlans(WgTopology topology, IReadOnlyDictionary<(string First, string Second), WgPresharedKey> keys)
    {
        var byName = topology.Sites.Where(s => s is not null).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var plans = new List<PresharedKeyPlan>();
        foreach (var site in topology.Sites.Where(s => s is not null))
        {
            var peers = keys.Where(k => k.Key.First == site.Name || k.Key.Second == site.Name)
                .Select(k => byName[k.Key.First == site.Name ? k.Key.Second : k.Key.First] is var peer
                    ? new PresharedKeyPeer(peer.Name, PublicKeyOf(topology, peer)!, k.Value) : null!)
                .OrderBy(p => p.Site, StringComparer.Ordinal).ToList();
            if (peers.Count > 0)
                plans.Add(new PresharedKeyPlan(site.Name, site.ComputerName ?? "", topology.InterfaceName, peers));
        }
        return plans;
    }

    /// <summary>
    /// What the rotation of <paramref name="site"/>'s key still needs, from the near end's state and
    /// each far end's (null: it could not be read). The near end's config names the key it uses:
    /// the topology's key with no next key there is a fresh start; with a next key, a rotation
    /// stopped before its switch; another key, a switch the far ends may not all have followed.
    /// A far end has the new key staged when its config lists it, and is done when it no longer
    /// lists the old one.
    /// </summary>
    public static KeyRotationPlan KeyPlan(WgTopology topology, WgSite site, GatewayState near, IReadOnlyDictionary<string, GatewayState?> farStates)
    {
        var oldKey = PublicKeyOf(topology, site) ?? throw new ArgumentException($"Site {site.Name} has no key.", nameof(site));
        var notes = new List<string>();
        var current = near.ConfigPublicKey ?? near.LivePublicKey;
        var switched = current is not null && current != oldKey.ToString() && WgPublicKey.TryParse(current, out _);
        WgPublicKey? newKey = switched ? WgPublicKey.Parse(current!)
            : near.NextKeyPublicKey is { } next && WgPublicKey.TryParse(next, out var nextKey) ? nextKey : null;
        if (switched)
            notes.Add($"{site.ComputerName} already uses {current}: finishing that rotation");
        var farEnds = new List<FarEnd>();
        foreach (var peer in PeerSites(topology, site))
        {
            var computer = peer.ComputerName ?? "";
            if (!farStates.TryGetValue(peer.Name, out var state) || state is null)
            {
                farEnds.Add(new FarEnd(peer.Name, computer, Stage: !switched, Move: true, Unreachable: true));
                continue;
            }
            var listed = (state.Config?.Peers.Select(p => p.PublicKey.ToString()) ?? Enumerable.Empty<string>())
                .Concat(state.LivePeers.Select(p => p.PublicKey)).ToHashSet(StringComparer.Ordinal);
            var hasOld = listed.Contains(oldKey.ToString());
            var hasNew = newKey is not null && listed.Contains(newKey.ToString());
            if (!hasOld && !hasNew)
            {
                notes.Add($"{computer} lists neither the old nor the new key of {site.Name}; left alone");
                continue;
            }
            farEnds.Add(new FarEnd(peer.Name, computer, Stage: !hasNew, Move: hasOld));
        }
        return new KeyRotationPlan
        {
            Site = site.Name,
            ComputerName = site.ComputerName ?? "",
            InterfaceName = topology.InterfaceName,
            OldKey = oldKey,
            NewKey = newKey,
            Prepare = newKey is null,
            Switch = !switched,
            FarEnds = farEnds,
            Notes = notes,
        };
    }

    private static (string, string) Ordered(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
}

using System.Net;

namespace WgAdmin.Topology;

/// <summary>A Test-WgTunnel target as a topology reads it: the address to ping through the tunnel, and the far host's own address when the two differ.</summary>
public sealed record WgTunnelTarget(IPAddress Address, IPAddress? RealAddress, string? Site);

/// <summary>
/// Resolves Test-WgTunnel targets against a topology, for one gateway: a far host of a mapped
/// site may be given by its mapped address or by its real one (its own, as its LAN knows it),
/// and is pinged under the mapped one. A real address that several far sites have (the twins of
/// an overlap, seen from a third site) is refused: only the mapped address says which is meant.
/// </summary>
public static class WgTunnelTargets
{
    public static WgTunnelTarget Resolve(WgTopology topology, string? computerName, IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(address);
        var sites = topology.Sites.Where(s => s is not null).ToList();
        var near = sites.FirstOrDefault(s => string.Equals(s.ComputerName, computerName, StringComparison.OrdinalIgnoreCase));
        var far = sites.Where(s => s != near).ToList();

        foreach (var site in far)
            foreach (var mapping in site.Mappings)
                if (mapping.Mapped.Contains(address))
                    return new WgTunnelTarget(address, mapping.ToReal(address), site.Name);

        // Not a mapped address: the far sites whose own LAN holds it.
        var owners = far.SelectMany(s => s.Mappings.Where(m => m.Real.Contains(address)).Select(m => (Site: s, Mapping: m))).ToList();
        var plain = far.Where(s => !s.IsMapped && s.LanPrefix.Any(p => p.Length > 0 && p.Contains(address))).ToList();
        if (owners.Count == 1 && plain.Count == 0)
            return new WgTunnelTarget(owners[0].Mapping.ToMapped(address), address, owners[0].Site.Name);
        if (owners.Count + plain.Count > 1)
            throw new WgException(new WgError(WgErrorId.InvalidTunnelTarget,
                $"The target {Quote.Value(address.ToString())} is a LAN address of {string.Join(" and ", owners.Select(o => o.Site).Concat(plain).Select(s => Quote.Value(s.Name)))}; give the mapped address of the host meant ({string.Join(", ", owners.Select(o => $"{Quote.Value(o.Mapping.ToMapped(address).ToString())} at {Quote.Value(o.Site.Name)}"))}).",
                Offender: address.ToString()));
        return new WgTunnelTarget(address, null, plain.FirstOrDefault()?.Name);
    }
}

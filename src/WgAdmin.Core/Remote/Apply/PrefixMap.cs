using WgAdmin.Net;

namespace WgAdmin.Remote;

/// <summary>
/// The 1:1 prefix mapping of a site's LAN (<see cref="Model.WgInterface.PrefixMappings"/>) as
/// one script with up, down and check actions (map-iptables.sh with NETMAP, or map-nftables.sh
/// with prefix NAT), in WgAdmin's own nat chains or table, so "up" is idempotent and "down"
/// removes exactly what "up" made. Installed beside the NAT script and run by the wg-quick@ unit
/// (ExecStartPost/ExecStopPost), so the mapping comes and goes with the interface.
/// </summary>
public static class PrefixMap
{
    public static string Script(string interfaceName, IReadOnlyList<WgPrefixMapping> mappings, FirewallBackend backend)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        if (backend == FirewallBackend.Auto)
            throw new ArgumentException("Resolve Auto to a concrete backend first.", nameof(backend));
        if (Config.WgValues.CheckInterfaceName(interfaceName) is { } problem)
            throw new WgException(problem);
        if (mappings.Count == 0)
            throw new ArgumentException("A mapping script needs at least one mapping.", nameof(mappings));
        foreach (var mapping in mappings)
        {
            // The topology checks these; a hand-made interface gets the same refusal before anything runs.
            if (mapping.Real.IsIPv6 || mapping.Mapped.IsIPv6)
                throw new WgException(new WgError(WgErrorId.MappingNotSupported, $"The mapping {Quote.Value(mapping.ToString())} is IPv6: WgAdmin maps IPv4 prefixes only.", Offender: mapping.ToString()));
            if (mapping.Real.Length != mapping.Mapped.Length || mapping.Real.Length == 0)
                throw new WgException(new WgError(WgErrorId.InvalidMappedPrefix, $"The mapping {Quote.Value(mapping.ToString())} needs two prefixes of the same length (not /0).", Offender: mapping.ToString()));
        }
        // Typed prefixes only: their text is digits, dots and one slash.
        var maps = string.Join('\n', mappings.Select(m => $"{m.Real.ToNetwork()} {m.Mapped.ToNetwork()}"));
        var values = new ScriptValues().Set("wg", interfaceName).Set("maps", maps);
        if (backend == FirewallBackend.Iptables)
            return RemoteScript.Installable("map-iptables.sh", values.Set("pre", PreroutingChain(interfaceName)).Set("post", PostroutingChain(interfaceName)));
        return RemoteScript.Installable("map-nftables.sh", values.Set("table", NftTableName(interfaceName)));
    }

    /// <summary>The wg-quick@ drop-in that runs the interface's mapping script when it starts and stops.</summary>
    public static string DropIn(string interfaceName) => RemoteScript.Template("map-dropin.conf", ("map_script", HostPaths.MapScript(interfaceName)));

    // Chain names are at most 28 characters; an interface name is at most 15.
    public static string PreroutingChain(string interfaceName) => "WGADMIN-MPI-" + interfaceName;

    public static string PostroutingChain(string interfaceName) => "WGADMIN-MPO-" + interfaceName;

    /// <summary>The interface's nftables table of mappings (family ip), named as <see cref="Firewall.NftTableName"/> names the NAT table.</summary>
    public static string NftTableName(string interfaceName) => "wgadmin_map_" + Firewall.NftTableName(interfaceName)["wgadmin_".Length..];
}

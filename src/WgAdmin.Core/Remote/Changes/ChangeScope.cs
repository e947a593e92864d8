namespace WgAdmin.Remote;

/// <summary>
/// What one change on a host may touch, so that change.sh can snapshot it before and restore it
/// after: files, a unit, and (for an interface) the live link and WgAdmin's NAT and mapping rules, or (for a
/// LAN host) its routes via gateways.
/// </summary>
public sealed record ChangeScope(string Description, IReadOnlyList<string> Files, string? InterfaceName, string? Unit, bool LanRoutes = false, string? Timer = null)
{
    /// <summary>An interface: its config, key, kept copies, sysctl file, NAT script and drop-in, re-resolve script and timer, its wg-quick@ unit, link and rules.</summary>
    public static ChangeScope Interface(string name) => new($"interface {name}", HostPaths.InterfaceFiles(name), name, $"wg-quick@{name}", Timer: HostPaths.ReresolveTimerName(name));

    /// <summary>A LAN host's routes to the other sites and the unit that sets them at boot.</summary>
    public static ChangeScope LanRouteHost { get; } = new("LAN routes", HostPaths.LanRouteFiles, null, HostPaths.LanRoutesUnitName, LanRoutes: true);

    /// <summary>
    /// The values change.sh reads: set in the change's own script, and kept in the snapshot (as
    /// assignments) so that the revert helper restores it without WgAdmin.
    /// </summary>
    public ScriptValues Values()
    {
        var values = new ScriptValues()
            .Set("change_files", string.Join('\n', Files))
            .Set("name", InterfaceName ?? "")
            .Set("change_unit", Unit ?? "")
            .Set("change_timer", Timer ?? "")
            .Set("routes_via", LanRoutes ? "1" : "");
        if (InterfaceName is { } name)
            values.Set("nat_script", HostPaths.NatScript(name)).Set("nft_table", Firewall.NftTableName(name)).Set("conf", HostPaths.Config(name))
                .Set("map_script", HostPaths.MapScript(name)).Set("nft_map_table", PrefixMap.NftTableName(name));
        else
            values.Set("nat_script", "").Set("nft_table", "").Set("conf", "").Set("map_script", "").Set("nft_map_table", "");
        return values;
    }
}

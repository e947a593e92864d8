namespace WgAdmin.Remote;

/// <summary>
/// The rules WgAdmin manages for a tunnel interface, as one script with up, down and check
/// actions (nat-iptables.sh or nat-nftables.sh with the interface's values). Rules live in WgAdmin's own chains (iptables) or table (nftables), so "up" is
/// idempotent (flush and refill, one jump rule added only if missing), "down" removes exactly
/// what "up" made, and nothing else on the gateway is touched. The script is installed under
/// <see cref="HostPaths.NatDirectory"/> and run by the wg-quick@ unit (ExecStartPost/ExecStopPost), so
/// restarts and reboots re-apply it without ever duplicating a rule.
/// </summary>
public static class Firewall
{
    public static string Script(NatSpec spec, FirewallBackend backend)
    {
        if (backend == FirewallBackend.Auto)
            throw new ArgumentException("Resolve Auto to a concrete backend first.", nameof(backend));
        // The names are word-split inside the script's rules, so they must be plain interface names.
        foreach (var name in new[] { spec.Interface, spec.WanInterface })
            if (Config.WgValues.CheckInterfaceName(name) is { } problem)
                throw new WgException(problem);
        var values = new ScriptValues().Set("wg", spec.Interface).Set("wan", spec.WanInterface).Set("two_way", spec.TwoWay).Set("clamp", spec.ClampMss);
        if (backend == FirewallBackend.Iptables)
        {
            // Chain names are at most 28 characters; an interface name is at most 15.
            values.Set("fwd", "WGADMIN-FWD-" + spec.Interface).Set("nat", "WGADMIN-NAT-" + spec.Interface)
                .Set("mss", "WGADMIN-MSS-" + spec.Interface)
                .Set("tools", spec.IPv6 ? "iptables ip6tables" : "iptables");
            return RemoteScript.Installable("nat-iptables.sh", values);
        }
        return RemoteScript.Installable("nat-nftables.sh", values.Set("table", NftTableName(spec.Interface)));
    }

    /// <summary>The wg-quick@ drop-in that runs the interface's NAT script when it starts and stops.</summary>
    public static string DropIn(string interfaceName) => RemoteScript.Template("nat-dropin.conf", ("nat_script", HostPaths.NatScript(interfaceName)));

    /// <summary>
    /// The nftables table of an interface, one per name: nft takes letters, digits, '_', '.', '-'
    /// and '/' in a name, so '=' and '+' become "/3d" and "/2b" ('/' is never in an interface name).
    /// </summary>
    public static string NftTableName(string interfaceName) =>
        "wgadmin_" + interfaceName.Replace("=", "/3d", StringComparison.Ordinal).Replace("+", "/2b", StringComparison.Ordinal);
}

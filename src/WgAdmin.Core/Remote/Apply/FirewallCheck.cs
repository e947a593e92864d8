namespace WgAdmin.Remote;

/// <summary>
/// Whether a firewall someone else manages (ufw, firewalld) lets an interface's tunnel through by
/// its own saved rules. WgAdmin does not edit such a firewall: its owner's tool (ufw, firewall-cmd,
/// a configuration manager) would overwrite or trip over foreign rules, and rules added beside it
/// vanish on its reload. So an apply that the firewall would break stops before any change and
/// names the commands that open it. Docker's FORWARD DROP needs no check: WgAdmin's iptables chain,
/// jumped to first, lets the tunnel through (see <see cref="FirewallBackend.Auto"/>).
/// </summary>
public static class FirewallCheck
{
    /// <summary>
    /// Null when the tunnel of <paramref name="interfaceName"/> (UDP <paramref name="listenPort"/>
    /// in, forwarding through it when <paramref name="forwarding"/>) passes the gateway's firewall;
    /// otherwise the error that names the firewall and the fix. <paramref name="natRules"/>: the apply
    /// installs WgAdmin's NAT rules, whose jumps sit in iptables' built-in chains. <paramref name="exitInterface"/>:
    /// where forwarded packets leave the gateway when known (-Masquerade's interface); else the default route's.
    /// </summary>
    public static WgError? Blocker(string computerName, GatewayState state, string interfaceName, int? listenPort, bool forwarding, bool natRules,
        string? exitInterface = null)
    {
        if (state.UfwRules is { } ufw)
        {
            var needed = UfwCommands(interfaceName, listenPort, forwarding).Where(c => !ufw.Any(r => IsUfwRule(r, c))).ToList();
            // ufw leaves the built-in chains to others unless told to own them; then each reload
            // flushes them, and the tunnel's masquerade would silently go with them.
            if (natRules && state.UfwManagesBuiltins)
                needed.Add("sed -i 's/^MANAGE_BUILTINS=.*/MANAGE_BUILTINS=no/' /etc/default/ufw");
            if (needed.Count > 0)
                return Error(computerName, "ufw is active and its rules do not", needed);
        }
        if (state.FirewalldRuntime is { } runtime && state.FirewalldPermanent is { } permanent)
        {
            // Saved and live both: a rule only live is gone after the next reload or boot, one only saved is not in force yet.
            var zone = permanent.Name;
            var needed = new List<string>();
            foreach (var view in new[] { permanent, runtime })
            {
                if (!view.Interfaces.Contains(interfaceName))
                    needed.Add($"firewall-cmd --permanent --zone={zone} --add-interface={interfaceName}");
                if (listenPort is { } port && !view.Ports.Contains($"{port}/udp"))
                    needed.Add($"firewall-cmd --permanent --zone={zone} --add-port={port}/udp");
                if (forwarding && !view.Forward)
                    needed.Add($"firewall-cmd --permanent --zone={zone} --add-forward");
                // Intra-zone forwarding covers only the interfaces named in the zone, not those the
                // default zone takes in by default: the LAN's own interface must be named too.
                if (forwarding && (exitInterface ?? state.FirewalldRouteInterface) is { } route && route != interfaceName && !view.Interfaces.Contains(route))
                    needed.Add($"firewall-cmd --permanent --zone={zone} --add-interface={route}");
            }
            if (needed.Count > 0)
            {
                needed = needed.Distinct().ToList();
                needed.Add("firewall-cmd --reload");
                return Error(computerName, $"firewalld is running and its default zone {Quote.Value(zone)} does not", needed);
            }
        }
        return null;
    }

    /// <summary>The ufw rules the tunnel needs: its port in, and routed traffic in and out of the interface.</summary>
    public static IEnumerable<string> UfwCommands(string interfaceName, int? listenPort, bool forwarding)
    {
        if (listenPort is { } port)
            yield return $"ufw allow {port}/udp";
        if (forwarding)
        {
            yield return $"ufw route allow in on {interfaceName}";
            yield return $"ufw route allow out on {interfaceName}";
        }
    }

    // `ufw show added` prints each rule as the command that added it, a comment after it if one was given.
    private static bool IsUfwRule(string line, string command) =>
        line == command || line.StartsWith(command + " comment ", StringComparison.Ordinal);

    private static WgError Error(string computerName, string what, IReadOnlyList<string> commands) =>
        new(WgErrorId.FirewallBlocksTunnel,
            $"{computerName}: {what} let the tunnel through; nothing was changed. Run on the gateway: {string.Join("; ", commands)}",
            Offender: computerName);
}

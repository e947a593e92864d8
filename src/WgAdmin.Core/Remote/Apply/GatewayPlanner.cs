using System.Security.Cryptography;
using System.Text;
using WgAdmin.Config;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Remote;

/// <summary>
/// Computes the steps that bring a gateway from what the probe saw to the desired interface.
/// Nothing here touches the network; the plan is pure data built from two descriptions.
/// Restarts happen only when wg-quick must re-run (hooks, DNS, Table, SaveConfig, a default
/// route appearing or going); peers, keys, ports, addresses, MTU and routes change live.
/// </summary>
public static class GatewayPlanner
{
    public static GatewayPlan Plan(string computerName, WgInterface? desired, string interfaceName, GatewayState state, ApplyOptions options)
    {
        var plan = new GatewayPlan { ComputerName = computerName, InterfaceName = interfaceName };
        var name = interfaceName;
        if (!state.IsRoot)
            plan.Notes.Add("commands run through sudo -n");

        // Before any step: a firewall someone else manages that would drop the tunnel stops the apply here.
        // NAT forwards too; Set-WgNat and Enable-WgForwarding leave the port as it is, so only forwarding is checked then.
        var forwarding = options.EnableForwarding || options.Masquerade is not null;
        var manages = options.ManageInterface && desired is not null;
        if ((manages || forwarding)
            && FirewallCheck.Blocker(computerName, state, interfaceName, manages ? desired!.ListenPort : null, forwarding, options.Masquerade is not null, options.Masquerade) is { } blocker)
            throw new WgException(blocker);

        if (!state.HasWireGuard && (options.ManageInterface || options.Masquerade is not null))
        {
            if (!options.InstallPackage)
                throw new WgException(new WgError(WgErrorId.WireGuardNotInstalled,
                    $"{computerName}: the WireGuard tools (wg, wg-quick) are not installed; add -InstallPackage to install them.", Offender: computerName));
            var command = PackageInstaller.InstallCommand(state.PackageManager);
            plan.Steps.Add(new PlanStep("InstallPackage", $"install WireGuard ({state.PackageManager.ToString().ToLowerInvariant()})", command));
        }

        // wg-quick hands DNS = to resolvconf; without it the interface fails to start, after the config was written.
        if (options.ManageInterface && desired is not null && (desired.Dns.Length > 0 || desired.DnsSearch.Length > 0) && !state.Has("resolvconf"))
        {
            if (!options.InstallPackage)
                throw new WgException(new WgError(WgErrorId.ResolvconfMissing,
                    $"{computerName}: the config sets DNS =, which wg-quick hands to resolvconf, and the gateway has no resolvconf; add -InstallPackage to install openresolv, or leave DNS out of a gateway's config.", Offender: computerName));
            plan.Steps.Add(new PlanStep("InstallResolvconf", $"install openresolv for DNS = ({state.PackageManager.ToString().ToLowerInvariant()})",
                PackageInstaller.InstallResolvconfCommand(state.PackageManager)));
        }

        var reference = desired ?? state.Config;
        var ipv6 = options.IPv6 ?? (reference is not null && (reference.Address.Any(a => a.IsIPv6) || reference.Peers.Any(p => p.AllowedIPs.Any(a => a.IsIPv6))));
        if (options.EnableForwarding)
            PlanForwarding(plan, state, name, ipv6);
        if (options.Masquerade is not null)
            PlanNat(plan, state, name, options, ipv6);
        if (options.ReresolveEndpoint == true)
            PlanReresolve(plan, state, name, options.ReresolveInterval);
        else if (options.ReresolveEndpoint == false)
            AddReresolveRemoval(plan, state, name);
        if (options.ManageInterface && desired is not null)
        {
            PlanInterface(plan, state, desired, options);
            PlanMapping(plan, state, desired, options);
        }
        return plan;
    }

    // Before the interface's own steps, inside the change: when starting the interface fails, the
    // restore takes the script and units away again with the rest (change.sh, restore_timer). The
    // timer's first run is one interval after it starts, when the interface is up.
    private static void PlanReresolve(GatewayPlan plan, GatewayState state, string name, TimeSpan interval)
    {
        var script = EndpointSync.InstalledScript(name);
        if (!HashMatches(state, HostPaths.ReresolveScript(name), script))
            plan.Steps.Add(new PlanStep("WriteReresolveScript", $"write {HostPaths.ReresolveScript(name)} (re-resolves the peers' host names)",
                "write_file \"$reresolve_script\" 700 \"$reresolve_text\"") { Values = new ScriptValues().Set("reresolve_text", script) });
        if (state.HasSystemd)
        {
            var service = ReresolveTimer.ServiceText(name);
            var timer = ReresolveTimer.TimerText(name, interval);
            if (!HashMatches(state, HostPaths.ReresolveService(name), service) || !HashMatches(state, HostPaths.ReresolveTimer(name), timer)
                || !state.ReresolveTimerEnabled || !state.ReresolveTimerActive)
                plan.Steps.Add(new PlanStep("StartReresolveTimer", $"start {HostPaths.ReresolveTimerName(name)} (every {ReresolveTimer.Seconds(interval)} s)",
                    "install_reresolve_timer \"$reresolve_unit\" \"$reresolve_service\" \"$reresolve_service_text\" \"$reresolve_timer\" \"$reresolve_timer_text\"")
                {
                    Values = new ScriptValues().Set("reresolve_service_text", service).Set("reresolve_timer_text", timer),
                });
        }
        else
        {
            var cron = ReresolveTimer.CronText(name, interval);
            plan.Notes.Add($"no systemd: endpoints re-resolved by cron every {ReresolveTimer.CronMinutes(interval)} minute(s) ({HostPaths.ReresolveCron(name)})");
            if (!HashMatches(state, HostPaths.ReresolveCron(name), cron))
                plan.Steps.Add(new PlanStep("WriteReresolveCron", $"write {HostPaths.ReresolveCron(name)} (every {ReresolveTimer.CronMinutes(interval)} minute(s))",
                    "write_file \"$reresolve_cron\" 644 \"$reresolve_cron_text\"") { Values = new ScriptValues().Set("reresolve_cron_text", cron) });
        }
    }

    private static void AddReresolveRemoval(GatewayPlan plan, GatewayState state, string name)
    {
        var files = new[] { HostPaths.ReresolveScript(name), HostPaths.ReresolveService(name), HostPaths.ReresolveTimer(name), HostPaths.ReresolveCron(name) };
        if (files.Any(state.ManagedFileHashes.ContainsKey) || state.ReresolveTimerEnabled || state.ReresolveTimerActive)
            plan.Steps.Add(new PlanStep("RemoveReresolve", $"stop re-resolving {name}'s endpoints (remove its script and timer)",
                "remove_reresolve \"$reresolve_script\" \"$reresolve_unit\" \"$reresolve_service\" \"$reresolve_timer\" \"$reresolve_cron\""));
    }

    // LAN hosts send a gateway the traffic for the far sites. While its tunnel is down (a restart, a
    // rollback, a boot) the gateway would forward that traffic back out the LAN to its default
    // router and tell each host by ICMP redirect to use that router instead; hosts keep a redirect
    // for minutes (Linux 5, Windows 10), long after the tunnel is back.
    internal const string RedirectsOff =
        "# No ICMP redirects: while the tunnel is down, LAN hosts must not learn to bypass this gateway.\n"
        + "net.ipv4.conf.all.send_redirects = 0\nnet.ipv4.conf.default.send_redirects = 0\nnet.ipv4.conf.*.send_redirects = 0\n";

    private static void PlanForwarding(GatewayPlan plan, GatewayState state, string name, bool ipv6)
    {
        var content = "# Managed by WgAdmin (Enable-WgForwarding) for " + name + ".\nnet.ipv4.ip_forward = 1\n"
            + (ipv6 ? "net.ipv6.conf.all.forwarding = 1\n" : "")
            + RedirectsOff;
        var path = HostPaths.Sysctl(name);
        var fileChanged = !HashMatches(state, path, content);
        if (fileChanged)
            plan.Steps.Add(new PlanStep("PersistForwarding", $"persist forwarding in {path}", "write_file \"$sysctl_file\" 644 \"$sysctl_text\"")
            {
                Values = new ScriptValues().Set("sysctl_text", content),
            });
        var runtimeOff = state.Ipv4Forwarding != "1" || (ipv6 && state.Ipv6Forwarding != "1") || state.RedirectsOn is not 0;
        if (fileChanged || runtimeOff)
            // sysctl -p of one file: `sysctl --system` fails in containers on read-only keys.
            plan.Steps.Add(new PlanStep("EnableForwarding", ipv6 ? "enable IPv4 and IPv6 forwarding" : "enable IPv4 forwarding", "sysctl -q -p \"$sysctl_file\""));
    }

    private static void PlanNat(GatewayPlan plan, GatewayState state, string name, ApplyOptions options, bool ipv6)
    {
        var backend = ResolveBackend(options.Firewall, state);
        var spec = new NatSpec(name, options.Masquerade!, options.TwoWayNat, ipv6, options.ClampMss);
        var script = Firewall.Script(spec, backend);
        var path = HostPaths.NatScript(name);
        var scriptChanged = !HashMatches(state, path, script);
        if (scriptChanged)
            plan.Steps.Add(new PlanStep("WriteNatRules", $"write the NAT rules for {name} via {options.Masquerade}{(options.ClampMss ? ", MSS clamped" : "")} ({backend.ToString().ToLowerInvariant()})",
                "replace_nat_script \"$nat_script\" \"$nat_text\"") { Values = new ScriptValues().Set("nat_text", script) });
        if (state.HasSystemd)
        {
            var dropIn = Firewall.DropIn(name);
            if (!HashMatches(state, HostPaths.NatDropIn(name), dropIn))
                plan.Steps.Add(new PlanStep("PersistNatRules", $"hook the NAT rules to wg-quick@{name}", "install_dropin \"$dropin_file\" \"$dropin_text\"")
                {
                    Values = new ScriptValues().Set("dropin_text", dropIn),
                });
        }
        else
        {
            plan.Notes.Add("no systemd: NAT rules are applied now but not re-applied at boot");
        }
        if (scriptChanged || state.NatRulesPresent != true)
            plan.Steps.Add(new PlanStep("ApplyNatRules", $"apply the NAT rules for {name}", "\"$nat_script\" up"));
    }

    /// <summary>
    /// The site's 1:1 prefix mapping: its script and drop-in written when they differ, its rules
    /// applied when written or missing; an interface without mappings takes away those it had.
    /// After the interface's own steps: the rules need no link, and a unit started earlier in the
    /// plan found no drop-in yet on a first apply.
    /// </summary>
    private static void PlanMapping(GatewayPlan plan, GatewayState state, WgInterface desired, ApplyOptions options)
    {
        var name = desired.Name!;
        if (desired.PrefixMappings.Length == 0)
        {
            AddMapRemoval(plan, state, name);
            return;
        }
        var backend = ResolveBackend(options.Firewall, state);
        var script = PrefixMap.Script(name, desired.PrefixMappings, backend);
        var scriptChanged = !HashMatches(state, HostPaths.MapScript(name), script);
        var what = string.Join(", ", desired.PrefixMappings.Select(m => m.ToString()));
        if (scriptChanged)
            plan.Steps.Add(new PlanStep("WriteMapRules", $"write the prefix mapping of {name}: {what} ({backend.ToString().ToLowerInvariant()})",
                "replace_nat_script \"$map_script\" \"$map_text\"") { Values = new ScriptValues().Set("map_text", script) });
        if (state.HasSystemd)
        {
            var dropIn = PrefixMap.DropIn(name);
            if (!HashMatches(state, HostPaths.MapDropIn(name), dropIn))
                plan.Steps.Add(new PlanStep("PersistMapRules", $"hook the prefix mapping to wg-quick@{name}", "install_dropin \"$map_dropin_file\" \"$map_dropin_text\"")
                {
                    Values = new ScriptValues().Set("map_dropin_text", dropIn),
                });
        }
        else
        {
            plan.Notes.Add("no systemd: the prefix mapping is applied now but not re-applied at boot");
        }
        if (scriptChanged || state.MapRulesPresent != true)
            plan.Steps.Add(new PlanStep("ApplyMapRules", $"apply the prefix mapping of {name}", "\"$map_script\" up"));
    }

    private static void AddMapRemoval(GatewayPlan plan, GatewayState state, string name)
    {
        if (state.ManagedFileHashes.ContainsKey(HostPaths.MapScript(name)))
            plan.Steps.Add(new PlanStep("RemoveMapRules", $"remove the prefix mapping of {name}", "remove_nat_script \"$map_script\""));
        if (state.ManagedFileHashes.ContainsKey(HostPaths.MapDropIn(name)))
            plan.Steps.Add(new PlanStep("UnhookMapRules", $"unhook the prefix mapping from wg-quick@{name}", "remove_dropin \"$map_dropin_file\""));
    }

    /// <summary>Takes away the NAT rules and the files that re-apply them.</summary>
    public static GatewayPlan PlanNatRemoval(string computerName, string name, GatewayState state)
    {
        var plan = new GatewayPlan { ComputerName = computerName, InterfaceName = name };
        AddNatRemoval(plan, state, name);
        return plan;
    }

    /// <summary>Stops and disables the interface and removes everything WgAdmin made for it.</summary>
    public static GatewayPlan PlanRemoval(string computerName, string name, GatewayState state, bool removeKey)
    {
        var plan = new GatewayPlan { ComputerName = computerName, InterfaceName = name };
        AddReresolveRemoval(plan, state, name);
        if (state.HasSystemd && (state.ServiceActive == "active" || state.ServiceEnabled == "enabled"))
            plan.Steps.Add(new PlanStep("StopService", $"stop and disable wg-quick@{name}", "systemctl disable -q --now \"wg-quick@$name\""));
        if (state.LinkExists && !(state.HasSystemd && state.ServiceActive == "active"))
            plan.Steps.Add(new PlanStep("StopInterface", $"take {name} down", "stop_interface \"$name\""));
        AddNatRemoval(plan, state, name);
        AddMapRemoval(plan, state, name);
        var sysctl = HostPaths.Sysctl(name);
        if (state.ManagedFileHashes.ContainsKey(sysctl))
            plan.Steps.Add(new PlanStep("RemoveForwarding", $"remove {sysctl} (forwarding stays on until reboot)", "rm -f \"$sysctl_file\""));
        if (state.ConfigExists)
            plan.Steps.Add(new PlanStep("RemoveConfig", $"remove {HostPaths.Config(name)} (kept as .wgadmin-removed)", "retire_config \"$conf\""));
        if (removeKey && (state.KeyFilePublicKey is not null || state.ConfigExists))
        {
            // The key also sits in the backup and in the kept config: no copy may stay behind.
            plan.Steps.Add(new PlanStep("RemoveKey", $"delete {HostPaths.KeyFile(name)} and every copy of the private key", "forget_private_key \"$key_file\" \"$conf\""));
        }
        return plan;
    }

    private static void AddNatRemoval(GatewayPlan plan, GatewayState state, string name)
    {
        if (state.ManagedFileHashes.ContainsKey(HostPaths.NatScript(name)))
            plan.Steps.Add(new PlanStep("RemoveNatRules", $"remove the NAT rules for {name}", "remove_nat_script \"$nat_script\""));
        if (state.ManagedFileHashes.ContainsKey(HostPaths.NatDropIn(name)))
            plan.Steps.Add(new PlanStep("UnhookNatRules", $"unhook the NAT rules from wg-quick@{name}", "remove_dropin \"$dropin_file\""));
    }

    private static FirewallBackend ResolveBackend(FirewallBackend requested, GatewayState state)
    {
        if (requested != FirewallBackend.Auto)
            return requested;
        // An accept in WgAdmin's nftables table does not override the DROP policy of iptables'
        // FORWARD chain (a chain of another table on iptables-nft): Docker's hosts need iptables.
        if (state.Has("iptables") && state.IptablesForwardDrop)
            return FirewallBackend.Iptables;
        if (state.Has("nft") && (!state.Has("iptables") || state.IptablesIsNft))
            return FirewallBackend.Nftables;
        return FirewallBackend.Iptables;
    }

    private static void PlanInterface(GatewayPlan plan, GatewayState state, WgInterface desired, ApplyOptions options)
    {
        var name = desired.Name!;
        string text;
        var keepConfigKey = false;
        if (desired.PrivateKey is not null)
        {
            text = WgConfigWriter.Write(desired, WgSecretMode.Include);
        }
        else if (desired.PublicKey is not null)
        {
            // The private key lives only on the gateway, in NAME.key: the file is completed there.
            // Without NAME.key, the key of the gateway's current config serves when it is the key of
            // this public key (an interface read from a topology file exported without secrets).
            keepConfigKey = state.KeyFilePublicKey is null && state.ConfigPublicKey == desired.PublicKey.ToString();
            if (state.KeyFilePublicKey is null && state.HasWireGuard && !keepConfigKey)
                throw new WgException(new WgError(WgErrorId.RemoteKeyMismatch,
                    $"{plan.ComputerName}: the interface holds only a public key, but {HostPaths.KeyFile(name)} does not exist there; create it with New-WgKeyPair -ComputerName.", Offender: plan.ComputerName));
            if (state.KeyFilePublicKey is not null && state.KeyFilePublicKey != desired.PublicKey.ToString())
                throw new WgException(new WgError(WgErrorId.RemoteKeyMismatch,
                    $"{plan.ComputerName}: {HostPaths.KeyFile(name)} holds the private key of {state.KeyFilePublicKey}, not of {desired.PublicKey}.", Offender: plan.ComputerName));
            text = WgConfigWriter.Write(desired, WgSecretMode.Include);
        }
        else
        {
            throw new WgException(new WgError(WgErrorId.InvalidInterfaceForApply,
                $"The interface {Quote.Value(name)} has neither a private key nor a public key generated on the gateway.", Offender: name));
        }

        // The hash of the file as lib.sh's config_hash computes it: without its private key lines.
        var wantedHash = Sha256Hex(string.Concat(text.Split('\n').Where(l => !KeyLines.IsPrivateKey(l)).Select(l => l + "\n"))[..^1]);
        var configChanged = state.ConfigHash != wantedHash || state.ConfigMode != "600"
            || (state.ConfigPublicKey is not null && state.ConfigPublicKey != desired.PublicKey?.ToString());
        if (configChanged)
            plan.Steps.Add(WriteConfigStep(name, state, text, remoteKey: desired.PrivateKey is null, keyFromConfig: keepConfigKey));

        if (state.HasSystemd)
        {
            if (state.ServiceEnabled != "enabled")
                plan.Steps.Add(new PlanStep("EnableService", $"enable wg-quick@{name}", "systemctl enable -q \"wg-quick@$name\""));
            if (state.ServiceActive != "active")
            {
                if (state.LinkExists)
                {
                    plan.RestartReason = $"{name} was up outside systemd";
                    plan.Steps.Add(new PlanStep("StartService", $"restart {name} under wg-quick@{name}", "stop_interface \"$name\"\nsystemctl start \"wg-quick@$name\""));
                }
                else
                {
                    plan.Steps.Add(new PlanStep("StartService", $"start wg-quick@{name}", "systemctl start \"wg-quick@$name\""));
                }
                return;
            }
        }
        else if (!state.LinkExists)
        {
            plan.Notes.Add("no systemd: started with wg-quick up, not enabled at boot");
            plan.Steps.Add(new PlanStep("StartInterface", $"start {name} with wg-quick up", "wg-quick up \"$name\" >/dev/null"));
            return;
        }

        // wg-quick@ is a oneshot unit: it stays "active" after someone deleted the link.
        if (state.HasSystemd && !state.LinkExists)
        {
            plan.RestartReason = $"wg-quick@{name} is active but {name} does not exist";
            plan.Steps.Add(new PlanStep("RestartService", $"restart {name} ({plan.RestartReason})", "systemctl restart \"wg-quick@$name\""));
            return;
        }

        // The interface is running: change it live where wg and ip can, restart only where wg-quick must re-run.
        var current = state.Config;
        var restartReason = configChanged ? RestartReason(current, desired, state.ConfigParseError) : null;
        if (restartReason is not null)
        {
            plan.RestartReason = restartReason;
            // Only the running config's own down hooks undo what its up hooks did (a firewall rule, a
            // route): when they change, the interface goes down under that config before it is replaced.
            if (current is not null && (!current.PreDown.SequenceEqual(desired.PreDown) || !current.PostDown.SequenceEqual(desired.PostDown))
                && (current.PreDown.Length + current.PostDown.Length) > 0)
            {
                var write = plan.Steps.FindIndex(step => step.Action == "WriteConfig");
                plan.Steps.Insert(write < 0 ? plan.Steps.Count : write, new PlanStep("StopForHooks", $"take {name} down under its current config (its down hooks run)",
                    state.HasSystemd ? "systemctl stop \"wg-quick@$name\"" : "wg-quick down \"$name\" >/dev/null"));
            }
            plan.Steps.Add(new PlanStep("RestartService", $"restart {name} ({restartReason})",
                state.HasSystemd ? "systemctl restart \"wg-quick@$name\"" : "wg-quick down \"$name\" >/dev/null\nwg-quick up \"$name\" >/dev/null"));
            return;
        }
        if (configChanged)
            PlanLiveChange(plan, state, current!, desired);
        else if (LivePeersDiffer(state, desired))
            plan.Steps.Add(new PlanStep("SyncPeers", $"resynchronise {name}'s live peers with its config", SyncScript) { Values = PeerResets(state, desired) });
    }

    private static void PlanLiveChange(GatewayPlan plan, GatewayState state, WgInterface current, WgInterface desired)
    {
        var name = desired.Name!;
        var changes = new List<string>();
        var values = PeerResets(state, desired);
        var script = new StringBuilder();
        var added = desired.Address.Except(current.Address).ToList();
        var removed = current.Address.Except(desired.Address).ToList();
        changes.AddRange(added.Select(a => $"add address {a}"));
        changes.AddRange(removed.Select(a => $"remove address {a}"));
        if (added.Count + removed.Count > 0)
        {
            script.Append("update_addresses \"$name\" \"$live_add_addresses\" \"$live_del_addresses\"\n");
            values.Set("live_add_addresses", Lines(added)).Set("live_del_addresses", Lines(removed));
        }
        if (desired.Mtu is int mtu && mtu != state.LinkMtu)
        {
            script.Append("ip link set mtu \"$live_mtu\" dev \"$name\"\n");
            values.Set("live_mtu", mtu);
            changes.Add($"set MTU {mtu}");
        }
        script.Append(SyncScript);
        changes.Add("sync peers (wg syncconf)");
        if (desired.Table != "off")
        {
            var wanted = RoutedPrefixes(desired);
            var had = RoutedPrefixes(current);
            var routed = wanted.Except(had).ToList();
            var unrouted = had.Except(wanted).ToList();
            changes.AddRange(routed.Select(p => $"route {p}"));
            changes.AddRange(unrouted.Select(p => $"unroute {p}"));
            if (routed.Count + unrouted.Count > 0)
            {
                script.Append("\nupdate_routes \"$name\" \"$live_table\" \"$live_add_routes\" \"$live_del_routes\"");
                values.Set("live_table", desired.Table is null or "auto" ? "" : desired.Table)
                    .Set("live_add_routes", Lines(routed)).Set("live_del_routes", Lines(unrouted));
            }
        }
        plan.Steps.Add(new PlanStep("UpdateLive", $"update {name} live: {string.Join(", ", changes)}", script.ToString()) { Values = values });
    }

    private static string Lines(IEnumerable<WgPrefix> prefixes) => string.Join('\n', prefixes.Select(p => p.ToString()));

    private const string SyncScript = "sync_peers \"$name\"\nreset_peers \"$name\" \"$keepalive_off\" \"$psk_off\"";

    /// <summary>The running peers whose keepalive or preshared key the desired config drops (wg syncconf would keep them).</summary>
    private static ScriptValues PeerResets(GatewayState state, WgInterface desired)
    {
        var live = DumpFormat.Distinct(state.LivePeers).ToDictionary(p => p.PublicKey, StringComparer.Ordinal);
        var keepaliveOff = new List<string>();
        var pskOff = new List<string>();
        foreach (var peer in desired.Peers)
        {
            if (!live.TryGetValue(peer.PublicKey.ToString(), out var running))
                continue;
            if (peer.PersistentKeepalive is null or 0 && running.PersistentKeepalive is not null)
                keepaliveOff.Add(peer.PublicKey.ToString());
            if (!peer.HasPresharedKey && running.HasPresharedKey)
                pskOff.Add(peer.PublicKey.ToString());
        }
        return new ScriptValues().Set("keepalive_off", string.Join('\n', keepaliveOff)).Set("psk_off", string.Join('\n', pskOff));
    }

    /// <summary>Why a running interface cannot take the change live, or null if it can.</summary>
    public static string? RestartReason(WgInterface? current, WgInterface desired, string? parseError = null)
    {
        if (current is null)
            return parseError is null ? "the current config could not be read" : "the current config does not parse";
        var reasons = new List<string>();
        if (!current.PreUp.SequenceEqual(desired.PreUp) || !current.PostUp.SequenceEqual(desired.PostUp)
            || !current.PreDown.SequenceEqual(desired.PreDown) || !current.PostDown.SequenceEqual(desired.PostDown))
            reasons.Add("hooks changed");
        if (!current.Dns.SequenceEqual(desired.Dns) || !current.DnsSearch.SequenceEqual(desired.DnsSearch))
            reasons.Add("DNS changed");
        if (current.Table != desired.Table)
            reasons.Add("Table changed");
        if (current.SaveConfig != desired.SaveConfig)
            reasons.Add("SaveConfig changed");
        if (current.Mtu is not null && desired.Mtu is null)
            reasons.Add("MTU returns to automatic");
        if (current.FwMark != desired.FwMark && (HasDefaultRoute(current) || HasDefaultRoute(desired)))
            reasons.Add("FwMark changed with a default route");
        if (HasDefaultRoute(current) != HasDefaultRoute(desired))
            reasons.Add("a default route (/0) was added or removed");
        return reasons.Count == 0 ? null : string.Join(", ", reasons);
    }

    private static bool HasDefaultRoute(WgInterface config) => config.Peers.Any(p => p.AllowedIPs.Any(a => a.Length == 0));

    /// <summary>The routes wg-quick adds for an interface: every allowed network but the /0s (policy-routed).</summary>
    private static HashSet<WgPrefix> RoutedPrefixes(WgInterface config) =>
        config.Peers.SelectMany(p => p.AllowedIPs).Where(a => a.Length > 0).Select(a => a.ToNetwork()).ToHashSet();

    private static bool LivePeersDiffer(GatewayState state, WgInterface desired)
    {
        if (desired.ListenPort is int port && state.LiveListenPort != port)
            return true;
        if (desired.PublicKey is not null && state.LivePublicKey is not null && state.LivePublicKey != desired.PublicKey.ToString())
            return true;
        if (state.LivePeers.Count != desired.Peers.Length)
            return true;
        var live = DumpFormat.Distinct(state.LivePeers).ToDictionary(p => p.PublicKey, StringComparer.Ordinal);
        foreach (var peer in desired.Peers)
        {
            if (!live.TryGetValue(peer.PublicKey.ToString(), out var running))
                return true;
            var wanted = peer.AllowedIPs.Select(a => a.ToNetwork().ToString()).ToHashSet(StringComparer.Ordinal);
            if (!wanted.SetEquals(running.AllowedIPs))
                return true;
            if (running.HasPresharedKey != peer.HasPresharedKey)
                return true;
            if ((peer.PersistentKeepalive is null or 0 ? null : peer.PersistentKeepalive) != running.PersistentKeepalive)
                return true;
        }
        return false;
    }

    private static bool HashMatches(GatewayState state, string path, string content) =>
        state.ManagedFileHashes.TryGetValue(path, out var hash) && hash == Sha256Hex(content);

    internal static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Writes the config: as given when it holds its private key; else with the gateway's own key
    /// put in there (from the key file, or from the current config when that is the interface's key).
    /// </summary>
    private static PlanStep WriteConfigStep(string name, GatewayState state, string text, bool remoteKey, bool keyFromConfig)
    {
        var script = "backup_config \"$conf\"\n" + (!remoteKey
            ? "write_file \"$conf\" 600 \"$config_text\""
            : keyFromConfig
                ? "write_config_with_key \"$conf\" \"$(private_key_of \"$conf\")\" \"$config_text\""
                : "write_config_with_key \"$conf\" \"$(cat \"$key_file\")\" \"$config_text\"") + "\ndrop_old_key \"$conf\"";
        return new PlanStep("WriteConfig", $"write {HostPaths.Config(name)}{(state.ConfigExists ? " (previous kept as .wgadmin-bak)" : "")}", script)
        {
            Values = new ScriptValues().Set("config_text", text),
        };
    }
}

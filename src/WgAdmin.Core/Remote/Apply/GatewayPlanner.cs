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
    public static string SysctlPath(string name) => $"/etc/sysctl.d/90-wgadmin-{name}.conf";

    public static string DropInPath(string name) => $"/etc/systemd/system/wg-quick@{name}.service.d/50-wgadmin.conf";

    public static IReadOnlyList<string> ManagedFiles(string name) => new[] { SysctlPath(name), Firewall.ScriptPath(name), DropInPath(name) };

    public static GatewayPlan Plan(string computerName, WgInterface? desired, string interfaceName, GatewayState state, ApplyOptions options)
    {
        var plan = new GatewayPlan { ComputerName = computerName, InterfaceName = interfaceName };
        var name = interfaceName;
        if (!state.IsRoot)
            plan.Notes.Add("commands run through sudo -n");

        if (!state.HasWireGuard && (options.ManageInterface || options.Masquerade is not null))
        {
            if (!options.InstallPackage)
                throw new WgException(new WgError(WgErrorId.WireGuardNotInstalled,
                    $"{computerName}: the WireGuard tools (wg, wg-quick) are not installed; add -InstallPackage to install them.", Offender: computerName));
            var command = PackageInstaller.InstallCommand(state.PackageManager);
            plan.Steps.Add(new PlanStep("InstallPackage", $"install WireGuard ({state.PackageManager.ToString().ToLowerInvariant()})", command));
        }

        var reference = desired ?? state.Config;
        var ipv6 = options.IPv6 ?? (reference is not null && (reference.Address.Any(a => a.IsIPv6) || reference.Peers.Any(p => p.AllowedIPs.Any(a => a.IsIPv6))));
        if (options.EnableForwarding)
            PlanForwarding(plan, state, name, ipv6);
        if (options.Masquerade is not null)
            PlanNat(plan, state, name, options, ipv6);
        if (options.ManageInterface && desired is not null)
            PlanInterface(plan, state, desired, options);
        return plan;
    }

    private static void PlanForwarding(GatewayPlan plan, GatewayState state, string name, bool ipv6)
    {
        var content = "# Managed by WgAdmin (Enable-WgForwarding) for " + name + ".\nnet.ipv4.ip_forward = 1\n"
            + (ipv6 ? "net.ipv6.conf.all.forwarding = 1\n" : "");
        var path = SysctlPath(name);
        var fileChanged = !HashMatches(state, path, content);
        if (fileChanged)
            plan.Steps.Add(new PlanStep("PersistForwarding", $"persist forwarding in {path}", PutFile(path, "644", content)));
        var runtimeOff = state.Ipv4Forwarding != "1" || (ipv6 && state.Ipv6Forwarding != "1");
        if (fileChanged || runtimeOff)
            // sysctl -p of one file: `sysctl --system` fails in containers on read-only keys.
            plan.Steps.Add(new PlanStep("EnableForwarding", ipv6 ? "enable IPv4 and IPv6 forwarding" : "enable IPv4 forwarding", $"sysctl -q -p {ShellQuote.Quote(path)}"));
    }

    private static void PlanNat(GatewayPlan plan, GatewayState state, string name, ApplyOptions options, bool ipv6)
    {
        var backend = ResolveBackend(options.Firewall, state);
        var spec = new NatSpec(name, options.Masquerade!, options.TwoWayNat, ipv6);
        var script = Firewall.Script(spec, backend);
        var path = Firewall.ScriptPath(name);
        var scriptChanged = !HashMatches(state, path, script);
        if (scriptChanged)
            // The old script takes its own rules down first: a new backend or family would not know them.
            plan.Steps.Add(new PlanStep("WriteNatRules", $"write the NAT rules for {name} via {options.Masquerade} ({backend.ToString().ToLowerInvariant()})",
                $"if [ -x {ShellQuote.Quote(path)} ]; then {ShellQuote.Quote(path)} down; fi\n" + PutFile(path, "700", script)));
        if (state.HasSystemd)
        {
            var dropIn = $"# Managed by WgAdmin (Set-WgNat): NAT and forwarding rules follow the interface.\n[Service]\nExecStartPost={path} up\nExecStopPost=-{path} down\n";
            var dropInPath = DropInPath(name);
            if (!HashMatches(state, dropInPath, dropIn))
                plan.Steps.Add(new PlanStep("PersistNatRules", $"hook the NAT rules to wg-quick@{name}", PutFile(dropInPath, "644", dropIn) + "\nsystemctl daemon-reload"));
        }
        else
        {
            plan.Notes.Add("no systemd: NAT rules are applied now but not re-applied at boot");
        }
        if (scriptChanged || state.NatRulesPresent != true)
            plan.Steps.Add(new PlanStep("ApplyNatRules", $"apply the NAT rules for {name}", $"{ShellQuote.Quote(path)} up"));
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
        var quotedName = ShellQuote.Quote(name);
        if (state.HasSystemd && (state.ServiceActive == "active" || state.ServiceEnabled == "enabled"))
            plan.Steps.Add(new PlanStep("StopService", $"stop and disable wg-quick@{name}", $"systemctl disable -q --now wg-quick@{quotedName}"));
        if (state.LinkExists && !(state.HasSystemd && state.ServiceActive == "active"))
            plan.Steps.Add(new PlanStep("StopInterface", $"take {name} down", $"wg-quick down {quotedName} >/dev/null 2>&1 || ip link del dev {quotedName}"));
        AddNatRemoval(plan, state, name);
        var sysctl = SysctlPath(name);
        if (state.ManagedFileHashes.ContainsKey(sysctl))
            plan.Steps.Add(new PlanStep("RemoveForwarding", $"remove {sysctl} (forwarding stays on until reboot)", $"rm -f {ShellQuote.Quote(sysctl)}"));
        if (state.ConfigExists)
        {
            var conf = ShellQuote.Quote(GatewayProbe.ConfigPath(name));
            plan.Steps.Add(new PlanStep("RemoveConfig", $"remove {GatewayProbe.ConfigPath(name)} (kept as .wgadmin-removed)", $"mv -f {conf} {conf}.wgadmin-removed && chmod 600 {conf}.wgadmin-removed"));
        }
        if (removeKey && (state.KeyFilePublicKey is not null || state.ConfigExists))
        {
            // The key also sits in the backup and in the kept config: no copy may stay behind.
            var conf = GatewayProbe.ConfigPath(name);
            plan.Steps.Add(new PlanStep("RemoveKey", $"delete {GatewayProbe.KeyFilePath(name)} and every copy of the private key",
                $"rm -f {ShellQuote.Quote(GatewayProbe.KeyFilePath(name))} {ShellQuote.Quote(conf + ".wgadmin-bak")}\n"
                + $"if [ -f {ShellQuote.Quote(conf + ".wgadmin-removed")} ]; then sed -i '/^[[:space:]]*[Pp][Rr][Ii][Vv][Aa][Tt][Ee][[:space:]]*[Kk][Ee][Yy]/d' {ShellQuote.Quote(conf + ".wgadmin-removed")}; fi"));
        }
        return plan;
    }

    private static void AddNatRemoval(GatewayPlan plan, GatewayState state, string name)
    {
        var script = Firewall.ScriptPath(name);
        if (state.ManagedFileHashes.ContainsKey(script))
            plan.Steps.Add(new PlanStep("RemoveNatRules", $"remove the NAT rules for {name}", $"{ShellQuote.Quote(script)} down\nrm -f {ShellQuote.Quote(script)}"));
        var dropIn = DropInPath(name);
        if (state.ManagedFileHashes.ContainsKey(dropIn))
            plan.Steps.Add(new PlanStep("UnhookNatRules", $"unhook the NAT rules from wg-quick@{name}", $"rm -f {ShellQuote.Quote(dropIn)}\nrmdir {ShellQuote.Quote(Path.GetDirectoryName(dropIn)!)} 2>/dev/null || true\nsystemctl daemon-reload"));
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
        var quotedName = ShellQuote.Quote(name);
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
                    $"{plan.ComputerName}: the interface holds only a public key, but {GatewayProbe.KeyFilePath(name)} does not exist there; create it with New-WgKeyPair -ComputerName.", Offender: plan.ComputerName));
            if (state.KeyFilePublicKey is not null && state.KeyFilePublicKey != desired.PublicKey.ToString())
                throw new WgException(new WgError(WgErrorId.RemoteKeyMismatch,
                    $"{plan.ComputerName}: {GatewayProbe.KeyFilePath(name)} holds the private key of {state.KeyFilePublicKey}, not of {desired.PublicKey}.", Offender: plan.ComputerName));
            text = WgConfigWriter.Write(desired, WgSecretMode.Include);
        }
        else
        {
            throw new WgException(new WgError(WgErrorId.InvalidInterfaceForApply,
                $"The interface {Quote.Value(name)} has neither a private key nor a public key generated on the gateway.", Offender: name));
        }

        var wantedHash = Sha256Hex(string.Concat(text.Split('\n').Where(l => !l.StartsWith("PrivateKey = ", StringComparison.Ordinal)).Select(l => l + "\n"))[..^1]);
        var configChanged = state.ConfigHash != wantedHash || state.ConfigMode != "600"
            || (state.ConfigPublicKey is not null && state.ConfigPublicKey != desired.PublicKey?.ToString());
        if (configChanged)
            plan.Steps.Add(new PlanStep("WriteConfig", $"write {GatewayProbe.ConfigPath(name)}{(state.ConfigExists ? " (previous kept as .wgadmin-bak)" : "")}",
                WriteConfigScript(name, text, remoteKey: desired.PrivateKey is null, keyFromConfig: keepConfigKey)));

        if (state.HasSystemd)
        {
            if (state.ServiceEnabled != "enabled")
                plan.Steps.Add(new PlanStep("EnableService", $"enable wg-quick@{name}", $"systemctl enable -q wg-quick@{quotedName}"));
            if (state.ServiceActive != "active")
            {
                if (state.LinkExists)
                {
                    plan.RestartReason = $"{name} was up outside systemd";
                    plan.Steps.Add(new PlanStep("StartService", $"restart {name} under wg-quick@{name}", $"wg-quick down {quotedName} >/dev/null 2>&1 || ip link del dev {quotedName}\nsystemctl start wg-quick@{quotedName}"));
                }
                else
                {
                    plan.Steps.Add(new PlanStep("StartService", $"start wg-quick@{name}", $"systemctl start wg-quick@{quotedName}"));
                }
                return;
            }
        }
        else if (!state.LinkExists)
        {
            plan.Notes.Add("no systemd: started with wg-quick up, not enabled at boot");
            plan.Steps.Add(new PlanStep("StartInterface", $"start {name} with wg-quick up", $"wg-quick up {quotedName} >/dev/null"));
            return;
        }

        // wg-quick@ is a oneshot unit: it stays "active" after someone deleted the link.
        if (state.HasSystemd && !state.LinkExists)
        {
            plan.RestartReason = $"wg-quick@{name} is active but {name} does not exist";
            plan.Steps.Add(new PlanStep("RestartService", $"restart {name} ({plan.RestartReason})", $"systemctl restart wg-quick@{quotedName}"));
            return;
        }

        // The interface is running: change it live where wg and ip can, restart only where wg-quick must re-run.
        var current = state.Config;
        var restartReason = configChanged ? RestartReason(current, desired, state.ConfigParseError) : null;
        if (restartReason is not null)
        {
            plan.RestartReason = restartReason;
            plan.Steps.Add(new PlanStep("RestartService", $"restart {name} ({restartReason})",
                state.HasSystemd ? $"systemctl restart wg-quick@{quotedName}" : $"wg-quick down {quotedName} >/dev/null; wg-quick up {quotedName} >/dev/null"));
            return;
        }
        if (configChanged)
            PlanLiveChange(plan, state, current!, desired);
        else if (LivePeersDiffer(state, desired))
            plan.Steps.Add(new PlanStep("SyncPeers", $"resynchronise {name}'s live peers with its config", SyncScript(quotedName, state, desired)));
    }

    private static void PlanLiveChange(GatewayPlan plan, GatewayState state, WgInterface current, WgInterface desired)
    {
        var name = desired.Name!;
        var quotedName = ShellQuote.Quote(name);
        var script = new StringBuilder();
        var changes = new List<string>();
        foreach (var address in desired.Address.Except(current.Address))
        {
            script.Append($"ip address add {ShellQuote.Quote(address.ToString())} dev {quotedName}\n");
            changes.Add($"add address {address}");
        }
        foreach (var address in current.Address.Except(desired.Address))
        {
            script.Append($"ip address del {ShellQuote.Quote(address.ToString())} dev {quotedName} 2>/dev/null || true\n");
            changes.Add($"remove address {address}");
        }
        if (desired.Mtu is int mtu && mtu != state.LinkMtu)
        {
            script.Append($"ip link set mtu {mtu} dev {quotedName}\n");
            changes.Add($"set MTU {mtu}");
        }
        script.Append(SyncScript(quotedName, state, desired)).Append('\n');
        changes.Add("sync peers (wg syncconf)");
        if (desired.Table != "off")
        {
            var table = desired.Table is null or "auto" ? "" : $" table {ShellQuote.Quote(desired.Table)}";
            var wanted = RoutedPrefixes(desired);
            var had = RoutedPrefixes(current);
            foreach (var prefix in wanted.Except(had))
            {
                script.Append($"ip {(prefix.IsIPv6 ? "-6" : "-4")} route replace {ShellQuote.Quote(prefix.ToString())} dev {quotedName}{table}\n");
                changes.Add($"route {prefix}");
            }
            foreach (var prefix in had.Except(wanted))
            {
                script.Append($"ip {(prefix.IsIPv6 ? "-6" : "-4")} route del {ShellQuote.Quote(prefix.ToString())} dev {quotedName}{table} 2>/dev/null || true\n");
                changes.Add($"unroute {prefix}");
            }
        }
        plan.Steps.Add(new PlanStep("UpdateLive", $"update {name} live: {string.Join(", ", changes)}", script.ToString().TrimEnd('\n')));
    }

    // The strip is captured first: a failure inside <(...) is invisible to set -e, and an empty
    // input to wg syncconf would remove every peer.
    // wg syncconf leaves what the file does not mention: a keepalive or preshared key dropped from a
    // running peer is cleared explicitly, or the peer would keep it and never converge.
    private static string SyncScript(string quotedName, GatewayState state, WgInterface desired)
    {
        var script = new StringBuilder($"stripped=$(wg-quick strip {quotedName})\n[ -n \"$stripped\" ]\nwg syncconf {quotedName} <(printf '%s\\n' \"$stripped\")\nunset stripped");
        var live = state.LivePeers.ToDictionary(p => p.PublicKey, StringComparer.Ordinal);
        foreach (var peer in desired.Peers)
        {
            if (!live.TryGetValue(peer.PublicKey.ToString(), out var running))
                continue;
            var key = ShellQuote.Quote(peer.PublicKey.ToString());
            if (peer.PersistentKeepalive is null or 0 && running.PersistentKeepalive is not null)
                script.Append($"\nwg set {quotedName} peer {key} persistent-keepalive off");
            if (!peer.HasPresharedKey && running.HasPresharedKey)
                script.Append($"\nwg set {quotedName} peer {key} preshared-key /dev/null");
        }
        return script.ToString();
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
        var live = state.LivePeers.ToDictionary(p => p.PublicKey, StringComparer.Ordinal);
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

    private static string Delimiter() => "WGADMIN_EOF_" + Guid.NewGuid().ToString("N");

    /// <summary>Writes a file atomically (temporary file, then rename) with the given mode.</summary>
    internal static string PutFile(string path, string mode, string content)
    {
        var delimiter = Delimiter();
        return $"put_file {ShellQuote.Quote(path)} {mode} <<'{delimiter}'\n{content}{(content.EndsWith('\n') ? "" : "\n")}{delimiter}";
    }

    private static string WriteConfigScript(string name, string text, bool remoteKey, bool keyFromConfig = false)
    {
        var conf = ShellQuote.Quote(GatewayProbe.ConfigPath(name));
        var delimiter = Delimiter();
        var script = new StringBuilder();
        script.Append("mkdir -p /etc/wireguard && chmod 700 /etc/wireguard\n");
        script.Append($"if [ -f {conf} ]; then cp -p {conf} {conf}.wgadmin-bak && chmod 600 {conf}.wgadmin-bak; fi\n");
        if (!remoteKey)
        {
            script.Append($"put_file {conf} 600 <<'{delimiter}'\n{text}{delimiter}");
            return script.ToString();
        }
        // Insert the gateway's own key after [Interface] with shell builtins only, so the key never
        // appears in a process's arguments.
        var keyFile = ShellQuote.Quote(GatewayProbe.KeyFilePath(name));
        if (keyFromConfig)
            script.Append($"key=$(sed -n 's/^[[:space:]]*[Pp][Rr][Ii][Vv][Aa][Tt][Ee][[:space:]]*[Kk][Ee][Yy][[:space:]]*=[[:space:]]*//p' {conf} | head -n 1)\n[ -n \"$key\" ]\n");
        else
            script.Append($"key=$(cat {keyFile})\n");
        script.Append($"{{ IFS= read -r first; printf '%s\\nPrivateKey = %s\\n' \"$first\" \"$key\"; cat; }} <<'{delimiter}' | put_file {conf} 600\n{text}{delimiter}\nunset key");
        return script.ToString();
    }
}

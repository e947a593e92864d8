using System.Text;

namespace WgAdmin.Remote;

public enum FirewallBackend
{
    /// <summary>
    /// nftables when `nft` is present and iptables is absent or is the nf_tables variant; otherwise
    /// iptables. Always iptables when iptables' FORWARD policy is DROP (a Docker host).
    /// </summary>
    Auto,
    Iptables,
    Nftables,
}

/// <summary>What NAT and forwarding a gateway gets for one WireGuard interface.</summary>
public sealed record NatSpec(string Interface, string WanInterface, bool TwoWay, bool IPv6);

/// <summary>
/// The rules WgAdmin manages for a tunnel interface, as one script with up, down and check
/// actions. Rules live in WgAdmin's own chains (iptables) or table (nftables), so "up" is
/// idempotent (flush and refill, one jump rule added only if missing), "down" removes exactly
/// what "up" made, and nothing else on the gateway is touched. The script is installed under
/// /etc/wireguard/wgadmin/ and run by the wg-quick@ unit (ExecStartPost/ExecStopPost), so
/// restarts and reboots re-apply it without ever duplicating a rule.
/// </summary>
public static class Firewall
{
    public static string ScriptPath(string interfaceName) => $"/etc/wireguard/wgadmin/{interfaceName}-nat";

    public static string Script(NatSpec spec, FirewallBackend backend)
    {
        if (backend == FirewallBackend.Auto)
            throw new ArgumentException("Resolve Auto to a concrete backend first.", nameof(backend));
        // The names are word-split inside the script's rules, so they must be plain interface names.
        foreach (var name in new[] { spec.Interface, spec.WanInterface })
            if (Config.WgValues.CheckInterfaceName(name) is { } problem)
                throw new WgException(problem);
        var wg = ShellQuote.Quote(spec.Interface);
        var wan = ShellQuote.Quote(spec.WanInterface);
        var text = new StringBuilder();
        text.Append("#!/bin/sh\n");
        text.Append($"# Managed by WgAdmin (Set-WgNat): NAT and forwarding for {spec.Interface} via {spec.WanInterface}, {(backend == FirewallBackend.Nftables ? "nftables" : "iptables")}.\n");
        text.Append("# Rewritten on every apply; edits are lost. Usage: up | down | check\n");
        text.Append("set -u\n");
        text.Append($"wg={wg}\nwan={wan}\n");
        if (backend == FirewallBackend.Iptables)
            AppendIptables(text, spec);
        else
            AppendNftables(text, spec);
        return text.ToString();
    }

    private static void AppendIptables(StringBuilder text, NatSpec spec)
    {
        // Chain names are at most 28 characters; an interface name is at most 15.
        text.Append($"fwd={ShellQuote.Quote("WGADMIN-FWD-" + spec.Interface)}\nnat={ShellQuote.Quote("WGADMIN-NAT-" + spec.Interface)}\n");
        var tools = spec.IPv6 ? "iptables ip6tables" : "iptables";
        text.Append($"tools='{tools}'\n");
        text.Append("rules_fwd() {\n");
        text.Append("  echo \"-i $wg -j ACCEPT\"\n");
        text.Append("  echo \"-o $wg -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\"\n");
        if (spec.TwoWay)
            text.Append("  echo \"-i $wan -o $wg -j ACCEPT\"\n");
        text.Append("}\n");
        text.Append("rules_nat() {\n");
        text.Append("  echo \"-o $wan -j MASQUERADE\"\n");
        if (spec.TwoWay)
            text.Append("  echo \"-o $wg -j MASQUERADE\"\n");
        text.Append("}\n");
        text.Append("""
up() {
  for t in $tools; do
    $t -w -N "$fwd" 2>/dev/null || true; $t -w -F "$fwd"
    rules_fwd | while read -r r; do $t -w -A "$fwd" $r || exit 1; done || return 1
    $t -w -C FORWARD -j "$fwd" 2>/dev/null || $t -w -I FORWARD -j "$fwd" || return 1
    $t -w -t nat -N "$nat" 2>/dev/null || true; $t -w -t nat -F "$nat"
    rules_nat | while read -r r; do $t -w -t nat -A "$nat" $r || exit 1; done || return 1
    $t -w -t nat -C POSTROUTING -j "$nat" 2>/dev/null || $t -w -t nat -A POSTROUTING -j "$nat" || return 1
  done
}
down() {
  for t in $tools; do
    while $t -w -D FORWARD -j "$fwd" 2>/dev/null; do :; done
    $t -w -F "$fwd" 2>/dev/null; $t -w -X "$fwd" 2>/dev/null
    while $t -w -t nat -D POSTROUTING -j "$nat" 2>/dev/null; do :; done
    $t -w -t nat -F "$nat" 2>/dev/null; $t -w -t nat -X "$nat" 2>/dev/null
  done
  return 0
}
check() {
  for t in $tools; do
    [ "$($t -w -S FORWARD | grep -c -x -F -- "-A FORWARD -j $fwd")" = 1 ] || return 1
    [ "$($t -w -t nat -S POSTROUTING | grep -c -x -F -- "-A POSTROUTING -j $nat")" = 1 ] || return 1
    [ "$($t -w -S "$fwd" 2>/dev/null | grep -c '^-A ')" = "$(rules_fwd | wc -l)" ] || return 1
    [ "$($t -w -t nat -S "$nat" 2>/dev/null | grep -c '^-A ')" = "$(rules_nat | wc -l)" ] || return 1
  done
}

""");
        AppendDispatch(text);
    }

    private static void AppendNftables(StringBuilder text, NatSpec spec)
    {
        text.Append($"table={ShellQuote.Quote(NftTableName(spec.Interface))}\n");
        var family = "inet"; // one table for IPv4 and IPv6
        text.Append($"family={family}\n");
        text.Append("""
ruleset() {
  echo "table $family $table"
  echo "delete table $family $table"
  echo "table $family $table {"
  echo "  chain forward {"
  echo "    type filter hook forward priority filter - 1; policy accept;"
  echo "    iifname \"$wg\" accept"
  echo "    oifname \"$wg\" ct state related,established accept"

""");
        if (spec.TwoWay)
            text.Append("  echo \"    iifname \\\"$wan\\\" oifname \\\"$wg\\\" accept\"\n");
        text.Append("""
  echo "  }"
  echo "  chain postrouting {"
  echo "    type nat hook postrouting priority srcnat; policy accept;"
  echo "    oifname \"$wan\" masquerade"

""");
        if (spec.TwoWay)
            text.Append("  echo \"    oifname \\\"$wg\\\" masquerade\"\n");
        text.Append("""
  echo "  }"
  echo "}"
}
up() { ruleset | nft -f -; }
down() { nft delete table $family "$table" 2>/dev/null; return 0; }
check() { nft list table $family "$table" >/dev/null 2>&1; }

""");
        AppendDispatch(text);
    }

    /// <summary>
    /// The nftables table of an interface, one per name: nft takes letters, digits, '_', '.', '-'
    /// and '/' in a name, so '=' and '+' become "/3d" and "/2b" ('/' is never in an interface name).
    /// </summary>
    private static string NftTableName(string interfaceName) =>
        "wgadmin_" + interfaceName.Replace("=", "/3d", StringComparison.Ordinal).Replace("+", "/2b", StringComparison.Ordinal);

    private static void AppendDispatch(StringBuilder text) => text.Append("""
case "${1:-}" in
  up) up ;;
  down) down ;;
  check) check ;;
  *) echo "usage: $0 up|down|check" >&2; exit 2 ;;
esac

""");
}

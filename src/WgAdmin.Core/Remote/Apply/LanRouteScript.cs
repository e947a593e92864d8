using System.Text;
using WgAdmin.Topology;

namespace WgAdmin.Remote;

/// <summary>What Get-WgLanRoute -Apply (or -Remove) did on one LAN host. Strings and numbers only.</summary>
public sealed class WgLanRouteResult
{
    public required string ComputerName { get; init; }

    /// <summary>The site whose routes were applied; null for -Remove.</summary>
    public string? Site { get; init; }

    public bool Changed { get; init; }

    /// <summary>The routes the host now has from WgAdmin, "PREFIX via ADDRESS".</summary>
    public IReadOnlyList<string> Routes { get; init; } = Array.Empty<string>();

    /// <summary>What was done, in order ("add 172.19.16.0/20 via 10.11.7.1", "write /etc/wgadmin/lan-routes").</summary>
    public IReadOnlyList<string> Actions { get; init; } = Array.Empty<string>();

    public TimeSpan Duration { get; init; }

    /// <summary>Null on success; the reason otherwise.</summary>
    public string? Error { get; init; }

    public override string ToString() => $"{ComputerName}: {(Error is not null ? "failed" : Changed ? string.Join("; ", Actions) : "no change")}";
}

/// <summary>
/// The one fixed script that sets a LAN host's routes to the other sites, now and at every boot:
/// the wanted routes go to /etc/wgadmin/lan-routes (written atomically), a oneshot unit,
/// wgadmin-lan-routes.service, sets them at boot, and the routes of the previous file that are no
/// longer wanted are deleted. Nothing is written or run when everything is already as wanted.
/// The only values in it are the routes, typed prefixes and addresses, passed quoted.
/// </summary>
public static class LanRouteScript
{
    public const string RoutesFile = "/etc/wgadmin/lan-routes";
    public const string UnitName = "wgadmin-lan-routes.service";
    public const string UnitFile = "/etc/systemd/system/" + UnitName;
    public const string Helper = "/usr/local/sbin/wgadmin-lan-routes";

    private const string HelperText = """
#!/bin/sh
# Written by WgAdmin (Get-WgLanRoute -Apply): sets the routes to the other sites' LANs listed in
# /etc/wgadmin/lan-routes, one "PREFIX via ADDRESS" a line. Run at boot by wgadmin-lan-routes.service.
[ -f /etc/wgadmin/lan-routes ] || exit 0
status=0
while read -r dest via gw rest; do
    case "$dest" in ''|'#'*) continue ;; esac
    fam=-4; case "$dest" in *:*) fam=-6 ;; esac
    ip "$fam" route replace "$dest" via "$gw" || status=1
done < /etc/wgadmin/lan-routes
exit $status
""";

    // No Restart=: systemd before 244 (Ubuntu 18.04, RHEL 8) refuses it on a oneshot unit.
    private const string UnitText = """
[Unit]
Description=WgAdmin routes to the other sites' LANs (Get-WgLanRoute -Apply)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/wgadmin-lan-routes

[Install]
WantedBy=multi-user.target
""";

    // Variables set before it: desired (the wanted file, "PREFIX via ADDRESS" lines), remove (0 or 1),
    // helper_text, unit_text. Prints "action=..." for every change and "route=..." for the result.
    private const string Body = RemoteScript.PutFileFunction + """

set -eu
export LC_ALL=C
umask 022
file=/etc/wgadmin/lan-routes
unit=/etc/systemd/system/wgadmin-lan-routes.service
helper=/usr/local/sbin/wgadmin-lan-routes
command -v ip >/dev/null 2>&1 || { echo "error=the ip command (iproute2) is not installed" ; exit 3; }
fam_of() { case "$1" in *:*) echo -6 ;; *) echo -4 ;; esac; }
has_route() { ip "$(fam_of "$1")" route show exact "$1" 2>/dev/null | grep -q " via $2 "; }
wanted() { printf '%s\n' "$desired" | grep -qxF "$1 via $2"; }
old=""
[ -f "$file" ] && old=$(cat "$file")
printf '%s\n' "$old" | while read -r dest via gw rest; do
    case "$dest" in ''|'#'*) continue ;; esac
    if [ "$remove" = 1 ] || ! wanted "$dest" "$gw"; then
        if has_route "$dest" "$gw"; then ip "$(fam_of "$dest")" route del "$dest" via "$gw"; echo "action=delete $dest via $gw"; fi
    fi
done
if [ "$remove" = 1 ]; then
    if [ -f "$unit" ]; then
        systemctl disable -q wgadmin-lan-routes.service 2>/dev/null || true
        rm -f "$unit"; systemctl daemon-reload 2>/dev/null || true; echo "action=remove $unit"
    fi
    if [ -f "$helper" ]; then rm -f "$helper"; echo "action=remove $helper"; fi
    if [ -f "$file" ]; then rm -f "$file"; rmdir /etc/wgadmin 2>/dev/null || true; echo "action=remove $file"; fi
    exit 0
fi
printf '%s\n' "$desired" | while read -r dest via gw rest; do
    case "$dest" in ''|'#'*) continue ;; esac
    if ! has_route "$dest" "$gw"; then ip "$(fam_of "$dest")" route replace "$dest" via "$gw"; echo "action=add $dest via $gw"; fi
    echo "route=$dest via $gw"
done
if [ ! -f "$file" ] || [ "$old" != "$desired" ]; then printf '%s\n' "$desired" | put_file "$file" 644; echo "action=write $file"; fi
if [ "$(cat "$helper" 2>/dev/null)" != "$helper_text" ]; then printf '%s\n' "$helper_text" | put_file "$helper" 755; echo "action=write $helper"; fi
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    if [ "$(cat "$unit" 2>/dev/null)" != "$unit_text" ]; then printf '%s\n' "$unit_text" | put_file "$unit" 644; systemctl daemon-reload; echo "action=write $unit"; fi
    if ! systemctl is-enabled -q wgadmin-lan-routes.service 2>/dev/null; then systemctl enable -q wgadmin-lan-routes.service; echo "action=enable wgadmin-lan-routes.service"; fi
else
    echo "note=no systemd: the routes are set now but not at boot (run $helper from the boot scripts)"
fi
""";

    /// <summary>The script that brings a host to <paramref name="routes"/> (those with a gateway), or removes every route WgAdmin set with <paramref name="remove"/>.</summary>
    public static string Script(IEnumerable<WgLanRoute> routes, bool remove)
    {
        var desired = remove ? "" : WgLanRoutes.FileText(routes).TrimEnd('\n');
        var script = new StringBuilder();
        // Values travel as quoted assignments; the rest of the script is fixed text.
        script.Append("desired=").Append(ShellQuote.Quote(desired.Replace("\n", "\t", StringComparison.Ordinal))).Append('\n');
        script.Append("desired=$(printf '%s' \"$desired\" | tr '\\t' '\\n')\n");
        script.Append("remove=").Append(remove ? "1" : "0").Append('\n');
        script.Append("helper_text=").Append(ShellQuote.Quote(HelperText.Replace("\n", "\t", StringComparison.Ordinal))).Append('\n');
        script.Append("helper_text=$(printf '%s' \"$helper_text\" | tr '\\t' '\\n')\n");
        script.Append("unit_text=").Append(ShellQuote.Quote(UnitText.Replace("\n", "\t", StringComparison.Ordinal))).Append('\n');
        script.Append("unit_text=$(printf '%s' \"$unit_text\" | tr '\\t' '\\n')\n");
        return RemoteScript.Wrap(script.ToString(), Body);
    }

    /// <summary>Reads the script's output into a result.</summary>
    public static WgLanRouteResult Parse(string computerName, string? site, RemoteResult result, TimeSpan duration)
    {
        var actions = new List<string>();
        var routes = new List<string>();
        var notes = new List<string>();
        string? error = null;
        foreach (var line in result.Output.Split('\n'))
        {
            if (line.StartsWith("action=", StringComparison.Ordinal)) actions.Add(line[7..]);
            else if (line.StartsWith("route=", StringComparison.Ordinal)) routes.Add(line[6..]);
            else if (line.StartsWith("note=", StringComparison.Ordinal)) notes.Add(line[5..]);
            else if (line.StartsWith("error=", StringComparison.Ordinal)) error = line[6..];
        }
        if (result.ExitCode != 0 && error is null)
            error = $"the script failed (exit {result.ExitCode}): {result.Error.Trim()}";
        return new WgLanRouteResult
        {
            ComputerName = computerName,
            Site = site,
            Changed = actions.Count > 0,
            Routes = routes,
            Actions = actions.Concat(notes).ToList(),
            Duration = duration,
            Error = error,
        };
    }
}

namespace WgAdmin.Remote;

/// <summary>
/// Every path WgAdmin owns on a host, named once. Scripts never spell them: they get them as
/// values (see <see cref="ScriptValues"/>).
/// </summary>
public static class HostPaths
{
    public const string WireGuardDirectory = "/etc/wireguard";

    /// <summary>Where the NAT scripts live, one per interface.</summary>
    public const string NatDirectory = WireGuardDirectory + "/wgadmin";

    public static string Config(string name) => $"{WireGuardDirectory}/{name}.conf";

    /// <summary>A private key generated on the gateway (New-WgKeyPair -ComputerName), where it stays.</summary>
    public static string KeyFile(string name) => $"{WireGuardDirectory}/{name}.key";

    /// <summary>The next private key of a rotation in progress (Update-WgKey), made on the gateway; gone once the interface uses it.</summary>
    public static string NextKeyFile(string name) => $"{WireGuardDirectory}/{name}.key.next";

    /// <summary>The previous config, kept by every write of a new one.</summary>
    public static string ConfigBackup(string name) => Config(name) + ".wgadmin-bak";

    /// <summary>The config of a removed interface, kept.</summary>
    public static string RemovedConfig(string name) => Config(name) + ".wgadmin-removed";

    public static string NatScript(string name) => $"{NatDirectory}/{name}-nat";

    /// <summary>The script of a site's 1:1 prefix mapping (-MappedPrefix), beside the NAT script.</summary>
    public static string MapScript(string name) => $"{NatDirectory}/{name}-map";

    public static string Sysctl(string name) => $"/etc/sysctl.d/90-wgadmin-{name}.conf";

    /// <summary>The wg-quick@ drop-in that runs the NAT script when the interface starts and stops.</summary>
    public static string NatDropIn(string name) => $"/etc/systemd/system/wg-quick@{name}.service.d/50-wgadmin.conf";

    /// <summary>The wg-quick@ drop-in that runs the mapping script when the interface starts and stops.</summary>
    public static string MapDropIn(string name) => $"/etc/systemd/system/wg-quick@{name}.service.d/60-wgadmin-map.conf";

    /// <summary>The script that re-resolves the host names of an interface's peer endpoints (Set-WgInterface -ReresolveEndpoint).</summary>
    public static string ReresolveScript(string name) => $"{NatDirectory}/{name}-reresolve";

    /// <summary>The timer that runs it, and its service.</summary>
    public static string ReresolveTimerName(string name) => $"wgadmin-reresolve-{name}.timer";

    public static string ReresolveTimer(string name) => "/etc/systemd/system/" + ReresolveTimerName(name);

    public static string ReresolveService(string name) => $"/etc/systemd/system/wgadmin-reresolve-{name}.service";

    /// <summary>Where there is no systemd: the cron.d line that runs it.</summary>
    public static string ReresolveCron(string name) => $"/etc/cron.d/wgadmin-reresolve-{name}";

    /// <summary>The files WgAdmin writes for an interface besides its config, hashed by the probe.</summary>
    public static IReadOnlyList<string> Managed(string name) =>
        new[] { Sysctl(name), NatScript(name), NatDropIn(name), MapScript(name), MapDropIn(name), ReresolveScript(name), ReresolveService(name), ReresolveTimer(name), ReresolveCron(name) };

    /// <summary>A LAN host's routes to the other sites, one "PREFIX via ADDRESS" a line.</summary>
    public const string LanRoutes = "/etc/wgadmin/lan-routes";

    public const string LanRoutesUnitName = "wgadmin-lan-routes.service";

    public const string LanRoutesUnit = "/etc/systemd/system/" + LanRoutesUnitName;

    /// <summary>The helper the unit runs at boot to set the routes.</summary>
    public const string LanRoutesHelper = "/usr/local/sbin/wgadmin-lan-routes";

    /// <summary>The host's one change lock (change.sh's lock_file): changes and endpoint re-resolution take it.</summary>
    public const string ChangeLock = "/run/wgadmin/change.lock";

    /// <summary>Where a change's snapshot waits until the change is committed, confirmed or reverted (change.sh).</summary>
    public const string ChangesRoot = "/var/lib/wgadmin";

    /// <summary>The snapshot of the host's one change in progress or awaiting confirmation.</summary>
    public const string ChangeDirectory = ChangesRoot + "/change";

    /// <summary>What the last revert found (the helper writes it; the next command reads it).</summary>
    public const string LastRevert = ChangesRoot + "/last-revert";

    /// <summary>The helper that restores a snapshot on its own: at a deadline, at boot, for Undo-WgChange.</summary>
    public const string RevertHelper = "/usr/local/sbin/wgadmin-revert";

    public const string RecoverUnitName = "wgadmin-recover.service";

    /// <summary>The unit that restores an unfinished change at boot, before the tunnels start.</summary>
    public const string RecoverUnit = "/etc/systemd/system/" + RecoverUnitName;

    /// <summary>The files a change of an interface may write, snapshotted before it (the key file and both kept copies included).</summary>
    public static IReadOnlyList<string> InterfaceFiles(string name) =>
        new[]
        {
            Config(name), KeyFile(name), NextKeyFile(name), ConfigBackup(name), RemovedConfig(name), Sysctl(name), NatScript(name), NatDropIn(name), MapScript(name), MapDropIn(name),
            ReresolveScript(name), ReresolveService(name), ReresolveTimer(name), ReresolveCron(name),
        };

    /// <summary>The files Set-WgLanRoute and Remove-WgLanRoute write on a LAN host.</summary>
    public static IReadOnlyList<string> LanRouteFiles => new[] { LanRoutes, LanRoutesHelper, LanRoutesUnit };

    /// <summary>The paths of one interface as the values every script of it gets.</summary>
    public static ScriptValues For(string name) => new ScriptValues()
        .Set("name", name)
        .Set("wireguard_dir", WireGuardDirectory)
        .Set("conf", Config(name))
        .Set("key_file", KeyFile(name))
        .Set("next_key_file", NextKeyFile(name))
        .Set("nat_script", NatScript(name))
        .Set("sysctl_file", Sysctl(name))
        .Set("dropin_file", NatDropIn(name))
        .Set("map_script", MapScript(name))
        .Set("map_dropin_file", MapDropIn(name))
        .Set("reresolve_script", ReresolveScript(name))
        .Set("reresolve_service", ReresolveService(name))
        .Set("reresolve_timer", ReresolveTimer(name))
        .Set("reresolve_unit", ReresolveTimerName(name))
        .Set("reresolve_cron", ReresolveCron(name));
}

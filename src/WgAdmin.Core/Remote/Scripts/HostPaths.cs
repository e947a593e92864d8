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

    /// <summary>The previous config, kept by every write of a new one.</summary>
    public static string ConfigBackup(string name) => Config(name) + ".wgadmin-bak";

    /// <summary>The config of a removed interface, kept.</summary>
    public static string RemovedConfig(string name) => Config(name) + ".wgadmin-removed";

    public static string NatScript(string name) => $"{NatDirectory}/{name}-nat";

    public static string Sysctl(string name) => $"/etc/sysctl.d/90-wgadmin-{name}.conf";

    /// <summary>The wg-quick@ drop-in that runs the NAT script when the interface starts and stops.</summary>
    public static string NatDropIn(string name) => $"/etc/systemd/system/wg-quick@{name}.service.d/50-wgadmin.conf";

    /// <summary>The files WgAdmin writes for an interface besides its config, hashed by the probe.</summary>
    public static IReadOnlyList<string> Managed(string name) => new[] { Sysctl(name), NatScript(name), NatDropIn(name) };

    /// <summary>A LAN host's routes to the other sites, one "PREFIX via ADDRESS" a line.</summary>
    public const string LanRoutes = "/etc/wgadmin/lan-routes";

    public const string LanRoutesUnitName = "wgadmin-lan-routes.service";

    public const string LanRoutesUnit = "/etc/systemd/system/" + LanRoutesUnitName;

    /// <summary>The helper the unit runs at boot to set the routes.</summary>
    public const string LanRoutesHelper = "/usr/local/sbin/wgadmin-lan-routes";

    /// <summary>The paths of one interface as the values every script of it gets.</summary>
    public static ScriptValues For(string name) => new ScriptValues()
        .Set("name", name)
        .Set("wireguard_dir", WireGuardDirectory)
        .Set("conf", Config(name))
        .Set("key_file", KeyFile(name))
        .Set("nat_script", NatScript(name))
        .Set("sysctl_file", Sysctl(name))
        .Set("dropin_file", NatDropIn(name));
}

using System.Globalization;

namespace WgAdmin.Remote;

/// <summary>
/// What Set-WgInterface -ReresolveEndpoint installs on a gateway for an interface: the script
/// (<see cref="EndpointSync.InstalledScript"/>) and a systemd service and timer that run it every
/// interval, or, without systemd, a cron.d line (cron counts whole minutes). Remove-WgInterface
/// and -ReresolveEndpoint:$false take them away.
/// </summary>
public static class ReresolveTimer
{
    /// <summary>The usual period of wireguard-tools' reresolve-dns timer.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaximumInterval = TimeSpan.FromHours(1);

    public static string ServiceText(string interfaceName) =>
        RemoteScript.Template("wgadmin-reresolve.service", ("name", interfaceName), ("script", HostPaths.ReresolveScript(interfaceName)));

    public static string TimerText(string interfaceName, TimeSpan interval) =>
        RemoteScript.Template("wgadmin-reresolve.timer", ("name", interfaceName), ("interval", Seconds(interval).ToString(CultureInfo.InvariantCulture)));

    /// <summary>The cron.d file: every whole number of minutes the interval rounds up to.</summary>
    public static string CronText(string interfaceName, TimeSpan interval) =>
        $"# Written by WgAdmin (Set-WgInterface -ReresolveEndpoint): re-resolves the endpoints of {interfaceName}.\n"
        + $"{CronSchedule(interval)} root {HostPaths.ReresolveScript(interfaceName)}\n";

    public static string CronSchedule(TimeSpan interval) => CronMinutes(interval) == 1 ? "* * * * *" : $"*/{CronMinutes(interval)} * * * *";

    public static int CronMinutes(TimeSpan interval) => Math.Max(1, (int)Math.Ceiling(interval.TotalMinutes));

    public static int Seconds(TimeSpan interval) => (int)Math.Ceiling(interval.TotalSeconds);
}

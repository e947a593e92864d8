using WgAdmin.Topology;

namespace WgAdmin.Remote;

/// <summary>
/// The script that sets a LAN host's routes to the other sites, now and at every boot
/// (lan-routes.sh): the wanted routes go to <see cref="HostPaths.LanRoutes"/> (written atomically),
/// a oneshot unit runs the helper (lan-routes-helper.sh) at boot, and the routes of the previous
/// file that are no longer wanted are deleted. Nothing is written or run when everything is
/// already as wanted. The only values from the admin in it are the routes, typed prefixes and addresses.
/// </summary>
public static class LanRouteScript
{
    /// <summary>The operation that brings a host to <paramref name="routes"/> (those with a gateway), or removes every route WgAdmin set with <paramref name="remove"/>.</summary>
    public static RemoteOperation<WgLanRouteResult> Operation(string computerName, IEnumerable<WgLanRoute> routes, string? site, bool remove, ChangeOptions? options = null) =>
        new(remove ? "removing the LAN routes" : "setting the LAN routes", Script(routes, remove, options), output => Parse(computerName, site, output))
        {
            Timeout = (options?.LockTimeout ?? ChangeOptions.DefaultLockTimeout) + TimeSpan.FromMinutes(2),
        };

    /// <summary>The script as one change of the host's LAN routes (<see cref="ChangeScript"/>): locked, snapshotted, all or nothing.</summary>
    public static string Script(IEnumerable<WgLanRoute> routes, bool remove, ChangeOptions? options = null)
    {
        var values = new ScriptValues()
            .Set("desired", remove ? "" : WgLanRoutes.FileText(routes).TrimEnd('\n'))
            .Set("remove", remove)
            .Set("routes_file", HostPaths.LanRoutes)
            .Set("helper", HostPaths.LanRoutesHelper)
            .Set("helper_text", RemoteScript.Installable("lan-routes-helper.sh", new ScriptValues().Set("routes_file", HostPaths.LanRoutes)).TrimEnd('\n'))
            .Set("unit", HostPaths.LanRoutesUnit)
            .Set("unit_name", HostPaths.LanRoutesUnitName)
            .Set("unit_text", RemoteScript.Template("lan-routes.service", ("helper", HostPaths.LanRoutesHelper)).TrimEnd('\n'));
        return ChangeScript.Compose(ChangeScope.LanRouteHost, options ?? new ChangeOptions(), values, [("LanRoutes", ScriptLibrary.Sent("lan-routes.sh"))]);
    }

    /// <summary>Reads the script's output into a result.</summary>
    public static WgLanRouteResult Parse(string computerName, string? site, ScriptOutput output)
    {
        var lines = output.Sections.Where(s => s.Name is "" or "step").SelectMany(s => s.Lines).ToList();
        var outcome = ChangeScript.Outcome(output);
        string Rest(string line) => line[(line.IndexOf('=') + 1)..];
        var actions = lines.Where(l => l.StartsWith("action=", StringComparison.Ordinal)).Select(Rest).ToList();
        var notes = lines.Where(l => l.StartsWith("note=", StringComparison.Ordinal)).Select(Rest);
        return new WgLanRouteResult
        {
            ComputerName = computerName,
            Site = site,
            Changed = actions.Count > 0,
            Routes = lines.Where(l => l.StartsWith("route=", StringComparison.Ordinal)).Select(Rest).ToList(),
            Actions = actions.Concat(notes).ToList(),
            Duration = output.Duration,
            PendingUntil = outcome.PendingUntil,
        };
    }
}

using System.Management.Automation;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Remove-WgLanRoute: takes away every route Set-WgLanRoute set on Linux LAN hosts, with
/// /etc/wgadmin/lan-routes and the unit that sets them at boot. A host without them is left
/// as it is (Changed = False).
/// </summary>
[Cmdlet(VerbsCommon.Remove, "WgLanRoute", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgLanRouteResult))]
public sealed class RemoveWgLanRouteCommand : WgLanRouteCmdlet
{
    private static readonly LanRouteChange RemoveAll = new(null, Array.Empty<WgLanRoute>(), Remove: true);

    protected override void ProcessRecord() =>
        AddHosts(ComputerName, approve: target => ShouldProcess(target.ComputerName,
            $"remove the LAN routes WgAdmin set, {HostPaths.LanRoutes} and {HostPaths.LanRoutesUnitName}"));

    protected override void EndProcessing() => ChangeHosts(_ => RemoveAll);
}

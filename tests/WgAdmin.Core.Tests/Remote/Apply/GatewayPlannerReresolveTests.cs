using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>Set-WgInterface -ReresolveEndpoint in the plan: the script and timer (or cron line), inside the change, and taken away again.</summary>
public partial class GatewayPlannerTests
{
    private static ApplyOptions Reresolve(bool on = true, int seconds = 30) =>
        new() { ReresolveEndpoint = on, ReresolveInterval = TimeSpan.FromSeconds(seconds) };

    [Fact]
    public void ReresolveInstallsTheScriptAndTimerBeforeTheInterfaceStarts()
    {
        var plan = Plan(Desired(), Fresh(), Reresolve());
        var actions = Actions(plan);
        Assert.Equal(["WriteReresolveScript", "StartReresolveTimer", "WriteConfig", "EnableService", "StartService"], actions);
        var script = Value(Step(plan, "WriteReresolveScript"), "reresolve_text");
        Assert.StartsWith("#!/bin/bash\n", script, StringComparison.Ordinal);
        Assert.Contains("report='log'", script, StringComparison.Ordinal);
        Assert.Contains("force='0'", script, StringComparison.Ordinal);
        Assert.Contains($"conf='{HostPaths.Config(Name)}'", script, StringComparison.Ordinal);
        var timer = Value(Step(plan, "StartReresolveTimer"), "reresolve_timer_text");
        Assert.Contains("OnUnitActiveSec=30s\n", timer, StringComparison.Ordinal);
        Assert.Contains("AccuracySec=1s\n", timer, StringComparison.Ordinal);
        var service = Value(Step(plan, "StartReresolveTimer"), "reresolve_service_text");
        Assert.Contains($"ExecStart={HostPaths.ReresolveScript(Name)}\n", service, StringComparison.Ordinal);
        Assert.Contains("After=wg-quick@wg0.service\n", service, StringComparison.Ordinal);
    }

    [Fact]
    public void ReresolveOnAConvergedGatewayWithItsTimerRunningChangesNothing()
    {
        var state = ReresolveConverged();
        Assert.Empty(Plan(Desired(), state, Reresolve()).Steps);
        // Another interval rewrites the timer, and restarts it.
        Assert.Equal(["StartReresolveTimer"], Actions(Plan(Desired(), state, Reresolve(seconds: 60))));
        // A timer stopped by hand is started again.
        state.ReresolveTimerActive = false;
        Assert.Equal(["StartReresolveTimer"], Actions(Plan(Desired(), state, Reresolve())));
    }

    [Fact]
    public void WithoutTheSwitchTheTimerIsLeftAloneAndWithFalseItIsRemoved()
    {
        var state = ReresolveConverged();
        Assert.Empty(Plan(Desired(), state).Steps);
        var removal = Plan(Desired(), state, Reresolve(on: false));
        Assert.Equal(["RemoveReresolve"], Actions(removal));
        Assert.Contains("remove_reresolve \"$reresolve_script\" \"$reresolve_unit\"", Step(removal, "RemoveReresolve").Script, StringComparison.Ordinal);
        // Nothing there: nothing to remove.
        Assert.Empty(Plan(Desired(), Converged(Desired()), Reresolve(on: false)).Steps);
    }

    [Fact]
    public void RemoveWgInterfaceStopsTheTimerFirst()
    {
        var plan = GatewayPlanner.PlanRemoval("gw1", Name, ReresolveConverged(), removeKey: false);
        Assert.Equal("RemoveReresolve", Actions(plan)[0]);
        Assert.Contains("StopService", Actions(plan));
    }

    [Theory]
    [InlineData(5, "* * * * *", 1)]
    [InlineData(30, "* * * * *", 1)]
    [InlineData(60, "* * * * *", 1)]
    [InlineData(90, "*/2 * * * *", 2)]
    [InlineData(3600, "*/60 * * * *", 60)]
    public void WithoutSystemdACronLineRunsItEveryWholeMinute(int seconds, string schedule, int minutes)
    {
        var plan = Plan(Desired(), Fresh(systemd: false), Reresolve(seconds: seconds));
        Assert.DoesNotContain("StartReresolveTimer", Actions(plan));
        var cron = Step(plan, "WriteReresolveCron");
        Assert.Contains("write_file \"$reresolve_cron\" 644 \"$reresolve_cron_text\"", cron.Script, StringComparison.Ordinal);
        Assert.EndsWith($"\n{schedule} root {HostPaths.ReresolveScript(Name)}\n", Value(cron, "reresolve_cron_text"), StringComparison.Ordinal);
        Assert.Contains($"no systemd: endpoints re-resolved by cron every {minutes} minute(s) ({HostPaths.ReresolveCron(Name)})", plan.Notes);
    }

    [Fact]
    public void TheTimerIsPartOfTheInterfacesChange()
    {
        var scope = ChangeScope.Interface(Name);
        Assert.Equal(HostPaths.ReresolveTimerName(Name), scope.Timer);
        foreach (var file in new[] { HostPaths.ReresolveScript(Name), HostPaths.ReresolveService(Name), HostPaths.ReresolveTimer(Name), HostPaths.ReresolveCron(Name) })
        {
            Assert.Contains(file, scope.Files);
            Assert.Contains(file, HostPaths.Managed(Name));
        }
        Assert.Contains("change_timer='wgadmin-reresolve-wg0.timer'", GatewayExecutor.Script(Plan(Desired(), Fresh(), Reresolve())), StringComparison.Ordinal);
    }

    /// <summary>A converged gateway whose re-resolve script and 30 s timer are installed and running.</summary>
    private static GatewayState ReresolveConverged()
    {
        var state = Converged(Desired());
        state.ManagedFileHashes[HostPaths.ReresolveScript(Name)] = RemoteOracle.Sha256Hex(EndpointSync.InstalledScript(Name));
        state.ManagedFileHashes[HostPaths.ReresolveService(Name)] = RemoteOracle.Sha256Hex(ReresolveTimer.ServiceText(Name));
        state.ManagedFileHashes[HostPaths.ReresolveTimer(Name)] = RemoteOracle.Sha256Hex(ReresolveTimer.TimerText(Name, TimeSpan.FromSeconds(30)));
        state.ReresolveTimerEnabled = true;
        state.ReresolveTimerActive = true;
        return state;
    }
}

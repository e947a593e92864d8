using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>The plan of a site's prefix mapping: written, hooked and applied with the interface, left alone when converged, removed with it.</summary>
public partial class GatewayPlannerTests
{
    private static readonly WgPrefixMapping Office = new(WgPrefix.Parse("192.168.1.0/24"), WgPrefix.Parse("10.201.1.0/24"));

    private static WgInterface MappedDesired() => Desired(c => c.PrefixMappings = [Office]);

    [Theory]
    [InlineData(FirewallBackend.Iptables, "-i $wg -d $mapped -j NETMAP --to $real")]
    [InlineData(FirewallBackend.Nftables, "dnat ip prefix to ip daddr map")]
    public void AMappedInterfaceGetsItsMappingWrittenHookedAndAppliedAfterTheInterface(FirewallBackend backend, string rule)
    {
        var plan = Plan(MappedDesired(), Fresh(), new ApplyOptions { Firewall = backend });
        var actions = Actions(plan);
        Assert.Equal(["WriteMapRules", "PersistMapRules", "ApplyMapRules"], actions[^3..]);
        Assert.True(Array.IndexOf(actions, "StartService") < Array.IndexOf(actions, "WriteMapRules"), string.Join(", ", actions));
        var write = Step(plan, "WriteMapRules");
        Assert.Contains("192.168.1.0/24 as 10.201.1.0/24", write.Description, StringComparison.Ordinal);
        var (path, mode, body) = Assert.Single(Writes(write));
        Assert.Equal((HostPaths.MapScript(Name), "700"), (path, mode));
        Assert.Contains(rule, body, StringComparison.Ordinal);
        Assert.Contains("maps='192.168.1.0/24 10.201.1.0/24'", body, StringComparison.Ordinal);
        var dropIn = Assert.Single(Writes(Step(plan, "PersistMapRules")));
        Assert.Equal(HostPaths.MapDropIn(Name), dropIn.Path);
        Assert.Contains($"ExecStartPost={HostPaths.MapScript(Name)} up", dropIn.Body, StringComparison.Ordinal);
        Assert.Contains($"ExecStopPost=-{HostPaths.MapScript(Name)} down", dropIn.Body, StringComparison.Ordinal);
        Assert.Equal("\"$map_script\" up", Step(plan, "ApplyMapRules").Script);
    }

    [Fact]
    public void AConvergedMappingIsLeftAloneAndMissingRulesAreAppliedAgain()
    {
        var desired = MappedDesired();
        var state = Converged(desired);
        Assert.Empty(Plan(desired, state).Steps);

        state.MapRulesPresent = false; // a rule deleted by hand
        Assert.Equal(["ApplyMapRules"], Actions(Plan(desired, state)));
    }

    [Fact]
    public void AnotherMappingRewritesTheScriptOnly()
    {
        var state = Converged(MappedDesired());
        var moved = Desired(c => c.PrefixMappings = [new(Office.Real, WgPrefix.Parse("10.201.9.0/24"))]);
        Assert.Equal(["WriteMapRules", "ApplyMapRules"], Actions(Plan(moved, state)));
    }

    [Fact]
    public void AnInterfaceWithoutMappingTakesAwayTheOneItHad()
    {
        var state = Converged(MappedDesired());
        var plan = Plan(Desired(), state);
        Assert.Equal(["RemoveMapRules", "UnhookMapRules"], Actions(plan));
        Assert.Equal("remove_nat_script \"$map_script\"", Step(plan, "RemoveMapRules").Script);
        Assert.Equal("remove_dropin \"$map_dropin_file\"", Step(plan, "UnhookMapRules").Script);
        // Set-WgNat and Enable-WgForwarding alone do not touch it.
        Assert.DoesNotContain(Actions(Plan(null, state, new ApplyOptions { ManageInterface = false, EnableForwarding = true })), a => a.Contains("Map", StringComparison.Ordinal));
    }

    [Fact]
    public void RemovalTakesTheMappingAwayToo()
    {
        var state = Converged(MappedDesired(), Everything());
        var plan = GatewayPlanner.PlanRemoval("gw1", Name, state, removeKey: false);
        Assert.Equal(["StopService", "RemoveNatRules", "UnhookNatRules", "RemoveMapRules", "UnhookMapRules", "RemoveForwarding", "RemoveConfig"], Actions(plan));
    }
}

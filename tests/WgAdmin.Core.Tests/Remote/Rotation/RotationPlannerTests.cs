using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using WgAdmin.Topology;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>Which keys are due, who lists whom, and what a key rotation still needs, read from the gateways' state (a rerun finishes a half-done one).</summary>
public class RotationPlannerTests
{
    private static WgTopology Mesh(int count, WgTopologyShape shape = WgTopologyShape.Mesh)
    {
        var sites = Enumerable.Range(0, count).Select(i => new WgSite($"site-{(char)('a' + i)}", WgEndpoint.Parse($"198.51.100.{10 + i}:10086"))
        {
            ComputerName = $"gw-{(char)('a' + i)}",
            LanPrefix = [WgPrefix.Parse($"10.{i + 1}.0.0/24")],
            PublicKey = WgPrivateKey.Generate().PublicKey,
        }).ToList();
        return new WgTopology(WgPrefix.Parse("10.0.0.0/24"), sites) { Shape = shape, Hub = shape == WgTopologyShape.HubAndSpoke ? "site-a" : null };
    }

    // A gateway's state as its probe reads it: the key its config holds, a next key, the peers its config lists.
    private static GatewayState State(WgPublicKey? configKey, WgPublicKey? nextKey, params WgPublicKey[] peers)
    {
        var config = new WgInterface { Name = "wg0", Peers = peers.Select(p => new WgPeer(p) { AllowedIPs = [WgPrefix.Parse("10.0.0.9/32")] }).ToArray() };
        return new GatewayState
        {
            ConfigExists = true,
            ConfigPublicKey = configKey?.ToString(),
            NextKeyPublicKey = nextKey?.ToString(),
            Config = config,
        };
    }

    private static WgPublicKey Key(WgTopology t, string site) => RotationPlanner.PublicKeyOf(t, t.Sites.Single(s => s.Name == site))!;

    private static Dictionary<string, GatewayState?> FarStates(WgTopology t, string near, Func<string, WgPublicKey[]> extra)
    {
        var states = new Dictionary<string, GatewayState?>();
        foreach (var site in t.Sites.Where(s => s.Name != near))
            states[site.Name] = State(Key(t, site.Name), null, extra(site.Name));
        return states;
    }

    [Fact]
    public void AKeyIsDueWhenOlderThanTheLimitOrOfUnknownAge()
    {
        var now = DateTimeOffset.Parse("2026-12-02T18:00:00Z");
        Assert.True(RotationPlanner.IsDue(now.AddDays(-91), TimeSpan.FromDays(90), now));
        Assert.False(RotationPlanner.IsDue(now.AddDays(-89), TimeSpan.FromDays(90), now));
        Assert.True(RotationPlanner.IsDue(null, TimeSpan.FromDays(90), now));
        Assert.True(RotationPlanner.IsDue(now, null, now));
    }

    [Fact]
    public void InAMeshEveryOtherSiteListsASite_InHubAndSpokeTheHubAndItsSpokes()
    {
        var mesh = Mesh(4);
        Assert.Equal(["site-b", "site-c", "site-d"], RotationPlanner.PeerSites(mesh, mesh.Sites[0]).Select(s => s.Name));
        var hub = Mesh(4, WgTopologyShape.HubAndSpoke);
        Assert.Equal(["site-b", "site-c", "site-d"], RotationPlanner.PeerSites(hub, hub.Sites[0]).Select(s => s.Name));
        Assert.Equal(["site-a"], RotationPlanner.PeerSites(hub, hub.Sites[2]).Select(s => s.Name));
    }

    [Fact]
    public void PresharedKeyPairsFollowSitePeerAndAge()
    {
        var t = Mesh(4);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(6, RotationPlanner.PresharedKeyPairs(t, null, null, null, now).Count);
        Assert.Equal(3, RotationPlanner.PresharedKeyPairs(t, ["SITE-B"], null, null, now).Count);
        Assert.Equal([("site-b", "site-d")], RotationPlanner.PresharedKeyPairs(t, ["site-d"], ["site-b"], null, now));
        t.SetPresharedKeyCreated("site-a", "site-b", now.AddDays(-1));
        var due = RotationPlanner.PresharedKeyPairs(t, null, null, TimeSpan.FromDays(30), now);
        Assert.Equal(5, due.Count);
        Assert.DoesNotContain(("site-a", "site-b"), due);
    }

    [Fact]
    public void BothEndsOfAPairGetTheSameNewPresharedKey_HiddenInThePlan()
    {
        var t = Mesh(3);
        var key = WgPresharedKey.Generate();
        var plans = RotationPlanner.PresharedKeyPlans(t, new Dictionary<(string, string), WgPresharedKey> { [("site-a", "site-c")] = key });
        Assert.Equal(["site-a", "site-c"], plans.Select(p => p.Site));
        Assert.Same(key, plans[0].Peers.Single().Key);
        Assert.Same(key, plans[1].Peers.Single().Key);
        Assert.Equal(Key(t, "site-c"), plans[0].Peers.Single().PublicKey);
        Assert.Equal(Key(t, "site-a"), plans[1].Peers.Single().PublicKey);
        Assert.DoesNotContain(key.Reveal(), plans[0].ToString() + plans[0].Peers.Single());
    }

    [Fact]
    public void AFreshRotationMakesTheKeyStagesItEverywhereThenSwitches()
    {
        var t = Mesh(4);
        var old = Key(t, "site-a");
        var plan = RotationPlanner.KeyPlan(t, t.Sites[0], State(old, null, Key(t, "site-b")), FarStates(t, "site-a", _ => [old]));
        Assert.True(plan.Prepare);
        Assert.True(plan.Switch);
        Assert.False(plan.Resumed);
        Assert.Equal(["gw-b", "gw-c", "gw-d"], plan.FarEnds.Select(f => f.ComputerName));
        Assert.All(plan.FarEnds, f => Assert.True(f.Stage && f.Move));
        Assert.Contains("make the next key on gw-a", plan.ToString());
    }

    [Fact]
    public void ARerunAfterTheStageContinuesWithTheGatewaysNextKey()
    {
        var t = Mesh(3);
        var old = Key(t, "site-a");
        var next = WgPrivateKey.Generate().PublicKey;
        // gw-b got the new key staged, gw-c did not (it was down).
        var far = FarStates(t, "site-a", s => s == "site-b" ? [old, next] : [old]);
        var plan = RotationPlanner.KeyPlan(t, t.Sites[0], State(old, next), far);
        Assert.False(plan.Prepare);
        Assert.True(plan.Switch);
        Assert.Equal(next, plan.NewKey);
        Assert.Equal([false, true], plan.FarEnds.Select(f => f.Stage));
        Assert.All(plan.FarEnds, f => Assert.True(f.Move));
    }

    [Fact]
    public void ARerunAfterTheSwitchOnlyMovesTheFarEndsThatDidNotFollow()
    {
        var t = Mesh(3);
        var old = Key(t, "site-a");
        var next = WgPrivateKey.Generate().PublicKey;
        var far = FarStates(t, "site-a", s => s == "site-b" ? [next] : [old, next]);
        var plan = RotationPlanner.KeyPlan(t, t.Sites[0], State(next, null), far);
        Assert.False(plan.Prepare);
        Assert.False(plan.Switch);
        Assert.Equal(next, plan.NewKey);
        Assert.True(plan.FarEnds[0].Done);
        Assert.True(plan.FarEnds[1].Move);
        Assert.False(plan.IsDone);

        // Every far end followed: only the topology is behind.
        var finished = RotationPlanner.KeyPlan(t, t.Sites[0], State(next, null), FarStates(t, "site-a", _ => [next]));
        Assert.True(finished.IsDone);
        Assert.True(finished.Resumed);
    }

    [Fact]
    public void AFarEndThatCannotBeReadBlocksTheSwitch()
    {
        var t = Mesh(3);
        var old = Key(t, "site-a");
        var far = FarStates(t, "site-a", _ => [old]);
        far["site-c"] = null;
        var plan = RotationPlanner.KeyPlan(t, t.Sites[0], State(old, null), far);
        Assert.True(plan.Blocked);
        Assert.True(plan.FarEnds.Single(f => f.Site == "site-c").Unreachable);
    }

    [Fact]
    public void AFarEndListingNeitherKeyIsLeftAloneWithANote()
    {
        var t = Mesh(3);
        var old = Key(t, "site-a");
        var far = FarStates(t, "site-a", s => s == "site-c" ? [] : [old]);
        var plan = RotationPlanner.KeyPlan(t, t.Sites[0], State(old, null), far);
        Assert.Equal(["gw-b"], plan.FarEnds.Select(f => f.ComputerName));
        Assert.Contains(plan.Notes, n => n.Contains("gw-c", StringComparison.Ordinal));
    }

    [Fact]
    public void ReplacingAKeyForgetsTheGeneratedOneAndRecordsItsAge()
    {
        var site = new WgSite("site-a", WgEndpoint.Parse("198.51.100.10:10086")) { ComputerName = "gw-a" };
        var t = new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [site, new WgSite("site-b", WgEndpoint.Parse("198.51.100.11:10086")) { PublicKey = WgPrivateKey.Generate().PublicKey }]);
        t.GenerateSecrets();
        Assert.NotNull(t.PrivateKeyOf(site));
        Assert.NotNull(site.KeyCreated);
        var made = DateTimeOffset.Parse("2026-12-02T19:00:00Z");
        var fresh = WgPrivateKey.Generate().PublicKey;
        t.ReplaceKey(site, fresh, null, made);
        Assert.Null(t.PrivateKeyOf(site));
        Assert.Equal(fresh, RotationPlanner.PublicKeyOf(t, site));
        Assert.Equal(made, site.KeyCreated);
        Assert.Contains($"PublicKey = {fresh}", WgConfigWriter.Write(t.Build()[1], WgSecretMode.Include));
    }
}

using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// FirewallCheck and its probe sections, from output shaped as ufw 0.36 and firewalld 1.3 (Debian 12)
/// print it; the lab's Firewall suite runs the same path against the real firewalls.
/// </summary>
public class FirewallCheckTests
{
    private const string Probe = "@@host\nroot=yes\n";

    private const string UfwOpen = "@@ufw\nufw allow 22/tcp\nufw allow 10100/udp comment 'wgadmin wg16'\nufw route allow in on wg16\nufw route allow out on wg16\n";

    private static string Firewalld(string permanent, string? runtime = null) =>
        $"@@firewalld runtime\n{runtime ?? permanent}@@firewalld permanent\n{permanent}";

    private static string Zone(string interfaces, string ports, string forward) =>
        $"public (active)\n  target: default\n  icmp-block-inversion: no\n  interfaces: {interfaces}\n  sources: \n" +
        $"  services: dhcpv6-client ssh\n  ports: {ports}\n  protocols: \n  forward: {forward}\n  masquerade: no\n  rich rules: \n";

    private static WgError? Check(string output, int? port = 10100, bool forwarding = true, bool nat = false) =>
        FirewallCheck.Blocker("gw-ad", GatewayProbe.Parse(Probe + output), "wg16", port, forwarding, nat);

    [Fact]
    public void NoFirewallNoBlocker()
    {
        var state = GatewayProbe.Parse(Probe);
        Assert.Null(state.UfwRules);
        Assert.Null(state.FirewalldPermanent);
        Assert.Null(Check(""));
    }

    [Fact]
    public void UfwWithThePortAndBothRouteRulesPasses()
    {
        Assert.Null(Check(UfwOpen));
    }

    [Fact]
    public void UfwWithoutRulesNamesEveryMissingCommand()
    {
        var error = Check("@@ufw\nufw allow 22/tcp\n");
        Assert.NotNull(error);
        Assert.Equal(WgErrorId.FirewallBlocksTunnel, error!.ErrorId);
        Assert.Equal("gw-ad", error.Offender);
        Assert.StartsWith("gw-ad: ufw is active and its rules do not let the tunnel through; nothing was changed.", error.Message);
        Assert.EndsWith("Run on the gateway: ufw allow 10100/udp; ufw route allow in on wg16; ufw route allow out on wg16", error.Message);
    }

    [Fact]
    public void UfwRulesOfAnotherPortOrInterfaceDoNotCount()
    {
        var error = Check("@@ufw\nufw allow 10101/udp\nufw route allow in on wg160\nufw route allow out on wg16\nufw allow 10100/udpx\n");
        Assert.NotNull(error);
        Assert.EndsWith("Run on the gateway: ufw allow 10100/udp; ufw route allow in on wg16", error!.Message);
    }

    [Fact]
    public void UfwWithoutForwardingNeedsOnlyThePort()
    {
        Assert.Null(Check("@@ufw\nufw allow 10100/udp\n", forwarding: false));
        Assert.Null(Check("@@ufw\n", port: null, forwarding: false));
        Assert.NotNull(Check("@@ufw\n", forwarding: false));
    }

    [Fact]
    public void UfwThatFlushesTheBuiltinChainsOnReloadStopsWgAdminsNat()
    {
        var owning = UfwOpen.Replace("@@ufw\n", "@@ufw\nmanage_builtins=yes\n");
        // Without WgAdmin's NAT rules nothing of WgAdmin's sits in the built-in chains.
        Assert.Null(Check(owning));
        var error = Check(owning, nat: true);
        Assert.NotNull(error);
        Assert.EndsWith("Run on the gateway: sed -i 's/^MANAGE_BUILTINS=.*/MANAGE_BUILTINS=no/' /etc/default/ufw", error!.Message);
        Assert.Null(Check(UfwOpen.Replace("@@ufw\n", "@@ufw\nmanage_builtins=no\n"), nat: true));
        Assert.DoesNotContain("manage_builtins=yes", GatewayProbe.Parse(Probe + owning).UfwRules!);
    }

    [Fact]
    public void FirewalldZoneIsParsed()
    {
        var state = GatewayProbe.Parse(Probe + Firewalld(Zone("eth0 wg16", "10100/udp 8080/tcp", "yes")));
        var zone = state.FirewalldPermanent!;
        Assert.Equal("public", zone.Name);
        Assert.Equal(["eth0", "wg16"], zone.Interfaces);
        Assert.Equal(["10100/udp", "8080/tcp"], zone.Ports);
        Assert.True(zone.Forward);
        Assert.Empty(FirewalldZone.Parse(["public", "  interfaces: ", "  forward: no"]).Interfaces);
        Assert.False(FirewalldZone.Parse(["public", "  forward: no"]).Forward);
    }

    [Fact]
    public void FirewalldWithTheInterfaceAndPortInTheDefaultZonePasses()
    {
        Assert.Null(Check(Firewalld(Zone("wg16", "10100/udp", "yes"))));
    }

    [Fact]
    public void FirewalldDefaultsNameTheZoneCommandsAndTheReload()
    {
        var error = Check(Firewalld(Zone("", "", "no")));
        Assert.NotNull(error);
        Assert.Equal(WgErrorId.FirewallBlocksTunnel, error!.ErrorId);
        Assert.StartsWith("gw-ad: firewalld is running and its default zone 'public' does not let the tunnel through; nothing was changed.", error.Message);
        Assert.EndsWith("Run on the gateway: firewall-cmd --permanent --zone=public --add-interface=wg16; firewall-cmd --permanent --zone=public --add-port=10100/udp; " +
            "firewall-cmd --permanent --zone=public --add-forward; firewall-cmd --reload", error.Message);
    }

    [Fact]
    public void FirewalldForwardingNeedsTheDefaultRoutesInterfaceNamedInTheZone()
    {
        // Intra-zone forwarding covers the zone's named interfaces only (the lab saw wg16 -> eth0
        // rejected while eth0 was in the default zone by default).
        var error = Check(Firewalld(Zone("wg16", "10100/udp", "yes")) + "@@firewalld-route\neth0\n");
        Assert.NotNull(error);
        Assert.EndsWith("Run on the gateway: firewall-cmd --permanent --zone=public --add-interface=eth0; firewall-cmd --reload", error!.Message);
        Assert.Null(Check(Firewalld(Zone("wg16", "10100/udp", "yes")) + "@@firewalld-route\neth0\n", forwarding: false));
        Assert.Null(Check(Firewalld(Zone("eth0 wg16", "10100/udp", "yes")) + "@@firewalld-route\neth0\n"));
    }

    [Fact]
    public void FirewalldARouteInterfaceThatIsNoInterfaceNameIsIgnored()
    {
        var state = GatewayProbe.Parse(Probe + Firewalld(Zone("wg16", "10100/udp", "yes")) + "@@firewalld-route\neth0;reboot\n");
        Assert.Null(state.FirewalldRouteInterface);
    }

    [Fact]
    public void FirewalldRulesOnlyLiveDoNotCount()
    {
        // Added without --permanent: the next reload (or boot) drops them, and the tunnel with them.
        var error = Check(Firewalld(Zone("", "", "yes"), runtime: Zone("wg16", "10100/udp", "yes")));
        Assert.NotNull(error);
        Assert.Contains("--add-interface=wg16", error!.Message);
        Assert.Contains("--add-port=10100/udp", error.Message);
        Assert.DoesNotContain("--add-forward", error.Message);
    }

    [Fact]
    public void FirewalldSavedButNotReloadedAsksOnlyForTheReload()
    {
        var error = Check(Firewalld(Zone("wg16", "10100/udp", "yes"), runtime: Zone("", "", "yes")));
        Assert.NotNull(error);
        Assert.EndsWith("Run on the gateway: firewall-cmd --permanent --zone=public --add-interface=wg16; firewall-cmd --permanent --zone=public --add-port=10100/udp; firewall-cmd --reload", error!.Message);
    }

    [Fact]
    public void ThePlannerStopsBeforeAnyStep()
    {
        var desired = new WgInterface { Name = "wg16", PrivateKey = WgPrivateKey.Generate(), ListenPort = 10100, Address = [WgPrefix.Parse("10.0.16.1/24")] };
        var options = new ApplyOptions { EnableForwarding = true, InstallPackage = true };
        const string debian = Probe + "@@os\nID=debian\n";
        var ex = Assert.Throws<WgException>(() => GatewayPlanner.Plan("gw-ad", desired, "wg16", GatewayProbe.Parse(debian + "@@ufw\n"), options));
        Assert.Equal(WgErrorId.FirewallBlocksTunnel, ex.Errors[0].ErrorId);
        // The same gateway with the rules in place gets its plan.
        Assert.NotEmpty(GatewayPlanner.Plan("gw-ad", desired, "wg16", GatewayProbe.Parse(debian + UfwOpen), options).Steps);
    }

    [Fact]
    public void SetWgNatOnFirewalldChecksForwardingButNotThePort()
    {
        // As Set-WgNat plans: no desired interface, NAT only.
        var options = new ApplyOptions { Masquerade = "eth0", ManageInterface = false, Firewall = FirewallBackend.Nftables };
        var state = GatewayProbe.Parse(Probe + "@@os\nID=debian\n@@tools\nwg\nwg-quick\nnft\n" + Firewalld(Zone("", "", "yes")));
        var ex = Assert.Throws<WgException>(() => GatewayPlanner.Plan("gw-ae", null, "wg16", state, options));
        Assert.EndsWith("Run on the gateway: firewall-cmd --permanent --zone=public --add-interface=wg16; " +
            "firewall-cmd --permanent --zone=public --add-interface=eth0; firewall-cmd --reload", ex.Errors[0].Message);
        var open = GatewayProbe.Parse(Probe + "@@os\nID=debian\n@@tools\nwg\nwg-quick\nnft\n" + Firewalld(Zone("eth0 wg16", "", "yes")));
        Assert.Contains(GatewayPlanner.Plan("gw-ae", null, "wg16", open, options).Steps, s => s.Action == "WriteNatRules");
    }

    [Fact]
    public void FirewalldNamesTheMasqueradeInterfaceOverTheDefaultRoutes()
    {
        // A gateway whose LAN (eth1, where -Masquerade sends forwarded packets) is not on the default route (eth0).
        var options = new ApplyOptions { Masquerade = "eth1", ManageInterface = false, Firewall = FirewallBackend.Nftables };
        const string facts = Probe + "@@os\nID=debian\n@@tools\nwg\nwg-quick\nnft\n";
        var state = GatewayProbe.Parse(facts + Firewalld(Zone("eth0 wg16", "", "yes")) + "@@firewalld-route\neth0\n");
        var ex = Assert.Throws<WgException>(() => GatewayPlanner.Plan("gw-ae", null, "wg16", state, options));
        Assert.EndsWith("Run on the gateway: firewall-cmd --permanent --zone=public --add-interface=eth1; firewall-cmd --reload", ex.Errors[0].Message);
        var open = GatewayProbe.Parse(facts + Firewalld(Zone("eth1 wg16", "", "yes")) + "@@firewalld-route\neth0\n");
        Assert.NotEmpty(GatewayPlanner.Plan("gw-ae", null, "wg16", open, options).Steps);
    }
}

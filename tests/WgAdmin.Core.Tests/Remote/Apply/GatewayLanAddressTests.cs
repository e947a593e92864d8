using System.Net;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// GatewayLanAddress.Choose: the gateway's address inside its site's LAN, from `ip -o addr show`
/// as iproute2 prints it (the sample is real output, trimmed), and gateway-addresses.sh run with the
/// real ip in a scratch namespace.
/// </summary>
public class GatewayLanAddressTests
{
    private const string Sample = """
        1: lo    inet 127.0.0.1/8 scope host lo\       valid_lft forever preferred_lft forever
        1: lo    inet6 ::1/128 scope host \       valid_lft forever preferred_lft forever
        2: eth0    inet 198.51.100.10/24 brd 198.51.100.255 scope global eth0\       valid_lft forever preferred_lft forever
        3: eth1    inet 10.11.7.254/24 brd 10.11.7.255 scope global secondary eth1:vip\       valid_lft forever preferred_lft forever
        3: eth1    inet 10.11.7.1/24 brd 10.11.7.255 scope global eth1\       valid_lft forever preferred_lft forever
        3: eth1    inet6 fd00:11:7::9/64 scope global tentative \       valid_lft forever preferred_lft forever
        3: eth1    inet6 fd00:11:7::1/64 scope global \       valid_lft forever preferred_lft forever
        3: eth1    inet6 fe80::1/64 scope link \       valid_lft forever preferred_lft forever
        5: wg0    inet 10.0.0.1/24 scope global wg0\       valid_lft forever preferred_lft forever
        """;

    private static IReadOnlyList<IPAddress> Choose(string output, params string[] prefixes) =>
        GatewayLanAddress.Choose(output, prefixes.Select(WgPrefix.Parse));

    [Fact]
    public void ThePrimaryAddressInTheLanIsChosenOverASecondaryOneListedFirst() =>
        Assert.Equal([IPAddress.Parse("10.11.7.1")], Choose(Sample, "10.11.7.0/24"));

    [Fact]
    public void OneAddressPerFamilyIPv4First_NeitherTentativeNorLinkLocal() =>
        Assert.Equal([IPAddress.Parse("10.11.7.1"), IPAddress.Parse("fd00:11:7::1")], Choose(Sample, "fd00:11:7::/64", "fe80::/10", "10.11.7.0/24"));

    [Fact]
    public void ASecondaryAddressServesWhenItIsTheOnlyOneInTheLan() =>
        Assert.Equal([IPAddress.Parse("10.11.7.254")], Choose(Sample, "10.11.7.254/32"));

    [Theory]
    [InlineData("172.19.16.0/20")] // not on this gateway
    [InlineData("127.0.0.0/8")]    // loopback: host scope
    [InlineData("fe80::/10")]      // link-local
    public void NothingOutsideTheLanOrOfAnotherScopeIsChosen(string prefix) =>
        Assert.Empty(Choose(Sample, prefix));

    [Fact]
    public void LinesThatAreNotAddressesAreSkipped() =>
        Assert.Equal([IPAddress.Parse("10.11.7.1")],
            Choose("Device \"eth9\" does not exist.\n\n3: eth1    link/ether 02:00:00:00:00:01\n3: eth1    inet 10.11.7.1/24 scope global eth1\n", "10.11.7.0/24"));

    [SkippableFact]
    public void TheScriptInANamespaceGivesItsLanAddress()
    {
        RemoteOracle.Require(needsRoot: true, ["ip", "bash"]);
        using var ns = ScratchNamespace.Create("wgadm-lan");
        ns.AddLink("lan0");
        ns.Check(ns.Exec(["ip", "address", "add", "10.72.5.1/24", "dev", "lan0"]), "ip address add");
        ns.Check(ns.Exec(["ip", "address", "add", "10.72.5.200/24", "dev", "lan0"]), "ip address add (secondary)");
        ns.Check(ns.Exec(["ip", "address", "add", "fd00:72:5::1/64", "dev", "lan0", "nodad"]), "ip address add (IPv6)");
        ns.Check(ns.Exec(["ip", "link", "set", "lan0", "up"]), "ip link set up");
        var operation = GatewayLanAddress.Operation([WgPrefix.Parse("10.72.5.0/24"), WgPrefix.Parse("fd00:72:5::/64")]);
        var run = ns.Shell(operation.Script);
        var output = ScriptOutput.Read(new RemoteResult(run.ExitCode, run.StdOut, run.StdErr, TimeSpan.Zero));
        Assert.True(output.Complete, $"gateway-addresses.sh did not run to its end: {run.StdErr}");
        Assert.Contains("secondary", output.Section("addresses")!.Text, StringComparison.Ordinal);
        Assert.Equal([IPAddress.Parse("10.72.5.1"), IPAddress.Parse("fd00:72:5::1")], operation.Parse(output));
        Assert.Empty(GatewayLanAddress.Operation([WgPrefix.Parse("10.72.6.0/24")]).Parse(output));
    }
}

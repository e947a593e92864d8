using System.Net;
using System.Net.Sockets;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Net;

/// <summary>Prefixes as wg's AllowedIPs and wg-quick's Address take them: strict dotted quads, host bits kept, a bare address a host.</summary>
public class PrefixParsingTests
{
    [Theory]
    [InlineData("10.0.0.1/24", "10.0.0.1", 24, "10.0.0.0/24", true)]
    [InlineData("10.0.0.0/24", "10.0.0.0", 24, "10.0.0.0/24", false)]
    [InlineData("10.0.0.1", "10.0.0.1", 32, "10.0.0.1/32", false)]
    [InlineData("0.0.0.0/0", "0.0.0.0", 0, "0.0.0.0/0", false)]
    [InlineData("255.255.255.255/1", "255.255.255.255", 1, "128.0.0.0/1", true)]
    [InlineData("fd00::1/64", "fd00::1", 64, "fd00::/64", true)]
    [InlineData("fd00::1", "fd00::1", 128, "fd00::1/128", false)]
    [InlineData("::/0", "::", 0, "::/0", false)]
    [InlineData("FD00:0:0:0::1/128", "fd00::1", 128, "fd00::1/128", false)]
    [InlineData("::ffff:10.0.0.1/128", "::ffff:10.0.0.1", 128, "::ffff:10.0.0.1/128", false)]
    public void GoodPrefixesKeepTheirHostBits(string text, string address, int length, string network, bool hostBits)
    {
        var prefix = WgPrefix.Parse(text);

        Assert.Equal(IPAddress.Parse(address), prefix.Address);
        Assert.Equal(length, prefix.Length);
        Assert.Equal(network, prefix.ToNetwork().ToString());
        Assert.Equal(hostBits, prefix.HasHostBits);
        Assert.Equal($"{IPAddress.Parse(address)}/{length}", prefix.ToString());
        Assert.Equal(prefix, WgPrefix.Parse(prefix.ToString()));
        Assert.True(WgPrefix.TryParse(text, out var again));
        Assert.Equal(prefix, again);
    }

    [Fact]
    public void FamilyFollowsTheAddress()
    {
        Assert.Equal(AddressFamily.InterNetwork, WgPrefix.Parse("10.0.0.0/8").Family);
        Assert.True(WgPrefix.Parse("::ffff:10.0.0.0/104").IsIPv6);
        // An IPv4-mapped prefix is IPv6: it is not the same prefix as its IPv4 twin.
        Assert.NotEqual(WgPrefix.Parse("10.0.0.1/32"), WgPrefix.Parse("::ffff:10.0.0.1/128"));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("fd00::/129")]
    [InlineData("10.1/16")]
    [InlineData("10/8")]
    [InlineData("10.0.0/24")]
    [InlineData("1.2.3.4.5/32")]
    [InlineData("10.0.0.256/32")]
    [InlineData("010.0.0.0/8")]
    [InlineData("10.0.0.01/32")]
    [InlineData("0x0a.0.0.1/32")]
    [InlineData("10.0.0.0/")]
    [InlineData("/24")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/+8")]
    [InlineData("10.0.0.0/2a")]
    [InlineData("10.0.0.0/0008")]
    [InlineData("10.0.0.0/24/8")]
    [InlineData(" 10.0.0.0/8")]
    [InlineData("10.0.0.0 /8")]
    [InlineData("10.0.0.0/8 ")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("fe80::1%2")]
    [InlineData("[fd00::1]/64")]
    [InlineData("fd00::1::2/64")]
    [InlineData("fd00:::2/64")]
    [InlineData("12345::/16")]
    [InlineData("::ffff:10.0.0.01/128")]   // .NET takes the leading zero in an embedded IPv4, inet_pton does not
    [InlineData("::1.2.3/128")]
    [InlineData("fd00::g/64")]
    [InlineData("")]
    [InlineData("vpn.example.com/32")]
    public void BadPrefixesAreRefusedQuotingTheValue(string text)
    {
        var ex = Assert.Throws<WgException>(() => WgPrefix.Parse(text));

        Assert.Equal(WgErrorId.InvalidPrefix, ex.ErrorId);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(text, ex.Errors[0].Offender);
        Assert.False(WgPrefix.TryParse(text, out _));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.0.0/16", true)]
    [InlineData("10.0.0.0/16", "10.1.0.0/16", false)]
    [InlineData("10.0.0.1/24", "10.0.0.200/24", true)]
    [InlineData("::/0", "0.0.0.0/0", false)]
    [InlineData("fd00::/8", "fd12::1/128", true)]
    public void OverlapsComparesNetworksOfOneFamily(string a, string b, bool overlaps)
    {
        Assert.Equal(overlaps, WgPrefix.Parse(a).Overlaps(WgPrefix.Parse(b)));
        Assert.Equal(overlaps, WgPrefix.Parse(b).Overlaps(WgPrefix.Parse(a)));
    }

    [Fact]
    public void ContainsTestsAnAddressAgainstTheNetwork()
    {
        var prefix = WgPrefix.Parse("10.0.0.1/24");

        Assert.True(prefix.Contains(IPAddress.Parse("10.0.0.255")));
        Assert.False(prefix.Contains(IPAddress.Parse("10.0.1.0")));
        Assert.False(prefix.Contains(IPAddress.Parse("::ffff:10.0.0.1")));
    }

    [Fact]
    public void ConstructorChecksTheLength()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WgPrefix(IPAddress.Parse("10.0.0.0"), 33));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WgPrefix(IPAddress.Parse("fd00::"), -1));
        Assert.Equal(128, new WgPrefix(IPAddress.Parse("fd00::"), 128).Length);
    }
}

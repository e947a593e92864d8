using System.Net;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Net;

/// <summary>Endpoints as wg reads them (host:port, a.b.c.d:port, [IPv6]:port), ports 1-65535 only; an unbracketed IPv6 endpoint is refused.</summary>
public class EndpointParsingTests
{
    [Theory]
    [InlineData("vpn.example.com:51820", "vpn.example.com", 51820, "vpn.example.com:51820")]
    [InlineData("VPN.Example.COM:1", "VPN.Example.COM", 1, "VPN.Example.COM:1")]
    [InlineData("localhost:65535", "localhost", 65535, "localhost:65535")]
    [InlineData("example.com.:53", "example.com.", 53, "example.com.:53")]
    [InlineData("_srv.a-b.example:5", "_srv.a-b.example", 5, "_srv.a-b.example:5")]
    [InlineData("host1:5", "host1", 5, "host1:5")]
    [InlineData("192.0.2.1:51820", "192.0.2.1", 51820, "192.0.2.1:51820")]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1, "0.0.0.0:1")]
    [InlineData("[2001:db8::1]:51820", "2001:db8::1", 51820, "[2001:db8::1]:51820")]
    [InlineData("[2001:DB8:0:0:0:0:0:1]:51820", "2001:db8::1", 51820, "[2001:db8::1]:51820")]
    [InlineData("[::ffff:192.0.2.1]:9", "::ffff:192.0.2.1", 9, "[::ffff:192.0.2.1]:9")]
    [InlineData("[::1]:51820", "::1", 51820, "[::1]:51820")]
    public void GoodEndpointsParse(string text, string host, int port, string canonical)
    {
        var endpoint = WgEndpoint.Parse(text);

        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
        Assert.Equal(canonical, endpoint.ToString());
        Assert.Equal(endpoint, WgEndpoint.Parse(endpoint.ToString()));
        Assert.True(WgEndpoint.TryParse(text, out var again));
        Assert.Equal(endpoint, again);
    }

    [Theory]
    [InlineData("192.0.2.1:51820", "192.0.2.1")]
    [InlineData("[fd00::1]:5", "fd00::1")]
    [InlineData("vpn.example.com:5", null)]
    public void AddressIsSetOnlyForIpLiterals(string text, string? address)
    {
        Assert.Equal(address is null ? null : IPAddress.Parse(address), WgEndpoint.Parse(text).Address);
    }

    [Theory]
    // Ports: 0, too large, missing, negative, signed, service names (getaddrinfo would take "domain").
    [InlineData("192.0.2.1:0", WgErrorId.InvalidPort)]
    [InlineData("192.0.2.1:65536", WgErrorId.InvalidPort)]
    [InlineData("192.0.2.1:123456", WgErrorId.InvalidPort)]
    [InlineData("192.0.2.1:", WgErrorId.InvalidPort)]
    [InlineData("192.0.2.1:-1", WgErrorId.InvalidPort)]
    [InlineData("192.0.2.1:+80", WgErrorId.InvalidPort)]
    [InlineData("192.0.2.1:domain", WgErrorId.InvalidPort)]
    [InlineData("[fd00::1]:51820x", WgErrorId.InvalidPort)]
    [InlineData("[fd00::1]:", WgErrorId.InvalidPort)]
    // No port at all, or no host.
    [InlineData("192.0.2.1", WgErrorId.InvalidEndpoint)]
    [InlineData("vpn.example.com", WgErrorId.InvalidEndpoint)]
    [InlineData("[2001:db8::1]", WgErrorId.InvalidEndpoint)]
    [InlineData("[2001:db8::1]51820", WgErrorId.InvalidEndpoint)]
    [InlineData("2001:db8::1", WgErrorId.InvalidEndpoint)]
    [InlineData(":51820", WgErrorId.InvalidEndpoint)]
    [InlineData("", WgErrorId.InvalidEndpoint)]
    // Bad hosts.
    [InlineData("[192.0.2.1]:5", WgErrorId.InvalidEndpoint)]
    [InlineData("[2001:db8::1%eth0]:5", WgErrorId.InvalidEndpoint)]
    [InlineData("[[::1]]:5", WgErrorId.InvalidEndpoint)]
    [InlineData("192.0.2.256:5", WgErrorId.InvalidEndpoint)]
    [InlineData("192.0.2:5", WgErrorId.InvalidEndpoint)]
    [InlineData("010.0.0.1:5", WgErrorId.InvalidEndpoint)]
    [InlineData("-bad.example:5", WgErrorId.InvalidEndpoint)]
    [InlineData("bad-.example:5", WgErrorId.InvalidEndpoint)]
    [InlineData("a..b:5", WgErrorId.InvalidEndpoint)]
    [InlineData("exa mple.com:5", WgErrorId.InvalidEndpoint)]
    [InlineData("ex*ample.com:5", WgErrorId.InvalidEndpoint)]
    [InlineData("exämple.com:5", WgErrorId.InvalidEndpoint)]
    [InlineData("2001:db8:::1:5", WgErrorId.InvalidEndpoint)]
    // IPv6 without brackets: 2001:db8::1:51820 is an address on its own, so where its port starts is a guess.
    [InlineData("2001:db8::1:51820", WgErrorId.InvalidEndpoint)]
    [InlineData("::1:5", WgErrorId.InvalidEndpoint)]
    [InlineData("fd00::1:65536", WgErrorId.InvalidEndpoint)]
    public void BadEndpointsAreRefusedWithTheirId(string text, string errorId)
    {
        var ex = Assert.Throws<WgException>(() => WgEndpoint.Parse(text));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.False(WgEndpoint.TryParse(text, out var endpoint));
        Assert.Null(endpoint);
        if (text.Length > 0)
            Assert.Contains(text, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HostLabelsAreAtMost63Characters()
    {
        Assert.True(WgEndpoint.TryParse(new string('a', 63) + ".example:5", out _));
        Assert.False(WgEndpoint.TryParse(new string('a', 64) + ".example:5", out _));
    }

    [Fact]
    public void NullIsRefused()
    {
        Assert.False(WgEndpoint.TryParse(null, out _));
    }

    [Theory]
    [InlineData("fd00::1", 0, WgErrorId.InvalidPort)]
    [InlineData("fd00::1", 65536, WgErrorId.InvalidPort)]
    [InlineData("bad host", 5, WgErrorId.InvalidEndpoint)]
    [InlineData("[fd00::1]", 5, WgErrorId.InvalidEndpoint)]
    public void ConstructorChecksHostAndPort(string host, int port, string errorId)
    {
        Assert.Equal(errorId, Assert.Throws<WgException>(() => new WgEndpoint(host, port)).ErrorId);
    }

    [Fact]
    public void EqualityIgnoresTheCaseOfHostNamesOnly()
    {
        Assert.Equal(WgEndpoint.Parse("VPN.example.com:5"), WgEndpoint.Parse("vpn.EXAMPLE.com:5"));
        Assert.Equal(WgEndpoint.Parse("vpn.example.com:5").GetHashCode(), WgEndpoint.Parse("VPN.EXAMPLE.COM:5").GetHashCode());
        Assert.True(WgEndpoint.Parse("[FD00::1]:5") == WgEndpoint.Parse("[fd00::1]:5"));
        Assert.True(WgEndpoint.Parse("192.0.2.1:5") != WgEndpoint.Parse("192.0.2.1:6"));
    }
}

using System.Reflection;
using CsCheck;
using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Config;

/// <summary>
/// For any valid interface x: Parse(Write(x)) is x, property by property, peers in order; the
/// canonical text is a fixed point; and the strip form parses to x's `wg` part.
/// </summary>
public class RoundTripPropertyTests
{
    private static string Print(WgInterface config)
    {
        try
        {
            // Hidden keys: the seed CsCheck prints reproduces the case, the text shows its shape.
            return $"Name={Structural.Show(config.Name)}\n{WgConfigWriter.Write(config, WgSecretMode.Hide)}";
        }
        catch (WgException ex)
        {
            return "(invalid: " + ex.Message + ")";
        }
    }

    [Fact]
    public void ParseOfWriteIsTheIdentityFor10000Interfaces()
    {
        var seen = new Coverage();

        WgGen.Interface().Sample(config =>
        {
            seen.Count(config);
            var text = WgConfigWriter.Write(config, WgSecretMode.Include);

            var parsed = WgConfigParser.Parse(text, config.Name);

            Structural.AssertEqual(config, parsed);
            Assert.Equal(text, WgConfigWriter.Write(parsed, WgSecretMode.Include));

            var stripped = WgConfigParser.Parse(WgConfigWriter.Write(config, WgSecretMode.Include, strip: true), config.Name);
            Structural.AssertEqual(WgPartOf(config), stripped);
        }, iter: 10_000, print: Print);

        // The generator must really reach every kind it claims to.
        seen.AssertCovered();
    }

    /// <summary>What `wg` sees: the interface without wg-quick's keys (comments, and so peer names, stay).</summary>
    public static WgInterface WgPartOf(WgInterface config)
    {
        var copy = config.Clone();
        copy.Address = [];
        copy.Dns = [];
        copy.DnsSearch = [];
        copy.Mtu = null;
        copy.Table = null;
        copy.PreUp = [];
        copy.PostUp = [];
        copy.PreDown = [];
        copy.PostDown = [];
        copy.SaveConfig = false;
        return copy;
    }

    [Fact]
    public void ComparerCoversEveryPublicProperty()
    {
        // A property added to the model without a comparison would make the round trip vacuous for it.
        Assert.Equal(
            typeof(WgInterface).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(),
            Structural.InterfaceProperties.Order());
        Assert.Equal(
            typeof(WgPeer).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(),
            Structural.PeerProperties.Order());
    }

    [Fact]
    public void ComparerSeesADifferenceInEachProperty()
    {
        var x = WgGen.Interface().Where(c => c.Peers.Length > 0 && c.PrivateKey is not null).Single();

        void Differs(Action<WgInterface> change)
        {
            var y = x.Clone();
            change(y);
            Assert.NotEmpty(Structural.Differences(x, y));
        }

        Differs(y => y.Name = y.Name + "x");
        Differs(y => y.PrivateKey = WgPrivateKey.Generate());
        Differs(y => y.ListenPort = (y.ListenPort ?? 0) + 1);
        Differs(y => y.FwMark = (y.FwMark ?? 0) + 1);
        Differs(y => y.Address = [.. y.Address, WgPrefix.Parse("192.0.2.1/32")]);
        Differs(y => y.Dns = [.. y.Dns, System.Net.IPAddress.Loopback]);
        Differs(y => y.DnsSearch = [.. y.DnsSearch, "x"]);
        Differs(y => y.Mtu = (y.Mtu ?? 0) + 1);
        Differs(y => y.Table = y.Table + "x");
        Differs(y => y.PreUp = [.. y.PreUp, "x"]);
        Differs(y => y.PostUp = [.. y.PostUp, "x"]);
        Differs(y => y.PreDown = [.. y.PreDown, "x"]);
        Differs(y => y.PostDown = [.. y.PostDown, "x"]);
        Differs(y => y.SaveConfig = !y.SaveConfig);
        Differs(y => y.ComputerName = "gw1");
        Differs(y => y.PrefixMappings = [new WgAdmin.Net.WgPrefixMapping(WgAdmin.Net.WgPrefix.Parse("192.168.1.0/24"), WgAdmin.Net.WgPrefix.Parse("10.201.1.0/24"))]);
        Differs(y => y.Peers = y.Peers[1..]);
        Differs(y => y.Peers[0].PublicKey = WgPrivateKey.Generate().PublicKey);
        Differs(y => y.Peers[0].PresharedKey = WgPresharedKey.Generate());
        Differs(y => y.Peers[0].Endpoint = WgEndpoint.Parse("Other.Example:1"));
        Differs(y => y.Peers[0].AllowedIPs = [.. y.Peers[0].AllowedIPs, WgPrefix.Parse("192.0.2.1/32")]);
        Differs(y => y.Peers[0].PersistentKeepalive = (y.Peers[0].PersistentKeepalive ?? 0) + 1);
        Differs(y => y.Peers[0].Name = y.Peers[0].Name + "x");
        Differs(y => y.Peers[0].Description = y.Peers[0].Description + "x");
        // An endpoint host differing only in case is a different text, though an equal endpoint.
        var upper = x.Clone();
        upper.Peers[0].Endpoint = WgEndpoint.Parse("vpn.example.com:1");
        var lower = x.Clone();
        lower.Peers[0].Endpoint = WgEndpoint.Parse("VPN.example.com:1");
        Assert.NotEmpty(Structural.Differences(upper, lower));
    }

    /// <summary>Counts, across all threads, how often each interesting kind of value was generated.</summary>
    private sealed class Coverage
    {
        private int _total, _ipv4Endpoint, _ipv6Endpoint, _dnsEndpoint, _hashInHook, _equalsInHook, _quoteInHook, _named,
            _described, _ipv6Allowed, _ipv4Allowed, _noPrivateKey, _psk, _keepaliveOff, _fwmarkOff, _manyPeers, _noPeers, _search;

        public void Count(WgInterface c)
        {
            Interlocked.Increment(ref _total);
            var peers = c.Peers;
            var hooks = c.PreUp.Concat(c.PostUp).Concat(c.PreDown).Concat(c.PostDown).ToArray();
            void If(bool condition, ref int counter)
            {
                if (condition)
                    Interlocked.Increment(ref counter);
            }
            If(peers.Any(p => p.Endpoint?.Address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork), ref _ipv4Endpoint);
            If(peers.Any(p => p.Endpoint?.Address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6), ref _ipv6Endpoint);
            If(peers.Any(p => p.Endpoint is not null && p.Endpoint.Address is null), ref _dnsEndpoint);
            If(hooks.Any(h => h.Contains('#')), ref _hashInHook);
            If(hooks.Any(h => h.Contains('=')), ref _equalsInHook);
            If(hooks.Any(h => h.Contains('"') || h.Contains('\'')), ref _quoteInHook);
            If(peers.Any(p => p.Name is not null), ref _named);
            If(peers.Any(p => p.Description is not null), ref _described);
            If(peers.Any(p => p.AllowedIPs.Any(a => a.IsIPv6)) || c.Address.Any(a => a.IsIPv6), ref _ipv6Allowed);
            If(peers.Any(p => p.AllowedIPs.Any(a => !a.IsIPv6)) || c.Address.Any(a => !a.IsIPv6), ref _ipv4Allowed);
            If(c.PrivateKey is null, ref _noPrivateKey);
            If(peers.Any(p => p.PresharedKey is not null), ref _psk);
            If(peers.Any(p => p.PersistentKeepalive == 0), ref _keepaliveOff);
            If(c.FwMark == 0, ref _fwmarkOff);
            If(peers.Length >= 4, ref _manyPeers);
            If(peers.Length == 0, ref _noPeers);
            If(c.DnsSearch.Length > 0, ref _search);
        }

        public void AssertCovered()
        {
            Assert.True(_total >= 10_000, $"only {_total} interfaces were generated");
            var counts = new Dictionary<string, int>
            {
                ["IPv4 endpoint"] = _ipv4Endpoint, ["IPv6 endpoint"] = _ipv6Endpoint, ["DNS-name endpoint"] = _dnsEndpoint,
                ["'#' in a hook"] = _hashInHook, ["'=' in a hook"] = _equalsInHook, ["quote in a hook"] = _quoteInHook,
                ["peer name"] = _named, ["peer description"] = _described, ["IPv6 prefix"] = _ipv6Allowed, ["IPv4 prefix"] = _ipv4Allowed,
                ["no private key"] = _noPrivateKey, ["preshared key"] = _psk, ["keepalive off"] = _keepaliveOff, ["fwmark off"] = _fwmarkOff,
                ["4+ peers"] = _manyPeers, ["no peers"] = _noPeers, ["search domain"] = _search,
            };
            foreach (var (kind, count) in counts)
                Assert.True(count >= 100, $"the generator made only {count} interfaces with {kind}");
        }
    }
}

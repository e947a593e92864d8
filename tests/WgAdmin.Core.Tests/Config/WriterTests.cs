using System.Net;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Config;

/// <summary>The canonical file, its `wg-quick strip` form, the hidden form, and refusal of models that must not be written.</summary>
public class WriterTests
{
    private static readonly WgPrivateKey Alice = WgPrivateKey.Parse(Convert.ToBase64String(Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
    private static readonly WgPublicKey Bob = WgPublicKey.Parse(Convert.ToBase64String(Convert.FromHexString("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")));
    private static readonly WgPublicKey Carol = WgPublicKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly WgPresharedKey Psk = WgPresharedKey.Parse(Convert.ToBase64String(Enumerable.Range(100, 32).Select(i => (byte)i).ToArray()));

    private static WgInterface Sample() => new()
    {
        Name = "wg0",
        PrivateKey = Alice,
        ListenPort = 51820,
        FwMark = 0xca6c,
        Address = [WgPrefix.Parse("10.0.0.1/24"), WgPrefix.Parse("fd00::1/64")],
        Dns = [IPAddress.Parse("10.0.0.53"), IPAddress.Parse("fd00::53")],
        DnsSearch = ["corp.example"],
        Mtu = 1420,
        Table = "off",
        PreUp = ["echo pre"],
        PostUp = ["iptables -A FORWARD -i %i -j ACCEPT # kept", "echo two"],
        PreDown = ["echo pre-down"],
        PostDown = ["echo down"],
        SaveConfig = true,
        Peers =
        [
            new WgPeer(Bob)
            {
                Name = "Bob # the other end",
                Description = "key = value",
                PresharedKey = Psk,
                AllowedIPs = [WgPrefix.Parse("10.0.0.2/32"), WgPrefix.Parse("fd00::2/128")],
                Endpoint = WgEndpoint.Parse("[2001:db8::2]:51820"),
                PersistentKeepalive = 25,
            },
            new WgPeer(Carol)
            {
                AllowedIPs = [WgPrefix.Parse("10.0.1.0/24")],
                Endpoint = WgEndpoint.Parse("vpn.example.com:51821"),
                PersistentKeepalive = 0,
            },
        ],
    };

    [Fact]
    public void CanonicalFileHasAFixedOrderAndOnlyTheFieldsSet()
    {
        var expected = $"""
            [Interface]
            PrivateKey = {Alice.Reveal()}
            ListenPort = 51820
            FwMark = 0xca6c
            Address = 10.0.0.1/24, fd00::1/64
            DNS = 10.0.0.53, fd00::53, corp.example
            MTU = 1420
            Table = off
            PreUp = echo pre
            PostUp = iptables -A FORWARD -i %i -j ACCEPT # kept
            PostUp = echo two
            PreDown = echo pre-down
            PostDown = echo down
            SaveConfig = true

            [Peer]
            # Name = Bob # the other end
            # Description = key = value
            PublicKey = {Bob}
            PresharedKey = {Psk.Reveal()}
            AllowedIPs = 10.0.0.2/32, fd00::2/128
            Endpoint = [2001:db8::2]:51820
            PersistentKeepalive = 25

            [Peer]
            PublicKey = {Carol}
            AllowedIPs = 10.0.1.0/24
            Endpoint = vpn.example.com:51821
            PersistentKeepalive = off

            """;

        Assert.Equal(expected, WgConfigWriter.Write(Sample(), WgSecretMode.Include));
    }

    [Fact]
    public void StripFormIsWhatWgQuickStripPrints()
    {
        // wg-quick drops its own keys, keeps every other line (comments and blank lines too) and
        // ends with `echo "$WG_CONFIG"`: one newline more.
        var expected = $"""
            [Interface]
            PrivateKey = {Alice.Reveal()}
            ListenPort = 51820
            FwMark = 0xca6c

            [Peer]
            # Name = Bob # the other end
            # Description = key = value
            PublicKey = {Bob}
            PresharedKey = {Psk.Reveal()}
            AllowedIPs = 10.0.0.2/32, fd00::2/128
            Endpoint = [2001:db8::2]:51820
            PersistentKeepalive = 25

            [Peer]
            PublicKey = {Carol}
            AllowedIPs = 10.0.1.0/24
            Endpoint = vpn.example.com:51821
            PersistentKeepalive = off


            """;

        Assert.Equal(expected, WgConfigWriter.Write(Sample(), WgSecretMode.Include, strip: true));
    }

    [Fact]
    public void EmptyInterfaceIsJustItsHeader()
    {
        Assert.Equal("[Interface]\n", WgConfigWriter.Write(new WgInterface(), WgSecretMode.Include));
        Assert.Equal("[Interface]\n\n", WgConfigWriter.Write(new WgInterface(), WgSecretMode.Include, strip: true));
    }

    [Fact]
    public void HiddenFormShowsNoSecret()
    {
        var text = WgConfigWriter.Write(Sample(), WgSecretMode.Hide);

        Assert.Contains($"PrivateKey = {WgConfigWriter.HiddenKey}\n", text, StringComparison.Ordinal);
        Assert.Contains($"PresharedKey = {WgConfigWriter.HiddenKey}\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Alice.Reveal(), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Psk.Reveal(), text, StringComparison.Ordinal);
        Assert.Contains(Bob.ToString(), text, StringComparison.Ordinal);
    }

    [Fact]
    public void OffValuesAreWrittenAsOff()
    {
        var config = new WgInterface { FwMark = 0, Peers = [new WgPeer(Bob) { PersistentKeepalive = 0 }] };

        var text = WgConfigWriter.Write(config, WgSecretMode.Include);

        Assert.Contains("FwMark = off\n", text, StringComparison.Ordinal);
        Assert.Contains("PersistentKeepalive = off\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyPeerNameIsNotWritten()
    {
        var text = WgConfigWriter.Write(new WgInterface { Peers = [new WgPeer(Bob) { Name = "", Description = "" }] }, WgSecretMode.Include);

        Assert.DoesNotContain("#", text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> InvalidModels() => new()
    {
        { "peer name with a newline smuggling a PostUp", WgErrorId.ControlCharacter },
        { "peer description with a carriage return", WgErrorId.ControlCharacter },
        { "peer name with a line separator", WgErrorId.ControlCharacter },
        { "hook with a newline", WgErrorId.ControlCharacter },
        { "table with a newline", WgErrorId.ControlCharacter },
        { "search domain with a newline", WgErrorId.ControlCharacter },
        { "interface name with a space", WgErrorId.InvalidInterfaceName },
        { "interface name of 16 characters", WgErrorId.InvalidInterfaceName },
        { "listen port 0", WgErrorId.InvalidPort },
        { "listen port 70000", WgErrorId.InvalidPort },
        { "MTU 20", WgErrorId.InvalidMtu },
        { "keepalive 70000", WgErrorId.InvalidKeepalive },
        { "keepalive -1", WgErrorId.InvalidKeepalive },
        { "table with a space", WgErrorId.InvalidTable },
        { "search domain of digits", WgErrorId.InvalidDns },
        { "prefix on two peers", WgErrorId.DuplicateAllowedIP },
        { "prefix on two peers with other host bits", WgErrorId.DuplicateAllowedIP },
        { "peer twice", WgErrorId.DuplicatePeer },
        { "peer with the interface's own key", WgErrorId.PeerIsSelf },
        { "peer with the public-only interface key", WgErrorId.PeerIsSelf },
    };

    private static void Break(WgInterface c, string how)
    {
        switch (how)
        {
            case "peer name with a newline smuggling a PostUp": c.Peers[0].Name = "x\nPostUp = rm -rf /"; break;
            case "peer description with a carriage return": c.Peers[0].Description = "a\rb"; break;
            case "peer name with a line separator": c.Peers[0].Name = "a\u2028PostUp = x"; break;
            case "hook with a newline": c.PostUp = ["echo\nPostDown = x"]; break;
            case "table with a newline": c.Table = "off\nPostUp = x"; break;
            case "search domain with a newline": c.DnsSearch = ["corp\nPostUp = x"]; break;
            case "interface name with a space": c.Name = "wg 0"; break;
            case "interface name of 16 characters": c.Name = "abcdefghijklmnop"; break;
            case "listen port 0": c.ListenPort = 0; break;
            case "listen port 70000": c.ListenPort = 70000; break;
            case "MTU 20": c.Mtu = 20; break;
            case "keepalive 70000": c.Peers[0].PersistentKeepalive = 70000; break;
            case "keepalive -1": c.Peers[0].PersistentKeepalive = -1; break;
            case "table with a space": c.Table = "main table"; break;
            case "search domain of digits": c.DnsSearch = ["123"]; break;
            case "prefix on two peers": c.Peers[1].AllowedIPs = [WgPrefix.Parse("10.0.0.2/32")]; break;
            case "prefix on two peers with other host bits":
                c.Peers[0].AllowedIPs = [WgPrefix.Parse("10.9.0.1/16")];
                c.Peers[1].AllowedIPs = [WgPrefix.Parse("10.9.255.255/16")];
                break;
            case "peer twice": c.Peers[1] = new WgPeer(Bob); break;
            case "peer with the interface's own key": c.Peers[1] = new WgPeer(Alice.PublicKey); break;
            case "peer with the public-only interface key":
                c.PrivateKey = null;
                c.PublicKey = Carol;
                break;
            default: throw new ArgumentException(how);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidModels))]
    public void InvalidModelsAreNeverWritten(string how, string errorId)
    {
        var config = Sample();
        Break(config, how);

        foreach (var (mode, strip) in new[] { (WgSecretMode.Include, false), (WgSecretMode.Include, true), (WgSecretMode.Hide, false) })
        {
            var ex = Assert.Throws<WgException>(() => WgConfigWriter.Write(config, mode, strip));
            Assert.Equal([errorId], ex.Errors.Select(e => e.ErrorId));
            Assert.DoesNotContain('\n', ex.Message);
        }
        Assert.Equal([errorId], WgConfigValidator.Validate(config).Select(e => e.ErrorId));
        Assert.Equal(errorId, Assert.Throws<WgException>(() => WgConfigValidator.ThrowIfInvalid(config)).ErrorId);
    }

    [Fact]
    public void ValidatorReportsEveryProblem()
    {
        var config = Sample();
        config.ListenPort = 0;
        config.Peers[0].Name = "a\nb";
        config.Peers[1].AllowedIPs = [WgPrefix.Parse("10.0.0.2/32")];

        Assert.Equal([WgErrorId.InvalidPort, WgErrorId.ControlCharacter, WgErrorId.DuplicateAllowedIP],
            WgConfigValidator.Validate(config).Select(e => e.ErrorId));
    }

    [Fact]
    public void SampleIsValidAndRoundTrips()
    {
        var config = Sample();

        Assert.Empty(WgConfigValidator.Validate(config));
        Support.Structural.AssertEqual(config, WgConfigParser.Parse(WgConfigWriter.Write(config, WgSecretMode.Include), "wg0"));
    }

    [Fact]
    public void CloneIsDeep()
    {
        var original = Sample();
        var copy = original.Clone();

        copy.Address[0] = WgPrefix.Parse("192.0.2.1/32");
        copy.PostUp[0] = "changed";
        copy.Peers[0].AllowedIPs[0] = WgPrefix.Parse("192.0.2.2/32");
        copy.Peers[0].Name = "changed";

        Support.Structural.AssertEqual(Sample(), original);
    }

    [Fact]
    public void NullArraysBecomeEmpty()
    {
        var config = new WgInterface { Address = null!, Dns = null!, DnsSearch = null!, PostUp = null!, Peers = null! };

        Assert.Empty(config.Address);
        Assert.Empty(config.Peers);
        Assert.Equal("[Interface]\n", WgConfigWriter.Write(config, WgSecretMode.Include));
    }

    [Fact]
    public void ANullPeerIsRefusedWithItsIdNotANullReference()
    {
        var config = Sample();
        config.Peers = [config.Peers[0], null!];

        var ex = Assert.Throws<WgException>(() => WgConfigWriter.Write(config, WgSecretMode.Include));

        Assert.Equal(WgErrorId.NullPeer, ex.ErrorId);
        Assert.Contains("Peers[1]", ex.Message, StringComparison.Ordinal);
        Assert.Null(config.Clone().Peers[1]); // a copy keeps the gap for the validator to see
    }
}

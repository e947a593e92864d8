using System.Net;
using System.Text;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Config;

/// <summary>
/// WgConfigParser against the rules of wg (src/config.c) and wg-quick (linux.bash): one test per
/// rule, errors asserted by ID and exact line.
/// </summary>
public class ParserTests
{
    private static readonly WgPrivateKey Own = WgPrivateKey.Generate();
    private static readonly string Priv = Own.Reveal();
    private static readonly string Priv2 = WgPrivateKey.Generate().Reveal();
    private static readonly string Pub1 = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Pub2 = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Psk1 = WgPresharedKey.Generate().Reveal();
    private static readonly string Psk2 = WgPresharedKey.Generate().Reveal();

    private static WgInterface Parse(string text) => WgConfigParser.Parse(text);

    private static (string Id, int? Line)[] Errors(string text) =>
        Assert.Throws<WgException>(() => WgConfigParser.Parse(text)).Errors.Select(e => (e.ErrorId, e.Line)).ToArray();

    private static WgException Failure(string text) => Assert.Throws<WgException>(() => WgConfigParser.Parse(text));

    // ---- sections and keys ----

    [Fact]
    public void SectionNamesAndKeysAreCaseInsensitive()
    {
        var config = Parse($"""
            [INTERFACE]
            privatekey = {Priv}
            LISTENPORT = 51820
            fwMARK = 0x10
            address = 10.0.0.1/24
            dNs = 10.0.0.53
            mtu = 1380
            table = off
            postup = echo up
            SAVECONFIG = true
            [peer]
            PUBLICKEY = {Pub1}
            presharedkey = {Psk1}
            allowedips = 10.0.0.2/32
            endpoint = 192.0.2.1:51820
            PersistentKEEPALIVE = 25
            """);

        Assert.Equal(Own, config.PrivateKey);
        Assert.Equal(51820, config.ListenPort);
        Assert.Equal(16u, config.FwMark);
        Assert.Equal([WgPrefix.Parse("10.0.0.1/24")], config.Address);
        Assert.Equal([IPAddress.Parse("10.0.0.53")], config.Dns);
        Assert.Equal(1380, config.Mtu);
        Assert.Equal("off", config.Table);
        Assert.Equal(["echo up"], config.PostUp);
        Assert.True(config.SaveConfig);
        var peer = Assert.Single(config.Peers);
        Assert.Equal(Pub1, peer.PublicKey.ToString());
        Assert.Equal(Psk1, peer.PresharedKey!.Reveal());
        Assert.Equal([WgPrefix.Parse("10.0.0.2/32")], peer.AllowedIPs);
        Assert.Equal(WgEndpoint.Parse("192.0.2.1:51820"), peer.Endpoint);
        Assert.Equal(25, peer.PersistentKeepalive);
    }

    [Fact]
    public void UnknownKeyIsAnError()
    {
        Assert.Equal([(WgErrorId.UnknownKey, 3)], Errors($"[Interface]\nPrivateKey = {Priv}\nFoo = bar\n"));
        Assert.Equal([(WgErrorId.UnknownKey, 3)], Errors($"[Peer]\nPublicKey = {Pub1}\nFoo = bar\n"));
        Assert.Contains("'Foo'", Failure($"[Interface]\nFoo = bar\n").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysBelongToTheirSection()
    {
        // wg's keys are section-specific: a peer key in [Interface] is "Line unrecognized".
        Assert.Equal([(WgErrorId.UnknownKey, 2)], Errors($"[Interface]\nPublicKey = {Pub1}\n"));
        Assert.Equal([(WgErrorId.UnknownKey, 3)], Errors($"[Peer]\nPublicKey = {Pub1}\nListenPort = 5\n"));
        // wg-quick reads its keys only in [Interface]; in [Peer] they reach wg, which refuses them.
        var ex = Failure($"[Peer]\nPublicKey = {Pub1}\nAddress = 10.0.0.1/32\n");
        Assert.Equal([(WgErrorId.UnknownKey, 3)], ex.Errors.Select(e => (e.ErrorId, e.Line)));
        Assert.Contains("belongs in [Interface]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ListenPort = 51820")]
    [InlineData("Address = 10.0.0.1/24")]
    [InlineData("PostUp = echo before any section")]
    public void KeyOutsideASectionIsAnError(string line)
    {
        Assert.Equal([(WgErrorId.KeyOutsideSection, 2)], Errors($"# header\n{line}\n[Interface]\nPrivateKey = {Priv}\n"));
    }

    [Fact]
    public void UnknownSectionIsOneErrorAndItsLinesAreNotReportedAgain()
    {
        var text = $"""
            [Interface]
            PrivateKey = {Priv}
            [Peers]
            PublicKey = {Pub1}
            AllowedIPs = 10.0.0.0/24
            no equals sign
            [Peer]
            PublicKey = {Pub2}
            Endpoint = 192.0.2.1:0
            """;

        Assert.Equal([(WgErrorId.UnknownSection, 3), (WgErrorId.InvalidPort, 9)], Errors(text));
    }

    [Fact]
    public void PeerWithoutPublicKeyIsAnErrorAtItsHeader()
    {
        Assert.Equal([(WgErrorId.MissingPublicKey, 3)], Errors($"[Interface]\nPrivateKey = {Priv}\n[Peer]\nAllowedIPs = 10.0.0.0/24\n"));
        Assert.Equal([(WgErrorId.MissingPublicKey, 1)], Errors("[Peer]\n"));
    }

    [Fact]
    public void BadPublicKeyIsReportedOnceNotAlsoAsMissing()
    {
        Assert.Equal([(WgErrorId.InvalidKey, 2)], Errors("[Peer]\nPublicKey = nope\nAllowedIPs = 10.0.0.0/24\n"));
        Assert.Equal([(WgErrorId.EmptyValue, 2)], Errors("[Peer]\nPublicKey =\n"));
    }

    [Theory]
    [InlineData("[Interface]", "PrivateKey")]
    [InlineData("[Interface]", "ListenPort")]
    [InlineData("[Interface]", "FwMark")]
    [InlineData("[Peer]", "PresharedKey")]
    [InlineData("[Peer]", "Endpoint")]
    [InlineData("[Peer]", "AllowedIPs")]
    [InlineData("[Peer]", "PersistentKeepalive")]
    public void WgKeysNeedAValue(string section, string key)
    {
        var peerKey = section == "[Peer]" ? $"PublicKey = {Pub1}\n" : "";

        Assert.Equal([(WgErrorId.EmptyValue, 2)], Errors($"{section}\n{key} =\n{peerKey}"));
    }

    [Fact]
    public void LineWithoutEqualsIsAnError()
    {
        Assert.Equal([(WgErrorId.MissingEquals, 2)], Errors("[Interface]\nListenPort 51820\n"));
    }

    [Fact]
    public void EmptyFileIsAnEmptyInterface()
    {
        var config = Parse("");

        Assert.Null(config.PrivateKey);
        Assert.Empty(config.Peers);
    }

    [Fact]
    public void SecondInterfaceSectionContinuesTheFirst()
    {
        var config = Parse($"[Interface]\nPrivateKey = {Priv}\n[Peer]\nPublicKey = {Pub1}\n[Interface]\nListenPort = 7\nAddress = 10.0.0.1/24\n");

        Assert.Equal(Own, config.PrivateKey);
        Assert.Equal(7, config.ListenPort);
        Assert.Single(config.Address);
        Assert.Single(config.Peers);
    }

    // ---- whitespace ----

    [Fact]
    public void WgDeletesEveryWhitespaceCharacterInItsLines()
    {
        var config = Parse($"""
            [Interface]
               Private Key =  {Priv[..20]} {Priv[20..]}
            Listen	Port = 5 1 8 2 0
            F w M a r k = 0x 1 0
            [ P e e r ]
            Public Key = {Pub1}
            Allowed IPs = 10.0.0.0 / 8 , fd00:: / 8
            Endpoint = 192.0.2.1 : 51820
            Persistent Keepalive = 2 5
            """);

        Assert.Equal(Own, config.PrivateKey);
        Assert.Equal(51820, config.ListenPort);
        Assert.Equal(16u, config.FwMark);
        var peer = Assert.Single(config.Peers);
        Assert.Equal([WgPrefix.Parse("10.0.0.0/8"), WgPrefix.Parse("fd00::/8")], peer.AllowedIPs);
        Assert.Equal(WgEndpoint.Parse("192.0.2.1:51820"), peer.Endpoint);
        Assert.Equal(25, peer.PersistentKeepalive);
    }

    [Fact]
    public void WgQuickTrimsOnlyTheEndsOfItsOwnKeysAndValues()
    {
        var config = Parse("[Interface]\n\t  PostUp  =  echo  two  spaces \t\nMTU =\t1400\t\nAddress =  10.0.0.1/24 ,  fd00::1/64  \n");

        Assert.Equal(["echo  two  spaces"], config.PostUp);
        Assert.Equal(1400, config.Mtu);
        Assert.Equal(2, config.Address.Length);
    }

    [Theory]
    [InlineData("Post Up = echo hi")]
    [InlineData("Save Config = true")]
    [InlineData("M T U = 1400")]
    public void WgQuickKeyWithInnerSpaceReachesWgWhichRefusesIt(string line)
    {
        var ex = Failure($"[Interface]\n{line}\n");

        Assert.Equal([(WgErrorId.UnknownKey, 2)], ex.Errors.Select(e => (e.ErrorId, e.Line)));
        Assert.Contains("no inner spaces", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpacedInterfaceHeaderIsInterfaceToWgButNotToWgQuick()
    {
        // wg deletes the spaces and sees [Interface]: its own keys work.
        var config = Parse($"[ Interface ]\nPrivateKey = {Priv}\nListenPort = 5\n");
        Assert.Equal(5, config.ListenPort);

        // wg-quick compares the trimmed line, so its Address goes to wg, which does not know it.
        var ex = Failure($"[ Interface ]\nPrivateKey = {Priv}\nAddress = 10.0.0.1/24\n");
        Assert.Equal([(WgErrorId.UnknownKey, 3)], ex.Errors.Select(e => (e.ErrorId, e.Line)));
        Assert.Contains("[Interface] with no inner spaces", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SpacedPeerHeaderIsAPeer()
    {
        Assert.Single(Parse($"[ Peer ]\nPublicKey = {Pub1}\n").Peers);
    }

    // ---- repeated keys ----

    [Fact]
    public void AddressDnsAllowedIPsAndHooksAccumulate()
    {
        var config = Parse($"""
            [Interface]
            Address = 10.0.0.1/24
            Address = fd00::1/64, 10.1.0.1/16
            DNS = 10.0.0.53
            DNS = fd00::53, corp.example
            DNS = lan
            PreUp = a
            PreUp = b
            PostUp = c
            PostUp = d
            PreDown = e
            PreDown = f
            PostDown = g
            PostDown = h
            [Peer]
            PublicKey = {Pub1}
            AllowedIPs = 10.2.0.0/24
            AllowedIPs = 10.3.0.0/24, fd02::/64
            """);

        Assert.Equal(["10.0.0.1/24", "fd00::1/64", "10.1.0.1/16"], config.Address.Select(p => p.ToString()));
        Assert.Equal(["10.0.0.53", "fd00::53"], config.Dns.Select(a => a.ToString()));
        Assert.Equal(["corp.example", "lan"], config.DnsSearch);
        Assert.Equal(["a", "b"], config.PreUp);
        Assert.Equal(["c", "d"], config.PostUp);
        Assert.Equal(["e", "f"], config.PreDown);
        Assert.Equal(["g", "h"], config.PostDown);
        Assert.Equal(["10.2.0.0/24", "10.3.0.0/24", "fd02::/64"], config.Peers[0].AllowedIPs.Select(p => p.ToString()));
    }

    [Fact]
    public void OtherRepeatedKeysTakeTheLastValue()
    {
        var config = Parse($"""
            [Interface]
            PrivateKey = {Priv2}
            PrivateKey = {Priv}
            ListenPort = 1
            ListenPort = 2
            FwMark = 0x1
            FwMark = 0x2
            MTU = 1500
            MTU = 1420
            Table = off
            Table = 1234
            SaveConfig = true
            SaveConfig = false
            [Peer]
            PublicKey = {Pub2}
            PublicKey = {Pub1}
            PresharedKey = {Psk2}
            PresharedKey = {Psk1}
            Endpoint = 192.0.2.1:1
            Endpoint = 192.0.2.2:2
            PersistentKeepalive = 10
            PersistentKeepalive = 25
            """);

        Assert.Equal(Own, config.PrivateKey);
        Assert.Equal(2, config.ListenPort);
        Assert.Equal(2u, config.FwMark);
        Assert.Equal(1420, config.Mtu);
        Assert.Equal("1234", config.Table);
        Assert.False(config.SaveConfig);
        var peer = Assert.Single(config.Peers);
        Assert.Equal(Pub1, peer.PublicKey.ToString());
        Assert.Equal(Psk1, peer.PresharedKey!.Reveal());
        Assert.Equal("192.0.2.2:2", peer.Endpoint!.ToString());
        Assert.Equal(25, peer.PersistentKeepalive);
    }

    [Fact]
    public void AllowedIPsStartAfreshInEachPeer()
    {
        var config = Parse($"[Peer]\nPublicKey = {Pub1}\nAllowedIPs = 10.1.0.0/16\n[Peer]\nPublicKey = {Pub2}\nAllowedIPs = 10.2.0.0/16\n");

        Assert.Equal(["10.1.0.0/16"], config.Peers[0].AllowedIPs.Select(p => p.ToString()));
        Assert.Equal(["10.2.0.0/16"], config.Peers[1].AllowedIPs.Select(p => p.ToString()));
    }

    // ---- comments and hooks ----

    [Fact]
    public void HashStartsACommentAnywhereOutsideHooks()
    {
        var config = Parse($"""
            # leading
            [Interface] # after a header
            PrivateKey = {Priv} # after a key
            ListenPort = 5#no space
            Address = 10.0.0.1/24 # , 10.9.9.9/32
            Table = off # a comment, not part of the table
               # indented
            #
            [Peer]
            PublicKey = {Pub1}
            #AllowedIPs = 10.0.0.0/8
            """);

        Assert.Equal(5, config.ListenPort);
        Assert.Single(config.Address);
        Assert.Equal("off", config.Table);
        Assert.Empty(config.Peers[0].AllowedIPs);
    }

    [Theory]
    [InlineData("PostUp = echo a # b", "echo a # b")]
    [InlineData("PostUp=#starts with a hash", "#starts with a hash")]
    [InlineData("PostUp = a=b; c==d", "a=b; c==d")]
    [InlineData("PostUp = iptables -A FORWARD -i %i -j ACCEPT", "iptables -A FORWARD -i %i -j ACCEPT")]
    [InlineData("PostUp = echo \"#\" '#' # x = y", "echo \"#\" '#' # x = y")]
    [InlineData("PostUp = printf 'a\tb'", "printf 'a\tb'")]
    [InlineData("PostUp = bash -c 'echo [Peer]'", "bash -c 'echo [Peer]'")]
    public void HooksKeepTheirWholeValue(string line, string hook)
    {
        // wireguard-tools >= 1.0.20250521 keeps a hook whole; older wg-quick cut it at the first '#'.
        Assert.Equal([hook], Parse($"[Interface]\n{line}\n").PostUp);
    }

    [Fact]
    public void EmptyHooksAndWgQuickValuesAreNothing()
    {
        var config = Parse("[Interface]\nPostUp =\nPreDown =   \nMTU =\nTable =\nAddress =\nDNS =\n");

        Assert.Empty(config.PostUp);
        Assert.Empty(config.PreDown);
        Assert.Null(config.Mtu);
        Assert.Null(config.Table);
        Assert.Empty(config.Address);
        Assert.Empty(config.Dns);
    }

    [Fact]
    public void HookWithAControlCharacterIsRefused()
    {
        Assert.Equal([(WgErrorId.ControlCharacter, 2)], Errors("[Interface]\nPostUp = echo \u0007\n"));
    }

    // ---- peer names ----

    [Fact]
    public void PeerNameAndDescriptionAreCommentsInThePeerSection()
    {
        var config = Parse($"""
            [Interface]
            # Name = not a peer: ignored
            [Peer]
            # Name = branch office #2 = Köln
            # Description = "quoted" and 'single'
            PublicKey = {Pub1}
            [Peer]
            #NAME=tight
            PublicKey = {Pub2}
            # description = after the key
            # Some other comment = ignored
            """);

        Assert.Equal("branch office #2 = Köln", config.Peers[0].Name);
        Assert.Equal("\"quoted\" and 'single'", config.Peers[0].Description);
        Assert.Equal("tight", config.Peers[1].Name);
        Assert.Equal("after the key", config.Peers[1].Description);
    }

    [Fact]
    public void PeerNameMayLookLikeAHookWithoutBecomingOne()
    {
        var config = Parse($"[Peer]\n# Name = x PostUp = rm -rf /\nPublicKey = {Pub1}\n");

        Assert.Equal("x PostUp = rm -rf /", config.Peers[0].Name);
        Assert.Empty(config.PostUp);
    }

    [Fact]
    public void PeerNameWithAControlCharacterIsRefused()
    {
        Assert.Equal([(WgErrorId.ControlCharacter, 2)], Errors($"[Peer]\n# Name = a\u000bb\nPublicKey = {Pub1}\n"));
        Assert.Equal([(WgErrorId.ControlCharacter, 3)], Errors($"[Peer]\nPublicKey = {Pub1}\n# Description = a\tb\n"));
    }

    // ---- values through the parser ----

    [Fact]
    public void DnsIsSplitIntoServersAndSearchDomains()
    {
        var config = Parse("[Interface]\nDNS = 1.1.1.1, 2606:4700:4700::1111 corp.example,lan\nDNS = 9.9.9.9\n");

        Assert.Equal(["1.1.1.1", "2606:4700:4700::1111", "9.9.9.9"], config.Dns.Select(a => a.ToString()));
        Assert.Equal(["corp.example", "lan"], config.DnsSearch);
    }

    [Fact]
    public void BareAddressesAreHosts()
    {
        var config = Parse($"[Interface]\nAddress = 10.0.0.1, fd00::1\n[Peer]\nPublicKey = {Pub1}\nAllowedIPs = 10.0.0.2, fd00::2\n");

        Assert.Equal(["10.0.0.1/32", "fd00::1/128"], config.Address.Select(p => p.ToString()));
        Assert.Equal(["10.0.0.2/32", "fd00::2/128"], config.Peers[0].AllowedIPs.Select(p => p.ToString()));
    }

    [Fact]
    public void OffTurnsFwMarkAndKeepaliveOff()
    {
        var config = Parse($"[Interface]\nFwMark = Off\n[Peer]\nPublicKey = {Pub1}\nPersistentKeepalive = OFF\n");

        Assert.Equal(0u, config.FwMark);
        Assert.Equal(0, config.Peers[0].PersistentKeepalive);
    }

    [Theory]
    [InlineData("ListenPort = 70000", WgErrorId.InvalidPort)]
    [InlineData("ListenPort = 0", WgErrorId.InvalidPort)]
    [InlineData("ListenPort = domain", WgErrorId.InvalidPort)]
    [InlineData("FwMark = 0X10", WgErrorId.InvalidFwMark)]
    [InlineData("FwMark = 4294967296", WgErrorId.InvalidFwMark)]
    [InlineData("MTU = 67", WgErrorId.InvalidMtu)]
    [InlineData("MTU = big", WgErrorId.InvalidMtu)]
    [InlineData("Table = main table", WgErrorId.InvalidTable)]
    [InlineData("SaveConfig = yes", WgErrorId.InvalidBoolean)]
    [InlineData("SaveConfig = TRUE!", WgErrorId.InvalidBoolean)]
    [InlineData("DNS = 1.2.3", WgErrorId.InvalidDns)]
    [InlineData("DNS = bad!domain", WgErrorId.InvalidDns)]
    [InlineData("Address = 10.1/16", WgErrorId.InvalidPrefix)]
    [InlineData("Address = 10.0.0.1/33", WgErrorId.InvalidPrefix)]
    [InlineData("PrivateKey = tooshort", WgErrorId.InvalidKey)]
    public void BadInterfaceValuesAreReportedAtTheirLine(string line, string errorId)
    {
        Assert.Equal([(errorId, 3)], Errors($"[Interface]\n# a comment\n{line}\n"));
    }

    [Theory]
    [InlineData("Endpoint = 192.0.2.1:0", WgErrorId.InvalidPort)]
    [InlineData("Endpoint = 192.0.2.1:65536", WgErrorId.InvalidPort)]
    [InlineData("Endpoint = 192.0.2.1", WgErrorId.InvalidEndpoint)]
    [InlineData("Endpoint = 192.0.2.1:domain", WgErrorId.InvalidPort)]
    [InlineData("Endpoint = bad_host!:5", WgErrorId.InvalidEndpoint)]
    [InlineData("AllowedIPs = 10.1/16", WgErrorId.InvalidPrefix)]
    [InlineData("AllowedIPs = 10.0.0.0/8,", WgErrorId.InvalidPrefix)]
    [InlineData("AllowedIPs = fe80::1%lo/64", WgErrorId.InvalidPrefix)]
    [InlineData("PersistentKeepalive = 65536", WgErrorId.InvalidKeepalive)]
    [InlineData("PresharedKey = tooshort", WgErrorId.InvalidKey)]
    public void BadPeerValuesAreReportedAtTheirLine(string line, string errorId)
    {
        Assert.Equal([(errorId, 3)], Errors($"[Peer]\nPublicKey = {Pub1}\n{line}\n"));
    }

    [Fact]
    public void UnbracketedIPv6EndpointIsRefusedAsAmbiguous()
    {
        // wg splits at the last colon; 2001:db8::8:51820 is also a whole address, so the port is a guess.
        Assert.Equal([(WgErrorId.InvalidEndpoint, 3)], Errors($"[Peer]\nPublicKey = {Pub1}\nEndpoint = 2001:db8::8:51820\n"));
        Assert.Equal("[2001:db8::8]:51820", Parse($"[Peer]\nPublicKey = {Pub1}\nEndpoint = [2001:db8::8]:51820\n").Peers[0].Endpoint!.ToString());
    }

    // ---- validation with lines ----

    [Fact]
    public void DuplicatePeerIsReportedAtTheSecondPeer()
    {
        var ex = Failure($"[Peer]\nPublicKey = {Pub1}\n\n[Peer]\nPublicKey = {Pub1}\n");

        Assert.Equal([(WgErrorId.DuplicatePeer, 4)], ex.Errors.Select(e => (e.ErrorId, e.Line)));
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrefixOnTwoPeersIsReportedAtTheSecondPeer()
    {
        // 10.0.0.1/24 and 10.0.0.0/24 are one network: wg would move it silently to the last peer.
        var ex = Failure($"[Peer]\nPublicKey = {Pub1}\nAllowedIPs = 10.0.0.1/24\n[Peer]\nPublicKey = {Pub2}\nAllowedIPs = 10.9.0.0/16, 10.0.0.0/24\n");

        Assert.Equal([(WgErrorId.DuplicateAllowedIP, 4)], ex.Errors.Select(e => (e.ErrorId, e.Line)));
        Assert.Contains("'10.0.0.0/24'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSamePrefixTwiceInOnePeerIsHarmless()
    {
        Assert.Equal(2, Parse($"[Peer]\nPublicKey = {Pub1}\nAllowedIPs = 10.0.0.0/24, 10.0.0.0/24\n").Peers[0].AllowedIPs.Length);
    }

    [Fact]
    public void PeerWithTheInterfacesOwnKeyIsReported()
    {
        var own = Own.PublicKey.ToString();

        Assert.Equal([(WgErrorId.PeerIsSelf, 3)], Errors($"[Interface]\nPrivateKey = {Priv}\n[Peer]\nPublicKey = {own}\n"));
    }

    [Fact]
    public void InterfaceNameIsCheckedWhenGiven()
    {
        Assert.Equal("wg0", WgConfigParser.Parse($"[Interface]\nPrivateKey = {Priv}\n", "wg0").Name);
        Assert.Equal(WgErrorId.InvalidInterfaceName, Assert.Throws<WgException>(() => WgConfigParser.Parse("[Interface]\n", "bad name")).ErrorId);
        Assert.Null(Parse("[Interface]\n").Name);
    }

    // ---- collecting errors ----

    [Fact]
    public void AllErrorsAreCollectedInLineOrder()
    {
        // The missing PublicKey is only known when its section ends, after the error inside it.
        var text = $"""
            [Interface]
            PrivateKey = {Priv}
            [Peer]
            Endpoint = 192.0.2.1:0
            [Peer]
            PublicKey = {Pub1}
            AllowedIPs = 10.1/16
            """;

        var ex = Failure(text);

        Assert.Equal([(WgErrorId.MissingPublicKey, 3), (WgErrorId.InvalidPort, 4), (WgErrorId.InvalidPrefix, 7)],
            ex.Errors.Select(e => (e.ErrorId, e.Line)));
        Assert.StartsWith("line 3: ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("(and 2 more problems)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(WgErrorId.MissingPublicKey, ex.ErrorId);
    }

    [Fact]
    public void ErrorsInOneLineListAreAllReported()
    {
        Assert.Equal([(WgErrorId.InvalidPrefix, 2), (WgErrorId.InvalidPrefix, 2)], Errors("[Interface]\nAddress = 10.1/16, 10.0.0.1/24, 10.2/16\n"));
    }

    [Fact]
    public void ValidationWaitsForAFileThatParses()
    {
        // A duplicate peer in a file that also has a syntax error: the syntax error alone is reported.
        Assert.Equal([(WgErrorId.UnknownKey, 5)], Errors($"[Peer]\nPublicKey = {Pub1}\n[Peer]\nPublicKey = {Pub1}\nFoo = 1\n"));
    }

    // ---- line endings and encodings ----

    [Fact]
    public void CrlfFilesParseLikeLfFiles()
    {
        var lf = $"[Interface]\nPrivateKey = {Priv}\nListenPort = 5\nAddress = 10.0.0.1/24\nPostUp = echo %i # x\n[Peer]\n# Name = crlf\nPublicKey = {Pub1}\nAllowedIPs = 10.0.0.2/32\n";

        var fromLf = Parse(lf);
        var fromCrlf = Parse(lf.Replace("\n", "\r\n"));

        Support.Structural.AssertEqual(fromLf, fromCrlf);
        Assert.Equal(["echo %i # x"], fromCrlf.PostUp);
        Assert.Equal("crlf", fromCrlf.Peers[0].Name);
    }

    [Fact]
    public void CrlfErrorLinesCountLikeLf()
    {
        Assert.Equal([(WgErrorId.UnknownKey, 3)], Errors("[Interface]\r\n\r\nFoo = 1\r\n"));
    }

    [Fact]
    public void LastLineWithoutNewlineIsRead()
    {
        Assert.Equal(7, Parse("[Interface]\nListenPort = 7").ListenPort);
    }

    [Fact]
    public void ByteOrderMarkIsRefusedInText()
    {
        Assert.Equal([(WgErrorId.ByteOrderMark, 1)], Errors($"\uFEFF[Interface]\nPrivateKey = {Priv}\n"));
    }

    [Fact]
    public void ByteOrderMarkIsRefusedInBytes()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes($"[Interface]\nPrivateKey = {Priv}\n")).ToArray();

        var ex = Assert.Throws<WgException>(() => WgConfigParser.Parse(bytes));

        Assert.Equal([(WgErrorId.ByteOrderMark, (int?)1)], ex.Errors.Select(e => (e.ErrorId, e.Line)));
    }

    [Fact]
    public void BytesWithoutBomParseAsUtf8()
    {
        var config = WgConfigParser.Parse(Encoding.UTF8.GetBytes($"[Peer]\n# Name = Köln\nPublicKey = {Pub1}\n"));

        Assert.Equal("Köln", config.Peers[0].Name);
    }

    [Fact]
    public void InvalidUtf8IsRefused()
    {
        var ex = Assert.Throws<WgException>(() => WgConfigParser.Parse(new byte[] { (byte)'[', 0xC3, 0x28, (byte)']' }));

        Assert.Equal(WgErrorId.ControlCharacter, ex.ErrorId);
    }

    [Fact]
    public void APeerWithALowOrderPublicKeyIsRefusedAtItsLine()
    {
        // wg takes it; the peer could never complete a handshake.
        Assert.Equal([(WgErrorId.LowOrderPublicKey, 3)], Errors("[Interface]\n[Peer]\nPublicKey = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nAllowedIPs = 10.0.0.2/32\n"));
    }

    [Fact]
    public void APeerNameWithABidiOverrideIsRefusedAtItsLine()
    {
        Assert.Equal([(WgErrorId.InvisibleCharacter, 3)], Errors($"[Interface]\n[Peer]\n# Name = gw\u202Ea\nPublicKey = {Pub1}\n"));
    }
}

using System.Net;
using WgAdmin.Config;
using Xunit;

namespace WgAdmin.Core.Tests.Config;

/// <summary>
/// The single-value parsers: where wg takes a value WgAdmin refuses (ListenPort 70000 wraps to
/// 4464 in getaddrinfo, service names), the refusal is deliberate and tested as such.
/// </summary>
public class ValueParsingTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("51820", 51820)]
    [InlineData("65535", 65535)]
    public void ListenPortIsOneTo65535(string text, int port)
    {
        Assert.True(WgValues.TryParsePort(text, out var parsed, out var error));
        Assert.Equal(port, parsed);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("0")]          // wg: a random port; WgAdmin says "omit ListenPort" instead
    [InlineData("65536")]      // getaddrinfo wraps it to 0
    [InlineData("70000")]      // ... and this to 4464
    [InlineData("99999999999")]
    [InlineData("domain")]     // a service name getaddrinfo would take (53)
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("0x10")]
    [InlineData(" 5")]
    [InlineData("5.0")]
    [InlineData("")]
    public void ListenPortOutOfRangeIsRefused(string text)
    {
        Assert.False(WgValues.TryParsePort(text, out _, out var error));
        Assert.Equal(WgErrorId.InvalidPort, error!.ErrorId);
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(65535, true)]
    [InlineData(65536, false)]
    [InlineData(-1, false)]
    public void ModelPortIsChecked(int port, bool ok) =>
        Assert.Equal(ok, WgValues.CheckPort(port) is null);

    [Theory]
    [InlineData("68", 68)]
    [InlineData("1420", 1420)]
    [InlineData("65535", 65535)]
    public void MtuIs68To65535(string text, int mtu)
    {
        Assert.True(WgValues.TryParseMtu(text, out var parsed, out _));
        Assert.Equal(mtu, parsed);
    }

    [Theory]
    [InlineData("67")]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("auto")]
    [InlineData("1420.0")]
    [InlineData("")]
    public void MtuOutOfRangeIsRefused(string text)
    {
        Assert.False(WgValues.TryParseMtu(text, out _, out var error));
        Assert.Equal(WgErrorId.InvalidMtu, error!.ErrorId);
        Assert.Equal(WgErrorId.InvalidMtu, WgValues.CheckMtu(67)!.ErrorId);
        Assert.Null(WgValues.CheckMtu(1420));
    }

    [Theory]
    [InlineData("off", 0)]
    [InlineData("Off", 0)]
    [InlineData("OFF", 0)]
    [InlineData("0", 0)]
    [InlineData("25", 25)]
    [InlineData("65535", 65535)]
    public void KeepaliveIsOffOrSeconds(string text, int seconds)
    {
        Assert.True(WgValues.TryParseKeepalive(text, out var parsed, out _));
        Assert.Equal(seconds, parsed);
    }

    [Theory]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("of")]
    [InlineData("25s")]
    [InlineData("0x10")]
    [InlineData("")]
    public void KeepaliveOutOfRangeIsRefused(string text)
    {
        Assert.False(WgValues.TryParseKeepalive(text, out _, out var error));
        Assert.Equal(WgErrorId.InvalidKeepalive, error!.ErrorId);
        Assert.Equal(WgErrorId.InvalidKeepalive, WgValues.CheckKeepalive(65536)!.ErrorId);
    }

    [Theory]
    [InlineData("off", 0u)]
    [InlineData("Off", 0u)]
    [InlineData("0", 0u)]
    [InlineData("0x0", 0u)]
    [InlineData("0x10", 16u)]
    [InlineData("0xCa6c", 0xca6cu)]
    [InlineData("0xffffffff", 0xffffffffu)]
    [InlineData("16", 16u)]
    [InlineData("010", 10u)]   // strtoul base 10, as wg
    [InlineData("4294967295", 4294967295u)]
    public void FwMarkIsOffHexOrDecimal(string text, uint mark)
    {
        Assert.True(WgValues.TryParseFwMark(text, out var parsed, out _));
        Assert.Equal(mark, parsed);
    }

    [Theory]
    [InlineData("0X10")]       // wg takes only a lower-case 0x
    [InlineData("0x")]
    [InlineData("0x100000000")]
    [InlineData("4294967296")]
    [InlineData("-1")]
    [InlineData("0xg")]
    [InlineData("ten")]
    [InlineData("")]
    public void FwMarkOutOfRangeIsRefused(string text)
    {
        Assert.False(WgValues.TryParseFwMark(text, out _, out var error));
        Assert.Equal(WgErrorId.InvalidFwMark, error!.ErrorId);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("auto")]
    [InlineData("0")]
    [InlineData("1234")]
    [InlineData("4294967295")]
    [InlineData("main")]
    [InlineData("vpn_1")]
    [InlineData("Off")]        // wg-quick compares "off" case-sensitively: "Off" is a table name
    public void TableIsOffAutoNumberOrName(string table) => Assert.Null(WgValues.CheckTable(table));

    [Theory]
    [InlineData("main table")]
    [InlineData("a/b")]
    [InlineData("x;rm")]
    [InlineData("main\n")]
    [InlineData("4294967296")]
    [InlineData("")]
    public void BadTablesAreRefused(string table) =>
        Assert.Equal(WgErrorId.InvalidTable, WgValues.CheckTable(table)!.ErrorId);

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    public void SaveConfigIsTrueOrFalseInAnyCase(string text, bool value)
    {
        Assert.True(WgValues.TryParseBool(text, out var parsed, out _));
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("on")]
    [InlineData("")]
    public void SaveConfigRefusesEverythingElse(string text)
    {
        Assert.False(WgValues.TryParseBool(text, out _, out var error));
        Assert.Equal(WgErrorId.InvalidBoolean, error!.ErrorId);
    }

    [Fact]
    public void DnsEntriesSplitIntoServersAndSearchDomainsAsWgQuickSplitsThem()
    {
        var servers = new List<IPAddress>();
        var search = new List<string>();

        var ok = WgValues.TrySplitDns(["1.1.1.1", "2606:4700:4700::1111", "corp.example", "lan", "search.example."], servers, search, out var error);

        Assert.True(ok, error?.Message);
        Assert.Equal([IPAddress.Parse("1.1.1.1"), IPAddress.Parse("2606:4700:4700::1111")], servers);
        Assert.Equal(["corp.example", "lan", "search.example."], search);
    }

    [Theory]
    [InlineData("1.1.1.1\n")]
    [InlineData("1.2.3")]        // digits and dots: wg-quick calls it a server, and it is no address
    [InlineData("123")]
    [InlineData("1.1.1.256")]
    [InlineData("fd00::53::1")]  // has a colon: a server
    [InlineData("a:b")]
    [InlineData("bad_domain!")]
    [InlineData("-lan")]
    [InlineData("a..b")]
    public void BadDnsEntriesAreRefused(string entry)
    {
        Assert.False(WgValues.TrySplitDns([entry], new List<IPAddress>(), new List<string>(), out var error));
        Assert.Equal(WgErrorId.InvalidDns, error!.ErrorId);
        // Quoted, with a newline escaped so it cannot forge a line in a log.
        Assert.Contains($"'{entry.Replace("\n", "\\u000a")}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("1.2.3.4")]
    [InlineData("10.")]
    public void SearchDomainsThatWgQuickWouldReadAsServersAreRefused(string domain)
    {
        // Written back as "DNS = 123", wg-quick would make it a name server: it cannot be a search domain.
        Assert.Equal(WgErrorId.InvalidDns, WgValues.CheckSearchDomain(domain)!.ErrorId);
    }

    [Theory]
    [InlineData("wg0")]
    [InlineData("a")]
    [InlineData("wg-site_1.=+")]
    [InlineData("abcdefghijklmno")]
    public void InterfaceNamesAreWhatWgQuickTakes(string name)
    {
        Assert.True(WgValues.IsValidInterfaceName(name));
        Assert.Null(WgValues.CheckInterfaceName(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abcdefghijklmnop")]
    [InlineData("wg 0")]
    [InlineData("wg/0")]
    [InlineData("wg:0")]
    [InlineData("wg@0")]
    [InlineData("wgé")]
    [InlineData("wg0\n")]
    [InlineData(null)]
    [InlineData("all")]          // wg show all: every interface
    [InlineData("interfaces")]   // wg show interfaces: their names
    [InlineData(".")]            // Linux refuses both: /sys/class/net/. is a directory
    [InlineData("..")]
    [InlineData("wg0\r\n")]
    public void OtherInterfaceNamesAreRefused(string? name)
    {
        Assert.False(WgValues.IsValidInterfaceName(name));
        Assert.Equal(WgErrorId.InvalidInterfaceName, WgValues.CheckInterfaceName(name)!.ErrorId);
        if (name is "all" or "interfaces")
            Assert.Equal($"The interface name '{name}' is not valid: wg reads it as a keyword ('wg show {name}'), not as an interface.", WgValues.CheckInterfaceName(name)!.Message);
    }

    [Theory]
    [InlineData("/etc/wireguard/wg0.conf", "wg0")]
    [InlineData("site-b.conf", "site-b")]
    [InlineData("/tmp/bad name.conf", null)]
    [InlineData("/tmp/wg0.txt", null)]
    [InlineData("/tmp/wg0.conf.bak", null)]
    [InlineData("/tmp/.conf", null)]
    [InlineData("/tmp/abcdefghijklmnop.conf", null)]
    public void InterfaceNameComesFromTheFileName(string path, string? name) =>
        Assert.Equal(name, WgConfigParser.InterfaceNameFromPath(path));

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\0b")]
    [InlineData("a\u001bb")]
    [InlineData("a\u007fb")]
    [InlineData("a\u0085b")]
    [InlineData("a\u2028b")]
    [InlineData("a\u2029b")]
    [InlineData("a\tb")]
    [InlineData("x\nPostUp = rm -rf /")]
    public void ControlCharactersAreRefusedAndNeverEchoedRaw(string value)
    {
        var error = WgValues.CheckText(value, "The peer name");

        Assert.Equal(WgErrorId.ControlCharacter, error!.ErrorId);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\r', error.Message);
        Assert.DoesNotContain('\u2028', error.Message);
    }

    [Fact]
    public void HooksMayHoldTabs()
    {
        Assert.Null(WgValues.CheckText("printf 'a\tb'", "PostUp", allowTab: true));
        Assert.NotNull(WgValues.CheckText("a\nb", "PostUp", allowTab: true));
        Assert.Null(WgValues.CheckText(null, "Name"));
        Assert.Null(WgValues.CheckText("# = ' \" % [Peer] é 😀", "Name"));
    }

    [Fact]
    public void ListsSplitOnCommasAndWhitespace() =>
        Assert.Equal(["10.0.0.1/24", "fd00::1/64", "10.1.0.1/16"], WgValues.SplitList(" 10.0.0.1/24,fd00::1/64 ,\t10.1.0.1/16,, "));

    [Theory]
    [InlineData("site\u202Eb-etis")]  // right-to-left override: shows as "siteetis-b"
    [InlineData("gw\u2066a\u2069")]   // an isolate
    [InlineData("gw\u200Ba")]          // zero-width space: looks like "gwa"
    [InlineData("gw\u200Da")]          // zero-width joiner
    [InlineData("gw\uFEFFa")]          // zero-width no-break space
    [InlineData("gw\u200Ea")]          // left-to-right mark
    [InlineData("gw\U000E0041a")]      // a tag character, outside the BMP
    public void NamesRefuseInvisibleCharacters(string name)
    {
        var error = WgValues.CheckName(name, "The site name");

        Assert.Equal(WgErrorId.InvisibleCharacter, error!.ErrorId);
        Assert.Equal(name, error.Offender);
        Assert.Null(WgValues.CheckText(name, "The site name"));
    }

    [Theory]
    [InlineData("site-b")]
    [InlineData("Zürich office")]
    [InlineData("東京")]
    public void NamesTakeVisibleText(string name) => Assert.Null(WgValues.CheckName(name, "The site name"));

    [Fact]
    public void NamesStillRefuseControlCharacters() =>
        Assert.Equal(WgErrorId.ControlCharacter, WgValues.CheckName("a\nb", "The peer name")!.ErrorId);
}

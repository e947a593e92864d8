using System.Text.RegularExpressions;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// MetricsWriter and PrometheusText: prometheus_wireguard_exporter's names and labels, WgAdmin's
/// own families, escaping of hostile peer names, and the text checked by the real promtool.
/// </summary>
public partial class MetricsTests
{
    private static readonly string PeerA = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string PeerB = WgPrivateKey.Generate().PublicKey.ToString();
    private const long Now = 1_712_000_000;

    /// <summary>Two peers, one named as a hostile config file could name it (quotes, backslashes, a newline, a bell).</summary>
    private static GatewayMetrics Gateway(string host, string? hostileName = "x\"} evil 1\n# TYPE y counter\\\a") => new(host,
    [
        new WgInterfaceStatus
        {
            ComputerName = host, Name = "wg12", IsUp = true,
            Peers =
            [
                new WgPeerStatus { PublicKey = PeerA, Name = hostileName, AllowedIPs = ["10.0.12.2/32", "10.100.25.0/24"], SentBytes = 9_007_199_254_740_993, ReceivedBytes = 2000,
                    LatestHandshake = DateTimeOffset.FromUnixTimeSeconds(Now - 30), HandshakeAge = TimeSpan.FromSeconds(30.7) },
                new WgPeerStatus { PublicKey = PeerB, AllowedIPs = ["10.0.12.3/32"] },
            ],
        },
        new WgInterfaceStatus { ComputerName = host, Name = "wg13", IsUp = false },
    ],
    [
        new WgTunnelTestResult { ComputerName = host, InterfaceName = "wg12", Kind = "Peer", Peer = "site-y", PublicKey = PeerA, Address = "10.0.12.2", Passed = true, PingsSent = 3, PingsReceived = 3, LossPercent = 0, RttAvgMs = 0.25, HandshakeAgeSeconds = 30 },
        new WgTunnelTestResult { ComputerName = host, InterfaceName = "wg12", Kind = "Target", Address = "10.100.25.100", Passed = false, PingsSent = 3, PingsReceived = 1, LossPercent = 66.7, RttAvgMs = 1.5 },
    ], 0.1234);

    private static string[] Lines(string text) => text.TrimEnd('\n').Split('\n');

    [Fact]
    public void WritesTheExportersNamesAndLabels()
    {
        var text = MetricsWriter.Build([Gateway("gw-x", hostileName: "site-y")]).ToString();

        Assert.Contains($"wireguard_sent_bytes_total{{computer_name=\"gw-x\",interface=\"wg12\",public_key=\"{PeerA}\",allowed_ips=\"10.0.12.2/32,10.100.25.0/24\",friendly_name=\"site-y\"}} 9007199254740993\n", text, StringComparison.Ordinal);
        Assert.Contains($"wireguard_received_bytes_total{{computer_name=\"gw-x\",interface=\"wg12\",public_key=\"{PeerA}\",allowed_ips=\"10.0.12.2/32,10.100.25.0/24\",friendly_name=\"site-y\"}} 2000\n", text, StringComparison.Ordinal);
        Assert.Contains($"wireguard_latest_handshake_seconds{{computer_name=\"gw-x\",interface=\"wg12\",public_key=\"{PeerA}\",allowed_ips=\"10.0.12.2/32,10.100.25.0/24\",friendly_name=\"site-y\"}} {Now - 30}\n", text, StringComparison.Ordinal);
        // A peer without a name has no friendly_name, as with the exporter; one that never shook hands has 0 and no age.
        Assert.Contains($"wireguard_latest_handshake_seconds{{computer_name=\"gw-x\",interface=\"wg12\",public_key=\"{PeerB}\",allowed_ips=\"10.0.12.3/32\"}} 0\n", text, StringComparison.Ordinal);
        Assert.Single(Lines(text), l => l.StartsWith("wgadmin_peer_handshake_age_seconds{", StringComparison.Ordinal));
        Assert.Contains($"wgadmin_peer_handshake_age_seconds{{computer_name=\"gw-x\",interface=\"wg12\",public_key=\"{PeerA}\",allowed_ips=\"10.0.12.2/32,10.100.25.0/24\",friendly_name=\"site-y\"}} 30\n", text, StringComparison.Ordinal);
        Assert.Contains("wgadmin_interface_up{computer_name=\"gw-x\",interface=\"wg12\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("wgadmin_interface_up{computer_name=\"gw-x\",interface=\"wg13\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE wireguard_sent_bytes_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE wireguard_latest_handshake_seconds gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("# HELP wireguard_sent_bytes_total Bytes sent to the peer\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesTheTunnelTestsVerdictLossAndRoundTrip()
    {
        var text = MetricsWriter.Build([Gateway("gw-x", hostileName: "site-y")]).ToString();

        Assert.Contains($"wgadmin_tunnel_passed{{computer_name=\"gw-x\",interface=\"wg12\",kind=\"peer\",public_key=\"{PeerA}\",address=\"10.0.12.2\",friendly_name=\"site-y\"}} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("wgadmin_tunnel_passed{computer_name=\"gw-x\",interface=\"wg12\",kind=\"target\",address=\"10.100.25.100\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("wgadmin_tunnel_ping_loss_ratio{computer_name=\"gw-x\",interface=\"wg12\",kind=\"target\",address=\"10.100.25.100\"} 0.667\n", text, StringComparison.Ordinal);
        Assert.Contains("wgadmin_tunnel_ping_rtt_seconds{computer_name=\"gw-x\",interface=\"wg12\",kind=\"target\",address=\"10.100.25.100\"} 0.0015\n", text, StringComparison.Ordinal);
        Assert.Contains($"wgadmin_tunnel_handshake_age_seconds{{computer_name=\"gw-x\",interface=\"wg12\",kind=\"peer\",public_key=\"{PeerA}\",address=\"10.0.12.2\",friendly_name=\"site-y\"}} 30\n", text, StringComparison.Ordinal);
        Assert.Contains("wgadmin_export_success{computer_name=\"gw-x\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("wgadmin_export_duration_seconds{computer_name=\"gw-x\"} 0.123\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AHostileNameStaysInsideItsLabel()
    {
        var text = MetricsWriter.Build([Gateway("gw-x")]).ToString();

        // Quotes and backslashes escaped, the newline written as \n, the bell dropped: no line of its own, no TYPE of its own.
        Assert.Contains("friendly_name=\"x\\\"} evil 1\\n# TYPE y counter\\\\\"}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\a", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\n# TYPE y", text, StringComparison.Ordinal);
        foreach (var line in Lines(text))
            Assert.Matches(SampleOrComment(), line);
    }

    [Fact]
    public void EachFamilyHasOneHelpAndOneTypeAndItsSamplesTogether()
    {
        var text = MetricsWriter.Build([Gateway("gw-x"), Gateway("gw-y"), new GatewayMetrics("gw-z", [], [], 5.0, "connection refused")]).ToString();

        var lines = Lines(text);
        var families = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToArray();
        Assert.Equal(families.Distinct().Count(), families.Length);
        Assert.Equal(families.Length, lines.Count(l => l.StartsWith("# HELP ", StringComparison.Ordinal)));
        // Reading down the file, a family's name never comes back once another began.
        var seen = new List<string>();
        foreach (var line in lines.Where(l => !l.StartsWith('#')))
        {
            var family = line[..line.IndexOfAny(['{', ' '])];
            if (seen.Count == 0 || seen[^1] != family)
            {
                Assert.DoesNotContain(family, seen);
                seen.Add(family);
            }
        }
        Assert.Equal(2, lines.Count(l => l.StartsWith("wgadmin_interface_up{computer_name=\"gw-y\"", StringComparison.Ordinal)));
        // A gateway that could not be read says so, with nothing else about it.
        Assert.Contains("wgadmin_export_success{computer_name=\"gw-z\"} 0", lines);
        Assert.Contains("wgadmin_export_duration_seconds{computer_name=\"gw-z\"} 5", lines);
        Assert.Equal(2, lines.Count(l => l.Contains("\"gw-z\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void NoKeyButPublicKeysIsWritten()
    {
        // What the writer is given holds only public keys; nothing shaped like another key appears.
        var text = MetricsWriter.Build([Gateway("gw-x")]).ToString();

        var keys = Regex.Matches(text, "[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=").Select(m => m.Value).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(new[] { PeerA, PeerB }.Order(StringComparer.Ordinal), keys);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(3.0, "3")]
    [InlineData(0.0015, "0.0015")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(1e300, "1E+300")]
    public void FormatsValuesAsTheFormatReadsThem(double value, string expected) => Assert.Equal(expected, PrometheusText.FormatValue(value));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("a\r\tb\u007f", "ab")]
    [InlineData("caf\u00e9 \U0001F600", "caf\u00e9 \U0001F600")]
    public void EscapesLabelValues(string value, string expected) => Assert.Equal(expected, PrometheusText.EscapeLabelValue(value));

    [Fact]
    public void DropsALoneSurrogate() =>
        // Not UTF-8 as it stands (xunit's theory data would mangle it before the writer saw it).
        Assert.Equal("lone  surrogate", PrometheusText.EscapeLabelValue("lone " + (char)0xD800 + " surrogate"));

    [Fact]
    public void RefusesAFamilyNameTheFormatCannotHold() =>
        Assert.Throws<ArgumentException>(() => new PrometheusText().Declare("9bad-name", "gauge", "x"));

    [Fact]
    public void ReadsOnlyTheNamedInterfacesAndListsAMissingOneAsDown()
    {
        var output = string.Join("\n", "@@now", Now.ToString(System.Globalization.CultureInfo.InvariantCulture), "@@dump",
            $"wg12\t(hidden)\t{PeerB}\t10096\toff",
            $"wg12\t{PeerA}\t(set)\t198.51.100.34:10096\t10.0.12.2/32,10.100.25.0/24\t{Now - 10}\t100\t200\t25",
            "@@config wg12", "[Interface]", "ListenPort = 10096", "", "[Peer]", "# Name = site-y", $"PublicKey = {PeerA}", "AllowedIPs = 10.0.12.2/32, 10.100.25.0/24", "@@end", "");

        var read = MetricsReader.Parse(output, "gw-x", ["wg12", "wg9"]);

        Assert.Equal(["wg12", "wg9"], read.Select(s => s.Name));
        var peer = Assert.Single(read[0].Peers);
        Assert.Equal(("site-y", 100L, 200L, TimeSpan.FromSeconds(10)), (peer.Name, peer.ReceivedBytes, peer.SentBytes, peer.HandshakeAge!.Value));
        Assert.False(read[1].IsUp);
        Assert.Empty(MetricsReader.Parse(output, "gw-x", ["wg9"]).Single().Peers);
    }

    [SkippableFact]
    public void PromtoolAcceptsTheText()
    {
        OracleGate.Require(needsRoot: false, "promtool");
        var text = MetricsWriter.Build([Gateway("gw-x"), Gateway("gw-y", hostileName: "site \u00e9 \\ \"quoted\""), new GatewayMetrics("gw-z", [], [], 5.0, "refused")]).ToString();

        var check = Tool.Run("promtool", ["check", "metrics"], stdin: text);

        Assert.True(check.Ok, $"promtool check metrics: {check.StdOut}{check.StdErr}");
        Assert.Equal("", (check.StdOut + check.StdErr).Trim());
        // And the oracle can fail: a sample line broken by an unescaped quote is refused.
        Assert.False(Tool.Run("promtool", ["check", "metrics"], stdin: "# HELP a_total x\n# TYPE a_total counter\na_total{n=\"a\"b\"} 1\n").Ok);
    }

    /// <summary>A comment (HELP, TYPE) or one sample: name, labels of quoted escaped values, a value.</summary>
    [GeneratedRegex("""^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+="([^"\\\n]|\\["\\n])*"(,[a-z_]+="([^"\\\n]|\\["\\n])*")*\})? [-+0-9.eEInfNa]+)$""")]
    private static partial Regex SampleOrComment();
}

using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// A gateway's output is not trusted: what it prints is read by the one section reader, which
/// cleans every line, and by parsers that take only what has the shape they expect, without ever
/// throwing on it. Each row is something a hostile or broken host could print.
/// </summary>
public class HostileOutputTests
{
    private static readonly string Key = WgPrivateKey.Generate().PublicKey.ToString();
    private static readonly string Other = WgPrivateKey.Generate().PublicKey.ToString();

    [Theory]
    [InlineData("\u001b]52;c;ZWNobyBwd25lZA==\u0007active")]      // OSC 52: a clipboard write
    [InlineData("\u001b[2J\u001b[Hactive")]                        // clear the screen
    [InlineData("\u001b]0;owned\u0007active")]                     // set the window title
    [InlineData("act\u009b31mive")]                               // a C1 control (CSI)
    [InlineData("\u202Eevitca\u202C")]                             // a bidi override
    [InlineData("act\u200Bive\u2066\u2069")]                       // zero-width and isolates
    public void NoControlOrFormatCharacterLeavesTheSectionReader(string hostile)
    {
        var sections = SectionReader.Read($"@@service\nenabled=enabled\nactive={hostile}\n@@end\n");

        foreach (var line in sections.SelectMany(s => s.Lines))
            Assert.DoesNotContain(line, c => (char.IsControl(c) && c != '\t') || c is '\u202E' or '\u202C' or '\u200B' or '\u2066' or '\u2069');
        Assert.DoesNotContain('\u001b', RemoteText.Redact($"stderr {hostile}\nsecond line"));
    }

    [Fact]
    public void StandardErrorKeepsItsLinesAndTabsButNoEscapes()
    {
        // The escape character goes; what followed it is plain text that does nothing.
        Assert.Equal("a\tb\nc[0m", RemoteText.Redact("a\tb\r\nc\u001b[0m"));
    }

    [Theory]
    [InlineData("not-a-key\t(none)\t(none)\t10.0.0.2/32\t0\t0\t0\toff")]
    [InlineData("{0}\t(none)\t198.51.100.1:51820\u001b[2J\t10.0.0.2/32\t0\t0\t0\toff")]
    [InlineData("{0}\t(none)\tnot an endpoint\t10.0.0.2/32\t0\t0\t0\toff")]
    [InlineData("{0}\t(none)\t(none)\t10.0.0.2/32\t0\t0\t0\toff\textra")]
    public void ADumpLineOfTheWrongShapeIsDropped(string line)
    {
        // The endpoint with an escape: the section reader would clean it, the parser alone refuses it.
        Assert.Null(DumpFormat.ParsePeer(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Key)));
    }

    [Fact]
    public void ARepeatedPeerInADumpIsReadOnceAndBreaksNothing()
    {
        var line = $"{Key}\t(none)\t198.51.100.1:51820\t10.0.0.2/32\t1700000000\t1\t2\toff";
        var facts = GatewayProbe.Parse($"@@link\n5: wg0: <UP> mtu 1420\n@@peers\n{line}\n{line.Replace("10.0.0.2/32", "10.9.9.9/32", StringComparison.Ordinal)}\n@@end\n");
        Assert.Single(facts.LivePeers);

        var status = InterfaceStatusReader.Parse($"@@dump\nwg0\t(hidden)\t{Other}\t51820\toff\nwg0\t{line}\nwg0\t{line}\n@@end\n", "gw").Single();
        Assert.Single(status.Peers);
        var desired = new WgInterface { Name = "wg0", Peers = [new WgPeer(WgPublicKey.Parse(Key)) { AllowedIPs = [WgPrefix.Parse("10.0.0.2/32")] }] };
        Assert.DoesNotContain(WgDrift.Compare(desired, status, "gw"), d => d.Kind != "Address");

        // The planner reads peers that a test (or a future parser) gives twice without failing.
        facts.LivePeers.Add(facts.LivePeers[0]);
        facts.HasSystemd = true;
        facts.Tools.UnionWith(["wg", "wg-quick"]);
        desired.PrivateKey = WgPrivateKey.Generate();
        var plan = GatewayPlanner.Plan("gw", desired, "wg0", facts, new ApplyOptions());
        Assert.NotEmpty(plan.Steps);
    }

    [Theory]
    [InlineData("99999999999 packets transmitted, 99999999999 received, 0% packet loss")]
    [InlineData("\u0663 packets transmitted, \u0663 received, 0% packet loss")]               // Arabic-Indic digits
    [InlineData("3 packets transmitted, 3 received\nrtt min/avg/max/mdev = 99999999999999999999.1/1/1/1 ms")]
    public void PingOutputThatIsNotPingsNeverThrows(string text)
    {
        var summary = TunnelProbe.ParsePing(text.Split('\n'));

        Assert.InRange(summary.Received, 0, 1_000_000_000);
    }

    [Fact]
    public void AnInterfaceLineWithoutAValidNameOrKeyIsDropped()
    {
        var statuses = InterfaceStatusReader.Parse($"@@dump\nwg0;x\t(hidden)\t{Other}\t51820\toff\nwg1\t(hidden)\tnot-a-key\t51820\toff\n@@end\n", "gw");

        Assert.Empty(statuses);
    }

    /// <summary>Compare-WgInterface on a status holding what no dump line should give it: a short key, given twice.</summary>
    [Fact]
    public void DriftOfAStatusWithAShortOrRepeatedKeyBreaksNothing()
    {
        var status = new WgInterfaceStatus
        {
            Name = "wg0", IsUp = true,
            Peers = [new WgPeerStatus { PublicKey = "abc" }, new WgPeerStatus { PublicKey = "abc" }, new WgPeerStatus { PublicKey = "" }],
        };

        var differences = WgDrift.Compare(new WgInterface { Name = "wg0" }, status, "gw");

        Assert.Equal(["abc", ""], differences.Where(d => d.Kind == "PeerExtra").Select(d => d.Live));
    }

    /// <summary>Unix times past the year 9999 (DateTimeOffset's end) from a host's clock or a dump's handshake column.</summary>
    [Theory]
    [InlineData("99999999999999", "1700000000")]
    [InlineData("1700000000", "99999999999999")]
    [InlineData("9223372036854775807", "9223372036854775807")]
    public void ATimeBeyondTheCalendarBreaksNothing(string now, string handshake)
    {
        var line = $"{Key}\t(none)\t198.51.100.1:51820\t10.0.0.2/32\t{handshake}\t1\t2\toff";

        var status = InterfaceStatusReader.Parse($"@@now\n{now}\n@@dump\nwg0\t(hidden)\t{Other}\t51820\toff\nwg0\t{line}\n@@end\n", "gw").Single();
        var peer = Assert.Single(status.Peers);
        if (handshake != "1700000000")
            Assert.Null(peer.LatestHandshake);

        var probe = TunnelProbe.Parse($"@@now\n{now}\n@@link\n5: wg0: <UP> mtu 1420\n@@peers\n{line}\n@@peer {Key} 10.0.0.2\n@@after\n{line}\n@@end\n");
        var result = TunnelCheck.Evaluate(probe, "gw", "wg0", new TunnelCheckOptions(TimeSpan.FromMinutes(3), 3))[0];
        Assert.False(result.Passed);
    }

    /// <summary>A parser that meets output it cannot read gives a WgAdmin error naming the host, not a .NET exception.</summary>
    [Fact]
    public void AParserThatFailsOnAHostsOutputGivesAWgAdminId()
    {
        var operation = new RemoteOperation<int>("reading a number", "true", _ => int.Parse("99999999999", System.Globalization.CultureInfo.InvariantCulture));

        var error = Assert.Single(Assert.Throws<WgException>(() => RemoteRunner.Parse("gw", operation, ScriptOutput.Read(new RemoteResult(0, "@@end\n", "", TimeSpan.Zero)))).Errors);

        Assert.Equal((WgErrorId.InvalidRemoteOutput, "gw"), (error.ErrorId, error.Offender));
        Assert.Contains("reading a number", error.Message, StringComparison.Ordinal);
        // A WgAdmin error of the parser's own (a config the host holds, say) passes as it is.
        var own = new RemoteOperation<int>("reading", "true", _ => throw new WgException(new WgError(WgErrorId.InvalidPort, "port")));
        Assert.Equal(WgErrorId.InvalidPort, Assert.Throws<WgException>(() => RemoteRunner.Parse("gw", own, ScriptOutput.Read(new RemoteResult(0, "@@end\n", "", TimeSpan.Zero)))).ErrorId);
    }
}

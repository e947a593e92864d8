using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using Xunit;

namespace WgAdmin.Core.Tests.Config;

/// <summary>The tricky files under tests/corpus: valid ones parse and survive the writer; invalid ones fail exactly as their header says.</summary>
public class CorpusTests
{
    [Fact]
    public void CorpusIsThere()
    {
        Assert.True(Corpus.All("valid").Count() >= 15, "valid corpus missing from the output folder");
        Assert.True(Corpus.All("invalid").Count() >= 40, "invalid corpus missing from the output folder");
    }

    [Theory]
    [MemberData(nameof(Corpus.ValidNames), MemberType = typeof(Corpus))]
    public void ValidFileSurvivesTheCanonicalWriter(string name)
    {
        var file = Corpus.Load(name);

        var parsed = WgConfigParser.Parse(file.Bytes);
        var written = WgConfigWriter.Write(parsed, WgSecretMode.Include);
        var reparsed = WgConfigParser.Parse(written);

        Structural.AssertEqual(parsed, reparsed);
        Assert.Equal(written, WgConfigWriter.Write(reparsed, WgSecretMode.Include));
    }

    [Theory]
    [MemberData(nameof(Corpus.InvalidNames), MemberType = typeof(Corpus))]
    public void InvalidFileFailsAsItsHeaderSays(string name)
    {
        var file = Corpus.Load(name);
        Assert.NotEmpty(file.Expected);
        Assert.NotNull(file.ToolsVerdict);

        var ex = Assert.Throws<WgException>(() => WgConfigParser.Parse(file.Bytes));

        Assert.Equal(file.Expected, ex.Errors.Select(e => new ExpectedError(e.ErrorId, e.Line ?? 0)));
    }

    [Fact]
    public void RepeatedKeysFileAccumulatesAndTakesLastValues()
    {
        var config = WgConfigParser.Parse(Corpus.Load("valid/repeated-keys.conf").Bytes);

        Assert.Equal(2222, config.ListenPort);
        Assert.Equal(2u, config.FwMark);
        Assert.Equal(1420, config.Mtu);
        Assert.Equal(3, config.Address.Length);
        Assert.Equal(["10.20.0.53", "fd20::53"], config.Dns.Select(a => a.ToString()));
        Assert.Equal(["corp.example"], config.DnsSearch);
        Assert.Equal(["echo pre-up 1", "echo pre-up 2"], config.PreUp);
        Assert.Equal(["echo pre-down 1", "echo pre-down 2"], config.PreDown);
        Assert.Equal(["echo post-up 1", "echo post-up 2"], config.PostUp);
        Assert.Equal(["echo post-down 1", "echo post-down 2"], config.PostDown);
        var peer = Assert.Single(config.Peers);
        Assert.Equal(3, peer.AllowedIPs.Length);
        Assert.Equal("192.0.2.3:2", peer.Endpoint!.ToString());
        Assert.Equal(25, peer.PersistentKeepalive);
    }

    [Fact]
    public void CommentsFileKeepsPeerNameAndDescription()
    {
        var config = WgConfigParser.Parse(Corpus.Load("valid/comments.conf").Bytes);

        Assert.Equal(51821, config.ListenPort);
        Assert.Equal("branch office #2 (Köln)", config.Peers[0].Name);
        Assert.Equal("key = value; \"double\" and 'single' quotes # and a hash", config.Peers[0].Description);
        Assert.Equal(["10.3.0.0/24"], config.Peers[0].AllowedIPs.Select(p => p.ToString()));
    }

    [Fact]
    public void HooksFileKeepsEveryHookWhole()
    {
        var config = WgConfigParser.Parse(Corpus.Load("valid/hooks.conf").Bytes);

        Assert.Equal(
            [
                "iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE",
                "echo \"a # not a comment\" >> /tmp/wgadmin-never-run.log # and this is part of the hook too",
                "sh -c \"echo \\\"quoted\\\" #hash\"",
                "#starts with a hash",
            ],
            config.PostUp);
        Assert.Equal(["logger -t wg 'key=value; x==y'"], config.PreUp);
        Assert.Equal(["printf '%s\\t%s\\n' \"$(date)\" down\tafter-a-tab"], config.PreDown);
        Assert.Equal(["bash -c 'echo [Peer]'"], config.PostDown);
    }

    [Fact]
    public void CrlfFileHasNoCarriageReturnsLeft()
    {
        var config = WgConfigParser.Parse(Corpus.Load("valid/crlf.conf").Bytes);

        Assert.Equal(["echo crlf %i"], config.PostUp);
        Assert.Equal("crlf peer", config.Peers[0].Name);
        Assert.Equal("[2001:db8::4]:51822", config.Peers[0].Endpoint!.ToString());
    }

    [Fact]
    public void WhitespaceFileReadsAsWgReadsIt()
    {
        var config = WgConfigParser.Parse(Corpus.Load("valid/whitespace.conf").Bytes);

        Assert.NotNull(config.PrivateKey);
        Assert.Equal(51823, config.ListenPort);
        Assert.Equal(1234u, config.FwMark);
        Assert.Equal(["10.6.0.1/24", "fd06::1/64"], config.Address.Select(p => p.ToString()));
        Assert.Equal(1400, config.Mtu);
        Assert.Equal(["10.6.0.2/32", "fd06::2/128"], config.Peers[0].AllowedIPs.Select(p => p.ToString()));
        Assert.Equal(21, config.Peers[0].PersistentKeepalive);
    }

    [Fact]
    public void ManyPeersFileHasSixtyPeers()
    {
        var config = WgConfigParser.Parse(Corpus.Load("valid/many-peers.conf").Bytes);

        Assert.Equal(60, config.Peers.Length);
        Assert.Equal("peer 60", config.Peers[59].Name);
    }
}

using WgAdmin.Keys;
using WgAdmin.Net;
using WgAdmin.Topology;
using Xunit;

namespace WgAdmin.Core.Tests.Topology;

/// <summary>Key ages in topology files: when each site's key and each pair's preshared key was made, kept with and without secrets.</summary>
public class TopologyAgeTests
{
    private static WgTopology Mesh(bool presharedKeys = true)
    {
        var sites = new[] { "site-a", "site-b", "site-c" }.Select((name, i) => new WgSite(name, WgEndpoint.Parse($"198.51.100.{10 + i}:10086"))
        {
            ComputerName = $"gw-{i}",
            LanPrefix = [WgPrefix.Parse($"10.{i + 1}.0.0/24")],
        }).ToList();
        return new WgTopology(WgPrefix.Parse("10.0.0.0/24"), sites) { PresharedKeys = presharedKeys };
    }

    [Fact]
    public void GeneratedKeysGetTheirMakingTime()
    {
        var before = DateTimeOffset.UtcNow;
        var t = Mesh();
        t.Build();
        Assert.All(t.Sites, s => Assert.InRange(s.KeyCreated!.Value, before, DateTimeOffset.UtcNow));
        Assert.All(t.Sites, s => Assert.True(s.KeyAge >= TimeSpan.Zero));
        Assert.Equal(3, t.PresharedKeyAges().Count());
    }

    [Fact]
    public void AgesSurviveAFileWithSecrets()
    {
        var t = Mesh();
        var text = WgTopologyFile.Write(t, includeSecrets: true);
        var back = WgTopologyFile.Parse(text);
        Assert.Equal(t.Sites.Select(s => WgTopologyFile.Timestamp(s.KeyCreated!.Value)), back.Sites.Select(s => WgTopologyFile.Timestamp(s.KeyCreated!.Value)));
        Assert.Equal(WgTopologyFile.Timestamp(t.PresharedKeyCreatedOf("site-a", "site-b")!.Value), WgTopologyFile.Timestamp(back.PresharedKeyCreatedOf("site-b", "site-a")!.Value));
        Assert.Equal(text, WgTopologyFile.Write(back, includeSecrets: true));
    }

    [Fact]
    public void AFileWithoutSecretsKeepsThePresharedKeysAgesButNotTheKeys()
    {
        var t = Mesh();
        var text = WgTopologyFile.Write(t, includeSecrets: false);
        Assert.Contains("[PresharedKey]\nSites = site-a, site-b\nCreated = ", text);
        Assert.DoesNotContain("Key = ", text.Replace("PublicKey = ", "", StringComparison.Ordinal));
        foreach (var (_, _, key) in t.PresharedKeyPairs())
            Assert.DoesNotContain(key.Reveal(), text);
        var back = WgTopologyFile.Parse(text);
        Assert.Empty(back.PresharedKeyPairs());
        Assert.Equal(3, back.PresharedKeyAges().Count());
        var error = Assert.Throws<WgException>(() => back.Build());
        Assert.Equal(WgErrorId.SecretNotInFile, error.ErrorId);
        Assert.Equal(text, WgTopologyFile.Write(back, includeSecrets: false));
    }

    [Fact]
    public void AFileWithoutAgesReadsAsKeysOfUnknownAge()
    {
        var key = WgPrivateKey.Generate().PublicKey;
        var back = WgTopologyFile.Parse($"[Topology]\nTunnelPrefix = 10.0.0.0/24\n\n[Site]\nName = a\nEndpoint = 198.51.100.1:1\nPublicKey = {key}\n");
        Assert.Null(back.Sites[0].KeyCreated);
        Assert.Null(back.Sites[0].KeyAge);
        Assert.DoesNotContain("KeyCreated", WgTopologyFile.Write(back, includeSecrets: false));
    }

    [Theory]
    [InlineData("KeyCreated = yesterday", "yesterday")]
    [InlineData("KeyCreated = 2026-12-02 18:53:00", "2026-12-02 18:53:00")]
    [InlineData("KeyCreated = 2026-13-02T18:53:00Z", "2026-13-02T18:53:00Z")]
    public void ABadTimeIsAnErrorWithItsLineAndValue(string line, string value)
    {
        var key = WgPrivateKey.Generate().PublicKey;
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse($"[Topology]\nTunnelPrefix = 10.0.0.0/24\n[Site]\nName = a\nEndpoint = 198.51.100.1:1\nPublicKey = {key}\n{line}\n"));
        Assert.Equal(WgErrorId.InvalidTimestamp, error.ErrorId);
        Assert.Equal(7, error.Errors[0].Line);
        Assert.Contains($"'{value}'", error.Errors[0].Message);
    }

    [Fact]
    public void APresharedKeySectionNeedsAKeyOrItsAge()
    {
        var keys = new[] { WgPrivateKey.Generate().PublicKey, WgPrivateKey.Generate().PublicKey };
        var error = Assert.Throws<WgException>(() => WgTopologyFile.Parse(
            $"[Topology]\nTunnelPrefix = 10.0.0.0/24\nPresharedKeys = true\n[Site]\nName = a\nEndpoint = 198.51.100.1:1\nPublicKey = {keys[0]}\n[Site]\nName = b\nEndpoint = 198.51.100.2:1\nPublicKey = {keys[1]}\n[PresharedKey]\nSites = a, b\n"));
        Assert.Equal(WgErrorId.InvalidTopologyFile, error.ErrorId);
    }
}

using CsCheck;
using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using Xunit;

namespace WgAdmin.Core.Tests.Oracles;

/// <summary>
/// Starts the scratch interface on first use and always tears it down (xunit disposes class
/// fixtures however the tests ended). Lazy, so a skipped oracle never creates a namespace.
/// </summary>
public sealed class LiveInterfaceFixture : IDisposable
{
    private UserspaceInterface? _live;

    public UserspaceInterface Live => _live ??= UserspaceInterface.Start();

    public void Dispose() => _live?.Dispose();
}

/// <summary>
/// The real `wg setconf` into wireguard-go, read back with `wg showconf`: what a live interface
/// holds must be what we meant. wireguard-go clamps the private key, masks AllowedIPs host bits,
/// drops keepalive 0 and fwmark 0, lists peers in its own order, and reports the port it listens
/// on even when none was set; the comparison allows exactly those.
/// </summary>
public class SetconfOracleTests(LiveInterfaceFixture fixture) : IClassFixture<LiveInterfaceFixture>
{
    /// <summary>Valid corpus files whose endpoints are all IP literals (a host name would make wg resolve it).</summary>
    public static TheoryData<string> LiveCorpus()
    {
        var data = new TheoryData<string>();
        foreach (var file in Corpus.All("valid"))
        {
            var config = WgConfigParser.Parse(file.Bytes);
            if (config.PrivateKey is not null && config.Peers.All(p => p.Endpoint is null || p.Endpoint.Address is not null))
                data.Add(file.Name);
        }
        return data;
    }

    private WgInterface LoadAndReadBack(string strippedConfig)
    {
        using var dir = new SecretTempDir();
        var path = dir.Write("setconf.conf", strippedConfig);
        return WgConfigParser.Parse(fixture.Live.SetConfAndShow(path));
    }

    /// <summary>Asserts that <paramref name="live"/>, read from wg showconf, holds what <paramref name="meant"/> says.</summary>
    private static void AssertHolds(WgInterface meant, WgInterface live)
    {
        var d = new List<string>();
        // wg stores the private key clamped (as X25519 uses it), so an unclamped key comes back clamped.
        if (!Equals(Clamped(meant.PrivateKey), live.PrivateKey) || meant.PublicKey != live.PublicKey)
            d.Add("PrivateKey differs (values not shown)");
        if (meant.ListenPort is int port && live.ListenPort != port)
            d.Add($"ListenPort: {port} meant, {live.ListenPort} live");
        if (meant.FwMark is uint mark && (live.FwMark ?? 0) != mark)
            d.Add($"FwMark: {mark} meant, {live.FwMark} live");
        if (meant.Peers.Length != live.Peers.Length)
            d.Add($"Peers: {meant.Peers.Length} meant, {live.Peers.Length} live");
        foreach (var peer in meant.Peers)
        {
            var other = live.Peers.FirstOrDefault(p => p.PublicKey == peer.PublicKey);
            if (other is null)
            {
                d.Add($"peer {peer.PublicKey}: missing");
                continue;
            }
            if (!Equals(peer.PresharedKey, other.PresharedKey))
                d.Add($"peer {peer.PublicKey}: PresharedKey differs (values not shown)");
            if (peer.Endpoint is null != other.Endpoint is null
                || (peer.Endpoint is not null && (!Structural.SameAddress(peer.Endpoint.Address, other.Endpoint!.Address) || peer.Endpoint.Port != other.Endpoint.Port)))
                d.Add($"peer {peer.PublicKey}: Endpoint {peer.Endpoint} meant, {other.Endpoint} live");
            var meantNetworks = peer.AllowedIPs.Select(p => p.ToNetwork().ToString()).ToHashSet();
            var liveNetworks = other.AllowedIPs.Select(p => p.ToNetwork().ToString()).ToHashSet();
            if (!meantNetworks.SetEquals(liveNetworks) || other.AllowedIPs.Any(p => p.HasHostBits))
                d.Add($"peer {peer.PublicKey}: AllowedIPs [{string.Join(", ", meantNetworks.Order())}] meant, [{string.Join(", ", other.AllowedIPs.Select(p => p.ToString()))}] live");
            var keepalive = peer.PersistentKeepalive is 0 ? null : peer.PersistentKeepalive;
            if (keepalive != other.PersistentKeepalive)
                d.Add($"peer {peer.PublicKey}: PersistentKeepalive {peer.PersistentKeepalive} meant, {other.PersistentKeepalive} live");
        }
        Assert.True(d.Count == 0, "the live interface differs:\n  " + string.Join("\n  ", d));
    }

    private static WgPrivateKey? Clamped(WgPrivateKey? key)
    {
        if (key is null)
            return null;
        var bytes = Convert.FromBase64String(key.Reveal());
        WgPrivateKey.Clamp(bytes);
        return WgPrivateKey.FromBytes(bytes);
    }

    [SkippableTheory]
    [MemberData(nameof(LiveCorpus))]
    public void OurStripOutputLoadsAsMeant(string name)
    {
        OracleGate.Require(needsRoot: true, "wg", "wireguard-go", "ip");
        var meant = WgConfigParser.Parse(Corpus.Load(name).Bytes);

        var live = LoadAndReadBack(WgConfigWriter.Write(meant, WgSecretMode.Include, strip: true));

        AssertHolds(meant, live);
    }

    [SkippableTheory]
    [MemberData(nameof(LiveCorpus))]
    public void RawFileThroughWgQuickStripLoadsAsWeReadIt(string name)
    {
        // wg's own reading of the raw file (repeated keys, whitespace, CRLF...) against ours.
        OracleGate.Require(needsRoot: true, "wg", "wg-quick", "wireguard-go", "ip");
        var file = Corpus.Load(name);
        var stripped = WgQuick.Strip(file.Bytes);
        Assert.True(stripped.Ok, $"wg-quick strip failed ({stripped.ExitCode})");

        var live = LoadAndReadBack(stripped.StdOut);

        AssertHolds(WgConfigParser.Parse(file.Bytes), live);
    }

    [SkippableFact]
    public void RandomInterfacesLoadAsMeant()
    {
        OracleGate.Require(needsRoot: true, "wg", "wireguard-go", "ip");

        // A file without PrivateKey or ListenPort leaves the live values alone, so give every case both.
        var gen = Gen.Select(WgGen.Interface(ipLiteralsOnly: true, maxPeers: 12), WgGen.PrivateKey, (config, key) =>
        {
            config.PrivateKey ??= key;
            config.Peers = config.Peers.Where(p => p.PublicKey != config.PublicKey).ToArray();
            return config;
        });

        // One live interface: one thread.
        gen.Sample(meant => AssertHolds(meant, LoadAndReadBack(WgConfigWriter.Write(meant, WgSecretMode.Include, strip: true))),
            iter: 40, threads: 1);
    }

    [SkippableTheory]
    [MemberData(nameof(Corpus.InvalidNames), MemberType = typeof(Corpus))]
    public void RealToolsAcceptOrRejectEachInvalidFileAsItsHeaderSays(string name)
    {
        // "tools: accept" marks a check WgAdmin makes beyond wg and wg-quick; "reject", one it shares.
        OracleGate.Require(needsRoot: true, "wg", "wg-quick", "wireguard-go", "ip");
        var file = Corpus.Load(name);

        var stripped = WgQuick.Strip(file.Bytes);
        var accepted = stripped.Ok;
        if (accepted)
        {
            using var dir = new SecretTempDir();
            accepted = fixture.Live.Wg("setconf", fixture.Live.InterfaceName, dir.Write("setconf.conf", stripped.StdOut)).Ok;
        }

        Assert.Equal(file.ToolsVerdict, accepted ? "accept" : "reject");
    }
}

using System.Net;
using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The probe, the planner's steps, remote key generation and the status script run for real with
/// bash, wg, wg-quick, ip and sha256sum: in a scratch network namespace, with a userspace WireGuard
/// link (wireguard-go) where one is needed, and /etc/wireguard a private tmpfs (see GatewaySandbox).
/// </summary>
public class LiveGatewayTests
{
    private static readonly string[] Sections =
        ["@@tools", "@@systemd", "@@forwarding", "@@nat", "@@map", "@@os", "@@host", "@@keyfile", "@@nextkey", "@@managed", "@@end"];

    private static readonly string[] ProbedTools =
        ["wg", "wg-quick", "ip", "ss", "ping", "systemctl", "iptables", "ip6tables", "nft", "apt-get", "dnf", "apk", "sysctl", "sha256sum"];

    private static string UniqueName(string prefix) => prefix + RemoteOracle.RandomSuffix();

    private static string OsReleaseId() =>
        File.ReadAllLines("/etc/os-release").Select(l => l.Trim()).First(l => l.StartsWith("ID=", StringComparison.Ordinal))["ID=".Length..].Trim('"');

    [SkippableFact]
    public void ProbeOfAHostWithoutTheLinkPrintsEverySection()
    {
        RemoteOracle.Require(needsRoot: true, "ip", "bash", "sha256sum");
        using var ns = ScratchNamespace.Create("wgadm-probe");
        using var dir = new SecretTempDir();
        var present = dir.Write("managed-present", "# Managed by WgAdmin\nnet.ipv4.ip_forward = 1\n");
        var absent = Path.Combine(dir.Path, "managed-absent");
        var name = UniqueName("wgp");

        var run = ns.Shell(GatewayProbe.Script(name, [present, absent]));

        Assert.True(run.Ok, $"the probe failed ({run.ExitCode}): {run.StdErr}");
        Assert.Equal(Sections, run.StdOut.Split('\n').Where(l => l.StartsWith("@@", StringComparison.Ordinal)).ToArray());
        var state = GatewayProbe.Parse(run.StdOut);
        Assert.Equal(OsReleaseId(), state.OsRelease["ID"]);
        foreach (var tool in ProbedTools)
            Assert.True(state.Has(tool) == (Tool.FindOnPath(tool) is not null), $"tool {tool}: probe says {state.Has(tool)}");
        Assert.True(state.IsRoot);
        Assert.Equal(Directory.Exists("/run/systemd/system"), state.HasSystemd);
        if (Tool.FindOnPath("iptables") is not null)
            Assert.Equal(Tool.Run("iptables", ["-V"]).StdOut.Contains("nf_tables", StringComparison.Ordinal), state.IptablesIsNft);
        Assert.False(state.ConfigExists);
        Assert.Null(state.Config);
        Assert.Null(state.KeyFilePublicKey);
        Assert.False(state.LinkExists);
        Assert.Empty(state.LivePeers);
        Assert.NotEqual("active", state.ServiceActive);
        Assert.Equal(ns.Exec(["cat", "/proc/sys/net/ipv4/ip_forward"]).StdOut.Trim(), state.Ipv4Forwarding);
        Assert.Equal(ns.Exec(["cat", "/proc/sys/net/ipv6/conf/all/forwarding"]).StdOut.Trim(), state.Ipv6Forwarding);
        Assert.Equal(new Dictionary<string, string> { [present] = RemoteOracle.Sha256Hex(File.ReadAllText(present)) }, state.ManagedFileHashes);
        Assert.Null(state.NatRulesPresent);
    }

    [SkippableFact]
    public void AHostileInterfaceNameStaysData()
    {
        RemoteOracle.Require(needsRoot: true, "ip", "bash");
        using var ns = ScratchNamespace.Create("wgadm-probe");
        using var dir = new SecretTempDir();
        var marker = Path.Combine(dir.Path, "pwned");

        var run = ns.Shell(GatewayProbe.Script($"x'$(touch {marker})`touch {marker}`", [$"{marker}'; touch '{marker}"]));

        Assert.True(run.Ok, run.StdErr);
        Assert.EndsWith("@@end\n", run.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "a value in the probe script was executed");
    }

    // ---- a real userspace interface ----

    private static WgInterface Desired(string name) => new()
    {
        Name = name,
        PrivateKey = WgPrivateKey.Generate(),
        ListenPort = Random.Shared.Next(40000, 60000),
        Address = [WgPrefix.Parse("10.77.0.1/24"), WgPrefix.Parse("fd77::1/64")],
        Mtu = 1420,
        Peers =
        [
            new WgPeer(WgPrivateKey.Generate().PublicKey)
            {
                Name = "laptop",
                PresharedKey = WgPresharedKey.Generate(),
                Endpoint = WgEndpoint.Parse("192.0.2.5:51820"),
                AllowedIPs = [WgPrefix.Parse("10.77.0.2/32")],
                PersistentKeepalive = 25,
            },
            new WgPeer(WgPrivateKey.Generate().PublicKey)
            {
                AllowedIPs = [WgPrefix.Parse("fd77::2/128"), WgPrefix.Parse("10.78.0.0/16")],
            },
        ],
    };

    /// <summary>Configures the running link the way wg-quick would have: wg setconf of the stripped file, addresses, MTU, up.</summary>
    private static void BringUp(ScratchNamespace ns, WgInterface config)
    {
        using var dir = new SecretTempDir();
        var stripped = dir.Write("stripped.conf", WgConfigWriter.Write(config, WgSecretMode.Include, strip: true));
        ns.Check(ns.Exec(["wg", "setconf", config.Name!, stripped]), "wg setconf");
        foreach (var address in config.Address)
            ns.Check(ns.Exec(["ip", "address", "add", address.ToString(), "dev", config.Name!]), $"ip address add {address}");
        ns.Check(ns.Exec(["ip", "link", "set", "mtu", config.Mtu!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), "up", "dev", config.Name!]), "ip link set up");
    }

    private static Dictionary<string, string> GatewayFiles(WgInterface config, string? text = null) => new()
    {
        [config.Name + ".conf"] = text ?? WgConfigWriter.Write(config, WgSecretMode.Include),
        [config.Name + ".key"] = config.PrivateKey!.Reveal() + "\n",
    };

    private static string Probe(string name) => GatewayProbe.Script(name);

    private static GatewayState ParseProbe(SandboxRun run)
    {
        Assert.True(run.Ok, $"the probe failed ({run.ExitCode}): {run.StdErr}");
        var state = GatewayProbe.Parse(run.StdOut);
        // No wg-quick@ unit runs this link in the sandbox, whatever the host runs.
        state.HasSystemd = false;
        return state;
    }

    private static void AssertNoSecrets(string text, WgInterface config)
    {
        Assert.False(text.Contains(config.PrivateKey!.Reveal(), StringComparison.Ordinal), "the private key left the gateway");
        foreach (var peer in config.Peers.Where(p => p.PresharedKey is not null))
            Assert.False(text.Contains(peer.PresharedKey!.Reveal(), StringComparison.Ordinal), "a preshared key left the gateway");
    }

    [SkippableFact]
    public void ProbeReadsARealInterfaceAndAnUnchangedGatewayNeedsNoChange()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "wg-quick", "sha256sum");
        using var ns = ScratchNamespace.Create("wgadm-probe");
        var desired = Desired(UniqueName("wgp"));
        var name = desired.Name!;
        ns.StartWireGuardGo(name);
        BringUp(ns, desired);
        var text = WgConfigWriter.Write(desired, WgSecretMode.Include);

        var run = GatewaySandbox.Run(ns, GatewayFiles(desired), Probe(name))[0];

        AssertNoSecrets(run.StdOut, desired);
        var state = ParseProbe(run);
        Assert.True(state.ConfigExists);
        Assert.Equal("600", state.ConfigMode);
        // The hash the probe takes on the gateway: the file without its PrivateKey line.
        Assert.Equal(RemoteOracle.Sha256Hex(string.Concat(text.Split('\n').SkipLast(1).Where(l => !l.StartsWith("PrivateKey = ", StringComparison.Ordinal)).Select(l => l + "\n"))), state.ConfigHash);
        Assert.Equal(desired.PublicKey!.ToString(), state.ConfigPublicKey);
        Assert.Equal(desired.PublicKey!.ToString(), state.KeyFilePublicKey);
        var config = Assert.IsType<WgInterface>(state.Config);
        Assert.Null(config.PrivateKey);
        Assert.Equal(desired.Address, config.Address);
        Assert.Equal(desired.Peers.Select(p => p.PublicKey), config.Peers.Select(p => p.PublicKey));
        Assert.All(config.Peers, p => Assert.Null(p.PresharedKey));

        Assert.True(state.LinkExists);
        Assert.Equal(1420, state.LinkMtu);
        Assert.Equal(desired.PublicKey!.ToString(), state.LivePublicKey);
        Assert.Equal(desired.ListenPort, state.LiveListenPort);
        Assert.Contains("10.77.0.1/24", state.LiveAddresses);
        Assert.Contains("fd77::1/64", state.LiveAddresses);
        Assert.Equal(2, state.LivePeers.Count);
        var laptop = state.LivePeers.Single(p => p.PublicKey == desired.Peers[0].PublicKey.ToString());
        Assert.True(laptop.HasPresharedKey);
        Assert.Equal("192.0.2.5:51820", laptop.Endpoint);
        Assert.Equal(["10.77.0.2/32"], laptop.AllowedIPs);
        Assert.Equal(25, laptop.PersistentKeepalive);
        var other = state.LivePeers.Single(p => p.PublicKey == desired.Peers[1].PublicKey.ToString());
        Assert.False(other.HasPresharedKey);
        Assert.Null(other.Endpoint);
        Assert.Equal(["10.78.0.0/16", "fd77::2/128"], other.AllowedIPs.Order(StringComparer.Ordinal));
        Assert.Null(other.PersistentKeepalive);

        var plan = GatewayPlanner.Plan("sandbox", desired, name, state, new ApplyOptions());
        Assert.True(plan.IsEmpty, plan.ToString());
    }

    [SkippableFact]
    public void APlanAppliedForRealConverges()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "wg-quick", "sha256sum");
        using var ns = ScratchNamespace.Create("wgadm-apply");
        var current = Desired(UniqueName("wga"));
        var name = current.Name!;
        ns.StartWireGuardGo(name);
        BringUp(ns, current);
        var currentText = WgConfigWriter.Write(current, WgSecretMode.Include);

        // Peer B goes, peer C comes with new networks, an address is added: all live, no restart.
        var wanted = current.Clone();
        wanted.Address = [.. current.Address, WgPrefix.Parse("10.77.1.1/24")];
        wanted.Peers =
        [
            current.Peers[0].Clone(),
            new WgPeer(WgPrivateKey.Generate().PublicKey) { AllowedIPs = [WgPrefix.Parse("10.79.0.0/24"), WgPrefix.Parse("fd79::/64")] },
        ];
        var before = ParseProbe(GatewaySandbox.Run(ns, GatewayFiles(current), Probe(name))[0]);
        var plan = GatewayPlanner.Plan("sandbox", wanted, name, before, new ApplyOptions());
        Assert.Equal(["WriteConfig", "UpdateLive"], plan.Steps.Select(s => s.Action));
        Assert.Null(plan.RestartReason);

        var runs = GatewaySandbox.Run(ns, GatewayFiles(current),
            GatewayExecutor.Script(plan),
            Probe(name),
            $"stat -c %a /etc/wireguard/{name}.conf.wgadmin-bak; sha256sum < /etc/wireguard/{name}.conf.wgadmin-bak | cut -d' ' -f1");

        Assert.True(runs[0].Ok, $"applying the plan failed ({runs[0].ExitCode}): {runs[0].StdErr}");
        Assert.EndsWith("@@end\n", runs[0].StdOut, StringComparison.Ordinal);
        var after = ParseProbe(runs[1]);
        var again = GatewayPlanner.Plan("sandbox", wanted, name, after, new ApplyOptions());
        Assert.True(again.IsEmpty, $"after applying, the plan is still: {again}");
        // The previous file was kept, private.
        var backup = runs[2].StdOut.Split('\n');
        Assert.Equal("600", backup[0]);
        Assert.Equal(RemoteOracle.Sha256Hex(currentText), backup[1]);

        // The link itself: peers, addresses and routes as wanted.
        var peers = ns.Exec(["wg", "show", name, "allowed-ips"]).StdOut;
        Assert.DoesNotContain(current.Peers[1].PublicKey.ToString(), peers, StringComparison.Ordinal);
        Assert.Contains(wanted.Peers[1].PublicKey.ToString(), peers, StringComparison.Ordinal);
        Assert.Contains("10.77.1.1/24", ns.Exec(["ip", "-o", "address", "show", "dev", name]).StdOut, StringComparison.Ordinal);
        Assert.Contains("10.79.0.0/24", ns.Exec(["ip", "-4", "route", "show", "dev", name]).StdOut, StringComparison.Ordinal);
        Assert.Contains("fd79::/64", ns.Exec(["ip", "-6", "route", "show", "dev", name]).StdOut, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ARemoteKeyConfigGetsTheGatewaysOwnKeyOnTheGateway()
    {
        GatewaySandbox.Require("wg", "sha256sum");
        using var ns = ScratchNamespace.Create("wgadm-key");
        var name = UniqueName("wgk");
        var gatewayKey = WgPrivateKey.Generate();
        var desired = new WgInterface
        {
            Name = name,
            PublicKey = gatewayKey.PublicKey,
            ListenPort = 51820,
            Address = [WgPrefix.Parse("10.66.0.1/24")],
            Peers = [new WgPeer(WgPrivateKey.Generate().PublicKey) { PresharedKey = WgPresharedKey.Generate(), AllowedIPs = [WgPrefix.Parse("10.66.0.2/32")] }],
        };
        var keyFile = new Dictionary<string, string> { [name + ".key"] = gatewayKey.Reveal() + "\n" };
        var fresh = ParseProbe(GatewaySandbox.Run(ns, keyFile, Probe(name))[0]);
        Assert.Equal(gatewayKey.PublicKey.ToString(), fresh.KeyFilePublicKey);
        var plan = GatewayPlanner.Plan("sandbox", desired, name, fresh, new ApplyOptions());
        var write = plan.Steps.Single(s => s.Action == "WriteConfig");

        var runs = GatewaySandbox.Run(ns, keyFile,
            GatewayExecutor.Script(name, [write]),
            Probe(name),
            $"stat -c %a /etc/wireguard/{name}.conf; cat /etc/wireguard/{name}.conf");

        Assert.True(runs[0].Ok, $"writing the config failed ({runs[0].ExitCode}): {runs[0].StdErr}");
        var text = WgConfigWriter.Write(desired, WgSecretMode.Include);
        var lines = text.Split('\n');
        var expected = lines[0] + "\n" + $"PrivateKey = {gatewayKey.Reveal()}\n" + string.Join('\n', lines[1..]);
        var written = runs[2].StdOut;
        Assert.StartsWith("600\n", written, StringComparison.Ordinal);
        Assert.True(expected == written["600\n".Length..], "the written file is not the config with the gateway's key after [Interface]");
        var after = ParseProbe(runs[1]);
        Assert.Equal(gatewayKey.PublicKey.ToString(), after.ConfigPublicKey);
        Assert.DoesNotContain(GatewayPlanner.Plan("sandbox", desired, name, after, new ApplyOptions()).Steps, s => s.Action == "WriteConfig");
    }

    [SkippableFact]
    public void APublicKeyOnlyInterfaceKeepsTheKeyOfTheGatewaysConfig()
    {
        // A topology file exported without secrets, re-applied where the key was pushed in the config.
        GatewaySandbox.Require("wg", "sha256sum", "sed");
        using var ns = ScratchNamespace.Create("wgadm-key");
        var name = UniqueName("wgk");
        var gatewayKey = WgPrivateKey.Generate();
        var current = new WgInterface
        {
            Name = name,
            PrivateKey = gatewayKey,
            ListenPort = 51820,
            Address = [WgPrefix.Parse("10.66.0.1/24")],
            Peers = [new WgPeer(WgPrivateKey.Generate().PublicKey) { AllowedIPs = [WgPrefix.Parse("10.66.0.2/32")] }],
        };
        var desired = current.Clone();
        desired.PrivateKey = null;
        desired.PublicKey = gatewayKey.PublicKey;
        desired.ListenPort = 51821;
        var files = new Dictionary<string, string> { [name + ".conf"] = WgConfigWriter.Write(current, WgSecretMode.Include) };
        var before = ParseProbe(GatewaySandbox.Run(ns, files, Probe(name))[0]);
        Assert.Null(before.KeyFilePublicKey);
        var write = GatewayPlanner.Plan("sandbox", desired, name, before, new ApplyOptions()).Steps.Single(s => s.Action == "WriteConfig");
        Assert.DoesNotContain(gatewayKey.Reveal(), write.Script, StringComparison.Ordinal);

        var runs = GatewaySandbox.Run(ns, files, GatewayExecutor.Script(name, [write]), Probe(name), $"cat /etc/wireguard/{name}.conf");

        Assert.True(runs[0].Ok, $"writing the config failed ({runs[0].ExitCode}): {runs[0].StdErr}");
        var written = WgConfigParser.Parse(runs[2].StdOut, name);
        Assert.Equal(gatewayKey.PublicKey, written.PublicKey);
        Assert.Equal(51821, written.ListenPort);
        var after = ParseProbe(runs[1]);
        Assert.DoesNotContain(GatewayPlanner.Plan("sandbox", desired, name, after, new ApplyOptions()).Steps, s => s.Action == "WriteConfig");
    }

    [SkippableFact]
    public void RemoteKeyGenerationMakesOneKeyAndKeepsIt()
    {
        GatewaySandbox.Require("wg");
        using var ns = ScratchNamespace.Create("wgadm-key");
        var name = UniqueName("wgk");
        var script = RemoteKeys.GenerateScript(name, installManager: null);
        RemoteOracle.AssertSyntax(script, "bash");

        var runs = GatewaySandbox.Run(ns, new Dictionary<string, string>(),
            script,
            script,
            $"stat -c %a /etc/wireguard/{name}.key; cat /etc/wireguard/{name}.key",
            "export PATH=/nonexistent\n" + script);

        Assert.True(runs[0].Ok, runs[0].StdErr);
        Assert.True(runs[1].Ok, runs[1].StdErr);
        var key = WgPrivateKey.Parse(runs[2].StdOut.Split('\n')[1]);
        Assert.Equal("600", runs[2].StdOut.Split('\n')[0]);
        Assert.Equal($"created=yes\npubkey={key.PublicKey}\n@@end\n", runs[0].StdOut);
        Assert.Equal($"pubkey={key.PublicKey}\n@@end\n", runs[1].StdOut);
        Assert.Equal(3, runs[3].ExitCode);
        Assert.StartsWith("@@error not-installed wg is not installed", runs[3].StdOut, StringComparison.Ordinal);
        // No temporary file is left beside the key, whatever happened.
        Assert.Equal("", GatewaySandbox.Run(ns, new Dictionary<string, string>(), "ls -A /etc/wireguard | grep -v '\\.key$' || true")[0].StdOut);
    }

    [SkippableFact]
    public void StatusScriptRedactsOnTheGatewayAndParses()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "awk");
        using var ns = ScratchNamespace.Create("wgadm-status");
        var desired = Desired(UniqueName("wgs"));
        var name = desired.Name!;
        ns.StartWireGuardGo(name);
        BringUp(ns, desired);
        var down = new WgInterface { Name = UniqueName("wgd"), PrivateKey = WgPrivateKey.Generate(), ListenPort = 51999, Address = [WgPrefix.Parse("10.55.0.1/24")] };
        var files = new Dictionary<string, string>
        {
            [name + ".conf"] = WgConfigWriter.Write(desired, WgSecretMode.Include),
            [down.Name + ".conf"] = WgConfigWriter.Write(down, WgSecretMode.Include),
        };

        var run = GatewaySandbox.Run(ns, files, InterfaceStatusReader.Script())[0];

        Assert.True(run.Ok, run.StdErr);
        AssertNoSecrets(run.StdOut, desired);
        Assert.DoesNotContain(down.PrivateKey!.Reveal(), run.StdOut, StringComparison.Ordinal);
        var statuses = InterfaceStatusReader.Parse(run.StdOut, "sandbox");
        var up = statuses.Single(s => s.Name == name);
        Assert.True(up.IsUp);
        Assert.Equal("sandbox", up.ComputerName);
        Assert.Equal(desired.PublicKey!.ToString(), up.PublicKey);
        Assert.Equal(desired.ListenPort, up.ListenPort);
        Assert.Equal($"/etc/wireguard/{name}.conf", up.ConfigPath);
        Assert.Equal(2, up.Peers.Count);
        var laptop = up.Peers.Single(p => p.PublicKey == desired.Peers[0].PublicKey.ToString());
        Assert.Equal("laptop", laptop.Name);
        Assert.True(laptop.HasPresharedKey);
        Assert.Equal("192.0.2.5:51820", laptop.Endpoint);
        Assert.Null(laptop.LatestHandshake);
        Assert.Null(laptop.HandshakeAge);
        Assert.Equal(25, laptop.PersistentKeepalive);
        var offline = statuses.Single(s => s.Name == down.Name);
        Assert.False(offline.IsUp);
        Assert.Empty(offline.Peers);
        Assert.Equal(51999, offline.ListenPort);
        Assert.Equal([WgPrefix.Parse("10.55.0.1/24")], offline.Config!.Address);

        // The local redaction equals the remote awk, line for line, on the real dump.
        var raw = ns.Exec(["wg", "show", "all", "dump"]);
        Assert.True(raw.Ok, raw.StdErr);
        var ours = raw.StdOut.Split('\n').Where(l => l.StartsWith(name + "\t", StringComparison.Ordinal)).Select(InterfaceStatusReader.RedactLine).ToArray();
        var theirs = run.StdOut.Split('\n').Where(l => l.StartsWith(name + "\t", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, ours.Length);
        // wireguard-go lists peers in no fixed order from one dump to the next.
        Assert.Equal(theirs.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public void MetricsScriptReadsTheRealCountersWithoutAKey()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "awk");
        using var ns = ScratchNamespace.Create("wgadm-metrics");
        var desired = Desired(UniqueName("wgm"));
        var name = desired.Name!;
        ns.StartWireGuardGo(name);
        BringUp(ns, desired);
        // The peer's name as a hand-edited file could have it: quotes and a backslash.
        var named = WgConfigWriter.Write(desired, WgSecretMode.Include).Replace("# Name = laptop", "# Name = lap\"top\\", StringComparison.Ordinal);

        var runs = GatewaySandbox.Run(ns, new Dictionary<string, string> { [name + ".conf"] = named }, MetricsReader.Script([]), MetricsReader.Script([name, "wgnone"]));

        foreach (var run in runs)
        {
            Assert.True(run.Ok, run.StdErr);
            AssertNoSecrets(run.StdOut, desired);
        }
        var all = MetricsReader.Parse(runs[0].StdOut, "sandbox", []);
        var up = all.Single(s => s.Name == name);
        Assert.Equal(2, up.Peers.Count);
        Assert.Equal("lap\"top\\", up.Peers.Single(p => p.PublicKey == desired.Peers[0].PublicKey.ToString()).Name);
        var named2 = MetricsReader.Parse(runs[1].StdOut, "sandbox", [name, "wgnone"]);
        Assert.Equal([name, "wgnone"], named2.Select(s => s.Name));
        Assert.False(named2[1].IsUp);
        var text = MetricsWriter.Build([new GatewayMetrics("sandbox", all, [], 0.01)]).ToString();
        Assert.Contains($"wireguard_sent_bytes_total{{computer_name=\"sandbox\",interface=\"{name}\",public_key=\"{desired.Peers[0].PublicKey}\",allowed_ips=\"10.77.0.2/32\",friendly_name=\"lap\\\"top\\\\\"}} 0\n", text, StringComparison.Ordinal);
        if (Tool.FindOnPath("promtool") is not null)
            Assert.True(Tool.Run("promtool", ["check", "metrics"], stdin: text).Ok, text);
    }
}

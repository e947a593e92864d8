using System.Text.RegularExpressions;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// GatewayPlanner.Plan, PlanRemoval and PlanNatRemoval as pure functions of a GatewayState and a
/// desired interface. "Converged" states are built the way a gateway ends up after its first plan
/// ran: every file the plan writes, hashed as the probe hashes it (the config without its
/// PrivateKey line), the service enabled and active, the live peers equal to the config.
/// </summary>
public partial class GatewayPlannerTests
{
    private const string Name = "wg0";
    private static readonly WgPrivateKey Own = WgPrivateKey.Generate();
    private static readonly WgPresharedKey Psk = WgPresharedKey.Generate();
    private static readonly WgPublicKey PeerA = WgPrivateKey.Generate().PublicKey;
    private static readonly WgPublicKey PeerB = WgPrivateKey.Generate().PublicKey;
    private static readonly WgPublicKey PeerC = WgPrivateKey.Generate().PublicKey;
    private static readonly WgPrivateKey GatewayKey = WgPrivateKey.Generate();

    private static WgInterface Desired(Action<WgInterface>? change = null)
    {
        var config = new WgInterface
        {
            Name = Name,
            PrivateKey = Own,
            ListenPort = 51820,
            Address = [WgPrefix.Parse("10.8.0.1/24")],
            Mtu = 1420,
            Peers =
            [
                new WgPeer(PeerA)
                {
                    Name = "laptop",
                    PresharedKey = Psk,
                    Endpoint = WgEndpoint.Parse("198.51.100.7:51820"),
                    AllowedIPs = [WgPrefix.Parse("10.8.0.2/32")],
                    PersistentKeepalive = 25,
                },
                new WgPeer(PeerB) { AllowedIPs = [WgPrefix.Parse("10.8.0.3/32"), WgPrefix.Parse("192.168.50.0/24")] },
            ],
        };
        change?.Invoke(config);
        return config;
    }

    /// <summary>The same interface with its key generated on the gateway: public key only.</summary>
    private static WgInterface RemoteKeyed(Action<WgInterface>? change = null)
    {
        var config = Desired(change);
        config.PrivateKey = null;
        config.PublicKey = GatewayKey.PublicKey;
        return config;
    }

    private static GatewayState Fresh(bool wireGuard = true, bool systemd = true, string os = "debian", params string[] tools)
    {
        var state = new GatewayState { HasSystemd = systemd, IsRoot = true, Ipv4Forwarding = "0", Ipv6Forwarding = "0" };
        state.OsRelease["ID"] = os;
        foreach (var tool in tools.Length > 0 ? tools : ["ip", "iptables", "sysctl", "sha256sum", "systemctl", "resolvconf"])
            state.Tools.Add(tool);
        if (wireGuard)
        {
            state.Tools.Add("wg");
            state.Tools.Add("wg-quick");
        }
        return state;
    }

    private static ApplyOptions Everything(FirewallBackend backend = FirewallBackend.Iptables, bool twoWay = false) => new()
    {
        EnableForwarding = true,
        Masquerade = "eth0",
        TwoWayNat = twoWay,
        Firewall = backend,
    };

    private static GatewayPlan Plan(WgInterface? desired, GatewayState state, ApplyOptions? options = null) =>
        GatewayPlanner.Plan("gw1", desired, Name, state, options ?? new ApplyOptions());

    private static string[] Actions(GatewayPlan plan) => plan.Steps.Select(s => s.Action).ToArray();

    private static PlanStep Step(GatewayPlan plan, string action) => Assert.Single(plan.Steps, s => s.Action == action);

    private static string Value(PlanStep step, string name) => Assert.Single(step.Values.Values, v => v.Name == name).Value;

    [GeneratedRegex(@"^(write_file|replace_nat_script|install_dropin|write_config_with_key) ""\$([a-z_]+)"" (?:(\d+) )?.*""\$([a-z_]+)""$", RegexOptions.Multiline)]
    private static partial Regex FileWrite();

    /// <summary>
    /// The files a step writes: path, mode and the exact text of each (a value of the step; with
    /// write_config_with_key the text the gateway's key is put into).
    /// </summary>
    private static List<(string Path, string Mode, string Body)> Writes(PlanStep step)
    {
        var paths = HostPaths.For(Name).Values.ToDictionary(v => v.Name, v => v.Value);
        var texts = step.Values.Values.ToDictionary(v => v.Name, v => v.Value);
        var found = new List<(string, string, string)>();
        foreach (Match write in FileWrite().Matches(step.Script))
        {
            var mode = write.Groups[1].Value switch { "replace_nat_script" => "700", "install_dropin" => "644", "write_config_with_key" => "600", _ => write.Groups[3].Value };
            Assert.True(paths.ContainsKey(write.Groups[2].Value), $"{step.Action} writes to ${write.Groups[2].Value}, which is not a path of the interface");
            found.Add((paths[write.Groups[2].Value], mode, texts[write.Groups[4].Value]));
        }
        return found;
    }

    /// <summary>What the probe's `grep -v '^PrivateKey = ' | sha256sum` gives for a config file.</summary>
    private static string ProbeHash(string fileText) =>
        RemoteOracle.Sha256Hex(string.Concat(fileText.Split('\n').SkipLast(1).Where(l => !l.StartsWith("PrivateKey = ", StringComparison.Ordinal)).Select(l => l + "\n")));

    /// <summary>What the probe's conftext section holds: the file without private and preshared key lines.</summary>
    private static string ProbeText(string fileText) =>
        string.Concat(fileText.Split('\n').SkipLast(1).Where(l => !Regex.IsMatch(l, @"^\s*(private|preshared)\s*key\s*=", RegexOptions.IgnoreCase)).Select(l => l + "\n"));

    /// <summary>A gateway as it is after the first plan for <paramref name="desired"/> has run.</summary>
    private static GatewayState Converged(WgInterface desired, ApplyOptions? options = null, bool systemd = true)
    {
        options ??= new ApplyOptions();
        var remoteKey = desired.PrivateKey is null;
        GatewayState Start()
        {
            var state = Fresh(systemd: systemd);
            if (remoteKey)
                state.KeyFilePublicKey = desired.PublicKey!.ToString();
            return state;
        }

        var first = GatewayPlanner.Plan("gw1", desired, Name, Start(), options);
        var converged = Start();
        foreach (var step in first.Steps)
        {
            foreach (var (path, mode, body) in Writes(step))
            {
                if (path == HostPaths.Config(Name))
                {
                    Assert.Equal("600", mode);
                    converged.ConfigExists = true;
                    converged.ConfigMode = "600";
                    converged.ConfigHash = ProbeHash(body);
                    converged.ConfigPublicKey = desired.PublicKey!.ToString();
                    converged.Config = WgConfigParser.Parse(ProbeText(body));
                }
                else
                {
                    converged.ManagedFileHashes[path] = RemoteOracle.Sha256Hex(body);
                }
            }
        }
        converged.ServiceEnabled = systemd ? "enabled" : "";
        converged.ServiceActive = systemd ? "active" : "";
        converged.LinkExists = true;
        converged.LinkMtu = desired.Mtu ?? 1420;
        converged.LivePublicKey = desired.PublicKey!.ToString();
        converged.LiveListenPort = desired.ListenPort;
        converged.LiveAddresses.AddRange(desired.Address.Select(a => a.ToString()));
        foreach (var peer in desired.Peers)
            converged.LivePeers.Add(new LivePeer(peer.PublicKey.ToString(), peer.HasPresharedKey, peer.Endpoint?.ToString(),
                peer.AllowedIPs.Select(a => a.ToNetwork().ToString()).ToArray(), 0, 0, 0, peer.PersistentKeepalive is 0 ? null : peer.PersistentKeepalive));
        converged.Ipv4Forwarding = "1";
        converged.Ipv6Forwarding = "1";
        converged.RedirectsOn = 0;
        converged.NatRulesPresent = options.Masquerade is not null ? true : null;
        converged.MapRulesPresent = desired.PrefixMappings.Length > 0 ? true : null;
        return converged;
    }

    // ---- installation ----

    [Fact]
    public void WithoutWireGuardAndWithoutInstallPackageNothingIsPlanned()
    {
        var error = Assert.Throws<WgException>(() => Plan(Desired(), Fresh(wireGuard: false)));
        Assert.Equal(WgErrorId.WireGuardNotInstalled, error.ErrorId);
        Assert.Equal("gw1", error.Errors[0].Offender);
        Assert.Contains("-InstallPackage", error.Message, StringComparison.Ordinal);

        // NAT alone needs the tools too; forwarding alone does not.
        Assert.Equal(WgErrorId.WireGuardNotInstalled, Assert.Throws<WgException>(() =>
            Plan(null, Fresh(wireGuard: false), new ApplyOptions { ManageInterface = false, Masquerade = "eth0" })).ErrorId);
        var forwarding = Plan(null, Fresh(wireGuard: false), new ApplyOptions { ManageInterface = false, EnableForwarding = true });
        Assert.Equal(["PersistForwarding", "EnableForwarding"], Actions(forwarding));
    }

    [Fact]
    public void ChangedDownHooksRunUnderTheOldConfigBeforeItIsReplaced()
    {
        var running = Desired(c => { c.PostUp = ["iptables -A FORWARD -i %i -j ACCEPT"]; c.PostDown = ["iptables -D FORWARD -i %i -j ACCEPT"]; });
        var plan = Plan(Desired(), Converged(running));
        Assert.Equal(["StopForHooks", "WriteConfig", "RestartService"], Actions(plan));
        Assert.Equal("systemctl stop \"wg-quick@$name\"", plan.Steps[0].Script);
        // Up hooks added to a config without down hooks: nothing to undo, a plain restart.
        Assert.DoesNotContain("StopForHooks", Actions(Plan(running, Converged(Desired()))));
    }

    [Fact]
    public void DnsWithoutResolvconfIsRefusedBeforeAnythingOrInstallsOpenresolv()
    {
        var withDns = Desired(c => c.Dns = [System.Net.IPAddress.Parse("114.114.114.114"), System.Net.IPAddress.Parse("8.8.8.8")]);
        string[] noResolvconf = ["ip", "iptables", "sysctl", "sha256sum", "systemctl"];
        var error = Assert.Throws<WgException>(() => Plan(withDns, Fresh(tools: noResolvconf)));
        Assert.Equal(WgErrorId.ResolvconfMissing, error.ErrorId);
        Assert.Contains("-InstallPackage", error.Message, StringComparison.Ordinal);

        var install = Plan(withDns, Fresh(tools: noResolvconf), new ApplyOptions { InstallPackage = true });
        Assert.Equal("InstallResolvconf", Actions(install)[0]);
        Assert.Equal("install_resolvconf apt", install.Steps[0].Script);

        // With resolvconf there (openresolv, or systemd-resolved's), nothing is installed; without DNS = nothing is needed.
        Assert.DoesNotContain("InstallResolvconf", Actions(Plan(withDns, Fresh())));
        Assert.DoesNotContain("InstallResolvconf", Actions(Plan(Desired(), Fresh(tools: noResolvconf))));
    }

    [Theory]
    [InlineData("debian", "install_wireguard apt")]
    [InlineData("ubuntu", "install_wireguard apt")]
    [InlineData("fedora", "install_wireguard dnf")]
    [InlineData("rocky", "install_wireguard dnf")]
    [InlineData("alpine", "install_wireguard apk")]
    public void InstallPackageIsTheFirstStep(string os, string command)
    {
        var plan = Plan(Desired(), Fresh(wireGuard: false, os: os), new ApplyOptions { InstallPackage = true });

        Assert.Equal(["InstallPackage", "WriteConfig", "EnableService", "StartService"], Actions(plan));
        Assert.Equal(command, plan.Steps[0].Script);
    }

    [Fact]
    public void InstallPackageOnAnUnknownSystemIsRefused()
    {
        var error = Assert.Throws<WgException>(() => Plan(Desired(), Fresh(wireGuard: false, os: "arch"), new ApplyOptions { InstallPackage = true }));

        Assert.Equal(WgErrorId.UnsupportedOperatingSystem, error.ErrorId);
    }

    [Fact]
    public void InstallPackageIsSkippedWhereWireGuardIs()
    {
        Assert.DoesNotContain("InstallPackage", Actions(Plan(Desired(), Fresh(), new ApplyOptions { InstallPackage = true })));
    }

    // ---- a fresh host ----

    [Fact]
    public void AFreshHostGetsTheConfigAndARunningService()
    {
        var desired = Desired();
        var plan = Plan(desired, Fresh());

        Assert.Equal(["WriteConfig", "EnableService", "StartService"], Actions(plan));
        Assert.Equal("systemctl enable -q \"wg-quick@$name\"", Step(plan, "EnableService").Script);
        Assert.Equal("systemctl start \"wg-quick@$name\"", Step(plan, "StartService").Script);
        Assert.Null(plan.RestartReason);
        var (path, mode, body) = Assert.Single(Writes(Step(plan, "WriteConfig")));
        Assert.Equal(("/etc/wireguard/wg0.conf", "600"), (path, mode));
        Assert.Equal(WgConfigWriter.Write(desired, WgSecretMode.Include), body);
        Assert.DoesNotContain(".wgadmin-bak)", Step(plan, "WriteConfig").Description, StringComparison.Ordinal);
        Assert.Empty(plan.Notes);
    }

    [Fact]
    public void WithoutSystemdTheInterfaceIsStartedWithWgQuickAndANote()
    {
        var plan = Plan(Desired(), Fresh(systemd: false));

        Assert.Equal(["WriteConfig", "StartInterface"], Actions(plan));
        Assert.Equal("wg-quick up \"$name\" >/dev/null", Step(plan, "StartInterface").Script);
        Assert.Contains(plan.Notes, n => n.Contains("no systemd", StringComparison.Ordinal) && n.Contains("wg-quick up", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutRootCommandsGoThroughSudo()
    {
        var state = Converged(Desired());
        state.IsRoot = false;

        var plan = Plan(Desired(), state);

        Assert.True(plan.IsEmpty);
        Assert.Contains(plan.Notes, n => n.Contains("sudo -n", StringComparison.Ordinal));
    }

    // ---- no change ----

    public static TheoryData<string> ConvergedCases => new()
    {
        "interface", "interface+forwarding+nat(iptables)", "interface+forwarding+nat(nftables)", "interface+nat(two-way)",
        "ipv6", "remote-key", "table", "no-systemd",
    };

    private static (WgInterface Desired, ApplyOptions Options, bool Systemd) ConvergedCase(string name) => name switch
    {
        "interface" => (Desired(), new ApplyOptions(), true),
        "interface+forwarding+nat(iptables)" => (Desired(), Everything(), true),
        "interface+forwarding+nat(nftables)" => (Desired(), Everything(FirewallBackend.Nftables), true),
        "interface+nat(two-way)" => (Desired(), Everything(FirewallBackend.Auto, twoWay: true), true),
        "ipv6" => (Desired(c => c.Address = [.. c.Address, WgPrefix.Parse("fd00:8::1/64")]), Everything(), true),
        "remote-key" => (RemoteKeyed(), Everything(), true),
        "table" => (Desired(c => c.Table = "1234"), new ApplyOptions(), true),
        "no-systemd" => (Desired(), Everything(), false),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ConvergedCases))]
    public void AGatewayThatHasWhatIsWantedNeedsNoChange(string name)
    {
        var (desired, options, systemd) = ConvergedCase(name);
        var state = Converged(desired, options, systemd);

        var plan = Plan(desired, state, options);

        Assert.True(plan.IsEmpty, plan.ToString());
        Assert.Null(plan.RestartReason);
        Assert.Equal("gw1 (wg0): no change", plan.ToString());
    }

    // ---- one thing differs ----

    public static TheoryData<string, string[]> Drifts => new()
    {
        { "config mode 644", ["WriteConfig", "UpdateLive"] },
        { "config edited by hand", ["WriteConfig", "UpdateLive"] },
        { "config holds another key", ["WriteConfig", "UpdateLive"] },
        { "service disabled", ["EnableService"] },
        { "service stopped, link gone", ["StartService"] },
        { "forwarding off at runtime", ["EnableForwarding"] },
        { "an interface sends redirects", ["EnableForwarding"] },
        { "redirects unread", ["EnableForwarding"] },
        { "sysctl file edited", ["PersistForwarding", "EnableForwarding"] },
        { "nat rules missing", ["ApplyNatRules"] },
        { "nat script edited", ["WriteNatRules", "ApplyNatRules"] },
        { "nat drop-in gone", ["PersistNatRules"] },
        { "live peer missing", ["SyncPeers"] },
        { "live port differs", ["SyncPeers"] },
        { "live keepalive differs", ["SyncPeers"] },
        { "live psk differs", ["SyncPeers"] },
        { "live allowed ips differ", ["SyncPeers"] },
    };

    [Theory]
    [MemberData(nameof(Drifts))]
    public void EachDriftGetsItsOwnStep(string drift, string[] expected)
    {
        var desired = Desired();
        var options = Everything();
        var state = Converged(desired, options);
        LivePeer Live(int i) => state.LivePeers[i];
        switch (drift)
        {
            case "config mode 644": state.ConfigMode = "644"; break;
            case "config edited by hand": state.ConfigHash = new string('0', 64); break;
            case "config holds another key": state.ConfigPublicKey = PeerC.ToString(); break;
            case "service disabled": state.ServiceEnabled = "disabled"; break;
            case "service stopped, link gone": state.ServiceActive = "inactive"; state.LinkExists = false; break;
            case "forwarding off at runtime": state.Ipv4Forwarding = "0"; break;
            case "an interface sends redirects": state.RedirectsOn = 1; break;
            case "redirects unread": state.RedirectsOn = null; break;
            case "sysctl file edited": state.ManagedFileHashes[HostPaths.Sysctl(Name)] = new string('1', 64); break;
            case "nat rules missing": state.NatRulesPresent = false; break;
            case "nat script edited": state.ManagedFileHashes.Remove(HostPaths.NatScript(Name)); break;
            case "nat drop-in gone": state.ManagedFileHashes.Remove(HostPaths.NatDropIn(Name)); break;
            case "live peer missing": state.LivePeers.RemoveAt(1); break;
            case "live port differs": state.LiveListenPort = 51821; break;
            case "live keepalive differs": state.LivePeers[0] = Live(0) with { PersistentKeepalive = null }; break;
            case "live psk differs": state.LivePeers[0] = Live(0) with { HasPresharedKey = false }; break;
            case "live allowed ips differ": state.LivePeers[1] = Live(1) with { AllowedIPs = ["10.8.0.3/32"] }; break;
            default: throw new ArgumentException(drift);
        }

        var plan = Plan(desired, state, options);

        Assert.Equal(expected, Actions(plan));
        Assert.Null(plan.RestartReason);
        Assert.DoesNotContain("RestartService", Actions(plan));
    }

    [Fact]
    public void StepScriptsForDrift()
    {
        var desired = Desired();
        var state = Converged(desired, Everything());
        state.NatRulesPresent = false;
        state.Ipv4Forwarding = "0";
        state.LivePeers.RemoveAt(0);
        state.ServiceEnabled = "disabled";

        var plan = Plan(desired, state, Everything());

        Assert.Equal("sysctl -q -p \"$sysctl_file\"", Step(plan, "EnableForwarding").Script);
        Assert.Equal("\"$nat_script\" up", Step(plan, "ApplyNatRules").Script);
        Assert.Equal("sync_peers \"$name\"\nreset_peers \"$name\" \"$keepalive_off\" \"$psk_off\"", Step(plan, "SyncPeers").Script);
        Assert.Equal("systemctl enable -q \"wg-quick@$name\"", Step(plan, "EnableService").Script);
    }

    [Fact]
    public void ALinkUpOutsideSystemdIsRestartedUnderIt()
    {
        var desired = Desired();
        var state = Converged(desired);
        state.ServiceActive = "inactive";

        var plan = Plan(desired, state);

        Assert.Equal(["StartService"], Actions(plan));
        Assert.Equal("wg0 was up outside systemd", plan.RestartReason);
        Assert.Equal("stop_interface \"$name\"\nsystemctl start \"wg-quick@$name\"", plan.Steps[0].Script);
        Assert.Contains("[restart: wg0 was up outside systemd]", plan.ToString(), StringComparison.Ordinal);
    }

    // ---- live changes ----

    [Fact]
    public void APeerChangeOnARunningServiceIsLive()
    {
        var current = Desired();
        var state = Converged(current);
        var desired = Desired(c => c.Peers =
        [
            c.Peers[0],
            new WgPeer(PeerC) { AllowedIPs = [WgPrefix.Parse("10.8.0.4/32"), WgPrefix.Parse("10.9.0.0/24"), WgPrefix.Parse("fd00:9::/64")] },
        ]);

        var plan = Plan(desired, state);

        Assert.Equal(["WriteConfig", "UpdateLive"], Actions(plan));
        Assert.Null(plan.RestartReason);
        Assert.Contains("(previous kept as .wgadmin-bak)", Step(plan, "WriteConfig").Description, StringComparison.Ordinal);
        var step = Step(plan, "UpdateLive");
        var live = step.Script.Split('\n');
        Assert.Equal("10.8.0.4/32\n10.9.0.0/24\nfd00:9::/64", Value(step, "live_add_routes"));
        Assert.Equal("10.8.0.3/32\n192.168.50.0/24", Value(step, "live_del_routes"));
        Assert.Equal("", Value(step, "live_table"));
        Assert.DoesNotContain(live, l => l.StartsWith("update_addresses", StringComparison.Ordinal) || l.StartsWith("ip link", StringComparison.Ordinal));
        // Routes are added after peers are synced.
        Assert.True(Array.FindIndex(live, l => l.StartsWith("sync_peers", StringComparison.Ordinal)) < Array.FindIndex(live, l => l.StartsWith("update_routes", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("1234", "1234")]
    [InlineData("auto", "")]
    [InlineData(null, "")]
    public void RoutesGoToTheInterfacesTable(string? table, string routeTable)
    {
        var current = Desired(c => c.Table = table);
        var desired = Desired(c =>
        {
            c.Table = table;
            c.Peers = [.. c.Peers, new WgPeer(PeerC) { AllowedIPs = [WgPrefix.Parse("10.9.0.0/24")] }];
        });

        var plan = Plan(desired, Converged(current));

        Assert.Equal("10.9.0.0/24", Value(Step(plan, "UpdateLive"), "live_add_routes"));
        Assert.Equal(routeTable, Value(Step(plan, "UpdateLive"), "live_table"));
    }

    [Fact]
    public void WithTableOffNoRoutesAreTouched()
    {
        var current = Desired(c => c.Table = "off");
        var desired = Desired(c =>
        {
            c.Table = "off";
            c.Peers = [.. c.Peers, new WgPeer(PeerC) { AllowedIPs = [WgPrefix.Parse("10.9.0.0/24")] }];
        });

        var plan = Plan(desired, Converged(current));

        Assert.DoesNotContain("route", Step(plan, "UpdateLive").Script, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAddressChangeIsLive()
    {
        var state = Converged(Desired());
        var desired = Desired(c => c.Address = [WgPrefix.Parse("10.8.1.1/24"), WgPrefix.Parse("fd00:8::1/64")]);

        var plan = Plan(desired, state);

        Assert.Equal(["WriteConfig", "UpdateLive"], Actions(plan));
        Assert.Null(plan.RestartReason);
        var step = Step(plan, "UpdateLive");
        Assert.StartsWith("update_addresses \"$name\" \"$live_add_addresses\" \"$live_del_addresses\"\n", step.Script, StringComparison.Ordinal);
        Assert.Equal("10.8.1.1/24\nfd00:8::1/64", Value(step, "live_add_addresses"));
        Assert.Equal("10.8.0.1/24", Value(step, "live_del_addresses"));
    }

    [Fact]
    public void AnMtuChangeIsLive()
    {
        var state = Converged(Desired());
        var plan = Plan(Desired(c => c.Mtu = 1380), state);

        Assert.Null(plan.RestartReason);
        Assert.Contains("ip link set mtu \"$live_mtu\" dev \"$name\"", Step(plan, "UpdateLive").Script.Split('\n'));
        Assert.Equal("1380", Value(Step(plan, "UpdateLive"), "live_mtu"));
    }

    [Fact]
    public void AFwMarkChangeWithoutADefaultRouteIsLive()
    {
        var plan = Plan(Desired(c => c.FwMark = 0x51), Converged(Desired()));

        Assert.Null(plan.RestartReason);
        Assert.Equal(["WriteConfig", "UpdateLive"], Actions(plan));
    }

    // ---- restarts ----

    public static TheoryData<string, string> RestartCases => new()
    {
        { "PostUp added", "hooks changed" },
        { "PreDown added", "hooks changed" },
        { "DNS server added", "DNS changed" },
        { "DNS search domain added", "DNS changed" },
        { "Table set", "Table changed" },
        { "SaveConfig on", "SaveConfig changed" },
        { "MTU removed", "MTU returns to automatic" },
        { "default route added", "a default route (/0) was added or removed" },
        { "FwMark with default route", "FwMark changed with a default route" },
    };

    [Theory]
    [MemberData(nameof(RestartCases))]
    public void WhatOnlyWgQuickCanApplyRestartsTheService(string change, string reason)
    {
        var current = change == "FwMark with default route"
            ? Desired(c => c.Peers[1].AllowedIPs = [.. c.Peers[1].AllowedIPs, WgPrefix.Parse("0.0.0.0/0")])
            : Desired();
        var desired = Desired(c =>
        {
            switch (change)
            {
                case "PostUp added": c.PostUp = ["iptables -A FORWARD -i %i -j ACCEPT"]; break;
                case "PreDown added": c.PreDown = ["echo bye"]; break;
                case "DNS server added": c.Dns = [IPAddressOf("10.8.0.53")]; break;
                case "DNS search domain added": c.DnsSearch = ["lab.example"]; break;
                case "Table set": c.Table = "off"; break;
                case "SaveConfig on": c.SaveConfig = true; break;
                case "MTU removed": c.Mtu = null; break;
                case "default route added": c.Peers[1].AllowedIPs = [.. c.Peers[1].AllowedIPs, WgPrefix.Parse("0.0.0.0/0")]; break;
                case "FwMark with default route":
                    c.Peers[1].AllowedIPs = [.. c.Peers[1].AllowedIPs, WgPrefix.Parse("0.0.0.0/0")];
                    c.FwMark = 0x51;
                    break;
            }
        });

        var plan = Plan(desired, Converged(current));

        Assert.Equal(["WriteConfig", "RestartService"], Actions(plan));
        Assert.Contains(reason, plan.RestartReason, StringComparison.Ordinal);
        Assert.Equal("systemctl restart \"wg-quick@$name\"", Step(plan, "RestartService").Script);
        Assert.Contains(reason, Step(plan, "RestartService").Description, StringComparison.Ordinal);
    }

    private static System.Net.IPAddress IPAddressOf(string text) => System.Net.IPAddress.Parse(text);

    [Fact]
    public void ACurrentConfigThatDoesNotParseIsReplacedWithARestart()
    {
        var state = Converged(Desired());
        state.Config = null;
        state.ConfigParseError = "line 3: bad";
        state.ConfigHash = new string('0', 64);

        var plan = Plan(Desired(), state);

        Assert.Equal(["WriteConfig", "RestartService"], Actions(plan));
        Assert.Equal("the current config does not parse", plan.RestartReason);
    }

    [Fact]
    public void WithoutSystemdARestartIsWgQuickDownAndUp()
    {
        var state = Converged(Desired(), systemd: false);

        var plan = Plan(Desired(c => c.PostUp = ["echo up"]), state);

        Assert.Equal(["WriteConfig", "RestartService"], Actions(plan));
        Assert.Equal("wg-quick down \"$name\" >/dev/null\nwg-quick up \"$name\" >/dev/null", Step(plan, "RestartService").Script);
    }

    // ---- keys generated on the gateway ----

    [Fact]
    public void ARemoteKeyInterfaceNeedsTheKeyFileOfItsPublicKey()
    {
        var missing = Assert.Throws<WgException>(() => Plan(RemoteKeyed(), Fresh()));
        Assert.Equal(WgErrorId.RemoteKeyMismatch, missing.ErrorId);
        Assert.Contains("/etc/wireguard/wg0.key", missing.Message, StringComparison.Ordinal);

        var state = Fresh();
        state.KeyFilePublicKey = PeerC.ToString();
        var other = Assert.Throws<WgException>(() => Plan(RemoteKeyed(), state));
        Assert.Equal(WgErrorId.RemoteKeyMismatch, other.ErrorId);
        Assert.Contains(PeerC.ToString(), other.Message, StringComparison.Ordinal);
        Assert.Contains(GatewayKey.PublicKey.ToString(), other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARemoteKeyConfigIsCompletedOnTheGateway()
    {
        var state = Fresh();
        state.KeyFilePublicKey = GatewayKey.PublicKey.ToString();
        var desired = RemoteKeyed();

        var plan = Plan(desired, state);

        var step = Step(plan, "WriteConfig");
        var script = step.Script;
        Assert.Equal("backup_config \"$conf\"\nwrite_config_with_key \"$conf\" \"$(cat \"$key_file\")\" \"$config_text\"\ndrop_old_key \"$conf\"", script);
        Assert.DoesNotMatch(KeyValueLine(), Value(step, "config_text"));
        Assert.DoesNotContain(GatewayKey.Reveal(), Value(step, "config_text"), StringComparison.Ordinal);
        var (_, _, body) = Assert.Single(Writes(step));
        Assert.Equal(WgConfigWriter.Write(desired, WgSecretMode.Include), body);
    }

    [Fact]
    public void APublicKeyOnlyInterfaceKeepsTheKeyOfTheGatewaysConfigWhenItMatches()
    {
        // A topology file without secrets: the key was pushed in the config, there is no NAME.key.
        var state = Fresh();
        state.ConfigExists = true;
        state.ConfigPublicKey = GatewayKey.PublicKey.ToString();
        var desired = RemoteKeyed();

        var step = Step(Plan(desired, state), "WriteConfig");

        Assert.Equal("backup_config \"$conf\"\nwrite_config_with_key \"$conf\" \"$(private_key_of \"$conf\")\" \"$config_text\"\ndrop_old_key \"$conf\"", step.Script);
        Assert.DoesNotMatch(KeyValueLine(), Value(step, "config_text"));

        state.ConfigPublicKey = PeerC.ToString();
        Assert.Equal(WgErrorId.RemoteKeyMismatch, Assert.Throws<WgException>(() => Plan(desired, state)).ErrorId);
    }

    [Fact]
    public void AKeepaliveOrPresharedKeyDroppedFromARunningPeerIsClearedAfterTheSync()
    {
        // wg syncconf keeps what the file no longer mentions; without the explicit clear the peer never converges.
        var running = Desired();
        var state = Converged(running);
        var desired = Desired(c =>
        {
            c.Peers[0].PersistentKeepalive = null;
            c.Peers[0].PresharedKey = null;
        });

        var live = Step(Plan(desired, state), "UpdateLive");

        Assert.Contains("reset_peers \"$name\" \"$keepalive_off\" \"$psk_off\"", live.Script.Split('\n'));
        Assert.Equal(PeerA.ToString(), Value(live, "keepalive_off"));
        Assert.Equal(PeerA.ToString(), Value(live, "psk_off"));
        // A keepalive the file still wants is set by the sync itself, not cleared.
        var drifted = Converged(running);
        drifted.LivePeers[0] = drifted.LivePeers[0] with { PersistentKeepalive = null };
        Assert.Equal("", Value(Step(Plan(Desired(), drifted), "SyncPeers"), "keepalive_off"));
    }

    [Fact]
    public void AnInterfaceWithNoKeyAtAllIsRefused()
    {
        var desired = Desired();
        desired.PrivateKey = null;

        Assert.Equal(WgErrorId.InvalidInterfaceForApply, Assert.Throws<WgException>(() => Plan(desired, Fresh())).ErrorId);
    }

    [GeneratedRegex(@"PrivateKey\s*=\s*[A-Za-z0-9+/]{42,43}=")]
    private static partial Regex KeyValueLine();

    // ---- forwarding and NAT ----

    [Fact]
    public void ForwardingIsPersistedThenEnabled()
    {
        var plan = Plan(null, Fresh(), new ApplyOptions { ManageInterface = false, EnableForwarding = true, IPv6 = true });

        Assert.Equal(["PersistForwarding", "EnableForwarding"], Actions(plan));
        var (path, mode, body) = Assert.Single(Writes(Step(plan, "PersistForwarding")));
        Assert.Equal(("/etc/sysctl.d/90-wgadmin-wg0.conf", "644"), (path, mode));
        Assert.Contains("net.ipv4.ip_forward = 1\n", body, StringComparison.Ordinal);
        Assert.Contains("net.ipv6.conf.all.forwarding = 1\n", body, StringComparison.Ordinal);
        // While the tunnel is down, LAN hosts must not be redirected to the default router.
        Assert.Contains("net.ipv4.conf.all.send_redirects = 0\n", body, StringComparison.Ordinal);
        Assert.Contains("net.ipv4.conf.*.send_redirects = 0\n", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void IPv6FollowsTheInterfaceUnlessSaid(bool ipv6Address, bool expectIpv6)
    {
        var desired = Desired(c =>
        {
            if (ipv6Address)
                c.Peers[1].AllowedIPs = [.. c.Peers[1].AllowedIPs, WgPrefix.Parse("fd00:50::/64")];
        });

        var plan = Plan(desired, Fresh(), Everything());

        var sysctl = Writes(Step(plan, "PersistForwarding"))[0].Body;
        var nat = Writes(Step(plan, "WriteNatRules"))[0].Body;
        Assert.Equal(expectIpv6, sysctl.Contains("net.ipv6.conf.all.forwarding", StringComparison.Ordinal));
        Assert.Equal(Firewall.Script(new NatSpec(Name, "eth0", false, expectIpv6), FirewallBackend.Iptables), nat);
        // Said explicitly, it wins.
        var forced = Plan(desired, Fresh(), Everything() with { IPv6 = !expectIpv6 });
        Assert.Equal(!expectIpv6, Writes(Step(forced, "PersistForwarding"))[0].Body.Contains("ipv6", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "nft" }, false, false, FirewallBackend.Nftables)]
    [InlineData(new[] { "nft", "iptables" }, true, false, FirewallBackend.Nftables)]
    [InlineData(new[] { "nft", "iptables" }, false, false, FirewallBackend.Iptables)]
    [InlineData(new[] { "iptables" }, false, false, FirewallBackend.Iptables)]
    [InlineData(new string[0], false, false, FirewallBackend.Iptables)]
    // Docker's FORWARD policy DROP: an nftables accept would not get past it.
    [InlineData(new[] { "nft", "iptables" }, true, true, FirewallBackend.Iptables)]
    [InlineData(new[] { "iptables" }, false, true, FirewallBackend.Iptables)]
    public void AutoPicksTheFirewallTheGatewayUses(string[] tools, bool iptablesIsNft, bool forwardDrop, FirewallBackend expected)
    {
        var state = Fresh(tools: ["ip", .. tools]);
        state.IptablesIsNft = iptablesIsNft;
        state.IptablesForwardDrop = forwardDrop;

        var plan = Plan(null, state, new ApplyOptions { ManageInterface = false, Masquerade = "eth0", Firewall = FirewallBackend.Auto });

        Assert.Equal(["WriteNatRules", "PersistNatRules", "ApplyNatRules"], Actions(plan));
        var (path, mode, body) = Assert.Single(Writes(Step(plan, "WriteNatRules")));
        Assert.Equal(("/etc/wireguard/wgadmin/wg0-nat", "700"), (path, mode));
        Assert.Equal(Firewall.Script(new NatSpec(Name, "eth0", false, false), expected), body);
        Assert.Contains(expected.ToString().ToLowerInvariant(), Step(plan, "WriteNatRules").Description, StringComparison.Ordinal);
    }

    [Fact]
    public void ClampMssTurnedOnOrOffRewritesTheNatScriptAndAConvergedClampIsNoChange()
    {
        var desired = Desired();
        var clamped = Everything() with { ClampMss = true };
        var state = Converged(desired, Everything());

        var on = Plan(desired, state, clamped);

        Assert.Equal(["WriteNatRules", "ApplyNatRules"], Actions(on));
        Assert.Contains("MSS clamped", Step(on, "WriteNatRules").Description, StringComparison.Ordinal);
        Assert.Equal(Firewall.Script(new NatSpec(Name, "eth0", false, false, ClampMss: true), FirewallBackend.Iptables), Writes(Step(on, "WriteNatRules"))[0].Body);
        Assert.True(Plan(desired, Converged(desired, clamped), clamped).IsEmpty);
        // Off again: the script without the clamp, whose "up" takes the mangle chain away.
        var off = Plan(desired, Converged(desired, clamped), Everything());
        Assert.Equal(["WriteNatRules", "ApplyNatRules"], Actions(off));
        Assert.DoesNotContain("MSS", Step(off, "WriteNatRules").Description, StringComparison.Ordinal);
    }

    [Fact]
    public void NatRulesFollowTheServiceThroughADropIn()
    {
        var plan = Plan(null, Fresh(), new ApplyOptions { ManageInterface = false, Masquerade = "eth0" });

        var (path, mode, body) = Assert.Single(Writes(Step(plan, "PersistNatRules")));
        Assert.Equal(("/etc/systemd/system/wg-quick@wg0.service.d/50-wgadmin.conf", "644"), (path, mode));
        Assert.Contains("\n[Service]\nExecStartPost=/etc/wireguard/wgadmin/wg0-nat up\nExecStopPost=-/etc/wireguard/wgadmin/wg0-nat down\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutSystemdNatRulesAreAppliedWithANote()
    {
        var plan = Plan(null, Fresh(systemd: false), new ApplyOptions { ManageInterface = false, Masquerade = "eth0" });

        Assert.Equal(["WriteNatRules", "ApplyNatRules"], Actions(plan));
        Assert.Contains(plan.Notes, n => n.Contains("not re-applied at boot", StringComparison.Ordinal));
    }

    // ---- removal ----

    private static GatewayState Installed(bool systemd = true, string active = "active", string enabled = "enabled")
    {
        var state = Converged(Desired(), Everything(), systemd);
        state.ServiceActive = systemd ? active : "";
        state.ServiceEnabled = systemd ? enabled : "";
        state.KeyFilePublicKey = Own.PublicKey.ToString();
        return state;
    }

    [Fact]
    public void RemovalUndoesEverythingInOrder()
    {
        var plan = GatewayPlanner.PlanRemoval("gw1", Name, Installed(), removeKey: true);

        Assert.Equal(["StopService", "RemoveNatRules", "UnhookNatRules", "RemoveForwarding", "RemoveConfig", "RemoveKey"], Actions(plan));
        Assert.Equal("systemctl disable -q --now \"wg-quick@$name\"", Step(plan, "StopService").Script);
        Assert.Equal("remove_nat_script \"$nat_script\"", Step(plan, "RemoveNatRules").Script);
        Assert.Equal("remove_dropin \"$dropin_file\"", Step(plan, "UnhookNatRules").Script);
        Assert.Equal("rm -f \"$sysctl_file\"", Step(plan, "RemoveForwarding").Script);
        Assert.Equal("retire_config \"$conf\"", Step(plan, "RemoveConfig").Script);
        // The key goes with every copy of it: the backup, and the private key line of the kept config (run in LiveGatewayTests).
        Assert.Equal("forget_private_key \"$key_file\" \"$conf\"", Step(plan, "RemoveKey").Script);
    }

    [Fact]
    public void RemovalKeepsTheKeyUnlessAsked()
    {
        Assert.DoesNotContain("RemoveKey", Actions(GatewayPlanner.PlanRemoval("gw1", Name, Installed(), removeKey: false)));
    }

    [Fact]
    public void RemovalWithoutSystemdTakesTheLinkDown()
    {
        var plan = GatewayPlanner.PlanRemoval("gw1", Name, Installed(systemd: false), removeKey: false);

        Assert.Equal(["StopInterface", "RemoveNatRules", "RemoveForwarding", "RemoveConfig"], Actions(plan));
        Assert.Equal("stop_interface \"$name\"", Step(plan, "StopInterface").Script);
    }

    [Fact]
    public void RemovalOfAnEnabledButStoppedServiceWithALinkUpDoesBoth()
    {
        var plan = GatewayPlanner.PlanRemoval("gw1", Name, Installed(active: "inactive"), removeKey: false);

        Assert.Equal(["StopService", "StopInterface"], Actions(plan).Take(2));
    }

    [Fact]
    public void RemovalOfNothingIsEmpty()
    {
        Assert.True(GatewayPlanner.PlanRemoval("gw1", Name, Fresh(), removeKey: true).IsEmpty);
        Assert.True(GatewayPlanner.PlanNatRemoval("gw1", Name, Fresh()).IsEmpty);
    }

    [Fact]
    public void NatRemovalTakesOnlyTheNatFiles()
    {
        var plan = GatewayPlanner.PlanNatRemoval("gw1", Name, Installed());

        Assert.Equal(["RemoveNatRules", "UnhookNatRules"], Actions(plan));
    }

    // ---- every plan: secrets and syntax ----

    public static TheoryData<string> PlanScenarios => new()
    {
        "fresh", "fresh+install+everything", "fresh no systemd", "peers changed", "address changed", "hooks changed",
        "converged drifted", "remote key fresh", "remote key peers changed", "removal", "nat removal",
    };

    private static GatewayPlan Scenario(string name)
    {
        var withPeerC = Desired(c => c.Peers = [.. c.Peers, new WgPeer(PeerC) { PresharedKey = WgPresharedKey.Generate(), AllowedIPs = [WgPrefix.Parse("10.9.0.0/24")] }]);
        switch (name)
        {
            case "fresh": return Plan(Desired(), Fresh());
            case "fresh+install+everything": return Plan(Desired(), Fresh(wireGuard: false), Everything() with { InstallPackage = true });
            case "fresh no systemd": return Plan(Desired(), Fresh(systemd: false), Everything());
            case "peers changed": return Plan(withPeerC, Converged(Desired(), Everything()), Everything());
            case "address changed": return Plan(Desired(c => c.Address = [WgPrefix.Parse("10.8.9.1/24")]), Converged(Desired()));
            case "hooks changed": return Plan(Desired(c => c.PostUp = ["echo up"]), Converged(Desired()));
            case "converged drifted":
                var state = Converged(Desired(), Everything());
                state.LivePeers.Clear();
                state.NatRulesPresent = false;
                return Plan(Desired(), state, Everything());
            case "remote key fresh":
                var fresh = Fresh();
                fresh.KeyFilePublicKey = GatewayKey.PublicKey.ToString();
                return Plan(RemoteKeyed(), fresh, Everything());
            case "remote key peers changed":
                var remote = RemoteKeyed(c => c.Peers = [.. c.Peers, new WgPeer(PeerC) { AllowedIPs = [WgPrefix.Parse("10.9.0.0/24")] }]);
                return Plan(remote, Converged(RemoteKeyed(), Everything()), Everything());
            case "removal": return GatewayPlanner.PlanRemoval("gw1", Name, Installed(), removeKey: true);
            case "nat removal": return GatewayPlanner.PlanNatRemoval("gw1", Name, Installed());
            default: throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(PlanScenarios))]
    public void SecretsTravelOnlyInsideTheConfigValue(string scenario)
    {
        var plan = Scenario(scenario);
        string[] secrets = [Own.Reveal(), Psk.Reveal()];

        Assert.NotEmpty(plan.Steps);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, plan.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(plan.Notes, n => n.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, plan.RestartReason ?? "", StringComparison.Ordinal);
        }
        foreach (var step in plan.Steps)
        {
            foreach (var secret in secrets)
                Assert.False(step.Description.Contains(secret, StringComparison.Ordinal), $"{step.Action}'s description holds a key");
            if (step.Action != "WriteConfig")
            {
                foreach (var secret in secrets)
                {
                    Assert.False(step.Script.Contains(secret, StringComparison.Ordinal), $"{step.Action} holds a key in its script");
                    Assert.False(step.Values.Prelude().Contains(secret, StringComparison.Ordinal), $"{step.Action} holds a key in its values");
                }
                continue;
            }
            // WriteConfig: the keys are in the config's value (the prelude, on standard input), never in the step's commands.
            foreach (var secret in secrets)
                Assert.False(step.Script.Contains(secret, StringComparison.Ordinal), "WriteConfig holds a key outside its value");
            Assert.Equal(["config_text"], step.Values.Values.Select(v => v.Name));
            if (scenario.StartsWith("remote key", StringComparison.Ordinal))
                Assert.DoesNotMatch(KeyValueLine(), Value(step, "config_text"));
            else
                Assert.Contains($"PrivateKey = {Own.Reveal()}\n", Value(step, "config_text"), StringComparison.Ordinal);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(PlanScenarios))]
    public void EveryPlanIsValidBash(string scenario)
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        RemoteOracle.AssertSyntax(GatewayExecutor.Script(Scenario(scenario)), "bash");
    }

    [Fact]
    public void ManagedFilesAreTheOnesWgAdminWrites()
    {
        Assert.Equal(["/etc/sysctl.d/90-wgadmin-wg0.conf", "/etc/wireguard/wgadmin/wg0-nat", "/etc/systemd/system/wg-quick@wg0.service.d/50-wgadmin.conf",
            "/etc/wireguard/wgadmin/wg0-map", "/etc/systemd/system/wg-quick@wg0.service.d/60-wgadmin-map.conf",
            "/etc/wireguard/wgadmin/wg0-reresolve", "/etc/systemd/system/wgadmin-reresolve-wg0.service", "/etc/systemd/system/wgadmin-reresolve-wg0.timer",
            "/etc/cron.d/wgadmin-reresolve-wg0"],
            HostPaths.Managed("wg0"));
    }

    [Fact]
    public void AnActiveServiceWhoseLinkIsGoneIsRestarted()
    {
        // wg-quick@ is a oneshot unit: it stays "active" after `ip link del wg0`; syncing would fail forever.
        var desired = Desired();
        var state = Converged(desired);
        state.LinkExists = false;

        var plan = Plan(desired, state);

        Assert.Equal(["RestartService"], Actions(plan));
        Assert.Contains("does not exist", plan.RestartReason);
    }
}

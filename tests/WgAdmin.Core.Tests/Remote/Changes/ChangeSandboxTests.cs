using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Changes made for real in the sandbox (GatewaySandbox: a scratch network namespace, private
/// /etc/wireguard, /var/lib and /run/wgadmin) with a userspace link: a step that fails after the
/// others ran leaves the host as its snapshot was, files and live link alike; a change that
/// succeeds leaves no snapshot; a pending change blocks the next one until it is undone.
/// </summary>
public class ChangeSandboxTests
{
    private static WgInterface Config(string name) => new()
    {
        Name = name,
        PrivateKey = WgPrivateKey.Generate(),
        ListenPort = Random.Shared.Next(40000, 60000),
        Address = [WgPrefix.Parse("10.66.0.1/24")],
        Mtu = 1420,
        Peers =
        [
            new WgPeer(WgPrivateKey.Generate().PublicKey)
            {
                PresharedKey = WgPresharedKey.Generate(),
                Endpoint = WgEndpoint.Parse("192.0.2.9:51820"),
                AllowedIPs = [WgPrefix.Parse("10.66.0.2/32"), WgPrefix.Parse("10.67.0.0/24")],
                PersistentKeepalive = 25,
            },
        ],
    };

    private static void BringUp(ScratchNamespace ns, WgInterface config)
    {
        using var dir = new SecretTempDir();
        var stripped = dir.Write("stripped.conf", WgConfigWriter.Write(config, WgSecretMode.Include, strip: true));
        ns.Check(ns.Exec(["wg", "setconf", config.Name!, stripped]), "wg setconf");
        ns.Check(ns.Exec(["ip", "address", "add", "10.66.0.1/24", "dev", config.Name!]), "ip address add");
        ns.Check(ns.Exec(["ip", "link", "set", "mtu", "1420", "up", "dev", config.Name!]), "ip link set up");
        ns.Check(ns.Exec(["ip", "route", "add", "10.67.0.0/24", "dev", config.Name!]), "ip route add");
    }

    /// <summary>What a restore must bring back: files, the live WireGuard config, addresses, routes, MTU.</summary>
    private static string StateScript(string name) =>
        $"cd /etc/wireguard; for f in {name}.conf {name}.conf.wgadmin-bak; do if [ -e $f ]; then echo \"$f $(sha256sum < $f | cut -c1-16) $(stat -c %a $f)\"; else echo \"$f absent\"; fi; done\n" +
        $"wg showconf {name} | sha256sum | cut -c1-16\nip -o addr show dev {name} | awk '{{print $4}}'\nip route show dev {name}\ncat /sys/class/net/{name}/mtu\n" +
        "ls -A /var/lib/wgadmin 2>/dev/null | grep -v last-revert || true\n";

    private static Dictionary<string, string> Files(WgInterface config) => new()
    {
        [config.Name + ".conf"] = WgConfigWriter.Write(config, WgSecretMode.Include),
    };

    private static GatewayState ParseProbe(SandboxRun run)
    {
        Assert.True(run.Ok, $"the probe failed ({run.ExitCode}): {run.StdErr}");
        var state = GatewayProbe.Parse(run.StdOut);
        state.HasSystemd = false;
        return state;
    }

    /// <summary>A live change of <paramref name="current"/>: an address added, its peer replaced (WriteConfig, UpdateLive).</summary>
    private static (WgInterface Wanted, GatewayPlan Plan) LiveChange(ScratchNamespace ns, WgInterface current)
    {
        var name = current.Name!;
        var wanted = current.Clone();
        wanted.Address = [.. current.Address, WgPrefix.Parse("10.66.1.1/24")];
        wanted.Peers = [new WgPeer(WgPrivateKey.Generate().PublicKey) { AllowedIPs = [WgPrefix.Parse("10.68.0.0/24"), WgPrefix.Parse("10.66.0.7/32")] }];
        var state = ParseProbe(GatewaySandbox.Run(ns, Files(current), GatewayProbe.Script(name))[0]);
        var plan = GatewayPlanner.Plan("sandbox", wanted, name, state, new ApplyOptions());
        Assert.Equal(["WriteConfig", "UpdateLive"], plan.Steps.Select(s => s.Action));
        return (wanted, plan);
    }

    private static (ScratchNamespace Ns, WgInterface Current) Gateway()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "wg-quick", "sha256sum", "flock");
        var ns = ScratchNamespace.Create("wgadm-change");
        var current = Config("wgc" + RemoteOracle.RandomSuffix());
        ns.StartWireGuardGo(current.Name!);
        BringUp(ns, current);
        return (ns, current);
    }

    [SkippableFact]
    public void AStepFailingAfterTheOthersRanLeavesTheHostAsItWas()
    {
        var (ns, current) = Gateway();
        using var _ = ns;
        var (_, plan) = LiveChange(ns, current);
        var failing = new GatewayPlan { ComputerName = "sandbox", InterfaceName = current.Name! };
        failing.Steps.AddRange(plan.Steps);
        failing.Steps.Add(new PlanStep("Fail", "a step that fails", "echo 'this step fails' >&2\nfalse"));

        var runs = GatewaySandbox.Run(ns, Files(current), StateScript(current.Name!), GatewayExecutor.Script(failing), StateScript(current.Name!));

        Assert.False(runs[1].Ok, "the failing change reported success");
        Assert.Contains("@@rolledback ok", runs[1].StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("@@restore-diff", runs[1].StdOut, StringComparison.Ordinal);
        Assert.Equal(runs[0].StdOut, runs[2].StdOut);
        Assert.DoesNotContain(current.PrivateKey!.Reveal(), runs[1].StdOut + runs[1].StdErr, StringComparison.Ordinal);
    }

    /// <summary>The mapping's rules and files, as a restore must bring them back (none before a first apply).</summary>
    private static string MapState(string name) =>
        $"iptables-save -t nat 2>/dev/null | grep -c -- '^-A WGADMIN-MP[IO]-{name} .*-j NETMAP' || true\nnft list table ip wgadmin_map_{name} 2>/dev/null | grep -c 'prefix to' || true\nls /etc/wireguard/wgadmin 2>/dev/null || true\n";

    [SkippableTheory]
    [InlineData(FirewallBackend.Iptables)]
    [InlineData(FirewallBackend.Nftables)]
    public void APrefixMappingIsRolledBackWithAFailedChangeAppliedWithAGoodOneAndRemovedWithoutIt(FirewallBackend backend)
    {
        var (ns, current) = Gateway();
        using var _ = ns;
        var name = current.Name!;
        var mapped = current.Clone();
        mapped.PrefixMappings = [new WgPrefixMapping(WgPrefix.Parse("192.168.1.0/24"), WgPrefix.Parse("10.201.1.0/24"))];
        var options = new ApplyOptions { Firewall = backend };
        var state = ParseProbe(GatewaySandbox.Run(ns, Files(current), GatewayProbe.Script(name))[0]);
        Assert.Null(state.MapRulesPresent);
        var plan = GatewayPlanner.Plan("sandbox", mapped, name, state, options);
        Assert.Equal(["WriteMapRules", "ApplyMapRules"], plan.Steps.Select(s => s.Action));
        var failing = new GatewayPlan { ComputerName = "sandbox", InterfaceName = name };
        failing.Steps.AddRange(plan.Steps);
        failing.Steps.Add(new PlanStep("Fail", "a step that fails", "false"));

        var runs = GatewaySandbox.Run(ns, Files(current), MapState(name) + StateScript(name), GatewayExecutor.Script(failing), MapState(name) + StateScript(name),
            GatewayExecutor.Script(plan), MapState(name), GatewayProbe.Script(name));

        Assert.Contains("@@rolledback ok", runs[1].StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("@@restore-diff", runs[1].StdOut, StringComparison.Ordinal);
        Assert.Equal(runs[0].StdOut, runs[2].StdOut);
        Assert.StartsWith("0\n0\n", runs[2].StdOut, StringComparison.Ordinal);
        Assert.True(runs[3].Ok, runs[3].StdErr);
        Assert.Equal(backend == FirewallBackend.Iptables ? $"2\n0\n{name}-map\n" : $"0\n2\n{name}-map\n", runs[4].StdOut);
        var applied = ParseProbe(runs[5]);
        Assert.True(applied.MapRulesPresent);
        Assert.Empty(GatewayPlanner.Plan("sandbox", mapped, name, applied, options).Steps);

        // Applied again without the mapping: the rules and the script go.
        var removal = GatewayPlanner.Plan("sandbox", current, name, applied, options);
        Assert.Equal(["RemoveMapRules"], removal.Steps.Select(s => s.Action));
        var removed = GatewaySandbox.Run(ns, Files(current), GatewayExecutor.Script(plan), GatewayExecutor.Script(removal), MapState(name));
        Assert.True(removed[1].Ok, removed[1].StdErr);
        Assert.Equal("0\n0\n", removed[2].StdOut);
    }

    [SkippableFact]
    public void ForwardingTurnsRedirectsOffAndARollbackTurnsBothBack()
    {
        var (ns, current) = Gateway();
        using var _ = ns;
        var name = current.Name!;
        // A fresh namespace forwards nothing and sends redirects on every interface.
        var sysctls = "cat /proc/sys/net/ipv4/ip_forward; for f in /proc/sys/net/ipv4/conf/*/send_redirects; do echo \"$f $(cat $f)\"; done; ls /etc/sysctl.d";
        var state = ParseProbe(GatewaySandbox.Run(ns, Files(current), GatewayProbe.Script(name))[0]);
        Assert.True(state.RedirectsOn > 0, "a fresh namespace should send redirects");
        var plan = GatewayPlanner.Plan("sandbox", null, name, state, new ApplyOptions { ManageInterface = false, EnableForwarding = true });
        Assert.Equal(["PersistForwarding", "EnableForwarding"], plan.Steps.Select(s => s.Action));
        var failing = new GatewayPlan { ComputerName = "sandbox", InterfaceName = name };
        failing.Steps.AddRange(plan.Steps);
        failing.Steps.Add(new PlanStep("Fail", "a step that fails", "false"));

        var runs = GatewaySandbox.Run(ns, Files(current), sysctls, GatewayExecutor.Script(failing), sysctls, GatewayExecutor.Script(plan), sysctls, GatewayProbe.Script(name));

        Assert.Contains("@@rolledback ok", runs[1].StdOut, StringComparison.Ordinal);
        Assert.Equal(runs[0].StdOut, runs[2].StdOut);
        Assert.True(runs[3].Ok, runs[3].StdErr);
        var after = runs[4].StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("1", after[0]);
        Assert.All(after.Where(l => l.StartsWith("/proc", StringComparison.Ordinal)), l => Assert.EndsWith(" 0", l, StringComparison.Ordinal));
        Assert.Contains("lo", string.Join(' ', after), StringComparison.Ordinal);
        Assert.Equal(0, ParseProbe(runs[5]).RedirectsOn);
    }

    [SkippableFact]
    public void AFaultInjectedAtAStepRollsBackWhatTheStepsBeforeItDid()
    {
        var (ns, current) = Gateway();
        using var _ = ns;
        var (_, plan) = LiveChange(ns, current);

        var runs = GatewaySandbox.Run(ns, Files(current), StateScript(current.Name!), "printf '2 fail\\n' > /run/wgadmin/fault",
            GatewayExecutor.Script(plan), StateScript(current.Name!), "ls /run/wgadmin");

        Assert.False(runs[2].Ok, "the change with an injected fault reported success");
        var output = ScriptOutput.Read(new RemoteResult(runs[2].ExitCode, runs[2].StdOut, runs[2].StdErr, TimeSpan.Zero));
        Assert.Equal(2, output.Sections.Count(s => s.Name == "step"));
        Assert.True(ChangeScript.Outcome(output).RolledBack);
        Assert.Contains("injected fault at step 2", runs[2].StdErr, StringComparison.Ordinal);
        Assert.Equal(runs[0].StdOut, runs[3].StdOut);
        Assert.DoesNotContain("fault", runs[4].StdOut, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void AChangeThatSucceedsIsCommittedAndConverges()
    {
        var (ns, current) = Gateway();
        using var _ = ns;
        var (wanted, plan) = LiveChange(ns, current);

        var runs = GatewaySandbox.Run(ns, Files(current), GatewayExecutor.Script(plan), GatewayProbe.Script(current.Name!), "ls -A /var/lib/wgadmin; ls -A /run/wgadmin",
            $"ip -4 route show dev {current.Name}");

        Assert.True(runs[0].Ok, runs[0].StdErr);
        Assert.Contains("@@committed", runs[0].StdOut, StringComparison.Ordinal);
        var again = GatewayPlanner.Plan("sandbox", wanted, current.Name!, ParseProbe(runs[1]), new ApplyOptions());
        Assert.True(again.IsEmpty, again.ToString());
        // Only the lock file and its holder stay; no snapshot, no output files.
        Assert.Equal(["change.holder", "change.lock"], runs[2].StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        // Live equals boot: the new peer's /32 inside the interface's own subnet gets no route of its
        // own (wg-quick at boot adds none: the subnet's route covers it); its /24 elsewhere does.
        Assert.Contains("10.68.0.0/24", runs[3].StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("10.66.0.7", runs[3].StdOut, StringComparison.Ordinal);
    }

    // The sandbox's own sleepers only: other work on the machine may sleep 300 s too.
    private const string SleeperInThisNamespace =
        "for p in $(pgrep -f 'sleep 300'); do if [ \"$(readlink /proc/$p/ns/net)\" = \"$(readlink /proc/self/ns/net)\" ]; then echo $p; fi; done | grep . || echo 'no sleeper'";

    [SkippableFact]
    public void APendingChangeBlocksTheNextUntilUndoneAndUndoRestoresIt()
    {
        var (ns, current) = Gateway();
        using var _ = ns;
        var (_, plan) = LiveChange(ns, current);
        var pending = new ChangeOptions { ConfirmWithin = TimeSpan.FromMinutes(5), Station = "tester@sandbox (pid 1)" };
        var quick = new ChangeOptions { LockTimeout = TimeSpan.FromSeconds(1) };

        var runs = GatewaySandbox.Run(ns, Files(current), StateScript(current.Name!), GatewayExecutor.Script(plan, pending),
            GatewayExecutor.Script(plan, quick), ChangeControl.Script("undo", quick), StateScript(current.Name!),
            SleeperInThisNamespace, ChangeControl.Script("confirm", quick));

        Assert.True(runs[1].Ok, runs[1].StdErr);
        var outcome = ChangeScript.Outcome(ScriptOutput.Read(new RemoteResult(0, runs[1].StdOut, "", TimeSpan.Zero)));
        Assert.NotNull(outcome.PendingUntil);
        Assert.InRange(outcome.PendingUntil!.Value, DateTimeOffset.UtcNow.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(6));
        Assert.False(runs[2].Ok, "a second change went ahead while one awaited confirmation");
        Assert.Contains("@@error busy", runs[2].StdOut, StringComparison.Ordinal);
        Assert.Contains("tester@sandbox (pid 1)", runs[2].StdOut, StringComparison.Ordinal);
        Assert.True(runs[3].Ok, runs[3].StdErr);
        var undo = ChangeControl.Parse("sandbox", "undo", ScriptOutput.Read(new RemoteResult(0, runs[3].StdOut, "", TimeSpan.Zero)));
        Assert.True(undo.Found);
        Assert.True(undo.RolledBack, runs[3].StdOut);
        Assert.Equal(runs[0].StdOut, runs[4].StdOut);
        Assert.Equal("no sleeper", runs[5].StdOut.Trim());
        var confirm = ChangeControl.Parse("sandbox", "confirm", ScriptOutput.Read(new RemoteResult(0, runs[6].StdOut, "", TimeSpan.Zero)));
        Assert.False(confirm.Found);
    }
}

using System.Text;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The NAT script of Set-WgNat, for iptables and nftables: its syntax by bash and sh, and its real
/// effect in a scratch network namespace (links named like the interfaces, someone else's rules
/// already there): `up` twice changes nothing the second time, `check` tells up from down, `down`
/// removes exactly what `up` made.
/// </summary>
public class FirewallTests
{
    public static TheoryData<FirewallBackend, bool, bool> Variants()
    {
        var data = new TheoryData<FirewallBackend, bool, bool>();
        foreach (var backend in new[] { FirewallBackend.Iptables, FirewallBackend.Nftables })
            foreach (var twoWay in new[] { false, true })
                foreach (var ipv6 in new[] { false, true })
                    data.Add(backend, twoWay, ipv6);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Variants))]
    public void ScriptPassesBashAndShSyntaxChecks(FirewallBackend backend, bool twoWay, bool ipv6)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "sh");
        var script = Firewall.Script(new NatSpec("wg0", "eth0", twoWay, ipv6), backend);

        Assert.StartsWith("#!/bin/sh\n", script, StringComparison.Ordinal);
        RemoteOracle.AssertSyntax(script, "bash");
        RemoteOracle.AssertSyntax(script, "sh");
    }

    [SkippableTheory]
    [InlineData(FirewallBackend.Iptables)]
    [InlineData(FirewallBackend.Nftables)]
    public void AnUnknownActionPrintsUsageAndExits2(FirewallBackend backend)
    {
        RemoteOracle.Require(needsRoot: false, "sh");
        using var dir = new SecretTempDir();
        var path = dir.Write("nat", Firewall.Script(new NatSpec("wg0", "eth0", false, false), backend));

        foreach (var args in new[] { Array.Empty<string>(), ["bogus"], ["UP"] })
        {
            var run = Tool.Run("sh", [path, .. args]);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("usage:", run.StdErr, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void InterfaceNamesOutsideTheWgQuickAlphabetAreRefused()
    {
        // The names are word-split inside the script's rules, so only plain interface names get in.
        var hostile = "eth0'$(touch /nonexistent/x)`id`;\"";
        foreach (var spec in new[] { new NatSpec("wg0", hostile, true, false), new NatSpec(hostile, "eth0", true, false), new NatSpec("wg0", "eth 0", false, false) })
        {
            var error = Assert.Throws<WgException>(() => Firewall.Script(spec, FirewallBackend.Nftables));
            Assert.Equal(WgErrorId.InvalidInterfaceName, error.ErrorId);
        }
    }

    [Fact]
    public void InterfaceNamesReachTheScriptAsLiterals()
    {
        RemoteOracle.Require(needsRoot: false, "sh");
        var odd = "e-th=0.+_";
        var script = Firewall.Script(new NatSpec("wg0", odd, true, false), FirewallBackend.Nftables);

        var assignment = script.Split('\n').Single(l => l.StartsWith("wan=", StringComparison.Ordinal));
        var run = Tool.Run("sh", ["-c", assignment + "\nprintf %s \"$wan\""]);

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(odd, run.StdOut);
    }

    [Fact]
    public void AutoMustBeResolvedFirst()
    {
        Assert.Throws<ArgumentException>(() => Firewall.Script(new NatSpec("wg0", "eth0", false, false), FirewallBackend.Auto));
        Assert.Equal("/etc/wireguard/wgadmin/wg0-nat", HostPaths.NatScript("wg0"));
    }

    [Fact]
    public void EachInterfaceGetsItsOwnNftablesTable()
    {
        // Interface names may hold . - _ = +; two names must never share one table.
        string[] names = ["wg.0", "wg-0", "wg_0", "wg=0", "wg+0", "wg0"];

        var tables = names.Select(n => TableOf(Firewall.Script(new NatSpec(n, "eth0", false, false), FirewallBackend.Nftables))).ToArray();

        Assert.Equal(names.Length, tables.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tables, t => Assert.StartsWith("'wgadmin_", t, StringComparison.Ordinal));
    }

    private static string TableOf(string script) => script.Split('\n').Single(l => l.StartsWith("table=", StringComparison.Ordinal))["table=".Length..];

    // ---- real rules in a scratch namespace ----

    private static string[] ToolsFor(FirewallBackend backend, bool ipv6) =>
        backend == FirewallBackend.Iptables
            ? ipv6 ? ["ip", "sh", "iptables", "ip6tables"] : ["ip", "sh", "iptables"]
            : ["ip", "sh", "nft"];

    /// <summary>Rules another tool (or admin) made before WgAdmin came: they must survive untouched.</summary>
    private static void AddForeignRules(ScratchNamespace ns, FirewallBackend backend)
    {
        foreach (var t in new[] { "iptables", "ip6tables" })
        {
            if (Tool.FindOnPath(t) is null)
                continue;
            ns.Check(ns.Exec([t, "-A", "FORWARD", "-i", "eth0", "-o", "eth0", "-j", "DROP"]), $"{t} -A FORWARD");
            ns.Check(ns.Exec([t, "-t", "nat", "-A", "POSTROUTING", "-o", "eth0", "-p", "udp", "--dport", "9", "-j", "RETURN"]), $"{t} -t nat -A POSTROUTING");
        }
        if (backend == FirewallBackend.Nftables)
            ns.Check(ns.Exec(["nft", "-f", "-"], stdin: """
                table inet someone_else {
                  chain forward {
                    type filter hook forward priority 0; policy accept;
                    iifname "eth0" oifname "wg0" tcp dport 22 drop
                  }
                }

                """), "nft add foreign table");
    }

    /// <summary>Everything the namespace's firewall holds, as text.</summary>
    private static string Snapshot(ScratchNamespace ns)
    {
        var text = new StringBuilder();
        foreach (var t in new[] { "iptables", "ip6tables" })
        {
            if (Tool.FindOnPath(t) is null)
                continue;
            foreach (var table in new[] { "filter", "nat", "mangle" })
            {
                var listed = ns.Exec([t, "-t", table, "-S"]);
                ns.Check(listed, $"{t} -t {table} -S");
                text.Append($"== {t} {table}\n").Append(listed.StdOut);
            }
        }
        if (Tool.FindOnPath("nft") is not null)
        {
            var listed = ns.Exec(["nft", "list", "ruleset"]);
            ns.Check(listed, "nft list ruleset");
            text.Append("== nft\n").Append(listed.StdOut);
        }
        return text.ToString();
    }

    private static int RuleCount(string snapshot) =>
        snapshot.Split('\n').Count(l => l.StartsWith("-A ", StringComparison.Ordinal) || l.TrimStart().StartsWith("iifname", StringComparison.Ordinal) || l.TrimStart().StartsWith("oifname", StringComparison.Ordinal));

    private static ToolResult Run(ScratchNamespace ns, string scriptPath, string action) => ns.Exec(["sh", scriptPath, action]);

    [SkippableTheory]
    [MemberData(nameof(Variants))]
    public void RealRulesAreIdempotentCheckedAndRemovedExactly(FirewallBackend backend, bool twoWay, bool ipv6)
    {
        RemoteOracle.Require(needsRoot: true, ToolsFor(backend, ipv6));
        using var ns = ScratchNamespace.Create("wgadm-fw");
        ns.AddLink("wg0");
        ns.AddLink("eth0");
        AddForeignRules(ns, backend);
        using var dir = new SecretTempDir();
        var script = dir.Write("wg0-nat", Firewall.Script(new NatSpec("wg0", "eth0", twoWay, ipv6), backend));
        var before = Snapshot(ns);

        Assert.NotEqual(0, Run(ns, script, "check").ExitCode);
        var up = Run(ns, script, "up");
        Assert.True(up.Ok, $"up failed ({up.ExitCode}): {up.StdErr}");
        var afterUp = Snapshot(ns);
        var again = Run(ns, script, "up");
        Assert.True(again.Ok, $"second up failed ({again.ExitCode}): {again.StdErr}");
        var afterSecondUp = Snapshot(ns);

        // The second up changes nothing at all: no rule added twice, nothing reordered.
        Assert.Equal(RuleCount(afterUp), RuleCount(afterSecondUp));
        Assert.Equal(afterUp, afterSecondUp);
        Assert.True(RuleCount(afterUp) > RuleCount(before), afterUp);
        var check = Run(ns, script, "check");
        Assert.True(check.Ok, $"check after up failed ({check.ExitCode}): {check.StdErr}\n{afterUp}");
        // Someone else's rules are still there, unchanged and in their place.
        foreach (var line in before.Split('\n').Where(l => l.StartsWith("-A ", StringComparison.Ordinal) || l.Contains("tcp dport 22 drop", StringComparison.Ordinal)))
            Assert.Contains(line, afterUp, StringComparison.Ordinal);

        if (backend == FirewallBackend.Iptables)
            AssertIptablesRules(ns, twoWay, ipv6);
        else
            AssertNftablesRules(ns, twoWay);

        var down = Run(ns, script, "down");
        Assert.True(down.Ok, $"down failed ({down.ExitCode}): {down.StdErr}");
        var afterDown = Snapshot(ns);
        Assert.DoesNotContain("WGADMIN", afterDown, StringComparison.Ordinal);
        Assert.DoesNotContain("wgadmin_", afterDown, StringComparison.Ordinal);
        Assert.Equal(before, afterDown);
        Assert.NotEqual(0, Run(ns, script, "check").ExitCode);
        Assert.True(Run(ns, script, "down").Ok, "a second down must succeed too");
        Assert.Equal(before, Snapshot(ns));
    }

    private static void AssertIptablesRules(ScratchNamespace ns, bool twoWay, bool ipv6)
    {
        foreach (var t in ipv6 ? new[] { "iptables", "ip6tables" } : ["iptables"])
        {
            var forward = ns.Exec([t, "-S", "WGADMIN-FWD-wg0"]).StdOut.Split('\n').Where(l => l.StartsWith("-A", StringComparison.Ordinal)).ToArray();
            var nat = ns.Exec([t, "-t", "nat", "-S", "WGADMIN-NAT-wg0"]).StdOut.Split('\n').Where(l => l.StartsWith("-A", StringComparison.Ordinal)).ToArray();
            string[] expectedForward =
            [
                "-A WGADMIN-FWD-wg0 -i wg0 -j ACCEPT",
                "-A WGADMIN-FWD-wg0 -o wg0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
                .. twoWay ? ["-A WGADMIN-FWD-wg0 -i eth0 -o wg0 -j ACCEPT"] : Array.Empty<string>(),
            ];
            string[] expectedNat =
            [
                "-A WGADMIN-NAT-wg0 -o eth0 -j MASQUERADE",
                .. twoWay ? ["-A WGADMIN-NAT-wg0 -o wg0 -j MASQUERADE"] : Array.Empty<string>(),
            ];
            Assert.Equal(expectedForward, forward);
            Assert.Equal(expectedNat, nat);
            // The jumps: first in FORWARD (before the foreign DROP), once; appended to POSTROUTING, once.
            var forwardChain = ns.Exec([t, "-S", "FORWARD"]).StdOut.Split('\n').Where(l => l.StartsWith("-A", StringComparison.Ordinal)).ToArray();
            Assert.Equal("-A FORWARD -j WGADMIN-FWD-wg0", forwardChain[0]);
            Assert.Single(forwardChain, l => l.Contains("WGADMIN", StringComparison.Ordinal));
            Assert.Single(ns.Exec([t, "-t", "nat", "-S", "POSTROUTING"]).StdOut.Split('\n'), l => l == "-A POSTROUTING -j WGADMIN-NAT-wg0");
        }
        if (!ipv6 && Tool.FindOnPath("ip6tables") is not null)
            Assert.DoesNotContain("WGADMIN", ns.Exec(["ip6tables", "-S"]).StdOut, StringComparison.Ordinal);
    }

    private static void AssertNftablesRules(ScratchNamespace ns, bool twoWay)
    {
        var table = ns.Exec(["nft", "list", "table", "inet", "wgadmin_wg0"]);
        ns.Check(table, "nft list table");
        var rules = table.StdOut.Split('\n').Select(l => l.Trim()).Where(l => l.Contains("accept", StringComparison.Ordinal) || l.Contains("masquerade", StringComparison.Ordinal))
            .Where(l => !l.StartsWith("type ", StringComparison.Ordinal)).ToArray();
        string[] expected =
        [
            "iifname \"wg0\" accept",
            "oifname \"wg0\" ct state established,related accept",
            .. twoWay ? ["iifname \"eth0\" oifname \"wg0\" accept"] : Array.Empty<string>(),
            "oifname \"eth0\" masquerade",
            .. twoWay ? ["oifname \"wg0\" masquerade"] : Array.Empty<string>(),
        ];
        Assert.Equal(expected, rules);
    }

    [SkippableTheory]
    [InlineData(FirewallBackend.Iptables)]
    [InlineData(FirewallBackend.Nftables)]
    public void ClampMssRulesAreIdempotentAndGoWhenTheClampIsTurnedOff(FirewallBackend backend)
    {
        RemoteOracle.Require(needsRoot: true, ToolsFor(backend, false));
        using var ns = ScratchNamespace.Create("wgadm-fw");
        ns.AddLink("wg0");
        ns.AddLink("eth0");
        AddForeignRules(ns, backend);
        using var dir = new SecretTempDir();
        var clamped = dir.Write("wg0-nat-mss", Firewall.Script(new NatSpec("wg0", "eth0", false, false, ClampMss: true), backend));
        var plain = dir.Write("wg0-nat", Firewall.Script(new NatSpec("wg0", "eth0", false, false), backend));
        // iptables-nft leaves the built-in mangle table behind, empty, once the clamp was there: the
        // iptables backend is compared on what iptables lists.
        string State() => backend == FirewallBackend.Iptables ? Snapshot(ns).Split("== nft\n")[0] : Snapshot(ns);
        var before = State();

        Assert.True(Run(ns, plain, "up").Ok);
        var plainUp = State();
        // The clamped script's check refuses rules that have no clamp yet, so an apply adds it.
        Assert.NotEqual(0, Run(ns, clamped, "check").ExitCode);
        var up = Run(ns, clamped, "up");
        Assert.True(up.Ok, $"up failed ({up.ExitCode}): {up.StdErr}");
        var afterUp = State();
        Assert.True(Run(ns, clamped, "up").Ok);
        Assert.Equal(afterUp, State());
        Assert.True(Run(ns, clamped, "check").Ok, afterUp);
        if (backend == FirewallBackend.Iptables)
        {
            var mss = ns.Exec(["iptables", "-t", "mangle", "-S", "WGADMIN-MSS-wg0"]).StdOut.Split('\n').Where(l => l.StartsWith("-A", StringComparison.Ordinal)).ToArray();
            Assert.Equal(new[]
            {
                "-A WGADMIN-MSS-wg0 -o wg0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
                "-A WGADMIN-MSS-wg0 -i wg0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu",
            }, mss);
            Assert.Single(ns.Exec(["iptables", "-t", "mangle", "-S", "FORWARD"]).StdOut.Split('\n'), l => l == "-A FORWARD -j WGADMIN-MSS-wg0");
        }
        else
        {
            var chain = ns.Exec(["nft", "list", "chain", "inet", "wgadmin_wg0", "mss"]);
            ns.Check(chain, "nft list chain mss");
            Assert.Contains("type filter hook forward priority mangle; policy accept;", chain.StdOut, StringComparison.Ordinal);
            Assert.Equal(2, chain.StdOut.Split('\n').Count(l => l.Contains("tcp option maxseg size set rt mtu", StringComparison.Ordinal)));
            Assert.Contains("oifname \"wg0\" tcp flags syn / syn,rst tcp option maxseg size set rt mtu", chain.StdOut, StringComparison.Ordinal);
            Assert.Contains("iifname \"wg0\" tcp flags syn / syn,rst tcp option maxseg size set rt mtu", chain.StdOut, StringComparison.Ordinal);
        }

        // Applying without -ClampMss takes the clamp away and leaves the rules as they were without it.
        Assert.NotEqual(0, Run(ns, plain, "check").ExitCode);
        Assert.True(Run(ns, plain, "up").Ok);
        Assert.Equal(plainUp, State());
        Assert.True(Run(ns, clamped, "up").Ok);
        Assert.True(Run(ns, clamped, "down").Ok);
        Assert.Equal(before, State());
    }

    [SkippableFact]
    public void IptablesCheckNoticesARuleTakenAway()
    {
        RemoteOracle.Require(needsRoot: true, "ip", "sh", "iptables");
        using var ns = ScratchNamespace.Create("wgadm-fw");
        ns.AddLink("wg0");
        ns.AddLink("eth0");
        using var dir = new SecretTempDir();
        var script = dir.Write("wg0-nat", Firewall.Script(new NatSpec("wg0", "eth0", false, false), FirewallBackend.Iptables));
        Assert.True(Run(ns, script, "up").Ok);

        ns.Check(ns.Exec(["iptables", "-t", "nat", "-D", "WGADMIN-NAT-wg0", "-o", "eth0", "-j", "MASQUERADE"]), "delete our MASQUERADE");
        Assert.NotEqual(0, Run(ns, script, "check").ExitCode);
        ns.Check(ns.Exec(["iptables", "-D", "FORWARD", "-j", "WGADMIN-FWD-wg0"]), "delete our jump");
        Assert.True(Run(ns, script, "up").Ok);
        Assert.True(Run(ns, script, "check").Ok);

        // A second jump into our chain (someone copied the rule) is also a state check refuses.
        ns.Check(ns.Exec(["iptables", "-A", "FORWARD", "-j", "WGADMIN-FWD-wg0"]), "duplicate jump");
        Assert.NotEqual(0, Run(ns, script, "check").ExitCode);
        Assert.True(Run(ns, script, "down").Ok);
        Assert.DoesNotContain("WGADMIN", ns.Exec(["iptables", "-S"]).StdOut, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData(FirewallBackend.Iptables)]
    [InlineData(FirewallBackend.Nftables)]
    public void InterfacesWithSimilarNamesKeepTheirOwnRules(FirewallBackend backend)
    {
        RemoteOracle.Require(needsRoot: true, ToolsFor(backend, false));
        using var ns = ScratchNamespace.Create("wgadm-fw");
        string[] names = ["wg.0", "wg-0", "wg_0", "wg=0", "wgx0"];
        ns.AddLink("eth0");
        foreach (var name in names)
            ns.AddLink(name);
        using var dir = new SecretTempDir();
        var scripts = names.ToDictionary(n => n, n => dir.Write(n + "-nat", Firewall.Script(new NatSpec(n, "eth0", false, false), backend)));

        foreach (var name in names)
            Assert.True(Run(ns, scripts[name], "up").Ok, $"up {name}");
        foreach (var name in names)
        {
            var check = Run(ns, scripts[name], "check");
            Assert.True(check.Ok, $"check {name} failed with all of them up:\n{Snapshot(ns)}");
        }

        Assert.True(Run(ns, scripts["wg-0"], "down").Ok);

        Assert.NotEqual(0, Run(ns, scripts["wg-0"], "check").ExitCode);
        var left = Snapshot(ns);
        foreach (var name in names.Where(n => n != "wg-0"))
        {
            Assert.True(Run(ns, scripts[name], "check").Ok, $"check {name} failed after wg-0 went down:\n{left}");
            if (backend == FirewallBackend.Iptables)
            {
                Assert.Contains($"-A WGADMIN-NAT-{name} -o eth0 -j MASQUERADE", left, StringComparison.Ordinal);
            }
            else
            {
                var table = TableOf(File.ReadAllText(scripts[name])).Trim('\'');
                var listed = ns.Exec(["nft", "list", "table", "inet", table]);
                Assert.True(listed.Ok, $"table {table} of {name} is gone:\n{left}");
                Assert.Contains($"iifname \"{name}\" accept", listed.StdOut, StringComparison.Ordinal);
            }
        }
    }
}

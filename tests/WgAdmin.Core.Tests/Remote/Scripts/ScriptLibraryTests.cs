using System.Net;
using System.Text.RegularExpressions;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using WgAdmin.Topology;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The shell files under src/WgAdmin.Core/Remote/Scripts/: each is embedded, used by some script
/// WgAdmin sends or installs, and passes its shell's syntax check; the core's C# holds no script of
/// its own.
/// </summary>
public partial class ScriptLibraryTests
{
    /// <summary>Everything WgAdmin puts together from the library, through the same entry points the cmdlets use.</summary>
    private static IEnumerable<string> EverythingSent()
    {
        var desired = new WgInterface
        {
            Name = "wg0",
            PrivateKey = WgPrivateKey.Generate(),
            Address = [WgPrefix.Parse("10.8.0.1/24")],
            Peers = [new WgPeer(WgPrivateKey.Generate().PublicKey) { AllowedIPs = [WgPrefix.Parse("10.8.0.2/32")] }],
        };
        var fresh = new GatewayState { HasSystemd = true, IsRoot = true };
        fresh.Tools.UnionWith(["wg", "wg-quick", "ip", "iptables"]);
        var plan = GatewayPlanner.Plan("gw", desired, "wg0", fresh, new ApplyOptions { EnableForwarding = true, Masquerade = "eth0", Firewall = FirewallBackend.Iptables });
        var site = new WgSite("a", WgEndpoint.Parse("198.51.100.1:51820")) { LanPrefix = [WgPrefix.Parse("10.1.0.0/24")], LanAddress = IPAddress.Parse("10.1.0.1") };
        var other = new WgSite("b", WgEndpoint.Parse("198.51.100.2:51820")) { LanPrefix = [WgPrefix.Parse("10.2.0.0/24")], LanAddress = IPAddress.Parse("10.2.0.1") };
        var routes = WgLanRoutes.For(new WgTopology(WgPrefix.Parse("10.0.0.0/24"), [site, other]), "a");
        return
        [
            GatewayProbe.Script("wg0"),
            GatewayExecutor.Script(plan),
            TunnelProbe.Script("wg0", 3, [IPAddress.Loopback], null),
            InterfaceStatusReader.Script(),
            MetricsReader.Script(["wg0"]),
            WgCompletion.RemoteInterfaceScript,
            RemoteKeys.GenerateScript("wg0", "apt"),
            LanRouteScript.Script(routes, remove: false),
            GatewayLanAddress.Script(),
            Firewall.Script(new NatSpec("wg0", "eth0", true, true), FirewallBackend.Iptables),
            Firewall.Script(new NatSpec("wg0", "eth0", true, true), FirewallBackend.Nftables),
            Firewall.DropIn("wg0"),
            RotationScript.Move("gw", "wg0", WgPrivateKey.Generate().PublicKey, WgPrivateKey.Generate().PublicKey, null, new ChangeOptions()).Script,
            EndpointSync.Script("wg0", force: false, new ChangeOptions()),
            EndpointSync.InstalledScript("wg0"),
            GatewayExecutor.Script(GatewayPlanner.Plan("gw", desired, "wg0", fresh, new ApplyOptions { ReresolveEndpoint = true })),
            GatewayExecutor.Script(GatewayPlanner.PlanRemoval("gw", "wg0", new GatewayState { HasSystemd = true, ReresolveTimerActive = true }, removeKey: false)),
        ];
    }

    [Fact]
    public void EveryEmbeddedFileIsUsed()
    {
        Assert.Contains("lib.sh", ScriptLibrary.Names);
        Assert.True(ScriptLibrary.Names.Count >= 14, $"only {ScriptLibrary.Names.Count} files are embedded: {string.Join(", ", ScriptLibrary.Names)}");
        var sent = EverythingSent().ToArray();
        foreach (var name in ScriptLibrary.Names)
        {
            // A line of the file that is code (not a comment, not a placeholder) must reach some script or file WgAdmin sends.
            var line = ScriptLibrary.Text(name).Split('\n').Last(l => l.Trim().Length > 3 && !l.TrimStart().StartsWith('#') && !l.Contains('@'));
            Assert.True(sent.Any(s => s.Contains(line, StringComparison.Ordinal)), $"{name} is embedded but nothing WgAdmin sends uses it (looked for '{line}')");
        }
    }

    [SkippableFact]
    public void EveryShellFilePassesItsShellsSyntaxCheck()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "sh");
        foreach (var name in ScriptLibrary.Names.Where(n => n.EndsWith(".sh", StringComparison.Ordinal)))
        {
            var text = ScriptLibrary.Text(name);
            RemoteOracle.AssertSyntax(text, "bash");
            // Installed scripts run with /bin/sh (dash on Debian): no bash in them.
            if (text.StartsWith("#!/bin/sh\n", StringComparison.Ordinal))
                RemoteOracle.AssertSyntax(text, "sh");
        }
        foreach (var script in EverythingSent())
            RemoteOracle.AssertSyntax(script, "bash");
    }

    [Fact]
    public void EveryScriptDeclaresTheValuesItExpects()
    {
        // Scripts that get values begin with `: "${name:?}" ...`: the values they read, checked when they run.
        foreach (var name in new[] { "gateway-probe.sh", "tunnel-probe.sh", "interface-status.sh", "metrics.sh", "interface-names.sh", "generate-key.sh", "lan-routes.sh", "lan-routes-helper.sh", "nat-iptables.sh", "nat-nftables.sh" })
            Assert.Matches(@"(?m)^: ""\$\{[a-z_]+:?\?\}""", ScriptLibrary.Text(name));
    }

    [GeneratedRegex("\"\"\"(.*?)\"\"\"", RegexOptions.Singleline)]
    private static partial Regex RawString();

    /// <summary>No C# string literal of the core holds more than a few lines: the shell lives in the .sh files.</summary>
    [Fact]
    public void TheCoresCSharpHoldsNoScript()
    {
        var core = Path.Combine(RepositoryRoot(), "src", "WgAdmin.Core");
        foreach (var file in Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories))
            foreach (Match literal in RawString().Matches(File.ReadAllText(file)))
                Assert.True(literal.Groups[1].Value.Count(c => c == '\n') <= 4, $"{Path.GetRelativePath(core, file)} holds a raw string of more than 3 lines");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WgAdmin.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("The repository (WgAdmin.sln) was not found above the test's folder.");
    }
}

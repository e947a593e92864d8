using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Net;
using WgAdmin.Remote;
using WgAdmin.Topology;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// rotate.sh's file edits, run by bash on files the writer made: staging and finishing a key leaves
/// exactly the file the topology with the new key writes (so a re-apply changes nothing), and new
/// preshared keys land in their peers' blocks. Secrets go into the scripts only as values.
/// </summary>
public class RotationScriptTests
{
    private static WgTopology Mesh()
    {
        var sites = Enumerable.Range(0, 3).Select(i => new WgSite($"site-{(char)('a' + i)}", WgEndpoint.Parse($"198.51.100.{10 + i}:10086"))
        {
            ComputerName = $"gw-{(char)('a' + i)}",
            LanPrefix = [WgPrefix.Parse($"10.{i + 1}.0.0/24")],
            BehindNat = i != 1,
        }).ToList();
        return new WgTopology(WgPrefix.Parse("10.0.0.0/24"), sites) { PresharedKeys = true };
    }

    private static string Config(WgTopology t, int site) => WgConfigWriter.Write(t.Build()[site], WgSecretMode.Include);

    private static ToolResult Bash(string body) =>
        Tool.Run("bash", ["-c", RemoteScript.Libraries("apply.sh", RotationScript.Library) + "set -eu\n" + body]);

    [SkippableFact]
    public void StagingThenFinishingAKeyLeavesTheFileTheNewTopologyWrites()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        var t = Mesh();
        var before = Config(t, 1);
        var old = RotationPlanner.PublicKeyOf(t, t.Sites[0])!;
        var fresh = WgPrivateKey.Generate();
        using var dir = new SecretTempDir();
        var conf = dir.Write("wg0.conf", before);
        var q = ShellQuote.Quote(conf);

        var staged = Bash($"edit_peers stage {q} {old} {fresh.PublicKey}\nedit_peers stage {q} {old} {fresh.PublicKey}\ncat {q}");
        Assert.True(staged.Ok, staged.StdErr);
        var stagedText = staged.StdOut;
        Assert.StartsWith(before, stagedText);
        var block = stagedText[before.Length..];
        Assert.Equal(1, CountOf(stagedText, fresh.PublicKey.ToString()));
        Assert.DoesNotContain("AllowedIPs", block);
        Assert.Contains("PresharedKey = ", block);
        Assert.Contains("Endpoint = 198.51.100.10:10086", block);

        var finished = Bash($"edit_peers finish {q} {old} {fresh.PublicKey}\ncat {q}");
        Assert.True(finished.Ok, finished.StdErr);
        t.ReplaceKey(t.Sites[0], fresh.PublicKey, null, DateTimeOffset.UtcNow);
        Assert.Equal(Config(t, 1), finished.StdOut);
        Assert.Equal("600", Tool.Run("stat", ["-c", "%a", conf]).StdOut.Trim());
    }

    [SkippableFact]
    public void NewPresharedKeysLandInTheirPeersBlocks()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        var t = Mesh();
        using var dir = new SecretTempDir();
        var conf = dir.Write("wg0.conf", Config(t, 0));
        var keys = new[] { WgPresharedKey.Generate(), WgPresharedKey.Generate() };
        var peers = new[] { RotationPlanner.PublicKeyOf(t, t.Sites[1])!, RotationPlanner.PublicKeyOf(t, t.Sites[2])! };
        var map = dir.Write("map", $"{peers[0]} {keys[0].Reveal()}\n{peers[1]} {keys[1].Reveal()}\n");
        var run = Bash($"edit_peers psk {ShellQuote.Quote(conf)} '' '' {ShellQuote.Quote(map)}\ncat {ShellQuote.Quote(conf)}");
        Assert.True(run.Ok, run.StdErr);
        t.SetPresharedKey("site-a", "site-b", keys[0]);
        t.SetPresharedKey("site-a", "site-c", keys[1]);
        Assert.Equal(Config(t, 0), run.StdOut);
    }

    [SkippableFact]
    public void SwitchingPutsTheNextKeyInTheConfigAndTheKeyFile()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "wg");
        var t = Mesh();
        var next = WgPrivateKey.Generate();
        using var dir = new SecretTempDir();
        var conf = dir.Write("wg0.conf", "# a comment first\n" + Config(t, 0));
        var keyFile = Path.Combine(dir.Path, "wg0.key");
        var nextFile = dir.Write("wg0.key.next", next.Reveal() + "\n");
        var run = Bash($"switch_key wgadmin-none0 {ShellQuote.Quote(conf)} {ShellQuote.Quote(keyFile)} {ShellQuote.Quote(nextFile)} ''\ncat {ShellQuote.Quote(conf)}");
        Assert.True(run.Ok, run.StdErr);
        Assert.Contains($"pubkey={next.PublicKey}", run.StdOut);
        Assert.DoesNotContain(next.Reveal(), run.StdOut.Split('\n').First(l => l.StartsWith("pubkey=", StringComparison.Ordinal)));
        Assert.Contains($"[Interface]\nPrivateKey = {next.Reveal()}\n", run.StdOut);
        Assert.Equal(1, CountOf(run.StdOut, "PrivateKey"));
        Assert.Equal(next.Reveal() + "\n", File.ReadAllText(keyFile));
        Assert.False(File.Exists(nextFile));
    }

    [Fact]
    public void SecretsGoIntoTheScriptsOnlyAsValuesAndNeverIntoResultsOrPlans()
    {
        var options = new ChangeOptions();
        var psk = WgPresharedKey.Generate();
        var peer = new PresharedKeyPeer("site-b", WgPrivateKey.Generate().PublicKey, psk);
        var script = RotationScript.PresharedKeys("gw-a", "wg0", [peer], options).Script;
        Assert.Equal(1, CountOf(script, psk.Reveal()));
        Assert.Contains($"psk_map='{peer.PublicKey} {psk.Reveal()}'", script);
        var local = WgPrivateKey.Generate();
        var prepare = RotationScript.PrepareKey("gw-a", "wg0", local, options).Script;
        Assert.Contains($"local_key='{local.Reveal()}'", prepare);
        Assert.Equal(1, CountOf(prepare, local.Reveal()));
        var plan = new PresharedKeyPlan("site-a", "gw-a", "wg0", [peer]);
        Assert.DoesNotContain(psk.Reveal(), plan.ToString() + peer);
    }

    [Fact]
    public void TheResultReadsTheKeysAndTimesTheGatewayPrinted()
    {
        var key = WgPrivateKey.Generate().PublicKey;
        var output = new ScriptOutput
        {
            ExitCode = 0,
            Error = "",
            Sections = SectionReader.Read($"@@step SwitchToTheNextKey\nswitched=1764702000.250000000\npubkey={key}\n@@committed\n@@end\n"),
        };
        var change = RotationScript.Parse("gw-a", "switch", output);
        Assert.Equal(key, change.PublicKey);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764702000250), change.SwitchedAt);
        Assert.Null(RotationScript.Time("1e9"));
        Assert.Null(RotationScript.Time("99999999999999"));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}

using System.Security.Cryptography;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using Xunit;

namespace WgAdmin.Core.Tests.Oracles;

/// <summary>
/// Our X25519 against the real `wg pubkey`, and our key parser against wg's own. One bash process
/// reads the keys from stdin and pipes each to `wg pubkey`; `printf` is a bash builtin, so no key
/// ever appears in a process's arguments.
/// </summary>
public class KeyOracleTests
{
    // Per input line: "OK <public key>" or "ERR".
    private const string PubkeyLoop = """
        while IFS= read -r k; do
          if p=$(printf '%s\n' "$k" | wg pubkey 2>/dev/null); then printf 'OK %s\n' "$p"; else echo ERR; fi
        done
        """;

    private static string[] WgPubkey(IReadOnlyList<string> keys)
    {
        var result = Tool.Run("bash", ["-c", PubkeyLoop], stdin: string.Join("\n", keys) + "\n", timeoutSeconds: 300);
        Assert.True(result.Ok, $"the wg pubkey loop failed ({result.ExitCode})");
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(keys.Count, lines.Length);
        return lines;
    }

    [SkippableFact]
    public void OurPublicKeysAreWgPubkeysFor1000Keys()
    {
        OracleGate.Require(needsRoot: false, "wg", "bash");

        var keys = new List<WgPrivateKey>();
        for (var i = 0; i < 800; i++)
            keys.Add(WgPrivateKey.Generate());
        // Unclamped keys too: wg clamps when it uses a key, and so must we.
        for (var i = 0; i < 196; i++)
            keys.Add(WgPrivateKey.FromBytes(RandomNumberGenerator.GetBytes(32)));
        keys.Add(WgPrivateKey.FromBytes(new byte[32]));
        keys.Add(WgPrivateKey.FromBytes(Enumerable.Repeat((byte)0xff, 32).ToArray()));
        keys.Add(WgPrivateKey.FromBytes(Enumerable.Repeat((byte)0x80, 32).ToArray()));
        keys.Add(WgPrivateKey.FromBytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));

        var theirs = WgPubkey(keys.Select(k => k.Reveal()).ToList());

        for (var i = 0; i < keys.Count; i++)
            Assert.True($"OK {keys[i].PublicKey}" == theirs[i], $"key {i}: wg pubkey gave {theirs[i]}, we gave {keys[i].PublicKey}");
    }

    [SkippableFact]
    public void BulkPublicKeysAreWgPubkeysFor10000Keys()
    {
        // Skips with the reason (ORACLE NOT RUN: 'wg' is not on PATH) where wireguard-tools is
        // missing, and fails instead under CI=true or WGADMIN_REQUIRE_ORACLES=1.
        OracleGate.Require(needsRoot: false, "wg", "bash");

        // What New-WgKeyPair -Count and New-WgTopology use: random blocks, libsodium's X25519, all cores.
        var pairs = WgKeyPair.Generate(10_000);

        // One `wg pubkey` a key is 10,000 processes: a loop per core, each over its share, and no
        // command substitution (one fork fewer a key than PubkeyLoop); a failed key answers ERR.
        const string loop = "while IFS= read -r k; do printf '%s\\n' \"$k\" | wg pubkey || echo ERR; done";
        var shards = Math.Max(1, Environment.ProcessorCount);
        var share = (pairs.Length + shards - 1) / shards;
        var answers = new string[shards][];
        Parallel.For(0, shards, shard =>
        {
            var keys = pairs.Skip(shard * share).Take(share).Select(p => p.PrivateKey!.Reveal());
            var result = Tool.Run("bash", ["-c", loop], stdin: string.Join("\n", keys) + "\n", timeoutSeconds: 600);
            Assert.True(result.Ok, $"the wg pubkey loop failed ({result.ExitCode})");
            answers[shard] = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        });
        var theirs = answers.SelectMany(a => a).ToArray();

        Assert.Equal(pairs.Length, theirs.Length);
        for (var i = 0; i < pairs.Length; i++)
            Assert.True(pairs[i].PublicKey.ToString() == theirs[i], $"bulk key {i}: wg pubkey gave {theirs[i]}, we gave {pairs[i].PublicKey}");
    }

    [SkippableFact]
    public void WgGenkeyAndGenpskOutputParsesAndDerivesTheSamePublicKey()
    {
        OracleGate.Require(needsRoot: false, "wg", "bash");

        const string script = """
            for i in $(seq 200); do
              k=$(wg genkey); printf '%s %s %s\n' "$k" "$(printf '%s\n' "$k" | wg pubkey)" "$(wg genpsk)"
            done
            """;
        var result = Tool.Run("bash", ["-c", script], timeoutSeconds: 300);
        Assert.True(result.Ok, $"wg genkey failed ({result.ExitCode})");

        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(200, lines.Length);
        foreach (var line in lines)
        {
            var (privateText, publicText, pskText) = (line.Split(' ')[0], line.Split(' ')[1], line.Split(' ')[2]);
            var key = WgPrivateKey.Parse(privateText);
            Assert.Equal(privateText, key.Reveal());
            Assert.Equal(publicText, key.PublicKey.ToString());
            Assert.Equal(publicText, WgPublicKey.Parse(publicText).ToString());
            Assert.Equal(pskText, WgPresharedKey.Parse(pskText).Reveal());
            // wg genkey clamps, as WgPrivateKey.Generate does.
            var bytes = Convert.FromBase64String(privateText);
            Assert.Equal(0, bytes[0] & 7);
            Assert.Equal(64, bytes[31] & 0xc0);
        }
    }

    [SkippableFact]
    public void WgRefusesExactlyTheKeysWeRefuse()
    {
        OracleGate.Require(needsRoot: false, "wg", "bash");

        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        var good = WgPrivateKey.Generate().Reveal();
        var candidates = new List<string>();
        // Every 43rd character: only 16 leave the 2 unused bits zero.
        foreach (var c in alphabet)
            candidates.Add(good[..42] + c + "=");
        // Lengths, padding and alphabets (no leading or trailing blanks: `read` would trim them).
        candidates.AddRange(
        [
            good[..43], good + "A", good[..42] + "==", good[..43] + "A", good[..42] + "A=A",
            good[..5] + "-" + good[6..], good[..5] + "_" + good[6..], good[..5] + "!" + good[6..], good[..5] + "=" + good[6..],
            good[..5] + "é" + good[6..], new string('A', 43) + "=", new string('/', 42) + "w=",
        ]);
        var rng = new Random(20210914);
        for (var i = 0; i < 200; i++)
        {
            var chars = good.ToCharArray();
            chars[rng.Next(0, 43)] = "ABab09+/-_.:*"[rng.Next(0, 13)];
            candidates.Add(new string(chars));
        }

        var theirs = WgPubkey(candidates);

        for (var i = 0; i < candidates.Count; i++)
        {
            var ours = WgPrivateKey.TryParse(candidates[i], out var key);
            Assert.True(ours == theirs[i].StartsWith("OK ", StringComparison.Ordinal),
                $"candidate {i} ({Structural.Show(candidates[i])}): wg says {theirs[i]}, WgAdmin says {(ours ? "valid" : "invalid")}");
            if (ours)
                Assert.Equal($"OK {key!.PublicKey}", theirs[i]);
        }
    }
}

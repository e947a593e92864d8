using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// A key rotation made for real in the sandbox (GatewaySandbox) between two userspace links in one
/// namespace, wgA and wgB, each the other's peer over 127.0.0.1: A's next key made, staged on B,
/// A switched (its packet to B starts the handshake), B moves the AllowedIPs once that handshake
/// came; the files end as the writer would write them with the new key, live equals the files, and
/// no secret is printed. New preshared keys go live without touching the session.
/// </summary>
public class RotationSandboxTests
{
    [SkippableFact]
    public void AKeyRotationEndsWithTheFarEndRoutingToTheNewKeyAndTheFilesAsTheWriterWritesThem()
    {
        using var p = new TwoGateways(apart: false);
        var options = new ChangeOptions();
        var next = WgPrivateKey.Generate();
        var oldA = p.A.PrivateKey!.PublicKey;
        var runs = GatewaySandbox.Run(p.NsA, p.Files(),
            RotationScript.PrepareKey("a", p.A.Name!, next, options).Script,
            RotationScript.Stage("b", p.B.Name!, [(oldA, next.PublicKey)], options).Script,
            $"wg show {p.B.Name} allowed-ips",
            RotationScript.Switch("a", p.A.Name!, [System.Net.IPAddress.Parse("10.70.2.9")], options).Script,
            RotationScript.Move("b", p.B.Name!, oldA, next.PublicKey, TimeSpan.FromSeconds(15), options).Script,
            $"wg show {p.B.Name} allowed-ips; wg show {p.A.Name} public-key; cat /etc/wireguard/{p.B.Name}.conf; echo @@@; key_file=/etc/wireguard/{p.A.Name}.key; wg pubkey < $key_file; ls /etc/wireguard");

        for (var i = 0; i < 5; i++)
            Assert.True(runs[i].Ok, $"script {i} failed ({runs[i].ExitCode}): {runs[i].StdOut}\n{runs[i].StdErr}");
        var prepared = RotationScript.Parse("a", "prepare", ScriptOutput.Read(new RemoteResult(runs[0].ExitCode, runs[0].StdOut, runs[0].StdErr, TimeSpan.Zero)));
        Assert.Equal(next.PublicKey, prepared.PublicKey);
        // Staged: the new key is a peer of B, routing nothing yet.
        Assert.Contains($"{next.PublicKey}\t(none)", runs[2].StdOut);
        Assert.Contains($"{oldA}\t10.70.1.0/24", runs[2].StdOut);
        var switched = RotationScript.Parse("a", "switch", ScriptOutput.Read(new RemoteResult(runs[3].ExitCode, runs[3].StdOut, runs[3].StdErr, TimeSpan.Zero)));
        var moved = RotationScript.Parse("b", "move", ScriptOutput.Read(new RemoteResult(runs[4].ExitCode, runs[4].StdOut, runs[4].StdErr, TimeSpan.Zero)));
        Assert.NotNull(switched.SwitchedAt);
        Assert.NotNull(moved.MovedAt);
        Assert.True(moved.MovedAt >= switched.SwitchedAt);

        var end = runs[5].StdOut;
        Assert.Contains($"{next.PublicKey}\t10.70.1.0/24", end);
        Assert.DoesNotContain(oldA.ToString(), end);
        var expectedB = p.B.Clone();
        expectedB.Peers = [p.B.Peers[0].Clone()];
        var configB = end[(end.IndexOf("[Interface]", StringComparison.Ordinal))..end.IndexOf("@@@", StringComparison.Ordinal)];
        Assert.Equal(WgConfigWriter.Write(expectedB, WgSecretMode.Include).Replace(oldA.ToString(), next.PublicKey.ToString(), StringComparison.Ordinal), configB);
        // A's live key and its key file are the new key.
        Assert.Contains($"\n{next.PublicKey}\n", end[..end.IndexOf("[Interface]", StringComparison.Ordinal)] + "\n");
        Assert.Equal(next.PublicKey.ToString(), end[(end.IndexOf("@@@\n", StringComparison.Ordinal) + 4)..].Split('\n')[0]);
        Assert.DoesNotContain($"{p.A.Name}.key.next", end);
        foreach (var run in runs.Take(5)) // the last one is the test's own look at the files
        {
            Assert.DoesNotContain(next.Reveal(), run.StdOut + run.StdErr);
            Assert.DoesNotContain(p.A.Peers[0].PresharedKey!.Reveal(), run.StdOut + run.StdErr);
        }
    }

    [SkippableFact]
    public void NewPresharedKeysGoLiveAndIntoTheFile()
    {
        using var p = new TwoGateways(apart: false);
        var psk = WgPresharedKey.Generate();
        var peer = new PresharedKeyPeer("site-b", p.B.PrivateKey!.PublicKey, psk);
        var runs = GatewaySandbox.Run(p.NsA, p.Files(),
            RotationScript.PresharedKeys("a", p.A.Name!, [peer], new ChangeOptions()).Script,
            $"wg show {p.A.Name} preshared-keys | sha256sum; cat /etc/wireguard/{p.A.Name}.conf | sha256sum",
            RotationScript.PresharedKeys("a", p.A.Name!, [new PresharedKeyPeer("nobody", WgPrivateKey.Generate().PublicKey, psk)], new ChangeOptions()).Script,
            $"wg show {p.A.Name} peers | wc -l");
        Assert.True(runs[0].Ok, runs[0].StdErr);
        var expected = p.A.Clone();
        expected.Peers = [p.A.Peers[0].Clone()];
        expected.Peers[0].PresharedKey = psk;
        var lines = runs[1].StdOut.Split('\n');
        Assert.Equal(RemoteOracle.Sha256Hex($"{peer.PublicKey}\t{psk.Reveal()}\n"), lines[0].Split(' ')[0]);
        Assert.Equal(RemoteOracle.Sha256Hex(WgConfigWriter.Write(expected, WgSecretMode.Include)), lines[1].Split(' ')[0]);
        // A peer the interface does not have is refused (wg set would create it), and the change rolled back.
        Assert.False(runs[2].Ok);
        Assert.Contains("@@rolledback ok", runs[2].StdOut);
        Assert.Equal("1", runs[3].StdOut.Trim());
        Assert.DoesNotContain(psk.Reveal(), string.Concat(runs.Select(r => r.StdOut + r.StdErr)));
    }
}

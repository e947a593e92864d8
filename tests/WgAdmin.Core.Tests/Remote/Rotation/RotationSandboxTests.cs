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
    private sealed record Pair(ScratchNamespace Ns, WgInterface A, WgInterface B) : IDisposable
    {
        public void Dispose() => Ns.Dispose();
    }

    private static Pair TwoLinks()
    {
        GatewaySandbox.Require("wireguard-go", "wg", "wg-quick", "sha256sum", "flock", "ping");
        var ns = ScratchNamespace.Create("wgadm-rot");
        var suffix = RemoteOracle.RandomSuffix()[..6];
        var keyA = WgPrivateKey.Generate();
        var keyB = WgPrivateKey.Generate();
        var psk = WgPresharedKey.Generate();
        var portA = Random.Shared.Next(40000, 50000);
        var portB = portA + 1;
        var a = new WgInterface
        {
            Name = "wra" + suffix, PrivateKey = keyA, ListenPort = portA, Address = [WgPrefix.Parse("10.69.1.1/32")],
            Peers = [new WgPeer(keyB.PublicKey) { Name = "site-b", PresharedKey = psk, AllowedIPs = [WgPrefix.Parse("10.70.2.0/24")], Endpoint = WgEndpoint.Parse($"127.0.0.1:{portB}") }],
        };
        var b = new WgInterface
        {
            Name = "wrb" + suffix, PrivateKey = keyB, ListenPort = portB, Address = [WgPrefix.Parse("10.69.2.1/32")],
            Peers = [new WgPeer(keyA.PublicKey) { Name = "site-a", PresharedKey = psk, AllowedIPs = [WgPrefix.Parse("10.70.1.0/24")], Endpoint = WgEndpoint.Parse($"127.0.0.1:{portA}"), PersistentKeepalive = 25 }],
        };
        foreach (var link in new[] { a, b })
        {
            ns.StartWireGuardGo(link.Name!);
            using var dir = new SecretTempDir();
            var stripped = dir.Write("stripped.conf", WgConfigWriter.Write(link, WgSecretMode.Include, strip: true));
            ns.Check(ns.Exec(["wg", "setconf", link.Name!, stripped]), "wg setconf");
            ns.Check(ns.Exec(["ip", "address", "add", link.Address[0].ToString(), "dev", link.Name!]), "ip address add");
            ns.Check(ns.Exec(["ip", "link", "set", "up", "dev", link.Name!]), "ip link set up");
            ns.Check(ns.Exec(["ip", "route", "add", link.Peers[0].AllowedIPs[0].ToString(), "dev", link.Name!]), "ip route add");
        }
        ns.Check(ns.Exec(["ip", "link", "set", "up", "dev", "lo"]), "lo up");
        return new Pair(ns, a, b);
    }

    private static Dictionary<string, string> Files(Pair p) => new()
    {
        [p.A.Name + ".conf"] = WgConfigWriter.Write(p.A, WgSecretMode.Include),
        [p.B.Name + ".conf"] = WgConfigWriter.Write(p.B, WgSecretMode.Include),
    };

    [SkippableFact]
    public void AKeyRotationEndsWithTheFarEndRoutingToTheNewKeyAndTheFilesAsTheWriterWritesThem()
    {
        using var p = TwoLinks();
        var options = new ChangeOptions();
        var next = WgPrivateKey.Generate();
        var oldA = p.A.PrivateKey!.PublicKey;
        var runs = GatewaySandbox.Run(p.Ns, Files(p),
            RotationScript.PrepareKey("a", p.A.Name!, next, options).Script,
            RotationScript.Stage("b", p.B.Name!, [(oldA, next.PublicKey)], options).Script,
            $"wg show {p.B.Name} allowed-ips",
            RotationScript.Switch("a", p.A.Name!, [System.Net.IPAddress.Parse("10.70.2.1")], options).Script,
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
        using var p = TwoLinks();
        var psk = WgPresharedKey.Generate();
        var peer = new PresharedKeyPeer("site-b", p.B.PrivateKey!.PublicKey, psk);
        var runs = GatewaySandbox.Run(p.Ns, Files(p),
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

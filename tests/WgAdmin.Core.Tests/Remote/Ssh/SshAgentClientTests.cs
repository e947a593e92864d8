using System.Text;
using Renci.SshNet;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The agent client against a real OpenSSH ssh-agent (started by the fixture, keys added by
/// ssh-add): the keys it lists are the ones ssh-add -L lists, and every signature it makes is
/// checked twice, by .NET crypto with the promised hash and by ssh-keygen -Y check-novalidate.
/// </summary>
public class SshAgentClientTests(RealSshAgent agent) : IClassFixture<RealSshAgent>
{
    public static TheoryData<string, SshAgentSignatureFlags, string> Signatures => new()
    {
        { "ed25519", SshAgentSignatureFlags.None, "ssh-ed25519" },
        { "ecdsa256", SshAgentSignatureFlags.None, "ecdsa-sha2-nistp256" },
        { "ecdsa384", SshAgentSignatureFlags.None, "ecdsa-sha2-nistp384" },
        { "ecdsa521", SshAgentSignatureFlags.None, "ecdsa-sha2-nistp521" },
        { "rsa2048", SshAgentSignatureFlags.RsaSha2256, "rsa-sha2-256" },
        { "rsa2048", SshAgentSignatureFlags.RsaSha2512, "rsa-sha2-512" },
        { "held-encrypted", SshAgentSignatureFlags.None, "ssh-ed25519" },
    };

    [SkippableFact]
    public void ListsTheKeysSshAddListsInItsOrder()
    {
        using var client = SshAgentClient.Connect(agent.Socket);

        var identities = client.ListIdentities();

        var listed = Tool.Run("ssh-add", ["-L"], environment: agent.Environment);
        Assert.True(listed.Ok, listed.StdErr);
        var expected = listed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToArray();
        Assert.Equal(expected.Select(f => f[0]), identities.Select(i => i.KeyType));
        Assert.Equal(expected.Select(f => f[1]), identities.Select(i => Convert.ToBase64String(i.PublicKey)));
        Assert.Equal(RealSshAgent.Keys.Select(k => k.Name), identities.Select(i => i.Comment));
        // Each is the key of its .pub file, which is how an identity file finds its agent key.
        foreach (var (name, _, _) in RealSshAgent.Keys)
            Assert.Contains(identities, i => i.Is(SshPublicKeyFile.Read(agent.KeyFile(name))!));
        var fingerprints = Tool.Run("ssh-add", ["-l", "-E", "sha256"], environment: agent.Environment);
        Assert.Equal(fingerprints.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[1]), identities.Select(i => i.Fingerprint));
    }

    [SkippableTheory]
    [MemberData(nameof(Signatures))]
    public void SignsWithEveryKeyTypeAndTheRequestedRsaHash(string key, SshAgentSignatureFlags flags, string algorithm)
    {
        using var client = SshAgentClient.Connect(agent.Socket);
        var publicKey = SshPublicKeyFile.Read(agent.KeyFile(key))!;
        var message = Encoding.UTF8.GetBytes($"gateway change {key} {flags}\n");
        var data = SshAgentSignatures.SshSigSignedData("wgadmin-test", message);

        var signature = client.Sign(publicKey, data, flags);

        Assert.Equal(algorithm, SshAgentSignatures.Split(signature).Algorithm);
        Assert.True(SshAgentSignatures.VerifyWithDotNet(publicKey, data, signature), ".NET crypto rejected the signature");
        Assert.False(SshAgentSignatures.VerifyWithDotNet(publicKey, [.. data, 0], signature), ".NET crypto accepted a signature of other data");
        using var dir = new SecretTempDir();
        var check = SshAgentSignatures.CheckWithSshKeygen(dir, publicKey, "wgadmin-test", message, signature);
        Assert.True(check.Ok, $"ssh-keygen -Y check-novalidate: {check.StdOut} {check.StdErr}");
        var forged = SshAgentSignatures.CheckWithSshKeygen(dir, publicKey, "wgadmin-test", [.. message, (byte)'!'], signature);
        Assert.False(forged.Ok, "ssh-keygen accepted a signature of another message");
    }

    /// <summary>What SSH.NET's public key authentication calls: each algorithm's Data and Sign, in the order offered.</summary>
    [SkippableTheory]
    [InlineData("ed25519", new[] { "ssh-ed25519" })]
    [InlineData("ecdsa256", new[] { "ecdsa-sha2-nistp256" })]
    [InlineData("ecdsa384", new[] { "ecdsa-sha2-nistp384" })]
    [InlineData("ecdsa521", new[] { "ecdsa-sha2-nistp521" })]
    [InlineData("rsa2048", new[] { "rsa-sha2-512", "rsa-sha2-256" })]
    public void OffersEachKeyToSshNetWithItsAlgorithmsSigningThroughTheAgent(string key, string[] algorithms)
    {
        using var client = SshAgentClient.Connect(agent.Socket);
        var identity = client.ListIdentities().Single(i => i.Comment == key);
        IPrivateKeySource source = new SshAgentKeySource(client, identity);

        Assert.Equal(algorithms, source.HostKeyAlgorithms.Select(a => a.Name));
        foreach (var algorithm in source.HostKeyAlgorithms)
        {
            Assert.Equal(identity.PublicKey, algorithm.Data);
            var data = Encoding.ASCII.GetBytes("session id and userauth request " + algorithm.Name);
            var signature = algorithm.Sign(data);
            Assert.Equal(algorithm.Name, SshAgentSignatures.Split(signature).Algorithm);
            Assert.True(SshAgentSignatures.VerifyWithDotNet(identity.PublicKey, data, signature));
        }
    }

    [SkippableFact]
    public void ARequestForAKeyItDoesNotHoldIsRefusedByName()
    {
        using var client = SshAgentClient.Connect(agent.Socket);
        var other = SshPublicKeyFile.Read(agent.KeyFile("not-held"))!;

        var ex = Assert.Throws<WgException>(() => client.Sign(other, [1, 2, 3]));

        Assert.Equal(WgErrorId.SshAgentFailed, ex.ErrorId);
        Assert.Contains(KnownHosts.Fingerprint(other), ex.Message);
        Assert.Contains(agent.Socket, ex.Message);
        // The connection is still good after a refusal.
        Assert.Equal(RealSshAgent.Keys.Length, client.ListIdentities().Count);
    }

    [SkippableFact]
    public void ManyThreadsShareOneClient()
    {
        using var client = SshAgentClient.Connect(agent.Socket);
        var publicKey = SshPublicKeyFile.Read(agent.KeyFile("ecdsa256"))!;

        var results = Enumerable.Range(0, 16).AsParallel().WithDegreeOfParallelism(8)
            .Select(i => Encoding.ASCII.GetBytes($"data {i}"))
            .Select(data => SshAgentSignatures.VerifyWithDotNet(publicKey, data, client.Sign(publicKey, data)))
            .ToArray();

        Assert.All(results, Assert.True);
    }

    [SkippableFact]
    public void AMissingSocketIsAnAgentErrorNamingIt()
    {
        var missing = Path.Combine(agent.Folder, "no-such.sock");

        var ex = Assert.Throws<WgException>(() => SshAgentClient.Connect(missing));

        Assert.Equal(WgErrorId.SshAgentFailed, ex.ErrorId);
        Assert.Contains(missing, ex.Message);
    }

    [SkippableFact]
    public void AnEncryptedKeyFileTheAgentHoldsNeedsNoPassphrase()
    {
        var held = agent.KeyFile("held-encrypted");
        var notHeld = agent.KeyFile("not-held");
        Assert.True(SshKeyFiles.NeedsPassphrase(held));

        Assert.True(SshAuthentication.AgentHolds(agent.Socket, held));
        Assert.False(SshAuthentication.AgentHolds(agent.Socket, notHeld));
        Assert.False(SshAuthentication.AgentHolds(null, held));
        Assert.Null(SshKeyFiles.PassphraseToAsk(Options([held], named: true, agent.Socket)));
        Assert.Equal(held, SshKeyFiles.PassphraseToAsk(Options([held], named: true, agentSocket: null)));
        Assert.Equal(notHeld, SshKeyFiles.PassphraseToAsk(Options([notHeld], named: true, agent.Socket)));
        Assert.Null(SshKeyFiles.PassphraseToAsk(Options([notHeld], named: true, agent.Socket, passphrase: RealSshAgent.Passphrase)));
    }

    [SkippableFact]
    public void TheAgentsKeysComeFirstAndAHeldFileIsNeverOpened()
    {
        var held = agent.KeyFile("held-encrypted");

        // Named, encrypted, no passphrase: fine, the agent signs for it.
        using (var authentication = SshAuthentication.Build(Options([held], named: true, agent.Socket)))
        {
            var offered = Offered(authentication);
            Assert.Equal(RealSshAgent.Keys.Select(k => k.Name), offered.Select(s => ((SshAgentKeySource)s).Identity.Comment));
        }
        // IdentitiesOnly: the agent's key of that file only.
        using (var authentication = SshAuthentication.Build(Options([held], named: true, agent.Socket, identitiesOnly: true)))
            Assert.Equal(["held-encrypted"], Offered(authentication).Select(s => ((SshAgentKeySource)s).Identity.Comment));
        // Without an agent the same file wants its passphrase.
        var ex = Assert.Throws<WgException>(() => SshAuthentication.Build(Options([held], named: true, agentSocket: null)));
        Assert.Equal(WgErrorId.KeyFilePassphraseRequired, ex.ErrorId);
        // An agent that cannot be reached is no error by itself: the plain file is used, the reason kept.
        using (var authentication = SshAuthentication.Build(Options([agent.KeyFile("ed25519")], named: true, Path.Combine(agent.Folder, "gone.sock"))))
        {
            Assert.IsType<PrivateKeyFile>(Assert.Single(Offered(authentication)));
            Assert.Contains("gone.sock", authentication.AgentProblem);
        }
    }

    [SkippableFact]
    public void WithIdentitiesOnlyAFileTheAgentLacksIsLoadedAfterTheAgentsMatches()
    {
        var plainNotInAgent = Path.Combine(agent.Folder, "id_plain");
        Assert.True(Tool.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "plain", "-f", plainNotInAgent]).Ok);

        using var authentication = SshAuthentication.Build(Options([plainNotInAgent, agent.KeyFile("rsa2048")], named: false, agent.Socket, identitiesOnly: true));

        var offered = Offered(authentication);
        Assert.Equal(2, offered.Count);
        Assert.Equal("rsa2048", ((SshAgentKeySource)offered[0]).Identity.Comment);
        Assert.IsType<PrivateKeyFile>(offered[1]);
    }

    private static IReadOnlyList<IPrivateKeySource> Offered(SshAuthentication authentication) =>
        authentication.Methods.OfType<PrivateKeyAuthenticationMethod>().Single().KeyFiles.ToArray();

    private static SshConnectOptions Options(string[] keyFiles, bool named, string? agentSocket, bool identitiesOnly = false, string? passphrase = null) => new()
    {
        Target = new SshTarget("gw1", "gw1", 22, "root", [], []),
        KeyFiles = keyFiles,
        KeyFileNamed = named,
        AgentSocket = agentSocket,
        IdentitiesOnly = identitiesOnly,
        KeyPassphrase = passphrase,
    };
}

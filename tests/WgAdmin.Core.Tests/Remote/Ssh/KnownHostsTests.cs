using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>Real host keys made once by ssh-keygen (two of each type), deleted with their directory at the end.</summary>
public sealed class SshKeysFixture : IDisposable
{
    public sealed record HostKey(string Type, string Base64, byte[] Blob, string Fingerprint, string PubPath)
    {
        public string Line(string names, string marker = "") => $"{marker}{(marker.Length > 0 ? " " : "")}{names} {Type} {Base64}";

        public override string ToString() => $"{Type} {Fingerprint}";
    }

    private readonly SecretTempDir _dir = new();
    private readonly Dictionary<string, HostKey> _keys = new();

    public SshKeysFixture()
    {
        if (Tool.FindOnPath("ssh-keygen") is null)
            return;
        foreach (var (name, args) in new (string, string[])[]
                 {
                     ("ed25519-a", ["-t", "ed25519"]), ("ed25519-b", ["-t", "ed25519"]),
                     ("ecdsa-a", ["-t", "ecdsa", "-b", "256"]), ("ecdsa-b", ["-t", "ecdsa", "-b", "256"]),
                     ("rsa-a", ["-t", "rsa", "-b", "2048"]), ("rsa-b", ["-t", "rsa", "-b", "2048"]),
                 })
        {
            var path = Path.Combine(_dir.Path, name);
            var made = Tool.Run("ssh-keygen", ["-q", .. args, "-N", "", "-C", name, "-f", path]);
            if (!made.Ok)
                throw new InvalidOperationException($"ssh-keygen {string.Join(' ', args)} failed: {made.StdErr}");
            var fields = File.ReadAllText(path + ".pub").Trim().Split(' ');
            var listed = Tool.Run("ssh-keygen", ["-l", "-E", "sha256", "-f", path + ".pub"]);
            if (!listed.Ok)
                throw new InvalidOperationException($"ssh-keygen -lf failed: {listed.StdErr}");
            _keys[name] = new HostKey(fields[0], fields[1], Convert.FromBase64String(fields[1]), listed.StdOut.Split(' ')[1], path + ".pub");
        }
    }

    public HostKey this[string name] => _keys[name];

    public IEnumerable<HostKey> All => _keys.Values;

    public string Directory => _dir.Path;

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// KnownHosts against OpenSSH's own tools: keys made by ssh-keygen, files hashed by `ssh-keygen -H`,
/// lookups compared with `ssh-keygen -F`, fingerprints with `ssh-keygen -lf`.
/// </summary>
public class KnownHostsTests(SshKeysFixture keys) : IClassFixture<SshKeysFixture>
{
    private static void RequireKeygen() => RemoteOracle.Require(needsRoot: false, "ssh-keygen");

    private static KnownHosts LoadText(SecretTempDir dir, string text, string name = "known_hosts") =>
        KnownHosts.Load([dir.Write(name, text)]);

    private string Sample() => string.Join('\n',
        keys["ed25519-a"].Line("gw1,gw1.example.com,10.0.0.1"),
        keys["ecdsa-a"].Line("[gw2]:2222"),
        keys["rsa-a"].Line("*.lab,!bad.lab"),
        keys["ed25519-a"].Line("gw3"),
        keys["ed25519-b"].Line("gw3", "@revoked"),
        "") + "\n";

    [SkippableFact]
    public void FingerprintsAndKeyTypesAreSshKeygens()
    {
        RequireKeygen();
        foreach (var key in keys.All)
        {
            Assert.Equal(key.Fingerprint, KnownHosts.Fingerprint(key.Blob));
            Assert.Equal(key.Type, KnownHosts.KeyTypeOf(key.Blob));
        }
        Assert.Equal("", KnownHosts.KeyTypeOf([0, 0, 0]));
        Assert.Equal("", KnownHosts.KeyTypeOf([0, 0, 0, 9, 1]));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void VerdictsOnPlainAndHashedFiles(bool hashed)
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var path = dir.Write("known_hosts", Sample());
        if (hashed)
        {
            var hashing = Tool.Run("ssh-keygen", ["-H", "-f", path]);
            Assert.True(hashing.Ok, hashing.StdErr);
            File.Delete(path + ".old");
            var text = File.ReadAllText(path);
            Assert.DoesNotContain("gw1.example.com", text, StringComparison.Ordinal);
            Assert.Contains("|1|", text, StringComparison.Ordinal);
        }
        var store = KnownHosts.Load([path]);
        var ed = keys["ed25519-a"];

        foreach (var name in new[] { "gw1", "gw1.example.com", "10.0.0.1", "gw3" })
            Assert.Equal(HostKeyVerdict.Trusted, store.Check(name, ed.Blob, out _));
        Assert.Equal(HostKeyVerdict.Trusted, store.Check("[gw2]:2222", keys["ecdsa-a"].Blob, out _));
        Assert.Equal(HostKeyVerdict.Trusted, store.Check("x.lab", keys["rsa-a"].Blob, out _));

        // Another key of the same type: changed, and the message material names what is on file.
        Assert.Equal(HostKeyVerdict.Changed, store.Check("gw1", keys["ed25519-b"].Blob, out var known));
        Assert.Equal($"{ed.Fingerprint} ({path}:1)", Assert.Single(known));
        Assert.Equal(HostKeyVerdict.Changed, store.Check("x.lab", keys["rsa-b"].Blob, out known));
        Assert.StartsWith(keys["rsa-a"].Fingerprint + " ", Assert.Single(known), StringComparison.Ordinal);

        // A key of a type not on file for the host is new, not changed (ssh asks for the known type first).
        Assert.Equal(HostKeyVerdict.Unknown, store.Check("gw1", keys["ecdsa-a"].Blob, out known));
        Assert.Empty(known);

        // Hosts not there, the port form kept apart, a negated name.
        Assert.Equal(HostKeyVerdict.Unknown, store.Check("gw9", ed.Blob, out _));
        Assert.Equal(HostKeyVerdict.Unknown, store.Check("gw2", keys["ecdsa-a"].Blob, out _));
        Assert.Equal(HostKeyVerdict.Unknown, store.Check("[gw2]:2223", keys["ecdsa-a"].Blob, out _));
        Assert.Equal(HostKeyVerdict.Unknown, store.Check("bad.lab", keys["rsa-a"].Blob, out _));
        Assert.Equal(HostKeyVerdict.Unknown, store.Check("lab", keys["rsa-a"].Blob, out _));

        // @revoked wins for its key and only for it.
        Assert.Equal(HostKeyVerdict.Revoked, store.Check("gw3", keys["ed25519-b"].Blob, out _));
        Assert.Equal(HostKeyVerdict.Unknown, store.Check("gw1.lab", keys["ed25519-b"].Blob, out _));

        Assert.Equal(["ssh-ed25519"], store.KeyTypesFor("gw1"));
        Assert.Equal(["ecdsa-sha2-nistp256"], store.KeyTypesFor("[gw2]:2222"));
        Assert.Equal(["ssh-rsa"], store.KeyTypesFor("y.lab"));
        Assert.Empty(store.KeyTypesFor("bad.lab"));
        Assert.Empty(store.KeyTypesFor("nowhere"));
        // The revoked line does not count as a type on file.
        Assert.Equal(["ssh-ed25519"], store.KeyTypesFor("gw3"));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void LookupsAgreeWithSshKeygenF(bool hashed)
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var path = dir.Write("known_hosts", string.Join('\n',
            keys["ed25519-a"].Line("gw1,gw1.example.com,10.0.0.1,fd00::1"),
            keys["ecdsa-a"].Line("[gw2]:2222,[fd00::2]:2200"),
            keys["rsa-a"].Line("*.lab,!bad.lab"),
            keys["ecdsa-b"].Line("Upper.Example"),
            keys["ed25519-b"].Line("db?.example.net")) + "\n");
        if (hashed)
            Assert.True(Tool.Run("ssh-keygen", ["-H", "-f", path]).Ok);
        var store = KnownHosts.Load([path]);

        foreach (var name in new[]
                 {
                     "gw1", "gw1.example.com", "10.0.0.1", "fd00::1", "[gw2]:2222", "[fd00::2]:2200", "gw2", "[gw1]:22", "x.lab",
                     "a.b.lab", "bad.lab", "lab", "upper.example", "db1.example.net", "db12.example.net", "other", "[gw2]:222",
                 })
        {
            var found = Tool.Run("ssh-keygen", ["-F", name, "-f", path]);
            var theirs = found.Ok && found.StdOut.Contains("found", StringComparison.Ordinal);
            var ours = store.KeyTypesFor(name).Count > 0;
            Assert.True(theirs == ours, $"{name}: ssh-keygen -F says {(theirs ? "found" : "not found")}, KnownHosts says {(ours ? "found" : "not found")} (hashed: {hashed})");
        }
    }

    [SkippableFact]
    public void NamesAreMatchedWithoutRegardToCase()
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var store = LoadText(dir, keys["ed25519-a"].Line("Gw1.Example.COM,*.LAB") + "\n");

        Assert.Equal(HostKeyVerdict.Trusted, store.Check("gw1.example.com", keys["ed25519-a"].Blob, out _));
        Assert.Equal(HostKeyVerdict.Trusted, store.Check("x.lab", keys["ed25519-a"].Blob, out _));
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AppendWritesALineSshKeygenFindsInANew0600File()
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var file = Path.Combine(dir.Path, "new", "sub", "known_hosts");
        var key = keys["ed25519-a"];

        KnownHosts.Append(file, "[gw5]:2222", key.Blob);
        KnownHosts.Append(file, "gw6", keys["rsa-a"].Blob);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        Assert.Equal($"[gw5]:2222 {key.Type} {key.Base64}\ngw6 ssh-rsa {keys["rsa-a"].Base64}\n", File.ReadAllText(file));
        var found = Tool.Run("ssh-keygen", ["-F", "[gw5]:2222", "-f", file]);
        Assert.True(found.Ok, found.StdErr);
        Assert.Contains(key.Base64, found.StdOut, StringComparison.Ordinal);
        Assert.True(Tool.Run("ssh-keygen", ["-F", "gw6", "-f", file]).Ok);
        Assert.Equal(HostKeyVerdict.Trusted, KnownHosts.Load([file]).Check("[gw5]:2222", key.Blob, out _));
    }

    /// <summary>HashKnownHosts yes: the name is written as ssh writes it, so ssh (ssh-keygen -F) and WgAdmin both find the host, and nobody reads its name.</summary>
    [SkippableFact]
    public void AppendWithAHashedNameIsFoundBySshKeygen()
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var file = Path.Combine(dir.Path, "known_hosts");
        var key = keys["ed25519-a"];

        KnownHosts.Append(file, "gw7.example.com", key.Blob, hashName: true);
        KnownHosts.Append(file, "[gw8]:2222", keys["ecdsa-a"].Blob, hashName: true);

        var text = File.ReadAllText(file);
        Assert.DoesNotContain("gw7", text, StringComparison.Ordinal);
        Assert.DoesNotContain("gw8", text, StringComparison.Ordinal);
        Assert.All(File.ReadAllLines(file), line => Assert.Matches(@"^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ", line));
        foreach (var (name, found) in new[] { ("gw7.example.com", key), ("[gw8]:2222", keys["ecdsa-a"]) })
        {
            var lookup = Tool.Run("ssh-keygen", ["-F", name, "-f", file]);
            Assert.True(lookup.Ok, $"ssh-keygen -F {name}: {lookup.StdOut}{lookup.StdErr}");
            Assert.Contains(found.Base64, lookup.StdOut, StringComparison.Ordinal);
            Assert.Equal(HostKeyVerdict.Trusted, KnownHosts.Load([file]).Check(name, found.Blob, out _));
        }
        Assert.False(Tool.Run("ssh-keygen", ["-F", "gw8", "-f", file]).Ok);
        // A fresh salt each time: the same name hashes differently, as ssh's does.
        Assert.NotEqual(KnownHosts.HashedName("gw7"), KnownHosts.HashedName("gw7"));
    }

    [SkippableFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void AppendStartsANewLineAndKeepsAnExistingFilesMode()
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var file = dir.Write("known_hosts", keys["ecdsa-a"].Line("gw1"));  // no final newline
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        KnownHosts.Append(file, "gw2", keys["ed25519-a"].Blob);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(file));
        Assert.Equal(2, File.ReadAllLines(file).Length);
        Assert.True(Tool.Run("ssh-keygen", ["-F", "gw1", "-f", file]).Ok);
        Assert.True(Tool.Run("ssh-keygen", ["-F", "gw2", "-f", file]).Ok);
    }

    [SkippableFact]
    public void MalformedLinesAndCertificateAuthoritiesAreSkipped()
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var store = LoadText(dir, string.Join('\n',
            "# comment",
            "",
            "gw1 ssh-ed25519",
            "gw1 ssh-ed25519 !!!not-base64!!!",
            keys["ed25519-b"].Line("gw1", "@cert-authority"),
            "@revoked",
            keys["ed25519-a"].Line("gw1")) + "\n");

        Assert.Equal(HostKeyVerdict.Trusted, store.Check("gw1", keys["ed25519-a"].Blob, out _));
        // The CA key is not a host key for gw1: another ed25519 key is "changed", listing only line 7.
        Assert.Equal(HostKeyVerdict.Changed, store.Check("gw1", keys["ed25519-b"].Blob, out var known));
        Assert.EndsWith(":7)", Assert.Single(known), StringComparison.Ordinal);
    }

    /// <summary>
    /// Markers and type fields as `ssh-keygen -l -F` (which parses each key) reads them: a line it
    /// does not find must not be trusted or revoking; "{type}" is the key's own type, "{b64}" its blob.
    /// </summary>
    [SkippableTheory]
    [InlineData("ed25519-a", "gw {type} {b64}")]
    [InlineData("ed25519-a", "gw {type} {b64} a comment")]
    [InlineData("ed25519-a", "@revoked gw {type} {b64}")]
    [InlineData("ed25519-a", "@Revoked gw {type} {b64}")]
    [InlineData("ed25519-a", "@REVOKED gw {type} {b64}")]
    [InlineData("ed25519-a", "@foo gw {type} {b64}")]
    [InlineData("ed25519-a", "@ gw {type} {b64}")]
    [InlineData("ed25519-a", "@revoked @revoked gw {type} {b64}")]
    [InlineData("ed25519-a", "@cert-authority gw {type} {b64}")]
    [InlineData("ed25519-a", "@revoked\tgw {type} {b64}")]
    [InlineData("ed25519-a", "@revoked\tgw\t{type}\t{b64}")]
    [InlineData("ed25519-a", "gw ssh-rsa {b64}")]
    [InlineData("ed25519-a", "@revoked gw ssh-rsa {b64}")]
    [InlineData("ed25519-a", "gw ecdsa-sha2-nistp256 {b64}")]
    [InlineData("ed25519-a", "gw SSH-ED25519 {b64}")]
    [InlineData("ecdsa-a", "gw ecdsa-sha2-nistp384 {b64}")]
    [InlineData("ecdsa-a", "gw ssh-ed25519 {b64}")]
    [InlineData("rsa-a", "gw rsa-sha2-256 {b64}")]
    [InlineData("rsa-a", "gw rsa-sha2-512 {b64}")]
    [InlineData("rsa-a", "gw RSA {b64}")]
    [InlineData("rsa-a", "gw ssh-dss {b64}")]
    public void MarkersAndKeyTypesAreReadAsSshKeygenReadsThem(string keyName, string template)
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var key = keys[keyName];
        var line = template.Replace("{type}", key.Type, StringComparison.Ordinal).Replace("{b64}", key.Base64, StringComparison.Ordinal);
        var path = dir.Write("known_hosts", line + "\n");

        var found = Tool.Run("ssh-keygen", ["-l", "-F", "gw", "-f", path]);
        var report = found.StdOut.Split('\n').FirstOrDefault(l => l.StartsWith("# Host gw found", StringComparison.Ordinal));
        // A CA line is found by ssh-keygen but is no host key to WgAdmin, which does not use certificates.
        var theirs = report is null || report.EndsWith("CA", StringComparison.Ordinal) ? HostKeyVerdict.Unknown
            : report.EndsWith("REVOKED", StringComparison.Ordinal) ? HostKeyVerdict.Revoked : HostKeyVerdict.Trusted;

        Assert.Equal(theirs, KnownHosts.Load([path]).Check("gw", key.Blob, out _));
    }

    [SkippableFact]
    public void SeveralFilesAreReadAndMissingOnesIgnored()
    {
        RequireKeygen();
        using var dir = new SecretTempDir();
        var first = dir.Write("a", keys["ed25519-a"].Line("gw1") + "\n");
        var second = dir.Write("b", keys["ecdsa-a"].Line("gw1") + "\n");

        var store = KnownHosts.Load([first, Path.Combine(dir.Path, "missing"), second]);

        Assert.Equal(["ssh-ed25519", "ecdsa-sha2-nistp256"], store.KeyTypesFor("gw1"));
        Assert.Equal(HostKeyVerdict.Trusted, store.Check("gw1", keys["ecdsa-a"].Blob, out _));
        Assert.Equal(HostKeyVerdict.Changed, store.Check("gw1", keys["ecdsa-b"].Blob, out var known));
        Assert.Equal($"{keys["ecdsa-a"].Fingerprint} ({second}:1)", Assert.Single(known));
    }
}

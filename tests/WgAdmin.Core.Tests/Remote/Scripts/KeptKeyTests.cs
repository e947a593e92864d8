using WgAdmin.Core.Tests.Support;
using WgAdmin.Keys;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// What apply.sh keeps of old key material: the backup of a config drops its private key once the
/// key changes, and each preshared key the new config no longer holds; -RemoveKey leaves no
/// private or preshared key in the kept config. The functions run alone, in bash on a folder of
/// their own: no gateway, no root.
/// </summary>
public class KeptKeyTests
{
    private static readonly string Psk = WgPresharedKey.Generate().Reveal();

    private static string Config(string privateKey) =>
        $"[Interface]\nPrivateKey = {privateKey}\nListenPort = 51820\n\n[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\nPresharedKey = {Psk}\n";

    private static ToolResult Run(SecretTempDir dir, string commands) =>
        RemoteOracle.Shell(RemoteScript.Libraries("apply.sh") + $"set -eu\nconf={ShellQuote.Quote(Path.Combine(dir.Path, "wg0.conf"))}\n{commands}"); // on stdin: keys stay out of argv

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void ABackupKeepsItsPrivateKeyOnlyWhileTheKeyStays(bool keyChanges)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk", "mktemp");
        var old = WgPrivateKey.Generate().Reveal();
        var current = keyChanges ? WgPrivateKey.Generate().Reveal() : old;
        using var dir = new SecretTempDir();
        dir.Write("wg0.conf", Config(old));

        var backup = WriteAndReadBackup(dir, Config(current).Replace("51820", "51821", StringComparison.Ordinal));

        if (keyChanges)
        {
            Assert.DoesNotContain(old, backup, StringComparison.Ordinal);
            Assert.Equal(Config(old).Replace($"PrivateKey = {old}\n", "", StringComparison.Ordinal), backup); // the rest of the backup stays
        }
        else
        {
            Assert.Equal(Config(old), backup);
        }
        Assert.Contains(current, File.ReadAllText(Path.Combine(dir.Path, "wg0.conf")), StringComparison.Ordinal);
    }

    /// <summary>A preshared key is key material too: rotated, or gone with its peer, it leaves the backup; one still in use stays.</summary>
    [SkippableTheory]
    [InlineData("rotated")]
    [InlineData("peer removed")]
    [InlineData("spelled otherwise")]
    public void ABackupKeepsAPresharedKeyOnlyWhileTheConfigHoldsIt(string change)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk", "mktemp");
        var key = WgPrivateKey.Generate().Reveal();
        var kept = WgPresharedKey.Generate().Reveal();
        var other = "\n[Peer]\nPublicKey = Ayw7S1vlTbHuBSNJbTwlN1xiA9D7tsWrEIZ2XtE+OXU=\nPresharedKey = " + kept + "\n";
        using var dir = new SecretTempDir();
        dir.Write("wg0.conf", Config(key) + other);
        var next = change switch
        {
            "rotated" => Config(key).Replace(Psk, WgPresharedKey.Generate().Reveal(), StringComparison.Ordinal) + other,
            "peer removed" => Config(key)[..Config(key).IndexOf("\n[Peer]", StringComparison.Ordinal)] + "\n" + other,
            _ => Config(key).Replace("PresharedKey = ", "Preshared Key=", StringComparison.Ordinal) + other, // the same key: wg reads it so
        };

        var backup = WriteAndReadBackup(dir, next);

        Assert.Contains(key, backup, StringComparison.Ordinal);
        Assert.Contains(kept, backup, StringComparison.Ordinal);
        if (change == "spelled otherwise")
            Assert.Equal(Config(key) + other, backup);
        else
        {
            Assert.DoesNotContain(Psk, backup, StringComparison.Ordinal);
            Assert.Equal((Config(key) + other).Replace($"PresharedKey = {Psk}\n", "", StringComparison.Ordinal), backup);
        }
    }

    /// <summary>An apply's WriteConfig: the backup, the new config, then drop_old_key; the backup as it is left (mode 0600).</summary>
    private static string WriteAndReadBackup(SecretTempDir dir, string nextConfig)
    {
        var next = dir.Write("next", nextConfig);
        var run = Run(dir, $"backup_config \"$conf\"\nput_file \"$conf\" 600 < {ShellQuote.Quote(next)}\ndrop_old_key \"$conf\"");
        Assert.True(run.Ok, run.StdErr);
        var backupPath = Path.Combine(dir.Path, "wg0.conf.wgadmin-bak");
        if (OperatingSystem.IsLinux())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backupPath));
        return File.ReadAllText(backupPath);
    }

    [SkippableFact]
    public void RemovingTheKeyLeavesNoSecretInTheKeptConfig()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk", "mktemp");
        var key = WgPrivateKey.Generate().Reveal();
        using var dir = new SecretTempDir();
        dir.Write("wg0.conf", Config(key));
        dir.Write("wg0.key", key + "\n");

        var run = Run(dir, $"key_file={ShellQuote.Quote(Path.Combine(dir.Path, "wg0.key"))}\nbackup_config \"$conf\"\nretire_config \"$conf\"\nforget_private_key \"$key_file\" \"$conf\"");

        Assert.True(run.Ok, run.StdErr);
        Assert.Equal(["wg0.conf.wgadmin-removed"], Directory.GetFiles(dir.Path).Select(Path.GetFileName)); // no key file, no backup
        var kept = File.ReadAllText(Path.Combine(dir.Path, "wg0.conf.wgadmin-removed"));
        Assert.DoesNotContain(key, kept, StringComparison.Ordinal);
        Assert.DoesNotContain(Psk, kept, StringComparison.Ordinal);
        Assert.Contains("PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=", kept, StringComparison.Ordinal);
    }
}

using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>The public key of an identity file, without its passphrase: FILE.pub, or the clear public part of an OpenSSH private key, or the file itself when it is a .pub.</summary>
public class SshPublicKeyFileTests
{
    [SkippableTheory]
    [InlineData("ed25519", 0, "")]
    [InlineData("ecdsa", 384, "")]
    [InlineData("rsa", 2048, "")]
    [InlineData("ed25519", 0, "a passphrase")]
    [InlineData("rsa", 2048, "a passphrase")]
    public void EveryWayToTheSameKey(string type, int bits, string passphrase)
    {
        OracleGate.Require(needsRoot: false, "ssh-keygen");
        using var dir = new SecretTempDir();
        var key = Path.Combine(dir.Path, "id");
        var arguments = new List<string> { "-q", "-t", type, "-N", passphrase, "-f", key };
        if (bits > 0)
            arguments.AddRange(["-b", bits.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.True(Tool.Run("ssh-keygen", arguments).Ok);
        var expected = Convert.FromBase64String(File.ReadAllText(key + ".pub").Split(' ')[1]);

        Assert.Equal(expected, SshPublicKeyFile.Read(key));
        Assert.Equal(expected, SshPublicKeyFile.Read(key + ".pub"));
        File.Delete(key + ".pub");
        Assert.Equal(expected, SshPublicKeyFile.Read(key)); // from the private key's clear header
    }

    [Theory]
    [InlineData("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl comment", true)]
    [InlineData("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl", false)] // type differs from the blob's
    [InlineData("ssh-ed25519 not-base64", false)]
    [InlineData("just-one-field", false)]
    [InlineData("", false)]
    public void APublicKeyLine(string line, bool readable) =>
        Assert.Equal(readable, SshPublicKeyFile.ParsePublicKeyLine(line) is not null);

    [Fact]
    public void AMissingFileHasNoPublicKey() => Assert.Null(SshPublicKeyFile.Read("/nonexistent/id_ed25519"));
}

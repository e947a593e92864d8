using System.Globalization;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Certificates made by the real ssh-keygen -s, read by <see cref="SshCertificate"/> and compared
/// with what ssh-keygen -L and -l say of them; and the checks ssh makes of a host certificate
/// (sshkey_cert_check_authority) against <see cref="KnownHosts"/>' @cert-authority lines.
/// </summary>
public class SshCertificateTests
{
    private static string Key(SecretTempDir dir, string name, string type, int bits = 0)
    {
        var file = Path.Combine(dir.Path, name);
        var arguments = new List<string> { "-q", "-t", type, "-N", "", "-C", name, "-f", file };
        if (bits > 0)
            arguments.AddRange(["-b", bits.ToString(CultureInfo.InvariantCulture)]);
        Assert.True(Tool.Run("ssh-keygen", arguments).Ok);
        return file;
    }

    private static byte[] Blob(string publicKeyFile) => Convert.FromBase64String(File.ReadAllText(publicKeyFile).Split(' ')[1]);

    private static string FingerprintOf(string publicKeyFile) => Tool.Run("ssh-keygen", ["-lf", publicKeyFile]).StdOut.Split(' ')[1];

    private static SshCertificate Signed(SecretTempDir dir, string key, string ca, params string[] options)
    {
        Assert.True(Tool.Run("ssh-keygen", ["-q", "-s", ca, .. options, key + ".pub"]).Ok);
        return SshCertificate.Parse(Blob(key + "-cert.pub"));
    }

    [SkippableTheory]
    [InlineData("ed25519", 0, "ssh-ed25519-cert-v01@openssh.com")]
    [InlineData("ecdsa", 256, "ecdsa-sha2-nistp256-cert-v01@openssh.com")]
    [InlineData("ecdsa", 384, "ecdsa-sha2-nistp384-cert-v01@openssh.com")]
    [InlineData("ecdsa", 521, "ecdsa-sha2-nistp521-cert-v01@openssh.com")]
    [InlineData("rsa", 2048, "ssh-rsa-cert-v01@openssh.com")]
    public void ReadsWhatSshKeygenSigned(string type, int bits, string certificateType)
    {
        OracleGate.Require(needsRoot: false, "ssh-keygen");
        using var dir = new SecretTempDir();
        var ca = Key(dir, "ca", "ed25519");
        var key = Key(dir, "host", type, bits);

        var certificate = Signed(dir, key, ca, "-h", "-I", "gw-a host", "-n", "gw-a,10.0.0.1", "-V", "20250101:20350101");

        Assert.Equal(certificateType, certificate.Type);
        Assert.True(certificate.IsHost);
        Assert.Equal(["gw-a", "10.0.0.1"], certificate.Principals);
        Assert.Equal("gw-a host", certificate.KeyId);
        Assert.Equal(FingerprintOf(key + ".pub"), KnownHosts.Fingerprint(certificate.PlainKey));
        Assert.Equal(Blob(key + ".pub"), certificate.PlainKey);
        Assert.Equal(Blob(ca + ".pub"), certificate.CaKey);
        Assert.Equal((ulong)DateTimeOffset.Parse("2025-01-01T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds(), certificate.ValidAfter);
        Assert.Equal((ulong)DateTimeOffset.Parse("2035-01-01T00:00:00Z", CultureInfo.InvariantCulture).ToUnixTimeSeconds(), certificate.ValidBefore);
    }

    [SkippableFact]
    public void ChecksTheCertificateAsSshDoes()
    {
        OracleGate.Require(needsRoot: false, "ssh-keygen");
        using var dir = new SecretTempDir();
        var ca = Key(dir, "ca", "ed25519");
        var host = Key(dir, "host", "ed25519");
        var user = Key(dir, "user", "ed25519");
        var now = DateTimeOffset.Parse("2030-06-01T00:00:00Z", CultureInfo.InvariantCulture);
        var good = Signed(dir, host, ca, "-h", "-I", "h", "-n", "gw-a", "-V", "20250101:20350101");
        var anyName = Signed(dir, user, ca, "-h", "-I", "h", "-V", "20250101:20350101");
        var userCertificate = Signed(dir, Key(dir, "u2", "ed25519"), ca, "-I", "u", "-n", "gw-a", "-V", "20250101:20350101");
        var line = File.ReadAllText(ca + ".pub").Trim();
        var knownHosts = KnownHosts.Load([dir.Write("known_hosts", $"@cert-authority gw-*,!gw-bad {line}\n@revoked gw-revoked {line}\n")]);

        HostKeyVerdict Verdict(string name, SshCertificate certificate, DateTimeOffset at, out string? problem) =>
            knownHosts.CheckCertificate(name, name, certificate, at, out _, out problem);

        Assert.Equal(HostKeyVerdict.Trusted, Verdict("gw-a", good, now, out var problem));
        Assert.Null(problem);
        Assert.Equal(HostKeyVerdict.Trusted, Verdict("gw-z", anyName, now, out _)); // no principals: any host, as ssh reads a host certificate
        Assert.Equal(HostKeyVerdict.CertificateInvalid, Verdict("gw-b", good, now, out problem));
        Assert.Contains("it is for 'gw-a', not 'gw-b'", problem, StringComparison.Ordinal);
        Assert.Equal(HostKeyVerdict.CertificateInvalid, Verdict("gw-a", good, now.AddYears(10), out problem));
        Assert.Contains("it expired at 2035-01-01 00:00:00 UTC", problem, StringComparison.Ordinal);
        Assert.Equal(HostKeyVerdict.CertificateInvalid, Verdict("gw-a", good, now.AddYears(-10), out problem));
        Assert.Contains("not valid before 2025-01-01", problem, StringComparison.Ordinal);
        Assert.Equal(HostKeyVerdict.CertificateInvalid, Verdict("gw-a", userCertificate, now, out problem));
        Assert.Contains("user certificate", problem, StringComparison.Ordinal);
        Assert.Equal(HostKeyVerdict.Unknown, Verdict("gw-bad", good, now, out problem)); // the CA line does not name it
        Assert.Contains("no @cert-authority line trusts for gw-bad", problem, StringComparison.Ordinal);
        Assert.Equal(HostKeyVerdict.Revoked, Verdict("gw-revoked", good, now, out _));
        Assert.True(knownHosts.HasCertificateAuthorityFor("gw-a"));
        Assert.False(knownHosts.HasCertificateAuthorityFor("db1"));
        Assert.Empty(knownHosts.KeyTypesFor("gw-a")); // a CA line is no host key of the host
    }

    [Theory]
    [InlineData("")]
    [InlineData("AAAAC3NzaC1lZDI1NTE5AAAAIE1UTC1tb2NrLWtleS1ub3QtcmVhbC0wMDAwMDAwMA==")] // a plain ed25519 key
    [InlineData("AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAA")] // a certificate cut short
    public void WhatIsNoCertificateIsAFormatException(string base64) =>
        Assert.Throws<FormatException>(() => SshCertificate.Parse(Convert.FromBase64String(base64)));
}

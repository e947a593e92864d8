using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The secret-line rule runs twice: in C# (local Get-WgInterface, the planner's hash) and as lib.sh's
/// key_lines on gateways (the probes, the status script, the hash, reading a config's key). Both
/// must take exactly the lines `wg` would read as keys.
/// </summary>
public class KeyLinesTests
{
    private static readonly (string Line, bool Secret)[] Lines =
    [
        ("PrivateKey = AAAA", true),
        ("  privatekey=AAAA", true),
        ("Private Key = AAAA", true),        // wg deletes every space, so this is a key to wg
        ("Pri vate\tKey= AAAA", true),
        ("PresharedKey = BBBB", true),
        ("PRESHAREDKEY=BBBB", true),
        ("PublicKey = CCCC", false),
        ("# PrivateKey = in a comment", false),
        ("PostUp = echo PrivateKey = x", false),
        ("", false),
    ];

    [Fact]
    public void CSharpTestMatchesWhatWgReadsAsAKey()
    {
        foreach (var (line, secret) in Lines)
            Assert.True(KeyLines.IsSecret(line) == secret, $"IsSecret({line})");
    }

    [SkippableTheory]
    [InlineData("without-secrets")]
    [InlineData("without-private")]
    [InlineData("private-key")]
    public void TheShellRuleAgreesWithTheCSharpRule(string mode)
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        using var dir = new SecretTempDir();
        var file = dir.Write("wg0.conf", string.Concat(Lines.Select(l => l.Line + "\n")));
        var run = Tool.Run("bash", ["-c", WgAdmin.Remote.RemoteScript.Libraries() + $"key_lines {mode} {WgAdmin.Remote.ShellQuote.Quote(file)}"]);

        Assert.True(run.Ok, run.StdErr);
        var expected = mode switch
        {
            "without-secrets" => string.Concat(Lines.Where(l => !KeyLines.IsSecret(l.Line)).Select(l => l.Line + "\n")),
            "without-private" => string.Concat(Lines.Where(l => !KeyLines.IsPrivateKey(l.Line)).Select(l => l.Line + "\n")),
            _ => "AAAA\n", // the first private key line's value, whitespace deleted as wg does
        };
        Assert.Equal(expected, run.StdOut);
        Assert.Equal(Lines.Where(l => l.Secret).Select(l => l.Line), Lines.Where(l => KeyLines.IsSecret(l.Line)).Select(l => l.Line));
    }
}

using WgAdmin.Config;
using WgAdmin.Core.Tests.Support;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The secret-line filter runs twice: in C# (local Get-WgInterface) and as awk on gateways (the
/// probe and the status script). Both must drop exactly the lines `wg` would read as keys.
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

    [SkippableFact]
    public void AwkFilterAgreesWithTheCSharpTest()
    {
        RemoteOracle.Require(needsRoot: false, "bash", "awk");
        var input = string.Concat(Lines.Select(l => l.Line + "\n"));
        var run = Tool.Run("bash", ["-c", KeyLines.AwkFilter], input);

        Assert.True(run.Ok, run.StdErr);
        var expected = string.Concat(Lines.Where(l => !l.Secret).Select(l => l.Line + "\n"));
        Assert.Equal(expected, run.StdOut);
    }
}

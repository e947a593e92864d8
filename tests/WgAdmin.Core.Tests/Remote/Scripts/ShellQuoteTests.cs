using CsCheck;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// ShellQuote against real shells: `printf %s QUOTED` run by bash and by sh (dash) must print the
/// value back byte for byte, whatever it holds.
/// </summary>
public class ShellQuoteTests
{
    public static TheoryData<string> NastyValues => new()
    {
        "",
        "plain",
        "a b",
        "  leading and trailing  ",
        "'",
        "''",
        "it's",
        "'\"'\"'",
        "\"",
        "\"double\" and 'single'",
        "$(id -u)",
        "${HOME}",
        "$HOME",
        "$",
        "`id`",
        "a;b",
        ";rm -rf /tmp/never",
        "a && b || c | d",
        "*",
        "?",
        "[a-z]*",
        "~",
        "~root",
        "\\",
        "\\n",
        "\\'",
        "'\\''",
        "!",
        "!!",
        "#not a comment",
        "-n",
        "--",
        "%s%d%%",
        "a\tb",
        "é",
        "Köln €",
        "日本語",
        "😀",
        "\u00a0nbsp",
        "\u2028line separator",
        "{a,b}",
        "a=b",
        ">out <in 2>&1",
    };

    private static string Printed(string shell, string value)
    {
        var result = RemoteOracle.Shell($"printf %s {ShellQuote.Quote(value)}", shell);
        Assert.True(result.Ok, $"{shell} failed ({result.ExitCode}): {result.StdErr}");
        return result.StdOut;
    }

    [SkippableTheory]
    [MemberData(nameof(NastyValues))]
    public void BashPrintsTheValueBack(string value)
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        Assert.Equal(value, Printed("bash", value));
    }

    [SkippableTheory]
    [MemberData(nameof(NastyValues))]
    public void ShPrintsTheValueBack(string value)
    {
        RemoteOracle.Require(needsRoot: false, "sh");
        Assert.Equal(value, Printed("sh", value));
    }

    [SkippableFact]
    public void GeneratedValuesRoundTripThroughBashInOneProcess()
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        var pieces = Gen.OneOf(
            Gen.Char["abcXYZ019 '\"\\$`;|&*?~!#(){}[]<>=%-\t"].Select(c => c.ToString()),
            Gen.OneOf("é", "日", "😀", "$(x)", "'\\''", "\u00a0"));
        var values = pieces.Array[0, 12].Select(string.Concat).Array[300].Single();

        // One bash for all: each value printed, then a NUL as separator (NUL cannot be in a value).
        var script = string.Concat(values.Select(v => $"printf '%s\\0' {ShellQuote.Quote(v)}\n"));
        var result = RemoteOracle.Shell(script);

        Assert.True(result.Ok, result.StdErr);
        var printed = result.StdOut.Split('\0');
        Assert.Equal(values.Length + 1, printed.Length);
        for (var i = 0; i < values.Length; i++)
            Assert.True(values[i] == printed[i], $"value {i}: {Support.Structural.Show(values[i])} came back as {Support.Structural.Show(printed[i])}");
    }

    [SkippableFact]
    public void JoinKeepsEachValueOneArgument()
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        string[] values = ["a b", "", "it's", "$(x)", "*"];

        var result = RemoteOracle.Shell($"for a in {ShellQuote.Join(values)}; do printf '<%s>' \"$a\"; done");

        Assert.True(result.Ok, result.StdErr);
        Assert.Equal("<a b><><it's><$(x)><*>", result.StdOut);
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("\0")]
    [InlineData("x\u001b[31m")]
    [InlineData("\u007f")]
    [InlineData("\u0085")]
    [InlineData("\u0001")]
    public void ControlCharactersAreRefused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => ShellQuote.Quote(value));
        Assert.Contains($"U+{(int)value.First(c => char.IsControl(c) && c != '\t'):X4}", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ShellQuote.Join(["ok", value]));
    }

    [Fact]
    public void NullIsRefused() => Assert.Throws<ArgumentNullException>(() => ShellQuote.Quote(null!));

    [Theory]
    [InlineData("abc", "'abc'")]
    [InlineData("", "''")]
    [InlineData("it's", "'it'\\''s'")]
    public void QuotedFormIsSingleQuotes(string value, string quoted) => Assert.Equal(quoted, ShellQuote.Quote(value));
}

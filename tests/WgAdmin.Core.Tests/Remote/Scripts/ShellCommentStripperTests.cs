using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Scripts are sent without their comment lines (ShellCommentStripper). bash is the oracle: every
/// library file, stripped, must read as the very same code. `declare -f` prints a function as bash
/// parsed it (without comments, here-documents and quoted strings whole), so the original and the
/// stripped text, each as the body of one function, must print alike.
/// </summary>
public class ShellCommentStripperTests
{
    [SkippableFact]
    public void EveryLibraryScriptStrippedIsTheSameCodeToBash()
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        var scripts = ScriptLibrary.Names.Where(n => n.EndsWith(".sh", StringComparison.Ordinal)).ToArray();
        Assert.True(scripts.Length >= 20, $"only {scripts.Length} scripts");
        foreach (var name in scripts)
        {
            var original = ScriptLibrary.Text(name);
            var stripped = ScriptLibrary.Sent(name);
            Assert.Equal(Parsed(original, name), Parsed(stripped, name));
            Assert.True(stripped.Length < original.Length, $"{name} lost nothing");
            Assert.DoesNotContain("\n\n", stripped, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AWholeCompositionShrinks()
    {
        var full = ScriptLibrary.Text("lib.sh") + ScriptLibrary.Text("change.sh") + ScriptLibrary.Text("apply.sh");
        var sent = RemoteScript.Libraries("change.sh", "apply.sh");
        Assert.True(sent.Length < full.Length * 0.8, $"{sent.Length} of {full.Length} characters");
    }

    [SkippableTheory]
    [InlineData("a='\n# not a comment: inside quotes\n'\necho \"$a\"\n")]
    [InlineData("b=\"one\n\n# two, quoted\nthree\"\n")]
    [InlineData("c=$'x\\'\n# still quoted\n'\n")]
    [InlineData("cat <<EOF\n# the body of a here-document\n\nEOF\n# gone\n")]
    [InlineData("cat <<-'EOF' && cat <<OTHER\n\t# first body\n\tEOF\n# second body\nOTHER\n")]
    [InlineData("echo $(( 1 << 24 )) # a shift, not a here-document\n# gone\n")]
    [InlineData("x=$(( (0xFF << (32 - 8)) ))\n\n# gone\ncat <<<'here # string'\n# gone too\n")]
    [InlineData("echo 'it''s' \"#not\" \\# a # comment '\n# gone\n")]
    [InlineData("echo \"x=$(tr -d '\"' < f)\"\n\n# gone\ny='\n# kept\n'\n")]
    [InlineData("z=\"$(printf '%s' \"$(echo ')')\")\"\n# gone\nw=\"\n# kept\n\"\n")]
    [InlineData("a=$( (echo one) )\n# gone\nb=\"$(( 2 * (3 + 4) ))\n# kept\n\"\n")]
    public void KeepsWhatIsNotAComment(string script)
    {
        RemoteOracle.Require(needsRoot: false, "bash");
        Assert.Equal(Parsed(script, "case"), Parsed(ShellCommentStripper.Strip(script), "case"));
    }

    [Fact]
    public void DropsCommentAndBlankLinesOnly()
    {
        var stripped = ShellCommentStripper.Strip("# shellcheck shell=bash\n\n# says why\nf() {\n  # inside\n  echo hi # kept\n\n}\n");
        Assert.Equal("f() {\n  echo hi # kept\n}\n", stripped);
    }

    /// <summary>The script as bash reads it: the body of one function, printed back by declare -f.</summary>
    private static string Parsed(string script, string name)
    {
        var result = RemoteOracle.Shell($"wgadmin_parsed() {{\n{script.TrimEnd('\n')}\n}}\ndeclare -f wgadmin_parsed\n");
        Assert.True(result.Ok, $"bash refused {name}: {result.StdErr}");
        return result.StdOut;
    }
}

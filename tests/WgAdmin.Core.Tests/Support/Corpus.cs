using System.Text;
using System.Text.RegularExpressions;
using Xunit;

namespace WgAdmin.Core.Tests.Support;

/// <summary>What an invalid corpus file's header promises: "# expect: ID line N" lines and "# tools: accept|reject".</summary>
public sealed record ExpectedError(string ErrorId, int Line)
{
    public override string ToString() => $"{ErrorId} line {Line}";
}

public sealed record CorpusFile(string Name, string Path, byte[] Bytes, IReadOnlyList<ExpectedError> Expected, string? ToolsVerdict)
{
    public string Text => new UTF8Encoding(false).GetString(Bytes);

    public override string ToString() => Name;
}

/// <summary>
/// The files under tests/corpus, copied next to the test assembly. valid/ holds tricky files
/// that must parse; invalid/ holds one broken rule per file, its header naming the expected
/// error IDs and lines, and what the real tools (wg-quick strip, then wg setconf) do with it.
/// </summary>
internal static partial class Corpus
{
    public static string Root => System.IO.Path.Combine(AppContext.BaseDirectory, "corpus");

    public static TheoryData<string> ValidNames => Names("valid");

    public static TheoryData<string> InvalidNames => Names("invalid");

    public static CorpusFile Load(string relativePath)
    {
        var path = System.IO.Path.Combine(Root, relativePath);
        var bytes = File.ReadAllBytes(path);
        var headerBytes = bytes.AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? bytes[3..] : bytes;
        var expected = new List<ExpectedError>();
        string? tools = null;
        foreach (var rawLine in Encoding.UTF8.GetString(headerBytes).Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (!line.StartsWith('#'))
                break;
            if (ExpectPattern().Match(line) is { Success: true } expect)
                expected.Add(new ExpectedError(expect.Groups[1].Value, int.Parse(expect.Groups[2].Value)));
            else if (ToolsPattern().Match(line) is { Success: true } verdict)
                tools = verdict.Groups[1].Value;
        }
        return new CorpusFile(relativePath, path, bytes, expected, tools);
    }

    public static IEnumerable<CorpusFile> All(string folder) =>
        Directory.GetFiles(System.IO.Path.Combine(Root, folder), "*.conf")
            .Order(StringComparer.Ordinal)
            .Select(path => Load(System.IO.Path.Combine(folder, System.IO.Path.GetFileName(path))));

    private static TheoryData<string> Names(string folder)
    {
        var data = new TheoryData<string>();
        foreach (var file in All(folder))
            data.Add(file.Name);
        return data;
    }

    [GeneratedRegex(@"^# expect: (WgAdmin\.\w+) line (\d+)$")]
    private static partial Regex ExpectPattern();

    [GeneratedRegex(@"^# tools: (accept|reject)$")]
    private static partial Regex ToolsPattern();
}

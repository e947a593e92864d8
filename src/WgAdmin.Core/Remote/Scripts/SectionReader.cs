namespace WgAdmin.Remote;

/// <summary>
/// The one reader of what scripts print: sections marked "@@name args". A host's output is not
/// trusted: every line is cleaned of control characters here (terminal escapes, bidi overrides),
/// so no object or message carries a byte that could act on the admin's terminal.
/// </summary>
public static class SectionReader
{
    public static IReadOnlyList<ScriptSection> Read(string output)
    {
        var sections = new List<ScriptSection>();
        var name = "";
        IReadOnlyList<string> arguments = Array.Empty<string>();
        var lines = new List<string>();
        var started = false;
        foreach (var raw in output.Split('\n'))
        {
            var line = RemoteText.Clean(raw.TrimEnd('\r'));
            if (line.StartsWith("@@", StringComparison.Ordinal))
            {
                if (started || lines.Count > 0)
                    sections.Add(new ScriptSection(name, arguments, lines));
                var parts = line[2..].Split(' ');
                name = parts[0];
                arguments = parts[1..];
                lines = new List<string>();
                started = true;
                continue;
            }
            lines.Add(line);
        }
        // The split leaves an empty last line after the final newline: not a line of the output.
        if (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        if (started || lines.Count > 0)
            sections.Add(new ScriptSection(name, arguments, lines));
        return sections;
    }
}

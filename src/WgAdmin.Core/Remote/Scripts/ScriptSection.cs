namespace WgAdmin.Remote;

/// <summary>
/// One part of a script's output: the lines after a marker "@@name arg1 arg2", up to the next
/// marker. Lines before the first marker form the section with the empty name.
/// </summary>
public sealed record ScriptSection(string Name, IReadOnlyList<string> Arguments, IReadOnlyList<string> Lines)
{
    /// <summary>The value of the first "key=value" line with this key, or null.</summary>
    public string? Value(string key)
    {
        foreach (var line in Lines)
            if (line.Length > key.Length && line[key.Length] == '=' && line.StartsWith(key, StringComparison.Ordinal))
                return line[(key.Length + 1)..];
        return null;
    }

    /// <summary>The values of every "key=value" line with this key, in order.</summary>
    public IEnumerable<string> Values(string key) =>
        Lines.Where(l => l.Length > key.Length && l[key.Length] == '=' && l.StartsWith(key, StringComparison.Ordinal)).Select(l => l[(key.Length + 1)..]);

    /// <summary>The non-empty lines, trimmed.</summary>
    public IEnumerable<string> Items => Lines.Select(l => l.Trim()).Where(l => l.Length > 0);

    /// <summary>The section's text as it was printed, one "\n" after each line.</summary>
    public string Text => string.Concat(Lines.Select(l => l + "\n"));

    public string? Argument(int index) => index < Arguments.Count ? Arguments[index] : null;
}

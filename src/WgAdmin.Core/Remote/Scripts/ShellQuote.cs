namespace WgAdmin.Remote;

/// <summary>
/// Quoting for POSIX shells. Every value WgAdmin puts into a remote script passes through
/// <see cref="Quote"/>: inside single quotes nothing is special, and a single quote is closed,
/// escaped and reopened. Values with control characters are refused before they get here.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c == '\0' || (char.IsControl(c) && c != '\t'))
                throw new ArgumentException($"A value with a control character (U+{(int)c:X4}) cannot be passed to a remote shell.", nameof(value));
        }
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Join(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));
}

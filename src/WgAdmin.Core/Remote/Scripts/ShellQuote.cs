namespace WgAdmin.Remote;

/// <summary>
/// Quoting for POSIX shells. Every value WgAdmin puts into a remote script passes through
/// <see cref="Quote"/> (one line) or <see cref="QuoteText"/> (a file's text): inside single quotes
/// nothing is special, and a single quote is closed, escaped and reopened. Values with other
/// control characters are refused before they get here.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string value) => Quoted(value, allowNewline: false);

    /// <summary>A multi-line value (a config file, a script to install): newlines kept as they are.</summary>
    public static string QuoteText(string value) => Quoted(value, allowNewline: true);

    public static string Join(IEnumerable<string> values) => string.Join(' ', values.Select(Quote));

    private static string Quoted(string value, bool allowNewline)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var c in value)
        {
            if (c == '\0' || (char.IsControl(c) && c != '\t' && !(allowNewline && c == '\n')))
                throw new ArgumentException($"A value with a control character (U+{(int)c:X4}) cannot be passed to a remote shell.", nameof(value));
        }
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}

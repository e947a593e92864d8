using System.Text;

namespace WgAdmin.Remote;

/// <summary>Text from a host made safe to show: no control characters, no key-shaped strings.</summary>
public static class RemoteText
{
    /// <summary>
    /// The line without C0 and C1 control characters (tabs kept: dumps are tab-separated) and
    /// without the Unicode format characters that reorder or hide text (bidi overrides and
    /// isolates, zero-width characters).
    /// </summary>
    public static string Clean(string line)
    {
        var clean = true;
        foreach (var c in line)
            if (IsUnwanted(c))
            {
                clean = false;
                break;
            }
        if (clean)
            return line;
        var text = new StringBuilder(line.Length);
        foreach (var c in line)
            if (!IsUnwanted(c))
                text.Append(c);
        return text.ToString();
    }

    /// <summary>Cleaned and with key-shaped strings hidden: for standard error and other free text.</summary>
    public static string Redact(string text) => SecretFilter.Redact(string.Join('\n', text.Split('\n').Select(l => Clean(l.TrimEnd('\r')))));

    private static bool IsUnwanted(char c) =>
        (char.IsControl(c) && c != '\t') || c is '\u200B' or '\u200C' or '\u200D' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF'
        || c is >= '\u202A' and <= '\u202E' || c is >= '\u2066' and <= '\u2069';
}

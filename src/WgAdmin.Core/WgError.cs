namespace WgAdmin;

/// <summary>
/// One problem found in a value, a file or a model. <see cref="Message"/> quotes the offending
/// value, except for private and preshared keys, whose problems are described instead.
/// </summary>
public sealed record WgError(string ErrorId, string Message, int? Line = null, string? Offender = null)
{
    public override string ToString() => Line is int line ? $"line {line}: {Message}" : Message;
}

/// <summary>Thrown when input cannot be accepted; carries every problem found, in order.</summary>
public sealed class WgException : FormatException
{
    public WgException(WgError error) : this(new[] { error }) { }

    public WgException(IReadOnlyList<WgError> errors)
        : base(errors.Count switch
        {
            0 => "Invalid WireGuard input.",
            1 => errors[0].ToString(),
            _ => $"{errors[0]} (and {errors.Count - 1} more problem{(errors.Count == 2 ? "" : "s")})",
        })
    {
        Errors = errors;
    }

    public IReadOnlyList<WgError> Errors { get; }

    /// <summary>The identifier of the first problem.</summary>
    public string ErrorId => Errors.Count > 0 ? Errors[0].ErrorId : WgErrorId.UnknownKey;
}

public static partial class Quote
{
    [System.Text.RegularExpressions.GeneratedRegex("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=")]
    private static partial System.Text.RegularExpressions.Regex KeyShaped();

    /// <summary>
    /// Quotes a value for a message, escaping control characters so that a newline in the
    /// offending value cannot forge extra lines in logs. Anything shaped like a WireGuard key
    /// is hidden: a private key pasted into the wrong field must not end up in an error.
    /// </summary>
    public static string Value(string value) => Escape(KeyShaped().Replace(value, "(key-shaped value hidden)"));

    // A key name is a short word. Anything else before the '=' may be key material: a bare
    // key line still has an '=' (its padding), as has "PrivateKey <key>" with its '=' lost.

    /// <summary>True when the text before a line's '=' looks like a key name, and so may be quoted.</summary>
    public static bool LooksLikeKeyName(string key) =>
        key.Length <= 24 && key.All(c => char.IsAsciiLetter(c) || c is ' ' or '\t' or '_' or '-');

    /// <summary>Quotes the text before a line's '=' when it looks like a key name; otherwise says it is not shown.</summary>
    public static string KeyName(string key) =>
        LooksLikeKeyName(key) ? Value(key) : "(not shown: it is not a key name and may be key material)";

    /// <summary>The text before a line's '=' as an error's offender, or null when it may be key material.</summary>
    public static string? KeyNameOffender(string key) => LooksLikeKeyName(key) ? key : null;

    /// <summary>Quotes a public key (or what was given as one), which is not secret.</summary>
    public static string PublicKey(string value) => Escape(value);

    private static string Escape(string value)
    {
        var builder = new System.Text.StringBuilder(value.Length + 2);
        builder.Append('\'');
        foreach (var c in value)
        {
            if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                builder.Append($"\\u{(int)c:x4}");
            else if (c == '\'')
                builder.Append("''");
            else
                builder.Append(c);
        }
        return builder.Append('\'').ToString();
    }
}

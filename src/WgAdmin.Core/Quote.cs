using System.Text.RegularExpressions;
using WgAdmin.Keys;

namespace WgAdmin;

public static partial class Quote
{
    /// <summary>What stands in for a value shaped like a key.</summary>
    public const string Hidden = "(key-shaped value hidden)";

    // A 32-byte key in base64 or base64url: 42 characters, a 43rd whose two low bits are zero,
    // then its '=' or, without it, nothing more of the alphabet. "SHA256:" fingerprints (ssh's
    // host keys, unpadded) are quoted on purpose and are not keys.
    [GeneratedRegex(@"[A-Za-z0-9+/_-]{42}[AEIMQUYcgkosw048]=|(?<![A-Za-z0-9+/_-])(?<!SHA256:)[A-Za-z0-9+/_-]{42}[AEIMQUYcgkosw048](?![A-Za-z0-9+/_-])")]
    private static partial Regex KeyShaped();

    // A key with a typo: 40 to 48 characters of the alphabet on their own (a character lost, one
    // too many, one mistyped), with upper case, lower case and digits as a random key has them
    // (one of 43 characters lacks one of them about once in a thousand keys), and at most two '='.
    // Paths and host names of that length without a dot are rarely all three.
    [GeneratedRegex(@"(?<![A-Za-z0-9+/_-])(?<!SHA256:)(?=[A-Za-z0-9+/_-]{0,47}[A-Z])(?=[A-Za-z0-9+/_-]{0,47}[a-z])(?=[A-Za-z0-9+/_-]{0,47}[0-9])[A-Za-z0-9+/_-]{40,48}(?![A-Za-z0-9+/_-])={0,2}")]
    private static partial Regex NearKey();

    /// <summary>The text with anything shaped like a WireGuard key, or like one with a typo, hidden; null stays null.</summary>
    public static string? Redact(string? value) =>
        value is null || value.Length < 40 ? value : NearKey().Replace(KeyShaped().Replace(value, Hidden), Hidden);

    /// <summary>
    /// Quotes a value for a message, escaping control characters so that a newline in the
    /// offending value cannot forge extra lines in logs. Anything shaped like a WireGuard key
    /// is hidden: a private key pasted into the wrong field must not end up in an error.
    /// </summary>
    public static string Value(string value) => Escape(Redact(value)!);

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

    /// <summary>Quotes a public key, which is not secret.</summary>
    public static string PublicKey(WgPublicKey key) => Escape(key.ToString());

    /// <summary>
    /// Quotes what was given as a public key. A well-formed one is quoted whole; a malformed one of about
    /// a key's length is not quoted at all: it may be a private key with a typo.
    /// </summary>
    public static string PublicKey(string value) =>
        KeyEncoding.TryDecode(value, out _, out _) ? Escape(value)
        : IsAboutKeyLength(value) ? $"(a value of {value.Length} characters, not shown: it may be a private key)"
        : Value(value);

    /// <summary>What was given as a public key, as an error's offender: null when <see cref="PublicKey(string)"/> would not quote it.</summary>
    public static string? PublicKeyOffender(string value) =>
        !KeyEncoding.TryDecode(value, out _, out _) && IsAboutKeyLength(value) ? null : value;

    private static bool IsAboutKeyLength(string value) => value.Trim().Length is >= 40 and <= 48;

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

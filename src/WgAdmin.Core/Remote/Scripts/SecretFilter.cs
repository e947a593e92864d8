using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>Hides anything shaped like a WireGuard key in text relayed from a remote tool (`wg` quotes keys in its errors).</summary>
public static partial class SecretFilter
{
    [GeneratedRegex("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=")]
    private static partial Regex KeyPattern();

    public static string Redact(string text) => string.IsNullOrEmpty(text) ? text : KeyPattern().Replace(text, "(key hidden)");
}

using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>One `ip route get` answer: the prefix asked about and the first line of the answer.</summary>
public sealed record RouteAnswer(string Prefix, string Line)
{
    private static readonly Regex DevPattern = new(@"\bdev (\S+)", RegexOptions.CultureInvariant);
    private static readonly Regex ViaPattern = new(@"\bvia (\S+)", RegexOptions.CultureInvariant);

    /// <summary>The interface the route leaves through; null when there is no route.</summary>
    public string? Device => DevPattern.Match(Line) is { Success: true } m ? m.Groups[1].Value : null;

    public string? Via => ViaPattern.Match(Line) is { Success: true } m ? m.Groups[1].Value : null;
}

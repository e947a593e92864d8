using System.Globalization;
using System.Text;

namespace WgAdmin.Display;

/// <summary>
/// Times and byte counts as `wg show` prints them ("1 minute, 4 seconds ago", "1.21 MiB"), for
/// the module's views. Pure functions; the format file calls them from its script blocks.
/// </summary>
public static class WgDisplay
{
    private static readonly (long Seconds, string Unit)[] Units =
    [
        (365L * 24 * 60 * 60, "year"),
        (24L * 60 * 60, "day"),
        (60L * 60, "hour"),
        (60L, "minute"),
        (1L, "second"),
    ];

    /// <summary>A span in whole seconds, as wg's pretty_time: "1 day, 2 hours, 1 minute, 4 seconds"; units that are zero are left out.</summary>
    public static string Duration(long seconds)
    {
        if (seconds < 0)
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "A duration is not negative.");
        var text = new StringBuilder();
        foreach (var (size, unit) in Units)
        {
            var count = seconds / size;
            seconds %= size;
            if (count == 0)
                continue;
            if (text.Length > 0)
                text.Append(", ");
            text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(unit);
            if (count != 1)
                text.Append('s');
        }
        return text.ToString();
    }

    /// <summary>
    /// How long ago a handshake was, as wg's "latest handshake" line: "1 minute, 4 seconds ago",
    /// "Now" within the same second, and "never" when the peer has not shaken hands (wg leaves
    /// the line out then). A handshake in the future means the clocks disagree, as wg says.
    /// </summary>
    public static string HandshakeAge(TimeSpan? age)
    {
        if (age is not { } span)
            return "never";
        // wg compares whole seconds (time(NULL) with the handshake's tv_sec).
        var seconds = (long)Math.Floor(span.TotalSeconds);
        return seconds switch
        {
            0 => "Now",
            < 0 => "(System clock wound backward; connection problems may ensue.)",
            _ => Duration(seconds) + " ago",
        };
    }

    /// <summary>A byte count as wg's transfer line: "512 B", then KiB, MiB, GiB, TiB with two decimals.</summary>
    public static string Bytes(long bytes)
    {
        if (bytes < 0)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "A byte count is not negative.");
        return bytes switch
        {
            < 1L << 10 => bytes.ToString(CultureInfo.InvariantCulture) + " B",
            < 1L << 20 => Scaled(bytes, 10, "KiB"),
            < 1L << 30 => Scaled(bytes, 20, "MiB"),
            < 1L << 40 => Scaled(bytes, 30, "GiB"),
            _ => Scaled(bytes, 40, "TiB"),
        };
    }

    /// <summary>wg's transfer line: "1.21 MiB received, 3.40 KiB sent".</summary>
    public static string Transfer(long received, long sent) => $"{Bytes(received)} received, {Bytes(sent)} sent";

    /// <summary>wg's persistent keepalive line: "every 25 seconds", or "off" (0 or not set).</summary>
    public static string Keepalive(int? seconds) => seconds is null or 0 ? "off" : "every " + Duration(seconds.Value);

    /// <summary>
    /// bytes / 2^shift with two decimals, as C's "%.2f" prints the (exact) double wg divides into:
    /// an exact tie rounds to even (1152 B is "1.12 KiB"), where .NET's "F2" would round it up.
    /// </summary>
    private static string Scaled(long bytes, int shift, string unit)
    {
        var value = (decimal)bytes / (1L << shift);
        return Math.Round(value, 2, MidpointRounding.ToEven).ToString("F2", CultureInfo.InvariantCulture) + " " + unit;
    }
}

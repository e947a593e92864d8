using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// What a command printed on one stream, read while it runs and kept only up to a cap. SSH.NET
/// holds whatever a host sends until it is read (SshCommand.Result reads it all at the end), so a
/// host that prints without end would fill the admin's memory.
/// </summary>
public sealed class CappedOutput
{
    /// <summary>4 MiB a stream: a gateway with a thousand peers prints a few hundred KiB.</summary>
    public const int DefaultLimit = 4 * 1024 * 1024;

    private CappedOutput(string text, bool exceeded, long bytes)
    {
        Text = text;
        Exceeded = exceeded;
        Bytes = bytes;
    }

    /// <summary>The output as UTF-8 (a bad byte as U+FFFD), cut at the cap when it was passed.</summary>
    public string Text { get; }

    /// <summary>True when the stream held more than the cap.</summary>
    public bool Exceeded { get; }

    /// <summary>The bytes read, those past the cap included.</summary>
    public long Bytes { get; }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end. The first time the cap is passed,
    /// <paramref name="onExceeded"/> runs (it stops the command); what comes after is read and
    /// dropped, so that what the channel still delivers is not held either.
    /// </summary>
    public static CappedOutput Read(Stream stream, int limit = DefaultLimit, Action? onExceeded = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        using var kept = new MemoryStream();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var room = limit - kept.Length;
            if (room > 0)
                kept.Write(buffer, 0, (int)Math.Min(room, read));
            var before = total;
            total += read;
            if (before <= limit && total > limit)
                onExceeded?.Invoke();
        }
        return new CappedOutput(new UTF8Encoding(false).GetString(kept.GetBuffer(), 0, (int)kept.Length), total > limit, total);
    }
}

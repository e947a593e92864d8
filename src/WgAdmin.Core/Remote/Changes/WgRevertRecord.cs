namespace WgAdmin.Remote;

/// <summary>A revert the host made on its own (at a deadline, at boot) or for Undo-WgChange, as its helper recorded it.</summary>
public sealed record WgRevertRecord
{
    public string? Time { get; init; }
    /// <summary>deadline, boot or undo.</summary>
    public string? Mode { get; init; }
    /// <summary>Who had made the change that was reverted.</summary>
    public string? Station { get; init; }
    /// <summary>The host matched its snapshot afterwards.</summary>
    public bool Verified { get; init; }
    /// <summary>How long the restore took on the host.</summary>
    public TimeSpan? Duration { get; init; }

    public static WgRevertRecord Parse(ScriptSection section) => new()
    {
        Time = section.Value("time"),
        Mode = section.Value("mode"),
        Station = section.Value("station"),
        Verified = section.Value("result") == "ok",
        Duration = int.TryParse(section.Value("milliseconds"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms) : null,
    };
}

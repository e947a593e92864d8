namespace WgAdmin;

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

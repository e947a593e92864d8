using WgAdmin.Keys;

namespace WgAdmin;

/// <summary>
/// One problem found in a value, a file or a model. <see cref="Message"/> quotes the offending
/// value, except for private and preshared keys, whose problems are described instead.
/// </summary>
public sealed record WgError
{
    private readonly string? _offender;

    public WgError(string ErrorId, string Message, int? Line = null, string? Offender = null)
    {
        this.ErrorId = ErrorId;
        this.Message = Message;
        this.Line = Line;
        this.Offender = Offender;
    }

    /// <summary>A problem with a peer's public key, which is no secret: the key stays in <see cref="Offender"/> whole.</summary>
    public WgError(string ErrorId, string Message, WgPublicKey publicKey, int? Line = null)
        : this(ErrorId, Message, Line) => _offender = publicKey.ToString();

    public string ErrorId { get; init; }

    public string Message { get; init; }

    public int? Line { get; init; }

    /// <summary>
    /// The offending value as given. This is the one place every problem passes through, so it
    /// is where a value shaped like a key is hidden: a private key typed into the wrong field
    /// must not reach Get-Error or a JSON log through here.
    /// </summary>
    public string? Offender { get => _offender; init => _offender = Quote.Redact(value); }

    public override string ToString() => Line is int line ? $"line {line}: {Message}" : Message;
}

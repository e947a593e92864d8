namespace WgAdmin.Topology;

public enum WgTopologySeverity
{
    /// <summary>The topology cannot be built as given.</summary>
    Error,

    /// <summary>The topology can be built, but probably not as meant.</summary>
    Warning,
}

/// <summary>One finding of <see cref="WgTopologyCheck"/>: a fixed ID, and a message that quotes the values.</summary>
public sealed record WgTopologyProblem(WgTopologySeverity Severity, string ErrorId, string Message, string? Site = null, string? Offender = null)
{
    public WgError ToError() => new(ErrorId, Message, Offender: Offender);

    public override string ToString() => Message;
}

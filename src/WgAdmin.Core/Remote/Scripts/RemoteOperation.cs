namespace WgAdmin.Remote;

/// <summary>
/// One thing done on a host: what it is called in an error ("reading the gateway's state"), the
/// script (composed by <see cref="RemoteScript"/>), how long it may take, and how its output
/// becomes a result. <see cref="RemoteRunner.Invoke"/> runs it.
/// </summary>
public sealed record RemoteOperation<T>(string Description, string Script, Func<ScriptOutput, T> Parse)
{
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);
}

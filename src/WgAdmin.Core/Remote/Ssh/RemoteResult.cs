namespace WgAdmin.Remote;

/// <summary>The outcome of one remote command. Output is text; standard error has key-shaped strings hidden.</summary>
public sealed record RemoteResult(int ExitCode, string Output, string Error, TimeSpan Duration);

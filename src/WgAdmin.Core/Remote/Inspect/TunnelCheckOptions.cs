namespace WgAdmin.Remote;

/// <summary>The limits a tunnel is judged by.</summary>
public sealed record TunnelCheckOptions(TimeSpan MaxHandshakeAge, int Count);

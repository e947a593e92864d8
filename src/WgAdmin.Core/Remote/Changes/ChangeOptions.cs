namespace WgAdmin.Remote;

/// <summary>How a change is made on a host: how long to wait for the host's lock, and whether it reverts by itself unless confirmed.</summary>
public sealed record ChangeOptions
{
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait while another change holds the host's lock, then fail with GatewayBusy.</summary>
    public TimeSpan LockTimeout { get; init; } = DefaultLockTimeout;

    /// <summary>When set, the host reverts the change by itself this long after it was made, unless it is confirmed.</summary>
    public TimeSpan? ConfirmWithin { get; init; }

    /// <summary>Who makes the change, for the lock holder and the snapshot: user@station, process.</summary>
    public string Station { get; init; } = DefaultStation;

    public static string DefaultStation => $"{Environment.UserName}@{Environment.MachineName} (pid {Environment.ProcessId})";
}

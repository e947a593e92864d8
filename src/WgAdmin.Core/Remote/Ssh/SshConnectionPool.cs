namespace WgAdmin.Remote;

/// <summary>
/// The SSH connections of one command: one per host and route, jump hosts shared (a fan-out over
/// many gateways behind one bastion opens one bastion connection). See <see cref="SshRoutePool{T}"/>.
/// </summary>
public sealed class SshConnectionPool : IDisposable
{
    private readonly SshRoutePool<SshConnection> _pool = new(
        (options, via, cancellation) => SshConnection.Open(options, via, cancellation),
        connection => connection.Retain(),
        connection => connection.Dispose());

    /// <summary>The routes connected to so far ("root@gw1 via admin@bastion", "admin@bastion"), jump hosts included, in order.</summary>
    public IReadOnlyList<string> Opened => _pool.Opened;

    /// <summary>This command's connection to a host, opened on first use; closed with the pool.</summary>
    public SshConnection Get(SshConnectOptions options, CancellationToken cancellation = default) => _pool.Get(options, cancellation);

    /// <summary>A connection that outlives the pool (a kept session): dispose it when done; its jump hosts close after it.</summary>
    public SshConnection Keep(SshConnectOptions options, CancellationToken cancellation = default) => _pool.Get(options, cancellation).Retain();

    public void Dispose() => _pool.Dispose();
}

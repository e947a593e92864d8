using System.Collections.Concurrent;

namespace WgAdmin.Remote;

/// <summary>
/// Connections of one command (or one New-WgSession), one per route, opened on first use from
/// any thread: hosts behind one jump host share that jump host's connection, which is opened once
/// and held by every connection riding it. Disposing the pool releases its own hold on each, the
/// last opened first; a connection still held elsewhere (a kept session) stays open, with the jump
/// hosts it rides. Generic over the connection so the sharing is tested without SSH.
/// </summary>
internal sealed class SshRoutePool<T> : IDisposable where T : class
{
    private readonly Func<SshConnectOptions, T?, CancellationToken, T> _open;
    private readonly Func<T, T> _retain;
    private readonly Action<T> _release;
    private readonly ConcurrentDictionary<string, Lazy<T>> _routes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentStack<(string Route, T Connection)> _opened = new();

    /// <param name="open">Opens a connection through an open jump host (null: directly), taking over one hold on it, also when it fails.</param>
    /// <param name="retain">Adds a hold on a connection.</param>
    /// <param name="release">Releases a hold; the last one closes the connection.</param>
    public SshRoutePool(Func<SshConnectOptions, T?, CancellationToken, T> open, Func<T, T> retain, Action<T> release)
    {
        _open = open;
        _retain = retain;
        _release = release;
    }

    /// <summary>Connections opened so far, jump hosts included, in the order they were opened.</summary>
    public IReadOnlyList<string> Opened => _opened.Reverse().Select(o => o.Route).ToArray();

    /// <summary>The connection for this route, opened (with the jump hosts it needs) on first use.</summary>
    public T Get(SshConnectOptions options, CancellationToken cancellation) =>
        _routes.GetOrAdd(options.RouteKey, _ => new Lazy<T>(() => OpenNew(options, cancellation))).Value;

    private T OpenNew(SshConnectOptions options, CancellationToken cancellation)
    {
        var via = options.Via is { } hop ? _retain(SshHopFailure.Reach(options, () => Get(hop, cancellation))) : null;
        var connection = _open(options, via, cancellation);
        _opened.Push((options.RouteKey, connection));
        return connection;
    }

    public void Dispose()
    {
        while (_opened.TryPop(out var opened))
            _release(opened.Connection);
        _routes.Clear();
    }
}

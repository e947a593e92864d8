using System.Collections.Concurrent;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// An SSH connection kept open across commands (New-WgSession). Sessions belong to the
/// runspace that opened them and are closed when the module is removed.
/// </summary>
public sealed class WgSession : IDisposable
{
    private static int _lastId;

    internal WgSession(SshConnection connection, Guid runspaceId)
    {
        Connection = connection;
        RunspaceId = runspaceId;
        Id = Interlocked.Increment(ref _lastId);
    }

    public int Id { get; }

    public string ComputerName => Connection.Target.ComputerName;

    public string Host => Connection.Target.Host;

    public int Port => Connection.Target.Port;

    public string UserName => Connection.Target.User;

    public string HostKeyFingerprint => Connection.HostKeyFingerprint;

    /// <summary>The jump hosts the session rides, first first ("ops@bastion"), empty when direct.</summary>
    public string[] JumpHost
    {
        get
        {
            var hops = new List<string>();
            for (var hop = Connection.Via; hop is not null; hop = hop.Via)
                hops.Insert(0, hop.Target.ToString());
            return hops.ToArray();
        }
    }

    public string State => Connection.IsConnected ? "Opened" : "Closed";

    internal SshConnection Connection { get; }

    internal Guid RunspaceId { get; }

    public void Dispose() => Connection.Dispose();

    public override string ToString() => $"{Id}: {Connection.Target}";
}

/// <summary>The sessions of each runspace.</summary>
internal static class WgSessionRegistry
{
    private static readonly ConcurrentDictionary<Guid, ConcurrentDictionary<int, WgSession>> Sessions = new();

    public static void Add(WgSession session) =>
        Sessions.GetOrAdd(session.RunspaceId, _ => new()).TryAdd(session.Id, session);

    public static IReadOnlyList<WgSession> List(Guid runspaceId) =>
        Sessions.TryGetValue(runspaceId, out var sessions) ? sessions.Values.OrderBy(s => s.Id).ToArray() : Array.Empty<WgSession>();

    /// <summary>The first open session of the runspace to <paramref name="computerName"/> (as it was named), or null.</summary>
    public static WgSession? Find(Guid runspaceId, string computerName) =>
        List(runspaceId).FirstOrDefault(s => string.Equals(s.ComputerName, computerName, StringComparison.OrdinalIgnoreCase) && s.Connection.IsConnected);

    public static bool Remove(WgSession session)
    {
        var removed = Sessions.TryGetValue(session.RunspaceId, out var sessions) && sessions.TryRemove(session.Id, out _);
        session.Dispose();
        return removed;
    }

    public static void CloseAll(Guid runspaceId)
    {
        if (Sessions.TryRemove(runspaceId, out var sessions))
            foreach (var session in sessions.Values)
                session.Dispose();
    }
}

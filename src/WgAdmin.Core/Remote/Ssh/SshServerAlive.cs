using System.Reflection;
using System.Text;
using Renci.SshNet;
using Renci.SshNet.Messages;
using Renci.SshNet.Messages.Connection;

namespace WgAdmin.Remote;

/// <summary>
/// ssh_config's ServerAliveInterval and ServerAliveCountMax as ssh does them: every interval a
/// "keepalive@openssh.com" global request that wants a reply (a server answers it, if only with
/// a failure), and after ServerAliveCountMax requests left unanswered the server is given up for
/// dead. SSH.NET's own keepalive is an SSH_MSG_IGNORE that wants no answer, so a server that
/// stopped answering (a frozen host, a path that drops packets) is never noticed by it; this
/// sends the request through the session SSH.NET keeps internal (see docs/remote.md).
/// </summary>
internal sealed class SshServerAlive : IDisposable
{
    private const string RequestName = "keepalive@openssh.com";

    private static readonly PropertyInfo? SessionProperty =
        typeof(BaseClient).GetProperty("Session", BindingFlags.Instance | BindingFlags.NonPublic);
    private static readonly ConstructorInfo? RequestConstructor =
        typeof(GlobalRequestMessage).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(byte[]), typeof(bool)]);
    private static readonly MethodInfo? SendMessage =
        typeof(Session).GetMethod("SendMessage", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(Message)]);

    private readonly Session _session;
    private readonly int _countMax;
    private readonly Action _onDead;
    private readonly Timer _timer;
    private int _unanswered;
    private int _dead;

    private SshServerAlive(Session session, TimeSpan interval, int countMax, Action onDead)
    {
        _session = session;
        _countMax = Math.Max(1, countMax);
        _onDead = onDead;
        _session.RequestSuccessReceived += Answered;
        _session.RequestFailureReceived += Answered;
        _timer = new Timer(_ => Tick(), null, interval, interval);
    }

    /// <summary>
    /// Starts asking a connected client's server; null when SSH.NET's internals are not where
    /// this expects them (another SSH.NET version), and then only SSH.NET's keepalive runs.
    /// </summary>
    public static SshServerAlive? Start(SshClient client, TimeSpan interval, int countMax, Action onDead)
    {
        if (interval <= TimeSpan.Zero || RequestConstructor is null || SendMessage is null)
            return null;
        return SessionProperty?.GetValue(client) is Session session ? new SshServerAlive(session, interval, countMax, onDead) : null;
    }

    /// <summary>True where this SSH.NET lets ServerAliveCountMax be counted.</summary>
    public static bool Supported => SessionProperty is not null && RequestConstructor is not null && SendMessage is not null;

    /// <summary>Requests sent and not answered yet.</summary>
    public int Unanswered => Volatile.Read(ref _unanswered);

    private void Answered(object? sender, EventArgs e) => Interlocked.Exchange(ref _unanswered, 0);

    private void Tick()
    {
        if (Volatile.Read(ref _dead) == 1)
            return;
        if (Volatile.Read(ref _unanswered) >= _countMax)
        {
            if (Interlocked.Exchange(ref _dead, 1) == 0)
            {
                _timer.Change(Timeout.Infinite, Timeout.Infinite);
                _onDead();
            }
            return;
        }
        Interlocked.Increment(ref _unanswered);
        try
        {
            var request = (Message)RequestConstructor!.Invoke([Encoding.ASCII.GetBytes(RequestName), true]);
            SendMessage!.Invoke(_session, [request]);
        }
        catch (TargetInvocationException)
        {
            // The session is closing or closed: its own failure is what the caller sees.
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _session.RequestSuccessReceived -= Answered;
        _session.RequestFailureReceived -= Answered;
    }
}

using System.Globalization;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace WgAdmin.Remote;

/// <summary>
/// The way from a jump host to the next host. SSH.NET opens direct-tcpip channels only for a
/// local forwarded port, so this is one: bound to 127.0.0.1 on a port the system picks, for
/// exactly one connection (the next hop's, made at once); any other connection to it is closed
/// on arrival. It is removed when the connection riding it closes. Host keys are never checked
/// under 127.0.0.1: the connection through it checks the next host's key under its own name.
/// </summary>
internal sealed class SshTunnel : IDisposable
{
    private const string Refused = "WgAdmin's tunnel to a jump host takes one connection only.";

    private readonly SshConnection _via;
    private readonly ForwardedPortLocal _port;
    private int _connections;
    private Exception? _failure;
    private bool _disposed;

    private SshTunnel(SshConnection via, ForwardedPortLocal port)
    {
        _via = via;
        _port = port;
    }

    /// <summary>The address to connect to instead of the next host.</summary>
    public string Host => "127.0.0.1";

    public int Port => (int)_port.BoundPort;

    /// <summary>The jump host the tunnel goes through.</summary>
    public SshConnection Via => _via;

    /// <summary>Why the jump host could not open the channel to the next host, if it could not.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Opens a tunnel through <paramref name="via"/> to <paramref name="host"/>:<paramref name="port"/>,
    /// taking over one reference to <paramref name="via"/> (released when the tunnel is disposed, also on failure).
    /// </summary>
    public static SshTunnel Open(SshConnection via, string host, int port)
    {
        var forward = new ForwardedPortLocal("127.0.0.1", 0, host, (uint)port);
        var tunnel = new SshTunnel(via, forward);
        forward.RequestReceived += (_, _) =>
        {
            // Thrown here, SSH.NET closes the accepted socket before opening any channel for it.
            if (Interlocked.Increment(ref tunnel._connections) > 1)
                throw new InvalidOperationException(Refused);
        };
        forward.Exception += (_, e) =>
        {
            if (e.Exception.Message != Refused)
                Interlocked.CompareExchange(ref tunnel._failure, e.Exception, null);
        };
        try
        {
            via.Client.AddForwardedPort(forward);
            forward.Start();
        }
        catch (Exception ex) when (ex is SshException or IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            tunnel.Dispose();
            throw new WgException(new WgError(WgErrorId.JumpHostFailed,
                $"{via.Target}: cannot open a tunnel to {host}:{port.ToString(CultureInfo.InvariantCulture)} through this jump host: {ex.Message}", Offender: via.Target.ToString()));
        }
        return tunnel;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        try
        {
            if (_port.IsStarted)
                _port.Stop();
            _via.Client.RemoveForwardedPort(_port);
        }
        catch (Exception ex) when (ex is SshException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The jump host's connection is going away, or already gone.
        }
        _port.Dispose();
        _via.Dispose();
    }
}

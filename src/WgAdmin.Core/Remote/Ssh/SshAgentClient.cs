using System.Buffers.Binary;
using System.Net.Sockets;

namespace WgAdmin.Remote;

/// <summary>
/// A client of ssh-agent's protocol (draft-miller-ssh-agent) over its Unix socket: the keys it
/// holds (REQUEST_IDENTITIES) and signatures made with them (SIGN_REQUEST). The private keys stay
/// in the agent; a key it holds needs no passphrase here. One request at a time per client.
/// </summary>
public sealed class SshAgentClient : IDisposable
{
    private const byte Failure = 5;
    private const byte RequestIdentities = 11;
    private const byte IdentitiesAnswer = 12;
    private const byte SignRequest = 13;
    private const byte SignResponse = 14;

    /// <summary>OpenSSH's agent refuses messages larger than this (AGENT_MAX_LEN); so does the client.</summary>
    private const int MaxMessage = 256 * 1024;

    private readonly Socket _socket;
    private readonly object _gate = new();

    private SshAgentClient(Socket socket, string socketPath)
    {
        _socket = socket;
        SocketPath = socketPath;
    }

    public string SocketPath { get; }

    /// <summary>
    /// Connects to the agent at <paramref name="socketPath"/>. <paramref name="timeout"/> bounds each
    /// reply; a signature can wait on the agent's confirmation (ssh-add -c), so it is generous by default.
    /// </summary>
    public static SshAgentClient Connect(string socketPath, TimeSpan? timeout = null)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            var milliseconds = (int)(timeout ?? TimeSpan.FromSeconds(60)).TotalMilliseconds;
            socket.ReceiveTimeout = milliseconds;
            socket.SendTimeout = milliseconds;
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (Exception ex) when (ex is SocketException or IOException or ArgumentException)
        {
            socket.Dispose();
            throw Error(socketPath, $"cannot connect to the ssh-agent at {Quote.Value(socketPath)}: {ex.Message}");
        }
        return new SshAgentClient(socket, socketPath);
    }

    /// <summary>The keys the agent holds, in its order (the order ssh offers them in).</summary>
    public IReadOnlyList<SshAgentIdentity> ListIdentities()
    {
        var reply = Request(new SshWireWriter().Byte(RequestIdentities).ToArray(), "listing its keys");
        if (reply.ReadByte() is var type && type != IdentitiesAnswer)
            throw Error(SocketPath, $"the ssh-agent at {Quote.Value(SocketPath)} answered the list of keys with message {type}.");
        try
        {
            var count = reply.ReadUInt32();
            var identities = new List<SshAgentIdentity>();
            for (var i = 0; i < count; i++)
                identities.Add(new SshAgentIdentity(reply.ReadString(), reply.ReadText()));
            return identities;
        }
        catch (FormatException ex)
        {
            throw Error(SocketPath, $"the ssh-agent at {Quote.Value(SocketPath)} sent a malformed list of keys: {ex.Message}");
        }
    }

    /// <summary>
    /// Has the agent sign <paramref name="data"/> with the key of <paramref name="publicKey"/>. The
    /// result is the signature as SSH sends it: string algorithm name, string signature blob.
    /// </summary>
    public byte[] Sign(byte[] publicKey, byte[] data, SshAgentSignatureFlags flags = SshAgentSignatureFlags.None)
    {
        var request = new SshWireWriter().Byte(SignRequest).String(publicKey).String(data).UInt32((uint)flags).ToArray();
        var reply = Request(request, "signing");
        var type = reply.ReadByte();
        if (type == Failure)
            throw Error(SocketPath, $"the ssh-agent at {Quote.Value(SocketPath)} refused to sign with {KnownHosts.KeyTypeOf(publicKey)} {KnownHosts.Fingerprint(publicKey)} (the key was removed, is locked, or its confirmation was declined).");
        if (type != SignResponse)
            throw Error(SocketPath, $"the ssh-agent at {Quote.Value(SocketPath)} answered a signature request with message {type}.");
        try
        {
            return reply.ReadString();
        }
        catch (FormatException ex)
        {
            throw Error(SocketPath, $"the ssh-agent at {Quote.Value(SocketPath)} sent a malformed signature: {ex.Message}");
        }
    }

    public void Dispose() => _socket.Dispose();

    private SshWireReader Request(byte[] message, string what)
    {
        lock (_gate)
        {
            try
            {
                var framed = new byte[4 + message.Length];
                BinaryPrimitives.WriteUInt32BigEndian(framed, (uint)message.Length);
                message.CopyTo(framed, 4);
                SendAll(framed);
                var header = ReceiveExactly(4);
                var length = BinaryPrimitives.ReadUInt32BigEndian(header);
                if (length is 0 or > MaxMessage)
                    throw Error(SocketPath, $"the ssh-agent at {Quote.Value(SocketPath)} sent a reply of {length} bytes while {what}.");
                return new SshWireReader(ReceiveExactly((int)length));
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                throw Error(SocketPath, $"the ssh-agent at {Quote.Value(SocketPath)} failed while {what}: {ex.Message}");
            }
        }
    }

    private void SendAll(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
    }

    private byte[] ReceiveExactly(int count)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = _socket.Receive(buffer, read, count - read, SocketFlags.None);
            if (n == 0)
                throw new IOException("the agent closed the connection");
            read += n;
        }
        return buffer;
    }

    private static WgException Error(string socketPath, string message) =>
        new(new WgError(WgErrorId.SshAgentFailed, char.ToUpperInvariant(message[0]) + message[1..], Offender: socketPath));
}

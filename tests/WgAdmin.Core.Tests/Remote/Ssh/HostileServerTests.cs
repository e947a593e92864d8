using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// Text a host sends before any script runs reaches errors too: SSH.NET puts a server's disconnect
/// message into its exception, and a host can send one before its key is even checked. A fake
/// server on loopback sends one full of terminal escapes; the error WgAdmin makes of it carries none.
/// </summary>
public class HostileServerTests
{
    private const string Hostile = "bye\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J\u202Eevil\u200B\u009b31m";

    [Fact]
    public async Task ADisconnectMessageReachesNoErrorWithItsControlCharacters()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("SSH-2.0-hostile\r\n"));
            await stream.WriteAsync(DisconnectPacket(Hostile));
            await stream.FlushAsync();
            // Read what the client sends until it hangs up, so it sees the whole packet first.
            var buffer = new byte[4096];
            try
            {
                while (await stream.ReadAsync(buffer) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        });
        var target = new SshTarget("gw", "127.0.0.1", port, "root", [], []);

        var error = Assert.Single(Assert.Throws<WgException>(() => SshConnection.Open(new SshConnectOptions { Target = target, Password = "x", ConnectTimeout = TimeSpan.FromSeconds(10) })).Errors);
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(WgErrorId.ConnectionFailed, error.ErrorId);
        Assert.Contains("bye", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(error.Message, c => (char.IsControl(c) && c != '\t') || c is '\u202E' or '\u200B');
    }

    /// <summary>SSH_MSG_DISCONNECT (RFC 4253, 11.1) as a binary packet before key exchange: no MAC, no encryption.</summary>
    private static byte[] DisconnectPacket(string description)
    {
        var text = Encoding.UTF8.GetBytes(description);
        var payload = new byte[1 + 4 + 4 + text.Length + 4];
        payload[0] = 1; // SSH_MSG_DISCONNECT
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(1), 11); // SSH_DISCONNECT_BY_APPLICATION
        BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(5), (uint)text.Length);
        text.CopyTo(payload, 9);
        // language tag: the empty string (its length, 0, is already there)
        var padding = 8 - ((4 + 1 + payload.Length) % 8);
        if (padding < 4)
            padding += 8;
        var packet = new byte[4 + 1 + payload.Length + padding];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (uint)(1 + payload.Length + padding));
        packet[4] = (byte)padding;
        payload.CopyTo(packet, 5);
        return packet;
    }
}

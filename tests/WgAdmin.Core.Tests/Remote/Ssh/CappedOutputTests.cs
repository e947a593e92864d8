using System.Text;
using Renci.SshNet.Common;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// The capped reader on SSH.NET's own PipeStream (what SshCommand.OutputStream and
/// ExtendedOutputStream are), fed by a thread as the channel feeds it; disposing the pipe is how
/// SshCommand ends it. SshConnection.Run itself needs a server: the lab runs it.
/// </summary>
public class CappedOutputTests
{
    private static Thread Feed(PipeStream pipe, Func<int, byte[]?> chunk)
    {
        var thread = new Thread(() =>
        {
            try
            {
                for (var i = 0; chunk(i) is { } bytes; i++)
                    pipe.Write(bytes, 0, bytes.Length);
            }
            catch (ObjectDisposedException)
            {
                // The command was stopped: the channel writes no more.
            }
            pipe.Dispose();
        }) { IsBackground = true };
        thread.Start();
        return thread;
    }

    [Fact]
    public void OutputUnderTheCapIsKeptWhole()
    {
        using var pipe = new PipeStream();
        var text = "@@peers\n" + string.Concat(Enumerable.Repeat("wg0\tpeer é\n", 5000));
        var bytes = Encoding.UTF8.GetBytes(text);
        // Chunks of 7 bytes split the two-byte 'é' between writes, as packets may.
        Feed(pipe, i => i * 7 < bytes.Length ? bytes[(i * 7)..Math.Min(bytes.Length, i * 7 + 7)] : null);

        var output = CappedOutput.Read(pipe, limit: bytes.Length, onExceeded: () => Assert.Fail("not past the cap"));

        Assert.False(output.Exceeded);
        Assert.Equal(text, output.Text);
        Assert.Equal(bytes.Length, output.Bytes);
    }

    [Fact]
    public void AHostThatPrintsWithoutEndIsStoppedAtTheCap()
    {
        using var pipe = new PipeStream();
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        var stopped = 0;
        var afterStop = 0;
        // Endless output; after the stop, the channel still delivers 8 MiB before it closes.
        Feed(pipe, _ => Volatile.Read(ref stopped) == 0 || Interlocked.Increment(ref afterStop) <= 128 ? chunk : null);

        var output = CappedOutput.Read(pipe, limit: 1024 * 1024, onExceeded: () => Interlocked.Increment(ref stopped));

        Assert.True(output.Exceeded);
        Assert.Equal(1, stopped);
        Assert.Equal(1024 * 1024, output.Text.Length);
        // What came after the stop was read (so SSH.NET did not hold it) and dropped.
        Assert.True(output.Bytes > 9L * 1024 * 1024, $"{output.Bytes} bytes read");
    }

    [Fact]
    public void OutputOfExactlyTheCapIsNotPastIt()
    {
        using var pipe = new PipeStream();
        Feed(pipe, i => i < 4 ? new byte[256] : null);

        var output = CappedOutput.Read(pipe, limit: 1024);

        Assert.False(output.Exceeded);
        Assert.Equal(1024, output.Bytes);
    }

    [Fact]
    public void TheDefaultCapIsAFewMiB() => Assert.Equal(4 * 1024 * 1024, CappedOutput.DefaultLimit);
}

using System.Globalization;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Display;
using Xunit;

namespace WgAdmin.Core.Tests.Display;

/// <summary>The views' times and byte counts, as wg show's pretty_time, ago() and bytes() print them.</summary>
public class WgDisplayTests
{
    [Theory]
    [InlineData(1L, "1 second")]
    [InlineData(59L, "59 seconds")]
    [InlineData(60L, "1 minute")]
    [InlineData(64L, "1 minute, 4 seconds")]
    [InlineData(3600L, "1 hour")]
    [InlineData(3601L, "1 hour, 1 second")]
    [InlineData(2 * 86400L + 3 * 3600 + 120, "2 days, 3 hours, 2 minutes")]
    [InlineData(365 * 86400L, "1 year")]
    [InlineData(2 * 365 * 86400L + 86400 + 1, "2 years, 1 day, 1 second")]
    [InlineData(0L, "")]
    public void DurationsReadAsWgPrintsThem(long seconds, string expected) =>
        Assert.Equal(expected, WgDisplay.Duration(seconds));

    [Fact]
    public void ANegativeDurationIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WgDisplay.Duration(-1));

    [Theory]
    [InlineData(64.0, "1 minute, 4 seconds ago")]
    [InlineData(64.9, "1 minute, 4 seconds ago")] // wg compares whole seconds
    [InlineData(0.4, "Now")]
    [InlineData(90061.0, "1 day, 1 hour, 1 minute, 1 second ago")]
    [InlineData(-3.0, "(System clock wound backward; connection problems may ensue.)")]
    public void HandshakeAgesReadAsWgPrintsThem(double seconds, string expected) =>
        Assert.Equal(expected, WgDisplay.HandshakeAge(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void APeerThatNeverShookHandsSaysNever() =>
        Assert.Equal("never", WgDisplay.HandshakeAge(null));

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1024L, "1.00 KiB")]
    [InlineData(1152L, "1.12 KiB")] // 1.125 exactly: printf rounds a tie to even
    [InlineData(1408L, "1.38 KiB")] // 1.375 exactly
    [InlineData(1268777L, "1.21 MiB")]
    [InlineData(1048575L, "1024.00 KiB")] // just under a MiB, as wg prints it
    [InlineData(5L * 1024 * 1024 * 1024, "5.00 GiB")]
    [InlineData(3L << 40, "3.00 TiB")]
    [InlineData(long.MaxValue, "8388608.00 TiB")]
    public void ByteCountsReadAsWgPrintsThem(long bytes, string expected) =>
        Assert.Equal(expected, WgDisplay.Bytes(bytes));

    [Fact]
    public void ANegativeByteCountIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WgDisplay.Bytes(-1));

    [Fact]
    public void TransferAndKeepaliveReadAsWgPrintsThem()
    {
        Assert.Equal("1.21 MiB received, 3.40 KiB sent", WgDisplay.Transfer(1268777, 3482));
        Assert.Equal("every 25 seconds", WgDisplay.Keepalive(25));
        Assert.Equal("every 2 minutes", WgDisplay.Keepalive(120));
        Assert.Equal("off", WgDisplay.Keepalive(0));
        Assert.Equal("off", WgDisplay.Keepalive(null));
    }

    /// <summary>
    /// The rounding agrees with C's printf("%.2f") (what wg calls) on every value around the ties
    /// and the unit boundaries: coreutils printf is the oracle, fed the exact quotient wg divides.
    /// </summary>
    [SkippableFact]
    public void RoundingAgreesWithPrintf()
    {
        OracleGate.Require(needsRoot: false, "printf");
        var samples = new List<(long Bytes, int Shift)>();
        for (long b = 1024; b < 1024 + 4096; b += 7)
            samples.Add((b, 10));
        foreach (var b in new[] { 1152L, 1408L, 1664L, 1920L, 5L * 1024 * 1024 + 5 * 1024 * 1024 / 8, (1L << 30) + (1L << 27), 1048575L })
            samples.Add((b, b < 1L << 20 ? 10 : b < 1L << 30 ? 20 : 30));
        var format = string.Join(' ', samples.Select(_ => "%.2f"));
        var quotients = samples.Select(s => ((decimal)s.Bytes / (1L << s.Shift)).ToString(CultureInfo.InvariantCulture));
        var run = Tool.Run("/usr/bin/printf", [format, .. quotients]);
        Assert.True(run.Ok, run.StdErr);
        var expected = run.StdOut.Split(' ');
        for (var i = 0; i < samples.Count; i++)
            Assert.Equal(expected[i], WgDisplay.Bytes(samples[i].Bytes).Split(' ')[0]);
    }
}

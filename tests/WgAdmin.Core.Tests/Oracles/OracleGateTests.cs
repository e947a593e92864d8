using WgAdmin.Core.Tests.Support;
using Xunit;

namespace WgAdmin.Core.Tests.Oracles;

/// <summary>The oracle gate skips with its reason on a developer machine without the tools, and fails under CI.</summary>
public class OracleGateTests
{
    [Theory]
    [InlineData("true", null, true)]
    [InlineData("TRUE", null, true)]
    [InlineData("false", null, false)]
    [InlineData(null, "1", true)]
    [InlineData(null, "0", false)]
    [InlineData("", "", false)]
    [InlineData(null, null, false)]
    public void OraclesAreRequiredUnderCiOrWhenAsked(string? ci, string? require, bool required)
    {
        var environment = new Dictionary<string, string?> { ["CI"] = ci, ["WGADMIN_REQUIRE_ORACLES"] = require };

        Assert.Equal(required, OracleGate.IsRequired(name => environment.GetValueOrDefault(name)));
    }

    [Fact]
    public void MissingToolSkipsWithTheReason()
    {
        var ex = Assert.Throws<SkipException>(() => OracleGate.Require(false, required: false, isRoot: true, "wgadmin-no-such-tool"));

        Assert.Contains("ORACLE NOT RUN", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'wgadmin-no-such-tool' is not on PATH", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingRootSkipsWithTheReason()
    {
        var ex = Assert.Throws<SkipException>(() => OracleGate.Require(true, required: false, isRoot: false));

        Assert.Contains("not running as root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingToolFailsWhenOraclesAreRequired()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OracleGate.Require(true, required: true, isRoot: false, "wgadmin-no-such-tool"));

        Assert.Contains("REQUIRED BUT UNAVAILABLE", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not running as root", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingMissingIsNoSkip()
    {
        OracleGate.Require(false, required: true, isRoot: false, "bash");
    }
}

using System.Reflection;
using Xunit;

namespace WgAdmin.Core.Tests;

/// <summary>Error IDs are a public contract (scripts and Pester match them exactly): fixed strings, never renamed.</summary>
public class ErrorIdTests
{
    private static readonly (string Name, string Value)[] Constants = typeof(WgErrorId)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (f.Name, (string)f.GetRawConstantValue()!))
        .ToArray();

    [Fact]
    public void EveryIdIsWgAdminDotItsName()
    {
        Assert.NotEmpty(Constants);
        foreach (var (name, value) in Constants)
            Assert.Equal($"WgAdmin.{name}", value);
        Assert.Equal(Constants.Length, Constants.Select(c => c.Value).Distinct().Count());
    }

    [Theory]
    [InlineData("WgAdmin.InvalidKey")]
    [InlineData("WgAdmin.InvalidEndpoint")]
    [InlineData("WgAdmin.InvalidPrefix")]
    [InlineData("WgAdmin.InvalidPort")]
    [InlineData("WgAdmin.InvalidMtu")]
    [InlineData("WgAdmin.InvalidKeepalive")]
    [InlineData("WgAdmin.InvalidFwMark")]
    [InlineData("WgAdmin.InvalidTable")]
    [InlineData("WgAdmin.InvalidDns")]
    [InlineData("WgAdmin.InvalidBoolean")]
    [InlineData("WgAdmin.InvalidInterfaceName")]
    [InlineData("WgAdmin.ControlCharacter")]
    [InlineData("WgAdmin.UnknownKey")]
    [InlineData("WgAdmin.UnknownSection")]
    [InlineData("WgAdmin.KeyOutsideSection")]
    [InlineData("WgAdmin.MissingEquals")]
    [InlineData("WgAdmin.EmptyValue")]
    [InlineData("WgAdmin.MissingPublicKey")]
    [InlineData("WgAdmin.DuplicatePeer")]
    [InlineData("WgAdmin.DuplicateAllowedIP")]
    [InlineData("WgAdmin.PeerIsSelf")]
    [InlineData("WgAdmin.ByteOrderMark")]
    [InlineData("WgAdmin.FileExists")]
    [InlineData("WgAdmin.FileWriteFailed")]
    public void ConfigErrorIdsStayAsTheyAre(string id) => Assert.Contains(id, Constants.Select(c => c.Value));

    [Fact]
    public void ExceptionCarriesItsErrorsInOrder()
    {
        var errors = new[] { new WgError(WgErrorId.InvalidPort, "a", 3), new WgError(WgErrorId.InvalidMtu, "b", 5) };

        var ex = new WgException(errors);

        Assert.Equal(WgErrorId.InvalidPort, ex.ErrorId);
        Assert.Equal(errors, ex.Errors);
        Assert.Equal("line 3: a (and 1 more problem)", ex.Message);
        Assert.Equal("b", new WgError(WgErrorId.InvalidMtu, "b").ToString());
        Assert.IsAssignableFrom<FormatException>(ex);
    }
}

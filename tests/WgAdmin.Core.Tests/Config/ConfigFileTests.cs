using WgAdmin.Config;
using Xunit;

namespace WgAdmin.Core.Tests.Config;

/// <summary>Config files hold private keys: written owner-only from the first byte, whole or not at all.</summary>
public sealed class ConfigFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wgadmin-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WritesOwnerOnlyUtf8WithoutBomAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "wg0.conf");

        WgConfigFile.WriteAtomic(path, "[Interface]\n# Köln\n", overwrite: false);

        Assert.Equal("[Interface]\n# Köln\n"u8.ToArray(), File.ReadAllBytes(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["wg0.conf"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void ReplacesOnlyWhenAskedTo()
    {
        var path = Path.Combine(_dir, "wg0.conf");
        WgConfigFile.WriteAtomic(path, "old", overwrite: false);

        var ex = Assert.Throws<WgException>(() => WgConfigFile.WriteAtomic(path, "new", overwrite: false));
        Assert.Equal(WgErrorId.FileExists, ex.ErrorId);
        Assert.Equal("old", File.ReadAllText(path));

        WgConfigFile.WriteAtomic(path, "new", overwrite: true);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void MissingFolderIsAWriteFailure()
    {
        var ex = Assert.Throws<WgException>(() => WgConfigFile.WriteAtomic(Path.Combine(_dir, "nope", "wg0.conf"), "x", overwrite: false));

        Assert.Equal(WgErrorId.FileWriteFailed, ex.ErrorId);
    }
}

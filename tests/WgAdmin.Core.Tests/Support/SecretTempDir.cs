namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// A private temporary directory (mode 0700) whose files are created with mode 0600, deleted
/// with everything in it on dispose. Config files hold private keys, so no other user may read them.
/// </summary>
internal sealed class SecretTempDir : IDisposable
{
    public SecretTempDir() => Path = Directory.CreateTempSubdirectory("wgadmin-test-").FullName;

    public string Path { get; }

    /// <summary>Writes <paramref name="text"/> byte for byte (UTF-8, no BOM) to a new 0600 file and returns its path.</summary>
    public string Write(string fileName, string text) => Write(fileName, new System.Text.UTF8Encoding(false).GetBytes(text));

    public string Write(string fileName, byte[] bytes)
    {
        var path = System.IO.Path.Combine(Path, fileName);
        File.Delete(path);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
            stream.Write(bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

using System.Text;

namespace WgAdmin.Config;

/// <summary>Writes key material to disk safely: owner-only from the first byte, atomically, never half-written.</summary>
public static class WgConfigFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(false);

    /// <summary>
    /// The warning wg-quick gives for a key file others can open ("is world accessible"), or null:
    /// for a file that holds a private or preshared key and whose mode gives group or others any access.
    /// </summary>
    public static WgError? AccessWarning(string path, bool holdsSecrets)
    {
        if (!holdsSecrets || OperatingSystem.IsWindows())
            return null;
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        if ((mode & others) == 0)
            return null;
        var octal = Convert.ToString((int)mode & 0x1ff, 8).PadLeft(4, '0');
        return new WgError(WgErrorId.FileReadableByOthers,
            $"{Quote.Value(path)} holds private keys and is accessible by group or others (mode {octal}); make it 0600 (chmod 600).", Offender: path);
    }

    /// <summary>
    /// Writes <paramref name="text"/> to a temporary file created with mode 0600 in the target's
    /// folder, flushes it to disk, then renames it over the target, so a reader sees the old file
    /// or the new one and never a partial one, and the key is never readable by others.
    /// A file others must read (a metrics file for node_exporter) passes <paramref name="mode"/>,
    /// set on the temporary file before the rename, whatever the umask.
    /// </summary>
    public static void WriteAtomic(string path, string text, bool overwrite, UnixFileMode? mode = null)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        if (!Directory.Exists(directory))
            throw new WgException(new WgError(WgErrorId.FileWriteFailed, $"The folder {Quote.Value(directory)} does not exist.", Offender: directory));
        if (!overwrite && File.Exists(fullPath))
            throw new WgException(new WgError(WgErrorId.FileExists, $"The file {Quote.Value(fullPath)} already exists; use -Force to replace it.", Offender: fullPath));

        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                var bytes = Utf8NoBom.GetBytes(text);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            if (mode is { } wanted && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(temporary, wanted);
            File.Move(temporary, fullPath, overwrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            if (!overwrite && File.Exists(fullPath))
                throw new WgException(new WgError(WgErrorId.FileExists, $"The file {Quote.Value(fullPath)} already exists; use -Force to replace it.", Offender: fullPath));
            throw new WgException(new WgError(WgErrorId.FileWriteFailed, $"Could not write {Quote.Value(fullPath)}: {ex.Message}", Offender: fullPath));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The rename failed and so did the clean-up; the temporary name starts with '.' and holds 0600 data.
        }
    }
}

using System.Runtime.InteropServices;

namespace WgAdmin.Commands;

/// <summary>
/// Which of the module's libsodium builds (lib/runtimes/&lt;folder&gt;/native) fits the running
/// process. The module carries linux-x64, linux-arm64, win-x64 and one universal macOS build
/// (x64 and arm64 in one file, shipped once as "osx"); anything else gets no folder and falls
/// back to a libsodium the system provides.
/// </summary>
public static class NativeRuntime
{
    /// <summary>The runtime folders the module ships, in the order the build lays them out.</summary>
    public static IReadOnlyList<string> Shipped { get; } = ["linux-x64", "linux-arm64", "win-x64", "osx"];

    /// <summary>
    /// The folders to try for a platform, best first: the exact runtime identifier, then the
    /// universal macOS build. Empty for a platform the module carries no build for (32-bit,
    /// Windows on Arm, musl libc: the glibc build would not load there).
    /// </summary>
    public static IReadOnlyList<string> Candidates(OSPlatform os, Architecture architecture, bool musl)
    {
        if (os == OSPlatform.OSX)
            return architecture is Architecture.X64 or Architecture.Arm64 ? [$"osx-{Arch(architecture)}", "osx"] : [];
        if (os == OSPlatform.Windows)
            return architecture == Architecture.X64 ? ["win-x64"] : [];
        if (os == OSPlatform.Linux && !musl)
            return architecture is Architecture.X64 or Architecture.Arm64 ? [$"linux-{Arch(architecture)}"] : [];
        return [];
    }

    /// <summary>The file name of libsodium on a platform.</summary>
    public static string LibraryFileName(OSPlatform os) =>
        os == OSPlatform.Windows ? "libsodium.dll" : os == OSPlatform.OSX ? "libsodium.dylib" : "libsodium.so";

    /// <summary>The running process's platform.</summary>
    public static OSPlatform CurrentPlatform =>
        OperatingSystem.IsWindows() ? OSPlatform.Windows : OperatingSystem.IsMacOS() ? OSPlatform.OSX : OSPlatform.Linux;

    /// <summary>Whether this Linux runs on musl libc (Alpine): its dynamic loader is /lib/ld-musl-*.</summary>
    public static bool IsMusl() =>
        OperatingSystem.IsLinux() && Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any();

    /// <summary>The libsodium file for this process under <paramref name="libraryDirectory"/>, or null.</summary>
    public static string? FindLibrary(string libraryDirectory)
    {
        var os = CurrentPlatform;
        foreach (var folder in Candidates(os, RuntimeInformation.ProcessArchitecture, IsMusl()))
        {
            var path = Path.Combine(libraryDirectory, "runtimes", folder, "native", LibraryFileName(os));
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    private static string Arch(Architecture architecture) => architecture.ToString().ToLowerInvariant();
}

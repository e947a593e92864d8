using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;

namespace WgAdmin.Commands;

/// <summary>
/// Resolves NSec's native libsodium from the module's own runtimes/&lt;rid&gt;/native folder:
/// Import-Module loads assemblies by path and does not probe runtimes/ the way a published app does.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static int _resolverSet;

    public void OnImport()
    {
        // An assembly takes one resolver per process; a second Import-Module must not try again.
        if (Interlocked.Exchange(ref _resolverSet, 1) == 1)
            return;
        NativeLibrary.SetDllImportResolver(typeof(NSec.Cryptography.Key).Assembly, ResolveSodium);
    }

    private static IntPtr ResolveSodium(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!libraryName.Contains("sodium", StringComparison.OrdinalIgnoreCase))
            return IntPtr.Zero;
        var moduleDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location) ?? "";
        var path = Path.Combine(moduleDirectory, "runtimes", RuntimeIdentifier(), "native", NativeFileName());
        return NativeLibrary.TryLoad(path, out var handle) ? handle : IntPtr.Zero;
    }

    private static string RuntimeIdentifier()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsWindows())
            return $"win-{arch}";
        if (OperatingSystem.IsMacOS())
            return $"osx-{arch}";
        // musl-based distributions (Alpine) need the musl build of libsodium.
        var musl = File.Exists($"/lib/ld-musl-{(arch == "x64" ? "x86_64" : "aarch64")}.so.1");
        return musl ? $"linux-musl-{arch}" : $"linux-{arch}";
    }

    private static string NativeFileName() =>
        OperatingSystem.IsWindows() ? "libsodium.dll" : OperatingSystem.IsMacOS() ? "libsodium.dylib" : "libsodium.so";
}

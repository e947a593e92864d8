using System.Reflection;
using System.Runtime.Loader;

namespace WgAdmin.Commands;

/// <summary>
/// The module's private assembly load context: WgAdmin.Core and everything it needs (NSec and its
/// native libsodium, SSH.NET, BouncyCastle, logging abstractions) load from the module's lib/
/// folder into it, so another module's SSH.NET or BouncyCastle in the same session, loaded before
/// or after WgAdmin, never meets ours. WgAdmin.dll stays in the default context; the default
/// context asks <see cref="ResolveCore"/> for WgAdmin.Core, the one assembly the two share.
/// PowerShell's own resolution only looks beside WgAdmin.dll, never in lib/.
/// </summary>
public sealed class DependencyLoadContext : AssemblyLoadContext
{
    /// <summary>The folder beside WgAdmin.dll that holds the private assemblies.</summary>
    public const string LibraryFolder = "lib";

    private const string CoreAssemblyName = "WgAdmin.Core";

    private static readonly Lazy<DependencyLoadContext> Instance = new(() =>
        new DependencyLoadContext(Path.Combine(Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location) ?? "", LibraryFolder)));

    private static int _registered;

    private readonly string _directory;

    private DependencyLoadContext(string directory)
        : base("WgAdmin", isCollectible: false) => _directory = directory;

    /// <summary>The folder the context loads from.</summary>
    public string Directory => _directory;

    /// <summary>The process's one WgAdmin context.</summary>
    public static DependencyLoadContext Current => Instance.Value;

    /// <summary>
    /// Hooks WgAdmin.Core's resolution into the default context, once per process: a second
    /// Import-Module (after Remove-Module, or in another runspace) reuses the same context.
    /// </summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            Default.Resolving += ResolveCore;
    }

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, CoreAssemblyName, StringComparison.Ordinal)
            ? Current.LoadFromAssemblyName(name)
            : null;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Only what lib/ holds; the framework and System.Management.Automation come from the default context.
        var path = Path.Combine(_directory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        // NSec asks for "libsodium"; a platform the module carries no build for falls back to the system's.
        if (!unmanagedDllName.Contains("sodium", StringComparison.OrdinalIgnoreCase))
            return IntPtr.Zero;
        var path = NativeRuntime.FindLibrary(_directory);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}

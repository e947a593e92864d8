using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace WgAdmin.Commands;

/// <summary>
/// Puts WgAdmin.Core and its dependencies in the module's private load context
/// (<see cref="DependencyLoadContext"/>) and makes the core's public types reachable by name
/// from scripts.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static int _typesPublished;

    public void OnImport()
    {
        DependencyLoadContext.Register();
        // This method must not name a core type itself: compiling it would need WgAdmin.Core
        // before the resolver above is in place.
        if (Interlocked.Exchange(ref _typesPublished, 1) == 0)
            PublishCoreTypes();
    }

    /// <summary>
    /// PowerShell resolves [TypeName] only in the default load context, so a script's
    /// [WgAdmin.Keys.WgPublicKey] would not find the core's types in the private one; each public
    /// core type becomes a type accelerator under its full name instead. They stay for the life of
    /// the process, as the types do (a load context that holds live objects is never unloaded).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void PublishCoreTypes()
    {
        var accelerators = typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");
        var add = accelerators?.GetMethod("Add", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(Type)]);
        if (add is null)
            return;
        var core = DependencyLoadContext.Current.LoadFromAssemblyName(new AssemblyName("WgAdmin.Core"));
        foreach (var type in core.GetExportedTypes())
        {
            if (!type.IsGenericTypeDefinition && type.FullName is { } name)
                add.Invoke(null, [name, type]);
        }
    }
}

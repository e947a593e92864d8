using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace WgAdmin.Commands;

/// <summary>Closes the runspace's sessions when the module is removed.</summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) =>
        WgSessionRegistry.CloseAll(Runspace.DefaultRunspace?.InstanceId ?? Guid.Empty);
}

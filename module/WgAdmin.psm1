# WgAdmin's root module. The cmdlets live in WgAdmin.dll, which loads in PowerShell's default
# context; WgAdmin.Core and its dependencies load from lib/ into the module's own context
# (DependencyLoadContext.cs), so other modules' SSH.NET or BouncyCastle never meet ours.
# The resolver for WgAdmin.Core must be in place before PowerShell scans WgAdmin.dll for cmdlets
# (scanning loads WgAdmin.Core already), hence this script rather than WgAdmin.dll as the root.
$path = [System.IO.Path]::Combine($PSScriptRoot, 'WgAdmin.dll')
[System.Reflection.Assembly]::LoadFrom($path).GetType('WgAdmin.Commands.DependencyLoadContext', $true)::Register()
# By path, not -Assembly: a second Import-Module -Assembly of the same assembly (Import-Module
# WgAdmin -Force) reuses a cached module and leaves this one without cmdlets.
Import-Module $path
# Import-Module WgAdmin -Force replaces this module without removing the nested one, so the
# nested module's cleanup (ModuleCleanup.cs) would not run: close the runspace's kept sessions
# from here too. After Remove-Module both run; closing twice is harmless.
$ExecutionContext.SessionState.Module.OnRemove = { [WgAdmin.Commands.ModuleCleanup]::new().OnRemove($null) }

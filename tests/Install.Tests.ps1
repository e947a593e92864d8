# The package as an admin meets it: a manifest the PowerShell Gallery would take, one version
# everywhere, only the files the module needs, and an install from a local folder repository, with
# PowerShellGet's Install-Module and with PSResourceGet's Install-PSResource, into a fresh pwsh
# whose home and module path are empty. Nothing here needs the network or root.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'ModuleHelpers.ps1')
    $manifestPath = Get-TestModulePath
    $moduleFolder = Split-Path $manifestPath
    $manifest = Import-PowerShellDataFile $manifestPath
    $props = [xml](Get-Content -Raw (Join-Path $PSScriptRoot '../Directory.Build.props'))
    $propsVersion = ($props.Project.PropertyGroup | Where-Object { $_['WgAdminVersion'] } | Select-Object -First 1)['WgAdminVersion'].InnerText

    # A folder repository holding the package, published the way build.ps1 -Task Package does,
    # by a fresh pwsh with its own home (registering a repository writes to the home).
    $repository = New-Item -ItemType Directory (Join-Path $TestDrive 'repository')
    $null = Invoke-FreshPwsh -UserHome (Join-Path $TestDrive 'publish-home') -Script @'
param($ModuleFolder, $Repository)
$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name WgAdminTest -Uri $Repository -Trusted
Publish-PSResource -Path $ModuleFolder -Repository WgAdminTest -SkipDependenciesCheck
'@ -ArgumentList $moduleFolder, $repository.FullName
    $package = Get-ChildItem $repository -Filter 'WgAdmin.*.nupkg' | Select-Object -First 1
}

Describe 'The module manifest' {
    It 'carries what the PowerShell Gallery asks for' {
        $manifest.GUID | Should -Match '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$'
        foreach ($field in 'Author', 'CompanyName', 'Copyright', 'Description') { $manifest[$field] | Should -Not -BeNullOrEmpty -Because $field }
        $manifest.PrivateData.PSData.Tags | Should -Be @('WireGuard', 'VPN', 'SSH', 'Linux', 'PSEdition_Core')
        $manifest.PrivateData.PSData.LicenseUri | Should -Match '^https://'
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Not -BeNullOrEmpty
        $manifest.CompatiblePSEditions | Should -Be @('Core')
        [version]$manifest.PowerShellVersion | Should -BeGreaterOrEqual ([version]'7.5')
        $manifest.FormatsToProcess | Should -Be @('WgAdmin.Format.ps1xml')
        Test-ModuleManifest $manifestPath -ErrorAction Stop | Should -Not -BeNullOrEmpty
    }

    It 'exports exactly its cmdlets by name, and no functions, aliases or variables' {
        $manifest.CmdletsToExport | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        foreach ($field in 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            $manifest.ContainsKey($field) | Should -BeTrue -Because "$field must be explicit"
            @($manifest[$field]) | Should -HaveCount 0 -Because $field
        }
        $exported = Invoke-FreshPwsh -Script @'
param($ManifestPath)
$module = Import-Module $ManifestPath -PassThru -ErrorAction Stop
[pscustomobject]@{ Cmdlets = @($module.ExportedCmdlets.Keys | Sort-Object); Functions = $module.ExportedFunctions.Count; Aliases = $module.ExportedAliases.Count; Variables = $module.ExportedVariables.Count }
'@ -ArgumentList $manifestPath
        $exported.Cmdlets | Should -Be @($manifest.CmdletsToExport | Sort-Object)
        $exported.Functions + $exported.Aliases + $exported.Variables | Should -Be 0
    }

    It 'has one version: Directory.Build.props, the manifest, both assemblies and the package agree' {
        $propsVersion | Should -Match '^\d+\.\d+\.\d+$'
        $manifest.ModuleVersion | Should -Be $propsVersion
        foreach ($dll in (Join-Path $moduleFolder 'WgAdmin.dll'), (Join-Path $moduleFolder 'lib/WgAdmin.Core.dll')) {
            [Reflection.AssemblyName]::GetAssemblyName($dll).Version | Should -Be ([version]"$propsVersion.0") -Because $dll
            (Get-Item $dll).VersionInfo.ProductVersion | Should -BeLike "$propsVersion*" -Because $dll
        }
        (Split-Path -Leaf $moduleFolder) | Should -Be $propsVersion -Because 'the module folder is versioned'
        $package.Name | Should -Be "WgAdmin.$propsVersion.nupkg"
    }
}

Describe 'The module folder' {
    It 'holds the cmdlets beside the manifest, the private assemblies and libsodium for five platforms under lib/, and nothing else' {
        # Compiled help (en-US/WgAdmin.dll-Help.xml, about_*.help.txt) is welcome too, when the build makes it.
        $files = Get-ChildItem $moduleFolder -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($moduleFolder, $_.FullName).Replace('\', '/') } |
            Where-Object { $_ -notmatch '^en-US/(WgAdmin\.dll-Help\.xml|about_\w+\.help\.txt)$' } | Sort-Object
        $files | Should -Be @(
            'lib/BouncyCastle.Cryptography.dll'
            'lib/Microsoft.Extensions.DependencyInjection.Abstractions.dll'
            'lib/Microsoft.Extensions.Logging.Abstractions.dll'
            'lib/NSec.Cryptography.dll'
            'lib/Renci.SshNet.dll'
            'lib/runtimes/linux-arm64/native/libsodium.so'
            'lib/runtimes/linux-x64/native/libsodium.so'
            'lib/runtimes/osx/native/libsodium.dylib'
            'lib/runtimes/win-x64/native/libsodium.dll'
            'lib/WgAdmin.Core.dll'
            'LICENSE'
            'WgAdmin.dll'
            'WgAdmin.Format.ps1xml'
            'WgAdmin.psd1'
            'WgAdmin.psm1'
        ) | Sort-Object
    }

    It 'ships the macOS libsodium once, as a universal build for both x64 and arm64' {
        # Mach-O universal ("fat") header: 0xCAFEBABE, big-endian, then the count of architectures.
        $bytes = [IO.File]::ReadAllBytes((Join-Path $moduleFolder 'lib/runtimes/osx/native/libsodium.dylib'))
        [BitConverter]::ToString($bytes, 0, 4) | Should -Be 'CA-FE-BA-BE'
        $count = [int]$bytes[7]
        $types = foreach ($i in 0..($count - 1)) { [BitConverter]::ToString($bytes, 8 + 20 * $i, 4) }
        $types | Should -Contain '01-00-00-07' -Because 'x86_64 (CPU_TYPE_X86_64)'
        $types | Should -Contain '01-00-00-0C' -Because 'arm64 (CPU_TYPE_ARM64)'
    }

    It 'packs the same files into the package' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $entries = $zip.Entries.FullName | Where-Object { $_ -notmatch '^(_rels/|package/|\[Content_Types\]\.xml$|WgAdmin\.nuspec$)' } | ForEach-Object { [uri]::UnescapeDataString($_) } | Sort-Object
        }
        finally { $zip.Dispose() }
        $files = Get-ChildItem $moduleFolder -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($moduleFolder, $_.FullName).Replace('\', '/') } | Sort-Object
        $entries | Should -Be $files
    }
}

Describe 'Installing from a folder repository into a fresh pwsh' {
    BeforeDiscovery {
        $installers = @(
            @{
                Tool    = 'Install-Module (PowerShellGet)'
                Install = @'
Register-PSRepository -Name WgAdminTest -SourceLocation $Repository -InstallationPolicy Trusted
Install-Module WgAdmin -Repository WgAdminTest -Scope CurrentUser
'@
            }
            @{
                Tool    = 'Install-PSResource (PSResourceGet)'
                Install = @'
Register-PSResourceRepository -Name WgAdminTest -Uri $Repository -Trusted
Install-PSResource WgAdmin -Repository WgAdminTest -Scope CurrentUser
'@
            }
        )
    }

    It 'installs with <Tool> and runs New-WgKeyPair | New-WgPeer' -TestCases $installers {
        $userHome = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        # Install, then what the admin runs; the module must come from the install location.
        $result = Invoke-FreshPwsh -UserHome $userHome -ArgumentList $repository.FullName -Script @"
param(`$Repository)
`$ErrorActionPreference = 'Stop'
$Install
`$module = Import-Module WgAdmin -PassThru -ErrorAction Stop
`$peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32
[pscustomobject]@{
    ModuleBase    = `$module.ModuleBase
    Version       = "`$(`$module.Version)"
    PublicKey     = "`$(`$peer.PublicKey)"
    AllowedIPs    = "`$(`$peer.AllowedIPs)"
    InstalledHere = @(Get-Module -ListAvailable WgAdmin).Count
}
"@
        $result.ModuleBase | Should -Be (Join-Path $userHome ".local/share/powershell/Modules/WgAdmin/$propsVersion")
        $result.Version | Should -Be $propsVersion
        $result.PublicKey | Should -Match '^[A-Za-z0-9+/]{43}=$'
        $result.AllowedIPs | Should -Be '10.0.0.2/32'
        $result.InstalledHere | Should -Be 1
    }
}

# libsodium (NSec's native half): which of the module's builds each platform gets, and that the
# module really loads its own on this machine.

BeforeDiscovery {
    $choices = @(
        @{ Label = 'Linux X64'; OS = 'Linux'; Arch = 'X64'; Musl = $false; Expected = @('linux-x64') }
        @{ Label = 'Linux Arm64'; OS = 'Linux'; Arch = 'Arm64'; Musl = $false; Expected = @('linux-arm64') }
        @{ Label = 'Windows X64'; OS = 'Windows'; Arch = 'X64'; Musl = $false; Expected = @('win-x64') }
        @{ Label = 'OSX X64'; OS = 'OSX'; Arch = 'X64'; Musl = $false; Expected = @('osx-x64', 'osx') }
        @{ Label = 'OSX Arm64'; OS = 'OSX'; Arch = 'Arm64'; Musl = $false; Expected = @('osx-arm64', 'osx') }
        # No build shipped: the system's libsodium, if any, is used instead.
        @{ Label = 'Linux X64 musl'; OS = 'Linux'; Arch = 'X64'; Musl = $true; Expected = @() }
        @{ Label = 'Linux Arm'; OS = 'Linux'; Arch = 'Arm'; Musl = $false; Expected = @() }
        @{ Label = 'Windows Arm64'; OS = 'Windows'; Arch = 'Arm64'; Musl = $false; Expected = @() }
        @{ Label = 'Windows X86'; OS = 'Windows'; Arch = 'X86'; Musl = $false; Expected = @() }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    . (Join-Path $PSScriptRoot 'ModuleHelpers.ps1')
    $manifestPath = Get-TestModulePath
    $lib = Join-Path (Split-Path $manifestPath) 'lib'
    function Get-Platform([string] $Name) { [System.Runtime.InteropServices.OSPlatform]::$Name }
}

Describe 'Choosing the libsodium build' {
    It '<Label>: <Expected>' -TestCases $choices {
        $candidates = [WgAdmin.Commands.NativeRuntime]::Candidates((Get-Platform $OS), $Arch, $Musl)
        @($candidates) | Should -Be $Expected
    }

    It 'finds a shipped file for <Label>' -TestCases ($choices | Where-Object { $_.Expected }) {
        $platform = Get-Platform $OS
        $file = [WgAdmin.Commands.NativeRuntime]::LibraryFileName($platform)
        $found = [WgAdmin.Commands.NativeRuntime]::Candidates($platform, $Arch, $Musl) | Where-Object { Test-Path (Join-Path $lib "runtimes/$_/native/$file") }
        $found | Should -Not -BeNullOrEmpty
    }

    It 'ships exactly the folders it chooses from' {
        (Get-ChildItem (Join-Path $lib 'runtimes') -Directory).Name | Sort-Object | Should -Be (@([WgAdmin.Commands.NativeRuntime]::Shipped) | Sort-Object)
    }
}

Describe 'Loading libsodium' {
    It 'loads the module''s own build on this Linux machine' -Skip:(-not $IsLinux) {
        $arch = [System.Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture.ToString().ToLowerInvariant()
        $result = Invoke-FreshPwsh -Script @'
param($ManifestPath)
Import-Module $ManifestPath
$pair = New-WgKeyPair
[pscustomobject]@{
    PublicKey = "$($pair.PublicKey)"
    Sodium    = @(Get-Content "/proc/$PID/maps" | Where-Object { $_ -match 'sodium' } | ForEach-Object { ($_ -split '\s+', 6)[5] } | Sort-Object -Unique)
}
'@ -ArgumentList $manifestPath
        $result.PublicKey | Should -Match '^[A-Za-z0-9+/]{43}=$'
        $result.Sodium | Should -Be @((Join-Path $lib "runtimes/linux-$arch/native/libsodium.so"))
    }
}

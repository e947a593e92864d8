# WgAdmin beside another binary module that ships other versions of SSH.NET and BouncyCastle
# (tests/fixtures/OtherSsh: SSH.NET 2024.2.0, BouncyCastle 2.4.0, loaded in PowerShell's default
# context, as Posh-SSH and others do): in either import order each module's code gets its own
# versions, WgAdmin's in its private load context. BouncyCastle is the sharp case: 2.4.0 and
# 2.7.0 both carry assembly version 2.0.0.0, so without a private context either module would
# silently get the other's. Each scenario runs in a fresh pwsh.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'ModuleHelpers.ps1')
    $manifestPath = Get-TestModulePath

    $fixtureFolder = Join-Path $PSScriptRoot '../out/fixtures/OtherSsh'
    & dotnet publish (Join-Path $PSScriptRoot 'fixtures/OtherSsh/OtherSsh.csproj') -c Release -o $fixtureFolder --nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "The OtherSsh fixture did not build (exit code $LASTEXITCODE)." }
    $fixturePath = Join-Path $fixtureFolder 'OtherSsh.dll'

    # An SSH key for the connection attempt: SSH.NET reads it (with BouncyCastle, for ed25519)
    # before it connects, so WgAdmin's SSH.NET and BouncyCastle both load and run.
    $keyFile = Join-Path $TestDrive 'id_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -C 'coexistence test' -f $keyFile | Out-Host
    if ($LASTEXITCODE -ne 0) { throw 'ssh-keygen failed.' }

    # Functions each scenario uses. Use-WgAdmin makes a peer and tries an SSH connection to a
    # port that was just free on this machine: that must fail as a refused connection (WgAdmin's
    # own error), not with a type or method that SSH.NET or BouncyCastle lacks.
    $prelude = @'
param($ManifestPath, $FixturePath, $KeyFile)
$ErrorActionPreference = 'Stop'
function Use-WgAdmin {
    $peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $failures = @()
    New-WgSession -ComputerName 127.0.0.1 -Port $port -KeyFilePath $KeyFile -HostKeyPolicy Strict -ErrorVariable failures -ErrorAction SilentlyContinue
    [pscustomobject]@{ PublicKey = "$($peer.PublicKey)"; SshErrors = @($failures | ForEach-Object { $_.FullyQualifiedErrorId }) }
}
function Get-Loaded {
    foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
        $name = $assembly.GetName().Name
        if ($name -notin 'Renci.SshNet', 'BouncyCastle.Cryptography', 'NSec.Cryptography', 'WgAdmin.Core', 'WgAdmin') { continue }
        $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name
        $version = [System.Diagnostics.FileVersionInfo]::GetVersionInfo($assembly.Location).ProductVersion -replace '\+.*$'
        "$name $version $context"
    }
}
'@
    function Invoke-Scenario {
        param([Parameter(Mandatory)] [string] $Script)
        Invoke-FreshPwsh -UserHome (Join-Path $TestDrive "home-$([guid]::NewGuid().ToString('N'))") -Script ($prelude + "`n" + $Script) -ArgumentList $manifestPath, $fixturePath, $keyFile
    }

    $connectionFailed = 'WgAdmin.ConnectionFailed,WgAdmin.Commands.NewWgSessionCommand'
    $sha256OfAbc = 'BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD'
    # Every assembly in play, with its version and load context, once both modules have run.
    $bothLoaded = @(
        'BouncyCastle.Cryptography 2.4.0 Default'
        'BouncyCastle.Cryptography 2.7.0 WgAdmin'
        'NSec.Cryptography 26.4.0 WgAdmin'
        'Renci.SshNet 2024.2.0.1 Default'
        'Renci.SshNet 2026.0.0.1 WgAdmin'
        'WgAdmin 0.0.0 Default'
        'WgAdmin.Core 0.0.0 WgAdmin'
    )
    # What the other module's own code got: its SSH.NET and BouncyCastle, from the default context, working.
    function Assert-OtherModule($Other) {
        $Other.SshNetVersion | Should -Be '2024.2.0.1'
        $Other.SshNetContext | Should -Be 'Default'
        $Other.BouncyCastleContext | Should -Be 'Default'
        $Other.Sha256 | Should -Be $sha256OfAbc
        $Other.KeyExchangeAlgorithms | Should -BeGreaterThan 0
    }
    function Assert-WgAdminWorked($WgAdmin) {
        $WgAdmin.PublicKey | Should -Match '^[A-Za-z0-9+/]{43}=$'
        $WgAdmin.SshErrors | Should -Be @($connectionFailed)
    }
    function Get-ExpectedLoaded {
        $version = (Import-PowerShellDataFile $manifestPath).ModuleVersion
        $bothLoaded -replace '^(WgAdmin(\.Core)?) 0\.0\.0', "`$1 $version" | Sort-Object
    }
}

Describe 'WgAdmin beside a module with another SSH.NET and BouncyCastle' {
    It 'works when the other module was imported and used first' {
        $result = Invoke-Scenario @'
Import-Module $FixturePath
$otherBefore = Get-OtherSsh
Import-Module $ManifestPath
$wg = Use-WgAdmin
$otherAfter = Get-OtherSsh
[pscustomobject]@{ OtherBefore = $otherBefore; OtherAfter = $otherAfter; WgAdmin = $wg; Loaded = @(Get-Loaded | Sort-Object) }
'@
        Assert-OtherModule $result.OtherBefore
        Assert-OtherModule $result.OtherAfter
        Assert-WgAdminWorked $result.WgAdmin
        $result.Loaded | Should -Be (Get-ExpectedLoaded)
    }

    It 'works when WgAdmin was imported and used first' {
        $result = Invoke-Scenario @'
Import-Module $ManifestPath
$wgBefore = Use-WgAdmin
Import-Module $FixturePath
$other = Get-OtherSsh
$wgAfter = Use-WgAdmin
[pscustomobject]@{ Other = $other; WgBefore = $wgBefore; WgAfter = $wgAfter; Loaded = @(Get-Loaded | Sort-Object) }
'@
        Assert-OtherModule $result.Other
        Assert-WgAdminWorked $result.WgBefore
        Assert-WgAdminWorked $result.WgAfter
        $result.Loaded | Should -Be (Get-ExpectedLoaded)
    }

    It 'keeps the other module''s BouncyCastle 2.4.0 for the other module, though both say assembly version 2.0.0.0' {
        $result = Invoke-Scenario @'
Import-Module $FixturePath
$other = Get-OtherSsh
Import-Module $ManifestPath
$null = Use-WgAdmin
$bouncy = foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'BouncyCastle.Cryptography' }) {
    [pscustomobject]@{
        AssemblyVersion = "$($assembly.GetName().Version)"
        Context         = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name
        Folder          = Split-Path -Leaf (Split-Path $assembly.Location)
    }
}
[pscustomobject]@{ Other = $other; BouncyCastle = @($bouncy | Sort-Object Context) }
'@
        $result.Other.BouncyCastleVersion | Should -Be '2.0.0.0'
        $result.BouncyCastle | Should -HaveCount 2
        $result.BouncyCastle.AssemblyVersion | Should -Be @('2.0.0.0', '2.0.0.0')
        $result.BouncyCastle.Context | Should -Be @('Default', 'WgAdmin')
        $result.BouncyCastle[1].Folder | Should -Be 'lib'
    }
}

Describe 'Removing and importing WgAdmin again in one session' {
    It 'gives working cmdlets and types again, after Remove-Module and after Import-Module -Force, with no second copy of anything' {
        $result = Invoke-Scenario @'
Import-Module $ManifestPath
$first = Use-WgAdmin
Remove-Module WgAdmin
$gone = @(Get-Command -Module WgAdmin -ErrorAction Ignore).Count
Import-Module $ManifestPath
$second = Use-WgAdmin
$pair = New-WgKeyPair
# Import-Module -Force twice over: each time a fresh module with every cmdlet.
Import-Module $ManifestPath -Force
Import-Module $ManifestPath -Force
$third = Use-WgAdmin
[pscustomobject]@{
    First     = $first
    Second    = $second
    Third     = $third
    Gone      = $gone
    Commands  = @(Get-Command -Module WgAdmin).Count
    Exported  = @((Import-PowerShellDataFile $ManifestPath).CmdletsToExport).Count
    IsKeyPair = $pair -is [WgAdmin.Keys.WgKeyPair]
    Contexts  = @([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'WgAdmin').Count
    Loaded    = @(Get-Loaded | Sort-Object)
}
'@
        $result.Gone | Should -Be 0
        $result.Commands | Should -Be $result.Exported
        $result.IsKeyPair | Should -BeTrue
        Assert-WgAdminWorked $result.First
        Assert-WgAdminWorked $result.Second
        Assert-WgAdminWorked $result.Third
        $result.Contexts | Should -Be 1
        $result.Loaded | Should -Be @(Get-ExpectedLoaded | Where-Object { $_ -match ' WgAdmin$|^WgAdmin ' })
    }
}

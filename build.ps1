#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry point for building, testing, packaging, benchmarking and demonstrating WgAdmin.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Bench', 'LabBench', 'Demo', 'LabUp', 'LabDown', 'LabTest', 'HelpSkeleton')]
    [string[]] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # For -Task Bench: also run the BenchmarkDotNet suite (several minutes).
    [switch] $Full,

    # For -Task LabUp: how many sites (gateways) the lab gets.
    [ValidateRange(1, 200)]
    [int] $Gateways = 2,

    # For -Task LabTest: the lab suites to run (tests/lab/X.Tests.ps1) in a fresh lab of -Gateways
    # sites, inside its ops namespace, after a build; the lab is stopped afterwards.
    [string[]] $LabSuite = @(),

    # For -Task LabBench: only these lab benchmarks (Apply, Tunnel; see tests/lab/Bench-Lab.ps1).
    [ValidateSet('Apply', 'Tunnel')]
    [string[]] $LabBenchOnly = @('Apply', 'Tunnel')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$isRoot = $IsLinux -and ((id -u) -eq '0')

# Native libsodium builds shipped with the module: the platforms an admin's workstation runs.
# macOS gets one universal file (runtimes/osx) when NSec's osx-x64 and osx-arm64 builds are the same.
$nativeRuntimes = 'linux-x64', 'linux-arm64', 'win-x64', 'osx-x64', 'osx-arm64'

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE" }
}

# Runs a script in a fresh PowerShell: the dotnet tool's pwsh.dll under the running host.
function Invoke-ChildPwsh {
    param([string] $File, [object[]] $ArgumentList)
    & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $File @ArgumentList
}

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))
    ($props.Project.PropertyGroup | Where-Object { $_['WgAdminVersion'] } | Select-Object -First 1)['WgAdminVersion'].InnerText
}

# The module folder, versioned as PowerShell installs it: out/WgAdmin/<version>/WgAdmin.psd1, with
# the private assemblies under lib/ (see DependencyLoadContext.cs).
$moduleDir = Join-Path $out "WgAdmin/$(Get-ModuleVersion)"

function Invoke-Build {
    $publish = Join-Path $out 'publish'
    Remove-Item -Recurse -Force $publish, (Join-Path $out 'WgAdmin') -ErrorAction Ignore
    Invoke-Native dotnet @('publish', (Join-Path $root 'src/WgAdmin/WgAdmin.csproj'), '-c', $Configuration, '-o', $publish, '--nologo', '-v', 'quiet')

    # WgAdmin.dll (the cmdlets) loads in PowerShell's default context; everything else goes to lib/,
    # where PowerShell does not look and the module's own load context does.
    $lib = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'lib')
    Copy-Item (Join-Path $publish 'WgAdmin.dll') $moduleDir
    Copy-Item (Join-Path $publish '*.dll') $lib -Exclude 'WgAdmin.dll'
    $native = @{}
    foreach ($rid in $nativeRuntimes) {
        $file = Get-ChildItem (Join-Path $publish "runtimes/$rid/native") -File -ErrorAction Ignore
        if (-not $file) { throw "NSec's libsodium package has no runtimes/$rid/native build." }
        $native[$rid] = $file
    }
    $universal = (Get-FileHash $native['osx-x64'].FullName).Hash -eq (Get-FileHash $native['osx-arm64'].FullName).Hash
    foreach ($rid in $nativeRuntimes) {
        $folder = if ($rid -like 'osx-*' -and $universal) { 'osx' } else { $rid }
        $target = New-Item -ItemType Directory -Force (Join-Path $lib "runtimes/$folder/native")
        Copy-Item $native[$rid].FullName $target
    }
    Copy-Item (Join-Path $root 'module/WgAdmin.psm1'), (Join-Path $root 'module/WgAdmin.Format.ps1xml'), (Join-Path $root 'LICENSE') $moduleDir
    # Help: docs/en-US/*.md compiled to MAML and about_*.help.txt beside the module (tools/HelpCompiler/).
    Import-Module (Join-Path $root 'tools/HelpCompiler/HelpCompiler.psm1') -Force
    $help = Build-WgHelp -SourcePath (Join-Path $root 'docs/en-US') -DestinationPath (Join-Path $moduleDir 'en-US')
    Write-Host "Compiled help for $($help.Commands) cmdlets and $($help.About) about topic(s)"
    $version = Get-ModuleVersion
    (Get-Content -Raw (Join-Path $root 'WgAdmin.psd1')) -replace "ModuleVersion(\s*)=(\s*)'0\.0\.0'", "ModuleVersion`$1=`$2'$version'" |
        Set-Content -NoNewline (Join-Path $moduleDir 'WgAdmin.psd1')
    Write-Host "Built WgAdmin $version into $moduleDir"
}

function Install-TestPrerequisite {
    # The oracle tests run the real tools: wg, wg-quick and wireguard-go; ssh, ssh-keygen; iptables,
    # nft and ip in scratch namespaces. CI runs as root on a fresh machine, so install what is missing.
    $debianPackages = 'wireguard-tools', 'wireguard-go', 'iproute2', 'openssh-client', 'iptables', 'nftables'
    if ($IsLinux -and (Get-Command dpkg-query -ErrorAction Ignore)) {
        $missing = @($debianPackages | Where-Object { "$(dpkg-query -W -f '${db:Status-Abbrev}' $_ 2>$null)" -notmatch '^ii' })
        if ($missing -and $isRoot) {
            Write-Host "Installing $($missing -join ', ') with apt-get"
            $env:DEBIAN_FRONTEND = 'noninteractive'
            # To the console: this function's output is the Pester path.
            Invoke-Native apt-get @('update', '-qq') | Out-Host
            Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing) | Out-Host
        }
        elseif ($missing) {
            Write-Warning "Not root and $($missing -join ', ') missing: the oracle tests that need them will be skipped (each says why)."
        }
    }
    Invoke-Native dotnet @('restore', (Join-Path $root 'tests/tools/TestTools.csproj'), '--nologo', '-v', 'quiet') | Out-Host
    $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $pester = Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester 5.7.1 was not restored to $pester" }
    $pester
}

# Runs Pester in a fresh pwsh (optionally inside a network namespace) and returns its summary.
function Invoke-PesterRun {
    param([string] $Pester, [string] $Name, [string[]] $Path, [string[]] $ExcludePath = @(), [string] $Namespace, [hashtable] $Environment = @{})
    $results = Join-Path $out 'test-results'
    $summary = Join-Path $results "pester-$Name.json"
    Remove-Item $summary -ErrorAction Ignore
    $arguments = @('-PesterPath', $Pester, '-Path', ($Path -join ','), '-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'),
        '-SummaryPath', $summary, '-ResultsPath', (Join-Path $results "pester-$Name.xml"))
    if ($ExcludePath) { $arguments += @('-ExcludePath', ($ExcludePath -join ',')) }
    $saved = @{}
    foreach ($key in $Environment.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $Environment[$key]) }
    try {
        $runner = Join-Path $root 'tests/Invoke-PesterRun.ps1'
        if ($Namespace) {
            # nsenter, not `ip netns exec`: that also gives a new mount namespace without the
            # cgroup mounts, and the tests restart gateways (systemd-nspawn) from in there.
            & nsenter "--net=/run/netns/$Namespace" ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $runner @arguments | Out-Host
        }
        else {
            Invoke-ChildPwsh $runner $arguments | Out-Host
        }
    }
    finally {
        foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
    }
    # A run that did not get as far as counting is a failure, never zero tests.
    $counts = if (Test-Path $summary) { Get-Content -Raw $summary | ConvertFrom-Json }
    if (-not $counts -or $null -eq $counts.Passed -or $null -eq $counts.Failed -or $null -eq $counts.Skipped) {
        Write-Warning "Pester ($Name) did not report its counts; counted as a failure."
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counts
}

# The lab suites: the lab's own tests (they start and stop their own labs), then WgAdmin on a
# 20-gateway lab, run inside its ops namespace. They need root on Linux; elsewhere they are
# reported as skipped, loudly (and CI, which is root, fails on any skip).
function Invoke-LabTest {
    param([string] $Pester)
    if (-not ($IsLinux -and $isRoot)) {
        Write-Warning 'Lab tests SKIPPED: they need root on Linux (network namespaces, systemd-nspawn). Run the test command as root to include them.'
        return [ordered]@{ 'lab (skipped: not root)' = [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 2 } }
    }
    Write-Host '== Pester (lab) =='
    # Suites with labs of their own: the lab's tests and the seed as one script (the demo).
    $own = Invoke-PesterRun -Pester $Pester -Name 'lab' -Path (Join-Path $root 'tests/lab/Lab.Tests.ps1'), (Join-Path $root 'tests/lab/Demo.Tests.ps1')
    Write-Host '== Pester (gateways) =='
    Import-Module (Join-Path $root 'tests/lab/WgLab.psm1') -Force
    $labOutput = Join-Path $out 'lab'
    try {
        $lab = Start-WgLab -Gateways 20 -OutputPath $labOutput
        $ops = ($lab.hosts | Where-Object role -EQ 'ops').namespace
        # Every suite but the lab's own shares this lab; each uses its own sites (see docs/lab.md),
        # and Gateway.Tests.ps1 goes last because its fan-out test touches every gateway.
        $suites = @(Get-ChildItem (Join-Path $root 'tests/lab') -Filter '*.Tests.ps1' |
                Where-Object Name -NotIn 'Lab.Tests.ps1', 'Demo.Tests.ps1', 'Gateway.Tests.ps1' | Sort-Object Name | ForEach-Object FullName) +
            (Join-Path $root 'tests/lab/Gateway.Tests.ps1')
        $gateways = Invoke-PesterRun -Pester $Pester -Name 'gateways' -Path $suites -Namespace $ops -Environment @{ WGADMIN_LAB_OUTPUT = $labOutput }
    }
    catch {
        Write-Warning "The gateway lab failed: $_"
        $gateways = [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    finally {
        Stop-WgLab -OutputPath $labOutput
    }
    [ordered]@{ lab = $own; gateways = $gateways }
}

function Invoke-Test {
    $pester = Install-TestPrerequisite
    Invoke-Build
    $results = Join-Path $out 'test-results'
    Remove-Item -Recurse -Force $results -ErrorAction Ignore
    New-Item -ItemType Directory -Force $results | Out-Null

    Write-Host '== xunit (core) =='
    & dotnet test (Join-Path $root 'tests/WgAdmin.Core.Tests/WgAdmin.Core.Tests.csproj') -c $Configuration --nologo `
        --logger 'trx;LogFileName=core.trx' --logger 'console;verbosity=normal' --results-directory $results
    $xunitExit = $LASTEXITCODE
    $trx = Get-ChildItem $results -Filter core.trx -Recurse | Select-Object -First 1
    $xunit = if ($trx) {
        $counters = ([xml](Get-Content -Raw $trx.FullName)).TestRun.ResultSummary.Counters
        [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.notExecuted }
    }
    else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }

    Write-Host '== Pester (module) =='
    $pesterResult = Invoke-PesterRun -Pester $pester -Name 'module' -Path (Join-Path $root 'tests') -ExcludePath (Join-Path $root 'tests/lab')

    $labResults = Invoke-LabTest -Pester $pester

    $suites = [ordered]@{ xunit = $xunit; Pester = $pesterResult } + $labResults
    $passed = ($suites.Values | Measure-Object Passed -Sum).Sum
    $failed = ($suites.Values | Measure-Object Failed -Sum).Sum
    $skipped = ($suites.Values | Measure-Object Skipped -Sum).Sum
    Write-Host ''
    foreach ($name in $suites.Keys) {
        Write-Host "${name}: $($suites[$name].Passed) passed, $($suites[$name].Failed) failed, $($suites[$name].Skipped) skipped"
    }
    Write-Host "Total: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $xunitExit -ne 0) { throw 'Tests failed.' }
    if ($env:CI -eq 'true' -and $skipped -gt 0) { throw "CI must run every test, but $skipped were skipped." }
}

function Invoke-Package {
    Invoke-Build
    $version = Get-ModuleVersion
    $feed = New-Item -ItemType Directory -Force (Join-Path $out 'feed')
    Remove-Item (Join-Path $feed "WgAdmin.$version.nupkg") -ErrorAction Ignore
    $repository = "WgAdminBuild-$PID"
    Register-PSResourceRepository -Name $repository -Uri $feed.FullName -Trusted
    try {
        Publish-PSResource -Path $moduleDir -Repository $repository -SkipDependenciesCheck
    }
    finally {
        Unregister-PSResourceRepository -Name $repository
    }
    $package = Get-Item (Join-Path $feed "WgAdmin.$version.nupkg")
    $files = Get-ChildItem $moduleDir -Recurse -File
    Write-Host "Module: $moduleDir ($($files.Count) files, $([math]::Round(($files | Measure-Object Length -Sum).Sum / 1KB)) KiB)"
    Write-Host "Package: $($package.FullName) ($([math]::Round($package.Length / 1KB)) KiB)"
}

function Invoke-Bench {
    Invoke-Build
    Invoke-ChildPwsh (Join-Path $root 'tests/Bench.ps1') @('-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'), '-Configuration', $Configuration, "-Full:`$$($Full.IsPresent)")
    if ($LASTEXITCODE -ne 0) { throw 'Benchmarks failed.' }
    Invoke-ChildPwsh (Join-Path $root 'tests/bench/startup.ps1') @('-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'))
    if ($LASTEXITCODE -ne 0) { throw 'Start-up benchmark failed.' }
}

# Remote-apply benchmarks in a 24-gateway lab, run inside its ops namespace (root only).
function Invoke-LabBench {
    Invoke-Build
    Import-Module (Join-Path $root 'tests/lab/WgLab.psm1') -Force
    $labOutput = Join-Path $out 'lab'
    try {
        $lab = Start-WgLab -Gateways 24 -OutputPath $labOutput
        $ops = ($lab.hosts | Where-Object role -EQ 'ops').namespace
        & nsenter "--net=/run/netns/$ops" ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File (Join-Path $root 'tests/lab/Bench-Lab.ps1') `
            -LabOutput $labOutput -ModulePath (Join-Path $moduleDir 'WgAdmin.psd1') -Only ($LabBenchOnly -join ',')
        if ($LASTEXITCODE -ne 0) { throw 'Lab benchmarks failed.' }
        New-Item -ItemType Directory -Force (Join-Path $out 'bench') | Out-Null
        Copy-Item (Join-Path $labOutput 'bench-lab.md') (Join-Path $out "bench/bench-lab-$(Get-Date -AsUTC -Format 'yyyy-MM-dd-HHmmss').md")
    }
    finally {
        Stop-WgLab -OutputPath $labOutput
    }
}

function Invoke-Demo {
    Invoke-Build
    Invoke-ChildPwsh (Join-Path $root 'docs/examples/seed-configs.ps1') @('-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'), '-OutputPath', (Join-Path $out 'demo'))
    if ($LASTEXITCODE -ne 0) { throw 'Demo failed.' }
    # The seed as one script, against a two-site lab (root on Linux only).
    if (-not $isRoot) { Write-Warning 'The lab demo (docs/examples/site-to-site.ps1) SKIPPED: it needs root on Linux.'; return }
    $log = Join-Path $out 'demo/site-to-site.log'
    $exitCode = & (Join-Path $root 'tests/lab/Invoke-Demo.ps1') -ModulePath (Join-Path $moduleDir 'WgAdmin.psd1') -LabOutput (Join-Path $out 'lab-demo') -LogPath $log
    if ($exitCode -ne 0) { throw "The site-to-site demo failed (exit code $exitCode); its output is in $log." }
    Write-Host "The site-to-site demo ran to the end; its output is in $log."
}

function Invoke-LabUp {
    Import-Module (Join-Path $root 'tests/lab/WgLab.psm1') -Force
    Start-WgLab -Gateways $Gateways -OutputPath (Join-Path $out 'lab') | Out-Null
}

function Invoke-LabSuite {
    if (-not $LabSuite) { throw '-Task LabTest needs -LabSuite tests/lab/X.Tests.ps1[,...].' }
    $pester = Install-TestPrerequisite
    Invoke-Build
    Import-Module (Join-Path $root 'tests/lab/WgLab.psm1') -Force
    $labOutput = Join-Path $out 'lab'
    try {
        $lab = Start-WgLab -Gateways $Gateways -OutputPath $labOutput
        $ops = ($lab.hosts | Where-Object role -EQ 'ops').namespace
        $paths = $LabSuite -split ',' | Where-Object { $_ } | ForEach-Object { (Resolve-Path $_).Path }
        $counts = Invoke-PesterRun -Pester $pester -Name 'labtest' -Path $paths -Namespace $ops -Environment @{ WGADMIN_LAB_OUTPUT = $labOutput }
    }
    finally {
        Stop-WgLab -OutputPath $labOutput
    }
    Write-Host "Total: $($counts.Passed) passed, $($counts.Failed) failed, $($counts.Skipped) skipped"
    if ($counts.Failed -or $counts.Skipped) { throw 'Lab suite failed.' }
}

# A page skeleton (docs/en-US/<Cmdlet>.md) for each exported cmdlet that has none, from the built
# module's metadata; the prose placeholders are yours to write.
function Invoke-HelpSkeleton {
    Invoke-Build
    Invoke-ChildPwsh (Join-Path $root 'tools/New-HelpSkeleton.ps1') @('-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'), '-OutputPath', (Join-Path $root 'docs/en-US'))
    if ($LASTEXITCODE -ne 0) { throw 'Help skeletons failed.' }
}

function Invoke-LabDown {
    Import-Module (Join-Path $root 'tests/lab/WgLab.psm1') -Force
    Stop-WgLab -OutputPath (Join-Path $out 'lab')
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Build }
        'Test' { Invoke-Test }
        'Package' { Invoke-Package }
        'Bench' { Invoke-Bench }
        'LabBench' { Invoke-LabBench }
        'Demo' { Invoke-Demo }
        'LabUp' { Invoke-LabUp }
        'LabDown' { Invoke-LabDown }
        'LabTest' { Invoke-LabSuite }
        'HelpSkeleton' { Invoke-HelpSkeleton }
    }
}

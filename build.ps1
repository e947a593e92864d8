#Requires -Version 7.4
<#
.SYNOPSIS
    The one entry point for building, testing, packaging, benchmarking and demonstrating WgAdmin.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Check

    Before every commit: the build, ShellCheck, xunit and the Pester module suite; no lab, no apt-get.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test

    Everything: installs what the tests need (apt-get, as root), then Check's suites and the lab's.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Check', 'Test', 'Package', 'Bench', 'LabBench', 'Demo', 'LabUp', 'LabDown', 'LabTest', 'HelpSkeleton')]
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

    # For -Task LabBench: only these lab benchmarks (Apply, Tunnel, Rotation, JumpHost, Metrics,
    # Mapping, and Fleet: 50 gateways, only when named; see tests/lab/Bench-Lab.ps1).
    [ValidateSet('Apply', 'Tunnel', 'Rotation', 'JumpHost', 'Metrics', 'Mapping', 'Fleet')]
    [string[]] $LabBenchOnly = @('Apply', 'Tunnel', 'Rotation', 'JumpHost', 'Metrics')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$testResults = Join-Path $out 'test-results'
# The lab that the lab tasks bring up (Invoke-InLab, LabUp, LabDown).
$labOutput = Join-Path $out 'lab'
$isRoot = $IsLinux -and ((id -u) -eq '0')

# Native libsodium builds shipped with the module: the platforms an admin's workstation runs.
# macOS gets one universal file (runtimes/osx) when NSec's osx-x64 and osx-arm64 builds are the same.
$nativeRuntimes = 'linux-x64', 'linux-arm64', 'win-x64', 'osx-x64', 'osx-arm64'

function Invoke-Native {
    param([string] $FilePath, [string[]] $ArgumentList)
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "$FilePath $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE" }
}

# Runs a script in a fresh PowerShell: the dotnet tool's pwsh.dll under the running host. With
# -Namespace, inside that network namespace (the lab's ops namespace): by nsenter, not `ip netns
# exec`, which also gives a new mount namespace without the cgroup mounts, and the lab tests
# restart gateways (systemd-nspawn) from in there.
function Invoke-ChildPwsh {
    param([string] $File, [object[]] $ArgumentList = @(), [string] $Namespace)
    $command = @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $File) + $ArgumentList
    if ($Namespace) { $command = @('nsenter', "--net=/run/netns/$Namespace") + $command }
    $program, $arguments = $command
    & $program @arguments
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
    # The oracle tests run the real tools: wg, wg-quick and wireguard-go; ssh, ssh-keygen, sshd; sudo; iptables,
    # nft and ip in scratch namespaces; nc for the lab's TCP checks; and shellcheck lints the shell scripts. CI runs as root on a
    # fresh machine, so install what is missing.
    $debianPackages = 'wireguard-tools', 'wireguard-go', 'iproute2', 'openssh-client', 'iptables', 'nftables', 'shellcheck', 'sudo', 'openssh-server', 'netcat-openbsd'
    if ($IsLinux -and (Get-Command dpkg-query -ErrorAction Ignore)) {
        $missing = @($debianPackages | Where-Object { "$(dpkg-query -W -f '${db:Status-Abbrev}' $_ 2>$null)" -notmatch '^ii' })
        if ($missing -and $isRoot) {
            Write-Host "Installing $($missing -join ', ') with apt-get"
            $env:DEBIAN_FRONTEND = 'noninteractive'
            Invoke-Native apt-get @('update', '-qq') | Out-Host
            Invoke-Native apt-get (@('install', '-y', '-qq', '--no-install-recommends') + $missing) | Out-Host
        }
        elseif ($missing) {
            Write-Warning "Not root and $($missing -join ', ') missing: the oracle tests that need them will be skipped (each says why), and ShellCheck without shellcheck."
        }
        Install-Promtool
    }
}

# promtool (Debian package prometheus) checks what Export-WgMetrics writes. Only promtool is taken
# out of the package: installing it would also install and start a Prometheus server (on a
# machine without policy-rc.d, its init script starts it), which the tests do not want running.
function Install-Promtool {
    if (Get-Command promtool -ErrorAction Ignore) { return }
    if (-not $isRoot) { Write-Warning 'Not root and promtool missing: the metrics tests that need it will be skipped (each says why).'; return }
    $folder = Join-Path ([IO.Path]::GetTempPath()) "wgadmin-promtool-$PID"
    New-Item -ItemType Directory -Force $folder | Out-Null
    try {
        Write-Host 'Installing promtool from the Debian package prometheus (the tool only, no server)'
        Push-Location $folder
        try { Invoke-Native apt-get @('download', '-qq', 'prometheus') | Out-Host } finally { Pop-Location }
        $deb = Get-ChildItem $folder -Filter 'prometheus_*.deb' | Select-Object -First 1
        if (-not $deb) { throw 'apt-get download prometheus gave no package.' }
        Invoke-Native dpkg-deb @('-x', $deb.FullName, (Join-Path $folder 'root'))
        Copy-Item (Join-Path $folder 'root/usr/bin/promtool') /usr/local/bin/promtool -Force
        Invoke-Native chmod @('0755', '/usr/local/bin/promtool')
    }
    finally {
        Remove-Item -Recurse -Force $folder -ErrorAction Ignore
    }
}

# Pester 5.7.1, restored from NuGet (tests/tools/TestTools.csproj); returns the path of its manifest.
function Get-PesterPath {
    Invoke-Native dotnet @('restore', (Join-Path $root 'tests/tools/TestTools.csproj'), '--nologo', '-v', 'quiet') | Out-Host
    $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    $pester = Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester 5.7.1 was not restored to $pester" }
    $pester
}

# Runs Pester in a fresh pwsh (optionally inside a network namespace) and returns its summary.
function Invoke-PesterRun {
    param([string] $Pester, [string] $Name, [string[]] $Path, [string[]] $ExcludePath = @(), [string] $Namespace, [hashtable] $Environment = @{})
    $summary = Join-Path $testResults "pester-$Name.json"
    Remove-Item $summary -ErrorAction Ignore
    $arguments = @('-PesterPath', $Pester, '-Path', ($Path -join ','), '-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'),
        '-SummaryPath', $summary, '-ResultsPath', (Join-Path $testResults "pester-$Name.xml"))
    if ($ExcludePath) { $arguments += @('-ExcludePath', ($ExcludePath -join ',')) }
    $saved = @{}
    foreach ($key in $Environment.Keys) { $saved[$key] = [Environment]::GetEnvironmentVariable($key); [Environment]::SetEnvironmentVariable($key, $Environment[$key]) }
    try {
        Invoke-ChildPwsh (Join-Path $root 'tests/Invoke-PesterRun.ps1') $arguments -Namespace $Namespace | Out-Host
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

function Import-WgLab {
    Import-Module (Join-Path $root 'tests/lab/WgLab.psm1') -Force
}

# Brings up a fresh lab of -Gateways sites in out/lab, runs -Action with the lab's ops namespace
# (the admin's workstation) as its argument, and stops the lab afterwards, whatever happened.
# Returns what -Action returns.
function Invoke-InLab {
    param([int] $Gateways, [scriptblock] $Action)
    Import-WgLab
    try {
        $lab = Start-WgLab -Gateways $Gateways -OutputPath $labOutput
        & $Action ($lab.hosts | Where-Object role -EQ 'ops').namespace
    }
    finally {
        Stop-WgLab -OutputPath $labOutput
    }
}

# Every shell script the next commit could hold: the files git tracks, and new ones it does not
# ignore, named *.sh or without an extension and starting with a sh or bash #! line (.ci/run,
# the lab image's). Paths relative to the repository.
function Get-ShellScript {
    $files = (Invoke-Native git @('-C', $root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')) -join "`n" -split "`0"
    foreach ($file in $files | Where-Object { $_ } | Sort-Object -Unique) {
        $path = Join-Path $root $file
        if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { continue }   # deleted, not yet committed
        if ($file -like '*.sh') { $file; continue }
        if ([IO.Path]::GetExtension($file) -eq '' -and "$(Get-Content -LiteralPath $path -TotalCount 1)" -match '^#!.*\b(ba|da|k)?sh\b') { $file }
    }
}

# ShellCheck on every shell script (Get-ShellScript), at every severity: an unquoted expansion
# (SC2086) is only "info", and quoting is what matters most in scripts that take their values as
# arguments. A finding fails the suite; without the shellcheck command it is skipped, loudly.
# Counts scripts: passed is clean.
function Invoke-ShellCheck {
    Write-Host '== ShellCheck =='
    if (-not (Get-Command shellcheck -CommandType Application -ErrorAction Ignore)) {
        Write-Warning 'ShellCheck SKIPPED: the shellcheck command is not installed, so the shell scripts were NOT checked. Install it (apt-get install shellcheck; -Task Test does, as root).'
        return [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 1 }
    }
    $scripts = @(Get-ShellScript)
    if (-not $scripts) { return [pscustomobject]@{ Passed = 0; Failed = 0; Skipped = 0 } }
    # Sourced files are followed, found beside the script that sources them.
    Push-Location $root
    try {
        $findings = @(& shellcheck --external-sources --source-path=SCRIPTDIR --format=gcc -- @scripts)
        $exitCode = $LASTEXITCODE
    }
    finally {
        Pop-Location
    }
    $findings | Out-Host
    $failed = @($findings | ForEach-Object { ($_ -split ':', 2)[0] } | Select-Object -Unique).Count
    if ($exitCode -ne 0 -and $failed -eq 0) {
        Write-Warning "shellcheck failed with exit code $exitCode; counted as a failure."
        $failed = 1
    }
    Write-Host "$($scripts.Count) shell scripts checked, $failed with findings"
    [pscustomobject]@{ Passed = $scripts.Count - $failed; Failed = $failed; Skipped = 0 }
}

# The core's xunit tests (tests/WgAdmin.Core.Tests), counted from their trx file.
function Invoke-Xunit {
    Write-Host '== xunit (core) =='
    & dotnet test (Join-Path $root 'tests/WgAdmin.Core.Tests/WgAdmin.Core.Tests.csproj') -c $Configuration --nologo `
        --logger 'trx;LogFileName=core.trx' --logger 'console;verbosity=normal' --results-directory $testResults | Out-Host
    $exitCode = $LASTEXITCODE
    $trx = Get-ChildItem $testResults -Filter core.trx -Recurse | Select-Object -First 1
    if (-not $trx) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    $counters = ([xml](Get-Content -Raw $trx.FullName)).TestRun.ResultSummary.Counters
    $counts = [pscustomobject]@{ Passed = [int]$counters.passed; Failed = [int]$counters.failed + [int]$counters.error; Skipped = [int]$counters.notExecuted }
    if ($exitCode -ne 0 -and $counts.Failed -eq 0) {
        Write-Warning "dotnet test failed with exit code $exitCode though no test failed; counted as a failure."
        $counts.Failed = 1
    }
    $counts
}

# What every change must pass, without the lab: a build, then ShellCheck, xunit and the Pester
# module suite (tests/ without tests/lab). Returns each suite's counts by name.
# The packaging suites publish and install the module into fresh pwsh processes (about 45 s of
# a Check's time): -Task Test runs them, -Task Check leaves them to it.
$packagingSuites = 'Coexistence.Tests.ps1', 'Install.Tests.ps1'

function Invoke-CheckSuite {
    param([string] $Pester, [switch] $Everyday)
    Invoke-Build
    Remove-Item -Recurse -Force $testResults -ErrorAction Ignore
    New-Item -ItemType Directory -Force $testResults | Out-Null
    $shellCheck = Invoke-ShellCheck
    $xunit = Invoke-Xunit
    Write-Host '== Pester (module) =='
    $exclude = @(Join-Path $root 'tests/lab')
    if ($Everyday) {
        Write-Host "Pester: $($packagingSuites -join ' and ') are left to -Task Test."
        $exclude += $packagingSuites | ForEach-Object { Join-Path $root "tests/$_" }
    }
    $module = Invoke-PesterRun -Pester $Pester -Name 'module' -Path (Join-Path $root 'tests') -ExcludePath $exclude
    [ordered]@{ ShellCheck = $shellCheck; xunit = $xunit; Pester = $module }
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
    try {
        $gateways = Invoke-InLab -Gateways 33 -Action {
            param([string] $Ops)
            # Every suite but the lab's own shares this lab; each uses its own sites (see docs/lab.md),
            # and Gateway.Tests.ps1 goes last because its fan-out test touches every gateway.
            $suites = @(Get-ChildItem (Join-Path $root 'tests/lab') -Filter '*.Tests.ps1' |
                    Where-Object Name -NotIn 'Lab.Tests.ps1', 'Demo.Tests.ps1', 'Gateway.Tests.ps1' | Sort-Object Name | ForEach-Object FullName) +
                (Join-Path $root 'tests/lab/Gateway.Tests.ps1')
            Invoke-PesterRun -Pester $Pester -Name 'gateways' -Path $suites -Namespace $Ops -Environment @{ WGADMIN_LAB_OUTPUT = $labOutput }
        }
    }
    catch {
        Write-Warning "The gateway lab failed: $_"
        $gateways = [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    [ordered]@{ lab = $own; gateways = $gateways }
}

# Prints each suite's counts and the total; throws when anything failed, or (on CI) was skipped.
function Assert-TestResult {
    param([System.Collections.IDictionary] $Suites)
    $passed = ($Suites.Values | Measure-Object Passed -Sum).Sum
    $failed = ($Suites.Values | Measure-Object Failed -Sum).Sum
    $skipped = ($Suites.Values | Measure-Object Skipped -Sum).Sum
    Write-Host ''
    foreach ($name in $Suites.Keys) {
        Write-Host "${name}: $($Suites[$name].Passed) passed, $($Suites[$name].Failed) failed, $($Suites[$name].Skipped) skipped"
    }
    Write-Host "Total: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { throw 'Tests failed.' }
    if ($env:CI -eq 'true' -and $skipped -gt 0) { throw "CI must run every test, but $skipped were skipped." }
}

# Before every commit: no apt-get, no lab (a few minutes).
function Invoke-Check {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $suites = Invoke-CheckSuite -Pester (Get-PesterPath) -Everyday
    Write-Host ("Check took {0:N0} s" -f $clock.Elapsed.TotalSeconds)
    Assert-TestResult $suites
}

function Invoke-Test {
    Install-TestPrerequisite
    $pester = Get-PesterPath
    $suites = Invoke-CheckSuite -Pester $pester
    $labResults = Invoke-LabTest -Pester $pester
    foreach ($name in $labResults.Keys) { $suites[$name] = $labResults[$name] }
    Assert-TestResult $suites
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
    Invoke-ChildPwsh (Join-Path $root 'tests/bench/hostile.ps1') @('-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'))
    if ($LASTEXITCODE -ne 0) { throw 'Hostile-input benchmark failed.' }
    Invoke-ChildPwsh (Join-Path $root 'tests/bench/scale.ps1') @('-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'))
    if ($LASTEXITCODE -ne 0) { throw 'Scale benchmark failed.' }
}

# Remote-apply benchmarks in a 24-gateway lab (50 with Fleet), run inside its ops namespace (root
# only). Fleet's CPU profile uses dotnet-trace, installed into out/tools (not a tool every build needs).
function Invoke-LabBench {
    Invoke-Build
    $gateways = 24
    if ('Fleet' -in $LabBenchOnly) {
        $gateways = 50
        $tools = Join-Path $out 'tools'
        $trace = Join-Path $tools 'dotnet-trace'
        if (-not (Test-Path -LiteralPath $trace)) { Invoke-Native dotnet @('tool', 'install', '--tool-path', $tools, 'dotnet-trace', '--version', '10.0.750501') | Out-Host }
        $env:WGADMIN_DOTNET_TRACE = $trace
    }
    Invoke-InLab -Gateways $gateways -Action {
        param([string] $Ops)
        Invoke-ChildPwsh (Join-Path $root 'tests/lab/Bench-Lab.ps1') -Namespace $Ops -ArgumentList @(
            '-LabOutput', $labOutput, '-ModulePath', (Join-Path $moduleDir 'WgAdmin.psd1'), '-Only', ($LabBenchOnly -join ','))
        if ($LASTEXITCODE -ne 0) { throw 'Lab benchmarks failed.' }
        New-Item -ItemType Directory -Force (Join-Path $out 'bench') | Out-Null
        Copy-Item (Join-Path $labOutput 'bench-lab.md') (Join-Path $out "bench/bench-lab-$(Get-Date -AsUTC -Format 'yyyy-MM-dd-HHmmss').md")
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
    Import-WgLab
    Start-WgLab -Gateways $Gateways -OutputPath $labOutput | Out-Null
}

function Invoke-LabSuite {
    if (-not $LabSuite) { throw '-Task LabTest needs -LabSuite tests/lab/X.Tests.ps1[,...].' }
    Install-TestPrerequisite
    $pester = Get-PesterPath
    Invoke-Build
    $counts = Invoke-InLab -Gateways $Gateways -Action {
        param([string] $Ops)
        $paths = $LabSuite -split ',' | Where-Object { $_ } | ForEach-Object { (Resolve-Path $_).Path }
        Invoke-PesterRun -Pester $pester -Name 'labtest' -Path $paths -Namespace $Ops -Environment @{ WGADMIN_LAB_OUTPUT = $labOutput }
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
    Import-WgLab
    Stop-WgLab -OutputPath $labOutput
}

foreach ($name in $Task) {
    switch ($name) {
        'Build' { Invoke-Build }
        'Check' { Invoke-Check }
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

#Requires -Version 7.4
<#
.SYNOPSIS
    WgAdmin against the real tools, in one run: key generation and `wg-quick strip` of a
    10,000-peer file. Prints a table of per-unit figures and ratios against named baselines,
    and saves what it printed to out/bench/bench-<date>.md.
.DESCRIPTION
    Run it through the build: `dotnet pwsh ./build.ps1 -Task Bench [-Full]`, which stages the
    module and passes -ModulePath, -Configuration and -Full.

    1. Key pairs, per key. Baselines: the `wg genkey | wg pubkey` bash loop (WgLoopCount keys)
       and the floor, a bare C loop over libsodium's crypto_scalarmult_curve25519_base on all
       cores (tests/bench/keys-floor.c, compiled here with cc, in the libsodium file the module
       loads; without a compiler the bare P/Invoke loop in C# stands in, and the report says so).
       Measured: New-WgKeyPair -Count KeyCount in this PowerShell with the module imported, the
       core's bulk WgKeyPair.Generate(N) in a C# process, and for reference the C loop on one
       thread, the bare P/Invoke loop, and the one-at-a-time NSec path (WgKeyPair.Generate(),
       bare NSec). The in-process series are interleaved round by round, so a neighbour's load
       on this shared machine hits all of them alike; each figure is the median over KeyRounds
       rounds.
    2. Parse + render stripped of a Peers-peer file, wgb0.conf (mode 0600) in a temporary folder.
       Baseline: `wg-quick strip` (median of WgQuickRuns). Measured: the core in process
       (--time-strip, median of StripRepeat) and the module pipeline Import-WgConfig |
       ConvertTo-WgConfig -Strip -IncludeSecret (median of ModuleStripRuns after one warm-up).
       Both outputs are compared with wg-quick's byte for byte.
    3. A MeshSites-site full mesh (200 sites: 39,800 peer entries) made and written to one file per
       site. Baseline: tests/bench/mesh-by-shell.sh (`wg genkey`/`wg pubkey` per site and a shell
       template; median of MeshRuns). Measured: New-WgSite per site, New-WgTopology and
       Export-WgConfig of every interface in this PowerShell (median of MeshRuns after one
       warm-up), and the core in process (--time-mesh: WgTopology.Build and WgConfigWriter, median
       of MeshRuns). All read the same sites file (--write-mesh-sites). Both sets of files are
       parsed back: the same peers (AllowedIPs, endpoints, keepalive) per site, every peer's key
       the public half of its site's private key, and a sample accepted by `wg-quick strip`.
    With -Full, the BenchmarkDotNet suite runs as well (`--filter '*'`, a few minutes).

    The benchmark project is built once, in Release, at the start; every helper call then runs
    its dll with `dotnet <dll>`, so nothing is rebuilt between measurements.
    The exit code is 1 if a step fails or an output differs from wg-quick's; a missed target is
    reported as MISSED but does not fail the run (the figures move with the machine's load).
#>
[CmdletBinding()]
param(
    # The staged module: build.ps1 passes out/WgAdmin/<version>/WgAdmin.psd1; the folder out/WgAdmin finds the same.
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/WgAdmin'),

    # The configuration the module was built in; the benchmark project is always built in Release.
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Also run the BenchmarkDotNet suite.
    [switch] $Full,

    # Only section 1 (key pairs): for running the key series several times.
    [switch] $KeysOnly,

    # Iterations of the `wg genkey | wg pubkey` bash loop; its per-key figure is total / WgLoopCount.
    [ValidateRange(1, 1000000)]
    [int] $WgLoopCount = 1000,

    # Keys per timed batch of every in-process key series (New-WgKeyPair -Count, the core, the C and P/Invoke loops, NSec).
    [ValidateRange(1, 1000000)]
    [int] $KeyCount = 10000,

    # Interleaved rounds of the three key series; each series' figure is the median of its rounds.
    [ValidateRange(1, 100)]
    [int] $KeyRounds = 5,

    # Peers in the generated configuration file.
    [ValidateRange(1, 65532)]
    [int] $Peers = 10000,

    # Timed runs of `wg-quick strip`.
    [ValidateRange(1, 100)]
    [int] $WgQuickRuns = 3,

    # Timed runs of the module pipeline (after one warm-up).
    [ValidateRange(1, 100)]
    [int] $ModuleStripRuns = 5,

    # Timed runs of the in-process strip (--time-strip --repeat).
    [ValidateRange(1, 10000)]
    [int] $StripRepeat = 20,

    # Sites in the full-mesh benchmark (each gets every other as a peer).
    [ValidateRange(2, 254)]
    [int] $MeshSites = 200,

    # Timed runs of each full-mesh path.
    [ValidateRange(1, 100)]
    [int] $MeshRuns = 3,

    # Where the printed figures are saved as bench-<date>.md.
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../out/bench')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot '..'))
$OutputDirectory = [IO.Path]::GetFullPath($OutputDirectory)
$benchProject = Join-Path $root 'tests/WgAdmin.Benchmarks/WgAdmin.Benchmarks.csproj'
$invariant = [cultureinfo]::InvariantCulture
$started = Get-Date
$runClock = [Diagnostics.Stopwatch]::StartNew()

# Everything printed is also kept, to be saved as markdown at the end.
$report = [System.Collections.Generic.List[string]]::new()
function Write-Report {
    param([string] $Text = '', [switch] $MarkdownOnly)
    $report.Add($Text)
    if (-not $MarkdownOnly) { Write-Host $Text }
}

function Format-Number([double] $Value, [int] $Decimals = 1) {
    $Value.ToString("N$Decimals", $invariant)
}

function Format-Ratio([double] $Value) {
    $Value.ToString('0.00', $invariant) + 'x'
}

# A markdown table with padded columns, readable on the console as well.
function Write-Table {
    param([string[]] $Header, [object[]] $Rows)
    $widths = [int[]]::new($Header.Count)
    foreach ($cells in @(, $Header) + $Rows) {
        for ($i = 0; $i -lt $widths.Count; $i++) { $widths[$i] = [math]::Max($widths[$i], ([string]$cells[$i]).Length) }
    }
    $line = { param($cells) '| ' + ((0..($cells.Count - 1) | ForEach-Object { ([string]$cells[$_]).PadRight($widths[$_]) }) -join ' | ') + ' |' }
    Write-Report (& $line $Header)
    Write-Report ('|' + (($widths | ForEach-Object { '-' * ($_ + 2) }) -join '|') + '|')
    foreach ($row in $Rows) { Write-Report (& $line $row) }
}

function Get-Median([double[]] $Values) {
    $sorted = [double[]]@($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2 -eq 1) { $sorted[[math]::Floor($n / 2)] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Format-Spread([double[]] $Values) {
    $sorted = [double[]]@($Values | Sort-Object)
    "runs=$($sorted.Count) min=$(Format-Number $sorted[0] 1) max=$(Format-Number $sorted[-1] 1) ms"
}

# This process's CPU time (all threads) in milliseconds.
function Get-CpuMilliseconds {
    $self = [Diagnostics.Process]::GetCurrentProcess()
    try { $self.TotalProcessorTime.TotalMilliseconds } finally { $self.Dispose() }
}

function Measure-Milliseconds([scriptblock] $Action) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    & $Action
    $clock.Stop()
    $clock.Elapsed.TotalMilliseconds
}

function Invoke-Bash {
    param([string] $Script, [string[]] $ArgumentList)
    & bash -c $Script bench @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "bash -c '$Script' failed with exit code $LASTEXITCODE" }
}

# Runs a console mode of the benchmark dll; returns its median_ms and the spread it wrote to stderr.
function Invoke-BenchTool {
    param([string[]] $ArgumentList)
    $output = & dotnet $benchDll @ArgumentList 2>&1
    $exitCode = $LASTEXITCODE
    $stdout = @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object ToString)
    $stderr = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object ToString)
    if ($exitCode -ne 0) { throw "dotnet WgAdmin.Benchmarks.dll $($ArgumentList -join ' ') failed with exit code ${exitCode}: $($stderr -join ' ')" }
    $median = $stdout | ForEach-Object { if ($_ -match '^median_ms=(\S+)$') { $Matches[1] } } | Select-Object -First 1
    if (-not $median) { throw "dotnet WgAdmin.Benchmarks.dll $($ArgumentList -join ' ') printed no median_ms line: $($stdout -join ' ')" }
    [pscustomobject]@{ MedianMs = [double]::Parse($median, $invariant); Detail = ($stderr -join ' ') }
}

function Get-FileSha256([string] $Path) {
    [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($Path)))
}

# $null when the files are equal byte for byte, otherwise what differs.
function Compare-FileBytes([string] $Expected, [string] $Actual) {
    if ((Get-FileSha256 $Expected) -eq (Get-FileSha256 $Actual)) { return $null }
    $cmp = if (Get-Command cmp -ErrorAction Ignore) { (& cmp $Expected $Actual 2>&1) -join ' ' } else { 'the contents differ' }
    "$cmp ($((Get-Item $Expected).Length) vs $((Get-Item $Actual).Length) bytes)"
}

function Get-MachineInfo {
    $cpu = 'unknown'
    $load = 'unknown'
    $memory = 'unknown'
    if (Test-Path /proc/cpuinfo) {
        $model = Select-String -Path /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1
        if ($model) { $cpu = $model.Matches[0].Groups[1].Value.Trim() }
    }
    if (Test-Path /proc/loadavg) { $load = ((Get-Content /proc/loadavg -Raw).Split(' ')[0..2]) -join ' ' }
    if (Test-Path /proc/meminfo) {
        $total = Select-String -Path /proc/meminfo -Pattern '^MemTotal:\s*(\d+) kB' | Select-Object -First 1
        if ($total) { $memory = (Format-Number ([double]$total.Matches[0].Groups[1].Value / 1MB) 1) + ' GiB' }
    }
    $nproc = if (Get-Command nproc -ErrorAction Ignore) { (& nproc).Trim() } else { [string][Environment]::ProcessorCount }
    [pscustomobject]@{ Nproc = $nproc; Cpu = $cpu; Load = $load; Memory = $memory }
}

$failures = [System.Collections.Generic.List[string]]::new()
$summary = [System.Collections.Generic.List[string]]::new()
$tempDir = $null
try {
    # ---- Machine ------------------------------------------------------------------------------
    $machine = Get-MachineInfo
    Write-Report "# WgAdmin benchmarks, $($started.ToString('yyyy-MM-dd HH:mm:ss zzz', $invariant))"
    Write-Report ''
    Write-Report "Machine: nproc $($machine.Nproc), CPU $($machine.Cpu), memory $($machine.Memory), load average $($machine.Load) (1, 5, 15 min) at the start"
    Write-Report "OS: $([Runtime.InteropServices.RuntimeInformation]::OSDescription); PowerShell $($PSVersionTable.PSVersion) on $([Runtime.InteropServices.RuntimeInformation]::FrameworkDescription)"
    $wgVersion = if (Get-Command wg -ErrorAction Ignore) { ((& wg --version) -join ' ').Trim() } else { 'not installed' }
    Write-Report "wg: $wgVersion"
    Write-Report 'This machine may be shared: figures move with its load; compare ratios taken in the same run.'
    Write-Report ''

    # ---- Build the benchmark project once -----------------------------------------------------
    Write-Host 'Building tests/WgAdmin.Benchmarks (Release)...'
    & dotnet build $benchProject -c Release --nologo -v quiet -clp:NoSummary | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet build $benchProject -c Release failed with exit code $LASTEXITCODE" }
    $benchDll = (& dotnet msbuild $benchProject -getProperty:TargetPath -p:Configuration=Release | Select-Object -Last 1).Trim()
    if (-not (Test-Path $benchDll)) { throw "The benchmark dll '$benchDll' was not built." }

    Import-Module $ModulePath
    $module = Get-Module WgAdmin
    Write-Report "Module: WgAdmin $($module.Version) ($Configuration build) from $(Resolve-Path $ModulePath -Relative -RelativeBasePath $root)"
    Write-Report "Benchmark helpers: dotnet $(Resolve-Path $benchDll -Relative -RelativeBasePath $root) (Release)"
    if ($Configuration -ne 'Release') {
        Write-Report "Note: the module is a $Configuration build; its figures are not the ones to publish."
    }
    Write-Report ''

    $hasWg = [bool](Get-Command wg -ErrorAction Ignore)
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    $hasWgQuick = [bool](Get-Command wg-quick -ErrorAction Ignore) -and $isRoot

    # ---- 1. Key pairs -------------------------------------------------------------------------
    $tempDir = [IO.Directory]::CreateTempSubdirectory('wgadmin-bench-').FullName
    $nproc = [Environment]::ProcessorCount
    # The libsodium file the module itself loads (its lib/runtimes/<rid>/native build), for the C loop.
    $sodium = [WgAdmin.Commands.NativeRuntime]::FindLibrary((Join-Path $module.ModuleBase 'lib'))
    $compiler = @('cc', 'gcc', 'clang') | Where-Object { Get-Command $_ -ErrorAction Ignore } | Select-Object -First 1
    $floorExe = $null
    $floorNote = $null
    if (-not $sodium) {
        $floorNote = 'the module ships no libsodium for this platform'
    }
    elseif (-not $compiler) {
        $floorNote = 'no C compiler (cc, gcc, clang) is installed'
    }
    else {
        $floorExe = Join-Path $tempDir 'keys-floor'
        & $compiler -O2 -o $floorExe (Join-Path $root 'tests/bench/keys-floor.c') -ldl -lpthread
        if ($LASTEXITCODE -ne 0) { throw "$compiler -O2 tests/bench/keys-floor.c failed with exit code $LASTEXITCODE" }
    }
    # The C loop prints the benchmark dll's median_ms line, so one reader serves both.
    function Invoke-KeysFloor([int] $Threads) {
        $output = & $floorExe $sodium $KeyCount $Threads 1 2>&1
        if ($LASTEXITCODE -ne 0) { throw "keys-floor $KeyCount $Threads failed with exit code ${LASTEXITCODE}: $($output -join ' ')" }
        $median = $output | ForEach-Object { if ("$_" -match '^median_ms=(\S+)$') { $Matches[1] } } | Select-Object -First 1
        [double]::Parse($median, $invariant)
    }

    $names = [ordered]@{
        Pwsh      = "New-WgKeyPair -Count $KeyCount (pwsh, module imported)"
        Bulk      = "WgKeyPair.Generate($KeyCount) (C#, the core in bulk: --bulk-keys)"
        FloorAll  = "C loop over crypto_scalarmult_curve25519_base, $nproc threads (tests/bench/keys-floor.c)"
        Floor1    = 'C loop, 1 thread'
        LoopAll   = "bare P/Invoke loop in C#, $nproc threads (--sodium-loop)"
        Single    = 'WgKeyPair.Generate() one at a time (C#, NSec: --our-keys; New-WgKeyPair without -Count)'
        Bare      = 'bare NSec Key.Create + exports (--bare-keys)'
    }
    $series = [ordered]@{}
    foreach ($name in $names.Keys) { $series[$name] = [System.Collections.Generic.List[double]]::new() }
    $steps = [System.Collections.Generic.List[scriptblock]]::new()
    $steps.Add({ [GC]::Collect(); $series.Pwsh.Add((Measure-Milliseconds { $null = New-WgKeyPair -Count $KeyCount })) })
    $steps.Add({ $series.Bulk.Add((Invoke-BenchTool @('--bulk-keys', $KeyCount, '--repeat', '1')).MedianMs) })
    if ($floorExe) {
        $steps.Add({ $series.FloorAll.Add((Invoke-KeysFloor $nproc)) })
        $steps.Add({ $series.Floor1.Add((Invoke-KeysFloor 1)) })
    }
    $steps.Add({ $series.LoopAll.Add((Invoke-BenchTool @('--sodium-loop', $KeyCount, '--threads', $nproc, '--repeat', '1')).MedianMs) })
    $steps.Add({ $series.Single.Add((Invoke-BenchTool @('--our-keys', $KeyCount, '--repeat', '1')).MedianMs) })
    $steps.Add({ $series.Bare.Add((Invoke-BenchTool @('--bare-keys', $KeyCount, '--repeat', '1')).MedianMs) })

    Write-Host "Key pairs: $KeyRounds interleaved rounds of $KeyCount keys ($($steps.Count) series)..."
    [GC]::Collect()
    $null = New-WgKeyPair -Count $KeyCount   # warm-up: JIT, libsodium initialisation
    for ($round = 0; $round -lt $KeyRounds; $round++) {
        # Rotate the order so no series always runs first (or right after another process).
        for ($i = 0; $i -lt $steps.Count; $i++) { & $steps[($round + $i) % $steps.Count] }
    }
    $us = @{}
    foreach ($name in $names.Keys) { $us[$name] = if ($series[$name].Count) { (Get-Median $series[$name]) * 1000 / $KeyCount } else { $null } }

    $wgUs = $null
    if ($hasWg) {
        Write-Host "Key pairs: wg genkey | wg pubkey, bash loop of $WgLoopCount..."
        $loop = 'set -o pipefail; for ((i = 0; i < $1; i++)); do wg genkey | wg pubkey > /dev/null || exit 1; done'
        Invoke-Bash $loop @('10')   # warm-up: binaries into the page cache
        $wgMs = Measure-Milliseconds { Invoke-Bash $loop @([string]$WgLoopCount) }
        $wgUs = $wgMs * 1000 / $WgLoopCount
    }

    # The floor: the C loop on all cores; without a compiler, the bare P/Invoke loop stands in for it.
    $floorKey = if ($floorExe) { 'FloorAll' } else { 'LoopAll' }
    $floorUs = $us[$floorKey]
    $floorName = if ($floorExe) { "the C loop ($nproc threads)" } else { "the bare P/Invoke loop ($nproc threads; no C loop: $floorNote)" }
    $ratioVsWg = if ($wgUs) { $wgUs / $us.Pwsh } else { $null }
    $ratioVsFloor = $us.Pwsh / $floorUs
    $fasterThanWg = { param($value) if ($null -eq $value) { 'n/a' } elseif ($wgUs) { (Format-Ratio ($wgUs / $value)) + ' faster' } else { 'n/a (wg not installed)' } }
    $vsFloor = { param($value) if ($null -eq $value) { 'n/a' } else { Format-Ratio ($value / $floorUs) } }
    Write-Report "## 1. Key pairs, per key"
    Write-Report ''
    $rows = foreach ($name in $names.Keys) {
        $label = $names[$name] + $(if ($name -eq $floorKey) { ': baseline' } else { '' })
        $value = $us[$name]
        , @($label, $(if ($null -ne $value) { Format-Number $value 2 } else { "n/a ($floorNote)" }), (& $fasterThanWg $value), (& $vsFloor $value))
    }
    $rows = @($rows) + , @("wg genkey piped to wg pubkey (bash loop of $WgLoopCount): baseline", $(if ($wgUs) { Format-Number $wgUs 2 } else { 'n/a' }), $(if ($wgUs) { '1.00x' } else { 'n/a' }), (& $vsFloor $wgUs))
    Write-Table @('Key pair', 'µs per key', 'vs wg loop', "vs $(if ($floorExe) { 'C loop' } else { 'P/Invoke loop' }) ($nproc threads)") $rows
    Write-Report ''
    $spreads = ($names.Keys | Where-Object { $series[$_].Count } | ForEach-Object { "$_ $(Format-Spread $series[$_])" }) -join '; '
    Write-Report "Medians of $KeyRounds interleaved rounds of $KeyCount keys (one untimed warm-up batch each). Spread of the batches: $spreads."
    Write-Report "libsodium: $(if ($sodium) { Resolve-Path $sodium -Relative -RelativeBasePath $root } else { 'none shipped for this platform' }); C compiler: $(if ($compiler) { $compiler } else { "none ($floorNote)" })."
    Write-Report "PowerShell's share per key (New-WgKeyPair -Count minus WgKeyPair.Generate(N)): $(Format-Number ($us.Pwsh - $us.Bulk) 2) µs."
    if ($us.Floor1) { Write-Report "The C loop on 1 thread against $nproc threads: $(Format-Ratio ($us.Floor1 / $us.FloorAll)); New-WgKeyPair -Count against the C loop on 1 thread: $(Format-Ratio ($us.Pwsh / $us.Floor1))." }
    Write-Report ''
    $keyTargetWg = if ($null -eq $ratioVsWg) { 'not measured (wg not installed)' } elseif ($ratioVsWg -ge 50) { 'met' } else { 'MISSED' }
    $keyTargetFloor = if ($ratioVsFloor -le 1.2) { 'met' } else { 'MISSED' }
    Write-Report "Target: New-WgKeyPair -Count at least 50x faster per key than the wg loop: $(if ($null -ne $ratioVsWg) { Format-Ratio $ratioVsWg } else { 'n/a' }), $keyTargetWg."
    Write-Report "Target: New-WgKeyPair -Count within 1.2x of ${floorName}: $(Format-Ratio $ratioVsFloor), $keyTargetFloor."
    Write-Report ''
    $summary.Add("keys   New-WgKeyPair -Count vs wg genkey|wg pubkey loop : $(if ($null -ne $ratioVsWg) { (Format-Ratio $ratioVsWg) + ' faster' } else { 'n/a' })  (target >= 50x: $keyTargetWg)")
    $summary.Add("keys   New-WgKeyPair -Count vs $floorName : $(Format-Ratio $ratioVsFloor)  (target <= 1.20x: $keyTargetFloor)")
    $summary.Add("keys   WgKeyPair.Generate(N) (C#) vs $floorName : $(Format-Ratio ($us.Bulk / $floorUs))")
    $summary.Add("keys   per key µs: New-WgKeyPair -Count $(Format-Number $us.Pwsh 2), core bulk $(Format-Number $us.Bulk 2), C loop $(if ($us.FloorAll) { "$(Format-Number $us.FloorAll 2) ($nproc threads) / $(Format-Number $us.Floor1 2) (1 thread)" } else { 'n/a' }), P/Invoke loop $(Format-Number $us.LoopAll 2), one at a time on NSec $(Format-Number $us.Single 2), bare NSec $(Format-Number $us.Bare 2), wg loop $(if ($wgUs) { Format-Number $wgUs 2 } else { 'n/a' })")

    # -KeysOnly: section 1 alone, for repeated runs of the key series.
    if (-not $KeysOnly) {
        # ---- 2. Parse + render stripped -----------------------------------------------------------
        $conf = Join-Path $tempDir 'wgb0.conf'
        & dotnet $benchDll --write-config $conf --peers $Peers
        if ($LASTEXITCODE -ne 0 -or -not (Test-Path $conf)) { throw "dotnet WgAdmin.Benchmarks.dll --write-config $conf failed with exit code $LASTEXITCODE" }
        $confItem = Get-Item $conf
        $mode = if ($IsWindows) { 'n/a' } else { [Convert]::ToString([int]$confItem.UnixFileMode, 8).PadLeft(4, '0') }

        $inProcessOut = Join-Path $tempDir 'wgadmin.out'
        Write-Host "Strip: WgAdmin in process (--time-strip --repeat $StripRepeat)..."
        $inProcess = Invoke-BenchTool @('--time-strip', $conf, '--repeat', $StripRepeat, '--output', $inProcessOut)

        Write-Host "Strip: Import-WgConfig | ConvertTo-WgConfig -Strip -IncludeSecret, 1 warm-up + $ModuleStripRuns runs..."
        $moduleOut = Join-Path $tempDir 'module.out'
        $text = Import-WgConfig -LiteralPath $conf | ConvertTo-WgConfig -Strip -IncludeSecret
        [IO.File]::WriteAllText($moduleOut, $text, [Text.UTF8Encoding]::new($false))
        $text = $null
        $moduleTimes = for ($i = 0; $i -lt $ModuleStripRuns; $i++) {
            [GC]::Collect()
            Measure-Milliseconds { $null = Import-WgConfig -LiteralPath $conf | ConvertTo-WgConfig -Strip -IncludeSecret }
        }
        $moduleMs = Get-Median $moduleTimes

        $wgQuickMs = $null
        $wgQuickOut = Join-Path $tempDir 'wg-quick.out'
        $inProcessSame = $null
        $moduleSame = $null
        if ($hasWgQuick) {
            Write-Host "Strip: wg-quick strip, $WgQuickRuns runs..."
            $wgQuickTimes = for ($i = 0; $i -lt $WgQuickRuns; $i++) {
                Measure-Milliseconds { Invoke-Bash 'wg-quick strip "$1" > "$2"' @($conf, $wgQuickOut) }
            }
            $wgQuickMs = Get-Median $wgQuickTimes
            $inProcessDiff = Compare-FileBytes $wgQuickOut $inProcessOut
            $moduleDiff = Compare-FileBytes $wgQuickOut $moduleOut
            $inProcessSame = $null -eq $inProcessDiff
            $moduleSame = $null -eq $moduleDiff
            if (-not $inProcessSame) { $failures.Add("The in-process strip output differs from wg-quick strip: $inProcessDiff") }
            if (-not $moduleSame) { $failures.Add("The module's strip output differs from wg-quick strip: $moduleDiff") }
        }

        $sameText = { param($same) if ($null -eq $same) { 'n/a' } elseif ($same) { 'yes, byte for byte' } else { 'NO' } }
        $vsWgQuick = { param($ms) if ($wgQuickMs) { (Format-Ratio ($wgQuickMs / $ms)) + ' faster' } else { 'n/a' } }
        Write-Report "## 2. Parse + render stripped, $(Format-Number $Peers 0)-peer configuration"
        Write-Report ''
        Write-Report "File: wgb0.conf in a temporary folder, $(Format-Number $Peers 0) peers, $(Format-Number $confItem.Length 0) bytes, mode $mode (written by --write-config)."
        Write-Report ''
        Write-Table @('Parse + render stripped', 'ms', 'vs wg-quick strip', "same as wg-quick's output") @(
            , @("wg-quick strip (median of $WgQuickRuns): baseline", $(if ($wgQuickMs) { Format-Number $wgQuickMs 1 } else { 'n/a' }), $(if ($wgQuickMs) { '1.00x' } else { 'n/a' }), '')
            , @("WgAdmin core in process (--time-strip, median of $StripRepeat)", (Format-Number $inProcess.MedianMs 1), (& $vsWgQuick $inProcess.MedianMs), (& $sameText $inProcessSame))
            , @("Import-WgConfig piped to ConvertTo-WgConfig -Strip -IncludeSecret (pwsh, median of $ModuleStripRuns)", (Format-Number $moduleMs 1), (& $vsWgQuick $moduleMs), (& $sameText $moduleSame))
        )
        Write-Report ''
        $wgQuickSpread = if ($wgQuickMs) { "wg-quick strip $(Format-Spread $wgQuickTimes); " } else { '' }
        Write-Report "Spread: $wgQuickSpread--time-strip $($inProcess.Detail); module pipeline $(Format-Spread $moduleTimes)."
        if (-not $hasWgQuick) { Write-Report 'wg-quick strip was not run: it needs wg-quick and root (it re-runs itself with sudo otherwise).' }
        elseif ($inProcessSame -and $moduleSame) { Write-Report "Both outputs equal wg-quick strip's byte for byte." }
        else { Write-Report 'An output DIFFERS from wg-quick strip (see above).' }
        Write-Report ''
        $stripTarget = { param($ms) if (-not $wgQuickMs) { 'not measured' } elseif ($wgQuickMs / $ms -ge 20) { 'met' } else { 'MISSED' } }
        $inProcessTarget = & $stripTarget $inProcess.MedianMs
        $moduleTarget = & $stripTarget $moduleMs
        Write-Report "Target: at least 20x faster than wg-quick strip: in process $(& $vsWgQuick $inProcess.MedianMs), $inProcessTarget; module pipeline $(& $vsWgQuick $moduleMs), $moduleTarget."
        Write-Report ''
        $summary.Add("strip  WgAdmin in process vs wg-quick strip      : $(& $vsWgQuick $inProcess.MedianMs)  (target >= 20x: $inProcessTarget)")
        $summary.Add("strip  module pipeline vs wg-quick strip         : $(& $vsWgQuick $moduleMs)  (target >= 20x: $moduleTarget)")
        $summary.Add("strip  ms: wg-quick $(if ($wgQuickMs) { Format-Number $wgQuickMs 1 } else { 'n/a' }), in process $(Format-Number $inProcess.MedianMs 1), module pipeline $(Format-Number $moduleMs 1)")
        $yesNo = { param($same) if ($null -eq $same) { 'not compared' } elseif ($same) { 'yes' } else { 'NO' } }
        $summary.Add("strip  output equals wg-quick strip's byte for byte: in process $(& $yesNo $inProcessSame), module pipeline $(& $yesNo $moduleSame)")

        # ---- 3. Full mesh: New-WgTopology + render ----------------------------------------------
        $meshTunnel = '10.0.0.0/24'
        $meshPeers = $MeshSites * ($MeshSites - 1)
        $meshRoot = Join-Path $tempDir 'mesh'
        New-Item -ItemType Directory $meshRoot | Out-Null
        $sitesFile = Join-Path $meshRoot 'sites.txt'
        & dotnet $benchDll --write-mesh-sites $sitesFile --tunnel $meshTunnel --sites $MeshSites
        if ($LASTEXITCODE -ne 0) { throw "dotnet WgAdmin.Benchmarks.dll --write-mesh-sites failed with exit code $LASTEXITCODE" }
        # A fresh folder per run, as a first deployment would have.
        $meshFolder = { param([string] $Name) (New-Item -ItemType Directory -Force (Join-Path $meshRoot $Name)).FullName }

        # Wall-clock and CPU time (user + system, the process and its children): on a loaded shared
        # machine the CPU time is the steadier figure.
        $shellMs = $null
        $shellCpuMs = $null
        $shellTimes = @()
        $shellOut = $null
        if ($hasWg) {
            Write-Host "Mesh: $MeshSites sites by wg genkey/wg pubkey and a shell template, $MeshRuns runs..."
            $shellScript = Join-Path $root 'tests/bench/mesh-by-shell.sh'
            $shellCpu = [System.Collections.Generic.List[double]]::new()
            $shellTimes = for ($i = 0; $i -lt $MeshRuns; $i++) {
                $shellOut = & $meshFolder "shell-$i"
                $script:cpuLines = $null
                Measure-Milliseconds { $script:cpuLines = Invoke-Bash 'bash "$1" "$2" "$3" "$4" && times' @($shellScript, $sitesFile, ($meshTunnel -split '/')[1], $shellOut) }
                # `times`: "0m0.010s 0m0.002s" for the shell, then the same for its children.
                $seconds = [regex]::Matches(($script:cpuLines -join ' '), '(\d+)m([\d.]+)s') | ForEach-Object { [double]$_.Groups[1].Value * 60 + [double]::Parse($_.Groups[2].Value, $invariant) }
                $shellCpu.Add((($seconds | Measure-Object -Sum).Sum) * 1000)
            }
            $shellMs = Get-Median $shellTimes
            $shellCpuMs = Get-Median $shellCpu
        }

        Write-Host "Mesh: New-WgSite, New-WgTopology, Export-WgConfig, 1 warm-up + $MeshRuns runs..."
        $meshByModule = {
            param([string] $Out)
            $sites = foreach ($line in [IO.File]::ReadAllLines($sitesFile)) {
                $name, $endpoint, $lan, $null = -split $line
                New-WgSite -Name $name -ComputerName $name -Endpoint $endpoint -LanPrefix $lan
            }
            $sites | New-WgTopology -TunnelPrefix $meshTunnel | ForEach-Object { $_ | Export-WgConfig -Path (Join-Path $Out "$($_.ComputerName).conf") }
        }
        & $meshByModule (& $meshFolder 'module-warm-up')
        $meshModuleOut = $null
        $meshModuleCpu = [System.Collections.Generic.List[double]]::new()
        $meshModuleTimes = for ($i = 0; $i -lt $MeshRuns; $i++) {
            $meshModuleOut = & $meshFolder "module-$i"
            [GC]::Collect()
            $cpu = Get-CpuMilliseconds
            Measure-Milliseconds { & $meshByModule $meshModuleOut }
            $meshModuleCpu.Add((Get-CpuMilliseconds) - $cpu)
        }
        $meshModuleMs = Get-Median $meshModuleTimes
        $meshModuleCpuMs = Get-Median $meshModuleCpu

        Write-Host "Mesh: WgTopology.Build + WgConfigWriter in process (--time-mesh --repeat $MeshRuns)..."
        $coreOut = & $meshFolder 'core'
        $meshCore = Invoke-BenchTool @('--time-mesh', $sitesFile, '--tunnel', $meshTunnel, '--output-dir', $coreOut, '--repeat', $MeshRuns)
        $meshCoreCpuMs = if ($meshCore.Detail -match 'cpu_median_ms=(\S+)') { [double]::Parse($Matches[1], $invariant) } else { throw "--time-mesh printed no cpu_median_ms: $($meshCore.Detail)" }

        # Every file back through the parser: per site its address, port and peers without keys, and
        # whether each peer's key is the public half of that site's private key.
        $readMesh = {
            param([string] $Folder)
            $files = @(Get-ChildItem -LiteralPath $Folder -Filter '*.conf' | Sort-Object Name)
            $interfaces = @($files | Import-WgConfig)
            $publicKeys = @{}
            foreach ($interface in $interfaces) { $publicKeys[$interface.Name] = "$($interface.PrivateKey.PublicKey)" }
            $wrongKeys = 0
            $shape = foreach ($interface in $interfaces) {
                $peers = foreach ($peer in $interface.Peers) {
                    if ($publicKeys[$peer.Name] -ne "$($peer.PublicKey)") { $wrongKeys++ }
                    "$($peer.Name) $($peer.AllowedIPs -join ',') $($peer.Endpoint) $($peer.PersistentKeepalive)"
                }
                "$($interface.Name) $($interface.Address -join ',') $($interface.ListenPort) | $((@($peers) | Sort-Object) -join ' | ')"
            }
            $modes = @($files | ForEach-Object { if ($IsWindows) { '600' } else { [Convert]::ToString([int]$_.UnixFileMode, 8) } } | Sort-Object -Unique)
            [pscustomobject]@{
                Files = $files.Count; Peers = ($interfaces | ForEach-Object { $_.Peers.Count } | Measure-Object -Sum).Sum
                Shape = ($shape -join "`n"); WrongKeys = $wrongKeys; Modes = $modes -join ','; Paths = $files.FullName
            }
        }
        $moduleMesh = & $readMesh $meshModuleOut
        $coreMesh = & $readMesh $coreOut
        foreach ($check in @(@('New-WgTopology + Export-WgConfig', $moduleMesh), @('--time-mesh', $coreMesh))) {
            $name, $mesh = $check
            if ($mesh.Files -ne $MeshSites -or $mesh.Peers -ne $meshPeers) { $failures.Add("Mesh ($name): $($mesh.Files) files and $($mesh.Peers) peers, not $MeshSites and $meshPeers.") }
            if ($mesh.WrongKeys) { $failures.Add("Mesh ($name): $($mesh.WrongKeys) peers whose key is not their site's.") }
            if ($mesh.Modes -ne '600') { $failures.Add("Mesh ($name): file modes $($mesh.Modes), not 600.") }
        }
        if ($moduleMesh.Shape -ne $coreMesh.Shape) { $failures.Add('Mesh: the module''s files and --time-mesh''s differ in more than keys.') }
        $sameAsShell = $null
        $shellMesh = $null
        if ($shellOut) {
            $shellMesh = & $readMesh $shellOut
            $sameAsShell = $shellMesh.Shape -eq $moduleMesh.Shape
            if (-not $sameAsShell) { $failures.Add('Mesh: the shell''s files and WgAdmin''s differ in more than keys.') }
            if ($shellMesh.Peers -ne $meshPeers -or $shellMesh.WrongKeys) { $failures.Add("Mesh (shell): $($shellMesh.Peers) peers, $($shellMesh.WrongKeys) with a wrong key.") }
        }
        $stripped = 'not run (it needs wg-quick and root)'
        if ($hasWgQuick) {
            $sample = foreach ($mesh in @($moduleMesh, $shellMesh) | Where-Object { $_ }) { $mesh.Paths[0], $mesh.Paths[[int]($MeshSites / 2)], $mesh.Paths[-1] }
            foreach ($file in $sample) {
                $peerLines = @(& wg-quick strip $file 2>&1 | Where-Object { "$_" -eq '[Peer]' }).Count
                if ($LASTEXITCODE -ne 0 -or $peerLines -ne $MeshSites - 1) { $failures.Add("Mesh: wg-quick strip $file exited with $LASTEXITCODE and gave $peerLines [Peer] sections.") }
            }
            $stripped = "$(@($sample).Count) sample files (first, middle, last of each set), each $($MeshSites - 1) [Peer] sections"
        }

        $vsShell = { param($ms) if ($shellMs) { (Format-Ratio ($shellMs / $ms)) + ' faster' } else { 'n/a' } }
        $vsShellCpu = { param($ms) if ($shellCpuMs) { (Format-Ratio ($shellCpuMs / $ms)) + ' less' } else { 'n/a' } }
        Write-Report "## 3. Full mesh, $MeshSites sites ($(Format-Number $meshPeers 0) peer entries): New-WgTopology + render"
        Write-Report ''
        Write-Report "Sites: site-001 to site-$('{0:000}' -f $MeshSites), each with a /24 LAN, an endpoint behind NAT (keepalive 25) and a tunnel address in $meshTunnel allocated from its name; one file per site (mode 0600) in a fresh folder per run."
        Write-Report ''
        Write-Table @('Full mesh, keys made and every file written', 'ms', 'vs shell', 'CPU ms', 'CPU vs shell', 'peers', "same mesh as the shell's") @(
            , @("mesh-by-shell.sh: wg genkey/wg pubkey per site + shell template (median of $MeshRuns): baseline", $(if ($shellMs) { Format-Number $shellMs 1 } else { 'n/a (wg not installed)' }), $(if ($shellMs) { '1.00x' } else { 'n/a' }), $(if ($shellCpuMs) { Format-Number $shellCpuMs 1 } else { 'n/a' }), $(if ($shellCpuMs) { '1.00x' } else { 'n/a' }), $(if ($shellMesh) { Format-Number $shellMesh.Peers 0 } else { 'n/a' }), '')
            , @("New-WgSite x $MeshSites, New-WgTopology, Export-WgConfig x $MeshSites (pwsh, median of $MeshRuns)", (Format-Number $meshModuleMs 1), (& $vsShell $meshModuleMs), (Format-Number $meshModuleCpuMs 1), (& $vsShellCpu $meshModuleCpuMs), (Format-Number $moduleMesh.Peers 0), (& $yesNo $sameAsShell))
            , @("WgTopology.Build + WgConfigWriter in process (--time-mesh, median of $MeshRuns)", (Format-Number $meshCore.MedianMs 1), (& $vsShell $meshCore.MedianMs), (Format-Number $meshCoreCpuMs 1), (& $vsShellCpu $meshCoreCpuMs), (Format-Number $coreMesh.Peers 0), (& $yesNo $(if ($null -eq $sameAsShell) { $null } else { $coreMesh.Shape -eq $shellMesh.Shape })))
        )
        Write-Report ''
        $shellSpread = if ($shellMs) { "shell $(Format-Spread $shellTimes); " } else { '' }
        Write-Report "Spread: ${shellSpread}module $(Format-Spread $meshModuleTimes); --time-mesh $($meshCore.Detail)."
        Write-Report "Checked: every file parsed back by Import-WgConfig; per site the same address, port and peers (name, AllowedIPs, endpoint, keepalive) in all sets; every peer's key the public half of its site's private key; wg-quick strip: $stripped."
        Write-Report ''
        $summary.Add("mesh   $MeshSites sites, $(Format-Number $meshPeers 0) peers, module vs shell template : $(& $vsShell $meshModuleMs)")
        $summary.Add("mesh   CPU time, module vs shell template            : $(& $vsShellCpu $meshModuleCpuMs)")
        $summary.Add("mesh   ms: shell $(if ($shellMs) { Format-Number $shellMs 1 } else { 'n/a' }), module $(Format-Number $meshModuleMs 1), in process $(Format-Number $meshCore.MedianMs 1); same mesh as the shell's: $(& $yesNo $sameAsShell)")

        # ---- BenchmarkDotNet (-Full) --------------------------------------------------------------
        if ($Full) {
            Write-Host "BenchmarkDotNet: dotnet $benchDll --filter '*' (several minutes)..."
            $bdnStart = Get-Date
            # BenchmarkDotNet finds the project to build its runner from the solution folder, so run from the root.
            Push-Location $root
            try { & dotnet $benchDll --filter '*' | Out-Host; $bdnExit = $LASTEXITCODE }
            finally { Pop-Location }
            $results = Join-Path $root 'BenchmarkDotNet.Artifacts/results'
            $markdown = @(Get-ChildItem $results -Filter '*-report-github.md' -ErrorAction Ignore | Where-Object LastWriteTime -ge $bdnStart | Sort-Object Name)
            Write-Report '## BenchmarkDotNet (-Full)'
            Write-Report ''
            if ($bdnExit -ne 0) { $failures.Add("The BenchmarkDotNet suite failed with exit code $bdnExit.") }
            if ($markdown.Count -eq 0) {
                Write-Report "No markdown summary was written to $results."
                $failures.Add('The BenchmarkDotNet suite wrote no markdown summary.')
            }
            foreach ($file in $markdown) {
                Write-Report "Markdown: $($file.FullName)"
                Write-Report ''
                Get-Content $file.FullName | Where-Object { $_ -match '^\|' } | ForEach-Object { Write-Report $_ }
                Write-Report ''
            }
            $summary.Add("BenchmarkDotNet markdown: $results ($($markdown.Count) files)")
        }
    }
}
catch {
    $failures.Add("$($_.Exception.Message) (Bench.ps1 line $($_.InvocationInfo.ScriptLineNumber))")
}
finally {
    if ($tempDir -and (Test-Path $tempDir)) { Remove-Item -Recurse -Force $tempDir }

    $endLoad = (Get-MachineInfo).Load
    Write-Report '## Summary'
    Write-Report ''
    Write-Report '```' -MarkdownOnly
    Write-Report 'Summary'
    foreach ($line in $summary) { Write-Report "  $line" }
    Write-Report "  load average at the end: $endLoad (1, 5, 15 min); run time $(Format-Number $runClock.Elapsed.TotalSeconds 0) s"
    foreach ($failure in $failures) { Write-Report "  FAILED: $failure" }
    Write-Report '```' -MarkdownOnly

    New-Item -ItemType Directory -Force $OutputDirectory | Out-Null
    $saved = Join-Path $OutputDirectory "bench-$($started.ToString('yyyy-MM-dd-HHmmss', $invariant)).md"
    Set-Content -LiteralPath $saved -Value $report -Encoding utf8NoBOM
    Write-Host "Saved: $saved"
}
if ($failures.Count -gt 0) { exit 1 }

<#
.SYNOPSIS
    Start-up cost of WgAdmin: what `Import-Module WgAdmin` plus a first `New-WgKeyPair` add to a
    bare `pwsh -c 1`, measured in one run.
.DESCRIPTION
    Starts fresh PowerShell processes (-NoProfile -NonInteractive, the same pwsh as the one
    running this script) in rounds; each round runs every series once, the order rotating from
    round to round so a neighbour's burst of load hits all series alike:

      bare      pwsh -c 1
      import    pwsh -c "Import-Module <manifest>"
      first key pwsh -c "Import-Module <manifest>; $null = New-WgKeyPair"

    Each figure is the median wall time of its series, from process start to exit. The added cost
    is the first-key median minus the bare median, and the ratio is first key / bare. The CPU time
    of each process (user + system, every thread) is reported beside it: it moves less than wall
    time when other work shares the cores. Target: at
    most 300 ms added. Prints a table, saves it to out/bench/startup-<date>.md, and exits with 1 if
    a run fails (a missed target is reported as MISSED, as in tests/Bench.ps1).
#>
[CmdletBinding()]
param(
    # The module manifest (build.ps1 passes out/WgAdmin/<version>/WgAdmin.psd1).
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/WgAdmin'),

    # Rounds; each round starts one process per series.
    [ValidateRange(3, 200)]
    [int] $Rounds = 15,

    # Added milliseconds allowed for Import-Module + a first New-WgKeyPair.
    [int] $TargetMilliseconds = 300,

    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../../out/bench')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$manifest = if (Test-Path -PathType Leaf $ModulePath) { (Resolve-Path $ModulePath).Path } else {
    (Get-ChildItem $ModulePath -Filter WgAdmin.psd1 -Recurse -File | Sort-Object { (Split-Path -Leaf $_.DirectoryName) -as [version] } -Descending | Select-Object -First 1).FullName
}
if (-not $manifest) { throw "No WgAdmin.psd1 under '$ModulePath': build the module first." }
$quoted = "'" + $manifest.Replace("'", "''") + "'"

$pwsh = @([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }
$series = [ordered]@{
    'bare'      = '1'
    'import'    = "Import-Module $quoted"
    'first key' = "Import-Module $quoted; `$null = New-WgKeyPair"
}

# CPU time of finished child processes (user + system, every thread), from getrusage(RUSAGE_CHILDREN):
# a child's share is the difference across its run. Linux only; elsewhere the CPU columns stay empty.
$childCpu = $null
if ($IsLinux) {
    Add-Type -TypeDefinition @'
using System.Runtime.InteropServices;
public static class WgStartupChildCpu
{
    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage { public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds; [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest; }
    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);
    public static double Milliseconds()
    {
        if (getrusage(-1, out var usage) != 0) return double.NaN;
        return (usage.UserSeconds + usage.SystemSeconds) * 1000.0 + (usage.UserMicroseconds + usage.SystemMicroseconds) / 1000.0;
    }
}
'@
    $childCpu = { [WgStartupChildCpu]::Milliseconds() }
}

function Measure-Start {
    param([string] $Command)
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($pwsh[0])
    foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Command)) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $cpuBefore = if ($childCpu) { & $childCpu } else { [double]::NaN }
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $process.WaitForExit()
        $watch.Stop()
        # The runtime reaps the child on exit; wait until its times have reached RUSAGE_CHILDREN.
        $cpu = [double]::NaN
        if ($childCpu) {
            for ($try = 0; $try -lt 50 -and -not ($cpu -gt 0); $try++) { $cpu = (& $childCpu) - $cpuBefore; if (-not ($cpu -gt 0)) { Start-Sleep -Milliseconds 2 } }
        }
        if ($process.ExitCode -ne 0 -or $stderr.GetAwaiter().GetResult()) {
            throw "pwsh -c `"$Command`" failed (exit code $($process.ExitCode)): $($stderr.GetAwaiter().GetResult())$($stdout.GetAwaiter().GetResult())"
        }
    }
    finally { $process.Dispose() }
    [pscustomobject]@{ Wall = $watch.Elapsed.TotalMilliseconds; Cpu = $cpu }
}

function Get-Median([double[]] $Values) {
    $sorted = $Values | Sort-Object
    $middle = [math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
}

$lines = [System.Collections.Generic.List[string]]::new()
function Write-Report([string] $Line = '') { $lines.Add($Line); Write-Host $Line }

$load = if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg) -replace '^(\S+ \S+ \S+).*', '$1' } else { 'n/a' }
Write-Report "# Start-up, $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC"
Write-Report ''
Write-Report "PowerShell $($PSVersionTable.PSVersion) on .NET $([Environment]::Version), $([Environment]::ProcessorCount) cores, load average $load at the start."
Write-Report "Module: $manifest"
Write-Report "Rounds: $Rounds (one warm-up round untimed), order rotating per round."

# One untimed round: the first start of each command pays for cold disk caches.
foreach ($name in $series.Keys) { $null = Measure-Start $series[$name] }
$times = @{}
$cpuTimes = @{}
foreach ($name in $series.Keys) {
    $times[$name] = [System.Collections.Generic.List[double]]::new()
    $cpuTimes[$name] = [System.Collections.Generic.List[double]]::new()
}
$names = @($series.Keys)
for ($round = 0; $round -lt $Rounds; $round++) {
    for ($i = 0; $i -lt $names.Count; $i++) {
        $name = $names[($round + $i) % $names.Count]
        $run = Measure-Start $series[$name]
        $times[$name].Add($run.Wall)
        $cpuTimes[$name].Add($run.Cpu)
    }
}

$median = @{}
$cpuMedian = @{}
foreach ($name in $names) { $median[$name] = Get-Median $times[$name]; $cpuMedian[$name] = Get-Median $cpuTimes[$name] }
$bare = $median['bare']
Write-Report ''
Write-Report '| series | median ms | min to max ms | added to bare | ratio to bare | CPU ms (median) | CPU added |'
Write-Report '|---|---:|---:|---:|---:|---:|---:|'
foreach ($name in $names) {
    $spread = '{0:N0} to {1:N0}' -f ($times[$name] | Measure-Object -Minimum).Minimum, ($times[$name] | Measure-Object -Maximum).Maximum
    Write-Report ('| `{0}` | {1:N0} | {2} | {3:N0} | {4:N2}x | {5:N0} | {6:N0} |' -f $series[$name].Replace($quoted, 'WgAdmin'), $median[$name], $spread, ($median[$name] - $bare), ($median[$name] / $bare), $cpuMedian[$name], ($cpuMedian[$name] - $cpuMedian['bare']))
}
$added = $median['first key'] - $bare
$verdict = if ($added -le $TargetMilliseconds) { 'met' } else { 'MISSED' }
Write-Report ''
Write-Report ('startup  Import-Module WgAdmin + first New-WgKeyPair adds {0:N0} ms to pwsh -c 1 ({1:N0} -> {2:N0} ms, ratio {3:N2}x; target <= {4} ms: {5})' -f $added, $bare, $median['first key'], ($median['first key'] / $bare), $TargetMilliseconds, $verdict)
Write-Report ('startup  of which Import-Module alone: {0:N0} ms; CPU time added (user + system, all threads): {1:N0} ms' -f ($median['import'] - $bare), ($cpuMedian['first key'] - $cpuMedian['bare']))

New-Item -ItemType Directory -Force $OutputDirectory | Out-Null
$report = Join-Path $OutputDirectory "startup-$(Get-Date -AsUTC -Format 'yyyy-MM-dd-HHmmss').md"
Set-Content -LiteralPath $report -Value $lines
Write-Host "Saved: $report"

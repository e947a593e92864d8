<#
.SYNOPSIS
    How WgAdmin's topology work grows with the fleet (issue 15, item 3): hub-and-spoke of 100 to
    1,000 spokes and meshes of 50 to 200 sites, keys included.
.DESCRIPTION
    One fresh pwsh per size runs tests/bench/scale-worker.ps1 (so each size's peak memory is its
    own process's), which times New-WgTopology (-PresharedKeys: a private key per site and a
    preshared key per pair of peers), the checks (WgTopology.Check(), with the LAN overlap check),
    Export-WgTopology -IncludeSecret, Import-WgTopology and Get-WgLanRoute: each the median of
    -Runs after a warm-up.

    The baseline of every growth figure is the smallest size of its shape, measured in the same
    run. Each operation's cost is compared with the growth of what it has to produce:

      new, import   AllowedIPs entries of all interfaces (a spoke's peer carries every other LAN,
                    so in either shape they grow with the square of the sites; peers grow with
                    the sites in hub-and-spoke and with their square in a mesh)
      check         sites
      export        bytes of the file
      routes        routes (every site gets a route to every other site's LAN)

    "per unit" is the growth of CPU time (the process's, all threads: it moves less than the clock
    when neighbours share the cores) and of the bytes allocated (which do not move with the load
    at all) over the growth of the units: about 1 is linear in what is produced; well above 1 is
    worse than linear. With -BeforeModulePath a build from before issue
    15's fixes runs the same sizes in the same run, and each figure gets its "before"; without it
    the largest sizes show the figures recorded in docs/performance.md, marked as recorded.
    Prints tables, saves them to out/bench/scale-<date>.md, exits with 1 if a size fails. It judges
    no time: a figure far from docs/performance.md is for a person to look into.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/WgAdmin'),
    [int[]] $HubSizes = @(100, 200, 500, 1000),
    [int[]] $MeshSizes = @(50, 100, 150, 200),
    [ValidateRange(1, 20)] [int] $Runs = 3,
    # A build of the module from before the fixes (e.g. commit e8d5c8d): measured in the same run,
    # each size right after or before the current build (the order alternating), for the "before" column.
    [string] $BeforeModulePath,
    [string] $OutputDirectory = (Join-Path $PSScriptRoot '../../out/bench')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$manifest = if (Test-Path -PathType Leaf $ModulePath) { (Resolve-Path $ModulePath).Path } else {
    (Get-ChildItem $ModulePath -Filter WgAdmin.psd1 -Recurse -File | Sort-Object { (Split-Path -Leaf $_.DirectoryName) -as [version] } -Descending | Select-Object -First 1).FullName
}
if (-not $manifest) { throw "No WgAdmin.psd1 under '$ModulePath': build the module first." }
$pwsh = @([Environment]::ProcessPath)
if ([IO.Path]::GetFileNameWithoutExtension($pwsh[0]) -eq 'dotnet') { $pwsh += Join-Path $PSHOME 'pwsh.dll' }

# Recorded before the fixes of issue 15: a build of commit e8d5c8d measured with -BeforeModulePath
# in the run of 2026-12-03 06:34 UTC (docs/performance.md, "1,000 sites"): CPU ms, by shape, size
# and operation.
$recorded = @{
    'HubAndSpoke-1000' = @{ new = 913.1; check = 154.8; export = 145.8; import = 804.5; routes = 3276.4 }
    'Mesh-200'         = @{ new = 236.9; check = 21.8; export = 608.3; import = 733.8; routes = 102.0 }
}
$beforeManifest = if ($BeforeModulePath) { (Resolve-Path $BeforeModulePath).Path }

$report = [Collections.Generic.List[string]]::new()
function Out-Report([string] $Line = '') { $report.Add($Line); Write-Host $Line }

$load = (Get-Content /proc/loadavg -ErrorAction Ignore) -split ' ' | Select-Object -First 3
$cpu = ((Get-Content /proc/cpuinfo -ErrorAction Ignore) -match '^model name' | Select-Object -First 1) -replace '^model name\s*:\s*', ''
$memory = ((Get-Content /proc/meminfo -ErrorAction Ignore) -match '^MemTotal' -split '\s+')[1]
Out-Report "# Scale: topology work from 100 to 1,000 sites"
Out-Report ''
Out-Report ("{0:yyyy-MM-dd HH:mm} UTC; nproc {1}, {2}, {3:N1} GiB; load average {4} at the start; PowerShell {5}; {6} runs per figure (median)" -f
    [DateTime]::UtcNow, [Environment]::ProcessorCount, $cpu, ([double]$memory / 1MB), ($load -join ' '), $PSVersionTable.PSVersion, $Runs)

$work = Join-Path ([IO.Path]::GetTempPath()) "wgadmin-scale-$PID"
$null = New-Item -ItemType Directory -Force $work
$results = [Collections.Generic.List[object]]::new()
$failed = $false
$caseNumber = 0
try {
    foreach ($case in @($HubSizes | ForEach-Object { , @('HubAndSpoke', $_) }) + @($MeshSizes | ForEach-Object { , @('Mesh', $_) })) {
        $shape, $size = $case
        $builds = [Collections.Generic.List[object]]::new()
        $builds.Add(@('now', $manifest))
        if ($beforeManifest) { $builds.Add(@('before', $beforeManifest)) }
        # Every other size runs the old build first, so neither gets the quieter turn throughout.
        if ($caseNumber++ % 2) { $builds.Reverse() }
        foreach ($build in $builds) {
            $program = $pwsh[0]
            $arguments = @($pwsh | Select-Object -Skip 1)
            $output = & $program @arguments -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'scale-worker.ps1') -ModulePath $build[1] -Shape $shape -Size $size -Runs $Runs -WorkDirectory $work
            if ($LASTEXITCODE -ne 0) { Write-Warning "The $shape case of $size ($($build[0])) failed (exit code $LASTEXITCODE)."; $failed = $true; continue }
            $result = $output | Select-Object -Last 1 | ConvertFrom-Json
            $result | Add-Member Build $build[0]
            $results.Add($result)
        }
    }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}

$operations = [ordered]@{ new = 'AllowedIPCount'; check = 'Sites'; export = 'FileBytes'; import = 'AllowedIPCount'; routes = 'RouteCount' }
$summary = [Collections.Generic.List[string]]::new()
foreach ($shape in 'HubAndSpoke', 'Mesh') {
    $rows = @($results | Where-Object { $_.Shape -eq $shape -and $_.Build -eq 'now' } | Sort-Object Size)
    if (-not $rows) { continue }
    $base = $rows[0]
    $label = if ($shape -eq 'HubAndSpoke') { 'spokes' } else { 'sites' }
    Out-Report ''
    Out-Report "## $shape, baseline $($base.Size) $label (this run)"
    Out-Report ''
    Out-Report "| $label | sites | peers | AllowedIPs | preshared keys | routes | file KiB | process peak MiB | Get-WgLanRoute piped on: peak MiB (resident before) | before the fix: process peak, piped routes peak |"
    Out-Report '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
    foreach ($row in $rows) {
        $old = $results | Where-Object { $_.Shape -eq $shape -and $_.Size -eq $row.Size -and $_.Build -eq 'before' } | Select-Object -First 1
        Out-Report ("| {0:N0} | {1:N0} | {2:N0} | {3:N0} | {4:N0} | {5:N0} | {6:N0} | {7:N0} | {8:N0} ({9:N0}) | {10} |" -f $row.Size, $row.Sites, $row.PeerCount, $row.AllowedIPCount, $row.PresharedKeyCount, $row.RouteCount, ($row.FileBytes / 1KB), ($row.ProcessPeakKiB / 1KB),
            ($row.RoutesPipedPeakKiB / 1KB), ($row.RoutesPipedRssBeforeKiB / 1KB),
            $(if ($old) { '{0:N0} MiB, {1:N0} MiB ({2:N0})' -f ($old.ProcessPeakKiB / 1KB), ($old.RoutesPipedPeakKiB / 1KB), ($old.RoutesPipedRssBeforeKiB / 1KB) } else { '' }))
    }
    Out-Report ''
    Out-Report "| operation | $label | ms (min to max) | CPU ms | allocated MiB | peak MiB | CPU vs baseline | allocated vs baseline | units vs baseline | per unit: CPU, allocated | before the fix: CPU ms (ms), allocated MiB |"
    Out-Report '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
    foreach ($operation in $operations.Keys) {
        $unit = $operations[$operation]
        foreach ($row in $rows) {
            $figure = $row.$operation
            $cpuRatio = $figure.CpuMs / [math]::Max($base.$operation.CpuMs, 0.001)
            $allocatedRatio = [double]$figure.AllocatedBytes / [math]::Max([double]$base.$operation.AllocatedBytes, 1)
            $unitRatio = [double]$row.$unit / [double]$base.$unit
            $old = $results | Where-Object { $_.Shape -eq $shape -and $_.Size -eq $row.Size -and $_.Build -eq 'before' } | Select-Object -First 1
            $then = if ($old) { '{0:N1} ({1:N1}), {2:N1} MiB: {3:N2}x the CPU now' -f $old.$operation.CpuMs, $old.$operation.Ms, ($old.$operation.AllocatedBytes / 1MB), ($old.$operation.CpuMs / [math]::Max($figure.CpuMs, 0.001)) }
                elseif ($recorded["$shape-$($row.Size)"] -and $recorded["$shape-$($row.Size)"][$operation]) { '{0:N1} ms, recorded at e8d5c8d, not this run' -f $recorded["$shape-$($row.Size)"][$operation] }
                else { '' }
            Out-Report ("| {0} | {1:N0} | {2:N1} ({3:N1} to {4:N1}) | {5:N1} | {6:N1} | {7:N0} | {8:N2}x | {9:N2}x | {10:N2}x ({11}) | {12:N2}, {13:N2} | {14} |" -f $operation, $row.Size, $figure.Ms, $figure.MinMs, $figure.MaxMs, $figure.CpuMs,
                ($figure.AllocatedBytes / 1MB), ($figure.PeakKiB / 1KB), $cpuRatio, $allocatedRatio, $unitRatio, $unit, ($cpuRatio / $unitRatio), ($allocatedRatio / $unitRatio), $then)
            if ($row -eq $rows[-1]) {
                $summary.Add(("{0,-11} {1,-6} {2,5:N0} {3,-6}: {4,9:N1} ms, CPU {5,9:N1} ms, {6,7:N1} MiB; vs the {7:N0} case: CPU {8,6:N2}x, allocated {9,6:N2}x, {10} {11,6:N2}x (per unit {12:N2}, {13:N2}){14}" -f $shape, $operation, $row.Size, $label, $figure.Ms, $figure.CpuMs, ($figure.AllocatedBytes / 1MB), $base.Size, $cpuRatio, $allocatedRatio, $unit, $unitRatio, ($cpuRatio / $unitRatio), ($allocatedRatio / $unitRatio),
                        $(if ($then) { "; before the fix CPU $then" } else { '' })))
            }
        }
    }
}
Out-Report ''
Out-Report '## Summary'
Out-Report ''
Out-Report '```'
foreach ($line in $summary) { Out-Report $line }
Out-Report '```'

$null = New-Item -ItemType Directory -Force $OutputDirectory
$path = Join-Path $OutputDirectory ("scale-{0:yyyy-MM-dd-HHmmss}.md" -f [DateTime]::UtcNow)
$report | Set-Content -LiteralPath $path
$results | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath ([IO.Path]::ChangeExtension($path, '.json'))
Write-Host "Saved to $path"
if ($failed) { exit 1 }

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

    "per unit" is time growth / unit growth: about 1 is linear in what is produced; well above 1
    is worse than linear. The figures measured before issue 15's fixes (at commit e8d5c8d, same
    script) are printed beside the largest sizes as recorded figures, not as this run's.
    Prints tables, saves them to out/bench/scale-<date>.md, exits with 1 if a size fails. It judges
    no time: a figure far from docs/performance.md is for a person to look into.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/WgAdmin'),
    [int[]] $HubSizes = @(100, 200, 500, 1000),
    [int[]] $MeshSizes = @(50, 100, 150, 200),
    [ValidateRange(1, 20)] [int] $Runs = 3,
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

# Recorded before the fixes of issue 15 (commit e8d5c8d, this script, 2026-12-03 05:50 UTC,
# load 1.8): ms, by shape, size and operation.
$before = @{
    'HubAndSpoke-1000' = @{ new = 1168.6; check = 226.5; export = 301.0; import = 1590.0; routes = 12864.4 }
    'Mesh-200'         = @{ new = 224.1; check = 6.6; export = 381.7; import = 561.0; routes = 990.7 }
}

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
try {
    foreach ($case in @($HubSizes | ForEach-Object { , @('HubAndSpoke', $_) }) + @($MeshSizes | ForEach-Object { , @('Mesh', $_) })) {
        $shape, $size = $case
        $program, $arguments = $pwsh
        $output = & $program @arguments -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'scale-worker.ps1') -ModulePath $manifest -Shape $shape -Size $size -Runs $Runs -WorkDirectory $work
        if ($LASTEXITCODE -ne 0) { Write-Warning "The $shape case of $size failed (exit code $LASTEXITCODE)."; $failed = $true; continue }
        $results.Add(($output | Select-Object -Last 1 | ConvertFrom-Json))
    }
}
finally {
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
}

$operations = [ordered]@{ new = 'AllowedIPCount'; check = 'Sites'; export = 'FileBytes'; import = 'AllowedIPCount'; routes = 'RouteCount' }
$summary = [Collections.Generic.List[string]]::new()
foreach ($shape in 'HubAndSpoke', 'Mesh') {
    $rows = @($results | Where-Object Shape -EQ $shape | Sort-Object Size)
    if (-not $rows) { continue }
    $base = $rows[0]
    $label = if ($shape -eq 'HubAndSpoke') { 'spokes' } else { 'sites' }
    Out-Report ''
    Out-Report "## $shape, baseline $($base.Size) $label (this run)"
    Out-Report ''
    Out-Report "| $label | sites | peers | AllowedIPs | preshared keys | routes | file KiB | process peak MiB |"
    Out-Report '|---:|---:|---:|---:|---:|---:|---:|---:|'
    foreach ($row in $rows) {
        Out-Report ("| {0:N0} | {1:N0} | {2:N0} | {3:N0} | {4:N0} | {5:N0} | {6:N0} | {7:N0} |" -f $row.Size, $row.Sites, $row.PeerCount, $row.AllowedIPCount, $row.PresharedKeyCount, $row.RouteCount, ($row.FileBytes / 1KB), ($row.ProcessPeakKiB / 1KB))
    }
    Out-Report ''
    Out-Report "| operation | $label | ms (min to max) | allocated MiB | time vs baseline | units vs baseline | per unit | before the fix (recorded) |"
    Out-Report '|---|---:|---:|---:|---:|---:|---:|---:|'
    foreach ($operation in $operations.Keys) {
        $unit = $operations[$operation]
        foreach ($row in $rows) {
            $figure = $row.$operation
            $timeRatio = $figure.Ms / $base.$operation.Ms
            $unitRatio = [double]$row.$unit / [double]$base.$unit
            $old = $before["$shape-$($row.Size)"]
            $recorded = if ($old) { '{0:N1} ms ({1:N1}x now)' -f $old[$operation], ($old[$operation] / $figure.Ms) } else { '' }
            Out-Report ("| {0} | {1:N0} | {2:N1} ({3:N1} to {4:N1}) | {5:N1} | {6:N2}x | {7:N2}x ({8}) | {9:N2} | {10} |" -f $operation, $row.Size, $figure.Ms, $figure.MinMs, $figure.MaxMs,
                ($figure.AllocatedBytes / 1MB), $timeRatio, $unitRatio, $unit, ($timeRatio / $unitRatio), $recorded)
            if ($row -eq $rows[-1]) {
                $summary.Add(("{0,-11} {1,-6} {2,5:N0} {3,-6}: {4,9:N1} ms, {5,6:N2}x the {6:N0} case for {7,6:N2}x the {8} (per unit {9:N2}){10}" -f $shape, $operation, $row.Size, $label, $figure.Ms, $timeRatio, $base.Size, $unitRatio, $unit, ($timeRatio / $unitRatio),
                        $(if ($old) { "; before the fix {0:N1} ms" -f $old[$operation] } else { '' })))
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

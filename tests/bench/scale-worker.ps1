<#
.SYNOPSIS
    One size of the scale benchmark (tests/bench/scale.ps1 starts one fresh pwsh per size, so the
    peak memory it reads is this process's own).
.DESCRIPTION
    Builds the sites of one topology (untimed), then times (the clock, and the CPU time of the
    process, all threads, GC included), each the median of -Runs after one
    untimed run of the same size (a first run at 1,000 sites costs about twice the next: the JIT's
    later tiers and the heap's growth, which an admin's one call pays but a series does not):

      new      New-WgTopology -AsTopology -PresharedKeys: the checks, a private key per site, a
               preshared key per pair of peers, every interface built
      check    WgTopology.Check() alone: names, prefixes, the LAN overlap check, tunnel room
      export   Export-WgTopology -IncludeSecret -Force to a file (mode 0600)
      import   Import-WgTopology -AsTopology of that file: parse, checks, build
      routes   $null = Get-WgLanRoute of the topology, every site's routes (PowerShell collects them)

    Before all of these, once and untimed, the peak memory of Get-WgLanRoute | Out-Null, while the
    heap is still small: what a consumer that takes each route as it comes (Export-Csv) costs.

    Memory: per operation the bytes it allocates (GC.GetTotalAllocatedBytes over its first timed
    run) and its peak resident set (before that run the process collects garbage and resets the
    peak, writing 5 to /proc/self/clear_refs, then reads VmHWM from /proc/self/status; the heap
    earlier operations grew is reused, so this is the process's peak while the operation runs,
    not the operation's own); per size the process's peak resident set over everything. Writes
    one JSON object to stdout; the caller prints and judges.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [ValidateSet('HubAndSpoke', 'Mesh')] [string] $Shape,
    # Spokes (hub-and-spoke: one more site, the hub) or sites (mesh).
    [Parameter(Mandatory)] [ValidateRange(2, 1000)] [int] $Size,
    [ValidateRange(1, 20)] [int] $Runs = 3,
    [Parameter(Mandatory)] [string] $WorkDirectory
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
Import-Module $ModulePath

# Sites of one topology: names, gateways, public endpoints, a /24 LAN each with its gateway's address.
function New-ScaleSite([int] $Count) {
    $names = if ($Shape -eq 'HubAndSpoke') { @('hub') + @(1..$Count | ForEach-Object { 'spoke-{0:D4}' -f $_ }) } else { @(1..$Count | ForEach-Object { 'site-{0:D4}' -f $_ }) }
    for ($i = 0; $i -lt $names.Count; $i++) {
        $lan = '10.{0}.{1}' -f (100 + [math]::Floor($i / 256)), ($i % 256)
        New-WgSite -Name $names[$i] -ComputerName "gw-$($names[$i])" -Endpoint ('198.18.{0}.{1}:51820' -f [math]::Floor($i / 250), ($i % 250 + 1)) `
            -LanPrefix "$lan.0/24" -LanAddress "$lan.1" -BehindNat:$false
    }
}

function New-ScaleTopology([object[]] $Sites) {
    $hub = if ($Shape -eq 'HubAndSpoke') { @{ Hub = 'hub' } } else { @{} }
    New-WgTopology -Site $Sites -TunnelPrefix 10.0.0.0/16 -Shape $Shape @hub -PresharedKeys -MaximumSites 2000 -AsTopology
}

function Get-PeakKiB { [long](((Get-Content /proc/self/status) -match '^VmHWM:' -split '\s+')[1]) }

# Times -Block -Runs times after one untimed run, the first timed run with the peak memory reset.
function Measure-Operation([scriptblock] $Block) {
    $null = & $Block
    $times = [Collections.Generic.List[double]]::new()
    $cpu = [Collections.Generic.List[double]]::new()
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $peak = $null; $allocated = $null
    for ($run = 0; $run -lt $Runs; $run++) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        if ($run -eq 0) {
            [IO.File]::WriteAllText('/proc/self/clear_refs', '5')
            $bytes = [GC]::GetTotalAllocatedBytes($true)
        }
        $process.Refresh()
        $cpuBefore = $process.TotalProcessorTime
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = & $Block
        $times.Add($clock.Elapsed.TotalMilliseconds)
        $process.Refresh()
        $cpu.Add(($process.TotalProcessorTime - $cpuBefore).TotalMilliseconds)
        if ($run -eq 0) { $allocated = [GC]::GetTotalAllocatedBytes($true) - $bytes; $peak = Get-PeakKiB }
    }
    $sorted = @($times | Sort-Object)
    $cpuSorted = @($cpu | Sort-Object)
    [ordered]@{ Ms = $sorted[[math]::Floor($sorted.Count / 2)]; MinMs = $sorted[0]; MaxMs = $sorted[-1]; CpuMs = $cpuSorted[[math]::Floor($cpuSorted.Count / 2)]; PeakKiB = $peak; AllocatedBytes = $allocated }
}

$sites = @(New-ScaleSite $Size)
$file = Join-Path $WorkDirectory "$Shape-$Size.wgtopology"

$result = [ordered]@{ Shape = $Shape; Size = $Size; Sites = $sites.Count }
$topology = New-ScaleTopology $sites
# First, while the heap is small, what the routes cost in memory when piped on, each route taken
# as it comes (as Export-Csv would; `$null = ...` below collects them all first): untimed, once.
[GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
$result.RoutesPipedRssBeforeKiB = [long](((Get-Content /proc/self/status) -match '^VmRSS:' -split '\s+')[1])
[IO.File]::WriteAllText('/proc/self/clear_refs', '5')
Get-WgLanRoute $topology | Out-Null
$result.RoutesPipedPeakKiB = Get-PeakKiB
$result.new = Measure-Operation { New-ScaleTopology $sites }
$result.check = Measure-Operation { $topology.Check() }
$result.export = Measure-Operation { Export-WgTopology -InputObject $topology -Path $file -IncludeSecret -Force }
$result.import = Measure-Operation { Import-WgTopology $file -AsTopology -MaximumSites 2000 }
$result.routes = Measure-Operation { $null = Get-WgLanRoute $topology }

# What the sizes are made of: the units each operation's cost should be linear in.
$imported = Import-WgTopology $file -AsTopology -MaximumSites 2000
$peers = 0L; $allowed = 0L
foreach ($interface in $imported.Interfaces) { foreach ($peer in $interface.Peers) { $peers++; $allowed += $peer.AllowedIPs.Count } }
$result.PeerCount = $peers
$result.AllowedIPCount = $allowed
$result.PresharedKeyCount = @($imported.PresharedKeyPairs()).Count
$result.RouteCount = [WgAdmin.Topology.WgLanRoutes]::For($topology).Count
$result.FileBytes = (Get-Item $file).Length
$result.ProcessPeakKiB = Get-PeakKiB
# The file holds every private and preshared key: gone before the process ends.
Remove-Item $file -Force
$result | ConvertTo-Json -Compress -Depth 4

<#
.SYNOPSIS
    Applies one topology to its gateways in shards: each shard a PowerShell job here, or a job
    runner of its own (CI), each applying its share of the gateways.
.DESCRIPTION
    Every shard reads the WHOLE topology file and applies only its share of the gateways. A file
    cut down to a shard's sites would be wrong on the gateways: Set-WgInterface makes a peer list
    exactly what the file says, so a hub applied from a shard's file would drop every spoke of the
    other shards, and a spoke's AllowedIPs (every other site's LAN, through the hub) would lose
    theirs; in a mesh every site peers with every other. Built from the whole file, every
    interface is the one the unsharded run applies, the hub included (one gateway, in exactly one
    shard, with every spoke as its peer).

    The share: the gateways (each interface's ComputerName) in ordinal order, the n-th to shard
    n mod ShardCount, so every runner works out the same split from the same file and nothing
    else. With -ShardIndex this process runs that one shard (a CI runner: -ShardIndex from the
    runner's index); without it every shard starts here as a PowerShell job (Start-Job, one
    process each) and their results come back together.

    When to shard, and how many: docs/performance.md, "A fleet past one station".
.EXAMPLE
    ./shard-fleet.ps1 -TopologyPath fleet.wgtopology -ShardCount 4 -PlanOnly | Group-Object Shard

    What each of four shards would apply; connects to nothing.
.EXAMPLE
    ./shard-fleet.ps1 -TopologyPath fleet.wgtopology -ShardCount $env:CI_NODE_TOTAL -ShardIndex ($env:CI_NODE_INDEX - 1) -ThrottleLimit 32

    On each of a CI job's parallel runners: its share of the gateways, 32 at a time.
#>
[CmdletBinding()]
param(
    # The topology file (Export-WgTopology); every shard reads all of it.
    [Parameter(Mandatory)] [string] $TopologyPath,

    [ValidateRange(1, 1000)] [int] $ShardCount = 2,

    # This runner's shard, from 0; -1 runs every shard here as a PowerShell job.
    [ValidateRange(-1, 999)] [int] $ShardIndex = -1,

    # Gateways one shard applies at a time (Set-WgInterface -ThrottleLimit).
    [ValidateRange(1, 256)] [int] $ThrottleLimit = 16,

    # WgAdmin's manifest, or its name when it is installed.
    [string] $ModulePath = 'WgAdmin',

    # Emit what each shard would apply (Shard, ComputerName, the configuration without secrets)
    # instead of applying it: no host is touched.
    [switch] $PlanOnly,

    # Further parameters for Set-WgInterface (-InstallPackage, -EnableForwarding, -ConfirmWithin ...).
    [hashtable] $ApplyParameter = @{}
)

$ErrorActionPreference = 'Stop'
if ($ShardIndex -ge $ShardCount) { throw "-ShardIndex $ShardIndex is not a shard of $ShardCount (0 to $($ShardCount - 1))." }
$file = (Resolve-Path -LiteralPath $TopologyPath).Path

# One shard: the whole file read, this shard's gateways kept, applied (or shown).
$shard = {
    param([string] $File, [int] $Count, [int] $Index, [int] $Throttle, [string] $Module, [bool] $Plan, [hashtable] $Apply)
    $ErrorActionPreference = 'Stop'
    Import-Module $Module
    $interfaces = @(Import-WgTopology -LiteralPath $File)
    if ($unnamed = @($interfaces | Where-Object { -not $_.ComputerName })) {
        throw "$($unnamed.Count) site(s) of $File have no ComputerName: a shard cannot tell which gateway to apply them to."
    }
    $gateways = [string[]] @($interfaces.ComputerName | Sort-Object -Unique)
    [Array]::Sort($gateways, [StringComparer]::Ordinal)
    $mine = [Collections.Generic.HashSet[string]]::new([StringComparer]::OrdinalIgnoreCase)
    for ($n = $Index; $n -lt $gateways.Count; $n += $Count) { $null = $mine.Add($gateways[$n]) }
    $share = @($interfaces | Where-Object { $mine.Contains($_.ComputerName) })
    if ($Plan) {
        foreach ($interface in $share) {
            [pscustomobject]@{ Shard = $Index; ComputerName = $interface.ComputerName; Config = ($interface | ConvertTo-WgConfig) }
        }
    }
    elseif ($share) {
        # A host that fails is an error of its own; the shard goes on with the others.
        $share | Set-WgInterface -ThrottleLimit $Throttle -ErrorAction Continue @Apply
    }
}

$module = if (Test-Path -LiteralPath $ModulePath) { (Resolve-Path -LiteralPath $ModulePath).Path } else { $ModulePath }
if ($ShardIndex -ge 0) {
    & $shard $file $ShardCount $ShardIndex $ThrottleLimit $module $PlanOnly.IsPresent $ApplyParameter
    return
}
$jobs = foreach ($index in 0..($ShardCount - 1)) {
    Start-Job -Name "wgadmin-shard-$index" -ScriptBlock $shard -ArgumentList $file, $ShardCount, $index, $ThrottleLimit, $module, $PlanOnly.IsPresent, $ApplyParameter
}
try {
    # Receive-Job passes each shard's errors on as they are (a failed host does not stop the others).
    $jobs | Receive-Job -Wait -ErrorAction Continue
}
finally {
    $jobs | Remove-Job -Force
}

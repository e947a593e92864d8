<#
.SYNOPSIS
    What hostile input costs WgAdmin now (issue 16): the inputs that once took seconds or all memory,
    and what the new checks add to each error and to each line a gateway prints.
.DESCRIPTION
    In one process, each figure the median of its repetitions after one warm-up call:

      topology   Import-WgTopology of a 4,000-site mesh file (the issue's 530 KB file: 16 million
                 peers asked for, out of memory after 114 s) until WgAdmin.TopologyTooLarge
      pattern    an ssh_config/known_hosts pattern *a*a*a*a*a*a*a*a*a*a*a*a*b against a 30- and a
                 255-character name (the issue: 14 s with the backtracking regex)
      output     the section reader over 4 MiB of gateway output, full of terminal escapes and bidi
                 controls, and over the same output clean
      call       an empty static call from PowerShell, the floor of the µs figures
      error      a WgError whose offender holds a key (hidden where it is made) and one that does
                 not; New-WgInterface -ListenPort <a private key>, the whole error record

    Prints a table and saves it to out/bench/hostile-<date>.md. It judges nothing: a figure far
    from those in docs/performance.md is for a person to look into.
#>
[CmdletBinding()]
param(
    # The module manifest (build.ps1 passes out/WgAdmin/<version>/WgAdmin.psd1).
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/WgAdmin')
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

# The median, in milliseconds, of Count calls of Block (each call timed in batches of Batch).
function Measure-Median([scriptblock] $Block, [int] $Count = 5, [int] $Batch = 1) {
    $null = & $Block
    $times = foreach ($i in 1..$Count) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        for ($j = 0; $j -lt $Batch; $j++) { $null = & $Block }
        $clock.Elapsed.TotalMilliseconds / $Batch
    }
    $sorted = @($times | Sort-Object)
    $sorted[[math]::Floor($sorted.Count / 2)]
}

$rows = [System.Collections.Generic.List[object]]::new()
function Add-Row([string] $What, [double] $Milliseconds, [string] $Note = '') {
    $rows.Add([pscustomobject]@{ What = $What; Ms = $Milliseconds; Note = $Note })
}

# The issue's file: 4,000 mesh sites, each with a public key.
$text = [Text.StringBuilder]::new("[Topology]`nTunnelPrefix = 10.0.0.0/16`nShape = Mesh`n")
for ($i = 0; $i -lt 4000; $i++) {
    $publicKey = [WgAdmin.Keys.WgPrivateKey]::Generate().PublicKey
    [void] $text.Append("[Site]`nName = s$i`nEndpoint = 198.51.$([math]::Floor($i / 250)).$($i % 250 + 1):51820`nLanPrefix = 10.$(100 + [math]::Floor($i / 256)).$($i % 256).0/24`nPublicKey = $publicKey`n")
}
$folder = Join-Path ([IO.Path]::GetTempPath()) "wgadmin-hostile-$PID"
$null = New-Item -ItemType Directory $folder -Force
try {
    $file = Join-Path $folder 'huge.wgtopology'
    [IO.File]::WriteAllText($file, $text.ToString())
    $size = (Get-Item $file).Length
    Add-Row 'Import-WgTopology, 4,000 mesh sites, to WgAdmin.TopologyTooLarge' (Measure-Median { Import-WgTopology $file -ErrorAction SilentlyContinue }) ("{0:N0} KB file" -f ($size / 1KB))
}
finally {
    Remove-Item $folder -Recurse -Force
}

# What PowerShell's call of a static method costs alone: the µs figures below include it.
Add-Row 'an empty static call, for scale' (Measure-Median { [Math]::Abs(1) } -Batch 1000) 'PowerShell''s own cost of a call'
$pattern = [string[]] @('*a*a*a*a*a*a*a*a*a*a*a*a*b')
foreach ($length in 30, 255) {
    $name = 'a' * $length
    Add-Row "pattern *a*a*...*b against $length characters" (Measure-Median { [WgAdmin.Remote.SshConfigFile]::Matches($pattern, $name) } -Batch 1000) 'no match'
}

$line = "peer`t$([char]27)]52;c;ZWNobyBwd25lZA==$([char]7)$([char]27)[2Jactive$([char]0x202E)x$([char]0x200B)`n"
$output = [Text.StringBuilder]::new("@@service`n")
while ($output.Length -lt 4MB) { [void] $output.Append($line) }
$hostile = $output.ToString()
$clean = $hostile -replace "[\u001b\u0007\u202E\u200B]", ''
Add-Row 'section reader, 4 MiB of output with escapes and bidi controls' (Measure-Median { [WgAdmin.Remote.SectionReader]::Read($hostile) }) ("{0:N0} lines" -f ($hostile.Length / $line.Length))
Add-Row 'section reader, the same 4 MiB clean' (Measure-Median { [WgAdmin.Remote.SectionReader]::Read($clean) }) ''

$key = (New-WgKeyPair).PrivateKey.Reveal()
Add-Row 'WgError, offender holding a key (hidden)' (Measure-Median { [WgAdmin.WgError]::new('WgAdmin.InvalidPort', 'm', [Nullable[int]] $null, "x $key y") } -Batch 2000) 'includes PowerShell''s call'
Add-Row 'WgError, offender without a key' (Measure-Median { [WgAdmin.WgError]::new('WgAdmin.InvalidPort', 'm', [Nullable[int]] $null, '70000') } -Batch 2000) 'includes PowerShell''s call'
Add-Row 'New-WgInterface -ListenPort <private key>, error record' (Measure-Median { New-WgInterface -Name wg0 -ListenPort $key -ErrorAction SilentlyContinue } -Batch 200) ''

$report = @(
    "# Hostile input (issue 16), $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC, $([Environment]::ProcessorCount) cores, load $((Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -split ' ' | Select-Object -First 1)"
    ''
    '| what | median | note |'
    '|---|---:|---|'
    foreach ($row in $rows) { '| {0} | {1} | {2} |' -f $row.What, ($row.Ms -lt 1 ? ('{0:N1} µs' -f ($row.Ms * 1000)) : ('{0:N0} ms' -f $row.Ms)), $row.Note }
)
$report | Write-Host
$out = Join-Path $PSScriptRoot '../../out/bench'
$null = New-Item -ItemType Directory $out -Force
$report | Set-Content (Join-Path $out "hostile-$(Get-Date -AsUTC -Format 'yyyy-MM-dd-HHmmss').md")

#Requires -Version 7.4
<#
.SYNOPSIS
    The process Bench-Lab.ps1's fleet section profiles with dotnet-trace: one first apply of a
    new interface (wg20, 25 site-to-site pairs) to the lab's first 50 gateways at
    -ThrottleLimit 32, then the interface removed again. Run inside the lab's ops namespace.
#>
param(
    [Parameter(Mandatory)] [string] $LabOutput,
    [Parameter(Mandatory)] [string] $ModulePath
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'WgLab.psm1')
$lab = Get-WgLab -OutputPath $LabOutput
$ssh = @{ SshConfigPath = $lab.sshConfig }
$fleet = @($lab.sites | Select-Object -First 50)
$interfaces = for ($i = 0; $i -lt 50; $i += 2) {
    $x = $fleet[$i]; $y = $fleet[$i + 1]; $p = $i / 2
    $kx = New-WgKeyPair; $ky = New-WgKeyPair
    $kx | New-WgInterface -Name wg20 -Address "10.20.$p.1/24" -ListenPort 10120 -ComputerName $x.gateway -Peer ($ky | New-WgPeer -AllowedIPs "10.20.$p.2/32" -Endpoint "$($y.publicAddress):10120")
    $ky | New-WgInterface -Name wg20 -Address "10.20.$p.2/24" -ListenPort 10120 -ComputerName $y.gateway -Peer ($kx | New-WgPeer -AllowedIPs "10.20.$p.1/32" -Endpoint "$($x.publicAddress):10120")
}
$clock = [Diagnostics.Stopwatch]::StartNew()
$results = @($interfaces | Set-WgInterface @ssh -InstallPackage -EnableForwarding -ThrottleLimit 32 -ConnectTimeoutSeconds 60 -Confirm:$false)
Write-Host ("profiled apply: {0} gateways in {1:N1} s" -f $results.Count, $clock.Elapsed.TotalSeconds)
if ($failed = @($results | Where-Object Error)) { throw "the profiled apply failed: $(($failed | Select-Object -First 3).Error -join '; ')" }

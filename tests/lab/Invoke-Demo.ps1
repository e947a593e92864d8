#Requires -Version 7.4
<#
.SYNOPSIS
    Runs docs/examples/site-to-site.ps1 against a fresh two-site lab (the seed's addresses), with
    a booted LAN machine at each site for the LAN routes and the final ping; stops the lab after.
.DESCRIPTION
    Used by build.ps1 -Task Demo (the output on the console) and tests/lab/Demo.Tests.ps1 (CI).
    The script runs in the lab's ops namespace, the admin's workstation. Its console output is
    also written to -LogPath. Returns the script's exit code. Linux and root only.

    -ThroughBastion runs the same script, unchanged, the way production gateways are reached
    (tests/lab/Initialize-DemoBastion.ps1): a third gateway, gw-c, is the bastion; gw-a, gw-b
    and the LAN machines answer SSH only from it, to the non-root login wgadmin with sudo,
    whose CA-signed key is only in an ssh-agent; host keys of gw-a and gw-b are trusted through
    their CA. The ssh_config the script is given names ProxyJump. The checks that it went that
    way are written to LogPath.checks.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $LabOutput,
    [Parameter(Mandatory)] [string] $LogPath,
    [switch] $ThroughBastion
)
$ErrorActionPreference = 'Stop'
$repo = Split-Path (Split-Path $PSScriptRoot)
Import-Module (Join-Path $PSScriptRoot 'WgLab.psm1') -Force
$bastion = $null
try {
    $lab = Start-WgLab -Gateways $(if ($ThroughBastion) { 3 } else { 2 }) -OutputPath $LabOutput
    $machines = foreach ($site in 'a', 'b') { Start-WgLabLanMachine -Site $site }
    $siteA, $siteB = $lab.sites[0], $lab.sites[1]
    $ops = ($lab.hosts | Where-Object role -EQ 'ops').namespace
    $sshConfig = $lab.sshConfig
    if ($ThroughBastion) {
        $bastion = & (Join-Path $PSScriptRoot 'Initialize-DemoBastion.ps1') -Lab (Get-WgLab -OutputPath $LabOutput) -WorkPath (Join-Path $LabOutput 'bastion')
        $sshConfig = $bastion.SshConfig
    }
    $arguments = @(
        '-ModulePath', $ModulePath, '-SshConfigPath', $sshConfig,
        '-GatewayA', $siteA.gateway, '-GatewayB', $siteB.gateway,
        '-EndpointA', "$($siteA.publicAddress):$($lab.tunnel.port)", '-EndpointB', "$($siteB.publicAddress):$($lab.tunnel.port)",
        '-LanHostA', $machines[0].sshAlias, '-LanHostB', $machines[1].sshAlias,
        '-LanHostAAddress', $machines[0].lanAddress, '-LanHostBAddress', $machines[1].lanAddress,
        '-OutputPath', (Split-Path $LogPath))
    $null = New-Item -ItemType Directory -Force (Split-Path $LogPath)
    # nsenter, not `ip netns exec` (see build.ps1); the demo's colours are for people, not the log.
    $env:NO_COLOR = '1'
    & nsenter "--net=/run/netns/$ops" ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive `
        -File (Join-Path $repo 'docs/examples/site-to-site.ps1') @arguments 2>&1 | Tee-Object -FilePath $LogPath | Out-Host
    $exitCode = $LASTEXITCODE
    if ($ThroughBastion) {
        & (Join-Path $PSScriptRoot 'Initialize-DemoBastion.ps1') -Lab (Get-WgLab -OutputPath $LabOutput) -WorkPath (Join-Path $LabOutput 'bastion') -ChecksPath "$LogPath.checks" | Out-Host
    }
    $exitCode
}
finally {
    if ($bastion) { Stop-Process -Id $bastion.Agent.Id -ErrorAction Continue }
    Stop-WgLab -OutputPath $LabOutput
}

<#
.SYNOPSIS
    The seed, every step, as one script: two LANs joined through their gateways behind cloud NAT.
.DESCRIPTION
    Site A (LAN 10.11.7.0/24, gateway gw-a at 10.11.7.1) and site B (LAN 172.19.16.0/20, gateway
    gw-b at 172.19.16.7), each gateway behind a 1:1 NAT with a public address, joined by the
    tunnel 10.0.0.0/24 on UDP 10086. The script:

      1. describes the two sites (the tunnel addresses pinned to the seed's 10.0.0.1 and .2) and
         checks them (overlaps, sanity) before anything changes;
      2. builds the topology (keys, tunnel addresses, AllowedIPs, keepalive) and saves it without
         secrets, for a scheduled job to compare against;
      3. applies it over SSH: package, forwarding (persisted), NAT, config (0600), service;
      4. sets the routes the LAN hosts need (the seed's last step), persisted, over SSH;
      5. proves the tunnel with Test-WgTunnel, from each gateway's LAN address to the far LAN;
      6. pings from a LAN host at site A to a LAN host at site B;
      7. applies the saved topology again, as a scheduled job would: nothing changes.

    Every object is printed as it comes; no key is ever printed. Against the lab:
    `dotnet pwsh ./build.ps1 -Task Demo` (docs/site-to-site.md shows a captured run).
.EXAMPLE
    ./site-to-site.ps1 -SshConfigPath ~/.ssh/config -LanHostA host-a1 -LanHostB host-b1 -LanHostBAddress 172.19.16.100
#>
[CmdletBinding()]
param(
    [string] $ModulePath = 'WgAdmin',
    # ssh_config with Host entries for the gateways and the two LAN hosts; default ~/.ssh/config.
    [string] $SshConfigPath,
    [string] $GatewayA = 'gw-a',
    [string] $GatewayB = 'gw-b',
    [string] $EndpointA = '198.51.100.10:10086',
    [string] $EndpointB = '198.51.100.11:10086',
    # The SSH names of a Linux host on each LAN and their LAN addresses (the ping's ends).
    [string] $LanHostA = 'host-a1',
    [string] $LanHostB = 'host-b1',
    [string] $LanHostAAddress = '10.11.7.199',
    [string] $LanHostBAddress = '172.19.16.100',
    # Where the topology file goes.
    [string] $OutputPath = './out/demo'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$ssh = if ($SshConfigPath) { @{ SshConfigPath = $SshConfigPath } } else { @{} }

function Show([string] $Step) { Write-Host "`n### $Step" -ForegroundColor Cyan }
# Tables as wide as they need to be, also when the output goes to a log.
function Show-Table { $input | Format-Table -AutoSize | Out-String -Width 200 | Write-Host }

Show '1. The sites (checked for overlaps before anything is applied)'
$sites = @(
    New-WgSite -Name site-a -ComputerName $GatewayA -Endpoint $EndpointA -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1 -TunnelAddress 10.0.0.1
    New-WgSite -Name site-b -ComputerName $GatewayB -Endpoint $EndpointB -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7 -TunnelAddress 10.0.0.2
)
$sites | Show-Table

Show '2. The topology: one interface per site, keys generated here, saved without secrets'
$topology = New-WgTopology -Site $sites -TunnelPrefix 10.0.0.0/24 -AsTopology
$topology.Interfaces | Show-Table
$null = New-Item -ItemType Directory -Force $OutputPath
$topologyFile = Join-Path $OutputPath 'site-to-site.wgtopo'
$topology | Export-WgTopology -Path $topologyFile -Force
Get-Content $topologyFile | Out-Host

Show '3. Apply over SSH: package, forwarding, NAT, config, service'
$applied = $topology.Interfaces | Set-WgInterface -InstallPackage -EnableForwarding -Masquerade eth0 @ssh
$applied | Format-List | Out-String -Width 200 | Write-Host
$failed = @($applied | Where-Object Error)
if ($failed) { throw "Set-WgInterface failed: $(($failed | ForEach-Object { "$($_.ComputerName): $($_.Error)" }) -join '; ')" }

Show '4. Routes for the LAN hosts (the seed''s last step), set and persisted over SSH'
Get-WgLanRoute -Topology $topology | Show-Table
Set-WgLanRoute -Topology $topology -Site site-a -ComputerName $LanHostA @ssh | Show-Table
Set-WgLanRoute -Topology $topology -Site site-b -ComputerName $LanHostB @ssh | Show-Table

Show '5. Proof: Test-WgTunnel on each gateway, through to a host on the far LAN'
$proof = @(
    Test-WgTunnel -ComputerName $GatewayA -Target $LanHostBAddress @ssh
    Test-WgTunnel -ComputerName $GatewayB -Target $LanHostAAddress @ssh
)
$proof | Format-List | Out-Host
if ($proof.Passed -contains $false) { throw "Test-WgTunnel failed: $(($proof | Where-Object { -not $_.Passed }).Reasons -join '; ')" }

Show "6. A LAN host at site A pings a LAN host at site B ($LanHostA -> $LanHostBAddress)"
$sshArguments = @(if ($SshConfigPath) { '-F', $SshConfigPath }) + $LanHostA
$ping = & ssh @sshArguments ping -c 3 -W 2 $LanHostBAddress 2>&1
$ping | Out-Host
if ($LASTEXITCODE -ne 0) { throw "The ping from $LanHostA to $LanHostBAddress failed." }

Show '7. A scheduled job re-applies the saved topology: nothing changes'
$again = Import-WgTopology -Path $topologyFile | Set-WgInterface @ssh
$again | Show-Table
if (@($again | Where-Object { $_.Changed -or $_.Error })) { throw 'The re-apply changed something or failed.' }

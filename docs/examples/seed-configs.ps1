<#
.SYNOPSIS
    The seed's two gateway configurations, made from scratch with fresh keys.
.DESCRIPTION
    Site A (LAN 10.11.7.0/24) and site B (LAN 172.19.16.0/20) joined by the tunnel 10.0.0.0/24
    on UDP 10086, each gateway behind a 1:1 NAT with a public address. The keys are generated
    here and never typed or pasted; each side gets the other's public key. The seed's two-way
    NAT is kept in PostUp/PreDown as the seed wrote it (%i stands for the interface).
    The files go to -OutputPath with mode 0600; what is printed hides every key.
#>
param(
    [string] $ModulePath = 'WgAdmin',
    [string] $OutputPath = './out/demo'
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath

$siteA = @{ Name = 'site-a'; Tunnel = '10.0.0.1/24'; Lan = '10.11.7.0/24'; Public = '198.51.100.10:10086' }
$siteB = @{ Name = 'site-b'; Tunnel = '10.0.0.2/24'; Lan = '172.19.16.0/20'; Public = '198.51.100.20:10086' }

# The seed's two-way NAT: forward and masquerade both ways between the LAN (eth0) and the tunnel.
$natUp = 'iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE; iptables -A FORWARD -i eth0 -j ACCEPT; iptables -t nat -A POSTROUTING -o %i -j MASQUERADE'
$natDown = $natUp -replace ' -A ', ' -D '

$keysA = New-WgKeyPair
$keysB = New-WgKeyPair

function New-SeedGateway($self, $selfKeys, $other, $otherKeys) {
    $tunnelHost = ($other.Tunnel -split '/')[0] + '/32'
    $peer = $otherKeys | New-WgPeer -Name $other.Name -AllowedIPs $tunnelHost, $other.Lan -Endpoint $other.Public -PersistentKeepalive 30
    $selfKeys | New-WgInterface -Name wg0 -Address $self.Tunnel -ListenPort 10086 -PostUp $natUp -PreDown $natDown -Peer $peer
}

$gatewayA = New-SeedGateway $siteA $keysA $siteB $keysB
$gatewayB = New-SeedGateway $siteB $keysB $siteA $keysA

foreach ($gateway in @(@{ Site = 'site-a'; Interface = $gatewayA }, @{ Site = 'site-b'; Interface = $gatewayB })) {
    $folder = New-Item -ItemType Directory -Force (Join-Path $OutputPath $gateway.Site)
    $file = $gateway.Interface | Export-WgConfig -Path $folder.FullName -Force -PassThru
    Write-Host "# $($gateway.Site): $($file.FullName) (mode $([Convert]::ToString([int](Get-Item $file.FullName).UnixFileMode, 8)))"
    $gateway.Interface | ConvertTo-WgConfig | Write-Host
}

#Requires -Version 7.4
# Firewalls someone else manages: sites ad and ae of the shared lab, interface wg16, port 10100
# (docs/lab.md, "Who uses which site"). gw-ad gets ufw (incoming denied but SSH, FORWARD DROP),
# gw-ae firewalld (default zone public, nftables backend), both from the base image's offline
# repository. An apply that the firewall would break stops before any change and names the
# commands; with those run, LAN to LAN works both ways, and after a firewall reload and a reboot.
# Both firewalls are purged and the gateways rebooted at the end (docs/firewalls.md).

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Firewalls someone else manages: ufw and firewalld' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:siteAd = $lab.sites | Where-Object name -EQ 'ad'
        $script:siteAe = $lab.sites | Where-Object name -EQ 'ae'
        $script:gwAd = $lab.hosts | Where-Object name -EQ $siteAd.gateway
        $script:gwAe = $lab.hosts | Where-Object name -EQ $siteAe.gateway
        $script:hostAd = $lab.hosts | Where-Object name -EQ $siteAd.lanHosts[0]
        $script:hostAe = $lab.hosts | Where-Object name -EQ $siteAe.lanHosts[0]

        $script:interfaces = @(
            New-WgSite -Name site-ad -ComputerName $gwAd.name -Endpoint "$($siteAd.publicAddress):10100" -LanPrefix $siteAd.lanPrefix
            New-WgSite -Name site-ae -ComputerName $gwAe.name -Endpoint "$($siteAe.publicAddress):10100" -LanPrefix $siteAe.lanPrefix
        ) | New-WgTopology -TunnelPrefix 10.0.16.0/24 -InterfaceName wg16
        $script:ifAd = $interfaces | Where-Object ComputerName -EQ $gwAd.name
        $script:ifAe = $interfaces | Where-Object ComputerName -EQ $gwAe.name
        $script:apply = @{ InstallPackage = $true; EnableForwarding = $true; Masquerade = 'eth0' }

        # What an apply could change on a gateway: WgAdmin's files, WireGuard's package, links, rules.
        function Get-GatewaySnapshot([string] $Gateway) {
            Invoke-Gateway $Gateway @'
for f in /etc/wireguard/* /etc/sysctl.d/* /etc/systemd/system/wg-quick@*.service.d/*; do [ -f "$f" ] && sha256sum "$f"; done
dpkg-query -W -f '${Status}\n' wireguard-tools 2>/dev/null || echo 'wireguard-tools absent'
ip -o link show | awk '{ print $2 }'
iptables-save | sed -E '/^#/d; s/\[[0-9]+:[0-9]+\]//'
nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
sysctl net.ipv4.ip_forward
'@
        }

        # An apply that the firewall stops: its error, and the commands it names, one each.
        function Get-Blocker([object] $Interface) {
            $errors = $null
            $result = $Interface | Set-WgInterface @ssh @apply -ErrorVariable errors -ErrorAction SilentlyContinue
            [pscustomobject]@{
                Result   = $result
                Error    = $errors[0]
                Commands = @(($errors[0].Exception.Message -split 'Run on the gateway: ', 2)[1] -split '; ' | ForEach-Object Trim)
            }
        }

        function Test-LanToLan {
            (Test-Ping $hostAd.namespace $hostAe.lanAddress 3) -and (Test-Ping $hostAe.namespace $hostAd.lanAddress 3)
        }

        Install-WgLabFirewall -Gateway $gwAd.name -Firewall ufw | Should -Be 'Status: active'
        Install-WgLabFirewall -Gateway $gwAe.name -Firewall firewalld | Should -Be 'running'
        # LAN hosts reach the far LAN through their gateway (the seed's last step).
        $null = ip netns exec $hostAd.namespace ip route replace $siteAe.lanPrefix via $gwAd.lanAddress
        $null = ip netns exec $hostAe.namespace ip route replace $siteAd.lanPrefix via $gwAe.lanAddress
    }

    AfterAll {
        # Pester never runs a skipped block's AfterAll, and BeforeDiscovery's variables are gone by now.
        $null = ip netns exec $hostAd.namespace ip route del $siteAe.lanPrefix 2>$null
        $null = ip netns exec $hostAe.namespace ip route del $siteAd.lanPrefix 2>$null
        Remove-WgInterface -ComputerName $gwAd.name, $gwAe.name @ssh -Name wg16 -Confirm:$false -ErrorAction Continue | Out-Null
        foreach ($gateway in $gwAd.name, $gwAe.name) { Remove-WgLabFirewall -Gateway $gateway -ErrorAction Continue }
    }

    It 'the firewalls are as an admin sets them up: ufw with INPUT and FORWARD DROP, firewalld on nftables in zone public' {
        Invoke-Gateway $gwAd.name 'iptables -w -S FORWARD | head -n 1' | Should -Be '-P FORWARD DROP'
        Invoke-Gateway $gwAd.name 'iptables -w -S INPUT | head -n 1' | Should -Be '-P INPUT DROP'
        Invoke-Gateway $gwAe.name 'firewall-cmd --get-default-zone; sed -n "s/^FirewallBackend=//p" /etc/firewalld/firewalld.conf' | Should -Be @('public', 'nftables')
    }

    It 'ufw without rules for the tunnel: the apply stops before any change and names the ufw commands' {
        $before = Get-GatewaySnapshot $gwAd.name
        $blocked = Get-Blocker $ifAd
        @($blocked.Result | Where-Object { -not $_.Error }).Count | Should -Be 0 -Because 'the one result is a failure'
        $blocked.Error.FullyQualifiedErrorId | Should -BeLike 'WgAdmin.FirewallBlocksTunnel*'
        $blocked.Error.Exception.Message | Should -BeLike "$($gwAd.name): ufw is active*nothing was changed*"
        $blocked.Commands | Should -Be @('ufw allow 10100/udp', 'ufw route allow in on wg16', 'ufw route allow out on wg16')
        Get-GatewaySnapshot $gwAd.name | Should -Be $before
        Invoke-Gateway $gwAd.name 'dpkg-query -W -f "\${Status}" wireguard-tools 2>/dev/null || echo absent' | Should -Be 'absent' -Because 'not even WireGuard was installed'
    }

    It 'firewalld without rules for the tunnel: the apply stops before any change and names the firewall-cmd commands' {
        $before = Get-GatewaySnapshot $gwAe.name
        $blocked = Get-Blocker $ifAe
        @($blocked.Result | Where-Object { -not $_.Error }).Count | Should -Be 0 -Because 'the one result is a failure'
        $blocked.Error.FullyQualifiedErrorId | Should -BeLike 'WgAdmin.FirewallBlocksTunnel*'
        $blocked.Error.Exception.Message | Should -BeLike "$($gwAe.name): firewalld is running*nothing was changed*"
        $blocked.Commands | Should -Contain 'firewall-cmd --permanent --zone=public --add-interface=wg16'
        $blocked.Commands | Should -Contain 'firewall-cmd --permanent --zone=public --add-port=10100/udp'
        $blocked.Commands[-1] | Should -Be 'firewall-cmd --reload'
        Get-GatewaySnapshot $gwAe.name | Should -Be $before
    }

    It 'with the commands it named run, the apply goes through and LAN hosts reach each other both ways' {
        foreach ($pair in @(@($gwAd.name, $ifAd), @($gwAe.name, $ifAe))) {
            foreach ($command in (Get-Blocker $pair[1]).Commands) { $null = Invoke-Gateway $pair[0] $command }
        }
        $results = @($interfaces | Set-WgInterface @ssh @apply)
        $results.Count | Should -Be 2
        $results | ForEach-Object { $_.Error | Should -BeNullOrEmpty }
        Wait-Until { Test-Ping $hostAd.namespace $hostAe.lanAddress 1 } -TimeoutSec 30 -What 'the first ping from LAN ad to LAN ae'
        Test-LanToLan | Should -BeTrue
        # The port and the forwarding are open in the firewalls' own terms, where their owner sees them.
        Invoke-Gateway $gwAd.name 'ufw status | grep -c "^10100/udp .*ALLOW"' | Should -BeGreaterThan 0
        Invoke-Gateway $gwAe.name 'firewall-cmd --query-port=10100/udp; firewall-cmd --permanent --query-port=10100/udp; firewall-cmd --get-zone-of-interface=wg16' | Should -Be @('yes', 'yes', 'public')
        # ufw's FORWARD DROP made WgAdmin pick iptables, its chain jumped to first.
        Invoke-Gateway $gwAd.name 'iptables -w -S FORWARD | grep -c -x -F -- "-A FORWARD -j WGADMIN-FWD-wg16"' | Should -Be '1'
        Invoke-Gateway $gwAe.name 'nft list table inet wgadmin_wg16 >/dev/null && echo present' | Should -Be 'present'
        # An apply again finds nothing in its way.
        @($interfaces | Set-WgInterface @ssh @apply) | ForEach-Object { $_.Error | Should -BeNullOrEmpty }
    }

    It 'ufw reload and firewall-cmd --reload leave the tunnel and WgAdmin''s rules in place' {
        Invoke-Gateway $gwAd.name 'ufw reload' | Should -Match 'reloaded'
        Invoke-Gateway $gwAe.name 'firewall-cmd --reload' | Should -Be 'success'
        Test-LanToLan | Should -BeTrue
        Invoke-Gateway $gwAd.name 'iptables -w -S FORWARD | grep -c -x -F -- "-A FORWARD -j WGADMIN-FWD-wg16"; iptables -w -t nat -S POSTROUTING | grep -c WGADMIN' | Should -Be @('1', '1')
        Invoke-Gateway $gwAe.name 'nft list table inet wgadmin_wg16 >/dev/null && echo present' | Should -Be 'present'
    }

    It 'a reboot of <Gateway> brings the firewall and the tunnel back, LAN to LAN both ways' -ForEach @(
        @{ Gateway = 'gw-ad'; Check = 'ufw status | head -n 1'; Expect = 'Status: active' }
        @{ Gateway = 'gw-ae'; Check = 'firewall-cmd --state'; Expect = 'running' }
    ) {
        Restart-WgLabGateway -Name $Gateway -RecreateNamespace
        Invoke-Gateway $Gateway $Check | Should -Be $Expect
        Wait-Until { Test-Ping $hostAd.namespace $hostAe.lanAddress 1 } -TimeoutSec 60 -What "LAN ad to LAN ae after $Gateway's reboot"
        Test-LanToLan | Should -BeTrue
    }

    It 'Remove-WgInterface takes WgAdmin''s rules away and leaves the firewalls'' own' {
        $removed = @(Remove-WgInterface -ComputerName $gwAd.name, $gwAe.name @ssh -Name wg16 -Confirm:$false)
        $removed.Count | Should -Be 2
        Invoke-Gateway $gwAd.name 'iptables-save | grep -c WGADMIN || true' | Should -Be '0'
        Invoke-Gateway $gwAe.name 'nft list table inet wgadmin_wg16 >/dev/null 2>&1 && echo present || echo gone' | Should -Be 'gone'
        Invoke-Gateway $gwAd.name 'ufw show added | grep -c -x "ufw allow 10100/udp"' | Should -Be '1'
        Invoke-Gateway $gwAe.name 'firewall-cmd --permanent --query-port=10100/udp' | Should -Be 'yes'
    }
}

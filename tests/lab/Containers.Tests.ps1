#Requires -Version 7.4
# The seed's second scenario: the docker networks of two hosts joined by a tunnel. Sites n and o
# of the shared 20-gateway lab, interface wg4, port 10089 (docs/lab.md, "Who uses which site").
# gw-n gets 172.17.0.0/16 and gw-o 172.18.0.0/16, each a bridge docker0 with two container
# namespaces; gw-o also gets Docker's iptables FORWARD policy DROP. Runs inside the ops namespace.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Container networks joined by a tunnel' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:siteN = $lab.sites | Where-Object name -EQ 'n'
        $script:siteO = $lab.sites | Where-Object name -EQ 'o'
        $script:gwN = $lab.hosts | Where-Object name -EQ $siteN.gateway
        $script:gwO = $lab.hosts | Where-Object name -EQ $siteO.gateway
        $script:port = 10089
        $script:tunnel = '10.0.4.0/24'

        # The TTL of every reply a ping got.
        function Get-ReplyTtl([string] $Namespace, [string] $Target, [int] $Count = 3) {
            $output = ip netns exec $Namespace ping -c $Count -W 2 -i 0.3 $Target 2>&1
            @($output | Select-String 'bytes from .* ttl=(\d+)' | ForEach-Object { [int]$_.Matches[0].Groups[1].Value })
        }

        # What an apply could change on a gateway, less what moves by itself (handshakes, counters,
        # a new bridge's operstate).
        function Get-GatewaySnapshot([string] $Gateway) {
            Invoke-Gateway $Gateway @"
for f in /etc/wireguard/* /etc/sysctl.d/* /etc/systemd/system/wg-quick@*.service.d/*; do [ -f "`$f" ] && sha256sum "`$f"; done
wg show all listen-port; wg show all peers; wg show all allowed-ips
ip -4 -o address show | awk '{ print `$2, `$4 }'; ip -4 route show table all
systemctl is-active wg-quick@wg4 || true
iptables-save | sed -E '/^#/d; s/\[[0-9]+:[0-9]+\]//'
nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'
sysctl net.ipv4.ip_forward
wc -l < $($gwN.commandLog)
"@
        }

        # Docker's filter rules on iptables (the nf_tables variant, as on Debian 12): FORWARD policy
        # DROP; containers may go out, and only replies (or published ports) come back in.
        $script:dockerRules = @'
iptables -w -N DOCKER
iptables -w -N DOCKER-USER
iptables -w -A DOCKER-USER -j RETURN
iptables -w -P FORWARD DROP
iptables -w -A FORWARD -j DOCKER-USER
iptables -w -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
iptables -w -A FORWARD -o docker0 -j DOCKER
iptables -w -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
iptables -w -A FORWARD -i docker0 -o docker0 -j ACCEPT
'@
        $script:containersN = @(Add-WgLabContainerNetwork -Gateway gw-n -Prefix 172.17.0.0/16 -Containers 2)
        $script:containersO = @(Add-WgLabContainerNetwork -Gateway gw-o -Prefix 172.18.0.0/16 -Containers 2)
        Invoke-Gateway gw-o $dockerRules
    }

    AfterAll {
        Remove-WgInterface -ComputerName gw-n, gw-o @ssh -Name wg4 -Confirm:$false -ErrorAction Continue | Out-Null
        Invoke-WgLabCommand -Machine gw-o -Command bash, -c, 'iptables -w -P FORWARD ACCEPT; iptables -w -F FORWARD; iptables -w -X DOCKER-USER 2>/dev/null; iptables -w -X DOCKER 2>/dev/null; true' -ErrorAction Continue
        Remove-WgLabContainerNetwork gw-n
        Remove-WgLabContainerNetwork gw-o
    }

    Context 'the lab''s container networks' {
        It 'builds a docker0 bridge and two containers inside each gateway, recorded in lab.json' {
            # (ForEach-Object: an array's own Address method hides member enumeration of Address)
            $containersN | ForEach-Object Address | Should -Be '172.17.0.2', '172.17.0.3'
            $containersO | ForEach-Object Address | Should -Be '172.18.0.2', '172.18.0.3'
            $containersN | ForEach-Object Namespace | Should -Be 'wgl-ctr-n1', 'wgl-ctr-n2'
            Invoke-Gateway gw-n 'ip -4 -br address show docker0' | Should -Match '^docker0\s+UP\s+172\.17\.0\.1/16'
            Invoke-Gateway gw-o 'ip -br link show master docker0 | wc -l' | Should -Be '2'
            ip netns exec wgl-ctr-o2 ip route show default | Should -Match '^default via 172\.18\.0\.1 dev eth0'
            Test-Ping wgl-ctr-n1 172.17.0.3 1 | Should -BeTrue -Because 'containers on one bridge reach each other'
            Test-Ping wgl-ctr-n1 172.18.0.2 1 | Should -BeFalse -Because 'there is no tunnel yet'
            $recorded = (Get-WgLab -OutputPath $env:WGADMIN_LAB_OUTPUT).containerNetworks
            ($recorded | Where-Object gateway -EQ 'gw-o').containers.namespace | Should -Be 'wgl-ctr-o1', 'wgl-ctr-o2'
            (ip link show) -match 'docker0|vethctr' | Should -BeNullOrEmpty -Because 'nothing of it is in the ops namespace'
            (nsenter --net=/run/wgadmin-lab/root-netns ip link show) -match 'docker0|vethctr' | Should -BeNullOrEmpty -Because 'nor in the root namespace'
        }
    }

    Context 'two hosts, two container networks, one tunnel' {
        It 'applies New-WgTopology with the container ranges as LAN prefixes; on Docker''s DROP host Auto takes iptables' {
            $script:sites = @(
                New-WgSite -Name docker-n -ComputerName gw-n -Endpoint "$($siteN.publicAddress):$port" -LanPrefix 172.17.0.0/16
                New-WgSite -Name docker-o -ComputerName gw-o -Endpoint "$($siteO.publicAddress):$port" -LanPrefix 172.18.0.0/16
            )
            $script:interfaces = @($sites | New-WgTopology -TunnelPrefix $tunnel -InterfaceName wg4)
            $interfaces.Count | Should -Be 2
            ($interfaces | Where-Object ComputerName -EQ 'gw-n').Peers[0].AllowedIPs | Should -Contain ([WgAdmin.Net.WgPrefix]'172.18.0.0/16')
            # gw-n forwards as Linux does by default; gw-o has Docker's FORWARD DROP, where only
            # WgAdmin's iptables chain (jumped to first) lets the tunnel in: the default backend,
            # Auto, must see that although iptables is the nf_tables variant. Neither NATs the tunnel.
            Invoke-Gateway gw-o 'iptables -V' | Should -Match 'nf_tables'
            $results = @(
                $interfaces | Where-Object ComputerName -EQ 'gw-n' | Set-WgInterface @ssh -InstallPackage -EnableForwarding
                $interfaces | Where-Object ComputerName -EQ 'gw-o' | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0
            )
            $results.Count | Should -Be 2
            $results | Where-Object Error | Should -BeNullOrEmpty
            Invoke-Gateway gw-o 'iptables -w -S FORWARD | sed -n 2p' | Should -Be '-A FORWARD -j WGADMIN-FWD-wg4'
            Invoke-Gateway gw-o 'iptables -w -S FORWARD | head -1' | Should -Be '-P FORWARD DROP'
        }

        It 'a container on gw-n pings a container on gw-o: replies arrive with ttl 62 (two hops), both ways' {
            $before = Get-WgInterface -ComputerName gw-n @ssh -Name wg4
            Wait-Until { Test-Ping wgl-ctr-n1 172.18.0.2 1 } -TimeoutSec 30 -What 'the first ping between the containers'
            $ttl = Get-ReplyTtl wgl-ctr-n1 172.18.0.2 5
            $ttl.Count | Should -Be 5
            $ttl | Sort-Object -Unique | Should -Be 62 -Because 'two routers (gw-n, gw-o) each take one from 64'
            $back = Get-ReplyTtl wgl-ctr-o2 172.17.0.3 3
            $back | Sort-Object -Unique | Should -Be 62
            $after = Get-WgInterface -ComputerName gw-n @ssh -Name wg4
            $after.Peers[0].Name | Should -Be 'docker-o'
            $after.Peers[0].LatestHandshake | Should -Not -BeNullOrEmpty
            $after.Peers[0].ReceivedBytes | Should -BeGreaterThan ($before.Peers[0].ReceivedBytes + 8 * 84)
            $after.Peers[0].SentBytes | Should -BeGreaterThan ($before.Peers[0].SentBytes + 8 * 84)
            # and the internet router knows neither container network: the packets took the tunnel
            $internet = $lab.hosts | Where-Object role -EQ 'internet'
            ip netns exec $internet.namespace ip route get 172.18.0.2 2>&1 | Out-String | Should -Not -Match 'via'
        }

        It 'NATs nothing for the tunnel: the far container sees the near container''s own address' {
            ip netns exec wgl-ctr-o1 iptables -w -A INPUT -s 172.17.0.2/32 -p icmp --icmp-type echo-request
            ip netns exec wgl-ctr-o1 iptables -w -A INPUT -s 10.0.4.0/24 -p icmp
            Test-Ping wgl-ctr-n1 172.18.0.2 4 | Should -BeTrue
            $counts = @(ip netns exec wgl-ctr-o1 iptables -w -L INPUT -n -v -x | Select-Object -Skip 2 | ForEach-Object { [int](-split $_)[0] })
            $counts | Should -Be 4, 0 -Because 'four echo requests came from 172.17.0.2, none from a tunnel address'
        }

        It 'with WgAdmin''s nftables table instead, Docker''s DROP wins (docs/remote.md), and Auto (iptables) fixes it again' {
            $gwOInterface = $interfaces | Where-Object ComputerName -EQ 'gw-o'
            $nft = $gwOInterface | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 -FirewallBackend Nftables
            $nft.Error | Should -BeNullOrEmpty
            Invoke-Gateway gw-o 'nft list table inet wgadmin_wg4 | grep -c accept' | Should -BeGreaterThan 0
            Invoke-Gateway gw-o 'iptables -w -S | grep -c WGADMIN || true' | Should -Be '0'
            Test-Ping wgl-ctr-n1 172.18.0.2 3 | Should -BeFalse -Because 'an accept in another table does not override the DROP policy of iptables-nft''s FORWARD'
            $back = $gwOInterface | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0
            $back.Error | Should -BeNullOrEmpty
            Invoke-Gateway gw-o 'nft list table inet wgadmin_wg4 >/dev/null 2>&1 && echo present || echo gone' | Should -Be 'gone'
            Invoke-Gateway gw-o 'iptables -w -S FORWARD | sed -n 2p' | Should -Be '-A FORWARD -j WGADMIN-FWD-wg4'
            Wait-Until { Test-Ping wgl-ctr-n1 172.18.0.2 1 } -TimeoutSec 15 -What 'the containers after going back to iptables'
        }
    }

    Context 'the seed''s docker lesson: the same range on both hosts' {
        It 'is refused by New-WgTopology with WgAdmin.LanOverlap and a free range, before anything changes on either gateway' {
            # gw-o's Docker came up with the default network too.
            Remove-WgLabContainerNetwork gw-o
            @(ip netns list) -match 'wgl-ctr-o' | Should -BeNullOrEmpty
            Invoke-Gateway gw-o 'ip link show docker0 >/dev/null 2>&1 && echo present || echo gone' | Should -Be 'gone'
            $same = @(Add-WgLabContainerNetwork -Gateway gw-o -Prefix 172.17.0.0/16 -Containers 1)
            $same[0].Address | Should -Be '172.17.0.2'
            $beforeN = Get-GatewaySnapshot gw-n
            $beforeO = Get-GatewaySnapshot gw-o

            $sites = @(
                New-WgSite -Name docker-n -ComputerName gw-n -Endpoint "$($siteN.publicAddress):$port" -LanPrefix 172.17.0.0/16
                New-WgSite -Name docker-o -ComputerName gw-o -Endpoint "$($siteO.publicAddress):$port" -LanPrefix 172.17.0.0/16
            )
            $applied = $sites | New-WgTopology -TunnelPrefix $tunnel -InterfaceName wg4 -ErrorVariable refused -ErrorAction SilentlyContinue |
                Set-WgInterface @ssh -InstallPackage -EnableForwarding
            $applied | Should -BeNullOrEmpty
            @($refused).Count | Should -Be 1
            $refused[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.LanOverlap,WgAdmin.Commands.NewWgTopologyCommand'
            $message = "$($refused[0])"
            $message | Should -Match "'172\.17\.0\.0/16' of site 'docker-n' overlaps .*'172\.17\.0\.0/16' of site 'docker-o'"
            $message | Should -Match "for example 'docker-o' to '(\d+\.\d+\.\d+\.\d+/16)'"
            $proposal = [WgAdmin.Net.WgPrefix]([regex]::Match($message, "to '([^']+/16)'").Groups[1].Value)
            $proposal.Overlaps([WgAdmin.Net.WgPrefix]'172.17.0.0/16') | Should -BeFalse
            $proposal.Overlaps([WgAdmin.Net.WgPrefix]$tunnel) | Should -BeFalse

            foreach ($check in @{ Gateway = 'gw-n'; Before = $beforeN }, @{ Gateway = 'gw-o'; Before = $beforeO }) {
                $now = Get-GatewaySnapshot $check.Gateway
                $now.Count | Should -Be $check.Before.Count
                Compare-Object $check.Before $now -SyncWindow 0 | Out-String | Should -BeNullOrEmpty -Because "nothing may change on $($check.Gateway)"
            }
            # The snapshot ends with the command log's length: no SSH command reached either gateway.
            (Get-WgInterface -ComputerName gw-n @ssh -Name wg4).Peers[0].AllowedIPs | Should -Contain '172.18.0.0/16'
        }
    }
}

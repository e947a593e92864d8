#Requires -Version 7.4
# Test-WgTunnel against real gateways: sites j and k of the shared lab, interface wg2, port 10087
# (docs/lab.md, "Who uses which site"). A healthy tunnel passes every check; then each thing is
# broken in turn (peer stopped, UDP dropped at the NAT router, route removed, forwarding off,
# wrong peer key) and the specific reason is asserted, and the tunnel is restored after each.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Test-WgTunnel on the lab gateways' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:siteJ = $lab.sites | Where-Object name -EQ 'j'
        $script:siteK = $lab.sites | Where-Object name -EQ 'k'
        $script:gwJ = $lab.hosts | Where-Object name -EQ $siteJ.gateway
        $script:gwK = $lab.hosts | Where-Object name -EQ $siteK.gateway
        $script:hostJ = $lab.hosts | Where-Object name -EQ $siteJ.lanHosts[0]
        $script:hostK = $lab.hosts | Where-Object name -EQ $siteK.lanHosts[0]
        $script:natJ = $lab.hosts | Where-Object name -EQ $siteJ.nat
        $script:natK = $lab.hosts | Where-Object name -EQ $siteK.nat
        $script:endpointK = "$($siteK.publicAddress):10087"

        # Waits until the tunnel from gw-j passes again, after a break was undone.
        function Wait-Healthy([string] $What) {
            Wait-Until { Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -Target $hostK.lanAddress -Count 1 -Quiet } -TimeoutSec 60 -What $What
        }

        # Both sites as an admin describes them; keys made here, so a wrong key can be swapped in.
        $script:keysJ = New-WgKeyPair
        $script:keysK = New-WgKeyPair
        $script:sites = @(
            $keysJ | New-WgSite -Name site-j -ComputerName $gwJ.name -Endpoint "$($siteJ.publicAddress):10087" -LanPrefix $siteJ.lanPrefix
            $keysK | New-WgSite -Name site-k -ComputerName $gwK.name -Endpoint $endpointK -LanPrefix $siteK.lanPrefix
        )
        $script:interfaces = @($sites | New-WgTopology -TunnelPrefix 10.0.2.0/24 -InterfaceName wg2)
        $script:ifJ = $interfaces | Where-Object ComputerName -EQ $gwJ.name
        $script:tunnelK = $interfaces | Where-Object ComputerName -EQ $gwK.name | ForEach-Object { $_.Address[0].Address.ToString() }

        # LAN hosts reach the far LAN through their gateway (the seed's last step).
        $null = ip netns exec $hostJ.namespace ip route replace $siteK.lanPrefix via $gwJ.lanAddress
        $null = ip netns exec $hostK.namespace ip route replace $siteJ.lanPrefix via $gwK.lanAddress
    }

    AfterAll {
        # Pester never runs a skipped block's AfterAll, and BeforeDiscovery's variables are gone by now.
        $null = ip netns exec $natK.namespace iptables -w -D FORWARD -p udp --dport 10087 -j DROP 2>$null
        $null = ip netns exec $hostJ.namespace ip route del $siteK.lanPrefix 2>$null
        $null = ip netns exec $hostK.namespace ip route del $siteJ.lanPrefix 2>$null
        Remove-WgInterface -ComputerName $gwJ.name, $gwK.name @ssh -Name wg2 -Confirm:$false -ErrorAction Continue | Out-Null
    }

    Context 'a healthy tunnel' {
        It 'passes at the end of New-WgTopology | Set-WgInterface | Test-WgTunnel, one result per peer' {
            $results = @($interfaces | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0 | Test-WgTunnel @ssh)
            $results.Count | Should -Be 2
            ($results.ComputerName | Sort-Object) | Should -Be @($gwJ.name, $gwK.name)
            foreach ($result in $results) {
                $result | Should -BeOfType ([WgAdmin.Remote.WgTunnelTestResult])
                $result.Reasons | Should -BeNullOrEmpty
                $result.Passed | Should -BeTrue
                $result.Kind | Should -Be 'Peer'
                $result.InterfaceName | Should -Be 'wg2'
                $result.PingsReceived | Should -Be 3
                $result.LossPercent | Should -Be 0
                $result.RttAvgMs | Should -BeGreaterThan 0
                $result.HandshakeAgeSeconds | Should -BeLessOrEqual 180
                $result.ReceivedBytesDelta | Should -BeGreaterThan 0
                $result.PathMtu | Should -Be $result.InterfaceMtu
            }
            $toK = $results | Where-Object ComputerName -EQ $gwJ.name
            $toK.Peer | Should -Be 'site-k'
            $toK.Address | Should -Be $tunnelK
            $toK.Endpoint | Should -Be $endpointK
            $toK.Routes | Should -Be @("$($siteK.lanPrefix) dev wg2")
            # The same path a LAN host takes: a pass means packets really cross.
            Test-Ping $hostJ.namespace $hostK.lanAddress 3 | Should -BeTrue
        }

        It 'pings a far LAN host from the gateway''s LAN address, and takes WgInterface objects with ComputerName' {
            $results = @($ifJ | Test-WgTunnel @ssh -Target $hostK.lanAddress)
            $results.Count | Should -Be 2
            $target = $results | Where-Object Kind -EQ 'Target'
            $target.Passed | Should -BeTrue -Because ($target.Reasons -join '; ')
            $target.Address | Should -Be $hostK.lanAddress
            $target.Source | Should -Be $gwJ.lanAddress
            $target.Peer | Should -Be 'site-k'
            $target.PingsReceived | Should -Be 3
            $target.Routes | Should -Be @("$($hostK.lanAddress) dev wg2")
            ($results | Where-Object Kind -EQ 'Peer').Passed | Should -BeTrue
        }

        It 'tests over a kept session too, twice on one connection' {
            $session = New-WgSession -ComputerName $gwJ.name @ssh
            try {
                $first = Test-WgTunnel -Session $session -Name wg2
                $second = Test-WgTunnel -Session $session -Name wg2
                $first.Passed | Should -BeTrue
                $second.Passed | Should -BeTrue
                $second.ComputerName | Should -Be $gwJ.name
                $session.State | Should -Be 'Opened'
            }
            finally {
                Remove-WgSession $session
            }
        }

        It '-Quiet gives one $true' {
            $quiet = @(Test-WgTunnel -ComputerName $gwJ.name, $gwK.name @ssh -Name wg2 -Quiet)
            $quiet.Count | Should -Be 1
            $quiet[0] | Should -BeOfType ([bool])
            $quiet[0] | Should -BeTrue
        }

        It 'converts to plain JSON and back' {
            $result = Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -Target $hostK.lanAddress
            $json = $result | ConvertTo-Json -Depth 4
            $json | Should -Not -Match 'PrivateKey|PresharedKey'
            $back = @($json | ConvertFrom-Json -DateKind String)
            $back.Count | Should -Be 2
            $back[0].Passed | Should -BeOfType ([bool])
            $back[0].Passed | Should -BeTrue
            $back[0].Peer | Should -Be 'site-k'
            $back[0].RttAvgMs | Should -Be $result[0].RttAvgMs
            $back[0].LatestHandshake | Should -Match '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$'
            $json | Should -Match '"Reasons": \[\]'
            $back[1].Address | Should -Be $hostK.lanAddress
            # Every value is a string, number, boolean, null or an array of strings: no model objects.
            foreach ($property in $back[0].PSObject.Properties) {
                if ($null -ne $property.Value -and $property.Value -isnot [array]) {
                    $property.Value.GetType().Name | Should -BeIn @('String', 'Int64', 'Int32', 'Double', 'Decimal', 'Boolean') -Because $property.Name
                }
            }
        }
    }

    Context 'what reaches the gateway' {
        It 'is one fixed command per test, with no key on any command line' {
            $before = @(Invoke-Gateway $gwJ.name "cat $($gwJ.commandLog)").Count
            $null = Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -Target $hostK.lanAddress
            $lines = @(Invoke-Gateway $gwJ.name "cat $($gwJ.commandLog)")
            $new = @($lines | Select-Object -Skip $before)
            $new.Count | Should -Be 1
            $new[0] | Should -Match ([regex]::Escape('exec bash -s') + '; else exec sudo -n bash -s; fi$')
            ($lines -join "`n").Contains($keysJ.PrivateKey.Reveal()) | Should -BeFalse
        }
    }

    Context 'broken in turn, each with its own reason' {
        It 'names the stopped peer: no handshake, no answer; the far gateway says its service is not running' {
            Invoke-Gateway $gwK.name 'systemctl stop wg-quick@wg2'
            try {
                Start-Sleep -Seconds 6
                $result = Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -MaxHandshakeAge 00:00:05
                $result.Passed | Should -BeFalse
                $result.Reasons | Should -Contain "0 of 3 pings to $tunnelK answered"
                ($result.Reasons -join "`n") | Should -Match "no handshake for \d+ seconds with site-k \(endpoint $([regex]::Escape($endpointK))\)"
                $result.ReceivedBytesDelta | Should -Be 0
                $far = Test-WgTunnel -ComputerName $gwK.name @ssh -Name wg2
                $far.Passed | Should -BeFalse
                $far.Reasons | Should -Contain 'wg2 does not exist'
                $far.Reasons | Should -Contain 'wg-quick@wg2 is not running (is-active: inactive)'
                $far.Peer | Should -Be 'site-j' -Because 'peers come from the config file when the interface is gone'
                Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -Quiet | Should -BeFalse
            }
            finally {
                Invoke-Gateway $gwK.name 'systemctl start wg-quick@wg2'
            }
            Wait-Healthy 'the tunnel after the peer started again'
        }

        It 'names a missing handshake when the NAT router drops the UDP port' {
            ip netns exec $natK.namespace iptables -w -I FORWARD -p udp --dport 10087 -j DROP
            try {
                Start-Sleep -Seconds 6
                $result = Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -MaxHandshakeAge 00:00:05
                $result.Passed | Should -BeFalse
                ($result.Reasons -join "`n") | Should -Match "no handshake for \d+ seconds with site-k \(endpoint $([regex]::Escape($endpointK))\)"
                $result.Reasons | Should -Contain "0 of 3 pings to $tunnelK answered"
                ($result.Reasons -join "`n") | Should -Match 'nothing received from site-k during the probe \(\d+ bytes sent\)'
                $result.Reasons | Should -Not -Contain 'wg2 does not exist'
            }
            finally {
                ip netns exec $natK.namespace iptables -w -D FORWARD -p udp --dport 10087 -j DROP
            }
            Wait-Healthy 'the tunnel after the NAT router let UDP through again'
        }

        It 'names a route to the far LAN that leaves through the wrong interface' {
            Invoke-Gateway $gwJ.name "ip route del $($siteK.lanPrefix) dev wg2"
            try {
                $results = @(Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -Target $hostK.lanAddress)
                $peer = $results | Where-Object Kind -EQ 'Peer'
                $target = $results | Where-Object Kind -EQ 'Target'
                $via = "it leaves through eth0 via $($natJ.lanAddress)"
                $peer.Reasons | Should -Contain "no route to $($siteK.lanPrefix) through wg2 ($via)"
                $peer.Routes | Should -Be @("$($siteK.lanPrefix) dev eth0 via $($natJ.lanAddress)")
                $target.Reasons | Should -Contain "no route to $($hostK.lanAddress) through wg2 ($via)"
                $target.Reasons | Should -Contain "0 of 3 pings from $($gwJ.lanAddress) to $($hostK.lanAddress) answered"
                $peer.PingsReceived | Should -Be 3 -Because 'the tunnel addresses still answer: only the LAN route is gone'
            }
            finally {
                Invoke-Gateway $gwJ.name "ip route replace $($siteK.lanPrefix) dev wg2"
            }
            Wait-Healthy 'the tunnel after the route came back'
        }

        It 'names forwarding that is off' {
            Invoke-Gateway $gwK.name 'echo 0 > /proc/sys/net/ipv4/ip_forward'
            try {
                $far = @(Test-WgTunnel -ComputerName $gwK.name @ssh -Name wg2)
                $far.Reasons | Should -Contain 'forwarding is off (net.ipv4.ip_forward = 0)'
                $far.Passed | Should -BeFalse
                $results = @(Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -Target $hostK.lanAddress)
                ($results | Where-Object Kind -EQ 'Target').Reasons | Should -Contain "0 of 3 pings from $($gwJ.lanAddress) to $($hostK.lanAddress) answered" -Because 'gw-k no longer forwards into its LAN'
            }
            finally {
                Invoke-Gateway $gwK.name 'echo 1 > /proc/sys/net/ipv4/ip_forward'
            }
            Wait-Healthy 'the tunnel after forwarding came back'
        }

        It 'names the NAT rules WgAdmin manages when they are gone' {
            Invoke-Gateway $gwJ.name '/etc/wireguard/wgadmin/wg2-nat down'
            try {
                $result = Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2
                $result.Reasons | Should -Contain 'NAT rules for wg2 missing (/etc/wireguard/wgadmin/wg2-nat check failed)'
            }
            finally {
                Invoke-Gateway $gwJ.name '/etc/wireguard/wgadmin/wg2-nat up'
            }
            Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2 -Quiet | Should -BeTrue
        }

        It 'names a peer with the wrong key: never a handshake' {
            $wrong = $ifJ.Clone()
            $wrong.Peers[0].PublicKey = (New-WgKeyPair).PublicKey
            $applied = $wrong | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0
            $applied.Error | Should -BeNullOrEmpty
            try {
                $result = Test-WgTunnel -ComputerName $gwJ.name @ssh -Name wg2
                $result.Passed | Should -BeFalse
                $result.PublicKey | Should -Be $wrong.Peers[0].PublicKey.ToString()
                $result.Peer | Should -Be 'site-k'
                $result.Reasons | Should -Contain "no handshake yet with site-k (endpoint $endpointK)"
                $result.Reasons | Should -Contain "0 of 3 pings to $tunnelK answered"
            }
            finally {
                $ifJ | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 | Out-Null
            }
            Wait-Healthy 'the tunnel with the right key again'
        }
    }
}

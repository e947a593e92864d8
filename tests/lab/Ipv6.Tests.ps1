#Requires -Version 7.4
# A dual-stack site-to-site on real gateways: sites af and ag of the shared lab, interface wg17,
# port 10101 (docs/lab.md, "Who uses which site"). Add-WgLabIpv6 gives the two sites IPv6 as a
# cloud does (a globally routed gateway address, IPv4 still behind the 1:1 NAT) and a LAN /64
# each; the tunnel has IPv4 and IPv6 addresses and its WireGuard UDP goes over the IPv6 WAN. LAN
# host to LAN host answers over both families, Test-WgTunnel pings both tunnel addresses and both
# far LAN hosts, and with only IPv6 broken (the far gateway's IPv6 forwarding off) it names the
# IPv6 target while IPv4 passes. Also: SSH to a gateway by its IPv6 address, Set-WgNat
# -Masquerade taking IPv6 in from the interface's addresses, and the warning for an endpoint
# inside its own AllowedIPs.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'A dual-stack site-to-site on the lab gateways' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:v6 = @(Add-WgLabIpv6 -Site af, ag)
        $script:f6 = $v6 | Where-Object Site -EQ 'af'
        $script:g6 = $v6 | Where-Object Site -EQ 'ag'
        $script:siteF = $lab.sites | Where-Object name -EQ 'af'
        $script:siteG = $lab.sites | Where-Object name -EQ 'ag'
        $script:gwF = $lab.hosts | Where-Object name -EQ $siteF.gateway
        $script:gwG = $lab.hosts | Where-Object name -EQ $siteG.gateway
        $script:hostF = $lab.hosts | Where-Object name -EQ $siteF.lanHosts[0]
        $script:hostG = $lab.hosts | Where-Object name -EQ $siteG.lanHosts[0]
        $script:hostF6 = $f6.LanHosts[0].Address
        $script:hostG6 = $g6.LanHosts[0].Address
        $script:endpointF = "[$($f6.WanAddress)]:10101"
        $script:endpointG = "[$($g6.WanAddress)]:10101"

        $script:keysF = New-WgKeyPair
        $keysG = New-WgKeyPair
        $peerG = New-WgPeer -Name site-ag -PublicKey $keysG.PublicKey -Endpoint $endpointG -PersistentKeepalive 25 `
            -AllowedIPs 10.0.17.2/32, 2001:db8:17::2/128, $siteG.lanPrefix, $g6.LanPrefix
        $peerF = New-WgPeer -Name site-af -PublicKey $keysF.PublicKey -Endpoint $endpointF -PersistentKeepalive 25 `
            -AllowedIPs 10.0.17.1/32, 2001:db8:17::1/128, $siteF.lanPrefix, $f6.LanPrefix
        $script:interfaces = @(
            $keysF | New-WgInterface -Name wg17 -ComputerName $gwF.name -ListenPort 10101 -Address 10.0.17.1/24, 2001:db8:17::1/64 -Peer $peerG
            $keysG | New-WgInterface -Name wg17 -ComputerName $gwG.name -ListenPort 10101 -Address 10.0.17.2/24, 2001:db8:17::2/64 -Peer $peerF
        )

        # LAN hosts reach the far LAN through their gateway, in both families.
        $null = ip netns exec $hostF.namespace ip route replace $siteG.lanPrefix via $gwF.lanAddress
        $null = ip netns exec $hostG.namespace ip route replace $siteF.lanPrefix via $gwG.lanAddress
        $null = ip netns exec $hostF.namespace ip -6 route replace $g6.LanPrefix via $f6.LanGateway
        $null = ip netns exec $hostG.namespace ip -6 route replace $f6.LanPrefix via $g6.LanGateway
    }

    AfterAll {
        # Pester never runs a skipped block's AfterAll, and BeforeDiscovery's variables are gone by now.
        # A BeforeAll that failed in Add-WgLabIpv6 set none of these: Remove-WgLabIpv6 must still run.
        if ($gwF -and $gwG) { Remove-WgInterface -ComputerName $gwF.name, $gwG.name @ssh -Name wg17 -Confirm:$false -ErrorAction Continue | Out-Null }
        if ($hostF -and $hostG) {
            $null = ip netns exec $hostF.namespace ip route del $siteG.lanPrefix 2>$null
            $null = ip netns exec $hostG.namespace ip route del $siteF.lanPrefix 2>$null
        }
        Remove-WgLabIpv6 -Site af, ag
    }

    It 'gives the gateways a routed IPv6 address that ops and the far gateway reach' {
        Test-Ping $lab.hosts.Where({ $_.role -eq 'ops' })[0].namespace $f6.WanAddress | Should -BeTrue
        $null = ip netns exec $gwG.namespace ping -c 2 -W 2 -q $f6.WanAddress 2>&1
        $LASTEXITCODE | Should -Be 0
    }

    It 'applies, and both tunnel addresses and both far LAN hosts answer Test-WgTunnel over the IPv6 WAN' {
        $applied = @($interfaces | Set-WgInterface @ssh -InstallPackage -EnableForwarding)
        $applied.Count | Should -Be 2
        Invoke-Gateway $gwF.name 'cat /proc/sys/net/ipv6/conf/all/forwarding' | Should -Be '1'

        $results = @(Test-WgTunnel -ComputerName $gwF.name @ssh -Name wg17 -Target $hostG.lanAddress, $hostG6)
        ($results | ForEach-Object { "$($_.Kind) $($_.Address) $($_.Passed) $($_.Reasons -join '; ')" }) | Should -Be @(
            'Peer 10.0.17.2 True '
            'Peer 2001:db8:17::2 True '
            "Target $($hostG.lanAddress) True "
            "Target $hostG6 True "
        )
        $results | ForEach-Object { $_.Endpoint | Should -Be $endpointG }
        $results[1].PingsReceived | Should -Be 3
        $results[3].Source | Should -Be $f6.LanGateway

        # The WireGuard UDP goes over IPv6: the far gateway sees this one's v6 WAN address as its endpoint.
        Invoke-Gateway $gwG.name 'wg show wg17 endpoints' | Should -Match ([regex]::Escape("[$($f6.WanAddress)]:10101"))
    }

    It 'reaches a gateway over SSH by its IPv6 address, bare and bracketed, as the OpenSSH client does' {
        # An ssh_config and known_hosts of the v6 address alone: nothing falls back to the IPv4 alias.
        $knownHosts = Join-Path $TestDrive 'known_hosts6'
        Get-Content $lab.knownHosts | Where-Object { $_ -like "$($gwF.name),*" } |
            ForEach-Object { "$($f6.WanAddress) $(($_ -split ' ', 2)[1])" } | Set-Content $knownHosts
        $config = Join-Path $TestDrive 'ssh_config6'
        Set-Content $config @(
            "Host $($f6.WanAddress)", '    User root', "    IdentityFile $($lab.keyFile)", '    IdentitiesOnly yes',
            "    UserKnownHostsFile $knownHosts", '    StrictHostKeyChecking yes', '    BatchMode yes', '    ConnectTimeout 5')
        $oracle = ssh -F $config $f6.WanAddress 'hostname' 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "$oracle"
        $expected = Invoke-Gateway $gwF.name 'hostname'
        "$oracle".Trim() | Should -Be $expected
        foreach ($name in $f6.WanAddress, "[$($f6.WanAddress)]:22") {
            $session = New-WgSession -ComputerName $name -SshConfigPath $config
            try {
                ($session.Host, $session.Port, $session.State) | Should -Be @($f6.WanAddress, 22, 'Opened')
                $status = Get-WgInterface -Session $session -Name wg17
                $status.ComputerName | Should -Be $name
                @($status.Peers).Count | Should -Be 1
            }
            finally {
                $session | Remove-WgSession
            }
            (Get-WgInterface -ComputerName $name -SshConfigPath $config -Name wg17).ListenPort | Should -Be 10101
        }
    }

    It 'carries LAN host to LAN host over IPv6 and IPv4, both ways' {
        Test-Ping $hostF.namespace $hostG6 | Should -BeTrue
        Test-Ping $hostG.namespace $hostF6 | Should -BeTrue
        Test-Ping $hostF.namespace $hostG.lanAddress | Should -BeTrue
        Test-Ping $hostG.namespace $hostF.lanAddress | Should -BeTrue
    }

    It 'names the IPv6 target when only IPv6 is broken, while IPv4 passes' {
        $before = Invoke-Gateway $gwG.name 'cat /proc/sys/net/ipv6/conf/all/forwarding'
        try {
            $null = Invoke-Gateway $gwG.name 'sysctl -qw net.ipv6.conf.all.forwarding=0'
            $results = @(Test-WgTunnel -ComputerName $gwF.name @ssh -Name wg17 -Target $hostG.lanAddress, $hostG6)
            ($results | ForEach-Object { "$($_.Kind) $($_.Address) $($_.Passed)" }) | Should -Be @(
                'Peer 10.0.17.2 True', 'Peer 2001:db8:17::2 True', "Target $($hostG.lanAddress) True", "Target $hostG6 False")
            $results[3].Reasons | Should -Contain "0 of 3 pings from $($f6.LanGateway) to $hostG6 answered"
        }
        finally {
            $null = Invoke-Gateway $gwG.name "sysctl -qw net.ipv6.conf.all.forwarding=$before"
        }
    }

    It 'masquerades IPv6 too with Set-WgNat -Masquerade (the interface has v6 addresses): a LAN host with no route back still answers' {
        # host-ag1 forgets its route to af's LAN: only NAT to gw-ag's own address brings its replies home.
        $null = ip netns exec $hostG.namespace ip -6 route del $f6.LanPrefix 2>&1
        try {
            Test-Ping $hostF.namespace $hostG6 | Should -BeFalse -Because 'without NAT the reply has no way back'
            $applied = @(Set-WgNat -ComputerName $gwG.name @ssh -Name wg17 -Masquerade eth0 -FirewallBackend Iptables -Confirm:$false)
            $applied.Count | Should -Be 1
            $applied[0].Error | Should -BeNullOrEmpty
            Test-Ping $hostF.namespace $hostG6 | Should -BeTrue
            Test-Ping $hostF.namespace $hostG.lanAddress | Should -BeTrue
            # No -IPv6: the interface's v6 addresses ask for the ip6tables rules.
            Invoke-Gateway $gwG.name 'ip6tables -w -t nat -S WGADMIN-NAT-wg17' | Should -Contain '-A WGADMIN-NAT-wg17 -o eth0 -j MASQUERADE'
        }
        finally {
            $null = Set-WgNat -ComputerName $gwG.name @ssh -Name wg17 -Remove -Confirm:$false -ErrorAction Continue
            $null = ip netns exec $hostG.namespace ip -6 route replace $f6.LanPrefix via $g6.LanGateway
        }
        Test-Ping $hostF.namespace $hostG6 | Should -BeTrue
        Invoke-Gateway $gwG.name 'ip6tables -w -t nat -S' | Should -Not -Match 'WGADMIN-NAT-wg17'
    }

    It 'warns when the far end''s endpoint lies inside its own AllowedIPs, where the tunnel''s packets loop' {
        # What gw-ag learned before the lab gave the gateways a WAN source address: af's LAN address
        # as its endpoint. af's real packets are dropped meanwhile, or ag would roam straight back.
        $loopEndpoint = "[$($f6.LanGateway)]:10101"
        $drop = @('INPUT', '-s', $f6.WanAddress, '-p', 'udp', '--sport', '10101', '-j', 'DROP')
        try {
            $null = Invoke-Gateway $gwG.name "ip6tables -w -I $($drop -join ' ') && wg set wg17 peer $($keysF.PublicKey) endpoint '$loopEndpoint'"
            $results = @(Test-WgTunnel -ComputerName $gwG.name @ssh -Name wg17 -Count 2)
            $results.Count | Should -Be 2
            foreach ($row in $results) {
                $row.Endpoint | Should -Be $loopEndpoint
                $row.Passed | Should -BeFalse
                $row.Warnings | Should -Contain ("site-af's endpoint $loopEndpoint lies inside its AllowedIPs $($f6.LanPrefix): unless a more specific route keeps it off wg17, " +
                    "the tunnel's own packets to it loop back into wg17 (the far gateway sent from an address in that prefix; give it a source outside, such as its WAN address)")
            }
        }
        finally {
            $null = Invoke-Gateway $gwG.name "ip6tables -w -D $($drop -join ' '); wg set wg17 peer $($keysF.PublicKey) endpoint '$endpointF'"
        }
        Wait-Until { Test-Ping $hostG.namespace $hostF6 } -What 'the tunnel back once the endpoint is'
        $after = @(Test-WgTunnel -ComputerName $gwG.name @ssh -Name wg17 -Count 2)
        $after.Passed | Should -Not -Contain $false
        $after.Warnings | Should -Not -Match 'lies inside its AllowedIPs'
    }
}

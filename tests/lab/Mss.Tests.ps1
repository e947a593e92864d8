#Requires -Version 7.4
# MSS clamping (issue 13, item 3). Sites z and aa of the shared lab, interface wg13, port 10097
# (docs/lab.md). Two path MTU black holes, set up here and undone in AfterAll:
# - at the tunnel's entry: the LAN hosts drop ICMP "fragmentation needed" (type 3 code 4), so a
#   host sending full 1500-byte segments never learns that the tunnel (MTU 1420) is smaller; a
#   TCP transfer LAN to LAN stalls without clamping and completes with -ClampMss;
# - on the way between the sites: nat-z drops the tunnel's UDP packets above 1400 bytes, and ICMP
#   "fragmentation needed", so Test-WgTunnel measures a path below wg13's MTU and recommends
#   -ClampMss while clamping is off.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'MSS clamping through a path MTU black hole' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:name = 'wg13'
        $script:port = 10097
        $script:siteZ = $lab.sites | Where-Object name -EQ 'z'
        $script:siteAa = $lab.sites | Where-Object name -EQ 'aa'
        $script:gwZ = $lab.hosts | Where-Object name -EQ $siteZ.gateway
        $script:gwAa = $lab.hosts | Where-Object name -EQ $siteAa.gateway
        $script:hostZ = $lab.hosts | Where-Object name -EQ $siteZ.lanHosts[0]
        $script:hostAa = $lab.hosts | Where-Object name -EQ $siteAa.lanHosts[0]
        $script:natZ = $lab.hosts | Where-Object name -EQ $siteZ.nat
        $script:gateways = $gwZ.name, $gwAa.name

        $script:interfaces = @(
            New-WgSite -Name site-z -ComputerName $gwZ.name -Endpoint "$($siteZ.publicAddress):$port" -LanPrefix $siteZ.lanPrefix
            New-WgSite -Name site-aa -ComputerName $gwAa.name -Endpoint "$($siteAa.publicAddress):$port" -LanPrefix $siteAa.lanPrefix
        ) | New-WgTopology -TunnelPrefix 10.0.13.0/24 -InterfaceName $name

        $script:fragNeeded = '-p', 'icmp', '--icmp-type', 'fragmentation-needed', '-j', 'DROP'
        foreach ($h in $hostZ, $hostAa) { $null = ip netns exec $h.namespace iptables -w -I INPUT @fragNeeded }
        $null = ip netns exec $hostZ.namespace ip route replace $siteAa.lanPrefix via $gwZ.lanAddress
        $null = ip netns exec $hostAa.namespace ip route replace $siteZ.lanPrefix via $gwAa.lanAddress

        # The black hole between the sites: tunnel packets above 1400 bytes leave nat-z nowhere, and no ICMP says so.
        $script:bigTunnelPackets = '-o', 'wan0', '-p', 'udp', '--sport', "$port", '-m', 'length', '--length', '1401:65535', '-j', 'DROP'
        function Add-PathBlackHole {
            $null = ip netns exec $natZ.namespace iptables -w -I FORWARD @bigTunnelPackets
            $null = ip netns exec $natZ.namespace iptables -w -I FORWARD @fragNeeded
        }
        function Remove-PathBlackHole {
            $null = ip netns exec $natZ.namespace iptables -w -D FORWARD @bigTunnelPackets 2>$null
            $null = ip netns exec $natZ.namespace iptables -w -D FORWARD @fragNeeded 2>$null
        }

        # Sends $Bytes from host-z1 to host-aa1 over nc within $TimeoutSec; the bytes that arrived and the seconds it took.
        $script:work = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "wgadmin-mss-$PID")
        function Send-Transfer([int] $Bytes = 4000000, [int] $TimeoutSec = 15) {
            $sent = Join-Path $work sent; $received = Join-Path $work received
            Remove-Item $received -ErrorAction Ignore
            $null = bash -c "head -c $Bytes /dev/urandom > '$sent'"
            $script = @"
ip netns exec $($hostAa.namespace) timeout $($TimeoutSec + 5) nc -n -l 5097 > '$received' 2>/dev/null &
listener=`$!
for i in `$(seq 50); do ip netns exec $($hostAa.namespace) ss -ltn 'sport = :5097' | grep -q LISTEN && break; sleep 0.1; done
ip netns exec $($hostZ.namespace) timeout $TimeoutSec nc -N $($hostAa.lanAddress) 5097 < '$sent'
echo "sender=`$?"
kill `$listener 2>/dev/null; wait `$listener 2>/dev/null; true
"@
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $output = bash -c $script
            $clock.Stop()
            $got = if (Test-Path $received) { (Get-Item $received).Length } else { 0 }
            [pscustomobject]@{
                Sent = $Bytes; Received = $got; Seconds = $clock.Elapsed.TotalSeconds; Sender = "$output"
                Intact = $got -eq $Bytes -and (Get-FileHash $received).Hash -eq (Get-FileHash $sent).Hash
            }
        }
        function Get-ClampTrace([string] $Gateway) {
            Invoke-Gateway $Gateway "{ iptables-save -t mangle 2>/dev/null; nft list ruleset 2>/dev/null; } | grep -i 'TCPMSS\|maxseg\|WGADMIN-MSS' || true"
        }
    }

    AfterAll {
        # Pester never runs a skipped block's AfterAll, and BeforeDiscovery's variables are gone by now.
        Remove-PathBlackHole
        foreach ($h in $hostZ, $hostAa) { $null = ip netns exec $h.namespace iptables -w -D INPUT @fragNeeded 2>$null }
        $null = ip netns exec $hostZ.namespace ip route del $siteAa.lanPrefix 2>$null
        $null = ip netns exec $hostAa.namespace ip route del $siteZ.lanPrefix 2>$null
        Remove-WgInterface -ComputerName $gateways @ssh -Name $name -Confirm:$false -ErrorAction Continue | Out-Null
        Remove-Item -Recurse -Force $work -ErrorAction Ignore
    }

    It 'without -ClampMss: a small ping crosses, a TCP transfer stalls' {
        $results = @($interfaces | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0 -FirewallBackend Iptables)
        $results | Where-Object Error | ForEach-Object { "$($_.ComputerName): $($_.Error)" } | Should -BeNullOrEmpty
        foreach ($gateway in $gateways) { Get-ClampTrace $gateway | Should -BeNullOrEmpty }
        Wait-Until { Test-Ping $hostZ.namespace $hostAa.lanAddress 1 } -TimeoutSec 30 -What 'a ping LAN to LAN'
        $transfer = Send-Transfer
        $transfer.Intact | Should -BeFalse -Because "full-size segments die at wg13 and the host never hears why ($($transfer.Received) of $($transfer.Sent) bytes arrived)"
        $transfer.Received | Should -BeLessThan $transfer.Sent
        Test-Ping $hostZ.namespace $hostAa.lanAddress 2 | Should -BeTrue
    }

    It 'Test-WgTunnel, on a path below the interface''s MTU, recommends -ClampMss while clamping is off' {
        Add-PathBlackHole
        try {
            $result = @(Test-WgTunnel -ComputerName $gwZ.name @ssh -Name $name)[0]
        }
        finally { Remove-PathBlackHole }
        $result.PathMtu | Should -BeLessThan $result.InterfaceMtu
        $result.Warnings -join '; ' | Should -Match 'below wg13''s MTU 1420: .*\(set MTU = \d+, and Set-WgNat -ClampMss'
    }

    It 'with -ClampMss (iptables): the clamp rules are in mangle FORWARD both ways, and the transfer completes byte for byte' {
        $results = @($interfaces | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 -ClampMss -FirewallBackend Iptables)
        $results | Where-Object Error | ForEach-Object { "$($_.ComputerName): $($_.Error)" } | Should -BeNullOrEmpty
        foreach ($result in $results) { $result.Actions -join ', ' | Should -Match 'MSS clamped' }
        foreach ($gateway in $gateways) {
            $trace = Get-ClampTrace $gateway
            $trace | Should -Contain "-A FORWARD -j WGADMIN-MSS-$name"
            $trace | Should -Contain "-A WGADMIN-MSS-$name -o $name -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"
            $trace | Should -Contain "-A WGADMIN-MSS-$name -i $name -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu"
        }
        $transfer = Send-Transfer
        $transfer.Intact | Should -BeTrue -Because "$($transfer.Received) of $($transfer.Sent) bytes arrived ($($transfer.Sender))"
        Write-Host ("clamped transfer (iptables): {0} bytes in {1:n2} s" -f $transfer.Sent, $transfer.Seconds)
    }

    It 'a second apply with -ClampMss changes nothing' {
        $again = @($interfaces | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 -ClampMss -FirewallBackend Iptables)
        $again | Where-Object Error | Should -BeNullOrEmpty
        $again | Where-Object Changed | ForEach-Object { "$($_.ComputerName): $($_.Actions -join ', ')" } | Should -BeNullOrEmpty
    }

    It 'Test-WgTunnel does not recommend -ClampMss once clamping is on' {
        Add-PathBlackHole
        try {
            $result = @(Test-WgTunnel -ComputerName $gwZ.name @ssh -Name $name)[0]
        }
        finally { Remove-PathBlackHole }
        $result.PathMtu | Should -BeLessThan $result.InterfaceMtu
        $result.Warnings -join '; ' | Should -Match 'below wg13''s MTU 1420'
        $result.Warnings -join '; ' | Should -Not -Match 'ClampMss'
    }

    It 'with -ClampMss (nftables): the forward chain of mangle priority clamps, and the transfer completes; iptables keeps nothing' {
        $results = @($interfaces | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 -ClampMss -FirewallBackend Nftables -InstallPackage)
        $results | Where-Object Error | ForEach-Object { "$($_.ComputerName): $($_.Error)" } | Should -BeNullOrEmpty
        foreach ($gateway in $gateways) {
            $chain = Invoke-Gateway $gateway "nft list chain inet wgadmin_$name mss"
            $chain -join "`n" | Should -Match 'type filter hook forward priority mangle'
            @($chain | Select-String -SimpleMatch 'tcp option maxseg size set rt mtu').Count | Should -Be 2
            Invoke-Gateway $gateway "iptables-save -t mangle | grep -c WGADMIN-MSS || true" | Should -Be '0'
        }
        $transfer = Send-Transfer
        $transfer.Intact | Should -BeTrue -Because "$($transfer.Received) of $($transfer.Sent) bytes arrived ($($transfer.Sender))"
        Write-Host ("clamped transfer (nftables): {0} bytes in {1:n2} s" -f $transfer.Sent, $transfer.Seconds)
    }

    It 'Set-WgNat without -ClampMss takes the clamp away, and the transfer stalls again' {
        foreach ($gateway in $gateways) {
            $result = Set-WgNat -ComputerName $gateway @ssh -Name $name -Masquerade eth0 -FirewallBackend Nftables
            $result.Error | Should -BeNullOrEmpty
            Get-ClampTrace $gateway | Should -BeNullOrEmpty
        }
        (Send-Transfer -TimeoutSec 10).Intact | Should -BeFalse
    }

    It 'a failed change (-ConfirmTunnel with the far gateway down) is rolled back and leaves no clamp behind' {
        $before = Invoke-Gateway $gwZ.name "nft list table inet wgadmin_$name"
        Invoke-Gateway $gwAa.name "systemctl stop wg-quick@$name"
        try {
            $ifZ = $interfaces | Where-Object ComputerName -EQ $gwZ.name
            $result = $ifZ | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 -ClampMss -FirewallBackend Nftables -ConfirmTunnel -ConfirmWithin 00:00:12 -Confirm:$false -ErrorAction SilentlyContinue
        }
        finally { Invoke-Gateway $gwAa.name "systemctl start wg-quick@$name" }
        $result.RolledBack | Should -BeTrue -Because $result.Error
        Get-ClampTrace $gwZ.name | Should -BeNullOrEmpty
        Invoke-Gateway $gwZ.name "nft list table inet wgadmin_$name" | Should -Be $before
    }

    It 'the clamp comes back after a reboot, and Remove-WgInterface leaves none behind' {
        $null = $interfaces | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 -ClampMss -FirewallBackend Nftables
        $clamp = Get-ClampTrace $gwZ.name
        @($clamp).Count | Should -Be 2
        Restart-WgLabGateway $gwZ.name -RecreateNamespace
        Wait-Until { (Invoke-Gateway $gwZ.name "systemctl is-active wg-quick@$name || true") -eq 'active' } -TimeoutSec 60 -What "wg-quick@$name on gw-z after the reboot"
        Wait-Until { (Get-ClampTrace $gwZ.name).Count -eq 2 } -TimeoutSec 20 -What 'the clamp after the reboot'
        Get-ClampTrace $gwZ.name | Should -Be $clamp
        $null = ip netns exec $hostZ.namespace ip route replace $siteAa.lanPrefix via $gwZ.lanAddress
        Wait-Until { Test-Ping $hostZ.namespace $hostAa.lanAddress 1 } -TimeoutSec 30 -What 'a ping LAN to LAN after the reboot'
        (Send-Transfer).Intact | Should -BeTrue
        Remove-WgInterface -ComputerName $gateways @ssh -Name $name -Confirm:$false | Out-Null
        foreach ($gateway in $gateways) { Get-ClampTrace $gateway | Should -BeNullOrEmpty }
    }
}

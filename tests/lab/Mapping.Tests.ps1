#Requires -Version 7.4
# 1:1 prefix mapping of overlapping LANs (issue 14). Sites u, v, w of the shared 29-gateway lab,
# interface wg11, port 10095 (docs/lab.md). The sites' LANs are the lab's container networks:
# gw-u and gw-v each get the identical 192.168.1.0/24 (containers .2 and .3 on each, different
# hosts with the same addresses), gw-w 192.168.3.0/24; later gw-u and gw-v both get Docker's
# 172.17.0.0/16, gw-v with Docker's iptables FORWARD DROP. Runs inside the ops namespace.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Overlapping LANs joined by 1:1 prefix mapping' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:name = 'wg11'
        $script:port = 10095
        $script:tunnel = '10.0.11.0/24'
        $script:gateways = 'gw-u', 'gw-v', 'gw-w'
        $script:public = @{}
        foreach ($s in $lab.sites | Where-Object name -In 'u', 'v', 'w') { $public[$s.gateway] = $s.publicAddress }

        # The address a site's host has under the site's mapping (its own when the site is not mapped).
        function Get-Seen([object] $Topology, [string] $Site, [string] $Address) {
            $mapping = ($Topology.Sites | Where-Object Name -EQ $Site).Mappings | Where-Object { $_.Real.Contains([ipaddress]$Address) }
            if ($mapping) { "$($mapping.ToMapped([ipaddress]$Address))" } else { $Address }
        }
        # The sources of the echo requests a namespace received, counted by a rule per source.
        function Add-SourceCounter([string] $Namespace, [string[]] $Source) {
            foreach ($s in $Source) { ip netns exec $Namespace iptables -w -A INPUT -s "$s/32" -p icmp --icmp-type echo-request }
        }
        function Get-SourceCount([string] $Namespace) {
            @(ip netns exec $Namespace iptables -w -L INPUT -n -v -x | Select-Object -Skip 2 | ForEach-Object { , @((-split $_)[0, 6]) }) |
                ForEach-Object -Begin { $counts = @{} } -Process { $counts[$_[1]] = [int]$_[0] } -End { $counts }
        }
        function Get-ReplySource([string] $Namespace, [string] $Target, [int] $Count = 2) {
            @(ip netns exec $Namespace ping -c $Count -W 2 -i 0.3 $Target 2>&1 | Select-String 'bytes from ([0-9.]+):' | ForEach-Object { $_.Matches[0].Groups[1].Value })
        }
        # WgAdmin's mapping on a gateway: its rules (NETMAP lines, prefix NAT lines), files and drop-in.
        function Get-MappingTrace([string] $Gateway) {
            Invoke-Gateway $Gateway @"
echo "iptables `$(iptables-save -t nat 2>/dev/null | grep -c -- 'WGADMIN-MP' || true)"
echo "nft `$(nft list ruleset 2>/dev/null | grep -c 'wgadmin_map\| prefix to ' || true)"
ls /etc/wireguard/wgadmin/$name-map /etc/systemd/system/wg-quick@$name.service.d/60-wgadmin-map.conf 2>/dev/null || true
"@
        }

        $script:u = @(Add-WgLabContainerNetwork -Gateway gw-u -Prefix 192.168.1.0/24 -Containers 2)
        $script:v = @(Add-WgLabContainerNetwork -Gateway gw-v -Prefix 192.168.1.0/24 -Containers 2)
        $script:w = @(Add-WgLabContainerNetwork -Gateway gw-w -Prefix 192.168.3.0/24 -Containers 1)
        $script:sites = @(
            New-WgSite -Name office-u -ComputerName gw-u -Endpoint "$($public['gw-u']):$port" -LanPrefix 192.168.1.0/24 -LanAddress 192.168.1.1
            New-WgSite -Name office-v -ComputerName gw-v -Endpoint "$($public['gw-v']):$port" -LanPrefix 192.168.1.0/24 -LanAddress 192.168.1.1
            New-WgSite -Name office-w -ComputerName gw-w -Endpoint "$($public['gw-w']):$port" -LanPrefix 192.168.3.0/24 -LanAddress 192.168.3.1
        )
    }

    AfterAll {
        Remove-WgInterface -ComputerName $gateways @ssh -Name $name -Confirm:$false -ErrorAction Continue | Out-Null
        Invoke-WgLabCommand -Machine gw-v -Command bash, -c, 'iptables -w -P FORWARD ACCEPT; iptables -w -F FORWARD; iptables -w -X DOCKER-USER 2>/dev/null; iptables -w -X DOCKER 2>/dev/null; true' -ErrorAction Continue
        foreach ($gateway in $gateways) { Remove-WgLabContainerNetwork $gateway -ErrorAction Continue }
    }

    Context 'two offices with 192.168.1.0/24 and a third' {
        It 'is refused without a mapping, naming the overlap and -ResolveOverlap; nothing reaches a gateway' {
            $built = $sites | New-WgTopology -TunnelPrefix $tunnel -InterfaceName $name -ErrorVariable refused -ErrorAction SilentlyContinue
            $built | Should -BeNullOrEmpty
            @($refused).Count | Should -Be 1
            $refused[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.LanOverlap,WgAdmin.Commands.NewWgTopologyCommand'
            "$($refused[0])" | Should -Match "'192\.168\.1\.0/24' of site 'office-u' overlaps the LAN prefix '192\.168\.1\.0/24' of site 'office-v'.*-ResolveOverlap"
        }

        It 'maps both twins from the pool with -ResolveOverlap, deterministically, and applies the mesh' {
            $script:topology = $sites | New-WgTopology -TunnelPrefix $tunnel -InterfaceName $name -ResolveOverlap -MappingPool 10.201.0.0/16 -AsTopology
            $mappedU = ($topology.Sites | Where-Object Name -EQ office-u).MappedPrefix
            $mappedV = ($topology.Sites | Where-Object Name -EQ office-v).MappedPrefix
            @($mappedU).Count | Should -Be 1
            "$mappedU" | Should -Match '^10\.201\.\d+\.0/24$'
            "$mappedV" | Should -Match '^10\.201\.\d+\.0/24$'
            "$mappedU" | Should -Not -Be "$mappedV"
            ($topology.Sites | Where-Object Name -EQ office-w).IsMapped | Should -BeFalse
            # A second run from fresh sites gives the same mapped prefixes.
            $again = @(
                New-WgSite -Name office-u -ComputerName gw-u -Endpoint "$($public['gw-u']):$port" -LanPrefix 192.168.1.0/24
                New-WgSite -Name office-v -ComputerName gw-v -Endpoint "$($public['gw-v']):$port" -LanPrefix 192.168.1.0/24
                New-WgSite -Name office-w -ComputerName gw-w -Endpoint "$($public['gw-w']):$port" -LanPrefix 192.168.3.0/24
            ) | New-WgTopology -TunnelPrefix $tunnel -InterfaceName $name -ResolveOverlap -MappingPool 10.201.0.0/16 -AsTopology
            "$(($again.Sites | Where-Object Name -EQ office-u).MappedPrefix)" | Should -Be "$mappedU"
            "$(($again.Sites | Where-Object Name -EQ office-v).MappedPrefix)" | Should -Be "$mappedV"
            # What the others see of u and v is the mapped prefix, never 192.168.1.0/24.
            $onW = $topology.Interfaces | Where-Object ComputerName -EQ gw-w
            $onW.Peers.AllowedIPs | ForEach-Object ToString | Should -Contain "$mappedU"
            $onW.Peers.AllowedIPs | ForEach-Object ToString | Should -Not -Contain '192.168.1.0/24'

            $script:clock = [Diagnostics.Stopwatch]::StartNew()
            $results = @($topology.Interfaces | Set-WgInterface @ssh -InstallPackage -EnableForwarding)
            $results.Count | Should -Be 3
            $results | Where-Object Error | ForEach-Object { "$($_.ComputerName): $($_.Error)" } | Should -BeNullOrEmpty
            ($results | Where-Object ComputerName -EQ gw-u).Actions | Should -Contain "apply the prefix mapping of $name"
            ($results | Where-Object ComputerName -EQ gw-w).Actions -join ', ' | Should -Not -Match 'prefix mapping'
            foreach ($gateway in 'gw-u', 'gw-v') {
                Invoke-Gateway $gateway "/etc/wireguard/wgadmin/$name-map check && echo ok" | Should -Be 'ok'
                Get-MappingTrace $gateway | Should -Contain "/etc/systemd/system/wg-quick@$name.service.d/60-wgadmin-map.conf"
            }
            Get-MappingTrace gw-w | Should -Be 'iptables 0', 'nft 0'
        }

        It 'a second apply changes nothing (idempotent)' {
            $again = @($topology.Interfaces | Set-WgInterface @ssh -EnableForwarding)
            $again | Where-Object Error | Should -BeNullOrEmpty
            $again | Where-Object Changed | ForEach-Object { "$($_.ComputerName): $($_.Actions -join ', ')" } | Should -BeNullOrEmpty
        }

        It 'every LAN host pings every other site''s hosts under their mapped addresses, and the replies come from them' {
            $hosts = @(
                foreach ($c in $u) { [pscustomobject]@{ Site = 'office-u'; Namespace = $c.Namespace; Address = $c.Address } }
                foreach ($c in $v) { [pscustomobject]@{ Site = 'office-v'; Namespace = $c.Namespace; Address = $c.Address } }
                foreach ($c in $w) { [pscustomobject]@{ Site = 'office-w'; Namespace = $c.Namespace; Address = $c.Address } }
            )
            $first = $hosts[0]; $far = $hosts | Where-Object Site -EQ office-v | Select-Object -First 1
            Wait-Until { Test-Ping $first.Namespace (Get-Seen $topology $far.Site $far.Address) 1 } -TimeoutSec 30 -What 'the first ping across the mapping'
            $failures = foreach ($from in $hosts) {
                foreach ($to in $hosts | Where-Object Site -NE $from.Site) {
                    $seen = Get-Seen $topology $to.Site $to.Address
                    $replies = Get-ReplySource $from.Namespace $seen 2
                    if ($replies.Count -ne 2 -or ($replies | Where-Object { $_ -ne $seen })) { "$($from.Namespace) -> $seen ($($to.Site) $($to.Address)): replies from [$($replies -join ', ')]" }
                }
            }
            $failures | Should -BeNullOrEmpty
        }

        It 'a far host sees the near host under its mapped address, never its real one' {
            $near = $u[0]; $far = $v[0]
            $mappedNear = Get-Seen $topology office-u $near.Address
            Add-SourceCounter $far.Namespace $mappedNear, $near.Address
            Test-Ping $near.Namespace (Get-Seen $topology office-v $far.Address) 4 | Should -BeTrue
            $counts = Get-SourceCount $far.Namespace
            $counts["$mappedNear"] | Should -Be 4
            $counts["$($near.Address)"] | Should -Be 0 -Because '192.168.1.2 is the far host''s own address: it must never arrive as a source'
            ip netns exec $far.Namespace iptables -w -F INPUT
        }

        It 'carries a TCP connection: a small file over nc, from the mapped source, byte for byte' {
            $from = $u[1]; $to = $v[1]
            $target = Get-Seen $topology office-v $to.Address
            $dir = New-Item -ItemType Directory -Force (Join-Path ([IO.Path]::GetTempPath()) "wgadmin-map-$PID")
            try {
                $sent = Join-Path $dir sent; $received = Join-Path $dir received; $log = Join-Path $dir listener.log
                [IO.File]::WriteAllBytes($sent, [byte[]](1..65536 | ForEach-Object { $_ % 251 }))
                $script = @"
ip netns exec $($to.Namespace) timeout 20 nc -v -n -l 5095 > '$received' 2> '$log' &
listener=`$!
for i in `$(seq 50); do ip netns exec $($to.Namespace) ss -ltn 'sport = :5095' | grep -q LISTEN && break; sleep 0.1; done
ip netns exec $($from.Namespace) timeout 10 nc -N $target 5095 < '$sent'
wait `$listener
"@
                bash -c $script
                $LASTEXITCODE | Should -Be 0
                (Get-FileHash $received).Hash | Should -Be (Get-FileHash $sent).Hash
                Get-Content -Raw $log | Should -Match ([regex]::Escape("Connection received on $(Get-Seen $topology office-u $from.Address)"))
            }
            finally { Remove-Item -Recurse -Force $dir }
        }

        It 'Test-WgTunnel -Topology passes for a far host given by its real or its mapped address and shows both' {
            $realV = $v[0].Address
            $results = @(Test-WgTunnel -ComputerName gw-u @ssh -Name $name -Topology $topology -Target $realV, $w[0].Address -SourceAddress 192.168.1.1)
            $targets = @($results | Where-Object Kind -EQ Target)
            $targets.Count | Should -Be 2
            $results | Where-Object { -not $_.Passed } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
            $targets[0].Address | Should -Be (Get-Seen $topology office-v $realV)
            $targets[0].RealAddress | Should -Be $realV
            $targets[0].Peer | Should -Be 'office-v'
            $targets[1].RealAddress | Should -BeNullOrEmpty
            # From the third site: the twins' hosts by their mapped addresses; the shared real address alone is ambiguous.
            $fromW = @(Test-WgTunnel -ComputerName gw-w @ssh -Name $name -Topology $topology -Target (Get-Seen $topology office-u $u[0].Address), (Get-Seen $topology office-v $v[0].Address) -SourceAddress 192.168.3.1)
            $fromW | Where-Object { -not $_.Passed } | ForEach-Object { "$_" } | Should -BeNullOrEmpty
            @($fromW | Where-Object Kind -EQ Target).RealAddress | Should -Be $u[0].Address, $v[0].Address
            Test-WgTunnel -ComputerName gw-w @ssh -Name $name -Topology $topology -Target $realV -ErrorVariable ambiguous -ErrorAction SilentlyContinue | Out-Null
            "$($ambiguous[0])" | Should -Match 'LAN address of .office-u. and .office-v.'
        }

        It 'Test-WgTunnel names a broken mapping (a rule removed by hand), and Set-WgInterface repairs it' {
            Invoke-Gateway gw-v "if nft list table ip wgadmin_map_$name >/dev/null 2>&1; then nft flush chain ip wgadmin_map_$name prerouting; else iptables -w -t nat -F WGADMIN-MPI-$name; fi"
            $onV = @(Test-WgTunnel -ComputerName gw-v @ssh -Name $name)
            $onV | Where-Object Passed | Should -BeNullOrEmpty
            $onV[0].Reasons | Should -Contain "the prefix mapping of $name is broken: its rules are missing or changed (/etc/wireguard/wgadmin/$name-map check failed; Set-WgInterface puts them back)"
            $fromU = @(Test-WgTunnel -ComputerName gw-u @ssh -Name $name -Topology $topology -Target $v[0].Address -SourceAddress 192.168.1.1 -Count 2) | Where-Object Kind -EQ Target
            $fromU.Passed | Should -BeFalse
            $fromU.Reasons -join '; ' | Should -Match '0 of 2 pings'

            $repair = $topology.Interfaces | Where-Object ComputerName -EQ gw-v | Set-WgInterface @ssh -EnableForwarding
            $repair.Actions | Should -Be "apply the prefix mapping of $name"
            Test-WgTunnel -ComputerName gw-v @ssh -Name $name -Quiet | Should -BeTrue
            Test-Ping $u[0].Namespace (Get-Seen $topology office-v $v[0].Address) 2 | Should -BeTrue
        }

        It 'persists across a gateway reboot: the mapping is back when wg-quick@ starts' {
            Restart-WgLabGateway gw-u -RecreateNamespace
            Wait-Until { (Invoke-Gateway gw-u "systemctl is-active wg-quick@$name || true") -eq 'active' } -TimeoutSec 60 -What "wg-quick@$name on gw-u after the reboot"
            Invoke-Gateway gw-u "/etc/wireguard/wgadmin/$name-map check && echo ok" | Should -Be 'ok'
            # The new namespace lost the container network (a real host's bridge would come back with its Docker): build it again.
            Remove-WgLabContainerNetwork gw-u
            $script:u = @(Add-WgLabContainerNetwork -Gateway gw-u -Prefix 192.168.1.0/24 -Containers 2)
            Wait-Until { Test-Ping $u[0].Namespace (Get-Seen $topology office-v $v[0].Address) 1 } -TimeoutSec 30 -What 'a ping across the mapping after the reboot'
            Get-ReplySource $v[0].Namespace (Get-Seen $topology office-u $u[0].Address) 2 | Should -Be (@(Get-Seen $topology office-u $u[0].Address) * 2)
        }

        It 'removal leaves no rule, file or drop-in behind' {
            $removed = @(Remove-WgInterface -ComputerName $gateways @ssh -Name $name -Confirm:$false)
            $removed | Where-Object Error | Should -BeNullOrEmpty
            foreach ($gateway in $gateways) {
                Get-MappingTrace $gateway | Should -Be 'iptables 0', 'nft 0' -Because "nothing of the mapping may stay on $gateway"
            }
            Test-Ping $u[0].Namespace (Get-Seen $topology office-v $v[0].Address) 1 | Should -BeFalse
        }
    }

    Context 'Docker''s 172.17.0.0/16 on two hosts' {
        It 'container to container through the mapping, with Docker''s FORWARD DROP on one host (iptables)' {
            foreach ($gateway in $gateways) { Remove-WgLabContainerNetwork $gateway }
            $dockerU = @(Add-WgLabContainerNetwork -Gateway gw-u -Prefix 172.17.0.0/16 -Containers 1)
            $dockerV = @(Add-WgLabContainerNetwork -Gateway gw-v -Prefix 172.17.0.0/16 -Containers 1)
            $dockerU[0].Address | Should -Be $dockerV[0].Address -Because 'both hosts give their first container 172.17.0.2'
            Invoke-Gateway gw-v @'
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
            $docker = @(
                New-WgSite -Name docker-u -ComputerName gw-u -Endpoint "$($public['gw-u']):$port" -LanPrefix 172.17.0.0/16
                New-WgSite -Name docker-v -ComputerName gw-v -Endpoint "$($public['gw-v']):$port" -LanPrefix 172.17.0.0/16
            ) | New-WgTopology -TunnelPrefix $tunnel -InterfaceName $name -ResolveOverlap -AsTopology
            $mapped = $docker.Sites | ForEach-Object { "$($_.MappedPrefix)" }
            $mapped | ForEach-Object { ([WgAdmin.Net.WgPrefix]'100.64.0.0/10').Contains(([WgAdmin.Net.WgPrefix]$_).Address) | Should -BeTrue }
            $results = @(
                $docker.Interfaces | Where-Object ComputerName -EQ gw-u | Set-WgInterface @ssh -InstallPackage -EnableForwarding
                $docker.Interfaces | Where-Object ComputerName -EQ gw-v | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0
            )
            $results | Where-Object Error | ForEach-Object { "$($_.ComputerName): $($_.Error)" } | Should -BeNullOrEmpty
            Invoke-Gateway gw-v "iptables-save -t nat | grep -c -- '-j NETMAP'" | Should -Be '2' -Because 'on Docker''s host Auto takes iptables for the mapping too'

            $toV = Get-Seen $docker docker-v $dockerV[0].Address
            $toU = Get-Seen $docker docker-u $dockerU[0].Address
            Wait-Until { Test-Ping $dockerU[0].Namespace $toV 1 } -TimeoutSec 30 -What 'container to container through the mapping'
            Get-ReplySource $dockerU[0].Namespace $toV 3 | Should -Be (@($toV) * 3)
            Get-ReplySource $dockerV[0].Namespace $toU 3 | Should -Be (@($toU) * 3)
        }
    }
}

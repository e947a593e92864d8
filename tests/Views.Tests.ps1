# Every type a WgAdmin cmdlet says it writes has a default table view and a list view; each view,
# given real objects that hold real secrets, shows what an admin needs (handshake ages and byte
# counts as wg show prints them) and never a private or preshared key.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    # What the cmdlets declare, and the types users meet inside them (a status's peers, a pair's private key, a peer's endpoint and prefixes).
    $declared = Get-Command -Module WgAdmin | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_.FullName -like 'WgAdmin.*' } | ForEach-Object FullName
    $nested = 'WgAdmin.Remote.WgPeerStatus', 'WgAdmin.Keys.WgPrivateKey', 'WgAdmin.Net.WgEndpoint', 'WgAdmin.Net.WgPrefix'
    $typeCases = @($declared) + $nested | Sort-Object -Unique | ForEach-Object { @{ TypeName = $_ } }
    # Sessions need a real SSH server; the lab suite (tests/lab/Completion.Tests.ps1) renders them.
    $renderCases = $typeCases | Where-Object TypeName -NE 'WgAdmin.Commands.WgSession'
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $pair = New-WgKeyPair
    $peerPair = New-WgKeyPair
    $quietPair = New-WgKeyPair
    $psk = New-WgPresharedKey
    $secrets = @($pair.PrivateKey.Reveal(), $peerPair.PrivateKey.Reveal(), $quietPair.PrivateKey.Reveal(), $psk.Reveal())
    $peer = $peerPair | New-WgPeer -Name site-b -AllowedIPs 10.0.0.2/32, 172.19.16.0/20 -Endpoint 198.51.100.2:10086 -PersistentKeepalive 25 -PresharedKey $psk
    $interface = $pair | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10086 -Peer $peer
    $site = New-WgSite -Name site-a -ComputerName gw-a -Endpoint 198.51.100.1:10086 -LanPrefix 192.168.10.0/24 -PrivateKey $pair.PrivateKey

    # What gw-a's status script would print if its redaction failed: the interface's private key in
    # the dump, the preshared key in the dump and in the config file. The views must still hide them.
    $readAt = 1700000064
    $output = @(
        '@@now', $readAt
        '@@dump'
        "wg0`t$($pair.PrivateKey.Reveal())`t$($pair.PublicKey)`t10086`toff"
        "wg0`t$($peerPair.PublicKey)`t$($psk.Reveal())`t198.51.100.2:10086`t10.0.0.2/32,172.19.16.0/20`t$($readAt - 64)`t1268777`t3482`t25"
        "wg0`t$($quietPair.PublicKey)`t(none)`t(none)`t10.0.0.3/32`t0`t0`t0`toff"
        '@@config wg0'
        ($interface | ConvertTo-WgConfig -IncludeSecret)
        '@@service wg0 enabled active'
        '@@end'
    ) -join "`n"
    $status = [WgAdmin.Remote.InterfaceStatusReader]::Parse($output, 'gw-a', $null)[0]
    # A topology whose sites hold keys (site-a the interface's own, site-b one the topology makes) and
    # preshared keys; the keys it made are secrets the views must hide as well. Read back from a file
    # exported with them, it holds them again.
    $topology = @(
        New-WgSite -Name site-a -ComputerName gw-a -Endpoint 198.51.100.1:10086 -LanPrefix 192.168.10.0/24 -LanAddress 192.168.10.1 -PrivateKey $pair.PrivateKey
        New-WgSite -Name site-b -ComputerName gw-b -Endpoint 198.51.100.2:10086 -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7 -Cloud
    ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -PresharedKeys -AsTopology
    $secrets += @($topology.Sites | ForEach-Object { $topology.PrivateKeyOf($_).Reveal() }) + @($topology.PresharedKeyPairs() | ForEach-Object { $_.Item3.Reveal() })
    $topologyFile = Join-Path $TestDrive 'sites.topology'
    $topology | Export-WgTopology -Path $topologyFile -IncludeSecret
    $importedTopology = Import-WgTopology $topologyFile -AsTopology
    # Real remote results of hosts that cannot be reached: nothing listens on port 1.
    $lanRouteResult = Set-WgLanRoute -Topology $topology -Site site-a -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -ErrorAction SilentlyContinue
    $tunnelResult = Test-WgTunnel -ComputerName 127.0.0.1 -Port 1 -Name wg0 -ConnectTimeoutSeconds 5 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -ErrorAction SilentlyContinue
    # What gw-a's tunnel probe would print (tests/WgAdmin.Core.Tests/Remote/TunnelCheckTests.cs has the
    # lab's): site-b answers two pings of three; the target on site-b's LAN answers none, its route
    # leaving through eth0.
    $probe = @(
        '@@now', $readAt
        '@@tools', 'wg', 'ip', 'ss', 'ping', 'systemctl'
        '@@link', '5: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc fq_codel state UNKNOWN mode DEFAULT group default qlen 500\    link/none '
        '@@addresses', '10.0.0.1/24'
        '@@config', '[Interface]', 'ListenPort = 10086', 'Address = 10.0.0.1/24', '', '[Peer]', '# Name = site-b', "PublicKey = $($peerPair.PublicKey)", 'AllowedIPs = 10.0.0.2/32, 172.19.16.0/20', 'Endpoint = 198.51.100.2:10086'
        '@@service', 'enabled=enabled', 'active=active'
        '@@live', 'port=10086'
        '@@peers', "$($peerPair.PublicKey)`t(set)`t198.51.100.2:10086`t10.0.0.2/32,172.19.16.0/20`t$($readAt - 64)`t1000`t2000`t25"
        '@@forwarding', 'ipv4=1', 'ipv6=0'
        '@@nat', 'present'
        '@@listen', 'socket=0.0.0.0:10086'
        "@@peer $($peerPair.PublicKey) 10.0.0.2"
        '@@ping', '3 packets transmitted, 2 received, 33.3333% packet loss, time 404ms', 'rtt min/avg/max/mdev = 0.412/0.533/0.701/0.121 ms'
        '@@mtu', '1420'
        '@@routes', '10.0.0.2/32 10.0.0.2 dev wg0 src 10.0.0.1 uid 0', '172.19.16.0/20 172.19.16.0 dev wg0 src 10.0.0.1 uid 0'
        '@@target 172.19.16.100 192.168.10.1'
        '@@routes', '172.19.16.100 via 198.51.100.254 dev eth0 src 198.51.100.1 uid 0'
        '@@ping', '3 packets transmitted, 0 received, 100% packet loss, time 2040ms'
        '@@after', "$($peerPair.PublicKey)`t(set)`t198.51.100.2:10086`t10.0.0.2/32,172.19.16.0/20`t$($readAt - 64)`t1592`t2624`t25"
        '@@end', ''
    ) -join "`n"
    $probeResults = [WgAdmin.Remote.TunnelCheck]::Evaluate([WgAdmin.Remote.TunnelProbe]::Parse($probe), 'gw-a', 'wg0', [WgAdmin.Remote.TunnelCheckOptions]::new([TimeSpan]::FromMinutes(3), 3), 2.5)
    $desired = $pair | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10087 -Peer ($peerPair | New-WgPeer -Name site-b -AllowedIPs 10.0.0.2/32)

    $metricsResult = Export-WgMetrics -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -Path (Join-Path $TestDrive 'wg.prom') -ErrorAction SilentlyContinue
    $objects = @{
        'WgAdmin.Keys.WgKeyPair'         = { $pair }
        'WgAdmin.Keys.WgPublicKey'       = { $pair | Get-WgPublicKey }
        'WgAdmin.Keys.WgPrivateKey'      = { $pair.PrivateKey }
        'WgAdmin.Keys.WgPresharedKey'    = { $psk }
        'WgAdmin.Model.WgPeer'           = { $peer }
        'WgAdmin.Model.WgInterface'      = { $interface | ConvertTo-WgConfig -IncludeSecret | ConvertFrom-WgConfig -Name wg0 }
        'WgAdmin.Net.WgEndpoint'         = { $peer.Endpoint }
        'WgAdmin.Net.WgPrefix'           = { $peer.AllowedIPs[1] }
        'WgAdmin.Topology.WgSite'        = { $site }
        'WgAdmin.Remote.WgInterfaceStatus' = { $status }
        'WgAdmin.Remote.WgPeerStatus'    = { $status.Peers }
        'WgAdmin.Remote.WgDifference'    = { [WgAdmin.Remote.WgDrift]::Compare($desired, $status, 'gw-a') }
        # A real apply result: nothing listens on port 1, so the host fails and says so.
        'WgAdmin.Remote.WgApplyResult'   = { $interface | Set-WgInterface -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -ErrorAction SilentlyContinue }
        'WgAdmin.Topology.WgTopology'    = { $topology; $importedTopology }
        'WgAdmin.Topology.WgLanRoute'    = { Get-WgLanRoute -Topology $importedTopology }
        'WgAdmin.Remote.WgLanRouteResult' = { $lanRouteResult }
        # Confirm-WgChange and Undo-WgChange need a host; their result as an undo on one would be.
        'WgAdmin.Remote.WgChangeResult' = { [WgAdmin.Remote.WgChangeResult]@{ ComputerName = 'gw-a'; Action = 'Undo'; Found = $true; RolledBack = $true; Station = 'admin@ops (pid 42)' } }
        'WgAdmin.Remote.WgTunnelTestResult' = { $tunnelResult; $probeResults }
        # Sync-WgEndpoint needs a gateway (tests/lab/Endpoint.Tests.ps1); its results as the gateway's output reads.
        'WgAdmin.Remote.WgEndpointSyncResult' = { [WgAdmin.Remote.EndpointSync]::Parse('gw-a', 'wg0', [WgAdmin.Remote.SectionReader]::Read(
                    "@@peer`nkey=$($peerPair.PublicKey)`nname=site-b`nhost=site-b.example.net`nport=10086`nold=198.51.100.2:10086`nnew=198.51.100.9:10086`nage=140`nstatus=moved`nmessage=`n" +
                    "@@peer`nkey=$($pair.PublicKey)`nname=`nhost=gone.example.net`nport=10086`nold=`nnew=`nage=`nstatus=unresolved`nmessage=Name or service not known`n")) }
        # A real metrics result: nothing listens on port 1, so the gateway is not read and the file says so.
        'WgAdmin.Remote.WgMetricsResult' = { $metricsResult }
        # Rotations need gateways (tests/lab/Rotation.Tests.ps1); a tunnel's result as a finished key rotation gives it.
        'WgAdmin.Remote.WgRotationResult' = { [WgAdmin.Remote.WgRotationResult]@{ Kind = 'Key'; Site = 'site-a'; Peer = 'site-b'; ComputerName = 'gw-a'; PeerComputerName = 'gw-b'; Completed = $true; Changed = $true; Outage = [TimeSpan]::FromMilliseconds(42) } }
    }
    # What each type's views must show: a broken script block renders as an empty cell, silently.
    $expected = @{
        'WgAdmin.Keys.WgKeyPair'         = { @($pair.PublicKey.ToString(), '(hidden)') }
        'WgAdmin.Keys.WgPublicKey'       = { @($pair.PublicKey.ToString()) }
        'WgAdmin.Keys.WgPrivateKey'      = { @('(hidden)', $pair.PublicKey.ToString()) }
        # A preshared key has no properties: PowerShell renders such an object by its ToString(), views or not.
        'WgAdmin.Keys.WgPresharedKey'    = { @('(preshared key)') }
        'WgAdmin.Model.WgPeer'           = { @('site-b', $peerPair.PublicKey.ToString(), '172.19.16.0/20', '(hidden)') }
        'WgAdmin.Model.WgInterface'      = { @('wg0', $pair.PublicKey.ToString(), '10.0.0.1/24') }
        'WgAdmin.Net.WgEndpoint'         = { @('198.51.100.2', '10086') }
        'WgAdmin.Net.WgPrefix'           = { @('172.19.16.0/20', 'IPv4') }
        'WgAdmin.Topology.WgSite'        = { @('site-a', 'gw-a', '192.168.10.0/24') }
        'WgAdmin.Remote.WgInterfaceStatus' = { @('gw-a', 'wg0', $pair.PublicKey.ToString(), '1 minute, 4 seconds ago') }
        'WgAdmin.Remote.WgPeerStatus'    = { @('site-b', '1 minute, 4 seconds ago', '1.21 MiB', '3.40 KiB', 'never', '0 B') }
        'WgAdmin.Remote.WgDifference'    = { @('ListenPort', '10087', '10086', 'PeerExtra') }
        'WgAdmin.Remote.WgApplyResult'   = { @('127.0.0.1', 'wg0') }
        'WgAdmin.Topology.WgTopology'    = { @('Mesh', '10.0.0.0/24', 'site-a', 'site-b') }
        'WgAdmin.Topology.WgLanRoute'    = { @('site-a', '172.19.16.0/20', '192.168.10.1', 'ip route replace 172.19.16.0/20 via 192.168.10.1', 'ip route replace 192.168.10.0/24 via 172.19.16.7') }
        'WgAdmin.Remote.WgLanRouteResult' = { @('127.0.0.1', 'site-a', $lanRouteResult.Error) }
        'WgAdmin.Remote.WgChangeResult' = { @('gw-a', 'Undo', 'undone (verified)', 'admin@ops (pid 42)') }
        'WgAdmin.Remote.WgRotationResult' = { @('Key', 'site-a', 'site-b', '42 ms') }
        'WgAdmin.Remote.WgEndpointSyncResult' = { @('gw-a', 'wg0', 'site-b', 'site-b.example.net:10086', 'Moved', '198.51.100.2:10086', '198.51.100.9:10086', 'gone.example.net:10086', 'Unresolved', 'never') }
        'WgAdmin.Remote.WgMetricsResult' = { @('127.0.0.1', 'False', $metricsResult.Error) }
        'WgAdmin.Remote.WgTunnelTestResult' = { @('127.0.0.1', 'wg0', $tunnelResult.Reasons[0], 'site-b', '10.0.0.2', '172.19.16.100 from 192.168.10.1', '0 of 3 pings from 192.168.10.1 to 172.19.16.100 answered') }
    }
}

Describe 'The views of <TypeName>' -ForEach $typeCases {
    It 'has a default table view and a list view' {
        $controls = @((Get-FormatData -TypeName $TypeName).FormatViewDefinition | ForEach-Object { $_.Control.GetType().Name })
        $controls | Should -Contain 'TableControl'
        $controls | Should -Contain 'ListControl'
    }
}

Describe 'Rendering <TypeName>' -ForEach $renderCases {
    BeforeAll {
        $items = @(& $objects[$TypeName])
        $renderings = @{
            'Format-Table' = ($items | Format-Table | Out-String -Width 4096)
            'Format-List'  = ($items | Format-List | Out-String -Width 4096)
            'Out-Default'  = ($items | Out-String -Width 4096)
        }
    }

    It 'is made of real objects of that type' {
        $items.Count | Should -BeGreaterThan 0
        $items | ForEach-Object { $_.GetType().FullName | Should -Be $TypeName }
    }

    It 'shows what matters in <_>' -ForEach 'Format-Table', 'Format-List', 'Out-Default' {
        foreach ($text in & $expected[$TypeName]) {
            $renderings[$_] | Should -BeLikeExactly "*$([WildcardPattern]::Escape($text))*"
        }
    }

    It 'shows no key material in <_>' -ForEach 'Format-Table', 'Format-List', 'Out-Default' {
        Find-Secret -Text $renderings[$_] -Secret $secrets | Should -BeNullOrEmpty
    }
}

Describe 'Readable numbers' {
    It 'a peer status reads like wg show in a list: <_>' -ForEach @('LatestHandshake     : 1 minute, 4 seconds ago', 'Transfer            : 1.21 MiB received, 3.40 KiB sent', 'PersistentKeepalive : every 25 seconds') {
        $status.Peers | Format-List | Out-String -Width 4096 | Should -BeLikeExactly "*$_*"
    }

    It 'a tunnel test reads in a list: <_>' -ForEach @(
        'Pings           : 3 sent, 2 received, 33.3% lost'
        'Rtt             : min 0.41 ms, avg 0.53 ms, max 0.70 ms'
        'LatestHandshake : 2023-11-14T22:13:20Z (1 minute, 4 seconds ago)'
        'Transfer        : 592 B received, 624 B sent during the probe'
        'Mtu             : interface 1420, path 1420'
        'Duration        : 2.5 s'
    ) {
        $probeResults | Where-Object Kind -EQ Peer | Format-List | Out-String -Width 4096 | Should -BeLike "*$_*"
    }

    It 'a tunnel test lists its reasons and warnings one per line' {
        $peer = $probeResults | Where-Object Kind -EQ Peer
        $peer.Warnings.Count | Should -BeGreaterThan 0
        $text = $peer | Format-List | Out-String -Width 4096
        $text | Should -BeLikeExactly "*Warnings        : $([WildcardPattern]::Escape($peer.Warnings[0]))`n*"
        $target = $probeResults | Where-Object Kind -EQ Target
        $target.Reasons.Count | Should -BeGreaterThan 1
        $text = $target | Format-List | Out-String -Width 4096
        $text | Should -BeLikeExactly "*Reasons         : $([WildcardPattern]::Escape($target.Reasons[0]))`n                  $([WildcardPattern]::Escape($target.Reasons[1]))`n*"
    }

    It 'an interface status lists its peers with their handshakes and transfer' {
        $text = $status | Format-List | Out-String -Width 4096
        $text | Should -BeLikeExactly '*site-b: 10.0.0.2/32, 172.19.16.0/20, latest handshake 1 minute, 4 seconds ago; 1.21 MiB received, 3.40 KiB sent*'
        $text | Should -BeLikeExactly '*latest handshake never; 0 B received, 0 B sent*'
    }
}

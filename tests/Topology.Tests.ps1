BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
}

Describe 'The issue''s two sites' {
    BeforeAll {
        $sites = @(
            New-WgSite -Name site-a -ComputerName gw-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24
            New-WgSite -Name site-b -ComputerName gw-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20
        )
        $interfaces = @($sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -WarningVariable warnings)
        $a, $b = $interfaces
    }

    It 'gives one interface per site, on its gateway, with no warning' {
        $interfaces.Count | Should -Be 2
        $interfaces | ForEach-Object { $_ | Should -BeOfType ([WgAdmin.Model.WgInterface]) }
        $a.ComputerName | Should -Be 'gw-a'
        $b.ComputerName | Should -Be 'gw-b'
        $interfaces.Name | Should -Be @('wg0', 'wg0')
        $interfaces.ListenPort | Should -Be @(10086, 10086)
        $warnings | Should -BeNullOrEmpty
    }

    It 'refuses more sites than -MaximumSites before building, naming the limit and the parameter' {
        $out = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -MaximumSites 1 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.TopologyTooLarge,WgAdmin.Commands.NewWgTopologyCommand'
        $err[0].Exception.Message | Should -Match 'limit of 1: .* 2 peers,.*-MaximumSites 2'
        { $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -MaximumSites 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,WgAdmin.Commands.NewWgTopologyCommand'
    }

    It 'gives each the other as its peer, with AllowedIPs = tunnel address + LAN' {
        $a.Peers.Count | Should -Be 1
        $b.Peers.Count | Should -Be 1
        $a.Peers[0].Name | Should -Be 'site-b'
        $a.Peers[0].PublicKey | Should -Be $b.PublicKey
        $a.Peers[0].Endpoint.ToString() | Should -Be '198.51.100.20:10086'
        @($a.Peers[0].AllowedIPs | ForEach-Object ToString) | Should -Be @("$($b.Address[0].Address)/32", '172.19.16.0/20')
        @($b.Peers[0].AllowedIPs | ForEach-Object ToString) | Should -Be @("$($a.Address[0].Address)/32", '10.11.7.0/24')
        $a.Address[0].ToString() | Should -Match '^10\.0\.0\.\d+/24$'
        $a.Peers[0].PersistentKeepalive | Should -Be 25
    }

    It 'gives interfaces that export as files' {
        $text = $a | ConvertTo-WgConfig
        $text | Should -Match '\[Peer\]'
        $text | Should -Match 'AllowedIPs = 10\.0\.0\.\d+/32, 172\.19\.16\.0/20'
    }

    It 'gives the same tunnel addresses on a second run and with a third site added' {
        # ForEach-Object, not .Address: an array has an Address method of its own.
        $addresses = @($interfaces | ForEach-Object { "$($_.Address[0])" })
        $again = @($sites | New-WgTopology -TunnelPrefix 10.0.0.0/24)
        @($again | ForEach-Object { "$($_.Address[0])" }) | Should -Be $addresses
        $siteC = New-WgSite -Name site-c -Endpoint 198.51.100.30:10086 -LanPrefix 192.168.50.0/24
        $more = @(@($siteC) + $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24)
        @($more[1..2] | ForEach-Object { "$($_.Address[0])" }) | Should -Be $addresses
        $addresses | Should -Not -Contain "$($more[0].Address[0])"
    }
}

Describe 'New-WgSite' {
    It 'takes the public key and gateway of a key pair made on the gateway' {
        $pair = [WgAdmin.Keys.WgKeyPair]::new((New-WgKeyPair).PublicKey, 'gw-a', 'wg0')
        $site = $pair | New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24
        $site.PublicKey | Should -Be $pair.PublicKey
        $site.ComputerName | Should -Be 'gw-a'
        $site.PrivateKey | Should -BeNullOrEmpty

        $peerSite = New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20
        $a, $b = $site, $peerSite | New-WgTopology -TunnelPrefix 10.0.0.0/24
        $a.PrivateKey | Should -BeNullOrEmpty
        $a.PublicKey | Should -Be $pair.PublicKey
        $b.Peers[0].PublicKey | Should -Be $pair.PublicKey
    }

    It 'defaults to behind NAT and the endpoint''s port; -BehindNat:$false and -ListenPort change them' {
        $site = New-WgSite -Name s -Endpoint 198.51.100.10:10086 -LanPrefix 10.1.0.0/24
        $site.BehindNat | Should -BeTrue
        $site.ListenPort | Should -Be 10086
        $site = New-WgSite -Name s -Endpoint 198.51.100.10:10086 -LanPrefix 10.1.0.0/24 -BehindNat:$false -ListenPort 51820 -WanInterface eth0
        $site.BehindNat | Should -BeFalse
        $site.ListenPort | Should -Be 51820
        $site.WanInterface | Should -Be 'eth0'
    }

    It 'pins a tunnel address with -TunnelAddress, and refuses one outside the tunnel' {
        $a = New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -TunnelAddress 10.0.0.1
        $b = New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -TunnelAddress 10.0.0.2
        $ifA, $ifB = $a, $b | New-WgTopology -TunnelPrefix 10.0.0.0/24
        $ifA.Address[0].ToString() | Should -Be '10.0.0.1/24'
        $ifB.Address[0].ToString() | Should -Be '10.0.0.2/24'

        $null = $a, $b | New-WgTopology -TunnelPrefix 10.9.0.0/24 -ErrorVariable err -ErrorAction SilentlyContinue
        @($err | ForEach-Object FullyQualifiedErrorId | Select-Object -Unique) | Should -Be 'WgAdmin.InvalidTunnelAddress,WgAdmin.Commands.NewWgTopologyCommand'
    }

    It 'refuses a bad endpoint with WgAdmin.InvalidEndpoint' {
        $err = Get-ThrownError { New-WgSite -Name s -Endpoint 'no-port' -LanPrefix 10.1.0.0/24 }
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidEndpoint,WgAdmin.Commands.NewWgSiteCommand'
    }

    It 'shows a table without key material' {
        $site = New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24, 10.12.0.0/16 -PrivateKey (New-WgKeyPair).PrivateKey
        $text = $site | Out-String
        $text | Should -Match 'site-a'
        $text | Should -Match '10\.11\.7\.0/24, 10\.12\.0\.0/16'
        $text | Should -Not -Match 'PublicKey|PrivateKey|private key'
    }
}

Describe 'New-WgTopology checks' {
    It 'refuses the docker case (172.17.0.0/16 on both) with WgAdmin.LanOverlap and proposes a free range' {
        $sites = @(
            New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 172.17.0.0/16
            New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.17.0.0/16
        )
        $out = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.LanOverlap,WgAdmin.Commands.NewWgTopologyCommand'
        $err[0].ToString() | Should -Match "'site-a'.*'site-b'"
        $err[0].ToString() | Should -Match "for example 'site-b' to '10\.1\.0\.0/16'"
    }

    It 'writes every error, each with its own ID, and nothing else' {
        $sites = @(
            New-WgSite -Name hq -Endpoint 198.51.100.10:10086 -LanPrefix 0.0.0.0/0
            New-WgSite -Name hq -Endpoint 198.51.100.20:10086 -LanPrefix 10.0.0.0/16
        )
        $out = New-WgTopology -Site $sites -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub nowhere -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        @($err | ForEach-Object FullyQualifiedErrorId) | Should -Be @(
            'WgAdmin.DuplicateSiteName,WgAdmin.Commands.NewWgTopologyCommand'
            'WgAdmin.HubNotFound,WgAdmin.Commands.NewWgTopologyCommand'
            'WgAdmin.DefaultRouteAllowed,WgAdmin.Commands.NewWgTopologyCommand'
            'WgAdmin.TunnelOverlapsLan,WgAdmin.Commands.NewWgTopologyCommand'
        )
        @($err | ForEach-Object { $_.Exception.ErrorId }) | Should -Be @('WgAdmin.DuplicateSiteName', 'WgAdmin.HubNotFound', 'WgAdmin.DefaultRouteAllowed', 'WgAdmin.TunnelOverlapsLan')
    }

    It 'warns about a private endpoint behind NAT and host bits, and still builds' {
        $site = New-WgSite -Name site-a -Endpoint 192.168.1.10:10086 -LanPrefix 10.11.7.1/24
        $out = $site | New-WgTopology -TunnelPrefix 10.0.0.0/24 -WarningVariable warnings -WarningAction SilentlyContinue
        @($out).Count | Should -Be 1
        $warnings.Count | Should -Be 2
        "$warnings" | Should -Match 'WgAdmin\.PrivateEndpointBehindNat'
        "$warnings" | Should -Match "'10\.11\.7\.1/24'.*WgAdmin\.PrefixHasHostBits"
    }

    It 'refuses a tunnel too small for the sites with WgAdmin.TunnelTooSmall' {
        $sites = 1..3 | ForEach-Object { New-WgSite -Name "s$_" -Endpoint "198.51.100.$($_):10086" -LanPrefix "10.$_.0.0/24" }
        $null = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/30 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.TunnelTooSmall,WgAdmin.Commands.NewWgTopologyCommand'
    }
}

Describe 'Hub and spoke, preshared keys' {
    It 'gives a spoke only the hub, with the tunnel and every other LAN, and the same PSK on both sides' {
        $sites = @(
            New-WgSite -Name hub -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -BehindNat:$false
            New-WgSite -Name spoke-1 -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20
            New-WgSite -Name spoke-2 -Endpoint 198.51.100.30:10086 -LanPrefix 192.168.50.0/24
        )
        $hub, $one, $two = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub hub -PresharedKeys -InterfaceName wg1
        $hub.Name | Should -Be 'wg1'
        $hub.Peers.Name | Should -Be @('spoke-1', 'spoke-2')
        $hub.Peers[0].PersistentKeepalive | Should -BeNullOrEmpty
        $one.Peers.Count | Should -Be 1
        @($one.Peers[0].AllowedIPs | ForEach-Object ToString) | Should -Be @("$($hub.Address[0].Address)/32", '10.0.0.0/24', '10.11.7.0/24', '192.168.50.0/24')
        $one.Peers[0].PersistentKeepalive | Should -Be 25
        $one.Peers[0].PresharedKey.Reveal() | Should -Be $hub.Peers[0].PresharedKey.Reveal()
        $two.Peers[0].PresharedKey.Reveal() | Should -Be $hub.Peers[1].PresharedKey.Reveal()
        $one.Peers[0].PresharedKey.Reveal() | Should -Not -Be $two.Peers[0].PresharedKey.Reveal()
    }
}

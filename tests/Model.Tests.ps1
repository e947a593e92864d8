BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
}

Describe 'New-WgPeer' {
    BeforeAll {
        $pair = New-WgKeyPair
    }

    It 'describes a peer with typed values' {
        $peer = New-WgPeer -PublicKey $pair.PublicKey -AllowedIPs 10.0.0.2/32, 172.19.16.0/20 -Endpoint 198.51.100.2:10086 -PersistentKeepalive 30 -Name site-b -Description 'branch office'
        $peer | Should -BeOfType ([WgAdmin.Model.WgPeer])
        $peer.PublicKey | Should -Be $pair.PublicKey
        @($peer.AllowedIPs | ForEach-Object ToString) | Should -Be @('10.0.0.2/32', '172.19.16.0/20')
        $peer.AllowedIPs[0] | Should -BeOfType ([WgAdmin.Net.WgPrefix])
        $peer.Endpoint | Should -BeOfType ([WgAdmin.Net.WgEndpoint])
        $peer.Endpoint.Host | Should -BeExactly '198.51.100.2'
        $peer.Endpoint.Port | Should -Be 10086
        $peer.PersistentKeepalive | Should -Be 30
        $peer.Name | Should -BeExactly 'site-b'
        $peer.Description | Should -BeExactly 'branch office'
        $peer.HasPresharedKey | Should -BeFalse
    }

    It 'warns, and still describes the peer, when its endpoint lies inside its own AllowedIPs' {
        $peer = New-WgPeer -PublicKey $pair.PublicKey -AllowedIPs 10.0.0.2/32, 172.19.16.0/20 -Endpoint 172.19.16.7:10086 -WarningVariable warned -WarningAction SilentlyContinue
        $peer.Endpoint.ToString() | Should -BeExactly '172.19.16.7:10086'
        @($warned).Count | Should -Be 1
        "$warned" | Should -BeLike "The endpoint '172.19.16.7:10086' lies inside the peer's AllowedIPs '172.19.16.0/20':*(WgAdmin.EndpointInsideAllowedIPs)"
        foreach ($case in @{ AllowedIPs = '10.0.0.2/32', '172.19.16.0/20'; Endpoint = '198.51.100.2:10086' }, @{ AllowedIPs = '0.0.0.0/0'; Endpoint = '198.51.100.2:10086' },
            @{ AllowedIPs = '172.19.16.0/20'; Endpoint = 'gw-b.example.net:10086' }) {
            $null = New-WgPeer -PublicKey $pair.PublicKey @case -WarningVariable none -WarningAction SilentlyContinue
            @($none).Count | Should -Be 0 -Because "$($case.Endpoint) with $($case.AllowedIPs -join ', ')"
        }
        # No AllowedIPs at all (a row whose column is empty): the peer as before, no warning.
        (New-WgPeer -PublicKey $pair.PublicKey -AllowedIPs $null -Endpoint 198.51.100.2:10086 -WarningVariable none -WarningAction SilentlyContinue).AllowedIPs.Count | Should -Be 0
        @($none).Count | Should -Be 0
    }

    It 'takes the public key as a base64 string and an IPv6 endpoint in brackets' {
        $peer = New-WgPeer -PublicKey $pair.PublicKey.ToString() -AllowedIPs fd00::/64 -Endpoint '[2001:db8::1]:51820'
        $peer.PublicKey | Should -Be $pair.PublicKey
        $peer.AllowedIPs[0].ToString() | Should -BeExactly 'fd00::/64'
        $peer.Endpoint.ToString() | Should -BeExactly '[2001:db8::1]:51820'
    }

    It 'keeps a preshared key' {
        $psk = New-WgPresharedKey
        $peer = New-WgPeer -PublicKey $pair.PublicKey -PresharedKey $psk
        $peer.HasPresharedKey | Should -BeTrue
        $peer.PresharedKey | Should -Be $psk
        (New-WgPeer -PublicKey $pair.PublicKey -PresharedKey $psk.Reveal()).PresharedKey | Should -Be $psk
    }

    It 'binds PublicKey by property name from a key pair in the pipeline' {
        $pairs = New-WgKeyPair -Count 3
        $peers = @($pairs | New-WgPeer -AllowedIPs 10.9.0.0/24)
        $peers | Should -HaveCount 3
        for ($i = 0; $i -lt 3; $i++) { $peers[$i].PublicKey | Should -Be $pairs[$i].PublicKey }
    }

    It 'refuses a malformed <Parameter> with <Id>' -ForEach @(
        @{ Parameter = 'PublicKey'; Arguments = @{ PublicKey = 'short' }; Id = 'WgAdmin.InvalidKey' }
        @{ Parameter = 'AllowedIPs'; Arguments = @{ AllowedIPs = '10.0.0.0/33' }; Id = 'WgAdmin.InvalidPrefix' }
        @{ Parameter = 'Endpoint'; Arguments = @{ Endpoint = 'no-port-here' }; Id = 'WgAdmin.InvalidEndpoint' }
        @{ Parameter = 'PresharedKey'; Arguments = @{ PresharedKey = 'c2hvcnQ=' }; Id = 'WgAdmin.InvalidKey' }
    ) {
        $splat = @{ PublicKey = $pair.PublicKey }
        foreach ($name in $Arguments.Keys) { $splat[$name] = $Arguments[$name] }
        $err = Get-ThrownError { New-WgPeer @splat }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.NewWgPeerCommand"
        $err.TargetObject | Should -BeNullOrEmpty
    }

    It 'refuses -PersistentKeepalive 65536' {
        $err = Get-ThrownError { New-WgPeer -PublicKey $pair.PublicKey -PersistentKeepalive 65536 }
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidKeepalive,WgAdmin.Commands.NewWgPeerCommand'
    }

    It 'refuses a name with a newline (a PostUp injection) with WgAdmin.ControlCharacter' {
        $peer = New-WgPeer -PublicKey $pair.PublicKey -Name "x`nPostUp = touch /tmp/pwned" -ErrorVariable err -ErrorAction SilentlyContinue
        $peer | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.ControlCharacter,WgAdmin.Commands.NewWgPeerCommand'
        # The message quotes the value with the newline escaped, so it cannot forge a log line.
        $err[0].ToString() | Should -Not -Match "`n"
        $err[0].ToString() | Should -Match ([regex]::Escape('x\u000aPostUp = touch /tmp/pwned'))
    }
}

Describe 'New-WgInterface' {
    BeforeAll {
        $pair = New-WgKeyPair
        $peerB = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32, 172.19.16.0/20 -Name site-b
        $peerC = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.3/32 -Name site-c
    }

    It 'describes an interface with typed values' {
        $interface = New-WgInterface -Name wg0 -PrivateKey $pair.PrivateKey -Address 10.0.0.1/24, fd00::1/64 -ListenPort 10086 -Mtu 1420 -Table off -PostUp 'echo up %i' -Peer $peerB, $peerC
        $interface | Should -BeOfType ([WgAdmin.Model.WgInterface])
        $interface.Name | Should -BeExactly 'wg0'
        $interface.PrivateKey | Should -Be $pair.PrivateKey
        $interface.PublicKey | Should -Be $pair.PublicKey
        @($interface.Address | ForEach-Object ToString) | Should -Be @('10.0.0.1/24', 'fd00::1/64')
        $interface.ListenPort | Should -Be 10086
        $interface.Mtu | Should -Be 1420
        $interface.Table | Should -BeExactly 'off'
        $interface.PostUp | Should -Be @('echo up %i')
        @($interface.Peers.Name) | Should -Be @('site-b', 'site-c')
    }

    It 'splits -Dns into servers (Dns) and search domains (DnsSearch)' {
        $interface = New-WgInterface -Name wg0 -Dns '1.1.1.1', 'example.com'
        $interface.Dns | Should -HaveCount 1
        $interface.Dns[0] | Should -BeOfType ([System.Net.IPAddress])
        $interface.Dns[0].ToString() | Should -BeExactly '1.1.1.1'
        $interface.DnsSearch | Should -Be @('example.com')
    }

    It 'splits a comma-separated -Dns value as wg-quick does, IPv6 included' {
        $interface = New-WgInterface -Name wg0 -Dns '1.1.1.1, 2606:4700:4700::1111,corp.example'
        @($interface.Dns | ForEach-Object ToString) | Should -Be @('1.1.1.1', '2606:4700:4700::1111')
        $interface.DnsSearch | Should -Be @('corp.example')
    }

    It 'refuses a DNS entry that is neither an address nor a domain with WgAdmin.InvalidDns' {
        $interface = New-WgInterface -Name wg0 -Dns 'bad..domain' -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidDns,WgAdmin.Commands.NewWgInterfaceCommand'
        $err[0].ToString() | Should -Match "'bad\.\.domain'"
    }

    It 'keeps its own copies of the peers it is given' {
        $peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.7/32 -Name original
        $interface = New-WgInterface -Name wg0 -Peer $peer
        $peer.Name = 'changed afterwards'
        $interface.Peers[0].Name | Should -BeExactly 'original'
    }

    It 'binds PrivateKey and PublicKey by property name from a key pair in the pipeline' {
        $interface = $pair | New-WgInterface -Name wg0 -ListenPort 51820
        $interface.PrivateKey | Should -Be $pair.PrivateKey
        $interface.PublicKey | Should -Be $pair.PublicKey
    }

    It 'knows only the public key when the pair holds no private key (generated on a gateway)' {
        $publicOnly = [WgAdmin.Keys.WgKeyPair]::new($pair.PublicKey)
        $interface = $publicOnly | New-WgInterface -Name wg0
        $interface.PrivateKey | Should -BeNullOrEmpty
        $interface.PublicKey | Should -Be $pair.PublicKey
    }

    It 'accepts a 15-character name' {
        (New-WgInterface -Name 'abcdefghij_=+.-').Name | Should -BeExactly 'abcdefghij_=+.-'
    }

    It 'refuses the interface name <Name> with WgAdmin.InvalidInterfaceName' -ForEach @(
        @{ Name = 'wg 0' }
        @{ Name = 'wg0123456789abcd' }
        @{ Name = 'wg/0' }
    ) {
        $interface = New-WgInterface -Name $Name -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidInterfaceName,WgAdmin.Commands.NewWgInterfaceCommand'
        $err[0].ToString() | Should -BeLike "*'$Name'*"
    }

    It 'refuses -<Parameter> <Value> with <Id>' -ForEach @(
        @{ Parameter = 'ListenPort'; Value = 0; Id = 'WgAdmin.InvalidPort' }
        @{ Parameter = 'Mtu'; Value = 67; Id = 'WgAdmin.InvalidMtu' }
        @{ Parameter = 'FwMark'; Value = -1; Id = 'WgAdmin.InvalidFwMark' }
    ) {
        $Arguments = @{ $Parameter = $Value }
        $err = Get-ThrownError { New-WgInterface -Name wg0 @Arguments }
        $err.FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.NewWgInterfaceCommand"
    }

    It 'refuses an allowed IP on two peers with WgAdmin.DuplicateAllowedIP' {
        $other = New-WgKeyPair | New-WgPeer -AllowedIPs 172.19.20.1/20 -Name other
        $interface = New-WgInterface -Name wg0 -Peer $peerB, $other -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.DuplicateAllowedIP,WgAdmin.Commands.NewWgInterfaceCommand'
        $err[0].ToString() | Should -Match "'172\.19\.16\.0/20'"
    }

    It 'refuses the same peer key twice with WgAdmin.DuplicatePeer' {
        $again = New-WgPeer -PublicKey $peerB.PublicKey -AllowedIPs 10.0.0.99/32
        $interface = New-WgInterface -Name wg0 -Peer $peerB, $again -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.DuplicatePeer,WgAdmin.Commands.NewWgInterfaceCommand'
    }

    It 'refuses a peer with the interface''s own key with WgAdmin.PeerIsSelf' {
        $self = $pair | New-WgPeer -AllowedIPs 10.0.0.1/32
        $interface = $pair | New-WgInterface -Name wg0 -Peer $self -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.PeerIsSelf,WgAdmin.Commands.NewWgInterfaceCommand'
    }

    It 'refuses a malformed -PrivateKey with WgAdmin.InvalidKey' {
        $err = Get-ThrownError { New-WgInterface -Name wg0 -PrivateKey 'not a key' }
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidKey,WgAdmin.Commands.NewWgInterfaceCommand'
    }
}

Describe 'Add-WgPeer' {
    BeforeEach {
        $pair = New-WgKeyPair
        $keysB = New-WgKeyPair
        $peerB = $keysB | New-WgPeer -AllowedIPs 10.0.0.2/32 -Name site-b
        $interface = $pair | New-WgInterface -Name wg0 -Peer $peerB
        $peerC = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.3/32 -Name site-c
    }

    It 'adds a peer to the interface object and writes nothing without -PassThru' {
        $output = $interface | Add-WgPeer $peerC
        $output | Should -BeNullOrEmpty
        @($interface.Peers.Name) | Should -Be @('site-b', 'site-c')
    }

    It '-PassThru writes the changed interface' {
        $output = @($interface | Add-WgPeer -Peer $peerC -PassThru)
        $output | Should -HaveCount 1
        [object]::ReferenceEquals($output[0], $interface) | Should -BeTrue
        $output[0].Peers | Should -HaveCount 2
    }

    It 'refuses a peer whose key is already there with WgAdmin.DuplicatePeer and leaves the interface unchanged' {
        $update = $keysB | New-WgPeer -AllowedIPs 10.0.0.22/32 -Name site-b-new
        $output = $interface | Add-WgPeer $update -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.DuplicatePeer,WgAdmin.Commands.AddWgPeerCommand'
        $interface.Peers | Should -HaveCount 1
        $interface.Peers[0].Name | Should -BeExactly 'site-b'
        $interface.Peers[0].AllowedIPs[0].ToString() | Should -BeExactly '10.0.0.2/32'
    }

    It '-Force replaces the peer that has the same key' {
        $update = $keysB | New-WgPeer -AllowedIPs 10.0.0.22/32 -Name site-b-new
        $interface | Add-WgPeer $update -Force -ErrorVariable err
        $err | Should -HaveCount 0
        $interface.Peers | Should -HaveCount 1
        $interface.Peers[0].Name | Should -BeExactly 'site-b-new'
        $interface.Peers[0].AllowedIPs[0].ToString() | Should -BeExactly '10.0.0.22/32'
    }

    It 'adds none of several peers when one is refused' {
        $clash = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32 -Name clash
        $interface | Add-WgPeer $peerC, $clash -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.DuplicateAllowedIP,WgAdmin.Commands.AddWgPeerCommand'
        @($interface.Peers.Name) | Should -Be @('site-b')
    }

    It 'refuses a peer with the interface''s own key with WgAdmin.PeerIsSelf' {
        $interface | Add-WgPeer ($pair | New-WgPeer) -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.PeerIsSelf,WgAdmin.Commands.AddWgPeerCommand'
        $interface.Peers | Should -HaveCount 1
    }
}

Describe 'Remove-WgPeer' {
    BeforeEach {
        $keysB = New-WgKeyPair
        $keysC = New-WgKeyPair
        $interface = New-WgKeyPair | New-WgInterface -Name wg0 -Peer @(
            ($keysB | New-WgPeer -AllowedIPs 10.0.0.2/32 -Name site-b)
            ($keysC | New-WgPeer -AllowedIPs 10.0.0.3/32 -Name site-c)
        )
    }

    It 'removes a peer by public key object' {
        $output = $interface | Remove-WgPeer $keysB.PublicKey
        $output | Should -BeNullOrEmpty
        @($interface.Peers.Name) | Should -Be @('site-c')
    }

    It 'removes a peer by public key string, with -PassThru' {
        $output = @($interface | Remove-WgPeer -PublicKey $keysC.PublicKey.ToString() -PassThru)
        $output | Should -HaveCount 1
        [object]::ReferenceEquals($output[0], $interface) | Should -BeTrue
        @($interface.Peers.Name) | Should -Be @('site-b')
    }

    It 'removes a peer by name' {
        $interface | Remove-WgPeer -Name site-b
        @($interface.Peers.Name) | Should -Be @('site-c')
    }

    It 'reports a peer that is not there with WgAdmin.PeerNotFound, by <By>' -ForEach @(
        @{ By = 'name'; Arguments = @{ Name = 'site-x' } }
        @{ By = 'key'; Arguments = @{ PublicKey = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=' } }
    ) {
        $interface | Remove-WgPeer @Arguments -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.PeerNotFound,WgAdmin.Commands.RemoveWgPeerCommand'
        $interface.Peers | Should -HaveCount 2
    }

    It 'removes the peers it finds and reports the one it does not' {
        $interface | Remove-WgPeer -Name site-b, site-x -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.PeerNotFound,WgAdmin.Commands.RemoveWgPeerCommand'
        $err[0].TargetObject | Should -BeExactly 'site-x'
        @($interface.Peers.Name) | Should -Be @('site-c')
    }
}

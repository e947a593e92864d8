# -ClampMss of Set-WgInterface and Set-WgNat without gateways: what they refuse before anything
# connects (127.0.0.1 port 1, where nothing listens, would fail with a connection error instead).
# The clamp itself is tested on real rules in tests/WgAdmin.Core.Tests (FirewallTests) and on
# gateways, through a path MTU black hole, in tests/lab/Mss.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $script:interface = New-WgKeyPair | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10086 -ComputerName '127.0.0.1:1' -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32)
}

Describe '-ClampMss' {
    It 'Set-WgInterface refuses -ClampMss without -Masquerade, before connecting' {
        $err = Get-ThrownError { $interface | Set-WgInterface -ClampMss -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -Be 'WgAdmin.InvalidChangeOption,WgAdmin.Commands.SetWgInterfaceCommand'
        "$err" | Should -Match '-ClampMss goes with the NAT rules: give -Masquerade'
    }

    It 'Set-WgNat refuses -ClampMss with -Remove, before connecting' {
        $err = Get-ThrownError { Set-WgNat -ComputerName '127.0.0.1:1' -Name wg0 -Remove -ClampMss -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -Be 'WgAdmin.InvalidChangeOption,WgAdmin.Commands.SetWgNatCommand'
        "$err" | Should -Match '-ClampMss and -Remove do not go together'
    }

    It 'Set-WgNat takes -ClampMss with -Masquerade: it goes on to connect' {
        # A host that refuses at once: the error is the connection's, not a refusal of -ClampMss.
        $err = Get-ThrownError { Set-WgNat -ComputerName '127.0.0.1:1' -Name wg0 -Masquerade eth0 -ClampMss -ErrorAction Stop -Confirm:$false }
        $err.FullyQualifiedErrorId | Should -Not -BeLike 'WgAdmin.InvalidChangeOption,*'
    }
}

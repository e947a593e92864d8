BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $command = 'WgAdmin.Commands.TestWgTunnelCommand'
}

# Test-WgTunnel without a lab: what it refuses before connecting, and how it reports a gateway it
# cannot reach. The checks themselves run against lab gateways (tests/lab/Tunnel.Tests.ps1).
Describe 'Test-WgTunnel parameters' {
    It 'is exported, with a help file and a default view' {
        Get-Command Test-WgTunnel -Module WgAdmin | Should -Not -BeNullOrEmpty
        Test-Path (Join-Path $PSScriptRoot '../docs/en-US/Test-WgTunnel.md') | Should -BeTrue
        (Get-Command Test-WgTunnel).OutputType.Name | Should -Contain 'WgAdmin.Remote.WgTunnelTestResult'
        Get-FormatData -TypeName WgAdmin.Remote.WgTunnelTestResult | Should -Not -BeNullOrEmpty
    }

    It 'refuses a -MaxHandshakeAge under a second, naming the ticks trap' {
        { Test-WgTunnel -ComputerName gw-j -MaxHandshakeAge 5 -ErrorAction Stop } |
            Should -Throw -ErrorId "WgAdmin.InvalidHandshakeAge,$command" -ExpectedMessage '*00:00:00.0000005*ticks*'
    }

    It 'refuses a -Target that is not a plain IP address: <Target>' -ForEach @(
        @{ Target = 'host-k1' }, @{ Target = '10.100.11.0/24' }, @{ Target = '10.1' }, @{ Target = 'fe80::1%eth0' }, @{ Target = '10.100.11.100; reboot' }
    ) {
        $caught = $null
        try { Test-WgTunnel -ComputerName gw-j -Target 10.100.11.100, $Target -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be "WgAdmin.InvalidTunnelTarget,$command"
        $caught.Exception.Message | Should -BeLike "*-Target '$Target' is not an IP address*"
    }

    It 'refuses a -SourceAddress that is not an IP address' {
        { Test-WgTunnel -ComputerName gw-j -SourceAddress 'eth0' -ErrorAction Stop } |
            Should -Throw -ErrorId "WgAdmin.InvalidTunnelTarget,$command" -ExpectedMessage "*-SourceAddress 'eth0'*"
    }

    It 'takes IPv4 and IPv6 targets' {
        # Refused only later, at the connection: the addresses themselves were accepted.
        $errors = $null
        $null = Test-WgTunnel -ComputerName 'bad host' -Target 10.100.11.100, fd11::5 -SourceAddress 10.100.10.7 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be "WgAdmin.InvalidComputerName,$command"
    }

    It 'refuses an interface name wg-quick would refuse, and tests nothing for it' {
        $errors = $null
        $out = Test-WgTunnel -ComputerName gw-j -Name 'wg0;reboot' -ErrorVariable errors -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be "WgAdmin.InvalidInterfaceName,$command"
        Test-WgTunnel -ComputerName gw-j -Name 'wg0;reboot' -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'refuses the names wg reads as keywords, <Name>, before connecting' -ForEach @(@{ Name = 'all' }, @{ Name = 'interfaces' }) {
        # `wg show all dump` has another shape: its fields would be read in the wrong places.
        $errors = $null
        $out = Test-WgTunnel -ComputerName gw-j -Name $Name -ErrorVariable errors -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be "WgAdmin.InvalidInterfaceName,$command"
        $errors[0].Exception.Message | Should -BeLike "The interface name '$Name' is not valid: wg reads it as a keyword*"
    }

    It 'refuses -Count out of range' {
        { Test-WgTunnel -ComputerName gw-j -Count 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,WgAdmin.Commands.TestWgTunnelCommand'
    }

    It 'needs a computer name: an interface without ComputerName is an error, and -Quiet says $false' {
        $interface = New-WgKeyPair | New-WgInterface -Name wg2 -Address 10.0.2.1/24
        $errors = $null
        $interface | Test-WgTunnel -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors[0].FullyQualifiedErrorId | Should -Be "WgAdmin.InvalidComputerName,$command"
        $errors[0].Exception.Message | Should -BeLike "*'wg2'*"
        $interface | Test-WgTunnel -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'binds ComputerName and InterfaceName from Set-WgInterface results by property name' {
        $applied = [WgAdmin.Remote.WgApplyResult]@{ ComputerName = 'bad host'; InterfaceName = 'wg2' }
        $errors = $null
        $result = $applied | Test-WgTunnel -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -Be "WgAdmin.InvalidComputerName,$command"
        $result.ComputerName | Should -Be 'bad host'
        $result.InterfaceName | Should -Be 'wg2'
        $result.Passed | Should -BeFalse
    }
}

Describe 'Test-WgTunnel and a gateway it cannot reach' {
    It 'writes a ConnectionFailed error and a failed result that converts to plain JSON' {
        $errors = $null
        $result = Test-WgTunnel -ComputerName 127.0.0.1 -Port 1 -Name wg2 -ConnectTimeoutSeconds 3 -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be "WgAdmin.ConnectionFailed,$command"
        $result.Kind | Should -Be 'Interface'
        $result.Passed | Should -BeFalse
        $result.Reasons.Count | Should -Be 1
        $result.Reasons[0] | Should -BeLike '*127.0.0.1*'
        $json = $result | ConvertTo-Json | ConvertFrom-Json
        $json.Passed | Should -BeFalse
        $json.ComputerName | Should -Be '127.0.0.1'
        $json.Reasons | Should -Be $result.Reasons
    }

    It '-Quiet gives one $false and no error record' {
        $errors = $null
        $quiet = @(Test-WgTunnel -ComputerName 127.0.0.1, 127.0.0.2 -Port 1 -ConnectTimeoutSeconds 3 -Quiet -ErrorVariable errors)
        $quiet.Count | Should -Be 1
        $quiet[0] | Should -BeOfType ([bool])
        $quiet[0] | Should -BeFalse
        $errors | Should -BeNullOrEmpty
    }
}

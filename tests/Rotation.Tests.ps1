# Update-WgKey and Update-WgPresharedKey without gateways: how they bind (a topology file or
# object; no -ComputerName, no -Session: the hosts are the topology's), what they refuse before
# anything connects (each with its fixed error ID, the value quoted), -WhatIf and -OlderThan that
# connect to nothing and change nothing, and a gateway that cannot be reached stopping a key
# rotation with nothing written. The rotations themselves run on gateways in tests/lab/Rotation.Tests.ps1.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    # Sites on gateways that refuse connections at once (127.0.0.1, port 1).
    function New-RotationTopology([switch] $PresharedKeys, [switch] $NoGateway) {
        $sites = @(
            New-WgSite -Name site-a -ComputerName $(if ($NoGateway) { $null } else { '127.0.0.1:1' }) -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24
            New-WgSite -Name site-b -ComputerName '127.0.0.2:1' -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20
            New-WgSite -Name site-c -ComputerName '127.0.0.3:1' -Endpoint 198.51.100.30:10086 -LanPrefix 10.12.0.0/24
        )
        $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -PresharedKeys:$PresharedKeys -AsTopology
    }
}

Describe 'Update-WgKey and Update-WgPresharedKey' {
    Context 'binding' -ForEach @(@{ Name = 'Update-WgKey' }, @{ Name = 'Update-WgPresharedKey' }) {
        It '<Name> takes a topology file by position or a topology from the pipeline, and no hosts of its own' {
            $command = Get-Command $Name
            $command.ParameterSets.Name | Sort-Object | Should -Be @('Path', 'Topology')
            $command.Parameters['Path'].ParameterSets['Path'].Position | Should -Be 0
            $command.Parameters['Topology'].ParameterSets['Topology'].ValueFromPipeline | Should -BeTrue
            $command.Parameters.Keys | Should -Not -Contain 'ComputerName'
            $command.Parameters.Keys | Should -Not -Contain 'Session'
            $command.Parameters.Keys | Should -Contain 'OlderThan'
            $command.Parameters.Keys | Should -Contain 'ConfirmWithin'
            $command.OutputType.Type | Should -Be ([WgAdmin.Remote.WgRotationResult])
        }

        It '<Name> refuses -ManualConfirm before anything connects' {
            $err = Get-ThrownError { New-RotationTopology -PresharedKeys | & $Name -ConfirmWithin 00:01:00 -ManualConfirm -Confirm:$false }
            $err.FullyQualifiedErrorId | Should -BeLike 'WgAdmin.InvalidChangeOption,*'
        }

        It '<Name> names a site the topology does not have' {
            $null = New-RotationTopology -PresharedKeys | & $Name -Site site-x -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.SiteNotFound,*'
            $errors[0].ToString() | Should -Match "'site-x'"
        }

        It '<Name> refuses a site without a gateway' {
            $null = New-RotationTopology -PresharedKeys -NoGateway | & $Name -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.SiteHasNoGateway,*'
            $errors[0].ToString() | Should -Match "'site-a'"
        }
    }

    It 'Update-WgPresharedKey refuses a topology without preshared keys' {
        $null = New-RotationTopology | Update-WgPresharedKey -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.NoPresharedKeys,*'
    }

    It 'Update-WgPresharedKey -WhatIf prints the plan, connects to nothing and leaves the file as it was' {
        $file = Join-Path $TestDrive 'psk.topology'
        New-RotationTopology -PresharedKeys | Export-WgTopology -Path $file -IncludeSecret
        $before = Get-Content -Raw $file
        $out = Update-WgPresharedKey -Path $file -Site site-a -Peer site-b -WhatIf -Verbose 4>&1 -ErrorAction Stop
        $text = $out | Out-String
        $text | Should -Match '1 preshared key'
        $text | Should -Match 'site-a \(127\.0\.0\.1:1/wg0\): new preshared keys for site-b'
        Get-Content -Raw $file | Should -Be $before
        $topology = Import-WgTopology $file -AsTopology
        foreach ($pair in $topology.PresharedKeyPairs()) { $text | Should -Not -Match ([regex]::Escape($pair.Item3.Reveal())) }
    }

    It 'Update-WgPresharedKey -OlderThan leaves keys that are not due, without connecting' {
        $file = Join-Path $TestDrive 'fresh.topology'
        New-RotationTopology -PresharedKeys | Export-WgTopology -Path $file -IncludeSecret
        $out = @(Update-WgPresharedKey -Path $file -OlderThan 1.00:00:00 -Confirm:$false -ErrorAction Stop)
        $out.Count | Should -Be 0
    }

    It 'Update-WgKey stops before changing anything when the gateways cannot be reached' {
        $file = Join-Path $TestDrive 'keys.topology'
        New-RotationTopology | Export-WgTopology -Path $file -IncludeSecret
        $before = Get-Content -Raw $file
        $out = @(Update-WgKey -Path $file -ConnectTimeoutSeconds 2 -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue)
        $out.Count | Should -Be 0
        $errors.Count | Should -Be 3
        $errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'WgAdmin.ConnectionFailed,*' }
        Get-Content -Raw $file | Should -Be $before
    }

    It 'the file records key ages, and Import-WgTopology shows them without a secret' {
        $file = Join-Path $TestDrive 'ages.topology'
        New-RotationTopology -PresharedKeys | Export-WgTopology -Path $file
        $text = Get-Content -Raw $file
        $text | Should -Match 'KeyCreated = \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'
        $text | Should -Match '\[PresharedKey\]\nSites = site-a, site-b\nCreated = '
        $sites = (Import-WgTopology $file -AsTopology -WarningAction SilentlyContinue).Sites
        $sites | ForEach-Object { $_.KeyAge | Should -BeLessThan ([TimeSpan]'00:10:00') }
        ($sites | Format-Table | Out-String -Width 250) | Should -Match 'KeyAge'
    }
}

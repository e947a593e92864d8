# The conventions of a good PowerShell module, for every cmdlet WgAdmin exports: approved verbs;
# -WhatIf and -Confirm exactly on the cmdlets that change something, and honoured; [OutputType]
# everywhere; -PassThru where a cmdlet would otherwise write nothing; the manifest exports exactly
# the cmdlets the assembly has. A new cmdlet fails here until it is put in one of the lists below.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $commandCases = Get-Command -Module WgAdmin | ForEach-Object { @{ Name = $_.Name } }

    # Cmdlets that change something outside the pipeline's new objects: a file, a gateway, a kept
    # session, or the interface object handed to them (Add-WgPeer and Remove-WgPeer change it in place).
    # New-WgKeyPair changes a gateway with -ComputerName (its key file); made here, a key is only memory.
    # Set-WgLanRoute and Remove-WgLanRoute change LAN hosts over SSH; Get-WgLanRoute only lists routes.
    # Confirm-WgChange and Undo-WgChange end a change awaiting confirmation on a host.
    # Export-WgMetrics writes a file with -Path (it only reads its gateways; it writes results, so no -PassThru).
    # Update-WgKey and Update-WgPresharedKey change both ends of tunnels, and the topology file.
    $changing = 'Add-WgPeer', 'Remove-WgPeer', 'Export-WgConfig', 'Remove-WgSession', 'New-WgKeyPair',
        'Set-WgInterface', 'Remove-WgInterface', 'Enable-WgForwarding', 'Set-WgNat', 'Export-WgTopology', 'Set-WgLanRoute', 'Remove-WgLanRoute',
        'Confirm-WgChange', 'Undo-WgChange', 'Update-WgKey', 'Update-WgPresharedKey', 'Sync-WgEndpoint', 'Export-WgMetrics'
    # Cmdlets that only read, or build new objects in memory: -WhatIf would promise something they cannot skip.
    # New-WgSession opens a connection and changes nothing (with -HostKeyPolicy AcceptNew it records a
    # host key in known_hosts, as ssh does, on the admin's explicit request). Test-WgTunnel only reads
    # a gateway's state and pings through its tunnel.
    $readOnly = 'New-WgPresharedKey', 'Get-WgPublicKey', 'New-WgPeer', 'New-WgInterface', 'ConvertTo-WgConfig',
        'ConvertFrom-WgConfig', 'Import-WgConfig', 'New-WgSession', 'Get-WgSession', 'Get-WgInterface',
        'Compare-WgInterface', 'New-WgSite', 'New-WgTopology', 'Import-WgTopology', 'Test-WgTunnel', 'Get-WgLanRoute'
    # -PassThru where the cmdlet writes nothing otherwise: what it wrote, changed or closed.
    $passThru = @{ 'Export-WgConfig' = 'System.IO.FileInfo'; 'Export-WgTopology' = 'System.IO.FileInfo'; 'Add-WgPeer' = 'WgAdmin.Model.WgInterface'; 'Remove-WgPeer' = 'WgAdmin.Model.WgInterface'; 'Remove-WgSession' = 'WgAdmin.Commands.WgSession' }
    $passThruCases = $passThru.Keys | Sort-Object | ForEach-Object { @{ Name = $_; Type = $passThru[$_] } }
    $changingCases = $changing | ForEach-Object { @{ Name = $_ } }
    $readOnlyCases = $readOnly | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $approved = (Get-Verb).Verb

    function Get-CmdletAttribute([string] $Name) {
        $type = (Get-Command $Name).ImplementingType
        $type.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
    }

    function New-TestInterface {
        $peerB = New-WgKeyPair | New-WgPeer -Name site-b -AllowedIPs 10.0.0.2/32, 172.19.16.0/20 -Endpoint 198.51.100.2:10086
        New-WgKeyPair | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10086 -Peer $peerB
    }
}

Describe 'The module''s commands' {
    It 'the manifest exports exactly the cmdlets the assembly has' {
        $manifest = Import-PowerShellDataFile (Get-TestModulePath)
        $assembly = (Get-Command New-WgKeyPair).ImplementingType.Assembly
        $inAssembly = $assembly.GetExportedTypes() | Where-Object { -not $_.IsAbstract } |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { "$($_.VerbName)-$($_.NounName)" }
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be @($inAssembly | Sort-Object)
        @((Get-Command -Module WgAdmin).Name | Sort-Object) | Should -Be @($inAssembly | Sort-Object)
        $manifest.CmdletsToExport | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        foreach ($list in 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') { $manifest[$list] | Should -BeNullOrEmpty -Because "$list exports nothing" }
    }

    It 'every exported cmdlet is listed as changing something or as read-only, never both' -ForEach @{ Changing = $changing; ReadOnly = $readOnly } {
        $all = (Get-Command -Module WgAdmin).Name
        @($Changing + $ReadOnly | Sort-Object) | Should -Be @($all | Sort-Object)
        $Changing | Where-Object { $_ -in $ReadOnly } | Should -BeNullOrEmpty
    }
}

Describe '<Name>' -ForEach $commandCases {
    It 'uses an approved verb' {
        (Get-Command $Name).Verb | Should -BeIn $approved
    }

    It 'declares what it writes with [OutputType]' {
        (Get-Command $Name).OutputType | Should -Not -BeNullOrEmpty
    }
}

Describe '<Name> changes something' -ForEach $changingCases {
    It 'supports -WhatIf and -Confirm' {
        (Get-CmdletAttribute $Name).SupportsShouldProcess | Should -BeTrue
        (Get-Command $Name).Parameters.Keys | Should -Contain 'WhatIf'
    }
}

Describe '<Name> changes nothing' -ForEach $readOnlyCases {
    It 'offers no -WhatIf' {
        (Get-CmdletAttribute $Name).SupportsShouldProcess | Should -BeFalse
    }
}

Describe '-PassThru on <Name>' -ForEach $passThruCases {
    It 'is there, and [OutputType] names what it writes' {
        (Get-Command $Name).Parameters.Keys | Should -Contain 'PassThru'
        (Get-Command $Name).OutputType.Type.FullName | Should -Contain $Type
    }
}

Describe '-WhatIf is honoured by the cmdlets that change local things' {
    It 'Export-WgConfig -WhatIf writes no file, and -PassThru writes nothing either' {
        $folder = New-TestFolder
        $output = New-TestInterface | Export-WgConfig -Path $folder -PassThru -WhatIf
        $output | Should -BeNullOrEmpty
        Get-ChildItem -Force $folder | Should -BeNullOrEmpty
    }

    It 'Export-WgConfig -PassThru writes the file it wrote' {
        $folder = New-TestFolder
        $file = New-TestInterface | Export-WgConfig -Path $folder -PassThru
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be (Join-Path $folder 'wg0.conf')
        $file.Exists | Should -BeTrue
    }

    It 'Add-WgPeer -WhatIf leaves the interface as it was' {
        $interface = New-TestInterface
        $before = $interface | ConvertTo-WgConfig
        $peerC = New-WgKeyPair | New-WgPeer -Name site-c -AllowedIPs 10.0.0.3/32
        $output = $interface | Add-WgPeer $peerC -PassThru -WhatIf
        $output | Should -BeNullOrEmpty
        $interface | ConvertTo-WgConfig | Should -BeExactly $before
        $interface | Add-WgPeer $peerC -PassThru | ForEach-Object { $_.Peers.Name } | Should -Be 'site-b', 'site-c'
    }

    It 'Remove-WgPeer -WhatIf leaves the interface as it was' {
        $interface = New-TestInterface
        $before = $interface | ConvertTo-WgConfig
        $output = $interface | Remove-WgPeer -Name site-b -PassThru -WhatIf
        $output | Should -BeNullOrEmpty
        $interface | ConvertTo-WgConfig | Should -BeExactly $before
        ($interface | Remove-WgPeer -Name site-b -PassThru).Peers | Should -BeNullOrEmpty
    }

    It 'New-WgKeyPair -ComputerName -WhatIf connects to nothing (nothing listens on port 1: a connection would fail)' {
        $errors = $null
        $output = New-WgKeyPair -ComputerName 127.0.0.1 -Port 1 -InterfaceName wg0 -ConnectTimeoutSeconds 5 -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        # Without -WhatIf it does try, and fails: the test above would have seen that.
        New-WgKeyPair -ComputerName 127.0.0.1 -Port 1 -InterfaceName wg0 -ConnectTimeoutSeconds 5 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -Be 'WgAdmin.ConnectionFailed,WgAdmin.Commands.NewWgKeyPairCommand'
    }

    It 'Export-WgTopology -WhatIf writes no file, and -PassThru writes nothing either' {
        $folder = New-TestFolder
        $topology = @(
            New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24
            New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -AsTopology
        $output = $topology | Export-WgTopology -Path (Join-Path $folder 'sites.topology') -PassThru -WhatIf
        $output | Should -BeNullOrEmpty
        Get-ChildItem -Force $folder | Should -BeNullOrEmpty
        ($topology | Export-WgTopology -Path (Join-Path $folder 'sites.topology') -PassThru).Exists | Should -BeTrue
    }

    It 'Set-WgLanRoute and Remove-WgLanRoute -WhatIf connect to nothing (nothing listens on port 1: a connection would fail)' {
        $topology = @(
            New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1
            New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -AsTopology
        $errors = $null
        $output = Set-WgLanRoute -Topology $topology -Site site-a -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        $output = Remove-WgLanRoute -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        # Without -WhatIf it does try, and fails: the test above would have seen that.
        $output = Set-WgLanRoute -Topology $topology -Site site-a -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -Be 'WgAdmin.ConnectionFailed,WgAdmin.Commands.SetWgLanRouteCommand'
        $output.Error | Should -Not -BeNullOrEmpty
        $output = Remove-WgLanRoute -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -Be 'WgAdmin.ConnectionFailed,WgAdmin.Commands.RemoveWgLanRouteCommand'
        $output.Error | Should -Not -BeNullOrEmpty
    }

    It 'New-WgKeyPair made here needs no -WhatIf: it still makes keys under it' {
        (New-WgKeyPair -WhatIf).PublicKey | Should -Not -BeNullOrEmpty
    }
}

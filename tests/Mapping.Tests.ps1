BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
}

# 1:1 prefix mapping of overlapping LANs (issue 14), through the cmdlets; the gateway rules are
# tested with real packets in PrefixMapTests and tests/lab/Mapping.Tests.ps1.
Describe 'Overlapping offices through the cmdlets' {
    BeforeAll {
        function New-Offices {
            @(
                New-WgSite -Name office-a -ComputerName gw-a -Endpoint 198.51.100.10:10086 -LanPrefix 192.168.1.0/24 -LanAddress 192.168.1.1
                New-WgSite -Name office-b -ComputerName gw-b -Endpoint 198.51.100.20:10086 -LanPrefix 192.168.1.0/24 -LanAddress 192.168.1.1
                New-WgSite -Name office-c -ComputerName gw-c -Endpoint 198.51.100.30:10086 -LanPrefix 10.100.3.0/24 -LanAddress 10.100.3.1
            )
        }
    }

    It 'New-WgSite takes -MappedPrefix, and a value that is no prefix is its own error' {
        $site = New-WgSite -Name a -Endpoint 198.51.100.1:1 -LanPrefix 192.168.1.0/24 -MappedPrefix 10.201.1.0/24
        $site.MappedPrefix | Should -Be ([WgAdmin.Net.WgPrefix]'10.201.1.0/24')
        $site.IsMapped | Should -BeTrue
        "$($site.Mappings)" | Should -Be '192.168.1.0/24 as 10.201.1.0/24'
        New-WgSite -Name a -Endpoint 198.51.100.1:1 -LanPrefix 192.168.1.0/24 -MappedPrefix 10.201.1.0/33 -ErrorVariable bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        "$($bad[0])" | Should -Match '10\.201\.1\.0/33'
    }

    It 'without a mapping: LanOverlap naming both and suggesting -ResolveOverlap, and no interface' {
        $out = New-Offices | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.LanOverlap,WgAdmin.Commands.NewWgTopologyCommand'
        "$($err[0])" | Should -Match "of site 'office-a' overlaps .* of site 'office-b'.*New-WgTopology -ResolveOverlap"
    }

    It '-ResolveOverlap maps both twins from the pool and builds; the far gateways see the mapped prefixes' {
        $topology = New-Offices | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ResolveOverlap -MappingPool 10.201.0.0/16 -AsTopology -Verbose 4>&1 -OutVariable all |
            Where-Object { $_ -is [WgAdmin.Topology.WgTopology] }
        @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -Be 2
        $a, $b, $c = $topology.Sites
        $c.IsMapped | Should -BeFalse
        foreach ($s in $a, $b) { ([WgAdmin.Net.WgPrefix]'10.201.0.0/16').Contains($s.MappedPrefix[0].Address) | Should -BeTrue }
        $onC = $topology.Interfaces[2]
        $onC.Peers.AllowedIPs | ForEach-Object ToString | Should -Not -Contain "192.168.1.0/24"
        $onC.Peers.AllowedIPs | ForEach-Object ToString | Should -Contain "$($b.MappedPrefix[0])"
        "$($topology.Interfaces[0].PrefixMappings)" | Should -Be "192.168.1.0/24 as $($a.MappedPrefix[0])"
        # Get-WgLanRoute advises the mapped prefix of the twin.
        (Get-WgLanRoute -Topology $topology | Where-Object Site -EQ office-a).Destination | Should -Be "$($b.MappedPrefix[0])", '10.100.3.0/24'
    }

    It '-MappingPool without -ResolveOverlap, a pool too small and an overlapping mapped prefix are refused' {
        New-Offices | New-WgTopology -TunnelPrefix 10.0.0.0/24 -MappingPool 10.201.0.0/16 -ErrorVariable e1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e1[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidMappedPrefix,WgAdmin.Commands.NewWgTopologyCommand'
        New-Offices | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ResolveOverlap -MappingPool 10.201.0.0/24 -ErrorVariable e2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e2[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.MappingPoolExhausted,WgAdmin.Commands.NewWgTopologyCommand'
        $sites = New-Offices
        $sites[0].MappedPrefix = [WgAdmin.Net.WgPrefix[]]@('10.100.3.0/24')
        $sites[1].MappedPrefix = [WgAdmin.Net.WgPrefix[]]@('10.201.2.0/24')
        $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ErrorVariable e3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e3[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.MappedPrefixOverlap,WgAdmin.Commands.NewWgTopologyCommand'
        "$($e3[0])" | Should -Match "'10\.100\.3\.0/24' of site 'office-a' overlaps the LAN prefix '10\.100\.3\.0/24' of site 'office-c'"
    }

    It 'Export-WgTopology and Import-WgTopology keep the mapped prefixes and the mappings of the interfaces' {
        $topology = New-Offices | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ResolveOverlap -AsTopology
        $path = Join-Path $TestDrive 'offices.topology'
        $topology | Export-WgTopology -Path $path -IncludeSecret
        (Get-Content -Raw $path) | Should -Match "MappedPrefix = $([regex]::Escape("$($topology.Sites[0].MappedPrefix[0])"))"
        $read = Import-WgTopology -Path $path
        @($read).Count | Should -Be 3
        "$($read[0].PrefixMappings)" | Should -Be "$($topology.Interfaces[0].PrefixMappings)"
        $read[2].PrefixMappings | Should -BeNullOrEmpty
    }
}

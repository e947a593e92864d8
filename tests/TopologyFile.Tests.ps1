BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
}

Describe 'Topology files' {
    BeforeAll {
        $sites = @(
            New-WgSite -Name site-a -ComputerName gw-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1 -WanInterface eth0
            New-WgSite -Name site-b -ComputerName gw-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7 -Cloud
        )
        $topology = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -PresharedKeys -AsTopology
    }

    It 'emits the topology with its interfaces with -AsTopology, and interfaces by default' {
        $topology | Should -BeOfType ([WgAdmin.Topology.WgTopology])
        $topology.Interfaces.Count | Should -Be 2
        $topology.Sites.Name | Should -Be @('site-a', 'site-b')
        $plain = @($sites | New-WgTopology -TunnelPrefix 10.0.0.0/24)
        $plain.Count | Should -Be 2
        $plain[0] | Should -BeOfType ([WgAdmin.Model.WgInterface])
        ($topology | Out-String) | Should -Match 'site-a, site-b'
    }

    It 'round-trips through a file with -IncludeSecret: the same interfaces, keys included, mode 0600' {
        $file = Join-Path $TestDrive 'sites.topology'
        $topology | Export-WgTopology -Path $file -IncludeSecret
        (Get-Item $file).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        $read = @(Import-WgTopology $file)
        $read.Count | Should -Be 2
        for ($i = 0; $i -lt 2; $i++) {
            ($read[$i] | ConvertTo-WgConfig -IncludeSecret) | Should -BeExactly ($topology.Interfaces[$i] | ConvertTo-WgConfig -IncludeSecret)
            $read[$i].ComputerName | Should -Be $topology.Interfaces[$i].ComputerName
        }
        $again = Import-WgTopology $file -AsTopology
        $again.Sites[0].LanAddress | Should -Be '10.11.7.1'
        $again.Sites[1].Cloud | Should -BeTrue
        $again.Sites[0].WanInterface | Should -Be 'eth0'
    }

    It 'refuses a file of more sites than -MaximumSites (1,000) before building anything, naming the limit' {
        # The issue's file held 4,000 mesh sites in 530 KB: 16 million peers, out of memory after 114 s.
        $text = [Text.StringBuilder]::new("[Topology]`nTunnelPrefix = 10.0.0.0/16`nShape = Mesh`n")
        for ($i = 0; $i -lt 4000; $i++) {
            $publicKey = [WgAdmin.Keys.WgPrivateKey]::Generate().PublicKey
            [void] $text.Append("[Site]`nName = s$i`nEndpoint = 198.51.$([math]::Floor($i / 250)).$($i % 250 + 1):51820`nLanPrefix = 10.$(100 + [math]::Floor($i / 256)).$($i % 256).0/24`nPublicKey = $publicKey`n")
        }
        $file = Join-Path $TestDrive 'huge.topology'
        Set-Content $file $text.ToString()
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $out = Import-WgTopology $file -ErrorVariable failed -ErrorAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
        $out | Should -BeNullOrEmpty
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.TopologyTooLarge,WgAdmin.Commands.ImportWgTopologyCommand'
        $failed[0].Exception.Message | Should -Match 'limit of 1,000.*-MaximumSites 4000'
    }

    It 'takes -MaximumSites for a larger (or smaller) limit' {
        $file = Join-Path $TestDrive 'limit.topology'
        $topology | Export-WgTopology -Path $file -IncludeSecret
        Import-WgTopology $file -MaximumSites 1 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.TopologyTooLarge,WgAdmin.Commands.ImportWgTopologyCommand'
        @(Import-WgTopology $file -MaximumSites 2).Count | Should -Be 2
    }

    It 'keeps keys stable: a second export of the same topology is the same file' {
        $one = Join-Path $TestDrive 'one.topology'
        $two = Join-Path $TestDrive 'two.topology'
        $topology | Export-WgTopology -Path $one -IncludeSecret
        $topology | Export-WgTopology -Path $two -IncludeSecret
        Get-Content -Raw $two | Should -BeExactly (Get-Content -Raw $one)
    }

    It 'writes no private or preshared key without -IncludeSecret, and then refuses to emit interfaces that would drop the preshared keys' {
        $file = Join-Path $TestDrive 'public.topology'
        $topology | Export-WgTopology -Path $file
        $text = Get-Content -Raw $file
        foreach ($config in $topology.Interfaces) {
            $text | Should -Not -Match ([regex]::Escape($config.PrivateKey.Reveal()))
            $text | Should -Not -Match ([regex]::Escape($config.Peers[0].PresharedKey.Reveal()))
            $text | Should -Match ([regex]::Escape("PublicKey = $($config.PublicKey)"))
        }
        $out = Import-WgTopology $file -ErrorVariable failed -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.SecretNotInFile,WgAdmin.Commands.ImportWgTopologyCommand'
        $failed[0].ToString() | Should -Match 'public\.topology'
        $asTopology = Import-WgTopology $file -AsTopology -WarningVariable warned 3>$null
        $asTopology.Interfaces.Count | Should -Be 0
        "$warned" | Should -Match 'WgAdmin.SecretNotInFile'
        @(Get-WgLanRoute -Topology $asTopology).Count | Should -Be 2
    }

    It 'gives public-key-only interfaces from a file without secrets for keys made on the gateways' {
        $gatewayMade = @(
            New-WgSite -Name site-a -ComputerName gw-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -PublicKey (New-WgKeyPair).PublicKey
            New-WgSite -Name site-b -ComputerName gw-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -PublicKey (New-WgKeyPair).PublicKey
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -AsTopology
        $file = Join-Path $TestDrive 'gateway-made.topology'
        $gatewayMade | Export-WgTopology -Path $file
        $read = @(Import-WgTopology $file)
        $read | ForEach-Object { $_.PrivateKey | Should -BeNullOrEmpty }
        $read.PublicKey | Should -Be $gatewayMade.Interfaces.PublicKey
    }

    It 'does not replace a file without -Force, and writes nothing with -WhatIf' {
        $file = Join-Path $TestDrive 'kept.topology'
        Set-Content $file 'old'
        $topology | Export-WgTopology -Path $file -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.FileExists,WgAdmin.Commands.ExportWgTopologyCommand'
        $topology | Export-WgTopology -Path $file -Force -WhatIf
        Get-Content -Raw $file | Should -BeExactly "old$([Environment]::NewLine)"
        $new = Join-Path $TestDrive 'new.topology'
        $topology | Export-WgTopology -Path $new -WhatIf
        Test-Path $new | Should -BeFalse
    }

    It 'reports a bad file with its line and a fixed ID, and emits nothing' {
        $file = Join-Path $TestDrive 'bad.topology'
        Set-Content $file "[Topology]`nTunnelPrefix = 10.0.0.0/24`n[Site]`nName = a`nEndpoint = 198.51.100.1:1`nLanPrefix = 10.1.0.0/33`nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="
        $out = Import-WgTopology $file -ErrorVariable failed -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidPrefix,WgAdmin.Commands.ImportWgTopologyCommand'
        $failed[0].ToString() | Should -Match 'line 6'
        Import-WgTopology (Join-Path $TestDrive 'missing.topology') -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.FileNotFound,WgAdmin.Commands.ImportWgTopologyCommand'
    }

    It 'runs the checks on import: overlapping LANs in a hand-edited file' {
        $file = Join-Path $TestDrive 'overlap.topology'
        $topology | Export-WgTopology -Path $file -IncludeSecret
        (Get-Content -Raw $file).Replace('LanPrefix = 172.19.16.0/20', 'LanPrefix = 10.11.0.0/16').Replace('LanAddress = 172.19.16.7', 'LanAddress = 10.11.0.7') | Set-Content $file
        Import-WgTopology $file -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.LanOverlap,WgAdmin.Commands.ImportWgTopologyCommand'
        # The check's error names the file and the line of site-b's [Site] section.
        $lines = Get-Content $file
        $siteB = ([array]::IndexOf($lines, 'Name = site-b')) # the line before Name is [Site]; IndexOf is 0-based
        $lines[$siteB - 1] | Should -BeExactly '[Site]'
        $failed[0].ToString() | Should -Match ([regex]::Escape("overlap.topology: line $siteB`:"))
    }

    It 'never shows a key from a mistyped key line, in any part of the error record' {
        $key = (New-WgKeyPair).PrivateKey.Reveal()
        $file = Join-Path $TestDrive 'pasted.topology'
        foreach ($line in "PrivateKey: $key", "Privatekey $key", $key, "PrivateKey: $key # gw-a", "PrivateKey $($key.TrimEnd('='))") {
            Set-Content $file "[Topology]`nTunnelPrefix = 10.0.0.0/24`n[Site]`nName = a`nEndpoint = 198.51.100.1:1`nLanPrefix = 10.1.0.0/16`n$line"
            Import-WgTopology $file -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $failed.Count | Should -BeGreaterThan 0
            ($failed | ForEach-Object ToString) -join "`n" | Should -Match 'pasted\.topology: line 7: '
            foreach ($record in $failed) {
                $text = "$record $($record.Exception.Message) $($record.ErrorDetails.Message) $($record.TargetObject) $($record.Exception.Errors.Offender) $($record | Format-List * -Force | Out-String)"
                $text | Should -Not -Match ([regex]::Escape($key.Substring(0, 20)))
            }
        }
    }

    It 'refuses a key given twice in a section, with both lines' {
        $file = Join-Path $TestDrive 'twice.topology'
        Set-Content $file "[Topology]`nTunnelPrefix = 10.0.0.0/24`n[Site]`nName = a`nEndpoint = 198.51.100.1:1`nLanPrefix = 10.1.0.0/16`nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=`nName = b"
        Import-WgTopology $file -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.DuplicateKey,WgAdmin.Commands.ImportWgTopologyCommand'
        $failed[0].ToString() | Should -Match 'twice\.topology: line 8: .*line 4'
    }

    It 'round-trips site names with commas and preshared keys' {
        $commas = @(
            New-WgSite -Name 'Hamburg, Hafen' -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24
            New-WgSite -Name 'Kiel,' -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20
            New-WgSite -Name ',Lübeck' -Endpoint 198.51.100.30:10086 -LanPrefix 192.168.50.0/24
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -PresharedKeys -AsTopology
        $file = Join-Path $TestDrive 'commas.topology'
        $commas | Export-WgTopology -Path $file -IncludeSecret
        (Get-Content -Raw $file) | Should -Match ([regex]::Escape('Sites = Hamburg, Hafen, Kiel,'))
        $read = @(Import-WgTopology $file)
        $read.Count | Should -Be 3
        for ($i = 0; $i -lt 3; $i++) {
            ($read[$i] | ConvertTo-WgConfig -IncludeSecret) | Should -BeExactly ($commas.Interfaces[$i] | ConvertTo-WgConfig -IncludeSecret)
        }
    }
}

Describe 'Get-WgLanRoute' {
    BeforeAll {
        $sites = @(
            New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1
            New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7 -Cloud
            New-WgSite -Name site-c -Endpoint 198.51.100.30:10086 -LanPrefix 192.168.50.0/24
        )
        $topology = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub site-a -AsTopology
    }

    It 'gives every far LAN via the local gateway, with the ip route command (hub-and-spoke too)' {
        $routes = @(Get-WgLanRoute -Topology $topology -Site site-a)
        $routes.Destination | Should -Be @('172.19.16.0/20', '192.168.50.0/24')
        $routes.Command | Should -Be @('ip route replace 172.19.16.0/20 via 10.11.7.1', 'ip route replace 192.168.50.0/24 via 10.11.7.1')
        $routes[0].Site | Should -Be 'site-a'
        $routes[0].Gateway | Should -Be '10.11.7.1'
    }

    It 'notes the provider''s route table for a cloud site' {
        (Get-WgLanRoute -Topology $topology -Site site-b).Note | Should -Match 'route table'
    }

    It 'warns and gives no command when the gateway''s LAN address is unknown' {
        $c = @(Get-WgLanRoute -Topology $topology -Site site-c -WarningVariable warned 3>$null)
        $c.Count | Should -Be 2
        $c | ForEach-Object { $_.Command | Should -BeNullOrEmpty }
        "$warned" | Should -Match 'WgAdmin.LanAddressUnknown'
    }

    It 'converts to JSON as plain strings' {
        $json = Get-WgLanRoute -Topology $topology -Site site-a | ConvertTo-Json | ConvertFrom-Json
        $json[0].Destination | Should -Be '172.19.16.0/20'
        $json[0].Command | Should -Be 'ip route replace 172.19.16.0/20 via 10.11.7.1'
    }

    It 'refuses an unknown site' {
        Get-WgLanRoute -Topology $topology -Site site-z -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.SiteNotFound,WgAdmin.Commands.GetWgLanRouteCommand'
    }

    It 'takes the interfaces New-WgTopology and Import-WgTopology write by default, piped or as -Topology, and lists their topology once' {
        $interfaces = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub site-a
        $expected = @(Get-WgLanRoute -Topology $topology 3>$null | ForEach-Object Command)
        @($interfaces | Get-WgLanRoute 3>$null | ForEach-Object Command) | Should -Be $expected
        @(Get-WgLanRoute -Topology $interfaces 3>$null | ForEach-Object Command) | Should -Be $expected
        @(Get-WgLanRoute -Topology $interfaces[1] -Site site-a | ForEach-Object Command) | Should -Be @($expected[0..1])
        $file = Join-Path $TestDrive 'lan-routes.topology'
        $topology | Export-WgTopology -Path $file -IncludeSecret -Force
        @(Import-WgTopology $file | Get-WgLanRoute 3>$null | ForEach-Object Command) | Should -Be $expected
    }

    It 'refuses an interface no topology built, and interfaces of two topologies, saying what to pass instead' {
        $alone = New-WgKeyPair | New-WgInterface -Name wg0 -Address 10.0.0.1/24
        $caught = $null
        try { $alone | Get-WgLanRoute -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeExactly 'ParameterArgumentTransformationError,WgAdmin.Commands.GetWgLanRouteCommand'
        $caught.Exception.Message | Should -BeLike "*'wg0'*-AsTopology*"
        $copy = ($sites | New-WgTopology -TunnelPrefix 10.0.0.0/24)[0].Clone()
        { Get-WgLanRoute -Topology $copy -ErrorAction Stop } | Should -Throw -ExpectedMessage '*-AsTopology*'
        $two = @(($sites | New-WgTopology -TunnelPrefix 10.0.0.0/24)[0]; ($sites | New-WgTopology -TunnelPrefix 10.0.1.0/24)[0])
        { Get-WgLanRoute -Topology $two -ErrorAction Stop } | Should -Throw -ExpectedMessage '*2 topologies*'
    }
}

Describe 'Set-WgLanRoute and Remove-WgLanRoute before connecting' {
    BeforeAll {
        $sites = @(
            New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1
            New-WgSite -Name site-b -ComputerName gw-b.invalid -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20
            New-WgSite -Name site-c -Endpoint 198.51.100.30:10086 -LanPrefix 192.168.50.0/24
        )
        $topology = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub site-a -AsTopology
        $command = 'WgAdmin.Commands.SetWgLanRouteCommand'
    }

    It 'refuses a site without LAN address or gateway to read it from, and a missing -Site, before connecting anywhere' {
        { Set-WgLanRoute -Topology $topology -Site site-c -ComputerName 'lan-host.invalid' -ErrorAction Stop } |
            Should -Throw -ErrorId "WgAdmin.LanAddressUnknown,$command" -ExpectedMessage '*-LanAddress*'
        { Set-WgLanRoute -Topology $topology -ComputerName 'lan-host.invalid' -ErrorAction Stop } |
            Should -Throw -ErrorId "WgAdmin.SiteNotFound,$command"
        { Set-WgLanRoute -Topology $topology -Site site-z -ComputerName 'lan-host.invalid' -ErrorAction Stop } |
            Should -Throw -ErrorId "WgAdmin.SiteNotFound,$command"
    }

    It 'for a site without LAN address, -WhatIf says the address is read from its gateway, and reads nothing' {
        # The plan goes to the verbose stream too; "What if:" lines go straight to the host.
        $said = Set-WgLanRoute -Topology $topology -Site site-b -ComputerName app-b1 -WhatIf -Verbose 4>&1 | Out-String
        $said | Should -Match 'set 2 routes of site site-b \(10\.11\.7\.0/24, 192\.168\.50\.0/24 via the address of gw-b\.invalid in 172\.19\.16\.0/20\), now and at boot'
    }

    It 'stops with WgAdmin.LanAddressUnknown, naming the gateway, when the gateway cannot be read; no LAN host is changed' {
        $caught = $null
        try { Set-WgLanRoute -Topology $topology -Site site-b -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 3 -KnownHostsPath (Join-Path $TestDrive 'known_hosts') -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeExactly "WgAdmin.LanAddressUnknown,$command"
        $caught.Exception.Message | Should -BeLike "*site-b*gw-b.invalid*"
    }

    It 'takes the interfaces of the topology as -Topology' {
        $interfaces = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub site-a
        $said = @($interfaces | Set-WgLanRoute -Site site-a -ComputerName app-a1 -WhatIf -Verbose 4>&1)
        # One plan for the three interfaces, which stand for one topology.
        $said.Count | Should -Be 1
        "$said" | Should -Match 'set 2 routes of site site-a \(172\.19\.16\.0/20 via 10\.11\.7\.1, 192\.168\.50\.0/24 via 10\.11\.7\.1\)'
    }
}

Describe 'LAN addresses of sites' {
    It 'refuses a LAN address outside the site''s LAN' {
        New-WgSite -Name x -Endpoint 198.51.100.1:1 -LanPrefix 10.1.0.0/16 -LanAddress 10.2.0.1 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidLanAddress,WgAdmin.Commands.NewWgSiteCommand'
        $failed[0].ToString() | Should -Match "'10.2.0.1'"
    }
}

# Values an attacker or a careless admin gives (issue 16): a private key in the wrong field, a
# bad field in a row that holds a key, interface names with a newline, a null peer, names with
# invisible characters, key files others can read.

BeforeDiscovery {
    # {key} is a fresh private key, in each of the forms a key gets pasted.
    $parameterCases = @(
        @{ Command = 'New-WgInterface'; Field = 'Name'; Run = { New-WgInterface -Name $args[0] } }
        @{ Command = 'New-WgInterface'; Field = 'ListenPort'; Run = { New-WgInterface -Name wg0 -ListenPort $args[0] } }
        @{ Command = 'New-WgInterface'; Field = 'FwMark'; Run = { New-WgInterface -Name wg0 -FwMark $args[0] } }
        @{ Command = 'New-WgInterface'; Field = 'Mtu'; Run = { New-WgInterface -Name wg0 -Mtu $args[0] } }
        @{ Command = 'New-WgInterface'; Field = 'Address'; Run = { New-WgInterface -Name wg0 -Address 10.0.0.1/24, $args[0] } }
        @{ Command = 'New-WgInterface'; Field = 'Dns'; Run = { New-WgInterface -Name wg0 -Dns "$($args[0])*" } }
        @{ Command = 'New-WgInterface'; Field = 'Table'; Run = { New-WgInterface -Name wg0 -Table "$($args[0])*" } }
        @{ Command = 'New-WgInterface'; Field = 'PostUp'; Run = { New-WgInterface -Name wg0 -PostUp "$($args[0])`n" } }
        @{ Command = 'New-WgInterface'; Field = 'PrivateKey'; Run = { New-WgInterface -Name wg0 -PrivateKey "$($args[0])x" } }
        @{ Command = 'New-WgInterface'; Field = 'PublicKey'; Run = { New-WgInterface -Name wg0 -PublicKey "$($args[0])x" } }
        @{ Command = 'New-WgPeer'; Field = 'PublicKey'; Run = { New-WgPeer -PublicKey "$($args[0])x" } }
        @{ Command = 'New-WgPeer'; Field = 'AllowedIPs'; Run = { New-WgPeer -PublicKey $peerKey -AllowedIPs $args[0] } }
        @{ Command = 'New-WgPeer'; Field = 'Endpoint'; Run = { New-WgPeer -PublicKey $peerKey -Endpoint "$($args[0]):51820" } }
        @{ Command = 'New-WgPeer'; Field = 'Endpoint port'; Run = { New-WgPeer -PublicKey $peerKey -Endpoint "192.0.2.1:$($args[0])" } }
        @{ Command = 'New-WgPeer'; Field = 'PersistentKeepalive'; Run = { New-WgPeer -PublicKey $peerKey -PersistentKeepalive $args[0] } }
        @{ Command = 'New-WgPeer'; Field = 'PresharedKey'; Run = { New-WgPeer -PublicKey $peerKey -PresharedKey "$($args[0])x" } }
        @{ Command = 'New-WgPeer'; Field = 'Name'; Run = { New-WgPeer -PublicKey $peerKey -Name "$($args[0])`n" } }
        @{ Command = 'New-WgSite'; Field = 'Endpoint'; Run = { New-WgSite -Name a -Endpoint $args[0] -LanPrefix 10.1.0.0/24 } }
        @{ Command = 'New-WgSite'; Field = 'LanPrefix'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix $args[0] } }
        @{ Command = 'New-WgSite'; Field = 'ListenPort'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -ListenPort $args[0] } }
        @{ Command = 'New-WgSite'; Field = 'LanAddress'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -LanAddress $args[0] } }
        @{ Command = 'New-WgSite'; Field = 'TunnelAddress'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -TunnelAddress $args[0] } }
        @{ Command = 'New-WgSite'; Field = 'WanInterface'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -WanInterface $args[0] } }
        @{ Command = 'New-WgSite'; Field = 'PublicKey'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -PublicKey "$($args[0])x" } }
        @{ Command = 'New-WgSite'; Field = 'PrivateKey'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -PrivateKey "$($args[0])x" } }
        @{ Command = 'New-WgTopology'; Field = 'TunnelPrefix'; Run = { $site | New-WgTopology -TunnelPrefix $args[0] } }
        @{ Command = 'New-WgTopology'; Field = 'InterfaceName'; Run = { $site | New-WgTopology -TunnelPrefix 10.0.0.0/24 -InterfaceName $args[0] } }
        @{ Command = 'New-WgTopology'; Field = 'Hub'; Run = { $site | New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub $args[0] } }
        @{ Command = 'ConvertFrom-WgConfig'; Field = 'ListenPort'; Run = { ConvertFrom-WgConfig "[Interface]`nListenPort = $($args[0])`n" } }
        @{ Command = 'ConvertFrom-WgConfig'; Field = 'Endpoint'; Run = { ConvertFrom-WgConfig "[Interface]`n[Peer]`nPublicKey = $peerKey`nEndpoint = $($args[0]):1`n" } }
        @{ Command = 'ConvertFrom-WgConfig'; Field = '-Name'; Run = { ConvertFrom-WgConfig "[Interface]`n" -Name $args[0] } }
        @{ Command = 'Import-WgConfig'; Field = 'Address'; Run = { Import-WgConfig -LiteralPath (Write-TestFile 'wg0.conf' "[Interface]`nAddress = $($args[0])`n") } }
        @{ Command = 'Import-WgConfig'; Field = 'AllowedIPs'; Run = { Import-WgConfig -LiteralPath (Write-TestFile 'wg0.conf' "[Interface]`n[Peer]`nPublicKey = $peerKey`nAllowedIPs = $($args[0])`n") } }
        @{ Command = 'Import-WgConfig'; Field = 'PublicKey'; Run = { Import-WgConfig -LiteralPath (Write-TestFile 'wg0.conf' "[Interface]`n[Peer]`nPublicKey = $($args[0])x`n") } }
        @{ Command = 'Import-WgConfig'; Field = 'Table'; Run = { Import-WgConfig -LiteralPath (Write-TestFile 'wg0.conf' "[Interface]`nTable = $($args[0])*`n") } }
        @{ Command = 'Import-WgTopology'; Field = 'TunnelPrefix'; Run = { Import-WgTopology (Write-TestFile 't.wgtopology' "[Topology]`nTunnelPrefix = $($args[0])`n$siteSection") } }
        @{ Command = 'Import-WgTopology'; Field = 'Endpoint'; Run = { Import-WgTopology (Write-TestFile 't.wgtopology' "[Topology]`nTunnelPrefix = 10.0.0.0/24`n$($siteSection.Replace('192.0.2.1:1', $args[0]))") } }
        @{ Command = 'Import-WgTopology'; Field = 'ListenPort'; Run = { Import-WgTopology (Write-TestFile 't.wgtopology' "[Topology]`nTunnelPrefix = 10.0.0.0/24`n$($siteSection)ListenPort = $($args[0])`n") } }
        @{ Command = 'Import-WgTopology'; Field = 'LanAddress'; Run = { Import-WgTopology (Write-TestFile 't.wgtopology' "[Topology]`nTunnelPrefix = 10.0.0.0/24`n$($siteSection)LanAddress = $($args[0])`n") } }
        @{ Command = 'Import-WgTopology'; Field = 'Hub'; Run = { Import-WgTopology (Write-TestFile 't.wgtopology' "[Topology]`nTunnelPrefix = 10.0.0.0/24`nShape = HubAndSpoke`nHub = $($args[0])`n$siteSection") } }
    )
    $formNames = 'as wg writes it', 'without its =', 'base64url', 'base64url without ='
    $keyCases = foreach ($case in $parameterCases) { foreach ($form in 0..3) { $case + @{ Form = $form; FormName = $formNames[$form] } } }

    $nameCommands = @(
        @{ Command = 'Set-WgNat'; Run = { Set-WgNat -ComputerName gw-x -Name $args[0] -Masquerade eth0 } }
        @{ Command = 'Set-WgNat -Masquerade'; Run = { Set-WgNat -ComputerName gw-x -Masquerade $args[0] } }
        @{ Command = 'Enable-WgForwarding'; Run = { Enable-WgForwarding -ComputerName gw-x -Name $args[0] } }
        @{ Command = 'Remove-WgInterface'; Run = { Remove-WgInterface -ComputerName gw-x -Name $args[0] -Confirm:$false } }
        @{ Command = 'New-WgKeyPair'; Run = { New-WgKeyPair -ComputerName gw-x -InterfaceName $args[0] } }
        @{ Command = 'Set-WgInterface -Masquerade'; Run = { New-WgKeyPair | New-WgInterface -Name wg0 | Set-WgInterface -ComputerName gw-x -Masquerade $args[0] } }
        @{ Command = 'New-WgTopology'; Run = { New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 | New-WgTopology -TunnelPrefix 10.0.0.0/24 -InterfaceName $args[0] } }
    )
    $badNames = @("wg0`n", 'all', 'interfaces', '.', '..', 'wg 0')
    $nameCases = foreach ($command in $nameCommands) { foreach ($name in $badNames) { $command + @{ Name = $name; Shown = $name.Replace("`n", '\n') } } }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $peerKey = (New-WgKeyPair).PublicKey.ToString()
    $site = New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24
    $siteSection = "[Site]`nName = a`nEndpoint = 192.0.2.1:1`nLanPrefix = 10.1.0.0/24`nPublicKey = $peerKey`n"

    function Write-TestFile([string] $Name, [string] $Text) {
        $path = Join-Path (New-TestFolder) $Name
        [System.IO.File]::WriteAllText($path, $Text)
        $path
    }

    function Get-KeyForm([string] $Key, [int] $Form) {
        $urlSafe = $Key.Replace('+', '-').Replace('/', '_')
        @($Key, $Key.TrimEnd('='), $urlSafe, $urlSafe.TrimEnd('='))[$Form]
    }

    # Every error the block gives, terminating or not (It runs with $ErrorActionPreference = 'Stop').
    function Get-AllError([scriptblock] $Run, [object[]] $Arguments = @()) {
        $ErrorActionPreference = 'Continue'
        try { @(& $Run @Arguments 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) }
        catch { @($_) }
    }

    # What a script would log: the record as JSON, deep enough to reach each WgError. ConvertTo-Json
    # cannot write a binder's exception (its Data dictionary); then the record and each exception of
    # the chain are written apart, all but that dictionary and what holds no input: the binder's
    # parameter types and the throwing method (System.Type and MethodBase objects, some 90 MB of JSON
    # and 20 s a record, for nothing a caller typed).
    function Get-ErrorJson([object[]] $ErrorRecord) {
        $texts = foreach ($record in $ErrorRecord) {
            try { $record | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue }
            catch {
                $record | Select-Object * -ExcludeProperty Exception | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue
                for ($e = $record.Exception; $null -ne $e; $e = $e.InnerException) {
                    $e | Select-Object * -ExcludeProperty Data, TargetSite, InnerException, ErrorRecord, ParameterType, TypeSpecified | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue
                }
            }
        }
        $texts -join "`n"
    }

    # Both spellings of the key, and of its body: base64 and base64url.
    function Get-KeySpelling([string] $Key) { $Key; $Key.Replace('+', '-').Replace('/', '_') }
}

Describe 'A private key in the wrong field (issue 16, item 1)' {
    It '<Command> -<Field>, the key <FormName>: no key in Message, Offender, Get-Error or JSON' -ForEach $keyCases {
        $key = (New-WgKeyPair).PrivateKey.Reveal()
        $err = @(Get-AllError $Run @(Get-KeyForm $key $Form))
        # Unpadded, a key may be a good value (a host name, a search domain): then there is no error to look into.
        if ($Form -in 0, 2) { $err | Should -Not -BeNullOrEmpty -Because 'a padded key is no good value of the field' }
        $spellings = @(Get-KeySpelling $key)
        Find-Secret (Get-ErrorText $err) -Secret $spellings | Should -BeNullOrEmpty
        Find-Secret (Get-ErrorJson $err) -Secret $spellings | Should -BeNullOrEmpty
        foreach ($record in $err) {
            Find-Secret "$($record.Exception.Message) $($record.ErrorDetails.Message)" -Secret $spellings | Should -BeNullOrEmpty
            $wg = Get-InnermostException $record.Exception
            if ($wg -is [WgAdmin.WgException]) {
                Find-Secret (($wg.Errors | ForEach-Object { "$($_.Message) $($_.Offender)" }) -join "`n") -Secret $spellings | Should -BeNullOrEmpty
            }
        }
    }

    It 'still quotes what is not a key: -ListenPort 70000' {
        $err = @(Get-AllError { New-WgInterface -Name wg0 -ListenPort 70000 } @())
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidPort,WgAdmin.Commands.NewWgInterfaceCommand'
        $err[0].Exception.Errors[0].Offender | Should -BeExactly '70000'
    }
}

Describe 'A bad field beside a key in the pipeline (issue 16, item 2)' {
    It 'Get-WgPublicKey still takes key pairs, strings and keys from the pipeline' {
        $pair = New-WgKeyPair
        ($pair | Get-WgPublicKey) | Should -Be $pair.PublicKey
        ($pair.PrivateKey.Reveal() | Get-WgPublicKey) | Should -Be $pair.PublicKey
        ($pair.PrivateKey | Get-WgPublicKey) | Should -Be $pair.PublicKey
        ([pscustomobject]@{ PrivateKey = $pair.PrivateKey.Reveal() } | Get-WgPublicKey) | Should -Be $pair.PublicKey
        (Get-WgPublicKey $pair.PrivateKey.Reveal(), $pair.PrivateKey.Reveal()) | Should -HaveCount 2
    }

    It '<Command> with <Field> bad gives <Id> and keeps neither the input nor its key' -ForEach @(
        @{ Command = 'Get-WgPublicKey'; Field = 'a key with a space after it'; Id = 'WgAdmin.InvalidKey'; Row = { "$($args[0]) " } }
        @{ Command = 'Get-WgPublicKey'; Field = 'a row whose PrivateKey has a space after it'; Id = 'WgAdmin.InvalidKey'; Row = { @{ PrivateKey = "$($args[0]) " } } }
        @{ Command = 'New-WgSite'; Field = 'Endpoint'; Id = 'WgAdmin.InvalidEndpoint'; Row = { @{ Name = 'a'; Endpoint = '192.0.2.1'; LanPrefix = '10.1.0.0/24'; PrivateKey = $args[0] } } }
        @{ Command = 'New-WgSite'; Field = 'LanPrefix'; Id = 'WgAdmin.InvalidPrefix'; Row = { @{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/33'; PrivateKey = $args[0] } } }
        @{ Command = 'New-WgSite'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidPort'; Row = { @{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/24'; ListenPort = 'x'; PrivateKey = $args[0] } } }
        @{ Command = 'New-WgSite'; Field = 'LanAddress'; Id = 'WgAdmin.InvalidPrefix'; Row = { @{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/24'; LanAddress = '10.1.0.300'; PrivateKey = $args[0] } } }
        @{ Command = 'New-WgPeer'; Field = 'AllowedIPs'; Id = 'WgAdmin.InvalidPrefix'; Row = { @{ PublicKey = $peerKey; AllowedIPs = 'ten'; PresharedKey = $args[0] } } }
        @{ Command = 'New-WgPeer'; Field = 'PersistentKeepalive'; Id = 'WgAdmin.InvalidKeepalive'; Row = { @{ PublicKey = $peerKey; PersistentKeepalive = 'often'; PresharedKey = $args[0] } } }
        @{ Command = 'New-WgInterface'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidPort'; Row = { @{ Name = 'wg0'; ListenPort = '70000'; PrivateKey = $args[0] } } }
        @{ Command = 'New-WgInterface'; Field = 'Mtu'; Id = 'WgAdmin.InvalidMtu'; Row = { @{ Name = 'wg0'; Mtu = '9'; PrivateKey = $args[0] } } }
        # A row given where an interface goes: taken when it converts to one, not when a field is bad.
        @{ Command = 'ConvertTo-WgConfig'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidInterface'; Row = { @{ Name = 'wg0'; ListenPort = 'often'; PrivateKey = $args[0] } } }
        @{ Command = 'Export-WgConfig'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidInterface'; Row = { @{ Name = 'wg0'; ListenPort = 'often'; PrivateKey = $args[0] } }; With = { @{ Path = Join-Path (New-TestFolder) 'wg0.conf' } } }
        @{ Command = 'Add-WgPeer'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidInterface'; Row = { @{ Name = 'wg0'; ListenPort = 'often'; PrivateKey = $args[0] } }; With = { @{ Peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.3/32 } } }
        @{ Command = 'Remove-WgPeer'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidInterface'; Row = { @{ Name = 'wg0'; ListenPort = 'often'; PrivateKey = $args[0] } }; With = { @{ Name = 'x' } } }
        @{ Command = 'Set-WgInterface'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidInterface'; Row = { @{ Name = 'wg0'; ListenPort = 'often'; PrivateKey = $args[0] } }; With = { @{ ComputerName = 'gw-x'; WhatIf = $true } } }
        @{ Command = 'Compare-WgInterface'; Field = 'ListenPort'; Id = 'WgAdmin.InvalidInterface'; Row = { @{ Name = 'wg0'; ListenPort = 'often'; PrivateKey = $args[0] } }; With = { @{ ComputerName = 'gw-x' } } }
        # A row where a topology goes: no row is one.
        @{ Command = 'Get-WgLanRoute'; Field = 'the row itself'; Id = 'WgAdmin.InvalidTopology'; Row = { @{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/24'; PrivateKey = $args[0] } } }
        @{ Command = 'Set-WgLanRoute'; Field = 'the row itself'; Id = 'WgAdmin.InvalidTopology'; Row = { @{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/24'; PrivateKey = $args[0] } }; With = { @{ ComputerName = 'lan-x'; WhatIf = $true } } }
        @{ Command = 'Export-WgTopology'; Field = 'the row itself'; Id = 'WgAdmin.InvalidTopology'; Row = { @{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/24'; PrivateKey = $args[0] } }; With = { @{ Path = Join-Path (New-TestFolder) 't.wgtopology' } } }
    ) {
        $key = (New-WgKeyPair).PrivateKey.Reveal()
        # As Import-Csv gives it: every field a string.
        $row = & $Row $key
        if ($row -is [hashtable]) { $row = [pscustomobject]$row }
        $with = if ($With) { & $With } else { @{} }
        $out = $row | & $Command @with -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.$($Command.Replace('-', ''))Command"
        $err[0].TargetObject | Should -BeNullOrEmpty
        Find-Secret (Get-ErrorText $err) -Secret $key | Should -BeNullOrEmpty
        Find-Secret (Get-ErrorJson $err) -Secret $key | Should -BeNullOrEmpty
    }

    It 'New-WgTopology given rows instead of sites gives WgAdmin.InvalidSite for each and keeps neither the row nor its key' {
        $key = (New-WgKeyPair).PrivateKey.Reveal()
        $other = (New-WgKeyPair).PrivateKey.Reveal()
        # As Import-Csv gives them, with `| New-WgSite` forgotten before New-WgTopology.
        $rows = @(
            [pscustomobject]@{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/24'; PrivateKey = $key }
            [pscustomobject]@{ Name = 'b'; Endpoint = '192.0.2.2:1'; LanPrefix = '10.2.0.0/24'; PrivateKey = $other }
        )
        $out = $rows | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err | Should -HaveCount 2
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidSite,WgAdmin.Commands.NewWgTopologyCommand' }
        $err | ForEach-Object { $_.TargetObject | Should -BeNullOrEmpty }
        "$($err[0])" | Should -BeLike '*New-WgSite*'
        Find-Secret (Get-ErrorText $err) -Secret $key, $other | Should -BeNullOrEmpty
        Find-Secret (Get-ErrorJson $err) -Secret $key, $other | Should -BeNullOrEmpty
        # One row among sites: no topology without it.
        $sites = $rows | New-WgSite
        $out = $sites[0], $rows[1] | New-WgTopology -TunnelPrefix 10.0.0.0/24 -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidSite,WgAdmin.Commands.NewWgTopologyCommand'
        # Sites are built as before, from the pipeline and from -Site.
        @($sites | New-WgTopology -TunnelPrefix 10.0.0.0/24) | Should -HaveCount 2
        @(New-WgTopology -Site $sites -TunnelPrefix 10.0.0.0/24) | Should -HaveCount 2
    }

    It 'a row that converts to an interface is still taken, and interfaces are as before' {
        $pair = New-WgKeyPair
        $text = [pscustomobject]@{ Name = 'wg0'; ListenPort = '51820'; PrivateKey = $pair.PrivateKey.Reveal() } | ConvertTo-WgConfig -IncludeSecret
        $text | Should -Match 'ListenPort = 51820'
        $text | Should -Match ([regex]::Escape("PrivateKey = $($pair.PrivateKey.Reveal())"))
        $interface = $pair | New-WgInterface -Name wg0 -Address 10.0.0.1/24
        ($interface | Add-WgPeer -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32 -Name b) -PassThru).Peers.Name | Should -Be 'b'
        ConvertTo-WgConfig -InputObject $interface | Should -Match 'Address = 10.0.0.1/24'
        ($interface | Remove-WgPeer -Name b -PassThru).Peers | Should -BeNullOrEmpty
    }

    It 'a good row still makes its object, typed values converted' {
        $pair = New-WgKeyPair
        $site = [pscustomobject]@{ Name = 'a'; Endpoint = '192.0.2.1:1'; LanPrefix = '10.1.0.0/24'; ListenPort = '51820'; LanAddress = '10.1.0.1'; PrivateKey = $pair.PrivateKey.Reveal() } | New-WgSite
        $site.ListenPort | Should -Be 51820
        $site.LanAddress | Should -Be ([ipaddress]'10.1.0.1')
        $site.PrivateKey.PublicKey | Should -Be $pair.PublicKey
        $interface = $pair | New-WgInterface -Name wg0 -ListenPort 51820 -FwMark 0x10 -Mtu 1420
        $interface.ListenPort | Should -Be 51820
        $interface.FwMark | Should -Be 16
        $interface.Mtu | Should -Be 1420
        ($pair | New-WgPeer -PersistentKeepalive 25).PersistentKeepalive | Should -Be 25
    }
}

Describe 'Interface names (issue 16, item 8)' {
    It '<Command> refuses the name ''<Shown>'' at binding, with WgAdmin.InvalidInterfaceName inside' -ForEach $nameCases {
        $err = Get-ThrownError { & $Run $Name }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        (Get-InnermostException $err.Exception).ErrorId | Should -BeExactly 'WgAdmin.InvalidInterfaceName'
    }

    It 'no cmdlet checks an interface name with ValidatePattern any more' {
        $commands = Get-Command -Module WgAdmin -CommandType Cmdlet
        $patterns = foreach ($command in $commands) {
            foreach ($parameter in $command.Parameters.Values) {
                if ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidatePatternAttribute] -and $_.RegexPattern -like '*a-zA-Z0-9_=+.-*' }) { "$($command.Name) -$($parameter.Name)" }
            }
        }
        $patterns | Should -BeNullOrEmpty
    }
}

Describe 'A null peer (issue 16, item 9)' {
    BeforeAll {
        function New-GappedInterface {
            $interface = New-WgKeyPair | New-WgInterface -Name wg0 -Address 10.0.0.1/24
            $interface.Peers = @((New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32), $null)
            $interface
        }
    }

    It '<Command> refuses it with WgAdmin.NullPeer' -ForEach @(
        @{ Command = 'ConvertTo-WgConfig'; Run = { New-GappedInterface | ConvertTo-WgConfig } }
        @{ Command = 'Export-WgConfig'; Run = { New-GappedInterface | Export-WgConfig -Path (Join-Path (New-TestFolder) 'wg0.conf') } }
        @{ Command = 'Add-WgPeer'; Run = { New-GappedInterface | Add-WgPeer -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.3/32) } }
        @{ Command = 'Set-WgInterface'; Run = { New-GappedInterface | Set-WgInterface -ComputerName gw-x -WhatIf } }
    ) {
        $err = Get-AllError $Run
        @($err | Where-Object { $_.FullyQualifiedErrorId -like 'WgAdmin.NullPeer,*' }) | Should -HaveCount 1
        @($err | Where-Object { $_.Exception -is [System.NullReferenceException] }) | Should -BeNullOrEmpty
    }
}

Describe 'Other hostile values (issue 16, also)' {
    It 'refuses a <What> in a <Kind> name with WgAdmin.InvisibleCharacter' -ForEach @(
        @{ What = 'bidi override'; Kind = 'peer'; Char = [char]0x202E; Run = { New-WgKeyPair | New-WgPeer -Name "gw$($args[0])a" } }
        @{ What = 'zero-width space'; Kind = 'peer'; Char = [char]0x200B; Run = { New-WgKeyPair | New-WgPeer -Name "gw$($args[0])a" } }
        @{ What = 'bidi override'; Kind = 'site'; Char = [char]0x202E; Run = { New-WgSite -Name "gw$($args[0])a" -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 } }
        @{ What = 'zero-width joiner'; Kind = 'site'; Char = [char]0x200D; Run = { New-WgSite -Name "gw$($args[0])a" -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 } }
    ) {
        $err = @(Get-AllError $Run @($Char))
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.InvisibleCharacter,*'
    }

    It 'refuses an IPv6 endpoint without brackets, and takes it with them' {
        $err = Get-ThrownError { New-WgKeyPair | New-WgPeer -Endpoint '2001:db8::1:51820' -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidEndpoint,WgAdmin.Commands.NewWgPeerCommand'
        $err.ToString() | Should -BeLike '*needs brackets*'
        (New-WgKeyPair | New-WgPeer -Endpoint '[2001:db8::1]:51820').Endpoint.Port | Should -Be 51820
    }

    It 'refuses a low-order public key (<Case>) with WgAdmin.LowOrderPublicKey' -ForEach @(
        @{ Case = 'all zero'; Key = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }
        @{ Case = 'the point 1'; Key = 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }
        @{ Case = 'p, top bit set'; Key = '7f////////////////////////////////////////8=' }
    ) {
        $err = Get-ThrownError { New-WgPeer -PublicKey $Key -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.LowOrderPublicKey,WgAdmin.Commands.NewWgPeerCommand'
        $null = ConvertFrom-WgConfig "[Interface]`n[Peer]`nPublicKey = $Key`n" -ErrorVariable fromFile -ErrorAction SilentlyContinue
        $fromFile[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.LowOrderPublicKey,WgAdmin.Commands.ConvertFromWgConfigCommand'
    }
}

Describe 'Key files others can read (issue 16, also)' -Skip:(-not $IsLinux) {
    It '<Command> warns, as wg-quick does, when a file with keys has mode <Mode>' -ForEach @(
        @{ Command = 'Import-WgConfig'; Mode = '644'; Warns = $true; Secret = $true }
        @{ Command = 'Import-WgConfig'; Mode = '640'; Warns = $true; Secret = $true }
        @{ Command = 'Import-WgConfig'; Mode = '600'; Warns = $false; Secret = $true }
        @{ Command = 'Import-WgConfig'; Mode = '644'; Warns = $false; Secret = $false }
        @{ Command = 'Import-WgTopology'; Mode = '604'; Warns = $true; Secret = $true }
        @{ Command = 'Import-WgTopology'; Mode = '600'; Warns = $false; Secret = $true }
        @{ Command = 'Import-WgTopology'; Mode = '644'; Warns = $false; Secret = $false }
    ) {
        $pair = New-WgKeyPair
        $path = Join-Path (New-TestFolder) 'wg0.conf'
        if ($Command -eq 'Import-WgConfig') {
            $interface = New-WgInterface -Name wg0 -PublicKey $pair.PublicKey -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32)
            if ($Secret) { $interface = $pair | New-WgInterface -Name wg0 }
            $interface | Export-WgConfig -Path $path
        }
        else {
            $sites = @(
                New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -PublicKey (New-WgKeyPair).PublicKey
                New-WgSite -Name b -Endpoint 192.0.2.2:1 -LanPrefix 10.2.0.0/24 -PublicKey (New-WgKeyPair).PublicKey
            )
            if ($Secret) { $sites[0] = New-WgSite -Name a -Endpoint 192.0.2.1:1 -LanPrefix 10.1.0.0/24 -PrivateKey $pair.PrivateKey }
            $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -AsTopology | Export-WgTopology -Path $path -IncludeSecret
        }
        chmod $Mode $path
        $null = & $Command $path -WarningVariable warnings -WarningAction SilentlyContinue
        if ($Warns) {
            @($warnings | Where-Object { "$_" -like '*(WgAdmin.FileReadableByOthers)' }) | Should -HaveCount 1
            "$warnings" | Should -BeLike "*mode 0$Mode*"
        }
        else { @($warnings | Where-Object { "$_" -like '*FileReadableByOthers*' }) | Should -BeNullOrEmpty }
    }
}

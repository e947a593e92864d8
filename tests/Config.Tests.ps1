BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    # `wg-quick strip` is the oracle for -Strip; wg-quick insists on root even to strip a file.
    $stripProblem = Get-OracleProblem -Tool wg-quick -NeedsRoot
    # Skipped with the reason in its name when wg-quick cannot run, except in CI, where it must.
    $skipStrip = [bool]$stripProblem -and $env:CI -ne 'true'
    $stripNote = if ($skipStrip) { " (skipped: $stripProblem)" } else { '' }

    # Fixed keys from RFC 7748 section 6.1 (Alice and Bob), in wg's base64 form: public test
    # vectors, so the files below can be written at discovery time.
    $alicePrivate = 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo='
    $alicePublic = 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo='
    $bobPublic = '3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08='

    # One bad file per problem: the text, the error ID and the line the message must name.
    $badFiles = @(
        @{ Problem = 'an unknown key'; Id = 'WgAdmin.UnknownKey'; Line = 3; Text = "[Interface]`nListenPort = 51820`nListenPrt = 51821`n" }
        @{ Problem = 'a key outside any section'; Id = 'WgAdmin.KeyOutsideSection'; Line = 2; Text = "# a comment`nListenPort = 51820`n[Interface]`n" }
        @{ Problem = 'a peer without PublicKey'; Id = 'WgAdmin.MissingPublicKey'; Line = 4; Text = "[Interface]`nListenPort = 51820`n`n[Peer]`nAllowedIPs = 10.0.0.2/32`n" }
        @{ Problem = 'a port out of range'; Id = 'WgAdmin.InvalidPort'; Line = 3; Text = "[Interface]`n# the port`nListenPort = 70000`n" }
        @{ Problem = 'an MTU out of range'; Id = 'WgAdmin.InvalidMtu'; Line = 3; Text = "[Interface]`nListenPort = 51820`nMTU = 20`n" }
        @{ Problem = 'a keepalive out of range'; Id = 'WgAdmin.InvalidKeepalive'; Line = 6; Text = "[Interface]`nListenPort = 51820`n`n[Peer]`nPublicKey = $bobPublic`nPersistentKeepalive = 65536`n" }
        @{ Problem = 'a control character in a peer name'; Id = 'WgAdmin.ControlCharacter'; Line = 5; Text = "[Interface]`nListenPort = 51820`n`n[Peer]`n# Name = evil`e[2Jname`nPublicKey = $bobPublic`n" }
        @{ Problem = 'a byte-order mark'; Id = 'WgAdmin.ByteOrderMark'; Line = 1; Text = "`u{FEFF}[Interface]`nListenPort = 51820`n" }
        @{ Problem = 'an allowed IP on two peers'; Id = 'WgAdmin.DuplicateAllowedIP'; Line = 7; Text = "[Interface]`n[Peer]`nPublicKey = $alicePublic`nAllowedIPs = 10.0.0.0/24`n`n# the second peer`n[Peer]`nPublicKey = $bobPublic`nAllowedIPs = 10.0.0.0/24`n" }
        @{ Problem = 'a peer twice'; Id = 'WgAdmin.DuplicatePeer'; Line = 6; Text = "[Interface]`n[Peer]`nPublicKey = $bobPublic`nAllowedIPs = 10.0.0.2/32`n`n[Peer]`nPublicKey = $bobPublic`nAllowedIPs = 10.0.0.3/32`n" }
        @{ Problem = 'a peer with the interface''s own key'; Id = 'WgAdmin.PeerIsSelf'; Line = 4; Text = "[Interface]`nPrivateKey = $alicePrivate`n`n[Peer]`nPublicKey = $alicePublic`n" }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $utf8 = [System.Text.UTF8Encoding]::new($false)
}

Describe 'The issue''s script' {
    BeforeAll {
        $folder = New-TestFolder
        Push-Location $folder
        # Any error in the script stops it here, failing every test below with that error.
        $previousPreference = $ErrorActionPreference
        $ErrorActionPreference = 'Stop'
        # Verbatim from the issue, except that the last line's output is kept in $stripped.
        $a = New-WgKeyPair; $b = New-WgKeyPair
        $peerB = $b | New-WgPeer -AllowedIPs 10.0.0.2/32,172.19.16.0/20 -Endpoint 198.51.100.2:10086 -PersistentKeepalive 30 -Name site-b
        $a | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10086 -Peer $peerB | Export-WgConfig -Path ./wg0.conf
        $stripped = Import-WgConfig ./wg0.conf | ConvertTo-WgConfig -Strip
        $ErrorActionPreference = $previousPreference
        $file = Join-Path $folder 'wg0.conf'
    }

    AfterAll {
        Pop-Location
    }

    It 'writes wg0.conf in the current folder with both keys, the peer name and the allowed IPs' {
        $expected = @(
            '[Interface]'
            "PrivateKey = $($a.PrivateKey.Reveal())"
            'ListenPort = 10086'
            'Address = 10.0.0.1/24'
            ''
            '[Peer]'
            '# Name = site-b'
            "PublicKey = $($b.PublicKey)"
            'AllowedIPs = 10.0.0.2/32, 172.19.16.0/20'
            'Endpoint = 198.51.100.2:10086'
            'PersistentKeepalive = 30'
        ) -join "`n"
        [System.IO.File]::ReadAllText($file) | Should -BeExactly ($expected + "`n")
    }

    It 'prints the stripped configuration with the private key hidden' {
        $expected = @(
            '[Interface]'
            'PrivateKey = (hidden)'
            'ListenPort = 10086'
            ''
            '[Peer]'
            '# Name = site-b'
            "PublicKey = $($b.PublicKey)"
            'AllowedIPs = 10.0.0.2/32, 172.19.16.0/20'
            'Endpoint = 198.51.100.2:10086'
            'PersistentKeepalive = 30'
        ) -join "`n"
        $stripped | Should -BeExactly ($expected + "`n`n")
    }

    It 'round-trips: the imported interface renders with -IncludeSecret to the very file' {
        Import-WgConfig ./wg0.conf | ConvertTo-WgConfig -IncludeSecret | Should -BeExactly ([System.IO.File]::ReadAllText($file))
    }

    It 'round-trips the keys, the interface name, the peer name and the allowed IPs as values' {
        $imported = Import-WgConfig ./wg0.conf
        $imported.Name | Should -BeExactly 'wg0'
        $imported.PrivateKey | Should -Be $a.PrivateKey
        $imported.PublicKey | Should -Be $a.PublicKey
        $imported.Peers | Should -HaveCount 1
        $imported.Peers[0].PublicKey | Should -Be $b.PublicKey
        $imported.Peers[0].Name | Should -BeExactly 'site-b'
        @($imported.Peers[0].AllowedIPs | ForEach-Object ToString) | Should -Be @('10.0.0.2/32', '172.19.16.0/20')
        $imported.Peers[0].Endpoint.ToString() | Should -BeExactly '198.51.100.2:10086'
        $imported.Peers[0].PersistentKeepalive | Should -Be 30
    }

    It 'reads the file back from Get-ChildItem *.conf in the pipeline' {
        $imported = @(Get-ChildItem *.conf | Import-WgConfig)
        $imported | Should -HaveCount 1
        $imported[0].Name | Should -BeExactly 'wg0'
        $imported[0].Peers[0].PublicKey | Should -Be $b.PublicKey
    }

    It ("with -IncludeSecret prints what 'wg-quick strip' prints for the file, byte for byte" + $stripNote) -Skip:$skipStrip -ForEach @{ Problem = $stripProblem } {
        if ($Problem) { throw "CI=true, so the wg-quick oracle must run, but $Problem." }
        $oracle = Invoke-NativeRaw -FilePath wg-quick -ArgumentList strip, $file
        $oracle.ExitCode | Should -Be 0 -Because $oracle.StdErr
        Import-WgConfig ./wg0.conf | ConvertTo-WgConfig -Strip -IncludeSecret | Should -BeExactly $oracle.StdOut
    }
}

Describe 'ConvertTo-WgConfig' {
    BeforeAll {
        $pair = New-WgKeyPair
        $psk = New-WgPresharedKey
        $peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32, fd00::2/128 -Endpoint '[2001:db8::2]:51820' -PresharedKey $psk -PersistentKeepalive 25 -Name site-b -Description 'the branch office'
        $other = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.3/32
        $interface = $pair | New-WgInterface -Name wg0 -Address 10.0.0.1/24, fd00::1/64 -ListenPort 51820 -Dns 10.0.0.53, corp.example -Mtu 1420 -Table 1234 -PreUp 'echo pre' -PostUp 'echo up %i' -PreDown 'echo down' -PostDown 'echo post' -SaveConfig -Peer $peer, $other
    }

    It 'hides private and preshared keys as (hidden) by default and keeps everything else' {
        $text = $interface | ConvertTo-WgConfig
        $lines = $text -split "`n"
        $lines | Should -Contain 'PrivateKey = (hidden)'
        $lines | Should -Contain 'PresharedKey = (hidden)'
        $lines | Should -Contain "PublicKey = $($peer.PublicKey)"
        $lines | Should -Contain 'Address = 10.0.0.1/24, fd00::1/64'
        $lines | Should -Contain 'DNS = 10.0.0.53, corp.example'
        $lines | Should -Contain 'MTU = 1420'
        $lines | Should -Contain 'Table = 1234'
        $lines | Should -Contain 'PostUp = echo up %i'
        $lines | Should -Contain 'SaveConfig = true'
        $lines | Should -Contain '# Name = site-b'
        $lines | Should -Contain '# Description = the branch office'
        $lines | Should -Contain 'Endpoint = [2001:db8::2]:51820'
        $text.Contains($pair.PrivateKey.Reveal()) | Should -BeFalse
        $text.Contains($psk.Reveal()) | Should -BeFalse
    }

    It '-IncludeSecret writes the keys themselves' {
        $lines = ($interface | ConvertTo-WgConfig -IncludeSecret) -split "`n"
        $lines | Should -Contain "PrivateKey = $($pair.PrivateKey.Reveal())"
        $lines | Should -Contain "PresharedKey = $($psk.Reveal())"
        $lines | Should -Not -Contain 'PrivateKey = (hidden)'
    }

    It '-Strip leaves out exactly the keys only wg-quick reads' {
        $full = ($interface | ConvertTo-WgConfig -IncludeSecret) -split "`n"
        $stripped = ($interface | ConvertTo-WgConfig -IncludeSecret -Strip) -split "`n"
        $wgQuickOnly = '^(Address|DNS|MTU|Table|PreUp|PostUp|PreDown|PostDown|SaveConfig) = '
        @($full | Where-Object { $_ -match $wgQuickOnly }) | Should -HaveCount 9
        @($stripped | Where-Object { $_ -match $wgQuickOnly }) | Should -HaveCount 0
        @($stripped | Where-Object { $_ -ne '' }) | Should -Be @($full | Where-Object { $_ -ne '' -and $_ -notmatch $wgQuickOnly })
    }

    It 'reads back what it writes with -IncludeSecret, unchanged' {
        $text = $interface | ConvertTo-WgConfig -IncludeSecret
        $text | ConvertFrom-WgConfig -Name wg0 | ConvertTo-WgConfig -IncludeSecret | Should -BeExactly $text
    }

    It 'renders each interface piped to it' {
        $second = New-WgKeyPair | New-WgInterface -Name wg1 -ListenPort 51821
        $texts = @($interface, $second | ConvertTo-WgConfig)
        $texts | Should -HaveCount 2
        $texts[1] | Should -Match 'ListenPort = 51821'
    }

    It ("with -Strip -IncludeSecret prints what 'wg-quick strip' prints for a file with every field" + $stripNote) -Skip:$skipStrip -ForEach @{ Problem = $stripProblem } {
        if ($Problem) { throw "CI=true, so the wg-quick oracle must run, but $Problem." }
        $path = Join-Path (New-TestFolder) 'wg0.conf'
        $interface | Export-WgConfig -Path $path
        $oracle = Invoke-NativeRaw -FilePath wg-quick -ArgumentList strip, $path
        $oracle.ExitCode | Should -Be 0 -Because $oracle.StdErr
        $interface | ConvertTo-WgConfig -Strip -IncludeSecret | Should -BeExactly $oracle.StdOut
    }
}

Describe 'ConvertFrom-WgConfig' {
    BeforeAll {
        $pair = New-WgKeyPair
        $peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32 -Endpoint vpn.example.com:51820 -Name site-b
        $text = $pair | New-WgInterface -Address 10.0.0.1/24 -ListenPort 51820 -Peer $peer | ConvertTo-WgConfig -IncludeSecret
        $path = Join-Path (New-TestFolder) 'site.conf'
        [System.IO.File]::WriteAllText($path, $text, $utf8)
    }

    It 'parses a document given as one string' {
        $interface = ConvertFrom-WgConfig -InputObject $text
        $interface | Should -BeOfType ([WgAdmin.Model.WgInterface])
        $interface.Name | Should -BeNullOrEmpty
        $interface.PrivateKey | Should -Be $pair.PrivateKey
        $interface.ListenPort | Should -Be 51820
        $interface.Peers[0].Name | Should -BeExactly 'site-b'
        $interface.Peers[0].Endpoint.Host | Should -BeExactly 'vpn.example.com'
    }

    It 'joins the lines Get-Content pipes into one document' {
        $interfaces = @(Get-Content -LiteralPath $path | ConvertFrom-WgConfig)
        $interfaces | Should -HaveCount 1
        $interfaces[0] | ConvertTo-WgConfig -IncludeSecret | Should -BeExactly $text
    }

    It 'parses Get-Content -Raw the same way' {
        Get-Content -LiteralPath $path -Raw | ConvertFrom-WgConfig | ConvertTo-WgConfig -IncludeSecret | Should -BeExactly $text
    }

    It 'names the interface with -Name' {
        (ConvertFrom-WgConfig $text -Name wg7).Name | Should -BeExactly 'wg7'
    }

    It 'refuses an invalid -Name with WgAdmin.InvalidInterfaceName' {
        $interface = ConvertFrom-WgConfig $text -Name 'wg 0' -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidInterfaceName,WgAdmin.Commands.ConvertFromWgConfigCommand'
    }

    It 'reads Windows line endings' {
        $interface = ConvertFrom-WgConfig ($text -replace "`n", "`r`n")
        $interface.ListenPort | Should -Be 51820
        $interface.Peers[0].PublicKey | Should -Be $peer.PublicKey
    }

    It 'reports <Problem> with <Id> and line <Line>' -ForEach $badFiles {
        $interface = ConvertFrom-WgConfig $Text -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.ConvertFromWgConfigCommand"
        $err[0].ToString() | Should -Match "^line $Line\b"
    }

    It 'reports every problem of a document, in line order, each record naming its own' {
        $bad = "[Interface]`nMTU = 20`nListenPort = 70000`n`n[Peer]`nPublicKey = $($peer.PublicKey)`nPersistentKeepalive = -1`n"
        ConvertFrom-WgConfig $bad -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        @($err | ForEach-Object FullyQualifiedErrorId) | Should -Be @(
            'WgAdmin.InvalidMtu,WgAdmin.Commands.ConvertFromWgConfigCommand'
            'WgAdmin.InvalidPort,WgAdmin.Commands.ConvertFromWgConfigCommand'
            'WgAdmin.InvalidKeepalive,WgAdmin.Commands.ConvertFromWgConfigCommand'
        )
        @($err | ForEach-Object { $_.ToString() -replace ':.*' }) | Should -Be @('line 2', 'line 3', 'line 7')
        # $_.Exception is what catch blocks and logs read: it must describe the record's own problem.
        @($err | ForEach-Object { $_.Exception.ErrorId }) | Should -Be @('WgAdmin.InvalidMtu', 'WgAdmin.InvalidPort', 'WgAdmin.InvalidKeepalive')
        $err[2].Exception.Message | Should -Match '^line 7: '
    }
}

Describe 'Import-WgConfig' {
    BeforeAll {
        $pair = New-WgKeyPair
        $peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32 -Name site-b
        $text = $pair | New-WgInterface -ListenPort 51820 -Peer $peer | ConvertTo-WgConfig -IncludeSecret
        $folder = New-TestFolder
        foreach ($name in 'wg0.conf', 'site-a.conf', 'site-b.conf', 'not a name.conf', 'x[1].conf', 'notes.txt') {
            [System.IO.File]::WriteAllText((Join-Path $folder $name), $text, $utf8)
        }
        [System.IO.File]::WriteAllText((Join-Path $folder 'bad1.bad'), "[Interface]`nListenPrt = 1`n", $utf8)
        [System.IO.File]::WriteAllText((Join-Path $folder 'bad2.bad'), "[Interface]`nMTU = 1`n", $utf8)
        New-Item -ItemType Directory (Join-Path $folder 'wg9.conf') | Out-Null
        Push-Location $folder
    }

    AfterAll {
        Pop-Location
    }

    It 'reads a file and names the interface after it, as wg-quick does' {
        $interface = Import-WgConfig ./wg0.conf
        $interface.Name | Should -BeExactly 'wg0'
        $interface.PrivateKey | Should -Be $pair.PrivateKey
        $interface.Peers[0].Name | Should -BeExactly 'site-b'
    }

    It 'leaves the name empty when the file name is no interface name' -ForEach @(
        @{ File = 'not a name.conf' }
        @{ File = 'notes.txt' }
    ) {
        $interface = Import-WgConfig -LiteralPath $File
        $interface | Should -Not -BeNullOrEmpty
        $interface.Name | Should -BeNullOrEmpty
    }

    It 'expands wildcards' {
        $names = @(Import-WgConfig ./site-*.conf | ForEach-Object Name)
        $names | Should -Be @('site-a', 'site-b')
    }

    It 'takes -LiteralPath without expanding wildcard characters' {
        $interface = Import-WgConfig -LiteralPath ./x[1].conf
        $interface.ListenPort | Should -Be 51820
    }

    It 'binds files from Get-ChildItem by property name' {
        $names = @(Get-ChildItem -File -Filter *.conf | Import-WgConfig | ForEach-Object { "$($_.Name)" })
        $names | Should -HaveCount 5
        $names | Should -Contain 'wg0'
        $names | Should -Contain 'site-a'
        # x[1].conf arrives by PSPath, so its brackets are not read as a wildcard.
        @(Get-ChildItem -File -Filter 'x*.conf' | Import-WgConfig) | Should -HaveCount 1
    }

    It 'reports a missing file with WgAdmin.FileNotFound (<Parameter>)' -ForEach @(
        @{ Parameter = 'Path' }
        @{ Parameter = 'LiteralPath' }
    ) {
        $splat = @{ $Parameter = './missing.conf' }
        $interface = Import-WgConfig @splat -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.FileNotFound,WgAdmin.Commands.ImportWgConfigCommand'
        $err[0].ToString() | Should -Match 'missing\.conf'
    }

    It 'reports a folder with WgAdmin.FileNotFound, saying it is a folder' {
        $interface = Import-WgConfig ./wg9.conf -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.FileNotFound,WgAdmin.Commands.ImportWgConfigCommand'
        $err[0].ToString() | Should -Match 'is a folder'
    }

    It 'reads the good files and reports each bad one separately, naming file and line' {
        $interfaces = @(Import-WgConfig ./bad1.bad, ./wg0.conf, ./missing.conf, ./bad2.bad -ErrorVariable err -ErrorAction SilentlyContinue)
        $interfaces | Should -HaveCount 1
        $interfaces[0].Name | Should -BeExactly 'wg0'
        @($err | ForEach-Object FullyQualifiedErrorId) | Should -Be @(
            'WgAdmin.UnknownKey,WgAdmin.Commands.ImportWgConfigCommand'
            'WgAdmin.FileNotFound,WgAdmin.Commands.ImportWgConfigCommand'
            'WgAdmin.InvalidMtu,WgAdmin.Commands.ImportWgConfigCommand'
        )
        $err[0].TargetObject | Should -BeExactly (Join-Path $folder 'bad1.bad')
        $err[0].ToString() | Should -BeLike "$(Join-Path $folder 'bad1.bad'): line 2: *"
        $err[2].TargetObject | Should -BeExactly (Join-Path $folder 'bad2.bad')
        $err[2].ToString() | Should -BeLike "$(Join-Path $folder 'bad2.bad'): line 2: *"
    }

    It 'reports <Problem> in a file with <Id>, the file and line <Line>' -ForEach $badFiles {
        $path = Join-Path (New-TestFolder) 'wg0.conf'
        [System.IO.File]::WriteAllText($path, $Text, $utf8)
        $interface = Import-WgConfig -LiteralPath $path -ErrorVariable err -ErrorAction SilentlyContinue
        $interface | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.ImportWgConfigCommand"
        $err[0].ToString() | Should -Match "^$([regex]::Escape($path)): line $Line\b"
    }

    It 'refuses a file written with a UTF-8 byte-order mark with WgAdmin.ByteOrderMark' {
        $path = Join-Path (New-TestFolder) 'wg0.conf'
        [System.IO.File]::WriteAllText($path, $text, [System.Text.UTF8Encoding]::new($true))
        [System.IO.File]::ReadAllBytes($path)[0] | Should -Be 0xEF
        Import-WgConfig -LiteralPath $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.ByteOrderMark,WgAdmin.Commands.ImportWgConfigCommand'
        $err[0].ToString() | Should -Match ': line 1: '
    }
}

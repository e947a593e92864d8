# Private and preshared keys must never show unless revealed on purpose: not in any view, string,
# serialisation, error message or verbose/debug message.

BeforeDiscovery {
    $objectNames = 'Interface', 'ImportedInterface', 'Peer', 'KeyPair', 'PrivateKey', 'PresharedKey'
    $renderingNames = 'Format-Table', 'Format-Table *', 'Format-List', 'Format-List *', 'Out-String', 'string expansion', 'ToString()', 'ConvertTo-Json -Depth 5', 'CliXml serialisation'
    $renderingCases = foreach ($object in $objectNames) {
        foreach ($rendering in $renderingNames) { @{ Object = $object; Rendering = $rendering } }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    $pair = New-WgKeyPair
    $psk = New-WgPresharedKey
    $peerKeys = New-WgKeyPair
    $peer = $peerKeys | New-WgPeer -AllowedIPs 10.0.0.2/32, 172.19.16.0/20 -Endpoint 198.51.100.2:10086 -PresharedKey $psk -Name site-b
    $interface = $pair | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10086 -Peer $peer
    $secrets = @($pair.PrivateKey.Reveal(), $psk.Reveal())

    $objects = @{
        Interface         = $interface
        ImportedInterface = $interface | ConvertTo-WgConfig -IncludeSecret | ConvertFrom-WgConfig -Name wg0
        Peer              = $peer
        KeyPair           = $pair
        PrivateKey        = $pair.PrivateKey
        PresharedKey      = $psk
    }
    $renderings = @{
        'Format-Table'            = { param($x) $x | Format-Table | Out-String -Width 4096 }
        'Format-Table *'          = { param($x) $x | Format-Table -Property * | Out-String -Width 4096 }
        'Format-List'             = { param($x) $x | Format-List | Out-String -Width 4096 }
        'Format-List *'           = { param($x) $x | Format-List -Property * | Out-String -Width 4096 }
        'Out-String'              = { param($x) $x | Out-String -Width 4096 }
        'string expansion'        = { param($x) "$x" }
        'ToString()'              = { param($x) $x.ToString() }
        'ConvertTo-Json -Depth 5' = { param($x) $x | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue }
        'CliXml serialisation'    = { param($x) [System.Management.Automation.PSSerializer]::Serialize($x, 5) }
    }
}

Describe 'The leak check' {
    It 'finds a key that is there, whole or in part' {
        $text = $interface | ConvertTo-WgConfig -IncludeSecret
        @(Find-Secret $text -Secret $secrets) | Should -Not -BeNullOrEmpty
        @(Find-Secret ('x' + $psk.Reveal().Substring(10, 20) + 'x') -Secret $secrets) | Should -Not -BeNullOrEmpty
        @(Find-Secret ($pair.PrivateKey.Reveal().TrimEnd('=')) -Secret $secrets) | Should -Not -BeNullOrEmpty
    }

    It 'finds nothing in text without the keys' {
        @(Find-Secret "$($pair.PublicKey) $($peerKeys.PublicKey)" -Secret $secrets) | Should -BeNullOrEmpty
    }
}

Describe 'Keys stay hidden in every rendering' {
    It 'the <Object> does not show a key in <Rendering>' -ForEach $renderingCases {
        $text = & $renderings[$Rendering] $objects[$Object]
        $text | Should -Not -BeNullOrEmpty -Because 'a rendering that shows nothing proves nothing'
        Find-Secret $text -Secret $secrets | Should -BeNullOrEmpty
    }

    It 'ConvertTo-WgConfig hides the keys of the <_> by default' -ForEach 'Interface', 'ImportedInterface' {
        $text = $objects[$_] | ConvertTo-WgConfig
        $text | Should -Match 'PrivateKey = \(hidden\)'
        $text | Should -Match 'PresharedKey = \(hidden\)'
        Find-Secret $text -Secret $secrets | Should -BeNullOrEmpty
        Find-Secret ($objects[$_] | ConvertTo-WgConfig -Strip) -Secret $secrets | Should -BeNullOrEmpty
    }

    It 'views say a key is hidden rather than leave it out' {
        ($interface | Format-List | Out-String) | Should -Match 'PrivateKey\s*:\s*\(hidden\)'
        ($peer | Format-List | Out-String) | Should -Match 'PresharedKey\s*:\s*\(hidden\)'
        ($pair | Format-Table | Out-String) | Should -Match '\(hidden\)'
    }
}

Describe 'Keys stay out of error messages' {
    It 'New-WgInterface -PrivateKey with a damaged real key (<How>) does not quote it' -ForEach @(
        @{ How = 'Truncate' }
        @{ How = 'BadCharacter' }
    ) {
        $damaged = Get-CorruptKey $pair.PrivateKey.Reveal() -How $How
        $err = Get-ThrownError { New-WgInterface -Name wg0 -PrivateKey $damaged }
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidKey,WgAdmin.Commands.NewWgInterfaceCommand'
        Find-Secret (Get-ErrorText $err) -Secret $secrets | Should -BeNullOrEmpty
    }

    It 'New-WgPeer -PresharedKey with a damaged real key (<How>) does not quote it' -ForEach @(
        @{ How = 'Truncate' }
        @{ How = 'BadCharacter' }
    ) {
        $damaged = Get-CorruptKey $psk.Reveal() -How $How
        $err = Get-ThrownError { New-WgPeer -PublicKey $peerKeys.PublicKey -PresharedKey $damaged }
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidKey,WgAdmin.Commands.NewWgPeerCommand'
        Find-Secret (Get-ErrorText $err) -Secret $secrets | Should -BeNullOrEmpty
    }

    It 'Get-WgPublicKey with a damaged real key does not quote it' {
        $err = Get-ThrownError { Get-WgPublicKey -PrivateKey (Get-CorruptKey $pair.PrivateKey.Reveal()) }
        (Get-InnermostException $err.Exception).ErrorId | Should -BeExactly 'WgAdmin.InvalidKey'
        Find-Secret (Get-ErrorText $err) -Secret $secrets | Should -BeNullOrEmpty
    }

    It 'ConvertFrom-WgConfig reports <Case> with <Id> without quoting the key' -ForEach @(
        @{ Case = 'a misspelt PrivateKey'; Id = 'WgAdmin.UnknownKey'; Template = "[Interface]`nPrivateKy = {private}`n" }
        @{ Case = 'a bare key line in [Interface]'; Id = 'WgAdmin.UnknownKey'; Template = "[Interface]`nListenPort = 51820`n{private}`n" }
        @{ Case = 'a bare key line in [Peer]'; Id = 'WgAdmin.UnknownKey'; Template = "[Interface]`n[Peer]`nPublicKey = {public}`n{psk}`n" }
        @{ Case = 'a bare key line before any section'; Id = 'WgAdmin.KeyOutsideSection'; Template = "{private}`n[Interface]`n" }
        @{ Case = 'PrivateKey without its ''='''; Id = 'WgAdmin.UnknownKey'; Template = "[Interface]`nPrivateKey {private}`n" }
        @{ Case = 'a truncated PrivateKey'; Id = 'WgAdmin.InvalidKey'; Template = "[Interface]`nPrivateKey = {private43}`n" }
        @{ Case = 'a misspelt PresharedKey'; Id = 'WgAdmin.UnknownKey'; Template = "[Interface]`n[Peer]`nPublicKey = {public}`nPresharedKy = {psk}`n" }
        @{ Case = 'a PrivateKey in [Peer]'; Id = 'WgAdmin.UnknownKey'; Template = "[Interface]`n[Peer]`nPublicKey = {public}`nPrivateKey = {private}`n" }
        @{ Case = 'a PresharedKey in [Interface]'; Id = 'WgAdmin.UnknownKey'; Template = "[Interface]`nPresharedKey = {psk}`n" }
        @{ Case = 'a PrivateKey on a line with a stray word'; Id = 'WgAdmin.InvalidKey'; Template = "[Interface]`nPrivateKey = {private} oops`n" }
    ) {
        $text = $Template.Replace('{private43}', $pair.PrivateKey.Reveal().Substring(0, 43)).Replace('{private}', $pair.PrivateKey.Reveal()).Replace('{psk}', $psk.Reveal()).Replace('{public}', $peerKeys.PublicKey.ToString())
        ConvertFrom-WgConfig $text -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.ConvertFromWgConfigCommand"
        Find-Secret (Get-ErrorText $err) -Secret $secrets | Should -BeNullOrEmpty

        # The same text as a file, through Import-WgConfig.
        $path = Join-Path (New-TestFolder) 'wg0.conf'
        [System.IO.File]::WriteAllText($path, $text)
        Import-WgConfig -LiteralPath $path -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.ImportWgConfigCommand"
        Find-Secret (Get-ErrorText $err) -Secret $secrets | Should -BeNullOrEmpty
    }
}

Describe 'Keys stay out of verbose and debug messages' {
    It '<Command> -Verbose -Debug writes no key' -ForEach @(
        @{ Command = 'New-WgKeyPair'; Run = { New-WgKeyPair -Count 2 -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'New-WgPresharedKey'; Run = { New-WgPresharedKey -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'Get-WgPublicKey'; Run = { $pair.PrivateKey.Reveal() | Get-WgPublicKey -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'New-WgPeer'; Run = { New-WgPeer -PublicKey $peerKeys.PublicKey -PresharedKey $psk.Reveal() -AllowedIPs 10.0.0.2/32 -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'New-WgInterface'; Run = { New-WgInterface -Name wg0 -PrivateKey $pair.PrivateKey.Reveal() -Peer $peer -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'Add-WgPeer'; Run = { $pair | New-WgInterface -Name wg0 | Add-WgPeer $peer -PassThru -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'Remove-WgPeer'; Run = { $interface.Clone() | Remove-WgPeer -Name site-b -PassThru -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'ConvertTo-WgConfig'; Run = { $interface | ConvertTo-WgConfig -IncludeSecret -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'ConvertFrom-WgConfig'; Run = { $interface | ConvertTo-WgConfig -IncludeSecret | ConvertFrom-WgConfig -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'Export-WgConfig'; Run = { $interface | Export-WgConfig -Path (Join-Path (New-TestFolder) 'wg0.conf') -PassThru -Verbose -Debug 4>&1 5>&1 } }
        @{ Command = 'Import-WgConfig'; Run = {
                $path = Join-Path (New-TestFolder) 'wg0.conf'
                $interface | Export-WgConfig -Path $path
                Import-WgConfig -LiteralPath $path -Verbose -Debug 4>&1 5>&1
            }
        }
    ) {
        $all = @(& $Run)
        $messages = @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
        # Keys the command itself made are secrets too.
        $made = @($all | ForEach-Object {
                if ($_ -is [WgAdmin.Keys.WgKeyPair]) { $_.PrivateKey.Reveal() }
                elseif ($_ -is [WgAdmin.Keys.WgPresharedKey]) { $_.Reveal() }
            })
        @($all | Where-Object { $_ -isnot [System.Management.Automation.InformationalRecord] }) | Should -Not -BeNullOrEmpty -Because 'the command must have run'
        Find-Secret ($messages -join "`n") -Secret ($secrets + $made) | Should -BeNullOrEmpty
    }

    It 'the capture sees verbose messages (Export-WgConfig writes one)' {
        $all = @($interface | Export-WgConfig -Path (Join-Path (New-TestFolder) 'wg0.conf') -Verbose 4>&1)
        @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -Not -BeNullOrEmpty
    }
}

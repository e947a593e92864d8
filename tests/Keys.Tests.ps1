BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $wgProblem = Get-OracleProblem -Tool wg
    # Without wg the oracle test is skipped and says why, except in CI, where wg is installed and must run.
    $skipWg = [bool]$wgProblem -and $env:CI -ne 'true'
    $wgNote = if ($skipWg) { " (skipped: $wgProblem)" } else { '' }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
}

Describe 'New-WgKeyPair' {
    It 'makes one key pair by default' {
        $pairs = @(New-WgKeyPair)
        $pairs | Should -HaveCount 1
        $pairs[0] | Should -BeOfType ([WgAdmin.Keys.WgKeyPair])
        $pairs[0].PrivateKey | Should -BeOfType ([WgAdmin.Keys.WgPrivateKey])
        $pairs[0].PublicKey | Should -BeOfType ([WgAdmin.Keys.WgPublicKey])
    }

    It '-Count 5 makes 5 distinct pairs' {
        $pairs = @(New-WgKeyPair -Count 5)
        $pairs | Should -HaveCount 5
        @($pairs | ForEach-Object { $_.PrivateKey.Reveal() } | Sort-Object -Unique) | Should -HaveCount 5
        @($pairs | ForEach-Object { $_.PublicKey.ToString() } | Sort-Object -Unique) | Should -HaveCount 5
    }

    It 'gives each pair the public key of its own private key' {
        foreach ($pair in New-WgKeyPair -Count 3) {
            $pair.PrivateKey.PublicKey | Should -Be $pair.PublicKey
            (Get-WgPublicKey -PrivateKey $pair.PrivateKey.Reveal()).ToString() | Should -BeExactly $pair.PublicKey.ToString()
        }
    }

    It 'writes keys in wg base64 form and clamps the private key as wg genkey does' {
        $pair = New-WgKeyPair
        $pair.PublicKey.ToString() | Should -Match '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$'
        $bytes = [Convert]::FromBase64String($pair.PrivateKey.Reveal())
        $bytes | Should -HaveCount 32
        $bytes[0] -band 7 | Should -Be 0
        $bytes[31] -band 128 | Should -Be 0
        $bytes[31] -band 64 | Should -Be 64
    }

    It '-Count 1000 makes pairs in bulk (all cores, the module''s libsodium), each its private key''s public key' {
        # 1000 is several of the core's chunks of 128: the parallel path, through the private load context.
        $pairs = @(New-WgKeyPair -Count 1000)
        $pairs | Should -HaveCount 1000
        @($pairs | ForEach-Object { $_.PrivateKey.Reveal() } | Sort-Object -Unique) | Should -HaveCount 1000
        # Parse derives the public key again through NSec: the two paths agree. One Should for all.
        $wrong = @(for ($i = 0; $i -lt $pairs.Count; $i++) {
                $bytes = [Convert]::FromBase64String($pairs[$i].PrivateKey.Reveal())
                $derived = [WgAdmin.Keys.WgPrivateKey]::Parse($pairs[$i].PrivateKey.Reveal()).PublicKey
                if ($derived -ne $pairs[$i].PublicKey -or ($bytes[0] -band 7) -ne 0 -or ($bytes[31] -band 0xc0) -ne 64) { $i }
            })
        $wrong | Should -BeNullOrEmpty -Because 'every pair is clamped and its public key is its private key''s'
    }

    It 'stops early when the pipeline does, and shows no private key' {
        $pairs = @(New-WgKeyPair -Count 100000 | Select-Object -First 3)
        $pairs | Should -HaveCount 3
        $shown = $pairs | Format-List * | Out-String
        foreach ($pair in $pairs) { $shown | Should -Not -Match ([regex]::Escape($pair.PrivateKey.Reveal())) }
    }

    It 'refuses -Count 0' {
        $err = Get-ThrownError { New-WgKeyPair -Count 0 }
        $err.FullyQualifiedErrorId | Should -BeExactly 'ParameterArgumentValidationError,WgAdmin.Commands.NewWgKeyPairCommand'
    }
}

Describe 'New-WgPresharedKey' {
    It 'makes a 32-byte preshared key' {
        $psk = New-WgPresharedKey
        $psk | Should -BeOfType ([WgAdmin.Keys.WgPresharedKey])
        $psk.Reveal() | Should -Match '^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$'
        [Convert]::FromBase64String($psk.Reveal()) | Should -HaveCount 32
    }

    It '-Count 5000 makes 5000 distinct 32-byte keys, none shown' {
        $keys = @(New-WgPresharedKey -Count 5000)
        $keys | Should -HaveCount 5000
        @($keys | ForEach-Object Reveal | Sort-Object -Unique) | Should -HaveCount 5000
        "$($keys[4999])" | Should -BeExactly '(preshared key)'
        [Convert]::FromBase64String($keys[4999].Reveal()) | Should -HaveCount 32
    }

    It '-Count 4 makes 4 distinct keys' {
        $keys = @(New-WgPresharedKey -Count 4)
        $keys | Should -HaveCount 4
        @($keys | ForEach-Object Reveal | Sort-Object -Unique) | Should -HaveCount 4
    }

    It 'reads back a revealed key as an equal key' {
        $psk = New-WgPresharedKey
        [WgAdmin.Keys.WgPresharedKey]::Parse($psk.Reveal()) | Should -Be $psk
        [WgAdmin.Keys.WgPresharedKey]::Parse((New-WgPresharedKey).Reveal()) | Should -Not -Be $psk
    }
}

Describe 'Get-WgPublicKey' {
    BeforeAll {
        $pair = New-WgKeyPair
    }

    It 'takes a private key object by value' {
        $key = Get-WgPublicKey -PrivateKey $pair.PrivateKey
        $key | Should -BeOfType ([WgAdmin.Keys.WgPublicKey])
        $key | Should -Be $pair.PublicKey
        Get-WgPublicKey $pair.PrivateKey | Should -Be $pair.PublicKey
    }

    It 'takes a private key object from the pipeline' {
        $pair.PrivateKey | Get-WgPublicKey | Should -Be $pair.PublicKey
    }

    It 'takes the PrivateKey property of a key pair from the pipeline' {
        $pair | Get-WgPublicKey | Should -Be $pair.PublicKey
    }

    It 'takes the PrivateKey property of several key pairs from the pipeline, in order' {
        $pairs = New-WgKeyPair -Count 3
        $keys = @($pairs | Get-WgPublicKey)
        $keys | Should -HaveCount 3
        for ($i = 0; $i -lt 3; $i++) { $keys[$i] | Should -Be $pairs[$i].PublicKey }
    }

    It 'takes a private key as a base64 string, by parameter and from the pipeline' {
        $text = $pair.PrivateKey.Reveal()
        (Get-WgPublicKey -PrivateKey $text).ToString() | Should -BeExactly $pair.PublicKey.ToString()
        ($text | Get-WgPublicKey).ToString() | Should -BeExactly $pair.PublicKey.ToString()
    }

    It 'reads a key file as wg genkey writes it (one trailing newline, LF or CRLF), and nothing looser' {
        $file = Join-Path $TestDrive 'wgpriv.key'
        [IO.File]::WriteAllText($file, $pair.PrivateKey.Reveal() + "`n")
        (Get-Content -Raw $file | Get-WgPublicKey).ToString() | Should -BeExactly $pair.PublicKey.ToString()
        (Get-WgPublicKey -PrivateKey ($pair.PrivateKey.Reveal() + "`r`n")).ToString() | Should -BeExactly $pair.PublicKey.ToString()
        { Get-WgPublicKey -PrivateKey ($pair.PrivateKey.Reveal() + "`n`n") -ErrorAction Stop } | Should -Throw
        { Get-WgPublicKey -PrivateKey (' ' + $pair.PrivateKey.Reveal()) -ErrorAction Stop } | Should -Throw
    }

    It 'gives the RFC 7748 test vector (Alice''s X25519 key pair)' {
        # RFC 7748 section 6.1: private 77076d0a...2a, public 8520f009...6a, here in wg's base64 form.
        (Get-WgPublicKey -PrivateKey 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo=').ToString() |
            Should -BeExactly 'hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo='
    }

    It ("equals what 'wg pubkey' prints for the same private key" + $wgNote) -Skip:$skipWg -ForEach @{ Problem = $wgProblem } {
        if ($Problem) { throw "CI=true, so the wg oracle must run, but $Problem." }
        foreach ($candidate in New-WgKeyPair -Count 3) {
            # The private key goes over stdin, never on a command line where other users could see it.
            $result = Invoke-NativeRaw -FilePath wg -ArgumentList pubkey -InputText ($candidate.PrivateKey.Reveal() + "`n")
            $result.ExitCode | Should -Be 0 -Because $result.StdErr
            $result.StdOut | Should -BeExactly ($candidate.PublicKey.ToString() + "`n")
            ($candidate | Get-WgPublicKey).ToString() | Should -BeExactly $result.StdOut.TrimEnd("`n")
        }
    }

    It 'refuses a malformed key string (<Case>) with WgAdmin.InvalidKey' -ForEach @(
        @{ Case = 'too short'; Value = 'short' }
        @{ Case = '43 characters'; Value = 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo' }
        @{ Case = 'non-canonical padding bits'; Value = 'dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCp=' }
    ) {
        $err = Get-ThrownError { Get-WgPublicKey -PrivateKey $Value }
        $err | Should -Not -BeNullOrEmpty -Because "'$Case' is not a key"
        # The cmdlet's own error, not the binder's: a binding error would keep a piped key as its TargetObject.
        $err.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidKey,WgAdmin.Commands.GetWgPublicKeyCommand'
        $err.Exception | Should -BeOfType ([WgAdmin.WgException])
    }
}

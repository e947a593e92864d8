BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule

    # Every entry of a folder, hidden ones (a leftover ".wg0.conf.*.tmp") included.
    function Get-FolderEntry([string] $Path) { @(Get-ChildItem -LiteralPath $Path -Force -Name | Sort-Object) }

    $ownerOnly = [System.IO.UnixFileMode]::UserRead -bor [System.IO.UnixFileMode]::UserWrite
}

Describe 'Export-WgConfig' {
    BeforeEach {
        $pair = New-WgKeyPair
        $peer = New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.2/32 -PresharedKey (New-WgPresharedKey) -Name site-b
        $interface = $pair | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 51820 -Peer $peer
        $folder = New-TestFolder
        $path = Join-Path $folder 'wg0.conf'
    }

    It 'writes the configuration with its keys, as ConvertTo-WgConfig -IncludeSecret renders it' {
        $output = $interface | Export-WgConfig -Path $path
        $output | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllText($path) | Should -BeExactly ($interface | ConvertTo-WgConfig -IncludeSecret)
        [System.IO.File]::ReadAllText($path) | Should -Match ([regex]::Escape("PrivateKey = $($pair.PrivateKey.Reveal())"))
    }

    It 'writes UTF-8 without a byte-order mark' {
        $interface | Export-WgConfig -Path $path
        [System.IO.File]::ReadAllBytes($path)[0] | Should -Be ([byte][char]'[')
    }

    It 'creates the file with mode 0600' -Skip:$IsWindows {
        $interface | Export-WgConfig -Path $path
        (Get-Item -LiteralPath $path).UnixFileMode | Should -Be $ownerOnly
        if (Get-Command stat -CommandType Application -ErrorAction Ignore) {
            stat -c %a $path | Should -BeExactly '600'
        }
    }

    It 'replaces a world-readable file with -Force by one with mode 0600' -Skip:$IsWindows {
        [System.IO.File]::WriteAllText($path, "old`n")
        [System.IO.File]::SetUnixFileMode($path, [System.IO.UnixFileMode]420) # 0644
        $interface | Export-WgConfig -Path $path -Force
        (Get-Item -LiteralPath $path).UnixFileMode | Should -Be $ownerOnly
        [System.IO.File]::ReadAllText($path) | Should -Not -Be "old`n"
    }

    It 'refuses to overwrite without -Force with WgAdmin.FileExists and leaves the file untouched' {
        [System.IO.File]::WriteAllText($path, "old content`n")
        $before = (Get-Item -LiteralPath $path).LastWriteTimeUtc
        $output = $interface | Export-WgConfig -Path $path -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $output | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.FileExists,WgAdmin.Commands.ExportWgConfigCommand'
        $err[0].TargetObject | Should -BeExactly $path
        [System.IO.File]::ReadAllText($path) | Should -BeExactly "old content`n"
        (Get-Item -LiteralPath $path).LastWriteTimeUtc | Should -Be $before
        Get-FolderEntry $folder | Should -Be @('wg0.conf')
    }

    It '-Force replaces an existing file' {
        [System.IO.File]::WriteAllText($path, "old content`n")
        $interface | Export-WgConfig -Path $path -Force -ErrorVariable err
        $err | Should -HaveCount 0
        [System.IO.File]::ReadAllText($path) | Should -BeExactly ($interface | ConvertTo-WgConfig -IncludeSecret)
        Get-FolderEntry $folder | Should -Be @('wg0.conf')
    }

    It '-WhatIf writes nothing' {
        $output = $interface | Export-WgConfig -Path $path -PassThru -WhatIf
        $output | Should -BeNullOrEmpty
        Test-Path -LiteralPath $path | Should -BeFalse
        Get-FolderEntry $folder | Should -HaveCount 0
    }

    It '-WhatIf -Force leaves an existing file untouched' {
        [System.IO.File]::WriteAllText($path, "old content`n")
        $interface | Export-WgConfig -Path $path -Force -WhatIf
        [System.IO.File]::ReadAllText($path) | Should -BeExactly "old content`n"
    }

    It '-PassThru writes a FileInfo for the file' {
        $output = @($interface | Export-WgConfig -Path $path -PassThru)
        $output | Should -HaveCount 1
        $output[0] | Should -BeOfType ([System.IO.FileInfo])
        $output[0].FullName | Should -BeExactly $path
        $output[0].Exists | Should -BeTrue
    }

    It 'writes NAME.conf when -Path is a folder' {
        $file = $interface | Export-WgConfig -Path $folder -PassThru
        $file.FullName | Should -BeExactly $path
        Get-FolderEntry $folder | Should -Be @('wg0.conf')
        (Import-WgConfig -LiteralPath $path).PrivateKey | Should -Be $pair.PrivateKey
    }

    It 'writes each interface piped to a folder into its own file' {
        $second = New-WgKeyPair | New-WgInterface -Name wg1 -ListenPort 51821
        $interface, $second | Export-WgConfig -Path $folder
        Get-FolderEntry $folder | Should -Be @('wg0.conf', 'wg1.conf')
        (Import-WgConfig -LiteralPath (Join-Path $folder 'wg1.conf')).ListenPort | Should -Be 51821
    }

    It 'refuses a folder path for an interface without a name, writing nothing' {
        $unnamed = $pair | New-WgInterface -ListenPort 51820
        $unnamed | Export-WgConfig -Path $folder -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.InvalidInterfaceName,WgAdmin.Commands.ExportWgConfigCommand'
        Get-FolderEntry $folder | Should -HaveCount 0
    }

    It 'resolves a relative path against the PowerShell location' {
        Push-Location $folder
        try {
            $interface | Export-WgConfig -Path ./relative.conf
        }
        finally {
            Pop-Location
        }
        Get-FolderEntry $folder | Should -Be @('relative.conf')
    }

    It 'reports a missing folder with WgAdmin.FileWriteFailed' {
        $interface | Export-WgConfig -Path (Join-Path $folder 'no/such/wg0.conf') -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.FileWriteFailed,WgAdmin.Commands.ExportWgConfigCommand'
        Get-FolderEntry $folder | Should -HaveCount 0
    }

    It 'leaves no temporary file behind when the final rename fails' {
        # NAME.conf is taken by a folder: the temporary file is written, then cannot be moved there.
        New-Item -ItemType Directory -Path $path | Out-Null
        $interface | Export-WgConfig -Path $folder -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.FileWriteFailed,WgAdmin.Commands.ExportWgConfigCommand'
        Get-FolderEntry $folder | Should -Be @('wg0.conf')
        Get-ChildItem -LiteralPath $path -Force | Should -BeNullOrEmpty
    }

    It 'leaves nothing but the file in the folder after success and after a refusal' {
        $interface | Export-WgConfig -Path $path
        $interface | Export-WgConfig -Path $path -ErrorAction SilentlyContinue
        $interface | Export-WgConfig -Path $path -Force
        Get-FolderEntry $folder | Should -Be @('wg0.conf')
    }

    It 'writes nothing for an invalid interface (<Case>) and reports <Id>' -ForEach @(
        @{ Case = 'a peer name with a newline'; Id = 'WgAdmin.ControlCharacter'; Break = { param($i) $i.Peers[0].Name = "x`nPostUp = touch /tmp/pwned" } }
        @{ Case = 'port 0'; Id = 'WgAdmin.InvalidPort'; Break = { param($i) $i.ListenPort = 0 } }
        @{ Case = 'the same peer twice'; Id = 'WgAdmin.DuplicatePeer'; Break = { param($i) $i.Peers = @($i.Peers[0], ($i.Peers[0].PublicKey | ForEach-Object { New-WgPeer -PublicKey $_ -AllowedIPs 10.9.9.9/32 })) } }
    ) {
        & $Break $interface
        foreach ($target in $path, $folder) {
            $interface | Export-WgConfig -Path $target -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeExactly "$Id,WgAdmin.Commands.ExportWgConfigCommand"
            Get-FolderEntry $folder | Should -HaveCount 0
        }
    }
}

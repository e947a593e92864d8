#Requires -Version 7.4
# What an admin sees and types against real gateways: -Name completion from a gateway (over a kept
# session, and over a short connection of its own that never asks and gives up in time), the
# views of real sessions, apply results and interface status (no key in any), and -WhatIf on every
# cmdlet that changes a gateway. Sites r and s, interface wg6, port 10091 (see docs/lab.md).

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Completion, views and -WhatIf on the lab gateways' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot '../TestHelpers.ps1')
        $script:modulePath = Get-TestModulePath
        Import-TestModule
        Import-Module (Join-Path $PSScriptRoot 'WgLab.psm1') -Force
        $script:lab = Get-WgLab -OutputPath $env:WGADMIN_LAB_OUTPUT
        $script:sshConfig = (Resolve-Path $lab.sshConfig).Path
        $script:ssh = @{ SshConfigPath = $sshConfig }
        $script:siteR = $lab.sites | Where-Object name -EQ 'r'
        $script:siteS = $lab.sites | Where-Object name -EQ 's'
        $script:gw = $siteR.gateway

        function Invoke-Gateway([string] $Gateway, [string] $Script) {
            Invoke-WgLabCommand -Machine $Gateway -Command bash, -c, $Script -ErrorAction Stop
        }

        # An interface with a key pair and a preshared key made here: none of them may show.
        $script:keys = New-WgKeyPair
        $script:peerKeys = New-WgKeyPair
        $script:psk = New-WgPresharedKey
        $script:secrets = @($keys.PrivateKey.Reveal(), $peerKeys.PrivateKey.Reveal(), $psk.Reveal())
        $peer = $peerKeys | New-WgPeer -Name site-s -AllowedIPs 10.6.0.2/32, $siteS.lanPrefix -Endpoint "$($siteS.publicAddress):10091" -PersistentKeepalive 25 -PresharedKey $psk
        $script:wg6 = $keys | New-WgInterface -Name wg6 -Address 10.6.0.1/24 -ListenPort 10091 -Peer $peer
        $script:applied = $wg6 | Set-WgInterface -ComputerName $gw @ssh -InstallPackage
        # A config file made by hand, not running: completion lists it too.
        Invoke-Gateway $gw 'install -m 600 /dev/null /etc/wireguard/lab-x.conf'

        # The lab's ssh config with an empty known_hosts: the gateway is then unknown.
        $script:unknownHosts = Join-Path $TestDrive 'known_hosts_empty'
        Set-Content $unknownHosts ''
        $script:strictConfig = Join-Path $TestDrive 'ssh_config_unknown'
        (Get-Content $sshConfig) -replace '^(\s*UserKnownHostsFile\s+).*$', "`${1}$unknownHosts" | Set-Content $strictConfig

        $emptyHome = Join-Path $TestDrive 'home'
        New-Item -ItemType Directory $emptyHome | Out-Null
        # HOME is empty: only what is on the line (or a kept session) can reach the gateway.
        $environment = @{ HOME = $emptyHome }
        $script:completions = @{}
        # First a pwsh with no session: completion connects on its own.
        $alone = @(
            "Get-WgInterface -SshConfigPath '$sshConfig' -ComputerName gw-r"
            "Get-WgInterface -SshConfigPath '$sshConfig' -ComputerName $gw -Name "
            "Get-WgInterface -SshConfigPath '$strictConfig' -ComputerName $gw -Name "
        )
        foreach ($result in Invoke-TabCompletion -ModulePath $modulePath -Line $alone -Environment $environment) { $completions[$result.Line] = $result }
        # Then one that keeps a session to the gateway: no ssh config on the line could reach it.
        $kept = @(
            'Get-WgInterface -Session $session -Name '
            "Set-WgNat -ComputerName $gw -Name w"
        )
        $setup = "`$session = New-WgSession -ComputerName $gw -SshConfigPath '$sshConfig'"
        foreach ($result in Invoke-TabCompletion -ModulePath $modulePath -Line $kept -Setup $setup -Environment $environment) { $completions[$result.Line] = $result }
        Write-Host ($completions.Values | ForEach-Object { "completion: $($_.Milliseconds) ms for $($_.Line)" } | Out-String)
    }

    AfterAll {
        Get-WgSession | Remove-WgSession
        Remove-WgInterface -ComputerName $gw @ssh -Name wg6 -RemoveKey -Confirm:$false | Out-Null
        Invoke-Gateway $gw 'rm -f /etc/wireguard/lab-x.conf /etc/wireguard/wg6k.key'
    }

    Context '-Name completion from the gateway' {
        It 'the interface was applied' {
            $applied.Error | Should -BeNullOrEmpty
            $applied.Changed | Should -BeTrue
        }

        It 'completes -ComputerName from the lab''s ssh config' {
            $completions["Get-WgInterface -SshConfigPath '$sshConfig' -ComputerName gw-r"].Matches | Should -Contain 'gw-r'
        }

        It 'over a short connection of its own: the config files and the running link' {
            $result = $completions["Get-WgInterface -SshConfigPath '$sshConfig' -ComputerName $gw -Name "]
            $result.Matches | Should -Be 'lab-x', 'wg6'
            $result.Tooltips | Should -Be "lab-x on $gw", "wg6 on $gw"
            $result.Milliseconds | Should -BeLessThan 4500
        }

        It 'over the session given with -Session' {
            $completions['Get-WgInterface -Session $session -Name '].Matches | Should -Be 'lab-x', 'wg6'
        }

        It 'over the kept session to the host named with -ComputerName (no ssh config could reach it)' {
            $completions["Set-WgNat -ComputerName $gw -Name w"].Matches | Should -Be 'wg6'
        }

        It 'from an unknown host: nothing, nothing asked, nothing recorded, within the budget' {
            $result = $completions["Get-WgInterface -SshConfigPath '$strictConfig' -ComputerName $gw -Name "]
            $result.Matches | Where-Object { $_ -in 'lab-x', 'wg6' } | Should -BeNullOrEmpty
            $result.Milliseconds | Should -BeLessThan 4500
            (Get-Content -Raw $unknownHosts).Trim() | Should -BeNullOrEmpty
        }
    }

    Context 'views of what the gateways gave' {
        It 'an apply result shows the host and what was done, and no key' {
            foreach ($text in ($applied | Format-Table | Out-String -Width 4096), ($applied | Format-List | Out-String -Width 4096)) {
                $text | Should -BeLike "*$gw*"
                $text | Should -BeLike '*wg6*'
                Find-Secret -Text $text -Secret $secrets | Should -BeNullOrEmpty
            }
            $applied | Format-List | Out-String -Width 4096 | Should -BeLike '*start wg-quick@wg6*'
        }

        It 'an interface status shows the peer''s handshake and transfer as wg show does, and no key' {
            $status = Get-WgInterface -ComputerName $gw @ssh -Name wg6
            $status.IsUp | Should -BeTrue
            $list = $status | Format-List | Out-String -Width 4096
            # The far end does not run wg6: no handshake ever, and only initiations sent.
            $list | Should -BeLike '*site-s: 10.6.0.2/32*latest handshake never; 0 B received, * sent*'
            $table = $status.Peers | Format-Table | Out-String -Width 4096
            $table | Should -BeLike '*site-s*never*0 B*'
            foreach ($text in $list, $table, ($status | Format-Table | Out-String -Width 4096), ($status.Peers | Format-List | Out-String -Width 4096)) {
                Find-Secret -Text $text -Secret $secrets | Should -BeNullOrEmpty
            }
        }

        It 'a session shows its host and host key fingerprint in a table and a list' {
            $session = New-WgSession -ComputerName $gw @ssh
            foreach ($text in ($session | Format-Table | Out-String -Width 4096), ($session | Format-List | Out-String -Width 4096)) {
                $text | Should -BeLike "*$gw*"
                $text | Should -BeLike '*SHA256:*'
                $text | Should -BeLike '*Opened*'
            }
            $session | Remove-WgSession
        }
    }

    Context '-WhatIf on every cmdlet that changes a gateway' {
        BeforeAll {
            $script:state = 'cd /etc/wireguard && ls -A . wgadmin 2>/dev/null; ls /etc/sysctl.d; systemctl is-active wg-quick@wg6; { iptables-save; nft list ruleset; } 2>/dev/null | grep -c -i wgadmin; true'
            $script:before = Invoke-Gateway $gw $state
        }

        It '<Name> -WhatIf changes nothing and writes no result' -ForEach @(
            @{ Name = 'Set-WgNat'; Call = { Set-WgNat -ComputerName $gw @ssh -Name wg6 -Masquerade eth0 -WhatIf } }
            @{ Name = 'Enable-WgForwarding'; Call = { Enable-WgForwarding -ComputerName $gw @ssh -Name wg6 -WhatIf } }
            @{ Name = 'Remove-WgInterface'; Call = { Remove-WgInterface -ComputerName $gw @ssh -Name wg6 -RemoveKey -WhatIf } }
            @{ Name = 'New-WgKeyPair'; Call = { New-WgKeyPair -ComputerName $gw @ssh -InterfaceName wg6k -WhatIf } }
        ) {
            & $Call | Should -BeNullOrEmpty
            Invoke-Gateway $gw $state | Should -Be $before
        }

        It 'the same calls without -WhatIf do change the gateway (the checks above can see it)' {
            (Enable-WgForwarding -ComputerName $gw @ssh -Name wg6).Changed | Should -BeTrue
            (New-WgKeyPair -ComputerName $gw @ssh -InterfaceName wg6k).ComputerName | Should -Be $gw
            Invoke-Gateway $gw $state | Should -Not -Be $before
        }

        It 'Remove-WgSession -WhatIf keeps the session open; -PassThru gives it back closed' {
            $session = New-WgSession -ComputerName $gw @ssh
            $session | Remove-WgSession -WhatIf
            $session.State | Should -Be 'Opened'
            Get-WgSession -Id $session.Id | Should -Not -BeNullOrEmpty
            $closed = $session | Remove-WgSession -PassThru
            $closed.Id | Should -Be $session.Id
            $closed.State | Should -Be 'Closed'
            Get-WgSession -Id $session.Id | Should -BeNullOrEmpty
        }
    }
}

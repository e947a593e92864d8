#Requires -Version 7.4
# The seed on real gateways: Set-WgInterface and friends over SSH against the lab's booted
# Debian gateways, with packets crossing both NATs and the tunnel. Runs inside the lab's ops
# namespace (build.ps1 -Task Test starts the lab, runs this file there, and stops the lab).

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'WgAdmin on the lab gateways' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        $script:modulePath = if ($env:WGADMIN_MODULE_PATH) { $env:WGADMIN_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/WgAdmin' }
        Import-Module $modulePath -Force
        Import-Module (Join-Path $PSScriptRoot 'WgLab.psm1') -Force
        $script:lab = Get-WgLab -OutputPath $env:WGADMIN_LAB_OUTPUT
        $script:ssh = @{ SshConfigPath = $lab.sshConfig }
        $script:siteA = $lab.sites | Where-Object name -EQ 'a'
        $script:siteB = $lab.sites | Where-Object name -EQ 'b'
        $script:hostA = $lab.hosts | Where-Object name -EQ $siteA.lanHosts[0]
        $script:hostB = $lab.hosts | Where-Object name -EQ $siteB.lanHosts[0]
        $script:gwA = $lab.hosts | Where-Object name -EQ $siteA.gateway
        $script:gwB = $lab.hosts | Where-Object name -EQ $siteB.gateway
        $script:results = Join-Path $env:WGADMIN_LAB_OUTPUT 'results'
        New-Item -ItemType Directory -Force $results | Out-Null

        # Runs a shell command inside a gateway's container (not over SSH: nothing reaches its command log).
        function Invoke-Gateway([string] $Gateway, [string] $Script) {
            Invoke-WgLabCommand -Machine $Gateway -Command bash, -c, $Script -ErrorAction Stop
        }

        function Test-Ping([string] $Namespace, [string] $Target, [int] $Count = 3) {
            $null = ip netns exec $Namespace ping -c $Count -W 2 -q $Target 2>&1
            $LASTEXITCODE -eq 0
        }

        # A ping at a fixed interval in the background; Stop-Ping gives sent and received.
        function Start-Ping([string] $Namespace, [string] $Target, [int] $Count, [double] $Interval) {
            $start = [Diagnostics.ProcessStartInfo]::new('ip')
            foreach ($argument in 'netns', 'exec', $Namespace, 'ping', '-q', '-i', "$Interval", '-c', "$Count", '-W', '1', $Target) { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardOutput = $true
            $start.UseShellExecute = $false
            [Diagnostics.Process]::Start($start)
        }

        function Stop-Ping([Diagnostics.Process] $Process) {
            $output = $Process.StandardOutput.ReadToEnd()
            $Process.WaitForExit()
            if ($output -notmatch '(\d+) packets transmitted, (\d+) received') { throw "ping printed no summary: $output" }
            [pscustomobject]@{ Sent = [int]$Matches[1]; Received = [int]$Matches[2]; Lost = [int]$Matches[1] - [int]$Matches[2] }
        }

        function Wait-Until([scriptblock] $Condition, [int] $TimeoutSec = 60, [string] $What = 'condition') {
            $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
            while ([DateTime]::UtcNow -lt $deadline) {
                if (& $Condition) { return }
                Start-Sleep -Milliseconds 250
            }
            throw "Timed out after $TimeoutSec s waiting for $What."
        }

        # The seed's two gateways, from fresh keys, as an admin would write them.
        $script:keysA = New-WgKeyPair
        $script:keysB = New-WgKeyPair
        $script:psk = New-WgPresharedKey
        $peerB = $keysB | New-WgPeer -Name site-b -AllowedIPs 10.0.0.2/32, $siteB.lanPrefix -Endpoint "$($siteB.publicAddress):10086" -PersistentKeepalive 25 -PresharedKey $psk
        $peerA = $keysA | New-WgPeer -Name site-a -AllowedIPs 10.0.0.1/32, $siteA.lanPrefix -Endpoint "$($siteA.publicAddress):10086" -PersistentKeepalive 25 -PresharedKey $psk
        $script:ifA = $keysA | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10086 -Peer $peerB
        $script:ifB = $keysB | New-WgInterface -Name wg0 -Address 10.0.0.2/24 -ListenPort 10086 -Peer $peerA

        # LAN hosts reach the far LAN through their gateway (the seed's last step).
        $null = ip netns exec $hostA.namespace ip route replace $siteB.lanPrefix via $gwA.lanAddress
        $null = ip netns exec $hostB.namespace ip route replace $siteA.lanPrefix via $gwB.lanAddress
    }

    Context 'the seed, end to end' {
        It 'installs WireGuard, enables forwarding and NAT, writes the config and starts the tunnel on both gateways' {
            Invoke-Gateway gw-a 'command -v wg || echo missing' | Should -Be 'missing'
            $first = @(
                $ifA | Set-WgInterface -ComputerName gw-a @ssh -InstallPackage -EnableForwarding -Masquerade eth0
                $ifB | Set-WgInterface -ComputerName gw-b @ssh -InstallPackage -EnableForwarding -Masquerade eth0
            )
            $first.Count | Should -Be 2
            foreach ($result in $first) {
                $result.Error | Should -BeNullOrEmpty
                $result.Changed | Should -BeTrue
                ($result.Actions -join "`n") | Should -Match 'install WireGuard'
                ($result.Actions -join "`n") | Should -Match 'start wg-quick@wg0'
            }
            Invoke-Gateway gw-a 'stat -c %a /etc/wireguard/wg0.conf' | Should -Be '600'
            Invoke-Gateway gw-a 'cat /proc/sys/net/ipv4/ip_forward' | Should -Be '1'
            Invoke-Gateway gw-a 'systemctl is-enabled wg-quick@wg0' | Should -Be 'enabled'
        }

        It 'carries packets from a LAN host at site A to a LAN host at site B and back, through both NATs' {
            $before = Get-WgInterface -ComputerName gw-a @ssh -Name wg0
            Wait-Until { Test-Ping $hostA.namespace $hostB.lanAddress 1 } -TimeoutSec 30 -What 'the first ping across the tunnel'
            Test-Ping $hostA.namespace $hostB.lanAddress 5 | Should -BeTrue
            Test-Ping $hostB.namespace $hostA.lanAddress 5 | Should -BeTrue
            $after = Get-WgInterface -ComputerName gw-a @ssh -Name wg0
            $peer = $after.Peers | Where-Object Name -EQ 'site-b'
            $peer.LatestHandshake | Should -Not -BeNullOrEmpty
            $peer.Endpoint | Should -Be "$($siteB.publicAddress):10086"
            $peer.ReceivedBytes | Should -BeGreaterThan (@($before.Peers | Where-Object Name -EQ 'site-b')[0].ReceivedBytes + 400)
            $peer.SentBytes | Should -BeGreaterThan (@($before.Peers | Where-Object Name -EQ 'site-b')[0].SentBytes + 400)
            $peer.HasPresharedKey | Should -BeTrue
        }

        It 'the internet router still has no route to either LAN: the packets took the tunnel' {
            $internet = $lab.hosts | Where-Object role -EQ 'internet'
            ip netns exec $internet.namespace ip route get $hostB.lanAddress 2>&1 | Out-String | Should -Not -Match 'via'
        }
    }

    Context 'idempotence' {
        It 'a second apply reports no change and leaves rule and sysctl counts as they were' {
            $count = 'iptables-save 2>/dev/null | grep -c "^-A" ; nft list ruleset 2>/dev/null | grep -c . ; ls /etc/sysctl.d | wc -l'
            $rulesBefore = Invoke-Gateway gw-a $count
            $second = $ifA | Set-WgInterface -ComputerName gw-a @ssh -InstallPackage -EnableForwarding -Masquerade eth0
            $second.Error | Should -BeNullOrEmpty
            $second.Changed | Should -BeFalse
            $second.Actions | Should -BeNullOrEmpty
            $second.RemoteCommands | Should -Be 1 -Because 'a no-op re-apply only reads the gateway'
            Invoke-Gateway gw-a $count | Should -Be $rulesBefore
        }

        It 'a restart of the service re-applies the NAT rules without duplicating them' {
            $rules = '{ iptables-save; nft list ruleset; } 2>/dev/null | grep -c -i wgadmin'
            $before = Invoke-Gateway gw-a $rules
            Invoke-Gateway gw-a 'systemctl restart wg-quick@wg0'
            Invoke-Gateway gw-a $rules | Should -Be $before
            Invoke-Gateway gw-a '/etc/wireguard/wgadmin/wg0-nat check && echo ok' | Should -Be 'ok'
        }

        It 'Compare-WgInterface reports nothing for an applied interface, and names drift' {
            Compare-WgInterface -ReferenceObject $ifA -ComputerName gw-a @ssh | Should -BeNullOrEmpty
            $wanted = $ifA.Clone()
            $wanted | Add-WgPeer -Peer (New-WgKeyPair | New-WgPeer -Name site-z -AllowedIPs 10.0.0.26/32)
            $drift = @(Compare-WgInterface -ReferenceObject $wanted -ComputerName gw-a @ssh)
            $drift.Count | Should -Be 1
            $drift[0].Kind | Should -Be 'PeerMissing'
            $drift[0].Peer | Should -Be 'site-z'
            # Someone changes the gateway by hand: the keepalive of site-b goes.
            Invoke-Gateway gw-a "wg set wg0 peer $($keysB.PublicKey) persistent-keepalive 0"
            $drift = @(Compare-WgInterface -ReferenceObject $ifA -ComputerName gw-a @ssh)
            ($drift | Where-Object Property -EQ 'PersistentKeepalive').Peer | Should -Be 'site-b'
            ($ifA | Set-WgInterface -ComputerName gw-a @ssh).Actions -join ' ' | Should -Match 'resynchronise'
            Compare-WgInterface -ReferenceObject $ifA -ComputerName gw-a @ssh | Should -BeNullOrEmpty
        }

        It '-WhatIf prints the plan and changes nothing' {
            $changed = $ifA.Clone()
            $changed.ListenPort = 10087
            $hash = Invoke-Gateway gw-a 'sha256sum /etc/wireguard/wg0.conf'
            # The plan goes to the verbose stream too; "What if:" lines go straight to the host.
            $output = $changed | Set-WgInterface -ComputerName gw-a @ssh -WhatIf -Verbose 4>&1 | Out-String
            $output | Should -Match 'write /etc/wireguard/wg0.conf'
            $output | Should -Match 'sync peers'
            Invoke-Gateway gw-a 'sha256sum /etc/wireguard/wg0.conf' | Should -Be $hash
        }
    }

    Context 'hitless change' {
        It 'adds a third peer while a 10 ms ping runs between the LANs, losing nothing; a restart the seed''s way loses packets' {
            Wait-Until { Test-Ping $hostA.namespace $hostB.lanAddress 1 } -TimeoutSec 30 -What 'the tunnel'
            $third = New-WgKeyPair | New-WgPeer -Name site-c -AllowedIPs 10.0.0.3/32, 10.100.3.0/24
            $script:ifA = $ifA | Add-WgPeer -Peer $third -PassThru

            $ping = Start-Ping $hostA.namespace $hostB.lanAddress 400 0.01
            Start-Sleep -Milliseconds 800
            $result = $ifA | Set-WgInterface -ComputerName gw-a @ssh
            $ours = Stop-Ping $ping
            $result.Error | Should -BeNullOrEmpty
            $result.Changed | Should -BeTrue
            $result.Restarted | Should -BeFalse
            ($result.Actions -join ' ') | Should -Match 'syncconf'
            Invoke-Gateway gw-a 'ip route show dev wg0' | Out-String | Should -Match '10\.100\.3\.0/24'

            $ping = Start-Ping $hostA.namespace $hostB.lanAddress 400 0.01
            Start-Sleep -Milliseconds 800
            Invoke-Gateway gw-a 'systemctl restart wg-quick@wg0'
            $seedWay = Stop-Ping $ping
            # While wg0 was down gw-a forwarded the pings back out of eth0 and sent host-a ICMP
            # redirects to the NAT router: host-a then bypasses the tunnel for five minutes.
            $redirected = ip netns exec $hostA.namespace ip route get $hostB.lanAddress | Out-String
            ip netns exec $hostA.namespace ip route flush cache
            Wait-Until { Test-Ping $hostA.namespace $hostB.lanAddress 1 } -TimeoutSec 30 -What 'the tunnel after the restart'

            [ordered]@{ ours = $ours; restart = $seedWay; redirectedAfterRestart = $redirected -match 'redirected' } | ConvertTo-Json | Set-Content (Join-Path $results 'hitless.json')
            Write-Host "Packets lost during a peer change: WgAdmin $($ours.Lost) of $($ours.Sent); systemctl restart $($seedWay.Lost) of $($seedWay.Sent)"
            $ours.Sent | Should -BeGreaterThan 300
            $ours.Lost | Should -Be 0
        }
    }

    Context 'reboot' {
        It 'brings the tunnel back by itself, with forwarding and NAT, after a gateway reboots (namespace recreated)' {
            Restart-WgLabGateway -Name gw-b -RecreateNamespace
            ip netns exec $hostB.namespace ip route flush cache   # redirects from gw-b while it booted
            Wait-Until { Test-Ping $hostA.namespace $hostB.lanAddress 1 } -TimeoutSec 90 -What 'the tunnel after the reboot'
            Test-Ping $hostB.namespace $hostA.lanAddress 3 | Should -BeTrue
            Invoke-Gateway gw-b 'cat /proc/sys/net/ipv4/ip_forward' | Should -Be '1'
            Invoke-Gateway gw-b '/etc/wireguard/wgadmin/wg0-nat check && echo ok' | Should -Be 'ok'
            Invoke-Gateway gw-b '{ iptables-save; nft list ruleset; } 2>/dev/null | grep -c -i wgadmin' | Should -BeGreaterThan 0
        }
    }

    Context 'NAT on iptables and on nftables' {
        It 'sets, re-applies without duplicates, and removes cleanly with <Backend>' -ForEach @(
            @{ Backend = 'Iptables'; Gateway = 'gw-d'; Count = 'iptables-save | grep -c -- "-A .*WGADMIN"' }
            @{ Backend = 'Nftables'; Gateway = 'gw-e'; Count = 'nft list table inet wgadmin_wg0 | grep -c -E "masquerade|accept"' }
        ) {
            $others = 'iptables-save 2>/dev/null | grep -c "^-A" || true'
            $before = Invoke-Gateway $Gateway $others
            $first = Set-WgNat -ComputerName $Gateway @ssh -Name wg0 -Masquerade eth0 -TwoWayNat -FirewallBackend $Backend -InstallPackage
            $first.Error | Should -BeNullOrEmpty
            $first.Changed | Should -BeTrue
            $rules = [int](Invoke-Gateway $Gateway $Count)
            $rules | Should -BeGreaterOrEqual 4 -Because 'two forward and two NAT rules for the two-way NAT'
            (Set-WgNat -ComputerName $Gateway @ssh -Name wg0 -Masquerade eth0 -TwoWayNat -FirewallBackend $Backend).Changed | Should -BeFalse
            Invoke-Gateway $Gateway '/etc/wireguard/wgadmin/wg0-nat up; /etc/wireguard/wgadmin/wg0-nat up'
            [int](Invoke-Gateway $Gateway $Count) | Should -Be $rules
            $removed = Set-WgNat -ComputerName $Gateway @ssh -Name wg0 -Remove
            $removed.Changed | Should -BeTrue
            Invoke-Gateway $Gateway $others | Should -Be $before
            Invoke-Gateway $Gateway '{ iptables-save; nft list ruleset; } 2>/dev/null | grep -c -i wgadmin || true' | Should -Be '0'
            Invoke-Gateway $Gateway 'ls /etc/wireguard/wgadmin/ /etc/systemd/system/wg-quick@wg0.service.d/ 2>/dev/null | grep -c wg0 || true' | Should -Be '0'
        }

        It 'Enable-WgForwarding turns forwarding on now and persists it' {
            Invoke-Gateway gw-f 'echo 0 > /proc/sys/net/ipv4/ip_forward'
            $result = Enable-WgForwarding -ComputerName gw-f @ssh
            $result.Changed | Should -BeTrue
            Invoke-Gateway gw-f 'cat /proc/sys/net/ipv4/ip_forward' | Should -Be '1'
            Invoke-Gateway gw-f 'cat /etc/sysctl.d/90-wgadmin-wg0.conf' | Should -Contain 'net.ipv4.ip_forward = 1'
            (Enable-WgForwarding -ComputerName gw-f @ssh).Changed | Should -BeFalse
        }
    }

    Context 'Remove-WgInterface' {
        It 'stops, disables and removes the interface, its config and its rules' {
            $keys = New-WgKeyPair
            $if = $keys | New-WgInterface -Name wg2 -Address 10.2.0.1/24 -ListenPort 10092 -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs 10.2.0.2/32)
            ($if | Set-WgInterface -ComputerName gw-g @ssh -InstallPackage -EnableForwarding -Masquerade eth0).Error | Should -BeNullOrEmpty
            Invoke-Gateway gw-g 'systemctl is-active wg-quick@wg2' | Should -Be 'active'
            $removed = Remove-WgInterface -ComputerName gw-g @ssh -Name wg2 -Confirm:$false
            $removed.Error | Should -BeNullOrEmpty
            Invoke-Gateway gw-g 'systemctl is-enabled wg-quick@wg2 2>/dev/null || true' | Should -Not -Be 'enabled'
            Invoke-Gateway gw-g 'ip link show wg2 >/dev/null 2>&1 && echo up || echo gone' | Should -Be 'gone'
            Invoke-Gateway gw-g 'ls /etc/wireguard' | Should -Not -Contain 'wg2.conf'
            Invoke-Gateway gw-g '{ iptables-save; nft list ruleset; } 2>/dev/null | grep -c -i wgadmin || true' | Should -Be '0'
            (Get-WgInterface -ComputerName gw-g @ssh -Name wg2) | Should -BeNullOrEmpty
        }
    }

    Context 'host keys' {
        BeforeAll {
            $script:bare = Join-Path $TestDrive 'ssh_config'
            Set-Content $bare "Host gw-a`n    HostName $($gwA.sshAddress)`n    User root`n    IdentityFile $($lab.keyFile)`n"
            $script:fingerprints = @($gwA.hostKeys.fingerprint)
        }

        It 'refuses an unknown host and names its SHA256 fingerprint' {
            $empty = Join-Path $TestDrive 'empty_known_hosts'
            New-Item $empty -ItemType File -Force | Out-Null
            $session = New-WgSession -ComputerName gw-a -SshConfigPath $bare -KnownHostsPath $empty -ErrorVariable failure -ErrorAction SilentlyContinue
            $session | Should -BeNullOrEmpty
            $failure[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.HostKeyUnknown,WgAdmin.Commands.NewWgSessionCommand'
            $shown = [regex]::Match("$($failure[0])", 'SHA256:[A-Za-z0-9+/]{43}').Value
            $fingerprints | Should -Contain $shown
        }

        It 'records a new host with -HostKeyPolicy AcceptNew, then trusts it' {
            $file = Join-Path $TestDrive 'accept_known_hosts'
            $session = New-WgSession -ComputerName gw-a -SshConfigPath $bare -KnownHostsPath $file -HostKeyPolicy AcceptNew
            $session.State | Should -Be 'Opened'
            $fingerprints | Should -Contain $session.HostKeyFingerprint
            Remove-WgSession $session
            (Get-Content $file) | Should -Match "^$([regex]::Escape($gwA.sshAddress)) "
            [Convert]::ToString([int](Get-Item $file).UnixFileMode, 8) | Should -Be '600'
            $again = New-WgSession -ComputerName gw-a -SshConfigPath $bare -KnownHostsPath $file
            $again.State | Should -Be 'Opened'
            Remove-WgSession $again
        }

        It 'refuses a changed key and names both fingerprints' {
            $impostor = Join-Path $TestDrive 'impostor'
            ssh-keygen -q -t ed25519 -N '' -f $impostor
            $blob = (Get-Content "$impostor.pub") -split ' '
            $file = Join-Path $TestDrive 'changed_known_hosts'
            Set-Content $file "$($gwA.sshAddress) $($blob[0]) $($blob[1])"
            $known = ((ssh-keygen -lf "$impostor.pub") -split ' ')[1]
            $null = New-WgSession -ComputerName gw-a -SshConfigPath $bare -KnownHostsPath $file -ErrorVariable failure -ErrorAction SilentlyContinue
            $failure[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.HostKeyChanged,WgAdmin.Commands.NewWgSessionCommand'
            "$($failure[0])" | Should -Match ([regex]::Escape($known))
            "$($failure[0])" | Should -Match ([regex]::Escape(($gwA.hostKeys | Where-Object type -EQ 'ED25519').fingerprint))
        }
    }

    Context 'authentication and sessions' {
        BeforeAll {
            $script:bare = Join-Path $TestDrive 'ssh_config_auth'
            Set-Content $bare "Host gw-a`n    HostName $($gwA.sshAddress)`n    User root`n"
            $script:encrypted = Join-Path $TestDrive 'id_encrypted'
            Copy-Item $lab.keyFile $encrypted
            ssh-keygen -q -p -N 'correct horse' -f $encrypted | Out-Null
            $script:auth = @{ SshConfigPath = $bare; KnownHostsPath = $lab.knownHosts; KeyFilePath = $encrypted }
        }

        It 'refuses an encrypted key without its passphrase, and never prompts in a non-interactive session' {
            $null = New-WgSession -ComputerName gw-a @auth -ErrorVariable failure -ErrorAction SilentlyContinue
            $failure[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.KeyFilePassphraseRequired,WgAdmin.Commands.NewWgSessionCommand'
        }

        It 'takes the passphrase from -Credential' {
            $credential = [pscredential]::new('root', (ConvertTo-SecureString 'correct horse' -AsPlainText -Force))
            $session = New-WgSession -ComputerName gw-a @auth -Credential $credential
            $session.State | Should -Be 'Opened'
            (Get-WgSession -Id $session.Id).ComputerName | Should -Be 'gw-a'
            (Get-WgInterface -Session $session -Name wg0).Name | Should -Be 'wg0'
            Remove-WgSession $session
            Get-WgSession -Id $session.Id | Should -BeNullOrEmpty
        }

        It 'closes kept sessions when the module is removed' {
            $session = New-WgSession -ComputerName gw-a @ssh
            $session.State | Should -Be 'Opened'
            Remove-Module WgAdmin
            try {
                $session.State | Should -Be 'Closed'
            }
            finally {
                Import-Module $modulePath -Force
            }
            Get-WgSession | Should -BeNullOrEmpty
        }
    }

    Context 'key hygiene' {
        It 'never puts key material on a gateway''s command line' {
            $secrets = @($keysA.PrivateKey.Reveal(), $keysB.PrivateKey.Reveal(), $psk.Reveal())
            foreach ($gateway in 'gw-a', 'gw-b') {
                $log = Invoke-Gateway $gateway "cat $($gwA.commandLog)" | Out-String
                $log | Should -Match 'bash -s' -Because 'WgAdmin''s commands are in the log'
                foreach ($secret in $secrets) { $log.Contains($secret) | Should -BeFalse }
            }
        }

        It 'generates a key on a gateway that never leaves it, and applies an interface that holds only its public key' {
            $pair = New-WgKeyPair -ComputerName gw-c -InterfaceName wg0 @ssh -InstallPackage
            $pair.PrivateKey | Should -BeNullOrEmpty
            $pair.ComputerName | Should -Be 'gw-c'
            Invoke-Gateway gw-c 'stat -c %a /etc/wireguard/wg0.key' | Should -Be '600'
            (New-WgKeyPair -ComputerName gw-c -InterfaceName wg0 @ssh).PublicKey | Should -Be $pair.PublicKey -Because 'an existing key file is kept'

            $remoteIf = $pair | New-WgInterface -Address 10.0.0.3/24 -ListenPort 10086 -Peer ($keysA | New-WgPeer -AllowedIPs 10.0.0.1/32 -Endpoint "$($siteA.publicAddress):10086")
            $remoteIf.ComputerName | Should -Be 'gw-c'
            $remoteIf.Name | Should -Be 'wg0'
            $result = $remoteIf | Set-WgInterface @ssh
            $result.Error | Should -BeNullOrEmpty
            Invoke-Gateway gw-c 'wg show wg0 public-key' | Should -Be $pair.PublicKey.ToString()
            Invoke-Gateway gw-c 'stat -c %a /etc/wireguard/wg0.conf' | Should -Be '600'
            ($remoteIf | Set-WgInterface @ssh).Changed | Should -BeFalse
            $key = Invoke-Gateway gw-c 'cat /etc/wireguard/wg0.key'
            (Invoke-Gateway gw-c "cat $($gwA.commandLog)" | Out-String).Contains($key) | Should -BeFalse
        }
    }

    Context 'bad input reaches no shell' {
        It 'writes names with quotes, ;, $(), backticks into the file as text and runs nothing' {
            $nasty = 'x''; touch /tmp/pwned1; echo $(touch /tmp/pwned2) `touch /tmp/pwned3` "q"'
            $peer = New-WgKeyPair | New-WgPeer -Name $nasty -Description $nasty -AllowedIPs 10.0.0.9/32
            $copy = $ifA.Clone()
            $copy | Add-WgPeer -Peer $peer
            $result = $copy | Set-WgInterface -ComputerName gw-a @ssh
            $result.Error | Should -BeNullOrEmpty
            Invoke-Gateway gw-a 'ls /tmp/pwned1 /tmp/pwned2 /tmp/pwned3 2>/dev/null | wc -l' | Should -Be '0'
            (Invoke-Gateway gw-a 'cat /etc/wireguard/wg0.conf' | Out-String).Contains("# Name = $nasty") | Should -BeTrue
            $null = $ifA | Set-WgInterface -ComputerName gw-a @ssh
        }

        It 'refuses values that would need a shell to be safe before connecting' {
            { Set-WgInterface -InputObject $ifA -ComputerName gw-a @ssh -Masquerade 'eth0;touch /tmp/pwned4' } | Should -Throw -ErrorId 'ParameterArgumentValidationError,WgAdmin.Commands.SetWgInterfaceCommand'
            $null = Set-WgInterface -InputObject $ifA -ComputerName 'gw-a;touch /tmp/pwned5' @ssh -ErrorVariable failure -ErrorAction SilentlyContinue
            $failure[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.InvalidComputerName,WgAdmin.Commands.SetWgInterfaceCommand'
            { New-WgInterface -Name 'wg0;touch' -PrivateKey $keysA.PrivateKey -ErrorAction Stop } | Should -Throw -ErrorId 'WgAdmin.InvalidInterfaceName,WgAdmin.Commands.NewWgInterfaceCommand'
            { New-WgPeer -PublicKey $keysB.PublicKey -Name "x`nPostUp = touch /tmp/pwned6" -ErrorAction Stop } | Should -Throw -ErrorId 'WgAdmin.ControlCharacter,WgAdmin.Commands.NewWgPeerCommand'
            Invoke-Gateway gw-a 'ls /tmp/pwned4 /tmp/pwned5 /tmp/pwned6 2>/dev/null | wc -l' | Should -Be '0'
        }
    }

    Context 'sites to a running tunnel' {
        It 'turns two sites with keys made on their gateways into a working tunnel (docs/topology.md)' {
            $siteH = $lab.sites | Where-Object gateway -EQ 'gw-h'
            $siteI = $lab.sites | Where-Object gateway -EQ 'gw-i'
            $sites = @(
                New-WgKeyPair -ComputerName gw-h -InterfaceName wg0 @ssh -InstallPackage |
                    New-WgSite -Name site-h -Endpoint "$($siteH.publicAddress):10086" -LanPrefix $siteH.lanPrefix
                New-WgKeyPair -ComputerName gw-i -InterfaceName wg0 @ssh -InstallPackage |
                    New-WgSite -Name site-i -Endpoint "$($siteI.publicAddress):10086" -LanPrefix $siteI.lanPrefix
            )
            $results = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0
            @($results).Count | Should -Be 2
            @($results | Where-Object Error).Count | Should -Be 0

            $hostH = $lab.hosts | Where-Object name -EQ $siteH.lanHosts[0]
            $hostI = $lab.hosts | Where-Object name -EQ $siteI.lanHosts[0]
            $gwH = $lab.hosts | Where-Object name -EQ 'gw-h'
            $gwI = $lab.hosts | Where-Object name -EQ 'gw-i'
            $null = ip netns exec $hostH.namespace ip route replace $siteI.lanPrefix via $gwH.lanAddress
            $null = ip netns exec $hostI.namespace ip route replace $siteH.lanPrefix via $gwI.lanAddress
            Wait-Until { Test-Ping $hostH.namespace $hostI.lanAddress 1 } -TimeoutSec 30 -What 'the tunnel built from sites'
            Test-Ping $hostI.namespace $hostH.lanAddress 3 | Should -BeTrue
            (Get-WgInterface -ComputerName gw-h @ssh -Name wg0).Peers[0].Name | Should -Be 'site-i'
        }
    }

    Context 'fan-out' {
        It 'applies to 20 gateways at once; one made unreachable fails alone' {
            $gateways = @($lab.sites | Select-Object -First 20 | ForEach-Object gateway)
            $gateways.Count | Should -Be 20 -Because 'the lab runs 20 gateways for this test'
            $down = $gateways[-1]
            Stop-WgLabGateway -Name $down
            try {
                $hub = New-WgKeyPair
                $interfaces = foreach ($index in 0..($gateways.Count - 1)) {
                    $site = $lab.sites[$index]
                    $name = if ($site.name -in 'a', 'b', 'c') { 'wg1' } else { 'wg0' }
                    New-WgKeyPair | New-WgInterface -Name $name -ComputerName $site.gateway -Address "10.1.0.$($index + 1)/24" -ListenPort 10090 `
                        -Peer ($hub | New-WgPeer -AllowedIPs "10.1.0.254/32" -Endpoint "198.51.100.250:10090")
                }
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $all = $interfaces | Set-WgInterface @ssh -InstallPackage -ThrottleLimit 16 -ConnectTimeoutSeconds 5 -ErrorVariable failures -ErrorAction SilentlyContinue
                $clock.Stop()
                $all.Count | Should -Be 20
                $failed = @($all | Where-Object Error)
                $failed.Count | Should -Be 1
                $failed[0].ComputerName | Should -Be $down
                @($failures).Count | Should -Be 1
                $failures[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.ConnectionFailed,WgAdmin.Commands.SetWgInterfaceCommand'
                @($all | Where-Object { -not $_.Error -and $_.Changed }).Count | Should -Be 19
                Write-Host ("Fan-out: 20 gateways (one down) in {0:N1} s" -f $clock.Elapsed.TotalSeconds)
            }
            finally {
                Start-WgLabGateway -Name $down
            }
        }
    }
}

#Requires -Version 7.4
# Dynamic endpoints against real gateways: sites ab and ac of the shared lab, interface wg14, port
# 10098 (docs/lab.md, "Who uses which site"). gw-ab reaches site ac by a host name that gw-ab's
# resolver (its /etc/hosts, which the suite edits) maps to ac's public address; gw-ac has no
# endpoint for ab and only answers, so it never roams ab to its new address by itself. Then ac's
# public address moves (Set-WgLabPublicAddress: the NAT router answers on a new address only), the
# name follows, and Sync-WgEndpoint, or the timer Set-WgInterface -ReresolveEndpoint installed,
# brings the tunnel back; the delays are written to out/lab-endpoint.json (beside the lab's
# folder, which Stop-WgLab empties).

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Dynamic endpoints on the lab gateways' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:siteAB = $lab.sites | Where-Object name -EQ 'ab'
        $script:siteAC = $lab.sites | Where-Object name -EQ 'ac'
        $script:gwAB = $lab.hosts | Where-Object name -EQ $siteAB.gateway
        $script:gwAC = $lab.hosts | Where-Object name -EQ $siteAC.gateway
        $script:natAC = $lab.hosts | Where-Object name -EQ $siteAC.nat
        $script:originalAC = $siteAC.publicAddress
        $script:movedAC = '198.51.100.140'
        $script:hostName = 'site-ac.lab.test'
        $script:interval = 30
        $script:figures = [ordered]@{}

        # gw-ab's resolver: the name maps to ADDRESS, or to nothing.
        function Set-AcName([string] $Address) {
            $entry = if ($Address) { "echo '$Address $hostName' >> /etc/hosts" } else { ':' }
            $null = Invoke-Gateway $gwAB.name "sed -i '/ $([regex]::Escape($hostName))`$/d' /etc/hosts; $entry"
        }

        # gw-ab's view of its peer ac: the endpoint and the latest handshake (Unix seconds, 0 for none).
        function Get-AcPeer {
            $endpoint = (Invoke-Gateway $gwAB.name "wg show wg14 endpoints" | Select-Object -First 1) -split "`t"
            $handshake = (Invoke-Gateway $gwAB.name "wg show wg14 latest-handshakes" | Select-Object -First 1) -split "`t"
            [pscustomobject]@{ Endpoint = $endpoint[1]; Handshake = [long]$handshake[1] }
        }

        function Get-UnixTime { [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds() / 1000.0 }

        # Waits until gw-ab shook hands with ac at ENDPOINT after SINCE (Unix seconds).
        function Wait-HandshakeAt([string] $Endpoint, [double] $Since, [int] $TimeoutSec) {
            Wait-Until {
                $peer = Get-AcPeer
                $peer.Endpoint -eq $Endpoint -and $peer.Handshake -ge [math]::Floor($Since)
            } -TimeoutSec $TimeoutSec -What "a handshake of gw-ab with ac at $Endpoint"
        }

        # Waits until the tunnel carries a ping again with ac at ENDPOINT; returns when (Unix seconds).
        # A session still valid carries data without a new handshake: the ping is what counts.
        function Wait-TunnelAt([string] $Endpoint, [int] $TimeoutSec) {
            $script:back = $null
            Wait-Until {
                if ((Get-AcPeer).Endpoint -ne $Endpoint) { Start-Sleep -Milliseconds 250; return $false }
                $null = ip netns exec $gwAB.namespace ping -c 1 -W 1 -q 10.0.14.2 2>&1
                if ($LASTEXITCODE -eq 0) { $script:back = Get-UnixTime; return $true }
                $false
            } -TimeoutSec $TimeoutSec -What "the tunnel through ac at $Endpoint"
            $script:back
        }

        # The re-resolve timer's files and state on gw-ab.
        function Get-TimerState {
            $text = Invoke-Gateway $gwAB.name @'
for f in /etc/wireguard/wgadmin/wg14-reresolve /etc/systemd/system/wgadmin-reresolve-wg14.service /etc/systemd/system/wgadmin-reresolve-wg14.timer /etc/systemd/system/timers.target.wants/wgadmin-reresolve-wg14.timer; do
  if [ -e "$f" ] || [ -L "$f" ]; then echo "file=$f $(stat -c %a "$f")"; fi
done
echo "active=$(systemctl is-active wgadmin-reresolve-wg14.timer)"
echo "enabled=$(systemctl is-enabled wgadmin-reresolve-wg14.timer 2>/dev/null)"
'@
            [pscustomobject]@{
                Files = @($text | Where-Object { $_ -like 'file=*' } | ForEach-Object { $_.Substring(5) })
                Active = ($text | Where-Object { $_ -like 'active=*' }) -replace '^active=', ''
                Enabled = ($text | Where-Object { $_ -like 'enabled=*' }) -replace '^enabled=', ''
            }
        }

        # Sync-WgEndpoint in a fresh pwsh, as a scheduled job runs it: its exit code and its JSON.
        function Invoke-SyncJob {
            $module = (Get-Module WgAdmin).Path
            $command = "Import-Module '$module'; Sync-WgEndpoint -ComputerName $($gwAB.name) -SshConfigPath '$($lab.sshConfig)' -Name wg14 -Force | ConvertTo-Json -Depth 3"
            $output = & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $command 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Json = ($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }) -join "`n"; Errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) }
        }

        $script:keysAB = New-WgKeyPair
        $script:keysAC = New-WgKeyPair
        $script:ifAB = $keysAB | New-WgInterface -Name wg14 -Address 10.0.14.1/24 -ListenPort 10098 `
            -Peer ($keysAC | New-WgPeer -Name site-ac -AllowedIPs 10.0.14.2/32 -Endpoint "$($hostName):10098" -PersistentKeepalive 10)
        $script:ifAC = $keysAC | New-WgInterface -Name wg14 -Address 10.0.14.2/24 -ListenPort 10098 `
            -Peer ($keysAB | New-WgPeer -Name site-ab -AllowedIPs 10.0.14.1/32)
        Set-AcName $originalAC
    }

    AfterAll {
        # Pester never runs a skipped block's AfterAll, and BeforeDiscovery's variables are gone by now.
        $null = ip netns exec $natAC.namespace iptables -w -D FORWARD -i lan0 -p udp --sport 10098 -j DROP 2>&1
        Set-WgLabPublicAddress -Site ac -Reset -ErrorAction Continue | Out-Null
        Set-AcName ''
        Remove-WgInterface -ComputerName $gwAB.name, $gwAC.name @ssh -Name wg14 -Confirm:$false -ErrorAction Continue | Out-Null
        if ($figures.Count -gt 0) {
            # Beside the lab's folder, which Stop-WgLab empties.
            $json = $figures | ConvertTo-Json
            Write-Host "Re-resolution figures: $json"
            Set-Content -LiteralPath (Join-Path (Split-Path $lab.outputPath) 'lab-endpoint.json') -Value $json
        }
    }

    It 'a failed apply takes the new re-resolve timer away with the rest of the change' {
        # The package first, by hand: a package is no part of a change's snapshot (its wg-quick@ unit would differ).
        $null = Invoke-Gateway $gwAB.name 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q wireguard >/dev/null 2>&1'
        $broken = $ifAB.Clone()
        $broken.PostUp = @('false')
        $result = $broken | Set-WgInterface -ComputerName $gwAB.name @ssh -ReresolveEndpoint -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failed
        $result.Actions | Should -BeNullOrEmpty
        $result.Error | Should -BeLike "*'start wg-quick@wg14' failed*"
        $result.RolledBack | Should -BeTrue
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.ChangeRolledBack,*'
        $state = Get-TimerState
        $state.Files | Should -BeNullOrEmpty
        $state.Active | Should -Not -Be 'active'
        $state.Enabled | Should -BeNullOrEmpty
    }

    It 'Set-WgInterface -ReresolveEndpoint installs the script and a 30 s timer in the change; applied again, nothing changes' {
        $null = $ifAC | Set-WgInterface -ComputerName $gwAC.name @ssh -InstallPackage -Confirm:$false
        $result = $ifAB | Set-WgInterface -ComputerName $gwAB.name @ssh -InstallPackage -ReresolveEndpoint -Confirm:$false
        $result.Error | Should -BeNullOrEmpty
        $result.Actions | Should -Contain 'start wgadmin-reresolve-wg14.timer (every 30 s)'
        $state = Get-TimerState
        $state.Active | Should -Be 'active'
        $state.Enabled | Should -Be 'enabled'
        $state.Files | Should -Contain '/etc/wireguard/wgadmin/wg14-reresolve 700'
        Invoke-Gateway $gwAB.name 'cat /etc/systemd/system/wgadmin-reresolve-wg14.timer' | Should -Contain 'OnUnitActiveSec=30s'
        ($ifAB | Set-WgInterface -ComputerName $gwAB.name @ssh -ReresolveEndpoint -Confirm:$false).Changed | Should -BeFalse
    }

    It 'the tunnel comes up through the host name' {
        Wait-HandshakeAt "$($originalAC):10098" 0 60
        $null = Wait-TunnelAt "$($originalAC):10098" 30
    }

    It 'Sync-WgEndpoint leaves a peer with a fresh handshake alone, and its result is plain JSON' {
        $results = @(Sync-WgEndpoint -ComputerName $gwAB.name @ssh -Name wg14)
        $? | Should -BeTrue
        $results.Count | Should -Be 1
        $results[0] | Should -BeOfType ([WgAdmin.Remote.WgEndpointSyncResult])
        $results[0].Status | Should -Be 'Fresh'
        $results[0].Moved | Should -BeFalse
        $results[0].HandshakeAgeSeconds | Should -BeLessOrEqual 135
        $json = $results[0] | ConvertTo-Json | ConvertFrom-Json -AsHashtable
        $json.Peer | Should -Be 'site-ac'
        $json.HostName | Should -Be $hostName
        $json.Port | Should -Be 10098
        $json.OldEndpoint | Should -Be "$($originalAC):10098"
        $json.Status | Should -Be 'Fresh'
        $json.Values | Where-Object { $_ -is [System.Collections.IDictionary] -or $_ -is [array] } | Should -BeNullOrEmpty
    }

    It 'after the site''s address moved, Sync-WgEndpoint -Force sends the peer to where the name points now' {
        $moved = Get-UnixTime
        Set-WgLabPublicAddress -Site ac -Address $movedAC | Select-Object -ExpandProperty Address | Should -Be $movedAC
        Set-AcName $movedAC
        Test-Ping $gwAB.namespace 10.0.14.2 2 | Should -BeFalse -Because 'nothing reaches the old address any more'
        $synced = Get-UnixTime
        $results = @(Sync-WgEndpoint -ComputerName $gwAB.name @ssh -Name wg14 -Force)
        $results.Count | Should -Be 1
        $results[0].Status | Should -Be 'Moved'
        $results[0].Moved | Should -BeTrue
        $results[0].OldEndpoint | Should -Be "$($originalAC):10098"
        $results[0].NewEndpoint | Should -Be "$($movedAC):10098"
        $back = Wait-TunnelAt "$($movedAC):10098" 30
        $figures.syncSecondsFromCall = [math]::Round($back - $synced, 1)
        $figures.syncSecondsFromMove = [math]::Round($back - $moved, 1)
    }

    It 'the timer sends the peer where the name points within one timer period after its handshake went stale, and its journal says which peer moved where' {
        # gw-ac only answers: nothing it sends may reach ab until ab has moved (a packet from ac's new
        # address would roam ab there by itself, as WireGuard does, and no name would be needed).
        $null = ip netns exec $natAC.namespace iptables -w -I FORWARD -i lan0 -p udp --sport 10098 -j DROP
        $moved = Get-UnixTime
        $null = Set-WgLabPublicAddress -Site ac -Reset
        Set-AcName $originalAC
        # No handshake can succeed after the move: the last one is the one the timer measures 135 s from.
        $before = Get-AcPeer
        # The timer acts once the handshake is older than 135 s: at most 135 s after the move, then up to one period.
        Wait-Until { (Get-AcPeer).Endpoint -eq "$($originalAC):10098" } -TimeoutSec (135 + $interval + 60) -What 'the timer moving ab''s peer'
        $null = ip netns exec $natAC.namespace iptables -w -D FORWARD -i lan0 -p udp --sport 10098 -j DROP
        $back = Wait-TunnelAt "$($originalAC):10098" 60
        $staleAt = $before.Handshake + 135
        Write-Host "timer: handshake $($before.Handshake), moved $moved, tunnel back $back; journal:`n$((Invoke-Gateway $gwAB.name 'journalctl -q -o short-unix -u wgadmin-reresolve-wg14.service') -join "`n")"
        # When the timer moved it: the journal's line, stamped by journald (-o short-unix: TIME HOST UNIT[PID]: MESSAGE).
        $journal = @(Invoke-Gateway $gwAB.name 'journalctl -q -o short-unix -u wgadmin-reresolve-wg14.service' |
                Where-Object { $_ -like "* wg14: peer site-ac ($($hostName):10098) moved from $($movedAC):10098 to $($originalAC):10098 (last handshake * s ago)" })
        $journal.Count | Should -Be 1 -Because 'the journal names the peer, the name and both addresses, once'
        $reresolvedAt = [double]::Parse(($journal[0] -split ' ')[0], [cultureinfo]::InvariantCulture)
        $figures.timerIntervalSeconds = $interval
        $figures.timerHandshakeAgeAtMove = [math]::Round($moved - $before.Handshake, 1)
        $figures.timerSecondsFromMove = [math]::Round($back - $moved, 1)
        $figures.timerReresolvedSecondsAfterStale = [math]::Round($reresolvedAt - [math]::Max($staleAt, $moved), 1)
        $figures.timerTunnelSecondsAfterReresolve = [math]::Round($back - $reresolvedAt, 1)
        ($reresolvedAt - [math]::Max($staleAt, $moved)) | Should -BeLessOrEqual ($interval + 3) -Because 'the timer acts within one period of the handshake going stale'
        ($back - $reresolvedAt) | Should -BeLessOrEqual 30 -Because 'then a keepalive (10 s) or a handshake retry (5 s) reaches the new address, and a ping crosses'
    }

    It 'a name that does not resolve is that peer''s error: $? is false, pwsh exits 1, the peer stays where it was' {
        Set-AcName ''
        $results = @(Sync-WgEndpoint -ComputerName $gwAB.name @ssh -Name wg14 -Force -ErrorAction SilentlyContinue -ErrorVariable failed)
        $results.Count | Should -Be 1
        $results[0].Status | Should -Be 'Unresolved'
        $results[0].Moved | Should -BeFalse
        $results[0].Message | Should -Not -BeNullOrEmpty
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.EndpointUnresolved,*'
        "$failed" | Should -BeLike "*'$($hostName):10098'*site-ac*"
        (Get-AcPeer).Endpoint | Should -Be "$($originalAC):10098"
        $job = Invoke-SyncJob
        $job.ExitCode | Should -Be 1
        ($job.Json | ConvertFrom-Json).Status | Should -Be 'Unresolved'
        Set-AcName $originalAC
        $job = Invoke-SyncJob
        $job.ExitCode | Should -Be 0
        ($job.Json | ConvertFrom-Json).Status | Should -Be 'Unchanged'
    }

    It 'Remove-WgInterface takes the timer, its service and its script away' {
        $result = Remove-WgInterface -ComputerName $gwAB.name @ssh -Name wg14 -Confirm:$false
        $result.Error | Should -BeNullOrEmpty
        $result.Actions | Should -Contain "stop re-resolving wg14's endpoints (remove its script and timer)"
        $state = Get-TimerState
        $state.Files | Should -BeNullOrEmpty
        $state.Active | Should -Not -Be 'active'
    }
}

#Requires -Version 7.4
# Changes that cannot strand a gateway, against the lab's booted gateways: faults injected at every
# step of five kinds of change (a step that fails, the SSH session killed, the gateway rebooted,
# each with and without -ConfirmWithin) and around them (a failing hook, DNS without resolvconf,
# apt failing, a full or read-only /etc/wireguard, a gateway down or hanging, two changes at once,
# a change that cuts the admin's path, a tunnel that does not pass -ConfirmTunnel). After each
# fault the gateway must be exactly in the old or the new state (an oracle of its own: file
# hashes, live link, routes, rules, sysctls, unit), the old tunnel must carry LAN traffic when the
# new state was not reached, and one more apply must converge. Prints a table of the faults.
# Uses sites s and t, which no other suite uses (docs/lab.md).

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Changes under injected faults' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')
        $script:siteP = $lab.sites | Where-Object name -EQ 's'
        $script:siteQ = $lab.sites | Where-Object name -EQ 't'
        $script:gwP = $siteP.gateway
        $script:gwQ = $siteQ.gateway
        $script:hostP = $lab.hosts | Where-Object name -EQ $siteP.lanHosts[0]
        $script:hostQ = $lab.hosts | Where-Object name -EQ $siteQ.lanHosts[0]
        $script:gatewayP = $lab.hosts | Where-Object name -EQ $gwP
        $gatewayQ = $lab.hosts | Where-Object name -EQ $gwQ
        $script:modulePath = (Get-Module WgAdmin).Path
        $script:faults = [System.Collections.Generic.List[object]]::new()
        # Where the figures go (a fresh clone has no out/lab/results yet).
        New-Item -ItemType Directory -Force (Join-Path $env:WGADMIN_LAB_OUTPUT 'results') | Out-Null
        $script:losses = @{}
        $script:natP = $lab.hosts | Where-Object name -EQ $siteP.nat

        $keysP = New-WgKeyPair
        $keysQ = New-WgKeyPair
        $peerQ = $keysQ | New-WgPeer -Name site-q -AllowedIPs 10.207.0.2/32, $siteQ.lanPrefix -Endpoint "$($siteQ.publicAddress):51907" -PersistentKeepalive 5
        $peerP = $keysP | New-WgPeer -Name site-p -AllowedIPs 10.207.0.1/32, $siteP.lanPrefix -Endpoint "$($siteP.publicAddress):51907" -PersistentKeepalive 5
        $script:oldP = $keysP | New-WgInterface -Name wg7 -Address 10.207.0.1/24 -ListenPort 51907 -Peer $peerQ
        $script:oldQ = $keysQ | New-WgInterface -Name wg7 -Address 10.207.0.2/24 -ListenPort 51907 -Peer $peerP

        # The new states of the changes: live (an address and a peer), restart (hooks), a second interface.
        $script:liveP = $oldP.Clone()
        $liveP.Address = @($oldP.Address) + [WgAdmin.Net.WgPrefix]'10.207.1.1/24'
        $liveP.Peers = @($oldP.Peers) + (New-WgKeyPair | New-WgPeer -Name extra -AllowedIPs 10.207.9.0/24)
        $script:restartP = $oldP.Clone()
        $restartP.PostUp = @('true')
        $restartP.PostDown = @('true')
        $script:liveQ = $oldQ.Clone()
        $liveQ.Address = @($oldQ.Address) + [WgAdmin.Net.WgPrefix]'10.207.2.1/24'
        $script:restartQ = $oldQ.Clone()
        $restartQ.PostUp = @('true')
        $script:secondP = New-WgKeyPair | New-WgInterface -Name wg8 -Address 10.208.0.1/24 -ListenPort 51908

        $null = ip netns exec $hostP.namespace ip route replace $siteQ.lanPrefix via $gatewayP.lanAddress
        $null = ip netns exec $hostQ.namespace ip route replace $siteP.lanPrefix via $gatewayQ.lanAddress

        # The oracle: the gateway's state as the tools show it, independent of change.sh.
        $script:stateScript = @'
cd /etc/wireguard 2>/dev/null || true
for f in /etc/wireguard/wg7.conf /etc/wireguard/wg7.conf.wgadmin-bak /etc/wireguard/wg7.conf.wgadmin-removed /etc/wireguard/wg8.conf \
  /etc/wireguard/wgadmin/wg7-nat /etc/wireguard/wgadmin/wg8-nat /etc/sysctl.d/90-wgadmin-wg7.conf \
  /etc/systemd/system/wg-quick@wg7.service.d/50-wgadmin.conf /etc/systemd/system/wg-quick@wg8.service.d/50-wgadmin.conf; do
  if [ -e "$f" ]; then echo "$f $(sha256sum < "$f" | cut -c1-16) $(stat -c %a "$f")"; else echo "$f -"; fi
done
for i in wg7 wg8; do
  if ip link show dev $i >/dev/null 2>&1; then
    # By content, sorted: wireguard-go lists peers in no fixed order; endpoints and counters move.
    echo "$i wg $(wg show $i dump | awk -F '\t' 'NR == 1 { print $1, $3, $4; next } { print $1, $2, $4, $8 }' | sort | sha256sum | cut -c1-16) mtu $(cat /sys/class/net/$i/mtu)"
    ip -o addr show dev $i | awk '$4 !~ /^fe80:/ { print $4 }' | sort | tr '\n' ' '; echo
    ip route show table all dev $i | grep -v '^local\|^broadcast\|^multicast\|^fe80' | sort | tr '\n' ';'; echo
  else echo "$i absent"; fi
  echo "$i $(systemctl is-enabled wg-quick@$i 2>/dev/null) $(systemctl is-active wg-quick@$i 2>/dev/null | sed 's/failed/inactive/')"
done
iptables -w -S 2>/dev/null | grep -i wgadmin | sort | tr '\n' ';'; echo
iptables -w -t nat -S 2>/dev/null | grep -i wgadmin | sort | tr '\n' ';'; echo
nft list table inet wgadmin_wg7 2>/dev/null | sha256sum | cut -c1-16
nft list table inet wgadmin_wg8 2>/dev/null | sha256sum | cut -c1-16
echo "forward $(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/net/ipv6/conf/all/forwarding)"
for f in /proc/sys/net/ipv4/conf/*/send_redirects; do d=${f%/send_redirects}; printf '%s=%s ' "${d##*/}" "$(cat "$f")"; done; echo
'@
        function Get-State([string] $Gateway) { (Invoke-Gateway $Gateway $stateScript) -join "`n" }

        function Wait-Settled([string] $Gateway) {
            # The host's own work is done: no change in progress (its snapshot is gone or pending), the lock free.
            Wait-Until { (Invoke-Gateway $Gateway 'if [ -f /var/lib/wgadmin/change/meta ] && grep -q status=applying /var/lib/wgadmin/change/meta; then echo busy; elif flock -n /run/wgadmin/change.lock true 2>/dev/null || [ ! -e /run/wgadmin/change.lock ]; then echo free; else echo busy; fi') -eq 'free' } -TimeoutSec 60 -What "$Gateway to settle"
        }

        function Test-Tunnel { Test-Ping $hostP.namespace $hostQ.lanAddress 1 }

        function Invoke-Old([string] $Gateway) {
            $old = if ($Gateway -eq $gwP) { $oldP } else { $oldQ }
            $old | Set-WgInterface -ComputerName $Gateway @ssh -InstallPackage -EnableForwarding -Masquerade eth0 -Confirm:$false -ErrorAction Stop
            Set-WgNat -ComputerName $Gateway @ssh -Name wg7 -Masquerade eth0 -Confirm:$false -ErrorAction Stop
            Remove-WgInterface -ComputerName $Gateway @ssh -Name wg8 -RemoveKey -Confirm:$false -ErrorAction Stop
            # The copies the old state does not have (a re-apply keeps the config it replaced, a removal the one it removed).
            $null = Invoke-Gateway $Gateway 'rm -f /etc/wireguard/wg7.conf.wgadmin-bak /etc/wireguard/wg7.conf.wgadmin-removed /etc/wireguard/wg8.conf.wgadmin-bak /etc/wireguard/wg8.conf.wgadmin-removed'
        }

        # The changes, as data (a command, its input, its parameters), so that a thread job can run them too.
        function Get-Change([string] $Name, [string] $Gateway) {
            $p = $Gateway -eq $gwP
            switch ($Name) {
                'live' { @{ Command = 'Set-WgInterface'; Input = $(if ($p) { $liveP } else { $liveQ }); Parameters = @{} } }
                'restart' { @{ Command = 'Set-WgInterface'; Input = $(if ($p) { $restartP } else { $restartQ }); Parameters = @{} } }
                'nat' { @{ Command = 'Set-WgNat'; Input = $null; Parameters = @{ Name = 'wg7'; Masquerade = 'eth0'; TwoWayNat = $true } } }
                'remove' { @{ Command = 'Remove-WgInterface'; Input = $null; Parameters = @{ Name = 'wg7' } } }
                'create' { @{ Command = 'Set-WgInterface'; Input = $secondP; Parameters = @{ Masquerade = 'eth0' } } }
            }
        }

        function Invoke-Change([hashtable] $Change, [string] $Gateway, [hashtable] $Extra) {
            $parameters = $Change.Parameters + $Extra
            # Errors are the results' to say (ErrorId, RolledBack); the suite reads those.
            if ($null -ne $Change.Input) { $Change.Input | & $Change.Command -ComputerName $Gateway @ssh @parameters -Confirm:$false -ErrorAction SilentlyContinue }
            else { & $Change.Command -ComputerName $Gateway @ssh @parameters -Confirm:$false -ErrorAction SilentlyContinue }
        }

        # One fault's verdict: old or new state, traffic when old, convergence back to the old state.
        function Assert-Survived([string] $Kind, [string] $Gateway, [string] $Old, [string] $New, [scriptblock] $Reset) {
            Wait-Settled $Gateway
            $state = Get-State $Gateway
            $which = if ($state -eq $Old) { 'old' } elseif ($state -eq $New) { 'new' } else { 'BROKEN' }
            $traffic = $true
            $why = $null
            if ($which -eq 'old') {
                $traffic = $false
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while (-not $traffic -and [DateTime]::UtcNow -lt $deadline) { $traffic = Test-Tunnel }
                if (-not $traffic) {
                    # What the LAN host and the gateway saw, for the report.
                    $why = 'no traffic: ' + (((ip netns exec $hostP.namespace ip route get $hostQ.lanAddress) + (ip netns exec $hostP.namespace ip neigh) + (Invoke-Gateway $Gateway 'wg show wg7 latest-handshakes; wg show wg7 transfer; ip neigh')) -join ' | ')
                }
            }
            & $Reset
            $again = @(& $Reset | Where-Object { $_ -is [WgAdmin.Remote.WgApplyResult] -and $_.Changed })
            $converged = $again.Count -eq 0 -and (Get-State $Gateway) -eq $Old
            $faults.Add([pscustomobject]@{ Kind = $Kind; Gateway = $Gateway; State = $which; Traffic = $traffic; Converged = $converged; Why = $why; Diff = $(if ($which -eq 'BROKEN') { 'against old: ' + ((Compare-Object ($Old -split "`n") ($state -split "`n") | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" }) -join ' | ') + ' || against new: ' + ((Compare-Object ($New -split "`n") ($state -split "`n") | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" }) -join ' | ') }) })
            $which | Should -BeIn 'old', 'new' -Because "$Kind on $Gateway must leave the old or the new state, not: $($faults[-1].Diff)"
            $traffic | Should -BeTrue -Because "$Kind on $Gateway left the old state, whose tunnel must carry traffic ($why)"
            $converged | Should -BeTrue -Because "after $Kind on $Gateway one more apply converges"
        }

        # Packets lost while the faults of a kind ran (injection, verdict and the re-apply that resets):
        # 20 pings a second from a LAN host of one site to one of the other, the whole time.
        function Start-Loss {
            $file = Join-Path $TestDrive "loss-$([guid]::NewGuid()).txt"
            @{ File = $file; Process = Start-Process ip -ArgumentList 'netns', 'exec', $hostP.namespace, 'ping', '-q', '-i', '0.05', '-W', '1', $hostQ.lanAddress -PassThru -RedirectStandardOutput $file }
        }
        function Stop-Loss([hashtable] $Ping, [string] $Kind) {
            # ip netns exec execs ping, so the PID is ping's; SIGINT makes it print its summary.
            $null = /bin/kill -INT $Ping.Process.Id 2>&1
            $Ping.Process | Wait-Process -Timeout 10 -ErrorAction SilentlyContinue
            if (-not $Ping.Process.HasExited) { $Ping.Process | Stop-Process -Force -ErrorAction SilentlyContinue }
            if (-not $Kind) { return }
            $before = if ($losses.ContainsKey($Kind)) { $losses[$Kind] } else { @{ Sent = 0; Lost = 0; Unread = 0 } }
            $summary = @(Get-Content $Ping.File -ErrorAction SilentlyContinue) -match '(\d+) packets transmitted, (\d+) received' | Select-Object -First 1
            # A ping that printed no summary is counted as unread, not guessed (the report says so).
            $counts = [regex]::Match("$summary", '(\d+) packets transmitted, (\d+) received')
            if (-not $counts.Success) { $before.Unread++; $losses[$Kind] = $before; return }
            $sent = [int]$counts.Groups[1].Value; $received = [int]$counts.Groups[2].Value
            $losses[$Kind] = @{ Sent = $before.Sent + $sent; Lost = $before.Lost + $sent - $received; Unread = $before.Unread }
        }

        function Set-Fault([string] $Gateway, [int] $Step, [string] $Kind) {
            $null = Invoke-Gateway $Gateway "mkdir -p /run/wgadmin; rm -f /run/wgadmin/fault-reached /run/wgadmin/fault-release; echo '$Step $Kind' > /run/wgadmin/fault"
        }

        # Runs a change in a thread of its own (it blocks at a held fault), and waits until the fault is reached.
        function Start-HeldChange([string] $Name, [string] $Gateway, [int] $Step, [hashtable] $Extra) {
            Set-Fault $Gateway $Step hold
            $change = Get-Change $Name $Gateway
            $job = Start-ThreadJob -ScriptBlock {
                param($ModulePath, $Ssh, $Change, $Gateway, $Extra)
                Import-Module $ModulePath
                $parameters = $Change.Parameters + $Extra
                if ($null -ne $Change.Input) { $Change.Input | & $Change.Command -ComputerName $Gateway @Ssh @parameters -Confirm:$false -ErrorAction SilentlyContinue }
                else { & $Change.Command -ComputerName $Gateway @Ssh @parameters -Confirm:$false -ErrorAction SilentlyContinue }
            } -ArgumentList $modulePath, $ssh, $change, $Gateway, $Extra
            Wait-Until { (Invoke-Gateway $Gateway 'test -e /run/wgadmin/fault-reached && echo yes || echo no') -eq 'yes' } -TimeoutSec 60 -What "the held fault on $Gateway"
            $job
        }

        # The old and the new state of every change, and its number of steps, from one clean run each.
        Invoke-Old $gwP
        Invoke-Old $gwQ
        Wait-Until { Test-Tunnel } -TimeoutSec 30 -What 'the old tunnel'
        $script:baseline = @{ $gwP = Get-State $gwP; $gwQ = Get-State $gwQ }
        $script:newStates = @{}
        $script:stepCounts = @{}
        $script:restartedStates = @{}
        foreach ($name in 'live', 'restart', 'nat', 'remove', 'create') {
            foreach ($gateway in $gwP, $gwQ) {
                if ($gateway -eq $gwQ -and $name -notin 'live', 'restart') { continue }
                $result = Invoke-Change (Get-Change $name $gateway) $gateway @{} | Where-Object { $_ -is [WgAdmin.Remote.WgApplyResult] }
                $result.Error | Should -BeNullOrEmpty
                $newStates["$name/$gateway"] = Get-State $gateway
                $stepCounts["$name/$gateway"] = $result.Actions.Count
                # Live equals boot: the same units restarted from their files give the same state.
                $null = Invoke-Gateway $gateway 'for i in wg7 wg8; do if systemctl is-active -q wg-quick@$i; then systemctl restart wg-quick@$i; fi; done'
                $restartedStates["$name/$gateway"] = Get-State $gateway
                Invoke-Old $gateway
                Get-State $gateway | Should -Be $baseline[$gateway]
            }
        }
    }

    BeforeEach {
        $script:lossPing = Start-Loss
        $script:faultsBefore = $faults.Count
    }

    AfterEach {
        # The pings of a test go to the kind of the faults it injected.
        $kinds = @($faults | Select-Object -Skip $faultsBefore | ForEach-Object { ($_.Kind -split ' ')[0] } | Sort-Object -Unique)
        Stop-Loss $script:lossPing ($kinds -join '+')
    }

    AfterAll {
        if ($faults.Count -gt 0) {
            $table = $faults | Group-Object { ($_.Kind -split ' ')[0] } | ForEach-Object {
                $loss = $losses[$_.Name]
                [pscustomobject]@{ Kind = $_.Name; Injected = $_.Count; Survived = @($_.Group | Where-Object { $_.State -ne 'BROKEN' -and $_.Traffic -and $_.Converged }).Count; Broken = @($_.Group | Where-Object State -EQ 'BROKEN').Count; New = @($_.Group | Where-Object State -EQ 'new').Count; 'Pings lost' = $(if ($loss) { "$($loss.Lost) of $($loss.Sent)$(if ($loss.Unread) { " ($($loss.Unread) tests unread)" })" } else { '-' }) }
            }
            $text = ($table | Format-Table -AutoSize | Out-String) + "Total faults: $($faults.Count), hosts left broken: $(@($faults | Where-Object State -EQ 'BROKEN').Count); pings lost: while the faults of the kind ran, their verdicts and resets included (a restart of the tunnel's interface loses a few by design)`n"
            Write-Host $text
            $results = Join-Path $env:WGADMIN_LAB_OUTPUT 'results'
            New-Item -ItemType Directory -Force $results | Out-Null
            Set-Content (Join-Path $results 'faults.txt') $text
            $faults | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $results 'faults.json')
        }
        foreach ($gateway in $gwP, $gwQ) {
            $null = Invoke-WgLabCommand -Machine $gateway -Command bash, -c, 'rm -f /run/wgadmin/fault /run/wgadmin/fault-reached; touch /run/wgadmin/fault-release; true' -ErrorAction Continue
            foreach ($name in 'wg7', 'wg8') { Remove-WgInterface -ComputerName $gateway @ssh -Name $name -RemoveKey -Confirm:$false -ErrorAction Continue | Out-Null }
        }
        $null = ip netns exec $hostP.namespace ip route del $siteQ.lanPrefix 2>&1
        $null = ip netns exec $hostQ.namespace ip route del $siteP.lanPrefix 2>&1
    }

    Context 'a fault at every step of every change' {
        BeforeDiscovery {
            $script:kinds = 'live', 'restart', 'nat', 'remove', 'create' | ForEach-Object { @{ Change = $_ } }
        }

        It 'survives a failing step, at each step of <Change>, with and without -ConfirmWithin' -ForEach $kinds {
            $gateways = if ($Change -in 'live', 'restart') { $gwP, $gwQ } else { , $gwP }
            foreach ($gateway in $gateways) {
                $stepCounts["$Change/$gateway"] | Should -BeGreaterThan 0
                foreach ($Step in 1..$stepCounts["$Change/$gateway"]) { foreach ($extra in @{}, @{ ConfirmWithin = [TimeSpan]::FromSeconds(30) }) {
                    if ($gateway -eq $gwQ -and $extra.Count -gt 0) { continue }
                    Set-Fault $gateway $Step fail
                    $result = Invoke-Change (Get-Change $Change $gateway) $gateway $extra | Where-Object { $_ -is [WgAdmin.Remote.WgApplyResult] }
                    $result.RolledBack | Should -BeTrue -Because "a failing step $Step of $Change rolls back ($($result.Error))"
                    $result.ErrorId | Should -Be 'WgAdmin.ChangeRolledBack'
                    Assert-Survived "fail $Change/$Step$(if ($extra.Count) { ' confirm' })" $gateway $baseline[$gateway] $newStates["$Change/$gateway"] { Invoke-Old $gateway }
                } }
            }
        }

        It 'survives the SSH session killed, at each step of <Change>, with and without -ConfirmWithin' -ForEach $kinds {
            foreach ($Step in 1..$stepCounts["$Change/$gwP"]) { foreach ($extra in @{}, @{ ConfirmWithin = [TimeSpan]::FromSeconds(6) }) {
                $job = Start-HeldChange $Change $gwP $Step $extra
                $null = Invoke-Gateway $gwP "pkill -KILL -f '^sshd: [a-z]*@notty' || true; touch /run/wgadmin/fault-release"
                $null = $job | Wait-Job -Timeout 120
                $job | Remove-Job -Force
                if ($extra.Count) {
                    # Nobody confirms: the gateway reverts at the deadline. A cut before any step changed
                    # anything shows the old state at once, so the snapshot's end is what says the revert ran.
                    Wait-Until { (Invoke-Gateway $gwP 'test -e /var/lib/wgadmin/change/meta && echo pending || echo none') -eq 'none' } -TimeoutSec 30 -What 'the unconfirmed change to revert'
                    Wait-Until { (Get-State $gwP) -eq $baseline[$gwP] } -TimeoutSec 30 -What 'the reverted state'
                }
                Assert-Survived "cut $Change/$Step$(if ($extra.Count) { ' confirm' })" $gwP $baseline[$gwP] $newStates["$Change/$gwP"] { Invoke-Old $gwP }
            } }
        }

        It 'survives the SSH path dropped on the NAT router, at each step of <Change>, with -ConfirmWithin' -ForEach $kinds {
            # The router drops the admin's SSH both ways (the tunnel's UDP still passes) from the held
            # step on: the change finishes on the host, nobody can confirm it, the host reverts.
            $rules = foreach ($direction in @('-d', $gatewayP.lanAddress, '--dport', '22'), @('-s', $gatewayP.lanAddress, '--sport', '22')) { , (@('FORWARD', '-p', 'tcp') + $direction + @('-j', 'DROP')) }
            foreach ($Step in 1..$stepCounts["$Change/$gwP"]) {
                $job = Start-HeldChange $Change $gwP $Step @{ ConfirmWithin = [TimeSpan]::FromSeconds(6); ConnectTimeoutSeconds = 3 }
                foreach ($rule in $rules) { $null = Invoke-WgLabCommand -Namespace $natP.namespace -Command (@('iptables', '-w', '-I') + $rule) -ErrorAction Stop }
                try {
                    $null = Invoke-Gateway $gwP 'touch /run/wgadmin/fault-release'
                    Wait-Until { (Invoke-Gateway $gwP 'test -e /var/lib/wgadmin/change/meta && echo pending || echo none') -eq 'none' } -TimeoutSec 40 -What 'the unconfirmable change to revert'
                }
                finally { foreach ($rule in $rules) { $null = Invoke-WgLabCommand -Namespace $natP.namespace -Command (@('iptables', '-w', '-D') + $rule) -ErrorAction Continue } }
                $null = $job | Wait-Job -Timeout 90
                $job | Remove-Job -Force
                Assert-Survived "drop $Change/$Step confirm" $gwP $baseline[$gwP] $newStates["$Change/$gwP"] { Invoke-Old $gwP }
            }
        }

        It 'survives the gateway rebooted, at each step of <Change>' -ForEach $kinds {
            foreach ($Step in 1..$stepCounts["$Change/$gwP"]) {
            $job = Start-HeldChange $Change $gwP $Step @{}
            Restart-WgLabGateway $gwP -RecreateNamespace
            $null = $job | Wait-Job -Timeout 120
            $job | Remove-Job -Force
            # At boot the unfinished change is restored before the tunnels start.
            Wait-Until { (Get-State $gwP) -eq $baseline[$gwP] } -TimeoutSec 30 -What "$gwP to come back in its old state"
            Invoke-Gateway $gwP 'cat /var/lib/wgadmin/last-revert' | Should -Contain 'mode=boot'
            Assert-Survived "reboot $Change/$Step" $gwP $baseline[$gwP] $newStates["$Change/$gwP"] { Invoke-Old $gwP }
            }
        }
    }

    Context 'faults around a change' {
        It 'leaves after every change the state its units give when restarted (live equals boot)' {
            $newStates.Keys.Count | Should -BeGreaterThan 0
            foreach ($key in $newStates.Keys | Sort-Object) {
                $diff = (Compare-Object ($newStates[$key] -split "`n") ($restartedStates[$key] -split "`n") | ForEach-Object { "$($_.SideIndicator) $($_.InputObject)" }) -join ' | '
                $restartedStates[$key] | Should -Be $newStates[$key] -Because "$key live and restarted differ: $diff"
            }
        }

        It 'a PostUp hook that fails: rolled back, the old tunnel up' {
            $bad = $oldP.Clone(); $bad.PostUp = @('false')
            $result = $bad | Set-WgInterface -ComputerName $gwP @ssh -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
            $result.RolledBack | Should -BeTrue
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.ChangeRolledBack*'
            Assert-Survived 'hook PostUp' $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
        }

        It 'a PreUp hook wg-quick stops at: rolled back' {
            $bad = $oldP.Clone(); $bad.PreUp = @('exit 1')
            ($bad | Set-WgInterface -ComputerName $gwP @ssh -Confirm:$false -ErrorAction SilentlyContinue).RolledBack | Should -BeTrue
            Assert-Survived 'hook PreUp' $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
        }

        It 'DNS = without resolvconf and without -InstallPackage: refused before anything changes' {
            $dns = $oldP.Clone(); $dns.Dns = @([System.Net.IPAddress]'192.0.2.53')
            Invoke-Gateway $gwP 'command -v resolvconf || echo none' | Should -Be 'none'
            $null = $dns | Set-WgInterface -ComputerName $gwP @ssh -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.ResolvconfMissing*'
            Assert-Survived 'dns no-resolvconf' $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
        }

        It 'apt failing (its sources gone) while installing resolvconf: rolled back' {
            $dns = $oldP.Clone(); $dns.Dns = @([System.Net.IPAddress]'192.0.2.53')
            $null = Invoke-Gateway $gwP 'mkdir -p /root/apt-away && mv /etc/apt/sources.list* /root/apt-away/'
            try {
                $result = $dns | Set-WgInterface -ComputerName $gwP @ssh -InstallPackage -Confirm:$false -ErrorAction SilentlyContinue
            }
            finally { $null = Invoke-Gateway $gwP 'mv /root/apt-away/* /etc/apt/ && rmdir /root/apt-away' }
            $result.RolledBack | Should -BeTrue -Because $result.Error
            Assert-Survived 'apt failing' $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
        }

        It '/etc/wireguard full, then read-only: rolled back, nothing half-written' {
            foreach ($how in 'full', 'read-only') {
                $fill = if ($how -eq 'full') { 'dd if=/dev/zero of=/etc/wireguard/.fill bs=1k 2>/dev/null || true' } else { 'mount -o remount,ro /etc/wireguard' }
                $null = Invoke-Gateway $gwP "set -e; rm -rf /root/wg-away; cp -a /etc/wireguard /root/wg-away; mount -t tmpfs -o size=256k,mode=700 wgadmin-fault /etc/wireguard; cp -a /root/wg-away/. /etc/wireguard/; $fill"
                try {
                    $result = $liveP | Set-WgInterface -ComputerName $gwP @ssh -Confirm:$false -ErrorAction SilentlyContinue
                    $result.RolledBack | Should -BeTrue -Because "$how /etc/wireguard: $($result.Error)"
                    Wait-Settled $gwP
                    $during = Get-State $gwP
                }
                finally { $null = Invoke-Gateway $gwP 'rm -f /etc/wireguard/.fill; umount /etc/wireguard; rm -rf /root/wg-away' }
                $during | Should -Be $baseline[$gwP]
                Assert-Survived "disk $how" $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
            }
        }

        It 'one of two gateways down: the other is changed, the down one is untouched' {
            Stop-WgLabGateway $gwQ
            try {
                $results = @($liveP, $liveQ | ForEach-Object { $_ | Set-WgInterface -ComputerName $(if ($_ -eq $liveP) { $gwP } else { $gwQ }) @ssh -ConnectTimeoutSeconds 3 -Confirm:$false -ErrorAction SilentlyContinue })
            }
            finally { Start-WgLabGateway $gwQ }
            ($results | Where-Object ComputerName -EQ $gwP).Error | Should -BeNullOrEmpty
            ($results | Where-Object ComputerName -EQ $gwQ).Error | Should -Not -BeNullOrEmpty
            Wait-Until { (Get-State $gwQ) -eq $baseline[$gwQ] } -TimeoutSec 30 -What "$gwQ back in its old state"
            Assert-Survived 'gateway down' $gwQ $baseline[$gwQ] 'none' { Invoke-Old $gwQ }
            Invoke-Old $gwP
        }

        It 'a gateway that accepts TCP and never answers fails alone' {
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start()
            try {
                $port = $listener.LocalEndpoint.Port
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $hanging = $liveP | Set-WgInterface -ComputerName 127.0.0.1 -Port $port -ConnectTimeoutSeconds 3 -Confirm:$false -ErrorAction SilentlyContinue
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
                $hanging.Error | Should -Not -BeNullOrEmpty
            }
            finally { $listener.Stop() }
            Assert-Survived 'gateway hanging' $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
        }

        It 'two changes at once: the second waits, then fails with WgAdmin.GatewayBusy naming the holder' {
            $job = Start-HeldChange live $gwP 1 @{}
            try {
                $null = $restartP | Set-WgInterface -ComputerName $gwP @ssh -LockTimeout 00:00:02 -Confirm:$false -ErrorVariable errors -ErrorAction SilentlyContinue
                $errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.GatewayBusy*'
                $errors[0].Exception.Message | Should -Match 'pid \d+, since'
            }
            finally { $null = Invoke-Gateway $gwP 'touch /run/wgadmin/fault-release' }
            $null = $job | Wait-Job -Timeout 120
            $job | Remove-Job -Force
            Assert-Survived 'concurrent' $gwP $baseline[$gwP] $newStates["live/$gwP"] { Invoke-Old $gwP }
        }

        It 'a change that cuts the admin''s path (SSH dropped by a hook) reverts by itself at the deadline, measured' {
            $cut = $oldP.Clone()
            $cut.PostUp = @('iptables -w -I INPUT -p tcp --dport 22 -j DROP')
            $cut.PostDown = @('iptables -w -D INPUT -p tcp --dport 22 -j DROP')
            $ping = Start-Process ip -ArgumentList 'netns', 'exec', $hostP.namespace, 'ping', '-q', '-i', '0.01', '-c', '3000', '-W', '1', $hostQ.lanAddress -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'ping.txt')
            $result = $cut | Set-WgInterface -ComputerName $gwP @ssh -ConfirmWithin 00:00:10 -ConnectTimeoutSeconds 3 -Confirm:$false -ErrorAction SilentlyContinue
            $result.ErrorId | Should -Be 'WgAdmin.ChangeNotConfirmed'
            $result.PendingUntil | Should -Not -BeNullOrEmpty
            Wait-Until { (Get-State $gwP) -eq $baseline[$gwP] } -TimeoutSec 40 -What 'the gateway to revert by itself'
            $restored = [DateTimeOffset]::UtcNow
            Wait-Until { Test-Tunnel } -TimeoutSec 20 -What 'the tunnel after the revert'
            $tunnelBack = [DateTimeOffset]::UtcNow
            $ping | Wait-Process -Timeout 60
            $summary = Get-Content (Join-Path $TestDrive 'ping.txt') -Raw
            $record = Invoke-Gateway $gwP 'cat /var/lib/wgadmin/last-revert'
            $record | Should -Contain 'result=ok'
            $figure = "deadline to state restored: $([math]::Round(($restored - $result.PendingUntil).TotalSeconds, 2)) s (polled), to tunnel passing: $([math]::Round(($tunnelBack - $result.PendingUntil).TotalSeconds, 2)) s; revert on the host: $(($record | Where-Object { $_ -like 'milliseconds=*' }) -replace 'milliseconds=', '') ms; 10 ms pings: $(($summary -split "`n" | Where-Object { $_ -match 'transmitted' }))"
            Write-Host "REVERT AT DEADLINE: $figure"
            Set-Content (Join-Path $env:WGADMIN_LAB_OUTPUT 'results/revert-deadline.txt') $figure
            Assert-Survived 'path cut' $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
        }

        It 'a change whose tunnel does not pass -ConfirmTunnel is undone at once' {
            $wrong = (New-WgKeyPair | New-WgInterface -Name wg7 -Address 10.207.0.1/24 -ListenPort 51907 -Peer $oldP.Peers)
            $result = $wrong | Set-WgInterface -ComputerName $gwP @ssh -ConfirmTunnel -ConfirmWithin 00:00:12 -Confirm:$false -ErrorAction SilentlyContinue
            $result.Confirmed | Should -BeFalse
            $result.RolledBack | Should -BeTrue -Because $result.Error
            $result.TunnelFailures | Should -Not -BeNullOrEmpty
            Assert-Survived 'confirm-tunnel' $gwP $baseline[$gwP] 'none' { Invoke-Old $gwP }
        }

        It '-ManualConfirm: Confirm-WgChange keeps the change past its deadline; Undo-WgChange takes it back' {
            $pending = $liveP | Set-WgInterface -ComputerName $gwP @ssh -ConfirmWithin 00:00:08 -ManualConfirm -Confirm:$false
            $pending.PendingUntil | Should -Not -BeNullOrEmpty
            $null = $restartP | Set-WgInterface -ComputerName $gwP @ssh -LockTimeout 0 -Confirm:$false -ErrorVariable busy -ErrorAction SilentlyContinue
            $busy[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.GatewayBusy*'
            (Confirm-WgChange -ComputerName $gwP @ssh -Confirm:$false).Confirmed | Should -BeTrue
            Start-Sleep -Seconds 9
            Get-State $gwP | Should -Be $newStates["live/$gwP"]
            Invoke-Old $gwP
            $null = $liveP | Set-WgInterface -ComputerName $gwP @ssh -ConfirmWithin 00:05:00 -ManualConfirm -Confirm:$false
            (Undo-WgChange -ComputerName $gwP @ssh -Confirm:$false).RolledBack | Should -BeTrue
            Get-State $gwP | Should -Be $baseline[$gwP]
            $null = Confirm-WgChange -ComputerName $gwP @ssh -Confirm:$false -ErrorVariable none -ErrorAction SilentlyContinue
            $none[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.NoPendingChange*'
            Assert-Survived 'manual confirm' $gwP $baseline[$gwP] $newStates["live/$gwP"] { Invoke-Old $gwP }
        }

        It 'warns before a change to the interface the SSH path runs through, and -Wait returns once the tunnel answers' {
            $through = $oldP.Clone()
            $through.Peers = @($oldP.Peers[0].Clone())
            $through.Peers[0].AllowedIPs = @($oldP.Peers[0].AllowedIPs) + [WgAdmin.Net.WgPrefix]"$(($lab.hosts | Where-Object name -EQ $gwP).publicAddress)/32"
            $null = $through | Set-WgInterface -ComputerName $gwP @ssh -WhatIf -WarningVariable warnings 3>$null
            ($warnings -join "`n") | Should -Match 'reached through wg7.*-ConfirmWithin'
            $null = $oldP | Set-WgInterface -ComputerName $gwP @ssh -WhatIf -WarningVariable none 3>$null
            $none | Should -BeNullOrEmpty
            # A restart drops the sessions; -Wait returns when the peer has shaken hands again and answers.
            $waited = $restartP | Set-WgInterface -ComputerName $gwP @ssh -Wait 00:00:30 -Confirm:$false
            $waited.Error | Should -BeNullOrEmpty
            $waited.TunnelFailures | Should -BeNullOrEmpty
            Test-Ping $hostP.namespace $hostQ.lanAddress 1 | Should -BeTrue
            Invoke-Old $gwP
        }

        It 'the seed''s own config (DNS =, iptables hooks, Address without a mask) applied as is comes up on a gateway without resolvconf' {
            Invoke-Gateway $gwQ 'command -v resolvconf || echo none' | Should -Be 'none'
            $seed = @"
[Interface]
PrivateKey = $($keysQ.PrivateKey.Reveal())
Address = 10.207.0.2
ListenPort = 51907
DNS = 114.114.114.114,8.8.8.8
PostUp   = iptables -A FORWARD -i %i -j ACCEPT; iptables -A FORWARD -o %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE
PostDown = iptables -D FORWARD -i %i -j ACCEPT; iptables -D FORWARD -o %i -j ACCEPT; iptables -t nat -D POSTROUTING -o eth0 -j MASQUERADE

[Peer]
PublicKey = $($keysP.PublicKey)
AllowedIPs = 10.207.0.1/32, $($siteP.lanPrefix)
Endpoint = $($siteP.publicAddress):51907
PersistentKeepalive = 25
"@
            $path = Join-Path $TestDrive 'wg7.conf'
            [IO.File]::WriteAllText($path, $seed)
            & chmod 600 $path
            $result = Import-WgConfig $path | Set-WgInterface -ComputerName $gwQ @ssh -InstallPackage -EnableForwarding -Wait 00:00:30 -Confirm:$false
            $result.Error | Should -BeNullOrEmpty
            ($result.Actions -join "`n") | Should -Match 'install openresolv'
            $result.TunnelFailures | Should -BeNullOrEmpty
            Invoke-Gateway $gwQ 'systemctl is-active wg-quick@wg7' | Should -Be 'active'
            Wait-Until { Test-Tunnel } -TimeoutSec 20 -What 'LAN to LAN through the seed''s config'
            Invoke-Old $gwQ
            Invoke-Gateway $gwQ 'iptables -w -S FORWARD | grep -c -- "-i wg7 -j ACCEPT" || true' | Should -Be '0' -Because 'the seed''s PostDown ran when its config was replaced'
        }

        It 'measures what safety costs: a live change plain and with -ConfirmWithin, against ssh host true (printed, not judged)' {
            $median = { param($v) ($v | Sort-Object)[[int][math]::Floor(($v.Count - 1) / 2)] }
            $sshTrue = foreach ($i in 1..5) { (Measure-Command { ssh -F $lab.sshConfig $gwP true }).TotalMilliseconds }
            $noop = foreach ($i in 1..5) { (Measure-Command { $script:r = $oldP | Set-WgInterface -ComputerName $gwP @ssh }).TotalMilliseconds; $r.Changed | Should -BeFalse }
            $plain = [System.Collections.Generic.List[double]]::new(); $confirmed = [System.Collections.Generic.List[double]]::new()
            foreach ($i in 1..5) {
                $plain.Add((Measure-Command { $script:r = $liveP | Set-WgInterface -ComputerName $gwP @ssh }).TotalMilliseconds); $r.Error | Should -BeNullOrEmpty
                Invoke-Old $gwP
                $confirmed.Add((Measure-Command { $script:r = $liveP | Set-WgInterface -ComputerName $gwP @ssh -ConfirmWithin 00:01:00 }).TotalMilliseconds); $r.Confirmed | Should -BeTrue
                Invoke-Old $gwP
            }
            $s = & $median $sshTrue; $n = & $median $noop; $p = & $median $plain; $c = & $median $confirmed
            $figure = 'ssh host true {0:N0} ms; no-op re-apply {1:N0} ms ({2:N2}x, one command, no lock); a live change (lock, snapshot, 2 steps, commit) {3:N0} ms ({4:N2}x); the same with -ConfirmWithin {5:N0} ms (+{6:N0} ms, {7:N2}x of the plain change: revert scheduled, one new connection, one confirm command)' -f $s, $n, ($n / $s), $p, ($p / $s), $c, ($c - $p), ($c / $p)
            Write-Host "COST OF SAFETY (median of 5): $figure"
            Set-Content (Join-Path $env:WGADMIN_LAB_OUTPUT 'results/change-cost.txt') $figure
        }

        It 'counts at least 100 faults, none leaving a host broken' {
            $faults.Count | Should -BeGreaterOrEqual 100
            @($faults | Where-Object State -EQ 'BROKEN').Count | Should -Be 0
        }
    }
}

#Requires -Version 7.4
# Export-WgMetrics and the scheduled-job page (docs/scheduled-jobs.md) against real gateways: sites
# x and y of the shared lab, interface wg12, port 10096 (docs/lab.md, "Who uses which site"). The
# counters are compared with `wg show` on the gateways, every text goes through promtool, and the
# page's systemd units and cron line are run as written, their exit codes checked for a healthy
# tunnel and a broken one.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Export-WgMetrics on the lab gateways' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:siteX = $lab.sites | Where-Object name -EQ 'x'
        $script:siteY = $lab.sites | Where-Object name -EQ 'y'
        $script:gwX = $lab.hosts | Where-Object name -EQ $siteX.gateway
        $script:gwY = $lab.hosts | Where-Object name -EQ $siteY.gateway
        $script:hostY = $lab.hosts | Where-Object name -EQ $siteY.lanHosts[0]
        $script:gateways = @($gwX.name, $gwY.name)
        $script:results = Join-Path $env:WGADMIN_LAB_OUTPUT 'results'
        New-Item -ItemType Directory -Force $results | Out-Null

        # Site y's name is a peer name on gw-x: quotes and a backslash, which a label must escape.
        $script:nameY = 'site "y" \ lab'
        $sites = @(
            New-WgSite -Name site-x -ComputerName $gwX.name -Endpoint "$($siteX.publicAddress):10096" -LanPrefix $siteX.lanPrefix
            New-WgSite -Name $nameY -ComputerName $gwY.name -Endpoint "$($siteY.publicAddress):10096" -LanPrefix $siteY.lanPrefix
        )
        $applied = @($sites | New-WgTopology -TunnelPrefix 10.0.12.0/24 -InterfaceName wg12 -PresharedKeys |
            Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0 -Confirm:$false)
        if ($failed = @($applied | Where-Object Error)) { throw "apply failed: $($failed.Error -join '; ')" }
        $null = ip netns exec ($lab.hosts | Where-Object name -EQ $siteX.lanHosts[0]).namespace ip route replace $siteY.lanPrefix via $gwX.lanAddress
        $null = ip netns exec $hostY.namespace ip route replace $siteX.lanPrefix via $gwY.lanAddress

        function Wait-Healthy([string] $What) {
            Wait-Until { Test-WgTunnel -ComputerName $gateways @ssh -Name wg12 -Count 1 -Quiet } -TimeoutSec 60 -What $What
        }
        Wait-Healthy 'the wg12 tunnel between gw-x and gw-y'

        # The peer lines of `wg show wg12 dump` on a gateway, read inside its container (not over SSH).
        function Get-Dump([string] $Gateway) {
            (Invoke-Gateway $Gateway 'wg show wg12 dump') -split "`n" | Select-Object -Skip 1 | Where-Object { $_ } | ForEach-Object {
                $f = $_ -split "`t"
                [pscustomobject]@{ PublicKey = $f[0]; AllowedIPs = $f[3]; Handshake = [long]$f[4]; Received = [long]$f[5]; Sent = [long]$f[6] }
            }
        }
        # One sample's value by family and computer_name (and interface wg12 where given).
        function Get-Sample([string] $Text, [string] $Family, [string] $Gateway, [string] $Rest = '') {
            $pattern = "(?m)^$Family\{computer_name=`"$([regex]::Escape($Gateway))`"$Rest[^\n]*\} (\S+)$"
            $found = [regex]::Matches($Text, $pattern)
            if ($found.Count -ne 1) { throw "$($found.Count) samples of $Family for $Gateway$Rest in:`n$Text" }
            [double]$found[0].Groups[1].Value
        }
        function Assert-Promtool([string] $Text) {
            if (-not (Get-Command promtool -ErrorAction Ignore)) {
                if ($env:CI -eq 'true') { throw 'promtool is missing (build.ps1 Install-TestPrerequisite installs it)' }
                Set-ItResult -Skipped -Because 'promtool is not installed (build.ps1 -Task LabTest installs it as root)'
                return
            }
            $out = $Text | promtool check metrics 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "promtool check metrics said: $out"
        }
        function Get-CommandLog([string] $Gateway) { @(Get-Content ($lab.hosts | Where-Object name -EQ $Gateway).commandLogOnHost) }
    }

    AfterAll {
        # Pester never runs a skipped block's AfterAll, and BeforeDiscovery's variables are gone by now.
        $null = ip netns exec ($lab.hosts | Where-Object name -EQ $siteX.lanHosts[0]).namespace ip route del $siteY.lanPrefix 2>$null
        $null = ip netns exec $hostY.namespace ip route del $siteX.lanPrefix 2>$null
        Remove-WgInterface -ComputerName $gateways @ssh -Name wg12 -RemoveKey -Confirm:$false -ErrorAction Continue | Out-Null
    }

    Context 'the counters' {
        It 'are the counters wg show has, under prometheus_wireguard_exporter''s names and labels, and promtool accepts them' {
            $before = @{ $gwX.name = @(Get-Dump $gwX.name); $gwY.name = @(Get-Dump $gwY.name) }
            $text = Export-WgMetrics -ComputerName $gateways @ssh -Name wg12
            $after = @{ $gwX.name = @(Get-Dump $gwX.name); $gwY.name = @(Get-Dump $gwY.name) }
            Set-Content (Join-Path $results 'metrics-two-gateways.prom') $text
            $text | Should -BeOfType ([string])
            Assert-Promtool $text
            foreach ($gateway in $gateways) {
                $before[$gateway] | Should -HaveCount 1
                $peer = $before[$gateway][0]
                $friendly = if ($gateway -eq $gwX.name) { 'site \"y\" \\ lab' } else { 'site-x' }
                $labels = ",interface=`"wg12`",public_key=`"$([regex]::Escape($peer.PublicKey))`",allowed_ips=`"$([regex]::Escape($peer.AllowedIPs))`",friendly_name=`"$([regex]::Escape($friendly))`""
                $sent = Get-Sample $text 'wireguard_sent_bytes_total' $gateway $labels
                $sent | Should -BeGreaterThan 0
                $sent | Should -BeGreaterOrEqual $peer.Sent
                $sent | Should -BeLessOrEqual $after[$gateway][0].Sent
                $received = Get-Sample $text 'wireguard_received_bytes_total' $gateway $labels
                $received | Should -BeGreaterOrEqual $peer.Received
                $received | Should -BeLessOrEqual $after[$gateway][0].Received
                $handshake = Get-Sample $text 'wireguard_latest_handshake_seconds' $gateway $labels
                $handshake | Should -BeGreaterOrEqual $peer.Handshake
                $handshake | Should -BeLessOrEqual $after[$gateway][0].Handshake
                Get-Sample $text 'wgadmin_peer_handshake_age_seconds' $gateway $labels | Should -BeLessOrEqual 180
                Get-Sample $text 'wgadmin_interface_up' $gateway ',interface="wg12"' | Should -Be 1
                Get-Sample $text 'wgadmin_export_success' $gateway | Should -Be 1
                Get-Sample $text 'wgadmin_export_duration_seconds' $gateway | Should -BeGreaterThan 0
            }
        }

        It 'takes one SSH command per gateway, and no private or preshared key reaches the text or a command line' {
            $counts = @{}; foreach ($g in $gateways) { $counts[$g] = (Get-CommandLog $g).Count }
            $text = Export-WgMetrics -ComputerName $gateways @ssh
            foreach ($g in $gateways) {
                $log = Get-CommandLog $g
                $log.Count - $counts[$g] | Should -Be 1
                $log = $log -join "`n"
                $secrets = @(Invoke-Gateway $g "sed -n 's/^[[:space:]]*\(PrivateKey\|PresharedKey\)[[:space:]]*=[[:space:]]*//p' /etc/wireguard/wg12.conf" | Where-Object { $_ })
                $secrets.Count | Should -Be 2
                foreach ($secret in $secrets) {
                    $text.Contains($secret.Trim()) | Should -BeFalse
                    $log.Contains($secret.Trim()) | Should -BeFalse
                }
            }
            # Without -Name: every running interface, here only wg12 on both.
            ([regex]::Matches($text, '(?m)^wgadmin_interface_up\{')).Count | Should -Be 2
        }

        It 'adds the tunnel test''s verdict, loss and round trip with -TestTunnel, per peer and per target' {
            $text = Export-WgMetrics -ComputerName $gateways @ssh -Name wg12 -TestTunnel -Target $hostY.lanAddress
            Set-Content (Join-Path $results 'metrics-test-tunnel.prom') $text
            Assert-Promtool $text
            foreach ($gateway in $gateways) {
                Get-Sample $text 'wgadmin_tunnel_passed' $gateway ',interface="wg12",kind="peer"' | Should -Be 1
                Get-Sample $text 'wgadmin_tunnel_ping_loss_ratio' $gateway ',interface="wg12",kind="peer"' | Should -Be 0
                Get-Sample $text 'wgadmin_tunnel_ping_rtt_seconds' $gateway ',interface="wg12",kind="peer"' | Should -BeGreaterThan 0
                Get-Sample $text 'wgadmin_tunnel_handshake_age_seconds' $gateway ',interface="wg12",kind="peer"' | Should -BeLessOrEqual 180
            }
            # gw-x reaches host-y1 through the tunnel (the row names the peer whose prefix holds it);
            # gw-y pings its own LAN's host, which the check fails (the route does not leave through
            # wg12), and no peer holds it: both are real rows.
            $peerY = (Get-Dump $gwX.name)[0].PublicKey
            Get-Sample $text 'wgadmin_tunnel_passed' $gwX.name ",interface=`"wg12`",kind=`"target`",public_key=`"$([regex]::Escape($peerY))`",address=`"$($hostY.lanAddress)`"" | Should -Be 1
            Get-Sample $text 'wgadmin_tunnel_passed' $gwY.name ",interface=`"wg12`",kind=`"target`",address=`"$($hostY.lanAddress)`"" | Should -Be 0
        }

        It 'writes a file for the textfile collector with a result per gateway, one that cannot be read included' {
            $folder = Join-Path $results "textfile-$PID"
            New-Item -ItemType Directory -Force $folder | Out-Null
            try {
                $file = Join-Path $folder 'wireguard.prom'
                $errors = $null
                $out = @(Export-WgMetrics -ComputerName $gwX.name, 'gw-nowhere', $gwY.name @ssh -Name wg12 -Path $file -ErrorVariable errors -ErrorAction SilentlyContinue)
                $errors.Count | Should -Be 1
                $errors[0].TargetObject | Should -Be 'gw-nowhere'
                ($out.ComputerName | Sort-Object) | Should -Be (@($gwX.name, $gwY.name, 'gw-nowhere') | Sort-Object)
                ($out | Where-Object ComputerName -NE 'gw-nowhere').Success | Should -Be @($true, $true)
                ($out | Where-Object ComputerName -NE 'gw-nowhere').Peers | Should -Be @(1, 1)
                ($out | Where-Object ComputerName -EQ 'gw-nowhere').Success | Should -BeFalse
                # Plain JSON for a job's log.
                $json = $out | ConvertTo-Json -Compress | ConvertFrom-Json
                $json.Count | Should -Be 3
                (Get-Item $file).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')
                (Get-ChildItem -Force $folder).Name | Should -Be 'wireguard.prom'
                $text = Get-Content -Raw $file
                Assert-Promtool $text
                Get-Sample $text 'wgadmin_export_success' 'gw-nowhere' | Should -Be 0
                Get-Sample $text 'wgadmin_export_success' $gwY.name | Should -Be 1
            }
            finally { Remove-Item -Recurse -Force $folder -ErrorAction Ignore }
        }

        It 'shows a stopped interface as down, and its peer''s tunnel as failed' {
            try {
                Invoke-Gateway $gwY.name 'systemctl stop wg-quick@wg12' | Out-Null
                $text = Export-WgMetrics -ComputerName $gateways @ssh -Name wg12 -TestTunnel -Count 1
                Assert-Promtool $text
                Get-Sample $text 'wgadmin_interface_up' $gwY.name ',interface="wg12"' | Should -Be 0
                $text | Should -Not -Match "wireguard_sent_bytes_total\{computer_name=`"$($gwY.name)`""
                Get-Sample $text 'wgadmin_tunnel_passed' $gwX.name ',interface="wg12",kind="peer"' | Should -Be 0
                Get-Sample $text 'wgadmin_tunnel_ping_loss_ratio' $gwX.name ',interface="wg12",kind="peer"' | Should -Be 1
                Get-Sample $text 'wgadmin_export_success' $gwY.name | Should -Be 1
            }
            finally {
                Invoke-Gateway $gwY.name 'systemctl start wg-quick@wg12' | Out-Null
                Wait-Healthy 'wg12 back on gw-y'
            }
        }
    }

    Context 'the scheduled-job page, run as written' {
        BeforeAll {
            $page = Get-Content -Raw (Join-Path $PSScriptRoot '../../docs/scheduled-jobs.md')
            $script:jobRoot = Join-Path $results "jobs-$PID"
            New-Item -ItemType Directory -Force $jobRoot | Out-Null
            # What the page assumes of the machine, made here: pwsh in /usr/bin (the shim below is
            # put in its place in the units and first on cron's PATH), the module where pwsh finds
            # it, the account's ~/.ssh/config (the lab's), and the textfile folder (a folder of ours).
            $bin = Join-Path $jobRoot 'bin'
            New-Item -ItemType Directory -Force $bin, (Join-Path $jobRoot 'home/.ssh'), (Join-Path $jobRoot 'textfile') | Out-Null
            $script:pwshShim = Join-Path $bin 'pwsh'
            Set-Content $pwshShim "#!/bin/sh`nexec '$([Environment]::ProcessPath)' '$(Join-Path $PSHOME 'pwsh.dll')' `"`$@`"`n"
            chmod 0755 $pwshShim
            Copy-Item $lab.sshConfig (Join-Path $jobRoot 'home/.ssh/config')
            $script:textfile = Join-Path $jobRoot 'textfile'
            $modules = Split-Path (Split-Path (Split-Path (Get-TestModulePath)))
            $script:jobEnvironment = @{ HOME = (Join-Path $jobRoot 'home'); PSModulePath = $modules; PATH = "$bin`:/usr/bin:/bin" }

            # The page's text, with only what the test machine has elsewhere put in its place.
            function Convert-ForTest([string] $Text) {
                $Text.Replace('/usr/bin/pwsh', $pwshShim).Replace('/var/lib/prometheus/node-exporter', $textfile)
            }
            function Get-Unit([string] $Name) {
                $m = [regex]::Match($page, "``/etc/systemd/system/$([regex]::Escape($Name))``:\s*\n\s*``````ini\n(.*?)``````", 'Singleline')
                if (-not $m.Success) { throw "docs/scheduled-jobs.md has no $Name block" }
                $m.Groups[1].Value
            }
            # Runs a command line the way its scheduler would (sh -c for cron; for systemd, whose
            # splitting equals the shell's for a line without $ % \ or single quotes, checked first),
            # with the job's environment, in the ops namespace this suite runs in. Exit code and output.
            function Invoke-JobLine([string] $Line) {
                $saved = @{}
                foreach ($k in $jobEnvironment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $jobEnvironment[$k]) }
                try {
                    $output = /bin/sh -c $Line 2>&1
                    [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String) }
                }
                finally {
                    foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) }
                }
            }
            function Get-ExecStart([string] $Unit) {
                $line = ([regex]::Match($Unit, '(?m)^ExecStart=(.+)$')).Groups[1].Value
                $line | Should -Not -BeNullOrEmpty
                $line | Should -Not -Match '[$%\\'']' -Because 'systemd reads $ and % itself, and splits \ and single quotes its own way'
                $line
            }
            $script:service = Get-Unit 'wgadmin-metrics.service'
            $script:timer = Get-Unit 'wgadmin-metrics.timer'
            $script:cron = ([regex]::Match($page, '(?s)```cron\n(.*?)```')).Groups[1].Value
            $script:tunnelExec = ([regex]::Match($page, '`ExecStart=([^`]+)`')).Groups[1].Value
        }

        AfterAll {
            if ($script:jobRoot) { Remove-Item -Recurse -Force $jobRoot -ErrorAction Ignore }
        }

        It 'has units that systemd-analyze verify accepts without a word, and a timer whose calendar it reads' {
            $units = Join-Path $jobRoot 'units'
            New-Item -ItemType Directory -Force $units | Out-Null
            Set-Content (Join-Path $units 'wgadmin-metrics.service') (Convert-ForTest $service)
            Set-Content (Join-Path $units 'wgadmin-metrics.timer') $timer
            $said = systemd-analyze verify (Join-Path $units 'wgadmin-metrics.service') (Join-Path $units 'wgadmin-metrics.timer') 2>&1 | Out-String
            $LASTEXITCODE | Should -Be 0 -Because $said
            $said.Trim() | Should -BeNullOrEmpty
            $calendar = ([regex]::Match($timer, '(?m)^OnCalendar=(.+)$')).Groups[1].Value
            systemd-analyze calendar $calendar | Out-Null
            $LASTEXITCODE | Should -Be 0
            # And verify can fail: the unit with a command that is not there.
            Set-Content (Join-Path $units 'wgadmin-broken.service') ((Convert-ForTest $service).Replace($pwshShim, '/nonexistent/pwsh'))
            systemd-analyze verify (Join-Path $units 'wgadmin-broken.service') 2>&1 | Out-Null
            $LASTEXITCODE | Should -Not -Be 0
        }

        It 'runs the metrics service''s ExecStart: exit 0 and a file promtool accepts; exit 1 when a gateway cannot be read' {
            $line = Convert-ForTest (Get-ExecStart $service)
            $run = Invoke-JobLine $line
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $text = Get-Content -Raw (Join-Path $textfile 'wireguard.prom')
            Assert-Promtool $text
            foreach ($gateway in $gateways) {
                Get-Sample $text 'wgadmin_export_success' $gateway | Should -Be 1
                Get-Sample $text 'wgadmin_tunnel_passed' $gateway ',interface="wg12",kind="peer"' | Should -Be 1
            }
            $failing = Invoke-JobLine ($line.Replace("$($gwY.name) ", 'gw-nowhere '))
            $failing.ExitCode | Should -Be 1 -Because $failing.Output
            $failing.Output | Should -Match 'gw-nowhere'
            Get-Sample (Get-Content -Raw (Join-Path $textfile 'wireguard.prom')) 'wgadmin_export_success' 'gw-nowhere' | Should -Be 0
        }

        It 'runs the tunnel unit''s ExecStart and the cron line: exit 0 and silence when the tunnel works, exit 1 (cron: the failing rows as JSON) when it does not' {
            $unitLine = Convert-ForTest (Get-ExecStart "ExecStart=$tunnelExec")
            $cronLine = ($cron -split "`n" | Where-Object { $_ -match '^\S+ \S+ \S+ \S+ \S+ ' } | Select-Object -First 1)
            # Five time fields and the account, then the command, as /etc/cron.d has it.
            $fields = $cronLine -split ' ', 7
            $fields[0..4] -join ' ' | Should -Be '*/5 * * * *'
            $command = $fields[6]
            $command | Should -Not -Match '%' -Because 'cron turns % into a newline'

            $healthy = Invoke-JobLine $unitLine
            $healthy.ExitCode | Should -Be 0 -Because $healthy.Output
            $cronHealthy = Invoke-JobLine $command
            $cronHealthy.ExitCode | Should -Be 0 -Because $cronHealthy.Output
            $cronHealthy.Output.Trim() | Should -BeNullOrEmpty
            try {
                Invoke-Gateway $gwY.name 'systemctl stop wg-quick@wg12' | Out-Null
                $broken = Invoke-JobLine $unitLine
                $broken.ExitCode | Should -Be 1 -Because $broken.Output
                $cronBroken = Invoke-JobLine $command
                $cronBroken.ExitCode | Should -Be 1 -Because $cronBroken.Output
                $rows = @($cronBroken.Output | ConvertFrom-Json)
                $rows.Count | Should -BeGreaterThan 0
                $rows.Passed | Should -Not -Contain $true
                $rows.ComputerName | Should -Contain $gwX.name
            }
            finally {
                Invoke-Gateway $gwY.name 'systemctl start wg-quick@wg12' | Out-Null
                Wait-Healthy 'wg12 back on gw-y'
            }
        }
    }
}

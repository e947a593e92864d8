#Requires -Version 7.4
<#
    The gateway lab, end to end: a two-site lab and what the seed needs of it, the seed done by
    hand across it, gateway restarts, an eight-site lab, half-finished runs, and teardowns that
    leave nothing. Needs Linux and root; takes a few minutes (plus about a minute the first time,
    for the base image). Tagged 'Lab', which build.ps1 -Task Test leaves out. Run:
        dotnet restore tests/tools/TestTools.csproj
        dotnet pwsh -c 'Import-Module ~/.nuget/packages/pester/5.7.1/tools/Pester.psd1; Invoke-Pester tests/lab/Lab.Tests.ps1 -Output Detailed'
#>

BeforeDiscovery {
    $isRoot = $IsLinux -and (id -u) -eq '0'
}

BeforeAll {
    $repo = Split-Path (Split-Path $PSScriptRoot)
    $module = Join-Path $PSScriptRoot 'WgLab.psm1'
    Import-Module $module -Force
    $labDir = Join-Path $repo 'out/lab'
    $timings = [ordered]@{}

    function Measure-Seconds([scriptblock] $Action) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        & $Action
        [math]::Round($clock.Elapsed.TotalSeconds, 1)
    }

    # Runs a native command in the ops namespace from the repository root (so the relative
    # out/lab/ssh_config of the docs is what is tested); returns stdout, leaves $LASTEXITCODE.
    function Invoke-Ops([string[]] $ArgumentList) {
        Push-Location $repo
        try { ip netns exec wgl-ops @ArgumentList 2>$null }
        finally { Pop-Location }
    }

    function Invoke-Gateway([string] $Name, [string] $Command) {
        Invoke-Ops @('ssh', '-F', 'out/lab/ssh_config', $Name, $Command)
    }

    # What the root namespace looks like, to compare before and after.
    function Get-RootNamespaceState {
        [pscustomobject]@{
            Addresses = (ip -o addr show | ForEach-Object { ($_ -split '\s+')[1, 3] -join ' ' }) -join "`n"
            Routes = (ip route show) -join "`n"
            Links = ((ip -o link show | ForEach-Object { ($_ -split ':\s+')[1] }) | Sort-Object) -join ' '
            Iptables = if (Get-Command iptables-save -ErrorAction Ignore) { (iptables-save | Where-Object { $_ -notmatch '^#' } | ForEach-Object { $_ -replace '\[\d+:\d+\]', '' }) -join "`n" } else { '' }
            Nftables = if (Get-Command nft -ErrorAction Ignore) { (nft list ruleset) -join "`n" } else { '' }
            Inotify = Get-Content /proc/sys/fs/inotify/max_user_instances
        }
    }

    function Get-CgroupMount {
        Get-Content /proc/self/mountinfo | ForEach-Object {
            $fields = $_ -split ' '
            $dash = [array]::IndexOf($fields, '-')
            if ($fields[$dash + 1] -eq 'cgroup2' -or ($fields[$dash + 1] -eq 'cgroup' -and $fields[$dash + 3] -match '(^|,)name=systemd(,|$)')) { $fields[4] }
        }
    }

    # Everything a lab run can leave, as a list of what is still there (empty when clean).
    function Get-LabLeftover($Baseline) {
        @(ip netns list | Where-Object { $_ -like 'wgl-*' } | ForEach-Object { "namespace $_" })
        @(pgrep -x systemd-nspawn | ForEach-Object { "systemd-nspawn process $_" })
        @(Get-Content /proc/self/mountinfo | Where-Object { $_ -match 'wgadmin-lab' } | ForEach-Object { "mount $(($_ -split ' ')[4])" })
        @(Get-CgroupMount | Where-Object { Test-Path (Join-Path $_ 'wgadmin-lab') } | ForEach-Object { "cgroup $_/wgadmin-lab" })
        @(Get-ChildItem /run/systemd/nspawn/propagate -ErrorAction Ignore | ForEach-Object { "nspawn propagation directory $($_.FullName)" })
        @(Get-ChildItem /run/systemd/nspawn/locks -ErrorAction Ignore | ForEach-Object { "nspawn lock $($_.FullName)" })
        if (Test-Path /run/wgadmin-lab) { 'state directory /run/wgadmin-lab' }
        if (Test-Path (Join-Path $labDir 'lab.json')) { 'lab.json' }
        $now = Get-RootNamespaceState
        foreach ($property in 'Addresses', 'Routes', 'Links', 'Iptables', 'Nftables', 'Inotify') {
            if ($now.$property -ne $Baseline.$property) { "root namespace $property changed:`n$($now.$property)" }
        }
    }

    function Get-Transfer([string] $Gateway) {
        # "<peer key>\t<received>\t<sent>" per peer
        $line = Invoke-WgLabCommand -Machine $Gateway -Command wg, show, wg0, transfer | Select-Object -First 1
        $fields = $line -split '\t'
        [pscustomobject]@{ Received = [long]$fields[1]; Sent = [long]$fields[2] }
    }

    if ($IsLinux -and (id -u) -eq '0') {
        Stop-WgLab
        $baseline = Get-RootNamespaceState
    }
}

AfterAll {
    if ($IsLinux -and (id -u) -eq '0') { Stop-WgLab }
    if ($timings.Count) {
        Write-Host ('Lab timings (s): ' + (($timings.GetEnumerator() | ForEach-Object { "$($_.Key) $($_.Value)" }) -join ', '))
        $timings | ConvertTo-Json | Set-Content (Join-Path $repo 'out/lab-timings.json')
    }
}

Describe 'Debian mirror discovery' -Tag 'Lab' {
    It 'reads one-line sources and skips comments, deb-src and other suites' {
        $file = Join-Path $TestDrive 'one.list'
        Set-Content $file @(
            '# deb http://commented.invalid/debian bookworm main'
            'deb-src http://source.invalid/debian bookworm main'
            'deb [arch=amd64 signed-by=/usr/share/keyrings/k.gpg] http://security.invalid/debian-security bookworm-security main'
            'deb [signed-by=/usr/share/keyrings/k.gpg] http://mirror.invalid/debian/ bookworm main contrib'
        )
        Get-WgLabDebianMirror -Path $file | Should -Be 'http://mirror.invalid/debian'
    }

    It 'reads deb822 sources: folded fields, comments, disabled stanzas' {
        $file = Join-Path $TestDrive 'debian.sources'
        Set-Content $file @(
            'Types: deb'
            '# http://comment.invalid/debian'
            'URIs: http://disabled.invalid/debian'
            'Suites: bookworm'
            'Components: main'
            'Enabled: no'
            ''
            'Types: deb deb-src'
            'URIs: http://first.invalid/debian'
            ' http://second.invalid/debian'
            'Suites: bookworm bookworm-updates'
            'Components: main'
        )
        Get-WgLabDebianMirror -Path $file | Should -Be 'http://first.invalid/debian'
    }

    It 'falls back to the archive of another release when no source names bookworm' {
        $file = Join-Path $TestDrive 'trixie.sources'
        Set-Content $file "Types: deb`nURIs: http://security.invalid/debian-security`nSuites: trixie-security`nComponents: main`n`nTypes: deb`nURIs: http://archive.invalid/debian`nSuites: trixie`nComponents: main"
        Get-WgLabDebianMirror -Path $file | Should -Be 'http://archive.invalid/debian'
    }

    It 'says so when apt has no usable source' {
        $file = Join-Path $TestDrive 'empty.list'
        Set-Content $file '# nothing'
        { Get-WgLabDebianMirror -Path $file } | Should -Throw '*No Debian mirror*'
    }
}

Describe 'The gateway lab' -Tag 'Lab' -Skip:(-not $isRoot) {
    Context 'two sites' {
        BeforeAll {
            $timings['up (2 sites)'] = Measure-Seconds { $script:lab = Start-WgLab -Gateways 2 }
            $gateways = @($lab.hosts | Where-Object role -EQ 'gateway')
        }

        It 'writes lab.json with every host and the tunnel defaults' {
            $lab = Get-WgLab
            ($lab.hosts | Group-Object role -NoElement | Sort-Object Name | ForEach-Object { "$($_.Name)=$($_.Count)" }) -join ' ' |
                Should -Be 'gateway=2 internet=1 lanhost=2 nat=2 ops=1'
            $lab.tunnel.prefix | Should -Be '10.0.0.0/24'
            $lab.tunnel.port | Should -Be 10086
            $a, $b = Get-WgLab gw-a, gw-b
            $a.lanPrefix | Should -Be '10.11.7.0/24'
            $b.lanPrefix | Should -Be '172.19.16.0/20'
            $b.lanAddress | Should -Be '172.19.16.7'
            $a.lanInterface | Should -Be 'eth0'
            $a.publicAddress | Should -Be '198.51.100.10'
            $a.sshAddress | Should -Be $a.publicAddress
            $a.sshPort | Should -Be 22
            $a.user | Should -Be 'root'
            $a.machine | Should -Be 'wgl-gw-a'
            $a.site | Should -Be 'a'
            $a.commandLog | Should -Be '/var/log/wgadmin-lab-commands.log'
            $a.lanHosts[0].namespace | Should -Be 'wgl-host-a1'
            $a.keyFile | Should -Exist
            $a.hostKeyFingerprint | Should -Match '^SHA256:[A-Za-z0-9+/]{43}$'
            (Get-WgLab -Role nat | Where-Object site -EQ 'b').wanAddress | Should -Be $b.publicAddress
            Get-Content -Raw (Join-Path $labDir 'lab.json') | Should -Not -Match '203\.0\.113\.'
        }

        It 'lets the ops namespace reach <_> with ssh -F out/lab/ssh_config' -ForEach 'gw-a', 'gw-b' {
            Invoke-Ops 'ssh', '-F', 'out/lab/ssh_config', $_, 'true'
            $LASTEXITCODE | Should -Be 0
        }

        It 'presents the host keys lab.json and known_hosts record' {
            foreach ($gateway in $gateways) {
                $scanned = Invoke-Ops 'ssh-keyscan', '-t', 'ed25519', $gateway.sshAddress
                $fingerprint = (-split ($scanned | ssh-keygen -l -f -))[1]
                $fingerprint | Should -Be $gateway.hostKeyFingerprint
                @($gateway.hostKeys.type | Sort-Object) | Should -Be @('ECDSA', 'ED25519', 'RSA')
            }
            $gateways[0].hostKeyFingerprint | Should -Not -Be $gateways[1].hostKeyFingerprint
            (Get-Content (Join-Path $labDir 'known_hosts') | Where-Object { $_ -like "gw-a,$($gateways[0].sshAddress) *" }).Count | Should -Be 3
        }

        It 'boots each gateway clean, with its own hostname and machine-id' {
            $ids = foreach ($gateway in $gateways) {
                $hostname, $state, $id = Invoke-Gateway $gateway.name 'hostname; systemctl is-system-running; cat /etc/machine-id'
                $hostname | Should -Be $gateway.name
                $state | Should -Be 'running'
                $id
            }
            $ids[0] | Should -Not -Be $ids[1]
        }

        It 'starts the gateways without WireGuard, which apt can install offline' {
            foreach ($gateway in $gateways) {
                Invoke-Gateway $gateway.name 'command -v wg wg-quick wireguard-go; dpkg -s wireguard-tools' | Should -BeNullOrEmpty
                $LASTEXITCODE | Should -Not -Be 0
                Invoke-Gateway $gateway.name 'cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | grep -v "^#"' |
                    Should -Be 'deb [trusted=yes] file:/opt/wgadmin-lab/repo ./'
                $plan = Invoke-Gateway $gateway.name 'apt-get install -s wireguard'
                $LASTEXITCODE | Should -Be 0
                ($plan | Where-Object { $_ -like 'Inst *' } | ForEach-Object { (-split $_)[1] } | Sort-Object) -join ' ' |
                    Should -Be 'wgadmin-lab-userspace-wireguard wireguard wireguard-go wireguard-tools'
            }
        }

        It 'gives the internet router no route to either LAN' {
            $routes = ip -n wgl-inet route show
            $routes | Should -Not -Match '10\.11\.7\.|172\.19\.'
            foreach ($address in '10.11.7.1', '172.19.16.7', '10.11.7.199', '172.19.16.100') {
                Invoke-Ops 'ping', '-c', '1', '-W', '1', $address | Out-Null
                $LASTEXITCODE | Should -Not -Be 0 -Because "ops must not reach $address"
            }
        }

        It 'lets LAN hosts reach their NAT router but not the far LAN' {
            Invoke-WgLabCommand -Namespace host-a1 -Command ping, '-c1', '-W1', 10.11.7.254 | Out-Null
            $LASTEXITCODE | Should -Be 0
            Invoke-WgLabCommand -Namespace wgl-host-b1 -Command ping, '-c1', '-W1', 172.19.16.1 | Out-Null
            $LASTEXITCODE | Should -Be 0
            Invoke-WgLabCommand -Namespace host-a1 -Command ping, '-c1', '-W1', 172.19.16.100 -ErrorAction SilentlyContinue | Out-Null
            $LASTEXITCODE | Should -Not -Be 0
            Invoke-WgLabCommand -Namespace host-a1 -Command ip, route | Should -Not -Match '172\.19\.'
        }

        It 'sends a gateway out as its public address (1:1 NAT)' {
            # ops has no route to the LAN: a reply gets back only because the NAT router rewrote the source.
            Invoke-Gateway gw-a 'ping -c 1 -W 2 198.51.100.2' | Out-Null
            $LASTEXITCODE | Should -Be 0
        }

        It 'records every SSH command in the command log, SFTP sessions too' {
            $marker = "lab-marker-$([guid]::NewGuid().ToString('N'))"
            Invoke-Gateway gw-a "echo $marker" | Should -Be $marker
            $log = Invoke-WgLabCommand -Machine gw-a -Command cat, /var/log/wgadmin-lab-commands.log
            $log[-1] | Should -Match "^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z echo $marker$"

            $local = Join-Path $TestDrive 'sftp.txt'
            Set-Content $local $marker
            $batch = Join-Path $TestDrive 'sftp.batch'
            Set-Content $batch "put $local /root/sftp.txt"
            Invoke-Ops 'sftp', '-F', 'out/lab/ssh_config', '-b', $batch, 'gw-a' | Out-Null
            $LASTEXITCODE | Should -Be 0
            Invoke-WgLabCommand -Machine gw-a -Command cat, /root/sftp.txt | Should -Be $marker
            (Invoke-WgLabCommand -Machine gw-a -Command cat, /var/log/wgadmin-lab-commands.log)[-1] | Should -Match 'Z /usr/lib/openssh/sftp-server$'
        }

        It 'keeps everything of the lab out of the root namespace' {
            $now = Get-RootNamespaceState
            $now.Addresses | Should -Not -Match '198\.51\.100\.|10\.11\.7\.|172\.19\.'
            $now.Routes | Should -Be $baseline.Routes
            $now.Links | Should -Be $baseline.Links
            $now.Iptables | Should -Be $baseline.Iptables
        }
    }

    Context 'the seed, done by hand' {
        BeforeAll {
            $timings['seed by hand'] = Measure-Seconds {
                $script:seedOutput = bash (Join-Path $PSScriptRoot 'seed-by-hand.sh') $labDir 2>&1
                $script:seedExit = $LASTEXITCODE
            }
        }

        It 'runs seed-by-hand.sh to the end' {
            $seedExit | Should -Be 0 -Because ($seedOutput -join "`n")
        }

        It 'joins the LANs: a host at site A pings one at site B and back, through the tunnel' {
            $before = @{ 'gw-a' = Get-Transfer gw-a; 'gw-b' = Get-Transfer gw-b }
            Invoke-WgLabCommand -Namespace host-a1 -Command ping, '-c', '3', '-i', '0.2', '-w', '10', 172.19.16.100 | Out-Null
            $LASTEXITCODE | Should -Be 0
            Invoke-WgLabCommand -Namespace host-b1 -Command ping, '-c', '3', '-i', '0.2', '-w', '10', 10.11.7.199 | Out-Null
            $LASTEXITCODE | Should -Be 0
            foreach ($gateway in 'gw-a', 'gw-b') {
                $after = Get-Transfer $gateway
                $after.Received | Should -BeGreaterThan $before[$gateway].Received
                $after.Sent | Should -BeGreaterThan $before[$gateway].Sent
            }
        }

        It 'logged what the script ran on each gateway' {
            $log = Get-Content -Raw (Get-WgLab gw-b).commandLogOnHost
            $log | Should -Match 'Z apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wireguard openresolv'
            $log | Should -Match 'Z systemctl enable --now wg-quick@wg0'
        }
    }

    Context 'restarting gateways' {
        It 'Restart-WgLabGateway -RecreateNamespace brings SSH back, as after a reboot' {
            Invoke-Gateway gw-a 'cat /proc/sys/net/ipv4/ip_forward' | Should -Be '1'
            $timings['restart (recreate namespace)'] = Measure-Seconds { Restart-WgLabGateway -Name gw-a -RecreateNamespace }
            Invoke-Gateway gw-a 'systemctl is-active wg-quick@wg0; cat /proc/sys/net/ipv4/ip_forward' | Should -Be 'active', '0' -Because 'the unit is enabled, but the seed never persisted forwarding'
            $fingerprint = (-split (Invoke-Ops 'ssh-keyscan', '-t', 'ed25519', '198.51.100.10' | ssh-keygen -l -f -))[1]
            $fingerprint | Should -Be (Get-WgLab gw-a).hostKeyFingerprint
        }

        It 'Stop-WgLabGateway makes a gateway unreachable until Start-WgLabGateway' {
            Stop-WgLabGateway gw-b
            Invoke-Gateway gw-b 'true'
            $LASTEXITCODE | Should -Be 255
            Invoke-Gateway gw-a 'true'
            $LASTEXITCODE | Should -Be 0
            Start-WgLabGateway gw-b
            Invoke-Gateway gw-b 'systemctl is-active wg-quick@wg0' | Should -Be 'active'
        }
    }

    Context 'container networks' {
        It 'Add-WgLabContainerNetwork builds a bridge and containers inside a gateway, and refuses a second one or host bits' {
            $containers = @(Add-WgLabContainerNetwork -Gateway gw-a -Prefix 172.17.0.0/16 -Containers 2)
            $containers | ForEach-Object Namespace | Should -Be 'wgl-ctr-a1', 'wgl-ctr-a2'
            $null = ip netns exec wgl-ctr-a2 ping -c1 -W2 172.17.0.2
            $LASTEXITCODE | Should -Be 0
            $null = ip netns exec wgl-ctr-a1 ping -c1 -W2 10.11.7.1
            $LASTEXITCODE | Should -Be 0 -Because 'the gateway is the containers'' router'
            Invoke-Gateway gw-a 'ip -br link show master docker0 | wc -l' | Should -Be '2'
            (Get-WgLab).containerNetworks.gateway | Should -Be 'gw-a'
            { Add-WgLabContainerNetwork -Gateway gw-a -Prefix 172.18.0.0/16 } | Should -Throw '*already has a container network*'
            { Add-WgLabContainerNetwork -Gateway gw-b -Prefix 172.18.0.1/16 } | Should -Throw '*host bits*'
            # Left in place, as by a killed suite: Stop-WgLab below must take it with the lab.
        }
    }

    Context 'a LAN machine' {
        It 'Start-WgLabLanMachine boots a machine on a LAN that ops reaches over SSH, default route via the NAT router' {
            $timings['LAN machine up'] = Measure-Seconds { $script:vm = Start-WgLabLanMachine -Site a }
            $vm.lanAddress | Should -Be '10.11.7.249'
            Invoke-Gateway lanvm-a 'hostname; ip -4 route show default' | Should -Match '^(lanvm-a|default via 10\.11\.7\.254 dev eth0\s*)$'
            $LASTEXITCODE | Should -Be 0
            @(Invoke-Gateway lanvm-a 'hostname; ip -4 route show default').Count | Should -Be 2
        }

        It 'Stop-WgLabLanMachine removes it; Stop-WgLab removes one left running' {
            Stop-WgLabLanMachine -Site a
            Invoke-Gateway lanvm-a 'true'
            $LASTEXITCODE | Should -Not -Be 0
            ip netns list | Where-Object { $_ -match '^wgl-lanvm-a\b' } | Should -BeNullOrEmpty
            Test-Path /run/wgadmin-lab/wgl-lanvm-a | Should -BeFalse
            # Started again and left for the next context: Stop-WgLab must leave nothing behind.
            $null = Start-WgLabLanMachine -Site a
        }
    }

    Context 'taking two sites down' {
        It 'Stop-WgLab leaves nothing behind' {
            $timings['down (2 sites)'] = Measure-Seconds { Stop-WgLab }
            Get-LabLeftover $baseline | Should -BeNullOrEmpty
            Join-Path $labDir 'logs/gw-a.commands.log' | Should -Exist
        }
    }

    Context 'eight sites' {
        BeforeAll {
            $timings['up (8 sites)'] = Measure-Seconds { $script:lab8 = Start-WgLab -Gateways 8 }
        }

        It 'brings up eight gateways, each reachable, booted and distinct' {
            $gateways = @($lab8.hosts | Where-Object role -EQ 'gateway')
            $gateways.Count | Should -Be 8
            $lab8.sites[2..7].lanPrefix | Should -Be (3..8 | ForEach-Object { "10.100.$_.0/24" })
            foreach ($gateway in $gateways) {
                $hostname, $state = Invoke-Gateway $gateway.name 'hostname; systemctl is-system-running'
                $hostname | Should -Be $gateway.name
                $state | Should -Be 'running'
            }
            ($gateways.hostKeyFingerprint | Sort-Object -Unique).Count | Should -Be 8
        }

        It 'Stop-WgLab leaves nothing behind' {
            $timings['down (8 sites)'] = Measure-Seconds { Stop-WgLab }
            Get-LabLeftover $baseline | Should -BeNullOrEmpty
        }
    }

    Context 'half-finished runs' {
        It 'Stop-WgLab cleans up after a Start-WgLab killed midway' {
            $pwsh = [Environment]::ProcessPath
            $arguments = @((Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$module'; Start-WgLab -Gateways 4")
            if ((Split-Path -Leaf $pwsh) -like 'pwsh*') { $arguments = $arguments[1..($arguments.Count - 1)] }
            $child = Start-Process -FilePath $pwsh -ArgumentList $arguments -PassThru -RedirectStandardOutput (Join-Path $TestDrive 'child.out') -RedirectStandardError (Join-Path $TestDrive 'child.err')
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while (-not $child.HasExited -and [DateTime]::UtcNow -lt $deadline -and -not (Get-ChildItem /run/wgadmin-lab/*/nspawn.pid -ErrorAction Ignore)) {
                Start-Sleep -Milliseconds 50
            }
            $grandchildren = @(ps -o pid= --ppid $child.Id | ForEach-Object { [int]$_.Trim() })
            Stop-Process -Id $child.Id -Force -ErrorAction Ignore
            # Its helpers (lab.sh) finish their step on their own, as after a Ctrl+C that missed them.
            foreach ($id in $grandchildren) { Wait-Process -Id $id -Timeout 30 -ErrorAction Ignore }
            (Get-ChildItem /run/wgadmin-lab/*/nspawn.pid -ErrorAction Ignore) | Should -Not -BeNullOrEmpty -Because 'the run was meant to be cut off after booting began'

            Stop-WgLab
            Get-LabLeftover $baseline | Should -BeNullOrEmpty
        }

        It 'Start-WgLab works over the leftovers of a run that never cleaned up' {
            # What a crash leaves: namespaces, a mounted and booted gateway, no lab.json.
            $null = Start-WgLab -Gateways 2
            Remove-Item (Join-Path $labDir 'lab.json')
            ip netns add wgl-stray
            $null = Start-WgLab -Gateways 2
            ip netns list | Where-Object { $_ -like 'wgl-stray*' } | Should -BeNullOrEmpty
            Invoke-Ops 'ssh', '-F', 'out/lab/ssh_config', 'gw-b', 'true'
            $LASTEXITCODE | Should -Be 0
            Stop-WgLab
            Get-LabLeftover $baseline | Should -BeNullOrEmpty
        }
    }
}

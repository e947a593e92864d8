# Tab completion as an admin meets it: TabExpansion2 in a fresh pwsh whose HOME is a scratch
# folder holding an ssh config (with an Include) and a known_hosts file, and whose WireGuard
# folder (WGADMIN_WIREGUARD_DIR) is a scratch folder standing for /etc/wireguard. Completion of
# interface names on a real gateway, over a kept session and over its own short connection, is
# tested in the lab (tests/lab/Completion.Tests.ps1).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $modulePath = Get-TestModulePath

    $fakeHome = Join-Path $TestDrive 'home'
    $ssh = Join-Path $fakeHome '.ssh'
    New-Item -ItemType Directory (Join-Path $ssh 'config.d') -Force | Out-Null
    Set-Content (Join-Path $ssh 'config') @'
Host gw-a gw-b
    HostName 198.51.100.1
Host *.lab !gw-x
    User root
Include config.d/*
'@
    Set-Content (Join-Path $ssh 'config.d/sites') "Host site-c`n    HostName 198.51.100.3"
    Set-Content (Join-Path $ssh 'known_hosts') @'
gw-a,198.51.100.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA
[gw-d]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA
|1|F1E1KeoE/eEWhi10WpGv4OdiO6Y=|3988QV0VE8wmZL7suNrYQLITLCg= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA
@revoked gw-old ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA
'@
    $otherConfig = Join-Path $TestDrive 'other_config'
    Set-Content $otherConfig "Host gw-other`n    HostName 198.51.100.9"

    $wireguard = Join-Path $TestDrive 'wireguard'
    New-Item -ItemType Directory $wireguard | Out-Null
    foreach ($file in 'wg0.conf', 'wg1.conf', 'site-b.conf', 'wg0.key', 'wg9.conf.wgadmin-removed') { Set-Content (Join-Path $wireguard $file) '' }

    # A port that takes connections and never says anything: an SSH server that hangs.
    $silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $silent.Start()
    $silentPort = $silent.LocalEndpoint.Port
    # Three names for that port: a TAB that asks them one after another would wait three budgets.
    $silentConfig = Join-Path $TestDrive 'silent_config'
    # (each with its own user: an answer, or none, is kept per user, host and port for a minute)
    Set-Content $silentConfig (@(1..3 | ForEach-Object { "Host silent-$_`n    HostName 127.0.0.1`n    Port $silentPort`n    User silent$_" }) -join "`n")

    # Where completions that fall back to file names would look: nothing there.
    $empty = Join-Path $TestDrive 'empty'
    New-Item -ItemType Directory $empty | Out-Null

    $lines = @(
        'Get-WgInterface -ComputerName '
        'Get-WgInterface -ComputerName gw'
        'Set-WgNat -ComputerName s'
        'New-WgSession -HostName 198'
        "Get-WgInterface -SshConfigPath '$otherConfig' -ComputerName gw"
        'Get-WgInterface -Name '
        'Enable-WgForwarding -Name w'
        'Remove-WgInterface -ComputerName gw-a -Name '
        "Get-WgInterface -ComputerName 127.0.0.1 -Port $silentPort -Name "
        "Get-WgInterface -SshConfigPath '$silentConfig' -ComputerName silent-1, silent-2, silent-3 -Name "
        'New-WgInterface -Name '
        'Test-WgTunnel -ComputerName gw'
        'Set-WgLanRoute -ComputerName s'
        'Test-WgTunnel -Name w'
    )
    $results = Invoke-TabCompletion -ModulePath $modulePath -Line $lines -Location $empty -Environment @{ HOME = $fakeHome; WGADMIN_WIREGUARD_DIR = $wireguard }
    $silent.Stop()
    $completions = @{}
    foreach ($result in $results) { $completions[$result.Line] = $result }

    function Get-Completion([string] $Line) {
        if (-not $completions.ContainsKey($Line)) { throw "No completion was asked for '$Line'." }
        @($completions[$Line].Matches)
    }
}

Describe '-ComputerName completion' {
    It 'offers the ssh config aliases (Include followed), then the known hosts' {
        $all = Get-Completion 'Get-WgInterface -ComputerName '
        # /etc/ssh/ssh_known_hosts of the machine may add names after these.
        $all[0..4] | Should -Be 'gw-a', 'gw-b', 'site-c', '198.51.100.1', 'gw-d'
    }

    It 'leaves out wildcard and negated patterns, hashed names and revoked keys' {
        $all = Get-Completion 'Get-WgInterface -ComputerName '
        $all | Where-Object { $_ -match '[*?!|]' -or $_ -eq 'gw-old' } | Should -BeNullOrEmpty
    }

    It 'completes what was typed: <Line>' -ForEach @(
        @{ Line = 'Get-WgInterface -ComputerName gw'; Expected = 'gw-a', 'gw-b', 'gw-d' }
        @{ Line = 'Set-WgNat -ComputerName s'; Expected = @('site-c') }
        @{ Line = 'New-WgSession -HostName 198'; Expected = @('198.51.100.1') }
        @{ Line = 'Test-WgTunnel -ComputerName gw'; Expected = 'gw-a', 'gw-b', 'gw-d' }
        @{ Line = 'Set-WgLanRoute -ComputerName s'; Expected = @('site-c') }
    ) {
        Get-Completion $Line | Should -Be $Expected
    }

    It 'says where each name comes from' {
        $tooltips = $completions['Get-WgInterface -ComputerName gw'].Tooltips
        $tooltips | Should -Be 'gw-a (ssh config)', 'gw-b (ssh config)', 'gw-d (known_hosts)'
    }

    It 'reads the ssh config given with -SshConfigPath instead of ~/.ssh/config' {
        Get-Completion "Get-WgInterface -SshConfigPath '$otherConfig' -ComputerName gw" | Should -Be 'gw-other', 'gw-a', 'gw-d'
    }
}

Describe '-ComputerName completion of hostile or odd names' {
    BeforeAll {
        # Names an attacker (or a careless colleague) left in the files completion reads.
        $hostileHome = Join-Path $TestDrive 'hostile-home'
        $hostileSsh = Join-Path $hostileHome '.ssh'
        New-Item -ItemType Directory $hostileSsh -Force | Out-Null
        Set-Content (Join-Path $hostileSsh 'config') @'
Host gwy;id gw-conf gw$HOME gw(1) gw{2}
    HostName 198.51.100.1
'@
        $key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA'
        Set-Content (Join-Path $hostileSsh 'known_hosts') (@(
            "gwz;hostname $key"
            "gw`$(touch /tmp/wgadmin-owned),gw``id``,gw&calc,gw|x,gw'q,gw`"q,gw>out $key"
            "0x10,1kb,07,fe80::1%eth0,[fd00::5]:2222 $key"
            "198.51.100.7,gw-ok $key"
        ) -join "`n")
        $line = 'Get-WgInterface -ComputerName '
        $hostile = Invoke-TabCompletion -ModulePath $modulePath -Line $line -Location $empty -Environment @{ HOME = $hostileHome; WGADMIN_WIREGUARD_DIR = $wireguard }
        $texts = @($hostile[0].Matches)
        # The name each completion stands for, from its tooltip ("name (source)").
        $names = @($hostile[0].Tooltips | ForEach-Object { $_ -replace ' \([^)]*\)$', '' })
    }

    It 'offers no name -ComputerName would refuse: nothing that PowerShell could run' {
        $names | Where-Object { $_ -match '[;$(){}&|`''"<>]' } | Should -BeNullOrEmpty
        $names | Should -Contain 'gw-conf'
        $names | Should -Contain 'gw-ok'
    }

    It 'quotes a name that PowerShell would not read back as itself: <_>' -ForEach '0x10', '1kb', '07', 'fe80::1%eth0', 'fd00::5' {
        $names | Should -Contain $_
        $texts[[array]::IndexOf($names, $_)] | Should -Be "'$_'"
    }

    It 'leaves plain names and IPv4 addresses bare: <_>' -ForEach 'gw-conf', 'gw-ok', '198.51.100.7' {
        $texts[[array]::IndexOf($names, $_)] | Should -Be $_
    }

    It 'inserts text that PowerShell parses as exactly the name, one string argument' {
        $texts.Count | Should -Be $names.Count
        for ($i = 0; $i -lt $texts.Count; $i++) {
            $tokens = $null; $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput($line + $texts[$i], [ref] $tokens, [ref] $errors)
            $errors | Should -BeNullOrEmpty
            $command = $ast.Find({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
            $command.CommandElements.Count | Should -Be 3 -Because "'$($texts[$i])' must be one argument"
            $command.CommandElements[2] | Should -BeOfType ([System.Management.Automation.Language.StringConstantExpressionAst])
            $command.CommandElements[2].Value | Should -BeExactly $names[$i]
        }
    }
}

Describe '-Name completion' {
    It 'offers the interfaces of the local WireGuard folder without -ComputerName: <_>' -ForEach 'Get-WgInterface -Name ' {
        Get-Completion $_ | Should -Be 'site-b', 'wg0', 'wg1'
    }

    It 'completes what was typed: <_>' -ForEach 'Enable-WgForwarding -Name w', 'Test-WgTunnel -Name w' {
        Get-Completion $_ | Should -Be 'wg0', 'wg1'
    }

    It 'does not offer existing names for a new interface' {
        Get-Completion 'New-WgInterface -Name ' | Should -BeNullOrEmpty
    }

    It 'asks the gateway, not the local folder, when -ComputerName is given; an unreachable one gives nothing' {
        Get-Completion 'Remove-WgInterface -ComputerName gw-a -Name ' | Should -BeNullOrEmpty
    }

    It 'gives up on a gateway that does not answer within the budget, without asking anything' {
        $line = "Get-WgInterface -ComputerName 127.0.0.1 -Port $silentPort -Name "
        Get-Completion $line | Should -BeNullOrEmpty
        $completions[$line].Milliseconds | Should -BeLessThan 4500
        # Not at once either: it did wait for the host (the connect timeout is 2 s).
        $completions[$line].Milliseconds | Should -BeGreaterThan 1500
    }

    It 'asks several silent gateways at once: the TAB still waits about one budget, not one per gateway' {
        $line = "Get-WgInterface -SshConfigPath '$silentConfig' -ComputerName silent-1, silent-2, silent-3 -Name "
        Get-Completion $line | Should -BeNullOrEmpty
        $completions[$line].Milliseconds | Should -BeLessThan 4500
        $completions[$line].Milliseconds | Should -BeGreaterThan 1500
    }
}

#Requires -Version 7.4
# Jump hosts and ssh-agent on the lab's sites p, q, d and e (docs/lab.md "Who uses which site"):
# gw-q is the bastion, the other gateways are reached through it (and gw-p through a two-hop
# chain gw-d,gw-q); an ssh-agent started here holds the lab's key while the key file the ssh
# config names is encrypted. Only reads (Get-WgInterface, sessions): no interface is made.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Jump hosts and ssh-agent on the lab' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:gw = @{}
        foreach ($site in 'p', 'q', 'd', 'e') { $gw[$site] = $lab.hosts | Where-Object name -EQ "gw-$site" }
        $script:work = Join-Path $env:WGADMIN_LAB_OUTPUT 'jumphost'
        New-Item -ItemType Directory -Force $work | Out-Null

        # SSH logins gw-q's sshd accepted since a time on its own clock.
        # The bastion's logins so far, once its journal has settled: journald stamps a line when it
        # reads it, so under load an earlier test's login can arrive late; counts are compared, not times.
        function Get-BastionLogins {
            $last = -1
            while ($true) {
                $count = [int](Invoke-Gateway gw-q "journalctl -q -u ssh.service | grep -c 'Accepted publickey' || true")
                if ($count -eq $last) { return $count }
                $last = $count
                Start-Sleep -Seconds 2
            }
        }

        # The agent: started here, in the foreground, on a socket of its own; killed by its PID in AfterAll.
        $script:agentSocket = Join-Path $work 'agent.sock'
        Remove-Item -LiteralPath $agentSocket -ErrorAction Ignore
        $script:agent = Start-Process ssh-agent -ArgumentList '-D', '-a', $agentSocket -PassThru -RedirectStandardOutput (Join-Path $work 'agent.out')
        Wait-Until { Test-Path -LiteralPath $agentSocket } -TimeoutSec 10 -What 'the ssh-agent socket'
        $env:SSH_AUTH_SOCK = $agentSocket
        ssh-add -q $lab.keyFile
        if ($LASTEXITCODE -ne 0) { throw "ssh-add failed ($LASTEXITCODE)" }
        # The same key on disk, encrypted; no passphrase is given anywhere below.
        $script:encrypted = Join-Path $work 'id_encrypted'
        Copy-Item -LiteralPath $lab.keyFile -Destination $encrypted -Force
        Copy-Item -LiteralPath "$($lab.keyFile).pub" -Destination "$encrypted.pub" -Force
        ssh-keygen -q -p -P '' -N 'not given to anyone' -f $encrypted
        if ($LASTEXITCODE -ne 0) { throw "ssh-keygen -p failed ($LASTEXITCODE)" }

        $script:config = Join-Path $work 'ssh_config'
        Set-Content -LiteralPath $config -Value @"
Host behind-q-*
    ProxyJump gw-q
Host behind-q-p
    HostName $($gw['p'].sshAddress)
    User root
    IdentityFile $($lab.keyFile)
    UserKnownHostsFile $($lab.knownHosts)
Host agent-p
    HostName $($gw['p'].sshAddress)
    User root
    IdentityFile $encrypted
    IdentitiesOnly yes
    IdentityAgent $agentSocket
    UserKnownHostsFile $($lab.knownHosts)
Host noagent-p
    HostName $($gw['p'].sshAddress)
    User root
    IdentityFile $encrypted
    IdentitiesOnly yes
    IdentityAgent none
    UserKnownHostsFile $($lab.knownHosts)
Host sudo-e
    HostName $($gw['e'].sshAddress)
    User wgpw
    IdentityFile $($lab.keyFile)
    IdentitiesOnly yes
    UserKnownHostsFile $($lab.knownHosts)
    ProxyJump gw-q
Host *
Include $($lab.sshConfig)
"@
        # A login that is not root and whose sudo wants a password (it has none to give).
        Invoke-Gateway gw-e @"
set -e
id wgpw >/dev/null 2>&1 || useradd -m -s /bin/bash wgpw
install -d -m 0700 -o wgpw -g wgpw /home/wgpw/.ssh
install -m 0600 -o wgpw -g wgpw /root/.ssh/authorized_keys /home/wgpw/.ssh/authorized_keys
echo 'wgpw ALL=(ALL) ALL' > /etc/sudoers.d/wgpw
chmod 0440 /etc/sudoers.d/wgpw
"@ | Out-Null
        $script:viaConfig = @{ SshConfigPath = $config }
    }

    AfterAll {
        Get-WgSession | Remove-WgSession -Confirm:$false -ErrorAction Continue
        Invoke-Gateway gw-e 'rm -f /etc/sudoers.d/wgpw; pkill -u wgpw || true; userdel -r wgpw 2>/dev/null || true' | Out-Null
        Remove-Item Env:SSH_AUTH_SOCK -ErrorAction Ignore
        if ($script:agent) { Stop-Process -Id $script:agent.Id -ErrorAction Continue }
    }

    It 'reads a gateway through the bastion named by -JumpHost, its key checked under its own name' {
        $session = New-WgSession -ComputerName gw-p -JumpHost gw-q @ssh
        try {
            $session.JumpHost | Should -Be @("root@$($gw['q'].sshAddress)")
            $session.HostKeyFingerprint | Should -BeIn $gw['p'].hostKeys.fingerprint
            $session.Host | Should -Be $gw['p'].sshAddress
            { Get-WgInterface -Session $session -ErrorAction Stop } | Should -Not -Throw
        }
        finally { $session | Remove-WgSession -Confirm:$false }
    }

    It 'follows ProxyJump from the ssh config, matched by the alias' {
        $result = Get-WgInterface -ComputerName behind-q-p @viaConfig -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 0
        $session = New-WgSession -ComputerName behind-q-p @viaConfig
        try { $session.JumpHost | Should -Be @("root@$($gw['q'].sshAddress)") }
        finally { $session | Remove-WgSession -Confirm:$false }
    }

    It 'rides a two-hop chain (gw-d, then gw-q)' {
        $session = New-WgSession -ComputerName gw-p -JumpHost gw-d, gw-q @ssh
        try {
            $session.JumpHost | Should -Be @("root@$($gw['d'].sshAddress)", "root@$($gw['q'].sshAddress)")
            { Get-WgInterface -Session $session -ErrorAction Stop } | Should -Not -Throw
        }
        finally { $session | Remove-WgSession -Confirm:$false }
    }

    It 'opens one bastion connection for a fan-out over the gateways behind it' {
        $before = Get-BastionLogins
        $null = Get-WgInterface -ComputerName gw-p, gw-d, gw-e -JumpHost gw-q @ssh -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 0
        Wait-Until { (Get-BastionLogins) -gt $before } -TimeoutSec 10 -What 'the bastion login in its journal'
        (Get-BastionLogins) - $before | Should -Be 1 -Because 'three gateways behind one bastion share its connection'
        
    }

    It 'names the jump host whose key is unknown, and checks the gateway under its own name' {
        $knownHosts = Join-Path $work 'known_hosts-without-q'
        Get-Content $lab.knownHosts | Where-Object { $_ -notmatch "^gw-q[, ]" } | Set-Content $knownHosts
        $config = Join-Path $work 'ssh_config-without-q'
        (Get-Content $lab.sshConfig -Raw) -replace [regex]::Escape("UserKnownHostsFile $($lab.knownHosts)"), "UserKnownHostsFile $knownHosts" | Set-Content $config
        $null = Get-WgInterface -ComputerName gw-p -JumpHost gw-q -SshConfigPath $config -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.JumpHostFailed,WgAdmin.Commands.GetWgInterfaceCommand'
        "$($failed[0])" | Should -BeLike "*the jump host root@$($gw['q'].sshAddress) failed*unknown*"

        $withoutP = Join-Path $work 'known_hosts-without-p'
        Get-Content $lab.knownHosts | Where-Object { $_ -notmatch "^gw-p[, ]" } | Set-Content $withoutP
        (Get-Content $lab.sshConfig -Raw) -replace [regex]::Escape("UserKnownHostsFile $($lab.knownHosts)"), "UserKnownHostsFile $withoutP" | Set-Content $config
        $null = Get-WgInterface -ComputerName gw-p -JumpHost gw-q -SshConfigPath $config -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.HostKeyUnknown,WgAdmin.Commands.GetWgInterfaceCommand'
        "$($failed[0])" | Should -BeLike "*root@$($gw['p'].sshAddress)*"
        "$($failed[0])" | Should -Not -BeLike '*127.0.0.1*'
    }

    It 'logs in with the key the agent holds, the encrypted key file never opened, no passphrase asked' {
        $session = New-WgSession -ComputerName agent-p @viaConfig
        try { $session.State | Should -Be 'Opened' }
        finally { $session | Remove-WgSession -Confirm:$false }
        # The same key file through the agent, by -KeyFilePath: no prompt either.
        $session = New-WgSession -ComputerName gw-p -KeyFilePath $encrypted @ssh
        try { $session.State | Should -Be 'Opened' }
        finally { $session | Remove-WgSession -Confirm:$false }
    }

    It 'without the agent the encrypted key file is passed over, and the login fails' {
        $null = New-WgSession -ComputerName noagent-p @viaConfig -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.AuthenticationFailed,WgAdmin.Commands.NewWgSessionCommand'
    }

    It 'reaches the bastion with the agent too: a fan-out through gw-q with only the agent''s key' {
        $agentOnly = Join-Path $work 'ssh_config-agent-only'
        (Get-Content $lab.sshConfig -Raw) -replace [regex]::Escape("IdentityFile $($lab.keyFile)"), "IdentityFile $encrypted" | Set-Content $agentOnly
        $null = Get-WgInterface -ComputerName gw-p, gw-e -JumpHost gw-q -SshConfigPath $agentOnly -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed).Count | Should -Be 0
    }

    It 'a login whose sudo wants a password: WgAdmin.SudoRequired at once, no prompt, nothing changed' {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = Get-WgInterface -ComputerName sudo-e @viaConfig -ErrorVariable failed -ErrorAction SilentlyContinue
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'sudo -n never waits for a password'
        @($failed).Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.SudoRequired,WgAdmin.Commands.GetWgInterfaceCommand'
        "$($failed[0])" | Should -BeLike "*'wgpw' is not root*"

        $interface = New-WgKeyPair | New-WgInterface -Name wg15 -ComputerName sudo-e -Address 10.99.0.1/24 -ListenPort 10099
        $null = $interface | Set-WgInterface @viaConfig -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue
        @($refused).Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.SudoRequired,WgAdmin.Commands.SetWgInterfaceCommand'
        Invoke-Gateway gw-e 'if [ -e /etc/wireguard/wg15.conf ] || ip link show wg15 >/dev/null 2>&1; then echo present; fi' | Should -BeNullOrEmpty
    }
}

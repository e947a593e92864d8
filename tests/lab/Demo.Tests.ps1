#Requires -Version 7.4
# The seed as one script (docs/examples/site-to-site.ps1) against its own lab with the seed's
# addresses, two ways: straight from the workstation, and unchanged through a bastion the way
# production gateways are reached (Invoke-Demo.ps1 -ThroughBastion). It must run to the end, and
# what it claims must hold. Runs from the root namespace like Lab.Tests.ps1 (it starts and stops
# its own labs); Linux and root only.

BeforeDiscovery {
    $script:canRun = $IsLinux -and (id -u) -eq '0'
}

Describe 'docs/examples/site-to-site.ps1 against the lab, <Way>' -Tag 'Lab' -Skip:(-not $script:canRun) -ForEach @(
    @{ Way = 'direct'; ThroughBastion = $false }
    @{ Way = 'through a bastion (ProxyJump, ssh-agent, certificates, sudo)'; ThroughBastion = $true }
) {
    BeforeAll {
        $repo = Split-Path (Split-Path $PSScriptRoot)
        . (Join-Path $PSScriptRoot '../TestHelpers.ps1')
        $modulePath = Get-TestModulePath
        $name = if ($ThroughBastion) { 'site-to-site-bastion' } else { 'site-to-site' }
        $script:log = Join-Path $repo "out/demo/$name.log"
        Remove-Item -LiteralPath $log, "$log.checks" -ErrorAction Ignore
        $script:exitCode = & (Join-Path $PSScriptRoot 'Invoke-Demo.ps1') -ModulePath $modulePath -LabOutput (Join-Path $repo 'out/lab-demo') -LogPath $log -ThroughBastion:$ThroughBastion
        $script:text = Get-Content -Raw $log
    }

    It 'runs every step to the end' {
        $exitCode | Should -Be 0 -Because (Get-Content -Tail 30 $log | Out-String)
        $text | Should -Match '### 7\. '
    }

    It 'reports every Test-WgTunnel check passed, with the far LAN host as a target' {
        $text | Should -Match 'Passed\s*:\s*True'
        $text | Should -Not -Match 'Passed\s*:\s*False'
    }

    It 'pings from the LAN host at site A to the one at site B across two routers (ttl 62) without loss' {
        $text | Should -Match '3 packets transmitted, 3 received, 0% packet loss'
        $text | Should -Match 'ttl=62'
    }

    It 'prints no key material' {
        $text | Should -Not -Match 'PrivateKey\s*=\s*[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]='
        $text | Should -Not -Match 'PresharedKey\s*=\s*[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]='
    }

    # Only the bastion's way has this test (no skipped test in the direct way: CI runs every test).
    It 'went only through the bastion, as wgadmin with the agent''s certificate, root refused' -ForEach @(if ($ThroughBastion) { @{ Checks = 'bastion' } }) {
        $checks = @(Get-Content -LiteralPath "$log.checks")
        $checks | Should -Not -BeNullOrEmpty
        $checks | Where-Object { $_ -notmatch '^ok: ' } | Should -BeNullOrEmpty
        @($checks | Where-Object { $_ -match 'refuses SSH from the workstation' }).Count | Should -Be 4
        @($checks | Where-Object { $_ -match 'from the bastion|the bastion gw-c' }).Count | Should -Be 3
    }
}

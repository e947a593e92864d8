#Requires -Version 7.4
# The seed as one script (docs/examples/site-to-site.ps1) against its own two-site lab with the
# seed's addresses: it must run to the end, and what it claims must hold. Runs from the root
# namespace like Lab.Tests.ps1 (it starts and stops its own lab); Linux and root only.

BeforeDiscovery {
    $script:canRun = $IsLinux -and (id -u) -eq '0'
}

Describe 'docs/examples/site-to-site.ps1 against the lab' -Tag 'Lab' -Skip:(-not $script:canRun) {
    BeforeAll {
        $repo = Split-Path (Split-Path $PSScriptRoot)
        . (Join-Path $PSScriptRoot '../TestHelpers.ps1')
        $modulePath = Get-TestModulePath
        $script:log = Join-Path $repo 'out/demo/site-to-site.log'
        $script:exitCode = & (Join-Path $PSScriptRoot 'Invoke-Demo.ps1') -ModulePath $modulePath -LabOutput (Join-Path $repo 'out/lab-demo') -LogPath $log
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
}

#Requires -Version 7.4
# Key and preshared-key rotation (Update-WgPresharedKey, Update-WgKey) on a four-site mesh of the
# lab's sites d, e, f and g (no other suite uses them; -Gateways 7 is enough), interface wg10,
# port 10094. Pings every 10 ms across every tunnel, gateway to gateway over the tunnel
# addresses, while the keys rotate: a preshared-key rotation loses nothing; a key rotation's loss
# is measured, printed and held to the goal below; a gateway down during a rotation, then the rerun
# that finishes it; the keys made on the gateways in no command log and no output; the rotated
# topology file re-applied changes nothing; and the naive way (new keys from New-WgTopology, applied
# with Set-WgInterface) measured beside it. Prints a table of the losses.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'Rotation of keys and preshared keys' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')
        $script:mesh = @($lab.sites | Where-Object name -In 'd', 'e', 'f', 'g')
        if ($mesh.Count -ne 4) { throw 'Rotation.Tests.ps1 needs the lab sites d to g (-Gateways 7 or more).' }
        $script:gateways = @($mesh.gateway)
        $script:file = Join-Path $TestDrive 'mesh.topology'
        $script:losses = [System.Collections.Generic.List[object]]::new()
        # The goal reached for a key rotation: packets lost per tunnel for one site's key (10 ms pings, both directions of the echo).
        $script:keyLossGoal = 10

        $sites = foreach ($s in $mesh) {
            New-WgKeyPair -ComputerName $s.gateway -InterfaceName wg10 -InstallPackage @ssh -Confirm:$false |
                New-WgSite -Name "site-$($s.name)" -Endpoint "$($s.publicAddress):10094" -LanPrefix $s.lanPrefix
        }
        $topology = $sites | New-WgTopology -TunnelPrefix 10.94.0.0/24 -InterfaceName wg10 -PresharedKeys -AsTopology
        $topology | Export-WgTopology -Path $file -IncludeSecret
        $script:address = @{}
        foreach ($s in $mesh) { $address[$s.gateway] = $topology.TunnelAddresses()["site-$($s.name)"].ToString() }
        $null = Import-WgTopology $file | Set-WgInterface @ssh -InstallPackage -Confirm:$false -ErrorAction Stop

        # Every tunnel once: the first gateway of each pair pings the second's tunnel address.
        $script:tunnels = @(for ($i = 0; $i -lt 4; $i++) { for ($j = $i + 1; $j -lt 4; $j++) { , @($gateways[$i], $gateways[$j]) } })
        Wait-Until { @($tunnels | Where-Object { -not (Invoke-Gateway $_[0] "ping -c 1 -W 1 $($address[$_[1]]) >/dev/null && echo ok || true") }).Count -eq 0 } -TimeoutSec 60 -What 'the mesh to come up'

        # Pings every 10 ms on every tunnel, inside the gateways (not over SSH: nothing in the command log).
        function Start-Pings([int] $Seconds) {
            foreach ($t in $tunnels) { Start-WgLabPingStream -Machine $t[0] -Target $address[$t[1]] -Seconds $Seconds -Tag "rot-$($t[1])" }
        }
        # Lost packets per tunnel once the pings ended (Get-WgLabPingLoss: the echo in flight at the
        # stream's end is not a loss).
        function Get-PingLoss {
            foreach ($t in $tunnels) {
                $l = Get-WgLabPingLoss -Machine $t[0] -Tag "rot-$($t[1])"
                [pscustomobject]@{ Tunnel = "$($t[0])-$($t[1])"; Sent = $l.Sent; Lost = $l.Lost }
            }
        }
        function Wait-Pings { Start-Sleep -Seconds 1; $script:lastLoss = @(Get-PingLoss); $lastLoss }
        function Get-Secret([string] $Gateway, [string] $What) { (Invoke-Gateway $Gateway $What) -join "`n" }
        function Get-LivePublicKey([string] $Gateway) { (Invoke-Gateway $Gateway 'wg show wg10 public-key') -join '' }
    }

    AfterAll {
        if ($script:losses.Count) {
            Write-Host ''
            Write-Host 'Packets lost per tunnel (10 ms pings):'
            $script:losses | Format-Table -AutoSize | Out-String | Write-Host
        }
        foreach ($g in $gateways) {
            Remove-WgInterface -ComputerName $g @ssh -Name wg10 -RemoveKey -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
        }
    }

    It 'prints the plan with -WhatIf and changes nothing' {
        $before = Get-Content -Raw $file
        $hashes = foreach ($g in $gateways) { Get-Secret $g 'sha256sum /etc/wireguard/wg10.conf' }
        $out = Update-WgKey -Path $file @ssh -WhatIf -Verbose 4>&1 | Out-String
        $out | Should -Match 'make the next key on'
        $out | Should -Match 'stage the new public keys on'
        (Update-WgPresharedKey -Path $file @ssh -WhatIf -Verbose 4>&1 | Out-String) | Should -Match 'preshared key'
        Get-Content -Raw $file | Should -Be $before
        $(foreach ($g in $gateways) { Get-Secret $g 'sha256sum /etc/wireguard/wg10.conf' }) | Should -Be $hashes
    }

    It 'rotates every preshared key live on both ends without losing a packet' {
        $before = foreach ($g in $gateways) { Get-Secret $g 'wg show wg10 preshared-keys | sha256sum' }
        Start-Pings 20
        Start-Sleep -Seconds 2
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = @(Update-WgPresharedKey -Path $file @ssh -Confirm:$false -ErrorAction Stop)
        $wall = $clock.Elapsed.TotalSeconds
        $loss = Wait-Pings
        foreach ($l in $loss) { $losses.Add([pscustomobject]@{ Rotation = 'preshared keys (Update-WgPresharedKey)'; Tunnel = $l.Tunnel; Sent = $l.Sent; Lost = $l.Lost; Seconds = [math]::Round($wall, 1) }) }
        $results.Count | Should -Be 6
        $results | ForEach-Object { $_.Completed | Should -BeTrue }
        $loss | ForEach-Object { $_.Lost | Should -Be 0 -Because "$($_.Tunnel) must lose nothing" }
        $(foreach ($g in $gateways) { Get-Secret $g 'wg show wg10 preshared-keys | sha256sum' }) | Should -Not -Be $before
        # Both ends of each tunnel hold the same key, in the file and live (compared by hash on the gateways).
        foreach ($t in $tunnels) {
            $pub0 = Get-LivePublicKey $t[0]; $pub1 = Get-LivePublicKey $t[1]
            $a = Get-Secret $t[0] "wg show wg10 preshared-keys | awk -v p='$pub1' '`$1 == p { print `$2 }' | sha256sum"
            $b = Get-Secret $t[1] "wg show wg10 preshared-keys | awk -v p='$pub0' '`$1 == p { print `$2 }' | sha256sum"
            $a | Should -Be $b
            $c = Get-Secret $t[0] "awk -v p='$pub1' 'tolower(`$1) == `"publickey`" { cur = `$3 } tolower(`$1) == `"presharedkey`" && cur == p { print `$3 }' /etc/wireguard/wg10.conf | sha256sum"
            $c | Should -Be $a
        }
        (Get-Content -Raw $file) | Should -Match 'Created = '
    }

    It 'rotates every site''s key, made on its gateway, with the loss measured per tunnel' {
        $oldKeys = foreach ($g in $gateways) { Get-LivePublicKey $g }
        Start-Pings 60
        Start-Sleep -Seconds 2
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $script:keyOutput = Update-WgKey -Path $file @ssh -Confirm:$false -ErrorAction Stop -Verbose 4>&1 6>&1 | Tee-Object -Variable all
        $wall = $clock.Elapsed.TotalSeconds
        $results = @($all | Where-Object { $_ -is [WgAdmin.Remote.WgRotationResult] })
        $loss = Wait-Pings
        foreach ($l in $loss) { $losses.Add([pscustomobject]@{ Rotation = 'keys of 4 sites (Update-WgKey)'; Tunnel = $l.Tunnel; Sent = $l.Sent; Lost = $l.Lost; Seconds = [math]::Round($wall, 1) }) }
        $results | Format-Table Site, Peer, Completed, Outage | Out-String | Write-Host
        $results.Count | Should -Be 12
        $results | ForEach-Object { $_.Completed | Should -BeTrue }
        $newKeys = foreach ($g in $gateways) { Get-LivePublicKey $g }
        for ($i = 0; $i -lt 4; $i++) { $newKeys[$i] | Should -Not -Be $oldKeys[$i] }
        # Each tunnel lives through two rotations (one per end).
        $loss | ForEach-Object { $_.Lost | Should -BeLessOrEqual (2 * $keyLossGoal) -Because "$($_.Tunnel) lost $($_.Lost) of $($_.Sent)" }
        $imported = Import-WgTopology $file -AsTopology
        foreach ($s in $mesh) { ($imported.Sites | Where-Object Name -EQ "site-$($s.name)").PublicKey.ToString() | Should -Be (Get-LivePublicKey $s.gateway) }
        ($imported.Sites | Where-Object KeyAge -EQ $null).Count | Should -Be 0
    }

    It 'never lets a key made on a gateway into a command log or the output' {
        $text = ($keyOutput | Out-String) + (Get-Content -Raw $file)
        foreach ($g in $gateways) {
            $key = (Invoke-Gateway $g 'cat /etc/wireguard/wg10.key') -join ''
            $key.Length | Should -Be 44
            $log = (Invoke-Gateway $g "cat $((Get-WgLab $g).commandLog)") -join "`n"
            $log.Contains($key) | Should -BeFalse
            $text.Contains($key) | Should -BeFalse
            (Invoke-Gateway $g 'test -e /etc/wireguard/wg10.key.next && echo left || echo gone') | Should -Be 'gone'
        }
    }

    It 're-applies the rotated topology file without changing anything' {
        $results = @(Import-WgTopology $file | Set-WgInterface @ssh -Confirm:$false -ErrorAction Stop)
        $results.Count | Should -Be 4
        $results | ForEach-Object { $_.Changed | Should -BeFalse -Because "$($_.ComputerName): $($_.Actions -join '; ')" }
    }

    It 'stops with every tunnel working when a far end is down, and a rerun finishes the rotation' {
        $near = $gateways[0]; $down = $gateways[2]
        $before = Get-LivePublicKey $near
        Stop-WgLabGateway $down
        try {
            $results = @(Update-WgKey -Path $file @ssh -Site "site-$($mesh[0].name)" -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failures)
            $failures.Count | Should -BeGreaterThan 0
            ($results | Where-Object Completed).Count | Should -Be 0
            Get-LivePublicKey $near | Should -Be $before
            (Invoke-Gateway $near 'test -s /etc/wireguard/wg10.key.next && echo staged') | Should -Be 'staged'
            foreach ($g in $gateways | Where-Object { $_ -ne $down -and $_ -ne $near }) {
                Invoke-Gateway $near "ping -c 3 -i 0.2 -W 1 -q $($address[$g]) >/dev/null && echo ok" | Should -Be 'ok'
            }
        }
        finally { Start-WgLabGateway $down }
        Wait-Until { (Invoke-Gateway $down 'systemctl is-active wg-quick@wg10 || true') -eq 'active' } -TimeoutSec 60 -What "wg10 on $down"
        Start-Pings 30
        $results = @(Update-WgKey -Path $file @ssh -Site "site-$($mesh[0].name)" -Confirm:$false -ErrorAction Stop)
        $loss = Wait-Pings
        foreach ($l in $loss) { $losses.Add([pscustomobject]@{ Rotation = "key of $near, rerun after $down was down"; Tunnel = $l.Tunnel; Sent = $l.Sent; Lost = $l.Lost; Seconds = $null }) }
        $results.Count | Should -Be 3
        $results | ForEach-Object { $_.Completed | Should -BeTrue }
        Get-LivePublicKey $near | Should -Not -Be $before
        (Import-WgTopology $file -AsTopology).Sites[0].PublicKey.ToString() | Should -Be (Get-LivePublicKey $near)
        foreach ($g in $gateways | Where-Object { $_ -ne $near }) {
            Invoke-Gateway $near "ping -c 3 -i 0.2 -W 1 -q $($address[$g]) >/dev/null && echo ok" | Should -Be 'ok'
        }
        @(Import-WgTopology $file | Set-WgInterface @ssh -Confirm:$false -ErrorAction Stop | Where-Object Changed).Count | Should -Be 0
    }

    It 'rotates a site with more far ends than -ThrottleLimit: the near end never waits behind them' {
        # site-e has 3 far ends; at -ThrottleLimit 2 a near end queued behind them would leave the
        # first two waiting for its handshake until they gave up (30 s), and the step undone.
        $near = $gateways[1]
        $before = Get-LivePublicKey $near
        $results = @(Update-WgKey -Path $file @ssh -Site "site-$($mesh[1].name)" -ThrottleLimit 2 -Confirm:$false -ErrorAction Stop)
        $results.Count | Should -Be 3
        $results | ForEach-Object { $_.Completed | Should -BeTrue }
        Get-LivePublicKey $near | Should -Not -Be $before
        foreach ($g in $gateways | Where-Object { $_ -ne $near }) {
            Invoke-Gateway $near "ping -c 3 -i 0.2 -W 1 -q $($address[$g]) >/dev/null && echo ok" | Should -Be 'ok'
        }
    }

    It 'measures the naive way: new keys from New-WgTopology applied with Set-WgInterface' {
        $sites = (Import-WgTopology $file -AsTopology).Sites | ForEach-Object {
            New-WgSite -Name $_.Name -ComputerName $_.ComputerName -Endpoint $_.Endpoint -LanPrefix $_.LanPrefix -TunnelAddress $_.TunnelAddress
        }
        $fresh = $sites | New-WgTopology -TunnelPrefix 10.94.0.0/24 -InterfaceName wg10 -PresharedKeys
        # The naive way has no key file to keep: the gateways' key files go first, as a by-hand rotation would.
        foreach ($g in $gateways) { $null = Invoke-Gateway $g 'rm -f /etc/wireguard/wg10.key' }
        Start-Pings 40
        Start-Sleep -Seconds 2
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = $fresh | Set-WgInterface @ssh -Confirm:$false -ErrorAction Stop
        $wall = $clock.Elapsed.TotalSeconds
        $loss = Wait-Pings
        foreach ($l in $loss) { $losses.Add([pscustomobject]@{ Rotation = 'naive: New-WgTopology + Set-WgInterface'; Tunnel = $l.Tunnel; Sent = $l.Sent; Lost = $l.Lost; Seconds = [math]::Round($wall, 1) }) }
        $loss | ForEach-Object { $_.Sent | Should -BeGreaterThan 0 }
    }
}

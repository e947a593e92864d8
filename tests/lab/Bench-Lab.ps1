<#
.SYNOPSIS
    The lab benchmarks of remote applies, each printed as a ratio against a baseline measured in
    the same run. Run inside the lab's ops namespace by `build.ps1 -Task LabBench`, which starts a
    24-gateway lab: gw-a and gw-b get the seed by hand (tests/lab/seed-by-hand.sh, the baseline),
    gw-c and gw-d the same seed from WgAdmin, gw-e to gw-x are the 20 of the fan-out.
.NOTES
    One machine (2 cores) plays the admin's workstation and every gateway, with no WAN latency:
    the round trips and CPU-seconds per host printed here are the figures that carry over to a
    real WAN, where each round trip costs tens of milliseconds.
#>
param(
    [Parameter(Mandatory)] [string] $LabOutput,
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Repeat = 10,
    # Which benchmarks: Apply (sections 1-4: first apply, no-op re-apply, fan-out, packet loss),
    # Tunnel (Test-WgTunnel on 20 gateways, parallel vs one by one) and Rotation (packets lost per
    # tunnel for each rotation kind against the naive way, on a 4-site mesh; wall time of whole-mesh
    # rotations of 4 and 20 sites) and Metrics (Export-WgMetrics: 1, 2 and 20 gateways, parallel vs
    # one by one). A comma-separated list also works (pwsh -File passes one string).
    [string[]] $Only = @('Apply', 'Tunnel', 'Rotation', 'Metrics')
)
$Only = $Only -split ',' | ForEach-Object Trim
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Import-Module (Join-Path $PSScriptRoot 'WgLab.psm1')
$lab = Get-WgLab -OutputPath $LabOutput
$ssh = @{ SshConfigPath = $lab.sshConfig }
$site = @{}
foreach ($s in $lab.sites) { $site[$s.name] = $s }
$lines = [Collections.Generic.List[string]]::new()
function Say([string] $Text) { Write-Host $Text; $lines.Add($Text) }
function Median([double[]] $Values) { $sorted = $Values | Sort-Object; $sorted[[int][math]::Floor(($sorted.Count - 1) / 2)] }
# CPU-seconds of the whole machine (both ends of every connection live here).
function Get-MachineCpuSeconds {
    $fields = -split (Get-Content /proc/stat -TotalCount 1)
    (($fields[1..3] + $fields[6..8] | ForEach-Object { [double]$_ }) | Measure-Object -Sum).Sum / 100
}
function Get-OwnCpuSeconds { [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalSeconds }

Say "# Lab benchmarks, $(Get-Date -AsUTC -Format 'yyyy-MM-dd HH:mm') UTC"
Say "Machine: $(nproc) cores, load average $((Get-Content /proc/loadavg) -replace ' \d+/.*$')"
Say ''

if ('Apply' -in $Only) {
    # 1. First apply: the seed by hand (bash over ssh) vs WgAdmin, two gateways each.
    $clock = [Diagnostics.Stopwatch]::StartNew()
    bash (Join-Path $PSScriptRoot 'seed-by-hand.sh') $LabOutput gw-a gw-b | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'seed-by-hand.sh failed' }
    $byHand = $clock.Elapsed.TotalSeconds

    $keysC = New-WgKeyPair; $keysD = New-WgKeyPair
    $ifC = $keysC | New-WgInterface -Name wg0 -Address 10.0.0.3/24 -ListenPort 10086 -ComputerName gw-c -Peer ($keysD | New-WgPeer -AllowedIPs 10.0.0.4/32, $site['d'].lanPrefix -Endpoint "$($site['d'].publicAddress):10086" -PersistentKeepalive 25)
    $ifD = $keysD | New-WgInterface -Name wg0 -Address 10.0.0.4/24 -ListenPort 10086 -ComputerName gw-d -Peer ($keysC | New-WgPeer -AllowedIPs 10.0.0.3/32, $site['c'].lanPrefix -Endpoint "$($site['c'].publicAddress):10086" -PersistentKeepalive 25)
    $clock.Restart()
    $first = $ifC, $ifD | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0 -TwoWayNat
    $ours = $clock.Elapsed.TotalSeconds
    if ($first | Where-Object Error) { throw "first apply failed: $(($first | Where-Object Error).Error -join '; ')" }
    Say '## First apply of the seed (install, forwarding, NAT, keys, config, service; 2 gateways)'
    Say ("- by hand, bash over ssh (seed-by-hand.sh, gateways one after the other): {0:N2} s" -f $byHand)
    Say ("- WgAdmin Set-WgInterface (both gateways in parallel): {0:N2} s; ratio {1:N2}x faster" -f $ours, ($byHand / $ours))
    Say ("- WgAdmin remote commands per host: {0} (one probe, one apply script)" -f (($first.RemoteCommands | Measure-Object -Maximum).Maximum))
    Say ''

    # 2. No-op re-apply vs a bare `ssh host true`, each opening its own connection.
    $sshTrue = foreach ($i in 1..$Repeat) { (Measure-Command { ssh -F $lab.sshConfig gw-c true }).TotalMilliseconds }
    $noop = foreach ($i in 1..$Repeat) {
        $time = Measure-Command { $script:again = $ifC | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0 -TwoWayNat }
        if ($again.Changed) { throw "re-apply changed something: $($again.Actions -join '; ')" }
        $time.TotalMilliseconds
}
$sshMedian = Median $sshTrue; $noopMedian = Median $noop
Say ('## No-op re-apply vs ssh host true (median of {0})' -f $Repeat)
Say ("- ssh -F ssh_config gw-c true: {0:N1} ms" -f $sshMedian)
Say ("- Set-WgInterface, nothing to change: {0:N1} ms (connect, authenticate, one probe); ratio {1:N2}x of ssh true (target at most 2x)" -f $noopMedian, ($noopMedian / $sshMedian))
Say ''

# 2b. The cost of a change's safety: a live change (a peer added, then taken away again) plain, and
# with -ConfirmWithin (the revert scheduled on the host, a new connection, the confirmation).
$plain = [System.Collections.Generic.List[double]]::new(); $confirmed = [System.Collections.Generic.List[double]]::new()
$commands = @{}
foreach ($i in 1..$Repeat) {
    foreach ($mode in 'plain', 'confirm') {
        $extra = if ($mode -eq 'confirm') { @{ ConfirmWithin = [TimeSpan]::FromMinutes(1) } } else { @{} }
        $changed = $ifC.Clone()
        $changed.Peers = @($ifC.Peers) + (New-WgKeyPair | New-WgPeer -AllowedIPs "10.0.0.$(100 + $i)/32")
        $time = Measure-Command { $script:change = $changed | Set-WgInterface @ssh @extra }
        if ($change.Error -or -not $change.Changed -or ($mode -eq 'confirm' -and -not $change.Confirmed)) { throw "the $mode change failed: $($change.Error)" }
        $commands[$mode] = $change.RemoteCommands
        if ($mode -eq 'plain') { $plain.Add($time.TotalMilliseconds) } else { $confirmed.Add($time.TotalMilliseconds) }
        $null = $ifC | Set-WgInterface @ssh
    }
}
$plainMedian = Median $plain; $confirmMedian = Median $confirmed
Say ('## The cost of a change''s safety (a live peer change, median of {0})' -f $Repeat)
Say ("- ssh -F ssh_config gw-c true: {0:N1} ms (the baseline above)" -f $sshMedian)
Say ("- Set-WgInterface, one peer added (lock, snapshot, steps, commit): {0:N1} ms, {1} remote commands; ratio {2:N2}x of ssh true" -f $plainMedian, $commands['plain'], ($plainMedian / $sshMedian))
Say ("- the same with -ConfirmWithin 00:01:00 (revert scheduled, new connection, confirm): {0:N1} ms, {1} remote commands on the first connection + 1 on the new one; +{2:N1} ms ({3:N2}x of the plain change)" -f $confirmMedian, $commands['confirm'], ($confirmMedian - $plainMedian), ($confirmMedian / $plainMedian))
Say ''

# 3. Fan-out: 20 gateways with -ThrottleLimit 16 vs one by one.
$fan = @($lab.sites | Select-Object -Skip 4 -First 20)
if ($fan.Count -lt 20) { throw "the fan-out needs 24 gateways; the lab has $($lab.sites.Count)" }
$null = $fan | ForEach-Object {
    New-WgKeyPair | New-WgInterface -Name wg9 -Address 10.9.0.1/24 -ComputerName $_.gateway -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs 10.9.0.2/32)
} | Set-WgInterface @ssh -InstallPackage -ThrottleLimit 16   # install everywhere first: both runs then do the same work
function Measure-FanOut([string] $Name, [int] $Throttle, [int] $Octet) {
    $interfaces = $fan | ForEach-Object {
        New-WgKeyPair | New-WgInterface -Name $Name -Address "10.$Octet.0.1/24" -ListenPort (10100 + $Octet) -ComputerName $_.gateway -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs "10.$Octet.0.2/32", "10.$Octet.1.0/24")
    }
    $cpuMachine = Get-MachineCpuSeconds; $cpuOwn = Get-OwnCpuSeconds
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $results = $interfaces | Set-WgInterface @ssh -ThrottleLimit $Throttle
    $elapsed = $clock.Elapsed.TotalSeconds
    if ($failed = @($results | Where-Object Error)) {
        foreach ($result in $failed) {
            Invoke-WgLabCommand -Machine $result.ComputerName -Command bash, -c, "journalctl -u wg-quick@$Name --no-pager | tail -25" -ErrorAction Continue | Write-Host
        }
        throw "fan-out failed: $($failed.Error -join '; ')"
    }
    [pscustomobject]@{
        Seconds = $elapsed
        MachineCpu = (Get-MachineCpuSeconds) - $cpuMachine
        OwnCpu = (Get-OwnCpuSeconds) - $cpuOwn
        CommandsPerHost = ($results.RemoteCommands | Measure-Object -Average).Average
    }
}
$serial = Measure-FanOut 'wg7' 1 7
$parallel = Measure-FanOut 'wg6' 16 6
Say '## 20 gateways: -ThrottleLimit 16 vs one by one (new interface on each: config, service)'
Say ("- one by one: {0:N2} s; machine CPU {1:N1} s (WgAdmin's own {2:N1} s)" -f $serial.Seconds, $serial.MachineCpu, $serial.OwnCpu)
Say ("- ThrottleLimit 16: {0:N2} s; machine CPU {1:N1} s (WgAdmin's own {2:N1} s); ratio {3:N2}x faster (target at least 2x)" -f $parallel.Seconds, $parallel.MachineCpu, $parallel.OwnCpu, ($serial.Seconds / $parallel.Seconds))
Say ("- per host: {0:N1} remote commands over one SSH connection (connection setup plus one channel each); CPU {1:N2} s of the machine per host" -f $parallel.CommandsPerHost, ($parallel.MachineCpu / 20))
Say ''

# 4. Packets lost during a peer change: ours vs a restart (LAN host to LAN host across gw-c/gw-d).
$hostC = $lab.hosts | Where-Object name -EQ $site['c'].lanHosts[0]
$hostD = $lab.hosts | Where-Object name -EQ $site['d'].lanHosts[0]
$gwC = $lab.hosts | Where-Object name -EQ 'gw-c'
$gwD = $lab.hosts | Where-Object name -EQ 'gw-d'
ip netns exec $hostC.namespace ip route replace $site['d'].lanPrefix via $gwC.lanAddress
ip netns exec $hostD.namespace ip route replace $site['c'].lanPrefix via $gwD.lanAddress
function Measure-Loss([scriptblock] $Change) {
    $start = [Diagnostics.ProcessStartInfo]::new('ip')
    foreach ($a in 'netns', 'exec', $hostC.namespace, 'ping', '-q', '-i', '0.01', '-c', '500', '-W', '1', $hostD.lanAddress) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $ping = [Diagnostics.Process]::Start($start)
    Start-Sleep -Milliseconds 1000
    & $Change
    $text = $ping.StandardOutput.ReadToEnd(); $ping.WaitForExit()
    if ($text -notmatch '(\d+) packets transmitted, (\d+) received') { throw "no ping summary: $text" }
    [int]$Matches[1] - [int]$Matches[2]
}
$deadline = [DateTime]::UtcNow.AddSeconds(30)
do { $null = ip netns exec $hostC.namespace ping -c 1 -W 1 $hostD.lanAddress } until ($LASTEXITCODE -eq 0 -or [DateTime]::UtcNow -gt $deadline)
$lossOurs = Measure-Loss { $null = $ifC | Add-WgPeer -Peer (New-WgKeyPair | New-WgPeer -AllowedIPs 10.0.0.30/32) -PassThru | Set-WgInterface @ssh }
$lossRestart = Measure-Loss { ssh -F $lab.sshConfig gw-c systemctl restart wg-quick@wg0 }
Say '## Packets lost during a peer change (ping every 10 ms, 500 packets)'
Say "- WgAdmin (wg syncconf): $lossOurs lost"
Say "- systemctl restart wg-quick@wg0 (the seed's way): $lossRestart lost"
Say ''
}

# 5. Test-WgTunnel on 20 gateways (gw-e to gw-x, ten site-to-site pairs on wg5): one by one vs in parallel.
if ('Tunnel' -in $Only) {
    $pairs = @($lab.sites | Select-Object -Skip 4 -First 20)
    if ($pairs.Count -lt 20) { throw "the Test-WgTunnel benchmark needs 24 gateways; the lab has $($lab.sites.Count)" }
    $tunnels = for ($i = 0; $i -lt 20; $i += 2) {
        $x = $pairs[$i]; $y = $pairs[$i + 1]
        $keysX = New-WgKeyPair; $keysY = New-WgKeyPair
        $p = $i / 2
        $keysX | New-WgInterface -Name wg5 -Address "10.5.$p.1/24" -ListenPort 10095 -ComputerName $x.gateway -Peer ($keysY | New-WgPeer -Name "site-$($y.name)" -AllowedIPs "10.5.$p.2/32", $y.lanPrefix -Endpoint "$($y.publicAddress):10095" -PersistentKeepalive 25)
        $keysY | New-WgInterface -Name wg5 -Address "10.5.$p.2/24" -ListenPort 10095 -ComputerName $y.gateway -Peer ($keysX | New-WgPeer -Name "site-$($x.name)" -AllowedIPs "10.5.$p.1/32", $x.lanPrefix -Endpoint "$($x.publicAddress):10095" -PersistentKeepalive 25)
}
$applied = $tunnels | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0 -ThrottleLimit 16
if ($failed = @($applied | Where-Object Error)) { throw "tunnel setup failed: $($failed.Error -join '; ')" }
# The far LAN host of each gateway: its partner's first LAN host.
$farHost = @{}
for ($i = 0; $i -lt 20; $i += 2) {
    $farHost[$pairs[$i].gateway] = ($lab.hosts | Where-Object name -EQ $pairs[$i + 1].lanHosts[0]).lanAddress
    $farHost[$pairs[$i + 1].gateway] = ($lab.hosts | Where-Object name -EQ $pairs[$i].lanHosts[0]).lanAddress
}
$gateways = @($pairs.gateway)
# -Target goes to every gateway of a call, and each pair's far LAN differs: the timed runs test the
# peers (tunnel address, handshake, counters, path MTU, routes); LAN-to-LAN is checked once, apart.
$deadline = [DateTime]::UtcNow.AddSeconds(60)
do { $ready = Test-WgTunnel -ComputerName $gateways @ssh -Name wg5 -Count 1 -Quiet } until ($ready -or [DateTime]::UtcNow -gt $deadline)
if (-not $ready) { throw "the 20 tunnels did not come up: $((Test-WgTunnel -ComputerName $gateways @ssh -Name wg5 | Where-Object { -not $_.Passed }).Reasons -join '; ')" }
$lanCheck = Test-WgTunnel -ComputerName $gateways[0] @ssh -Name wg5 -Target $farHost[$gateways[0]] | Where-Object Kind -EQ 'Target'
if (-not $lanCheck.Passed) { throw "LAN-to-LAN from $($gateways[0]) failed: $($lanCheck.Reasons -join '; ')" }
function Measure-TunnelTest([int] $Throttle) {
    $cpuMachine = Get-MachineCpuSeconds
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $results = @(Test-WgTunnel -ComputerName $gateways @ssh -Name wg5 -ThrottleLimit $Throttle)
    $elapsed = $clock.Elapsed.TotalSeconds
    if ($results.Count -ne 20) { throw "Test-WgTunnel gave $($results.Count) results for 20 gateways" }
    if ($failed = @($results | Where-Object { -not $_.Passed })) { throw "Test-WgTunnel failed: $(($failed | ForEach-Object { "$($_.ComputerName): $($_.Reasons -join '; ')" }) -join ' | ')" }
    [pscustomobject]@{ Seconds = $elapsed; MachineCpu = (Get-MachineCpuSeconds) - $cpuMachine; PerHost = ($results.DurationSeconds | Measure-Object -Average).Average }
}
$runs = [Math]::Max(1, [Math]::Min(3, $Repeat))
$serialRuns = foreach ($i in 1..$runs) { Measure-TunnelTest 1 }
$parallelRuns = foreach ($i in 1..$runs) { Measure-TunnelTest 16 }
$serial = Median $serialRuns.Seconds; $parallel = Median $parallelRuns.Seconds
Say ("## Test-WgTunnel on 20 gateways: -ThrottleLimit 16 vs one by one (median of {0}; every peer passed)" -f $runs)
Say ("- one by one: {0:N2} s ({1:N2} s per gateway: connection, probe, 3 pings, 1 don't-fragment ping, routes); machine CPU {2:N1} s" -f $serial, (Median $serialRuns.PerHost), (Median $serialRuns.MachineCpu))
Say ("- ThrottleLimit 16: {0:N2} s; machine CPU {1:N1} s; ratio {2:N2}x faster" -f $parallel, (Median $parallelRuns.MachineCpu), ($serial / $parallel))
Say ("- LAN-to-LAN check from {0} to {1}: {2} of {3} pings, {4:N2} ms average" -f $gateways[0], $farHost[$gateways[0]], $lanCheck.PingsReceived, $lanCheck.PingsSent, $lanCheck.RttAvgMs)
}

# 6. Rotation: a 4-site mesh (gw-a to gw-d, wg11) with 10 ms pings on every tunnel during each kind
# of rotation and the naive way (new keys from New-WgTopology, Set-WgInterface), then whole-mesh
# rotations of 20 sites (gw-e to gw-x, wg12), timed.
if ('Rotation' -in $Only) {
    function New-Mesh([object[]] $Sites, [string] $Name, [int] $Port, [string] $Prefix) {
        $file = Join-Path $LabOutput "bench-$Name.topology"
        $Sites | ForEach-Object {
            New-WgKeyPair -ComputerName $_.gateway -InterfaceName $Name -InstallPackage @ssh -Confirm:$false |
                New-WgSite -Name "site-$($_.name)" -Endpoint "$($_.publicAddress):$Port" -LanPrefix $_.lanPrefix
        } | New-WgTopology -TunnelPrefix $Prefix -InterfaceName $Name -PresharedKeys -AsTopology | Export-WgTopology -Path $file -IncludeSecret -Force
        $applied = Import-WgTopology $file | Set-WgInterface @ssh -InstallPackage -ThrottleLimit 16 -Confirm:$false
        if ($failed = @($applied | Where-Object Error)) { throw "mesh $Name failed: $($failed.Error -join '; ')" }
        $file
    }
    # Each tunnel once, the first gateway pinging the other's tunnel address every 10 ms (inside the containers).
    function Measure-Loss([object[]] $Sites, [string] $File, [int] $Seconds, [scriptblock] $Rotate) {
        $addresses = (Import-WgTopology $File -AsTopology).TunnelAddresses()
        $pairs = for ($i = 0; $i -lt $Sites.Count; $i++) { for ($j = $i + 1; $j -lt $Sites.Count; $j++) { , @($Sites[$i], $Sites[$j]) } }
        foreach ($p in $pairs) {
            Invoke-WgLabCommand -Machine $p[0].gateway -Command bash, -c, "nohup ping -i 0.01 -w $Seconds -q $($addresses["site-$($p[1].name)"]) > /tmp/bench-ping-$($p[1].name) 2>&1 &" | Out-Null
        }
        Start-Sleep -Seconds 2
        $clock = [Diagnostics.Stopwatch]::StartNew()
        & $Rotate | Out-Null
        $wall = $clock.Elapsed.TotalSeconds
        Start-Sleep -Seconds ($Seconds - 1)
        $lost = foreach ($p in $pairs) {
            $line = (Invoke-WgLabCommand -Machine $p[0].gateway -Command bash, -c, "sleep 2; grep 'packets transmitted' /tmp/bench-ping-$($p[1].name)") -join ''
            if ($line -notmatch '(\d+) packets transmitted, (\d+) received') { throw "unreadable ping summary: $line" }
            [int]$Matches[1] - [int]$Matches[2]
        }
        [pscustomobject]@{ Wall = $wall; Lost = $lost; Max = ($lost | Measure-Object -Maximum).Maximum; Mean = ($lost | Measure-Object -Average).Average }
    }
    $four = @($lab.sites | Select-Object -First 4)
    $file4 = New-Mesh $four wg11 10096 10.96.0.0/24
    $psk = Measure-Loss $four $file4 20 { Update-WgPresharedKey -Path $file4 @ssh -Confirm:$false }
    $key = Measure-Loss $four $file4 60 { Update-WgKey -Path $file4 @ssh -Confirm:$false }
    $naive = Measure-Loss $four $file4 40 {
        $sites = (Import-WgTopology $file4 -AsTopology).Sites | ForEach-Object { New-WgSite -Name $_.Name -ComputerName $_.ComputerName -Endpoint $_.Endpoint -LanPrefix $_.LanPrefix -TunnelAddress $_.TunnelAddress }
        foreach ($s in $four) { Invoke-WgLabCommand -Machine $s.gateway -Command rm, -f, /etc/wireguard/wg11.key | Out-Null }
        $sites | New-WgTopology -TunnelPrefix 10.96.0.0/24 -InterfaceName wg11 -PresharedKeys | Set-WgInterface @ssh -Confirm:$false
    }
    Say '## Rotation on a 4-site mesh: packets lost per tunnel (10 ms pings on all 6 tunnels, both directions of the echo)'
    Say ("- Update-WgPresharedKey (all 6 pairs at once): max {0}, mean {1:N1} lost per tunnel; {2:N1} s" -f $psk.Max, $psk.Mean, $psk.Wall)
    Say ("- Update-WgKey (all 4 sites, one after the other; each tunnel lives through 2 rotations): max {0}, mean {1:N1} lost per tunnel; {2:N1} s" -f $key.Max, $key.Mean, $key.Wall)
    Say ("- naive (new keys from New-WgTopology, Set-WgInterface on all 4): max {0}, mean {1:N1} lost per tunnel; {2:N1} s" -f $naive.Max, $naive.Mean, $naive.Wall)
    $twenty = @($lab.sites | Select-Object -Skip 4 -First 20)
    if ($twenty.Count -eq 20) {
        $file20 = New-Mesh $twenty wg12 10097 10.97.0.0/24
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = @(Update-WgPresharedKey -Path $file20 @ssh -Confirm:$false)
        $pskWall = $clock.Elapsed.TotalSeconds
        $clock.Restart()
        $k = @(Update-WgKey -Path $file20 @ssh -Confirm:$false)
        $keyWall = $clock.Elapsed.TotalSeconds
        if (@($r + $k | Where-Object { -not $_.Completed }).Count) { throw 'a 20-site rotation did not complete' }
        Say '## Whole-mesh rotation wall time'
        Say ("- 4 sites: preshared keys {0:N1} s, keys {1:N1} s" -f $psk.Wall, $key.Wall)
        Say ("- 20 sites (190 tunnels): preshared keys {0:N1} s, keys {1:N1} s (median outage per tunnel {2:N0} ms by the gateways' clocks)" -f $pskWall, $keyWall, (Median ($k.Outage | ForEach-Object TotalMilliseconds)))
    }
    Remove-WgInterface -ComputerName $four.gateway @ssh -Name wg11 -RemoveKey -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
    if ($twenty.Count) { Remove-WgInterface -ComputerName $twenty.gateway @ssh -Name wg12 -RemoveKey -Confirm:$false -ErrorAction SilentlyContinue | Out-Null }
}

# 7. Export-WgMetrics: 20 gateways (gw-e to gw-x, ten pairs on wg9): one gateway against a bare
# `ssh host wg show all dump` (the baseline: what a hand-made exporter over SSH would cost), two,
# and all 20 one by one against -ThrottleLimit 16.
if ('Metrics' -in $Only) {
    $pairs = @($lab.sites | Select-Object -Skip 4 -First 20)
    if ($pairs.Count -lt 20) { throw "the Export-WgMetrics benchmark needs 24 gateways; the lab has $($lab.sites.Count)" }
    $tunnels = for ($i = 0; $i -lt 20; $i += 2) {
        $x = $pairs[$i]; $y = $pairs[$i + 1]
        $keysX = New-WgKeyPair; $keysY = New-WgKeyPair
        $p = $i / 2
        $keysX | New-WgInterface -Name wg9 -Address "10.9.$p.1/24" -ListenPort 10099 -ComputerName $x.gateway -Peer ($keysY | New-WgPeer -Name "site-$($y.name)" -AllowedIPs "10.9.$p.2/32", $y.lanPrefix -Endpoint "$($y.publicAddress):10099" -PersistentKeepalive 25)
        $keysY | New-WgInterface -Name wg9 -Address "10.9.$p.2/24" -ListenPort 10099 -ComputerName $y.gateway -Peer ($keysX | New-WgPeer -Name "site-$($x.name)" -AllowedIPs "10.9.$p.1/32", $x.lanPrefix -Endpoint "$($x.publicAddress):10099" -PersistentKeepalive 25)
    }
    $applied = $tunnels | Set-WgInterface @ssh -InstallPackage -ThrottleLimit 16 -Confirm:$false
    if ($failed = @($applied | Where-Object Error)) { throw "metrics setup failed: $($failed.Error -join '; ')" }
    $gateways = @($pairs.gateway)
    function Measure-Export([string[]] $Hosts, [int] $Throttle) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $text = Export-WgMetrics -ComputerName $Hosts @ssh -Name wg9 -ThrottleLimit $Throttle
        $elapsed = $clock.Elapsed.TotalSeconds
        $read = ([regex]::Matches($text, '(?m)^wgadmin_export_success\{[^}]*\} 1$')).Count
        if ($read -ne $Hosts.Count) { throw "Export-WgMetrics read $read of $($Hosts.Count) gateways" }
        $elapsed
    }
    $byHand = foreach ($i in 1..$Repeat) { (Measure-Command { ssh -F $lab.sshConfig $gateways[0] 'wg show all dump' | Out-Null }).TotalMilliseconds }
    $one = foreach ($i in 1..$Repeat) { 1000 * (Measure-Export $gateways[0] 16) }
    $two = foreach ($i in 1..$Repeat) { 1000 * (Measure-Export $gateways[0..1] 16) }
    $runs = [Math]::Max(1, [Math]::Min(3, $Repeat))
    $serial = Median (foreach ($i in 1..$runs) { Measure-Export $gateways 1 })
    $parallel = Median (foreach ($i in 1..$runs) { Measure-Export $gateways 16 })
    Say ("## Export-WgMetrics on lab gateways, one wg9 peer each (median of {0}; each call opens its connections, as a job does)" -f $Repeat)
    Say ("- ssh -F ssh_config {0} 'wg show all dump' (baseline, one connection): {1:N1} ms" -f $gateways[0], (Median $byHand))
    Say ("- one gateway: {0:N1} ms (connect, authenticate, one script); ratio {1:N2}x of the baseline" -f (Median $one), ((Median $one) / (Median $byHand)))
    Say ("- two gateways, in parallel: {0:N1} ms" -f (Median $two))
    Say ("- 20 gateways one by one (-ThrottleLimit 1): {0:N2} s, {1:N0} ms per gateway" -f $serial, (1000 * $serial / 20))
    Say ("- 20 gateways, -ThrottleLimit 16: {0:N2} s, {1:N0} ms per gateway; ratio {2:N2}x faster (median of {3})" -f $parallel, (1000 * $parallel / 20), ($serial / $parallel), $runs)
    Say ''
    Remove-WgInterface -ComputerName $gateways @ssh -Name wg9 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
}

$report = Join-Path $LabOutput 'bench-lab.md'
Set-Content $report $lines
Write-Host "Saved to $report"

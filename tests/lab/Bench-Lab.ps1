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
    # rotations of 4 and 20 sites), JumpHost (20 gateways through one bastion vs direct; an agent's
    # signature vs a key file's), Metrics (Export-WgMetrics: 1, 2 and 20 gateways, parallel vs one by
    # one), Mapping (LAN to LAN and apply time through a 1:1 prefix mapping against the same pair
    # unmapped; only when asked for), Mss (apply time with and without -ClampMss, clamped
    # throughput through a path MTU black hole against an open path; only when asked for), Firewall
    # (apply time with ufw / firewalld active against none, sites ad and ae of a 33-gateway lab; only
    # when asked for) and Fleet (50 gateways, 1 vs 16 vs 32 at once; only when asked
    # for: it needs a 50-gateway lab). A comma-separated list also works (pwsh -File passes one string).
    [string[]] $Only = @('Apply', 'Tunnel', 'Rotation', 'JumpHost', 'Metrics')
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
            Start-WgLabPingStream -Machine $p[0].gateway -Target $addresses["site-$($p[1].name)"] -Seconds $Seconds -Tag "bench-$($p[1].name)"
        }
        Start-Sleep -Seconds 2
        $clock = [Diagnostics.Stopwatch]::StartNew()
        & $Rotate | Out-Null
        $wall = $clock.Elapsed.TotalSeconds
        Start-Sleep -Seconds ($Seconds - 1)
        $lost = foreach ($p in $pairs) { (Get-WgLabPingLoss -Machine $p[0].gateway -Tag "bench-$($p[1].name)").Lost }
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
        # 20 gateways on 2 cores answer slowly while 20 rotations start at once: a longer connect timeout.
        $r = @(Update-WgPresharedKey -Path $file20 @ssh -ConnectTimeoutSeconds 60 -Confirm:$false)
        $pskWall = $clock.Elapsed.TotalSeconds
        $clock.Restart()
        $k = @(Update-WgKey -Path $file20 @ssh -ConnectTimeoutSeconds 60 -Confirm:$false)
        $keyWall = $clock.Elapsed.TotalSeconds
        if (@($r + $k | Where-Object { -not $_.Completed }).Count) { throw 'a 20-site rotation did not complete' }
        Say '## Whole-mesh rotation wall time'
        Say ("- 4 sites: preshared keys {0:N1} s, keys {1:N1} s" -f $psk.Wall, $key.Wall)
        Say ("- 20 sites (190 tunnels): preshared keys {0:N1} s, keys {1:N1} s (median outage per tunnel {2:N0} ms by the gateways' clocks)" -f $pskWall, $keyWall, (Median ($k.Outage | ForEach-Object TotalMilliseconds)))
    }
    Remove-WgInterface -ComputerName $four.gateway @ssh -Name wg11 -RemoveKey -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
    if ($twenty.Count) { Remove-WgInterface -ComputerName $twenty.gateway @ssh -Name wg12 -RemoveKey -Confirm:$false -ErrorAction SilentlyContinue | Out-Null }
}

# 7. Jump host: Set-WgInterface on 20 gateways (gw-e to gw-x) straight from here vs through one
# bastion (gw-d, -JumpHost), -ThrottleLimit 16, each a first apply of a new interface; SSH
# connections counted by the gateways' own sshd (logins in their journals). Then a login signed by
# the ssh-agent against one signed from the key file.
if ('JumpHost' -in $Only) {
    $twenty = @($lab.sites | Select-Object -Skip 4 -First 20)
    if ($twenty.Count -lt 20) { throw "the jump-host benchmark needs 24 gateways; the lab has $($lab.sites.Count)" }
    $targets = @($twenty.gateway)
    function Get-Logins([string[]] $Gateways) {
        # journald stamps a line when it reads it: read until two reads agree.
        $last = -1
        while ($true) {
            $count = 0
            foreach ($g in $Gateways) { $count += [int](Invoke-WgLabCommand -Machine $g -Command bash, -c, "journalctl -q -u ssh.service | grep -c 'Accepted publickey' || true") }
            if ($count -eq $last) { return $count }
            $last = $count
            Start-Sleep -Seconds 1
        }
    }
    function New-Interfaces([string] $Name, [int] $Port) {
        $hub = New-WgKeyPair
        foreach ($index in 0..19) {
            New-WgKeyPair | New-WgInterface -Name $Name -ComputerName $targets[$index] -Address "10.13.$Port.$($index + 1)/16" -ListenPort (10000 + $Port) `
                -Peer ($hub | New-WgPeer -AllowedIPs "10.13.$Port.254/32" -Endpoint "198.51.100.250:$(10000 + $Port)")
        }
    }
    function Measure-Apply([string] $Name, [int] $Port, [hashtable] $Way) {
        $interfaces = @(New-Interfaces $Name $Port)
        $before = @{ targets = Get-Logins $targets; bastion = Get-Logins gw-d }
        $cpuOwn = Get-OwnCpuSeconds; $cpuMachine = Get-MachineCpuSeconds
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $results = @($interfaces | Set-WgInterface @ssh @Way -InstallPackage -ThrottleLimit 16 -ConnectTimeoutSeconds 60 -Confirm:$false)
        $wall = $clock.Elapsed.TotalSeconds
        $own = (Get-OwnCpuSeconds) - $cpuOwn; $machine = (Get-MachineCpuSeconds) - $cpuMachine
        if ($failed = @($results | Where-Object Error)) { throw "apply $Name failed: $(($failed | ForEach-Object { "$($_.ComputerName): $($_.Error)" }) -join '; ')" }
        $after = @{ targets = Get-Logins $targets; bastion = Get-Logins gw-d }
        $null = Remove-WgInterface -ComputerName $targets @ssh @Way -Name $Name -RemoveKey -ThrottleLimit 16 -ConnectTimeoutSeconds 60 -Confirm:$false
        [pscustomobject]@{ Wall = $wall; Own = $own; Machine = $machine; Targets = $after.targets - $before.targets; Bastion = $after.bastion - $before.bastion }
    }
    $direct = @{}; $through = @{ JumpHost = 'gw-d' }
    $null = Measure-Apply wg13 13 $direct   # warm-up: the package installed on all 20, caches warm
    $runs = foreach ($round in 1..2) {
        [pscustomobject]@{ Way = 'direct'; R = Measure-Apply wg13 13 $direct }
        [pscustomobject]@{ Way = 'bastion'; R = Measure-Apply wg14 14 $through }
    }
    $d = @($runs | Where-Object Way -EQ 'direct').R; $b = @($runs | Where-Object Way -EQ 'bastion').R
    Say '## Set-WgInterface on 20 gateways, -ThrottleLimit 16: through one bastion (-JumpHost gw-d) vs direct (median of 2, a first apply each)'
    Say ("- direct: {0:N2} s wall, client CPU {1:N1} s, machine CPU {2:N1} s; SSH logins on the 20: {3}" -f (Median $d.Wall), (Median $d.Own), (Median $d.Machine), (Median $d.Targets))
    Say ("- through gw-d: {0:N2} s wall, client CPU {1:N1} s, machine CPU {2:N1} s; SSH logins on the 20: {3}, on the bastion: {4}; ratio {5:N2}x the direct wall time" -f (Median $b.Wall), (Median $b.Own), (Median $b.Machine), (Median $b.Targets), (Median $b.Bastion), ((Median $b.Wall) / (Median $d.Wall)))

    # The agent against the key file: New-WgSession to one gateway, the same key either way.
    $work = Join-Path $LabOutput 'bench-agent'
    $null = New-Item -ItemType Directory -Force $work
    $socket = Join-Path $work 'agent.sock'
    Remove-Item -LiteralPath $socket -ErrorAction Ignore
    $agent = Start-Process ssh-agent -ArgumentList '-D', '-a', $socket -PassThru -RedirectStandardOutput (Join-Path $work 'agent.out')
    try {
        while (-not (Test-Path -LiteralPath $socket)) { Start-Sleep -Milliseconds 100 }
        $env:SSH_AUTH_SOCK = $socket
        ssh-add -q $lab.keyFile
        Remove-Item Env:SSH_AUTH_SOCK
        $config = Join-Path $work 'ssh_config'
        Set-Content -LiteralPath $config -Value @"
Host by-agent
    HostName $($site['e'].publicAddress)
    IdentityAgent $socket
Host by-file
    HostName $($site['e'].publicAddress)
    IdentityAgent none
Host by-agent by-file
    User root
    IdentityFile $($lab.keyFile)
    IdentitiesOnly yes
    UserKnownHostsFile $(Join-Path $work 'known_hosts')
"@
        (Get-Content -LiteralPath $lab.knownHosts | Where-Object { $_ -match '^gw-e,' }) -replace '^gw-e,', 'by-agent,by-file,' | Set-Content -LiteralPath (Join-Path $work 'known_hosts')
        function Measure-Login([string] $Alias) {
            $clock = [Diagnostics.Stopwatch]::StartNew()
            New-WgSession -ComputerName $Alias -SshConfigPath $config | Remove-WgSession -Confirm:$false
            $clock.Elapsed.TotalMilliseconds
        }
        $null = Measure-Login by-agent; $null = Measure-Login by-file
        $agentMs = @(); $fileMs = @()
        foreach ($i in 1..$Repeat) { $agentMs += Measure-Login by-agent; $fileMs += Measure-Login by-file }
        Say ("## One login (New-WgSession to gw-e, the same ed25519 key), median of {0}, interleaved" -f $Repeat)
        Say ("- key file: {0:N1} ms; signed by the ssh-agent: {1:N1} ms; ratio {2:N2}x" -f (Median $fileMs), (Median $agentMs), ((Median $agentMs) / (Median $fileMs)))
    }
    finally {
        Stop-Process -Id $agent.Id -ErrorAction Continue
    }
    Say ''
}

# 8. Fleet: 50 gateways (gw-a to gw-ax; `-LabBenchOnly Fleet` starts a 50-gateway lab), 25
# site-to-site pairs on wg20: first apply of a new interface, no-op re-apply, Test-WgTunnel and
# Get-WgInterface, each one by one (-ThrottleLimit 1) and with -ThrottleLimit 16 and 32. Per
# gateway: wall time, CPU seconds of the client (this process) and of the rest of the machine
# (the gateways' sshd, bash, wg; the kernel), SSH connections (TCP SYNs to port 22) and bytes and
# packets sent and received, counted by iptables in this (the ops) namespace. Then a CPU profile of
# the client during one more first apply at -ThrottleLimit 32 (dotnet-trace, when given).
if ('Fleet' -in $Only) {
    $fleet = @($lab.sites | Select-Object -First 50)
    if ($fleet.Count -lt 50) { throw "the fleet benchmark needs 50 gateways; the lab has $($lab.sites.Count)" }
    $names = @($fleet.gateway)
    # Counters: a chain of our own, hooked first in OUTPUT and INPUT, removed in finally.
    iptables -N WGBENCH 2>$null
    iptables -F WGBENCH
    iptables -A WGBENCH -p tcp --dport 22 --syn -j RETURN -m comment --comment syn
    iptables -A WGBENCH -p tcp --dport 22 -j RETURN -m comment --comment sent
    iptables -A WGBENCH -p tcp --sport 22 -j RETURN -m comment --comment received
    iptables -I OUTPUT 1 -p tcp --dport 22 -j WGBENCH
    iptables -I INPUT 1 -p tcp --sport 22 -j WGBENCH
    function Read-Counters {
        $c = @{}
        foreach ($line in iptables -L WGBENCH -v -x -n) {
            if ($line -match '^\s*(\d+)\s+(\d+)\s+RETURN.*/\* (\w+) \*/') { $c[$Matches[3]] = @{ Packets = [long]$Matches[1]; Bytes = [long]$Matches[2] } }
        }
        $c
    }
    try {
        function New-FleetInterfaces([string] $Name, [int] $Port) {
            for ($i = 0; $i -lt 50; $i += 2) {
                $x = $fleet[$i]; $y = $fleet[$i + 1]; $p = $i / 2
                $kx = New-WgKeyPair; $ky = New-WgKeyPair
                $kx | New-WgInterface -Name $Name -Address "10.20.$p.1/24" -ListenPort $Port -ComputerName $x.gateway -Peer ($ky | New-WgPeer -Name "site-$($y.name)" -AllowedIPs "10.20.$p.2/32" -Endpoint "$($y.publicAddress):$Port" -PersistentKeepalive 25)
                $ky | New-WgInterface -Name $Name -Address "10.20.$p.2/24" -ListenPort $Port -ComputerName $y.gateway -Peer ($kx | New-WgPeer -Name "site-$($x.name)" -AllowedIPs "10.20.$p.1/32" -Endpoint "$($x.publicAddress):$Port" -PersistentKeepalive 25)
            }
        }
        function Measure-Fleet([string] $What, [int] $Throttle, [scriptblock] $Run) {
            $null = iptables -Z WGBENCH
            $cpuOwn = Get-OwnCpuSeconds; $cpuMachine = Get-MachineCpuSeconds
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $results = @(& $Run $Throttle)
            $wall = $clock.Elapsed.TotalSeconds
            $own = (Get-OwnCpuSeconds) - $cpuOwn; $machine = (Get-MachineCpuSeconds) - $cpuMachine
            $c = Read-Counters
            if ($failed = @($results | Where-Object { $_.Error -or ($_.PSObject.Properties['Passed'] -and -not $_.Passed) })) {
                throw "$What at -ThrottleLimit $Throttle failed: $(($failed | Select-Object -First 3 | ForEach-Object { "$($_.ComputerName): $($_.Error)$($_.Reasons -join '; ')" }) -join ' | ')"
            }
            $commands = @($results | Where-Object { $_.PSObject.Properties['RemoteCommands'] } | ForEach-Object RemoteCommands)
            [pscustomobject]@{
                What = $What; Throttle = $Throttle; Wall = $wall; PerGateway = $wall / 50; Client = $own / 50; Rest = ($machine - $own) / 50
                Connections = $c['syn'].Packets / 50; SentKB = $c['sent'].Bytes / 50 / 1KB; SentPackets = $c['sent'].Packets / 50
                ReceivedKB = $c['received'].Bytes / 50 / 1KB; Commands = if ($commands.Count) { ($commands | Measure-Object -Average).Average } else { $null }
            }
        }
        $apply = { param($t) $script:fleetInterfaces | Set-WgInterface @ssh -InstallPackage -EnableForwarding -ThrottleLimit $t -ConnectTimeoutSeconds 60 -Confirm:$false }
        $remove = { $null = Remove-WgInterface -ComputerName $names @ssh -Name wg20 -RemoveKey -ThrottleLimit 32 -ConnectTimeoutSeconds 60 -Confirm:$false }
        # Warm-up: the package on all 50, then gone again but for the package.
        $script:fleetInterfaces = @(New-FleetInterfaces wg20 10120)
        $warm = @(& $apply 32)
        if ($failed = @($warm | Where-Object Error)) { throw "fleet warm-up failed: $(($failed | Select-Object -First 3).Error -join '; ')" }
        & $remove
        $rows = [Collections.Generic.List[object]]::new()
        foreach ($t in 1, 16, 32) {
            $script:fleetInterfaces = @(New-FleetInterfaces wg20 10120)
            $rows.Add((Measure-Fleet 'first apply' $t $apply))
            if ($t -ne 32) { & $remove }
        }
        foreach ($t in 1, 16, 32) { $rows.Add((Measure-Fleet 'no-op re-apply' $t $apply)) }
        $deadline = [DateTime]::UtcNow.AddSeconds(90)
        do { $ready = Test-WgTunnel -ComputerName $names @ssh -Name wg20 -Count 1 -Quiet -ThrottleLimit 32 } until ($ready -or [DateTime]::UtcNow -gt $deadline)
        if (-not $ready) {
            $failing = @(Test-WgTunnel -ComputerName $names @ssh -Name wg20 -Count 1 -ThrottleLimit 32 | Where-Object { -not $_.Passed })
            throw "the 25 fleet tunnels did not come up within 90 s; failing: $(($failing | ForEach-Object { "$($_.ComputerName): $($_.Reasons -join '; ')" }) -join ' | ')"
        }
        foreach ($t in 1, 16, 32) { $rows.Add((Measure-Fleet 'Test-WgTunnel' $t { param($t) Test-WgTunnel -ComputerName $names @ssh -Name wg20 -ThrottleLimit $t -ConnectTimeoutSeconds 60 })) }
        foreach ($t in 1, 16, 32) { $rows.Add((Measure-Fleet 'Get-WgInterface' $t { param($t) Get-WgInterface -ComputerName $names @ssh -Name wg20 -ThrottleLimit $t -ConnectTimeoutSeconds 60 })) }
        Say '## Fleet: 50 gateways (25 site-to-site pairs on wg20), one by one vs -ThrottleLimit 16 and 32'
        Say '| operation | throttle | wall s | ratio vs one by one | per gateway s | client CPU s/gw | rest of machine CPU s/gw | SSH connections/gw | remote commands/gw | sent KB/gw (packets) | received KB/gw |'
        Say '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
        foreach ($r in $rows) {
            $base = ($rows | Where-Object { $_.What -eq $r.What -and $_.Throttle -eq 1 }).Wall
            Say ("| {0} | {1} | {2:N1} | {3:N2}x | {4:N3} | {5:N3} | {6:N3} | {7:N2} | {8} | {9:N1} ({10:N0}) | {11:N1} |" -f $r.What, $r.Throttle, $r.Wall, ($base / $r.Wall), $r.PerGateway, $r.Client, $r.Rest, $r.Connections, $(if ($null -ne $r.Commands) { '{0:N1}' -f $r.Commands } else { '' }), $r.SentKB, $r.SentPackets, $r.ReceivedKB)
        }
        if ($env:WGADMIN_DOTNET_TRACE -and (Test-Path -LiteralPath $env:WGADMIN_DOTNET_TRACE)) {
            & $remove
            $trace = Join-Path $LabOutput 'fleet-apply.nettrace'
            $worker = Join-Path $PSScriptRoot 'Bench-Fleet-Profile.ps1'
            & $env:WGADMIN_DOTNET_TRACE collect --profile dotnet-sampled-thread-time -o $trace --show-child-io -- ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -File $worker -LabOutput $LabOutput -ModulePath $ModulePath | Out-Host
            if ($LASTEXITCODE -ne 0) { throw "the profiled apply failed ($LASTEXITCODE)" }
            Say '## Where the client''s time goes: CPU profile of one first apply to 50 gateways at -ThrottleLimit 32 (dotnet-trace, top methods by inclusive time)'
            Say '```'
            (& $env:WGADMIN_DOTNET_TRACE report $trace topN -n 40 --inclusive 2>&1) | ForEach-Object { Say "$_" }
            Say '```'
        }
        & $remove
    }
    finally {
        iptables -D OUTPUT -p tcp --dport 22 -j WGBENCH
        iptables -D INPUT -p tcp --sport 22 -j WGBENCH
        iptables -F WGBENCH
        iptables -X WGBENCH
    }
    Say ''
}

# 10. Mapping
if ('Mapping' -in $Only) {
    # Mapping: LAN to LAN through a mapped site pair against the same pair unmapped, in one run
    # (sites u and v, their container networks as LANs, interface wg11 as in the lab suite):
    # echo round trips per second (ping -f from a container), TCP throughput (32 MiB over nc), and
    # the apply time of the two-site topology with and without the mapping. Runs alternate.
    $gateways = 'gw-u', 'gw-v'
    $endpoint = @{ 'gw-u' = "$($site['u'].publicAddress):10095"; 'gw-v' = "$($site['v'].publicAddress):10095" }
    $lans = @{ Unmapped = '192.168.1.0/24', '192.168.2.0/24'; Mapped = '192.168.1.0/24', '192.168.1.0/24' }
    $payload = Join-Path ([IO.Path]::GetTempPath()) "wgadmin-bench-map-$PID"
    bash -c "head -c 33554432 /dev/zero > '$payload'"
    function Set-Pair([string] $Kind) {
        foreach ($g in $gateways) { Remove-WgLabContainerNetwork $g }
        $u = @(Add-WgLabContainerNetwork -Gateway gw-u -Prefix $lans[$Kind][0] -Containers 1)
        $v = @(Add-WgLabContainerNetwork -Gateway gw-v -Prefix $lans[$Kind][1] -Containers 1)
        $mapping = if ($Kind -eq 'Mapped') { @{ ResolveOverlap = $true; MappingPool = '10.201.0.0/16' } } else { @{} }
        $topology = @(
            New-WgSite -Name bench-u -ComputerName gw-u -Endpoint $endpoint['gw-u'] -LanPrefix $lans[$Kind][0]
            New-WgSite -Name bench-v -ComputerName gw-v -Endpoint $endpoint['gw-v'] -LanPrefix $lans[$Kind][1]
        ) | New-WgTopology -TunnelPrefix 10.0.11.0/24 -InterfaceName wg11 @mapping -AsTopology
        $seen = (($topology.Sites | Where-Object Name -EQ bench-v).Mappings | Select-Object -First 1)
        $target = if ($seen) { "$($seen.ToMapped([ipaddress]$v[0].Address))" } else { $v[0].Address }
        [pscustomobject]@{ Topology = $topology; From = $u[0].Namespace; To = $v[0].Namespace; Target = $target }
    }
    function Measure-Apply([object] $Pair) {
        Remove-WgInterface -ComputerName $gateways @ssh -Name wg11 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = @($Pair.Topology.Interfaces | Set-WgInterface @ssh -InstallPackage -EnableForwarding)
        $seconds = $clock.Elapsed.TotalSeconds
        if ($r | Where-Object Error) { throw "apply failed: $(($r | Where-Object Error).Error -join '; ')" }
        $seconds
    }
    function Measure-Traffic([object] $Pair) {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (ip netns exec $Pair.From ping -c 1 -W 1 $Pair.Target 2>$null | Select-String ' 1 received')) {
            if ([DateTime]::UtcNow -gt $deadline) { throw "no ping from $($Pair.From) to $($Pair.Target)" }
        }
        $flood = ip netns exec $Pair.From ping -f -q -c 5000 $Pair.Target 2>&1 | Out-String
        if ($flood -notmatch '5000 packets transmitted, (\d+) received.*time (\d+)ms') { throw "ping -f: $flood" }
        $pps = [double]$Matches[1] / ([double]$Matches[2] / 1000)
        $clock = [Diagnostics.Stopwatch]::StartNew()
        bash -c "ip netns exec $($Pair.To) timeout 60 nc -l 5095 > /dev/null & l=`$!; for i in `$(seq 50); do ip netns exec $($Pair.To) ss -ltn 'sport = :5095' | grep -q LISTEN && break; sleep 0.1; done; start=`$(date +%s.%N); ip netns exec $($Pair.From) timeout 60 nc -N $($Pair.Target) 5095 < '$payload' && wait `$l && echo `$(date +%s.%N) `$start" |
            Select-Object -Last 1 | ForEach-Object { $end, $start = -split $_; $script:tcpSeconds = [double]$end - [double]$start }
        [pscustomobject]@{ Pps = $pps; MiBs = 32 / $tcpSeconds }
    }
    $runs = @{ Unmapped = [Collections.Generic.List[object]]::new(); Mapped = [Collections.Generic.List[object]]::new() }
    try {
        $null = Measure-Apply (Set-Pair Unmapped)   # warm-up: installs WireGuard on both gateways
        foreach ($i in 1..3) {
            foreach ($kind in 'Unmapped', 'Mapped') {
                $pair = Set-Pair $kind
                $apply = Measure-Apply $pair
                $traffic = Measure-Traffic $pair
                $runs[$kind].Add([pscustomobject]@{ Apply = $apply; Pps = $traffic.Pps; MiBs = $traffic.MiBs })
            }
        }
    }
    finally {
        Remove-WgInterface -ComputerName $gateways @ssh -Name wg11 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
        foreach ($g in $gateways) { Remove-WgLabContainerNetwork $g }
        Remove-Item -Force $payload -ErrorAction SilentlyContinue
    }
    $m = @{}
    foreach ($kind in 'Unmapped', 'Mapped') {
        $m[$kind] = @{ Apply = Median $runs[$kind].Apply; Pps = Median $runs[$kind].Pps; MiBs = Median $runs[$kind].MiBs }
    }
    Say '## Mapping: LAN to LAN through a 1:1 mapped pair against the same pair unmapped (gw-u, gw-v; median of 3, alternating)'
    Say ("- echo round trips per second (ping -f, container to container): unmapped {0:N0}, mapped {1:N0}; ratio {2:N2}" -f $m.Unmapped.Pps, $m.Mapped.Pps, ($m.Mapped.Pps / $m.Unmapped.Pps))
    Say ("- TCP, 32 MiB over nc: unmapped {0:N1} MiB/s, mapped {1:N1} MiB/s; ratio {2:N2}" -f $m.Unmapped.MiBs, $m.Mapped.MiBs, ($m.Mapped.MiBs / $m.Unmapped.MiBs))
    Say ("- first apply of the two sites (Set-WgInterface, both in parallel): unmapped {0:N2} s, mapped {1:N2} s; ratio {2:N2}" -f $m.Unmapped.Apply, $m.Mapped.Apply, ($m.Mapped.Apply / $m.Unmapped.Apply))
    Say ''
}

# 9. Export-WgMetrics: 20 gateways (gw-e to gw-x, ten pairs on wg9): one gateway against a bare
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
    $serial = Median $(foreach ($i in 1..$runs) { Measure-Export $gateways 1 })
    $parallel = Median $(foreach ($i in 1..$runs) { Measure-Export $gateways 16 })
    Say ("## Export-WgMetrics on lab gateways, one wg9 peer each (median of {0}; each call opens its connections, as a job does)" -f $Repeat)
    Say ("- ssh -F ssh_config {0} 'wg show all dump' (baseline, one connection): {1:N1} ms" -f $gateways[0], (Median $byHand))
    Say ("- one gateway: {0:N1} ms (connect, authenticate, one script); ratio {1:N2}x of the baseline" -f (Median $one), ((Median $one) / (Median $byHand)))
    Say ("- two gateways, in parallel: {0:N1} ms" -f (Median $two))
    Say ("- 20 gateways one by one (-ThrottleLimit 1): {0:N2} s, {1:N0} ms per gateway" -f $serial, (1000 * $serial / 20))
    Say ("- 20 gateways, -ThrottleLimit 16: {0:N2} s, {1:N0} ms per gateway; ratio {2:N2}x faster (median of {3})" -f $parallel, (1000 * $parallel / 20), ($serial / $parallel), $runs)
    Say ''
    Remove-WgInterface -ComputerName $gateways @ssh -Name wg9 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
}

# 10. MSS clamping: sites z and aa on wg13 (only when asked for: -LabBenchOnly Mss starts 33 gateways).
# Apply time of Set-WgNat with and without -ClampMss (NAT from nothing each time, both gateways),
# and a LAN-to-LAN TCP transfer through the clamped tunnel with the hosts dropping ICMP
# "fragmentation needed" against the same transfer unclamped with PMTUD working (the baseline).
if ('Mss' -in $Only) {
    $z = $site['z']; $aa = $site['aa']
    if (-not $z -or -not $aa) { throw "the Mss benchmark needs sites z and aa (33 gateways); the lab has $($lab.sites.Count)" }
    $hostZ = $lab.hosts | Where-Object name -EQ $z.lanHosts[0]
    $hostAa = $lab.hosts | Where-Object name -EQ $aa.lanHosts[0]
    $pair = @($z.gateway, $aa.gateway)
    $tunnel = @(
        New-WgSite -Name site-z -ComputerName $z.gateway -Endpoint "$($z.publicAddress):10097" -LanPrefix $z.lanPrefix
        New-WgSite -Name site-aa -ComputerName $aa.gateway -Endpoint "$($aa.publicAddress):10097" -LanPrefix $aa.lanPrefix
    ) | New-WgTopology -TunnelPrefix 10.0.13.0/24 -InterfaceName wg13
    $applied = @($tunnel | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Confirm:$false)
    if ($failed = @($applied | Where-Object Error)) { throw "mss setup failed: $($failed.Error -join '; ')" }
    $null = ip netns exec $hostZ.namespace ip route replace $aa.lanPrefix via (($lab.hosts | Where-Object name -EQ $z.gateway).lanAddress)
    $null = ip netns exec $hostAa.namespace ip route replace $z.lanPrefix via (($lab.hosts | Where-Object name -EQ $aa.gateway).lanAddress)
    $fragNeeded = '-p', 'icmp', '--icmp-type', 'fragmentation-needed', '-j', 'DROP'
    try {
        function Measure-Nat([switch] $ClampMss) {
            foreach ($i in 1..$Repeat) {
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $r = @(Set-WgNat -ComputerName $pair @ssh -Name wg13 -Masquerade eth0 -ClampMss:$ClampMss -FirewallBackend Iptables -Confirm:$false)
                $clock.Elapsed.TotalMilliseconds
                if ($r | Where-Object Error) { throw "Set-WgNat failed: $(($r | Where-Object Error).Error -join '; ')" }
                $null = Set-WgNat -ComputerName $pair @ssh -Name wg13 -Remove -Confirm:$false
            }
        }
        $plain = Median (Measure-Nat)
        $clamped = Median (Measure-Nat -ClampMss)
        $bytes = 20000000
        function Measure-Transfer {
            $file = Join-Path $LabOutput 'mss-sent'
            $null = bash -c "head -c $bytes /dev/urandom > '$file'"
            $script = "ip netns exec $($hostAa.namespace) timeout 60 nc -n -l 5097 | wc -c > '$file.count' & sleep 0.5; " +
                "ip netns exec $($hostZ.namespace) timeout 50 nc -N $($hostAa.lanAddress) 5097 < '$file'; wait"
            $clock = [Diagnostics.Stopwatch]::StartNew()
            bash -c $script
            $seconds = $clock.Elapsed.TotalSeconds
            $got = [long](Get-Content "$file.count")
            Remove-Item $file, "$file.count"
            if ($got -ne $bytes) { throw "the transfer carried $got of $bytes bytes" }
            $bytes * 8 / $seconds / 1e6
        }
        $null = Set-WgNat -ComputerName $pair @ssh -Name wg13 -Masquerade eth0 -FirewallBackend Iptables -Confirm:$false
        $open = Median $(foreach ($i in 1..3) { Measure-Transfer })
        $null = Set-WgNat -ComputerName $pair @ssh -Name wg13 -Masquerade eth0 -ClampMss -FirewallBackend Iptables -Confirm:$false
        foreach ($h in $hostZ, $hostAa) { $null = ip netns exec $h.namespace iptables -w -I INPUT @fragNeeded }
        $hole = Median $(foreach ($i in 1..3) { Measure-Transfer })
        Say ("## MSS clamping (-ClampMss), gw-z and gw-aa on wg13 (median of {0} applies, 3 transfers of {1:N0} MB)" -f $Repeat, ($bytes / 1e6))
        Say ("- Set-WgNat -Masquerade eth0 on both gateways (baseline): {0:N1} ms" -f $plain)
        Say ("- the same with -ClampMss: {0:N1} ms; ratio {1:N2}x of the baseline" -f $clamped, ($clamped / $plain))
        Say ("- TCP LAN to LAN, unclamped, PMTUD working (baseline): {0:N0} Mbit/s" -f $open)
        Say ("- TCP LAN to LAN, clamped, hosts dropping ICMP 'fragmentation needed' (unclamped it stalls): {0:N0} Mbit/s; ratio {1:N2}x of the baseline" -f $hole, ($hole / $open))
        Say ''
    }
    finally {
        foreach ($h in $hostZ, $hostAa) { $null = ip netns exec $h.namespace iptables -w -D INPUT @fragNeeded 2>$null }
        $null = ip netns exec $hostZ.namespace ip route del $aa.lanPrefix 2>$null
        $null = ip netns exec $hostAa.namespace ip route del $z.lanPrefix 2>$null
        Remove-WgInterface -ComputerName $pair @ssh -Name wg13 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
    }
}

# 11. Firewall: the apply time of one gateway with a firewall someone else manages against the
# same gateway without one (sites ad and ae, wg16 as in the Firewall suite): gw-ad with ufw, gw-ae
# with firewalld, their rules for the tunnel in place (the commands the blocked apply names). Each
# apply is a first apply (the interface removed before it), one gateway at a time; median of 3
# each, the baseline first.
if ('Firewall' -in $Only) {
    $gateways = 'gw-ad', 'gw-ae'
    $fw = @{ 'gw-ad' = 'ufw'; 'gw-ae' = 'firewalld' }
    $interfaces = @(
        New-WgSite -Name bench-ad -ComputerName gw-ad -Endpoint "$($site['ad'].publicAddress):10100" -LanPrefix $site['ad'].lanPrefix
        New-WgSite -Name bench-ae -ComputerName gw-ae -Endpoint "$($site['ae'].publicAddress):10100" -LanPrefix $site['ae'].lanPrefix
    ) | New-WgTopology -TunnelPrefix 10.0.16.0/24 -InterfaceName wg16
    function Measure-Apply([string] $Gateway) {
        Remove-WgInterface -ComputerName $Gateway @ssh -Name wg16 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = $interfaces | Where-Object ComputerName -EQ $Gateway | Set-WgInterface @ssh -InstallPackage -EnableForwarding -Masquerade eth0
        $seconds = $clock.Elapsed.TotalSeconds
        if ($r.Error) { throw "apply on $Gateway failed: $($r.Error)" }
        $seconds
    }
    $times = @{}
    try {
        foreach ($g in $gateways) { $null = Measure-Apply $g }   # warm-up: installs WireGuard
        foreach ($g in $gateways) { $times["$g/none"] = Median $(foreach ($i in 1..3) { Measure-Apply $g }) }
        foreach ($g in $gateways) {
            $null = Install-WgLabFirewall -Gateway $g -Firewall $fw[$g]
            # The rules for the tunnel, as the blocked apply names them.
            Remove-WgInterface -ComputerName $g @ssh -Name wg16 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
            $blocked = $null
            $null = $interfaces | Where-Object ComputerName -EQ $g | Set-WgInterface @ssh -EnableForwarding -Masquerade eth0 -ErrorVariable blocked -ErrorAction SilentlyContinue
            if (-not $blocked) { throw "$g with $($fw[$g]) active: the apply was not stopped" }
            foreach ($command in ($blocked[0].Exception.Message -split 'Run on the gateway: ', 2)[1] -split '; ') {
                $null = Invoke-WgLabCommand -Machine $g -Command bash, -c, $command.Trim() -ErrorAction Stop
            }
            $times["$g/$($fw[$g])"] = Median $(foreach ($i in 1..3) { Measure-Apply $g })
        }
    }
    finally {
        Remove-WgInterface -ComputerName $gateways @ssh -Name wg16 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null
        foreach ($g in $gateways) { Remove-WgLabFirewall -Gateway $g -ErrorAction Continue }
    }
    Say '## Firewall: first apply of one gateway with a firewall someone else manages, against the same gateway without (median of 3)'
    foreach ($g in $gateways) {
        $with = $times["$g/$($fw[$g])"]; $without = $times["$g/none"]
        Say ("- {0}: no firewall {1:N2} s, {2} active {3:N2} s; ratio {4:N2}" -f $g, $without, $fw[$g], $with, ($with / $without))
    }
    Say ''
}

$report = Join-Path $LabOutput 'bench-lab.md'
Set-Content $report $lines
Write-Host "Saved to $report"

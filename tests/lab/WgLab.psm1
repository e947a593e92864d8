#Requires -Version 7.4
<#
    WgLab: the gateway lab for WgAdmin's tests. Network namespaces for an operator's machine
    (wgl-ops), an internet router (wgl-inet), and per site a cloud-style 1:1 NAT router, a LAN
    switch, LAN hosts and a gateway: a real Debian bookworm booted with systemd-nspawn.
    Needs Linux and root. See docs/lab.md.
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script:LabScript = Join-Path $PSScriptRoot 'lab.sh'
$script:DefaultOutputPath = Join-Path (Split-Path (Split-Path $PSScriptRoot)) 'out/lab'
$script:StateDirectory = '/run/wgadmin-lab'
$script:CacheDirectory = '/var/cache/wgadmin-lab'
$script:Prefix = 'wgl-'
$script:CommandLog = '/var/log/wgadmin-lab-commands.log'
$script:Suite = 'bookworm'
# What the host needs, by package; systemd-container without its recommends (libnss-mymachines
# would edit /etc/nsswitch.conf); conntrack for Set-WgLabPublicAddress.
$script:HostPackages = 'debootstrap', 'systemd-container', 'iptables', 'nftables', 'openssh-client', 'iproute2', 'iputils-ping', 'dpkg-dev', 'jq', 'conntrack'
$script:Internet = [ordered]@{ prefix = '198.51.100.0/24'; routerAddress = '198.51.100.1'; opsAddress = '198.51.100.2'; firstPublicHost = 10 }
$script:Tunnel = [ordered]@{ prefix = '10.0.0.0/24'; port = 10086; protocol = 'udp'; interface = 'wg0' }

#region Helpers

function Assert-WgLabHost {
    if (-not $IsLinux) { throw 'The WgAdmin lab needs Linux (network namespaces, systemd-nspawn).' }
    if ((id -u) -ne '0') { throw 'The WgAdmin lab needs root.' }
}

# Runs lab.sh (or another bash script) and returns its stdout; stderr goes to the console.
function Invoke-WgLabScript {
    param(
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [string] $InputText,
        [string] $Script = $script:LabScript
    )
    # lab.sh wires namespaces from the root network namespace; tests call it from inside ops, so
    # go back there first, through the handle Start-WgLab pinned (/proc/1 may not be ours to enter).
    $rootNetns = "$($script:StateDirectory)/root-netns"
    $elsewhere = (Test-Path -LiteralPath $rootNetns) -and ((stat -L -c %i /proc/self/ns/net) -ne (stat -L -c %i $rootNetns))
    $command = if ($elsewhere) { @('nsenter', "--net=$rootNetns", 'bash', $Script) } else { @('bash', $Script) }
    $program = $command[0]
    $rest = @($command | Select-Object -Skip 1)
    $output = if ($PSBoundParameters.ContainsKey('InputText')) { $InputText | & $program @rest @ArgumentList } else { & $program @rest @ArgumentList }
    if ($LASTEXITCODE -ne 0) { throw "$(Split-Path -Leaf $Script) $($ArgumentList -join ' ') failed with exit code $LASTEXITCODE" }
    $output
}

function Install-WgLabHostPackage {
    $missing = @(foreach ($package in $script:HostPackages) {
            $status = dpkg-query -W -f '${db:Status-Abbrev}' $package 2>$null
            if ($LASTEXITCODE -ne 0 -or "$status" -notlike 'ii*') { $package }
        })
    if (-not $missing) { return }
    Write-Host "Installing the lab's host packages: $($missing -join ', ')"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    apt-get update -qq | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "apt-get update failed with exit code $LASTEXITCODE" }
    apt-get install -y -qq --no-install-recommends @missing | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "apt-get install $($missing -join ' ') failed with exit code $LASTEXITCODE" }
}

<#
.SYNOPSIS
    The Debian mirror apt already uses for a suite, read from apt's sources (one-line and deb822).
#>
function Get-WgLabDebianMirror {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [string] $Suite = $script:Suite,
        [string[]] $Path = @(@('/etc/apt/sources.list') + @(Get-ChildItem /etc/apt/sources.list.d -File -ErrorAction Ignore |
                Where-Object Name -Match '\.(list|sources)$' | ForEach-Object FullName))
    )
    $sources = foreach ($file in $Path | Where-Object { Test-Path -LiteralPath $_ -PathType Leaf }) {
        $text = Get-Content -Raw -LiteralPath $file
        if (-not $text) { continue }
        if ($file.EndsWith('.sources')) {
            foreach ($stanza in $text -split '(?:\r?\n){2,}') {
                $fields = @{}
                $key = $null
                foreach ($line in $stanza -split '\r?\n') {
                    if ($line -match '^\s*#') { continue }
                    if ($line -match '^([A-Za-z0-9-]+):\s*(.*)$') { $key = $Matches[1].ToLowerInvariant(); $fields[$key] = $Matches[2] }
                    elseif ($key -and $line -match '^\s+(\S.*)$') { $fields[$key] += " $($Matches[1])" }
                }
                if ($fields['enabled'] -eq 'no' -or -not $fields['uris']) { continue }
                foreach ($uri in -split $fields['uris']) {
                    [pscustomobject]@{ Types = -split $fields['types']; Uri = $uri; Suites = -split $fields['suites']; Components = -split $fields['components'] }
                }
            }
        }
        else {
            foreach ($line in $text -split '\r?\n') {
                if ($line -match '^\s*(deb|deb-src)\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$') {
                    [pscustomobject]@{ Types = @($Matches[1]); Uri = $Matches[2]; Suites = @($Matches[3]); Components = -split $Matches[4] }
                }
            }
        }
    }
    $usable = @($sources | Where-Object { $_.Types -contains 'deb' -and $_.Components -contains 'main' -and $_.Uri -match '^(https?|file)://' })
    # The suite itself; failing that, a source of the same archive (not security, not updates).
    $mirror = $usable | Where-Object { $_.Suites -contains $Suite } | Select-Object -First 1
    if (-not $mirror) { $mirror = $usable | Where-Object { -not ($_.Suites -match '-') } | Select-Object -First 1 }
    if (-not $mirror) { throw "No Debian mirror for '$Suite' in apt's sources ($($Path -join ', '))." }
    $mirror.Uri.TrimEnd('/')
}

function Get-WgLabBaseImage {
    $mirror = Get-WgLabDebianMirror
    $output = Invoke-WgLabScript -Script (Join-Path $PSScriptRoot 'build-base.sh') -ArgumentList $mirror, $script:CacheDirectory
    @($output)[-1]
}

# a, b, ..., z, aa, ab, ...
function ConvertTo-WgLabSiteName([int] $Index) {
    $name = ''
    while ($Index -gt 0) {
        $Index--
        $name = [string][char]([int][char]'a' + $Index % 26) + $name
        $Index = [math]::Floor($Index / 26)
    }
    $name
}

function Get-WgLabHostAddress([string] $First, [int] $Offset) {
    $bytes = ([ipaddress]$First).GetAddressBytes()
    $bytes[3] += $Offset
    ([ipaddress]$bytes).ToString()
}

# The seed's two sites, then 10.100.K.0/24 for site K (clear of the tunnel's 10.0.0.0/24).
function Get-WgLabSiteAddress([int] $Index) {
    switch ($Index) {
        1 { @{ lanPrefix = '10.11.7.0/24'; gateway = '10.11.7.1'; router = '10.11.7.254'; firstHost = '10.11.7.199' } }
        2 { @{ lanPrefix = '172.19.16.0/20'; gateway = '172.19.16.7'; router = '172.19.16.1'; firstHost = '172.19.16.100' } }
        default { @{ lanPrefix = "10.100.$Index.0/24"; gateway = "10.100.$Index.7"; router = "10.100.$Index.1"; firstHost = "10.100.$Index.100" } }
    }
}

function New-WgLabHost {
    param([string] $Name, [string] $Role, [string] $Site, [string] $Namespace)
    [ordered]@{
        name = $Name; role = $Role; site = $(if ($Site) { $Site } else { $null }); namespace = $Namespace; machine = $null; hostname = $null
        sshAddress = $null; sshPort = $null; user = $null; keyFile = $null; sshAlias = $null; hostKeyFingerprint = $null; hostKeys = @()
        wanInterface = $null; wanAddress = $null; wanPrefix = $null
        lanInterface = $null; lanAddress = $null; lanPrefix = $null
        defaultRoute = $null; publicAddress = $null; tunnelAddress = $null
        lanHosts = @(); commandLog = $null; commandLogOnHost = $null
    }
}

# The whole lab as data: what lab.json holds, less the host keys.
function New-WgLabTopology {
    param([int] $Gateways, [int] $LanHosts, [string] $OutputPath)
    $keyFile = Join-Path $OutputPath 'id_ed25519'
    $ops = New-WgLabHost -Name 'ops' -Role 'ops' -Namespace "$($script:Prefix)ops"
    $ops.wanInterface = 'eth0'; $ops.wanAddress = $script:Internet.opsAddress; $ops.wanPrefix = $script:Internet.prefix
    $ops.defaultRoute = $script:Internet.routerAddress
    $internet = New-WgLabHost -Name 'internet' -Role 'internet' -Namespace "$($script:Prefix)inet"
    $internet.wanInterface = 'br0'; $internet.wanAddress = $script:Internet.routerAddress; $internet.wanPrefix = $script:Internet.prefix
    $hosts = [Collections.Generic.List[object]]::new()
    $hosts.Add($ops); $hosts.Add($internet)
    $sites = foreach ($index in 1..$Gateways) {
        $site = ConvertTo-WgLabSiteName $index
        $address = Get-WgLabSiteAddress $index
        $public = "198.51.100.$($script:Internet.firstPublicHost + $index - 1)"

        $nat = New-WgLabHost -Name "nat-$site" -Role 'nat' -Site $site -Namespace "$($script:Prefix)nat-$site"
        $nat.wanInterface = 'wan0'; $nat.wanAddress = $public; $nat.wanPrefix = $script:Internet.prefix
        $nat.lanInterface = 'lan0'; $nat.lanAddress = $address.router; $nat.lanPrefix = $address.lanPrefix
        $nat.defaultRoute = $script:Internet.routerAddress; $nat.publicAddress = $public

        $lanHostList = foreach ($number in 1..$LanHosts) {
            $lanHost = New-WgLabHost -Name "host-$site$number" -Role 'lanhost' -Site $site -Namespace "$($script:Prefix)host-$site$number"
            $lanHost.lanInterface = 'eth0'; $lanHost.lanAddress = Get-WgLabHostAddress $address.firstHost ($number - 1)
            $lanHost.lanPrefix = $address.lanPrefix; $lanHost.defaultRoute = $address.router
            $lanHost
        }

        $machine = "$($script:Prefix)gw-$site"
        $gateway = New-WgLabHost -Name "gw-$site" -Role 'gateway' -Site $site -Namespace $machine
        $gateway.machine = $machine; $gateway.hostname = "gw-$site"
        $gateway.sshAlias = "gw-$site"; $gateway.sshAddress = $public; $gateway.sshPort = 22; $gateway.user = 'root'; $gateway.keyFile = $keyFile
        # A cloud VM: one interface, in the LAN; the public address is the NAT router's.
        $gateway.wanInterface = 'eth0'; $gateway.wanAddress = $address.gateway; $gateway.wanPrefix = $address.lanPrefix
        $gateway.lanInterface = 'eth0'; $gateway.lanAddress = $address.gateway; $gateway.lanPrefix = $address.lanPrefix
        $gateway.defaultRoute = $address.router; $gateway.publicAddress = $public
        $gateway.tunnelAddress = "10.0.0.$index"
        $gateway.lanHosts = @($lanHostList | ForEach-Object { [ordered]@{ name = $_.name; namespace = $_.namespace; address = $_.lanAddress } })
        $gateway.commandLog = $script:CommandLog
        $gateway.commandLogOnHost = "$($script:StateDirectory)/$machine/upper$($script:CommandLog)"

        $hosts.Add($nat); $hosts.Add($gateway)
        foreach ($lanHost in $lanHostList) { $hosts.Add($lanHost) }
        [ordered]@{
            name = $site; lanPrefix = $address.lanPrefix; lanPrefixLength = [int](Get-WgLabPrefixLength $address.lanPrefix); publicAddress = $public
            gateway = $gateway.name; nat = $nat.name; lanHosts = @($lanHostList | ForEach-Object name)
            switchNamespace = "$($script:Prefix)lan-$site"
        }
    }
    [ordered]@{
        schemaVersion = 1
        outputPath = $OutputPath
        stateDirectory = $script:StateDirectory
        baseImage = $null
        sshConfig = Join-Path $OutputPath 'ssh_config'
        knownHosts = Join-Path $OutputPath 'known_hosts'
        keyFile = $keyFile
        internet = $script:Internet
        tunnel = $script:Tunnel
        sites = @($sites)
        hosts = $hosts.ToArray()
        startedAt = $null
        startupSeconds = $null
    }
}

function Get-WgLabPrefixLength([string] $Prefix) { ($Prefix -split '/')[1] }

# lab.sh net steps for one gateway's namespace and cable (also used to "reboot" it).
function Get-WgLabGatewayPlan($Lab, $Gateway) {
    $site = $Lab.sites | Where-Object name -EQ $Gateway.site
    $length = Get-WgLabPrefixLength $Gateway.lanPrefix
    "netns $($Gateway.namespace)"
    "plug $($site.switchNamespace) gw $($Gateway.namespace) eth0 $($Gateway.lanAddress)/$length $($Gateway.defaultRoute)"
}

function Get-WgLabNetworkPlan($Lab) {
    $ops = $Lab.hosts | Where-Object role -EQ 'ops'
    $internet = $Lab.hosts | Where-Object role -EQ 'internet'
    $length = Get-WgLabPrefixLength $Lab.internet.prefix
    "netns $($internet.namespace)"
    "bridge $($internet.namespace) $($internet.wanAddress)/$length"
    "forward $($internet.namespace)"
    "netns $($ops.namespace)"
    "plug $($internet.namespace) ops $($ops.namespace) eth0 $($ops.wanAddress)/$length $($ops.defaultRoute)"
    foreach ($site in $Lab.sites) {
        $nat = $Lab.hosts | Where-Object name -EQ $site.nat
        $gateway = $Lab.hosts | Where-Object name -EQ $site.gateway
        "netns $($nat.namespace)"
        "plug $($internet.namespace) nat-$($site.name) $($nat.namespace) wan0 $($nat.wanAddress)/$length $($nat.defaultRoute)"
        "netns $($site.switchNamespace)"
        "bridge $($site.switchNamespace)"
        "plug $($site.switchNamespace) nat $($nat.namespace) lan0 $($nat.lanAddress)/$($site.lanPrefixLength)"
        "forward $($nat.namespace)"
        "nat $($nat.namespace) $($nat.publicAddress) $($gateway.lanAddress) $($site.lanPrefix)"
        Get-WgLabGatewayPlan $Lab $gateway
        $number = 0
        foreach ($name in $site.lanHosts) {
            $lanHost = $Lab.hosts | Where-Object name -EQ $name
            $number++
            "netns $($lanHost.namespace)"
            "plug $($site.switchNamespace) h$number $($lanHost.namespace) eth0 $($lanHost.lanAddress)/$($site.lanPrefixLength) $($lanHost.defaultRoute)"
        }
    }
}

# Reads back the host keys lab.sh prepare made into lab.json; returns the known_hosts lines.
function Add-WgLabHostKey($Lab) {
    foreach ($gateway in $Lab.hosts | Where-Object role -EQ 'gateway') {
        $directory = "$($script:StateDirectory)/$($gateway.machine)"
        $gateway.hostKeys = @(Get-Content "$directory/hostkeys.fingerprints" | ForEach-Object {
                # "256 SHA256:... comment (ED25519)", as ssh-keygen -lf prints it
                $fields = -split $_
                [ordered]@{ type = $fields[-1].Trim('()'); bits = [int]$fields[0]; fingerprint = $fields[1] }
            })
        $gateway.hostKeyFingerprint = ($gateway.hostKeys | Where-Object type -EQ 'ED25519').fingerprint
        foreach ($key in Get-Content "$directory/hostkeys.pub") {
            "$($gateway.sshAlias),$($gateway.sshAddress) $(($key -split ' ')[0..1] -join ' ')"
        }
    }
}

function Write-WgLabFile($Lab, [string[]] $KnownHosts) {
    $gateways = @($Lab.hosts | Where-Object role -EQ 'gateway')
    $config = [Text.StringBuilder]::new()
    [void]$config.AppendLine("# WgAdmin gateway lab: the gateways as the ops namespace reaches them. For example:")
    [void]$config.AppendLine("#   ip netns exec $($script:Prefix)ops ssh -F $($Lab.sshConfig) gw-a")
    foreach ($gateway in $gateways) {
        [void]$config.AppendLine()
        [void]$config.AppendLine("Host $($gateway.sshAlias)")
        foreach ($setting in @(
                "HostName $($gateway.sshAddress)", "Port $($gateway.sshPort)", "User $($gateway.user)",
                "IdentityFile $($gateway.keyFile)", 'IdentitiesOnly yes', "UserKnownHostsFile $($Lab.knownHosts)",
                'GlobalKnownHostsFile /dev/null', 'StrictHostKeyChecking yes', 'BatchMode yes', 'ConnectTimeout 5', 'LogLevel ERROR')) {
            [void]$config.AppendLine("    $setting")
        }
    }
    Set-Content -LiteralPath $Lab.sshConfig -Value $config.ToString() -NoNewline
    Set-Content -LiteralPath $Lab.knownHosts -Value $KnownHosts
    Save-WgLabJson $Lab
}

function Save-WgLabJson($Lab) {
    $json = $Lab | ConvertTo-Json -Depth 8
    Set-Content -LiteralPath (Join-Path $Lab.outputPath 'lab.json') -Value $json
    Set-Content -LiteralPath "$($script:StateDirectory)/lab.json" -Value $json
}

# The running lab, as Start-WgLab recorded it in the state directory.
function Get-WgLabState {
    $path = "$($script:StateDirectory)/lab.json"
    if (-not (Test-Path -LiteralPath $path)) { throw "No lab is running ($path does not exist); start one with Start-WgLab." }
    Get-Content -Raw -LiteralPath $path | ConvertFrom-Json
}

function Resolve-WgLabGateway([string] $Name) {
    $lab = Get-WgLabState
    $gateway = $lab.hosts | Where-Object { $_.role -eq 'gateway' -and ($_.name -eq $Name -or $_.machine -eq $Name) }
    if (-not $gateway) { throw "The lab has no gateway '$Name' (it has: $(($lab.hosts | Where-Object role -EQ 'gateway').name -join ', '))." }
    $lab, $gateway
}

function Wait-WgLabGateway {
    param($Gateways, [int] $TimeoutSec)
    $null = Invoke-WgLabScript -ArgumentList (@('wait-ssh', $TimeoutSec) + @($Gateways.sshAddress))
    Write-Verbose "SSH answers on $($Gateways.sshAddress -join ', ')"
    $states = Invoke-WgLabScript -ArgumentList (@('wait-booted', $TimeoutSec) + @($Gateways.machine))
    $notRunning = @($states | Where-Object { $_ -notmatch ' running$' })
    if ($notRunning) {
        foreach ($line in $notRunning) {
            $machine = ($line -split ' ')[0]
            $failed = bash $script:LabScript exec $machine systemctl --failed --no-legend --plain 2>$null
            Write-Warning "Gateway $line$(if ($failed) { "; failed units: $(($failed | ForEach-Object { (-split $_)[0] }) -join ', ')" })"
        }
    }
}

function Start-WgLabMachine($Gateways) {
    $null = Invoke-WgLabScript -ArgumentList (@('launch') + @($Gateways.machine))
}

#endregion

<#
.SYNOPSIS
    Brings the gateway lab up: namespaces, NAT routers, LANs, and one booted Debian gateway per site.
.DESCRIPTION
    Tears down whatever an earlier (perhaps half-finished) run left, installs the host packages it
    needs, builds the gateways' base image when the cache has none for the current recipe, then
    builds the network, boots the gateways and waits until each answers SSH from the ops namespace
    and has finished booting. Writes lab.json, ssh_config, known_hosts and the client key
    (id_ed25519) to OutputPath. Returns the lab (as Get-WgLab does).
.EXAMPLE
    Start-WgLab -Gateways 2; ip netns exec wgl-ops ssh -F out/lab/ssh_config gw-a
#>
function Start-WgLab {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [ValidateRange(1, 200)]
        [int] $Gateways = 2,

        [string] $OutputPath = $script:DefaultOutputPath,

        # LAN hosts per site.
        [ValidateRange(1, 20)]
        [int] $LanHosts = 1,

        # How long to wait for the gateways to boot and answer SSH.
        [ValidateRange(5, 3600)]
        [int] $TimeoutSec = 300
    )
    Assert-WgLabHost
    $OutputPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath)
    $clock = [Diagnostics.Stopwatch]::StartNew()
    Stop-WgLab -OutputPath $OutputPath
    Install-WgLabHostPackage
    $base = Get-WgLabBaseImage
    $baseSeconds = $clock.Elapsed.TotalSeconds

    New-Item -ItemType Directory -Force $OutputPath, $script:StateDirectory | Out-Null
    Set-Content -LiteralPath "$($script:StateDirectory)/output-path" -Value $OutputPath
    # Pin this (root) network namespace so lab functions called from inside ops can return to it;
    # teardown unmounts everything under the state directory, this too.
    $rootNetns = "$($script:StateDirectory)/root-netns"
    New-Item -ItemType File -Force $rootNetns | Out-Null
    mount --bind /proc/self/ns/net $rootNetns
    if ($LASTEXITCODE -ne 0) { throw "Could not pin the root network namespace at $rootNetns" }
    $keyFile = Join-Path $OutputPath 'id_ed25519'
    if (-not (Test-Path -LiteralPath $keyFile) -or -not (Test-Path -LiteralPath "$keyFile.pub")) {
        Remove-Item -LiteralPath $keyFile, "$keyFile.pub" -ErrorAction Ignore
        ssh-keygen -q -t ed25519 -N '' -C 'wgadmin-lab' -f $keyFile
        if ($LASTEXITCODE -ne 0) { throw "ssh-keygen failed with exit code $LASTEXITCODE" }
    }

    $lab = New-WgLabTopology -Gateways $Gateways -LanHosts $LanHosts -OutputPath $OutputPath
    $lab.baseImage = $base
    $gatewayHosts = @($lab.hosts | Where-Object role -EQ 'gateway')
    Set-WgLabInotifyLimit -Gateways $Gateways
    Write-Verbose ("{0,5:N1} s: base image ready" -f $clock.Elapsed.TotalSeconds)
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText ((Get-WgLabNetworkPlan $lab) -join "`n")
    Write-Verbose ("{0,5:N1} s: network built" -f $clock.Elapsed.TotalSeconds)
    $null = Invoke-WgLabScript -ArgumentList (@('prepare', $base, "$keyFile.pub") + @($gatewayHosts.machine))
    Write-Verbose ("{0,5:N1} s: overlays prepared" -f $clock.Elapsed.TotalSeconds)
    Start-WgLabMachine $gatewayHosts
    $knownHosts = Add-WgLabHostKey $lab
    $lab.startedAt = [DateTime]::UtcNow.ToString('o')
    Write-WgLabFile $lab $knownHosts
    Write-Verbose ("{0,5:N1} s: gateways launched" -f $clock.Elapsed.TotalSeconds)

    Wait-WgLabGateway -Gateways $gatewayHosts -TimeoutSec $TimeoutSec
    $lab.startupSeconds = [math]::Round($clock.Elapsed.TotalSeconds, 1)
    Save-WgLabJson $lab
    Write-Host ("Lab up: {0} gateway(s) in {1:N1} s (base image {2:N1} s); lab.json in {3}" -f $Gateways, $clock.Elapsed.TotalSeconds, $baseSeconds, $OutputPath)
    Get-WgLab -OutputPath $OutputPath
}

# Every systemd in a container takes a few inotify instances, all counted against root: raise
# the host's limit for big labs (lab.sh teardown restores it).
function Set-WgLabInotifyLimit([int] $Gateways) {
    $key = 'fs.inotify.max_user_instances'
    $current = [int](Get-Content /proc/sys/fs/inotify/max_user_instances)
    $needed = 128 + 16 * $Gateways
    if ($current -ge $needed) { return }
    Set-Content -LiteralPath "$($script:StateDirectory)/sysctl.restore" -Value "$key = $current"
    sysctl -q -w "$key=$needed"
    if ($LASTEXITCODE -ne 0) { throw "sysctl -w $key=$needed failed" }
}

<#
.SYNOPSIS
    Takes the lab down and removes everything any lab run left on this machine.
.DESCRIPTION
    Shuts the gateways down cleanly (SIGTERM to nspawn), saves their console and command logs to
    OutputPath/logs, then removes the lab's mounts, cgroups, network namespaces, nspawn's
    propagation directories and the state directory, and deletes lab.json, ssh_config and
    known_hosts. Works after a half-finished Start-WgLab too; does nothing if there is no lab.
#>
function Stop-WgLab {
    [CmdletBinding()]
    param(
        [string] $OutputPath = $script:DefaultOutputPath
    )
    Assert-WgLabHost
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $OutputPath = $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath)
    $recorded = "$($script:StateDirectory)/output-path"
    $outputs = @($OutputPath)
    if (Test-Path -LiteralPath $recorded) { $outputs = @(@((Get-Content -LiteralPath $recorded | Select-Object -First 1), $OutputPath) | Select-Object -Unique) }
    $null = Invoke-WgLabScript -ArgumentList 'teardown', (Join-Path $outputs[0] 'logs')
    foreach ($output in $outputs) {
        Remove-Item -LiteralPath (Join-Path $output 'lab.json'), (Join-Path $output 'ssh_config'), (Join-Path $output 'known_hosts') -ErrorAction Ignore
    }
    Write-Verbose ("Lab down in {0:N1} s" -f $clock.Elapsed.TotalSeconds)
}

<#
.SYNOPSIS
    Reads lab.json: the whole lab, or the hosts with the given names or role.
#>
function Get-WgLab {
    [CmdletBinding(DefaultParameterSetName = 'Lab')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(ParameterSetName = 'Name', Position = 0)]
        [string[]] $Name,

        [Parameter(ParameterSetName = 'Role')]
        [ValidateSet('ops', 'internet', 'nat', 'gateway', 'lanhost')]
        [string] $Role,

        [string] $OutputPath = $script:DefaultOutputPath
    )
    $path = Join-Path $PSCmdlet.GetUnresolvedProviderPathFromPSPath($OutputPath) 'lab.json'
    if (-not (Test-Path -LiteralPath $path)) { throw "No lab.json at $path; start the lab with Start-WgLab." }
    $lab = Get-Content -Raw -LiteralPath $path | ConvertFrom-Json
    switch ($PSCmdlet.ParameterSetName) {
        'Name' { foreach ($item in $Name) { $lab.hosts | Where-Object name -EQ $item } }
        'Role' { $lab.hosts | Where-Object role -EQ $Role }
        default { $lab }
    }
}

<#
.SYNOPSIS
    Shuts a gateway down and takes its switch port down, as if it were powered off.
.DESCRIPTION
    Connections to its public address then time out (the NAT router finds nobody behind it)
    until Start-WgLabGateway. Its disk (overlay) and network namespace stay.
#>
function Stop-WgLabGateway {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [string] $Name)
    Assert-WgLabHost
    $lab, $gateway = Resolve-WgLabGateway $Name
    $null = Invoke-WgLabScript -ArgumentList 'stop-gateway', $gateway.machine
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText (Get-WgLabPortStep $lab $gateway 'down')
}

# The gateway's port on its LAN switch (the gateway's own eth0 keeps its routes).
function Get-WgLabPortStep($Lab, $Gateway, [string] $State) {
    "link $(($Lab.sites | Where-Object name -EQ $Gateway.site).switchNamespace) gw $State"
}

<#
.SYNOPSIS
    Moves a site's public address: its NAT router answers on a new address and no longer on the old one.
.DESCRIPTION
    What a cloud does when it re-assigns a VM's public IP (or a home line's address changes): the
    NAT router's wan0 loses the old address and gets -Address, the 1:1 NAT to the gateway follows,
    the NAT router forgets the connections it tracked (conntrack -F) and the hosts on the internet
    switch forget the old address's MAC, so nothing reaches the old address any more. lab.json
    (the site's publicAddress, the NAT router's and gateway's addresses), ssh_config's HostName
    and known_hosts follow, so SSH reaches the gateway at its new address. -Reset moves it back to
    the address Start-WgLab gave it. Stop-WgLab needs nothing more: the namespaces go.
    Returns the site, its old and its new address.
.EXAMPLE
    Set-WgLabPublicAddress -Site ac -Address 198.51.100.140; Set-WgLabPublicAddress -Site ac -Reset
#>
function Set-WgLabPublicAddress {
    [CmdletBinding(DefaultParameterSetName = 'Address')]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Site,
        [Parameter(Mandatory, ParameterSetName = 'Address')] [ipaddress] $Address,
        [Parameter(Mandatory, ParameterSetName = 'Reset')] [switch] $Reset
    )
    Assert-WgLabHost
    $lab = Get-WgLabState
    $record = $lab.sites | Where-Object name -EQ $Site
    if (-not $record) { throw "The lab has no site '$Site'." }
    $index = [array]::IndexOf(@($lab.sites.name), $Site) + 1
    $target = if ($Reset) { "198.51.100.$($lab.internet.firstPublicHost + $index - 1)" } else { $Address.ToString() }
    $old = $record.publicAddress
    if ($target -eq $old) { return [pscustomobject]@{ Site = $Site; OldAddress = $old; Address = $target } }
    $bytes = ([ipaddress]$target).GetAddressBytes()
    if ($target -notlike '198.51.100.*' -or $bytes[3] -in 0, 255) { throw "$target is not a host address of the lab's internet, $($lab.internet.prefix)." }
    $taken = @($lab.hosts | Where-Object role -In 'ops', 'internet', 'nat' | ForEach-Object wanAddress)
    if ($target -in $taken) { throw "$target is already in use in the lab." }
    $nat = $lab.hosts | Where-Object name -EQ $record.nat
    $gateway = $lab.hosts | Where-Object name -EQ $record.gateway
    $peers = @($lab.hosts | Where-Object { $_.role -in 'ops', 'internet', 'nat' -and $_.name -ne $nat.name } | ForEach-Object namespace) -join ','
    $length = Get-WgLabPrefixLength $lab.internet.prefix
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText "readdress $($nat.namespace) $old $target/$length $($nat.defaultRoute) $($gateway.lanAddress) $($record.lanPrefix) $peers"
    $record.publicAddress = $target
    $nat.publicAddress = $target; $nat.wanAddress = $target
    $gateway.publicAddress = $target; $gateway.sshAddress = $target
    Save-WgLabJson $lab
    $escaped = [regex]::Escape($old)
    $alias = [regex]::Escape($gateway.sshAlias)
    $config = (Get-Content -Raw -LiteralPath $lab.sshConfig) -replace "(?m)(^Host $alias\r?\n\s+HostName )$escaped$", "`${1}$target"
    Set-Content -LiteralPath $lab.sshConfig -Value $config -NoNewline
    $known = @(Get-Content -LiteralPath $lab.knownHosts | ForEach-Object { $_ -replace "^$alias,$escaped ", "$($gateway.sshAlias),$target " })
    Set-Content -LiteralPath $lab.knownHosts -Value $known
    [pscustomobject]@{ Site = $Site; OldAddress = $old; Address = $target }
}

<#
.SYNOPSIS
    Boots a stopped gateway again and waits until it answers SSH.
#>
function Start-WgLabGateway {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Name,
        [ValidateRange(5, 3600)] [int] $TimeoutSec = 120
    )
    Assert-WgLabHost
    $lab, $gateway = Resolve-WgLabGateway $Name
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText (Get-WgLabPortStep $lab $gateway 'up')
    Start-WgLabMachine @($gateway)
    Wait-WgLabGateway -Gateways @($gateway) -TimeoutSec $TimeoutSec
}

<#
.SYNOPSIS
    Restarts a gateway; with -RecreateNamespace, like a reboot of a real machine.
.DESCRIPTION
    Stops the container, starts it again and waits for SSH. A container restart keeps its network
    namespace (iptables rules, routes and sysctls survive, unlike a reboot); -RecreateNamespace
    deletes and recreates the namespace and its link first, so all of that is lost as in a reboot.
    The gateway's disk (overlay) is kept either way.
#>
function Restart-WgLabGateway {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Name,
        [switch] $RecreateNamespace,
        [ValidateRange(5, 3600)] [int] $TimeoutSec = 120
    )
    Assert-WgLabHost
    $lab, $gateway = Resolve-WgLabGateway $Name
    $null = Invoke-WgLabScript -ArgumentList 'stop-gateway', $gateway.machine
    $site = $lab.sites | Where-Object name -EQ $gateway.site
    $plan = if ($RecreateNamespace) {
        "unplug $($site.switchNamespace) gw"
        "delete $($gateway.namespace)"
        Get-WgLabGatewayPlan $lab $gateway
    }
    else { Get-WgLabPortStep $lab $gateway 'up' }
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText ($plan -join "`n")
    Start-WgLabMachine @($gateway)
    Wait-WgLabGateway -Gateways @($gateway) -TimeoutSec $TimeoutSec
}

<#
.SYNOPSIS
    Runs a command in a lab namespace (ip netns exec), or inside a gateway's container.
.DESCRIPTION
    -Namespace takes a namespace (wgl-host-a1) or a host's name from lab.json (host-a1, ops); the
    command runs with the host's binaries in that network namespace. -Machine takes a gateway
    (gw-a) and runs the command inside its container, with the gateway's own binaries, without SSH,
    so nothing reaches its command log. Writes the command's output; on a non-zero exit code
    writes an error (with the command's stderr) and leaves the code in $LASTEXITCODE.
.EXAMPLE
    Invoke-WgLabCommand -Namespace host-a1 -Command ping, -c1, 10.11.7.254
.EXAMPLE
    Invoke-WgLabCommand -Machine gw-a -Command wg, show
#>
function Invoke-WgLabCommand {
    [CmdletBinding(DefaultParameterSetName = 'Namespace')]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Namespace')]
        [string] $Namespace,

        [Parameter(Mandatory, ParameterSetName = 'Machine')]
        [string] $Machine,

        [Parameter(Mandatory, Position = 0)]
        [string[]] $Command
    )
    Assert-WgLabHost
    if ($PSCmdlet.ParameterSetName -eq 'Machine') {
        $null, $gateway = Resolve-WgLabGateway $Machine
        $argumentList = @('exec', $gateway.machine) + $Command
        $output = bash $script:LabScript @argumentList 2>&1
    }
    else {
        if (-not $Namespace.StartsWith($script:Prefix)) {
            $lanHost = (Get-WgLabState).hosts | Where-Object name -EQ $Namespace
            if (-not $lanHost) { throw "The lab has no host '$Namespace'." }
            $Namespace = $lanHost.namespace
        }
        $output = ip netns exec $Namespace @Command 2>&1
    }
    $exitCode = $LASTEXITCODE
    $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
    $output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" }
    if ($exitCode -ne 0) {
        $message = "'$($Command -join ' ')' exited with code $exitCode"
        if ($errors) { $message += ": $(($errors | ForEach-Object { "$_" }) -join "`n")" }
        Write-Error -Message $message -ErrorId 'WgLabCommandFailed' -Category NotSpecified
    }
    $global:LASTEXITCODE = $exitCode
}

<#
.SYNOPSIS
    Builds a docker-style container network inside a gateway: a bridge with the prefix's first
    address and N container namespaces on veths, each with the next address and its default route
    via the bridge.
.DESCRIPTION
    There is no Docker engine in the lab; this is what `docker network` leaves behind on a host.
    The bridge (docker0 by default) is made inside the gateway's network namespace, the containers
    are namespaces wgl-ctr-SITE1, wgl-ctr-SITE2, ... with eth0 on a veth whose other end (vethctrN)
    is a port of the bridge. Everything is made from the host with `ip -n`: nothing appears in the
    root namespace. The network is recorded in lab.json (containerNetworks) before it is built,
    and Stop-WgLab removes it with the rest of the lab (its namespaces are wgl-*), also after a
    killed run. The host NATs nothing. Returns one object per container (Name, Namespace, Address,
    Gateway, Bridge, BridgeAddress, Prefix).
.EXAMPLE
    Add-WgLabContainerNetwork -Gateway gw-n -Prefix 172.17.0.0/16 -Containers 2
#>
# A stream of echoes from a gateway, for loss measurements: ping every -IntervalSeconds for
# -Seconds, each reply on its own line in /tmp/wgadmin-lab-ping-TAG inside the container.
function Start-WgLabPingStream {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Machine,
        [Parameter(Mandatory)] [ipaddress] $Target,
        [Parameter(Mandatory)] [int] $Seconds,
        [Parameter(Mandatory)] [ValidatePattern('^[A-Za-z0-9_.-]+$')] [string] $Tag,
        [double] $IntervalSeconds = 0.01
    )
    $file = "/tmp/wgadmin-lab-ping-$Tag"
    $interval = $IntervalSeconds.ToString([cultureinfo]::InvariantCulture)
    Invoke-WgLabCommand -Machine $Machine -Command bash, -c, "rm -f $file; nohup ping -n -i $interval -w $Seconds $Target > $file 2>&1 &" | Out-Null
}

# What a ping stream lost, once it ended (waits for its summary up to -TimeoutSec). Lost counts
# the sequence numbers that got no reply although a later one did: ping's own "transmitted minus
# received" also counts the echo still in flight when its deadline ends it, a loss the network
# never caused. InFlight is how many were unanswered at the end; more than three (30 ms at 10 ms
# pings) means the path was down when the stream ended, and they count as lost too.
function Get-WgLabPingLoss {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Machine,
        [Parameter(Mandatory)] [ValidatePattern('^[A-Za-z0-9_.-]+$')] [string] $Tag,
        [int] $TimeoutSec = 120
    )
    $file = "/tmp/wgadmin-lab-ping-$Tag"
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (((Invoke-WgLabCommand -Machine $Machine -Command bash, -c, "grep -c 'packets transmitted' $file || true") -join '') -ne '1') {
        if ([DateTime]::UtcNow -gt $deadline) { throw "The ping stream $Tag on $Machine did not end within $TimeoutSec s." }
        Start-Sleep -Milliseconds 500
    }
    # The summary's transmitted count, the replies' distinct sequence numbers, the highest of them.
    $awk = '/ bytes from .*icmp_seq=/ { if (match($0, /icmp_seq=[0-9]+/)) { q = substr($0, RSTART + 9, RLENGTH - 9) + 0; if (!(q in s)) { s[q] = 1; n++ }; if (q > m) m = q } } /packets transmitted/ { t = $1 } END { print t + 0, n + 0, m + 0 }'
    $line = (Invoke-WgLabCommand -Machine $Machine -Command awk, $awk, $file) -join ''
    $sent, $received, $last = [int[]](-split $line)
    $inFlight = $sent - $last
    $lost = $last - $received + $(if ($inFlight -gt 3) { $inFlight } else { 0 })
    [pscustomobject]@{ Machine = $Machine; Tag = $Tag; Sent = $sent; Received = $received; Lost = $lost; InFlight = $inFlight }
}

<#
.SYNOPSIS
    Installs and starts a firewall someone else manages on a gateway: ufw or firewalld.
.DESCRIPTION
    From the base image's offline repository (tests/lab/build-base.sh), set up as an admin would:
    ufw denies incoming but SSH and is enabled (`ufw enable`, which sets iptables' FORWARD policy
    to DROP); firewalld runs with bookworm's defaults (default zone public, nftables backend).
    Remove-WgLabFirewall takes it away again.
#>
function Install-WgLabFirewall {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Gateway,
        [Parameter(Mandatory)] [ValidateSet('ufw', 'firewalld')] [string] $Firewall
    )
    Assert-WgLabHost
    $script = switch ($Firewall) {
        'ufw' { 'set -e; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ufw >/dev/null; ufw default deny incoming >/dev/null; ufw default allow outgoing >/dev/null; ufw allow 22/tcp >/dev/null; ufw --force enable >/dev/null; ufw status | head -n 1' }
        'firewalld' { 'set -e; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firewalld >/dev/null; systemctl enable -q --now firewalld; firewall-cmd --state' }
    }
    Invoke-WgLabCommand -Machine $Gateway -Command bash, -c, $script -ErrorAction Stop
}

<#
.SYNOPSIS
    Purges ufw and firewalld from a gateway and reboots it (Restart-WgLabGateway -RecreateNamespace),
    so that none of their rules outlives them.
#>
function Remove-WgLabFirewall {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Gateway)
    Assert-WgLabHost
    $script = 'if command -v ufw >/dev/null; then ufw --force reset >/dev/null; fi; systemctl disable -q --now firewalld 2>/dev/null || true; DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq --autoremove ufw firewalld >/dev/null; rm -rf /etc/ufw /etc/firewalld'
    Invoke-WgLabCommand -Machine $Gateway -Command bash, -c, $script -ErrorAction Stop
    Restart-WgLabGateway -Name $Gateway -RecreateNamespace
}

function Add-WgLabContainerNetwork {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [string] $Gateway,

        # The container network, as `docker network create --subnet` takes it: a network address.
        [Parameter(Mandatory)]
        [ValidatePattern('^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$')]
        [string] $Prefix,

        [ValidateRange(1, 20)]
        [int] $Containers = 2,

        [ValidatePattern('^[A-Za-z0-9_.-]{1,15}$')]
        [string] $Bridge = 'docker0'
    )
    Assert-WgLabHost
    $lab, $gatewayHost = Resolve-WgLabGateway $Gateway
    $network, $length = $Prefix -split '/'
    $length = [int]$length
    if ($length -gt 27) { throw "The container network '$Prefix' is too small: give it a prefix length of 27 or less." }
    $value = [uint64]0
    foreach ($byte in ([ipaddress]$network).GetAddressBytes()) { $value = $value * 256 + $byte }
    if ($value % ([uint64]1 -shl (32 - $length)) -ne 0) { throw "The container network '$Prefix' has host bits set; give its network address." }
    $networks = @(if ($lab.PSObject.Properties['containerNetworks']) { $lab.containerNetworks })
    if ($networks | Where-Object gateway -EQ $gatewayHost.name) { throw "Gateway '$($gatewayHost.name)' already has a container network; remove it first with Remove-WgLabContainerNetwork." }

    $bridgeAddress = Get-WgLabHostAddress $network 1
    $record = [pscustomobject][ordered]@{
        gateway = $gatewayHost.name; namespace = $gatewayHost.namespace; bridge = $Bridge; prefix = $Prefix; bridgeAddress = $bridgeAddress
        containers = @(foreach ($number in 1..$Containers) {
                [pscustomobject][ordered]@{ name = "ctr-$($gatewayHost.site)$number"; namespace = "$($script:Prefix)ctr-$($gatewayHost.site)$number"; address = Get-WgLabHostAddress $network (1 + $number); port = "vethctr$number" }
            })
    }
    # Recorded first: a run killed halfway still leaves a record of what to remove.
    $lab | Add-Member -NotePropertyName containerNetworks -NotePropertyValue @($networks + $record) -Force
    Save-WgLabJson $lab
    $plan = @(
        "named-bridge $($gatewayHost.namespace) $Bridge $bridgeAddress/$length"
        foreach ($container in $record.containers) {
            "netns $($container.namespace)"
            "attach $($gatewayHost.namespace) $Bridge $($container.port) $($container.namespace) eth0 $($container.address)/$length $bridgeAddress"
        }
    )
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText ($plan -join "`n")
    foreach ($container in $record.containers) {
        [pscustomobject][ordered]@{
            Name = $container.name; Namespace = $container.namespace; Address = $container.address
            Gateway = $gatewayHost.name; Bridge = $Bridge; BridgeAddress = $bridgeAddress; Prefix = $Prefix
        }
    }
}

<#
.SYNOPSIS
    Removes a gateway's container network (its container namespaces and bridge) and its record.
#>
function Remove-WgLabContainerNetwork {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [string] $Gateway)
    Assert-WgLabHost
    $lab, $gatewayHost = Resolve-WgLabGateway $Gateway
    $networks = @(if ($lab.PSObject.Properties['containerNetworks']) { $lab.containerNetworks })
    $record = $networks | Where-Object gateway -EQ $gatewayHost.name
    if (-not $record) { return }
    # A container's namespace takes its veth, and with it the bridge port, along.
    $plan = @(foreach ($container in $record.containers) { "delete $($container.namespace)" }) + "unplug $($record.namespace) $($record.bridge)"
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText ($plan -join "`n")
    $lab.containerNetworks = @($networks | Where-Object gateway -NE $gatewayHost.name)
    Save-WgLabJson $lab
}


#region LAN machines

# A booted Debian machine on a site's LAN that SSH reaches (the lab's LAN hosts are bare
# namespaces without sshd): for Set-WgLanRoute and anything else that must change a LAN
# host over SSH and survive its reboot. The NAT router forwards TCP port 2200+K of the site's
# public address to its port 22, as a port forward on a real router would.
function Get-WgLabLanMachine($Lab, [string] $Site) {
    $index = [array]::IndexOf(@($Lab.sites.name), $Site) + 1
    if ($index -lt 1) { throw "The lab has no site '$Site'." }
    $siteInfo = $Lab.sites[$index - 1]
    $nat = $Lab.hosts | Where-Object name -EQ $siteInfo.nat
    $address = Get-WgLabSiteAddress $index
    [pscustomobject]@{
        name = "lanvm-$Site"; site = $Site; machine = "$($script:Prefix)lanvm-$Site"; namespace = "$($script:Prefix)lanvm-$Site"
        lanAddress = Get-WgLabHostAddress $address.firstHost 50; lanPrefix = $siteInfo.lanPrefix; defaultRoute = $nat.lanAddress
        sshAlias = "lanvm-$Site"; sshAddress = $siteInfo.publicAddress; sshPort = 2200 + $index; user = 'root'; keyFile = $Lab.keyFile
        natNamespace = $nat.namespace; switchNamespace = $siteInfo.switchNamespace
    }
}

function Get-WgLabLanMachinePlan($Machine) {
    "netns $($Machine.namespace)"
    "plug $($Machine.switchNamespace) vm $($Machine.namespace) eth0 $($Machine.lanAddress)/$(Get-WgLabPrefixLength $Machine.lanPrefix) $($Machine.defaultRoute)"
}

function Wait-WgLabLanMachine($Machine, [int] $TimeoutSec) {
    $env:SSH_PORT = "$($Machine.sshPort)"
    try { $null = Invoke-WgLabScript -ArgumentList 'wait-ssh', $TimeoutSec, $Machine.sshAddress }
    finally { Remove-Item Env:SSH_PORT -ErrorAction Ignore }
    $state = Invoke-WgLabScript -ArgumentList 'wait-booted', $TimeoutSec, $Machine.machine
    if ($state -notmatch ' running$') { Write-Warning "LAN machine $state" }
}

<#
.SYNOPSIS
    Boots a Debian machine with sshd on a site's LAN (default route via the NAT router, like the
    site's other LAN hosts), reachable from ops over SSH as lanvm-SITE (ssh_config, known_hosts).
.DESCRIPTION
    Same base image and way as the gateways (own overlay, host keys and machine-id, the lab's
    client key). It is lanvm-SITE in ssh_config, at the site's public address, port 2200+K (the
    NAT router forwards it to port 22). Stop-WgLabLanMachine removes it; Stop-WgLab does too.
    Returns the machine (name, lanAddress, sshAlias, ...).
.EXAMPLE
    $vm = Start-WgLabLanMachine -Site l; ip netns exec wgl-ops ssh -F out/lab/ssh_config lanvm-l
#>
function Start-WgLabLanMachine {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Site,
        [ValidateRange(5, 3600)] [int] $TimeoutSec = 120
    )
    Assert-WgLabHost
    $lab = Get-WgLabState
    $machine = Get-WgLabLanMachine $lab $Site
    $plan = @(Get-WgLabLanMachinePlan $machine) + "portforward $($machine.natNamespace) $($machine.sshAddress) $($machine.sshPort) $($machine.lanAddress)"
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText ($plan -join "`n")
    $null = Invoke-WgLabScript -ArgumentList 'prepare', $lab.baseImage, "$($lab.keyFile).pub", $machine.machine
    $null = Invoke-WgLabScript -ArgumentList 'launch', $machine.machine
    $keys = Get-Content "$($script:StateDirectory)/$($machine.machine)/hostkeys.pub" | ForEach-Object {
        "[$($machine.sshAlias)]:$($machine.sshPort),[$($machine.sshAddress)]:$($machine.sshPort) $(($_ -split ' ')[0..1] -join ' ')"
    }
    Add-Content -LiteralPath $lab.knownHosts -Value $keys
    $block = @("", "# $($machine.sshAlias) (Start-WgLabLanMachine)", "Host $($machine.sshAlias)") + @(
        "HostName $($machine.sshAddress)", "Port $($machine.sshPort)", "User root", "IdentityFile $($machine.keyFile)", 'IdentitiesOnly yes',
        "UserKnownHostsFile $($lab.knownHosts)", 'GlobalKnownHostsFile /dev/null', 'StrictHostKeyChecking yes', 'BatchMode yes', 'ConnectTimeout 5', 'LogLevel ERROR' |
            ForEach-Object { "    $_" }) + "# end $($machine.sshAlias)"
    Add-Content -LiteralPath $lab.sshConfig -Value $block
    Wait-WgLabLanMachine $machine $TimeoutSec
    $machine
}

<#
.SYNOPSIS
    Reboots a LAN machine: the container stops, its namespace is recreated (routes, addresses
    and sysctls are lost, as in a reboot), and it boots again from its disk.
#>
function Restart-WgLabLanMachine {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Site,
        [ValidateRange(5, 3600)] [int] $TimeoutSec = 120
    )
    Assert-WgLabHost
    $machine = Get-WgLabLanMachine (Get-WgLabState) $Site
    $null = Invoke-WgLabScript -ArgumentList 'stop-gateway', $machine.machine
    $plan = @("unplug $($machine.switchNamespace) vm", "delete $($machine.namespace)") + @(Get-WgLabLanMachinePlan $machine)
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText ($plan -join "`n")
    $null = Invoke-WgLabScript -ArgumentList 'launch', $machine.machine
    Wait-WgLabLanMachine $machine $TimeoutSec
}

<#
.SYNOPSIS
    Stops a LAN machine and removes it: container, disk, namespace, port forward, and its
    ssh_config and known_hosts entries.
#>
function Stop-WgLabLanMachine {
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] [string] $Site)
    Assert-WgLabHost
    $lab = Get-WgLabState
    $machine = Get-WgLabLanMachine $lab $Site
    $null = Invoke-WgLabScript -ArgumentList 'stop-gateway', $machine.machine
    $plan = "unplug $($machine.switchNamespace) vm", "delete $($machine.namespace)", "unportforward $($machine.natNamespace) $($machine.sshAddress) $($machine.sshPort) $($machine.lanAddress)"
    $null = Invoke-WgLabScript -ArgumentList 'net' -InputText ($plan -join "`n")
    $null = Invoke-WgLabScript -ArgumentList 'unmount', $machine.machine
    if (Test-Path -LiteralPath $lab.knownHosts) {
        Set-Content -LiteralPath $lab.knownHosts -Value @(Get-Content -LiteralPath $lab.knownHosts | Where-Object { -not $_.StartsWith("[$($machine.sshAlias)]:") })
    }
    if (Test-Path -LiteralPath $lab.sshConfig) {
        $text = Get-Content -Raw -LiteralPath $lab.sshConfig
        $pattern = "(?s)\r?\n# $([regex]::Escape($machine.sshAlias)) \(Start-WgLabLanMachine\).*?# end $([regex]::Escape($machine.sshAlias))\r?\n"
        Set-Content -LiteralPath $lab.sshConfig -Value ([regex]::Replace($text, $pattern, '')) -NoNewline
    }
}

#endregion

# What Add-WgLabIpv6 makes and Remove-WgLabIpv6 takes away, as one ordered list of steps (a
# namespace; the `ip` arguments, or the sysctl setting, that make it and those that undo it), so
# the two cannot drift apart; and the object Add-WgLabIpv6 returns per site. An unknown site is an
# error, or with -SkipUnknown left out (Remove cleans up whatever it is given).
function Get-WgLabIpv6Plan([object] $Lab, [string[]] $Site, [switch] $SkipUnknown) {
    $internet = ($Lab.hosts | Where-Object role -EQ 'internet').namespace
    $ops = ($Lab.hosts | Where-Object role -EQ 'ops').namespace
    $steps = [Collections.Generic.List[object]]::new()
    function Addr([string] $Namespace, [string] $Address, [string] $Device) {
        $steps.Add([pscustomobject]@{ Namespace = $Namespace; Make = @('-6', 'addr', 'add', $Address, 'dev', $Device, 'nodad'); Undo = @('-6', 'addr', 'del', $Address, 'dev', $Device) })
    }
    function Route([string] $Namespace, [string] $To, [string] $Via, [string[]] $Extra = @()) {
        $steps.Add([pscustomobject]@{ Namespace = $Namespace; Make = @('-6', 'route', 'replace', $To, 'via', $Via) + $Extra; Undo = @('-6', 'route', 'del', $To, 'via', $Via) })
    }
    function Sysctl([string] $Namespace, [string] $Setting, [string] $Reset) {
        $steps.Add([pscustomobject]@{ Namespace = $Namespace; Sysctl = $Setting; Reset = $Reset })
    }
    Sysctl $internet 'net.ipv6.conf.all.forwarding=1' 'net.ipv6.conf.all.forwarding=0'
    Addr $internet '2001:db8:ffff::1/64' 'br0'
    Addr $ops '2001:db8:ffff::2/64' 'eth0'
    Route $ops '2001:db8::/32' '2001:db8:ffff::1'
    $sites = foreach ($name in $Site) {
        $index = [array]::IndexOf(@($Lab.sites.name), $name) + 1
        if ($index -lt 1) {
            if ($SkipUnknown) { continue }
            throw "The lab has no site '$name'."
        }
        $record = $Lab.sites[$index - 1]
        $k = '{0:x}' -f $index
        $nat = ($Lab.hosts | Where-Object name -EQ $record.nat).namespace
        $gateway = $Lab.hosts | Where-Object name -EQ $record.gateway
        Sysctl $nat 'net.ipv6.conf.all.forwarding=1' 'net.ipv6.conf.all.forwarding=0'
        Addr $nat "2001:db8:ffff::${k}:1/64" 'wan0'
        Addr $nat "2001:db8:${k}:1::1/64" 'lan0'
        Route $nat "2001:db8:${k}:2::/64" "2001:db8:${k}:1::2"
        Route $nat 'default' '2001:db8:ffff::1'
        Route $internet "2001:db8:${k}::/48" "2001:db8:ffff::${k}:1"
        Sysctl $gateway.namespace 'net.ipv6.conf.eth0.disable_ipv6=0' $null
        Addr $gateway.namespace "2001:db8:${k}:1::2/64" 'eth0'
        Addr $gateway.namespace "2001:db8:${k}:2::1/64" 'eth0'
        # The WAN address as the source of what the gateway sends out: left to itself, Linux may pick
        # the LAN one (both are on eth0), the far gateway then learns an endpoint inside its own
        # AllowedIPs, and its replies loop through the tunnel.
        Route $gateway.namespace 'default' "2001:db8:${k}:1::1" @('src', "2001:db8:${k}:1::2")
        $number = 0
        $hosts = foreach ($hostName in $record.lanHosts) {
            $lanHost = $Lab.hosts | Where-Object name -EQ $hostName
            $number++
            Addr $lanHost.namespace "2001:db8:${k}:2::10$number/64" 'eth0'
            [pscustomobject]@{ Name = $lanHost.name; Namespace = $lanHost.namespace; Address = "2001:db8:${k}:2::10$number" }
        }
        [pscustomobject]@{
            Site = $name; Gateway = $gateway.name; WanAddress = "2001:db8:${k}:1::2"
            LanPrefix = "2001:db8:${k}:2::/64"; LanGateway = "2001:db8:${k}:2::1"; LanHosts = @($hosts)
        }
    }
    [pscustomobject]@{ Steps = $steps.ToArray(); Sites = @($sites) }
}

<#
.SYNOPSIS
    Gives sites of the running lab IPv6 as a cloud gives it: a globally routed address, no NAT66.
.DESCRIPTION
    The lab is IPv4 only; this adds IPv6 for the given sites alone, so no other suite changes
    behaviour. The internet router's br0 gets 2001:db8:ffff::1/64 and ops 2001:db8:ffff::2/64 (a
    route to 2001:db8::/32 through it); per site K (its index, in hex), the NAT router's wan0 gets
    2001:db8:ffff::K:1/64 and routes the site's 2001:db8:K::/48 as a plain router; on the site's
    switch the "WAN" 2001:db8:K:1::/64 (NAT router ::1, gateway eth0 ::2, its default route via
    ::1) and the LAN 2001:db8:K:2::/64 (gateway eth0 ::1, LAN host N ::10N). Addresses are added
    `nodad` (no 2 s waits), forwarding is on in the routers. Everything is made from the host side
    with `ip -n`; Remove-WgLabIpv6 takes it away again. Returns one object per site (Site, Gateway,
    WanAddress, LanPrefix, LanGateway, LanHosts: Name, Namespace, Address).
.EXAMPLE
    $v6 = Add-WgLabIpv6 -Site af, ag
#>
function Add-WgLabIpv6 {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string[]] $Site)
    Assert-WgLabHost
    $plan = Get-WgLabIpv6Plan (Get-WgLabState) $Site
    foreach ($step in $plan.Steps) {
        if ($step.PSObject.Properties['Sysctl']) {
            $output = ip netns exec $step.Namespace sysctl -qw $step.Sysctl 2>&1
            if ($LASTEXITCODE -ne 0) { throw "sysctl $($step.Sysctl) in $($step.Namespace): $output" }
            continue
        }
        $output = ip -n $step.Namespace @($step.Make) 2>&1
        if ($LASTEXITCODE -ne 0 -and "$output" -notmatch 'File exists|already assigned') { throw "ip -n $($step.Namespace) $($step.Make -join ' '): $output" }
    }
    $plan.Sites
}

<#
.SYNOPSIS
    Takes away what Add-WgLabIpv6 gave the sites (and the internet's and ops's IPv6): addresses,
    routes, the routers' IPv6 forwarding. Missing pieces are skipped, so it also cleans up after a
    half-done Add-WgLabIpv6.
#>
function Remove-WgLabIpv6 {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string[]] $Site)
    Assert-WgLabHost
    $steps = (Get-WgLabIpv6Plan (Get-WgLabState) $Site -SkipUnknown).Steps
    [array]::Reverse($steps)
    foreach ($step in $steps) {
        if (-not $step.PSObject.Properties['Sysctl']) { $null = ip -n $step.Namespace @($step.Undo) 2>&1 }
        elseif ($step.Reset) { $null = ip netns exec $step.Namespace sysctl -qw $step.Reset 2>&1 }
    }
}

Export-ModuleMember -Function Start-WgLab, Stop-WgLab, Get-WgLab, Restart-WgLabGateway, Stop-WgLabGateway, Start-WgLabGateway, Set-WgLabPublicAddress, Invoke-WgLabCommand, Get-WgLabDebianMirror, Start-WgLabLanMachine, Restart-WgLabLanMachine, Stop-WgLabLanMachine, Add-WgLabContainerNetwork, Remove-WgLabContainerNetwork, Start-WgLabPingStream, Get-WgLabPingLoss, Add-WgLabIpv6, Remove-WgLabIpv6, Install-WgLabFirewall, Remove-WgLabFirewall

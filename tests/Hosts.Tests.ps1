# The cmdlets that talk to hosts, as one family (src/WgAdmin/Hosts/WgHostCmdlet.cs): how each one's
# -ComputerName, -Session, -ThrottleLimit and connection parameters bind; a host named twice is
# worked on once; every one of them fans out with progress and stops at once on Ctrl+C; and a
# connection default in $PSDefaultParameterValues leaves local use alone. Real connections to
# real ports on this machine: port 1, where nothing listens, and a port that takes connections
# and never says a word (an SSH server that hangs). The work itself on gateways is in tests/lab.

BeforeDiscovery {
    # How each host cmdlet's -ComputerName binds, as it did before the cmdlets shared one base
    # (Compare-WgInterface's -ComputerName and -Session became arrays: it fans out like the rest).
    # Sets: the parameter sets of the cmdlet, the default first. Named: not positional.
    $hostCmdlets = @(
        @{ Name = 'Set-WgInterface'; Sets = 'ComputerName', 'Session'; Mandatory = $false; Position = 'Named'; ByValue = $false; ByName = $true; AllowNull = $false; Session = $true }
        @{ Name = 'Set-WgNat'; Sets = 'ComputerName', 'Session'; Mandatory = $true; Position = 0; ByValue = $true; ByName = $true; AllowNull = $false; Session = $true }
        @{ Name = 'Enable-WgForwarding'; Sets = 'ComputerName', 'Session'; Mandatory = $true; Position = 0; ByValue = $true; ByName = $true; AllowNull = $false; Session = $true }
        @{ Name = 'Remove-WgInterface'; Sets = 'ComputerName', 'Session'; Mandatory = $true; Position = 0; ByValue = $false; ByName = $true; AllowNull = $false; Session = $true }
        @{ Name = 'Test-WgTunnel'; Sets = 'ComputerName', 'Session'; Mandatory = $false; Position = 0; ByValue = $false; ByName = $true; AllowNull = $true; Session = $true }
        @{ Name = 'Get-WgInterface'; Sets = 'Local', 'ComputerName', 'Session'; Mandatory = $true; Position = 0; ByValue = $true; ByName = $true; AllowNull = $false; Session = $true }
        @{ Name = 'Compare-WgInterface'; Sets = 'ComputerName', 'Session'; Mandatory = $false; Position = 'Named'; ByValue = $false; ByName = $true; AllowNull = $false; Session = $true }
        @{ Name = 'New-WgKeyPair'; Sets = 'Local', 'ComputerName'; Mandatory = $true; Position = 'Named'; ByValue = $false; ByName = $true; AllowNull = $false; Session = $false }
        @{ Name = 'New-WgSession'; Sets = @('ComputerName'); Mandatory = $true; Position = 0; ByValue = $true; ByName = $true; AllowNull = $false; Session = $false; AllSets = $true }
        @{ Name = 'Set-WgLanRoute'; Sets = 'ComputerName', 'Session'; Mandatory = $true; Position = 'Named'; ByValue = $false; ByName = $false; AllowNull = $false; Session = $true }
        @{ Name = 'Remove-WgLanRoute'; Sets = 'ComputerName', 'Session'; Mandatory = $true; Position = 0; ByValue = $true; ByName = $true; AllowNull = $false; Session = $true }
    )
    $connectionParameters = 'UserName', 'Port', 'KeyFilePath', 'Credential', 'SshConfigPath', 'KnownHostsPath', 'HostKeyPolicy', 'ConnectTimeoutSeconds', 'JumpHost', 'ThrottleLimit'

    # Each host cmdlet called on -ComputerName $Hosts (and $Options: more parameters) as an
    # admin calls it; the interface or topology it needs comes from the pipeline.
    $calls = @(
        @{ Name = 'Set-WgInterface'; Call = { param($Hosts, $Options) New-TestInterface | Set-WgInterface -ComputerName $Hosts @Options -Confirm:$false } }
        @{ Name = 'Set-WgNat'; Call = { param($Hosts, $Options) Set-WgNat -ComputerName $Hosts -Masquerade eth0 @Options -Confirm:$false } }
        @{ Name = 'Enable-WgForwarding'; Call = { param($Hosts, $Options) Enable-WgForwarding -ComputerName $Hosts @Options -Confirm:$false } }
        @{ Name = 'Remove-WgInterface'; Call = { param($Hosts, $Options) Remove-WgInterface -ComputerName $Hosts -Name wg0 @Options -Confirm:$false } }
        @{ Name = 'Test-WgTunnel'; Call = { param($Hosts, $Options) Test-WgTunnel -ComputerName $Hosts @Options } }
        @{ Name = 'Get-WgInterface'; Call = { param($Hosts, $Options) Get-WgInterface -ComputerName $Hosts @Options } }
        @{ Name = 'Compare-WgInterface'; Call = { param($Hosts, $Options) New-TestInterface | Compare-WgInterface -ComputerName $Hosts @Options } }
        @{ Name = 'New-WgKeyPair'; Call = { param($Hosts, $Options) New-WgKeyPair -ComputerName $Hosts -InterfaceName wg0 @Options -Confirm:$false } }
        @{ Name = 'New-WgSession'; Call = { param($Hosts, $Options) New-WgSession -ComputerName $Hosts @Options } }
        @{ Name = 'Set-WgLanRoute'; Call = { param($Hosts, $Options) New-TestTopology | Set-WgLanRoute -Site site-a -ComputerName $Hosts @Options -Confirm:$false } }
        @{ Name = 'Remove-WgLanRoute'; Call = { param($Hosts, $Options) Remove-WgLanRoute -ComputerName $Hosts @Options -Confirm:$false } }
    )
}

BeforeAll {
    $modulePath = if ($env:WGADMIN_MODULE_PATH) { $env:WGADMIN_MODULE_PATH } else { Join-Path $PSScriptRoot '../out/WgAdmin' }
    Import-Module $modulePath -Force
    . (Join-Path $PSScriptRoot 'ModuleHelpers.ps1')
    $knownHosts = Join-Path $TestDrive 'known_hosts'

    # What the calls above need: an interface to apply or compare, a topology whose site-a has
    # its LAN address (Set-WgLanRoute then asks no gateway).
    $helpers = @'
function New-TestInterface {
    $peer = New-WgKeyPair | New-WgPeer -Name site-b -AllowedIPs 10.0.0.2/32 -Endpoint 198.51.100.2:10086
    New-WgKeyPair | New-WgInterface -Name wg0 -Address 10.0.0.1/24 -ListenPort 10086 -Peer $peer
}
function New-TestTopology {
    @(
        New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1
        New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7
    ) | New-WgTopology -TunnelPrefix 10.0.0.0/24
}
'@
    . ([scriptblock]::Create($helpers))

    # Runs $Call in a runspace of its own (the module imported there), at most $Seconds; its
    # streams and how long it took.
    function Invoke-InRunspace([scriptblock] $Call, [object[]] $Arguments, [int] $Seconds = 60) {
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$modulePath'; $helpers; & { $Call } @args")
            foreach ($argument in $Arguments) { $null = $ps.AddArgument($argument) }
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $async = $ps.BeginInvoke()
            if (-not $async.AsyncWaitHandle.WaitOne($Seconds * 1000)) { $ps.Stop(); throw "The call did not end within $Seconds s." }
            $output = $ps.EndInvoke($async)
            [pscustomobject]@{ Output = @($output); Errors = @($ps.Streams.Error); Warnings = @($ps.Streams.Warning); Progress = @($ps.Streams.Progress); Seconds = $clock.Elapsed.TotalSeconds }
        }
        finally { $ps.Dispose() }
    }
}

Describe '<Name> binds its hosts as before' -ForEach $hostCmdlets {
    BeforeAll {
        $command = Get-Command $Name
    }

    It 'has the parameter sets <Sets>, the first the default' {
        @($command.ParameterSets.Name | Sort-Object) | Should -Be @($Sets | Sort-Object)
        ($command.ParameterSets | Where-Object IsDefault).Name | Should -Be $Sets[0]
    }

    It '-ComputerName: aliases CN and HostName, completed from ssh_config, mandatory <Mandatory>, position <Position>, from the pipeline by value <ByValue>, by property name <ByName>' {
        $parameter = $command.Parameters['ComputerName']
        $parameter.ParameterType | Should -Be ([string[]])
        @($parameter.Aliases | Sort-Object) | Should -Be 'CN', 'HostName'
        ($parameter.Attributes | Where-Object { $_ -is [ArgumentCompleter] }).Type.Name | Should -Be 'ComputerNameCompleter'
        [bool]($parameter.Attributes | Where-Object { $_ -is [AllowNull] }) | Should -Be $AllowNull
        $expectedSet = if ($AllSets) { '__AllParameterSets' } else { 'ComputerName' }
        @($parameter.ParameterSets.Keys) | Should -Be $expectedSet
        $binding = $parameter.ParameterSets[$expectedSet]
        $binding.IsMandatory | Should -Be $Mandatory
        $binding.Position | Should -Be $(if ($Position -eq 'Named') { [int]::MinValue } else { $Position })
        $binding.ValueFromPipeline | Should -Be $ByValue
        $binding.ValueFromPipelineByPropertyName | Should -Be $ByName
    }

    It '-Session: kept sessions, mandatory in its own set (where the cmdlet has one)' {
        if (-not $Session) {
            $command.Parameters.Keys | Should -Not -Contain 'Session'
            return
        }
        $parameter = $command.Parameters['Session']
        $parameter.ParameterType | Should -Be ([WgAdmin.Commands.WgSession[]])
        @($parameter.ParameterSets.Keys) | Should -Be 'Session'
        $parameter.ParameterSets['Session'].IsMandatory | Should -BeTrue
    }

    It 'takes -ThrottleLimit and the connection parameters in every parameter set, none from the pipeline' -ForEach @{ Names = $connectionParameters } {
        foreach ($name in $Names) {
            $parameter = $command.Parameters[$name]
            $parameter | Should -Not -BeNullOrEmpty -Because "$($command.Name) takes -$name"
            @($parameter.ParameterSets.Keys) | Should -Be '__AllParameterSets' -Because "-$name is in every parameter set"
            $parameter.ParameterSets['__AllParameterSets'].ValueFromPipelineByPropertyName | Should -BeFalse
        }
    }
}

Describe 'Binding -ComputerName' {
    It 'binds by property name from the pipeline, and by its aliases' {
        $ErrorActionPreference = 'Continue'
        foreach ($call in @(
                { [pscustomobject]@{ ComputerName = 'bad host' } | Get-WgInterface }
                { [pscustomobject]@{ CN = 'bad host' } | Remove-WgInterface -Name wg0 -Confirm:$false }
                { Test-WgTunnel -HostName 'bad host' }
                { 'bad host' | Remove-WgLanRoute })) {
            $failed = @(& $call 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
            $failed.Count | Should -Be 1 -Because "$call binds the name"
            $failed[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.InvalidComputerName,*'
        }
    }

    It 'Test-WgTunnel takes a null -ComputerName, positionally, and says there is no host' {
        $failed = $null
        Test-WgTunnel $null -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'WgAdmin.InvalidComputerName,WgAdmin.Commands.TestWgTunnelCommand'
    }

    It 'Set-WgLanRoute does not take the LAN hosts from the interfaces it is piped (their ComputerName is the gateway)' {
        $interfaces = @(
            New-WgSite -Name site-a -ComputerName gw-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1
            New-WgSite -Name site-b -ComputerName gw-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24
        $command = Get-Command Set-WgLanRoute
        $command.Parameters['ComputerName'].ParameterSets['ComputerName'].ValueFromPipelineByPropertyName | Should -BeFalse
        (Get-WgLanRoute -Topology $interfaces).Count | Should -Be 2
    }
}

Describe '<Name> works on a host named twice once' -ForEach $calls {
    It 'gives one error for an invalid name given twice in two spellings' {
        $run = Invoke-InRunspace $Call @(@('bad host', 'BAD HOST'), @{ KnownHostsPath = $knownHosts })
        @($run.Errors).Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.InvalidComputerName,*'
    }

    It 'connects once to a host named in two spellings, and once more to the same host by an ssh_config alias' {
        $config = Join-Path $TestDrive "ssh_config-$Name"
        Set-Content $config "Host gw-alias`n    HostName LOCALHOST`n    Port 1"
        $run = Invoke-InRunspace $Call @(@('localhost:1', 'LOCALHOST:1', 'gw-alias'), @{ KnownHostsPath = $knownHosts; SshConfigPath = $config; ConnectTimeoutSeconds = 5 })
        @($run.Errors).Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.ConnectionFailed,*'
        "$($run.Errors[0])" | Should -BeLike '*localhost*'
    }

    It 'names the jump host that failed (-JumpHost, a refused hop), for every gateway behind it' {
        $run = Invoke-InRunspace $Call @(@('gw-one', 'gw-two'), @{ KnownHostsPath = $knownHosts; JumpHost = 'ops@localhost:1'; ConnectTimeoutSeconds = 5 })
        @($run.Errors).Count | Should -Be 2
        foreach ($failed in $run.Errors) {
            $failed.FullyQualifiedErrorId | Should -BeLike 'WgAdmin.JumpHostFailed,*'
            "$failed" | Should -BeLike '*the jump host ops@`[localhost`]:1 failed*'
        }
    }

    It 'refuses a bad -JumpHost or a ProxyJump loop, quoting it' {
        $config = Join-Path $TestDrive "ssh_config-loop-$Name"
        Set-Content $config "Host *`n    ProxyJump bastion"
        $run = Invoke-InRunspace $Call @(@('gw-one'), @{ KnownHostsPath = $knownHosts; JumpHost = 'a,,b' })
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.InvalidJumpHost,*'
        "$($run.Errors[0])" | Should -BeLike "*'a,,b'*"
        $run = Invoke-InRunspace $Call @(@('gw-one'), @{ KnownHostsPath = $knownHosts; SshConfigPath = $config })
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'WgAdmin.InvalidJumpHost,*'
        "$($run.Errors[0])" | Should -BeLike '*Host `* !bastion*'
    }

    It 'shows progress for the hosts it works on' {
        $run = Invoke-InRunspace $Call @(@('localhost:1'), @{ KnownHostsPath = $knownHosts; ConnectTimeoutSeconds = 5 })
        @($run.Progress.StatusDescription -like '1 of 1 hosts done (last: localhost:1*') | Should -Not -BeNullOrEmpty -Because 'each host done is reported'
        $run.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'stops at once when stopped while connecting to a host that never answers (-ConnectTimeoutSeconds 120)' {
        $silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$modulePath'; $helpers; & { $Call } @args").AddArgument(@("127.0.0.1:$($silent.LocalEndpoint.Port)")).AddArgument(@{ KnownHostsPath = $knownHosts; ConnectTimeoutSeconds = 120 })
            $async = $ps.BeginInvoke()
            # Stopped only once it is connecting: the connection waits in the listener's backlog.
            $waited = [Diagnostics.Stopwatch]::StartNew()
            while (-not $silent.Pending() -and $waited.Elapsed.TotalSeconds -lt 30) { Start-Sleep -Milliseconds 50 }
            $silent.Pending() | Should -BeTrue -Because 'the command connects before it is stopped'
            Start-Sleep -Milliseconds 300
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 5
            $async.IsCompleted | Should -BeTrue
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $ps.Dispose()
            $silent.Stop()
        }
    }
}

Describe 'A host named twice with two different things to do' {
    It 'warns and applies only the first (two different interfaces wg0 for one gateway)' {
        $run = Invoke-InRunspace { param($Hosts, $Options) @(New-TestInterface; New-TestInterface) | Set-WgInterface -ComputerName $Hosts @Options -Confirm:$false } @(@('localhost:1'), @{ KnownHostsPath = $knownHosts; ConnectTimeoutSeconds = 5 })
        @($run.Errors).Count | Should -Be 1
        @($run.Output).Count | Should -Be 1
        $run.Warnings[0].Message | Should -BeLike 'localhost:1 (*localhost*:1) is given twice for wg0; only the first is used.'
    }

    It 'works on one host for each of two interfaces (Test-WgTunnel -Name by property name)' {
        $run = Invoke-InRunspace { param($Hosts, $Options) @([pscustomobject]@{ ComputerName = $Hosts; Name = 'wg0' }; [pscustomobject]@{ ComputerName = $Hosts; Name = 'wg1' }; [pscustomobject]@{ ComputerName = $Hosts; Name = 'wg0' }) | Test-WgTunnel @Options } @('localhost:1', @{ KnownHostsPath = $knownHosts; ConnectTimeoutSeconds = 5 })
        @($run.Errors).Count | Should -Be 2
        @($run.Output.InterfaceName | Sort-Object) | Should -Be 'wg0', 'wg1'
        $run.Warnings | Should -BeNullOrEmpty
    }
}

Describe 'A connection default in $PSDefaultParameterValues' {
    It 'leaves local use alone in a non-interactive session: no prompt, no failure; a remote call honours it' {
        $config = Join-Path $TestDrive 'absent_ssh_config'
        $result = Invoke-FreshPwsh -ArgumentList $modulePath, $config -Script @'
param($ModulePath, $Config)
Import-Module $ModulePath
$PSDefaultParameterValues['*-Wg*:SshConfigPath'] = $Config
$PSDefaultParameterValues['*-Wg*:ConnectTimeoutSeconds'] = 5
$PSDefaultParameterValues['*-Wg*:ThrottleLimit'] = 4
$keys = @(New-WgKeyPair -Count 2)
$local = @(Get-WgInterface -Name 'wgadmin-none-*' -WarningAction SilentlyContinue)
$routes = @(@(
    New-WgSite -Name site-a -Endpoint 198.51.100.10:10086 -LanPrefix 10.11.7.0/24 -LanAddress 10.11.7.1
    New-WgSite -Name site-b -Endpoint 198.51.100.20:10086 -LanPrefix 172.19.16.0/20 -LanAddress 172.19.16.7
) | New-WgTopology -TunnelPrefix 10.0.0.0/24 | Get-WgLanRoute)
$remote = $null
Get-WgInterface -ComputerName localhost:1 -ErrorVariable remote -ErrorAction SilentlyContinue
[pscustomobject]@{ Keys = $keys.Count; Local = $local.Count; Routes = $routes.Count; Remote = "$($remote[0].FullyQualifiedErrorId)" }
'@
        $result.Keys | Should -Be 2
        $result.Local | Should -Be 0
        $result.Routes | Should -Be 2
        $result.Remote | Should -Be 'WgAdmin.SshConfigError,WgAdmin.Commands.GetWgInterfaceCommand'
    }
}

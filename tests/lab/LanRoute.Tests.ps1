#Requires -Version 7.4
# Routes for LAN hosts (Get-WgLanRoute, Set-WgLanRoute, Remove-WgLanRoute) and topology files, on the lab's sites l and m
# (interface wg3, port 10088; docs/lab.md "Who uses which site"). The LAN host that gets the
# routes is a booted Debian machine with sshd on site l's LAN (Start-WgLabLanMachine), whose
# default route is the NAT router, not the gateway: without the routes nothing crosses.

BeforeDiscovery {
    $script:labReady = $env:WGADMIN_LAB_OUTPUT -and (Test-Path (Join-Path $env:WGADMIN_LAB_OUTPUT 'lab.json'))
}

Describe 'LAN routes and topology files on the lab' -Tag 'Lab' -Skip:(-not $script:labReady) {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'LabSuite.ps1')   # WgAdmin, WgLab, $lab, $ssh, Invoke-Gateway, Test-Ping, Wait-Until
        $script:siteL = $lab.sites | Where-Object name -EQ 'l'
        $script:siteM = $lab.sites | Where-Object name -EQ 'm'
        $script:gwL = $lab.hosts | Where-Object name -EQ $siteL.gateway
        $script:gwM = $lab.hosts | Where-Object name -EQ $siteM.gateway
        $script:hostM = $lab.hosts | Where-Object name -EQ $siteM.lanHosts[0]
        $script:work = Join-Path $env:WGADMIN_LAB_OUTPUT 'lanroute'
        New-Item -ItemType Directory -Force $work | Out-Null

        # Runs a command on the LAN machine over plain ssh (not through WgAdmin).
        function Invoke-LanMachine([string] $Command) {
            $output = ssh -F $lab.sshConfig $vm.sshAlias $Command 2>&1
            if ($LASTEXITCODE -ne 0) { throw "ssh $($vm.sshAlias) '$Command' failed ($LASTEXITCODE): $output" }
            $output
        }

        function Test-LanMachinePing([string] $Target, [int] $Count = 3) {
            $null = ssh -F $lab.sshConfig $vm.sshAlias "ping -c $Count -W 2 -q $Target" 2>&1
            $LASTEXITCODE -eq 0
        }

        $script:vm = Start-WgLabLanMachine -Site l
        $script:sites = @(
            New-WgKeyPair -ComputerName $gwL.name -InterfaceName wg3 @ssh -InstallPackage |
                New-WgSite -Name site-l -Endpoint "$($siteL.publicAddress):10088" -LanPrefix $siteL.lanPrefix -LanAddress $gwL.lanAddress
            New-WgKeyPair -ComputerName $gwM.name -InterfaceName wg3 @ssh -InstallPackage |
                New-WgSite -Name site-m -Endpoint "$($siteM.publicAddress):10088" -LanPrefix $siteM.lanPrefix -LanAddress $gwM.lanAddress
        )
        $script:topology = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -InterfaceName wg3 -AsTopology
        $script:applied = $topology.Interfaces | Set-WgInterface @ssh -EnableForwarding
    }

    AfterAll {
        if ($script:hostM) { $null = ip netns exec $hostM.namespace ip route del $siteL.lanPrefix 2>&1 }
        Remove-WgInterface -ComputerName $gwL.name, $gwM.name -Name wg3 -RemoveKey @ssh -Confirm:$false -ErrorAction Continue | Out-Null
        Stop-WgLabLanMachine -Site l
    }

    It 'brings l and m up from the topology object' {
        @($applied).Count | Should -Be 2
        @($applied | Where-Object Error).Count | Should -Be 0
        $topology.Interfaces.Count | Should -Be 2
    }

    It 'gives each site the far LAN via its gateway, as objects and ip route commands' {
        $routes = @(Get-WgLanRoute -Topology $topology)
        $routes.Count | Should -Be 2
        $l = $routes | Where-Object Site -EQ 'site-l'
        $l.Destination | Should -Be $siteM.lanPrefix
        $l.Gateway | Should -Be $gwL.lanAddress
        $l.Command | Should -BeExactly "ip route replace $($siteM.lanPrefix) via $($gwL.lanAddress)"
        $l.Note | Should -BeNullOrEmpty
        ($routes | Where-Object Site -EQ 'site-m').Command | Should -BeExactly "ip route replace $($siteL.lanPrefix) via $($gwM.lanAddress)"
        ($routes | ConvertTo-Json | ConvertFrom-Json).Destination | Should -Be $routes.Destination
    }

    It 'does not reach site m from the LAN machine before the routes are set' {
        Test-LanMachinePing $hostM.lanAddress 1 | Should -BeFalse
    }

    It 'sets the routes on the LAN machine over SSH, now and persisted; the far LAN answers across the tunnel' {
        # Site m's LAN host is a bare namespace: it gets its route from the command Get-WgLanRoute prints.
        $back = Get-WgLanRoute -Topology $topology -Site site-m
        $null = ip netns exec $hostM.namespace sh -c $back.Command
        $LASTEXITCODE | Should -Be 0

        $result = Set-WgLanRoute -Topology $topology -Site site-l -ComputerName $vm.sshAlias @ssh
        $result.Error | Should -BeNullOrEmpty
        $result.Changed | Should -BeTrue
        $result.Routes | Should -Be "$($siteM.lanPrefix) via $($gwL.lanAddress)"
        $result.Actions | Should -Contain "add $($siteM.lanPrefix) via $($gwL.lanAddress)"
        Invoke-LanMachine "ip route show exact $($siteM.lanPrefix)" | Should -Match "via $([regex]::Escape($gwL.lanAddress)) "
        Invoke-LanMachine 'cat /etc/wgadmin/lan-routes' | Should -Be "$($siteM.lanPrefix) via $($gwL.lanAddress)"
        Invoke-LanMachine 'systemctl is-enabled wgadmin-lan-routes.service' | Should -Be 'enabled'
        Wait-Until { Test-LanMachinePing $hostM.lanAddress 1 } -TimeoutSec 30 -What "a ping from $($vm.name) to $($hostM.lanAddress) across wg3"
        Test-LanMachinePing $hostM.lanAddress 3 | Should -BeTrue
        Invoke-LanMachine "ip route get $($hostM.lanAddress)" | Out-String | Should -Match "via $([regex]::Escape($gwL.lanAddress)) "
    }

    It 'changes nothing when applied again' {
        $before = Invoke-LanMachine 'stat -c %Y /etc/wgadmin/lan-routes /etc/systemd/system/wgadmin-lan-routes.service'
        $again = Set-WgLanRoute -Topology $topology -Site site-l -ComputerName $vm.sshAlias @ssh
        $again.Error | Should -BeNullOrEmpty
        $again.Changed | Should -BeFalse
        $again.Actions | Should -BeNullOrEmpty
        Invoke-LanMachine 'stat -c %Y /etc/wgadmin/lan-routes /etc/systemd/system/wgadmin-lan-routes.service' | Should -Be $before
    }

    It 'reads the gateway''s LAN address from the gateway for a site without -LanAddress, and sets the same route' {
        # Site l again, without -LanAddress but with its gateway (and the key made there).
        $unaddressed = @(
            New-WgSite -Name site-l -ComputerName $gwL.name -Endpoint "$($siteL.publicAddress):10088" -LanPrefix $siteL.lanPrefix -PublicKey $sites[0].PublicKey
            $sites[1]
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -InterfaceName wg3
        # Listed, the route has no next hop; set, it gets the one the gateway has in its LAN.
        (Get-WgLanRoute -Topology $unaddressed -Site site-l 3>$null).Command | Should -BeNullOrEmpty
        $said = $unaddressed | Set-WgLanRoute -Site site-l -ComputerName $vm.sshAlias @ssh -Verbose 4>&1
        $result = $said | Where-Object { $_ -is [WgAdmin.Remote.WgLanRouteResult] }
        $verbose = "$($said | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })"
        $verbose | Should -Match "via the address of $([regex]::Escape($gwL.name)) in $([regex]::Escape($siteL.lanPrefix))"
        $verbose | Should -Match "the address of $([regex]::Escape($gwL.name)) in its LAN is $([regex]::Escape($gwL.lanAddress))"
        $result.Error | Should -BeNullOrEmpty
        $result.Routes | Should -Be "$($siteM.lanPrefix) via $($gwL.lanAddress)"
        # The same route as with -LanAddress: nothing to change.
        $result.Changed | Should -BeFalse
        Invoke-LanMachine 'cat /etc/wgadmin/lan-routes' | Should -Be "$($siteM.lanPrefix) via $($gwL.lanAddress)"
    }

    It 'refuses a site without -LanAddress whose gateway has no address in its LAN, and changes no LAN host' {
        $before = Invoke-LanMachine 'stat -c %Y /etc/wgadmin/lan-routes'
        # Site l's gateway, with a LAN prefix it has no address in.
        $elsewhere = @(
            New-WgSite -Name site-l -ComputerName $gwL.name -Endpoint "$($siteL.publicAddress):10088" -LanPrefix 10.199.77.0/24 -PublicKey $sites[0].PublicKey
            $sites[1]
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -InterfaceName wg3 -AsTopology
        $caught = $null
        try { Set-WgLanRoute -Topology $elsewhere -Site site-l -ComputerName $vm.sshAlias @ssh -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.LanAddressUnknown,WgAdmin.Commands.SetWgLanRouteCommand'
        $caught.Exception.Message | Should -BeLike "*$($gwL.name) has no address in 10.199.77.0/24*"
        Invoke-LanMachine 'stat -c %Y /etc/wgadmin/lan-routes' | Should -Be $before
    }

    It 'changes nothing with -WhatIf' {
        $none = Remove-WgLanRoute -ComputerName $vm.sshAlias @ssh -WhatIf
        $none | Should -BeNullOrEmpty
        Invoke-LanMachine "ip route show exact $($siteM.lanPrefix)" | Should -Match 'via'
    }

    It 'has the routes back after a reboot' {
        Restart-WgLabLanMachine -Site l
        Wait-Until { (Invoke-LanMachine "ip route show exact $($siteM.lanPrefix)") -match 'via' } -TimeoutSec 30 -What 'the route after the reboot'
        Invoke-LanMachine 'systemctl is-active wgadmin-lan-routes.service' | Should -Be 'active'
        Wait-Until { Test-LanMachinePing $hostM.lanAddress 1 } -TimeoutSec 30 -What 'a ping across the tunnel after the reboot'
    }

    It 'removes a route no longer wanted, and everything with -Remove' {
        # The far LAN leaves the topology: re-applying deletes its route.
        $alone = New-WgTopology -Site @($sites[0]) -TunnelPrefix 10.0.0.0/24 -InterfaceName wg3 -AsTopology
        $shrunk = Set-WgLanRoute -Topology $alone -Site site-l -ComputerName $vm.sshAlias @ssh
        $shrunk.Error | Should -BeNullOrEmpty
        $shrunk.Actions | Should -Contain "delete $($siteM.lanPrefix) via $($gwL.lanAddress)"
        Invoke-LanMachine "ip route show exact $($siteM.lanPrefix)" | Should -BeNullOrEmpty
        Test-LanMachinePing $hostM.lanAddress 1 | Should -BeFalse

        $null = Set-WgLanRoute -Topology $topology -Site site-l -ComputerName $vm.sshAlias @ssh
        $removed = Remove-WgLanRoute -ComputerName $vm.sshAlias @ssh -Confirm:$false
        $removed.Error | Should -BeNullOrEmpty
        $removed.Actions | Should -Contain "delete $($siteM.lanPrefix) via $($gwL.lanAddress)"
        Invoke-LanMachine "ip route show exact $($siteM.lanPrefix); ls /etc/wgadmin /etc/systemd/system/wgadmin-lan-routes.service /usr/local/sbin/wgadmin-lan-routes 2>/dev/null | wc -l" | Should -Be '0'
        (Remove-WgLanRoute -ComputerName $vm.sshAlias @ssh -Confirm:$false).Changed | Should -BeFalse
    }

    It 're-applies an exported and imported topology without a change (no secrets in the file)' {
        $file = Join-Path $work 'l-m.topology'
        $topology | Export-WgTopology -Path $file -Force
        Get-Content -Raw $file | Should -Not -Match '(?m)^PrivateKey'
        $results = Import-WgTopology $file | Set-WgInterface @ssh -EnableForwarding
        @($results).Count | Should -Be 2
        @($results | Where-Object Error).Count | Should -Be 0
        $results.Changed | Should -Not -Contain $true
    }

    It 're-applies a topology exported with -IncludeSecret and made with preshared keys without a change' {
        $withPsk = $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -InterfaceName wg3 -PresharedKeys -AsTopology
        $first = $withPsk.Interfaces | Set-WgInterface @ssh
        @($first | Where-Object Error).Count | Should -Be 0
        $file = Join-Path $work 'l-m-secret.topology'
        $withPsk | Export-WgTopology -Path $file -IncludeSecret -Force
        (Get-Item $file).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        $again = Import-WgTopology $file | Set-WgInterface @ssh
        @($again | Where-Object Error).Count | Should -Be 0
        $again.Changed | Should -Not -Contain $true

        # The same topology without secrets is refused, rather than dropping the preshared keys.
        $public = Join-Path $work 'l-m-public.topology'
        $withPsk | Export-WgTopology -Path $public -Force
        $imported = Import-WgTopology $public -ErrorVariable failed -ErrorAction SilentlyContinue
        $imported | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeExactly 'WgAdmin.SecretNotInFile,WgAdmin.Commands.ImportWgTopologyCommand'
        (Get-WgInterface -ComputerName $gwL.name -Name wg3 @ssh).Peers[0].HasPresharedKey | Should -BeTrue
    }

    It 're-applies a file without secrets for keys generated here: the gateways keep the key of their config' {
        Remove-WgInterface -ComputerName $gwL.name, $gwM.name -Name wg3 -RemoveKey @ssh -Confirm:$false | Out-Null
        $local = @(
            New-WgSite -Name site-l -ComputerName $gwL.name -Endpoint "$($siteL.publicAddress):10088" -LanPrefix $siteL.lanPrefix -LanAddress $gwL.lanAddress
            New-WgSite -Name site-m -ComputerName $gwM.name -Endpoint "$($siteM.publicAddress):10088" -LanPrefix $siteM.lanPrefix -LanAddress $gwM.lanAddress
        ) | New-WgTopology -TunnelPrefix 10.0.0.0/24 -InterfaceName wg3 -AsTopology
        @($local.Interfaces | Set-WgInterface @ssh | Where-Object Error).Count | Should -Be 0
        $file = Join-Path $work 'l-m-local.topology'
        $local | Export-WgTopology -Path $file -Force
        foreach ($config in $local.Interfaces) { Get-Content -Raw $file | Should -Not -Match ([regex]::Escape($config.PrivateKey.Reveal())) }

        $same = Import-WgTopology $file | Set-WgInterface @ssh
        @($same | Where-Object Error).Count | Should -Be 0
        $same.Changed | Should -Not -Contain $true

        # A changed file rewrites both configs, each with the gateway's own key from its old config.
        (Get-Content -Raw $file).Replace('BehindNat = true', 'BehindNat = false') | Set-Content $file
        $changed = Import-WgTopology $file | Set-WgInterface @ssh
        @($changed | Where-Object Error).Count | Should -Be 0
        $changed.Changed | Should -Not -Contain $false
        (Get-WgInterface -ComputerName $gwL.name -Name wg3 @ssh).PublicKey | Should -Be $local.Interfaces[0].PublicKey
        (Get-WgInterface -ComputerName $gwM.name -Name wg3 @ssh).PublicKey | Should -Be $local.Interfaces[1].PublicKey
        (Import-WgTopology $file | Set-WgInterface @ssh).Changed | Should -Not -Contain $true
    }
}


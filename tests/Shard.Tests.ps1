# The sharding recipe (docs/examples/shard-fleet.ps1, docs/performance.md "A fleet past one
# station"): a topology applied in shards, each a PowerShell job, gives every gateway the
# interface the unsharded run gives it, each gateway in exactly one shard. The jobs run with
# -PlanOnly, so no host is needed: what a shard would hand Set-WgInterface is what is compared.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $recipe = Join-Path $PSScriptRoot '../docs/examples/shard-fleet.ps1'
    $modulePath = Get-TestModulePath

    # A hub and Count spokes, each with its gateway and LAN; secrets included, as an admin's file would be.
    function New-FleetFile([string] $Path, [string] $Shape, [int] $Count) {
        $names = if ($Shape -eq 'HubAndSpoke') { @('hub') + @(1..$Count | ForEach-Object { 'spoke-{0:D3}' -f $_ }) } else { @(1..$Count | ForEach-Object { 'site-{0:D3}' -f $_ }) }
        $sites = for ($i = 0; $i -lt $names.Count; $i++) {
            New-WgSite -Name $names[$i] -ComputerName "gw-$($names[$i])" -Endpoint "198.51.100.$($i + 1):51820" -LanPrefix "10.$(100 + $i).0.0/24" -LanAddress "10.$(100 + $i).0.1"
        }
        $hub = if ($Shape -eq 'HubAndSpoke') { @{ Hub = 'hub' } } else { @{} }
        $sites | New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape $Shape @hub -PresharedKeys -AsTopology | Export-WgTopology -Path $Path -IncludeSecret -ErrorAction Stop
    }

    # What the unsharded run hands Set-WgInterface: by gateway, each interface's configuration (no secrets).
    function Get-UnshardedPlan([string] $Path) {
        $plan = @{}
        foreach ($interface in Import-WgTopology $Path) { $plan[$interface.ComputerName] = $interface | ConvertTo-WgConfig }
        $plan
    }

    # Runs the recipe from the repository root: Start-Job starts pwsh the way this one was started
    # (the repository's dotnet tool is found from there).
    function Invoke-Recipe([hashtable] $Parameters) {
        Push-Location (Join-Path $PSScriptRoot '..')
        try { @(& $recipe -ModulePath $modulePath -PlanOnly @Parameters) }
        finally { Pop-Location }
    }
}

Describe 'Sharding a fleet across job runners' {
    It 'gives every gateway of a hub and 9 spokes the unsharded interface, each in one of two shards run as jobs, the hub with every spoke' {
        $file = Join-Path $TestDrive 'hub.wgtopology'
        New-FleetFile $file HubAndSpoke 9
        $unsharded = Get-UnshardedPlan $file

        $plans = Invoke-Recipe @{ TopologyPath = $file; ShardCount = 2 }

        $plans.Count | Should -Be 10
        @($plans.Shard | Sort-Object -Unique) | Should -Be @(0, 1)
        @($plans.ComputerName | Sort-Object -Unique).Count | Should -Be 10 -Because 'each gateway is in exactly one shard'
        foreach ($plan in $plans) {
            $plan.Config | Should -BeExactly $unsharded[$plan.ComputerName] -Because "$($plan.ComputerName) gets what the unsharded run gives it"
        }
        $hub = @($plans | Where-Object ComputerName -EQ 'gw-hub')
        $hub.Count | Should -Be 1
        ([regex]::Matches($hub[0].Config, '(?m)^\[Peer\]')).Count | Should -Be 9 -Because 'the hub keeps the spokes of both shards'
        # A spoke of either shard routes the LANs of the other shard's spokes through the hub.
        foreach ($shard in 0, 1) {
            $spoke = $plans | Where-Object { $_.Shard -eq $shard -and $_.ComputerName -ne 'gw-hub' } | Select-Object -First 1
            $other = $plans | Where-Object { $_.Shard -ne $shard -and $_.ComputerName -ne 'gw-hub' } | Select-Object -First 1
            $otherLan = '10.{0}.0.0/24' -f (100 + [int]($other.ComputerName -replace '^gw-spoke-', ''))
            $spoke.Config | Should -Match ([regex]::Escape($otherLan))
        }
        $plans.Config | Should -Not -Match 'PrivateKey = [A-Za-z0-9+/]{43}=' -Because 'the plans carry no secret'
    }

    It 'splits the same way on every runner: each -ShardIndex run alone gives its share, and the shares are the whole mesh' {
        $file = Join-Path $TestDrive 'mesh.wgtopology'
        New-FleetFile $file Mesh 7
        $unsharded = Get-UnshardedPlan $file

        $shares = foreach ($index in 0, 1, 2) { , (Invoke-Recipe @{ TopologyPath = $file; ShardCount = 3; ShardIndex = $index }) }
        $together = Invoke-Recipe @{ TopologyPath = $file; ShardCount = 3 }

        @($shares | ForEach-Object { $_.Count }) | Should -Be @(3, 2, 2)
        $all = @($shares | ForEach-Object { $_ })
        @($all.ComputerName | Sort-Object) | Should -Be @($unsharded.Keys | Sort-Object)
        foreach ($plan in $all) { $plan.Config | Should -BeExactly $unsharded[$plan.ComputerName] }
        @($together | Sort-Object ComputerName | ForEach-Object { "$($_.Shard) $($_.ComputerName)" }) |
            Should -Be @($all | Sort-Object ComputerName | ForEach-Object { "$($_.Shard) $($_.ComputerName)" })
    }

    It 'is why a file per shard holding only its share would be wrong: the hub would lose the other shards'' spokes' {
        $file = Join-Path $TestDrive 'hub-of-4.wgtopology'
        New-FleetFile $file HubAndSpoke 4
        $topology = Import-WgTopology $file -AsTopology
        $unsharded = Get-UnshardedPlan $file
        $half = Join-Path $TestDrive 'half.wgtopology'
        $topology.Sites | Where-Object Name -In 'hub', 'spoke-001', 'spoke-002' |
            New-WgTopology -TunnelPrefix 10.0.0.0/24 -Shape HubAndSpoke -Hub hub -AsTopology | Export-WgTopology -Path $half

        $cut = Get-UnshardedPlan $half

        ([regex]::Matches($cut['gw-hub'], '(?m)^\[Peer\]')).Count | Should -Be 2
        $cut['gw-hub'] | Should -Not -BeExactly $unsharded['gw-hub']
        $cut['gw-spoke-001'] | Should -Not -Match '10\.103\.0\.0/24' -Because "spoke-003's LAN is missing from the cut file's spoke"
        $unsharded['gw-spoke-001'] | Should -Match '10\.103\.0\.0/24'
    }

    It 'refuses a shard index outside the count, and a topology whose sites have no gateway' {
        $file = Join-Path $TestDrive 'nameless.wgtopology'
        New-WgSite -Name a -Endpoint 198.51.100.1:51820 -LanPrefix 10.100.0.0/24 | New-WgTopology -TunnelPrefix 10.0.0.0/24 -AsTopology | Export-WgTopology -Path $file

        { Invoke-Recipe @{ TopologyPath = $file; ShardCount = 2; ShardIndex = 2 } } | Should -Throw '*-ShardIndex 2 is not a shard of 2*'
        { Invoke-Recipe @{ TopologyPath = $file; ShardCount = 1; ShardIndex = 0 } } | Should -Throw '*have no ComputerName*'
    }
}

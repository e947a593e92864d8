# Shared by the lab suites (tests/lab/*.Tests.ps1, run in the lab's ops namespace with
# WGADMIN_LAB_OUTPUT set): dot-source it in BeforeAll. It dot-sources tests/TestHelpers.ps1,
# imports WgAdmin (Import-TestModule) and WgLab, reads lab.json into $lab and the SSH settings
# into $ssh, and defines the helpers below.

. (Join-Path $PSScriptRoot '../TestHelpers.ps1')
Import-TestModule
Import-Module (Join-Path $PSScriptRoot 'WgLab.psm1') -Force
$lab = Get-WgLab -OutputPath $env:WGADMIN_LAB_OUTPUT
$ssh = @{ SshConfigPath = $lab.sshConfig }

# Runs a shell command inside a gateway's container (not over SSH: nothing reaches its command log).
function Invoke-Gateway([string] $Gateway, [string] $Script) {
    Invoke-WgLabCommand -Machine $Gateway -Command bash, -c, $Script -ErrorAction Stop
}

function Test-Ping([string] $Namespace, [string] $Target, [int] $Count = 3) {
    $null = ip netns exec $Namespace ping -c $Count -W 2 -q $Target 2>&1
    $LASTEXITCODE -eq 0
}

function Wait-Until([scriptblock] $Condition, [int] $TimeoutSec = 60, [string] $What = 'condition') {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (& $Condition) { return }
        Start-Sleep -Milliseconds 250
    }
    throw "Timed out after $TimeoutSec s waiting for $What."
}

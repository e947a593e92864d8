<#
.SYNOPSIS
    Runs Pester on some test files and writes a summary (passed, failed, skipped) as JSON.
    build.ps1 starts it in a fresh pwsh, so the module under test loads from out/WgAdmin and
    nothing lingers between runs; lab tests run it inside the lab's ops namespace.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string[]] $Path,
    [string[]] $ExcludePath = @(),
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [Parameter(Mandatory)] [string] $ResultsPath
)
$ErrorActionPreference = 'Stop'
# Lists arrive as one comma-separated argument through pwsh -File.
$Path = $Path -split ','
# Folders are passed without wildcards (pwsh would expand them on the way); match what is under them.
$ExcludePath = $ExcludePath -split ',' | Where-Object { $_ } | ForEach-Object { if (Test-Path -PathType Container $_) { Join-Path $_ '*' } else { $_ } }
Import-Module $PesterPath -MinimumVersion 5.7.1
$env:WGADMIN_MODULE_PATH = $ModulePath
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.ExcludePath = $ExcludePath
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputPath = $ResultsPath
$result = Invoke-Pester -Configuration $configuration
@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content $SummaryPath

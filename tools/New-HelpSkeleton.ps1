<#
.SYNOPSIS
    Writes docs/en-US/<Cmdlet>.md skeletons for the module's cmdlets that have no page yet
    (build.ps1 -Task HelpSkeleton). Existing pages are never touched.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'HelpCompiler/HelpCompiler.psm1')
$module = Import-Module $ModulePath -PassThru
foreach ($command in Get-Command -Module $module.Name -CommandType Cmdlet, Function) {
    $page = Join-Path $OutputPath "$($command.Name).md"
    if (Test-Path $page) { continue }
    New-WgHelpSkeleton -Command $command | Set-Content -NoNewline -Path $page
    Write-Host "Wrote ${page}: fill in every '{{ ... }}' placeholder."
}

<#
.SYNOPSIS
    WgAdmin's help compiler: platyPS-style markdown (docs/en-US) to the MAML file and the about
    topic PowerShell reads offline. platyPS is not available here, so this is the small part of
    it WgAdmin needs: a strict reader of the markdown format (errors name the file and line), a
    MAML writer, a writer of about_*.help.txt, and a skeleton maker for a new cmdlet's page.
#>
Set-StrictMode -Version Latest

# One file per job; the reader and the about topic share Markdown.ps1, the checks and the
# skeleton share Metadata.ps1.
foreach ($part in 'Markdown', 'Reader', 'MamlWriter', 'AboutTopic', 'Metadata', 'Skeleton', 'Checks') {
    . (Join-Path $PSScriptRoot "$part.ps1")
}

<#
.SYNOPSIS
    Compiles a folder of help pages: every <Verb-Noun>.md into the MAML file its front matter names
    (WgAdmin.dll-Help.xml), every about_*.md into about_*.help.txt, in -DestinationPath.
#>
function Build-WgHelp {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $SourcePath,
        [Parameter(Mandatory)] [string] $DestinationPath
    )
    New-Item -ItemType Directory -Force $DestinationPath | Out-Null
    $pages = @(Get-ChildItem -LiteralPath $SourcePath -Filter '*.md' | Where-Object Name -NotLike 'about_*' | Sort-Object Name)
    $commands = @($pages | ForEach-Object { Read-WgCommandHelp $_.FullName })
    foreach ($group in $commands | Group-Object HelpFile) {
        $target = Join-Path $DestinationPath $group.Name
        [System.IO.File]::WriteAllText($target, (ConvertTo-WgMaml -Command $group.Group), [System.Text.UTF8Encoding]::new($false))
        Write-Verbose "Wrote $target ($($group.Count) cmdlets)"
    }
    foreach ($about in Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.md') {
        $target = Join-Path $DestinationPath ($about.BaseName + '.help.txt')
        [System.IO.File]::WriteAllText($target, (ConvertTo-WgAboutText $about.FullName), [System.Text.UTF8Encoding]::new($false))
        Write-Verbose "Wrote $target"
    }
    [pscustomobject]@{ Commands = $commands.Count; About = @(Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.md').Count }
}

Export-ModuleMember -Function Read-WgCommandHelp, ConvertTo-WgMaml, ConvertTo-WgAboutText, Build-WgHelp, Get-WgParameterMetadata, New-WgHelpSkeleton, Test-WgCommandHelp

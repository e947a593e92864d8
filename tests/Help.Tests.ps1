# Every cmdlet's help: a page in docs/en-US that agrees with the live command (parameters, yaml,
# parameter sets, outputs), at least two examples that parse, and Get-Help that returns the
# compiled MAML and about_WgAdmin offline from the built module. A new cmdlet without a page, or
# a page that disagrees, fails here with a message naming the file, the line and what to fix
# (build.ps1 -Task HelpSkeleton writes a page's skeleton from the metadata).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $commands = @(Get-Command -Module WgAdmin -CommandType Cmdlet | Sort-Object Name | ForEach-Object { @{ Name = $_.Name } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    Import-Module (Join-Path $PSScriptRoot '../tools/HelpCompiler/HelpCompiler.psm1') -Force
    $docs = Join-Path $PSScriptRoot '../docs/en-US'
    $pages = @(Get-ChildItem $docs -Filter '*.md' | Where-Object Name -NotLike 'about_*')
    $exported = @(Get-Command -Module WgAdmin -CommandType Cmdlet | ForEach-Object Name)
}

Describe 'The help pages and the module' {
    It 'has a page docs/en-US/Verb-Noun.md for every exported cmdlet' {
        $missing = @($exported | Where-Object { $_ -notin $pages.BaseName } | ForEach-Object { "docs/en-US/$_.md is missing (build.ps1 -Task HelpSkeleton writes its skeleton)" })
        $missing | Should -BeNullOrEmpty
    }

    It 'has no page for a cmdlet the module does not export' {
        $orphans = @($pages | Where-Object BaseName -NotIn $exported | ForEach-Object { "docs/en-US/$($_.Name) documents $($_.BaseName), which WgAdmin does not export (add it to CmdletsToExport in WgAdmin.psd1, or remove the page)" })
        $orphans | Should -BeNullOrEmpty
    }

    It 'exports exactly the cmdlets that CmdletsToExport lists' {
        $manifest = Import-PowerShellDataFile (Join-Path $PSScriptRoot '../WgAdmin.psd1')
        @($manifest.CmdletsToExport | Sort-Object) | Should -Be @($exported | Sort-Object)
    }

    It 'ships the compiled help beside the module: en-US/WgAdmin.dll-Help.xml and about_WgAdmin.help.txt' {
        $help = Join-Path (Get-Module WgAdmin).ModuleBase 'en-US'
        Join-Path $help 'WgAdmin.dll-Help.xml' | Should -Exist
        Join-Path $help 'about_WgAdmin.help.txt' | Should -Exist
        $maml = [xml](Get-Content -Raw (Join-Path $help 'WgAdmin.dll-Help.xml'))
        @($maml.helpItems.command.details.name | Sort-Object) | Should -Be @($exported | Sort-Object)
    }
}

Describe 'Help of <Name>' -ForEach $commands {
    BeforeAll {
        $command = Get-Command $Name
        $page = Join-Path $docs "$Name.md"
        $readError = $null
        $help = $null
        $problems = @()
        if (Test-Path $page) {
            try {
                $help = Read-WgCommandHelp $page
                $problems = @(Test-WgCommandHelp -Command $command -Help $help)
            }
            catch { $readError = $_.Exception.Message }
        }
        else { $readError = "docs/en-US/$Name.md is missing (build.ps1 -Task HelpSkeleton writes its skeleton)" }

        # The messages of one kind of problem, so each It names exactly what to fix.
        function Get-Problem([string] $Check) { @($problems | Where-Object Check -EQ $Check | ForEach-Object Message) }
    }

    It 'has a page in the platyPS format that the compiler reads' {
        $readError | Should -BeNullOrEmpty
    }

    It 'has front matter naming the module and its MAML file' {
        Get-Problem FrontMatter | Should -BeNullOrEmpty
    }

    It 'documents every parameter, and no parameter the command does not have' {
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist and be readable first (see 'has a page in the platyPS format')"
        Get-Problem Parameters | Should -BeNullOrEmpty
    }

    It 'has yaml blocks whose Type, Parameter Sets, Aliases, Required, Position and pipeline input match the command' {
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist and be readable first (see 'has a page in the platyPS format')"
        Get-Problem Yaml | Should -BeNullOrEmpty
    }

    It 'has a syntax block for each parameter set, the default marked' {
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist and be readable first (see 'has a page in the platyPS format')"
        Get-Problem Syntax | Should -BeNullOrEmpty
    }

    It 'has at least two examples, each PowerShell that parses, each with a sentence' {
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist and be readable first (see 'has a page in the platyPS format')"
        Get-Problem Examples | Should -BeNullOrEmpty
    }

    It 'names every [OutputType] under OUTPUTS' {
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist and be readable first (see 'has a page in the platyPS format')"
        Get-Problem Outputs | Should -BeNullOrEmpty
    }

    It 'comes back from Get-Help: the compiled synopsis, description and examples' {
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist and be readable first (see 'has a page in the platyPS format')"
        $got = Get-Help $Name -Full
        $got.Synopsis | Should -BeExactly $help.Synopsis -Because "Get-Help $Name must read the compiled en-US/WgAdmin.dll-Help.xml"
        (@($got.description.Text | ForEach-Object { $_.Trim() } | Where-Object { $_ }) -join "`n") | Should -BeExactly ($help.Description -join "`n")
        @($got.examples.example) | Should -HaveCount $help.Examples.Count
        @($got.examples.example)[0].code | Should -BeExactly $help.Examples[0].Code
    }

    It 'comes back from Get-Help -Parameter with a description for every parameter' {
        $help | Should -Not -BeNullOrEmpty -Because "docs/en-US/$Name.md must exist and be readable first (see 'has a page in the platyPS format')"
        $empty = foreach ($parameter in Get-WgParameterMetadata $command) {
            $text = (Get-Help $Name -Parameter $parameter.Name -ErrorAction Ignore).description.Text -join ' '
            if (-not $text.Trim()) { "Get-Help $Name -Parameter $($parameter.Name) has no description" }
        }
        @($empty) | Should -BeNullOrEmpty
    }
}

Describe 'about_WgAdmin' {
    It 'comes back from Get-Help with its sections' {
        $text = Get-Help about_WgAdmin | Out-String
        $text | Should -Match 'TOPIC\s+about_WgAdmin'
        $text | Should -Match 'SHORT DESCRIPTION\s+WgAdmin joins sites with WireGuard from PowerShell'
        foreach ($heading in 'LONG DESCRIPTION', '  Keys', '  SSH trust', '  What each cmdlet changes on a gateway', '  Secrets', 'SEE ALSO') {
            $text | Should -Match "(?m)^$([regex]::Escape($heading))\s*$"
        }
    }

    It 'names what every cmdlet that changes a gateway changes there' {
        $text = Get-Content -Raw (Join-Path $docs 'about_WgAdmin.md')
        $changing = @($exported | Where-Object { (Get-Command $_).Parameters.ContainsKey('ComputerName') -and (Get-Command $_).Parameters.ContainsKey('WhatIf') })
        $changing | Should -Not -BeNullOrEmpty
        $unnamed = @($changing | Where-Object { $text -notmatch "(?m)^- $([regex]::Escape($_))\b" })
        $unnamed | Should -BeNullOrEmpty -Because 'each gateway-changing cmdlet has a "- <Cmdlet>: what it changes" line under "What each cmdlet changes on a gateway"'
    }

    It 'has examples that parse' {
        $blocks = [regex]::Matches((Get-Content -Raw (Join-Path $docs 'about_WgAdmin.md')), '(?ms)^```powershell\r?\n(.*?)^```')
        $blocks.Count | Should -BeGreaterThan 1
        foreach ($block in $blocks) {
            $errors = $null
            [void][System.Management.Automation.Language.Parser]::ParseInput($block.Groups[1].Value, [ref]$null, [ref]$errors)
            @($errors | ForEach-Object Message) | Should -BeNullOrEmpty -Because "this example must parse: $($block.Groups[1].Value)"
        }
    }
}

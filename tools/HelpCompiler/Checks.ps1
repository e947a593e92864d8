# The checks: what a page gets wrong about the live command it documents.

<#
.SYNOPSIS
    What a page read by Read-WgCommandHelp gets wrong about a live command: one object per
    problem (Check: FrontMatter, Syntax, Parameters, Yaml, Examples, Outputs; Message says exactly
    what is missing or differs, with the page's file and line). Nothing means the page agrees.
#>
function Test-WgCommandHelp {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command,
        [Parameter(Mandatory)] $Help
    )
    $file = $Help.File
    $problem = { param($check, $line, $message) [pscustomobject]@{ Check = $check; Message = "${file}:${line}: $message" } }

    if ($Help.Name -ne $Command.Name) { & $problem 'FrontMatter' 1 "the title is '# $($Help.Name)' but the command is $($Command.Name)" }
    if ($Command.ModuleName -and $Help.ModuleName -ne $Command.ModuleName) { & $problem 'FrontMatter' 1 "'Module Name: $($Help.ModuleName)' should be 'Module Name: $($Command.ModuleName)'" }
    if ($Command -is [System.Management.Automation.CmdletInfo]) {
        $expected = "$($Command.ImplementingType.Assembly.GetName().Name).dll-Help.xml"
        if ($Help.HelpFile -ne $expected) { & $problem 'FrontMatter' 1 "'external help file: $($Help.HelpFile)' should be 'external help file: $expected'" }
    }

    # SYNTAX: one block per parameter set, named as the command names them, the default marked.
    $sets = @($Command.ParameterSets)
    $expectedSets = @($sets | ForEach-Object { if ($sets.Count -eq 1) { '__AllParameterSets' } else { $_.Name } })
    foreach ($set in $sets) {
        $name = if ($sets.Count -eq 1) { '__AllParameterSets' } else { $set.Name }
        # One set: a single block without a heading (platyPS), or one headed with the set's name.
        $block = $Help.Syntax | Where-Object { $_.Name -eq $name -or ($sets.Count -eq 1 -and $_.Name -eq $set.Name) } | Select-Object -First 1
        if (-not $block) {
            $heading = if ($sets.Count -eq 1) { 'a single syntax block with no ### heading' } else { "'### $name$(if ($set.IsDefault) { ' (Default)' })'" }
            & $problem 'Syntax' 1 "## SYNTAX has no block for parameter set '$name' (expected $heading)"
        }
        else {
            if ($sets.Count -gt 1 -and $block.IsDefault -ne $set.IsDefault) { & $problem 'Syntax' $block.Line "parameter set '$name' is $(if ($set.IsDefault) { '' } else { 'not ' })the default: the heading should be '### $name$(if ($set.IsDefault) { ' (Default)' })'" }
            $listed = @([regex]::Matches($block.Text, '(?<![\w-])-(\w+)') | ForEach-Object { $_.Groups[1].Value } | Select-Object -Unique)
            $own = @($set.Parameters | ForEach-Object Name | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters })
            foreach ($missing in @($own | Where-Object { $_ -notin $listed })) { & $problem 'Syntax' $block.Line "the syntax of parameter set '$name' does not list -$missing" }
            foreach ($extra in @($listed | Where-Object { $_ -notin $own })) { & $problem 'Syntax' $block.Line "the syntax of parameter set '$name' lists -$extra, which is not in that set" }
        }
    }
    foreach ($block in @($Help.Syntax | Where-Object { $_.Name -notin $expectedSets -and -not ($sets.Count -eq 1 -and $_.Name -eq $sets[0].Name) })) {
        & $problem 'Syntax' $block.Line "## SYNTAX has a block for parameter set '$($block.Name)', which $($Command.Name) does not have (it has: $($expectedSets -join ', '))"
    }

    # PARAMETERS: the same names, and yaml that agrees with the metadata set by set.
    $metadata = @(Get-WgParameterMetadata $Command)
    $documented = @{}
    foreach ($parameter in $Help.Parameters) { $documented[$parameter.Name] = $parameter }
    foreach ($parameter in $metadata) {
        $page = $documented[$parameter.Name]
        if (-not $page) { & $problem 'Parameters' 1 "parameter -$($parameter.Name) of $($Command.Name) is not documented (add '### -$($parameter.Name)' with a description and a yaml block)"; continue }
        if ($page.Name -cne $parameter.Name) { & $problem 'Parameters' $page.Line "'### -$($page.Name)' should be spelled '### -$($parameter.Name)'" }
        foreach ($set in $parameter.Sets) {
            $yaml = Get-YamlForSet $page $set.Set
            if (-not $yaml) { & $problem 'Yaml' $page.Line "-$($parameter.Name): no yaml block has 'Parameter Sets:' naming '$($set.Set)'"; continue }
            $where = "-$($parameter.Name) (parameter set $($set.Set))"
            if ($yaml.Type -notin $parameter.Type, $parameter.FullType) { & $problem 'Yaml' $yaml.Line "${where}: 'Type: $($yaml.Type)' should be 'Type: $($parameter.Type)'" }
            if ($yaml.Required -ne $set.Required) { & $problem 'Yaml' $yaml.Line "${where}: 'Required: $($yaml.Required)' should be 'Required: $($set.Required)'" }
            if ($yaml.Position -ne $set.Position) { & $problem 'Yaml' $yaml.Line "${where}: 'Position: $($yaml.Position)' should be 'Position: $($set.Position)'" }
            $pageFlags = @([regex]::Matches($yaml.'Accept pipeline input', 'ByValue|ByPropertyName') | ForEach-Object Value | Sort-Object) -join ','
            $flags = @([regex]::Matches($set.PipelineInput, 'ByValue|ByPropertyName') | ForEach-Object Value | Sort-Object) -join ','
            if ($pageFlags -ne $flags -or ($yaml.'Accept pipeline input' -match '^True') -ne ($flags -ne '')) {
                & $problem 'Yaml' $yaml.Line "${where}: 'Accept pipeline input: $($yaml.'Accept pipeline input')' should be 'Accept pipeline input: $($set.PipelineInput)'"
            }
        }
        $ownSets = @($parameter.Sets | ForEach-Object Set)
        $ownAliases = @($parameter.Aliases | Sort-Object) -join ', '
        $ownAccepted = @($parameter.AcceptedValues | Sort-Object) -join ', '
        foreach ($yaml in $page.Yaml) {
            $where = "-$($parameter.Name)"
            foreach ($named in @($yaml.'Parameter Sets' -split ',\s*' -replace '^__AllParameterSets$', '(All)' | Where-Object { $_ -and $_ -notin $ownSets })) {
                & $problem 'Yaml' $yaml.Line "${where}: 'Parameter Sets:' names '$named', but the parameter's sets are: $($ownSets -join ', ')"
            }
            $aliases = @($yaml.Aliases -split ',\s*' | Where-Object { $_ -and $_ -ne 'None' } | Sort-Object) -join ', '
            if ($aliases -ne $ownAliases) { & $problem 'Yaml' $yaml.Line "${where}: 'Aliases: $($yaml.Aliases)' should be 'Aliases: $($parameter.Aliases -join ', ')'" }
            if ($yaml.'Accept wildcard characters' -ne "$($parameter.Wildcards)") { & $problem 'Yaml' $yaml.Line "${where}: 'Accept wildcard characters: $($yaml.'Accept wildcard characters')' should be 'Accept wildcard characters: $($parameter.Wildcards)'" }
            $accepted = if ($yaml.PSObject.Properties['Accepted values']) { @($yaml.'Accepted values' -split ',\s*' | Where-Object { $_ } | Sort-Object) -join ', ' } else { '' }
            if ($accepted -ne $ownAccepted) {
                & $problem 'Yaml' $yaml.Line "${where}: 'Accepted values: $accepted' should be $(if ($parameter.AcceptedValues) { "'Accepted values: $($parameter.AcceptedValues -join ', ')'" } else { 'absent' })"
            }
        }
    }
    $names = @($metadata | ForEach-Object Name)
    foreach ($parameter in @($Help.Parameters | Where-Object Name -NotIn $names)) {
        & $problem 'Parameters' $parameter.Line "documents -$($parameter.Name), which $($Command.Name) does not have"
    }

    # EXAMPLES: at least two, each PowerShell that parses.
    if (@($Help.Examples).Count -lt 2) { & $problem 'Examples' 1 "has $(@($Help.Examples).Count) example(s); every cmdlet needs at least 2 ('### Example N: title' with a '``````powershell' block)" }
    foreach ($example in $Help.Examples) {
        $errors = $null
        [void][System.Management.Automation.Language.Parser]::ParseInput($example.Code, [ref]$null, [ref]$errors)
        foreach ($parseError in $errors) {
            & $problem 'Examples' ($example.CodeLine + $parseError.Extent.StartLineNumber) "'$($example.Title)' does not parse: $($parseError.Message)"
        }
        if ($example.Code -match '\{\{' -or ($example.Remarks -join ' ') -match '\{\{' -or $example.Title -match '\{\{') { & $problem 'Examples' $example.Line "'$($example.Title)' still has a '{{ ... }}' placeholder" }
        if (-not $example.Remarks) { & $problem 'Examples' $example.Line "'$($example.Title)' has no sentence saying what it does" }
    }

    # OUTPUTS: every [OutputType] named.
    foreach ($type in $Command.OutputType) {
        if (-not ($Help.Outputs | Where-Object { $_.Name -in $type.Name, $type.Type.FullName, $type.Type.Name })) {
            & $problem 'Outputs' 1 "## OUTPUTS has no '### $($type.Name)', the command's [OutputType]"
        }
    }
}

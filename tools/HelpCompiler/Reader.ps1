# The reader: a cmdlet page (platyPS markdown) to the model the MAML writer and the checks take,
# strictly (the first problem throws, naming the file and line).

# The sections of a cmdlet page, in the order platyPS writes them; all are required.
$script:Sections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
# Sections a page may have besides those, in platyPS 1.0's place for them; they are not compiled.
$script:OptionalSections = @{ 'ALIASES' = 'SYNTAX' }
# The keys of a parameter's yaml block; 'Accepted values' is optional, as in platyPS.
$script:YamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters'
$script:RequiredYamlKeys = $script:YamlKeys | Where-Object { $_ -ne 'Accepted values' }

function Read-FrontMatter {
    param([string] $File, [string[]] $Lines)
    if ($Lines.Count -eq 0 -or $Lines[0].Trim() -ne '---') { throw (New-ParseError $File 1 "the page must start with front matter ('---')") }
    $values = [ordered]@{}
    for ($i = 1; $i -lt $Lines.Count; $i++) {
        if ($Lines[$i].Trim() -eq '---') { return [pscustomobject]@{ Values = $values; End = $i + 1 } }
        if ($Lines[$i].Trim() -eq '') { continue }
        if ($Lines[$i] -notmatch '^([^:]+):\s*(.*?)\s*$') { throw (New-ParseError $File ($i + 1) "front matter line is not 'key: value': '$($Lines[$i])'") }
        $values[$Matches[1].Trim()] = $Matches[2]
    }
    throw (New-ParseError $File 1 "front matter is never closed ('---')")
}

function Read-YamlBlock {
    param([string] $File, $Block)
    $values = [ordered]@{}
    $offset = 0
    foreach ($line in $Block.Text -split "`n") {
        $offset++
        if ($line.Trim() -eq '') { continue }
        if ($line -notmatch '^([A-Za-z ]+):\s*(.*?)\s*$') { throw (New-ParseError $File ($Block.Line + $offset) "yaml line is not 'Key: value': '$line'") }
        $key = $Matches[1]
        if ($key -notin $script:YamlKeys) { throw (New-ParseError $File ($Block.Line + $offset) "unknown yaml key '$key' (known: $($script:YamlKeys -join ', '))") }
        $values[$key] = $Matches[2]
    }
    foreach ($key in $script:RequiredYamlKeys) {
        if (-not $values.Contains($key)) { throw (New-ParseError $File $Block.Line "yaml block has no '${key}:'") }
    }
    $values['Line'] = $Block.Line
    [pscustomobject]$values
}

<#
.SYNOPSIS
    Reads one cmdlet page (platyPS markdown) into an object; throws a FormatException naming the
    file and line of the first problem.
#>
function Read-WgCommandHelp {
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [string] $Path)
    process {
        $file = (Resolve-Path -LiteralPath $Path -ErrorAction Stop).Path
        $lines = [System.IO.File]::ReadAllLines($file)
        $front = Read-FrontMatter $file $lines
        foreach ($key in 'external help file', 'Module Name') {
            if (-not $front.Values.Contains($key)) { throw (New-ParseError $file 1 "front matter has no '${key}:'") }
        }
        $blocks = Read-MarkdownBlock $file ($lines | Select-Object -Skip $front.End) ($front.End + 1)

        $titles = @($blocks | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -eq 1 })
        if ($titles.Count -ne 1) { throw (New-ParseError $file ($front.End + 1) "a page has exactly one '# Verb-Noun' title; found $($titles.Count)") }
        $name = $titles[0].Text
        if ($name -notmatch '^\w+-\w+$') { throw (New-ParseError $file $titles[0].Line "the title '$name' is not a Verb-Noun cmdlet name") }

        # Cut the page into its H2 sections.
        $sections = [ordered]@{}
        $sectionLine = @{}
        $currentSection = $null
        foreach ($block in $blocks) {
            if ($block.Kind -eq 'Heading' -and $block.Level -eq 1) { continue }
            if ($block.Kind -eq 'Heading' -and $block.Level -eq 2) {
                $title = $block.Text.ToUpperInvariant()
                if ($title -notin $script:Sections -and -not $script:OptionalSections.ContainsKey($title)) { throw (New-ParseError $file $block.Line "unknown section '## $($block.Text)' (a page has: $($script:Sections -join ', '))") }
                if ($sections.Contains($title)) { throw (New-ParseError $file $block.Line "section '## $title' appears twice") }
                $sections[$title] = [System.Collections.Generic.List[object]]::new()
                $sectionLine[$title] = $block.Line
                $currentSection = $title
                continue
            }
            if ($null -eq $currentSection) {
                if ($block.Kind -eq 'Text' -and $block.Text.Trim() -eq '') { continue }
                throw (New-ParseError $file $block.Line "text before the first '## SYNOPSIS' section")
            }
            $sections[$currentSection].Add($block)
        }
        $order = 0
        $present = @($sections.Keys | Where-Object { -not $script:OptionalSections.ContainsKey($_) })
        foreach ($section in $script:Sections) {
            if (-not $sections.Contains($section)) { throw (New-ParseError $file $lines.Count "section '## $section' is missing") }
            $at = [array]::IndexOf($present, $section)
            if ($at -lt $order) { throw (New-ParseError $file $sectionLine[$section] "section '## $section' is out of order (the order is $($script:Sections -join ', '))") }
            $order = $at
        }

        [pscustomobject]@{
            File        = $file
            Name        = $name
            Verb        = $name.Split('-')[0]
            Noun        = $name.Split('-', 2)[1]
            HelpFile    = $front.Values['external help file']
            ModuleName  = $front.Values['Module Name']
            Synopsis    = (Read-PlainSection $file 'SYNOPSIS' $sections['SYNOPSIS'] $sectionLine['SYNOPSIS'] -Required) -join ' '
            Syntax      = Read-SyntaxSection $file $sections['SYNTAX'] $sectionLine['SYNTAX'] $name
            Description = Read-PlainSection $file 'DESCRIPTION' $sections['DESCRIPTION'] $sectionLine['DESCRIPTION'] -Required
            Examples    = Read-ExampleSection $file $sections['EXAMPLES']
            Parameters  = Read-ParameterSection $file $sections['PARAMETERS'] $sectionLine['PARAMETERS']
            Inputs      = Read-TypeSection $file 'INPUTS' $sections['INPUTS'] $sectionLine['INPUTS']
            Outputs     = Read-TypeSection $file 'OUTPUTS' $sections['OUTPUTS'] $sectionLine['OUTPUTS']
            Notes       = Read-PlainSection $file 'NOTES' $sections['NOTES'] $sectionLine['NOTES']
            Links       = Read-LinkSection $file $sections['RELATED LINKS']
        }
    }
}

# A section of prose only (fenced code kept as its own paragraph); -Required: it may not be empty.
function Read-PlainSection {
    param([string] $File, [string] $Title, $Blocks, [int] $Line, [switch] $Required)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $text = [System.Collections.Generic.List[string]]::new()
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Heading') { throw (New-ParseError $File $block.Line "'## $Title' has no subsections; found '$('#' * $block.Level) $($block.Text)'") }
        if ($block.Kind -eq 'Code') {
            $paragraphs.AddRange([string[]](ConvertTo-Paragraph $text)); $text.Clear()
            $paragraphs.Add($block.Text)
            continue
        }
        $text.Add($block.Text)
    }
    $paragraphs.AddRange([string[]](ConvertTo-Paragraph $text))
    if ($Required -and ($paragraphs.Count -eq 0 -or ($paragraphs -join '') -match '\{\{')) {
        throw (New-ParseError $File $Line "'## $Title' is empty or still a '{{ ... }}' placeholder")
    }
    , $paragraphs.ToArray()
}

function Read-SyntaxSection {
    param([string] $File, $Blocks, [int] $Line, [string] $Name)
    $sets = [System.Collections.Generic.List[object]]::new()
    $setName = $null; $isDefault = $false; $headingLine = $Line
    foreach ($block in $Blocks) {
        switch ($block.Kind) {
            'Heading' {
                if ($block.Level -ne 3) { throw (New-ParseError $File $block.Line "'## SYNTAX' takes '### SetName' headings only") }
                $isDefault = $block.Text -match '\s+\(Default\)$'
                $setName = $block.Text -replace '\s+\(Default\)$', ''
                $headingLine = $block.Line
            }
            'Code' {
                if ($block.Text.Trim() -notmatch "^$([regex]::Escape($Name))(\s|$)") { throw (New-ParseError $File $block.Line "a syntax block must start with '$Name'") }
                $sets.Add([pscustomobject]@{ Name = if ($setName) { $setName } else { '__AllParameterSets' }; IsDefault = $isDefault; Text = $block.Text.Trim(); Line = $headingLine })
                $setName = $null; $isDefault = $false
            }
            'Text' { if ($block.Text.Trim() -ne '') { throw (New-ParseError $File $block.Line "'## SYNTAX' holds '### SetName' headings and code blocks only; found '$($block.Text.Trim())'") } }
        }
    }
    if ($sets.Count -eq 0) { throw (New-ParseError $File $Line "'## SYNTAX' has no syntax code block") }
    , $sets.ToArray()
}

function Read-ExampleSection {
    param([string] $File, $Blocks)
    $examples = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $finish = {
        if ($current) {
            if ($current.Code.Count -eq 0) { throw (New-ParseError $File $current.Line "example '$($current.Title)' has no '``````powershell' code block") }
            $examples.Add([pscustomobject]@{ Title = $current.Title; Line = $current.Line; Code = ($current.Code -join "`n`n"); CodeLine = $current.CodeLine; Remarks = [string[]](ConvertTo-Paragraph $current.Text) })
        }
    }
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Heading') {
            if ($block.Level -ne 3 -or $block.Text -notmatch '^Example \d+:\s*\S') { throw (New-ParseError $File $block.Line "an example heading is '### Example N: title'; found '$('#' * $block.Level) $($block.Text)'") }
            & $finish
            $current = @{ Title = $block.Text; Line = $block.Line; Code = [System.Collections.Generic.List[string]]::new(); CodeLine = 0; Text = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        if (-not $current) {
            if ($block.Kind -eq 'Text' -and $block.Text.Trim() -eq '') { continue }
            throw (New-ParseError $File $block.Line "'## EXAMPLES' content before the first '### Example 1: title'")
        }
        if ($block.Kind -eq 'Code' -and $block.Language -eq 'powershell') {
            if ($current.Code.Count -eq 0) { $current.CodeLine = $block.Line }
            $current.Code.Add($block.Text)
        }
        elseif ($block.Kind -eq 'Code') {
            # Output shown after the code (```output, ```text) belongs to the remarks, kept as it is.
            $current.Text.Add(''); $current.Text.AddRange([string[]]($block.Text -split "`n" | ForEach-Object { "    $_" })); $current.Text.Add('')
        }
        else { $current.Text.Add($block.Text) }
    }
    & $finish
    , $examples.ToArray()
}

function Read-ParameterSection {
    param([string] $File, $Blocks, [int] $Line)
    $parameters = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $sawCommon = $false
    $finish = {
        if ($current) {
            if ($current.Yaml.Count -eq 0) { throw (New-ParseError $File $current.Line "parameter -$($current.Name) has no '``````yaml' block") }
            $description = [string[]](ConvertTo-Paragraph $current.Text)
            if ($description.Count -eq 0 -or ($description -join '') -match '\{\{') { throw (New-ParseError $File $current.Line "parameter -$($current.Name) has no description (or a '{{ ... }}' placeholder)") }
            $parameters.Add([pscustomobject]@{ Name = $current.Name; Line = $current.Line; Description = $description; Yaml = $current.Yaml.ToArray() })
        }
    }
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Heading') {
            if ($block.Level -ne 3) { throw (New-ParseError $File $block.Line "'## PARAMETERS' takes '### -Name' headings only") }
            & $finish
            $current = $null
            if ($block.Text -eq 'CommonParameters') { $sawCommon = $true; continue }
            if ($block.Text -notmatch '^-(\w+)$') { throw (New-ParseError $File $block.Line "a parameter heading is '### -Name' or '### CommonParameters'; found '### $($block.Text)'") }
            if ($sawCommon) { throw (New-ParseError $File $block.Line "parameter -$($Matches[1]) comes after '### CommonParameters', which is last") }
            if (@($parameters | ForEach-Object Name) -contains $Matches[1]) { throw (New-ParseError $File $block.Line "parameter -$($Matches[1]) is documented twice") }
            $current = @{ Name = $Matches[1]; Line = $block.Line; Text = [System.Collections.Generic.List[string]]::new(); Yaml = [System.Collections.Generic.List[object]]::new() }
            continue
        }
        if (-not $current) {
            if ($sawCommon -or ($block.Kind -eq 'Text' -and $block.Text.Trim() -eq '')) { continue }
            throw (New-ParseError $File $block.Line "'## PARAMETERS' content before the first '### -Name'")
        }
        if ($block.Kind -eq 'Code') {
            if ($block.Language -ne 'yaml') { throw (New-ParseError $File $block.Line "parameter -$($current.Name): code blocks here are '``````yaml'") }
            $current.Yaml.Add((Read-YamlBlock $File $block))
        }
        elseif ($current.Yaml.Count -eq 0) { $current.Text.Add($block.Text) }
        elseif ($block.Text.Trim() -ne '') { throw (New-ParseError $File $block.Line "parameter -$($current.Name): text after its yaml block") }
    }
    & $finish
    if (-not $sawCommon) { throw (New-ParseError $File $Line "'## PARAMETERS' has no '### CommonParameters'") }
    , $parameters.ToArray()
}

function Read-TypeSection {
    param([string] $File, [string] $Title, $Blocks, [int] $Line)
    $types = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($block in $Blocks) {
        if ($block.Kind -eq 'Heading') {
            if ($block.Level -ne 3) { throw (New-ParseError $File $block.Line "'## $Title' takes '### TypeName' headings only") }
            if ($current) { $types.Add([pscustomobject]@{ Name = $current.Name; Description = [string[]](ConvertTo-Paragraph $current.Text) }) }
            $current = @{ Name = $block.Text; Text = [System.Collections.Generic.List[string]]::new() }
            continue
        }
        if (-not $current) {
            if ($block.Kind -eq 'Text' -and $block.Text.Trim() -eq '') { continue }
            throw (New-ParseError $File $block.Line "'## $Title' content before the first '### TypeName'")
        }
        $current.Text.Add($block.Text)
    }
    if ($current) { $types.Add([pscustomobject]@{ Name = $current.Name; Description = [string[]](ConvertTo-Paragraph $current.Text) }) }
    if ($types.Count -eq 0) { throw (New-ParseError $File $Line "'## $Title' names no type ('### None' when there is none)") }
    , $types.ToArray()
}

function Read-LinkSection {
    param([string] $File, $Blocks)
    $links = [System.Collections.Generic.List[object]]::new()
    foreach ($block in $Blocks) {
        if ($block.Kind -ne 'Text') { throw (New-ParseError $File $block.Line "'## RELATED LINKS' holds links only") }
        $text = $block.Text.Trim() -replace '^[-*]\s+', ''
        if ($text -eq '') { continue }
        if ($text -match '^\[([^\]]+)\]\(([^)]*)\)$') { $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[2] }) }
        else { $links.Add([pscustomobject]@{ Text = $text; Uri = '' }) }
    }
    , $links.ToArray()
}

# The yaml block of a parameter that covers a parameter set.
function Get-YamlForSet {
    param($Parameter, [string] $SetName)
    foreach ($yaml in $Parameter.Yaml) {
        # '__AllParameterSets' is what the metadata calls '(All)'.
        $sets = @($yaml.'Parameter Sets' -split ',\s*' -replace '^__AllParameterSets$', '(All)')
        if ($sets -contains '(All)' -or $sets -contains $SetName) { return $yaml }
    }
}

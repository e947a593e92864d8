<#
.SYNOPSIS
    WgAdmin's help compiler: platyPS-style markdown (docs/en-US) to the MAML file and the about
    topic PowerShell reads offline. platyPS is not available here, so this is the small part of
    it WgAdmin needs: a strict reader of the markdown format (errors name the file and line), a
    MAML writer, a writer of about_*.help.txt, and a skeleton maker for a new cmdlet's page.
#>
Set-StrictMode -Version Latest

# The sections of a cmdlet page, in the order platyPS writes them; all are required.
$script:Sections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'
# Sections a page may have besides those, in platyPS 1.0's place for them; they are not compiled.
$script:OptionalSections = @{ 'ALIASES' = 'SYNTAX' }
# The keys of a parameter's yaml block; 'Accepted values' is optional, as in platyPS.
$script:YamlKeys = 'Type', 'Parameter Sets', 'Aliases', 'Accepted values', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters'
$script:RequiredYamlKeys = $script:YamlKeys | Where-Object { $_ -ne 'Accepted values' }

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

function New-ParseError {
    param([string] $File, [int] $Line, [string] $Message)
    [System.FormatException]::new("${File}:${Line}: $Message")
}

# Splits a page into blocks: headings, fenced code and text lines, each with its line number.
# A fence left open is an error at the line that opened it.
function Read-MarkdownBlock {
    param([string] $File, [string[]] $Lines, [int] $FirstLine)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        $number = $FirstLine + $i
        if ($line -match '^(`{3,})\s*([\w-]*)\s*$') {
            $fence = $Matches[1]; $language = $Matches[2]
            $body = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch "^$fence\s*$") {
                # An opening fence with a language inside a block: the block before it was never closed.
                if ($Lines[$i] -match '^`{3,}[\w-]+\s*$') { throw (New-ParseError $File $number "code fence opened here is not closed before another opens at line $($FirstLine + $i)") }
                $body.Add($Lines[$i]); $i++
            }
            if ($i -ge $Lines.Count) { throw (New-ParseError $File $number "code fence opened here is never closed") }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Line = $number; Level = 0; Text = ($body -join "`n"); Language = $language })
        }
        elseif ($line -match '^(#{1,6})\s+(.*?)\s*$') {
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Line = $number; Level = $Matches[1].Length; Text = $Matches[2]; Language = '' })
        }
        else {
            $blocks.Add([pscustomobject]@{ Kind = 'Text'; Line = $number; Level = 0; Text = $line; Language = '' })
        }
        $i++
    }
    , $blocks
}

# Text lines to paragraphs: blank lines separate them; a paragraph with list items, table rows
# or indented lines keeps its lines, any other is joined with spaces.
function ConvertTo-Paragraph {
    param([string[]] $Lines)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($current.Count -gt 0) {
            # List items, table rows and indented (code) lines keep their own lines.
            $structured = @($current | Where-Object { $_ -match '^\s*([-*+]|\d+\.|\|)\s' -or $_ -match '^ {4}' }).Count -gt 0
            $paragraphs.Add(($current -join $(if ($structured) { "`n" } else { ' ' })))
            $current.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') { & $flush; continue }
        $current.Add($line.TrimEnd())
    }
    & $flush
    , $paragraphs.ToArray()
}

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

function Write-Para {
    param([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', 'description', $script:MamlNs)
    if (-not $Paragraphs) { $Paragraphs = @('') }
    foreach ($paragraph in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:MamlNs, $paragraph) }
    $Writer.WriteEndElement()
}

function Write-MamlParameter {
    param([System.Xml.XmlWriter] $Writer, $Parameter, $Yaml)
    $type = $Yaml.Type
    $isSwitch = $type -in 'SwitchParameter', 'System.Management.Automation.SwitchParameter'
    $Writer.WriteStartElement('command', 'parameter', $script:CommandNs)
    $Writer.WriteAttributeString('required', $Yaml.Required.ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', $(if ($type -match '\[\]$') { 'true' } else { 'false' }))
    $Writer.WriteAttributeString('globbing', $Yaml.'Accept wildcard characters'.ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Yaml.'Accept pipeline input')
    $Writer.WriteAttributeString('position', $Yaml.Position.ToLowerInvariant())
    $Writer.WriteAttributeString('aliases', $(if ($Yaml.Aliases) { $Yaml.Aliases } else { 'None' }))
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $Parameter.Name)
    Write-Para $Writer $Parameter.Description
    $accepted = if ($Yaml.PSObject.Properties['Accepted values']) { @($Yaml.'Accepted values' -split ',\s*' | Where-Object { $_ }) }
    if ($accepted) {
        # Get-Help prints these as {Auto | Iptables | Nftables}.
        $Writer.WriteStartElement('command', 'parameterValueGroup', $script:CommandNs)
        foreach ($value in $accepted) {
            $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value)
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    if (-not $isSwitch) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:CommandNs)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:DevNs)
    $Writer.WriteElementString('maml', 'name', $script:MamlNs, $type)
    $Writer.WriteElementString('maml', 'uri', $script:MamlNs, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $script:DevNs, $Yaml.'Default value')
    $Writer.WriteEndElement()
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

<#
.SYNOPSIS
    Writes MAML (the XML Get-Help reads for a binary module) for pages read by Read-WgCommandHelp.
#>
function ConvertTo-WgMaml {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [object[]] $Command)
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
    $buffer = [System.IO.StringWriter]::new()
    $writer = [System.Xml.XmlWriter]::Create($buffer, $settings)
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', 'http://msh')
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($help in $Command) {
        $writer.WriteStartElement('command', 'command', $script:CommandNs)
        $writer.WriteAttributeString('xmlns', 'maml', $null, $script:MamlNs)
        $writer.WriteAttributeString('xmlns', 'dev', $null, $script:DevNs)

        $writer.WriteStartElement('command', 'details', $script:CommandNs)
        $writer.WriteElementString('command', 'name', $script:CommandNs, $help.Name)
        $writer.WriteElementString('command', 'verb', $script:CommandNs, $help.Verb)
        $writer.WriteElementString('command', 'noun', $script:CommandNs, $help.Noun)
        Write-Para $writer @($help.Synopsis)
        $writer.WriteEndElement()
        Write-Para $writer $help.Description

        $writer.WriteStartElement('command', 'syntax', $script:CommandNs)
        foreach ($set in $help.Syntax) {
            $writer.WriteStartElement('command', 'syntaxItem', $script:CommandNs)
            $writer.WriteElementString('maml', 'name', $script:MamlNs, $help.Name)
            # As PowerShell prints a syntax line: positional parameters by position, then the
            # mandatory ones, then the rest in page order.
            $inSet = foreach ($parameter in $help.Parameters) {
                $yaml = Get-YamlForSet $parameter $set.Name
                if ($yaml) { [pscustomobject]@{ Parameter = $parameter; Yaml = $yaml } }
            }
            $ordered = $inSet | Sort-Object -Stable { if ($_.Yaml.Position -match '^\d+$') { [int]$_.Yaml.Position } else { [int]::MaxValue } }, { $_.Yaml.Required -ne 'True' }
            foreach ($entry in $ordered) { Write-MamlParameter $writer $entry.Parameter $entry.Yaml }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $script:CommandNs)
        foreach ($parameter in $help.Parameters) { Write-MamlParameter $writer $parameter $parameter.Yaml[0] }
        $writer.WriteEndElement()

        foreach ($kind in @(@('inputTypes', 'inputType', $help.Inputs), @('returnValues', 'returnValue', $help.Outputs))) {
            $writer.WriteStartElement('command', $kind[0], $script:CommandNs)
            foreach ($type in $kind[2]) {
                $writer.WriteStartElement('command', $kind[1], $script:CommandNs)
                $writer.WriteStartElement('dev', 'type', $script:DevNs)
                $writer.WriteElementString('maml', 'name', $script:MamlNs, $type.Name)
                $writer.WriteEndElement()
                Write-Para $writer $type.Description
                $writer.WriteEndElement()
            }
            $writer.WriteEndElement()
        }

        $writer.WriteStartElement('maml', 'alertSet', $script:MamlNs)
        $writer.WriteStartElement('maml', 'alert', $script:MamlNs)
        foreach ($paragraph in @($help.Notes)) { $writer.WriteElementString('maml', 'para', $script:MamlNs, $paragraph) }
        $writer.WriteEndElement()
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'examples', $script:CommandNs)
        foreach ($example in $help.Examples) {
            $writer.WriteStartElement('command', 'example', $script:CommandNs)
            $writer.WriteElementString('maml', 'title', $script:MamlNs, "-------------------------- $($example.Title) --------------------------")
            $writer.WriteElementString('dev', 'code', $script:DevNs, $example.Code)
            $writer.WriteStartElement('dev', 'remarks', $script:DevNs)
            foreach ($paragraph in $example.Remarks) { $writer.WriteElementString('maml', 'para', $script:MamlNs, $paragraph) }
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'relatedLinks', $script:CommandNs)
        foreach ($link in $help.Links) {
            $writer.WriteStartElement('maml', 'navigationLink', $script:MamlNs)
            $writer.WriteElementString('maml', 'linkText', $script:MamlNs, $link.Text)
            $writer.WriteElementString('maml', 'uri', $script:MamlNs, $link.Uri)
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
    $writer.Flush()
    $buffer.ToString()
}

# Wraps a paragraph at 80 columns with an indent, as PowerShell's own about topics read.
function Format-Wrapped {
    param([string] $Text, [int] $Indent)
    $pad = ' ' * $Indent
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = ''
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if ($line -and ($pad.Length + $line.Length + 1 + $word.Length) -gt 80) { $lines.Add($pad + $line); $line = $word }
        elseif ($line) { $line += ' ' + $word }
        else { $line = $word }
    }
    if ($line) { $lines.Add($pad + $line) }
    $lines -join "`n"
}

<#
.SYNOPSIS
    Turns an about topic page (# about_X, ## sections, ### subsections, prose, lists, tables and
    fenced code) into the plain text of about_X.help.txt.
#>
function ConvertTo-WgAboutText {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [string] $Path)
    $file = (Resolve-Path -LiteralPath $Path -ErrorAction Stop).Path
    $blocks = Read-MarkdownBlock $file ([System.IO.File]::ReadAllLines($file)) 1
    $first = $blocks | Where-Object { $_.Kind -ne 'Text' -or $_.Text.Trim() -ne '' } | Select-Object -First 1
    $topic = [System.IO.Path]::GetFileNameWithoutExtension($file)
    if (-not $first -or $first.Kind -ne 'Heading' -or $first.Level -ne 1 -or $first.Text -ne $topic) {
        throw (New-ParseError $file $(if ($first) { $first.Line } else { 1 }) "an about page starts with '# $topic'")
    }
    $headings = @($blocks | Where-Object { $_.Kind -eq 'Heading' -and $_.Level -eq 2 } | ForEach-Object { $_.Text.ToUpperInvariant() })
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        if ($required -notin $headings) { throw (New-ParseError $file $first.Line "an about page has a '## $required' section") }
    }
    $out = [System.Text.StringBuilder]::new()
    [void]$out.Append("TOPIC`n    $topic`n")
    $text = [System.Collections.Generic.List[string]]::new()
    $flush = {
        $paragraphs = ConvertTo-Paragraph $text
        foreach ($paragraph in $paragraphs) {
            if ($paragraph.Contains("`n")) {
                # List items and table rows keep their lines; a list item's own text is wrapped.
                $items = [System.Collections.Generic.List[string]]::new()
                foreach ($row in $paragraph -split "`n") {
                    if ($row -match '^\s*([-*+]|\d+\.)\s' -or $items.Count -eq 0 -or $row -match '^\s*\|') { $items.Add($row.Trim()) }
                    else { $items[$items.Count - 1] += ' ' + $row.Trim() }
                }
                foreach ($item in $items) {
                    if ($item -match '^\|') { [void]$out.Append("    $item`n") }
                    else {
                        $wrapped = Format-Wrapped $item 6
                        [void]$out.Append('    ' + $wrapped.Substring(6) + "`n")
                    }
                }
            }
            else { [void]$out.Append((Format-Wrapped $paragraph 4) + "`n") }
            [void]$out.Append("`n")
        }
        $text.Clear()
    }
    foreach ($block in $blocks) {
        if ($block -eq $first) { continue }
        switch ($block.Kind) {
            'Heading' {
                & $flush
                if ($block.Level -eq 1) { throw (New-ParseError $file $block.Line 'an about page has one # title') }
                if ($block.Level -eq 2) {
                    if (-not $out.ToString().EndsWith("`n`n")) { [void]$out.Append("`n") }
                    [void]$out.Append("$($block.Text.ToUpperInvariant())`n")
                }
                else { [void]$out.Append("  $($block.Text)`n") }
            }
            'Code' {
                & $flush
                foreach ($row in $block.Text -split "`n") { [void]$out.Append(("        $row").TrimEnd() + "`n") }
                [void]$out.Append("`n")
            }
            'Text' { $text.Add($block.Text) }
        }
    }
    & $flush
    $out.ToString().TrimEnd() + "`n"
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

# What a page's yaml must say about a parameter, from the live command: one entry per distinct
# (Required, Position, pipeline input) across the parameter's sets, as platyPS groups them.
# Common parameters are left out; -WhatIf and -Confirm are documented, as platyPS does.
function Get-WgParameterMetadata {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $defaults = $null
    if ($Command -is [System.Management.Automation.CmdletInfo]) {
        try { $defaults = [Activator]::CreateInstance($Command.ImplementingType) } catch { $defaults = $null }
    }
    foreach ($parameter in $Command.Parameters.Values) {
        if ($parameter.Name -in $common) { continue }
        $type = $parameter.ParameterType
        $underlying = [Nullable]::GetUnderlyingType($type)
        if ($underlying) { $type = $underlying }
        $enumType = if ($type.IsEnum) { $type } elseif ($type.IsArray -and $type.GetElementType().IsEnum) { $type.GetElementType() }
        $validateSet = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
        $accepted = if ($enumType) { [enum]::GetNames($enumType) } elseif ($validateSet) { $validateSet.ValidValues } else { @() }
        $default = 'None'
        if ($parameter.Name -notin 'WhatIf', 'Confirm' -and $defaults) {
            $property = $Command.ImplementingType.GetProperty($parameter.Name)
            $value = if ($property) { $property.GetValue($defaults) }
            if ($value -is [System.Management.Automation.SwitchParameter]) { $default = if ($value.IsPresent) { 'True' } else { 'False' } }
            elseif ($value -is [array]) { if ($value.Count -gt 0) { $default = $value -join ', ' } }
            elseif ($null -ne $value -and "$value" -ne '') { $default = "$value" }
        }
        elseif ($parameter.Name -in 'WhatIf', 'Confirm') { $default = 'False' }
        $sets = foreach ($entry in $parameter.ParameterSets.GetEnumerator()) {
            $pipeline = @(if ($entry.Value.ValueFromPipelineByPropertyName) { 'ByPropertyName' }; if ($entry.Value.ValueFromPipeline) { 'ByValue' })
            [pscustomobject]@{
                Set           = if ($entry.Key -eq '__AllParameterSets') { '(All)' } else { $entry.Key }
                Required      = if ($entry.Value.IsMandatory) { 'True' } else { 'False' }
                Position      = if ($entry.Value.Position -eq [int]::MinValue) { 'Named' } else { "$($entry.Value.Position)" }
                PipelineInput = if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }
            }
        }
        [pscustomobject]@{
            Name           = $parameter.Name
            Type           = $type.Name
            FullType       = $type.FullName
            Aliases        = @($parameter.Aliases)
            AcceptedValues = @($accepted)
            Wildcards      = [bool]($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            Default        = $default
            Sets           = @($sets | Sort-Object { $_.Set -ne '(All)' }, Set)
        }
    }
}

# Parameter descriptions a new page starts with for the connection parameters every remote cmdlet
# shares; edit them on the page when a cmdlet needs more.
$script:SharedParameterText = @{
    UserName              = 'The user to log in as. Wins over a User in ~/.ssh/config and a user@ in -ComputerName. When the user is not root, the commands run through sudo -n, which must not ask for a password.'
    Port                  = 'The SSH port. Wins over a Port in ~/.ssh/config and a :port in -ComputerName. The default is 22.'
    KeyFilePath           = 'The private key file to authenticate with (OpenSSH or PEM format). Without it, the IdentityFile entries of ~/.ssh/config are tried, then ~/.ssh/id_ed25519, id_ecdsa and id_rsa. An encrypted key needs its passphrase in -Credential; an interactive session asks for it, a scheduled job fails with WgAdmin.KeyFilePassphraseRequired.'
    Credential            = 'A password to log in with, or the passphrase of the -KeyFilePath key. It is sent only to the SSH server, never on a command line.'
    SshConfigPath         = 'An OpenSSH client configuration file to read host aliases from, instead of ~/.ssh/config (Host patterns, HostName, User, Port, IdentityFile, UserKnownHostsFile).'
    KnownHostsPath        = 'known_hosts files to check host keys against, instead of the UserKnownHostsFile of the SSH configuration (or ~/.ssh/known_hosts); /etc/ssh/ssh_known_hosts is always read as well. With -HostKeyPolicy AcceptNew, a new host key is recorded in the first of them.'
    HostKeyPolicy         = 'How to treat a host whose key is not on file. Strict (the default) refuses it with WgAdmin.HostKeyUnknown, naming its SHA256 fingerprint; AcceptNew records its key, as OpenSSH''s StrictHostKeyChecking=accept-new does. A changed or revoked key is refused under either policy (WgAdmin.HostKeyChanged, WgAdmin.HostKeyRevoked).'
    ConnectTimeoutSeconds = 'How long to wait for the SSH connection and login, in seconds, before the host fails with WgAdmin.ConnectionFailed.'
    ThrottleLimit         = 'How many gateways are read and changed at the same time. Progress is shown with Write-Progress.'
    WhatIf                = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm               = 'Prompts you for confirmation before running the cmdlet.'
}

# One parameter set as platyPS writes its syntax line: positional parameters first, then the
# mandatory ones, .NET type names (<Int32>, not <int>), optional ones in brackets,
# [<CommonParameters>] last.
function Get-WgSyntaxText {
    param([System.Management.Automation.CommandInfo] $Command, [System.Management.Automation.CommandParameterSetInfo] $Set)
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters
    $parameters = @($Set.Parameters | Where-Object Name -NotIn $common)
    $named = @($parameters | Where-Object Position -LT 0)
    $ordered = @($parameters | Where-Object Position -GE 0 | Sort-Object Position) + @($named | Where-Object IsMandatory) + @($named | Where-Object IsMandatory -EQ $false)
    $parts = foreach ($parameter in $ordered) {
        $type = $parameter.ParameterType
        $underlying = [Nullable]::GetUnderlyingType($type)
        if ($underlying) { $type = $underlying }
        $text = if ($type -eq [System.Management.Automation.SwitchParameter]) { "-$($parameter.Name)" }
        elseif ($parameter.Position -ge 0) { "[-$($parameter.Name)] <$($type.Name)>" }
        else { "-$($parameter.Name) <$($type.Name)>" }
        if ($parameter.IsMandatory) { $text } else { "[$text]" }
    }
    (@($Command.Name) + @($parts) + '[<CommonParameters>]') -join ' '
}

<#
.SYNOPSIS
    The markdown skeleton of a cmdlet's page, from its live metadata: front matter, SYNTAX and
    every parameter's yaml block; the prose is left as '{{ ... }}' placeholders (the compiler
    and Help.Tests.ps1 refuse a page that still has them).
#>
function New-WgHelpSkeleton {
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)] [System.Management.Automation.CommandInfo] $Command)
    $helpFile = if ($Command -is [System.Management.Automation.CmdletInfo]) { "$($Command.ImplementingType.Assembly.GetName().Name).dll-Help.xml" } else { "$($Command.ModuleName)-help.xml" }
    $page = [System.Text.StringBuilder]::new()
    [void]$page.Append("---`nexternal help file: $helpFile`nModule Name: $($Command.ModuleName)`nonline version:`nschema: 2.0.0`n---`n`n# $($Command.Name)`n`n## SYNOPSIS`n{{ One sentence: what it does. }}`n`n## SYNTAX`n")
    $sets = @($Command.ParameterSets)
    foreach ($set in $sets) {
        if ($sets.Count -gt 1) { [void]$page.Append("`n### $($set.Name)$(if ($set.IsDefault) { ' (Default)' })`n") }
        [void]$page.Append("```````n$(Get-WgSyntaxText $Command $set)`n```````n")
    }
    [void]$page.Append("`n## DESCRIPTION`n{{ What it does, what it changes (on a gateway: which files and services), its error IDs. }}`n`n## EXAMPLES`n")
    foreach ($n in 1, 2) { [void]$page.Append("`n### Example ${n}: {{ title }}`n``````powershell`n{{ code }}`n```````n`n{{ What it does. }}`n") }
    [void]$page.Append("`n## PARAMETERS`n")
    foreach ($parameter in Get-WgParameterMetadata $Command | Sort-Object { $_.Name -in 'WhatIf', 'Confirm' }, Name) {
        $text = if ($script:SharedParameterText.ContainsKey($parameter.Name)) { $script:SharedParameterText[$parameter.Name] } else { '{{ What it means. }}' }
        [void]$page.Append("`n### -$($parameter.Name)`n$text`n")
        foreach ($group in $parameter.Sets | Group-Object Required, Position, PipelineInput) {
            $first = $group.Group[0]
            [void]$page.Append("`n``````yaml`nType: $($parameter.Type)`nParameter Sets: $(($group.Group.Set) -join ', ')`n$("Aliases: $($parameter.Aliases -join ', ')".TrimEnd())`n")
            if ($parameter.AcceptedValues) { [void]$page.Append("Accepted values: $($parameter.AcceptedValues -join ', ')`n") }
            [void]$page.Append("`nRequired: $($first.Required)`nPosition: $($first.Position)`nDefault value: $($parameter.Default)`nAccept pipeline input: $($first.PipelineInput)`nAccept wildcard characters: $($parameter.Wildcards)`n```````n")
        }
    }
    [void]$page.Append("`n### CommonParameters`nThis cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutBuffer, -OutVariable, -PipelineVariable, -ProgressAction, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).`n`n## INPUTS`n")
    $inputs = @(Get-WgParameterMetadata $Command | Where-Object { $_.Sets.PipelineInput -match 'ByValue' } | ForEach-Object FullType | Select-Object -Unique)
    if (-not $inputs) { $inputs = @('None') }
    foreach ($type in $inputs) { [void]$page.Append("`n### $type`n{{ What comes from the pipeline. }}`n") }
    [void]$page.Append("`n## OUTPUTS`n")
    $outputs = @($Command.OutputType | ForEach-Object Name)
    if (-not $outputs) { $outputs = @('None') }
    foreach ($type in $outputs) { [void]$page.Append("`n### $type`n{{ What it writes. }}`n") }
    [void]$page.Append("`n## NOTES`n{{ Secrets, idempotence, what to know. }}`n`n## RELATED LINKS`n`n[about_WgAdmin]()`n")
    $page.ToString()
}

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

Export-ModuleMember -Function Read-WgCommandHelp, ConvertTo-WgMaml, ConvertTo-WgAboutText, Build-WgHelp, Get-WgParameterMetadata, New-WgHelpSkeleton, Test-WgCommandHelp

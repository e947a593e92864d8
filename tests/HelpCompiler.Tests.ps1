# The help compiler (tools/HelpCompiler/) on small fixtures: markdown in, MAML elements and
# about text out; malformed pages fail naming the file and the line; the page-versus-command
# checks find each kind of disagreement. Needs no module build.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../tools/HelpCompiler/HelpCompiler.psm1') -Force
    $fixtures = Join-Path $PSScriptRoot 'help'
    $valid = Join-Path $fixtures 'Set-Fixture.md'
    $validText = Get-Content -Raw $valid

    # The command the fixture page describes.
    function global:Set-Fixture {
        [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'ByName')]
        [OutputType([string])]
        param(
            [Parameter(Mandatory, Position = 0, ParameterSetName = 'ByName', ValueFromPipeline)] [string[]] $Name,
            [Parameter(Mandatory, ParameterSetName = 'ById')] [int] $Id,
            [Alias('Mode')] [ValidateSet('Fast', 'Slow')] [string] $Speed = 'Fast',
            [SupportsWildcards()] [Parameter(ValueFromPipelineByPropertyName)] [string] $Filter,
            [switch] $Force
        )
    }

    # Writes the fixture with one change into TestDrive and returns its path.
    function New-Variant {
        param([string] $Find, [string] $Replace, [string] $Name = 'Set-Fixture.md')
        if (-not $validText.Contains($Find)) { throw "The fixture has no '$Find'." }
        $path = Join-Path $TestDrive $Name
        Set-Content -NoNewline -Path $path -Value $validText.Replace($Find, $Replace)
        $path
    }

    # The 1-based line of the first line of $path that matches $pattern.
    function Get-LineOf {
        param([string] $Path, [string] $Pattern)
        (Select-String -Path $Path -Pattern $Pattern | Select-Object -First 1).LineNumber
    }

    function Get-ParseError {
        param([string] $Path)
        try { Read-WgCommandHelp $Path | Out-Null; $null } catch { $_.Exception.Message }
    }

    $ns = @{ maml = 'http://schemas.microsoft.com/maml/2004/10'; command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
}

AfterAll {
    Remove-Item Function:\Set-Fixture -ErrorAction Ignore
}

Describe 'Read-WgCommandHelp' {
    BeforeAll { $help = Read-WgCommandHelp $valid }

    It 'reads the title, front matter and synopsis' {
        $help.Name | Should -BeExactly 'Set-Fixture'
        $help.Verb | Should -BeExactly 'Set'
        $help.Noun | Should -BeExactly 'Fixture'
        $help.HelpFile | Should -BeExactly 'Fixture-help.xml'
        $help.Synopsis | Should -BeExactly "Sets a fixture, for the help compiler's tests."
    }

    It 'joins the lines of a paragraph and keeps list items on their own lines' {
        $help.Description | Should -HaveCount 2
        $help.Description[0] | Should -BeExactly 'Set-Fixture sets nothing at all. It exists so that the compiler has a page to read.'
        $help.Description[1] | Should -BeExactly "- one list item`n- another list item"
    }

    It 'reads the parameter sets of the syntax with the default marked' {
        $help.Syntax.Name | Should -Be @('ByName', 'ById')
        $help.Syntax.IsDefault | Should -Be @($true, $false)
    }

    It 'reads each example: title, code and remarks' {
        $help.Examples | Should -HaveCount 2
        $help.Examples[1].Title | Should -BeExactly 'Example 2: By Id'
        $help.Examples[1].Code | Should -BeExactly 'Set-Fixture -Id 10086 -Speed Slow'
        $help.Examples[1].Remarks | Should -Be @('Sets one fixture by Id, slowly.')
    }

    It 'reads each parameter with its yaml block' {
        $help.Parameters.Name | Should -Be @('Filter', 'Force', 'Id', 'Name', 'Speed', 'Confirm', 'WhatIf')
        $speed = $help.Parameters | Where-Object Name -EQ 'Speed'
        $speed.Description | Should -Be @('How fast.')
        $speed.Yaml[0].Type | Should -BeExactly 'String'
        $speed.Yaml[0].Aliases | Should -BeExactly 'Mode'
        $speed.Yaml[0].'Accepted values' | Should -BeExactly 'Fast, Slow'
        $speed.Yaml[0].'Default value' | Should -BeExactly 'Fast'
    }

    It 'reads inputs, outputs, notes and links' {
        $help.Inputs.Name | Should -Be @('System.String[]')
        $help.Outputs.Name | Should -Be @('System.String')
        $help.Notes | Should -Be @('Nothing to note.')
        $help.Links[1].Text | Should -BeExactly 'WireGuard'
        $help.Links[1].Uri | Should -BeExactly 'https://www.wireguard.com/'
    }
}

Describe 'Read-WgCommandHelp on pages in other platyPS habits' {
    It 'keeps an example''s output block in its remarks, out of its code' {
        $help = Read-WgCommandHelp (New-Variant -Find "Sets two fixtures by name." -Replace "``````output`ngw-a`ngw-b`n```````n`nSets two fixtures by name.")
        $help.Examples[0].Code | Should -BeExactly 'Set-Fixture -Name gw-a, gw-b'
        $help.Examples[0].Remarks[0] | Should -BeExactly "    gw-a`n    gw-b"
        $help.Examples[0].Remarks[1] | Should -BeExactly 'Sets two fixtures by name.'
    }

    It 'accepts an ## ALIASES section after SYNTAX' {
        $help = Read-WgCommandHelp (New-Variant -Find '## DESCRIPTION' -Replace "## ALIASES`n`nNone.`n`n## DESCRIPTION")
        $help.Synopsis | Should -Not -BeNullOrEmpty
    }
}

Describe 'Read-WgCommandHelp on malformed pages' {
    It 'names the file and the line of <Case>' -ForEach @(
        @{ Case = 'an unclosed code fence at the end'; Find = '[WireGuard](https://www.wireguard.com/)'; Replace = "``````text`n[WireGuard](https://www.wireguard.com/)"; Line = '^```text$'; Occurrence = 1; Message = 'never closed' }
        @{ Case = 'a code fence left open before the next one'; Find = "Set-Fixture -Id 10086 -Speed Slow`n``````"; Replace = 'Set-Fixture -Id 10086 -Speed Slow'; Line = '^```powershell$'; Occurrence = 2; Message = 'is not closed before another opens' }
        @{ Case = 'an unknown section'; Find = '## NOTES'; Replace = '## REMARKS'; Line = '^## REMARKS'; Occurrence = 1; Message = "unknown section '## REMARKS'" }
        @{ Case = 'a yaml line without a colon'; Find = "Type: Int32`n"; Replace = "Type Int32`n"; Line = '^Type Int32'; Occurrence = 1; Message = "yaml line is not 'Key: value'" }
        @{ Case = 'an unknown yaml key'; Find = "Type: Int32`n"; Replace = "Kind: Int32`n"; Line = '^Kind: Int32'; Occurrence = 1; Message = "unknown yaml key 'Kind'" }
        @{ Case = 'an example heading without a title'; Find = '### Example 2: By Id'; Replace = '### Example 2'; Line = '^### Example 2$'; Occurrence = 1; Message = "'### Example N: title'" }
        @{ Case = 'a parameter without a yaml block'; Find = "How fast.`n`n``````yaml"; Replace = "How fast.`n`n``````text"; Line = '^```text'; Occurrence = 1; Message = "code blocks here are '```yaml'" }
        @{ Case = 'a parameter without a description'; Find = "### -Force`nForces it."; Replace = '### -Force'; Line = '^### -Force'; Occurrence = 1; Message = 'parameter -Force has no description' }
        @{ Case = 'a placeholder synopsis'; Find = "Sets a fixture, for the help compiler's tests."; Replace = '{{ One sentence }}'; Line = '^## SYNOPSIS'; Occurrence = 1; Message = "'## SYNOPSIS' is empty" }
        @{ Case = 'sections out of order'; Find = "## NOTES`nNothing to note.`n"; Replace = ''; Line = '^## RELATED LINKS'; Occurrence = 1; Message = "section '## NOTES' is missing" ; AtEnd = $true }
    ) {
        $path = New-Variant -Find $Find -Replace $Replace
        $expectedLine = if ($AtEnd) { (Get-Content $path).Count } else { @(Select-String -Path $path -Pattern $Line)[$Occurrence - 1].LineNumber }
        $message = Get-ParseError $path
        $message | Should -Not -BeNullOrEmpty -Because "$Case must be refused"
        $message | Should -BeLike "$([WildcardPattern]::Escape($path)):${expectedLine}: *"
        $message | Should -BeLike "*$([WildcardPattern]::Escape($Message))*"
    }

    It 'refuses a page without front matter, at line 1' {
        $path = Join-Path $TestDrive 'NoFront.md'
        Set-Content -Path $path -Value "# Set-Fixture`n`n## SYNOPSIS`nx"
        Get-ParseError $path | Should -BeLike "$([WildcardPattern]::Escape($path)):1: *front matter*"
    }
}

Describe 'ConvertTo-WgMaml' {
    BeforeAll {
        $maml = [xml](ConvertTo-WgMaml -Command (Read-WgCommandHelp $valid))
        $manager = [System.Xml.XmlNamespaceManager]::new($maml.NameTable)
        foreach ($key in $ns.Keys) { $manager.AddNamespace($key, $ns[$key]) }
        $manager.AddNamespace('msh', 'http://msh')
        function Select-Maml([string] $XPath) { @($maml.SelectNodes($XPath, $manager)) }
        # The text of every node an XPath selects, as an array.
        function Get-MamlText([string] $XPath) { , @($maml.SelectNodes($XPath, $manager) | ForEach-Object InnerText) }
        function Get-MamlNode([string] $XPath) { $maml.SelectSingleNode($XPath, $manager) }
    }

    It 'writes helpItems with one command:command and its details' {
        $maml.DocumentElement.LocalName | Should -BeExactly 'helpItems'
        $maml.DocumentElement.GetAttribute('schema') | Should -BeExactly 'maml'
        Select-Maml '/msh:helpItems/command:command' | Should -HaveCount 1
        (Get-MamlText '//command:details/command:name')[0] | Should -BeExactly 'Set-Fixture'
        (Get-MamlText '//command:details/command:verb')[0] | Should -BeExactly 'Set'
        (Get-MamlText '//command:details/command:noun')[0] | Should -BeExactly 'Fixture'
        (Get-MamlText '//command:details/maml:description/maml:para')[0] | Should -BeExactly "Sets a fixture, for the help compiler's tests."
        (Get-MamlText '/msh:helpItems/command:command/maml:description/maml:para') | Should -Be @('Set-Fixture sets nothing at all. It exists so that the compiler has a page to read.', "- one list item`n- another list item")
    }

    It 'writes one syntax item per parameter set with that set''s parameters' {
        Select-Maml '//command:syntax/command:syntaxItem' | Should -HaveCount 2
        $byId = Get-MamlNode '//command:syntax/command:syntaxItem[2]'
        # As PowerShell prints syntax: positional first, then mandatory, then the rest in page order.
        @($byId.SelectNodes('command:parameter/maml:name', $manager) | ForEach-Object InnerText) | Should -Be @('Id', 'Filter', 'Force', 'Speed', 'Confirm', 'WhatIf')
        $byName = Get-MamlNode '//command:syntax/command:syntaxItem[1]'
        @($byName.SelectNodes('command:parameter/maml:name', $manager) | ForEach-Object InnerText) | Should -Be @('Name', 'Filter', 'Force', 'Speed', 'Confirm', 'WhatIf')
        $id = $byId.SelectSingleNode("command:parameter[maml:name='Id']", $manager)
        $id.GetAttribute('required') | Should -BeExactly 'true'
        $id.GetAttribute('position') | Should -BeExactly 'named'
    }

    It 'writes every parameter with its attributes, type and default' {
        Select-Maml '//command:parameters/command:parameter' | Should -HaveCount 7
        $name = (Get-MamlNode "//command:parameters/command:parameter[maml:name='Name']")
        $name.GetAttribute('required') | Should -BeExactly 'true'
        $name.GetAttribute('position') | Should -BeExactly '0'
        $name.GetAttribute('pipelineInput') | Should -BeExactly 'True (ByValue)'
        $name.GetAttribute('variableLength') | Should -BeExactly 'true'
        $name.SelectSingleNode('command:parameterValue', $manager).InnerText | Should -BeExactly 'String[]'
        $speed = (Get-MamlNode "//command:parameters/command:parameter[maml:name='Speed']")
        $speed.GetAttribute('aliases') | Should -BeExactly 'Mode'
        $speed.SelectSingleNode('dev:defaultValue', $manager).InnerText | Should -BeExactly 'Fast'
        $speed.SelectSingleNode('maml:description/maml:para', $manager).InnerText | Should -BeExactly 'How fast.'
        @($speed.SelectNodes('command:parameterValueGroup/command:parameterValue', $manager) | ForEach-Object InnerText) | Should -Be @('Fast', 'Slow')
        (Get-MamlNode "//command:parameters/command:parameter[maml:name='Filter']").GetAttribute('globbing') | Should -BeExactly 'true'
    }

    It 'writes a switch without a parameter value' {
        $force = (Get-MamlNode "//command:parameters/command:parameter[maml:name='Force']")
        $force.SelectSingleNode('command:parameterValue', $manager) | Should -BeNullOrEmpty
        $force.SelectSingleNode('dev:type/maml:name', $manager).InnerText | Should -BeExactly 'SwitchParameter'
    }

    It 'writes inputs, outputs, notes, examples and links' {
        (Get-MamlText '//command:inputTypes/command:inputType/dev:type/maml:name')[0] | Should -BeExactly 'System.String[]'
        (Get-MamlText '//command:returnValues/command:returnValue/dev:type/maml:name')[0] | Should -BeExactly 'System.String'
        (Get-MamlText '//maml:alertSet/maml:alert/maml:para')[0] | Should -BeExactly 'Nothing to note.'
        Select-Maml '//command:examples/command:example' | Should -HaveCount 2
        (Get-MamlText '//command:examples/command:example/maml:title')[0] | Should -BeExactly '-------------------------- Example 1: By name --------------------------'
        (Get-MamlText '//command:examples/command:example/dev:code')[0] | Should -BeExactly 'Set-Fixture -Name gw-a, gw-b'
        (Get-MamlText '//command:examples/command:example/dev:remarks/maml:para')[0] | Should -BeExactly 'Sets two fixtures by name.'
        (Get-MamlText '//maml:navigationLink/maml:linkText') | Should -Be @('about_WgAdmin', 'WireGuard')
        (Get-MamlText '//maml:navigationLink/maml:uri')[1] | Should -BeExactly 'https://www.wireguard.com/'
    }
}

Describe 'ConvertTo-WgAboutText' {
    BeforeAll { $text = ConvertTo-WgAboutText (Join-Path $fixtures 'about_Fixture.md') }

    It 'writes the topic, the sections in capitals and the prose wrapped at 80 columns' {
        $lines = $text -split "`n"
        $lines[0..1] | Should -Be @('TOPIC', '    about_Fixture')
        $lines | Should -Contain 'SHORT DESCRIPTION'
        $lines | Should -Contain 'LONG DESCRIPTION'
        $lines | Should -Contain '  A subsection'
        $lines | Should -Contain '    A fixture topic.'
        @($lines | Where-Object Length -GT 80) | Should -BeNullOrEmpty
        $lines | Should -Contain '    This paragraph is long enough that the compiler has to wrap it at eighty'
    }

    It 'keeps list items apart, indents their continuation, and indents code by 8' {
        $lines = $text -split "`n"
        $lines | Should -Contain '    - a list item that is also long enough to be wrapped by the compiler onto'
        $lines | Should -Contain '      a second line of text'
        $lines | Should -Contain '    - a short one'
        $lines | Should -Contain '        Get-WgInterface -ComputerName gw-a'
    }

    It 'refuses a page whose title is not its file name, naming the line' {
        $path = Join-Path $TestDrive 'about_Other.md'
        Set-Content -Path $path -Value "`n# about_Fixture`n`n## SHORT DESCRIPTION`nx`n`n## LONG DESCRIPTION`ny"
        { ConvertTo-WgAboutText $path } | Should -Throw "${path}:2: *'# about_Other'*"
    }
}

Describe 'Build-WgHelp' {
    It 'writes the MAML file the front matter names and the about text' {
        $destination = Join-Path $TestDrive 'en-US'
        $result = Build-WgHelp -SourcePath $fixtures -DestinationPath $destination
        $result.Commands | Should -Be 1
        $result.About | Should -Be 1
        ([xml](Get-Content -Raw (Join-Path $destination 'Fixture-help.xml'))).helpItems.command.details.name | Should -BeExactly 'Set-Fixture'
        Get-Content -Raw (Join-Path $destination 'about_Fixture.help.txt') | Should -BeLike 'TOPIC*about_Fixture*'
    }
}

Describe 'Test-WgCommandHelp' {
    BeforeAll {
        function Get-Problem([string] $Path) { @(Test-WgCommandHelp -Command (Get-Command Set-Fixture) -Help (Read-WgCommandHelp $Path)) }
    }

    It 'finds nothing wrong with a page that agrees with its command' {
        Get-Problem $valid | Should -BeNullOrEmpty
    }

    It 'finds <Case>' -ForEach @(
        @{ Case = 'a wrong type'; Find = 'Type: Int32'; Replace = 'Type: String'; Check = 'Yaml'; Message = "-Id (parameter set ById): 'Type: String' should be 'Type: Int32'" }
        @{ Case = 'a wrong Required'; Find = "Parameter Sets: ById`nAliases:`n`nRequired: True"; Replace = "Parameter Sets: ById`nAliases:`n`nRequired: False"; Check = 'Yaml'; Message = "-Id (parameter set ById): 'Required: False' should be 'Required: True'" }
        @{ Case = 'a wrong Position'; Find = 'Position: 0'; Replace = 'Position: 1'; Check = 'Yaml'; Message = "-Name (parameter set ByName): 'Position: 1' should be 'Position: 0'" }
        @{ Case = 'wrong pipeline input'; Find = 'Accept pipeline input: True (ByValue)'; Replace = 'Accept pipeline input: False'; Check = 'Yaml'; Message = "-Name (parameter set ByName): 'Accept pipeline input: False' should be 'Accept pipeline input: True (ByValue)'" }
        @{ Case = 'wrong wildcards'; Find = 'Accept wildcard characters: True'; Replace = 'Accept wildcard characters: False'; Check = 'Yaml'; Message = "-Filter: 'Accept wildcard characters: False' should be 'Accept wildcard characters: True'" }
        @{ Case = 'a missing alias'; Find = 'Aliases: Mode'; Replace = 'Aliases:'; Check = 'Yaml'; Message = "-Speed: 'Aliases: ' should be 'Aliases: Mode'" }
        @{ Case = 'wrong accepted values'; Find = 'Accepted values: Fast, Slow'; Replace = 'Accepted values: Fast'; Check = 'Yaml'; Message = "-Speed: 'Accepted values: Fast' should be 'Accepted values: Fast, Slow'" }
        @{ Case = 'a set the parameter is not in'; Find = 'Parameter Sets: ById'; Replace = 'Parameter Sets: ById, ByName'; Check = 'Yaml'; Message = "-Id: 'Parameter Sets:' names 'ByName', but the parameter's sets are: ById" }
        @{ Case = 'an undocumented parameter'; Find = "### -Force`nForces it."; Replace = "### -Forced`nForces it."; Check = 'Parameters'; Message = "parameter -Force of Set-Fixture is not documented (add '### -Force' with a description and a yaml block)" }
        @{ Case = 'a documented parameter the command lacks'; Find = "### -Force`nForces it."; Replace = "### -Forced`nForces it."; Check = 'Parameters'; Message = 'documents -Forced, which Set-Fixture does not have' }
        @{ Case = 'a missing parameter set in the syntax'; Find = '### ById'; Replace = '### ByKey'; Check = 'Syntax'; Message = "## SYNTAX has no block for parameter set 'ById' (expected '### ById')" }
        @{ Case = 'a wrong default set'; Find = '### ByName (Default)'; Replace = '### ByName'; Check = 'Syntax'; Message = "parameter set 'ByName' is the default: the heading should be '### ByName (Default)'" }
        @{ Case = 'a syntax line missing a parameter'; Find = 'Set-Fixture -Id <Int32> [-Speed <String>]'; Replace = 'Set-Fixture -Id <Int32>'; Check = 'Syntax'; Message = "the syntax of parameter set 'ById' does not list -Speed" }
        @{ Case = 'a syntax line with a parameter of another set'; Find = 'Set-Fixture -Id <Int32>'; Replace = 'Set-Fixture -Id <Int32> -Name <String[]>'; Check = 'Syntax'; Message = "the syntax of parameter set 'ById' lists -Name, which is not in that set" }
        @{ Case = 'an example that does not parse'; Find = 'Set-Fixture -Id 10086 -Speed Slow'; Replace = 'Set-Fixture -Id (10086 -Speed Slow'; Check = 'Examples'; Message = "'Example 2: By Id' does not parse: Missing closing ')' in expression." }
        @{ Case = 'an output type not named'; Find = '### System.String'; Replace = '### System.Int32'; Check = 'Outputs'; Message = "## OUTPUTS has no '### System.String', the command's [OutputType]" }
    ) {
        $problems = Get-Problem (New-Variant -Find $Find -Replace $Replace)
        $matching = @($problems | Where-Object { $_.Check -eq $Check -and $_.Message.EndsWith($Message) })
        $matching | Should -HaveCount 1 -Because "the problems were: $($problems.Message -join ' | ')"
        $matching[0].Message | Should -BeLike "$([WildcardPattern]::Escape((Join-Path $TestDrive 'Set-Fixture.md'))):*"
    }

    It 'takes __AllParameterSets, the metadata''s own name, for (All)' {
        Get-Problem (New-Variant -Find 'Parameter Sets: (All)' -Replace 'Parameter Sets: __AllParameterSets') | Should -BeNullOrEmpty
    }

    It 'finds a page with fewer than two examples' {
        $start = $validText.IndexOf('### Example 2')
        $path = Join-Path $TestDrive 'Set-Fixture.md'
        Set-Content -NoNewline -Path $path -Value ($validText.Substring(0, $start) + $validText.Substring($validText.IndexOf('## PARAMETERS')))
        $problems = Get-Problem $path
        ($problems | Where-Object Check -EQ 'Examples').Message | Should -BeLike '*has 1 example(s); every cmdlet needs at least 2*'
    }
}

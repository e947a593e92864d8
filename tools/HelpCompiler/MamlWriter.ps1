# The MAML writer: pages read by Read-WgCommandHelp to the XML Get-Help reads for a binary module.

$script:MamlNs = 'http://schemas.microsoft.com/maml/2004/10'
$script:CommandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:DevNs = 'http://schemas.microsoft.com/maml/dev/2004/10'

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

# What a live command says about itself, in the terms of a page: parameter by parameter, set by set.

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

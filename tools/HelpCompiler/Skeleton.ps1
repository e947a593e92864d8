# A new cmdlet's page, from its live metadata, with placeholders for the prose.

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

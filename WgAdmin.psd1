@{
    RootModule           = 'WgAdmin.psm1'
    # ModuleVersion is stamped by build.ps1 from Directory.Build.props (WgAdminVersion).
    ModuleVersion        = '0.0.0'
    GUID                 = '6f0d3c52-3a57-4f0e-9a4e-1b6a8f2d7c41'
    Author               = 'WgAdmin contributors'
    CompanyName          = 'WgAdmin'
    Copyright            = '(c) WgAdmin contributors. MIT License.'
    Description          = 'Manage WireGuard from PowerShell: typed keys, peers and interfaces; a wg-quick parser and writer faithful to the real tools; applying configurations to Linux gateways over SSH.'
    # The assemblies target .NET 9, which PowerShell 7.5 and later run on.
    PowerShellVersion    = '7.5'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('WgAdmin.Format.ps1xml')
    CmdletsToExport      = @(
        'New-WgKeyPair'
        'New-WgPresharedKey'
        'Get-WgPublicKey'
        'New-WgPeer'
        'New-WgInterface'
        'Add-WgPeer'
        'Remove-WgPeer'
        'ConvertTo-WgConfig'
        'ConvertFrom-WgConfig'
        'Import-WgConfig'
        'Export-WgConfig'
        'New-WgSession'
        'Get-WgSession'
        'Remove-WgSession'
        'Set-WgInterface'
        'Get-WgInterface'
        'Remove-WgInterface'
        'Enable-WgForwarding'
        'Set-WgNat'
        'Sync-WgEndpoint'
        'Compare-WgInterface'
        'New-WgSite'
        'New-WgTopology'
        'Export-WgTopology'
        'Import-WgTopology'
        'Get-WgLanRoute'
        'Set-WgLanRoute'
        'Remove-WgLanRoute'
        'Test-WgTunnel'
        'Export-WgMetrics'
        'Confirm-WgChange'
        'Undo-WgChange'
        'Update-WgPresharedKey'
        'Update-WgKey'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('WireGuard', 'VPN', 'SSH', 'Linux', 'PSEdition_Core')
            LicenseUri = 'https://opensource.org/licenses/MIT'
            # No ProjectUri: the project has no public home yet; add one when it has.
            ReleaseNotes = 'First release: typed keys, peers and interfaces; a wg-quick parser and writer checked against wg and wg-quick; Set-WgInterface, Get-WgInterface and Compare-WgInterface on Linux gateways over SSH; sites and topologies (mesh, hub-and-spoke) with overlap checks, saved to and loaded from topology files; Test-WgTunnel, which proves a tunnel and names what is wrong; Get-WgLanRoute, which lists the routes LAN hosts need, and Set-WgLanRoute and Remove-WgLanRoute, which set them on LAN hosts and take them away. Full offline help (Get-Help), views and tab completion. Loads its SSH.NET, BouncyCastle and NSec in a private load context, so it sits beside other modules that ship other versions.'
        }
    }
}

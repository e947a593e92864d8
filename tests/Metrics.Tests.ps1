BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-TestModule
    $command = 'WgAdmin.Commands.ExportWgMetricsCommand'
    # Nothing listens on port 1: a gateway that cannot be read, without a lab.
    $unreachable = @{ ComputerName = '127.0.0.1'; Port = 1; ConnectTimeoutSeconds = 5; KnownHostsPath = (Join-Path $TestDrive 'known_hosts') }

    # promtool (Debian package prometheus, installed by build.ps1) checks the text; where it is
    # missing the check says so as a skip, and under CI it fails.
    function Assert-Promtool([string] $Path) {
        if (-not (Get-Command promtool -ErrorAction Ignore)) {
            if ($env:CI -eq 'true') { throw 'promtool is missing (build.ps1 Install-TestPrerequisite installs it)' }
            Set-ItResult -Skipped -Because 'promtool is not installed (build.ps1 -Task Test installs it as root)'
            return
        }
        $out = Get-Content -Raw $Path | promtool check metrics 2>&1
        $LASTEXITCODE | Should -Be 0 -Because "promtool check metrics said: $out"
    }

    # A fresh pwsh running one command line, as a scheduled job would: its exit code.
    function Invoke-Job([string] $CommandLine) {
        $manifest = Get-TestModulePath
        & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "Import-Module '$manifest'; $CommandLine" *>&1 | Out-Null
        $LASTEXITCODE
    }
}

# Export-WgMetrics without a lab: what it refuses before connecting, and what it writes for a
# gateway it cannot read. The counters of real gateways: tests/lab/Metrics.Tests.ps1.
Describe 'Export-WgMetrics' {
    It 'is exported, with a help file and a view of its result' {
        (Get-Command Export-WgMetrics).OutputType.Name | Should -Contain 'WgAdmin.Remote.WgMetricsResult'
        (Get-Command Export-WgMetrics).OutputType.Name | Should -Contain 'System.String'
        Get-FormatData -TypeName WgAdmin.Remote.WgMetricsResult | Should -Not -BeNullOrEmpty
    }

    It 'refuses a bad -Name before connecting: <Name>' -ForEach @(@{ Name = 'wg0; reboot' }, @{ Name = 'a-name-too-long-for-linux' }) {
        { Export-WgMetrics @unreachable -Name $Name -ErrorAction Stop } | Should -Throw -ErrorId "WgAdmin.InvalidInterfaceName,$command"
    }

    It 'refuses a -Target that is not an IP address, quoting it' {
        { Export-WgMetrics @unreachable -TestTunnel -Target '10.1.2.0/24' -ErrorAction Stop } |
            Should -Throw -ErrorId "WgAdmin.InvalidTunnelTarget,$command" -ExpectedMessage "*'10.1.2.0/24'*"
    }

    It 'refuses a -Path that is a folder, or in a folder that does not exist, writing nothing' {
        $folder = New-TestFolder
        { Export-WgMetrics @unreachable -Path $folder -ErrorAction Stop } | Should -Throw -ErrorId "WgAdmin.FileWriteFailed,$command"
        $errors = $null
        Export-WgMetrics @unreachable -Path (Join-Path $folder 'missing/wg.prom') -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors.FullyQualifiedErrorId | Should -Contain "WgAdmin.FileWriteFailed,$command"
        Get-ChildItem -Force $folder | Should -BeNullOrEmpty
    }

    It '-WhatIf connects to nothing and writes no file' {
        $file = Join-Path (New-TestFolder) 'wg.prom'
        $errors = $null
        Export-WgMetrics @unreachable -Path $file -WhatIf -ErrorVariable errors -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errors | Should -BeNullOrEmpty
        Test-Path $file | Should -BeFalse
    }

    It 'reports a gateway it cannot read as an error and as wgadmin_export_success 0 in the text' {
        $errors = $null
        $text = Export-WgMetrics @unreachable -ErrorVariable errors -ErrorAction SilentlyContinue
        $errors.FullyQualifiedErrorId | Should -Be "WgAdmin.ConnectionFailed,$command"
        $text | Should -BeOfType ([string])
        $text | Should -Match '(?m)^wgadmin_export_success\{computer_name="127\.0\.0\.1"\} 0$'
        $text | Should -Not -Match 'wireguard_'
    }

    It 'writes the file atomically, mode 0644 whatever the umask, replacing the last one, with a result per gateway' {
        $folder = New-TestFolder
        $file = Join-Path $folder 'wg.prom'
        Set-Content $file 'old'
        $errors = $null
        # umask 077 would make a plain new file 0600, which node_exporter could not read.
        $result = bash -c 'umask 077; exec "$@"' - ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command "Import-Module '$(Get-TestModulePath)'; Export-WgMetrics -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath '$($unreachable.KnownHostsPath)' -Path '$file' -ErrorAction SilentlyContinue | ConvertTo-Json -Compress" | ConvertFrom-Json
        $result.ComputerName | Should -Be '127.0.0.1'
        $result.Success | Should -BeFalse
        $result.Path | Should -Be $file
        $result.Error | Should -Not -BeNullOrEmpty
        (Get-Item $file).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite, GroupRead, OtherRead')
        Get-Content $file | Should -Contain 'wgadmin_export_success{computer_name="127.0.0.1"} 0'
        Get-Content $file | Should -Not -Contain 'old'
        # Nothing but the file: the temporary one was renamed over it.
        (Get-ChildItem -Force $folder).Name | Should -Be 'wg.prom'
        Assert-Promtool $file
    }

    It 'makes a job''s exit code 1 when a gateway cannot be read, and 0 when the command line succeeds' {
        $file = Join-Path (New-TestFolder) 'wg.prom'
        Invoke-Job "Export-WgMetrics -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath '$($unreachable.KnownHostsPath)' -Path '$file'" | Should -Be 1
        Test-Path $file | Should -BeTrue
        # The same pwsh -Command with a command that succeeds: the 1 above came from the export.
        Invoke-Job 'Get-Command Export-WgMetrics | Out-Null' | Should -Be 0
        Invoke-Job "if (-not (Test-WgTunnel -ComputerName 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 5 -KnownHostsPath '$($unreachable.KnownHostsPath)' -Quiet)) { exit 1 }" | Should -Be 1
    }
}

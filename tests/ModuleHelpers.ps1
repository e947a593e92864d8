# Helpers for the tests of the module as a whole (package, install, coexistence, start-up): they
# run PowerShell in a fresh process. Dot-source it in BeforeAll; it defines functions only.

# The command line that starts a fresh PowerShell like the one running: pwsh itself, or the
# dotnet host with pwsh.dll (the repository's dotnet tool).
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }
}

# Runs $Script in a fresh pwsh (-NoProfile -NonInteractive) with $ArgumentList as its parameters,
# and returns what it wrote to the pipeline (through CliXml). The child's module path holds only an
# empty folder (pwsh adds its own Modules folder and the user folder under its home), and with
# -UserHome it gets that folder as its home, so it sees nothing the user installed. A failure
# (non-zero exit, or no result) throws with everything the child printed.
function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $Script,
        [object[]] $ArgumentList = @(),
        [string] $UserHome,
        [hashtable] $Environment = @{},
        [int] $TimeoutSeconds = 300
    )
    $work = New-Item -ItemType Directory (Join-Path $TestDrive "pwsh-$([guid]::NewGuid().ToString('N'))")
    $scriptPath = Join-Path $work 'script.ps1'
    $resultPath = Join-Path $work 'result.xml'
    Set-Content -LiteralPath $scriptPath -Value $Script
    $wrapperPath = Join-Path $work 'wrapper.ps1'
    Set-Content -LiteralPath $wrapperPath -Value @'
$ErrorActionPreference = 'Stop'
$scriptPath, $resultPath = $args[0], $args[1]
$arguments = @($args | Select-Object -Skip 2)
$output = & $scriptPath @arguments
Export-Clixml -LiteralPath $resultPath -InputObject @($output) -Depth 3
'@
    $command = Get-PwshCommand
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($argument in @($command | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $wrapperPath, $scriptPath, $resultPath) + @($ArgumentList | ForEach-Object { "$_" })) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.Environment['NO_COLOR'] = '1'
    $startInfo.Environment['PSModulePath'] = (New-Item -ItemType Directory (Join-Path $work 'modules')).FullName
    if ($UserHome) {
        New-Item -ItemType Directory -Force $UserHome | Out-Null
        $startInfo.Environment['HOME'] = $UserHome
        foreach ($name in 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME') { $startInfo.Environment.Remove($name) | Out-Null }
    }
    foreach ($name in $Environment.Keys) { $startInfo.Environment[$name] = $Environment[$name] }
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "The fresh pwsh did not finish within $TimeoutSeconds seconds."
        }
        $process.WaitForExit()
        $printed = ("exit code $($process.ExitCode)`n$($stdout.GetAwaiter().GetResult())`n$($stderr.GetAwaiter().GetResult())") -replace '\x1b\[[0-9;?]*[A-Za-z]', ''
        if ($process.ExitCode -ne 0 -or -not (Test-Path $resultPath)) { throw "The fresh pwsh failed: $printed" }
    }
    finally {
        $process.Dispose()
    }
    $result = Import-Clixml -LiteralPath $resultPath
    if ($result.Count -eq 1) { $result[0] } else { $result }
}

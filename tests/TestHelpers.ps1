# Helpers shared by the Pester tests, tests/lab's suites too. Dot-source it in BeforeAll (and in
# BeforeDiscovery for the oracle checks and for Import-TestModule there); it defines functions
# only and touches nothing.

# The manifest of the module under test, as a full path: WGADMIN_MODULE_PATH (a .psd1, or a module
# folder, versioned or not: build.ps1 passes out/WgAdmin/<version>/WgAdmin.psd1), else the newest
# build under out/WgAdmin.
function Get-TestModulePath {
    $path = if ($env:WGADMIN_MODULE_PATH) { $env:WGADMIN_MODULE_PATH } else { Join-Path $PSScriptRoot '../out/WgAdmin' }
    if (Test-Path -PathType Leaf $path) { return (Resolve-Path $path).Path }
    $manifest = Get-ChildItem $path -Filter 'WgAdmin.psd1' -Recurse -File -ErrorAction Ignore |
        Sort-Object { (Split-Path -Leaf $_.DirectoryName) -as [version] } -Descending | Select-Object -First 1
    if (-not $manifest) { throw "No WgAdmin.psd1 under '$path': build the module first (build.ps1 -Task Build)." }
    $manifest.FullName
}

# Imports the module under test (Get-TestModulePath) afresh, for the whole session.
function Import-TestModule {
    Import-Module (Get-TestModulePath) -Force -Global
}

# Why a real-tool oracle cannot run here, or $null when it can.
function Get-OracleProblem {
    param(
        [Parameter(Mandatory)] [string] $Tool,
        [switch] $NeedsRoot
    )
    if (-not $IsLinux) { return "$Tool is a Linux oracle and this is not Linux" }
    if (-not (Get-Command $Tool -CommandType Application -ErrorAction Ignore)) { return "$Tool is not installed (apt-get install wireguard-tools)" }
    if ($NeedsRoot -and (id -u) -ne '0') { return "$Tool needs root here and this is not root" }
    $null
}

# Runs a native program with its arguments passed one by one (no shell), feeds it $InputText on
# stdin, and returns stdout and stderr exactly as written: PowerShell's own capture of native
# output would split it into lines and drop the trailing newlines.
function Invoke-NativeRaw {
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [string] $InputText
    )
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $startInfo.ArgumentList.Add($argument) }
    $startInfo.UseShellExecute = $false
    $startInfo.RedirectStandardOutput = $true
    $startInfo.RedirectStandardError = $true
    $startInfo.RedirectStandardInput = $true
    $process = [System.Diagnostics.Process]::Start($startInfo)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if ($PSBoundParameters.ContainsKey('InputText')) { $process.StandardInput.Write($InputText) }
        $process.StandardInput.Close()
        if (-not $process.WaitForExit(30000)) {
            $process.Kill($true)
            throw "$FilePath did not finish within 30 seconds."
        }
        [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.GetAwaiter().GetResult(); StdErr = $stderr.GetAwaiter().GetResult() }
    }
    finally {
        $process.Dispose()
    }
}

# The error record a script block throws (a terminating error), or $null if it throws none.
function Get-ThrownError {
    param([Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    try {
        & $ScriptBlock | Out-Null
        $null
    }
    catch {
        $_
    }
}

function Get-InnermostException {
    param([Parameter(Mandatory)] [System.Exception] $Exception)
    while ($null -ne $Exception.InnerException) { $Exception = $Exception.InnerException }
    $Exception
}

# Every message an error record carries, however it is shown: its default rendering, every
# property, Get-Error's deep view (which shows the exception's own properties, such as a WgError's
# Offender), and the message of each exception in its chain.
function Get-ErrorText {
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $ErrorRecord)
    $parts = foreach ($record in $ErrorRecord) {
        $record | Out-String -Width 4096
        $record | Format-List * -Force | Out-String -Width 4096
        Get-Error -InputObject $record | Out-String -Width 4096
        $record.ToString()
        "$($record.TargetObject)"
        $exception = $record.Exception
        while ($null -ne $exception) {
            $exception.Message
            $exception = $exception.InnerException
        }
    }
    $parts -join "`n"
}

# Pieces of a base64 key that must never show: the whole key, the key without its '=' padding,
# and every run of 16 of its characters (a truncated or wrapped rendering still leaks that much;
# 16 base64 characters are 96 bits, so a match by chance is out of the question).
function Get-SecretFragment {
    param([Parameter(Mandatory)] [string[]] $Secret)
    foreach ($key in $Secret) {
        $key
        $body = $key.TrimEnd('=')
        $body
        for ($i = 0; $i + 16 -le $body.Length; $i++) { $body.Substring($i, 16) }
    }
}

# The secret fragments that appear in $Text (none, when nothing leaks).
function Find-Secret {
    param(
        [AllowNull()] [AllowEmptyString()] [string] $Text,
        [Parameter(Mandatory)] [string[]] $Secret
    )
    if ([string]::IsNullOrEmpty($Text)) { return }
    Get-SecretFragment $Secret | Where-Object { $Text.Contains($_, [System.StringComparison]::Ordinal) } | Select-Object -Unique
}

# A fresh empty folder under $TestDrive for one test, so tests never see each other's files.
function New-TestFolder {
    New-Item -ItemType Directory -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))) | Select-Object -ExpandProperty FullName
}

# A key in wg's base64 form whose value is otherwise valid but whose '=' padding is missing, or
# with one character replaced: derived from a real key, so a leak of it would be a real leak.
function Get-CorruptKey {
    param([Parameter(Mandatory)] [string] $Key, [ValidateSet('Truncate', 'BadCharacter')] [string] $How = 'Truncate')
    switch ($How) {
        'Truncate' { $Key.Substring(0, 43) }
        'BadCharacter' { $Key.Substring(0, 20) + '!' + $Key.Substring(21) }
    }
}

# Tab completion as an admin meets it: TabExpansion2 on each line, in a fresh pwsh that imports
# the module after running $Setup, with the given environment variables (HOME, for one) and
# current folder. One object per line: the completion texts, their tooltips, and how long it took.
function Invoke-TabCompletion {
    param(
        [Parameter(Mandatory)] [string] $ModulePath,
        [Parameter(Mandatory)] [string[]] $Line,
        [hashtable] $Environment = @{},
        [string] $Setup = '',
        [string] $Location = $TestDrive
    )
    $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $work | Out-Null
    $linesFile = Join-Path $work 'lines.json'
    ConvertTo-Json -InputObject @($Line) | Set-Content $linesFile
    $setupFile = Join-Path $work 'setup.ps1'
    Set-Content $setupFile $Setup
    $script = Join-Path $work 'complete.ps1'
    Set-Content $script @'
param([string] $ModulePath, [string] $LinesFile, [string] $SetupFile, [string] $Location)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
Set-Location $Location
. $SetupFile
$results = foreach ($line in Get-Content -Raw $LinesFile | ConvertFrom-Json) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $found = TabExpansion2 -inputScript $line -cursorColumn $line.Length
    [pscustomobject]@{ Line = $line; Matches = @($found.CompletionMatches | ForEach-Object CompletionText); Tooltips = @($found.CompletionMatches | ForEach-Object ToolTip); Milliseconds = $clock.ElapsedMilliseconds }
}
ConvertTo-Json -InputObject @($results) -Depth 4
'@
    $start = [Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    foreach ($argument in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', $script, '-ModulePath', $ModulePath,
        '-LinesFile', $linesFile, '-SetupFile', $setupFile, '-Location', $Location) { $start.ArgumentList.Add($argument) }
    foreach ($key in $Environment.Keys) { $start.Environment[$key] = $Environment[$key] }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($start)
    try {
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        if (-not $process.WaitForExit(120000)) { $process.Kill($true); throw 'The completing pwsh did not finish within 2 minutes.' }
        if ($process.ExitCode -ne 0) { throw "The completing pwsh failed ($($process.ExitCode)): $($stderr.Result)" }
        $stdout | ConvertFrom-Json
    }
    finally {
        $process.Dispose()
    }
}

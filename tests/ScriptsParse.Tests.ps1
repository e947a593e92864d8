# Every PowerShell file of the repository parses. Some run only in the lab or in benchmarks
# (tests/lab/Bench-Lab.ps1, the examples), so a syntax error there would otherwise wait for the
# next benchmark run to show: a merge once left Bench-Lab.ps1 unparseable for a day.

BeforeDiscovery {
    $root = Split-Path $PSScriptRoot -Parent
    $skip = [regex]'[\\/](out|bin|obj|node_modules|\.git)[\\/]'
    $script:fileCases = Get-ChildItem $root -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' |
        Where-Object { -not $skip.IsMatch($_.FullName) } |
        ForEach-Object { @{ Path = $_.FullName; Name = [IO.Path]::GetRelativePath($root, $_.FullName) } }
}

Describe 'PowerShell files' {
    It 'finds the repository''s scripts' {
        $fileCases.Count | Should -BeGreaterThan 20
        $fileCases.Name | Should -Contain ([IO.Path]::Combine('tests', 'lab', 'Bench-Lab.ps1'))
    }

    It '<Name> parses' -ForEach $fileCases {
        $tokens = $null; $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
        $errors | ForEach-Object { "$($_.Extent.StartLineNumber): $($_.Message)" } | Should -BeNullOrEmpty
    }
}

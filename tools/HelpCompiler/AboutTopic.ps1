# About topics: an about_X.md page to the plain text of about_X.help.txt.

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

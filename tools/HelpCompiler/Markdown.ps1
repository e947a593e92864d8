# Markdown, as the help pages use it: a page split into headings, fenced code and text lines,
# text lines joined into paragraphs, and the parse error that names the file and line.

function New-ParseError {
    param([string] $File, [int] $Line, [string] $Message)
    [System.FormatException]::new("${File}:${Line}: $Message")
}

# Splits a page into blocks: headings, fenced code and text lines, each with its line number.
# A fence left open is an error at the line that opened it.
function Read-MarkdownBlock {
    param([string] $File, [string[]] $Lines, [int] $FirstLine)
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        $number = $FirstLine + $i
        if ($line -match '^(`{3,})\s*([\w-]*)\s*$') {
            $fence = $Matches[1]; $language = $Matches[2]
            $body = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch "^$fence\s*$") {
                # An opening fence with a language inside a block: the block before it was never closed.
                if ($Lines[$i] -match '^`{3,}[\w-]+\s*$') { throw (New-ParseError $File $number "code fence opened here is not closed before another opens at line $($FirstLine + $i)") }
                $body.Add($Lines[$i]); $i++
            }
            if ($i -ge $Lines.Count) { throw (New-ParseError $File $number "code fence opened here is never closed") }
            $blocks.Add([pscustomobject]@{ Kind = 'Code'; Line = $number; Level = 0; Text = ($body -join "`n"); Language = $language })
        }
        elseif ($line -match '^(#{1,6})\s+(.*?)\s*$') {
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Line = $number; Level = $Matches[1].Length; Text = $Matches[2]; Language = '' })
        }
        else {
            $blocks.Add([pscustomobject]@{ Kind = 'Text'; Line = $number; Level = 0; Text = $line; Language = '' })
        }
        $i++
    }
    , $blocks
}

# Text lines to paragraphs: blank lines separate them; a paragraph with list items, table rows
# or indented lines keeps its lines, any other is joined with spaces.
function ConvertTo-Paragraph {
    param([string[]] $Lines)
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($current.Count -gt 0) {
            # List items, table rows and indented (code) lines keep their own lines.
            $structured = @($current | Where-Object { $_ -match '^\s*([-*+]|\d+\.|\|)\s' -or $_ -match '^ {4}' }).Count -gt 0
            $paragraphs.Add(($current -join $(if ($structured) { "`n" } else { ' ' })))
            $current.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($line.Trim() -eq '') { & $flush; continue }
        $current.Add($line.TrimEnd())
    }
    & $flush
    , $paragraphs.ToArray()
}

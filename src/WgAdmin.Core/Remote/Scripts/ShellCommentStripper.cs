using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// A library script as it is sent: without its comment lines and blank lines, which are a third
/// of the text every apply sends. Only whole lines go, and only where the shell would read them
/// as nothing: never inside a quoted string that spans lines or a here-document's body. A line
/// with code and a comment after it stays as it is. Installed files keep their comments.
/// </summary>
public static class ShellCommentStripper
{
    public static string Strip(string script)
    {
        var text = new StringBuilder(script.Length);
        var state = new Lexer();
        foreach (var line in script.Split('\n'))
        {
            if (state.AtCode && IsNothing(line))
                continue;
            text.Append(line).Append('\n');
            state.Read(line);
        }
        // Split gives one empty piece after a final line end; the loop dropped it, as a blank line.
        return text.ToString();
    }

    private static bool IsNothing(string line)
    {
        var trimmed = line.AsSpan().TrimStart(" \t");
        return trimmed.IsEmpty || trimmed[0] == '#';
    }

    /// <summary>
    /// Where a line starts: in code, inside a quoted string, or inside a here-document. Quotes
    /// nest through command substitution ("$(tr -d '"')" is one string), so the lexer keeps a
    /// stack: code, then a double-quoted string, then the code of a $( ) inside it, and so on.
    /// </summary>
    private sealed class Lexer
    {
        private readonly Stack<Frame> _frames = new([new Frame(InString: false)]);
        private char _literal;                     // '\'' inside '...', '$' inside $'...', or none
        private readonly Queue<(string Word, bool Tabs)> _pending = new();
        private (string Word, bool Tabs)? _heredoc;

        public bool AtCode => _literal == '\0' && _heredoc is null && _frames.Count == 1;

        public void Read(string line)
        {
            if (_heredoc is { } doc)
            {
                var end = doc.Tabs ? line.TrimStart('\t') : line;
                if (end == doc.Word)
                    _heredoc = _pending.Count > 0 ? _pending.Dequeue() : null;
                return;
            }
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (_literal == '\'')
                {
                    if (c == '\'') _literal = '\0';
                    continue;
                }
                if (_literal == '$')
                {
                    if (c == '\\') i++;
                    else if (c == '\'') _literal = '\0';
                    continue;
                }
                var frame = _frames.Peek();
                if (c == '\\') { i++; continue; }
                if (c == '$' && i + 1 < line.Length && line[i + 1] == '(') { _frames.Push(new Frame(InString: false)); i++; continue; }
                if (frame.InString)
                {
                    if (c == '"') _frames.Pop();
                    continue;
                }
                switch (c)
                {
                    case '\'': _literal = '\''; continue;
                    case '"': _frames.Push(new Frame(InString: true)); continue;
                    case '$' when i + 1 < line.Length && line[i + 1] == '\'': _literal = '$'; i++; continue;
                    case '(': frame.Parens++; continue;
                    case ')' when frame.Parens > 0: frame.Parens--; continue;
                    case ')' when _frames.Count > 1: _frames.Pop(); continue;
                }
                // A comment runs to the end of the line: a # that starts a word.
                if (c == '#' && (i == 0 || " \t;|&(".Contains(line[i - 1])))
                    break;
                if (c == '<' && i + 1 < line.Length && line[i + 1] == '<')
                    i = ReadHeredocWord(line, i + 2);
            }
            if (_literal == '\0' && _pending.Count > 0)
                _heredoc = _pending.Dequeue();
        }

        /// <summary>Code (its open parentheses counted, so that the ")" closing a $( ) is told apart) or a double-quoted string.</summary>
        private sealed class Frame(bool InString)
        {
            public bool InString { get; } = InString;
            public int Parens { get; set; }
        }

        /// <summary>After "&lt;&lt;": a here-document's word ("DUMP", "'EOF'", "-EOF"); a here-string or a shift is not one.</summary>
        private int ReadHeredocWord(string line, int i)
        {
            if (i < line.Length && line[i] == '<')
                return i;                           // <<<, a here-string
            var tabs = i < line.Length && line[i] == '-';
            if (tabs) i++;
            while (i < line.Length && line[i] is ' ' or '\t') i++;
            var quoted = i < line.Length && line[i] is '\'' or '"';
            var start = quoted ? i + 1 : i;
            var end = start;
            while (end < line.Length && (char.IsAsciiLetterOrDigit(line[end]) || line[end] == '_')) end++;
            // A shift in arithmetic (1 << 24, x << (32 - l)) has no word that starts with a letter.
            if (end == start || !(char.IsAsciiLetter(line[start]) || line[start] == '_'))
                return i - 1;
            _pending.Enqueue((line[start..end], tabs));
            return quoted ? end : end - 1;
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>
/// The values a script is given: quoted shell assignments (and positional arguments) put before
/// its text, the only way anything from C# reaches a host's shell. Multi-line values go as they
/// are, single-quoted. A script declares what it expects with `: "${name:?}"` on its first lines.
/// </summary>
public sealed partial class ScriptValues
{
    private readonly List<(string Name, string Value)> _values = new();
    private readonly List<string> _arguments = new();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex NamePattern();

    public IReadOnlyList<(string Name, string Value)> Values => _values;

    /// <summary>Sets a variable; a name given twice must have the same value (two steps writing one file).</summary>
    public ScriptValues Set(string name, string value)
    {
        if (!NamePattern().IsMatch(name))
            throw new ArgumentException($"'{name}' is not a script variable name.", nameof(name));
        var index = _values.FindIndex(v => v.Name == name);
        if (index < 0)
            _values.Add((name, value));
        else if (_values[index].Value != value)
            throw new InvalidOperationException($"The script variable '{name}' was given two different values.");
        return this;
    }

    public ScriptValues Set(string name, int value) => Set(name, value.ToString(CultureInfo.InvariantCulture));

    public ScriptValues Set(string name, bool value) => Set(name, value ? "1" : "0");

    public ScriptValues Set(ScriptValues other)
    {
        foreach (var (name, value) in other._values)
            Set(name, value);
        return this;
    }

    /// <summary>The script's positional arguments ("$@").</summary>
    public ScriptValues Arguments(IEnumerable<string> arguments)
    {
        _arguments.AddRange(arguments);
        return this;
    }

    /// <summary>The assignments, one a line (multi-line values span lines inside their quotes), then `set --` with the arguments.</summary>
    public string Prelude()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in _values)
            text.Append(name).Append('=').Append(ShellQuote.QuoteText(value)).Append('\n');
        if (_arguments.Count > 0)
            text.Append("set -- ").Append(ShellQuote.Join(_arguments)).Append('\n');
        return text.ToString();
    }
}

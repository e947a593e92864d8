using System.Globalization;
using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// The Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector
/// and promtool read it: per family one HELP and one TYPE line, then its samples together. Label
/// values are escaped (backslash, double quote, newline) and other control characters dropped, since
/// they come from hosts and files: a peer name must not end a label or start a line of its own.
/// </summary>
public sealed class PrometheusText
{
    private sealed record Family(string Name, string Type, string Help, List<string> Samples);

    private readonly Dictionary<string, Family> _families = new(StringComparer.Ordinal);
    private readonly List<Family> _order = new();

    /// <summary>Declares a family once ("counter" or "gauge"); samples are added with Add.</summary>
    public PrometheusText Declare(string name, string type, string help)
    {
        if (!IsMetricName(name))
            throw new ArgumentException($"'{name}' is not a metric name.", nameof(name));
        if (!_families.ContainsKey(name))
        {
            var family = new Family(name, type, help, new List<string>());
            _families[name] = family;
            _order.Add(family);
        }
        return this;
    }

    /// <summary>One sample of a declared family; labels whose value is null are left out.</summary>
    public void Add(string name, double value, params (string Label, string? Value)[] labels) => Add(name, FormatValue(value), labels);

    /// <summary>A counter or gauge that is a whole number, written exactly (bytes past 2^53 too).</summary>
    public void Add(string name, long value, params (string Label, string? Value)[] labels) => Add(name, value.ToString(CultureInfo.InvariantCulture), labels);

    private void Add(string name, string value, (string Label, string? Value)[] labels)
    {
        var family = _families[name];
        var line = new StringBuilder(name);
        var present = labels.Where(l => l.Value is not null).ToArray();
        if (present.Length > 0)
            line.Append('{').AppendJoin(',', present.Select(l => $"{l.Label}=\"{EscapeLabelValue(l.Value!)}\"")).Append('}');
        line.Append(' ').Append(value);
        family.Samples.Add(line.ToString());
    }

    public int SampleCount => _order.Sum(f => f.Samples.Count);

    /// <summary>The text; families without samples are left out (promtool flags a lone HELP as nothing wrong, but it says nothing).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var family in _order.Where(f => f.Samples.Count > 0))
        {
            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type).Append('\n');
            foreach (var sample in family.Samples)
                text.Append(sample).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>A label value as the format quotes it: \\, \" and \n escaped, other control characters (and lone surrogates) dropped.</summary>
    public static string EscapeLabelValue(string value)
    {
        var escaped = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case '"': escaped.Append("\\\""); break;
                case '\n': escaped.Append(@"\n"); break;
                case var _ when char.IsControl(c):
                    break;
                case var _ when char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]):
                    escaped.Append(c).Append(value[++i]);
                    break;
                case var _ when char.IsSurrogate(c):
                    break;
                default: escaped.Append(c); break;
            }
        }
        return escaped.ToString();
    }

    /// <summary>HELP text: backslash and newline escaped.</summary>
    public static string EscapeHelp(string help) => help.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>A sample value: integers as integers, other numbers round-trip, and the format's NaN, +Inf, -Inf.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ when value == Math.Floor(value) && Math.Abs(value) < 1e15 => ((long)value).ToString(CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>[a-zA-Z_:][a-zA-Z0-9_:]*</summary>
    public static bool IsMetricName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');
}

using System.Collections;
using System.Management.Automation;

namespace WgAdmin.Commands;

/// <summary>
/// Reads one value of a parameter dictionary: a cmdlet's bound parameters (typed values) or a
/// completer's fakeBoundParameters (values as typed on the line so far). An absent, empty or
/// unconvertible value reads as absent.
/// </summary>
internal static class BoundValues
{
    public static string? String(IDictionary bound, string name) =>
        bound.Contains(name) && bound[name] is { } value && LanguagePrimitives.TryConvertTo<string>(value, out var text) && !string.IsNullOrEmpty(text) ? text : null;

    public static string[] Strings(IDictionary bound, string name) =>
        bound.Contains(name) && bound[name] is { } value && LanguagePrimitives.TryConvertTo<string[]>(value, out var texts)
            ? texts.Where(t => !string.IsNullOrEmpty(t)).ToArray()
            : Array.Empty<string>();

    public static T? Value<T>(IDictionary bound, string name) where T : struct =>
        bound.Contains(name) && bound[name] is { } value && LanguagePrimitives.TryConvertTo<T>(value, out var typed) ? typed : null;
}

using System.Collections;
using System.Management.Automation;
using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Commands;

/// <summary>
/// Converts strings to WgAdmin's typed values with their own parsers, so a bad value fails with
/// WgAdmin's message. PowerShell's own conversion error would quote the value, and for a private
/// or preshared key that value is a secret.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class WgTransformationAttribute : ArgumentTransformationAttribute
{
    private readonly Type _target;

    public WgTransformationAttribute(Type target) => _target = target;

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        if (inputData is null)
            return null;
        if (_target.IsArray)
        {
            var elementType = _target.GetElementType()!;
            var items = Unwrap(inputData) is IEnumerable enumerable and not string
                ? enumerable.Cast<object?>().ToList()
                : new List<object?> { inputData };
            var converted = items.Select(item => ConvertOne(item, elementType)).ToList();
            // An item of another type (a key pair piped to -PrivateKey) is left to PowerShell's
            // binder, which then tries the pipeline object's properties by name.
            if (converted.Any(item => item is not null && !elementType.IsInstanceOfType(item)))
                return converted.ToArray();
            var array = Array.CreateInstance(elementType, converted.Count);
            for (var i = 0; i < converted.Count; i++)
                array.SetValue(converted[i], i);
            return array;
        }
        return ConvertOne(inputData, _target);
    }

    private static object? Unwrap(object? value) => value is PSObject psObject ? psObject.BaseObject : value;

    private static object? ConvertOne(object? value, Type target)
    {
        value = Unwrap(value);
        if (value is null || target.IsInstanceOfType(value))
            return value;
        if (value is not string text)
            return value; // leave other types to PowerShell's binder
        // A key file as `wg genkey > file` writes it ends in a newline, which `wg pubkey` accepts
        // too: `Get-Content -Raw key | Get-WgPublicKey` works. Nothing else is trimmed.
        if (target == typeof(WgPrivateKey) || target == typeof(WgPublicKey) || target == typeof(WgPresharedKey))
            text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        try
        {
            return target switch
            {
                _ when target == typeof(WgPrivateKey) => WgPrivateKey.Parse(text),
                _ when target == typeof(WgPublicKey) => WgPublicKey.Parse(text),
                _ when target == typeof(WgPresharedKey) => WgPresharedKey.Parse(text),
                _ when target == typeof(WgEndpoint) => WgEndpoint.Parse(text),
                _ when target == typeof(WgPrefix) => WgPrefix.Parse(text),
                _ => value,
            };
        }
        catch (WgException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message, ex);
        }
    }
}

using System.Collections;
using System.Management.Automation;
using System.Net;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Commands;

/// <summary>
/// Converts strings to WgAdmin's typed values with their own parsers, so a bad value fails with
/// WgAdmin's message. PowerShell's own conversion error would quote the value, and for a private
/// or preshared key that value is a secret. Numbers take the rule of their wg key (<see cref="Field"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class WgTransformationAttribute : ArgumentTransformationAttribute
{
    private readonly Type _target;

    public WgTransformationAttribute(Type target) => _target = target;

    /// <summary>For an int, uint or IPAddress target: the wg key whose rule applies (ListenPort, MTU, PersistentKeepalive, FwMark) or the name an address error gives.</summary>
    public string? Field { get; set; }

    /// <summary>
    /// Bind a <see cref="WgInvalidArgument"/> instead of failing, for an object-typed parameter the
    /// cmdlet checks itself: a failed binding keeps the pipeline object in its error record.
    /// </summary>
    public bool Defer { get; set; }

    /// <summary>With <see cref="Defer"/>, take an object's property of this name, as binding by property name would have.</summary>
    public string? FromProperty { get; set; }

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        try
        {
            return TransformAll(inputData);
        }
        catch (WgException ex) when (Defer)
        {
            return new WgInvalidArgument(ex);
        }
        catch (WgException ex)
        {
            throw new ArgumentTransformationMetadataException(ex.Message, ex);
        }
    }

    private object? TransformAll(object? inputData)
    {
        if (inputData is null)
            return null;
        if (!_target.IsArray)
            return ConvertOne(inputData, _target);
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

    private static object? Unwrap(object? value) => value is PSObject psObject ? psObject.BaseObject : value;

    private object? ConvertOne(object? value, Type target)
    {
        var wrapped = value; // a PSCustomObject's properties live on its wrapper
        value = Unwrap(value);
        if (value is null || target.IsInstanceOfType(value))
            return value;
        if (value is string text)
            return Parse(text, target);
        if (!Defer)
            return value; // leave other types to PowerShell's binder
        if (FromProperty is not null && PSObject.AsPSObject(wrapped!).Properties[FromProperty] is { } property)
            return ConvertOne(property.Value, target);
        if (LanguagePrimitives.TryConvertTo(value, target, out var result))
            return target == typeof(int) || target == typeof(uint) ? Parse(Convert.ToString(result, System.Globalization.CultureInfo.InvariantCulture)!, target) : result;
        throw new WgException(new WgError(IdFor(target), $"{Field ?? target.Name}: a {value.GetType().Name} is not a {target.Name}."));
    }

    private object Parse(string text, Type target)
    {
        // A key file as `wg genkey > file` writes it ends in a newline, which `wg pubkey` accepts
        // too: `Get-Content -Raw key | Get-WgPublicKey` works. Nothing else is trimmed.
        if (target == typeof(WgPrivateKey) || target == typeof(WgPublicKey) || target == typeof(WgPresharedKey))
            text = text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        WgError? error = null;
        object? parsed = target switch
        {
            _ when target == typeof(WgPrivateKey) => WgPrivateKey.Parse(text),
            _ when target == typeof(WgPublicKey) => WgPublicKey.Parse(text),
            _ when target == typeof(WgPresharedKey) => WgPresharedKey.Parse(text),
            _ when target == typeof(WgEndpoint) => WgEndpoint.Parse(text),
            _ when target == typeof(WgPrefix) => WgPrefix.Parse(text),
            _ when target == typeof(IPAddress) => WgValues.TryParseAddress(text, Field ?? "The address", out var address, out error) ? address : null,
            _ when target == typeof(uint) && Field == "FwMark" => WgValues.TryParseFwMark(text, out var mark, out error) ? mark : null,
            _ when target == typeof(int) && Field == "ListenPort" => WgValues.TryParsePort(text, out var port, out error) ? port : null,
            _ when target == typeof(int) && Field == "MTU" => WgValues.TryParseMtu(text, out var mtu, out error) ? mtu : null,
            _ when target == typeof(int) && Field == "PersistentKeepalive" => WgValues.TryParseKeepalive(text, out var seconds, out error) ? seconds : null,
            _ => text,
        };
        return parsed ?? throw new WgException(error!);
    }

    private string IdFor(Type target) => target switch
    {
        _ when target == typeof(WgPrivateKey) || target == typeof(WgPublicKey) || target == typeof(WgPresharedKey) => WgErrorId.InvalidKey,
        _ when target == typeof(WgEndpoint) => WgErrorId.InvalidEndpoint,
        _ when target == typeof(WgPrefix) || target == typeof(IPAddress) => WgErrorId.InvalidPrefix,
        _ => Field switch
        {
            "FwMark" => WgErrorId.InvalidFwMark,
            "MTU" => WgErrorId.InvalidMtu,
            "PersistentKeepalive" => WgErrorId.InvalidKeepalive,
            _ => WgErrorId.InvalidPort,
        },
    };
}

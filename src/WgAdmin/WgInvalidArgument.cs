namespace WgAdmin.Commands;

/// <summary>
/// What a deferring <see cref="WgTransformationAttribute"/> binds in place of a value it cannot
/// convert. Binding then succeeds, so PowerShell keeps no pipeline object (a CSV row with its
/// private key) in an error record; the cmdlet reports the problems itself, without the object.
/// </summary>
public sealed class WgInvalidArgument
{
    public WgInvalidArgument(WgException exception) => Exception = exception;

    public WgException Exception { get; }

    public override string ToString() => Exception.Message;
}

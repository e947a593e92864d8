using System.Management.Automation;
using WgAdmin.Config;

namespace WgAdmin.Commands;

/// <summary>
/// The one interface-name rule (<see cref="WgValues.CheckInterfaceName"/>) as a parameter check,
/// so a bad name fails at binding, before any gateway is contacted. ValidatePattern's "$" would
/// let "wg0\n" through, and it knows nothing of wg's keywords or of "." and "..".
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateInterfaceNameAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var name = arguments is PSObject wrapped ? wrapped.BaseObject : arguments;
        if (WgValues.CheckInterfaceName(name as string) is { } problem)
            throw new ValidationMetadataException(problem.Message, new WgException(problem));
    }
}

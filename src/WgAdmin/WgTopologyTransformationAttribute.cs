using System.Collections;
using System.Management.Automation;
using WgAdmin.Model;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Lets -Topology take what New-WgTopology and Import-WgTopology write by default, the
/// interfaces, as well as the topology itself: the interfaces a topology built stand for it. An
/// interface no topology built (a copy, one read from a .conf file), or interfaces of several
/// topologies, are refused with a message saying what to pass instead.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class WgTopologyTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = Unwrap(inputData);
        if (value is null or WgTopology)
            return inputData;
        var items = value is IEnumerable enumerable and not string ? enumerable.Cast<object?>().Select(Unwrap).ToList() : new List<object?> { value };
        if (items.Count == 0 || !items.All(item => item is WgInterface or WgTopology))
            return inputData; // PowerShell's binder says what it cannot convert
        var topologies = items.Select(item => item as WgTopology ?? WgTopology.Of((WgInterface)item!)).ToList();
        if (topologies.FindIndex(t => t is null) is var unknown and >= 0)
            throw new ArgumentTransformationMetadataException(
                $"The interface {Quote.Value(items[unknown]!.ToString()!)} was not built by New-WgTopology or Import-WgTopology here, so its topology is unknown: pass the topology itself (New-WgTopology -AsTopology, Import-WgTopology -AsTopology).");
        var distinct = topologies.Distinct(ReferenceEqualityComparer.Instance).ToList();
        if (distinct.Count > 1)
            throw new ArgumentTransformationMetadataException($"The interfaces come from {distinct.Count} topologies; pass one topology at a time.");
        return distinct[0];
    }

    private static object? Unwrap(object? value) => value is PSObject psObject ? psObject.BaseObject : value;
}

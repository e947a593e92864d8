using System.Management.Automation;
using WgAdmin.Keys;
using WgAdmin.Model;

namespace WgAdmin.Commands;

/// <summary>Remove-WgPeer: removes peers from an interface object, by public key or by name (not under -WhatIf).</summary>
[Cmdlet(VerbsCommon.Remove, "WgPeer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = ByKeySet)]
[OutputType(typeof(WgInterface))]
public sealed class RemoveWgPeerCommand : WgCmdlet
{
    private const string ByKeySet = "ByPublicKey";
    private const string ByNameSet = "ByName";

    /// <summary>The interface. Typed object so that binding never fails (<see cref="WgCmdlet.PipelineValue{T}"/>): a row with a private key is not kept in an error record.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Interface")]
    public object InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByKeySet)]
    [WgTransformation(typeof(WgPublicKey[]))]
    public WgPublicKey[] PublicKey { get; set; } = Array.Empty<WgPublicKey>();

    [Parameter(Mandatory = true, ParameterSetName = ByNameSet)]
    public string[] Name { get; set; } = Array.Empty<string>();

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgInterface>(InputObject, WgErrorId.InvalidInterface, "InputObject", InterfaceHint) is not { } input)
            return;
        var peers = input.Peers.ToList();
        if (ParameterSetName == ByKeySet)
        {
            foreach (var key in PublicKey)
            {
                if (peers.RemoveAll(p => p is not null && p.PublicKey == key) == 0)
                    WritePeerNotFound($"No peer with public key {Quote.PublicKey(key)} is on interface {Quote.Value(input.ToString())}.", key);
            }
        }
        else
        {
            foreach (var name in Name)
            {
                if (peers.RemoveAll(p => p is not null && string.Equals(p.Name, name, StringComparison.Ordinal)) == 0)
                    WritePeerNotFound($"No peer named {Quote.Value(name)} is on interface {Quote.Value(input.ToString())}.", name);
            }
        }
        var removed = input.Peers.Except(peers).ToArray();
        // The interface object is changed in place: -WhatIf leaves it as it was.
        if (removed.Length > 0 && !ShouldProcess(input.ToString(), $"Remove peer(s) {string.Join(", ", removed.Select(p => p.ToString()))}"))
            return;
        input.Peers = peers.ToArray();
        if (PassThru)
            WriteObject(input);
    }

    private void WritePeerNotFound(string message, object target) =>
        WriteError(CreateErrorRecord(new WgError(WgErrorId.PeerNotFound, message), target, ErrorCategory.ObjectNotFound));
}

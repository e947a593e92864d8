using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Commands;

/// <summary>
/// Add-WgPeer: adds peers to an interface object. A peer whose key is already there is refused
/// unless -Force, which replaces it. The interface is changed only when every peer is acceptable
/// (and not at all under -WhatIf).
/// </summary>
[Cmdlet(VerbsCommon.Add, "WgPeer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(WgInterface))]
public sealed class AddWgPeerCommand : WgCmdlet
{
    /// <summary>The interface. Typed object so that binding never fails (<see cref="WgCmdlet.PipelineValue{T}"/>): a row with a private key is not kept in an error record.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Interface")]
    public object InputObject { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Peers")]
    public WgPeer[] Peer { get; set; } = Array.Empty<WgPeer>();

    /// <summary>Replace a peer that has the same public key instead of refusing it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgInterface>(InputObject, WgErrorId.InvalidInterface, "InputObject", InterfaceHint) is not { } input)
            return;
        var peers = input.Peers.ToList();
        foreach (var peer in Peer.Where(p => p is not null))
        {
            var existing = peers.FindIndex(p => p is not null && p.PublicKey == peer.PublicKey);
            if (existing >= 0 && Force)
                peers[existing] = peer.Clone();
            else
                peers.Add(peer.Clone()); // a duplicate without -Force is reported by the validator
        }
        var candidate = input.Clone();
        candidate.Peers = peers.ToArray();
        var errors = WgConfigValidator.Validate(candidate);
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors), input, ErrorCategory.InvalidArgument);
            return;
        }
        // The interface object is changed in place: -WhatIf leaves it as it was.
        if (!ShouldProcess(input.ToString(), $"Add peer(s) {string.Join(", ", Peer.Where(p => p is not null).Select(p => p.ToString()))}"))
            return;
        input.Peers = candidate.Peers;
        if (PassThru)
            WriteObject(input);
    }
}

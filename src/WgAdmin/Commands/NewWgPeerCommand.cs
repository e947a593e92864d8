using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Commands;

/// <summary>New-WgPeer: describes a [Peer]. The public key binds from a key pair in the pipeline.</summary>
[Cmdlet(VerbsCommon.New, "WgPeer")]
[OutputType(typeof(WgPeer))]
public sealed class NewWgPeerCommand : WgCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPublicKey))]
    public WgPublicKey PublicKey { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AllowedIP")]
    [WgTransformation(typeof(WgPrefix[]))]
    public WgPrefix[] AllowedIPs { get; set; } = Array.Empty<WgPrefix>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgEndpoint))]
    public WgEndpoint? Endpoint { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, 65535)]
    public int? PersistentKeepalive { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPresharedKey))]
    public WgPresharedKey? PresharedKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Name { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        var peer = new WgPeer(PublicKey)
        {
            AllowedIPs = AllowedIPs,
            Endpoint = Endpoint,
            PersistentKeepalive = PersistentKeepalive,
            PresharedKey = PresharedKey,
            Name = string.IsNullOrEmpty(Name) ? null : Name,
            Description = string.IsNullOrEmpty(Description) ? null : Description,
        };
        // Validate the peer as the only peer of an empty interface: the same checks a file gets.
        var errors = WgConfigValidator.Validate(new WgInterface { Peers = [peer] });
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors), Name ?? (object)PublicKey, ErrorCategory.InvalidArgument);
            return;
        }
        WriteObject(peer);
    }
}

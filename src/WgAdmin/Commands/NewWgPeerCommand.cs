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
    // The typed values are objects, checked here: a row piped in (Import-Csv) may hold a preshared
    // key, and a value that failed binding would keep the whole row in its error record.

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPublicKey), Defer = true)]
    public object PublicKey { get; set; } = null!;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("AllowedIP")]
    [WgTransformation(typeof(WgPrefix[]), Defer = true)]
    public object AllowedIPs { get; set; } = Array.Empty<WgPrefix>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgEndpoint), Defer = true)]
    public object? Endpoint { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(int), Defer = true, Field = "PersistentKeepalive")]
    public object? PersistentKeepalive { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPresharedKey), Defer = true)]
    public object? PresharedKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Name { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    protected override void ProcessRecord()
    {
        var problems = new List<WgError>();
        var publicKey = Deferred<WgPublicKey>(PublicKey, problems);
        var allowedIPs = Deferred<WgPrefix[]>(AllowedIPs, problems);
        var endpoint = Deferred<WgEndpoint>(Endpoint, problems);
        var keepalive = Deferred<int?>(PersistentKeepalive, problems);
        var presharedKey = Deferred<WgPresharedKey>(PresharedKey, problems);
        if (WriteDeferredProblems(problems))
            return;
        var peer = new WgPeer(publicKey!)
        {
            AllowedIPs = allowedIPs!,
            Endpoint = endpoint,
            PersistentKeepalive = keepalive,
            PresharedKey = presharedKey,
            Name = string.IsNullOrEmpty(Name) ? null : Name,
            Description = string.IsNullOrEmpty(Description) ? null : Description,
        };
        // Validate the peer as the only peer of an empty interface: the same checks a file gets.
        var errors = WgConfigValidator.Validate(new WgInterface { Peers = [peer] });
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors), Name ?? (object)publicKey!, ErrorCategory.InvalidArgument);
            return;
        }
        if (EndpointLoop.Find(endpoint, peer.AllowedIPs) is { } inside)
            WriteWarning($"The endpoint {Quote.Value(endpoint!.ToString())} lies inside the peer's AllowedIPs {Quote.Value(inside.ToString())}: wg-quick routes that prefix into the tunnel, so the packets to the endpoint would loop back into it unless a more specific route keeps them off it. ({WgErrorId.EndpointInsideAllowedIPs})");
        WriteObject(peer);
    }
}

using System.Management.Automation;
using System.Net;
using WgAdmin.Keys;
using WgAdmin.Net;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// New-WgSite: describes a site for New-WgTopology. The public key and gateway bind from a key
/// pair generated on the gateway (New-WgKeyPair -ComputerName), so its private key stays there.
/// </summary>
[Cmdlet(VerbsCommon.New, "WgSite")]
[OutputType(typeof(WgSite))]
public sealed class NewWgSiteCommand : WgCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    public string? ComputerName { get; set; }

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgEndpoint))]
    public WgEndpoint Endpoint { get; set; } = null!;

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrefix[]))]
    public WgPrefix[] LanPrefix { get; set; } = Array.Empty<WgPrefix>();

    /// <summary>The port the gateway listens on, when a NAT router maps the endpoint's port to another.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int? ListenPort { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? WanInterface { get; set; }

    /// <summary>The gateway's address on its LAN: the next hop of the LAN hosts' routes (Get-WgLanRoute).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public IPAddress? LanAddress { get; set; }

    /// <summary>The site is a cloud VPC: its LAN routes go in the provider's route table.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter Cloud { get; set; }

    /// <summary>On by default: most gateways sit behind a router; -BehindNat:$false turns keepalives off.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter BehindNat { get; set; } = true;

    /// <summary>Pins the site's tunnel address instead of deriving it from the name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public IPAddress? TunnelAddress { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPublicKey))]
    public WgPublicKey? PublicKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrivateKey))]
    public WgPrivateKey? PrivateKey { get; set; }

    protected override void ProcessRecord()
    {
        var site = new WgSite(Name, Endpoint)
        {
            ComputerName = string.IsNullOrEmpty(ComputerName) ? null : ComputerName,
            LanPrefix = LanPrefix,
            WanInterface = string.IsNullOrEmpty(WanInterface) ? null : WanInterface,
            LanAddress = LanAddress,
            Cloud = Cloud.IsPresent,
            BehindNat = BehindNat.IsPresent,
            TunnelAddress = TunnelAddress,
            PrivateKey = PrivateKey,
        };
        if (ListenPort is int port)
            site.ListenPort = port;
        if (PrivateKey is null)
            site.PublicKey = PublicKey;
        if (WgTopologyCheck.LanAddressProblem(site) is { } problem)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidLanAddress, problem, Offender: LanAddress!.ToString()), LanAddress, ErrorCategory.InvalidArgument));
            return;
        }
        WriteObject(site);
    }
}

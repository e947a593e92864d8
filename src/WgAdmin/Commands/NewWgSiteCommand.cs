using System.Management.Automation;
using System.Net;
using WgAdmin.Config;
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

    // The typed values are objects, checked here: a row piped in (Import-Csv sites.csv) may hold a
    // private key, and a value that failed binding would keep the whole row in its error record.

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgEndpoint), Defer = true)]
    public object Endpoint { get; set; } = null!;

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrefix[]), Defer = true)]
    public object LanPrefix { get; set; } = Array.Empty<WgPrefix>();

    /// <summary>The prefixes the other sites see the LAN under (1:1, one per -LanPrefix, same length): the gateway translates both ways.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrefix[]), Defer = true)]
    public object? MappedPrefix { get; set; }

    /// <summary>The port the gateway listens on, when a NAT router maps the endpoint's port to another.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(int), Defer = true, Field = "ListenPort")]
    public object? ListenPort { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? WanInterface { get; set; }

    /// <summary>The gateway's address on its LAN: the next hop of the LAN hosts' routes (Get-WgLanRoute).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(IPAddress), Defer = true, Field = "LanAddress")]
    public object? LanAddress { get; set; }

    /// <summary>The site is a cloud VPC: its LAN routes go in the provider's route table.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter Cloud { get; set; }

    /// <summary>On by default: most gateways sit behind a router; -BehindNat:$false turns keepalives off.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter BehindNat { get; set; } = true;

    /// <summary>Pins the site's tunnel address instead of deriving it from the name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(IPAddress), Defer = true, Field = "TunnelAddress")]
    public object? TunnelAddress { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPublicKey), Defer = true)]
    public object? PublicKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrivateKey), Defer = true)]
    public object? PrivateKey { get; set; }

    protected override void ProcessRecord()
    {
        var problems = new List<WgError>();
        var endpoint = Deferred<WgEndpoint>(Endpoint, problems);
        var lanPrefix = Deferred<WgPrefix[]>(LanPrefix, problems);
        var mappedPrefix = Deferred<WgPrefix[]>(MappedPrefix, problems);
        var listenPort = Deferred<int?>(ListenPort, problems);
        var lanAddress = Deferred<IPAddress>(LanAddress, problems);
        var tunnelAddress = Deferred<IPAddress>(TunnelAddress, problems);
        var publicKey = Deferred<WgPublicKey>(PublicKey, problems);
        var privateKey = Deferred<WgPrivateKey>(PrivateKey, problems);
        if (WgValues.CheckName(Name, "The site name") is { } badName)
            problems.Add(badName);
        if (!string.IsNullOrEmpty(WanInterface) && WgValues.CheckInterfaceName(WanInterface) is { } badWan)
            problems.Add(badWan);
        if (WriteDeferredProblems(problems))
            return;
        var site = new WgSite(Name, endpoint!)
        {
            ComputerName = string.IsNullOrEmpty(ComputerName) ? null : ComputerName,
            LanPrefix = lanPrefix!,
            MappedPrefix = mappedPrefix ?? Array.Empty<WgPrefix>(),
            WanInterface = string.IsNullOrEmpty(WanInterface) ? null : WanInterface,
            LanAddress = lanAddress,
            Cloud = Cloud.IsPresent,
            BehindNat = BehindNat.IsPresent,
            TunnelAddress = tunnelAddress,
            PrivateKey = privateKey,
        };
        if (listenPort is int port)
            site.ListenPort = port;
        if (privateKey is null)
            site.PublicKey = publicKey;
        if (WgTopologyCheck.LanAddressProblem(site) is { } problem)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidLanAddress, problem, Offender: lanAddress!.ToString()), lanAddress.ToString(), ErrorCategory.InvalidArgument));
            return;
        }
        WriteObject(site);
    }
}

using System.Management.Automation;
using System.Net;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Commands;

/// <summary>
/// New-WgInterface: describes an [Interface] with its peers. The private key binds from a key
/// pair in the pipeline; a pair that holds only a public key (generated on a gateway) gives an
/// interface that knows its public key but not its private one.
/// </summary>
[Cmdlet(VerbsCommon.New, "WgInterface")]
[OutputType(typeof(WgInterface))]
public sealed class NewWgInterfaceCommand : WgCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceName")]
    public string? Name { get; set; }

    // The typed values are objects, checked here: a key pair or row piped in holds a private key,
    // and a value that failed binding would keep the whole object in its error record.

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrivateKey), Defer = true)]
    public object? PrivateKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPublicKey), Defer = true)]
    public object? PublicKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrefix[]), Defer = true)]
    public object Address { get; set; } = Array.Empty<WgPrefix>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(int), Defer = true, Field = "ListenPort")]
    public object? ListenPort { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(uint), Defer = true, Field = "FwMark")]
    public object? FwMark { get; set; }

    /// <summary>DNS servers and search domains, split as wg-quick splits its DNS key.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] Dns { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(int), Defer = true, Field = "MTU")]
    public object? Mtu { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Table { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] PreUp { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] PostUp { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] PreDown { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] PostDown { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public SwitchParameter SaveConfig { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Peers")]
    public WgPeer[] Peer { get; set; } = Array.Empty<WgPeer>();

    /// <summary>The gateway the interface belongs on; a key pair generated there brings it along.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    public string? ComputerName { get; set; }

    protected override void ProcessRecord()
    {
        var problems = new List<WgError>();
        var privateKey = Deferred<WgPrivateKey>(PrivateKey, problems);
        var publicKey = Deferred<WgPublicKey>(PublicKey, problems);
        var address = Deferred<WgPrefix[]>(Address, problems);
        var listenPort = Deferred<int?>(ListenPort, problems);
        var fwMark = Deferred<uint?>(FwMark, problems);
        var mtu = Deferred<int?>(Mtu, problems);
        if (WriteDeferredProblems(problems))
            return;
        var servers = new List<IPAddress>();
        var search = new List<string>();
        if (!WgValues.TrySplitDns(Dns.SelectMany(WgValues.SplitList), servers, search, out var dnsError))
        {
            WriteWgErrors(new WgException(dnsError!), Dns, ErrorCategory.InvalidArgument);
            return;
        }
        var config = new WgInterface
        {
            Name = Name,
            PrivateKey = privateKey,
            ListenPort = listenPort,
            FwMark = fwMark,
            Address = address!,
            Dns = servers.ToArray(),
            DnsSearch = search.ToArray(),
            Mtu = mtu,
            Table = string.IsNullOrEmpty(Table) ? null : Table,
            PreUp = PreUp,
            PostUp = PostUp,
            PreDown = PreDown,
            PostDown = PostDown,
            SaveConfig = SaveConfig.IsPresent,
            Peers = Peer.Where(p => p is not null).Select(p => p.Clone()).ToArray(),
            ComputerName = string.IsNullOrEmpty(ComputerName) ? null : ComputerName,
        };
        if (privateKey is null && publicKey is not null)
            config.PublicKey = publicKey;

        var errors = WgConfigValidator.Validate(config);
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors), Name, ErrorCategory.InvalidArgument);
            return;
        }
        WriteObject(config);
    }
}

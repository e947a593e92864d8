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

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrivateKey))]
    public WgPrivateKey? PrivateKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPublicKey))]
    public WgPublicKey? PublicKey { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [WgTransformation(typeof(WgPrefix[]))]
    public WgPrefix[] Address { get; set; } = Array.Empty<WgPrefix>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, 65535)]
    public int? ListenPort { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public uint? FwMark { get; set; }

    /// <summary>DNS servers and search domains, split as wg-quick splits its DNS key.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string[] Dns { get; set; } = Array.Empty<string>();

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(WgValues.MinMtu, WgValues.MaxMtu)]
    public int? Mtu { get; set; }

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
            PrivateKey = PrivateKey,
            ListenPort = ListenPort,
            FwMark = FwMark,
            Address = Address,
            Dns = servers.ToArray(),
            DnsSearch = search.ToArray(),
            Mtu = Mtu,
            Table = string.IsNullOrEmpty(Table) ? null : Table,
            PreUp = PreUp,
            PostUp = PostUp,
            PreDown = PreDown,
            PostDown = PostDown,
            SaveConfig = SaveConfig.IsPresent,
            Peers = Peer.Where(p => p is not null).Select(p => p.Clone()).ToArray(),
            ComputerName = string.IsNullOrEmpty(ComputerName) ? null : ComputerName,
        };
        if (PrivateKey is null && PublicKey is not null)
            config.PublicKey = PublicKey;

        var errors = WgConfigValidator.Validate(config);
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors), Name, ErrorCategory.InvalidArgument);
            return;
        }
        WriteObject(config);
    }
}

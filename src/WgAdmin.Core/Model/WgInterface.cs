using System.Net;
using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Model;

/// <summary>
/// An [Interface] section and its peers: what `wg` reads (private key, port, fwmark, peers) and
/// what wg-quick adds (addresses, DNS, MTU, table, hooks, SaveConfig).
/// </summary>
public sealed class WgInterface
{
    private WgPublicKey? _publicKeyOnly;

    /// <summary>The interface name (wg0); also the file name, /etc/wireguard/NAME.conf.</summary>
    public string? Name { get; set; }

    public WgPrivateKey? PrivateKey { get; set; }

    /// <summary>
    /// The interface's public key: derived from <see cref="PrivateKey"/> when it is held, otherwise
    /// the one set here (a key generated on a gateway whose private half never leaves it).
    /// </summary>
    public WgPublicKey? PublicKey
    {
        get => PrivateKey?.PublicKey ?? _publicKeyOnly;
        set => _publicKeyOnly = value;
    }

    public int? ListenPort { get; set; }

    /// <summary>Firewall mark for outgoing packets; 0 is "off", null leaves it unset.</summary>
    public uint? FwMark { get; set; }

    public WgPrefix[] Address { get => _address; set => _address = value ?? Array.Empty<WgPrefix>(); }

    private WgPrefix[] _address = Array.Empty<WgPrefix>();

    /// <summary>DNS servers (the entries of DNS that are addresses, as wg-quick splits them).</summary>
    public IPAddress[] Dns { get => _dns; set => _dns = value ?? Array.Empty<IPAddress>(); }

    private IPAddress[] _dns = Array.Empty<IPAddress>();

    /// <summary>DNS search domains (the entries of DNS that are not addresses).</summary>
    public string[] DnsSearch { get => _dnsSearch; set => _dnsSearch = value ?? Array.Empty<string>(); }

    private string[] _dnsSearch = Array.Empty<string>();

    public int? Mtu { get; set; }

    /// <summary>wg-quick's routing table: "off", "auto", a table number or name; null leaves it unset.</summary>
    public string? Table { get; set; }

    public string[] PreUp { get => _preUp; set => _preUp = value ?? Array.Empty<string>(); }

    private string[] _preUp = Array.Empty<string>();

    public string[] PostUp { get => _postUp; set => _postUp = value ?? Array.Empty<string>(); }

    private string[] _postUp = Array.Empty<string>();

    public string[] PreDown { get => _preDown; set => _preDown = value ?? Array.Empty<string>(); }

    private string[] _preDown = Array.Empty<string>();

    public string[] PostDown { get => _postDown; set => _postDown = value ?? Array.Empty<string>(); }

    private string[] _postDown = Array.Empty<string>();

    public bool SaveConfig { get; set; }

    /// <summary>
    /// The gateway this interface belongs on, when known (a topology attaches it); lets
    /// Set-WgInterface take the host from the pipeline. Not part of the file.
    /// </summary>
    public string? ComputerName { get; set; }

    public WgPeer[] Peers { get => _peers; set => _peers = value ?? Array.Empty<WgPeer>(); }

    /// <summary>
    /// The 1:1 prefix mappings the gateway translates between its LAN and the tunnel (a site's
    /// -MappedPrefix, attached by the topology). Not part of the file: Set-WgInterface installs
    /// them as WgAdmin's own rules beside it, and removes them when the interface has none.
    /// </summary>
    public WgPrefixMapping[] PrefixMappings { get => _prefixMappings; set => _prefixMappings = value ?? Array.Empty<WgPrefixMapping>(); }

    private WgPrefixMapping[] _prefixMappings = Array.Empty<WgPrefixMapping>();

    private WgPeer[] _peers = Array.Empty<WgPeer>();

    /// <summary>A deep copy (peers included).</summary>
    public WgInterface Clone()
    {
        var copy = (WgInterface)MemberwiseClone();
        copy.Address = (WgPrefix[])Address.Clone();
        copy.Dns = (IPAddress[])Dns.Clone();
        copy.DnsSearch = (string[])DnsSearch.Clone();
        copy.PreUp = (string[])PreUp.Clone();
        copy.PostUp = (string[])PostUp.Clone();
        copy.PreDown = (string[])PreDown.Clone();
        copy.PostDown = (string[])PostDown.Clone();
        copy.Peers = Peers.Select(peer => peer?.Clone()!).ToArray(); // a null stays, for the validator to report
        copy.PrefixMappings = (WgPrefixMapping[])PrefixMappings.Clone();
        return copy;
    }

    public override string ToString() => Name ?? PublicKey?.ToString() ?? "(interface)";
}

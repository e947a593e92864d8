using System.Net;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// Sites and how to join them, built into one interface per site's gateway: tunnel addresses
/// allocated, keys generated where missing, peers with their AllowedIPs, keepalives and
/// preshared keys.
/// </summary>
public sealed class WgTopology
{
    /// <summary>Seconds between keepalives from a gateway behind NAT: inside the usual 30 s UDP mapping timeout.</summary>
    public const int NatKeepalive = 25;

    private List<WgSite> _sites = new();

    public WgTopology(WgPrefix tunnelPrefix, IEnumerable<WgSite> sites)
    {
        TunnelPrefix = tunnelPrefix;
        Sites = sites.ToList();
    }

    public List<WgSite> Sites { get => _sites; set => _sites = value ?? new(); }

    /// <summary>The tunnel's own range; each site takes one address in it.</summary>
    public WgPrefix TunnelPrefix { get; set; }

    public WgTopologyShape Shape { get; set; } = WgTopologyShape.Mesh;

    /// <summary>The name of the hub site, for <see cref="WgTopologyShape.HubAndSpoke"/>.</summary>
    public string? Hub { get; set; }

    /// <summary>True for one preshared key per pair of sites, the same on both sides.</summary>
    public bool PresharedKeys { get; set; }

    public string InterfaceName { get; set; } = "wg0";

    public IReadOnlyList<WgTopologyProblem> Check() => WgTopologyCheck.Check(this);

    /// <summary>
    /// One interface per site, in the order of <see cref="Sites"/>. Throws <see cref="WgException"/>
    /// with every error <see cref="Check"/> finds; warnings do not stop it.
    /// </summary>
    public IReadOnlyList<WgInterface> Build()
    {
        var errors = Check().Where(p => p.Severity == WgTopologySeverity.Error).Select(p => p.ToError()).ToList();
        if (errors.Count > 0)
            throw new WgException(errors);

        var sites = Sites.Where(s => s is not null).ToList();
        var tunnel = TunnelPrefix.ToNetwork();
        var addresses = WgTunnelAllocator.Allocate(tunnel, sites);
        var hostLength = AddressSpace.Bits(tunnel.Family);
        var privateKeys = sites.ToDictionary(s => s.Name, s => s.PrivateKey ?? (s.PublicKey is null ? WgPrivateKey.Generate() : null), StringComparer.Ordinal);
        WgPublicKey PublicKeyOf(WgSite site) => privateKeys[site.Name]?.PublicKey ?? site.PublicKey!;

        var presharedKeys = new Dictionary<(string, string), WgPresharedKey>();
        WgPresharedKey? PresharedKeyFor(WgSite a, WgSite b)
        {
            if (!PresharedKeys)
                return null;
            // One key per pair, whichever side asks first.
            var pair = string.CompareOrdinal(a.Name, b.Name) < 0 ? (a.Name, b.Name) : (b.Name, a.Name);
            if (!presharedKeys.TryGetValue(pair, out var key))
                presharedKeys[pair] = key = WgPresharedKey.Generate();
            return key;
        }

        // Once per site, not once per pair of sites.
        var behind = sites.ToDictionary(s => s.Name, s => s.LanPrefix.Select(p => p.ToNetwork()).Distinct().ToArray(), StringComparer.Ordinal);
        WgPrefix[] Behind(WgSite site) => behind[site.Name];

        WgPeer PeerFor(WgSite local, WgSite remote, WgPrefix[] allowedIPs) => new(PublicKeyOf(remote))
        {
            Name = remote.Name,
            Endpoint = remote.Endpoint,
            AllowedIPs = allowedIPs,
            PersistentKeepalive = local.BehindNat ? NatKeepalive : null,
            PresharedKey = PresharedKeyFor(local, remote),
        };

        var hub = Shape == WgTopologyShape.HubAndSpoke ? sites.Single(s => s.Name == Hub) : null;
        var interfaces = new List<WgInterface>();
        foreach (var site in sites)
        {
            IEnumerable<WgPeer> peers;
            if (hub is not null && site != hub)
            {
                // A spoke reaches everything through the hub: the whole tunnel and every other site's LAN.
                var behindHub = sites.Where(s => s != site).SelectMany(Behind).Prepend(tunnel).Distinct().ToArray();
                peers = [PeerFor(site, hub, behindHub)];
            }
            else
            {
                peers = sites.Where(s => s != site).Select(remote =>
                    PeerFor(site, remote, Behind(remote).Prepend(new WgPrefix(addresses[remote.Name], hostLength)).ToArray()));
            }
            var config = new WgInterface
            {
                Name = InterfaceName,
                ComputerName = site.ComputerName,
                PrivateKey = privateKeys[site.Name],
                Address = [new WgPrefix(addresses[site.Name], tunnel.Length)],
                ListenPort = site.ListenPort,
                Peers = peers.ToArray(),
            };
            if (config.PrivateKey is null)
                config.PublicKey = site.PublicKey;
            WgConfigValidator.ThrowIfInvalid(config);
            interfaces.Add(config);
        }
        return interfaces;
    }

    /// <summary>The tunnel address each site gets, by name.</summary>
    public IReadOnlyDictionary<string, IPAddress> TunnelAddresses() => WgTunnelAllocator.Allocate(TunnelPrefix, Sites.Where(s => s is not null));
}

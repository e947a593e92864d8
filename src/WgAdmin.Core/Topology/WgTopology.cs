using System.Net;
using System.Runtime.CompilerServices;
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

    /// <summary>
    /// The most sites <see cref="Check"/> lets through (1,000 unless raised). Peers and their
    /// AllowedIPs grow with the square of the sites in either shape, so a small file of 4,000
    /// sites asks for 16 million peers; past the limit nothing is built.
    /// </summary>
    public int MaximumSites { get; set; } = DefaultMaximumSites;

    public const int DefaultMaximumSites = 1000;

    /// <summary>
    /// True (the default) to generate the private keys of sites without a key, and the preshared
    /// keys, on the first <see cref="Build"/>. A topology read from a file sets it to false: a key
    /// missing there was withheld (exported without secrets), and a new one would not match the
    /// gateways'.
    /// </summary>
    public bool GenerateMissingSecrets { get; set; } = true;

    /// <summary>The interfaces of the last <see cref="Build"/>, one per site; empty before.</summary>
    public IReadOnlyList<WgInterface> Interfaces { get; private set; } = Array.Empty<WgInterface>();

    // The topology each built interface came from: a cmdlet handed the interfaces (what
    // New-WgTopology writes by default) finds their topology. Weak: it keeps nothing alive.
    private static readonly ConditionalWeakTable<WgInterface, WgTopology> BuiltBy = new();

    /// <summary>The topology whose <see cref="Build"/> made <paramref name="config"/>; null for any other interface (a copy included).</summary>
    public static WgTopology? Of(WgInterface config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return BuiltBy.TryGetValue(config, out var topology) ? topology : null;
    }

    // Generated once and kept, so that building (or exporting) again gives the same keys.
    private readonly Dictionary<string, WgPrivateKey> _generatedKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), WgPresharedKey> _presharedKeys = new();

    /// <summary>The private key a site's interface gets: its own, or the one generated for it; null when the key stays on the gateway.</summary>
    public WgPrivateKey? PrivateKeyOf(WgSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        return site.PrivateKey ?? _generatedKeys.GetValueOrDefault(site.Name);
    }

    /// <summary>
    /// Gives a site its new key after a rotation: <paramref name="privateKey"/> when it was made here,
    /// else only <paramref name="publicKey"/> (the private key stays on the gateway); the key this
    /// topology generated for it earlier is forgotten.
    /// </summary>
    public void ReplaceKey(WgSite site, WgPublicKey publicKey, WgPrivateKey? privateKey, DateTimeOffset created)
    {
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(publicKey);
        if (privateKey is not null && privateKey.PublicKey != publicKey)
            throw new ArgumentException("The private key is not the public key's.", nameof(privateKey));
        _generatedKeys.Remove(site.Name);
        site.PrivateKey = privateKey;
        site.PublicKey = publicKey;
        site.KeyCreated = created;
    }

    /// <summary>The preshared key two sites share, when one was generated or read; null otherwise.</summary>
    public WgPresharedKey? PresharedKeyOf(string first, string second) => _presharedKeys.GetValueOrDefault(Pair(first, second));

    /// <summary>Sets the preshared key of a pair of sites (as a topology file gives it, or a rotation made it).</summary>
    public void SetPresharedKey(string first, string second, WgPresharedKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _presharedKeys[Pair(first, second)] = key;
    }

    private readonly Dictionary<(string, string), DateTimeOffset> _presharedKeyCreated = new();

    /// <summary>When the preshared key of two sites was made; null when unknown.</summary>
    public DateTimeOffset? PresharedKeyCreatedOf(string first, string second) =>
        _presharedKeyCreated.TryGetValue(Pair(first, second), out var created) ? created : null;

    /// <summary>Records when the preshared key of two sites was made (a topology file's Created, or a rotation).</summary>
    public void SetPresharedKeyCreated(string first, string second, DateTimeOffset created) => _presharedKeyCreated[Pair(first, second)] = created;

    /// <summary>The pairs whose preshared key's making is recorded, each in ordinal order of the names.</summary>
    public IEnumerable<(string First, string Second, DateTimeOffset Created)> PresharedKeyAges() =>
        _presharedKeyCreated.OrderBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
            .Select(p => (p.Key.Item1, p.Key.Item2, p.Value));

    /// <summary>The pairs of sites that are each other's peers (all pairs in a mesh, hub and spoke otherwise), each in ordinal order.</summary>
    public IReadOnlyList<(string First, string Second)> Pairs() =>
        PeerPairs(Sites.Where(s => s is not null).ToList()).Select(p => Pair(p.Item1, p.Item2)).Distinct().ToList();

    /// <summary>The pairs with a preshared key, each in ordinal order of the names.</summary>
    public IEnumerable<(string First, string Second, WgPresharedKey Key)> PresharedKeyPairs() =>
        _presharedKeys.OrderBy(p => p.Key.Item1, StringComparer.Ordinal).ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
            .Select(p => (p.Key.Item1, p.Key.Item2, p.Value));

    private static (string, string) Pair(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);

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
        GenerateSecrets();
        var missing = new List<WgError>();
        foreach (var site in sites.Where(s => PrivateKeyOf(s) is null && s.PublicKey is null))
            missing.Add(new WgError(WgErrorId.MissingPublicKey, $"Site {Quote.Value(site.Name)} has neither a private nor a public key.", Offender: site.Name));
        if (PresharedKeys)
        {
            foreach (var (a, b) in PeerPairs(sites).Select(p => Pair(p.Item1, p.Item2)).Where(p => !_presharedKeys.ContainsKey(p)))
                missing.Add(new WgError(WgErrorId.SecretNotInFile,
                    $"The topology uses preshared keys, but none is given for the sites {Quote.Value(a)} and {Quote.Value(b)}; the file was probably exported without -IncludeSecret. Applying without it would remove the preshared key from both gateways: export the topology with -IncludeSecret (the file is then written mode 0600).",
                    Offender: $"{a},{b}"));
        }
        if (missing.Count > 0)
            throw new WgException(missing);

        var privateKeys = sites.ToDictionary(s => s.Name, PrivateKeyOf, StringComparer.Ordinal);
        WgPublicKey PublicKeyOf(WgSite site) => privateKeys[site.Name]?.PublicKey ?? site.PublicKey!;
        WgPresharedKey? PresharedKeyFor(WgSite a, WgSite b) => PresharedKeys ? _presharedKeys[Pair(a.Name, b.Name)] : null;

        // Once per site, not once per pair of sites. The far sites see a mapped site under its mapped prefixes.
        var behind = sites.ToDictionary(s => s.Name, s => s.VisiblePrefix.Select(p => p.ToNetwork()).Distinct().ToArray(), StringComparer.Ordinal);
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
                // The hub's own address comes first, as a host prefix, so that the config names it
                // (Test-WgTunnel pings it; routing is the same, the tunnel prefix covers it).
                var behindHub = sites.Where(s => s != site).SelectMany(Behind).Prepend(tunnel)
                    .Prepend(new WgPrefix(addresses[hub.Name], hostLength)).Distinct().ToArray();
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
                PrefixMappings = site.Mappings,
            };
            if (config.PrivateKey is null)
                config.PublicKey = site.PublicKey;
            WgConfigValidator.ThrowIfInvalid(config);
            interfaces.Add(config);
            BuiltBy.AddOrUpdate(config, this);
        }
        Interfaces = interfaces;
        return interfaces;
    }

    /// <summary>
    /// Generates, once, the private keys of sites that have no key and (with
    /// <see cref="PresharedKeys"/>) the preshared key of every pair of peers; does nothing when
    /// <see cref="GenerateMissingSecrets"/> is false. <see cref="Build"/> calls it.
    /// </summary>
    public void GenerateSecrets()
    {
        if (!GenerateMissingSecrets)
            return;
        var sites = Sites.Where(s => s is not null).ToList();
        // In bulk: one call makes every missing key (random bytes in blocks, on all cores).
        var keyless = sites.Where(s => s.PrivateKey is null && s.PublicKey is null && !_generatedKeys.ContainsKey(s.Name))
            .Select(s => s.Name).Distinct().ToList();
        var keys = WgPrivateKey.Generate(keyless.Count);
        var now = DateTimeOffset.UtcNow;
        // By name, not a search of the sites per key: that grew with the square of the sites.
        var byName = sites.ToLookup(s => s.Name, StringComparer.Ordinal);
        for (var i = 0; i < keyless.Count; i++)
        {
            _generatedKeys[keyless[i]] = keys[i];
            foreach (var site in byName[keyless[i]].Where(s => s.KeyCreated is null))
                site.KeyCreated = now;
        }
        if (PresharedKeys && (Shape != WgTopologyShape.HubAndSpoke || sites.Any(s => s.Name == Hub)))
        {
            var pairs = PeerPairs(sites).Select(p => Pair(p.Item1, p.Item2)).Where(p => !_presharedKeys.ContainsKey(p)).Distinct().ToList();
            var presharedKeys = WgPresharedKey.Generate(pairs.Count);
            for (var i = 0; i < pairs.Count; i++)
            {
                _presharedKeys[pairs[i]] = presharedKeys[i];
                _presharedKeyCreated.TryAdd(pairs[i], now);
            }
        }
    }

    /// <summary>The pairs of sites that are each other's peers: all pairs in a mesh, hub and spoke otherwise.</summary>
    private IEnumerable<(string, string)> PeerPairs(List<WgSite> sites)
    {
        if (Shape == WgTopologyShape.HubAndSpoke)
            return sites.Where(s => s.Name != Hub).Select(s => (Hub!, s.Name));
        return sites.SelectMany((a, i) => sites.Skip(i + 1).Select(b => (a.Name, b.Name)));
    }

    public override string ToString() => $"{Shape} of {Sites.Count} site{(Sites.Count == 1 ? "" : "s")} in {TunnelPrefix}";

    /// <summary>The tunnel address each site gets, by name.</summary>
    public IReadOnlyDictionary<string, IPAddress> TunnelAddresses() => WgTunnelAllocator.Allocate(TunnelPrefix, Sites.Where(s => s is not null));
}

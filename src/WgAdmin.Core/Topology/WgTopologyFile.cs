using System.Globalization;
using System.Net;
using System.Text;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Net;

namespace WgAdmin.Topology;

/// <summary>
/// The topology file: an INI like wg's own, one [Topology] section, one [Site] section per site
/// and, only when secrets are included, one [PresharedKey] section per pair of sites. Keys are
/// case-insensitive, a line whose first non-blank character is '#' or ';' is a comment, values
/// are trimmed, and a repeated LanPrefix adds to the list. Each site's tunnel address is written,
/// so a file pins the addresses it was exported with. Every problem is reported with its line.
/// </summary>
public static class WgTopologyFile
{
    private const string Header = "# WgAdmin topology (Export-WgTopology); Import-WgTopology reads it.";

    /// <summary>
    /// The file text. Private and preshared keys are written only with <paramref name="includeSecrets"/>;
    /// without them each site carries its public key, and the gateways keep their own keys.
    /// </summary>
    public static string Write(WgTopology topology, bool includeSecrets)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var errors = new List<WgError>();
        var sites = topology.Sites.Where(s => s is not null).ToList();
        foreach (var problem in topology.Check().Where(p => p.Severity == WgTopologySeverity.Error))
            errors.Add(problem.ToError());
        if (errors.Count > 0)
            throw new WgException(errors);
        topology.GenerateSecrets();
        var addresses = topology.TunnelAddresses();

        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        if (!includeSecrets)
            text.Append("# Written without secrets: the gateways keep their private (and preshared) keys.\n");
        text.Append("[Topology]\n");
        Line(text, "TunnelPrefix", topology.TunnelPrefix.ToString(), errors);
        Line(text, "Shape", topology.Shape.ToString(), errors);
        if (topology.Hub is not null)
            Line(text, "Hub", topology.Hub, errors);
        Line(text, "InterfaceName", topology.InterfaceName, errors);
        Line(text, "PresharedKeys", Bool(topology.PresharedKeys), errors);

        foreach (var site in sites)
        {
            text.Append("\n[Site]\n");
            Line(text, "Name", site.Name, errors);
            if (site.ComputerName is not null)
                Line(text, "ComputerName", site.ComputerName, errors);
            Line(text, "Endpoint", site.Endpoint.ToString(), errors);
            foreach (var lan in site.LanPrefix)
                Line(text, "LanPrefix", lan.ToString(), errors);
            if (site.LanAddress is not null)
                Line(text, "LanAddress", site.LanAddress.ToString(), errors);
            Line(text, "Cloud", Bool(site.Cloud), errors);
            if (site.ListenPort is int port)
                Line(text, "ListenPort", port.ToString(CultureInfo.InvariantCulture), errors);
            if (site.WanInterface is not null)
                Line(text, "WanInterface", site.WanInterface, errors);
            Line(text, "BehindNat", Bool(site.BehindNat), errors);
            Line(text, "TunnelAddress", addresses[site.Name].ToString(), errors);
            var privateKey = topology.PrivateKeyOf(site);
            var publicKey = privateKey?.PublicKey ?? site.PublicKey;
            if (publicKey is not null)
                Line(text, "PublicKey", publicKey.ToString(), errors);
            if (includeSecrets && privateKey is not null)
                Line(text, "PrivateKey", privateKey.Reveal(), errors);
        }

        if (includeSecrets && topology.PresharedKeys)
        {
            foreach (var (first, second, key) in topology.PresharedKeyPairs())
            {
                text.Append("\n[PresharedKey]\n");
                Line(text, "Sites", $"{first}, {second}", errors);
                Line(text, "Key", key.Reveal(), errors);
            }
        }
        if (errors.Count > 0)
            throw new WgException(errors);
        return text.ToString();
    }

    private static void Line(StringBuilder text, string key, string value, List<WgError> errors)
    {
        // A line break in a name would forge lines (a second [Site]); leading or trailing blanks would not survive.
        if (value.Any(c => char.IsControl(c) || c == '\u2028' || c == '\u2029'))
            errors.Add(new WgError(WgErrorId.ControlCharacter, $"The {key} {Quote.Value(value)} contains a control character; a topology file cannot hold it.", Offender: value));
        else if (value.Length == 0 || value.Trim().Length != value.Length)
            errors.Add(new WgError(WgErrorId.EmptyValue, $"The {key} {Quote.Value(value)} is empty or starts or ends with a blank; a topology file cannot hold it.", Offender: value));
        text.Append(key).Append(" = ").Append(value).Append('\n');
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private enum Section { None, Topology, Site, PresharedKey, Unknown }

    /// <summary>Reads a topology file; throws <see cref="WgException"/> with every problem found, each with its line.</summary>
    public static WgTopology Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<WgError>();
        var section = Section.None;
        var topologyLine = 0;
        WgPrefix? tunnel = null;
        WgTopologyShape shape = WgTopologyShape.Mesh;
        string? hub = null;
        var interfaceName = "wg0";
        var presharedKeys = false;
        var sites = new List<SiteDraft>();
        var pairs = new List<PairDraft>();
        SiteDraft? site = null;
        PairDraft? pair = null;

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                continue;
            if (line.Any(c => char.IsControl(c) && c != '\t'))
            {
                errors.Add(new WgError(WgErrorId.ControlCharacter, $"The line contains a control character.", number));
                continue;
            }
            if (line[0] == '[')
            {
                site = null;
                pair = null;
                switch (line.ToLowerInvariant())
                {
                    case "[topology]":
                        if (topologyLine > 0)
                            errors.Add(new WgError(WgErrorId.InvalidTopologyFile, $"A second [Topology] section; the first is on line {topologyLine}.", number));
                        else
                            topologyLine = number;
                        section = Section.Topology;
                        break;
                    case "[site]":
                        section = Section.Site;
                        sites.Add(site = new SiteDraft(number));
                        break;
                    case "[presharedkey]":
                        section = Section.PresharedKey;
                        pairs.Add(pair = new PairDraft(number));
                        break;
                    default:
                        section = Section.Unknown;
                        errors.Add(new WgError(WgErrorId.UnknownSection, $"Unknown section {Quote.Value(line)}; a topology file has [Topology], [Site] and [PresharedKey].", number, line));
                        break;
                }
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals < 0)
            {
                errors.Add(new WgError(WgErrorId.MissingEquals, $"{Quote.Value(line)} is not 'Key = Value'.", number, line));
                continue;
            }
            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (section == Section.None)
            {
                errors.Add(new WgError(WgErrorId.KeyOutsideSection, $"{Quote.Value(key)} comes before any section.", number, key));
                continue;
            }
            if (section == Section.Unknown)
                continue;
            if (value.Length == 0)
            {
                errors.Add(new WgError(WgErrorId.EmptyValue, $"{Quote.Value(key)} has no value.", number, key));
                continue;
            }
            try
            {
                switch (section)
                {
                    case Section.Topology:
                        switch (key.ToLowerInvariant())
                        {
                            case "tunnelprefix": tunnel = ParsePrefix(value); break;
                            case "shape":
                                if (!Enum.TryParse(value, ignoreCase: true, out shape) || !Enum.IsDefined(shape) || value.Any(char.IsDigit))
                                    throw Fail(WgErrorId.InvalidTopologyFile, $"The shape {Quote.Value(value)} is neither Mesh nor HubAndSpoke.", number, value);
                                break;
                            case "hub": hub = value; break;
                            case "interfacename":
                                if (!WgValues.IsValidInterfaceName(value))
                                    throw Fail(WgErrorId.InvalidInterfaceName, $"The interface name {Quote.Value(value)} is not valid (1 to 15 of a-z A-Z 0-9 _ = + . -).", number, value);
                                interfaceName = value;
                                break;
                            case "presharedkeys": presharedKeys = ParseBool(value, number); break;
                            default: throw Unknown(key, "[Topology]", number);
                        }
                        break;
                    case Section.Site:
                        site!.Apply(key, value, number);
                        break;
                    case Section.PresharedKey:
                        switch (key.ToLowerInvariant())
                        {
                            case "sites":
                                var names = value.Split(',').Select(n => n.Trim()).ToArray();
                                if (names.Length != 2 || names.Any(n => n.Length == 0) || names[0] == names[1])
                                    throw Fail(WgErrorId.InvalidTopologyFile, $"Sites {Quote.Value(value)} must name two different sites, separated by a comma.", number, value);
                                pair!.Sites = (names[0], names[1]);
                                break;
                            case "key":
                                pair!.Key = WgPresharedKey.TryParse(value, out var psk) ? psk
                                    : throw Fail(WgErrorId.InvalidKey, "The preshared key is not a valid key (44 base64 characters).", number);
                                break;
                            default: throw Unknown(key, "[PresharedKey]", number);
                        }
                        break;
                }
            }
            catch (WgException ex)
            {
                errors.AddRange(ex.Errors.Select(e => e.Line is null ? e with { Line = number } : e));
            }
        }

        if (topologyLine == 0)
            errors.Add(new WgError(WgErrorId.InvalidTopologyFile, "The file has no [Topology] section; it is not a topology file (Export-WgTopology writes one).", 1));
        else if (tunnel is null)
            errors.Add(new WgError(WgErrorId.InvalidTopologyFile, "The [Topology] section has no TunnelPrefix.", topologyLine));

        var built = new List<WgSite>();
        foreach (var draft in sites)
        {
            if (draft.ToSite(errors) is { } made)
                built.Add(made);
        }
        var byName = built.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var draft in pairs)
        {
            if (draft.Sites is not var (a, b) || draft.Key is null)
                errors.Add(new WgError(WgErrorId.InvalidTopologyFile, "A [PresharedKey] section needs both Sites and Key.", draft.Line));
            else if (!byName.Contains(a) || !byName.Contains(b))
                errors.Add(new WgError(WgErrorId.SiteNotFound, $"The preshared key is for {Quote.Value(a)} and {Quote.Value(b)}, but the file has no site {Quote.Value(byName.Contains(a) ? b : a)}.", draft.Line, byName.Contains(a) ? b : a));
        }
        if (errors.Count > 0)
            throw new WgException(errors.OrderBy(e => e.Line ?? 0).ToList());

        var topology = new WgTopology(tunnel!.Value, built)
        {
            Shape = shape,
            Hub = hub,
            InterfaceName = interfaceName,
            PresharedKeys = presharedKeys,
            GenerateMissingSecrets = false,
        };
        foreach (var draft in pairs)
            topology.SetPresharedKey(draft.Sites!.Value.Item1, draft.Sites.Value.Item2, draft.Key!);
        return topology;
    }

    private static WgException Fail(string id, string message, int line, string? offender = null) => new(new WgError(id, message, line, offender));

    private static WgException Unknown(string key, string section, int line) =>
        Fail(WgErrorId.UnknownKey, $"Unknown key {Quote.Value(key)} in {section}.", line, key);

    private static WgPrefix ParsePrefix(string value) => WgPrefix.Parse(value);

    private static bool ParseBool(string value, int line) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Fail(WgErrorId.InvalidBoolean, $"{Quote.Value(value)} is neither true nor false.", line, value),
    };

    private sealed class PairDraft(int line)
    {
        public int Line { get; } = line;
        public (string, string)? Sites { get; set; }
        public WgPresharedKey? Key { get; set; }
    }

    private sealed class SiteDraft(int line)
    {
        private string? _name, _computerName, _wanInterface;
        private WgEndpoint? _endpoint;
        private readonly List<WgPrefix> _lan = new();
        private IPAddress? _lanAddress, _tunnelAddress;
        private bool _cloud;
        private bool _behindNat = true;
        private int? _listenPort;
        private WgPublicKey? _publicKey;
        private WgPrivateKey? _privateKey;
        private int _publicKeyLine;

        public void Apply(string key, string value, int number)
        {
            switch (key.ToLowerInvariant())
            {
                case "name": _name = value; break;
                case "computername": _computerName = value; break;
                case "endpoint":
                    _endpoint = WgEndpoint.Parse(value);
                    break;
                case "lanprefix":
                    foreach (var part in value.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0))
                        _lan.Add(ParsePrefix(part));
                    break;
                case "lanaddress": _lanAddress = ParseAddress(value, number); break;
                case "cloud": _cloud = ParseBool(value, number); break;
                case "listenport":
                    _listenPort = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port
                        : throw Fail(WgErrorId.InvalidPort, $"The port {Quote.Value(value)} is not a number from 1 to 65535.", number, value);
                    break;
                case "waninterface": _wanInterface = value; break;
                case "behindnat": _behindNat = ParseBool(value, number); break;
                case "tunneladdress": _tunnelAddress = ParseAddress(value, number); break;
                case "publickey":
                    _publicKeyLine = number;
                    _publicKey = WgPublicKey.TryParse(value, out var publicKey) ? publicKey
                        : throw Fail(WgErrorId.InvalidKey, $"The public key {Quote.PublicKey(value)} is not a valid key (44 base64 characters).", number, value);
                    break;
                case "privatekey":
                    _privateKey = WgPrivateKey.TryParse(value, out var privateKey) ? privateKey
                        : throw Fail(WgErrorId.InvalidKey, "The private key is not a valid key (44 base64 characters).", number);
                    break;
                default: throw Unknown(key, "[Site]", number);
            }
        }

        private static IPAddress ParseAddress(string value, int number) =>
            IPText.TryParseAddress(value, out var address) ? address
                : throw Fail(WgErrorId.InvalidPrefix, $"{Quote.Value(value)} is not an IP address.", number, value);

        public WgSite? ToSite(List<WgError> errors)
        {
            var before = errors.Count;
            if (_name is null)
                errors.Add(new WgError(WgErrorId.InvalidTopologyFile, "The [Site] section has no Name.", line));
            if (_endpoint is null)
                errors.Add(new WgError(WgErrorId.InvalidTopologyFile, $"The [Site] section {Quote.Value(_name ?? "")} has no Endpoint.", line));
            if (_publicKey is null && _privateKey is null)
                errors.Add(new WgError(WgErrorId.MissingPublicKey, $"The [Site] section {Quote.Value(_name ?? "")} has neither PublicKey nor PrivateKey.", line));
            if (_publicKey is not null && _privateKey is not null && _privateKey.PublicKey != _publicKey)
                errors.Add(new WgError(WgErrorId.RemoteKeyMismatch, $"The PublicKey {Quote.PublicKey(_publicKey.ToString())} of site {Quote.Value(_name ?? "")} is not the public key of its PrivateKey.", _publicKeyLine));
            if (errors.Count > before)
                return null;
            var site = new WgSite(_name!, _endpoint!)
            {
                ComputerName = _computerName,
                LanPrefix = _lan.ToArray(),
                LanAddress = _lanAddress,
                Cloud = _cloud,
                WanInterface = _wanInterface,
                BehindNat = _behindNat,
                TunnelAddress = _tunnelAddress,
                PrivateKey = _privateKey,
            };
            if (_listenPort is int port)
                site.ListenPort = port;
            if (_privateKey is null)
                site.PublicKey = _publicKey;
            return site;
        }
    }
}

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
/// are trimmed, a repeated LanPrefix (or MappedPrefix) adds to the list and any other repeated key is an error.
/// A line is never quoted whole, nor the text before its '=' unless it looks like a key name: a
/// mistyped key line ("PrivateKey: ...") splits at the key's '=' padding. Each site's tunnel address is written,
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
            foreach (var mapped in site.MappedPrefix)
                Line(text, "MappedPrefix", mapped.ToString(), errors);
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
            if (site.KeyCreated is { } created)
                Line(text, "KeyCreated", Timestamp(created), errors);
        }

        if (topology.PresharedKeys)
        {
            var names = new SiteNames(sites.Select(s => s.Name));
            // With secrets every pair's key (and its age); without, only the ages that are known.
            var keys = includeSecrets ? topology.PresharedKeyPairs().ToDictionary(p => (p.First, p.Second), p => (WgPresharedKey?)p.Key) : new();
            foreach (var (first, second, _) in topology.PresharedKeyAges().Where(a => !keys.ContainsKey((a.First, a.Second))))
                keys[(first, second)] = null;
            foreach (var ((first, second), key) in keys.OrderBy(k => k.Key.First, StringComparer.Ordinal).ThenBy(k => k.Key.Second, StringComparer.Ordinal))
            {
                // A name may hold a comma; the reader splits Sites where both sides name a site, so the split must be the only one.
                var ambiguous = SplitSites($"{first}, {second}", names) is not [var only] || only != (first, second);
                if (ambiguous && key is null)
                    continue; // only an age: it is left out (the key's age reads back as unknown) rather than refusing the file
                if (ambiguous)
                    errors.Add(new WgError(WgErrorId.InvalidTopologyFile,
                        $"The sites {Quote.Value(first)} and {Quote.Value(second)} cannot be named in one Sites line that reads back the same: with the commas in the site names, it splits in more than one way. Rename one of the sites.",
                        Offender: $"{first}, {second}"));
                text.Append("\n[PresharedKey]\n");
                Line(text, "Sites", $"{first}, {second}", errors);
                if (key is not null)
                    Line(text, "Key", key.Reveal(), errors);
                if (topology.PresharedKeyCreatedOf(first, second) is { } made)
                    Line(text, "Created", Timestamp(made), errors);
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

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>A key's making as the file writes it: UTC, to the second (2026-12-02T18:53:00Z).</summary>
    public static string Timestamp(DateTimeOffset time) => time.ToUniversalTime().ToString(TimestampFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTimestamp(string value, int line) =>
        DateTimeOffset.TryParseExact(value, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time
            : throw Fail(WgErrorId.InvalidTimestamp, $"The time {Quote.Value(value)} is not a UTC time such as 2026-12-02T18:53:00Z.", line, value);

    private enum Section { None, Topology, Site, PresharedKey, Unknown }

    /// <summary>Reads a topology file; throws <see cref="WgException"/> with every problem found, each with its line.</summary>
    public static WgTopology Parse(string text) => Parse(text, out _);

    /// <summary>
    /// Reads a topology file, and gives the line of each site's [Site] section by name (case-insensitive),
    /// so that the problems <see cref="WgTopology.Check"/> finds later can name their line.
    /// </summary>
    public static WgTopology Parse(string text, out IReadOnlyDictionary<string, int> siteLines)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lineOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        siteLines = lineOf;
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
        var seen = new Dictionary<string, int>(StringComparer.Ordinal); // the known keys of the current section, by line

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
                seen.Clear();
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
                        var name = line.TrimStart('[').TrimEnd(']');
                        errors.Add(new WgError(WgErrorId.UnknownSection, $"Unknown section {(Quote.LooksLikeKeyName(name) ? Quote.Value(line) : Quote.KeyName(name))}; a topology file has [Topology], [Site] and [PresharedKey].", number, Quote.LooksLikeKeyName(name) ? line : null));
                        break;
                }
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals < 0)
            {
                // Never quote the line: it may be a private key pasted without its "PrivateKey =".
                errors.Add(new WgError(WgErrorId.MissingEquals, "The line has no '=': expected Key = Value.", number));
                continue;
            }
            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (section == Section.None)
            {
                errors.Add(new WgError(WgErrorId.KeyOutsideSection, $"{Quote.KeyName(key)} comes before any section.", number, Quote.KeyNameOffender(key)));
                continue;
            }
            if (section == Section.Unknown)
                continue;
            if (value.Length == 0)
            {
                errors.Add(new WgError(WgErrorId.EmptyValue, $"{Quote.KeyName(key)} has no value.", number, Quote.KeyNameOffender(key)));
                continue;
            }
            var known = key.ToLowerInvariant();
            if (IsKnownKey(section, known) && known is not ("lanprefix" or "mappedprefix"))
            {
                // wg keeps the last of a repeated key; here a second value is more likely a mistake than a change.
                if (seen.TryGetValue(known, out var first))
                {
                    errors.Add(new WgError(WgErrorId.DuplicateKey, $"{Quote.Value(key)} is given again; it is already on line {first}, and a section takes each key once (only LanPrefix and MappedPrefix repeat).", number, key));
                    continue;
                }
                seen[known] = number;
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
                                // Split once the sites are known: a site name may hold a comma.
                                if (!value.Contains(','))
                                    throw Fail(WgErrorId.InvalidTopologyFile, $"Sites {Quote.Value(value)} must name two different sites, separated by a comma.", number, value);
                                pair!.Sites = value;
                                break;
                            case "key":
                                pair!.Key = WgPresharedKey.TryParse(value, out var psk) ? psk
                                    : throw Fail(WgErrorId.InvalidKey, "The preshared key is not a valid key (44 base64 characters).", number);
                                break;
                            case "created": pair!.Created = ParseTimestamp(value, number); break;
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
            {
                built.Add(made);
                lineOf.TryAdd(made.Name, draft.Line);
            }
        }
        var siteNames = new SiteNames(built.Select(s => s.Name));
        var pairLines = new Dictionary<(string, string), int>();
        foreach (var draft in pairs)
        {
            if (draft.Sites is not { } value || (draft.Key is null && draft.Created is null))
                errors.Add(new WgError(WgErrorId.InvalidTopologyFile, "A [PresharedKey] section needs Sites, and Key or Created (a file without secrets keeps only the key's age).", draft.Line));
            else
            {
                var splits = SplitSites(value, siteNames);
                if (splits.Count == 1 && pairLines.TryGetValue(Ordered(splits[0]), out var firstLine))
                    errors.Add(new WgError(WgErrorId.DuplicateKey, $"A second preshared key for {Quote.Value(splits[0].Item1)} and {Quote.Value(splits[0].Item2)}; the first is in the [PresharedKey] section on line {firstLine}.", draft.Line, value));
                else if (splits.Count == 1)
                {
                    draft.Pair = splits[0];
                    pairLines[Ordered(splits[0])] = draft.Line;
                }
                else if (splits.Count > 1)
                    errors.Add(new WgError(WgErrorId.InvalidTopologyFile, $"Sites {Quote.Value(value)} splits into two sites in more than one way (the site names hold commas).", draft.Line, value));
                else if (value.Split(',') is [var a, var b] && MissingSite(a.Trim(), b.Trim(), siteNames) is { } missing)
                    errors.Add(new WgError(WgErrorId.SiteNotFound, $"The preshared key is for {Quote.Value(a.Trim())} and {Quote.Value(b.Trim())}, but the file has no site {Quote.Value(missing)}.", draft.Line, missing));
                else
                    errors.Add(new WgError(WgErrorId.InvalidTopologyFile, $"Sites {Quote.Value(value)} must name two different sites of the file, separated by a comma.", draft.Line, value));
            }
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
        {
            if (draft.Key is not null)
                topology.SetPresharedKey(draft.Pair!.Value.Item1, draft.Pair.Value.Item2, draft.Key);
            if (draft.Created is { } created)
                topology.SetPresharedKeyCreated(draft.Pair!.Value.Item1, draft.Pair.Value.Item2, created);
        }
        return topology;
    }

    private static WgException Fail(string id, string message, int line, string? offender = null) => new(new WgError(id, message, line, offender));

    private static WgException Unknown(string key, string section, int line) =>
        Fail(WgErrorId.UnknownKey, $"Unknown key {Quote.KeyName(key)} in {section}.", line, Quote.KeyNameOffender(key));

    private static WgPrefix ParsePrefix(string value) => WgPrefix.Parse(value);

    private static bool ParseBool(string value, int line) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Fail(WgErrorId.InvalidBoolean, $"{Quote.Value(value)} is neither true nor false.", line, value),
    };

    private static readonly string[] TopologyKeys = ["tunnelprefix", "shape", "hub", "interfacename", "presharedkeys"];
    private static readonly string[] SiteKeys = ["name", "computername", "endpoint", "lanprefix", "mappedprefix", "lanaddress", "cloud", "listenport", "waninterface", "behindnat", "tunneladdress", "publickey", "privatekey", "keycreated"];
    private static readonly string[] PairKeys = ["sites", "key", "created"];

    private static bool IsKnownKey(Section section, string lowerKey) => section switch
    {
        Section.Topology => TopologyKeys.Contains(lowerKey),
        Section.Site => SiteKeys.Contains(lowerKey),
        Section.PresharedKey => PairKeys.Contains(lowerKey),
        _ => false,
    };

    /// <summary>
    /// Every way a Sites value splits at a comma into two different sites of <paramref name="names"/>,
    /// matched case-insensitively (an exact match first) and given as the sites' own names.
    /// </summary>
    private static List<(string, string)> SplitSites(string value, SiteNames names)
    {
        var splits = new List<(string, string)>();
        for (var comma = value.IndexOf(','); comma >= 0; comma = value.IndexOf(',', comma + 1))
        {
            if (names.Find(value[..comma].Trim()) is { } first && names.Find(value[(comma + 1)..].Trim()) is { } second
                && !first.Equals(second, StringComparison.OrdinalIgnoreCase) && !splits.Contains((first, second)))
                splits.Add((first, second));
        }
        return splits;
    }

    private static (string, string) Ordered((string, string) pair) =>
        string.CompareOrdinal(pair.Item1, pair.Item2) < 0 ? pair : (pair.Item2, pair.Item1);

    private static string? MissingSite(string a, string b, SiteNames names) =>
        a.Length == 0 || b.Length == 0 || a.Equals(b, StringComparison.OrdinalIgnoreCase) ? null
            : names.Find(a) is null ? a : names.Find(b) is null ? b : null;

    /// <summary>
    /// The sites' names, looked up by hash: an exact match first, else the first name that matches
    /// case-insensitively. Every [PresharedKey] section looks up two names, and a search of the list
    /// made reading and writing a 200-site mesh's 19,900 keys grow with the square of the sites.
    /// </summary>
    private sealed class SiteNames
    {
        private readonly HashSet<string> _exact = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _folded = new(StringComparer.OrdinalIgnoreCase);

        public SiteNames(IEnumerable<string> names)
        {
            foreach (var name in names)
            {
                _exact.Add(name);
                _folded.TryAdd(name, name);
            }
        }

        public string? Find(string name) => _exact.Contains(name) ? name : _folded.GetValueOrDefault(name);
    }

    private sealed class PairDraft(int line)
    {
        public int Line { get; } = line;
        public string? Sites { get; set; }
        public (string, string)? Pair { get; set; }
        public WgPresharedKey? Key { get; set; }
        public DateTimeOffset? Created { get; set; }
    }

    private sealed class SiteDraft(int line)
    {
        private string? _name, _computerName, _wanInterface;
        private WgEndpoint? _endpoint;
        private readonly List<WgPrefix> _lan = new();
        private readonly List<WgPrefix> _mapped = new();
        private IPAddress? _lanAddress, _tunnelAddress;
        private bool _cloud;
        public int Line { get; } = line;
        private bool _behindNat = true;
        private int? _listenPort;
        private WgPublicKey? _publicKey;
        private WgPrivateKey? _privateKey;
        private DateTimeOffset? _keyCreated;
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
                case "mappedprefix":
                    foreach (var part in value.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0))
                        _mapped.Add(ParsePrefix(part));
                    break;
                case "lanaddress": _lanAddress = ParseAddress(value, "LanAddress"); break;
                case "cloud": _cloud = ParseBool(value, number); break;
                case "listenport":
                    _listenPort = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535 ? port
                        : throw Fail(WgErrorId.InvalidPort, $"The port {Quote.Value(value)} is not a number from 1 to 65535.", number, value);
                    break;
                case "waninterface": _wanInterface = WgValues.CheckInterfaceName(value) is { } bad ? throw new WgException(bad) : value; break;
                case "behindnat": _behindNat = ParseBool(value, number); break;
                case "tunneladdress": _tunnelAddress = ParseAddress(value, "TunnelAddress"); break;
                case "publickey":
                    _publicKeyLine = number;
                    _publicKey = WgPublicKey.TryParse(value, out var publicKey, out var keyError) ? publicKey : throw new WgException(keyError with { Line = number });
                    break;
                case "privatekey":
                    _privateKey = WgPrivateKey.TryParse(value, out var privateKey) ? privateKey
                        : throw Fail(WgErrorId.InvalidKey, "The private key is not a valid key (44 base64 characters).", number);
                    break;
                case "keycreated": _keyCreated = ParseTimestamp(value, number); break;
                default: throw Unknown(key, "[Site]", number);
            }
        }

        private static IPAddress ParseAddress(string value, string key) =>
            WgValues.TryParseAddress(value, key, out var address, out var error) ? address : throw new WgException(error!);

        public WgSite? ToSite(List<WgError> errors)
        {
            var before = errors.Count;
            if (_name is null)
                errors.Add(new WgError(WgErrorId.InvalidTopologyFile, "The [Site] section has no Name.", Line));
            if (_endpoint is null)
                errors.Add(new WgError(WgErrorId.InvalidTopologyFile, $"The [Site] section {Quote.Value(_name ?? "")} has no Endpoint.", Line));
            if (_publicKey is null && _privateKey is null)
                errors.Add(new WgError(WgErrorId.MissingPublicKey, $"The [Site] section {Quote.Value(_name ?? "")} has neither PublicKey nor PrivateKey.", Line));
            if (_publicKey is not null && _privateKey is not null && _privateKey.PublicKey != _publicKey)
                errors.Add(new WgError(WgErrorId.RemoteKeyMismatch, $"The PublicKey {Quote.PublicKey(_publicKey)} of site {Quote.Value(_name ?? "")} is not the public key of its PrivateKey.", _publicKeyLine));
            if (errors.Count > before)
                return null;
            var site = new WgSite(_name!, _endpoint!)
            {
                ComputerName = _computerName,
                LanPrefix = _lan.ToArray(),
                MappedPrefix = _mapped.ToArray(),
                LanAddress = _lanAddress,
                Cloud = _cloud,
                WanInterface = _wanInterface,
                BehindNat = _behindNat,
                TunnelAddress = _tunnelAddress,
                PrivateKey = _privateKey,
                KeyCreated = _keyCreated,
            };
            if (_listenPort is int port)
                site.ListenPort = port;
            if (_privateKey is null)
                site.PublicKey = _publicKey;
            return site;
        }
    }
}

using System.Net;
using System.Text;
using WgAdmin.Keys;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Config;

/// <summary>
/// Reads a wg-quick configuration file the way the real tools do: wg-quick takes its own keys
/// (Address, DNS, MTU, Table, the hooks, SaveConfig) from [Interface], trimming only the ends of
/// the line; everything else goes to `wg`, which deletes every whitespace character before
/// matching. Keys and section names are case-insensitive; '#' starts a comment except in a
/// hook, whose value is kept whole (wireguard-tools 1.0.20250521 and later). All problems are
/// collected and reported together, each with its line number.
/// </summary>
public static class WgConfigParser
{
    // Unknown: after a header that is neither [Interface] nor [Peer]; its lines are covered by that error.
    private enum Section { None, Interface, Peer, Unknown }

    private static readonly string[] WgQuickKeys = ["Address", "DNS", "MTU", "Table", "PreUp", "PostUp", "PreDown", "PostDown", "SaveConfig"];

    /// <summary>Parses configuration text; throws <see cref="WgException"/> with every problem found.</summary>
    public static WgInterface Parse(string text, string? interfaceName = null)
    {
        var state = new ParseState();
        state.Run(text);
        if (interfaceName is not null)
            state.Result.Name = interfaceName;
        if (state.Errors.Count == 0)
            state.Errors.AddRange(WgConfigValidator.Validate(state.Result, peer => state.PeerLines.GetValueOrDefault(peer)));
        if (state.Errors.Count > 0)
            throw new WgException(state.Errors.OrderBy(error => error.Line ?? 0).ToList()); // stable: line order, as promised
        return state.Result;
    }

    /// <summary>
    /// Parses a file's bytes. They must be UTF-8 without a byte-order mark (`wg` rejects a BOM).
    /// </summary>
    public static WgInterface Parse(ReadOnlySpan<byte> bytes, string? interfaceName = null)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
            throw new WgException(ByteOrderMarkError);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new WgException(new WgError(WgErrorId.ControlCharacter, "The file is not valid UTF-8 text."));
        }
        return Parse(text, interfaceName);
    }

    /// <summary>The interface name wg-quick takes from a file name ("wg0.conf" gives "wg0"), or null.</summary>
    public static string? InterfaceNameFromPath(string path)
    {
        var file = Path.GetFileName(path);
        if (!file.EndsWith(".conf", StringComparison.Ordinal))
            return null;
        var name = file[..^5];
        return WgValues.IsValidInterfaceName(name) ? name : null;
    }

    private static readonly WgError ByteOrderMarkError = new(WgErrorId.ByteOrderMark,
        "The text starts with a UTF-8 byte-order mark, which wg rejects; save the file as UTF-8 without BOM.", 1);

    private sealed class ParseState
    {
        public readonly WgInterface Result = new();
        public readonly List<WgError> Errors = new();
        public readonly Dictionary<WgPeer, int> PeerLines = new(ReferenceEqualityComparer.Instance);

        private readonly List<WgPrefix> _addresses = new();
        private readonly List<IPAddress> _dns = new();
        private readonly List<string> _dnsSearch = new();
        private readonly List<string> _preUp = new(), _postUp = new(), _preDown = new(), _postDown = new();
        private readonly List<WgPeer> _peers = new();
        private readonly List<WgPrefix> _allowedIPs = new();

        private Section _section;
        private bool _wgQuickSeesInterface;
        private PeerDraft? _peer;
        private int _lineNumber;

        private sealed class PeerDraft
        {
            public int Line;
            public WgPublicKey? PublicKey;
            public WgPresharedKey? PresharedKey;
            public WgEndpoint? Endpoint;
            public int? Keepalive;
            public string? Name;
            public string? Description;
            public bool HasAllowedIPs;
            public bool HasPublicKeyLine; // a bad or empty PublicKey is reported on its own line, not again as missing
        }

        public void Run(string text)
        {
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                Errors.Add(ByteOrderMarkError);
                return;
            }
            var start = 0;
            while (start <= text.Length)
            {
                var end = text.IndexOf('\n', start);
                var line = end < 0 ? text[start..] : text[start..end];
                _lineNumber++;
                if (end < 0 && line.Length == 0)
                    break;
                ReadLine(line);
                if (end < 0)
                    break;
                start = end + 1;
            }
            FinishPeer();
            Result.Address = _addresses.ToArray();
            Result.Dns = _dns.ToArray();
            Result.DnsSearch = _dnsSearch.ToArray();
            Result.PreUp = _preUp.ToArray();
            Result.PostUp = _postUp.ToArray();
            Result.PreDown = _preDown.ToArray();
            Result.PostDown = _postDown.ToArray();
            Result.Peers = _peers.ToArray();
        }

        private void Error(string id, string message, string? offender = null) =>
            Errors.Add(new WgError(id, message, _lineNumber, offender));

        private void Error(WgError? error)
        {
            if (error is not null)
                Errors.Add(error with { Line = _lineNumber });
        }

        private void ReadLine(string line)
        {
            var comment = line.IndexOf('#');
            var content = comment < 0 ? line : line[..comment];

            if (IsBlank(content))
            {
                if (comment >= 0)
                    ReadPeerComment(line[(comment + 1)..]);
                return;
            }

            // `wg` sees the line with every whitespace character removed.
            var compact = RemoveWhitespace(content);
            if (compact.StartsWith('['))
            {
                ReadSectionHeader(TrimCSpace(content), compact);
                return;
            }

            if (_section == Section.Unknown)
                return;

            var equals = content.IndexOf('=');
            if (equals < 0)
            {
                // Never quote the line: it may be a private key pasted without its "PrivateKey =".
                Error(WgErrorId.MissingEquals, $"The line has no '=': expected Key = Value{KeyHint(content)}.");
                return;
            }
            var key = TrimCSpace(content[..equals]);
            if (_section == Section.None)
            {
                Error(WgErrorId.KeyOutsideSection, $"{Quote.KeyName(key)} appears before any [Interface] or [Peer] section.", Quote.KeyNameOffender(key));
                return;
            }
            if (_section == Section.Interface && _wgQuickSeesInterface && MatchWgQuickKey(key) is { } wgQuickKey)
            {
                var value = TrimCSpace(content[(equals + 1)..]);
                // A hook keeps its whole value, '#' included, as wg-quick (1.0.20250521+) does.
                var unstripped = TrimCSpace(line[(equals + 1)..]);
                ReadWgQuickKey(wgQuickKey, value, unstripped);
                return;
            }
            var compactEquals = compact.IndexOf('=');
            var wgKey = compact[..compactEquals];
            var wgValue = compact[(compactEquals + 1)..];
            if (_section == Section.Interface)
                ReadInterfaceKey(wgKey, wgValue, key);
            else
                ReadPeerKey(wgKey, wgValue, key);
        }

        private void ReadPeerComment(string commentText)
        {
            // WgAdmin keeps a peer's friendly name as "# Name = ..." (and "# Description = ...").
            if (_section != Section.Peer || _peer is null)
                return;
            var equals = commentText.IndexOf('=');
            if (equals < 0)
                return;
            var key = TrimCSpace(commentText[..equals]);
            var value = TrimCSpace(commentText[(equals + 1)..]);
            if (key.Equals("Name", StringComparison.OrdinalIgnoreCase))
            {
                Error(WgValues.CheckName(value, "The peer name"));
                _peer.Name = value.Length == 0 ? null : value;
            }
            else if (key.Equals("Description", StringComparison.OrdinalIgnoreCase))
            {
                Error(WgValues.CheckText(value, "The peer description"));
                _peer.Description = value.Length == 0 ? null : value;
            }
        }

        private void ReadSectionHeader(string trimmed, string compact)
        {
            FinishPeer();
            if (compact.Equals("[Interface]", StringComparison.OrdinalIgnoreCase))
            {
                _section = Section.Interface;
                // wg-quick compares the trimmed line, so "[ Interface ]" is [Interface] to wg only.
                _wgQuickSeesInterface = trimmed.Equals("[Interface]", StringComparison.OrdinalIgnoreCase);
            }
            else if (compact.Equals("[Peer]", StringComparison.OrdinalIgnoreCase))
            {
                _section = Section.Peer;
                _peer = new PeerDraft { Line = _lineNumber };
                _allowedIPs.Clear();
            }
            else
            {
                _section = Section.Unknown;
                Error(WgErrorId.UnknownSection, $"Unknown section {Quote.Value(trimmed)}: expected [Interface] or [Peer].", trimmed);
            }
        }

        private static string? MatchWgQuickKey(string key)
        {
            foreach (var candidate in WgQuickKeys)
                if (candidate.Equals(key, StringComparison.OrdinalIgnoreCase))
                    return candidate;
            return null;
        }

        private void ReadWgQuickKey(string key, string value, string hook)
        {
            switch (key)
            {
                case "Address":
                    foreach (var item in WgValues.SplitList(value))
                    {
                        if (WgPrefix.TryParse(item, out var prefix))
                            _addresses.Add(prefix);
                        else
                            Error(WgErrorId.InvalidPrefix, $"Address {Quote.Value(item)} is not an IP address with an optional /prefix length.", item);
                    }
                    break;
                case "DNS":
                    if (!WgValues.TrySplitDns(WgValues.SplitList(value), _dns, _dnsSearch, out var dnsError))
                        Error(dnsError);
                    break;
                case "MTU":
                    if (value.Length == 0)
                        Result.Mtu = null;
                    else if (WgValues.TryParseMtu(value, out var mtu, out var mtuError))
                        Result.Mtu = mtu;
                    else
                        Error(mtuError);
                    break;
                case "Table":
                    if (value.Length == 0)
                        Result.Table = null;
                    else if (WgValues.CheckTable(value) is { } tableError)
                        Error(tableError);
                    else
                        Result.Table = value;
                    break;
                case "SaveConfig":
                    if (WgValues.TryParseBool(value, out var save, out var boolError))
                        Result.SaveConfig = save;
                    else
                        Error(boolError);
                    break;
                default:
                    if (WgValues.CheckText(hook, key, allowTab: true) is { } hookError)
                    {
                        Error(hookError);
                        break;
                    }
                    if (hook.Length == 0)
                        break; // wg-quick evaluates an empty hook as nothing
                    (key switch { "PreUp" => _preUp, "PostUp" => _postUp, "PreDown" => _preDown, _ => _postDown }).Add(hook);
                    break;
            }
        }

        private void ReadInterfaceKey(string key, string value, string writtenKey)
        {
            if (key.Equals("PrivateKey", StringComparison.OrdinalIgnoreCase))
            {
                if (!RequireValue(key, value))
                    return;
                if (WgPrivateKey.TryParse(value, out var privateKey))
                    Result.PrivateKey = privateKey;
                else
                    Error(WgErrorId.InvalidKey, $"PrivateKey is not a valid key: {KeyProblem(value)}.");
            }
            else if (key.Equals("ListenPort", StringComparison.OrdinalIgnoreCase))
            {
                if (RequireValue(key, value))
                {
                    if (WgValues.TryParsePort(value, out var port, out var portError))
                        Result.ListenPort = port;
                    else
                        Error(portError);
                }
            }
            else if (key.Equals("FwMark", StringComparison.OrdinalIgnoreCase))
            {
                if (RequireValue(key, value))
                {
                    if (WgValues.TryParseFwMark(value, out var mark, out var markError))
                        Result.FwMark = mark;
                    else
                        Error(markError);
                }
            }
            else
            {
                UnknownKey(key, writtenKey, "[Interface]");
            }
        }

        private void ReadPeerKey(string key, string value, string writtenKey)
        {
            var peer = _peer!;
            if (key.Equals("PublicKey", StringComparison.OrdinalIgnoreCase))
            {
                peer.HasPublicKeyLine = true;
                if (!RequireValue(key, value))
                    return;
                if (WgPublicKey.TryParse(value, out var publicKey, out var keyError))
                    peer.PublicKey = publicKey;
                else
                    Error(keyError);
            }
            else if (key.Equals("PresharedKey", StringComparison.OrdinalIgnoreCase))
            {
                if (!RequireValue(key, value))
                    return;
                if (WgPresharedKey.TryParse(value, out var psk))
                    peer.PresharedKey = psk;
                else
                    Error(WgErrorId.InvalidKey, $"PresharedKey is not a valid key: {KeyProblem(value)}.");
            }
            else if (key.Equals("Endpoint", StringComparison.OrdinalIgnoreCase))
            {
                if (!RequireValue(key, value))
                    return;
                try
                {
                    peer.Endpoint = WgEndpoint.Parse(value);
                }
                catch (WgException ex)
                {
                    foreach (var error in ex.Errors)
                        Error(error);
                }
            }
            else if (key.Equals("AllowedIPs", StringComparison.OrdinalIgnoreCase))
            {
                if (!RequireValue(key, value))
                    return;
                peer.HasAllowedIPs = true;
                foreach (var item in value.Split(','))
                {
                    if (WgPrefix.TryParse(item, out var prefix))
                        _allowedIPs.Add(prefix);
                    else
                        Error(WgErrorId.InvalidPrefix, $"AllowedIPs entry {Quote.Value(item)} is not an IP prefix (address/length).", item);
                }
            }
            else if (key.Equals("PersistentKeepalive", StringComparison.OrdinalIgnoreCase))
            {
                if (!RequireValue(key, value))
                    return;
                if (WgValues.TryParseKeepalive(value, out var keepalive, out var keepaliveError))
                    peer.Keepalive = keepalive;
                else
                    Error(keepaliveError);
            }
            else
            {
                UnknownKey(key, writtenKey, "[Peer]");
            }
        }

        private bool RequireValue(string key, string value)
        {
            if (value.Length > 0)
                return true;
            Error(WgErrorId.EmptyValue, $"{key} has no value.", key);
            return false;
        }

        private void UnknownKey(string key, string writtenKey, string section)
        {
            Error(WgErrorId.UnknownKey, $"Unknown key {Quote.KeyName(writtenKey)} in {section}{UnknownKeyHint(key, writtenKey, section)}.", Quote.KeyNameOffender(writtenKey));
        }

        private string UnknownKeyHint(string key, string writtenKey, string section)
        {
            static bool IsOneOf(string key, params string[] names) =>
                names.Any(name => name.Equals(key, StringComparison.OrdinalIgnoreCase));
            var isWgQuickKey = MatchWgQuickKey(key) is not null;
            if (section == "[Peer]" && (isWgQuickKey || IsOneOf(key, "PrivateKey", "ListenPort", "FwMark")))
                return " (it belongs in [Interface])";
            if (section == "[Interface]" && IsOneOf(key, "PublicKey", "PresharedKey", "Endpoint", "AllowedIPs", "PersistentKeepalive"))
                return " (it belongs in [Peer])";
            if (isWgQuickKey && !_wgQuickSeesInterface)
                return " (wg-quick reads this section header as something other than [Interface]: write it as [Interface] with no inner spaces)";
            if (isWgQuickKey && key != writtenKey)
                return " (wg-quick matches its own keys with no inner spaces)";
            return "";
        }

        private void FinishPeer()
        {
            if (_peer is null)
                return;
            var draft = _peer;
            _peer = null;
            if (draft.PublicKey is null)
            {
                if (draft.HasPublicKeyLine)
                    return;
                Errors.Add(new WgError(WgErrorId.MissingPublicKey, "A [Peer] section has no PublicKey.", draft.Line));
                return;
            }
            var peer = new WgPeer(draft.PublicKey)
            {
                PresharedKey = draft.PresharedKey,
                Endpoint = draft.Endpoint,
                PersistentKeepalive = draft.Keepalive,
                AllowedIPs = _allowedIPs.ToArray(),
                Name = draft.Name,
                Description = draft.Description,
            };
            _allowedIPs.Clear();
            PeerLines[peer] = draft.Line;
            _peers.Add(peer);
        }

        private static string KeyProblem(string value)
        {
            KeyEncoding.TryDecode(value, out _, out var problem);
            return problem;
        }

        private static string KeyHint(string content)
        {
            var compact = RemoveWhitespace(content);
            return KeyEncoding.TryDecode(compact, out _, out _) ? " (the line looks like a bare key)" : "";
        }

        private static string RemoveWhitespace(string text)
        {
            var builder = new StringBuilder(text.Length);
            foreach (var c in text)
                if (!IsCSpace(c))
                    builder.Append(c);
            return builder.ToString();
        }

        private static bool IsBlank(string text)
        {
            foreach (var c in text)
                if (!IsCSpace(c))
                    return false;
            return true;
        }

        private static string TrimCSpace(string text) => text.Trim(CSpaces);

        private static readonly char[] CSpaces = [' ', '\t', '\n', '\v', '\f', '\r'];

        // C's isspace in the C locale, which is what wg uses: not Unicode's wider set.
        private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using WgAdmin.Net;

namespace WgAdmin.Config;

/// <summary>
/// Parsers and range checks for single values, shared by the file parser, the model validator
/// and the cmdlets, so that a value is judged the same way wherever it comes from. Each check
/// returns null when the value is good, or the problem with the value quoted.
/// </summary>
public static partial class WgValues
{
    public const int MinMtu = 68;      // ETH_MIN_MTU: the smallest MTU Linux sets on a WireGuard link
    public const int MaxMtu = 65535;   // ETH_MAX_MTU, WireGuard's max_mtu

    // \z, not $: in .NET "$" also matches before a final "\n", so "wg0\n" would pass.
    [GeneratedRegex(@"^[a-zA-Z0-9_=+.-]{1,15}\z")]
    private static partial Regex InterfaceNamePattern();

    // wg-quick's own test of a DNS entry: digits and dots, or anything with a colon, is a server.
    [GeneratedRegex(@"(^[0-9.]+\z)|(^.*:.*\z)")]
    private static partial Regex DnsServerPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,64}\z")]
    private static partial Regex TableNamePattern();

    /// <summary>
    /// Names wg reads as keywords (`wg show all dump`, `wg show interfaces`): an interface so named
    /// cannot be addressed. Linux refuses "." and ".." (they are directories in /sys/class/net).
    /// </summary>
    private static readonly string[] ReservedInterfaceNames = ["all", "interfaces", ".", ".."];

    private static bool IsReservedInterfaceName(string name) => ReservedInterfaceNames.Contains(name, StringComparer.Ordinal);

    public static bool IsValidInterfaceName(string? name) => name is not null && InterfaceNamePattern().IsMatch(name) && !IsReservedInterfaceName(name);

    public static WgError? CheckInterfaceName(string? name) =>
        IsValidInterfaceName(name) ? null : new WgError(WgErrorId.InvalidInterfaceName,
            name is not null && IsReservedInterfaceName(name)
                ? name.StartsWith('.')
                    ? $"The interface name {Quote.Value(name)} is not valid: Linux refuses it (it is a directory's name, as in /sys/class/net/{name})."
                    : $"The interface name {Quote.Value(name)} is not valid: wg reads it as a keyword ('wg show {name}'), not as an interface."
                : $"The interface name {Quote.Value(name ?? "")} is not valid: use 1 to 15 of the characters a-z, A-Z, 0-9, _ = + . -.", Offender: name);

    public static bool TryParsePort(string text, out int port, out WgError? error)
    {
        // wg hands the value to getaddrinfo, which wraps 70000 to 4464 and takes service names;
        // WgAdmin refuses both rather than listen somewhere unexpected.
        if (IsDecimal(text, 10) && long.Parse(text, CultureInfo.InvariantCulture) is >= 1 and <= 65535 and var value)
        {
            port = (int)value;
            error = null;
            return true;
        }
        port = 0;
        error = new WgError(WgErrorId.InvalidPort, $"ListenPort {Quote.Value(text)} is out of range: a UDP port is a number from 1 to 65535 (omit ListenPort for a random one).", Offender: text);
        return false;
    }

    public static WgError? CheckPort(int port) =>
        port is >= 1 and <= 65535 ? null : new WgError(WgErrorId.InvalidPort, $"ListenPort {port} is out of range: a UDP port is a number from 1 to 65535.", Offender: port.ToString(CultureInfo.InvariantCulture));

    /// <summary>A plain IP address, as inet_pton reads it (no "10.1", no prefix, no scope id).</summary>
    public static bool TryParseAddress(string text, string what, out IPAddress address, out WgError? error)
    {
        error = IPText.TryParseAddress(text, out address) ? null
            : new WgError(WgErrorId.InvalidPrefix, $"{what} {Quote.Value(text)} is not an IP address.", Offender: text);
        return error is null;
    }

    public static bool TryParseFwMark(string text, out uint mark, out WgError? error)
    {
        mark = 0;
        error = null;
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase))
            return true;
        var ok = text.Length > 2 && text[0] == '0' && text[1] == 'x'
            ? uint.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mark) && text.Skip(2).All(Uri.IsHexDigit)
            : IsDecimal(text, 32) && uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out mark);
        if (!ok)
            error = new WgError(WgErrorId.InvalidFwMark, $"FwMark {Quote.Value(text)} is neither off nor a number from 0 to 0xffffffff.", Offender: text);
        return ok;
    }

    public static bool TryParseKeepalive(string text, out int seconds, out WgError? error)
    {
        seconds = 0;
        error = null;
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase))
            return true;
        if (IsDecimal(text, 10) && long.Parse(text, CultureInfo.InvariantCulture) is >= 0 and <= 65535 and var value)
        {
            seconds = (int)value;
            return true;
        }
        error = new WgError(WgErrorId.InvalidKeepalive, $"PersistentKeepalive {Quote.Value(text)} is neither off nor a number of seconds from 0 to 65535.", Offender: text);
        return false;
    }

    public static WgError? CheckKeepalive(int seconds) =>
        seconds is >= 0 and <= 65535 ? null : new WgError(WgErrorId.InvalidKeepalive, $"PersistentKeepalive {seconds} is out of range: 0 (off) to 65535 seconds.", Offender: seconds.ToString(CultureInfo.InvariantCulture));

    public static bool TryParseMtu(string text, out int mtu, out WgError? error)
    {
        mtu = 0;
        error = null;
        if (IsDecimal(text, 10) && long.Parse(text, CultureInfo.InvariantCulture) is >= MinMtu and <= MaxMtu and var value)
        {
            mtu = (int)value;
            return true;
        }
        error = new WgError(WgErrorId.InvalidMtu, $"MTU {Quote.Value(text)} is out of range: a number from {MinMtu} to {MaxMtu}.", Offender: text);
        return false;
    }

    public static WgError? CheckMtu(int mtu) =>
        mtu is >= MinMtu and <= MaxMtu ? null : new WgError(WgErrorId.InvalidMtu, $"MTU {mtu} is out of range: a number from {MinMtu} to {MaxMtu}.", Offender: mtu.ToString(CultureInfo.InvariantCulture));

    /// <summary>wg-quick's Table: "off", "auto", a table number, or a name from rt_tables.</summary>
    public static WgError? CheckTable(string table) =>
        table is "off" or "auto" || (IsDecimal(table, 10) && uint.TryParse(table, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        || (TableNamePattern().IsMatch(table) && !table.All(char.IsAsciiDigit))
            ? null
            : new WgError(WgErrorId.InvalidTable, $"Table {Quote.Value(table)} is not valid: use off, auto, a table number or a table name.", Offender: table);

    public static bool TryParseBool(string text, out bool value, out WgError? error)
    {
        error = null;
        if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase)) { value = true; return true; }
        if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase)) { value = false; return true; }
        value = false;
        error = new WgError(WgErrorId.InvalidBoolean, $"SaveConfig {Quote.Value(text)} is neither true nor false.", Offender: text);
        return false;
    }

    /// <summary>
    /// Splits DNS entries into servers and search domains the way wg-quick does: an entry of
    /// digits and dots, or with a colon, is a server; anything else is a search domain.
    /// </summary>
    public static bool TrySplitDns(IEnumerable<string> entries, List<IPAddress> servers, List<string> search, out WgError? error)
    {
        error = null;
        foreach (var entry in entries)
        {
            if (DnsServerPattern().IsMatch(entry))
            {
                if (!IPText.TryParseAddress(entry, out var address))
                {
                    error = new WgError(WgErrorId.InvalidDns, $"DNS server {Quote.Value(entry)} is not an IPv4 or IPv6 address.", Offender: entry);
                    return false;
                }
                servers.Add(address);
            }
            else if (CheckSearchDomain(entry) is { } problem)
            {
                error = problem;
                return false;
            }
            else
            {
                search.Add(entry);
            }
        }
        return true;
    }

    public static WgError? CheckSearchDomain(string domain)
    {
        var labels = domain.TrimEnd('.').Split('.');
        // wg-quick reads an entry of digits and dots as a server, so "123" cannot be a search domain.
        var ok = domain.Length is > 0 and <= 253 && !DnsServerPattern().IsMatch(domain) && labels.All(label =>
            label.Length is > 0 and <= 63 && !label.StartsWith('-') && !label.EndsWith('-')
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        return ok ? null : new WgError(WgErrorId.InvalidDns, $"DNS entry {Quote.Value(domain)} is neither an IP address nor a valid search domain.", Offender: domain);
    }

    /// <summary>
    /// Refuses control characters (newlines above all): a value must never be able to add a
    /// line, such as a PostUp, to the file it is written into.
    /// </summary>
    public static WgError? CheckText(string? value, string what, bool allowTab = false)
    {
        if (value is null)
            return null;
        foreach (var c in value)
        {
            if ((char.IsControl(c) && !(allowTab && c == '\t')) || c is '\u2028' or '\u2029' or '\u0085')
                return new WgError(WgErrorId.ControlCharacter, $"{what} {Quote.Value(value)} contains a control character (U+{(int)c:X4}); newlines and control characters are not allowed.", Offender: value);
        }
        return null;
    }

    /// <summary>
    /// A name (of a site, a peer, an interface) is what an admin reads to tell things apart, so
    /// beyond <see cref="CheckText"/> it refuses invisible format characters: bidi overrides and
    /// isolates, which make "gw-a" display as another name, and zero-width characters, which
    /// make two names that look the same.
    /// </summary>
    public static WgError? CheckName(string? value, string what)
    {
        if (CheckText(value, what) is { } control)
            return control;
        foreach (var rune in (value ?? "").EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format)
                return new WgError(WgErrorId.InvisibleCharacter,
                    $"{what} {Quote.Value(value!)} contains the invisible character U+{rune.Value:X4}; bidi controls and zero-width characters are not allowed in names.", Offender: value);
        }
        return null;
    }

    /// <summary>Splits on commas and whitespace, as wg-quick's ${value//,/ } word splitting does.</summary>
    public static string[] SplitList(string value) =>
        value.Split(new[] { ',', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);

    private static bool IsDecimal(string text, int maxDigits) =>
        text.Length > 0 && text.Length <= maxDigits && text.All(char.IsAsciiDigit);
}

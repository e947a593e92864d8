using System.Net;
using System.Net.Sockets;

namespace WgAdmin.Net;

/// <summary>
/// Strict address parsing, as inet_pton does it: .NET's IPAddress.Parse also takes "10.1",
/// "0x0a.0.0.1" and scope ids, which `wg` and `ip` reject.
/// </summary>
internal static class IPText
{
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            if (text.Contains('%') || text.Contains('[') || text.Contains(']') || text.Contains('/'))
                return false;
            foreach (var c in text)
                if (!(Uri.IsHexDigit(c) || c is ':' or '.'))
                    return false;
            // An embedded IPv4 tail ("::ffff:10.0.0.1") obeys the IPv4 rules: .NET takes "10.0.0.01" there, inet_pton does not.
            if (text.Contains('.') && !TryParseIPv4(text[(text.LastIndexOf(':') + 1)..], out _))
                return false;
            if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
                return false;
            address = parsed;
            return true;
        }
        return TryParseIPv4(text, out address);
    }

    private static bool TryParseIPv4(string text, out IPAddress address)
    {
        address = IPAddress.None;
        Span<byte> octets = stackalloc byte[4];
        var part = 0;
        var value = -1;
        var digits = 0;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (value < 0 || part == 3)
                    return false;
                octets[part++] = (byte)value;
                value = -1;
                digits = 0;
            }
            else if (c is >= '0' and <= '9')
            {
                // inet_pton takes no leading zeros ("010" is ambiguous: octal to some tools).
                if (digits > 0 && value == 0)
                    return false;
                value = (value < 0 ? 0 : value * 10) + (c - '0');
                if (++digits > 3 || value > 255)
                    return false;
            }
            else
            {
                return false;
            }
        }
        if (value < 0 || part != 3)
            return false;
        octets[3] = (byte)value;
        address = new IPAddress(octets);
        return true;
    }
}

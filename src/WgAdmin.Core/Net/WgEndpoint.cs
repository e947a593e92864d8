using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WgAdmin.Net;

/// <summary>
/// Where a peer is reached: a DNS name, IPv4 or IPv6 address, and a UDP port. IPv6 is bracketed
/// ("[fd00::1]:51820"). Unbracketed, "2001:db8::1:51820" is refused, as wireguard-windows
/// refuses it: `wg` guesses the last colon, and the admin may have meant 2001:db8::1:51820 port 51820.
/// </summary>
public sealed class WgEndpoint : IEquatable<WgEndpoint>
{
    public WgEndpoint(string host, int port)
    {
        if (!IsValidHost(host, out _))
            throw new WgException(new WgError(WgErrorId.InvalidEndpoint, $"{Quote.Value(host)} is not a host name or IP address.", Offender: host));
        if (port is < 1 or > 65535)
            throw new WgException(new WgError(WgErrorId.InvalidPort, $"The port {port} is out of range: a UDP port is 1 to 65535.", Offender: port.ToString(CultureInfo.InvariantCulture)));
        Host = IPText.TryParseAddress(host, out var address) ? address.ToString() : host;
        Port = port;
    }

    /// <summary>The host as given, or the address in its canonical text form.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>The address when the host is an IP literal, otherwise null (a DNS name).</summary>
    public IPAddress? Address => IPText.TryParseAddress(Host, out var address) ? address : null;

    public static WgEndpoint Parse(string text)
    {
        if (TryParse(text, out var endpoint, out var error))
            return endpoint;
        throw new WgException(error);
    }

    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out WgEndpoint? endpoint) =>
        TryParse(text, out endpoint, out _);

    private static bool TryParse(string? text, [NotNullWhen(true)] out WgEndpoint? endpoint, out WgError error)
    {
        endpoint = null;
        text ??= "";
        // Built only on failure: parsing a 10,000-peer file must not pay for unused messages.
        error = null!;
        WgError Malformed(string value) => new(WgErrorId.InvalidEndpoint,
            $"{Quote.Value(value)} is not an endpoint: write host:port, a.b.c.d:port or [IPv6]:port.", Offender: value);
        string host, portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = Malformed(text);
                return false;
            }
            host = text[1..close];
            portText = text[(close + 2)..];
            if (!host.Contains(':'))
            {
                error = Malformed(text);
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0)
            {
                error = Malformed(text);
                return false;
            }
            host = text[..colon];
            portText = text[(colon + 1)..];
            if (host.Contains(':'))
            {
                error = new WgError(WgErrorId.InvalidEndpoint,
                    $"{Quote.Value(text)} is not an endpoint: an IPv6 address needs brackets, [address]:port, or where its port starts is a guess.", Offender: text);
                return false;
            }
        }
        if (!IsValidHost(host, out var hostProblem))
        {
            error = Malformed(text) with { Message = $"{Quote.Value(text)} is not an endpoint: {hostProblem}." };
            return false;
        }
        if (portText.Length is 0 or > 5 || !portText.All(char.IsAsciiDigit)
            || int.Parse(portText, CultureInfo.InvariantCulture) is < 1 or > 65535)
        {
            error = new WgError(WgErrorId.InvalidPort,
                $"The port in the endpoint {Quote.Value(text)} is out of range: a UDP port is a number from 1 to 65535.", Offender: text);
            return false;
        }
        endpoint = new WgEndpoint(host, int.Parse(portText, CultureInfo.InvariantCulture));
        return true;
    }

    private static bool IsValidHost(string host, out string problem)
    {
        problem = "";
        if (host.Contains(':'))
        {
            if (IPText.TryParseAddress(host, out _))
                return true;
            problem = $"{Quote.Value(host)} is not an IPv6 address";
            return false;
        }
        if (IPText.TryParseAddress(host, out _))
            return true;
        // A DNS name: labels of letters, digits, '-' and '_', at most 63 each, 253 in all.
        if (host.Length is 0 or > 253)
        {
            problem = "the host name is empty or longer than 253 characters";
            return false;
        }
        foreach (var label in host.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                problem = $"{Quote.Value(host)} is not a valid host name or IP address";
                return false;
            }
        }
        if (host.TrimEnd('.').Split('.').All(label => label.All(char.IsAsciiDigit)))
        {
            problem = $"{Quote.Value(host)} is not a valid IPv4 address";
            return false;
        }
        return true;
    }

    public override string ToString() =>
        Host.Contains(':') ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    public bool Equals(WgEndpoint? other) =>
        other is not null && Port == other.Port && string.Equals(Host, other.Host, StringComparison.OrdinalIgnoreCase);

    public override bool Equals(object? obj) => Equals(obj as WgEndpoint);

    public override int GetHashCode() => HashCode.Combine(Host.ToLowerInvariant(), Port);

    public static bool operator ==(WgEndpoint? left, WgEndpoint? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(WgEndpoint? left, WgEndpoint? right) => !(left == right);
}

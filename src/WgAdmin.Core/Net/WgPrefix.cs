using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace WgAdmin.Net;

/// <summary>
/// An address with a prefix length, IPv4 or IPv6. Host bits are kept as given, because
/// `Address = 10.0.0.1/24` names both the interface's address and its network.
/// </summary>
public readonly struct WgPrefix : IEquatable<WgPrefix>
{
    public WgPrefix(IPAddress address, int length)
    {
        ArgumentNullException.ThrowIfNull(address);
        var max = MaxLength(address.AddressFamily);
        if (length < 0 || length > max)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A prefix length for this address is 0 to {max}.");
        Address = address;
        Length = length;
    }

    public IPAddress Address { get; }

    public int Length { get; }

    public AddressFamily Family => Address.AddressFamily;

    public bool IsIPv6 => Address.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The network: the address with its host bits cleared. A method, not a property, so serializers do not recurse.</summary>
    public WgPrefix ToNetwork() => new(Mask(Address, Length), Length);

    public bool HasHostBits => !Address.Equals(Mask(Address, Length));

    /// <summary>True when the two prefixes share any address.</summary>
    public bool Overlaps(WgPrefix other) =>
        Family == other.Family && Mask(Address, Math.Min(Length, other.Length)).Equals(Mask(other.Address, Math.Min(Length, other.Length)));

    public bool Contains(IPAddress address) =>
        address.AddressFamily == Family && Mask(address, Length).Equals(Mask(Address, Length));

    /// <summary>
    /// Parses "10.0.0.1/24", "fd00::/64", or a bare address (a host: /32 or /128), as `wg` parses
    /// AllowedIPs and wg-quick parses Address.
    /// </summary>
    public static WgPrefix Parse(string text)
    {
        if (TryParse(text, out var prefix, out var problem))
            return prefix;
        throw new WgException(new WgError(WgErrorId.InvalidPrefix,
            $"{Quote.Value(text ?? "")} is not an IP prefix: {problem}.", Offender: text));
    }

    public static bool TryParse([NotNullWhen(true)] string? text, out WgPrefix prefix) => TryParse(text, out prefix, out _);

    private static bool TryParse(string? text, out WgPrefix prefix, out string problem)
    {
        prefix = default;
        if (string.IsNullOrEmpty(text))
        {
            problem = "it is empty";
            return false;
        }
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPText.TryParseAddress(addressText, out var address))
        {
            problem = "the address is not a dotted-quad IPv4 or an IPv6 address";
            return false;
        }
        var max = MaxLength(address.AddressFamily);
        var length = max;
        if (slash >= 0)
        {
            var lengthText = text[(slash + 1)..];
            if (lengthText.Length == 0 || lengthText.Length > 3 || !lengthText.All(char.IsAsciiDigit)
                || (length = int.Parse(lengthText, System.Globalization.CultureInfo.InvariantCulture)) > max)
            {
                problem = $"the prefix length must be a number from 0 to {max}";
                return false;
            }
        }
        prefix = new WgPrefix(address, length);
        problem = "";
        return true;
    }

    public override string ToString() => Address is null ? "" : $"{Address}/{Length}";

    public bool Equals(WgPrefix other) => Length == other.Length && Equals(Address, other.Address);

    public override bool Equals(object? obj) => obj is WgPrefix other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Address, Length);

    public static bool operator ==(WgPrefix left, WgPrefix right) => left.Equals(right);

    public static bool operator !=(WgPrefix left, WgPrefix right) => !left.Equals(right);

    private static int MaxLength(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? 128 : 32;

    private static IPAddress Mask(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsHere = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsHere));
        }
        return new IPAddress(bytes);
    }
}

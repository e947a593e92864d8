using System.Net;

namespace WgAdmin.Net;

/// <summary>
/// A 1:1 prefix mapping: the site's own LAN prefix (<see cref="Real"/>) and the prefix of the
/// same length the rest of the topology sees it under (<see cref="Mapped"/>). The host bits stay,
/// only the network bits change, so 192.168.1.7 under 10.201.1.0/24 is 10.201.1.7.
/// </summary>
public readonly record struct WgPrefixMapping(WgPrefix Real, WgPrefix Mapped)
{
    /// <summary>The address <paramref name="real"/> (inside <see cref="Real"/>) has under <see cref="Mapped"/>.</summary>
    public IPAddress ToMapped(IPAddress real) => Move(real, Real, Mapped);

    /// <summary>The real address of <paramref name="mapped"/> (inside <see cref="Mapped"/>).</summary>
    public IPAddress ToReal(IPAddress mapped) => Move(mapped, Mapped, Real);

    private static IPAddress Move(IPAddress address, WgPrefix from, WgPrefix to)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!from.Contains(address))
            throw new ArgumentException($"{address} is not in {from}.", nameof(address));
        var bytes = address.GetAddressBytes();
        var network = to.ToNetwork().Address.GetAddressBytes();
        for (var bit = 0; bit < to.Length; bit++)
        {
            var mask = (byte)(0x80 >> (bit % 8));
            bytes[bit / 8] = (byte)((bytes[bit / 8] & ~mask) | (network[bit / 8] & mask));
        }
        return new IPAddress(bytes);
    }

    /// <summary>"192.168.1.0/24 as 10.201.1.0/24".</summary>
    public override string ToString() => $"{Real} as {Mapped}";
}

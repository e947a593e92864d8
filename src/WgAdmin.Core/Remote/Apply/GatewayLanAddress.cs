using System.Net;
using System.Net.Sockets;
using WgAdmin.Net;

namespace WgAdmin.Remote;

/// <summary>
/// A gateway's own address on its site's LAN, read from the gateway when the site names none
/// (New-WgSite -LanAddress): the next hop LAN hosts route the far sites through.
/// gateway-addresses.sh lists the host's addresses as `ip -o addr show` prints them; the ones
/// inside the LAN prefixes are it.
/// </summary>
public static class GatewayLanAddress
{
    /// <summary>The gateway's addresses inside <paramref name="lanPrefixes"/> (see <see cref="Choose"/>).</summary>
    public static RemoteOperation<IReadOnlyList<IPAddress>> Operation(IReadOnlyList<WgPrefix> lanPrefixes) =>
        new("reading the gateway's addresses", Script(), output => Choose(output.Section("addresses")?.Text ?? "", lanPrefixes)) { Timeout = TimeSpan.FromSeconds(30) };

    public static string Script() => RemoteScript.Compose("gateway-addresses.sh", new ScriptValues());

    /// <summary>
    /// The gateway's addresses inside <paramref name="lanPrefixes"/>, at most one per address
    /// family: of global scope only (no loopback or link-local address, none that failed or
    /// has not finished duplicate address detection), a primary address before a secondary or
    /// deprecated one, else in the order ip lists them. Lines that are not addresses are skipped.
    /// </summary>
    public static IReadOnlyList<IPAddress> Choose(string ipOutput, IEnumerable<WgPrefix> lanPrefixes)
    {
        ArgumentNullException.ThrowIfNull(ipOutput);
        var prefixes = lanPrefixes.ToList();
        return ipOutput.Split('\n')
            .Select(Parse)
            .Where(a => a is { Global: true, Usable: true } && prefixes.Any(p => p.Contains(a.Address)))
            .Select(a => a!)
            .OrderBy(a => a.Preferred ? 0 : 1) // stable: ip's order within each
            .GroupBy(a => a.Address.AddressFamily)
            .OrderBy(g => g.Key == AddressFamily.InterNetwork ? 0 : 1)
            .Select(g => g.First().Address)
            .ToList();
    }

    private sealed record Listed(IPAddress Address, bool Global, bool Usable, bool Preferred);

    // "2: eth0    inet 10.11.7.1/24 brd 10.11.7.255 scope global eth0\       valid_lft forever preferred_lft forever"
    private static Listed? Parse(string line)
    {
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4 || fields[2] is not ("inet" or "inet6"))
            return null;
        var text = fields[3];
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
            return null;
        var scope = Array.IndexOf(fields, "scope") is var at and >= 0 && at + 1 < fields.Length ? fields[at + 1] : "global";
        return new Listed(address,
            Global: scope == "global",
            Usable: !fields.Contains("tentative") && !fields.Contains("dadfailed"),
            Preferred: !fields.Contains("secondary") && !fields.Contains("deprecated"));
    }
}

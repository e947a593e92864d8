namespace WgAdmin.Remote;

/// <summary>
/// firewalld's default zone as `firewall-cmd [--permanent] --list-all` prints it: the zone's name,
/// the interfaces bound to it, its open ports ("10100/udp") and whether it forwards between its
/// own interfaces (firewalld's intra-zone forwarding).
/// </summary>
public sealed record FirewalldZone(string Name, IReadOnlyList<string> Interfaces, IReadOnlyList<string> Ports, bool Forward)
{
    /// <summary>Reads the zone from list-all's lines: "public (active)" first, then "  key: values".</summary>
    public static FirewalldZone Parse(IEnumerable<string> lines)
    {
        string? name = null;
        string[] interfaces = [], ports = [];
        var forward = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0)
                continue;
            if (name is null)
            {
                name = line.Split(' ')[0];
                continue;
            }
            if (line.IndexOf(':') is not (> 0 and var colon))
                continue;
            var values = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (line[..colon])
            {
                case "interfaces": interfaces = values; break;
                case "ports": ports = values; break;
                case "forward": forward = values is ["yes"]; break;
            }
        }
        return new FirewalldZone(name ?? "", interfaces, ports, forward);
    }
}

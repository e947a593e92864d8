using System.Globalization;
using System.Text.RegularExpressions;

namespace WgAdmin.Remote;

/// <summary>
/// What a gateway has for one interface, as facts.sh's print_facts reports it: the one snapshot
/// Set-WgInterface's probe (<see cref="GatewayState"/>) and Test-WgTunnel's probe
/// (<see cref="TunnelProbeOutput"/>) share. Nothing secret is in it.
/// </summary>
public class GatewayFacts
{
    public HashSet<string> Tools { get; } = new(StringComparer.Ordinal);
    public bool HasSystemd { get; set; }

    /// <summary>`ip -o link show dev NAME`; null when there is no such link.</summary>
    public string? LinkLine { get; set; }
    public bool LinkExists { get; set; }
    public int? LinkMtu { get; set; }
    public bool IsUp => LinkLine is not null && Regex.IsMatch(LinkLine, @"<[^>]*\bUP\b[^>]*>", RegexOptions.CultureInvariant);
    public List<string> LiveAddresses { get; } = new();
    public string? LivePublicKey { get; set; }
    public int? LiveListenPort { get; set; }
    public List<LivePeer> LivePeers { get; } = new();

    /// <summary>The config file without its key lines; null when there is none.</summary>
    public string? ConfigText { get; set; }
    public bool ConfigExists { get; set; }

    /// <summary>`systemctl is-enabled`/`is-active` of wg-quick@NAME; null on a host not run by systemd.</summary>
    public string? ServiceEnabled { get; set; }
    public string? ServiceActive { get; set; }

    public string? Ipv4Forwarding { get; set; }
    public string? Ipv6Forwarding { get; set; }

    /// <summary>How many of the host's IPv4 interface settings (all and default included) send ICMP redirects; null when unread.</summary>
    public int? RedirectsOn { get; set; }

    /// <summary>Whether WgAdmin's NAT script's "check" passed; null when there is no script.</summary>
    public bool? NatRulesPresent { get; set; }

    /// <summary>Whether WgAdmin's NAT script clamps the MSS of TCP through the tunnel (-ClampMss).</summary>
    public bool NatClampsMss { get; set; }

    /// <summary>Whether WgAdmin's prefix mapping script's "check" passed; null when there is no script.</summary>
    public bool? MapRulesPresent { get; set; }

    public bool Has(string tool) => Tools.Contains(tool);

    public bool HasWireGuard => Has("wg") && Has("wg-quick");

    /// <summary>Takes one section of print_facts' output; false for a section that is not one of its.</summary>
    public bool ReadFact(ScriptSection section)
    {
        switch (section.Name)
        {
            case "tools":
                Tools.UnionWith(section.Items);
                return true;
            case "systemd":
                HasSystemd = section.Items.FirstOrDefault() == "yes";
                return true;
            case "link":
                LinkLine = section.Lines.FirstOrDefault(l => l.Length > 0);
                LinkExists = LinkLine is not null;
                if (LinkLine is not null && Regex.Match(LinkLine, @"\bmtu ([0-9]{1,6})\b", RegexOptions.CultureInvariant) is { Success: true } mtu)
                    LinkMtu = Number(mtu.Groups[1].Value);
                return true;
            case "addresses":
                LiveAddresses.AddRange(section.Items);
                return true;
            case "live":
                LivePublicKey = section.Value("pubkey") is { Length: > 0 } key ? key : null;
                LiveListenPort = Number(section.Value("port")) is > 0 and var port ? port : null;
                return true;
            case "peers":
                LivePeers.AddRange(DumpFormat.ParsePeers(section));
                return true;
            case "config":
                ConfigExists = true;
                ConfigText = section.Text;
                return true;
            case "service":
                ServiceEnabled = section.Value("enabled") ?? "";
                ServiceActive = section.Value("active") ?? "";
                return true;
            case "forwarding":
                Ipv4Forwarding = section.Value("ipv4");
                Ipv6Forwarding = section.Value("ipv6");
                RedirectsOn = Number(section.Value("redirects"));
                return true;
            case "nat":
                NatRulesPresent = section.Items.FirstOrDefault() switch { "present" => true, "missing" => false, _ => null };
                NatClampsMss = section.Items.Contains("clamp");
                return true;
            case "map":
                MapRulesPresent = section.Items.FirstOrDefault() switch { "present" => true, "missing" => false, _ => null };
                return true;
            default:
                return false;
        }
    }

    /// <summary>A whole number of at most nine ASCII digits, or null.</summary>
    protected static int? Number(string? text) =>
        text is { Length: > 0 and <= 9 } && text.All(char.IsAsciiDigit) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}

using WgAdmin.Model;

namespace WgAdmin.Remote;

/// <summary>What a gateway has now, as Set-WgInterface's probe read it: the shared facts and what only a change needs. Nothing secret is in it.</summary>
public sealed class GatewayState : GatewayFacts
{
    public Dictionary<string, string> OsRelease { get; } = new(StringComparer.Ordinal);
    public bool IsRoot { get; set; }
    public bool IptablesIsNft { get; set; }
    /// <summary>iptables' FORWARD policy is DROP (Docker sets it): only a rule in iptables' own FORWARD chain lets forwarded packets through.</summary>
    public bool IptablesForwardDrop { get; set; }

    /// <summary>ufw is enabled: its saved rules as `ufw show added` prints them (one command each); null when it is not.</summary>
    public List<string>? UfwRules { get; set; }
    /// <summary>/etc/default/ufw says MANAGE_BUILTINS=yes: every ufw reload flushes the built-in chains, WgAdmin's jumps with them.</summary>
    public bool UfwManagesBuiltins { get; set; }
    /// <summary>firewalld is running: the interface of the default route (a name as the kernel allows), where forwarded packets leave; null when unknown.</summary>
    public string? FirewalldRouteInterface { get; set; }
    /// <summary>firewalld is running: its default zone as it is now, and as saved (what a reload brings back); null when it is not.</summary>
    public FirewalldZone? FirewalldRuntime { get; set; }
    public FirewalldZone? FirewalldPermanent { get; set; }

    /// <summary>SHA-256 of the config file with its private key lines left out (lib.sh's config_hash).</summary>
    public string? ConfigHash { get; set; }
    public string? ConfigMode { get; set; }
    /// <summary>The public key of the file's private key, derived on the gateway.</summary>
    public string? ConfigPublicKey { get; set; }
    /// <summary>The file with private and preshared keys left out, parsed; null if absent or unreadable.</summary>
    public WgInterface? Config { get; set; }
    public string? ConfigParseError { get; set; }

    /// <summary>The public key of the interface's key file, a private key generated on the gateway.</summary>
    public string? KeyFilePublicKey { get; set; }

    /// <summary>The public key of a rotation's next key (Update-WgKey), made on the gateway and not yet in use.</summary>
    public string? NextKeyPublicKey { get; set; }

    /// <summary>The interface's re-resolve timer (Set-WgInterface -ReresolveEndpoint) is enabled, and running.</summary>
    public bool ReresolveTimerEnabled { get; set; }
    public bool ReresolveTimerActive { get; set; }

    /// <summary>Path to SHA-256 of the files WgAdmin manages (absent files are not listed).</summary>
    public Dictionary<string, string> ManagedFileHashes { get; } = new(StringComparer.Ordinal);

    public PackageManagerKind PackageManager => PackageInstaller.Detect(OsRelease);
}

namespace WgAdmin.Remote;

/// <summary>What Set-WgInterface and its companions may change besides the config file.</summary>
public sealed record ApplyOptions
{
    /// <summary>Install the WireGuard tools when they are missing.</summary>
    public bool InstallPackage { get; init; }
    /// <summary>Turn on IP forwarding now and persist it in /etc/sysctl.d/.</summary>
    public bool EnableForwarding { get; init; }
    /// <summary>The WAN (or LAN-facing) interface to masquerade out of; null leaves NAT alone.</summary>
    public string? Masquerade { get; init; }
    /// <summary>Two-way NAT: also accept WAN-to-tunnel forwarding and masquerade into the tunnel, so far LAN hosts need no route back.</summary>
    public bool TwoWayNat { get; init; }
    /// <summary>Clamp the MSS of forwarded TCP SYNs through the tunnel to the path's MTU (with the NAT rules; needs <see cref="Masquerade"/>).</summary>
    public bool ClampMss { get; init; }
    public FirewallBackend Firewall { get; init; } = FirewallBackend.Auto;
    /// <summary>Write and start the interface (false for Enable-WgForwarding and Set-WgNat alone).</summary>
    public bool ManageInterface { get; init; } = true;
    /// <summary>Install (true) or remove (false) the timer that re-resolves the peers' host-name endpoints; null leaves it alone.</summary>
    public bool? ReresolveEndpoint { get; init; }
    /// <summary>How often that timer runs (cron: whole minutes).</summary>
    public TimeSpan ReresolveInterval { get; init; } = ReresolveTimer.DefaultInterval;
    /// <summary>Also forward and NAT IPv6; when null, decided from the interface's addresses and peers.</summary>
    public bool? IPv6 { get; init; }
}

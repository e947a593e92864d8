namespace WgAdmin.Remote;

public enum FirewallBackend
{
    /// <summary>
    /// nftables when `nft` is present and iptables is absent or is the nf_tables variant; otherwise
    /// iptables. Always iptables when iptables' FORWARD policy is DROP (a Docker host).
    /// </summary>
    Auto,
    Iptables,
    Nftables,
}

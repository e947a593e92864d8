namespace WgAdmin.Remote;

/// <summary>What NAT and forwarding a gateway gets for one WireGuard interface.</summary>
public sealed record NatSpec(string Interface, string WanInterface, bool TwoWay, bool IPv6);

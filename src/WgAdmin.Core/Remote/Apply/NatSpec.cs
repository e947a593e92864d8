namespace WgAdmin.Remote;

/// <summary>What NAT and forwarding a gateway gets for one WireGuard interface; <c>ClampMss</c>
/// clamps the MSS of forwarded TCP SYNs into and out of the tunnel to the route's MTU.</summary>
public sealed record NatSpec(string Interface, string WanInterface, bool TwoWay, bool IPv6, bool ClampMss = false);

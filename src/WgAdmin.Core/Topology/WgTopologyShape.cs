namespace WgAdmin.Topology;

/// <summary>How the sites' gateways are joined.</summary>
public enum WgTopologyShape
{
    /// <summary>Every gateway is a peer of every other.</summary>
    Mesh,

    /// <summary>Every gateway is a peer of the hub only; the hub forwards between them.</summary>
    HubAndSpoke,
}

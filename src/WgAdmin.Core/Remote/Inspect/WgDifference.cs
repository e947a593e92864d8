namespace WgAdmin.Remote;

/// <summary>One way a gateway's interface differs from the desired one. Keys appear only as public keys.</summary>
public sealed class WgDifference
{
    public string? ComputerName { get; init; }
    public required string InterfaceName { get; init; }
    /// <summary>Missing, PeerAdded, PeerRemoved, PeerChanged, or the interface property that differs.</summary>
    public required string Kind { get; init; }
    /// <summary>The peer (name, or its public key's first characters), when the difference is a peer's.</summary>
    public string? Peer { get; init; }
    public string? Property { get; init; }
    public string? Desired { get; init; }
    public string? Live { get; init; }

    public override string ToString() => $"{ComputerName}/{InterfaceName}: {Kind}{(Peer is null ? "" : $" {Peer}")}{(Property is null ? "" : $" {Property}")}: desired {Desired ?? "(none)"}, live {Live ?? "(none)"}";
}

namespace WgAdmin.Remote;

/// <summary>
/// One row of Test-WgTunnel: a peer (its tunnel address pinged) or a target (a far LAN address
/// pinged from the gateway's LAN address), with <see cref="Passed"/> and the specific reasons
/// when it fails. Only strings, numbers and booleans, so ConvertTo-Json gives plain JSON.
/// </summary>
public sealed class WgTunnelTestResult
{
    public required string ComputerName { get; init; }
    public required string InterfaceName { get; init; }
    /// <summary>"Peer", "Target", or "Interface" (no peers, or the gateway could not be probed).</summary>
    public required string Kind { get; init; }
    /// <summary>The peer's name from the config (# Name =), else its public key.</summary>
    public string? Peer { get; init; }
    public string? PublicKey { get; init; }
    public string? Endpoint { get; init; }
    /// <summary>What was pinged: the peer's tunnel address, or the target.</summary>
    public string? Address { get; init; }
    /// <summary>
    /// For a target of a mapped site (Test-WgTunnel -Topology): the far host's own address, which
    /// its LAN knows it by; <see cref="Address"/> is the mapped one the pings went to. Null otherwise.
    /// </summary>
    public string? RealAddress { get; set; }
    /// <summary>For a target: the gateway address the pings were sent from.</summary>
    public string? Source { get; init; }
    public bool Passed { get; init; }
    public string[] Reasons { get; init; } = Array.Empty<string>();
    public string[] Warnings { get; init; } = Array.Empty<string>();
    /// <summary>The latest handshake, ISO 8601 UTC; null when there was none.</summary>
    public string? LatestHandshake { get; init; }
    public long? HandshakeAgeSeconds { get; init; }
    public int PingsSent { get; init; }
    public int PingsReceived { get; init; }
    public double? LossPercent { get; init; }
    public double? RttMinMs { get; init; }
    public double? RttAvgMs { get; init; }
    public double? RttMaxMs { get; init; }
    /// <summary>Bytes received from and sent to the peer while the probe ran.</summary>
    public long? ReceivedBytesDelta { get; init; }
    public long? SentBytesDelta { get; init; }
    /// <summary>The largest IP packet that crossed the tunnel with don't-fragment set.</summary>
    public int? PathMtu { get; init; }
    public int? InterfaceMtu { get; init; }
    /// <summary>`ip route get` per far prefix: "PREFIX dev IF [via GW]" or "PREFIX: no route".</summary>
    public string[] Routes { get; init; } = Array.Empty<string>();
    public double DurationSeconds { get; init; }

    public override string ToString() =>
        $"{ComputerName}/{InterfaceName} {Peer ?? Kind}{(Address is null ? "" : " " + Address)}: {(Passed ? "passed" : string.Join("; ", Reasons))}";
}

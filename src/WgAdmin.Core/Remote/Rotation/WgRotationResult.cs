namespace WgAdmin.Remote;

/// <summary>
/// One tunnel of a rotation (Update-WgKey, Update-WgPresharedKey): the site whose key (or the
/// pair whose preshared key) was rotated, the far end, whether it is done, and for a key the
/// time the tunnel could not carry the near end's packets, as the gateways' clocks measured it
/// (from the near end's switch to the far end's move). No key, public or secret, is in it.
/// </summary>
public sealed record WgRotationResult
{
    /// <summary>"Key" or "PresharedKey".</summary>
    public required string Kind { get; init; }
    public required string Site { get; init; }
    public required string Peer { get; init; }
    public string? ComputerName { get; init; }
    public string? PeerComputerName { get; init; }

    /// <summary>True when this tunnel now uses the new key on both ends (in the files and live).</summary>
    public bool Completed { get; init; }

    /// <summary>True when this run changed something for the tunnel.</summary>
    public bool Changed { get; init; }

    /// <summary>From the near end's switch to the far end's move: the window in which the near end's packets to the far end were dropped (a preshared key: none).</summary>
    public TimeSpan? Outage { get; init; }

    /// <summary>Where the rotation stopped, when it did ("stage the new public keys on gw-c").</summary>
    public string? StoppedAt { get; init; }
    public string? Error { get; init; }
    public string? ErrorId { get; init; }
    public TimeSpan Duration { get; init; }

    public override string ToString() => $"{Kind} {Site} - {Peer}: {(Completed ? "done" : Error ?? "not done")}";
}

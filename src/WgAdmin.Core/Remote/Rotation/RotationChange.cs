using WgAdmin.Keys;

namespace WgAdmin.Remote;

/// <summary>
/// What one rotation change did on one gateway (<see cref="RotationScript"/>), as its script
/// printed it: public keys and times only, never a secret.
/// </summary>
public sealed record RotationChange
{
    public required string ComputerName { get; init; }

    /// <summary>What the change was ("stage the new keys", "switch to the next key", ...).</summary>
    public required string Description { get; init; }

    /// <summary>The public key of the gateway's next key (prepare), or of the key it uses after a switch.</summary>
    public WgPublicKey? PublicKey { get; init; }

    /// <summary>True when the gateway made the next key itself in this change (wg genkey there; it never left).</summary>
    public bool Generated { get; init; }

    /// <summary>When the gateway's interface took its new private key, by the gateway's clock.</summary>
    public DateTimeOffset? SwitchedAt { get; init; }

    /// <summary>When the far end moved the AllowedIPs to the new key, by its clock.</summary>
    public DateTimeOffset? MovedAt { get; init; }

    /// <summary>The change awaits confirmation until then (every rotation change that can cut a tunnel does, until the whole step passed).</summary>
    public DateTimeOffset? PendingUntil { get; init; }

    public bool RolledBack { get; init; }
    public string? Error { get; init; }
    public string? ErrorId { get; init; }

    public bool Succeeded => Error is null;

    public override string ToString() => Error is null ? $"{ComputerName}: {Description}" : $"{ComputerName}: {Description}: {Error}";
}

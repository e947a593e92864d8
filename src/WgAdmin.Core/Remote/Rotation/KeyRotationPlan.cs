using System.Text;
using WgAdmin.Keys;

namespace WgAdmin.Remote;

/// <summary>
/// The rotation of one site's private key, as data: what its gateway and every far end still
/// need, read from their state, so that a rerun after a rotation stopped half way finishes it.
/// The order that loses least: (1) the next key made on the near end (or sent there), (2) its
/// public key staged on every far end beside the old one, without AllowedIPs (the old entry
/// keeps routing), (3) the near end switched, while each far end waits for the new key's first
/// handshake and then moves the AllowedIPs to it and removes the old entry in one `wg set`.
/// Steps (3) are one all-or-nothing step across the gateways: pending changes, confirmed
/// together, undone together when one fails.
/// </summary>
public sealed record KeyRotationPlan
{
    public required string Site { get; init; }
    public required string ComputerName { get; init; }
    public required string InterfaceName { get; init; }

    /// <summary>The key the topology has for the site, which the far ends know it by.</summary>
    public required WgPublicKey OldKey { get; init; }

    /// <summary>The new key: the next key found on the gateway, or the key it already switched to; null until made.</summary>
    public WgPublicKey? NewKey { get; init; }

    /// <summary>The next key must still be made (nothing of a rotation is on the gateway yet).</summary>
    public bool Prepare { get; init; }

    /// <summary>The near end still uses the old key.</summary>
    public bool Switch { get; init; }

    public IReadOnlyList<FarEnd> FarEnds { get; init; } = Array.Empty<FarEnd>();

    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();

    /// <summary>A rotation begun earlier is being finished (a next key on the gateway, or a switch the far ends have not followed).</summary>
    public bool Resumed => NewKey is not null;

    public bool IsDone => !Prepare && !Switch && FarEnds.All(f => f.Done);

    /// <summary>Far ends whose state is unknown: the near end cannot be switched safely.</summary>
    public bool Blocked => FarEnds.Any(f => f.Unreachable);

    public override string ToString()
    {
        var text = new StringBuilder($"{Site} ({ComputerName}/{InterfaceName}): ");
        if (IsDone)
            return text.Append("nothing to do").ToString();
        var steps = new List<string>();
        if (Prepare)
            steps.Add($"make the next key on {ComputerName}");
        else if (Switch && NewKey is not null)
            steps.Add($"continue with the next key {NewKey} found on {ComputerName}");
        var stage = FarEnds.Where(f => f.Stage).Select(f => f.ComputerName).ToList();
        if (stage.Count > 0)
            steps.Add($"stage the new public key on {string.Join(", ", stage)}");
        var move = FarEnds.Where(f => f.Move).Select(f => f.ComputerName).ToList();
        if (Switch)
            steps.Add($"switch {ComputerName} to it{(move.Count > 0 ? $" while {string.Join(", ", move)} move the AllowedIPs to it at its first handshake and remove the old key" : "")} (pending, confirmed together)");
        else if (move.Count > 0)
            steps.Add($"move the AllowedIPs to {NewKey} and remove the old key on {string.Join(", ", move)}");
        for (var i = 0; i < steps.Count; i++)
            text.Append(i == 0 ? "" : "; ").Append(i + 1).Append(". ").Append(steps[i]);
        foreach (var note in Notes)
            text.Append(" (").Append(note).Append(')');
        return text.ToString();
    }
}

namespace WgAdmin.Remote;

/// <summary>
/// The preshared keys one gateway gets in a rotation: for each far site, the peer's public key
/// and its new preshared key (the far end gets the same in its own plan). The keys are hidden in
/// <see cref="ToString"/>.
/// </summary>
public sealed record PresharedKeyPlan(string Site, string ComputerName, string InterfaceName, IReadOnlyList<PresharedKeyPeer> Peers)
{
    public override string ToString() =>
        $"{Site} ({ComputerName}/{InterfaceName}): new preshared keys for {string.Join(", ", Peers.Select(p => p.Site))}, set live (wg set, no restart) and in the file";
}

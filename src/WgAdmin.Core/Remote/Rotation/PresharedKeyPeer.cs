using WgAdmin.Keys;

namespace WgAdmin.Remote;

/// <summary>One far site of a <see cref="PresharedKeyPlan"/>: its public key, and the new preshared key (hidden in <see cref="ToString"/>).</summary>
public sealed record PresharedKeyPeer(string Site, WgPublicKey PublicKey, WgPresharedKey Key)
{
    public override string ToString() => $"{Site} ({PublicKey})";
}

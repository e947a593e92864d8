namespace WgAdmin.Keys;

/// <summary>
/// A private key and its public key. <see cref="PrivateKey"/> is null when the private key lives
/// only on a gateway and WgAdmin holds just the public half.
/// </summary>
public sealed class WgKeyPair
{
    public WgKeyPair(WgPrivateKey privateKey)
    {
        PrivateKey = privateKey;
        PublicKey = privateKey.PublicKey;
    }

    public WgKeyPair(WgPublicKey publicKey) => PublicKey = publicKey;

    public static WgKeyPair Generate() => new(WgPrivateKey.Generate());

    public WgPrivateKey? PrivateKey { get; }

    public WgPublicKey PublicKey { get; }

    public override string ToString() => PublicKey.ToString();
}

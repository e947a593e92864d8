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

    /// <summary>A pair whose private half lives only on <paramref name="computerName"/>, in /etc/wireguard/NAME.key.</summary>
    public WgKeyPair(WgPublicKey publicKey, string? computerName = null, string? interfaceName = null)
    {
        PublicKey = publicKey;
        ComputerName = computerName;
        InterfaceName = interfaceName;
    }

    public static WgKeyPair Generate() => new(WgPrivateKey.Generate());

    /// <summary><paramref name="count"/> new pairs at once, from <see cref="WgPrivateKey.Generate(int)"/>.</summary>
    public static WgKeyPair[] Generate(int count) => Array.ConvertAll(WgPrivateKey.Generate(count), key => new WgKeyPair(key));

    /// <summary><paramref name="count"/> new pairs one by one, from <see cref="WgPrivateKey.GenerateSequence"/>.</summary>
    public static IEnumerable<WgKeyPair> GenerateSequence(int count) => WgPrivateKey.GenerateSequence(count).Select(key => new WgKeyPair(key));

    public WgPrivateKey? PrivateKey { get; }

    public WgPublicKey PublicKey { get; }

    /// <summary>The gateway holding the private key, when it was generated there.</summary>
    public string? ComputerName { get; }

    /// <summary>The interface the gateway's key is for (its file is /etc/wireguard/NAME.key).</summary>
    public string? InterfaceName { get; }

    public override string ToString() => PublicKey.ToString();
}

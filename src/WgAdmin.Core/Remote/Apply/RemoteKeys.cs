using WgAdmin.Keys;

namespace WgAdmin.Remote;

/// <summary>Generating a private key on a gateway, where it stays (generate-key.sh); only its public key comes back.</summary>
public static class RemoteKeys
{
    /// <summary>What generating gave: the public key, and whether the key file is new (false: an existing key was kept).</summary>
    public sealed record Outcome(WgPublicKey PublicKey, bool Created);

    /// <summary>
    /// The key of <paramref name="interfaceName"/>; <paramref name="installManager"/> is the package manager to
    /// install WireGuard with when wg is missing (<see cref="PackageInstaller.ManagerName"/>), null to fail instead.
    /// </summary>
    public static RemoteOperation<Outcome> Operation(string interfaceName, string? installManager) =>
        new("generating the private key", GenerateScript(interfaceName, installManager), Parse) { Timeout = TimeSpan.FromMinutes(10) };

    public static string GenerateScript(string interfaceName, string? installManager) =>
        RemoteScript.Compose("generate-key.sh", HostPaths.For(interfaceName).Set("install", installManager ?? ""));

    private static Outcome Parse(ScriptOutput output)
    {
        var section = output.Sections.FirstOrDefault(s => s.Name == "");
        var line = section?.Value("pubkey");
        if (line is null || !WgPublicKey.TryParse(line.Trim(), out var publicKey))
            throw new WgException(new WgError(WgErrorId.RemoteCommandFailed, "The gateway printed no public key for the generated private key."));
        return new Outcome(publicKey, section!.Value("created") == "yes");
    }
}

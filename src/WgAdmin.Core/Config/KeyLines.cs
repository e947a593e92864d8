namespace WgAdmin.Config;

/// <summary>
/// Recognises the lines of a config file that hold a secret, the way `wg` reads them (every
/// whitespace character deleted, case ignored), so "Private Key = ..." is caught too. Used to
/// read configs without ever taking their keys. The same rule runs on gateways as lib.sh's key_lines.
/// </summary>
public static class KeyLines
{
    public static bool IsSecret(string line)
    {
        var compact = new string(line.Where(c => !char.IsWhiteSpace(c)).ToArray());
        return compact.StartsWith("privatekey=", StringComparison.OrdinalIgnoreCase)
            || compact.StartsWith("presharedkey=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A private key line (what lib.sh's config_hash leaves out of the hash).</summary>
    public static bool IsPrivateKey(string line) =>
        new string(line.Where(c => !char.IsWhiteSpace(c)).ToArray()).StartsWith("privatekey=", StringComparison.OrdinalIgnoreCase);
}

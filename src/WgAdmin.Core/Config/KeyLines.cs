namespace WgAdmin.Config;

/// <summary>
/// Recognises the lines of a config file that hold a secret, the way `wg` reads them (every
/// whitespace character deleted, case ignored), so "Private Key = ..." is caught too. Used to
/// read configs without ever taking their keys: here, and on gateways through <see cref="AwkFilter"/>.
/// </summary>
public static class KeyLines
{
    public static bool IsSecret(string line)
    {
        var compact = new string(line.Where(c => !char.IsWhiteSpace(c)).ToArray());
        return compact.StartsWith("privatekey=", StringComparison.OrdinalIgnoreCase)
            || compact.StartsWith("presharedkey=", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The same test as a shell filter: prints a file without its secret lines.</summary>
    public const string AwkFilter = "awk '{ c = $0; gsub(/[[:space:]]/, \"\", c); c = tolower(c); if (index(c, \"privatekey=\") == 1 || index(c, \"presharedkey=\") == 1) next; print }'";
}

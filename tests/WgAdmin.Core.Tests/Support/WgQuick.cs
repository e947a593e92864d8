namespace WgAdmin.Core.Tests.Support;

/// <summary>The real `wg-quick strip`, which wants a file named IFNAME.conf (and root); run on a 0600 copy in a private temp dir.</summary>
internal static class WgQuick
{
    public static ToolResult Strip(byte[] config)
    {
        using var dir = new SecretTempDir();
        var path = dir.Write("wgt0.conf", config);
        return Tool.Run("wg-quick", ["strip", path]);
    }

    public static ToolResult Strip(string config) => Strip(new System.Text.UTF8Encoding(false).GetBytes(config));
}

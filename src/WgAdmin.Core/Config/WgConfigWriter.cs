using System.Globalization;
using System.Text;
using WgAdmin.Model;

namespace WgAdmin.Config;

/// <summary>How the writer treats private and preshared keys.</summary>
public enum WgSecretMode
{
    /// <summary>Keys are replaced by "(hidden)": for display. Such text cannot be read back as a config.</summary>
    Hide,
    /// <summary>Keys are written: for files and for `wg`.</summary>
    Include,
}

/// <summary>
/// Writes the canonical wg-quick file: sections and keys in a fixed order, only the fields that
/// are set, one blank line between sections. With <c>strip</c> it writes exactly what
/// `wg-quick strip` prints for that canonical file.
/// </summary>
public static class WgConfigWriter
{
    public const string HiddenKey = "(hidden)";

    /// <summary>Validates, then renders. Throws <see cref="WgException"/> and writes nothing if the model is invalid.</summary>
    public static string Write(WgInterface config, WgSecretMode secrets, bool strip = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        WgConfigValidator.ThrowIfInvalid(config);
        var builder = new StringBuilder(256 + (config.Peers.Length * 160));
        var lines = new LineWriter(builder, strip);

        lines.Section("[Interface]");
        if (config.PrivateKey is not null)
            lines.Wg("PrivateKey", secrets == WgSecretMode.Include ? config.PrivateKey.Reveal() : HiddenKey);
        if (config.ListenPort is int port)
            lines.Wg("ListenPort", port.ToString(CultureInfo.InvariantCulture));
        if (config.FwMark is uint mark)
            lines.Wg("FwMark", mark == 0 ? "off" : "0x" + mark.ToString("x", CultureInfo.InvariantCulture));
        if (config.Address.Length > 0)
            lines.WgQuick("Address", string.Join(", ", config.Address));
        if (config.Dns.Length + config.DnsSearch.Length > 0)
            lines.WgQuick("DNS", string.Join(", ", config.Dns.Select(a => a.ToString()).Concat(config.DnsSearch)));
        if (config.Mtu is int mtu)
            lines.WgQuick("MTU", mtu.ToString(CultureInfo.InvariantCulture));
        if (config.Table is not null)
            lines.WgQuick("Table", config.Table);
        foreach (var hook in config.PreUp)
            lines.WgQuick("PreUp", hook);
        foreach (var hook in config.PostUp)
            lines.WgQuick("PostUp", hook);
        foreach (var hook in config.PreDown)
            lines.WgQuick("PreDown", hook);
        foreach (var hook in config.PostDown)
            lines.WgQuick("PostDown", hook);
        if (config.SaveConfig)
            lines.WgQuick("SaveConfig", "true");

        foreach (var peer in config.Peers)
        {
            lines.Blank();
            lines.Section("[Peer]");
            if (peer.Name is { Length: > 0 })
                lines.Comment("Name", peer.Name);
            if (peer.Description is { Length: > 0 })
                lines.Comment("Description", peer.Description);
            lines.Wg("PublicKey", peer.PublicKey.ToString());
            if (peer.PresharedKey is not null)
                lines.Wg("PresharedKey", secrets == WgSecretMode.Include ? peer.PresharedKey.Reveal() : HiddenKey);
            if (peer.AllowedIPs.Length > 0)
                lines.Wg("AllowedIPs", string.Join(", ", peer.AllowedIPs));
            if (peer.Endpoint is not null)
                lines.Wg("Endpoint", peer.Endpoint.ToString());
            if (peer.PersistentKeepalive is int keepalive)
                lines.Wg("PersistentKeepalive", keepalive == 0 ? "off" : keepalive.ToString(CultureInfo.InvariantCulture));
        }

        // `wg-quick strip` ends with `echo "$WG_CONFIG"`: every kept line plus one more newline.
        if (strip)
            builder.Append('\n');
        return builder.ToString();
    }

    private readonly struct LineWriter(StringBuilder builder, bool strip)
    {
        public void Section(string header) => builder.Append(header).Append('\n');

        public void Blank() => builder.Append('\n');

        public void Wg(string key, string value) => builder.Append(key).Append(" = ").Append(value).Append('\n');

        /// <summary>Keys wg-quick consumes itself, which `wg-quick strip` leaves out.</summary>
        public void WgQuick(string key, string value)
        {
            if (!strip)
                builder.Append(key).Append(" = ").Append(value).Append('\n');
        }

        public void Comment(string key, string value) => builder.Append("# ").Append(key).Append(" = ").Append(value).Append('\n');
    }
}

namespace WgAdmin.Remote;

/// <summary>
/// Gateways' counters as Prometheus metrics. The three families prometheus_wireguard_exporter
/// writes keep its names and labels (interface, public_key, allowed_ips, friendly_name from the
/// peer's name), so existing dashboards read them; a computer_name label tells the gateways of one
/// file apart. WgAdmin's own families (wgadmin_*) add the interface's state, the handshake age by
/// the gateway's clock, the tunnel test's verdict, loss and round trip, and whether each gateway
/// could be read at all. Only public keys ever appear.
/// </summary>
public static class MetricsWriter
{
    public const string SentBytes = "wireguard_sent_bytes_total";
    public const string ReceivedBytes = "wireguard_received_bytes_total";
    public const string LatestHandshake = "wireguard_latest_handshake_seconds";
    public const string InterfaceUp = "wgadmin_interface_up";
    public const string HandshakeAge = "wgadmin_peer_handshake_age_seconds";
    public const string TunnelPassed = "wgadmin_tunnel_passed";
    public const string TunnelLoss = "wgadmin_tunnel_ping_loss_ratio";
    public const string TunnelRtt = "wgadmin_tunnel_ping_rtt_seconds";
    public const string TunnelHandshakeAge = "wgadmin_tunnel_handshake_age_seconds";
    public const string ExportSuccess = "wgadmin_export_success";
    public const string ExportDuration = "wgadmin_export_duration_seconds";

    public static PrometheusText Build(IEnumerable<GatewayMetrics> gateways)
    {
        var text = new PrometheusText()
            .Declare(SentBytes, "counter", "Bytes sent to the peer")
            .Declare(ReceivedBytes, "counter", "Bytes received from the peer")
            .Declare(LatestHandshake, "gauge", "UNIX timestamp seconds of the last handshake")
            .Declare(HandshakeAge, "gauge", "Seconds since the peer's last handshake, by the gateway's clock (absent: never)")
            .Declare(InterfaceUp, "gauge", "1 when the WireGuard interface is running on the gateway")
            .Declare(TunnelPassed, "gauge", "1 when Test-WgTunnel passed for the peer or target")
            .Declare(TunnelLoss, "gauge", "Share of Test-WgTunnel's pings that were lost (0 to 1)")
            .Declare(TunnelRtt, "gauge", "Average round trip of Test-WgTunnel's pings")
            .Declare(TunnelHandshakeAge, "gauge", "Seconds since the peer's last handshake when Test-WgTunnel ran")
            .Declare(ExportSuccess, "gauge", "1 when WgAdmin read the gateway, 0 when it could not")
            .Declare(ExportDuration, "gauge", "Seconds WgAdmin took to read the gateway");
        foreach (var gateway in gateways)
        {
            var host = ("computer_name", (string?)gateway.ComputerName);
            foreach (var status in gateway.Interfaces)
            {
                var name = ("interface", (string?)status.Name);
                text.Add(InterfaceUp, status.IsUp ? 1 : 0, host, name);
                foreach (var peer in status.Peers)
                {
                    var labels = new[] { host, name, ("public_key", (string?)peer.PublicKey), ("allowed_ips", (string?)string.Join(',', peer.AllowedIPs)), ("friendly_name", peer.Name) };
                    text.Add(SentBytes, peer.SentBytes, labels);
                    text.Add(ReceivedBytes, peer.ReceivedBytes, labels);
                    text.Add(LatestHandshake, peer.LatestHandshake?.ToUnixTimeSeconds() ?? 0, labels);
                    if (peer.HandshakeAge is { } age)
                        text.Add(HandshakeAge, (long)Math.Max(0, Math.Floor(age.TotalSeconds)), labels);
                }
            }
            foreach (var row in gateway.TunnelResults)
            {
                var labels = new[]
                {
                    host, ("interface", (string?)row.InterfaceName), ("kind", (string?)row.Kind.ToLowerInvariant()),
                    ("public_key", row.PublicKey), ("address", row.Address), ("friendly_name", row.Kind == "Peer" && row.Peer != row.PublicKey ? row.Peer : null),
                };
                text.Add(TunnelPassed, row.Passed ? 1 : 0, labels);
                if (row.PingsSent > 0 && row.LossPercent is { } loss)
                    text.Add(TunnelLoss, Math.Round(loss / 100, 4), labels);
                if (row.RttAvgMs is { } rtt)
                    text.Add(TunnelRtt, Math.Round(rtt / 1000, 6), labels);
                if (row.HandshakeAgeSeconds is { } seconds)
                    text.Add(TunnelHandshakeAge, seconds, labels);
            }
            text.Add(ExportSuccess, gateway.Success ? 1 : 0, host);
            text.Add(ExportDuration, Math.Round(gateway.DurationSeconds, 3), host);
        }
        return text;
    }
}

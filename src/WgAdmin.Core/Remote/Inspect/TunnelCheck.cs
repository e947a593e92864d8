using System.Globalization;
using System.Net;
using WgAdmin.Config;
using WgAdmin.Model;
using WgAdmin.Net;

namespace WgAdmin.Remote;

/// <summary>Turns what <see cref="TunnelProbe"/> found into results with specific reasons. Pure: table-tested on captured output.</summary>
public static class TunnelCheck
{
    public static IReadOnlyList<WgTunnelTestResult> Evaluate(TunnelProbeOutput probe, string computerName, string interfaceName, TunnelCheckOptions options, double durationSeconds = 0)
    {
        var names = PeerNames(probe.ConfigText, interfaceName);
        var tunnelNets = Prefixes(probe.LiveAddresses).Select(p => p.ToNetwork()).ToArray();
        var peers = probe.After.Count > 0 ? probe.After : probe.LivePeers;
        var farPrefixes = Prefixes(peers.SelectMany(p => p.AllowedIPs))
            .Where(p => p.Length > 0 && !tunnelNets.Any(n => n.Family == p.Family && n.Length <= p.Length && n.Contains(p.Address))).ToArray();

        var common = new List<string>();
        var commonWarnings = new List<string>();
        InterfaceChecks(probe, interfaceName, farPrefixes, common, commonWarnings);

        var results = new List<WgTunnelTestResult>();
        var configPeers = probe.LinkExists ? Array.Empty<WgPeer>() : ConfigPeers(probe.ConfigText, interfaceName);
        foreach (var live in peers)
            results.AddRange(PeerResults(probe, live, names, tunnelNets, common, commonWarnings, computerName, interfaceName, options, durationSeconds));
        foreach (var peer in configPeers)
        {
            results.Add(new WgTunnelTestResult
            {
                ComputerName = computerName, InterfaceName = interfaceName, Kind = "Peer",
                Peer = peer.Name ?? peer.PublicKey.ToString(), PublicKey = peer.PublicKey.ToString(), Endpoint = peer.Endpoint?.ToString(),
                Passed = false, Reasons = common.ToArray(), Warnings = commonWarnings.ToArray(), InterfaceMtu = probe.LinkMtu, DurationSeconds = durationSeconds,
            });
        }
        foreach (var target in probe.Targets)
            results.Add(TargetResult(probe, target, peers, names, common, commonWarnings, computerName, interfaceName, options, durationSeconds));
        if (results.Count == 0)
        {
            var reasons = new List<string>(common);
            if (probe.LinkExists)
                reasons.Add($"{interfaceName} has no peers");
            results.Add(new WgTunnelTestResult
            {
                ComputerName = computerName, InterfaceName = interfaceName, Kind = "Interface",
                Passed = false, Reasons = reasons.ToArray(), Warnings = commonWarnings.ToArray(), InterfaceMtu = probe.LinkMtu, DurationSeconds = durationSeconds,
            });
        }
        return results;
    }

    /// <summary>A result for a gateway that could not be probed at all.</summary>
    public static WgTunnelTestResult Unreachable(string computerName, string interfaceName, string reason, double durationSeconds) => new()
    {
        ComputerName = computerName, InterfaceName = interfaceName, Kind = "Interface", Passed = false,
        Reasons = new[] { reason }, DurationSeconds = durationSeconds,
    };

    /// <summary>The prefixes among what the gateway printed; anything else is left out.</summary>
    private static IEnumerable<WgPrefix> Prefixes(IEnumerable<string> texts) =>
        texts.Select(t => WgPrefix.TryParse(t, out var p) ? p : (WgPrefix?)null).OfType<WgPrefix>();

    private static void InterfaceChecks(TunnelProbeOutput probe, string name, IReadOnlyList<WgPrefix> farPrefixes, List<string> reasons, List<string> warnings)
    {
        if (!probe.Complete)
            reasons.Add("the probe did not finish (its output ends early)");
        if (!probe.Tools.Contains("wg"))
            reasons.Add("wg is not installed");
        if (!probe.LinkExists)
        {
            reasons.Add($"{name} does not exist");
        }
        else
        {
            if (!probe.IsUp)
                reasons.Add($"{name} is down ({LinkFlags(probe.LinkLine!)})");
            if (probe.LiveListenPort is int port)
            {
                if (!probe.Tools.Contains("ss"))
                    warnings.Add($"ss is not installed: whether UDP port {port} is listening was not checked");
                else if (probe.ListenSockets.Count == 0)
                    reasons.Add($"nothing listens on UDP port {port}");
            }
        }
        if (probe.ServiceEnabled is null)
        {
            warnings.Add($"no systemd: wg-quick@{name} was not checked");
        }
        else
        {
            if (probe.ServiceEnabled != "enabled")
                reasons.Add($"wg-quick@{name} is not enabled (is-enabled: {Show(probe.ServiceEnabled)})");
            if (probe.ServiceActive != "active")
                reasons.Add($"wg-quick@{name} is not running (is-active: {Show(probe.ServiceActive)})");
        }
        // A target is pinged from the gateway's LAN side: its family must be forwarded too.
        var targetsIPv6 = probe.Targets.Count(t => t.Address.Contains(':', StringComparison.Ordinal));
        var routesIPv4 = probe.Targets.Count > targetsIPv6 || farPrefixes.Any(p => !p.IsIPv6);
        if (routesIPv4 && probe.Ipv4Forwarding != "1")
            reasons.Add($"forwarding is off (net.ipv4.ip_forward = {Show(probe.Ipv4Forwarding)})");
        if ((targetsIPv6 > 0 || farPrefixes.Any(p => p.IsIPv6)) && probe.Ipv6Forwarding != "1")
            reasons.Add($"IPv6 forwarding is off (net.ipv6.conf.all.forwarding = {Show(probe.Ipv6Forwarding)})");
        if (probe.NatRulesPresent == false)
            reasons.Add($"NAT rules for {name} missing ({HostPaths.NatScript(name)} check failed)");
        if (probe.MapRulesPresent == false)
            reasons.Add($"the prefix mapping of {name} is broken: its rules are missing or changed ({HostPaths.MapScript(name)} check failed; Set-WgInterface puts them back)");
    }

    /// <summary>
    /// A peer's rows: one for its IPv4 tunnel address (or why none was pinged), one for its IPv6
    /// tunnel address when it has one. Both carry the peer's handshake and traffic; the routes of
    /// its AllowedIPs go with the first row.
    /// </summary>
    private static IEnumerable<WgTunnelTestResult> PeerResults(TunnelProbeOutput probe, LivePeer live, IReadOnlyDictionary<string, string> names, WgPrefix[] tunnelNets,
        List<string> common, List<string> commonWarnings, string computerName, string interfaceName, TunnelCheckOptions options, double durationSeconds)
    {
        var reasons = new List<string>(common);
        var warnings = new List<string>(commonWarnings);
        var label = names.TryGetValue(live.PublicKey, out var name) ? name : live.PublicKey;
        var before = probe.LivePeers.FirstOrDefault(p => p.PublicKey == live.PublicKey);
        var after = probe.After.FirstOrDefault(p => p.PublicKey == live.PublicKey) ?? live;
        probe.Peers.TryGetValue(live.PublicKey, out var measured);

        // Handshake: read after the pings, which start one when the tunnel is idle.
        long? age = null;
        string? latest = null;
        var endpoint = after.Endpoint is null ? "no endpoint" : $"endpoint {after.Endpoint}";
        if (DumpFormat.UnixTime(after.LatestHandshakeUnix) is { } handshake)
        {
            age = Math.Max(0, probe.Now - after.LatestHandshakeUnix);
            latest = handshake.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            if (age > options.MaxHandshakeAge.TotalSeconds)
                reasons.Add($"no handshake for {Duration(age.Value)} with {label} ({endpoint})");
        }
        else
        {
            reasons.Add($"no handshake yet with {label} ({endpoint})");
        }

        if (WgEndpoint.TryParse(after.Endpoint, out var liveEndpoint)
            && EndpointLoop.Find(liveEndpoint, Prefixes(after.AllowedIPs)) is { } loop)
            warnings.Add($"{label}'s endpoint {after.Endpoint} lies inside its AllowedIPs {loop}: unless a more specific route keeps it off {interfaceName}, the tunnel's own packets to it loop back into {interfaceName} (the far gateway sent from an address in that prefix; give it a source outside, such as its WAN address)");

        // Transfer counters must grow while the probe runs.
        long? received = null, sent = null;
        if (before is not null)
        {
            received = after.ReceivedBytes - before.ReceivedBytes;
            sent = after.SentBytes - before.SentBytes;
            if (received <= 0 && sent > 0)
                reasons.Add($"nothing received from {label} during the probe ({sent} bytes sent)");
            else if (received <= 0)
                warnings.Add($"no traffic with {label} during the probe");
        }

        var routes = new List<string>();
        var routeReasons = new List<string>();
        foreach (var route in measured?.Routes ?? new List<RouteAnswer>())
        {
            if (!WgPrefix.TryParse(route.Prefix, out var prefix) || tunnelNets.Any(n => n.Family == prefix.Family && n.Length <= prefix.Length && n.Contains(prefix.Address)))
                continue;
            routes.Add(RouteText(route));
            if (RouteVerdict(route, interfaceName) is { } problem)
                routeReasons.Add(problem);
        }

        var address6 = measured?.TunnelAddress6;
        // A peer known only by its IPv6 tunnel address has one row, not a second one saying IPv4 was not pinged.
        var rowIPv4 = address6 is null || measured?.TunnelAddress is not null || measured?.AmbiguousPrefix is not null || tunnelNets.Any(n => !n.IsIPv6);
        if (rowIPv4)
        {
            var rowReasons = new List<string>(reasons);
            var rowWarnings = new List<string>(warnings);
            var address = measured?.TunnelAddress;
            if (address is null && measured?.AmbiguousPrefix is { } wide)
                rowWarnings.Add($"{label}'s AllowedIPs {wide} hold several addresses of {interfaceName}'s tunnel subnet and none names the peer's own: not pinged (add the peer's tunnel address as a /32 to its AllowedIPs)");
            else if (address is null)
                rowWarnings.Add($"{label} has no address in {interfaceName}'s IPv4 tunnel subnet ({string.Join(", ", tunnelNets.Where(n => !n.IsIPv6).Select(n => n.ToString()))}): not pinged");
            else
                PingVerdict(measured?.Ping, $"to {address}", rowReasons, rowWarnings);
            MtuVerdict(measured?.PathMtu, probe.LinkMtu, address, TunnelProbe.MinimumPingSize + TunnelProbe.IcmpOverhead, interfaceName, probe.NatClampsMss, rowWarnings);
            rowReasons.AddRange(routeReasons);
            yield return Row(address, measured?.Ping, measured?.PathMtu, rowReasons, rowWarnings, routes);
        }
        if (address6 is not null)
        {
            var rowReasons = new List<string>(reasons);
            var rowWarnings = new List<string>(warnings);
            PingVerdict(measured!.Ping6, $"to {address6}", rowReasons, rowWarnings);
            MtuVerdict(measured.PathMtu6, probe.LinkMtu, address6, TunnelProbe.MinimumIpv6Packet, interfaceName, probe.NatClampsMss, rowWarnings);
            if (!rowIPv4)
                rowReasons.AddRange(routeReasons);
            yield return Row(address6, measured.Ping6, measured.PathMtu6, rowReasons, rowWarnings, rowIPv4 ? new List<string>() : routes);
        }

        WgTunnelTestResult Row(string? address, PingSummary? ping, int? pathMtu, List<string> rowReasons, List<string> rowWarnings, List<string> rowRoutes) => new()
        {
            ComputerName = computerName, InterfaceName = interfaceName, Kind = "Peer",
            Peer = label, PublicKey = live.PublicKey, Endpoint = after.Endpoint, Address = address,
            Passed = rowReasons.Count == 0, Reasons = rowReasons.ToArray(), Warnings = rowWarnings.ToArray(),
            LatestHandshake = latest, HandshakeAgeSeconds = age,
            PingsSent = ping?.Sent ?? 0, PingsReceived = ping?.Received ?? 0, LossPercent = ping is null ? null : ping.LossPercent,
            RttMinMs = ping?.RttMinMs, RttAvgMs = ping?.RttAvgMs, RttMaxMs = ping?.RttMaxMs,
            ReceivedBytesDelta = received, SentBytesDelta = sent,
            PathMtu = pathMtu is > 0 ? pathMtu : null, InterfaceMtu = probe.LinkMtu,
            Routes = rowRoutes.ToArray(), DurationSeconds = durationSeconds,
        };
    }

    private static void MtuVerdict(int? pathMtu, int? linkMtu, string? address, int smallest, string interfaceName, bool clampsMss, List<string> warnings)
    {
        if (pathMtu is not int path || linkMtu is not int mtu)
            return;
        if (path == 0)
            warnings.Add($"no don't-fragment ping of {smallest} bytes or more crossed to {address}");
        else if (path < mtu)
            warnings.Add($"the path MTU to {address} is {path}, below {interfaceName}'s MTU {mtu}: larger packets are lost or fragmented (set MTU = {path}"
                // Without clamping, TCP from LAN hosts still sends full-size segments where the path drops "fragmentation needed".
                + (clampsMss ? ")" : ", and Set-WgNat -ClampMss so TCP through the tunnel keeps to it)"));
    }

    private static WgTunnelTestResult TargetResult(TunnelProbeOutput probe, TargetProbe target, IReadOnlyList<LivePeer> peers, IReadOnlyDictionary<string, string> names,
        List<string> common, List<string> commonWarnings, string computerName, string interfaceName, TunnelCheckOptions options, double durationSeconds)
    {
        var reasons = new List<string>(common);
        var warnings = new List<string>(commonWarnings);
        LivePeer? owner = null;
        var best = -1;
        if (IPAddress.TryParse(target.Address, out var ip))
        {
            foreach (var peer in peers)
                foreach (var allowed in peer.AllowedIPs)
                    if (WgPrefix.TryParse(allowed, out var prefix) && prefix.Family == ip.AddressFamily && prefix.Contains(ip) && prefix.Length > best)
                        (owner, best) = (peer, prefix.Length);
        }
        var label = owner is null ? null : names.TryGetValue(owner.PublicKey, out var name) ? name : owner.PublicKey;
        if (owner is null)
            reasons.Add($"{target.Address} is in no peer's AllowedIPs on {interfaceName}");

        var routes = new List<string>();
        if (target.Route is { } route)
        {
            routes.Add(RouteText(route));
            if (RouteVerdict(route, interfaceName) is { } problem)
                reasons.Add(problem);
        }
        if (target.Source is null)
            reasons.Add($"no source address to ping {target.Address} from: the gateway has no global address outside its WireGuard links (give -SourceAddress)");
        else
            PingVerdict(target.Ping, $"from {target.Source} to {target.Address}", reasons, warnings);

        var ping = target.Ping;
        return new WgTunnelTestResult
        {
            ComputerName = computerName, InterfaceName = interfaceName, Kind = "Target",
            Peer = label, PublicKey = owner?.PublicKey, Endpoint = owner?.Endpoint, Address = target.Address, Source = target.Source,
            Passed = reasons.Count == 0, Reasons = reasons.ToArray(), Warnings = warnings.ToArray(),
            PingsSent = ping?.Sent ?? 0, PingsReceived = ping?.Received ?? 0, LossPercent = ping is null ? null : ping.LossPercent,
            RttMinMs = ping?.RttMinMs, RttAvgMs = ping?.RttAvgMs, RttMaxMs = ping?.RttMaxMs,
            InterfaceMtu = probe.LinkMtu, Routes = routes.ToArray(), DurationSeconds = durationSeconds,
        };
    }

    private static void PingVerdict(PingSummary? ping, string what, List<string> reasons, List<string> warnings)
    {
        if (ping is null)
            reasons.Add($"no ping {what} was sent");
        else if (ping.Error is not null)
            reasons.Add($"ping {what} failed: {ping.Error}");
        else if (ping.Received == 0)
            reasons.Add($"0 of {ping.Sent} pings {what} answered");
        else if (ping.Received < ping.Sent)
            warnings.Add($"{ping.Sent - ping.Received} of {ping.Sent} pings {what} lost");
    }

    /// <summary>A route that does not leave through the tunnel, named as such; null when it does.</summary>
    public static string? RouteVerdict(RouteAnswer route, string interfaceName)
    {
        if (route.Device is null)
            return $"no route to {route.Prefix} ({(route.Line.Length == 0 ? "ip route get printed nothing" : route.Line)})";
        if (route.Device != interfaceName)
            return $"no route to {route.Prefix} through {interfaceName} (it leaves through {route.Device}{(route.Via is null ? "" : " via " + route.Via)})";
        return null;
    }

    private static string RouteText(RouteAnswer route) => route.Device is null
        ? $"{route.Prefix}: no route"
        : $"{route.Prefix} dev {route.Device}{(route.Via is null ? "" : " via " + route.Via)}";

    /// <summary>"52 seconds", "14 minutes", "3 hours", "2 days": the largest whole unit.</summary>
    public static string Duration(long seconds) => seconds switch
    {
        < 120 => $"{seconds} second{(seconds == 1 ? "" : "s")}",
        < 7200 => $"{seconds / 60} minutes",
        < 172800 => $"{seconds / 3600} hours",
        _ => $"{seconds / 86400} days",
    };

    private static string LinkFlags(string linkLine)
    {
        var start = linkLine.IndexOf('<');
        var end = linkLine.IndexOf('>');
        var state = System.Text.RegularExpressions.Regex.Match(linkLine, @"\bstate (\S+)");
        return (start >= 0 && end > start ? $"flags {linkLine[start..(end + 1)]}" : "no flags") + (state.Success ? $", state {state.Groups[1].Value}" : "");
    }

    private static string Show(string? value) => string.IsNullOrEmpty(value) ? "unknown" : value;

    private static IReadOnlyDictionary<string, string> PeerNames(string? configText, string interfaceName) =>
        ConfigPeers(configText, interfaceName).Where(p => p.Name is { Length: > 0 })
            .GroupBy(p => p.PublicKey.ToString(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Name!, StringComparer.Ordinal);

    private static IReadOnlyList<WgPeer> ConfigPeers(string? configText, string interfaceName)
    {
        if (string.IsNullOrEmpty(configText))
            return Array.Empty<WgPeer>();
        try
        {
            return WgConfigParser.Parse(configText, WgValues.IsValidInterfaceName(interfaceName) ? interfaceName : null).Peers;
        }
        catch (WgException)
        {
            return Array.Empty<WgPeer>();
        }
    }
}

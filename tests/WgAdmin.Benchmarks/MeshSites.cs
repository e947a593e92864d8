using System.Globalization;
using WgAdmin.Net;
using WgAdmin.Topology;

namespace WgAdmin.Benchmarks;

/// <summary>
/// The sites of the full-mesh benchmark, written to a file that tests/Bench.ps1, the shell
/// baseline (tests/bench/mesh-by-shell.sh) and <see cref="ConsoleModes.TimeMesh"/> all read, so
/// every path builds the same mesh. One site a line: <c>NAME ENDPOINT LAN_PREFIX TUNNEL_ADDRESS</c>;
/// the tunnel address is the one <see cref="WgTopology"/> allocates from the name, written for the
/// shell, which cannot allocate, and ignored by WgAdmin's paths, which allocate it again.
/// </summary>
internal static class MeshSites
{
    public const int DefaultSites = 200;

    /// <summary>Site K: site-K (three digits), endpoint 198.18.x.y:51820, LAN 10.(100 + K / 256).(K % 256).0/24.</summary>
    public static List<WgSite> Create(int count) =>
        Enumerable.Range(1, count).Select(k => new WgSite(
            string.Create(CultureInfo.InvariantCulture, $"site-{k:000}"),
            WgEndpoint.Parse(string.Create(CultureInfo.InvariantCulture, $"198.18.{k / 250}.{k % 250 + 1}:51820")))
        {
            LanPrefix = [WgPrefix.Parse(string.Create(CultureInfo.InvariantCulture, $"10.{100 + k / 256}.{k % 256}.0/24"))],
        }).ToList();

    public static void Write(string path, WgPrefix tunnel, int count)
    {
        var sites = Create(count);
        var addresses = WgTunnelAllocator.Allocate(tunnel, sites);
        File.WriteAllLines(path, sites.Select(s => $"{s.Name} {s.Endpoint} {s.LanPrefix[0]} {addresses[s.Name]}"));
    }

    /// <summary>The sites of a file <see cref="Write"/> made, as New-WgSite makes them (no tunnel address pinned).</summary>
    public static List<WgSite> Read(string[] lines) =>
        lines.Where(line => line.Length > 0).Select(line =>
        {
            var fields = line.Split(' ');
            if (fields.Length != 4)
                throw new UsageException($"A mesh site line has four fields (NAME ENDPOINT LAN_PREFIX TUNNEL_ADDRESS): '{line}'.");
            return new WgSite(fields[0], WgEndpoint.Parse(fields[1])) { ComputerName = fields[0], LanPrefix = [WgPrefix.Parse(fields[2])] };
        }).ToList();
}

namespace WgAdmin.Remote;

/// <summary>
/// The remote read of Export-WgMetrics (metrics.sh): one script per gateway, read-only, whose
/// `wg show all dump` and config files (key lines dropped on the gateway) go through the parser
/// Get-WgInterface uses, so peer names, counters and handshakes are read one way everywhere.
/// </summary>
public static class MetricsReader
{
    public static RemoteOperation<IReadOnlyList<WgInterfaceStatus>> Operation(string computerName, IReadOnlyList<string> names) =>
        new("reading the WireGuard counters", Script(names), output => Parse(output.Sections, computerName, names));

    public static string Script(IReadOnlyList<string> names) =>
        RemoteScript.Compose("metrics.sh", new ScriptValues().Set("wireguard_dir", HostPaths.WireGuardDirectory).Arguments(names));

    public static IReadOnlyList<WgInterfaceStatus> Parse(string output, string computerName, IReadOnlyList<string> names, DateTimeOffset? now = null) =>
        Parse(SectionReader.Read(output), computerName, names, now);

    /// <summary>
    /// The running interfaces (or the named ones), each with its peers; a named interface that does
    /// not run is listed as down, so its gauge says 0 rather than vanishing.
    /// </summary>
    public static IReadOnlyList<WgInterfaceStatus> Parse(IReadOnlyList<ScriptSection> sections, string computerName, IReadOnlyList<string> names, DateTimeOffset? now = null)
    {
        var read = InterfaceStatusReader.Parse(sections, computerName, now);
        var result = read.Where(s => names.Count == 0 ? s.IsUp : names.Contains(s.Name, StringComparer.Ordinal)).ToList();
        foreach (var missing in names.Where(n => result.All(s => s.Name != n)))
            result.Add(new WgInterfaceStatus { ComputerName = computerName, Name = missing, IsUp = false });
        return result.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }
}

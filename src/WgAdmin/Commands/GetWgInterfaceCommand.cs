using System.Diagnostics;
using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Get-WgInterface: WireGuard interfaces as a host has them: live state (`wg show all dump`:
/// peers, endpoints, latest handshakes, transfer) and the config files under /etc/wireguard.
/// Without -ComputerName, this machine. Hosts are read in parallel (-ThrottleLimit). Key material
/// is dropped where it is read.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WgInterface", DefaultParameterSetName = LocalSet)]
[OutputType(typeof(WgInterfaceStatus))]
public sealed class GetWgInterfaceCommand : WgHostCmdlet
{
    private const string LocalSet = "Local";

    [Parameter]
    [SupportsWildcards]
    [Alias("InterfaceName")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LocalSet)
            Write(ReadLocal());
        else
            AddHosts(ComputerName);
    }

    protected override void EndProcessing() =>
        ForEachHost($"Reading interfaces on {Hosts.Count} host(s)", (target, cancellation) => ReadRemote(Connect(target, cancellation), target.ComputerName, cancellation),
            (_, interfaces) => Write(interfaces));

    /// <summary>The interfaces of a host (live state and config files, key material dropped), read as root; Compare-WgInterface reads them so too.</summary>
    internal static IReadOnlyList<WgInterfaceStatus> ReadRemote(SshConnection connection, string host, CancellationToken cancellation) =>
        RemoteRunner.Invoke(connection, InterfaceStatusReader.Operation(host), cancellation);

    private IReadOnlyList<WgInterfaceStatus> ReadLocal()
    {
        var dump = new List<string>();
        try
        {
            var start = new ProcessStartInfo("wg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("show");
            start.ArgumentList.Add("all");
            start.ArgumentList.Add("dump");
            using var process = Process.Start(start)!;
            // Each line is reduced as it is read: the private key is not kept.
            while (process.StandardOutput.ReadLine() is { } line)
                if (InterfaceStatusReader.RedactLine(line) is { } kept)
                    dump.Add(kept);
            process.WaitForExit();
            if (process.ExitCode != 0)
                WriteWarning($"wg show all dump failed: {SecretFilter.Redact(process.StandardError.ReadToEnd().Trim())}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            WriteWarning("wg is not installed here; showing config files only.");
        }
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists("/etc/wireguard"))
        {
            foreach (var file in Directory.EnumerateFiles("/etc/wireguard", "*.conf"))
            {
                try
                {
                    configs[Path.GetFileNameWithoutExtension(file)] = string.Join('\n', File.ReadLines(file).Where(l => !KeyLines.IsSecret(l))) + "\n";
                }
                catch (UnauthorizedAccessException)
                {
                    WriteWarning($"Cannot read {file} (run as root to include it).");
                }
            }
        }
        return InterfaceStatusReader.Build(dump, configs, new Dictionary<string, (string, string)>(), null, DateTimeOffset.UtcNow);
    }

    private void Write(IEnumerable<WgInterfaceStatus> interfaces)
    {
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var status in interfaces)
        {
            if (patterns.Length == 0 || patterns.Any(p => p.IsMatch(status.Name)))
                WriteObject(status);
        }
    }
}

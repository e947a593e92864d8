using System.Diagnostics;
using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Get-WgInterface: WireGuard interfaces as a host has them: live state (`wg show all dump`:
/// peers, endpoints, latest handshakes, transfer) and the config files under /etc/wireguard.
/// Without -ComputerName, this machine. Key material is dropped where it is read.
/// </summary>
[Cmdlet(VerbsCommon.Get, "WgInterface", DefaultParameterSetName = LocalSet)]
[OutputType(typeof(WgInterfaceStatus))]
public sealed class GetWgInterfaceCommand : WgRemoteCmdlet
{
    private const string LocalSet = "Local";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ComputerNameSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public string[] ComputerName { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ParameterSetName = SessionSet)]
    public WgSession[] Session { get; set; } = Array.Empty<WgSession>();

    [Parameter]
    [SupportsWildcards]
    [Alias("InterfaceName")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case LocalSet:
                Write(ReadLocal());
                break;
            case SessionSet:
                foreach (var session in Session)
                    ReadRemote(session.ComputerName, () => session.Connection);
                break;
            default:
                foreach (var host in ComputerName)
                    ReadRemote(host, () => Connect(OptionsFor(host), CancellationToken.None));
                break;
        }
    }

    private void ReadRemote(string host, Func<SshConnection> connect)
    {
        try
        {
            Write(RemoteRunner.Invoke(connect(), InterfaceStatusReader.Operation(host)));
        }
        catch (WgException ex)
        {
            WriteError(HostError(ex, host));
        }
    }

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

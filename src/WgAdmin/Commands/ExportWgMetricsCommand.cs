using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using WgAdmin.Config;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Export-WgMetrics: gateways' WireGuard counters in the Prometheus text format, with the names of
/// prometheus_wireguard_exporter and WgAdmin's own (interface up, handshake age; with -TestTunnel the
/// tunnel test's verdict, loss and round trip). One read-only script per gateway, in parallel
/// (-ThrottleLimit). Without -Path the text is written to the pipeline; with -Path it replaces the
/// file atomically, mode 0644, for node_exporter's textfile collector, and each gateway gives a
/// result. A gateway that cannot be read gives an error record, and wgadmin_export_success 0.
/// </summary>
[Cmdlet(VerbsData.Export, "WgMetrics", DefaultParameterSetName = ComputerNameSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(string))]
[OutputType(typeof(WgMetricsResult))]
public sealed class ExportWgMetricsCommand : WgHostCmdlet
{
    private readonly Dictionary<HostTarget, GatewayMetrics> _read = new();
    private readonly List<GatewayMetrics> _unqueued = new();
    private IPAddress[] _targets = Array.Empty<IPAddress>();
    private IPAddress? _source;
    private string? _path;
    private bool _declined;

    /// <summary>The interfaces; by default every running one.</summary>
    [Parameter]
    [Alias("InterfaceName")]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string[] Name { get; set; } = Array.Empty<string>();

    /// <summary>The file to write (node_exporter's textfile collector reads *.prom); replaced atomically.</summary>
    [Parameter]
    public string? Path { get; set; }

    /// <summary>Also runs Test-WgTunnel's probe on each interface and exports its verdict, loss and round trip.</summary>
    [Parameter]
    public SwitchParameter TestTunnel { get; set; }

    /// <summary>With -TestTunnel: far-LAN addresses pinged from the gateway's LAN address.</summary>
    [Parameter]
    public string[] Target { get; set; } = Array.Empty<string>();

    [Parameter]
    public string? SourceAddress { get; set; }

    [Parameter]
    [ValidateRange(1, 100)]
    public int Count { get; set; } = 3;

    [Parameter]
    public TimeSpan MaxHandshakeAge { get; set; } = TimeSpan.FromMinutes(3);

    protected override void BeginProcessing()
    {
        foreach (var name in Name)
        {
            if (WgValues.CheckInterfaceName(name) is { } problem)
                ThrowTerminatingError(CreateErrorRecord(problem, name, ErrorCategory.InvalidArgument));
        }
        if (MaxHandshakeAge < TimeSpan.FromSeconds(1))
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidHandshakeAge,
                $"-MaxHandshakeAge {Quote.Value(MaxHandshakeAge.ToString())} is less than one second (a bare number is read as ticks: write 00:00:05 or (New-TimeSpan -Seconds 5)).",
                Offender: MaxHandshakeAge.ToString())), MaxHandshakeAge);
        _targets = Target.Select(t => Address(t, "-Target")).Distinct().ToArray();
        if (SourceAddress is not null)
            _source = Address(SourceAddress, "-SourceAddress");
        if (Path is not null)
        {
            _path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (Directory.Exists(_path))
                ThrowWgError(new WgException(new WgError(WgErrorId.FileWriteFailed, $"-Path {Quote.Value(Path)} is a folder; give the file to write (NAME.prom).", Offender: Path)), Path);
            _declined = !ShouldProcess(_path, "Write WireGuard metrics");
        }
    }

    private IPAddress Address(string text, string parameter)
    {
        var address = TestWgTunnelCommand.PlainAddress(text);
        if (address is null)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidTunnelTarget, $"{parameter} {Quote.Value(text)} is not an IP address.", Offender: text)), text);
        return address!;
    }

    protected override void ProcessRecord()
    {
        if (!_declined)
            AddHosts(ComputerName);
    }

    protected override void EndProcessing()
    {
        if (_declined)
            return;
        ForEachHost($"Reading WireGuard counters on {Hosts.Count} gateway(s)", Read, (target, outcome) =>
        {
            _read[target] = outcome.Metrics;
            if (outcome.Error is not null)
                WriteError(HostError(outcome.Error, target.ComputerName));
        });
        // The gateways in the order given, whatever order they answered in: the file reads the same each run.
        var gateways = Hosts.Select(h => _read.TryGetValue(h, out var m) ? m : Failed(h.ComputerName, "not read", 0)).Concat(_unqueued).ToList();
        var text = MetricsWriter.Build(gateways).ToString();
        if (_path is null)
        {
            WriteObject(text);
            return;
        }
        try
        {
            WgConfigFile.WriteAtomic(_path, text, overwrite: true, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, _path, ErrorCategory.WriteError);
            return;
        }
        foreach (var gateway in gateways)
        {
            WriteObject(new WgMetricsResult
            {
                ComputerName = gateway.ComputerName,
                Success = gateway.Success,
                Interfaces = gateway.Interfaces.Count,
                Peers = gateway.Interfaces.Sum(i => i.Peers.Count),
                TunnelPassed = TestTunnel && gateway.Success ? gateway.TunnelResults.All(r => r.Passed) : null,
                DurationSeconds = gateway.DurationSeconds,
                Path = _path,
                Error = gateway.Error,
            });
        }
    }

    /// <summary>One gateway: the counters (one script), then with -TestTunnel the tunnel probe of each interface, over the same connection.</summary>
    private Outcome Read(HostTarget target, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var interfaces = (IReadOnlyList<WgInterfaceStatus>)Array.Empty<WgInterfaceStatus>();
        var rows = new List<WgTunnelTestResult>();
        try
        {
            var connection = Connect(target, cancellation);
            interfaces = RemoteRunner.Invoke(connection, MetricsReader.Operation(target.ComputerName, Name), cancellation);
            if (TestTunnel)
            {
                var options = new TunnelCheckOptions(MaxHandshakeAge, Count);
                foreach (var status in interfaces)
                {
                    var started = clock.Elapsed.TotalSeconds;
                    var probe = RemoteRunner.Invoke(connection, TunnelProbe.Operation(status.Name, Count, _targets, _source), cancellation);
                    rows.AddRange(TunnelCheck.Evaluate(probe, target.ComputerName, status.Name, options, Math.Round(clock.Elapsed.TotalSeconds - started, 3)));
                }
            }
            return new Outcome(new GatewayMetrics(target.ComputerName, interfaces, rows, clock.Elapsed.TotalSeconds), null);
        }
        catch (Exception ex) when (ex is WgException or IOException or InvalidOperationException)
        {
            return new Outcome(Failed(target.ComputerName, Message(ex), clock.Elapsed.TotalSeconds), ex);
        }
    }

    /// <summary>What reading one gateway gave, and the failure to report when it failed.</summary>
    private sealed record Outcome(GatewayMetrics Metrics, Exception? Error);

    private static GatewayMetrics Failed(string host, string error, double seconds) =>
        new(host, Array.Empty<WgInterfaceStatus>(), Array.Empty<WgTunnelTestResult>(), seconds, error);

    private static string Message(Exception error) => error is WgException wg ? wg.Errors[0].Message : error.Message;

    /// <summary>A host that could not be worked on, or not even queued (its name does not resolve), is a failed gateway in the file too.</summary>
    protected override void WriteHostError(HostTarget target, Exception error)
    {
        base.WriteHostError(target, error);
        if (Hosts.Contains(target))
            _read[target] = Failed(target.ComputerName, Message(error), 0);
        else
            _unqueued.Add(Failed(target.ComputerName, Message(error), 0));
    }
}

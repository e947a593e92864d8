using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using WgAdmin.Config;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Test-WgTunnel: proves a gateway's tunnel works, per peer and per far-LAN target, with the
/// specific reasons when it does not. One remote script per host (in parallel, -ThrottleLimit)
/// reads the interface and pings through it; the core judges what it printed. Nothing changes.
/// -Quiet writes one $true/$false for the whole command.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "WgTunnel", DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgTunnelTestResult))]
[OutputType(typeof(bool))]
public sealed class TestWgTunnelCommand : WgHostCmdlet
{
    private IPAddress[] _targetAddresses = Array.Empty<IPAddress>();
    private IPAddress? _source;
    private bool _allPassed = true;

    /// <summary>What testing one gateway gave: its results, or why it could not be tested and after how long.</summary>
    private sealed record Outcome(IReadOnlyList<WgTunnelTestResult> Results, Exception? Error, double Seconds);

    /// <summary>The gateways; bound by property name from Set-WgInterface results, interfaces and Get-WgInterface output.</summary>
    [Parameter(Position = 0, ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [AllowNull]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value ?? Array.Empty<string>(); }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("InterfaceName")]
    [AllowNull]
    [ArgumentCompleter(typeof(InterfaceNameCompleter))]
    public string? Name { get; set; }

    /// <summary>Addresses on the far LANs, pinged from the gateway's LAN address (-SourceAddress).</summary>
    [Parameter]
    public string[] Target { get; set; } = Array.Empty<string>();

    /// <summary>
    /// The topology the gateways belong to: a far host of a mapped site may then be given by its
    /// own address as well as by its mapped one; it is pinged under the mapped one, and the result
    /// shows both (Address, RealAddress).
    /// </summary>
    [Parameter]
    public WgAdmin.Topology.WgTopology? Topology { get; set; }

    /// <summary>The gateway address target pings leave from; by default its address on the interface of its default route.</summary>
    [Parameter]
    public string? SourceAddress { get; set; }

    [Parameter]
    public TimeSpan MaxHandshakeAge { get; set; } = TimeSpan.FromMinutes(3);

    [Parameter]
    [ValidateRange(1, 100)]
    public int Count { get; set; } = 3;

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void BeginProcessing()
    {
        if (MaxHandshakeAge < TimeSpan.FromSeconds(1))
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidHandshakeAge,
                $"-MaxHandshakeAge {Quote.Value(MaxHandshakeAge.ToString())} is less than one second (a bare number is read as ticks: write 00:00:05 or (New-TimeSpan -Seconds 5)).",
                Offender: MaxHandshakeAge.ToString())), MaxHandshakeAge);
        _targetAddresses = Target.Select(t => ParseAddress(t, "-Target")).ToArray();
        if (SourceAddress is not null)
            _source = ParseAddress(SourceAddress, "-SourceAddress");
    }

    private IPAddress ParseAddress(string text, string parameter)
    {
        var address = PlainAddress(text);
        if (address is null)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidTunnelTarget, $"{parameter} {Quote.Value(text)} is not an IP address.", Offender: text)), text);
        return address!;
    }

    /// <summary>The address <paramref name="text"/> is, or null; Export-WgMetrics -TestTunnel reads its -Target so too.</summary>
    internal static IPAddress? PlainAddress(string text)
    {
        // Only plain addresses: "10.1.2.3/24", "10.1" (which .NET reads as 10.0.0.1) or a host name would be another question.
        var plain = IPAddress.TryParse(text, out var address) && !text.Contains('/', StringComparison.Ordinal) && !text.Contains('%', StringComparison.Ordinal)
            && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || address.ToString() == text);
        return plain ? address : null;
    }

    protected override void ProcessRecord()
    {
        var name = string.IsNullOrEmpty(Name) ? "wg0" : Name;
        if (WgValues.CheckInterfaceName(name) is { } problem)
        {
            WriteError(CreateErrorRecord(problem, name, ErrorCategory.InvalidArgument));
            _allPassed = false;
            return;
        }
        if (ParameterSetName != SessionSet && ComputerName.Length == 0)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidComputerName, $"No -ComputerName to test {Quote.Value(name)} on (give -ComputerName, or pipe objects that carry one)."), name, ErrorCategory.InvalidArgument));
            _allPassed = false;
            return;
        }
        AddHosts(ComputerName, name);
    }

    protected override void EndProcessing()
    {
        var options = new TunnelCheckOptions(MaxHandshakeAge, Count);
        ForEachHost($"Testing tunnels on {Hosts.Count} gateway(s)", (target, cancellation) => Test(target, options, cancellation),
            (target, outcome) =>
            {
                if (outcome.Error is not null)
                {
                    Fail(target.ComputerName, target.Scope, outcome.Error, outcome.Seconds);
                    return;
                }
                foreach (var result in outcome.Results)
                {
                    _allPassed &= result.Passed;
                    WriteVerbose(result.ToString());
                    if (!Quiet)
                        WriteObject(result);
                }
            });
        if (Quiet)
            WriteObject(_allPassed);
    }

    /// <summary>Tests one gateway's interface (its name is the target's scope): the probe, run as root, judged by the core.</summary>
    private Outcome Test(HostTarget target, TunnelCheckOptions options, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            // Resolved before connecting: a target no topology can place is refused with nothing run.
            var targets = Topology is null
                ? _targetAddresses.Select(a => new WgAdmin.Topology.WgTunnelTarget(a, null, null)).ToList()
                : _targetAddresses.Select(a => WgAdmin.Topology.WgTunnelTargets.Resolve(Topology, target.ComputerName, a)).ToList();
            var connection = Connect(target, cancellation);
            var probe = RemoteRunner.Invoke(connection, TunnelProbe.Operation(target.Scope, Count, targets.Select(t => t.Address).Distinct().ToList(), _source), cancellation);
            var results = TunnelCheck.Evaluate(probe, target.ComputerName, target.Scope, options, Math.Round(clock.Elapsed.TotalSeconds, 3));
            foreach (var result in results.Where(r => r.Kind == "Target"))
                result.RealAddress = targets.FirstOrDefault(t => t.Address.ToString() == result.Address)?.RealAddress?.ToString();
            return new Outcome(results, null, 0);
        }
        catch (Exception ex) when (ex is WgException or IOException or InvalidOperationException)
        {
            return new Outcome(Array.Empty<WgTunnelTestResult>(), ex, clock.Elapsed.TotalSeconds);
        }
    }

    protected override void WriteHostError(HostTarget target, Exception error) => Fail(target.ComputerName, target.Scope, error, 0);

    /// <summary>
    /// A host that could not be tested: an error record and a failed result, or with -Quiet only
    /// the verbose stream (the $false says it), as Test-Connection -Quiet does.
    /// </summary>
    private void Fail(string host, string name, Exception error, double seconds)
    {
        _allPassed = false;
        var message = error is WgException wg ? wg.Errors[0].Message : error.Message;
        if (Quiet)
        {
            WriteVerbose($"{host}/{name}: {message}");
            return;
        }
        WriteError(HostError(error, host));
        WriteObject(TunnelCheck.Unreachable(host, name, message, Math.Round(seconds, 3)));
    }
}

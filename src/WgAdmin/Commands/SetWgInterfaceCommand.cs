using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Model;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// Set-WgInterface: brings gateways to the desired interface over SSH: package, forwarding,
/// NAT, config file, service. Applying the same interface twice changes nothing; peers change
/// live (wg syncconf); a restart happens only when wg-quick must re-run, as the result says.
/// </summary>
[Cmdlet(VerbsCommon.Set, "WgInterface", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ComputerNameSet)]
[OutputType(typeof(WgApplyResult))]
public sealed class SetWgInterfaceCommand : WgApplyCmdlet
{
    /// <summary>The interface. Typed object so that binding never fails (<see cref="WgCmdlet.PipelineValue{T}"/>): a row with a private key is not kept in an error record.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [Alias("Interface")]
    public object InputObject { get; set; } = null!;

    /// <summary>Hosts to apply to; taken from the interface's ComputerName when not given.</summary>
    [Parameter(ParameterSetName = ComputerNameSet, ValueFromPipelineByPropertyName = true)]
    [Alias("CN", "HostName")]
    [ArgumentCompleter(typeof(ComputerNameCompleter))]
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value; }

    [Parameter]
    public SwitchParameter InstallPackage { get; set; }

    [Parameter]
    public SwitchParameter EnableForwarding { get; set; }

    /// <summary>The gateway's uplink (eth0) that traffic from the tunnel is masqueraded out of.</summary>
    [Parameter]
    [ValidateInterfaceName]
    public string? Masquerade { get; set; }

    /// <summary>Two-way NAT: also masquerade into the tunnel and forward from the uplink into it, so far LAN hosts need no route back.</summary>
    [Parameter]
    public SwitchParameter TwoWayNat { get; set; }

    /// <summary>Clamp the MSS of forwarded TCP SYNs through the tunnel to the path's MTU (a path that drops ICMP "fragmentation needed"); with -Masquerade.</summary>
    [Parameter]
    public SwitchParameter ClampMss { get; set; }

    [Parameter]
    public FirewallBackend FirewallBackend { get; set; } = FirewallBackend.Auto;

    /// <summary>
    /// Install a timer on the gateway that re-resolves the peers' host-name endpoints whose
    /// handshake is stale (Sync-WgEndpoint's script; cron without systemd); -ReresolveEndpoint:$false
    /// removes it. Not given: left as it is.
    /// </summary>
    [Parameter]
    public SwitchParameter ReresolveEndpoint { get; set; }

    /// <summary>How often the timer runs: 30 s by default, 5 s to one hour (cron: whole minutes).</summary>
    [Parameter]
    public TimeSpan ReresolveInterval { get; set; } = ReresolveTimer.DefaultInterval;

    protected override void BeginProcessing()
    {
        if (ReresolveInterval < ReresolveTimer.MinimumInterval || ReresolveInterval > ReresolveTimer.MaximumInterval)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption,
                $"-ReresolveInterval {Quote.Value(ReresolveInterval.ToString())} is not between 5 seconds and one hour (a bare number is read as ticks: write 00:00:30).",
                Offender: ReresolveInterval.ToString())), ReresolveInterval);
        // The clamp lives with the NAT rules (their chains, table and drop-in), so it needs them.
        if (ClampMss && Masquerade is null)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption, "-ClampMss goes with the NAT rules: give -Masquerade <interface> too.")), null);
        base.BeginProcessing();
    }

    protected override void ProcessRecord()
    {
        if (PipelineValue<WgInterface>(InputObject, WgErrorId.InvalidInterface, "InputObject", InterfaceHint) is not { } input)
            return;
        var errors = WgConfigValidator.Validate(input).ToList();
        if (input.Name is null)
            errors.Insert(0, new WgError(WgErrorId.InvalidInterfaceForApply, "The interface has no Name; a gateway needs one (the file is /etc/wireguard/NAME.conf)."));
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors), input, ErrorCategory.InvalidArgument);
            return;
        }
        var hosts = ComputerName.Length > 0 ? ComputerName : input.ComputerName is { } attached ? new[] { attached } : Array.Empty<string>();
        if (hosts.Length == 0 && ParameterSetName == ComputerNameSet)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.InvalidComputerName,
                $"No -ComputerName for interface {Quote.Value(input.Name!)}, and the interface names none."), input, ErrorCategory.InvalidArgument));
            return;
        }
        AddHosts(hosts, input.Name!, input.Clone());
    }

    protected override GatewayPlan Plan(string computerName, string interfaceName, object? context, GatewayState state) =>
        GatewayPlanner.Plan(computerName, (WgInterface)context!, interfaceName, state, new ApplyOptions
        {
            InstallPackage = InstallPackage,
            EnableForwarding = EnableForwarding,
            Masquerade = Masquerade,
            TwoWayNat = TwoWayNat,
            ClampMss = ClampMss,
            Firewall = FirewallBackend,
            ReresolveEndpoint = MyInvocation.BoundParameters.ContainsKey(nameof(ReresolveEndpoint)) ? ReresolveEndpoint.IsPresent : null,
            ReresolveInterval = ReresolveInterval,
        });

    protected override IEnumerable<WgAdmin.Net.WgPrefix> RoutedNetworks(object? context, GatewayState state) =>
        base.RoutedNetworks(context, state).Concat(((WgInterface)context!).Peers.SelectMany(p => p.AllowedIPs));
}

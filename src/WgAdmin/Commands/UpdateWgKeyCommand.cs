using System.Collections.Concurrent;
using System.Diagnostics;
using System.Management.Automation;
using WgAdmin.Keys;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Update-WgKey: a new private key for the chosen sites' interfaces (every site by default), made
/// on each site's gateway (where it stays) or, with -GenerateLocally, here; every gateway that
/// lists the site as a peer follows. In the order that loses least (<see cref="KeyRotationPlan"/>):
/// the next keys made, their public keys staged on the far ends beside the old ones, then site by
/// site the near end switched while each far end moves the AllowedIPs to the new key at its first
/// handshake, pending until all of that site's gateways passed. A rotation that stops leaves every
/// tunnel on a working key and says where it stopped; running it again finishes it (the gateways'
/// state says how far it got). The topology gets the new public keys and their ages.
/// </summary>
[Cmdlet(VerbsData.Update, "WgKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = PathSet)]
[OutputType(typeof(WgRotationResult))]
public sealed class UpdateWgKeyCommand : WgRotationCmdlet
{
    /// <summary>Make the new private keys here and send them to the gateways on standard input (the topology then holds them; a file keeps them only when it held private keys).</summary>
    [Parameter]
    public SwitchParameter GenerateLocally { get; set; }

    /// <summary>How long the near end waits before it switches, so that the far ends are ready for the first handshake.</summary>
    private static readonly TimeSpan ArmDelay = TimeSpan.FromSeconds(1);

    /// <summary>One site's rotation as it goes: its plan, the new key once known, and where it stopped.</summary>
    private sealed record Rotation(WgSite Site, KeyRotationPlan Plan)
    {
        public WgPublicKey? NewKey { get; set; } = Plan.NewKey;
        public WgPrivateKey? LocalKey { get; set; }
        public string? StoppedAt { get; set; }
        public string? Error { get; set; }
        public string? ErrorId { get; set; }
    }

    private WgTopology _topology = null!;
    private List<WgSite> _sites = new();
    private string InterfaceName => _topology.InterfaceName;

    protected override void ProcessRecord()
    {
        var clock = Stopwatch.StartNew();
        if (LoadTopology() is not { } topology)
            return;
        _topology = topology;
        _sites = topology.Sites.Where(s => s is not null).ToList();
        var rotations = Plan(ReadStates());
        if (rotations.Count == 0)
        {
            WriteVerbose("No key is due.");
            return;
        }
        var description = Describe(rotations.Select(r => r.Plan).ToList());
        WriteVerbose(description);
        if (!ShouldProcess(description, MyInvocation.MyCommand.Name))
            return;

        PrepareKeys(rotations);
        StageKeys(rotations);
        var tunnelAddresses = topology.TunnelAddresses();
        for (var i = 0; i < rotations.Count; i++)
        {
            var r = rotations[i];
            WriteProgress(new ProgressRecord(ProgressId, "Rotating keys", $"{r.Site.Name}: {i + 1} of {rotations.Count} sites") { PercentComplete = i * 100 / rotations.Count });
            var (switched, moved) = SwitchAndMove(r, tunnelAddresses);
            if (r.Error is null && r.Plan.FarEnds.All(f => !f.Unreachable))
            {
                topology.ReplaceKey(r.Site, r.NewKey!, r.LocalKey, DateTimeOffset.UtcNow);
                SaveTopology(topology);
            }
            WriteResults(r, switched, moved, clock);
        }
        WriteProgress(new ProgressRecord(ProgressId, "Rotating keys", "done") { RecordType = ProgressRecordType.Completed });
    }

    private const int ProgressId = 5183;

    /// <summary>Every gateway's state, near ends' and far ends' alike (which keys they hold and list); null for one that could not be read.</summary>
    private Dictionary<string, GatewayState?> ReadStates()
    {
        var states = new ConcurrentDictionary<string, GatewayState>(StringComparer.Ordinal);
        var probes = RunStep(_sites, $"Reading {_sites.Count} gateway(s)", s => s.ComputerName!,
            (site, token) =>
            {
                states[site.Name] = GatewayExecutor.Probe(ConnectSite(site.Name, token), InterfaceName, token);
                return new RotationChange { ComputerName = site.ComputerName!, Description = "read" };
            });
        foreach (var failed in probes.Where(p => !p.Succeeded))
            WriteChangeError(failed, "Update-WgKey could not read a gateway");
        return _sites.ToDictionary(s => s.Name, s => states.GetValueOrDefault(s.Name), StringComparer.Ordinal);
    }

    /// <summary>The chosen sites whose key is due, or whose rotation the gateways show half done.</summary>
    private List<Rotation> Plan(Dictionary<string, GatewayState?> states)
    {
        var now = DateTimeOffset.UtcNow;
        var rotations = new List<Rotation>();
        foreach (var site in _sites.Where(Chosen))
        {
            if (states[site.Name] is not { } near)
                continue;
            var plan = RotationPlanner.KeyPlan(_topology, site, near, states);
            if (plan.Resumed || RotationPlanner.IsDue(site.KeyCreated, OlderThan, now))
                rotations.Add(new Rotation(site, plan));
        }
        return rotations;
    }

    /// <summary>Step 1: the next keys, on every gateway that needs one at once.</summary>
    private void PrepareKeys(List<Rotation> rotations)
    {
        var prepare = rotations.Where(r => r.Plan.Prepare).ToList();
        foreach (var r in prepare.Where(_ => GenerateLocally))
            r.LocalKey = WgPrivateKey.Generate();
        var prepared = RunStep(prepare, $"Making the next key on {prepare.Count} gateway(s)", r => r.Plan.ComputerName,
            (r, token) => Change(r.Site.Name, RotationScript.PrepareKey(r.Plan.ComputerName, InterfaceName, r.LocalKey, ChangeOptions), token));
        for (var i = 0; i < prepare.Count; i++)
        {
            var r = prepare[i];
            if (!prepared[i].Succeeded || prepared[i].PublicKey is null)
                Stop(r, prepared[i], "make the next key");
            else
            {
                r.NewKey = prepared[i].PublicKey;
                if (r.LocalKey is not null && r.LocalKey.PublicKey != r.NewKey)
                    r.LocalKey = null; // the gateway kept a next key of an earlier run
            }
        }
    }

    /// <summary>Step 2: the new public keys staged on the far ends, one change per gateway for every site it follows.</summary>
    private void StageKeys(List<Rotation> rotations)
    {
        var staging = _sites.Select(far => (Far: far, Pairs: rotations.Where(r => r.Error is null && r.NewKey is not null)
                .SelectMany(r => r.Plan.FarEnds.Where(f => f.Site == far.Name && f.Stage && !f.Unreachable).Select(_ => (r.Plan.OldKey, New: r.NewKey!)))
                .ToList()))
            .Where(x => x.Pairs.Count > 0).ToList();
        var staged = RunStep(staging, $"Staging the new keys on {staging.Count} gateway(s)", x => x.Far.ComputerName!,
            (x, token) => Change(x.Far.Name, RotationScript.Stage(x.Far.ComputerName!, InterfaceName, x.Pairs, ChangeOptions), token));
        for (var i = 0; i < staging.Count; i++)
        {
            if (staged[i].Succeeded)
                continue;
            foreach (var r in rotations.Where(r => r.Error is null && r.Plan.FarEnds.Any(f => f.Site == staging[i].Far.Name && f.Stage)))
                Stop(r, staged[i], $"stage the new key on {staging[i].Far.ComputerName}");
        }
    }

    /// <summary>A change made with the caller's options, confirmed at once over a new connection with -ConfirmWithin.</summary>
    private RotationChange Change(string site, RemoteOperation<RotationChange> operation, CancellationToken token)
    {
        var connection = ConnectSite(site, token);
        return Committed(connection, RotationScript.Execute(connection, operation, token), token);
    }

    /// <summary>
    /// Step 3 for one site: the switch and the far ends' moves, started together (the near end a
    /// moment later, so that the far ends wait for its handshake), pending, then confirmed together
    /// or undone together. A near end that switched earlier only needs the moves.
    /// </summary>
    private (RotationChange? Switched, IReadOnlyList<RotationChange> Moved) SwitchAndMove(Rotation r, IReadOnlyDictionary<string, System.Net.IPAddress> tunnelAddresses)
    {
        if (r.Error is null && r.Plan.Blocked && r.Plan.Switch)
            Stop(r, null, "switch", $"{string.Join(", ", r.Plan.FarEnds.Where(f => f.Unreachable).Select(f => f.ComputerName))} could not be read: {r.Plan.ComputerName} keeps its old key");
        if (r.Error is not null || r.NewKey is null)
            return (null, Array.Empty<RotationChange>());
        var far = r.Plan.FarEnds.Where(f => f.Move && !f.Unreachable).Select(f => _sites.First(s => s.Name == f.Site)).ToList();
        if (!r.Plan.Switch)
        {
            var moved = RunStep(far, $"Moving {far.Count} far end(s) to the new key of {r.Site.Name}", s => s.ComputerName!,
                (s, token) => Change(s.Name, RotationScript.Move(s.ComputerName!, InterfaceName, r.Plan.OldKey, r.NewKey, null, ChangeOptions), token));
            if (moved.FirstOrDefault(c => !c.Succeeded) is { } failed)
                Stop(r, failed, $"move the far end {failed.ComputerName}", "run Update-WgKey again to finish");
            return (null, moved);
        }
        var options = PendingOptions;
        var ping = far.Select(s => tunnelAddresses[s.Name]).ToList();
        // The near end runs beside the far ends' fan-out, not in it: each far end waits for the
        // near end's first handshake, so a near end queued behind -ThrottleLimit far ends would
        // never switch while they wait (a site with 16 or more peers could not rotate). Far ends
        // past the throttle start later and find that handshake already made.
        var token = StopToken;
        var nearEnd = Task.Run(() =>
        {
            try
            {
                var connection = ConnectSite(r.Site.Name, token);
                token.WaitHandle.WaitOne(ArmDelay);
                return RotationScript.Execute(connection, RotationScript.Switch(r.Site.ComputerName!, InterfaceName, ping, options), token);
            }
            catch (Exception ex) when (ex is WgException or OperationCanceledException or IOException or InvalidOperationException)
            {
                return Failed(r.Site.ComputerName!, "switch", ex);
            }
        }, CancellationToken.None);
        var moves = RunStep(far, $"Switching {r.Plan.ComputerName} and moving {far.Count} far end(s)", s => s.ComputerName!,
            (s, t) => RotationScript.Execute(ConnectSite(s.Name, t), RotationScript.Move(s.ComputerName!, InterfaceName, r.Plan.OldKey, r.NewKey, RotationScript.HandshakeWait, options), t));
        var switched = nearEnd.GetAwaiter().GetResult();
        var step = moves.Append(switched).ToList();
        var sites = far.Select(s => s.Name).Append(r.Site.Name).ToList();
        var keep = step.All(c => c.Succeeded);
        var endErrors = EndPending(sites.Select((name, i) => (name, step[i])).ToList(), keep);
        if (!keep)
            Stop(r, step.First(c => !c.Succeeded), $"switch {r.Plan.ComputerName} and move the far ends", "every change of the step was undone: the tunnels keep the old key");
        else if (endErrors.Count > 0)
            Stop(r, null, "confirm the switch", string.Join("; ", endErrors), WgErrorId.ChangeNotConfirmed);
        return (switched, moves);
    }

    private void Stop(Rotation r, RotationChange? change, string where, string? detail = null, string? errorId = null)
    {
        if (r.Error is not null)
            return;
        r.StoppedAt = where;
        r.Error = string.Join(" ", new[] { change?.Error, detail }.Where(t => t is not null));
        r.ErrorId = errorId ?? change?.ErrorId ?? WgErrorId.RotationIncomplete;
        WriteError(CreateErrorRecord(new WgError(r.ErrorId, $"{r.Site.Name}: the key rotation stopped at '{where}': {r.Error}", Offender: r.Site.Name), r.Site.Name,
            r.ErrorId == WgErrorId.GatewayBusy ? ErrorCategory.ResourceBusy : ErrorCategory.InvalidOperation));
    }

    private void WriteResults(Rotation r, RotationChange? switched, IReadOnlyList<RotationChange> moved, Stopwatch clock)
    {
        foreach (var far in r.Plan.FarEnds)
        {
            var move = moved.FirstOrDefault(m => m.ComputerName == far.ComputerName);
            var outage = switched?.SwitchedAt is { } at && move?.MovedAt is { } movedAt && r.Error is null ? movedAt - at : (TimeSpan?)null;
            WriteObject(new WgRotationResult
            {
                Kind = "Key",
                Site = r.Site.Name,
                Peer = far.Site,
                ComputerName = r.Plan.ComputerName,
                PeerComputerName = far.ComputerName,
                Completed = r.Error is null && !far.Unreachable,
                Changed = r.Error is null && (r.Plan.Switch || far.Stage || far.Move),
                Outage = outage is { } o && o < TimeSpan.Zero ? TimeSpan.Zero : outage,
                StoppedAt = r.StoppedAt,
                Error = r.Error,
                ErrorId = r.ErrorId,
                Duration = clock.Elapsed,
            });
        }
    }

    /// <summary>The whole rotation's plan, in the order it runs: which gateways, in which order.</summary>
    private static string Describe(IReadOnlyList<KeyRotationPlan> plans)
    {
        var lines = new List<string> { $"Key rotation of {plans.Count} site(s):" };
        var prepare = plans.Where(p => p.Prepare).Select(p => p.ComputerName).ToList();
        if (prepare.Count > 0)
            lines.Add($"1. at once: make the next key on {string.Join(", ", prepare)}");
        var stage = plans.SelectMany(p => p.FarEnds.Where(f => f.Stage)).Select(f => f.ComputerName).Distinct().ToList();
        if (stage.Count > 0)
            lines.Add($"2. at once: stage the new public keys on {string.Join(", ", stage)}");
        var n = 0;
        foreach (var plan in plans)
            lines.Add($"3.{++n} {plan}");
        return string.Join('\n', lines);
    }
}

using System.Diagnostics;
using System.Management.Automation;
using WgAdmin.Keys;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Update-WgPresharedKey: new preshared keys for the chosen pairs of sites (the whole topology,
/// the pairs of some sites, or one pair with -Site and -Peer), made here and set on both ends
/// live with `wg set ... preshared-key` (the sessions carry on; the new key applies from the next
/// handshake) and in the config files. Every gateway's change is pending until all of them
/// passed, then confirmed together; when one fails, all are undone and no key changed. The
/// topology records the new keys and when they were made.
/// </summary>
[Cmdlet(VerbsData.Update, "WgPresharedKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(WgRotationResult))]
public sealed class UpdateWgPresharedKeyCommand : WgRotationCmdlet
{
    /// <summary>With -Site: only the pairs of those sites with these.</summary>
    [Parameter]
    public string[] Peer { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        var clock = Stopwatch.StartNew();
        if (LoadTopology() is not { } topology)
            return;
        if (!topology.PresharedKeys)
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.NoPresharedKeys,
                "The topology uses no preshared keys (PresharedKeys = false): there are none to rotate. New-WgTopology -PresharedKeys makes a topology with them."), topology, ErrorCategory.InvalidArgument));
            return;
        }
        var names = topology.Sites.Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Peer.Where(n => !names.Contains(n)))
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.SiteNotFound, $"The topology has no site {Quote.Value(name)}.", Offender: name), name, ErrorCategory.InvalidArgument));
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var pairs = RotationPlanner.PresharedKeyPairs(topology, Site.Length > 0 ? Site : null, Peer.Length > 0 ? Peer : null, OlderThan, now);
        if (pairs.Count == 0)
        {
            WriteVerbose("No preshared key is due.");
            return;
        }
        var fresh = WgPresharedKey.Generate(pairs.Count);
        var keys = pairs.Select((p, i) => (p, fresh[i])).ToDictionary(x => x.p, x => x.Item2);
        var plans = RotationPlanner.PresharedKeyPlans(topology, keys);
        var description = $"{pairs.Count} preshared key(s), on {plans.Count} gateway(s) at once, pending until all passed:\n" + string.Join('\n', plans);
        WriteVerbose(description);
        if (!ShouldProcess(description, MyInvocation.MyCommand.Name))
            return;

        var options = PendingOptions;
        var changes = RunStep(plans, $"Setting new preshared keys on {plans.Count} gateway(s)", p => p.ComputerName,
            (plan, token) => RotationScript.Execute(ConnectSite(plan.Site, token), RotationScript.PresharedKeys(plan.ComputerName, plan.InterfaceName, plan.Peers, options), token));
        var failed = changes.Where(c => !c.Succeeded).ToList();
        var keep = failed.Count == 0;
        var endErrors = EndPending(plans.Select((p, i) => (p.Site, changes[i])).ToList(), keep);
        foreach (var change in failed)
            WriteChangeError(change, "Update-WgPresharedKey stopped; the other gateways were undone and every tunnel keeps its preshared key");
        foreach (var error in endErrors)
            WriteError(CreateErrorRecord(new WgError(WgErrorId.ChangeNotConfirmed, error), topology, ErrorCategory.InvalidOperation));
        var done = keep && endErrors.Count == 0;
        if (done)
        {
            foreach (var ((first, second), key) in keys)
            {
                topology.SetPresharedKey(first, second, key);
                topology.SetPresharedKeyCreated(first, second, now);
            }
            SaveTopology(topology);
        }
        var bySite = topology.Sites.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var stopped = failed.Count > 0 ? $"set the new preshared keys on {string.Join(", ", failed.Select(f => f.ComputerName))}" : null;
        foreach (var (first, second) in pairs)
        {
            var error = failed.FirstOrDefault(c => c.ComputerName == bySite[first].ComputerName || c.ComputerName == bySite[second].ComputerName)?.Error
                ?? (failed.Count > 0 ? "undone: another gateway of the rotation failed" : endErrors.FirstOrDefault());
            WriteObject(new WgRotationResult
            {
                Kind = "PresharedKey",
                Site = first,
                Peer = second,
                ComputerName = bySite[first].ComputerName,
                PeerComputerName = bySite[second].ComputerName,
                Completed = done,
                Changed = done,
                Outage = done ? TimeSpan.Zero : null,
                StoppedAt = done ? null : stopped,
                Error = done ? null : error,
                ErrorId = done ? null : WgErrorId.RotationIncomplete,
                Duration = clock.Elapsed,
            });
        }
    }
}

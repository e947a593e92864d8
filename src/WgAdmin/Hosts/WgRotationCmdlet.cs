using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Remote;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// What Update-WgKey and Update-WgPresharedKey share: the topology (a file, read and written back
/// with the secrets it held, or an object, changed in place), the sites to rotate and -OlderThan,
/// one connection per site's gateway (its -ComputerName in the topology), the parallel fan-out of
/// one step of rotation changes, and the pending changes of a step confirmed together or undone
/// together. The hosts come from the topology: -ComputerName and -Session are not parameters here.
/// </summary>
public abstract class WgRotationCmdlet : WgChangeCmdlet
{
    protected const string PathSet = "Path";
    protected const string TopologySet = "Topology";

    /// <summary>The topology file: read, rotated, written back (atomically, 0600) with the secrets it held and nothing more.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [Alias("PSPath", "LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>A topology (New-WgTopology -AsTopology, Import-WgTopology -AsTopology, or the interfaces they wrote): changed in place.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = TopologySet)]
    [WgTopologyTransformation]
    public WgTopology Topology { get; set; } = null!;

    /// <summary>Only these sites (their keys, or the pairs they are in).</summary>
    [Parameter]
    public string[] Site { get; set; } = Array.Empty<string>();

    /// <summary>Only keys older than this (or of unknown age): a scheduled job rotates what is due.</summary>
    [Parameter]
    public TimeSpan? OlderThan { get; set; }

    // The gateways are the topology's: no -ComputerName, no -Session (no [Parameter] on the overrides).
    public override string[] ComputerName { get => base.ComputerName; set => base.ComputerName = value; }

    public override WgSession[] Session { get => base.Session; set => base.Session = value; }

    private readonly Dictionary<string, SshConnectOptions> _options = new(StringComparer.Ordinal);
    private string? _file;
    private bool _fileHasSecrets;

    /// <summary>How long the changes of a step that can cut a tunnel stay pending before they are confirmed together: -ConfirmWithin, else two minutes.</summary>
    protected TimeSpan PendingWindow => ConfirmWithin ?? TimeSpan.FromMinutes(2);

    protected ChangeOptions PendingOptions => ChangeOptions with { ConfirmWithin = PendingWindow };

    protected override void BeginProcessing()
    {
        if (ManualConfirm)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption,
                "-ManualConfirm is not for rotations: a rotation confirms the changes of each step together before it takes the next.")), null);
        if (OlderThan is { } age && age < TimeSpan.Zero)
            ThrowWgError(new WgException(new WgError(WgErrorId.InvalidChangeOption, $"-OlderThan {Quote.Value(age.ToString())} is negative.", Offender: age.ToString())), age);
        base.BeginProcessing();
    }

    /// <summary>The topology of this call: read from -Path, or -Topology; null (errors written) when it cannot be used.</summary>
    protected WgTopology? LoadTopology()
    {
        WgTopology topology;
        if (ParameterSetName == PathSet)
        {
            _file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            if (!File.Exists(_file))
            {
                WriteError(CreateErrorRecord(new WgError(WgErrorId.FileNotFound, $"Cannot find the topology file {Quote.Value(_file)}.", Offender: _file), _file, ErrorCategory.ObjectNotFound));
                return null;
            }
            try
            {
                topology = WgTopologyFile.Parse(File.ReadAllText(_file));
            }
            catch (WgException ex)
            {
                WriteWgErrors(ex, _file);
                return null;
            }
            _fileHasSecrets = topology.PresharedKeyPairs().Any() || topology.Sites.Any(s => s?.PrivateKey is not null);
        }
        else
            topology = Topology;

        var errors = topology.Check().Where(p => p.Severity == WgTopologySeverity.Error).Select(p => p.ToError()).ToList();
        var names = topology.Sites.Where(s => s is not null).Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in Site.Where(n => !names.Contains(n)))
            errors.Add(new WgError(WgErrorId.SiteNotFound, $"The topology has no site {Quote.Value(name)}.", Offender: name));
        foreach (var site in topology.Sites.Where(s => s is not null && s.ComputerName is null))
            errors.Add(new WgError(WgErrorId.SiteHasNoGateway,
                $"Site {Quote.Value(site.Name)} names no gateway (New-WgSite -ComputerName, ComputerName in the file): both ends of every tunnel are changed over SSH.", Offender: site.Name));
        foreach (var site in topology.Sites.Where(s => s?.ComputerName is not null))
        {
            try
            {
                _options[site.Name] = OptionsFor(site.ComputerName!);
            }
            catch (WgException ex)
            {
                errors.AddRange(ex.Errors);
            }
        }
        if (errors.Count > 0)
        {
            WriteWgErrors(new WgException(errors), topology, ErrorCategory.InvalidArgument);
            return null;
        }
        return topology;
    }

    /// <summary>True when <paramref name="site"/> is one of -Site (or no -Site was given).</summary>
    protected bool Chosen(WgSite site) => Site.Length == 0 || Site.Contains(site.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The connection to a site's gateway, opened once per command; safe from worker threads.</summary>
    protected SshConnection ConnectSite(string site, CancellationToken cancellation) => Connect(_options[site], cancellation);

    /// <summary>Writes the topology back to -Path, with the secrets the file held (with -Topology the object itself was changed).</summary>
    protected void SaveTopology(WgTopology topology)
    {
        if (_file is null)
            return;
        try
        {
            WgConfigFile.WriteAtomic(_file, WgTopologyFile.Write(topology, _fileHasSecrets), overwrite: true);
        }
        catch (WgException ex)
        {
            WriteWgErrors(ex, _file, ErrorCategory.WriteError);
        }
    }

    /// <summary>
    /// Runs one change per item in parallel (-ThrottleLimit) with progress and gives every
    /// outcome back, in the items' order; an exception becomes a failed change.
    /// </summary>
    protected IReadOnlyList<RotationChange> RunStep<TItem>(IReadOnlyList<TItem> items, string activity, Func<TItem, string> label, Func<TItem, CancellationToken, RotationChange> work)
    {
        var results = new RotationChange?[items.Count];
        var indexed = items.Select((item, index) => (item, index)).ToList();
        ForEachHost(indexed, activity, i => label(i.item), (i, token) => work(i.item, token),
            (i, result) => results[i.index] = result,
            (i, error) => results[i.index] = Failed(label(i.item), activity, error));
        return results.Select((r, i) => r ?? new RotationChange { ComputerName = label(items[i]), Description = activity, Error = "stopped", ErrorId = WgErrorId.RotationIncomplete }).ToList();
    }

    /// <summary>A change that threw, as a failed change: its error's ID, else RemoteCommandFailed.</summary>
    protected static RotationChange Failed(string computerName, string description, Exception error) => new()
    {
        ComputerName = computerName,
        Description = description,
        Error = error.Message,
        ErrorId = (error as WgException)?.ErrorId ?? WgErrorId.RemoteCommandFailed,
    };

    /// <summary>
    /// Ends the pending changes of one step together: when <paramref name="keep"/>, each is
    /// confirmed over a new connection; otherwise each is undone (restored to its snapshot,
    /// verified). The errors of those that could not be ended so (the host then reverts by itself
    /// at its deadline).
    /// </summary>
    protected IReadOnlyList<string> EndPending(IReadOnlyList<(string Site, RotationChange Change)> pending, bool keep)
    {
        var options = PendingOptions;
        var errors = new List<string>();
        var ended = RunStep(pending.Where(p => p.Change.PendingUntil is not null).ToList(), keep ? "Confirming the step" : "Undoing the step", p => p.Change.ComputerName,
            (p, token) =>
            {
                var connection = ConnectSite(p.Site, token);
                if (keep)
                {
                    var (confirmed, _, error, errorId) = ConfirmOverNewConnection(connection, p.Change.PendingUntil!.Value, options, null, token);
                    return p.Change with { PendingUntil = confirmed ? null : p.Change.PendingUntil, Error = error, ErrorId = errorId };
                }
                var undo = RemoteRunner.Invoke(connection, ChangeControl.Undo(p.Change.ComputerName, options), token);
                return p.Change with
                {
                    PendingUntil = null,
                    RolledBack = undo.RolledBack,
                    Error = undo.RolledBack || !undo.Found ? null : $"{p.Change.ComputerName}: undoing the change left a difference: {undo.RestoreDifference}",
                    ErrorId = undo.RolledBack || !undo.Found ? null : WgErrorId.RollbackIncomplete,
                };
            });
        errors.AddRange(ended.Where(c => c.Error is not null).Select(c => c.Error!));
        return errors;
    }

    /// <summary>A change made with the caller's options: with -ConfirmWithin it is confirmed over a new connection at once.</summary>
    protected RotationChange Committed(SshConnection connection, RotationChange change, CancellationToken cancellation)
    {
        if (change.PendingUntil is not { } deadline)
            return change;
        var (confirmed, _, error, errorId) = ConfirmOverNewConnection(connection, deadline, ChangeOptions, null, cancellation);
        return change with { PendingUntil = confirmed ? null : deadline, Error = error, ErrorId = errorId };
    }

    /// <summary>One failed change as an error record: its ID (GatewayBusy, ChangeRolledBack, ...), else RotationIncomplete.</summary>
    protected void WriteChangeError(RotationChange change, string context) =>
        WriteError(CreateErrorRecord(new WgError(change.ErrorId ?? WgErrorId.RotationIncomplete, $"{context}: {change.Error}", Offender: change.ComputerName), change.ComputerName,
            change.ErrorId == WgErrorId.GatewayBusy ? ErrorCategory.ResourceBusy : ErrorCategory.InvalidOperation));
}

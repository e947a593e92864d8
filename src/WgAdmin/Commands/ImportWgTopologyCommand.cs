using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Model;
using WgAdmin.Topology;

namespace WgAdmin.Commands;

/// <summary>
/// Import-WgTopology: reads a topology file (Export-WgTopology) and emits its interfaces, one per
/// site, ready for Set-WgInterface; -AsTopology emits the topology. The file is checked like
/// New-WgTopology's sites; errors carry the file and line, and then nothing is emitted.
/// </summary>
[Cmdlet(VerbsData.Import, "WgTopology")]
[OutputType(typeof(WgInterface), typeof(WgTopology))]
public sealed class ImportWgTopologyCommand : WgCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LiteralPath")]
    public string Path { get; set; } = "";

    [Parameter]
    public SwitchParameter AsTopology { get; set; }

    /// <summary>The most sites a file may hold (1,000); past it the file is refused with WgAdmin.TopologyTooLarge before anything is built.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaximumSites { get; set; } = WgTopology.DefaultMaximumSites;

    protected override void ProcessRecord()
    {
        var file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        if (!File.Exists(file))
        {
            WriteError(CreateErrorRecord(new WgError(WgErrorId.FileNotFound, $"Cannot find the topology file {Quote.Value(file)}.", Offender: file), file, ErrorCategory.ObjectNotFound));
            return;
        }
        WgTopology topology;
        IReadOnlyDictionary<string, int> siteLines;
        try
        {
            topology = WgTopologyFile.Parse(File.ReadAllText(file), out siteLines);
            if (WgConfigFile.AccessWarning(file, topology.Sites.Any(s => s.PrivateKey is not null) || topology.PresharedKeyPairs().Any()) is { } open)
                WriteWarning($"{open.Message} ({open.ErrorId})");
        }
        catch (WgException ex)
        {
            WriteLocated(ex, file);
            return;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(new ErrorRecord(ex, WgErrorId.FileNotFound, ErrorCategory.ReadError, file));
            return;
        }

        topology.MaximumSites = MaximumSites;
        // The checks know sites, not lines: a problem of one site points at its [Site] section.
        int? LineOf(WgTopologyProblem problem) => problem.Site is { } name && siteLines.TryGetValue(name, out var line) ? line : null;
        var problems = topology.Check();
        foreach (var warning in problems.Where(p => p.Severity == WgTopologySeverity.Warning))
            WriteWarning($"{file}: {(warning.ToError() with { Line = LineOf(warning) })} ({warning.ErrorId})");
        var errors = problems.Where(p => p.Severity == WgTopologySeverity.Error).Select(p => p.ToError() with { Line = LineOf(p) }).ToList();
        if (errors.Count > 0)
        {
            WriteLocated(new WgException(errors), file);
            return;
        }
        try
        {
            topology.Build();
        }
        catch (WgException ex)
        {
            if (!AsTopology)
            {
                WriteLocated(ex, file);
                return;
            }
            // The topology still serves Get-WgLanRoute; its Interfaces stay empty.
            foreach (var error in ex.Errors)
                WriteWarning($"{file}: {error.Message} ({error.ErrorId})");
        }
        if (AsTopology)
            WriteObject(topology);
        else
            foreach (var config in topology.Interfaces)
                WriteObject(config);
    }

    private void WriteLocated(WgException ex, string file)
    {
        foreach (var error in ex.Errors)
        {
            // Name the file as well as the line, so errors from many files stay apart.
            var located = error with { Message = $"{file}: {error}", Line = null };
            WriteError(CreateErrorRecord(located, file, ErrorCategory.InvalidData, ex.Errors.Count == 1 ? ex : new WgException(error)));
        }
    }
}

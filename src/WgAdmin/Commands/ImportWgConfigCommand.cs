using System.Collections.ObjectModel;
using System.Management.Automation;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Commands;

/// <summary>
/// Import-WgConfig: reads wg-quick files. The interface is named after the file, as wg-quick
/// names it (wg0.conf is wg0). Each file that fails gives its own errors, with line numbers.
/// </summary>
[Cmdlet(VerbsData.Import, "WgConfig", DefaultParameterSetName = PathSet)]
[OutputType(typeof(WgInterface))]
public sealed class ImportWgConfigCommand : WgCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    public string[] Path { get; set; } = Array.Empty<string>();

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (var file in ResolveFiles())
        {
            if (Directory.Exists(file))
            {
                // A wildcard can match a folder; reading one would fail with a misleading "access denied".
                WriteError(CreateErrorRecord(new WgError(WgErrorId.FileNotFound, $"{Quote.Value(file)} is a folder, not a configuration file.", Offender: file), file, ErrorCategory.ObjectNotFound));
                continue;
            }
            try
            {
                var bytes = File.ReadAllBytes(file);
                var config = WgConfigParser.Parse(bytes, WgConfigParser.InterfaceNameFromPath(file));
                if (WgConfigFile.AccessWarning(file, config.PrivateKey is not null || config.Peers.Any(p => p.PresharedKey is not null)) is { } open)
                    WriteWarning($"{open.Message} ({open.ErrorId})");
                WriteObject(config);
            }
            catch (WgException ex)
            {
                foreach (var error in ex.Errors)
                {
                    // Name the file as well as the line, so errors from many files stay apart.
                    var located = error with { Message = $"{file}: {error}" , Line = null };
                    WriteError(CreateErrorRecord(located, file, ErrorCategory.InvalidData, ex.Errors.Count == 1 ? ex : new WgException(error)));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, WgErrorId.FileNotFound, ErrorCategory.ReadError, file));
            }
        }
    }

    private IEnumerable<string> ResolveFiles()
    {
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (var literal in LiteralPath)
            {
                var resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(literal);
                if (File.Exists(resolved))
                    yield return resolved;
                else
                    WriteFileNotFound(literal);
            }
            yield break;
        }
        foreach (var pattern in Path)
        {
            Collection<string>? resolved = null;
            try
            {
                resolved = GetResolvedProviderPathFromPSPath(pattern, out _);
            }
            catch (ItemNotFoundException)
            {
                WriteFileNotFound(pattern);
            }
            if (resolved is null)
                continue;
            foreach (var file in resolved)
                yield return file;
        }
    }

    private void WriteFileNotFound(string path) =>
        WriteError(CreateErrorRecord(new WgError(WgErrorId.FileNotFound, $"Cannot find the file {Quote.Value(path)}.", Offender: path), path, ErrorCategory.ObjectNotFound));
}

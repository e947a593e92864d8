using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>What a completer reads of the command line typed so far (the parameters already bound; their values through <see cref="BoundValues"/>).</summary>
internal static class CompletionContext
{
    public static WgSession[] Sessions(IDictionary bound) =>
        bound.Contains("Session") && bound["Session"] is { } value && LanguagePrimitives.TryConvertTo<WgSession[]>(value, out var sessions)
            ? sessions.Where(s => s is not null).ToArray()
            : Array.Empty<WgSession>();

    /// <summary>A path as the cmdlet would resolve it (relative to the current location, ~ expanded).</summary>
    public static string ResolvePath(string path)
    {
        try
        {
            if (Runspace.DefaultRunspace?.SessionStateProxy.Path is { } paths)
                return paths.GetUnresolvedProviderPathFromPSPath(path);
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or ItemNotFoundException or ProviderNotFoundException or System.Management.Automation.DriveNotFoundException or NotSupportedException)
        {
            // Fall through to the process's own view of the path.
        }
        return Path.GetFullPath(path);
    }

    /// <summary>A candidate as PowerShell should insert it (quoted where a bare word would read otherwise), listed as the name itself.</summary>
    public static CompletionResult Result(string name, string tooltip) =>
        new(WgCompletion.CompletionText(name), name, CompletionResultType.ParameterValue, tooltip);
}

namespace WgAdmin.Remote;

/// <summary>What one script printed on a host, read by <see cref="SectionReader"/>; standard error cleaned and redacted.</summary>
public sealed class ScriptOutput
{
    public required int ExitCode { get; init; }
    public required IReadOnlyList<ScriptSection> Sections { get; init; }
    public required string Error { get; init; }
    public TimeSpan Duration { get; init; }

    /// <summary>The script ran to its end: exit 0 and the end marker last.</summary>
    public bool Complete => ExitCode == 0 && Sections.Count > 0 && Sections[^1].Name == "end";

    public static ScriptOutput Read(RemoteResult result) => new()
    {
        ExitCode = result.ExitCode,
        Sections = SectionReader.Read(result.Output),
        Error = RemoteText.Redact(result.Error),
        Duration = result.Duration,
    };

    /// <summary>The first section of this name, or null.</summary>
    public ScriptSection? Section(string name) => Sections.FirstOrDefault(s => s.Name == name);

    /// <summary>A failure the script named itself (lib.sh's report_error): its kind and message.</summary>
    public (string Kind, string Message)? ReportedError => Section("error") is { Arguments.Count: > 0 } error
        ? (error.Arguments[0], string.Join(' ', error.Arguments.Skip(1)))
        : null;

    /// <summary>The last lines of standard error, for a message.</summary>
    public string ErrorSummary
    {
        get
        {
            var lines = Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length == 0 ? "(no error output)" : string.Join(" | ", lines.TakeLast(5));
        }
    }
}

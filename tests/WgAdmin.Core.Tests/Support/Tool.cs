using System.Diagnostics;
using System.Text;

namespace WgAdmin.Core.Tests.Support;

public sealed record ToolResult(int ExitCode, byte[] StdOutBytes, string StdErr)
{
    public bool Ok => ExitCode == 0;

    /// <summary>Standard output decoded as UTF-8, a BOM or an invalid byte kept visible (U+FEFF, U+FFFD), never dropped.</summary>
    public string StdOut => new UTF8Encoding(false).GetString(StdOutBytes);

    /// <summary>Standard error with anything shaped like a key replaced: wg quotes whole PrivateKey lines in its errors.</summary>
    public string StdErrRedacted => Tool.RedactKeys(StdErr);
}

/// <summary>
/// Runs an external program with an argument list (never a shell string) and optional stdin.
/// Secrets go through stdin or 0600 files, never through arguments, which any local user can
/// read in /proc.
/// </summary>
internal static partial class Tool
{
    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static ToolResult Run(string program, IEnumerable<string> arguments, string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null, int timeoutSeconds = 60)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // Bytes in and out exactly as the tool sees them (no BOM, no newline translation).
            StandardInputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        // Keep the tools' messages in English and their parsing in the C locale.
        info.Environment["LC_ALL"] = "C";
        if (environment is not null)
            foreach (var (key, value) in environment)
                info.Environment[key] = value;

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
        // Raw bytes: a StreamReader would silently drop a leading BOM, hiding it from the comparison.
        var stdoutBuffer = new MemoryStream();
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(stdoutBuffer);
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
            process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill();
            process.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', info.ArgumentList)} did not finish in {timeoutSeconds} s.");
        }
        stdout.Wait();
        return new ToolResult(process.ExitCode, stdoutBuffer.ToArray(), stderr.Result);
    }

    public static string RedactKeys(string text) => KeyShape().Replace(text, "<key>");

    [System.Text.RegularExpressions.GeneratedRegex(@"[A-Za-z0-9+/_-]{40,}={0,2}")]
    private static partial System.Text.RegularExpressions.Regex KeyShape();
}

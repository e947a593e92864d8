using System.Diagnostics;
using System.Globalization;
using System.Text;
using WgAdmin.Config;

namespace WgAdmin.Benchmarks;

/// <summary>A wrong command line: the message says what is wrong.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The two helpers the wg-quick comparison script needs: one writes the sample file, the other
/// times WgAdmin's equivalent of `wg-quick strip` on it in this process, so both figures come
/// from the same file in the same run.
/// </summary>
internal static class ConsoleModes
{
    public const string WriteConfigOption = "--write-config";
    public const string TimeStripOption = "--time-strip";

    public const string Usage =
        """
        Usage:
          WgAdmin.Benchmarks [BenchmarkDotNet arguments, e.g. --filter '*'] [--quick]
          WgAdmin.Benchmarks --write-config PATH [--peers N]     (default 10000 peers)
          WgAdmin.Benchmarks --time-strip PATH [--repeat N] [--output FILE]   (default 20 runs)
        """;

    public static int WriteConfig(string[] args)
    {
        var path = RequiredValue(args, WriteConfigOption);
        var peers = IntValue(args, "--peers", SampleConfig.DefaultPeers, 0, SampleConfig.MaxPeers);
        var text = SampleConfig.Text(peers);
        WriteSecretFile(path, text);
        if (WgConfigParser.InterfaceNameFromPath(path) is null)
            Console.Error.WriteLine($"Note: wg-quick reads only files named like wg0.conf; '{Path.GetFileName(path)}' is not.");
        return 0;
    }

    /// <summary>
    /// One run is what `wg-quick strip FILE` does, minus starting a process and printing: read the
    /// file, parse it, write it stripped. One untimed run first takes the JIT out of the figures;
    /// the median of the timed runs goes to standard output as the only line, the spread to
    /// standard error.
    /// </summary>
    public static int TimeStrip(string[] args)
    {
        var path = RequiredValue(args, TimeStripOption);
        var repeat = IntValue(args, "--repeat", 20, 1, 1_000_000);
        var output = OptionalValue(args, "--output");
        if (!File.Exists(path))
            throw new UsageException($"The file '{path}' does not exist.");
        var name = WgConfigParser.InterfaceNameFromPath(path);

        var stripped = StripOnce(path, name);
        if (output is not null)
            File.WriteAllText(output, stripped, new UTF8Encoding(false));

        var times = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var start = Stopwatch.GetTimestamp();
            stripped = StripOnce(path, name);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        GC.KeepAlive(stripped);

        Array.Sort(times);
        var median = repeat % 2 == 1 ? times[repeat / 2] : (times[repeat / 2 - 1] + times[repeat / 2]) / 2;
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"runs={repeat} min_ms={times[0]:F3} max_ms={times[^1]:F3} output_chars={stripped.Length}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms={median:F3}"));
        return 0;
    }

    private static string StripOnce(string path, string? name) =>
        WgConfigWriter.Write(WgConfigParser.Parse(File.ReadAllBytes(path), name), WgSecretMode.Include, strip: true);

    /// <summary>Writes the file so that it is never readable by anyone but its owner, even for a moment.</summary>
    private static void WriteSecretFile(string path, string text)
    {
        var ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ownerOnly;
            if (File.Exists(path))
                File.SetUnixFileMode(path, ownerOnly); // UnixCreateMode applies only to a new file
        }
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false));
        writer.Write(text);
    }

    private static string? OptionalValue(string[] args, string option)
    {
        var index = Array.IndexOf(args, option);
        if (index < 0)
            return null;
        if (index + 1 >= args.Length || args[index + 1].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException($"{option} needs a value.");
        return args[index + 1];
    }

    private static string RequiredValue(string[] args, string option) =>
        OptionalValue(args, option) ?? throw new UsageException($"{option} is required.");

    private static int IntValue(string[] args, string option, int fallback, int min, int max)
    {
        var text = OptionalValue(args, option);
        if (text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"{option} '{text}' is not a whole number from {min} to {max}.");
        return value;
    }
}

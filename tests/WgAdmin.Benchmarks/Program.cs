using BenchmarkDotNet.Running;

namespace WgAdmin.Benchmarks;

/// <summary>
/// The ways in:
/// <list type="bullet">
/// <item>Benchmarks (BenchmarkDotNet's own arguments): <c>-- --filter '*'</c>, or no arguments at
///   all, runs everything under the short job; add <c>--quick</c> for a smoke run.</item>
/// <item><c>--write-config PATH [--peers N]</c>: writes the sample configuration (mode 0600) for
///   timing `wg-quick strip` on the same file.</item>
/// <item><c>--time-strip PATH [--repeat N]</c>: reads, parses and writes the file stripped N times
///   in this process and prints <c>median_ms=VALUE</c>.</item>
/// <item><c>--bare-keys N [--repeat R]</c>, <c>--our-keys N [--repeat R]</c>: time R batches of N
///   key pairs (bare NSec, the floor; <c>WgKeyPair.Generate()</c>) and print
///   <c>median_ms=VALUE</c> for one batch.</item>
/// <item><c>--bulk-keys N [--repeat R]</c>, <c>--sodium-loop N [--threads T] [--repeat R]</c>: the
///   same for <c>WgKeyPair.Generate(N)</c> (bulk, all cores) and for the bare P/Invoke loop over
///   libsodium's X25519 (<c>BareSodiumLoop</c>).</item>
/// <item><c>--write-mesh-sites PATH --tunnel PREFIX [--sites N]</c>, <c>--time-mesh PATH --tunnel
///   PREFIX --output-dir DIR [--repeat N]</c>: the full-mesh benchmark's sites, and the core's
///   topology build and config writer timed on them.</item>
/// </list>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            if (args.Contains(ConsoleModes.WriteConfigOption))
                return ConsoleModes.WriteConfig(args);
            if (args.Contains(ConsoleModes.TimeStripOption))
                return ConsoleModes.TimeStrip(args);
            if (args.Contains(ConsoleModes.BareKeysOption))
                return ConsoleModes.BareKeys(args);
            if (args.Contains(ConsoleModes.OurKeysOption))
                return ConsoleModes.OurKeys(args);
            if (args.Contains(ConsoleModes.BulkKeysOption))
                return ConsoleModes.BulkKeys(args);
            if (args.Contains(ConsoleModes.SodiumLoopOption))
                return ConsoleModes.SodiumLoop(args);
            if (args.Contains(ConsoleModes.WriteMeshSitesOption))
                return ConsoleModes.WriteMeshSites(args);
            if (args.Contains(ConsoleModes.TimeMeshOption))
                return ConsoleModes.TimeMesh(args);
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(ConsoleModes.Usage);
            return 2;
        }

        var quick = args.Contains("--quick");
        var benchmarkArgs = args.Where(arg => arg != "--quick").ToArray();
        // Without a filter BenchmarkDotNet asks on the console which benchmark to run, which
        // would hang a script; no arguments means all of them.
        if (benchmarkArgs.Length == 0)
            benchmarkArgs = ["--filter", "*"];
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs, BenchConfig.Create(quick));
        var failed = summaries.Any(summary => summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success));
        return failed ? 1 : 0;
    }
}

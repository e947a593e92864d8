using System.Diagnostics;
using System.Globalization;
using System.Text;
using NSec.Cryptography;
using WgAdmin.Config;
using WgAdmin.Keys;
using WgAdmin.Net;
using WgAdmin.Topology;

namespace WgAdmin.Benchmarks;

/// <summary>A wrong command line: the message says what is wrong.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The helpers tests/Bench.ps1 needs. Two are for the wg-quick comparison: one writes the sample
/// file, the other times WgAdmin's equivalent of `wg-quick strip` on it in this process, so both
/// figures come from the same file in the same run. Two time key generation in this process:
/// the bare NSec calls (the floor) and <see cref="WgKeyPair.Generate"/>, so the script can tell
/// what New-WgKeyPair adds on top of the key itself. Each prints one line, <c>median_ms=VALUE</c>,
/// on standard output and the spread on standard error.
/// </summary>
internal static class ConsoleModes
{
    public const string WriteConfigOption = "--write-config";
    public const string TimeStripOption = "--time-strip";
    public const string BareKeysOption = "--bare-keys";
    public const string OurKeysOption = "--our-keys";
    public const string BulkKeysOption = "--bulk-keys";
    public const string SodiumLoopOption = "--sodium-loop";
    public const string WriteMeshSitesOption = "--write-mesh-sites";
    public const string TimeMeshOption = "--time-mesh";

    public const string Usage =
        """
        Usage:
          WgAdmin.Benchmarks [BenchmarkDotNet arguments, e.g. --filter '*'] [--quick]
          WgAdmin.Benchmarks --write-config PATH [--peers N]     (default 10000 peers)
          WgAdmin.Benchmarks --time-strip PATH [--repeat N] [--output FILE]   (default 20 runs)
          WgAdmin.Benchmarks --bare-keys N [--repeat R]    (bare NSec key pairs; default 5 batches)
          WgAdmin.Benchmarks --our-keys N [--repeat R]     (WgKeyPair.Generate; default 5 batches)
          WgAdmin.Benchmarks --bulk-keys N [--repeat R]    (WgKeyPair.Generate(N), in bulk on all cores)
          WgAdmin.Benchmarks --sodium-loop N [--threads T] [--repeat R]   (bare P/Invoke loop over libsodium's X25519; default 1 thread)
          WgAdmin.Benchmarks --write-mesh-sites PATH --tunnel PREFIX [--sites N]   (default 200 sites)
          WgAdmin.Benchmarks --time-mesh PATH --tunnel PREFIX --output-dir DIR [--repeat N]   (default 5 runs)
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

        var median = SortedMedian(times);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"runs={repeat} min_ms={times[0]:F3} max_ms={times[^1]:F3} output_chars={stripped.Length}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms={median:F3}"));
        return 0;
    }

    /// <summary>
    /// <c>--bare-keys N</c>: the floor any key generation must pay, the same calls as the
    /// baseline of <see cref="KeyPairBenchmarks"/>: create an exportable X25519 key, export the
    /// raw private and the raw public half. The median is for a batch of N keys.
    /// </summary>
    public static int BareKeys(string[] args) => TimeKeyBatches(args, BareKeysOption, BareKeyBatch);

    /// <summary><c>--our-keys N</c>: <see cref="WgKeyPair.Generate"/>, what New-WgKeyPair calls once per key.</summary>
    public static int OurKeys(string[] args) => TimeKeyBatches(args, OurKeysOption, OurKeyBatch);

    /// <summary><c>--bulk-keys N</c>: <see cref="WgKeyPair.Generate(int)"/>, the core's bulk generator, what New-WgKeyPair -Count calls.</summary>
    public static int BulkKeys(string[] args) => TimeKeyBatches(args, BulkKeysOption, count =>
    {
        var sink = 0;
        foreach (var pair in WgKeyPair.Generate(count))
            sink += pair.PublicKey.AsSpan()[0];
        return sink;
    });

    /// <summary>
    /// <c>--sodium-loop N [--threads T]</c>: the bare P/Invoke loop (<see cref="BareSodiumLoop"/>),
    /// the nearest thing to the C loop without a C compiler.
    /// </summary>
    public static int SodiumLoop(string[] args)
    {
        var threads = IntValue(args, "--threads", 1, 1, 256);
        return TimeKeyBatches(args, SodiumLoopOption, count => BareSodiumLoop.Batch(count, threads));
    }

    private static int BareKeyBatch(int count)
    {
        var sink = 0;
        for (var i = 0; i < count; i++)
        {
            using var key = Key.Create(KeyAgreementAlgorithm.X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
            var privateKey = key.Export(KeyBlobFormat.RawPrivateKey);
            var publicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
            sink += privateKey[31] ^ publicKey[0];
        }
        return sink;
    }

    private static int OurKeyBatch(int count)
    {
        var sink = 0;
        for (var i = 0; i < count; i++)
            sink += WgKeyPair.Generate().PublicKey.AsSpan()[0];
        return sink;
    }

    /// <summary>
    /// One untimed batch first (JIT, libsodium initialisation), then <c>--repeat</c> timed batches
    /// of N keys each. The sink keeps the compiler from dropping the work.
    /// </summary>
    private static int TimeKeyBatches(string[] args, string option, Func<int, int> batch)
    {
        var count = IntValue(args, option, 0, 1, 10_000_000, required: true);
        var repeat = IntValue(args, "--repeat", 5, 1, 10_000);

        var sink = batch(count);
        var times = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var start = Stopwatch.GetTimestamp();
            sink += batch(count);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        GC.KeepAlive(sink);

        var median = SortedMedian(times);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"keys={count} runs={repeat} min_ms={times[0]:F3} max_ms={times[^1]:F3} median_us_per_key={median * 1000 / count:F3}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms={median:F3}"));
        return 0;
    }

    /// <summary><c>--write-mesh-sites PATH --tunnel PREFIX [--sites N]</c>: the full-mesh benchmark's sites (<see cref="MeshSites"/>).</summary>
    public static int WriteMeshSites(string[] args)
    {
        var path = RequiredValue(args, WriteMeshSitesOption);
        var tunnel = PrefixValue(args, "--tunnel");
        var count = IntValue(args, "--sites", MeshSites.DefaultSites, 2, 65_534);
        MeshSites.Write(path, tunnel, count);
        return 0;
    }

    /// <summary>
    /// <c>--time-mesh PATH --tunnel PREFIX --output-dir DIR</c>: what New-WgTopology and
    /// Export-WgConfig do for a full mesh of the sites in PATH, without PowerShell: make the
    /// sites, <see cref="WgTopology.Build"/> (checks, tunnel addresses, a private key per site,
    /// every peer), then write every interface to DIR/NAME.conf (0600). One untimed run first;
    /// the median of the timed runs goes to standard output, the spread, the median CPU time
    /// and the peer count to standard error.
    /// </summary>
    public static int TimeMesh(string[] args)
    {
        var path = RequiredValue(args, TimeMeshOption);
        var tunnel = PrefixValue(args, "--tunnel");
        var directory = RequiredValue(args, "--output-dir");
        var repeat = IntValue(args, "--repeat", 5, 1, 10_000);
        if (!File.Exists(path))
            throw new UsageException($"The file '{path}' does not exist.");
        if (!Directory.Exists(directory))
            throw new UsageException($"The folder '{directory}' does not exist.");
        var lines = File.ReadAllLines(path);

        int Once()
        {
            var sites = MeshSites.Read(lines);
            var interfaces = new WgTopology(tunnel, sites).Build();
            var peers = 0;
            for (var i = 0; i < interfaces.Count; i++)
            {
                WriteSecretFile(Path.Combine(directory, sites[i].Name + ".conf"), WgConfigWriter.Write(interfaces[i], WgSecretMode.Include));
                peers += interfaces[i].Peers.Length;
            }
            return peers;
        }

        var peerCount = Once();
        var times = new double[repeat];
        // CPU time too: on a shared machine it moves far less with the neighbours' load than the clock.
        var cpuTimes = new double[repeat];
        using var self = Process.GetCurrentProcess();
        for (var i = 0; i < repeat; i++)
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            peerCount = Once();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            self.Refresh();
            cpuTimes[i] = (self.TotalProcessorTime - cpu).TotalMilliseconds;
        }

        var median = SortedMedian(times);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"runs={repeat} min_ms={times[0]:F3} max_ms={times[^1]:F3} cpu_median_ms={SortedMedian(cpuTimes):F3} peers={peerCount}"));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median_ms={median:F3}"));
        return 0;
    }

    private static WgPrefix PrefixValue(string[] args, string option)
    {
        var text = RequiredValue(args, option);
        return WgPrefix.TryParse(text, out var prefix) ? prefix : throw new UsageException($"{option} '{text}' is not a prefix.");
    }

    /// <summary>Sorts the times in place and returns their median.</summary>
    private static double SortedMedian(double[] times)
    {
        Array.Sort(times);
        var n = times.Length;
        return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
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

    private static int IntValue(string[] args, string option, int fallback, int min, int max, bool required = false)
    {
        var text = required ? RequiredValue(args, option) : OptionalValue(args, option);
        if (text is null)
            return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new UsageException($"{option} '{text}' is not a whole number from {min} to {max}.");
        return value;
    }
}

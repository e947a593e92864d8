using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace WgAdmin.Benchmarks;

/// <summary>
/// The one job every benchmark here runs under. BenchmarkDotNet's default job (up to 100
/// iterations per benchmark, several launches possible) would take far longer than the run
/// budget of about four minutes on a two-core machine, so the default run uses a short job:
/// <list type="bullet">
/// <item>"Short": its own process per benchmark (the default toolchain, so each benchmark starts
///   from a clean heap and JIT), 1 launch, 3 warm-up and 10 measured iterations of about 500 ms
///   each. Enough for a stable median and a ratio to two decimals.</item>
/// <item>"Quick" (<c>--quick</c>): a smoke run in this process (no generated project to build),
///   1 warm-up and 3 iterations of 200 ms. It shows that the benchmarks work; its figures are
///   rough.</item>
/// </list>
/// The default exporters stay on, so the markdown, CSV and HTML summaries land in
/// ./BenchmarkDotNet.Artifacts/results. The memory diagnoser adds the allocation per operation.
/// </summary>
internal static class BenchConfig
{
    public static IConfig Create(bool quick)
    {
        var job = quick
            ? Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(1)
                .WithIterationCount(3)
                .WithIterationTime(TimeInterval.FromMilliseconds(200))
                .WithId("Quick")
            : Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(10)
                .WithId("Short");
        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default);
    }
}

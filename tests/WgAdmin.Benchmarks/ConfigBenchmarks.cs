using BenchmarkDotNet.Attributes;
using WgAdmin.Config;
using WgAdmin.Model;

namespace WgAdmin.Benchmarks;

/// <summary>
/// Reading and writing a large wg-quick file (<see cref="SampleConfig"/>: 10,000 peers by
/// default). The baseline is parse + write stripped, the in-process equivalent of
/// `wg-quick strip`; the other rows show how that splits into its parts.
/// </summary>
[MemoryDiagnoser]
public class ConfigBenchmarks
{
    private string _text = "";
    private WgInterface _config = null!;

    [Params(SampleConfig.DefaultPeers)]
    public int Peers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _text = SampleConfig.Text(Peers);
        _config = WgConfigParser.Parse(_text);
    }

    [Benchmark(Description = "Parse")]
    public WgInterface Parse() => WgConfigParser.Parse(_text);

    [Benchmark(Description = "Write (Include)")]
    public string WriteInclude() => WgConfigWriter.Write(_config, WgSecretMode.Include);

    [Benchmark(Description = "Write strip")]
    public string WriteStrip() => WgConfigWriter.Write(_config, WgSecretMode.Include, strip: true);

    [Benchmark(Baseline = true, Description = "Parse + Write strip")]
    public string ParseWriteStrip() => WgConfigWriter.Write(WgConfigParser.Parse(_text), WgSecretMode.Include, strip: true);
}

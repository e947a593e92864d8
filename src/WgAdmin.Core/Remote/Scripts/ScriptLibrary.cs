using System.Reflection;

namespace WgAdmin.Remote;

/// <summary>
/// The shell files that run on hosts, embedded in this assembly from Remote/Scripts/ (lib.sh, the
/// probes, the NAT scripts, ...): read them there, lint them with ShellCheck, run them in tests.
/// </summary>
public static class ScriptLibrary
{
    private const string Prefix = "WgAdmin.Remote.Scripts.";
    private static readonly Assembly Assembly = typeof(ScriptLibrary).Assembly;
    private static readonly Dictionary<string, string> Cache = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, string> SentCache = new(StringComparer.Ordinal);

    /// <summary>Every embedded file's name ("lib.sh", "tunnel-probe.sh", "lan-routes.service", ...).</summary>
    public static IReadOnlyList<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The text of one file, with Unix line ends.</summary>
    public static string Text(string fileName)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(fileName, out var cached))
                return cached;
            using var stream = Assembly.GetManifestResourceStream(Prefix + fileName)
                ?? throw new InvalidOperationException($"The script {fileName} is not embedded in {Assembly.GetName().Name}.");
            using var reader = new StreamReader(stream);
            var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
            Cache[fileName] = text;
            return text;
        }
    }

    /// <summary>The text of one file as scripts send it: without comment lines and blank lines (<see cref="ShellCommentStripper"/>).</summary>
    public static string Sent(string fileName)
    {
        lock (SentCache)
        {
            if (!SentCache.TryGetValue(fileName, out var sent))
                SentCache[fileName] = sent = ShellCommentStripper.Strip(Text(fileName));
            return sent;
        }
    }
}

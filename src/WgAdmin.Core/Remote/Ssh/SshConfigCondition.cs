namespace WgAdmin.Remote;

/// <summary>
/// When a block of an ssh config applies: a Host line's patterns (matched against the alias as
/// typed), or a Match line's criteria, all of which must hold, as ssh_config(5) reads them:
/// <c>all</c>; <c>host</c> (the HostName set so far, else the alias) and <c>originalhost</c> (the
/// alias), both without regard to case; <c>user</c> (the User set so far, else the local user) and
/// <c>localuser</c>; each a comma-separated pattern list with '!' negations, and each criterion
/// negated by a leading '!'. <c>exec</c> (a command run for every lookup), <c>canonical</c> and
/// <c>final</c> (passes WgAdmin does not make) are refused when a lookup reaches them, with the line.
/// </summary>
internal sealed class SshConfigCondition
{
    /// <summary>What a Match criterion is checked against.</summary>
    internal readonly record struct Context(string OriginalHost, string Host, string User, string LocalUser);

    private sealed record Criterion(bool Negated, string Name, string[] Patterns);

    private static readonly string[] Refused = ["exec", "canonical", "final", "localnetwork", "tagged"];

    private readonly Criterion[]? _criteria;
    private readonly int _line;
    private readonly string? _text;

    private SshConfigCondition(string[]? hostPatterns, Criterion[]? criteria, int line = 0, string? text = null)
    {
        HostPatterns = hostPatterns;
        _criteria = criteria;
        _line = line;
        _text = text;
    }

    /// <summary>What lines before any Host or Match line are under: every host.</summary>
    public static SshConfigCondition Everything { get; } = new(["*"], null);

    /// <summary>A Host line's patterns, or null for a Match line.</summary>
    public string[]? HostPatterns { get; }

    public bool IsEverything => ReferenceEquals(this, Everything);

    public static SshConfigCondition Host(string[] patterns) => new(patterns, null);

    /// <summary>Reads a Match line's criteria; a malformed line is an error here, a refused criterion only when reached.</summary>
    public static SshConfigCondition Match(string value, int line, string text)
    {
        var words = Words(value);
        if (words.Length == 0)
            throw Error(line, text, "Match needs at least one criterion (all, host, originalhost, user, localuser)");
        var criteria = new List<Criterion>();
        for (var i = 0; i < words.Length; i++)
        {
            var negated = words[i].StartsWith('!');
            var name = (negated ? words[i][1..] : words[i]).ToLowerInvariant();
            switch (name)
            {
                case "all":
                    if (words.Length != 1)
                        throw Error(line, text, "'all' cannot be combined with other Match criteria");
                    criteria.Add(new Criterion(negated, name, []));
                    break;
                case "canonical" or "final":
                    criteria.Add(new Criterion(negated, name, []));
                    break;
                case "host" or "originalhost" or "user" or "localuser" or "exec" or "localnetwork" or "tagged":
                    if (i + 1 >= words.Length)
                        throw Error(line, text, $"Match {name} needs a value");
                    criteria.Add(new Criterion(negated, name, words[++i].Split(',')));
                    break;
                default:
                    throw Error(line, text, $"{Quote.Value(words[i])} is not a Match criterion WgAdmin knows (all, host, originalhost, user, localuser)");
            }
        }
        return new SshConfigCondition(null, criteria.ToArray(), line, text);
    }

    /// <summary>Whitespace-separated words, a double-quoted one kept whole without its quotes (exec "test -f x").</summary>
    private static string[] Words(string value)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (var c in value)
        {
            if (c == '"')
            {
                quoted = !quoted;
                any = true;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any)
                    words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else
            {
                word.Append(c);
                any = true;
            }
        }
        if (any)
            words.Add(word.ToString());
        return words.ToArray();
    }

    public bool Applies(Context context)
    {
        if (_criteria is null)
            return SshConfigFile.Matches(HostPatterns!, context.OriginalHost);
        foreach (var criterion in _criteria)
        {
            if (Refused.Contains(criterion.Name))
                throw Error(_line, _text!, $"Match {criterion.Name} is not supported by WgAdmin ({(criterion.Name == "exec" ? "it would run a command for every connection" : "WgAdmin makes one pass over the config")}); move its options to a Host block or a Match host block");
            var matched = criterion.Name switch
            {
                "all" => true,
                "host" => SshConfigFile.Matches(criterion.Patterns, context.Host, ignoreCase: true),
                "originalhost" => SshConfigFile.Matches(criterion.Patterns, context.OriginalHost, ignoreCase: true),
                "user" => SshConfigFile.Matches(criterion.Patterns, context.User),
                _ => SshConfigFile.Matches(criterion.Patterns, context.LocalUser),
            };
            if (matched == criterion.Negated)
                return false; // ssh stops at the first criterion that fails: later ones (an exec) are not evaluated
        }
        return true;
    }

    private static WgException Error(int line, string text, string why) =>
        new(new WgError(WgErrorId.SshConfigError, $"ssh config line {line}: {why}.", line, text));
}

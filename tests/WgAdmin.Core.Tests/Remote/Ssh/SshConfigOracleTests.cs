using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Remote;
using Xunit;

namespace WgAdmin.Core.Tests.Remote;

/// <summary>
/// SshConfigFile and SshTarget against the real OpenSSH client: `ssh -G -F FILE ALIAS` prints the
/// options ssh would use (hostname, user and port resolved and lowercased, identityfile as written,
/// userknownhostsfile expanded); `ssh -vvv` connecting to a local listener that hangs up shows the
/// identity files after ssh's own ~ and %-token expansion.
/// </summary>
public partial class SshConfigOracleTests
{
    private static readonly string[] Aliases =
        ["gw1", "gw2", "gw10", "web1.example.com", "webbad.example.com", "db.lab", "x", "GW1", "Web2.Example.com", "10.0.0.7"];

    private static readonly Gen<string> Pattern = Gen.OneOf(
        "gw1", "gw?", "gw*", "*.example.com", "web*", "!webbad.example.com", "!gw2", "*", "db.*", "GW1", "Web*", "!*.lab", "10.0.0.*", "x");

    private static readonly Gen<string> Keyword = Gen.OneOf("Hostname", "HostName", "HOSTNAME", "User", "user", "Port", "PORT",
        "IdentityFile", "identityfile", "UserKnownHostsFile", "userknownhostsfile");

    private static Gen<string> ValueFor(string keyword) => keyword.ToLowerInvariant() switch
    {
        "hostname" => Gen.OneOf("%h.internal", "real-%h", "Fixed.Example.net", "%h", "10.9.9.9", "Mixed-%h.Lab"),
        "user" => Gen.OneOf("alice", "bob", "carol.d"),
        "port" => Gen.Int[1, 65535].Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        "identityfile" => Gen.OneOf("~/.ssh/id_%h", "~/k1", "/etc/keys/%r", "~/.ssh/%n_key", "%d/k2", "~/k1", "/abs/plain"),
        _ => Gen.OneOf("~/kh_%h", "/tmp/kh_%n %d/kh2", "~/.ssh/kh_%r"),
    };

    private static readonly Gen<string> Separator = Gen.OneOf(" ", "=", " = ", "\t", "  ");

    // ssh takes a '#' that starts a word as the start of a comment, also after a value.
    private static readonly Gen<string> TrailingComment = Gen.OneOf("", "", "", " # note", "\t# two words", " #");

    private static readonly Gen<string> OptionLine = Keyword.SelectMany(k => Gen.Select(Separator, ValueFor(k), Gen.OneOf("", "  ", "\t"), TrailingComment,
        (sep, value, indent, comment) => indent + k + sep + value + comment));

    private static readonly Gen<string> Block = Gen.Select(Pattern.Array[1, 3], OptionLine.Array[0, 4], TrailingComment,
        (patterns, lines, comment) => "Host " + string.Join(' ', patterns) + comment + "\n" + string.Concat(lines.Select(l => l + "\n")));

    private static readonly Gen<string> ConfigText = Gen.Select(OptionLine.Array[0, 2], Block.Array[0, 5], Gen.Bool,
        (global, blocks, comment) => (comment ? "# generated\n" : "") + string.Concat(global.Select(l => l + "\n")) + string.Concat(blocks));

    /// <summary>The account's home as ssh sees it (from the password database, not $HOME).</summary>
    private static string PasswdHome()
    {
        var entry = Tool.Run("getent", ["passwd", Environment.UserName]);
        Assert.True(entry.Ok, $"getent passwd {Environment.UserName} failed");
        return entry.StdOut.Trim().Split(':')[5];
    }

    private sealed record SshView(string HostName, string User, int Port, string[] IdentityFiles, string[] UserKnownHostsFiles);

    private static SshView ParseSshG(string lines)
    {
        string hostName = "", user = "";
        var port = 0;
        var identities = new List<string>();
        var knownHosts = Array.Empty<string>();
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ');
            if (space < 0)
                continue;
            var (key, value) = (line[..space], line[(space + 1)..]);
            switch (key)
            {
                case "hostname": hostName = value; break;
                case "user": user = value; break;
                case "port": port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "identityfile": identities.Add(value); break;
                case "userknownhostsfile": knownHosts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries); break;
            }
        }
        return new SshView(hostName, user, port, identities.ToArray(), knownHosts);
    }

    [SkippableFact]
    public void GeneratedConfigsResolveAsSshGSays()
    {
        RemoteOracle.Require(needsRoot: false, "ssh", "bash", "getent");
        var home = PasswdHome();
        var configs = ConfigText.Array[150].Single();
        using var dir = new SecretTempDir();

        // The defaults ssh lists when a config says nothing.
        dir.Write("empty", "");
        var defaults = ParseSshG(Tool.Run("ssh", ["-G", "-F", Path.Combine(dir.Path, "empty"), "nothing"]).StdOut);
        Assert.NotEmpty(defaults.IdentityFiles);

        // One bash runs ssh -G for every config and alias.
        var script = new StringBuilder("for f in \"$@\"; do for a in " + ShellQuote.Join(Aliases) + "; do\n"
            + "  echo \"@@ $f $a\"; ssh -G -F \"$f\" \"$a\" 2>&1 | grep -E '^(hostname|user|port|identityfile|userknownhostsfile) '; echo \"@@rc ${PIPESTATUS[0]}\"\ndone; done\n");
        var files = new List<string>();
        for (var i = 0; i < configs.Length; i++)
            files.Add(dir.Write($"config{i}", configs[i]));
        var scriptPath = dir.Write("run.sh", script.ToString());
        var run = Tool.Run("bash", [scriptPath, .. files], timeoutSeconds: 300);
        Assert.True(run.Ok, run.StdErr);

        var sections = Regex.Split(run.StdOut, "^@@ ", RegexOptions.Multiline).Where(s => s.Length > 0).ToArray();
        Assert.Equal(configs.Length * Aliases.Length, sections.Length);
        var compared = 0;
        foreach (var section in sections)
        {
            var header = section[..section.IndexOf('\n')].Split(' ');
            var index = int.Parse(Path.GetFileName(header[0])["config".Length..], System.Globalization.CultureInfo.InvariantCulture);
            var alias = header[1];
            var text = configs[index];
            Assert.True(section.Contains("@@rc 0\n", StringComparison.Ordinal), $"ssh -G refused config {index}:\n{text}\n{section}");
            var ssh = ParseSshG(section);
            var context = $"alias {alias}, config:\n{text}\nssh -G:\n{section}";

            var options = SshConfigFile.Parse(text).Resolve(alias);
            var target = SshTarget.Resolve(alias, SshConfigFile.Parse(text), homeDirectory: home);
            Assert.True(ssh.HostName == target.Host, $"hostname: ssh {ssh.HostName}, we {target.Host}; {context}");
            Assert.True(ssh.User == target.User, $"user: ssh {ssh.User}, we {target.User}; {context}");
            Assert.True(ssh.Port == target.Port, $"port: ssh {ssh.Port}, we {target.Port}; {context}");
            // ssh -G prints identity files as written; when none is configured it lists its defaults.
            var expectedIdentities = options.IdentityFiles.Count > 0 ? options.IdentityFiles.ToArray() : defaults.IdentityFiles;
            Assert.True(expectedIdentities.SequenceEqual(ssh.IdentityFiles),
                $"identity files: ssh [{string.Join(", ", ssh.IdentityFiles)}], we [{string.Join(", ", expectedIdentities)}]; {context}");
            // userknownhostsfile is printed expanded; compare it when the config sets it.
            if (target.KnownHostsFiles.Count > 0)
                Assert.True(target.KnownHostsFiles.SequenceEqual(ssh.UserKnownHostsFiles),
                    $"known_hosts files: ssh [{string.Join(", ", ssh.UserKnownHostsFiles)}], we [{string.Join(", ", target.KnownHostsFiles)}]; {context}");
            compared++;
        }
        Assert.Equal(configs.Length * Aliases.Length, compared);
    }

    /// <summary>Wildcard patterns that need the last '*' to give back characters, matched as `ssh -G` matches them.</summary>
    [SkippableTheory]
    [InlineData("*a*a*b", "aaab")]
    [InlineData("*a*a*b", "aab")]
    [InlineData("*a*a*b", "ab")]
    [InlineData("*a*a*b", "abab")]
    [InlineData("a*?b", "ab")]
    [InlineData("a*?b", "axb")]
    [InlineData("**", "x")]
    [InlineData("?*", "x")]
    [InlineData("*?*?", "x")]
    [InlineData("*.*.lab", "a.b.lab")]
    [InlineData("*.*.lab", "a.lab")]
    [InlineData("gw*x", "gwxyx")]
    [InlineData("gw*x", "gwxy")]
    [InlineData("*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void WildcardsMatchAsSshGMatches(string pattern, string alias)
    {
        RemoteOracle.Require(needsRoot: false, "ssh");
        using var dir = new SecretTempDir();
        var text = $"Host {pattern}\n  User hit\n";
        var ssh = ParseSshG(Tool.Run("ssh", ["-G", "-F", dir.Write("config", text), alias]).StdOut);

        Assert.Equal(ssh.User == "hit", SshConfigFile.Parse(text).Resolve(alias).User == "hit");
    }

    public static TheoryData<string, string> ExpansionCases => new()
    {
        { "LocalHost", "IdentityFile ~/.ssh/k_%h_%r_%n_%d_%%\nIdentityFile /tmp/wgadmin-never/plain\n" },
        { "gw-Alias", "HostName LocalHost\nUser bob\nIdentityFile %d/keys/%r@%h\nIdentityFile ~/x%%h\n" },
        { "gw-Alias", "HostName 127.0.0.1\nIdentityFile ~/%n/%h\nIdentityFile ~/%n/%h\nIdentityFile %d\n" },
    };

    /// <summary>
    /// ssh expands IdentityFile only when it connects; a listener that accepts and hangs up lets it
    /// get that far (it loads identity files right after the TCP connect) without any server.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(ExpansionCases))]
    public async Task IdentityFilesExpandAsSshExpandsThem(string alias, string body)
    {
        RemoteOracle.Require(needsRoot: false, "ssh", "getent");
        var home = PasswdHome();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var hangUp = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                    (await listener.AcceptTcpClientAsync(stop.Token)).Dispose();
            }
            catch (OperationCanceledException)
            {
            }
        });
        using var dir = new SecretTempDir();
        var text = $"Host {alias}\n  Port {port}\n" + string.Concat(body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "  " + l + "\n"));
        var file = dir.Write("config", text);

        var run = Tool.Run("ssh", ["-vvv", "-F", file, "-o", "BatchMode=yes", "-o", "AddressFamily=inet", "-o", "ConnectTimeout=10",
            "-o", "StrictHostKeyChecking=yes", "-o", "GlobalKnownHostsFile=/dev/null", alias, "true"], timeoutSeconds: 30);
        stop.Cancel();
        listener.Stop();
        await hangUp;

        var loaded = new List<string>();
        foreach (Match m in IdentityLine().Matches(run.StdErr))
        {
            var path = m.Groups[1].Value;
            if (loaded.Count > 0 && path == loaded[^1] + "-cert")
                continue;
            loaded.Add(path);
        }
        Assert.True(loaded.Count > 0, $"ssh printed no identity file:\n{run.StdErr}");
        var target = SshTarget.Resolve(alias, SshConfigFile.Parse(text), homeDirectory: home);
        Assert.Equal(loaded, target.IdentityFiles);
    }

    [GeneratedRegex(@"^debug1: identity file (.*) type -?\d+\r?$", RegexOptions.Multiline)]
    private static partial Regex IdentityLine();
}

using System.Globalization;
using System.Net;
using WgAdmin.Keys;

namespace WgAdmin.Remote;

/// <summary>
/// The rotation changes (rotate.sh), each one all-or-nothing change of the interface
/// (<see cref="ChangeScript"/>: locked, snapshotted, restored when a step fails). Keys travel as
/// script values on standard input only: preshared keys and a key made here go into files and
/// pipes on the gateway, never into a process's arguments; a key made on the gateway stays there.
/// </summary>
public static class RotationScript
{
    public const string Library = "rotate.sh";

    /// <summary>How long a far end waits for the new key's first handshake before its move fails (and is rolled back).</summary>
    public static readonly TimeSpan HandshakeWait = TimeSpan.FromSeconds(30);

    /// <summary>New preshared keys for the listed peers, in the file and live (`wg set ... preshared-key`, no restart).</summary>
    public static RemoteOperation<RotationChange> PresharedKeys(string computerName, string interfaceName, IEnumerable<PresharedKeyPeer> peers, ChangeOptions options)
    {
        var map = string.Join('\n', peers.Select(p => $"{p.PublicKey} {p.Key.Reveal()}"));
        return Operation(computerName, "set the new preshared keys", interfaceName, options, new ScriptValues().Set("psk_map", map),
            "set_preshared_keys \"$name\" \"$conf\" \"$psk_map\"");
    }

    /// <summary>The next key: kept when the gateway has one (a rerun), else <paramref name="local"/> (made here) or made on the gateway.</summary>
    public static RemoteOperation<RotationChange> PrepareKey(string computerName, string interfaceName, WgPrivateKey? local, ChangeOptions options) =>
        Operation(computerName, "make the next key", interfaceName, options, new ScriptValues().Set("local_key", local?.Reveal() ?? ""),
            "if ! has wg; then report_error not-installed \"wg is not installed\"; fi\nprepare_next_key \"$next_key_file\" \"$local_key\"");

    /// <summary>Each new key staged beside its old one on a far end: in the file, then live (wg syncconf), without AllowedIPs.</summary>
    public static RemoteOperation<RotationChange> Stage(string computerName, string interfaceName, IEnumerable<(WgPublicKey Old, WgPublicKey New)> pairs, ChangeOptions options) =>
        Operation(computerName, "stage the new public keys", interfaceName, options,
            new ScriptValues().Set("stage_pairs", string.Join('\n', pairs.Select(p => $"{p.Old} {p.New}"))),
            "stage_peers \"$name\" \"$conf\" \"$stage_pairs\"");

    /// <summary>The near end switched to its next key: config, key file, live; a packet to each of <paramref name="ping"/> starts the new handshakes.</summary>
    public static RemoteOperation<RotationChange> Switch(string computerName, string interfaceName, IEnumerable<IPAddress> ping, ChangeOptions options) =>
        Operation(computerName, "switch to the next key", interfaceName, options,
            new ScriptValues().Set("ping_addresses", string.Join('\n', ping.Select(a => a.ToString()))),
            "switch_key \"$name\" \"$conf\" \"$key_file\" \"$next_key_file\" \"$ping_addresses\"");

    /// <summary>A far end's AllowedIPs moved from the old key to the new and the old entry removed (one `wg set`), after the new key's first handshake when <paramref name="wait"/> is given.</summary>
    public static RemoteOperation<RotationChange> Move(string computerName, string interfaceName, WgPublicKey oldKey, WgPublicKey newKey, TimeSpan? wait, ChangeOptions options) =>
        Operation(computerName, "move the AllowedIPs to the new key", interfaceName, options,
            new ScriptValues().Set("old_key", oldKey.ToString()).Set("new_key", newKey.ToString()).Set("wait_seconds", wait is { } w ? ChangeScript.Seconds(w) : 0),
            "move_peer \"$name\" \"$conf\" \"$old_key\" \"$new_key\" \"$wait_seconds\"")
        with { Timeout = options.LockTimeout + (wait ?? TimeSpan.Zero) + TimeSpan.FromMinutes(2) };

    /// <summary>The whole script of one change: lib.sh, change.sh, apply.sh, rotate.sh, the interface's paths and the values, then the one step.</summary>
    public static string Script(string interfaceName, ChangeOptions options, ScriptValues values, string action, string step) =>
        ChangeScript.Compose(ChangeScope.Interface(interfaceName), options, HostPaths.For(interfaceName).Set(values), [(action, step)], "apply.sh", Library);

    private static RemoteOperation<RotationChange> Operation(string computerName, string description, string interfaceName, ChangeOptions options, ScriptValues values, string step) =>
        new(description, Script(interfaceName, options, values, Action(description), step), output => Parse(computerName, description, output))
        {
            Timeout = options.LockTimeout + TimeSpan.FromMinutes(2),
        };

    private static string Action(string description) =>
        string.Concat(description.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>Runs one rotation change; a change that did not finish gives a result with its error (and whether the gateway was put back), not an exception.</summary>
    public static RotationChange Execute(SshConnection connection, RemoteOperation<RotationChange> operation, CancellationToken cancellation = default)
    {
        var name = connection.Target.ComputerName;
        ScriptOutput output;
        try
        {
            output = RemoteRunner.Run(connection, operation.Script, operation.Timeout, cancellation);
        }
        catch (WgException ex)
        {
            return new RotationChange { ComputerName = name, Description = operation.Description, Error = ex.Message, ErrorId = ex.ErrorId };
        }
        if (!output.Complete)
        {
            var outcome = ChangeScript.Outcome(output);
            var failure = outcome.Error(RemoteRunner.Failure(name, $"'{operation.Description}'", output).Errors[0], "gateway");
            return new RotationChange { ComputerName = name, Description = operation.Description, Error = failure.Message, ErrorId = failure.ErrorId, RolledBack = outcome.RolledBack };
        }
        return RemoteRunner.Parse(name, operation, output);
    }

    /// <summary>The change's result from its output: the public key it printed, the times of the switch and the move.</summary>
    public static RotationChange Parse(string computerName, string description, ScriptOutput output)
    {
        var lines = output.Sections.Where(s => s.Name is "" or "step").SelectMany(s => s.Lines).Select(l => l.Trim()).ToList();
        string? Value(string key) => lines.LastOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
        var key = Value("nextkey") ?? Value("pubkey");
        return new RotationChange
        {
            ComputerName = computerName,
            Description = description,
            PublicKey = key is not null && WgPublicKey.TryParse(key, out var publicKey) ? publicKey : null,
            Generated = Value("generated") == "yes",
            SwitchedAt = Time(Value("switched")),
            MovedAt = Time(Value("moved")?.Split(' ')[0]),
            PendingUntil = ChangeScript.Outcome(output).PendingUntil,
        };
    }

    /// <summary>`date +%s.%N` as a time; null for anything else.</summary>
    public static DateTimeOffset? Time(string? text)
    {
        if (text is null || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799m)
            return null;
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000m));
    }
}

using System.Security.Cryptography;
using System.Text;

namespace WgAdmin.Remote;

/// <summary>What the known_hosts files say about a host's key.</summary>
public enum HostKeyVerdict
{
    Trusted,
    Unknown,
    Changed,
    Revoked,
    /// <summary>A host certificate from a CA trusted for the host that ssh would refuse (expired, for another name, not a host certificate).</summary>
    CertificateInvalid,
}

/// <summary>
/// OpenSSH known_hosts files: plain and hashed (|1|salt|hash) host names, "[host]:port" for
/// other ports, comma-separated names, negated names, the @revoked marker, and @cert-authority
/// lines that trust a CA's host certificates for the hosts they name. Keys are compared
/// by their wire blob, so an RSA key matches whichever signature algorithm was negotiated. A line
/// ssh would skip (another marker, a type field that is not its key's) is skipped here too.
/// </summary>
public sealed class KnownHosts
{
    private readonly List<Entry> _entries = new();

    private sealed record Entry(string Marker, string[] Names, string KeyType, byte[] KeyBlob, string File, int Line);

    public static KnownHosts Load(IEnumerable<string> files)
    {
        var store = new KnownHosts();
        foreach (var file in files.Where(File.Exists))
        {
            var lineNumber = 0;
            foreach (var rawLine in File.ReadLines(file))
            {
                lineNumber++;
                var line = rawLine.Trim();
                if (line.Length == 0 || line.StartsWith('#'))
                    continue;
                // A mistyped marker ("@Revoked", "@foo") must not make a revocation a trust anchor: ssh skips the line.
                if (!TryTakeMarker(ref line, out var marker))
                    continue;
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 3)
                    continue; // malformed lines are skipped as ssh does
                byte[] blob;
                try
                {
                    blob = Convert.FromBase64String(fields[2]);
                }
                catch (FormatException)
                {
                    continue; // OpenSSH skips a line whose key does not decode; so do we.
                }
                // Nor does ssh read a line whose type field is not its key's type.
                if (TypeFieldMatches(fields[1], blob))
                    store._entries.Add(new Entry(marker, fields[0].Split(','), fields[1], blob, file, lineNumber));
            }
        }
        return store;
    }

    private const string Revoked = "@revoked";
    private const string CertAuthority = "@cert-authority";

    /// <summary>
    /// Takes the marker off the front of a line as OpenSSH's check_markers does: none, or exactly
    /// one of "@revoked" and "@cert-authority" (case matters), ended by the line's first space, or
    /// its first tab when it has no space. False for any other marker: ssh skips that line.
    /// </summary>
    private static bool TryTakeMarker(ref string line, out string marker)
    {
        marker = "";
        if (!line.StartsWith('@'))
            return true;
        var end = line.IndexOf(' ');
        if (end < 0)
            end = line.IndexOf('\t');
        if (end < 0)
            return false;
        marker = line[..end];
        line = line[end..].TrimStart(' ', '\t');
        return marker is Revoked or CertAuthority && !line.StartsWith('@');
    }

    /// <summary>
    /// Whether a line's key type field names its key blob's type, as OpenSSH's sshkey_read
    /// requires; "rsa-sha2-256" and "rsa-sha2-512" name an "ssh-rsa" key to it too.
    /// </summary>
    private static bool TypeFieldMatches(string typeField, byte[] blob)
    {
        var type = KeyTypeOf(blob);
        return type.Length > 0 && (typeField == type || (type == "ssh-rsa" && typeField is "rsa-sha2-256" or "rsa-sha2-512"));
    }

    /// <summary>Judges a presented key; <paramref name="knownFingerprints"/> lists what is on file for the host when the key differs.</summary>
    public HostKeyVerdict Check(string knownHostsName, byte[] keyBlob, out IReadOnlyList<string> knownFingerprints)
    {
        var presentedType = KeyTypeOf(keyBlob);
        var others = new List<string>();
        var trusted = false;
        foreach (var entry in _entries)
        {
            if (entry.Marker == CertAuthority || !NameMatches(entry.Names, knownHostsName))
                continue;
            var same = entry.KeyBlob.AsSpan().SequenceEqual(keyBlob);
            if (entry.Marker == Revoked)
            {
                if (same)
                {
                    knownFingerprints = Array.Empty<string>();
                    return HostKeyVerdict.Revoked;
                }
                continue;
            }
            if (same)
                trusted = true;
            else if (KeyTypeOf(entry.KeyBlob) == presentedType)
                others.Add($"{Fingerprint(entry.KeyBlob)} ({entry.File}:{entry.Line})");
        }
        knownFingerprints = others;
        if (trusted)
            return HostKeyVerdict.Trusted;
        return others.Count > 0 ? HostKeyVerdict.Changed : HostKeyVerdict.Unknown;
    }

    /// <summary>The key types on file for a host, so the client can ask the server for those first, as ssh does.</summary>
    public IReadOnlyList<string> KeyTypesFor(string knownHostsName) =>
        _entries.Where(e => e.Marker == "" && NameMatches(e.Names, knownHostsName)).Select(e => e.KeyType).Distinct().ToArray();

    /// <summary>True when an @cert-authority line names the host: then the client asks for a host certificate first, as ssh does.</summary>
    public bool HasCertificateAuthorityFor(string knownHostsName) =>
        _entries.Any(e => e.Marker == CertAuthority && NameMatches(e.Names, knownHostsName));

    /// <summary>
    /// Judges a host certificate as ssh does (sshconnect.c check_host_key): revoked when its CA or
    /// the certified key is @revoked for the host; when an @cert-authority line for the host holds
    /// its CA, trusted if the certificate is a host certificate for <paramref name="hostName"/>
    /// (the name connected to, without the port) valid at <paramref name="now"/>, else
    /// <see cref="HostKeyVerdict.CertificateInvalid"/>; with no such CA the certified key is judged
    /// as a plain key. <paramref name="problem"/> says why it is not trusted.
    /// </summary>
    public HostKeyVerdict CheckCertificate(string knownHostsName, string hostName, SshCertificate certificate, DateTimeOffset now,
        out IReadOnlyList<string> knownFingerprints, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var ca = Fingerprint(certificate.CaKey);
        bool Holds(Entry e, string marker) => e.Marker == marker && NameMatches(e.Names, knownHostsName) && e.KeyBlob.AsSpan().SequenceEqual(certificate.CaKey);
        if (_entries.Any(e => Holds(e, Revoked)))
        {
            knownFingerprints = Array.Empty<string>();
            problem = $"its certificate is signed by the CA {ca}, which known_hosts marks @revoked";
            return HostKeyVerdict.Revoked;
        }
        var plain = Check(knownHostsName, certificate.PlainKey, out knownFingerprints);
        if (plain == HostKeyVerdict.Revoked)
        {
            problem = null;
            return plain;
        }
        if (_entries.Any(e => Holds(e, CertAuthority)))
        {
            knownFingerprints = Array.Empty<string>();
            problem = certificate.Problem(hostName, now) is { } why ? $"its certificate from the trusted CA {ca} is refused: {why}" : null;
            return problem is null ? HostKeyVerdict.Trusted : HostKeyVerdict.CertificateInvalid;
        }
        problem = plain == HostKeyVerdict.Trusted ? null : $"its certificate is signed by the CA {ca}, which no @cert-authority line trusts for {knownHostsName}";
        return plain;
    }

    private static readonly object AppendLock = new();

    /// <summary>
    /// Appends "name type base64" to a known_hosts file (created 0600 when new), as ssh's accept-new
    /// does; with <paramref name="hashName"/> (ssh_config HashKnownHosts) the name is written hashed.
    /// </summary>
    public static void Append(string file, string knownHostsName, byte[] keyBlob, bool hashName = false)
    {
        // Parallel connections (New-WgSession a,b,c -HostKeyPolicy AcceptNew) append to one file.
        lock (AppendLock)
            AppendUnlocked(file, hashName ? HashedName(knownHostsName) : knownHostsName, keyBlob);
    }

    /// <summary>"|1|salt|hash": the HMAC-SHA1 of the name keyed by a fresh 20-byte salt, both base64, as ssh writes a hashed name.</summary>
    public static string HashedName(string knownHostsName)
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        return $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(NameHash(salt, knownHostsName))}";
    }

    /// <summary>What a hashed name holds: HMAC-SHA1 of the name, keyed by its salt.</summary>
    private static byte[] NameHash(byte[] salt, string knownHostsName) => HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes(knownHostsName));

    private static void AppendUnlocked(string file, string knownHostsName, byte[] keyBlob)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (directory is not null && !Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var line = $"{knownHostsName} {KeyTypeOf(keyBlob)} {Convert.ToBase64String(keyBlob)}\n";
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows() && !File.Exists(file))
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(file, options);
        // Start on a new line if the file does not end with one.
        if (stream.Length > 0 && !EndsWithNewline(file))
            stream.WriteByte((byte)'\n');
        stream.Write(Encoding.ASCII.GetBytes(line));
    }

    /// <summary>"SHA256:" and the unpadded base64 of the key blob's SHA-256, as ssh-keygen -l prints it.</summary>
    public static string Fingerprint(byte[] keyBlob) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(keyBlob)).TrimEnd('=');

    /// <summary>The key type named inside an SSH public key blob (a length-prefixed string).</summary>
    public static string KeyTypeOf(byte[] keyBlob)
    {
        if (keyBlob.Length < 4)
            return "";
        var length = (keyBlob[0] << 24) | (keyBlob[1] << 16) | (keyBlob[2] << 8) | keyBlob[3];
        return length > 0 && length <= keyBlob.Length - 4 ? Encoding.ASCII.GetString(keyBlob, 4, length) : "";
    }

    private static bool EndsWithNewline(string file)
    {
        using var read = File.OpenRead(file);
        if (read.Length == 0)
            return true;
        read.Seek(-1, SeekOrigin.End);
        return read.ReadByte() == '\n';
    }

    private static bool NameMatches(string[] names, string knownHostsName)
    {
        var matched = false;
        foreach (var name in names)
        {
            if (name.StartsWith("|1|", StringComparison.Ordinal))
            {
                if (HashedMatches(name, knownHostsName))
                    matched = true;
            }
            else if (name.StartsWith('!'))
            {
                if (SshConfigFile.Matches(new[] { name[1..] }, knownHostsName, ignoreCase: true))
                    return false;
            }
            else if (SshConfigFile.Matches(new[] { name }, knownHostsName, ignoreCase: true))
            {
                matched = true;
            }
        }
        return matched;
    }

    private static bool HashedMatches(string hashed, string knownHostsName)
    {
        var parts = hashed.Split('|');
        if (parts.Length != 4)
            return false;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            var actual = NameHash(salt, knownHostsName);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

using System.Collections;
using System.Management.Automation;
using WgAdmin.Remote;

namespace WgAdmin.Commands;

/// <summary>
/// The one path from the connection parameters (-UserName, -Port, -KeyFilePath, -Credential,
/// -SshConfigPath, -KnownHostsPath, -HostKeyPolicy, -ConnectTimeoutSeconds, -JumpHost) to the core's
/// <see cref="SshConnectionSettings"/>. A host cmdlet gives its bound parameters, a completer the
/// fakeBoundParameters of the line typed so far; each resolves paths the way the cmdlet would
/// (relative to the current location, ~ expanded).
/// </summary>
internal static class SshParameters
{
    public const int DefaultConnectTimeoutSeconds = 15;

    public static SshConnectionSettings Settings(IDictionary bound, Func<string, string> resolvePath)
    {
        var keyFile = BoundValues.String(bound, nameof(WgHostCmdlet.KeyFilePath));
        var sshConfig = BoundValues.String(bound, nameof(WgHostCmdlet.SshConfigPath));
        return new SshConnectionSettings
        {
            UserName = BoundValues.String(bound, nameof(WgHostCmdlet.UserName)),
            Port = BoundValues.Value<int>(bound, nameof(WgHostCmdlet.Port)),
            KeyFilePath = keyFile is null ? null : resolvePath(keyFile),
            Password = bound.Contains(nameof(WgHostCmdlet.Credential)) && LanguagePrimitives.TryConvertTo<PSCredential>(bound[nameof(WgHostCmdlet.Credential)], out var credential)
                ? credential?.GetNetworkCredential().Password
                : null,
            SshConfigPath = sshConfig is null ? null : resolvePath(sshConfig),
            KnownHostsPaths = BoundValues.Strings(bound, nameof(WgHostCmdlet.KnownHostsPath)).Select(resolvePath).ToArray(),
            HostKeyPolicy = BoundValues.Value<HostKeyPolicy>(bound, nameof(WgHostCmdlet.HostKeyPolicy)) ?? HostKeyPolicy.Strict,
            // Not given: the ssh config's ConnectTimeout for the host, else the default.
            ConnectTimeout = BoundValues.Value<int>(bound, nameof(WgHostCmdlet.ConnectTimeoutSeconds)) is int seconds ? TimeSpan.FromSeconds(seconds) : null,
            JumpHost = BoundValues.Strings(bound, nameof(WgHostCmdlet.JumpHost)) is { Length: > 0 } hops ? string.Join(",", hops) : null,
        };
    }
}

namespace WgAdmin.Remote;

public enum HostKeyPolicy
{
    /// <summary>Only hosts whose key is in a known_hosts file (OpenSSH's StrictHostKeyChecking yes).</summary>
    Strict,
    /// <summary>Record the key of a host never seen before; still refuse a changed key (OpenSSH's accept-new).</summary>
    AcceptNew,
}

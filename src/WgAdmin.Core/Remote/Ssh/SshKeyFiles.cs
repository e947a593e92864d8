using Renci.SshNet;
using Renci.SshNet.Common;

namespace WgAdmin.Remote;

/// <summary>Questions about SSH private key files, asked before connecting.</summary>
public static class SshKeyFiles
{
    /// <summary>True when the file holds a key that cannot be read without a passphrase.</summary>
    public static bool NeedsPassphrase(string path)
    {
        if (!File.Exists(path))
            return false;
        try
        {
            using var key = new PrivateKeyFile(path);
            return false;
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            return true;
        }
        catch (SshException)
        {
            return false; // not a key SSH.NET reads; connecting reports that
        }
    }
}

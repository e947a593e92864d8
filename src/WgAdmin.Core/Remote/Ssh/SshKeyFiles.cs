using Renci.SshNet;
using Renci.SshNet.Common;

namespace WgAdmin.Remote;

/// <summary>Questions about SSH private key files, asked before connecting.</summary>
public static class SshKeyFiles
{
    /// <summary>
    /// The key file whose passphrase must be asked for before connecting, or null: only the file the
    /// admin named (-KeyFilePath), only when it is encrypted, no passphrase was given and no agent
    /// the connection would use holds its key (a key in the agent needs no passphrase).
    /// </summary>
    public static string? PassphraseToAsk(SshConnectOptions options)
    {
        if (!options.KeyFileNamed || !string.IsNullOrEmpty(options.KeyPassphrase) || options.KeyFiles.Count == 0)
            return null;
        var file = options.KeyFiles[0];
        return NeedsPassphrase(file) && !SshAuthentication.AgentHolds(options.AgentSocket, file) ? file : null;
    }

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

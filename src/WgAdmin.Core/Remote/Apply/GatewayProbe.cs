using WgAdmin.Config;

namespace WgAdmin.Remote;

/// <summary>
/// Reads a gateway's state for one interface in a single remote command (gateway-probe.sh). Nothing
/// secret leaves the gateway: the private key is reduced to its public key there, preshared keys to
/// "(set)", and key lines are cut from the config text.
/// </summary>
public static class GatewayProbe
{
    public static RemoteOperation<GatewayState> Operation(string interfaceName) =>
        new("reading the gateway's state", Script(interfaceName), output => Parse(output.Sections));

    /// <summary>The probe of <paramref name="interfaceName"/>; <paramref name="managedFiles"/> (WgAdmin's files of it, by default) are hashed.</summary>
    public static string Script(string interfaceName, IEnumerable<string>? managedFiles = null) =>
        RemoteScript.Compose("gateway-probe.sh",
            HostPaths.For(interfaceName).Set("managed_files", string.Join('\n', managedFiles ?? HostPaths.Managed(interfaceName))), "facts.sh");

    public static GatewayState Parse(string output) => Parse(SectionReader.Read(output));

    public static GatewayState Parse(IReadOnlyList<ScriptSection> sections)
    {
        var state = new GatewayState();
        foreach (var section in sections)
        {
            if (state.ReadFact(section))
                continue;
            switch (section.Name)
            {
                case "os":
                    foreach (var line in section.Items)
                        if (line.IndexOf('=') is > 0 and var equals)
                            state.OsRelease[line[..equals]] = line[(equals + 1)..].Trim('"');
                    break;
                case "host":
                    state.IsRoot = section.Value("root") == "yes";
                    state.IptablesIsNft = section.Value("iptables_nft") == "yes";
                    state.IptablesForwardDrop = section.Value("iptables_forward_drop") == "yes";
                    break;
                case "ufw":
                    state.UfwRules = section.Items.Where(l => l.StartsWith("ufw ", StringComparison.Ordinal)).ToList();
                    state.UfwManagesBuiltins = section.Value("manage_builtins") == "yes";
                    break;
                case "firewalld" when section.Argument(0) == "runtime":
                    state.FirewalldRuntime = FirewalldZone.Parse(section.Lines);
                    break;
                case "firewalld-route":
                    state.FirewalldRouteInterface = section.Items.FirstOrDefault(WgAdmin.Config.WgValues.IsValidInterfaceName);
                    break;
                case "firewalld" when section.Argument(0) == "permanent":
                    state.FirewalldPermanent = FirewalldZone.Parse(section.Lines);
                    break;
                case "confmeta":
                    state.ConfigExists = true;
                    state.ConfigMode = section.Value("mode");
                    state.ConfigHash = section.Value("hash");
                    state.ConfigPublicKey = section.Value("pubkey") is { Length: > 0 } key ? key : null;
                    break;
                case "keyfile":
                    state.KeyFilePublicKey = section.Items.FirstOrDefault();
                    break;
                case "nextkey":
                    state.NextKeyPublicKey = section.Items.FirstOrDefault();
                    break;
                case "reresolve":
                    state.ReresolveTimerEnabled = section.Value("enabled") == "enabled";
                    state.ReresolveTimerActive = section.Value("active") == "active";
                    break;
                case "managed":
                    foreach (var line in section.Lines)
                        if (line.IndexOf(' ') is > 0 and var space)
                            state.ManagedFileHashes[line[(space + 1)..]] = line[..space];
                    break;
            }
        }
        if (state.ConfigText is not null)
        {
            try
            {
                state.Config = WgConfigParser.Parse(state.ConfigText);
            }
            catch (WgException ex)
            {
                state.ConfigParseError = ex.Message;
            }
        }
        return state;
    }
}

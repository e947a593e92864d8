namespace WgAdmin.Net;

/// <summary>
/// A peer whose endpoint lies inside its own AllowedIPs: wg-quick routes those prefixes into the
/// tunnel, so the encapsulated packets to the endpoint go back into the tunnel and loop, unless a
/// more specific route keeps them off it. A /0 is left out: wg-quick keeps a default route's
/// endpoint outside the tunnel with a firewall mark.
/// </summary>
public static class EndpointLoop
{
    /// <summary>The first prefix of <paramref name="allowedIPs"/> that holds <paramref name="endpoint"/>'s address, if it is an address.</summary>
    public static WgPrefix? Find(WgEndpoint? endpoint, IEnumerable<WgPrefix> allowedIPs)
    {
        ArgumentNullException.ThrowIfNull(allowedIPs);
        if (endpoint?.Address is not { } address)
            return null;
        foreach (var prefix in allowedIPs)
        {
            if (prefix.Length > 0 && prefix.Contains(address))
                return prefix;
        }
        return null;
    }
}

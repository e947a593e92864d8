using System.Net;
using WgAdmin.Model;
using WgAdmin.Net;
using Xunit.Sdk;

namespace WgAdmin.Core.Tests.Support;

/// <summary>
/// Deep comparison of interfaces and peers, property by property (peers in order), listing every
/// difference. Keys are compared by value but never printed: a difference names the property only.
/// </summary>
internal static class Structural
{
    /// <summary>The properties compared; a test checks these are all the public ones, so a new property cannot be forgotten.</summary>
    public static readonly string[] InterfaceProperties =
    [
        nameof(WgInterface.Name), nameof(WgInterface.PrivateKey), nameof(WgInterface.PublicKey), nameof(WgInterface.ListenPort),
        nameof(WgInterface.FwMark), nameof(WgInterface.Address), nameof(WgInterface.Dns), nameof(WgInterface.DnsSearch),
        nameof(WgInterface.Mtu), nameof(WgInterface.Table), nameof(WgInterface.PreUp), nameof(WgInterface.PostUp),
        nameof(WgInterface.PreDown), nameof(WgInterface.PostDown), nameof(WgInterface.SaveConfig), nameof(WgInterface.Peers),
        nameof(WgInterface.ComputerName), nameof(WgInterface.PrefixMappings),
    ];

    public static readonly string[] PeerProperties =
    [
        nameof(WgPeer.PublicKey), nameof(WgPeer.PresharedKey), nameof(WgPeer.Endpoint), nameof(WgPeer.AllowedIPs),
        nameof(WgPeer.PersistentKeepalive), nameof(WgPeer.Name), nameof(WgPeer.Description), nameof(WgPeer.HasPresharedKey),
    ];

    public static void AssertEqual(WgInterface expected, WgInterface actual)
    {
        var differences = Differences(expected, actual);
        if (differences.Count > 0)
            throw new XunitException("Interfaces differ:\n  " + string.Join("\n  ", differences));
    }

    public static List<string> Differences(WgInterface expected, WgInterface actual)
    {
        var d = new List<string>();
        Text(d, "Name", expected.Name, actual.Name);
        Secret(d, "PrivateKey", expected.PrivateKey, actual.PrivateKey);
        Value(d, "PublicKey", expected.PublicKey, actual.PublicKey);
        Value(d, "ListenPort", expected.ListenPort, actual.ListenPort);
        Value(d, "FwMark", expected.FwMark, actual.FwMark);
        Prefixes(d, "Address", expected.Address, actual.Address);
        Sequence(d, "Dns", expected.Dns, actual.Dns, SameAddress, a => a.ToString());
        Sequence(d, "DnsSearch", expected.DnsSearch, actual.DnsSearch, string.Equals, s => Show(s));
        Value(d, "Mtu", expected.Mtu, actual.Mtu);
        Text(d, "Table", expected.Table, actual.Table);
        Sequence(d, "PreUp", expected.PreUp, actual.PreUp, string.Equals, s => Show(s));
        Sequence(d, "PostUp", expected.PostUp, actual.PostUp, string.Equals, s => Show(s));
        Sequence(d, "PreDown", expected.PreDown, actual.PreDown, string.Equals, s => Show(s));
        Sequence(d, "PostDown", expected.PostDown, actual.PostDown, string.Equals, s => Show(s));
        Value(d, "SaveConfig", expected.SaveConfig, actual.SaveConfig);
        Text(d, "ComputerName", expected.ComputerName, actual.ComputerName); // not in the file: generated models leave it null
        Sequence(d, "PrefixMappings", expected.PrefixMappings, actual.PrefixMappings, (a, b) => a == b, m => m.ToString()); // not in the file either
        if (expected.Peers.Length != actual.Peers.Length)
            d.Add($"Peers: {expected.Peers.Length} expected, {actual.Peers.Length} found");
        for (var i = 0; i < Math.Min(expected.Peers.Length, actual.Peers.Length); i++)
            d.AddRange(PeerDifferences(expected.Peers[i], actual.Peers[i]).Select(x => $"Peers[{i}].{x}"));
        return d;
    }

    public static List<string> PeerDifferences(WgPeer expected, WgPeer actual)
    {
        var d = new List<string>();
        Value(d, "PublicKey", expected.PublicKey, actual.PublicKey);
        Secret(d, "PresharedKey", expected.PresharedKey, actual.PresharedKey);
        // Ordinal, not WgEndpoint.Equals (which ignores the case of a host name): the text must survive as written.
        if (!(expected.Endpoint is null && actual.Endpoint is null)
            && (expected.Endpoint is null || actual.Endpoint is null
                || !string.Equals(expected.Endpoint.Host, actual.Endpoint.Host, StringComparison.Ordinal)
                || expected.Endpoint.Port != actual.Endpoint.Port))
            d.Add($"Endpoint: {Show(expected.Endpoint?.ToString())} expected, {Show(actual.Endpoint?.ToString())} found");
        Prefixes(d, "AllowedIPs", expected.AllowedIPs, actual.AllowedIPs);
        Value(d, "PersistentKeepalive", expected.PersistentKeepalive, actual.PersistentKeepalive);
        Text(d, "Name", expected.Name, actual.Name);
        Text(d, "Description", expected.Description, actual.Description);
        Value(d, "HasPresharedKey", expected.HasPresharedKey, actual.HasPresharedKey);
        return d;
    }

    /// <summary>Same address, family and scope: IPAddress.Equals, spelled out so an IPv4-mapped IPv6 never equals its IPv4.</summary>
    public static bool SameAddress(IPAddress? a, IPAddress? b) =>
        a is null ? b is null : b is not null && a.AddressFamily == b.AddressFamily && a.Equals(b);

    private static void Prefixes(List<string> d, string name, WgPrefix[] expected, WgPrefix[] actual) =>
        Sequence(d, name, expected, actual, (a, b) => a.Length == b.Length && SameAddress(a.Address, b.Address), p => p.ToString());

    private static void Sequence<T>(List<string> d, string name, T[] expected, T[] actual, Func<T, T, bool> same, Func<T, string> show)
    {
        if (expected.Length != actual.Length || expected.Where((e, i) => !same(e, actual[i])).Any())
            d.Add($"{name}: [{string.Join(", ", expected.Select(show))}] expected, [{string.Join(", ", actual.Select(show))}] found");
    }

    private static void Text(List<string> d, string name, string? expected, string? actual)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
            d.Add($"{name}: {Show(expected)} expected, {Show(actual)} found");
    }

    private static void Value<T>(List<string> d, string name, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            d.Add($"{name}: {Show(expected?.ToString())} expected, {Show(actual?.ToString())} found");
    }

    private static void Secret<T>(List<string> d, string name, T? expected, T? actual) where T : class
    {
        if (expected is null != actual is null)
            d.Add($"{name}: {(expected is null ? "none" : "a key")} expected, {(actual is null ? "none" : "a key")} found");
        else if (expected is not null && !expected.Equals(actual))
            d.Add($"{name}: the keys differ (values not shown)");
    }

    /// <summary>A string shown with its control characters escaped, so a difference in them is visible.</summary>
    public static string Show(string? text) =>
        text is null ? "null" : "\"" + string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) + "\"";
}

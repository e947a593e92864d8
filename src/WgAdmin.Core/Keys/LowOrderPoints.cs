namespace WgAdmin.Keys;

/// <summary>
/// The Curve25519 points of small order (libsodium's blocklist): 0, 1, the two points of order
/// 8, and p-1, p, p+1, each also with the top bit set, which X25519 ignores. Any private key
/// times such a point is a fixed value, so a peer with one as its key can never complete a
/// handshake; `wg` takes them silently, as wireguard-windows does not.
/// </summary>
internal static class LowOrderPoints
{
    private static readonly byte[][] Points =
    [
        Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000000"),
        Convert.FromHexString("0100000000000000000000000000000000000000000000000000000000000000"),
        Convert.FromHexString("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"),
        Convert.FromHexString("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"),
        Convert.FromHexString("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        Convert.FromHexString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
        Convert.FromHexString("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    ];

    public static bool Contains(ReadOnlySpan<byte> key)
    {
        foreach (var point in Points)
        {
            // The last byte without its top bit: X25519 masks it off, so both spellings are the same point.
            if (key[..31].SequenceEqual(point.AsSpan(0, 31)) && (key[31] & 0x7f) == point[31])
                return true;
        }
        return false;
    }
}

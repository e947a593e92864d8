using System.Buffers.Text;

namespace WgAdmin.Keys;

/// <summary>
/// The base64 form `wg` reads and writes: exactly 44 characters of the standard alphabet,
/// one '=' of padding, and canonical trailing bits (wg rejects a non-zero remainder although
/// .NET's decoder would accept it).
/// </summary>
internal static class KeyEncoding
{
    public const int KeyLength = 32;
    public const int Base64Length = 44;

    public static bool TryDecode(string? text, out byte[] key, out string problem)
    {
        key = Array.Empty<byte>();
        if (text is null || text.Length == 0)
        {
            problem = "it is empty";
            return false;
        }
        if (text.Length != Base64Length)
        {
            problem = $"it is {text.Length} characters long; a key is {Base64Length} base64 characters ending in '='";
            return false;
        }
        for (var i = 0; i < Base64Length - 1; i++)
        {
            if (!IsBase64Char(text[i]))
            {
                problem = $"character {i + 1} is not in the base64 alphabet (A-Z, a-z, 0-9, '+', '/')";
                return false;
            }
        }
        if (text[Base64Length - 1] != '=')
        {
            problem = "it does not end in '=' as a 32-byte key does";
            return false;
        }
        // The 44th-but-one character carries 2 unused bits; wg requires them to be zero. Checked
        // before decoding, because the decoder refuses such text too, with no reason to give.
        if ((DecodeChar(text[Base64Length - 2]) & 0x3) != 0)
        {
            problem = "its last character has non-zero padding bits (not canonical base64, which wg rejects)";
            return false;
        }
        var decoded = new byte[KeyLength];
        if (Base64.DecodeFromUtf8(System.Text.Encoding.ASCII.GetBytes(text), decoded, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != KeyLength)
        {
            problem = "it does not decode to 32 bytes";
            return false;
        }
        key = decoded;
        problem = "";
        return true;
    }

    public static string Encode(ReadOnlySpan<byte> key) => Convert.ToBase64String(key);

    private static bool IsBase64Char(char c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '+' or '/';

    private static int DecodeChar(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        _ => 63,
    };
}

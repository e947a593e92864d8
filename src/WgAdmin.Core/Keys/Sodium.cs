using System.Runtime.InteropServices;

namespace WgAdmin.Keys;

/// <summary>
/// The two libsodium calls the bulk key generator makes, from the same native library NSec uses:
/// "libsodium" is the name NSec asks for, so inside the module the private load context hands both
/// the module's own build (DependencyLoadContext.LoadUnmanagedDll), and in a plain .NET process
/// (the tests, the benchmarks) the runtime finds the libsodium package's file as it does for NSec.
/// </summary>
internal static unsafe partial class Sodium
{
    private const string Library = "libsodium";

    private static readonly Lazy<bool> Initialised = new(() =>
    {
        // 0 the first time, 1 when NSec (or anyone) got there first; -1 only if libsodium cannot start.
        if (sodium_init() < 0)
            throw new InvalidOperationException("libsodium failed to initialise (sodium_init returned -1).");
        return true;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Calls sodium_init once per process; every entry point below needs it first.</summary>
    public static void EnsureInitialised() => _ = Initialised.Value;

    /// <summary>
    /// X25519 of <paramref name="scalar"/> and the base point into <paramref name="publicKey"/>, as
    /// `wg pubkey` computes it (libsodium clamps the scalar itself). The caller has called
    /// <see cref="EnsureInitialised"/>.
    /// </summary>
    public static void ScalarMultBase(Span<byte> publicKey, ReadOnlySpan<byte> scalar)
    {
        if (publicKey.Length != KeyEncoding.KeyLength || scalar.Length != KeyEncoding.KeyLength)
            throw new ArgumentException("X25519 keys are 32 bytes.");
        int result;
        fixed (byte* q = publicKey)
        fixed (byte* n = scalar)
            result = crypto_scalarmult_curve25519_base(q, n);
        if (result != 0)
            throw new InvalidOperationException($"libsodium's crypto_scalarmult_curve25519_base failed ({result}).");
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    private static partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);
}

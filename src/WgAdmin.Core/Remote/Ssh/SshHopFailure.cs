namespace WgAdmin.Remote;

/// <summary>
/// A jump host that fails makes one WgAdmin.JumpHostFailed error naming the host that was to be
/// reached, every hop on the way and (as Offender) the hop that failed; the hop's own error
/// (HostKeyUnknown, AuthenticationFailed, ...) follows it in <see cref="WgException.Errors"/>.
/// </summary>
internal static class SshHopFailure
{
    /// <summary>Opens the hop <paramref name="rider"/> is reached through, wrapping its failure.</summary>
    public static T Reach<T>(SshConnectOptions rider, Func<T> openHop)
    {
        try
        {
            return openHop();
        }
        catch (WgException ex)
        {
            throw Wrap(rider, ex);
        }
    }

    public static WgException Wrap(SshConnectOptions rider, WgException inner)
    {
        var hop = rider.Via ?? throw new ArgumentException("The host has no jump host.", nameof(rider));
        var first = inner.Errors[0];
        var nested = first.ErrorId == WgErrorId.JumpHostFailed;
        var error = new WgError(WgErrorId.JumpHostFailed,
            nested ? $"{rider.Target}: cannot be reached through {hop.Target}: {first.Message}"
                   : $"{rider.Target}: the jump host {hop.Target} failed: {first.Message}",
            Offender: nested ? first.Offender : hop.Target.ToString());
        return new WgException([error, .. inner.Errors.Where(e => e.ErrorId != WgErrorId.JumpHostFailed)]);
    }
}

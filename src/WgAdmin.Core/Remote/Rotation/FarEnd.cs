namespace WgAdmin.Remote;

/// <summary>
/// A gateway that lists the rotating site as a peer, and what it still needs: the new key staged
/// beside the old one, the AllowedIPs moved to it (and the old entry removed). Unreachable when
/// its state could not be read: the near end is then not switched.
/// </summary>
public sealed record FarEnd(string Site, string ComputerName, bool Stage, bool Move, bool Unreachable = false)
{
    public bool Done => !Stage && !Move && !Unreachable;
}

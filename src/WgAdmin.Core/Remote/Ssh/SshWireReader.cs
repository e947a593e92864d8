using System.Buffers.Binary;
using System.Text;

namespace WgAdmin.Remote;

/// <summary>
/// Reads the SSH wire encoding (RFC 4251 section 5): uint32 big-endian, and "string", a uint32
/// length then that many bytes; uint64 for certificates. A read past the end throws <see cref="FormatException"/>.
/// </summary>
internal sealed class SshWireReader
{
    private readonly byte[] _data;
    private int _offset;

    public SshWireReader(byte[] data) => _data = data;

    public bool AtEnd => _offset == _data.Length;

    public byte ReadByte()
    {
        Need(1);
        return _data[_offset++];
    }

    public uint ReadUInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(_offset, 4));
        _offset += 4;
        return value;
    }

    public ulong ReadUInt64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadUInt64BigEndian(_data.AsSpan(_offset, 8));
        _offset += 8;
        return value;
    }

    public byte[] ReadString()
    {
        var length = ReadUInt32();
        if (length > int.MaxValue)
            throw new FormatException("An SSH string is longer than the message.");
        Need((int)length);
        var value = _data.AsSpan(_offset, (int)length).ToArray();
        _offset += (int)length;
        return value;
    }

    public string ReadText() => Encoding.UTF8.GetString(ReadString());

    private void Need(int count)
    {
        if (count > _data.Length - _offset)
            throw new FormatException("The SSH message ends too early.");
    }
}

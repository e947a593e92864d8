using System.Buffers.Binary;
using System.Text;

namespace WgAdmin.Remote;

/// <summary>Writes the SSH wire encoding (RFC 4251 section 5): byte, uint32 big-endian, length-prefixed string.</summary>
internal sealed class SshWireWriter
{
    private readonly MemoryStream _buffer = new();

    public SshWireWriter Byte(byte value)
    {
        _buffer.WriteByte(value);
        return this;
    }

    public SshWireWriter UInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public SshWireWriter String(ReadOnlySpan<byte> value)
    {
        UInt32((uint)value.Length);
        _buffer.Write(value);
        return this;
    }

    public SshWireWriter String(string value) => String(Encoding.UTF8.GetBytes(value));

    public SshWireWriter Raw(ReadOnlySpan<byte> value)
    {
        _buffer.Write(value);
        return this;
    }

    public byte[] ToArray() => _buffer.ToArray();
}

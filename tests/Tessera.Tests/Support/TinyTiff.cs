using System.Buffers.Binary;

namespace Tessera.Tests.Support;

/// <summary>
/// Writes a little-endian, uncompressed, 8-bit grey TIFF with one page per given size (libvips only writes
/// pages of equal size, so a file with unrelated pages must be written by hand). Pixels are a ramp.
/// </summary>
public static class TinyTiff
{
    public static void Write(string path, params (int Width, int Height)[] pages)
    {
        using var stream = new MemoryStream();
        var w = new BinaryWriter(stream);
        w.Write("II"u8);
        w.Write((ushort)42);
        var nextIfdPointer = stream.Position;
        w.Write(0u);
        foreach (var (width, height) in pages)
        {
            var pixelsAt = (uint)stream.Position;
            for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                w.Write((byte)((x + y) & 0xff));
            if (stream.Position % 2 == 1)
                w.Write((byte)0);
            Patch(stream, nextIfdPointer, (uint)stream.Position);
            (ushort Tag, ushort Type, uint Value)[] entries =
            [
                (256, 4, (uint)width), (257, 4, (uint)height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
                (273, 4, pixelsAt), (277, 3, 1), (278, 4, (uint)height), (279, 4, (uint)(width * height)),
            ];
            w.Write((ushort)entries.Length);
            foreach (var (tag, type, value) in entries)
            {
                w.Write(tag);
                w.Write(type);
                w.Write(1u);
                if (type == 3)
                {
                    w.Write((ushort)value);
                    w.Write((ushort)0);
                }
                else
                    w.Write(value);
            }
            nextIfdPointer = stream.Position;
            w.Write(0u);
        }
        w.Flush();
        File.WriteAllBytes(path, stream.ToArray());
    }

    private static void Patch(MemoryStream stream, long at, uint value) =>
        BinaryPrimitives.WriteUInt32LittleEndian(stream.GetBuffer().AsSpan((int)at, 4), value);
}

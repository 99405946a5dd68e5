using System.Runtime.InteropServices;

namespace Tessera.Sources;

/// <summary>
/// Whether a path is a regular file, by Linux statx(2): .NET reports FIFOs, devices and sockets as ordinary files of
/// length 0, and opening one would block a request (a FIFO) or stream without end (<c>/dev/zero</c>).
/// </summary>
internal static unsafe partial class UnixFileType
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // stx_mode (u16) in struct statx, the same on every architecture
    private const ushort TypeMask = 0xF000, Regular = 0x8000;

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    public static bool IsRegularFile(string path)
    {
        if (!OperatingSystem.IsLinux())
            return true;
        var buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            return Marshal.GetLastPInvokeError() == 38; // ENOSYS (kernels before 4.11): no way to tell, allow
        return (*(ushort*)(buffer + ModeOffset) & TypeMask) == Regular;
    }
}

using System.Runtime.InteropServices;

namespace Tessera.Sources;

/// <summary>
/// libc realpath(3): the canonical path with every symlink resolved. .NET has no equivalent, and
/// without it a symlink inside a root could lead a request to any file on the machine.
/// </summary>
internal static partial class RealPath
{
    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint NativeRealPath(string path, nint resolved);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint p);

    public static string? Resolve(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
            return Path.GetFullPath(path);
        var p = NativeRealPath(path, 0);
        if (p == 0)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8(p);
        }
        finally
        {
            Free(p);
        }
    }
}

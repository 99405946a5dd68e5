namespace Tessera.Sources.Remote;

/// <summary>
/// Writes a cache file so that it either appears whole under its name or not at all: the bytes go to a temp file
/// in the same folder (same file system, so the rename is atomic), its length is checked, then it is renamed.
/// A failed, cancelled or short write leaves nothing behind. Temp names start with '.' and end in ".tmp".
/// </summary>
internal static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void Write(string path, long expectedLength, Action<FileStream> write)
    {
        var temp = TempFor(path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
            {
                write(file);
                CheckLength(file, expectedLength);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static async Task WriteAsync(string path, long expectedLength, Func<FileStream, Task> write)
    {
        var temp = TempFor(path);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0,
                             FileOptions.Asynchronous))
            {
                await write(file);
                CheckLength(file, expectedLength);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static string TempFor(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
    }

    private static void CheckLength(FileStream file, long expectedLength)
    {
        if (file.Length != expectedLength)
            throw new OriginException(502, "the origin sent an object of the wrong length");
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

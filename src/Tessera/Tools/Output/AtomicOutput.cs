namespace Tessera.Tools.Output;

/// <summary>
/// Makes an output file appear whole under its name or not at all: it is written under a hidden temp name in its own folder
/// (same file system, so the rename is atomic), flushed to disk, then renamed over the target. A failed or cancelled write
/// deletes the temp file. Temp names start with '.' (the server never resolves hidden names) and contain <see cref="TempSuffix"/>.
/// </summary>
public static class AtomicOutput
{
    public const string TempSuffix = ".tessera-tmp";

    /// <summary>A fresh temp path beside <paramref name="path"/> (its folder is created).</summary>
    public static string TempFor(string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{TempSuffix}");
    }

    /// <summary>Whether a file name is one of these temp files (left behind only by a killed process), whatever suffix it was given.</summary>
    public static bool IsTemp(string fileName) => fileName.StartsWith('.') && fileName.Contains(TempSuffix, StringComparison.Ordinal);

    /// <summary>Runs <paramref name="write"/> on a temp path, then publishes it as <paramref name="path"/>; returns its length.</summary>
    public static long Write(string path, Action<string> write)
    {
        var temp = TempFor(path);
        try
        {
            write(temp);
            return Publish(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> as <paramref name="path"/>, atomically.</summary>
    public static long Write(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = TempFor(path);
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
            return bytes.Length;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Flushes a finished temp file to disk and renames it to <paramref name="path"/>; returns its length.</summary>
    public static long Publish(string temp, string path)
    {
        long length;
        // Opened for writing only so that Flush(true) reaches fsync: a crash after the rename must not expose an empty file.
        using (var file = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 0))
        {
            length = file.Length;
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        return length;
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

using Spectre.Console;
using Tessera.Tools.StaticTiles;

namespace Tessera.Server.Cli;

/// <summary>
/// Shows a <c>tessera tiles</c> run: a live task counting files (bytes in its description, ETA), or, without a terminal, a line at
/// every tenth of the files and one per failure.
/// </summary>
internal sealed class TilesDisplay(TextWriter lines) : IStaticTileProgress
{
    private readonly object _lock = new();
    private int _files, _written, _lastTenth;
    private long _bytes;

    public ProgressTask? Task { get; set; }

    public void Planned(int files)
    {
        lock (_lock)
            _files = files;
        if (Task is { } task)
            task.MaxValue = files;
        else
            Say($"tessera tiles: {files} files to write");
    }

    public void Written(string path, long bytes)
    {
        lock (_lock)
        {
            _written++;
            _bytes += bytes;
            if (Task is { } task)
            {
                task.Value = _written;
                task.Description = Markup.Escape(Description(_written, _files, _bytes));
                return;
            }
            var tenth = _files == 0 ? 10 : _written * 10 / _files;
            if (tenth == _lastTenth)
                return;
            _lastTenth = tenth;
            lines.WriteLine($"tessera tiles: {_written}/{_files} files ({tenth * 10} %), {Units.Bytes(_bytes)}");
        }
    }

    public void Failed(string path, string reason) => Say($"tessera tiles: FAILED {path}: {reason}");

    public static string Description(int written, int files, long bytes) => $"writing: {written}/{files} files, {Units.Bytes(bytes)}";

    private void Say(string line)
    {
        if (Task is not null)
            return;
        lock (_lock)
            lines.WriteLine(line);
    }
}

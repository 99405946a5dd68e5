using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// Receives OpenJPEG's error, warning and info callbacks for one codec: warnings go to the logger,
/// the first error is kept to explain a failed decode.
/// </summary>
internal sealed unsafe partial class MessageSink : IDisposable
{
    private readonly ILogger _log;
    private readonly string _name;
    private GCHandle _self;

    public MessageSink(ILogger log, string name)
    {
        _log = log;
        _name = name;
        _self = GCHandle.Alloc(this);
    }

    public string? FirstError { get; private set; }

    public void AttachTo(OpjCodecHandle codec)
    {
        var c = codec.DangerousGetHandle();
        var me = GCHandle.ToIntPtr(_self);
        OpenJpegNative.SetErrorHandler(c, &OnError, me);
        OpenJpegNative.SetWarningHandler(c, &OnWarning, me);
        OpenJpegNative.SetInfoHandler(c, &OnInfo, me);
    }

    // An exception escaping an [UnmanagedCallersOnly] method ends the process: a logger that throws must not, so the
    // callbacks swallow everything (the error text is kept first, before any logging).

    [UnmanagedCallersOnly]
    private static void OnError(nint message, nint client)
    {
        try
        {
            var self = (MessageSink)GCHandle.FromIntPtr(client).Target!;
            var text = Text(message);
            self.FirstError ??= text;
            self.LogError(self._name, text);
        }
        catch
        {
            // see above
        }
    }

    [UnmanagedCallersOnly]
    private static void OnWarning(nint message, nint client)
    {
        try
        {
            var self = (MessageSink)GCHandle.FromIntPtr(client).Target!;
            self.LogWarning(self._name, Text(message));
        }
        catch
        {
            // see above
        }
    }

    [UnmanagedCallersOnly]
    private static void OnInfo(nint message, nint client)
    {
        try
        {
            var self = (MessageSink)GCHandle.FromIntPtr(client).Target!;
            self.LogInfo(self._name, Text(message));
        }
        catch
        {
            // see above
        }
    }

    private static string Text(nint message) => (Marshal.PtrToStringUTF8(message) ?? "").Trim();

    public void Dispose()
    {
        if (_self.IsAllocated)
            _self.Free();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "openjpeg error on {Source}: {Message}")]
    private partial void LogError(string source, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "openjpeg warning on {Source}: {Message}")]
    private partial void LogWarning(string source, string message);

    [LoggerMessage(Level = LogLevel.Trace, Message = "openjpeg on {Source}: {Message}")]
    private partial void LogInfo(string source, string message);
}

using System.Reflection;
using System.Runtime.InteropServices;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// Finds libopenjp2 (by default <c>libopenjp2.so.7</c>, or the configured name or path). Without it the
/// server still runs: JPEG 2000 sources answer 501 with <see cref="MissingReason"/>, and start-up logs
/// one warning naming the package.
/// </summary>
public static class OpenJpegLibrary
{
    private static string _name = OpenJpegNative.Library;
    private static int _resolverInstalled;
    private static Lazy<nint> _handle = new(Load);

    public const string MissingReason =
        "JPEG 2000 sources need the OpenJPEG library (Debian/Ubuntu package libopenjp2-7), which this server cannot load";

    /// <summary>Uses <paramref name="nameOrPath"/> for every OpenJPEG call from now on (once per process).</summary>
    public static void Configure(string nameOrPath)
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
        {
            _name = nameOrPath;
            _handle = new Lazy<nint>(Load);
            NativeLibrary.SetDllImportResolver(typeof(OpenJpegNative).Assembly, Resolve);
        }
    }

    public static bool IsAvailable => _handle.Value != 0;

    public static string? Version => IsAvailable ? Marshal.PtrToStringUTF8(OpenJpegNative.Version()) : null;

    private static nint Load() => NativeLibrary.TryLoad(_name, out var handle) ? handle : 0;

    private static nint Resolve(string library, Assembly assembly, DllImportSearchPath? path) =>
        library == OpenJpegNative.Library ? _handle.Value : 0;
}

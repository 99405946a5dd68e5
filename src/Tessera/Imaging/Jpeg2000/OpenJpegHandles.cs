using System.Runtime.InteropServices;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>An opj_codec_t*, destroyed exactly once whatever happens.</summary>
internal sealed class OpjCodecHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    public static OpjCodecHandle Create(int format)
    {
        var h = new OpjCodecHandle();
        h.SetHandle(OpenJpegNative.CreateDecompress(format));
        return h;
    }

    protected override bool ReleaseHandle()
    {
        OpenJpegNative.DestroyCodec(handle);
        return true;
    }
}

/// <summary>An opj_stream_t*; destroying it also frees the managed stream adapter it owns.</summary>
internal sealed class OpjStreamHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    public static OpjStreamHandle Create(nuint bufferSize)
    {
        var h = new OpjStreamHandle();
        h.SetHandle(OpenJpegNative.StreamCreate(bufferSize, 1));
        return h;
    }

    protected override bool ReleaseHandle()
    {
        OpenJpegNative.StreamDestroy(handle);
        return true;
    }
}

/// <summary>An opj_image_t* and the component planes it owns.</summary>
internal sealed class OpjImageHandle() : SafeHandle(0, ownsHandle: true)
{
    public override bool IsInvalid => handle == 0;

    public static OpjImageHandle FromPointer(nint image)
    {
        var h = new OpjImageHandle();
        h.SetHandle(image);
        return h;
    }

    protected override bool ReleaseHandle()
    {
        OpenJpegNative.ImageDestroy(handle);
        return true;
    }
}

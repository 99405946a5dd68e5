using System.Runtime.InteropServices;

namespace Tessera.Imaging.Jpeg2000;

/// <summary>
/// The slice of OpenJPEG 2.5's C API that decoding needs, bound by source-generated P/Invoke.
/// Struct offsets below were read off openjpeg.h for x86-64/arm64 (LP64); see <see cref="OpjImage"/>.
/// </summary>
internal static unsafe partial class OpenJpegNative
{
    public const string Library = "libopenjp2.so.7";

    public const int CodecJ2k = 0;
    public const int CodecJp2 = 2;

    [LibraryImport(Library, EntryPoint = "opj_version")]
    public static partial nint Version();

    [LibraryImport(Library, EntryPoint = "opj_create_decompress")]
    public static partial nint CreateDecompress(int format);

    [LibraryImport(Library, EntryPoint = "opj_destroy_codec")]
    public static partial void DestroyCodec(nint codec);

    [LibraryImport(Library, EntryPoint = "opj_set_default_decoder_parameters")]
    public static partial void SetDefaultDecoderParameters(nint parameters);

    [LibraryImport(Library, EntryPoint = "opj_setup_decoder")]
    public static partial int SetupDecoder(nint codec, nint parameters);

    [LibraryImport(Library, EntryPoint = "opj_codec_set_threads")]
    public static partial int CodecSetThreads(nint codec, int threads);

    [LibraryImport(Library, EntryPoint = "opj_set_info_handler")]
    public static partial int SetInfoHandler(nint codec, delegate* unmanaged<nint, nint, void> handler, nint clientData);

    [LibraryImport(Library, EntryPoint = "opj_set_warning_handler")]
    public static partial int SetWarningHandler(nint codec, delegate* unmanaged<nint, nint, void> handler, nint clientData);

    [LibraryImport(Library, EntryPoint = "opj_set_error_handler")]
    public static partial int SetErrorHandler(nint codec, delegate* unmanaged<nint, nint, void> handler, nint clientData);

    [LibraryImport(Library, EntryPoint = "opj_stream_create")]
    public static partial nint StreamCreate(nuint bufferSize, int isInput);

    [LibraryImport(Library, EntryPoint = "opj_stream_destroy")]
    public static partial void StreamDestroy(nint stream);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_read_function")]
    public static partial void StreamSetReadFunction(nint stream, delegate* unmanaged<nint, nuint, nint, nuint> read);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_skip_function")]
    public static partial void StreamSetSkipFunction(nint stream, delegate* unmanaged<long, nint, long> skip);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_seek_function")]
    public static partial void StreamSetSeekFunction(nint stream, delegate* unmanaged<long, nint, int> seek);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_user_data")]
    public static partial void StreamSetUserData(nint stream, nint data, delegate* unmanaged<nint, void> free);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_user_data_length")]
    public static partial void StreamSetUserDataLength(nint stream, ulong length);

    [LibraryImport(Library, EntryPoint = "opj_read_header")]
    public static partial int ReadHeader(nint stream, nint codec, out nint image);

    [LibraryImport(Library, EntryPoint = "opj_set_decoded_resolution_factor")]
    public static partial int SetDecodedResolutionFactor(nint codec, uint factor);

    [LibraryImport(Library, EntryPoint = "opj_set_decode_area")]
    public static partial int SetDecodeArea(nint codec, nint image, int x0, int y0, int x1, int y1);

    [LibraryImport(Library, EntryPoint = "opj_decode")]
    public static partial int Decode(nint codec, nint stream, nint image);

    [LibraryImport(Library, EntryPoint = "opj_end_decompress")]
    public static partial int EndDecompress(nint codec, nint stream);

    [LibraryImport(Library, EntryPoint = "opj_image_destroy")]
    public static partial void ImageDestroy(nint image);

    [LibraryImport(Library, EntryPoint = "opj_get_cstr_info")]
    public static partial nint GetCodestreamInfo(nint codec);

    [LibraryImport(Library, EntryPoint = "opj_destroy_cstr_info")]
    public static partial void DestroyCodestreamInfo(ref nint info);
}

/// <summary>opj_image_t (48 bytes on LP64).</summary>
[StructLayout(LayoutKind.Explicit, Size = 48)]
internal struct OpjImage
{
    [FieldOffset(0)] public uint X0;
    [FieldOffset(4)] public uint Y0;
    [FieldOffset(8)] public uint X1;
    [FieldOffset(12)] public uint Y1;
    [FieldOffset(16)] public uint NumComps;
    [FieldOffset(20)] public int ColorSpace;
    [FieldOffset(24)] public nint Comps;
    [FieldOffset(32)] public nint IccProfileBuf;
    [FieldOffset(40)] public uint IccProfileLen;
}

/// <summary>opj_image_comp_t (64 bytes on LP64).</summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct OpjImageComp
{
    [FieldOffset(0)] public uint Dx;
    [FieldOffset(4)] public uint Dy;
    [FieldOffset(8)] public uint W;
    [FieldOffset(12)] public uint H;
    [FieldOffset(16)] public uint X0;
    [FieldOffset(20)] public uint Y0;
    [FieldOffset(24)] public uint Prec;
    [FieldOffset(32)] public uint Sgnd;
    [FieldOffset(36)] public uint ResnoDecoded;
    [FieldOffset(40)] public uint Factor;
    [FieldOffset(48)] public nint Data;
    [FieldOffset(56)] public ushort Alpha;
}

/// <summary>The head of opj_codestream_info_v2_t: tile grid and a pointer to the default tile-component info.</summary>
[StructLayout(LayoutKind.Explicit, Size = 72)]
internal struct OpjCodestreamInfo
{
    [FieldOffset(0)] public uint Tx0;
    [FieldOffset(4)] public uint Ty0;
    [FieldOffset(8)] public uint Tdx;
    [FieldOffset(12)] public uint Tdy;
    [FieldOffset(16)] public uint Tw;
    [FieldOffset(20)] public uint Th;
    [FieldOffset(24)] public uint NbComps;
    // m_default_tile_info (opj_tile_info_v2_t) starts at 32: tileno, csty, prg, numlayers, mct, then tccp_info at +24.
    [FieldOffset(36)] public uint DefaultCsty;
    [FieldOffset(40)] public int DefaultProgression;
    [FieldOffset(44)] public uint DefaultNumLayers;
    [FieldOffset(56)] public nint DefaultTccpInfo;
}

/// <summary>
/// The fields of opj_tccp_info_t (1080 bytes) that describe resolutions, code-blocks and precincts. OpenJPEG 2.5.0 fills
/// PrcW/PrcH with only numresolutions bytes (not elements), so they are read from the COD marker instead (<see cref="CodingStyle"/>).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 1080)]
internal unsafe struct OpjTccpInfo
{
    [FieldOffset(4)] public uint Csty;
    [FieldOffset(8)] public uint NumResolutions;
    [FieldOffset(12)] public uint CblkW;
    [FieldOffset(16)] public uint CblkH;
    [FieldOffset(20)] public uint CblkSty;
    [FieldOffset(24)] public uint Qmfbid;
    [FieldOffset(816)] public fixed uint PrcW[33];
    [FieldOffset(948)] public fixed uint PrcH[33];
}

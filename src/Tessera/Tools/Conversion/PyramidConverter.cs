using NetVips;
using Tessera.Imaging;

namespace Tessera.Tools.Conversion;

/// <summary>
/// Converts one image into what Tessera serves fastest: a tiled pyramidal TIFF with JPEG tiles (libvips <c>tiffsave</c>, each
/// level half the last, down to one tile), oriented upright, in 8-bit sRGB, with no metadata but the conversion stamp (and
/// the ICC profile when colour is kept as it is). JPEG tiles are sent by the server as they are stored (tile passthrough).
/// </summary>
/// <remarks>
/// JPEG tiles hold 8-bit grey or RGB only: an output that keeps its alpha band (<see cref="AlphaMode.Keep"/>) or samples deeper
/// than 8 bits (<see cref="DepthMode.Keep"/>) gets lossless deflate tiles instead. The file is written under a temp name beside
/// the output, flushed to disk and renamed: a failure or cancellation leaves no partial file and no temp file.
/// </remarks>
public static class PyramidConverter
{
    /// <summary>Converts <paramref name="probe"/>'s file into <paramref name="output"/>; returns the output's length.</summary>
    /// <param name="threads">OpenJPEG decoding threads for JPEG 2000 sources.</param>
    /// <param name="progress">The fraction done, 0 to 1, reported from libvips' worker threads.</param>
    /// <param name="jp2StripSamples">Largest JPEG 2000 strip, in samples (see <see cref="Jp2Strips"/>).</param>
    public static long Convert(SourceProbe probe, string output, ConvertOptions options, int threads, CancellationToken ct,
        Action<double>? progress = null, long jp2StripSamples = Jp2Strips.DefaultMaxSamples)
    {
        var temp = Output.AtomicOutput.TempFor(output);
        var scratch = probe.Jp2 is null ? null : Output.AtomicOutput.TempFor(output + ".strips");
        Image? source = null;
        try
        {
            // JPEG 2000 is decoded first (half the work, by strips), then saved like any other image.
            var decoded = probe.Jp2 is null ? 0.0 : 0.5;
            source = probe.Jp2 is null
                ? probe.OpenPixels()
                : Jp2Strips.Decode(probe.Path, scratch!, threads, ct, f => progress?.Invoke(f * decoded), jp2StripSamples);
            var stamp = ConversionStamp.For(options, new FileInfo(probe.Path));
            using var prepared = Prepare(source, probe, options, stamp, out var compression, out var keep);
            ct.ThrowIfCancellationRequested();
            prepared.SetProgress(new PercentSink(p => progress?.Invoke(decoded + (1 - decoded) * p / 100.0)), ct);
            using (ct.Register(static image => ((Image)image!).SetKill(true), prepared))
                prepared.Tiffsave(temp, compression: compression, q: options.Quality,
                    predictor: compression == Enums.ForeignTiffCompression.Deflate ? Enums.ForeignTiffPredictor.Horizontal : null,
                    tile: true, tileWidth: options.TileSize, tileHeight: options.TileSize, pyramid: true,
                    bigtiff: NeedsBigTiff(prepared), keep: keep);
            ct.ThrowIfCancellationRequested();
            return Output.AtomicOutput.Publish(temp, output);
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            // A killed save fails in libvips; it was the cancellation.
            throw new OperationCanceledException(ct);
        }
        catch (VipsException e)
        {
            throw new ConversionException(OneLine(e));
        }
        finally
        {
            source?.Dispose();
            Output.AtomicOutput.TryDelete(temp);
            if (scratch is not null)
                DeleteFolder(scratch);
        }
    }

    /// <summary>Orientation, colour, alpha and metadata; picks the tile compression and the metadata to keep.</summary>
    private static Image Prepare(Image image, SourceProbe probe, ConvertOptions options, string stamp,
        out Enums.ForeignTiffCompression compression, out Enums.ForeignKeep keep)
    {
        if (probe.Orientation != 1)
            image = image.Autorot();
        var keepIcc = false;
        if (options.Depth == DepthMode.Eight)
            image = Srgb8.Convert(image);
        else
            keepIcc = image.Contains("icc-profile-data");
        if (image.HasAlpha() && options.Alpha == AlphaMode.Flatten)
        {
            // On white, as the server flattens for jpg output.
            var format = image.Format;
            var max = MaxAlpha(format);
            image = image.Flatten(background: Enumerable.Repeat(max, image.Bands - 1).ToArray(), maxAlpha: max).Cast(format);
        }
        var jpeg = image.Format == Enums.BandFormat.Uchar && image.Bands is 1 or 3;
        compression = jpeg ? Enums.ForeignTiffCompression.Jpeg : Enums.ForeignTiffCompression.Deflate;
        keep = Enums.ForeignKeep.Other | (keepIcc ? Enums.ForeignKeep.Icc : Enums.ForeignKeep.None);
        return image.Mutate(m =>
        {
            foreach (var field in m.GetFields())
                if (field is "exif-data" or "xmp-data" or "iptc-data" || field.StartsWith("exif-", StringComparison.Ordinal)
                    || field.StartsWith("png-comment", StringComparison.Ordinal) || (field == "icc-profile-data" && !keepIcc))
                    m.Remove(field);
            m.Set(GValue.GStrType, ConversionStamp.Field, stamp);
        });
    }

    private static double MaxAlpha(Enums.BandFormat format) => format switch
    {
        Enums.BandFormat.Ushort or Enums.BandFormat.Short => 65535,
        Enums.BandFormat.Float or Enums.BandFormat.Double => 1.0,
        _ => 255,
    };

    /// <summary>Classic TIFF ends at 4 GiB: past that uncompressed (the pyramid adds a third), BigTIFF, which the server reads too.</summary>
    private static bool NeedsBigTiff(Image image) =>
        (long)image.Width * image.Height * image.Bands * (image.Format == Enums.BandFormat.Uchar ? 1 : 2) * 4 / 3 >= 4L << 30;

    /// <summary>libvips' message without its "unable to call/load" preambles, on one line.</summary>
    public static string OneLine(VipsException e)
    {
        if (e.Message.Contains("is not a known file format", StringComparison.Ordinal))
            return "not an image (libvips knows no format with this content)";
        var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("unable to call", StringComparison.Ordinal) && !l.StartsWith("unable to load", StringComparison.Ordinal)).ToList();
        var text = lines.Count == 0 ? e.Message.Trim() : string.Join("; ", lines.Distinct());
        return text.Length > 300 ? text[..300] + "…" : text;
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>libvips' percentages, passed on synchronously (<see cref="Progress{T}"/> would post them to the pool, late).</summary>
    private sealed class PercentSink(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}

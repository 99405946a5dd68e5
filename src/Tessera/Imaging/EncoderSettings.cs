namespace Tessera.Imaging;

public sealed record EncoderSettings(int JpegQuality = 80, int WebpQuality = 80, int PngCompression = 6);

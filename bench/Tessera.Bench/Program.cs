using Tessera.Bench;

return args.FirstOrDefault() switch
{
    "jp2" when args.Length >= 2 => Jp2Bench.Drive(args[1..]),
    "jp2-case" when args.Length >= 8 => Jp2Bench.Case(args[1..]),
    "make-photo" when args.Length == 4 => SyntheticPhoto.Write(args[1..]),
    "remote-session" when args.Length >= 2 => await RemoteSessionBench.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Tessera.Bench jp2 FILE [FILE...]       time and peak memory of JPEG 2000 decodes, one process per case
               Tessera.Bench remote-session FILE...   origin traffic of a viewer session, with and without the block cache
               Tessera.Bench make-photo OUT.ppm WIDTH HEIGHT   a reproducible photo-like test picture
               Tessera.Bench jp2-case FILE REDUCE X Y W H REPEAT   (one case; used by the driver)
        """);
    return 2;
}

using Tessera.Server.Cli;

return await TesseraCommandLine.RunAsync(args);

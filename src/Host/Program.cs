using Tandem.Host;

return await Cli.RunAsync(args);

using Yunzhong.Cli;
using Yunzhong.Cli.Commands;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

// `yz VERB --help` shows the usage too, rather than running the verb with its defaults.
if (args.Length == 0 || args[0] is "-h" or "--help" or "help" || args.Skip(1).Any(a => a is "-h" or "--help"))
{
    Console.WriteLine(Commands.Usage);
    return args.Length == 0 ? 1 : 0;
}

try
{
    return await Commands.RunAsync(args[0], new CliArgs(args[1..]), cts.Token);
}
catch (CliException e)
{
    Console.Error.WriteLine($"yz {args[0]}: {e.Message}");
    return 2;
}
catch (OperationCanceledException) when (cts.IsCancellationRequested)
{
    return 130;
}

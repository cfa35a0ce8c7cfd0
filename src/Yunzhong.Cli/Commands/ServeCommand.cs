using Yunzhong.Server;

namespace Yunzhong.Cli.Commands;

/// <summary>`yz serve`: runs the platform until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var options = Options(args);
        await using var app = ServerApp.Build(options);
        await ServerApp.PrepareAsync(app, ct);
        await app.StartAsync(ct);
        Console.WriteLine($"Yunzhong is running at {string.Join(", ", app.Urls)}");
        Console.WriteLine($"  database: {(options.Database is null ? options.SqlitePath : "PostgreSQL")}; data folder: {Path.GetFullPath(options.DataDir)}");
        if (options.Demo)
        {
            Console.WriteLine($"  demo log-ins (password '{DemoSeeder.Password}'):");
            foreach (var (email, name, _) in DemoSeeder.People)
            {
                Console.WriteLine($"    {email,-28} {name}");
            }
        }
        Console.WriteLine("Press Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    public static ServerOptions Options(CliArgs args) => new()
    {
        DataDir = args.Get("data", "./data"),
        Urls = args.Get("urls", "http://localhost:5080"),
        Database = args.Get("db"),
        Demo = args.Flag("demo"),
        WebRoot = args.Get("web"),
    };
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server;
using Yunzhong.Server.Storage;

namespace Yunzhong.Cli.Commands;

/// <summary>`yz serve`: runs the platform until Ctrl+C or a stop signal (SIGTERM, SIGQUIT).</summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var options = Options(args);
        await using var app = ServerApp.Build(options);
        await ServerApp.PrepareAsync(app, ct);
        await app.StartAsync(ct);
        Console.WriteLine($"Yunzhong is running at {string.Join(", ", app.Urls)}");
        Console.WriteLine($"  database: {(options.Database is null ? options.SqlitePath : "PostgreSQL")}; data folder: {Path.GetFullPath(options.DataDir)}; blobs: {BlobStores.Describe(app.Services.GetRequiredService<IBlobStore>())}");
        if (options.Demo)
        {
            Console.WriteLine($"  demo log-ins (password '{DemoSeeder.Password}'):");
            foreach (var (email, name, _) in DemoSeeder.People)
            {
                Console.WriteLine($"    {email,-28} {name}");
            }
            foreach (var (email, name, _, _) in DemoPark.People)
            {
                Console.WriteLine($"    {email,-32} {name}");
            }
            Console.WriteLine("    v1-annotator01@demo.yunzhong … (30 vendor annotators: v1-01..12, v2-01..10, v3-01..08)");
        }
        Console.WriteLine("Press Ctrl+C to stop.");
        // The host's console lifetime turns SIGTERM and SIGQUIT into a stop request; waiting on Ctrl+C's
        // token alone left the process serving after `docker stop`, systemd or Kubernetes asked it to
        // end, until they killed it. Stopping drains requests in flight (Kestrel), then lets the queue
        // writer commit what it was handed, within the host's shutdown timeout.
        await app.WaitForShutdownAsync(ct);
        Console.WriteLine("Yunzhong stopped.");
        return 0;
    }

    public static ServerOptions Options(CliArgs args) => new()
    {
        DataDir = args.Get("data", "./data"),
        Urls = args.Get("urls", "http://localhost:5080"),
        Database = args.Get("db"),
        Blobs = args.Get("blobs") ?? Environment.GetEnvironmentVariable("YZ_BLOBS"),
        Demo = args.Flag("demo"),
        WebRoot = args.Get("web"),
        // Comma-separated, so one flag can name a proxy pair: --trust-proxy 10.0.0.5,10.0.0.6.
        TrustedProxies = List(args.Get("trust-proxy")),
        // Hosts projects may name as a model server: --model-servers ml.example.com,10.0.0.7,*.models.example.
        ModelServerHosts = List(args.Get("model-servers")),
        // Hosts projects' webhooks may post to, the same forms: --webhook-hosts hooks.example.com,*.example.org.
        WebhookHosts = List(args.Get("webhook-hosts")),
    };

    private static List<string> List(string? csv) => (csv ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}

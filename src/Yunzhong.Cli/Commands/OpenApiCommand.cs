using Yunzhong.Server;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz openapi [--out FILE]`: the server's OpenAPI document, without a database or a running server,
/// byte for byte what <c>GET /openapi/v1.json</c> serves; the browser's API client is generated from it.
/// </summary>
internal static class OpenApiCommand
{
    public static async Task<int> RunAsync(CliArgs args, CancellationToken ct)
    {
        var document = await ServerApp.OpenApiDocumentAsync(ct);
        if (args.Get("out") is { } path)
        {
            await File.WriteAllBytesAsync(path, document, ct);
        }
        else
        {
            await using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(document, ct);
        }
        return 0;
    }
}

namespace Yunzhong.Cli.Commands;

internal static class AggregateCommand
{
    public static Task<int> RunAsync(CliArgs args, CancellationToken ct) => Task.FromResult(0);
}

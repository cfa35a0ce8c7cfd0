namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>A request body sent in two halves: the second only once the test says so.</summary>
public sealed class HeldBody(IEnumerable<string> lines) : HttpContent
{
    private readonly byte[][] _halves = Halve(lines);

    public TaskCompletionSource HalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SendRest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static byte[][] Halve(IEnumerable<string> lines)
    {
        var all = lines.ToList();
        return [System.Text.Encoding.UTF8.GetBytes(string.Concat(all.Take(all.Count / 2))), System.Text.Encoding.UTF8.GetBytes(string.Concat(all.Skip(all.Count / 2)))];
    }

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await stream.WriteAsync(_halves[0]);
        await stream.FlushAsync();
        HalfSent.SetResult();
        await SendRest.Task;
        await stream.WriteAsync(_halves[1]);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

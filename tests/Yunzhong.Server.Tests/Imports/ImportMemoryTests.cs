namespace Yunzhong.Server.Tests.Imports;

/// <summary>The live heap is the whole test process's: no other test may allocate beside it.</summary>
[CollectionDefinition(nameof(MeasuresTheHeap), DisableParallelization = true)]
public sealed class MeasuresTheHeap;

public abstract class ImportMemoryTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    [Fact]
    public async Task ABodyMuchLargerThanTheMemoryItMayTakeIsImportedAsItStreams()
    {
        // Imports stream (invariant 7): rows go to the store as they are parsed, in the one
        // transaction, and the body is never held whole; what the importer holds at once is a few
        // chunks of 1,024 rows between its reading and writing stages. 128 MB of JSONL (≈500 bytes
        // per row) is generated while it is sent, and the live managed heap of this process (the
        // server runs in it) is sampled after full collections during the import: a server that
        // buffered the body, or its rows, would hold at least the 128 MB; this one holds 10–30 MB.
        const int rows = 260_000;
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        var baseline = LiveHeap();
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var collections = System.Diagnostics.Stopwatch.StartNew();
        collections.Stop();
        var samples = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var started = collections.Elapsed;
                collections.Start();
                peak = Math.Max(peak, LiveHeap() - baseline);
                collections.Stop();
                samples++;
                // A full blocking collection stops the server too, and its cost grows with the
                // heap every earlier test in this process left alive: the sampler waits four times
                // what its last collection took (at least 50 ms), so it never takes more than a
                // fifth of the time the import has, however large that heap is.
                var took = collections.Elapsed - started;
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(50, 4 * took.TotalMilliseconds)));
            }
        });
        using var r = await manager.Http.PostAsync($"api/projects/{project}/imports?format=jsonl", new GeneratedRows(rows));
        await sampling.CancelAsync();
        await sampler;
        Assert.Equal(rows, (await r.OkAsync<ImportResponse>("import")).Imported);
        Assert.Equal(rows, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
        Assert.True(samples >= 10, $"only {samples} samples of the heap were taken ({collections.Elapsed.TotalSeconds:F1} s collecting)");
        Assert.True(peak < 48 << 20, $"the live heap grew by {peak >> 20} MB over its {baseline >> 20} MB while 128 MB were imported ({samples} samples)");

        static long LiveHeap()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            return GC.GetTotalMemory(forceFullCollection: false);
        }
    }

    /// <summary>A JSONL body written while it is sent (chunked), never held whole by the client.</summary>
    private sealed class GeneratedRows(int rows) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var padding = new string('样', 150); // 450 bytes of UTF-8
            var chunk = new System.Text.StringBuilder();
            for (var i = 0; i < rows; i++)
            {
                chunk.Append("{\"key\":\"r").Append(i).Append("\",\"data\":{\"text\":\"第").Append(i).Append("行 ").Append(padding).Append("\"}}\n");
                if (chunk.Length > 32_000 || i == rows - 1)
                {
                    await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(chunk.ToString()));
                    chunk.Clear();
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

[Collection(nameof(MeasuresTheHeap))]
public sealed class SqliteImportMemoryTests(SqliteFixture fx) : ImportMemoryTests<SqliteFixture>(fx);

[Collection(nameof(MeasuresTheHeap))]
public sealed class PostgresImportMemoryTests(PostgresFixture fx) : ImportMemoryTests<PostgresFixture>(fx);

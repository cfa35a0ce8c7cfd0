using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Dapper;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features;
using Yunzhong.Server.Features.Releases;
using Yunzhong.Server.Storage;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz bench --release --media M`: a release of an image project through the server, end to end.
/// M media files of distinct random bytes are written straight into the blob store with their rows
/// (an upload of 100,000 files is measured elsewhere), task i shows medium i mod M and is imported
/// with one annotation; then the release is queued over HTTP and its job
/// polled to the end. The time runs from the request to the release's row; peak memory is the
/// process's working set sampled every 50 ms while the job runs, beside the figure before it.
/// </summary>
internal static class BenchRelease
{
    private static readonly string[] _labels = ["a", "b"];
    private static readonly string[] _formats = ["jsonl"];

    public static async Task<long> ProjectAsync(Api admin, CancellationToken ct) =>
        await BenchCommand.CreateProjectAsync(admin, "bench release", 1, new
        {
            fields = new[] { new { name = "image", type = "image" } },
            controls = new[] { new { name = "label", type = "choices", field = "image", options = _labels } },
        }, ct);

    /// <summary>Task i: medium i mod M (with no media, one URL), with one imported annotation (the import makes the task
    /// <c>annotated</c>, which a release takes).</summary>
    public static Func<int, string> Task(int media) => i =>
        $"{{\"key\":\"r{i}\",\"data\":{{\"image\":\"{(media > 0 ? $"media:m{i % media}.bin" : "https://bench.example/m.bin")}\",\"n\":{i}}},\"annotations\":[{{\"annotator\":\"bench\",\"result\":{{\"label\":[\"a\"]}}}}]}}\n";

    /// <summary>Writes <paramref name="count"/> media of <paramref name="bytes"/> random bytes each into the store, 8 at a time, with their rows.</summary>
    public static async Task<double> MediaAsync(Db db, IBlobStore blobs, long projectId, int count, int bytes, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var rows = new (string Name, string BlobName)[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
        {
            var blob = $"media/{projectId}/{Guid.NewGuid():N}";
            await using var w = await blobs.CreateAsync(blob, token);
            await w.Stream.WriteAsync(RandomNumberGenerator.GetBytes(bytes), token);
            await w.CommitAsync(durable: false, token);
            rows[i] = ($"m{i}.bin", blob);
        });
        await blobs.SyncAsync([.. rows.Select(r => r.BlobName)], ct);
        await using var c = await db.OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var chunk in rows.Chunk(1000))
        {
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO media (project_id, name, blob_name, content_type, size_bytes, created_at)
                VALUES (@projectId, @Name, @BlobName, 'application/octet-stream', @bytes, @now)
                """, chunk.Select(r => new { projectId, r.Name, r.BlobName, bytes, now }), tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return clock.Elapsed.TotalSeconds;
    }

    public static async Task<Dictionary<string, object?>> RunAsync(Api admin, long projectId, TextWriter log, CancellationToken ct)
    {
        await using var memory = PeakMemory.Start();
        var liveBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        using var started = await admin.Http.PostAsJsonAsync($"api/projects/{projectId}/releases", new { formats = _formats, licence = "CC0-1.0" }, Wire.Options, ct);
        await Api.EnsureAsync(started, ct);
        var job = (await started.Content.ReadFromJsonAsync<ReleaseJobView>(Wire.Options, ct))!;
        var phases = new Dictionary<ReleasePhase, double>();
        // The live managed heap (a full, blocking collection first) as each phase begins and halfway through
        // the media: what the build holds then, garbage not counted. Four collections in a run of seconds.
        var live = new List<(string At, long Bytes)>();
        var phase = job.Phase;
        var phaseStart = 0.0;
        var halfway = false;
        while (job.Status is ReleaseJobStatus.Queued or ReleaseJobStatus.Running)
        {
            await System.Threading.Tasks.Task.Delay(100, ct);
            job = (await admin.Http.GetFromJsonAsync<ReleaseJobView>($"api/release-jobs/{job.Id}", Wire.Options, ct))!;
            if (job.Phase != phase)
            {
                phases[phase] = clock.Elapsed.TotalSeconds - phaseStart;
                (phase, phaseStart) = (job.Phase, clock.Elapsed.TotalSeconds);
                if (job.Status == ReleaseJobStatus.Running)
                {
                    live.Add((Wire.Name(phase), GC.GetTotalMemory(forceFullCollection: true)));
                }
            }
            else if (phase == ReleasePhase.Media && !halfway && job.Total > 0 && job.Done * 2 >= job.Total)
            {
                halfway = true;
                live.Add(("media-half", GC.GetTotalMemory(forceFullCollection: true)));
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var (before, peak) = await memory.StopAsync();
        if (job.Status != ReleaseJobStatus.Done)
        {
            throw new CliException($"the release failed: {job.Error}");
        }
        var release = (await admin.Http.GetFromJsonAsync<ReleaseView>($"api/releases/{job.ReleaseId}", Wire.Options, ct))!;
        var split = string.Join(", ", phases.Where(p => p.Key != ReleasePhase.Queued).Select(p => $"{Wire.Name(p.Key)} {p.Value:0.0} s"));
        var heaps = string.Join(", ", live.Select(l => $"{l.At} {l.Bytes / 1048576.0:N0}"));
        log.WriteLine($"release: {release.Annotations:N0} annotations, {release.MediaFiles:N0} media files, {release.TotalBytes:N0} bytes in {seconds:0.00} s ({split}); "
            + $"working set {before / 1048576.0:N0} MiB before, peak {peak / 1048576.0:N0} MiB during; GC committed peak {memory.CommittedPeak / 1048576.0:N0} MiB, "
            + $"heap after a collection peak {memory.HeapPeak / 1048576.0:N0} MiB; live heap (MiB, after a full collection) {liveBefore / 1048576.0:N0} before, {heaps}");
        return new()
        {
            ["release_annotations"] = release.Annotations,
            ["release_media_files"] = release.MediaFiles,
            ["release_bytes"] = release.TotalBytes,
            ["release_s"] = Math.Round(seconds, 3),
            ["release_phases_s"] = phases.ToDictionary(p => Wire.Name(p.Key), p => Math.Round(p.Value, 2)),
            ["working_set_before_mib"] = before / 1048576,
            ["working_set_peak_mib"] = peak / 1048576,
            ["gc_committed_peak_mib"] = memory.CommittedPeak / 1048576,
            ["gc_heap_peak_mib"] = memory.HeapPeak / 1048576,
            ["live_heap_before_mib"] = liveBefore / 1048576,
            ["live_heap_mib"] = live.ToDictionary(l => l.At, l => l.Bytes / 1048576),
        };
    }
}

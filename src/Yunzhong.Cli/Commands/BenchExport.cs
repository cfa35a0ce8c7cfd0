using System.Diagnostics;
using System.Net.Http.Json;
using Dapper;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features;
using Yunzhong.Server.Features.Exports;

namespace Yunzhong.Cli.Commands;

/// <summary>
/// `yz bench --export jsonl`: an export through the server end to end, database paging included. The
/// project's imported tasks each get one accepted annotation (written in one statement: the queue is
/// measured elsewhere; the tasks' lifecycle columns are TaskStates' alone and stay as imported, which
/// an export of every state does not look at), then the export job is started over HTTP, polled, and its file downloaded
/// and counted; the time runs from the request to the last byte. Peak memory is the process's
/// working set sampled every 50 ms while the export runs, beside the figure before it began.
/// </summary>
internal static class BenchExport
{
    private static readonly string[] _labels = ["horse", "person"];

    private const string CocoResult = """{"boxes":[{"id":"r1","label":"horse","x":10,"y":20,"width":300,"height":200},{"id":"r2","label":"person","x":0,"y":0,"width":5,"height":6}]}""";

    /// <summary>For COCO: an image project whose tasks all show the demo's horse (one stored file, so the
    /// export measures paging and writing, not 1,000,000 uploads).</summary>
    public static async Task<long> ImageProjectAsync(Api admin, CancellationToken ct, string name = "bench images")
    {
        var id = await BenchCommand.CreateProjectAsync(admin, name, 1, new
        {
            fields = new[] { new { name = "image", type = "image" } },
            controls = new[] { new { name = "boxes", type = "rectangles", field = "image", labels = _labels } },
        }, ct);
        var demo = Yunzhong.Server.ServerOptions.FindRepoFolder("demo") ?? throw new CliException("the repository's demo/ folder was not found (the COCO export bench uploads its horse.png)");
        using var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(demo, "photos", "media", "horse.png"), ct));
        form.Add(part, "files", "horse.png");
        using var r = await admin.Http.PostAsync($"api/projects/{id}/media", form, ct);
        await Api.EnsureAsync(r, ct);
        return id;
    }

    public static string ImageTask(int i) => $"{{\"key\":\"i{i}\",\"data\":{{\"image\":\"media:horse.png\",\"n\":{i}}}}}\n";

    public static async Task<Dictionary<string, object?>> RunAsync(Api admin, Db db, long projectId, string format, TextWriter log, CancellationToken ct)
    {
        await using (var c = await db.OpenAsync(ct))
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var user = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT id FROM users WHERE email = 'admin@bench'", cancellationToken: ct));
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, lead_time, created_at)
                SELECT id, project_id, @user, @user, 1, 'accepted', @result, 3.5, @now FROM tasks WHERE project_id = @projectId
                """, new { user, now, projectId, result = format == "coco" ? CocoResult : """{"label":["b"]}""" }, commandTimeout: 600, cancellationToken: ct));
            if (db.Dialect == Yunzhong.Server.Data.SqlDialect.Postgres)
            {
                // A million annotations in one statement stand in for ones that arrive over days, while
                // autovacuum keeps the table's statistics: give the planner what it would have had.
                await c.ExecuteAsync(new CommandDefinition("ANALYZE annotations", commandTimeout: 600, cancellationToken: ct));
            }
        }
        await using var memory = PeakMemory.Start();

        var clock = Stopwatch.StartNew();
        using var started = await admin.Http.PostAsJsonAsync($"api/projects/{projectId}/exports", new { format }, ct);
        started.EnsureSuccessStatusCode();
        var job = (await started.Content.ReadFromJsonAsync<ExportView>(Wire.Options, ct))!;
        while (job.Status is not (ExportStatus.Done or ExportStatus.Incomplete or ExportStatus.Failed))
        {
            await Task.Delay(100, ct);
            job = (await admin.Http.GetFromJsonAsync<ExportView>($"api/exports/{job.Id}", Wire.Options, ct))!;
        }
        if (job.Status != ExportStatus.Done)
        {
            // An incomplete file would time less work than was asked for: no figure from it.
            throw new CliException($"the export {(job.Status == ExportStatus.Incomplete ? "left items out" : "failed")}: {job.Error}");
        }
        var written = clock.Elapsed.TotalSeconds;
        await using var body = await admin.Http.GetStreamAsync($"api/exports/{job.Id}/download", ct);
        var buffer = new byte[1 << 16];
        long bytes = 0, lines = 0;
        int n;
        while ((n = await body.ReadAsync(buffer, ct)) > 0)
        {
            bytes += n;
            lines += buffer.AsSpan(0, n).Count((byte)'\n');
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var (before, peak) = await memory.StopAsync();
        var cpu = memory.CpuSeconds;
        var runtime = memory.Runtime;
        log.WriteLine($"export {format}: {job.Rows:N0} rows, {bytes:N0} bytes ({lines:N0} lines) in {seconds:0.00} s (file written in {written:0.00} s); process CPU {cpu:0.00} s; working set {before / 1048576.0:N0} MiB before, peak {peak / 1048576.0:N0} MiB during");
        log.WriteLine($"  runtime: {runtime.Allocated / 1048576.0:N0} MiB allocated, JIT {runtime.JitSeconds:0.00} s, GCs gen0 {runtime.Gen0}, gen2 {runtime.Gen2}");
        return new()
        {
            ["export_format"] = format,
            ["export_rows"] = job.Rows,
            ["export_bytes"] = bytes,
            ["export_s"] = Math.Round(seconds, 3),
            ["export_written_s"] = Math.Round(written, 3),
            ["export_cpu_s"] = Math.Round(cpu, 3),
            ["export_allocated_mib"] = runtime.Allocated / 1048576,
            ["export_jit_s"] = Math.Round(runtime.JitSeconds, 3),
            ["working_set_before_mib"] = before / 1048576,
            ["working_set_peak_mib"] = peak / 1048576,
        };
    }
}

/// <summary>The process's working set before a measured run and its peak during it, sampled every 50 ms,
/// and the CPU time the process spent meanwhile (on a machine shared with other work, the figure that
/// moves least with the neighbours' load).</summary>
internal sealed class PeakMemory : IAsyncDisposable
{
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly CancellationTokenSource _sampling = new();
    private readonly long _before;
    private readonly TimeSpan _cpuBefore;
    private readonly long _allocatedBefore;
    private readonly TimeSpan _jitBefore;
    private readonly int _gen0Before, _gen2Before;
    private long _peak;
    private long _committedPeak;
    private long _heapPeak;
    private Task? _sampler;

    private PeakMemory()
    {
        _process.Refresh();
        _before = _peak = _process.WorkingSet64;
        _cpuBefore = _process.TotalProcessorTime;
        _allocatedBefore = GC.GetTotalAllocatedBytes();
        _jitBefore = System.Runtime.JitInfo.GetCompilationTime();
        (_gen0Before, _gen2Before) = (GC.CollectionCount(0), GC.CollectionCount(2));
    }

    /// <summary>CPU seconds the process used since the start (read after <see cref="StopAsync"/>).</summary>
    public double CpuSeconds { get; private set; }

    /// <summary>What the run cost the runtime, read after <see cref="StopAsync"/>: bytes allocated, time spent
    /// compiling methods, collections of generation 0 and 2. Unlike the CPU time these hardly move with the
    /// neighbours' load, so they compare two builds on a busy machine.</summary>
    public (long Allocated, double JitSeconds, int Gen0, int Gen2) Runtime { get; private set; }

    /// <summary>The GC's committed memory at its peak (what of the working set is the managed heap, garbage
    /// and free space it keeps included); the rest of the working set is native: code, thread stacks, SQLite's
    /// page cache, buffers of the runtime's own.</summary>
    public long CommittedPeak => _committedPeak;

    /// <summary>The managed heap's size right after a collection at its peak (what survived it: held data,
    /// plus fragmentation), sampled with the working set.</summary>
    public long HeapPeak => _heapPeak;

    /// <summary>The resident set now: on Linux one line of <c>/proc/self/statm</c>, as <c>Process.WorkingSet64</c>
    /// parses two files of /proc and built a process record every sample (3 % of the export bench's CPU profile).</summary>
    private long WorkingSet()
    {
        if (OperatingSystem.IsLinux())
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public static PeakMemory Start()
    {
        GC.Collect();
        var m = new PeakMemory();
        m._sampler = Task.Run(async () =>
        {
            while (!m._sampling.IsCancellationRequested)
            {
                m._peak = Math.Max(m._peak, m.WorkingSet());
                var gc = GC.GetGCMemoryInfo();
                m._committedPeak = Math.Max(m._committedPeak, gc.TotalCommittedBytes);
                m._heapPeak = Math.Max(m._heapPeak, gc.HeapSizeBytes);
                await Task.Delay(50, CancellationToken.None);
            }
        }, CancellationToken.None);
        return m;
    }

    public async Task<(long Before, long Peak)> StopAsync()
    {
        await _sampling.CancelAsync();
        await _sampler!;
        _process.Refresh();
        CpuSeconds = (_process.TotalProcessorTime - _cpuBefore).TotalSeconds;
        Runtime = (GC.GetTotalAllocatedBytes() - _allocatedBefore, (System.Runtime.JitInfo.GetCompilationTime() - _jitBefore).TotalSeconds,
            GC.CollectionCount(0) - _gen0Before, GC.CollectionCount(2) - _gen2Before);
        return (_before, _peak);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_sampling.IsCancellationRequested)
        {
            await StopAsync();
        }
        _sampling.Dispose();
        _process.Dispose();
    }
}

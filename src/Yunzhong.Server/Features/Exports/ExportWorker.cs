using Yunzhong.Core;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Exports;

/// <summary>
/// Runs queued export jobs in the background. A job is claimed with a conditional update, so
/// several servers can share the queue; tasks stream from the database in keyset pages into the
/// format writer and on into a blob that appears only when complete. Memory holds a few pages (ExportPages reads the next while one is written).
/// </summary>
public sealed class ExportWorker(Db db, IBlobStore blobs, Access access, MediaIndex media, TimeProvider time, ILogger<ExportWorker> log)
    : BackgroundService
{
    private const int PageSize = 1000;

    /// <summary>A running job not heard from for this long is taken over. A job beats once per page of
    /// tasks, so only a worker that is gone stays quiet this long (the final COCO merge of a very
    /// large export may too; then two workers write the same complete file, which is harmless).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);
    private readonly SemaphoreSlim _wake = new(0);

    public void Wake() => _wake.Release();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => JobLoop.RunAsync(ClaimAndRunAsync, _wake, time, log, stoppingToken);

    private async Task<bool> ClaimAndRunAsync(CancellationToken ct)
    {
        long id, projectId;
        string format, optionsJson;
        await using (var c = await db.OpenAsync(ct))
        {
            // Queued jobs, and running ones whose worker stopped beating (its server stopped or died).
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var stale = now - (long)AbandonedAfter.TotalMilliseconds;
            var job = await c.QueryFirstOrDefaultAsync<(long Id, long ProjectId, string Format, string Options)?>(new CommandDefinition(
                ExportsSql.NextJobSql, new { stale }, cancellationToken: ct));
            if (job is null)
            {
                return false;
            }
            var claimed = await c.ExecuteAsync(new CommandDefinition(
                ExportsSql.ClaimJobSql, new { job.Value.Id, now, stale }, cancellationToken: ct));
            if (claimed == 0)
            {
                return true; // another worker took it; look for the next
            }
            (id, projectId, format, optionsJson) = job.Value;
        }
        try
        {
            var (rows, problems) = await RunAsync(id, projectId, format, JsonSerializer.Deserialize<ExportFilter>(optionsJson)!, ct);
            // A file that left items out is not "done": its state says so, beside the note naming them.
            await SetAsync(id, projectId, format, problems > 0 ? "incomplete" : "done", rows, null, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogError(e, "Export {Id} failed", id);
            await SetAsync(id, projectId, format, "failed", null, FailureText(e), ct);
        }
        return true;
    }

    /// <summary>
    /// What the job's owner reads about a failure. File-system and database messages name the server's
    /// paths and hosts ("No space left on device : '/srv/yz/blobs/exports/7.tmp'"), which are the
    /// operator's business, not the client's: those say what kind of thing went wrong, and the log
    /// keeps the whole exception. The worker's own messages (a deleted project) are shown as they are.
    /// </summary>
    internal static string FailureText(Exception e) => e switch
    {
        _ when OutOfSpace.IsDiskFull(e) => "The server ran out of storage space while writing the export. Start it again once space has been freed.",
        IOException or UnauthorizedAccessException => "The export file could not be stored. Start it again later; the server's log has the details.",
        System.Data.Common.DbException => "The database failed while the export was read. Start it again later; the server's log has the details.",
        InvalidOperationException => e.Message,
        _ => "The export failed. Start it again later; the server's log has the details.",
    };

    private async Task SetAsync(long id, long projectId, string format, string status, long? rows, string? error, CancellationToken ct)
    {
        long? size = null;
        if (status is "done" or "incomplete")
        {
            await using var file = await blobs.OpenReadAsync(BlobName(id), ct);
            size = file?.Length;
        }
        await using var c = await db.OpenAsync(ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(new CommandDefinition(
            ExportsSql.FinishSql, new { id, status, rows, error, now, blob = BlobName(id), size }, tx, cancellationToken: ct));
        await Webhooks.WebhookOutbox.EnqueueAsync(c, tx, projectId, Webhooks.WebhookEvent.ExportFinished, new System.Text.Json.Nodes.JsonObject
        {
            ["export"] = new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = id, ["format"] = format, ["status"] = status, ["rows"] = rows, ["sizeBytes"] = size, ["error"] = error,
                ["downloadUrl"] = status == "failed" ? null : $"/api/exports/{id}/download",
            },
        }, now, ct);
        await tx.CommitAsync(ct);
    }

    private static string BlobName(long id) => $"exports/{id}";

    /// <summary>Writes the export's file; answers the tasks written and how many items the format could not express.</summary>
    public async Task<(long Rows, long Problems)> RunAsync(long exportId, long projectId, string format, ExportFilter filter, CancellationToken ct)
    {
        var project = await access.ProjectAsync(projectId, ct) ?? throw new InvalidOperationException("The project was deleted.");
        await using var blob = await blobs.CreateAsync(BlobName(exportId), ct);
        await using var c = await db.OpenAsync(ct);
        var (written, problems, first) = await WriteAsync(project, format, filter, blob.Stream,
            total => c.ExecuteAsync(new CommandDefinition(ExportsSql.SetTotalSql, new { total, exportId }, cancellationToken: ct)),
            rows => c.ExecuteAsync(new CommandDefinition(
                ExportsSql.ProgressSql, new { written = rows, exportId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct)),
            null, ct);
        await blob.CommitAsync(ct);
        if (problems > 0)
        {
            // The file is complete for everything else; say what could not be expressed in the format.
            await c.ExecuteAsync(new CommandDefinition(ExportsSql.NoteSql, new
            {
                exportId,
                note = $"{problems} item(s) could not be written in this format; first: task {first!.TaskId}: {first.Message}",
            }, cancellationToken: ct));
        }
        return (written, problems);
    }

    /// <summary>
    /// Writes project <paramref name="project"/>'s tasks meeting <paramref name="filter"/> in <paramref name="format"/>
    /// to <paramref name="output"/>, one page of tasks in memory at a time: what an export job and a release
    /// both write. <paramref name="onTotal"/> hears the number of tasks first, <paramref name="onPage"/> the rows
    /// written after each page, <paramref name="onTask"/> each task as it is written. Answers the rows written and
    /// what the format could not express (how many, the first).
    /// </summary>
    public async Task<(long Written, int Problems, ExportProblem? First)> WriteAsync(
        ProjectConfig project, string format, ExportFilter filter, Stream output, Func<long, Task>? onTotal, Func<long, Task>? onPage,
        Func<ExportTask, ValueTask>? onTask, CancellationToken ct)
    {
        var projectId = project.Id;
        var states = filter.States.Length > 0 ? filter.States : null;
        var where = ExportsSql.TasksWhere(db.Dialect, states is not null, filter.FromMs is not null, filter.ToMs is not null);
        var args = new DynamicParameters(new { projectId, states, fromMs = filter.FromMs, toMs = filter.ToMs });

        await using var c = await db.OpenAsync(ct);
        args.Add("after", 0L);
        if (onTotal is not null)
        {
            await onTotal(await c.ExecuteScalarAsync<long>(new CommandDefinition(ExportsSql.CountTasksSql(where), args, cancellationToken: ct)));
        }

        var mediaFields = project.Schema.Media;
        // Sizes of images only a URL names are looked up task by task, so only where an import left some.
        var externalSizes = mediaFields.Any && await c.ExecuteScalarAsync<long>(new CommandDefinition(
            ExportsSql.AnyExternalImageSizeSql, new { projectId }, cancellationToken: ct)) > 0;
        using var schema = JsonDocument.Parse(project.SchemaJson);
        var spill = new List<string>();
        var writer = ExportWriter.Create(ParseFormat(format), output, schema.RootElement, new ExportOptions
        {
            IncludeHistory = filter.History,
            TempStreamFactory = () => TempFile(spill),
        });
        long written = 0, reported = 0;
        ExportConsensus? consensus = null;
        if (filter.Consensus)
        {
            var method = TruthInference.DefaultMethod;
            if (filter.ConsensusMethod is { } name && !TruthInference.TryParseMethod(name, out method))
            {
                throw new InvalidOperationException($"Unknown truth inference method '{name}'.");
            }
            consensus = await ExportConsensus.CreateAsync(c, project, method, ct);
        }
        // Pages are read on a task of their own while this one writes; stopping either stops both.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var (pages, read) = new ExportPages(db, media, new ExportPages.Query(projectId, where, args, mediaFields, externalSizes, filter.History, consensus)
        {
            // Label Studio's export carries rejected annotations beside the others (marked by their last action).
            Rejected = ParseFormat(format) == ExportFormat.LabelStudio,
        })
            .Start(reading.Token);
        try
        {
            await foreach (var page in pages.ReadAllAsync(ct))
            {
                foreach (var task in page)
                {
                    await writer.WriteTaskAsync(task, ct);
                    if (onTask is not null)
                    {
                        await onTask(task);
                    }
                    written++;
                }
                // Progress (and the heartbeat) at most every quarter second: a write per page was a
                // commit, an fsync on SQLite, per 1,000 rows.
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                if (onPage is not null && now - reported >= 250)
                {
                    reported = now;
                    await onPage(written);
                }
            }
            await writer.CompleteAsync(ct);
            return (written, writer.ProblemCount, writer.ProblemCount > 0 ? writer.Problems[0] : null);
        }
        finally
        {
            await reading.CancelAsync();
            await read;
            foreach (var path in spill)
            {
                File.Delete(path);
            }
        }
    }

    private static FileStream TempFile(List<string> spill)
    {
        var path = Path.Combine(Path.GetTempPath(), $"yz-export-{Guid.NewGuid():N}.tmp");
        spill.Add(path);
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
    }

    public static ExportFormat ParseFormat(string format) => format switch
    {
        "jsonl" => ExportFormat.Jsonl,
        "labelstudio" => ExportFormat.LabelStudio,
        "csv" => ExportFormat.Csv,
        "conll" => ExportFormat.Conll,
        "coco" => ExportFormat.Coco,
        "yolo" => ExportFormat.Yolo,
        "voc" => ExportFormat.Voc,
        "parquet" => ExportFormat.Parquet,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown export format"),
    };
}

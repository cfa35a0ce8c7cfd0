using System.Text;
using System.Threading.Channels;
using Yunzhong.Core.Formats;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Imports;

public sealed record ImportOutcome(long Imported, long Duplicates, IReadOnlyList<ImportError> Errors, long ErrorCount);

/// <summary>
/// Writes imported rows as tasks inside one transaction: each row is checked against the label
/// schema, a row whose key the project already has is counted as a duplicate and skipped, and any
/// bad row rolls the whole import back. Memory stays flat: rows stream from the reader into
/// prepared statements (SQLite) or batches of statements (PostgreSQL).
/// </summary>
public sealed class TaskImporter(Db db, TimeProvider time, Access access, ServerOptions server)
{
    /// <summary>How many row errors a refused import reports; the count covers them all.</summary>
    public const int MaxReportedErrors = 100;
    private const string MediaScheme = "media:";

    /// <summary>The whole body in a file of the data folder's <c>tmp/</c>, deleted when closed, read from its start.</summary>
    private async Task<FileStream> SpoolAsync(Stream input, CancellationToken ct)
    {
        var dir = Directory.CreateDirectory(Path.Combine(Path.GetFullPath(server.DataDir), "tmp")).FullName;
        var file = new FileStream(Path.Combine(dir, $"import-{Guid.NewGuid():N}.spool"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None,
            1 << 16, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await input.CopyToAsync(file, 1 << 16, ct);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    public async Task<ImportOutcome> ImportAsync(ProjectConfig project, long userId, Stream input, ImportFormat format, CancellationToken ct)
    {
        var errors = new List<ImportError>();
        long errorCount = 0, rows = 0;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var mediaFields = project.Schema.Fields
            .Where(f => f.Type is FieldType.Image or FieldType.Audio or FieldType.Video)
            .Select(f => f.Name).ToArray();
        var mediaPrefix = MediaIndex.UrlPrefix(project.Id);
        var options = new ImportOptions(JsonSerializer.Deserialize<JsonElement>(project.SchemaJson));

        // SQLite has one writer for the whole database: an import that streamed its body inside the
        // write transaction held every annotator's queue while a slow client was still sending (seen
        // while testing the stop signal: submissions of every organisation stalled behind one
        // half-sent upload). The body goes to a spool file first, so the lock is held only while
        // rows are written, at disk speed; memory stays flat. PostgreSQL locks rows, not the
        // database, and streams as before.
        await using var spool = db.Dialect.OneWriter ? await SpoolAsync(input, ct) : null;
        input = spool ?? input;

        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        using var sql = new HotStatements(c);
        // The queue order as of this transaction, the project row share-locked on PostgreSQL (on
        // SQLite the write lock does it): a switch to random or least-annotated order either
        // committed first, and these tasks get their shuffle key or least_order flag here, or it
        // waits for this import and then gives them theirs.
        project = project with
        {
            Order = await sql[ImportsSql.OrderSql(db.Dialect)].Bind("projectId", project.Id).ScalarTextAsync(ct) ?? project.Order,
        };

        // Two stages on two cores: this one reads, parses and checks rows; the writer stores the
        // checked ones in order. Chunks bound the memory between them.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var chunks = Channel.CreateBounded<List<Checked>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            try
            {
                return await WriteAsync(sql, project, userId, now, chunks.Reader, stop.Token);
            }
            catch
            {
                await stop.CancelAsync(); // unblock the reading stage
                throw;
            }
        }, CancellationToken.None);
        var chunk = new List<Checked>(ChunkRows);
        try
        {
            await foreach (var row in TaskImport.ReadAsync(input, format, options, stop.Token))
            {
                rows++;
                if (row.Error is not null)
                {
                    Report(row.Error);
                    continue;
                }
                byte[] data;
                using (var doc = JsonDocument.Parse(row.DataJson))
                {
                    Check(row, doc.RootElement);
                    if (errorCount > 0)
                    {
                        continue; // keep reading to report every bad row, but store nothing more
                    }
                    data = mediaFields.Length > 0 ? RewriteMedia(doc.RootElement, mediaFields, mediaPrefix, row.DataJson) : row.DataJson;
                }
                chunk.Add(new Checked(row, data, row.GoldAnswerJson is not null && project.Quality.GoldRate > 0));
                if (chunk.Count == ChunkRows)
                {
                    await chunks.Writer.WriteAsync(chunk, stop.Token);
                    chunk = new List<Checked>(ChunkRows);
                }
            }
            if (errorCount == 0 && chunk.Count > 0)
            {
                await chunks.Writer.WriteAsync(chunk, stop.Token);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            // The writer failed and stopped the reading; awaiting it below reports why.
        }
        catch
        {
            // The upload broke off (or the caller went away): the writer must be done with the
            // connection before the transaction is rolled back.
            await StopWriterAsync();
            throw;
        }
        chunks.Writer.TryComplete();
        if (errorCount > 0)
        {
            await StopWriterAsync(); // nothing will be stored
            await tx.RollbackAsync(ct);
            return new ImportOutcome(0, 0, errors, errorCount);
        }
        var imported = await writer;
        await db.CommitLargeAsync(c, tx, ct);
        access.Forget(project.Id);
        return new ImportOutcome(imported, rows - imported, errors, 0);

        // Cancels the writer and waits until it has let go of the connection, whatever it ended with.
        async Task StopWriterAsync()
        {
            await stop.CancelAsync();
            await writer.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        void Check(ImportRow row, JsonElement data)
        {
            foreach (var e in project.Schema.ValidateTaskData(data))
            {
                Report(new ImportError(row.Line, e.Path.TrimStart('/').Replace('/', '.'), e.Message));
            }
            if (row.GoldAnswerJson is not null)
            {
                using var gold = JsonDocument.Parse(row.GoldAnswerJson);
                foreach (var e in AnnotationValidator.Validate(project.Schema, data, gold.RootElement))
                {
                    Report(new ImportError(row.Line, "gold" + e.Path.Replace('/', '.'), e.Message));
                }
            }
            foreach (var (results, what) in new[] { (row.Predictions, "predictions"), (row.Annotations, "annotations") })
            {
                for (var i = 0; i < results.Count; i++)
                {
                    using var r = JsonDocument.Parse(results[i].ResultJson);
                    foreach (var e in AnnotationValidator.Validate(project.Schema, data, r.RootElement))
                    {
                        Report(new ImportError(row.Line, $"{what}[{i}]{e.Path.Replace('/', '.')}", e.Message));
                    }
                }
            }
        }

        void Report(ImportError e)
        {
            errorCount++;
            if (errors.Count < MaxReportedErrors)
            {
                errors.Add(e);
            }
        }
    }

    /// <summary>Rows handed from the reading stage to the writer.</summary>
    private const int ChunkRows = 1024;

    /// <param name="Data">The task's data as UTF-8 JSON, media references already rewritten.</param>
    /// <param name="Control">A gold task served at the project's gold rate rather than in queue order.</param>
    private sealed record Checked(ImportRow Row, byte[] Data, bool Control);

    /// <summary>The writing stage: stores checked rows in import order; returns how many were new.</summary>
    private static async Task<long> WriteAsync(
        HotStatements sql, ProjectConfig project, long userId, long now, ChannelReader<List<Checked>> chunks, CancellationToken ct)
    {
        long imported = 0;
        // SQLite inserts row by row through one prepared statement: measured on 1,000,000 rows, a
        // 64-row VALUES list took twice as long there, while PostgreSQL saves a round trip per row
        // with the long list.
        var perInsert = sql.Connection is Microsoft.Data.Sqlite.SqliteConnection ? 1 : RowsPerInsert;
        var insert = sql[InsertSql(project, now, perInsert)];
        string insertOne = InsertSql(project, now, 1) + " RETURNING id", insertControl = InsertSql(project, now, 1, control: true) + " RETURNING id";
        var pending = new List<Checked>(perInsert);
        await foreach (var chunk in chunks.ReadAllAsync(ct))
        {
            foreach (var item in chunk)
            {
                var row = item.Row;
                if (row.Predictions.Count == 0 && row.Annotations.Count == 0 && !item.Control)
                {
                    pending.Add(item);
                    if (pending.Count == perInsert)
                    {
                        imported += await FlushAsync(sql, project, pending, insert, now, ct);
                    }
                    continue;
                }
                // A row with results needs its task id back, and a control task its own target: keep
                // import order by flushing what waits first.
                imported += await FlushAsync(sql, project, pending, null, now, ct);
                var taskId = await Bind(sql[item.Control ? insertControl : insertOne], 0, project, item).ScalarInt64Async(ct);
                if (taskId is not { } id)
                {
                    continue; // its key is already taken
                }
                imported++;
                foreach (var p in row.Predictions)
                {
                    await sql[ImportsSql.InsertPredictionSql]
                        .Bind("taskId", id).Bind("model", p.Author ?? "imported").Bind("result", p.ResultJson).Bind("score", p.Score).Bind("now", now)
                        .ExecuteAsync(ct);
                }
                if (row.Annotations.Count > 0)
                {
                    await ImportAnnotationsAsync(sql, project, userId, id, row.Annotations, now, ct);
                }
            }
        }
        return imported + await FlushAsync(sql, project, pending, null, now, ct);
    }

    /// <summary>Tasks without results go in many to a statement: one statement step instead of
    /// dozens, and on PostgreSQL one round trip. Project, target and time are the same for every row
    /// of an import (and so is whether they enter the least-annotated index), so they are written
    /// into the SQL (they are numbers) rather than bound each time.</summary>
    private const int RowsPerInsert = 64;

    /// <summary>Parameters bound per task row of <see cref="InsertSql"/>.</summary>
    private const int RowParams = TaskStates.InsertedTaskParams;

    /// <summary>A task's place in random order: only projects that use random order need one (0
    /// keeps the task out of that order's index).</summary>
    private static long ShuffleKey(ProjectConfig project) => project.Order == "random" ? Random.Shared.NextInt64(1, long.MaxValue) : 0;

    /// <summary>Whether tasks enter the least-annotated index (see 0005_least_only_when_least_annotated):
    /// only projects that use that order need them there.</summary>
    private static int LeastOrder(ProjectConfig project) => project.Order == "leastAnnotated" ? 1 : 0;

    /// <summary>The statement that creates <paramref name="rows"/> tasks (see <see cref="TaskStates.InsertTasksSql"/>).</summary>
    private static string InsertSql(ProjectConfig project, long now, int rows, bool control = false) =>
        TaskStates.InsertTasksSql(project.Id, project.Overlap, LeastOrder(project), now, rows, control);

    /// <summary>Binds one task's parameters of <see cref="InsertSql"/>, the row's first at <paramref name="at"/> + 1: by
    /// position, since a statement of 64 rows has 384 names (@key0 ... @gold63) and their order is fixed.</summary>
    private static HotCommand Bind(HotCommand insert, int at, ProjectConfig project, Checked task) =>
        insert.Bind(at + 1, task.Row.Key).BindUtf8(at + 2, task.Data).Bind(at + 3, task.Row.Priority).Bind(at + 4, ShuffleKey(project))
            .Bind(at + 5, Random.Shared.Next(100)).Bind(at + 6, task.Row.GoldAnswerJson);

    /// <summary>Writes the waiting tasks; returns how many were new (the rest had keys the project already has).</summary>
    /// <param name="insert">The statement for this many rows when the caller has it at hand.</param>
    private static async ValueTask<long> FlushAsync(
        HotStatements sql, ProjectConfig project, List<Checked> pending, HotCommand? insert, long now, CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return 0;
        }
        insert ??= sql[InsertSql(project, now, pending.Count)];
        for (var i = 0; i < pending.Count; i++)
        {
            Bind(insert, i * RowParams, project, pending[i]);
        }
        pending.Clear();
        return await insert.ExecuteAsync(ct); // on SQLite it completes at once: its statements run synchronously
    }

    /// <summary>
    /// Annotations made elsewhere (a Label Studio export) arrive as finished work by the importing
    /// user: they count toward the task's overlap and are exported like any other.
    /// </summary>
    private static async Task ImportAnnotationsAsync(
        HotStatements sql, ProjectConfig project, long userId, long taskId, IReadOnlyList<ImportedResult> annotations, long now, CancellationToken ct)
    {
        foreach (var a in annotations)
        {
            await sql[
                ImportsSql.InsertAnnotationSql].Bind("taskId", taskId).Bind("projectId", project.Id).Bind("userId", userId).Bind("result", a.ResultJson).Bind("now", now)
                .ExecuteAsync(ct);
        }
        await sql[TaskStates.ImportAnnotationsSql].Bind("count", annotations.Count).Bind("taskId", taskId).ExecuteAsync(ct);
    }

    /// <summary>Turns <c>media:NAME</c> in media fields into the project's media URL.</summary>
    private static byte[] RewriteMedia(JsonElement data, string[] fields, string prefix, byte[] raw)
    {
        var needed = false;
        foreach (var f in fields)
        {
            if (data.TryGetProperty(f, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.StartsWith(MediaScheme, StringComparison.Ordinal))
            {
                needed = true;
            }
        }
        if (!needed)
        {
            return raw;
        }
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var p in data.EnumerateObject())
            {
                if (fields.Contains(p.Name) && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.StartsWith(MediaScheme, StringComparison.Ordinal))
                {
                    var name = p.Value.GetString()![MediaScheme.Length..];
                    w.WriteString(p.Name, prefix + Uri.EscapeDataString(name).Replace("%2F", "/", StringComparison.Ordinal));
                }
                else
                {
                    p.WriteTo(w);
                }
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }
}

using System.Data.Common;
using Dapper;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Schema;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Security;

namespace Yunzhong.Server.Features.Imports;

public sealed record ImportOutcome(long Imported, long Duplicates, IReadOnlyList<ImportError> Errors, long ErrorCount);

/// <summary>
/// Writes imported rows as tasks inside one transaction: each row is checked against the label
/// schema, a row whose key the project already has is counted as a duplicate and skipped, and any
/// bad row rolls the whole import back. Memory stays flat: rows stream from the reader into
/// prepared statements (SQLite) or batches of statements (PostgreSQL).
/// </summary>
public sealed class TaskImporter(Db db, TimeProvider time, Access access)
{
    /// <summary>How many row errors a refused import reports; the count covers them all.</summary>
    public const int MaxReportedErrors = 100;
    private const string MediaScheme = "media:";

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

        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        using var sql = new Statements(c);
        // The queue order as of this transaction, the project row share-locked on PostgreSQL (on
        // SQLite the write lock does it): a switch to random order either committed first, and
        // these tasks get shuffle keys here, or waits for this import and then gives them theirs.
        project = project with
        {
            Order = await c.ExecuteScalarAsync<string>(new CommandDefinition(
                $"SELECT task_order FROM projects WHERE id = @id{(db.IsSqlite ? "" : " FOR SHARE")}", new { id = project.Id }, tx,
                cancellationToken: ct)) ?? project.Order,
        };

        // Two stages on two cores: this one reads, parses and checks rows; the writer stores the
        // checked ones in order. Chunks bound the memory between them.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var chunks = Channel.CreateBounded<List<Checked>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var writer = Task.Run(async () =>
        {
            try
            {
                return await WriteAsync(sql, tx, project, userId, now, chunks.Reader, stop.Token);
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
        Statements sql, DbTransaction tx, ProjectConfig project, long userId, long now, ChannelReader<List<Checked>> chunks,
        CancellationToken ct)
    {
        long imported = 0;
        // SQLite inserts row by row through one prepared statement: measured on 1,000,000 rows, a
        // 64-row VALUES list took twice as long there, while PostgreSQL saves a round trip per row
        // with the long list.
        var perInsert = sql.Connection is Microsoft.Data.Sqlite.SqliteConnection ? 1 : RowsPerInsert;
        var insertSql = InsertSql(project, now, perInsert);
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
                        imported += await FlushAsync(sql, tx, project, pending, insertSql, now, ct);
                    }
                    continue;
                }
                // A row with results needs its task id back, and a control task its own target: keep
                // import order by flushing what waits first.
                imported += await FlushAsync(sql, tx, project, pending, null, now, ct);
                var taskId = await InsertOneAsync(sql, tx, project, row.Key, Encoding.UTF8.GetString(item.Data), row.Priority, row.GoldAnswerJson,
                    item.Control, now, ct);
                if (taskId is null)
                {
                    continue;
                }
                imported++;
                foreach (var p in row.Predictions)
                {
                    await sql.Get("INSERT INTO predictions (task_id, model, result_json, score, created_at) VALUES (@t, @m, @r, @s, @now)", tx)
                        .With("@t", taskId).With("@m", p.Author ?? "imported").With("@r", p.ResultJson).With("@s", p.Score).With("@now", now)
                        .ExecuteNonQueryAsync(ct);
                }
                if (row.Annotations.Count > 0)
                {
                    await ImportAnnotationsAsync(sql, tx, project, userId, taskId.Value, row.Annotations, now, ct);
                }
            }
        }
        return imported + await FlushAsync(sql, tx, project, pending, null, now, ct);
    }

    /// <summary>Tasks without results go in many to a statement: one statement step instead of
    /// dozens, and on PostgreSQL one round trip. Project, target and time are the same for every row
    /// of an import, so they are written into the SQL (they are numbers) rather than bound each time.</summary>
    private const int RowsPerInsert = 64;

    /// <summary>A task's place in random order: only projects that use random order need one (0
    /// keeps the task out of that order's index).</summary>
    private static long ShuffleKey(ProjectConfig project) => project.Order == "random" ? Random.Shared.NextInt64(1, long.MaxValue) : 0;

    /// <summary>Control tasks are served to every annotator once (at the gold rate), never "complete".</summary>
    internal const long ControlTarget = 1_000_000_000;

    private static string InsertSql(ProjectConfig project, long now, int rows, bool control = false)
    {
        var t = control ? ControlTarget : project.Overlap;
        var sb = new StringBuilder(
            "INSERT INTO tasks (project_id, task_key, data_json, priority, shuffle, state, target, remaining, review_bucket, gold_json, control, created_at, updated_at) VALUES ");
        for (var i = 0; i < rows; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(System.Globalization.CultureInfo.InvariantCulture,
                $"({project.Id}, @k{i}, @d{i}, @p{i}, @s{i}, 'new', {t}, {t}, @b{i}, @g{i}, {(control ? 1 : 0)}, {now}, {now})");
        }
        return sb.Append(" ON CONFLICT (project_id, task_key) WHERE task_key IS NOT NULL DO NOTHING").ToString();
    }

    /// <summary>Writes the waiting tasks; returns how many were new (the rest had keys the project already has).</summary>
    /// <param name="insertSql">The statement for this many rows when the caller has it at hand.</param>
    private static async Task<long> FlushAsync(
        Statements sql, DbTransaction tx, ProjectConfig project, List<Checked> pending, string? insertSql, long now, CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return 0;
        }
        insertSql ??= InsertSql(project, now, pending.Count);
        if (sql.Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            return await FlushSqlite(sqlite, sql, project, insertSql, pending);
        }
        var cmd = sql.Get(insertSql, tx);
        for (var i = 0; i < pending.Count; i++)
        {
            var t = pending[i].Row;
            cmd.With(KeyParams[i], t.Key).With(DataParams[i], Encoding.UTF8.GetString(pending[i].Data)).With(PriorityParams[i], t.Priority)
                .With(ShuffleParams[i], ShuffleKey(project)).With(BucketParams[i], Random.Shared.Next(100))
                .With(GoldParams[i], t.GoldAnswerJson);
        }
        pending.Clear();
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async ValueTask<long> FlushSqlite(Microsoft.Data.Sqlite.SqliteConnection connection, Statements sql, ProjectConfig project, string insertSql, List<Checked> pending)
    {
        var statement = sql.Raw(connection, insertSql);
        for (var i = 0; i < pending.Count; i++)
        {
            var t = pending[i].Row;
            var at = i * 6;
            statement.Bind(at + 1, t.Key);
            statement.BindUtf8(at + 2, pending[i].Data);
            statement.Bind(at + 3, t.Priority);
            statement.Bind(at + 4, ShuffleKey(project));
            statement.Bind(at + 5, Random.Shared.Next(100));
            statement.Bind(at + 6, t.GoldAnswerJson);
        }
        pending.Clear();
        return await statement.ExecuteAsync(); // completes at once: SQLite statements run synchronously
    }

    private static readonly string[] KeyParams = Names("@k"), DataParams = Names("@d"), PriorityParams = Names("@p"),
        ShuffleParams = Names("@s"), BucketParams = Names("@b"), GoldParams = Names("@g");

    private static string[] Names(string prefix) =>
        Enumerable.Range(0, RowsPerInsert).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Inserts one task and returns its id; null when its key is already taken.</summary>
    private static async Task<long?> InsertOneAsync(
        Statements sql, DbTransaction tx, ProjectConfig project, string? key, string dataJson, int priority, string? gold, bool control, long now,
        CancellationToken ct) =>
        await sql.Get(InsertSql(project, now, 1, control) + " RETURNING id", tx)
            .With("@k0", key).With("@d0", dataJson).With("@p0", priority).With("@s0", ShuffleKey(project))
            .With("@b0", Random.Shared.Next(100)).With("@g0", gold)
            .ScalarLongAsync(ct);

    /// <summary>
    /// Annotations made elsewhere (a Label Studio export) arrive as finished work by the importing
    /// user: they count toward the task's overlap and are exported like any other.
    /// </summary>
    private static async Task ImportAnnotationsAsync(
        Statements sql, DbTransaction tx, ProjectConfig project, long userId, long taskId, IReadOnlyList<ImportedResult> annotations,
        long now, CancellationToken ct)
    {
        foreach (var a in annotations)
        {
            await sql.Get(
                """
                INSERT INTO annotations (task_id, project_id, user_id, author_id, version, status, result_json, created_at)
                VALUES (@t, @p, @u, @u, 1, 'submitted', @r, @now)
                """, tx).With("@t", taskId).With("@p", project.Id).With("@u", userId).With("@r", a.ResultJson).With("@now", now)
                .ExecuteNonQueryAsync(ct);
        }
        var n = annotations.Count;
        await sql.Get(
            """
            UPDATE tasks SET annotation_count = annotation_count + @n,
                remaining = CASE WHEN remaining > @n THEN remaining - @n ELSE 0 END,
                state = CASE WHEN annotation_count + @n >= target THEN 'annotated' ELSE 'in_progress' END
            WHERE id = @t
            """, tx).With("@n", n).With("@t", taskId).ExecuteNonQueryAsync(ct);
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

using System.Data.Common;
using System.Text;
using System.Text.Json;
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
        long errorCount = 0, imported = 0, rows = 0;
        var pending = new List<PendingTask>(RowsPerInsert);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var mediaFields = project.Schema.Fields
            .Where(f => f.Type is FieldType.Image or FieldType.Audio or FieldType.Video)
            .Select(f => f.Name).ToArray();
        var mediaPrefix = MediaIndex.UrlPrefix(project.Id);
        var options = new ImportOptions(JsonSerializer.Deserialize<JsonElement>(project.SchemaJson));

        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        using var sql = new Statements(c);
        await foreach (var row in TaskImport.ReadAsync(input, format, options, ct))
        {
            rows++;
            if (row.Error is not null)
            {
                Report(row.Error);
                continue;
            }
            string dataJson;
            using (var doc = JsonDocument.Parse(row.DataJson))
            {
                var rowErrors = project.Schema.ValidateTaskData(doc.RootElement);
                foreach (var e in rowErrors)
                {
                    Report(new ImportError(row.Line, e.Path.TrimStart('/').Replace('/', '.'), e.Message));
                }
                if (row.GoldAnswerJson is not null)
                {
                    using var gold = JsonDocument.Parse(row.GoldAnswerJson);
                    foreach (var e in AnnotationValidator.Validate(project.Schema, doc.RootElement, gold.RootElement))
                    {
                        Report(new ImportError(row.Line, "gold" + e.Path.Replace('/', '.'), e.Message));
                    }
                }
                foreach (var (results, what) in new[] { (row.Predictions, "predictions"), (row.Annotations, "annotations") })
                {
                    for (var i = 0; i < results.Count; i++)
                    {
                        using var r = JsonDocument.Parse(results[i].ResultJson);
                        foreach (var e in AnnotationValidator.Validate(project.Schema, doc.RootElement, r.RootElement))
                        {
                            Report(new ImportError(row.Line, $"{what}[{i}]{e.Path.Replace('/', '.')}", e.Message));
                        }
                    }
                }
                if (errorCount > 0)
                {
                    continue; // keep reading to report every bad row, but write nothing more
                }
                dataJson = mediaFields.Length > 0 ? RewriteMedia(doc.RootElement, mediaFields, mediaPrefix, row.DataJson) : Encoding.UTF8.GetString(row.DataJson);
            }

            var control = row.GoldAnswerJson is not null && project.Quality.GoldRate > 0;
            if (row.Predictions.Count == 0 && row.Annotations.Count == 0 && !control)
            {
                pending.Add(new PendingTask(row.Key, dataJson, row.Priority, row.GoldAnswerJson));
                if (pending.Count == RowsPerInsert)
                {
                    imported += await FlushAsync(sql, tx, project, pending, now, ct);
                }
                continue;
            }
            // A row with results needs its task id back, and a control task its own target: keep
            // import order by flushing what waits first.
            imported += await FlushAsync(sql, tx, project, pending, now, ct);
            var taskId = await InsertOneAsync(sql, tx, project, row.Key, dataJson, row.Priority, row.GoldAnswerJson, control, now, ct);
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

        if (errorCount > 0)
        {
            await tx.RollbackAsync(ct);
            return new ImportOutcome(0, 0, errors, errorCount);
        }
        imported += await FlushAsync(sql, tx, project, pending, now, ct);
        await tx.CommitAsync(ct);
        access.Forget(project.Id);
        return new ImportOutcome(imported, rows - errorCount - imported, errors, 0);

        void Report(ImportError e)
        {
            errorCount++;
            if (errors.Count < MaxReportedErrors)
            {
                errors.Add(e);
            }
        }
    }

    /// <summary>Tasks without results go in many to a statement: one statement step instead of
    /// dozens, and on PostgreSQL one round trip. Project, target and time are the same for every row
    /// of an import, so they are written into the SQL (they are numbers) rather than bound each time.</summary>
    private const int RowsPerInsert = 64;

    private sealed record PendingTask(string? Key, string DataJson, int Priority, string? GoldJson);

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
    private static async Task<long> FlushAsync(Statements sql, DbTransaction tx, ProjectConfig project, List<PendingTask> pending, long now, CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return 0;
        }
        if (sql.Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            return FlushSqlite(sqlite, sql, project, pending, now);
        }
        var cmd = sql.Get(InsertSql(project, now, pending.Count), tx);
        for (var i = 0; i < pending.Count; i++)
        {
            var t = pending[i];
            cmd.With(KeyParams[i], t.Key).With(DataParams[i], t.DataJson).With(PriorityParams[i], t.Priority)
                .With(ShuffleParams[i], Random.Shared.NextInt64(long.MaxValue)).With(BucketParams[i], Random.Shared.Next(100))
                .With(GoldParams[i], t.GoldJson);
        }
        pending.Clear();
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static long FlushSqlite(Microsoft.Data.Sqlite.SqliteConnection connection, Statements sql, ProjectConfig project, List<PendingTask> pending, long now)
    {
        var statement = sql.Raw(connection, InsertSql(project, now, pending.Count));
        for (var i = 0; i < pending.Count; i++)
        {
            var t = pending[i];
            var at = i * 6;
            statement.Bind(at + 1, t.Key);
            statement.Bind(at + 2, t.DataJson);
            statement.Bind(at + 3, t.Priority);
            statement.Bind(at + 4, Random.Shared.NextInt64(long.MaxValue));
            statement.Bind(at + 5, Random.Shared.Next(100));
            statement.Bind(at + 6, t.GoldJson);
        }
        pending.Clear();
        return statement.Execute();
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
            .With("@k0", key).With("@d0", dataJson).With("@p0", priority).With("@s0", Random.Shared.NextInt64(long.MaxValue))
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
    private static string RewriteMedia(JsonElement data, string[] fields, string prefix, byte[] raw)
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
            return Encoding.UTF8.GetString(raw);
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
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

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
        long errorCount = 0, imported = 0, duplicates = 0;
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

            var taskId = await InsertTaskAsync(sql, tx, project, row, dataJson, now, ct);
            if (taskId is null)
            {
                duplicates++;
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
        await tx.CommitAsync(ct);
        access.Forget(project.Id);
        return new ImportOutcome(imported, duplicates, errors, 0);

        void Report(ImportError e)
        {
            errorCount++;
            if (errors.Count < MaxReportedErrors)
            {
                errors.Add(e);
            }
        }
    }

    private static async Task<long?> InsertTaskAsync(
        Statements sql, DbTransaction tx, ProjectConfig project, ImportRow row, string dataJson, long now, CancellationToken ct) =>
        await sql.Get(
            """
            INSERT INTO tasks (project_id, task_key, data_json, priority, shuffle, state, target, remaining, review_bucket,
                               gold_json, created_at, updated_at)
            VALUES (@p, @k, @d, @prio, @shuffle, 'new', @target, @target, @bucket, @gold, @now, @now)
            ON CONFLICT (project_id, task_key) WHERE task_key IS NOT NULL DO NOTHING
            RETURNING id
            """, tx)
            .With("@p", project.Id).With("@k", row.Key).With("@d", dataJson).With("@prio", row.Priority)
            .With("@shuffle", Random.Shared.NextInt64(long.MaxValue)).With("@target", project.Overlap)
            .With("@bucket", Random.Shared.Next(100)).With("@gold", row.GoldAnswerJson).With("@now", now)
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

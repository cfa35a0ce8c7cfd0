using System.Security.Cryptography;
using System.Threading.Channels;
using Yunzhong.Core.Formats;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Features.Imports;

/// <param name="ImportId">The import's record (its tasks carry it); null when nothing was stored.</param>
/// <param name="Previous">When the same file was imported before and <see cref="ImportSource.Again"/> was not
/// set: that import; nothing was stored.</param>
public sealed record ImportOutcome(
    long Imported, long Duplicates, IReadOnlyList<ImportError> Errors, long ErrorCount, long? ImportId = null, PreviousImport? Previous = null)
{
    /// <summary>How many rows have at least one error (a row may have several: one per bad annotation field).</summary>
    public long ErrorRows { get; init; }
}

/// <summary>An earlier import of the same bytes into the project.</summary>
public sealed record PreviousImport(long Id, string FileName, DateTimeOffset CreatedAt, long Imported, long Duplicates);

/// <summary>Where an import's rows come from and how to read them.</summary>
/// <param name="FileName">The name the import is remembered by.</param>
/// <param name="Map">Data keys renamed before the rows are checked (column → schema field); a key mapped to "" is left out.</param>
/// <param name="Again">Import even when the project already had a file of the same bytes.</param>
public sealed record ImportSource(string FileName, IReadOnlyDictionary<string, string>? Map = null, bool Again = false);

/// <summary>
/// Writes imported rows as tasks inside one transaction: each row is checked against the label
/// schema, a row whose key the project already has is counted as a duplicate and skipped, and any
/// bad row rolls the whole import back. Memory stays flat: rows stream from the reader into
/// prepared statements (SQLite) or batches of statements (PostgreSQL).
/// </summary>
public sealed class TaskImporter(Db db, TimeProvider time, Access access, ServerOptions server, Workforce.Routing routing)
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

    public async Task<ImportOutcome> ImportAsync(
        ProjectConfig project, long userId, Stream input, ImportFormat format, ImportSource source, CancellationToken ct)
    {
        // The file's bytes are hashed as they pass, so a file sent again is recognised.
        using var fileHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        input = new HashingStream(input, fileHash);
        var map = source.Map is { Count: > 0 } m ? m : null;
        var errors = new List<ImportError>();
        long errorCount = 0, errorRows = 0, rows = 0, lastErrorRow = 0;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var mediaWalk = project.Schema.Media;
        var mediaPrefix = MediaIndex.UrlPrefix(project.Id);
        await using var uploads = new UploadCheck(db, project.Id);
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
        var importId = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            ImportsSql.InsertImportSql, new { projectId = project.Id, fileName = source.FileName, userId, now }, tx, cancellationToken: ct));
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
                return await WriteAsync(sql, project, userId, now, importId, chunks.Reader, stop.Token);
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
                var raw = map is null ? row.DataJson : Remap(row.DataJson, map);
                using (var doc = JsonDocument.Parse(raw))
                {
                    Check(row, doc.RootElement);
                    var shorthand = mediaWalk.Any && ExpectUploads(row, doc.RootElement);
                    if (uploads.Pending >= UploadCheck.Batch)
                    {
                        await uploads.CheckAsync(ReportNotUploaded, stop.Token);
                    }
                    if (errorCount > 0)
                    {
                        continue; // keep reading to report every bad row, but store nothing more
                    }
                    data = shorthand ? RewriteMedia(mediaWalk, doc.RootElement, mediaPrefix, raw) : raw;
                }
                chunk.Add(new Checked(row, data, DataHash(data), row.GoldAnswerJson is not null && project.Quality.GoldRate > 0));
                if (chunk.Count == ChunkRows)
                {
                    await chunks.Writer.WriteAsync(chunk, stop.Token);
                    chunk = new List<Checked>(ChunkRows);
                }
            }
            await uploads.CheckAsync(ReportNotUploaded, stop.Token);
            if (errorCount == 0 && chunk.Count > 0)
            {
                await chunks.Writer.WriteAsync(chunk, stop.Token);
            }
            if (errorCount == 0)
            {
                // A reader may stop at its last row before the end of the body; the hash covers it all.
                await input.CopyToAsync(Stream.Null, stop.Token);
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
            // Media are checked some rows behind the schema: their errors go back in row order.
            return new ImportOutcome(0, 0, [.. errors.OrderBy(e => e.Line)], errorCount) { ErrorRows = errorRows };
        }
        var imported = await writer;
        var hash = Convert.ToHexStringLower(fileHash.GetHashAndReset());
        if (!source.Again)
        {
            var previous = await c.QueryFirstOrDefaultAsync<PreviousRow>(new CommandDefinition(
                ImportsSql.PreviousSql, new { projectId = project.Id, hash }, tx, cancellationToken: ct));
            if (previous is not null)
            {
                await tx.RollbackAsync(ct);
                return new ImportOutcome(0, 0, errors, 0, null,
                    new PreviousImport(previous.Id, previous.FileName, Http.Time(previous.CreatedAt), previous.Imported, previous.Duplicates));
            }
        }
        // In most-uncertain order the new tasks enter the queue with their key (0021_learning).
        await Learning.UncertaintyKeys.RefreshImportAsync(c, tx, project, importId, ct);
        await routing.MarkImportAsync(c, tx, project.Id, importId, ct);
        await c.ExecuteAsync(new CommandDefinition(
            ImportsSql.FinishImportSql, new { importId, hash, imported, duplicates = rows - imported }, tx, cancellationToken: ct));
        await Webhooks.WebhookOutbox.EnqueueAsync(c, tx, project.Id, Webhooks.WebhookEvent.TasksImported, new System.Text.Json.Nodes.JsonObject
        {
            ["import"] = new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = importId, ["fileName"] = source.FileName, ["importedBy"] = userId, ["tasks"] = imported, ["duplicates"] = rows - imported,
            },
        }, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await db.CommitLargeAsync(c, tx, ct);
        access.Forget(project.Id);
        if (db.Dialect == SqlDialect.Postgres && imported >= ImportsSql.AnalyzeAfterRows)
        {
            await c.ExecuteAsync(new CommandDefinition(ImportsSql.AnalyzeTasksSql, cancellationToken: CancellationToken.None));
        }
        return new ImportOutcome(imported, rows - imported, errors, 0, importId);

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
                // "/data/text/0/id" is field text, item 1, key id.
                var path = e.Path.StartsWith("/data", StringComparison.Ordinal) ? e.Path[5..] : e.Path;
                Report(new ImportError(row.Line, e.Path.TrimStart('/').Replace('/', '.'), e.Message, e.Code ?? ProblemCodes.ImportRow, Where(path, e.Args)));
            }
            if (row.GoldAnswerJson is not null)
            {
                using var gold = JsonDocument.Parse(row.GoldAnswerJson);
                foreach (var e in AnnotationValidator.Validate(project.Schema, data, gold.RootElement))
                {
                    Report(new ImportError(row.Line, "gold" + e.Path.Replace('/', '.'), e.Message, e.Code ?? ProblemCodes.ImportRow, Where(e.Path, e.Args, "gold")));
                }
            }
            foreach (var (results, what) in new[] { (row.Predictions, "predictions"), (row.Annotations, "annotations") })
            {
                for (var i = 0; i < results.Count; i++)
                {
                    using var r = JsonDocument.Parse(results[i].ResultJson);
                    foreach (var e in AnnotationValidator.Validate(project.Schema, data, r.RootElement))
                    {
                        Report(new ImportError(row.Line, $"{what}[{i}]{e.Path.Replace('/', '.')}", e.Message, e.Code ?? ProblemCodes.ImportRow,
                            Where(e.Path, e.Args, what, i + 1)));
                    }
                }
            }
        }

        // Where in the row a schema check's error is, in words a client shows (never the path), with the error's own values.
        static Dictionary<string, object?> Where(string path, IReadOnlyDictionary<string, object?>? args, string? part = null, int? partItem = null)
        {
            var where = ProblemCodes.FieldParams(path);
            foreach (var (k, v) in args ?? new Dictionary<string, object?>())
            {
                where[k] = v;
            }
            if (part is not null)
            {
                where["part"] = part;
            }
            if (partItem is not null)
            {
                where["partItem"] = partItem;
            }
            return where;
        }

        void Report(ImportError e)
        {
            errorCount++;
            if (lastErrorRow != rows)
            {
                errorRows++;
                lastErrorRow = rows;
            }

            if (errors.Count < MaxReportedErrors)
            {
                errors.Add(e);
            }
        }

        // The row's media: shorthands wait for the upload check; true when it has any.
        bool ExpectUploads(ImportRow row, JsonElement data)
        {
            var any = false;
            foreach (var m in mediaWalk.In(data))
            {
                if (m.Value.StartsWith(MediaScheme, StringComparison.Ordinal))
                {
                    uploads.Expect(new UploadCheck.Expected(row.Line, rows, lastErrorRow == rows, m, m.Value[MediaScheme.Length..]));
                    any = true;
                }
            }
            return any;
        }

        // A row counts once among the bad ones, whether its schema check or an earlier media error counted it already.
        void ReportNotUploaded(UploadCheck.Expected e, bool rowCounted)
        {
            errorCount++;
            if (!rowCounted)
            {
                errorRows++;
            }
            if (errors.Count < MaxReportedErrors)
            {
                var path = "/data" + e.Reference.Path;
                errors.Add(new ImportError(e.Line, path.TrimStart('/').Replace('/', '.'),
                    $"The project has no media file '{e.Name}' (named by media:{e.Name}): upload it first.", ProblemCodes.MediaNotUploaded,
                    Where(e.Reference.Path, new Dictionary<string, object?> { ["file"] = e.Name, ["name"] = e.Reference.Field })));
            }
        }
    }

    /// <summary>Rows handed from the reading stage to the writer.</summary>
    private const int ChunkRows = 1024;

    /// <param name="Data">The task's data as UTF-8 JSON, media references already rewritten.</param>
    /// <param name="Hash">The data's hash (<see cref="DataHash"/>): a row whose data the project holds is a duplicate.</param>
    /// <param name="Control">A gold task served at the project's gold rate rather than in queue order.</param>
    private sealed record Checked(ImportRow Row, byte[] Data, long Hash, bool Control);

    private sealed record PreviousRow(long Id, string FileName, long CreatedAt, long Imported, long Duplicates);

    /// <summary>The first 64 bits of the SHA-256 of a task's data as stored: two tasks of a project
    /// with the same hash hold the same data. An integer rather than the 128-bit hex text first
    /// tried: the unique index on a random 32-character text doubled SQLite's insert time per row,
    /// an 8-byte key adds a sixth of it. Two different rows of one project collide with a chance of
    /// about 3e-8 at a million tasks (the second would be counted a duplicate).</summary>
    internal static long DataHash(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(digest);
    }

    /// <summary>The writing stage: stores checked rows in import order; returns how many were new.</summary>
    private static async Task<long> WriteAsync(
        HotStatements sql, ProjectConfig project, long userId, long now, long importId, ChannelReader<List<Checked>> chunks, CancellationToken ct)
    {
        long imported = 0;
        // SQLite inserts row by row through one prepared statement: measured on 1,000,000 rows, a
        // 64-row VALUES list took twice as long there, while PostgreSQL saves a round trip per row
        // with the long list.
        var perInsert = sql.Connection is Microsoft.Data.Sqlite.SqliteConnection ? 1 : RowsPerInsert;
        var insert = sql[InsertSql(project, now, importId, perInsert)];
        string insertOne = InsertSql(project, now, importId, 1) + " RETURNING id", insertControl = InsertSql(project, now, importId, 1, control: true) + " RETURNING id";
        var pending = new List<Checked>(perInsert);
        var members = new Dictionary<string, long?>(StringComparer.OrdinalIgnoreCase);
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
                        imported += await FlushAsync(sql, project, pending, insert, now, importId, ct);
                    }
                    continue;
                }
                // A row with results needs its task id back, and a control task its own target: keep
                // import order by flushing what waits first.
                imported += await FlushAsync(sql, project, pending, null, now, importId, ct);
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
                    await ImportAnnotationsAsync(sql, project, userId, id, row.Annotations, now, members, ct);
                }
                foreach (var (reference, (width, height)) in row.ImageSizes)
                {
                    if (!reference.StartsWith(MediaScheme, StringComparison.Ordinal))
                    {
                        await sql[ImportsSql.InsertImageSizeSql].Bind("projectId", project.Id).Bind("reference", reference)
                            .Bind("width", width).Bind("height", height).ExecuteAsync(ct);
                    }
                }
            }
        }
        return imported + await FlushAsync(sql, project, pending, null, now, importId, ct);
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
    private static string InsertSql(ProjectConfig project, long now, long importId, int rows, bool control = false) =>
        TaskStates.InsertTasksSql(project.Id, project.Overlap, LeastOrder(project), now, rows, control, importId);

    /// <summary>Binds one task's parameters of <see cref="InsertSql"/>, the row's first at <paramref name="at"/> + 1: by
    /// position, since a statement of 64 rows has 384 names (@key0 ... @gold63) and their order is fixed.</summary>
    private static HotCommand Bind(HotCommand insert, int at, ProjectConfig project, Checked task) =>
        insert.Bind(at + 1, task.Row.Key).BindUtf8(at + 2, task.Data).Bind(at + 3, task.Row.Priority).Bind(at + 4, ShuffleKey(project))
            .Bind(at + 5, Random.Shared.Next(100)).Bind(at + 6, task.Row.GoldAnswerJson).Bind(at + 7, task.Hash);

    /// <summary>Writes the waiting tasks; returns how many were new (the rest had keys the project already has).</summary>
    /// <param name="insert">The statement for this many rows when the caller has it at hand.</param>
    private static async ValueTask<long> FlushAsync(
        HotStatements sql, ProjectConfig project, List<Checked> pending, HotCommand? insert, long now, long importId, CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return 0;
        }
        insert ??= sql[InsertSql(project, now, importId, pending.Count)];
        for (var i = 0; i < pending.Count; i++)
        {
            Bind(insert, i * RowParams, project, pending[i]);
        }
        pending.Clear();
        return await insert.ExecuteAsync(ct); // on SQLite it completes at once: its statements run synchronously
    }

    /// <summary>
    /// Annotations made elsewhere (a Label Studio export) arrive as finished work by the member the file
    /// names, else by the importing user: they count toward the task's overlap and are exported like any
    /// other. One the file says a reviewer rejected is kept as rejected and does not count, as a rejection
    /// here of work without a lease opens its slot to anyone; a task its accepted ones complete is accepted.
    /// </summary>
    private static async Task ImportAnnotationsAsync(
        HotStatements sql, ProjectConfig project, long userId, long taskId, IReadOnlyList<ImportedResult> annotations, long now,
        Dictionary<string, long?> members, CancellationToken ct)
    {
        var counted = 0;
        var accepted = true;
        foreach (var a in annotations)
        {
            var by = await MemberAsync(sql, project, a.Author, members, ct) ?? userId;
            var status = a.Review switch { "accepted" or "fixed" => "accepted", "rejected" => "rejected", _ => "submitted" };
            counted += status == "rejected" ? 0 : 1;
            accepted &= status != "submitted";
            await sql[ImportsSql.InsertAnnotationSql].Bind("taskId", taskId).Bind("projectId", project.Id).Bind("userId", by)
                .Bind("status", status).Bind("result", a.ResultJson)
                .Bind("createdAt", a.CreatedAt?.ToUnixTimeMilliseconds() ?? now).Bind("updatedAt", a.UpdatedAt?.ToUnixTimeMilliseconds())
                .Bind("leadTime", a.LeadTimeSeconds).Bind("groundTruth", a.GroundTruth ? 1 : 0).Bind("source", a.SourceJson)
                .ExecuteAsync(ct);
        }
        if (counted > 0)
        {
            await sql[TaskStates.ImportAnnotationsSql].Bind("count", counted).Bind("accepted", accepted ? 1 : 0).Bind("taskId", taskId).ExecuteAsync(ct);
        }
    }

    /// <summary>
    /// The member of the project's organisation a file names as an annotation's author, by email:
    /// a <c>completed_by</c> user object's email, else <c>created_username</c>, which Label Studio writes
    /// as "email, id". Null when no member has it: the annotation is then the importing user's (the
    /// file's own attribution is kept beside it all the same). Each name is looked up once per import.
    /// </summary>
    private static async ValueTask<long?> MemberAsync(
        HotStatements sql, ProjectConfig project, string? author, Dictionary<string, long?> members, CancellationToken ct)
    {
        var email = author?.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(part => part.Contains('@', StringComparison.Ordinal));
        if (email is null)
        {
            return null;
        }

        if (!members.TryGetValue(email, out var id))
        {
            id = await sql[ImportsSql.MemberByEmailSql].Bind("orgId", project.OrganizationId).Bind("email", email).ScalarInt64Async(ct);
            members[email] = id;
        }

        return id;
    }

    /// <summary>The data object with its keys renamed by <paramref name="map"/> (a key mapped to "" left out).</summary>
    internal static byte[] Remap(byte[] raw, IReadOnlyDictionary<string, string> map)
    {
        using var doc = JsonDocument.Parse(raw);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return raw; // the schema check reports it
        }
        using var buffer = new MemoryStream(raw.Length + 16);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var name = map.TryGetValue(p.Name, out var to) ? to : p.Name;
                if (name.Length > 0)
                {
                    w.WritePropertyName(name);
                    p.Value.WriteTo(w);
                }
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Turns <c>media:NAME</c> wherever the schema's fields refer to media (a document's pages too) into the project's media URL.</summary>
    private static byte[] RewriteMedia(MediaReferences walk, JsonElement data, string prefix, byte[] raw) =>
        walk.Rewrite(data, raw, m => m.Value.StartsWith(MediaScheme, StringComparison.Ordinal)
            ? prefix + Uri.EscapeDataString(m.Value[MediaScheme.Length..]).Replace("%2F", "/", StringComparison.Ordinal)
            : null);

    /// <summary>
    /// Checks that the media an import names by <c>media:NAME</c> are the project's uploads, a batch of
    /// references at a time in one query on a connection of its own (the import's is the writer's), so a
    /// million rows cost a thousand queries at most. Names found are remembered for the rest of the import,
    /// up to <see cref="MaxKnown"/> of them, so rows that share media are not asked again.
    /// </summary>
    private sealed class UploadCheck(Db db, long projectId) : IAsyncDisposable
    {
        /// <summary>References waiting before they are checked.</summary>
        public const int Batch = 1000;

        private const int MaxKnown = 100_000;

        /// <summary>A <c>media:NAME</c> reference of a row: the row's line and number, whether the row already counts
        /// among the bad ones (its schema check failed), where in its data and the name.</summary>
        public sealed record Expected(int Line, long Row, bool RowCounted, MediaReference Reference, string Name);

        private readonly List<Expected> _pending = new(Batch);
        private readonly HashSet<string> _known = new(StringComparer.Ordinal);
        private DbConnection? _connection;

        public int Pending => _pending.Count;

        public void Expect(Expected e) => _pending.Add(e);

        /// <summary>Checks what waits; <paramref name="report"/> hears each reference to no upload, in row order, with
        /// whether its row already counts among the bad ones.</summary>
        public async Task CheckAsync(Action<Expected, bool> report, CancellationToken ct)
        {
            if (_pending.Count == 0)
            {
                return;
            }
            var missing = _pending.Select(e => e.Name).Where(n => !_known.Contains(n)).ToHashSet(StringComparer.Ordinal);
            if (missing.Count > 0)
            {
                _connection ??= await db.OpenAsync(ct);
                var found = (await _connection.QueryAsync<(string Name, string ContentType)>(new CommandDefinition(
                    ImportsSql.MediaTypesSql(db.Dialect), new { projectId, names = missing.ToArray() }, cancellationToken: ct))).Select(r => r.Name).ToList();
                if (_known.Count + found.Count > MaxKnown)
                {
                    _known.Clear();
                }
                foreach (var name in found)
                {
                    missing.Remove(name);
                    _known.Add(name);
                }
            }
            long counted = -1;
            foreach (var e in _pending)
            {
                if (missing.Contains(e.Name))
                {
                    report(e, e.RowCounted || counted == e.Row);
                    counted = e.Row;
                }
            }
            _pending.Clear();
        }

        public async ValueTask DisposeAsync()
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }
        }
    }
}

/// <summary>Passes a stream's bytes through, adding each to a hash.</summary>
internal sealed class HashingStream(Stream inner, IncrementalHash hash) : ForwardOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        hash.AppendData(buffer, offset, n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken);
        hash.AppendData(buffer.Span[..n]);
        return n;
    }
}

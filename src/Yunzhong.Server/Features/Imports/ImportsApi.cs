using Microsoft.AspNetCore.Mvc;
using Yunzhong.Core.Formats;

namespace Yunzhong.Server.Features.Imports;

/// <param name="ImportId">The import's record: the task list's <c>importId</c> filter shows its tasks.</param>
public sealed record ImportResponse(long Imported, long Duplicates, long? ImportId);

/// <summary>One earlier import of a project, newest first.</summary>
public sealed record ImportView(long Id, string FileName, DateTimeOffset CreatedAt, string CreatedBy, long Imported, long Duplicates);

/// <summary>One task per named media file of the project (already uploaded): the file fills
/// <paramref name="Field"/>, or the schema's first field of the file's kind (image, audio, video).</summary>
/// <param name="Source">The name the import is remembered by (the dropped zip, or a list of the files).</param>
/// <param name="Again">Import even when the same files were imported before.</param>
public sealed record MediaTasksRequest(string[] Names, string? Field = null, string? Source = null, bool Again = false);

public static class ImportsApi
{
    public static IEndpointRouteBuilder MapImports(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/projects/{projectId:long}/imports", Import)
            .WithTags("Imports")
            .WithName("importTasks")
            .SignedIn()
            .Gated()
            .WithMetadata(new BodyLimit(nameof(LimitsOptions.ImportBodyMaxBytes)))
            .FieldErrors()
            .FieldErrors(StatusCodes.Status422UnprocessableEntity)
            .Problems(StatusCodes.Status413PayloadTooLarge)
            .Problems(StatusCodes.Status409Conflict)
            .WithDescription("The request body is the file itself, with any content type: the format comes from ?format=, ?filename= or the first bytes. " +
                "?map= is a JSON object renaming data keys (column → field; \"\" leaves a column out). A file whose bytes the project imported " +
                "before answers 409 (its `previous` import named) unless ?again=true; rows whose data the project already holds are skipped and counted.");
        app.MapPost("/api/projects/{projectId:long}/imports/media", ImportMedia)
            .WithTags("Imports").WithName("importMediaTasks").SignedIn().Gated().JsonBody()
            .FieldErrors().FieldErrors(StatusCodes.Status422UnprocessableEntity).Problems(StatusCodes.Status409Conflict);
        app.MapGet("/api/projects/{projectId:long}/imports", List)
            .WithTags("Imports").WithName("listImports").SignedIn().Gated();
        return app;
    }

    /// <summary>
    /// Streams the request body through the reader into one transaction: every row is checked, and the
    /// batch lands whole or not at all. A failed import answers 422 naming each bad row and field.
    /// </summary>
    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult, ValidationProblem>> Import(
        long projectId, string? format, string? filename, string? map, bool? again, HttpRequest request, ClaimsPrincipal user, Access access,
        TaskImporter importer, CancellationToken ct)
    {
        var userId = user.UserId();
        var (project, problem) = await access.GateAsync(userId, projectId, RoleNames.Manage, "Only admins and managers import tasks.", ct);
        if (project is null)
        {
            return problem!;
        }

        var head = new byte[8192];
        var n = await request.Body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        ImportFormat? chosen = format is null ? null : ParseFormat(format);
        if (format is not null && chosen is null)
        {
            return Http.Invalid("format", "format must be one of jsonl, json, csv, tsv, labelstudio.", ProblemCodes.FieldOneOf,
                ProblemCodes.Params(("allowed", "jsonl, json, csv, tsv, labelstudio")));
        }
        chosen ??= TaskImport.Detect(filename ?? "", head.AsSpan(0, n));
        if (chosen is null)
        {
            return Http.Invalid("format", "Cannot tell the file's format: pass ?format=jsonl|json|csv|tsv|labelstudio or ?filename=.",
                ProblemCodes.ImportUnknownFormat);
        }
        var renames = ParseMap(map);
        if (renames is null)
        {
            return Http.Invalid("map", "map must be a JSON object of strings (column → field), each field named once.", ProblemCodes.ImportMapInvalid);
        }
        await using var body = new PrefixedStream(head.AsMemory(0, n), request.Body);
        var source = new ImportSource(string.IsNullOrWhiteSpace(filename) ? "upload" : filename, renames, again ?? false);
        var outcome = await importer.ImportAsync(project, userId, body, chosen.Value, source, ct);
        return Answer(outcome, n == 0, line => $"row {line}");
    }

    /// <summary>The answer to an import: 422 naming each bad row (by <paramref name="row"/>), 409 for
    /// a file imported before, 422 for a file without tasks, else what was imported.</summary>
    private static Results<Ok<ImportResponse>, ProblemHttpResult, ValidationProblem> Answer(ImportOutcome outcome, bool emptyBody, Func<int, string> row)
    {
        if (outcome.Previous is { } previous)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "This file was imported before; nothing was imported. Send it with again=true to import it again.",
                detail: $"Import {previous.Id} ('{previous.FileName}') on {previous.CreatedAt:O} made {previous.Imported} task(s).",
                extensions: new Dictionary<string, object?> { ["previous"] = previous });
        }
        if (outcome.Errors.Count > 0)
        {
            var byKey = outcome.Errors.GroupBy(e => e.Field is null ? row(e.Line) : $"{row(e.Line)}: {e.Field}").ToList();
            var errors = byKey.ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
            // Each message's code, with the row and where in it (field, item, key) as its params: the
            // key ("row 3: annotations[0].result[2]") stays for API users, never for people.
            var fields = byKey.ToDictionary(g => g.Key, g => g.Select(e =>
            {
                var at = row(e.Line);
                var values = new Dictionary<string, object?> { [at.StartsWith("row ", StringComparison.Ordinal) ? "row" : "file"] = at.StartsWith("row ", StringComparison.Ordinal) ? e.Line : at };
                if (e.Field is not null && e.Args?.ContainsKey("part") != true)
                {
                    values["field"] = e.Field;
                }
                foreach (var (k, v) in e.Args ?? new Dictionary<string, object?>())
                {
                    values[k] = v;
                }
                return new ProblemCodes.Coded(e.Code, values);
            }).ToArray());
            // 422, not the 400 a ValidationProblem result always answers: the request was well-formed,
            // its rows were not (docs/api.md promises 422 here).
            return TypedResults.Problem(new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = $"The import was refused: {outcome.ErrorRows} row(s) have {outcome.ErrorCount} error(s); nothing was imported.",
                Extensions =
                {
                    ["errorCount"] = outcome.ErrorCount, ["errorRows"] = outcome.ErrorRows, [ProblemCodes.CodeKey] = ProblemCodes.ImportRowsInvalid,
                    [ProblemCodes.FieldsKey] = fields,
                },
            });
        }
        if (outcome.Imported == 0 && outcome.Duplicates == 0)
        {
            // An empty file (0 bytes, blank lines, a CSV header alone) is a mistake worth saying so:
            // "imported 0" read as success.
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["file"] = [emptyBody ? "The request body is empty: send the file as the body." : "The file holds no tasks."],
            })
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The import was refused: the file holds no tasks; nothing was imported.",
                Extensions = { [ProblemCodes.CodeKey] = ProblemCodes.ImportEmpty },
            });
        }
        return TypedResults.Ok(new ImportResponse(outcome.Imported, outcome.Duplicates, outcome.ImportId));
    }

    /// <summary>The <c>map</c> parameter read, an empty map when absent, or null when it is not a JSON object of distinct field names.</summary>
    internal static Dictionary<string, string>? ParseMap(string? map)
    {
        if (string.IsNullOrWhiteSpace(map))
        {
            return [];
        }
        try
        {
            var parsed = JsonSerializer.Deserialize<Dictionary<string, string>>(map);
            if (parsed is null)
            {
                return null;
            }
            var targets = parsed.Values.Where(v => v.Length > 0).ToList();
            return targets.Count == targets.Distinct(StringComparer.Ordinal).Count() ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Dropped images, audio or a zip become tasks: one per file, the file in the schema's field of its
    /// kind. Made as an import of one JSONL row per file, so the rows are checked, duplicates skipped
    /// and the import remembered exactly as for a data file; a bad row is named by its file.
    /// </summary>
    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult, ValidationProblem>> ImportMedia(
        long projectId, MediaTasksRequest request, ClaimsPrincipal user, Access access, Db db, TaskImporter importer, CancellationToken ct)
    {
        var userId = user.UserId();
        var (project, problem) = await access.GateAsync(userId, projectId, RoleNames.Manage, "Only admins and managers import tasks.", ct);
        if (project is null)
        {
            return problem!;
        }
        if (request.Names is null || request.Names.Length is 0 or > 100_000)
        {
            return Http.Invalid("names", "Name 1 to 100,000 media files of the project.");
        }
        var mediaFields = project.Schema.Fields.Where(f => f.Type.IsMedia()).ToList();
        if (request.Field is not null && mediaFields.All(f => f.Name != request.Field))
        {
            return Http.Invalid("field", $"'{request.Field}' is not an image, audio, video or document field of the project's schema.");
        }
        var names = request.Names.Distinct(StringComparer.Ordinal).ToArray();
        await using var c = await db.OpenAsync(ct);
        var types = (await c.QueryAsync<(string Name, string ContentType)>(new CommandDefinition(
            ImportsSql.MediaTypesSql(db.Dialect), new { projectId, names }, cancellationToken: ct))).ToDictionary(r => r.Name, r => r.ContentType, StringComparer.Ordinal);
        var errors = new List<SchemaError>();
        using var jsonl = new MemoryStream();
        foreach (var name in names)
        {
            if (!types.TryGetValue(name, out var type))
            {
                errors.Add(SchemaError.Of(name, "The project has no media file of this name: upload it first.", ProblemCodes.MediaNotUploaded, ("file", name)));
                continue;
            }
            var kind = type.StartsWith("image/", StringComparison.Ordinal) ? FieldType.Image
                : type.StartsWith("audio/", StringComparison.Ordinal) ? FieldType.Audio
                : type == Core.Media.MediaSniffer.PdfType ? FieldType.Document : FieldType.Video;
            var field = request.Field ?? mediaFields.FirstOrDefault(f => f.Type == kind)?.Name;
            if (field is null)
            {
                errors.Add(SchemaError.Of(name, $"The project's schema has no {kind.ToString().ToLowerInvariant()} field for this file.", ProblemCodes.MediaNoField,
                    ("file", name)));
                continue;
            }
            using (var w = new Utf8JsonWriter(jsonl))
            {
                w.WriteStartObject();
                w.WriteStartObject("data");
                w.WriteString(field, "media:" + name);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            jsonl.WriteByte((byte)'\n');
        }
        if (errors.Count > 0)
        {
            return Http.Invalid(errors, "Some files cannot become tasks; nothing was imported.");
        }
        jsonl.Position = 0;
        var source = new ImportSource(string.IsNullOrWhiteSpace(request.Source) ? string.Join(", ", names.Take(3)) + (names.Length > 3 ? ", …" : "") : request.Source,
            Again: request.Again);
        var outcome = await importer.ImportAsync(project, userId, jsonl, ImportFormat.Jsonl, source, ct);
        return Answer(outcome, false, line => line >= 1 && line <= names.Length ? names[line - 1] : $"row {line}");
    }

    /// <summary>The project's latest 50 imports, newest first, for managers.</summary>
    private static async Task<Results<Ok<List<ImportView>>, ProblemHttpResult>> List(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, "Only admins and managers see a project's imports.", ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(long Id, string FileName, long CreatedAt, string CreatedBy, long Imported, long Duplicates)>(new CommandDefinition(
            ImportsSql.ListSql, new { projectId, take = 50 }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => new ImportView(r.Id, r.FileName, Http.Time(r.CreatedAt), r.CreatedBy, r.Imported, r.Duplicates)).ToList());
    }

    public static ImportFormat? ParseFormat(string format) => format.ToLowerInvariant() switch
    {
        "jsonl" or "ndjson" => ImportFormat.Jsonl,
        "json" => ImportFormat.Json,
        "csv" => ImportFormat.Csv,
        "tsv" => ImportFormat.Tsv,
        "labelstudio" or "label-studio" or "ls" => ImportFormat.LabelStudio,
        _ => null,
    };
}

/// <summary>Replays bytes already read (to sniff the format) before the rest of the stream.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ForwardOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.Length > 0)
        {
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }
        return await rest.ReadAsync(buffer, cancellationToken);
    }
}

using Microsoft.AspNetCore.Mvc;
using Yunzhong.Core.Formats;

namespace Yunzhong.Server.Features.Imports;

public sealed record ImportResponse(long Imported, long Duplicates);

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
            .WithDescription("The request body is the file itself, with any content type: the format comes from ?format=, ?filename= or the first bytes.");
        return app;
    }

    /// <summary>
    /// Streams the request body through the reader into one transaction: every row is checked, and the
    /// batch lands whole or not at all. A failed import answers 422 naming each bad row and field.
    /// </summary>
    private static async Task<Results<Ok<ImportResponse>, ProblemHttpResult, ValidationProblem>> Import(
        long projectId, string? format, string? filename, HttpRequest request, ClaimsPrincipal user, Access access,
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
            return Http.Invalid("format", "format must be one of jsonl, json, csv, tsv, labelstudio.");
        }
        chosen ??= TaskImport.Detect(filename ?? "", head.AsSpan(0, n));
        if (chosen is null)
        {
            return Http.Invalid("format", "Cannot tell the file's format: pass ?format=jsonl|json|csv|tsv|labelstudio or ?filename=.",
                ProblemCodes.ImportUnknownFormat);
        }
        await using var body = new PrefixedStream(head.AsMemory(0, n), request.Body);
        var outcome = await importer.ImportAsync(project, userId, body, chosen.Value, ct);
        if (outcome.Errors.Count > 0)
        {
            var errors = outcome.Errors
                .GroupBy(e => e.Field is null ? $"row {e.Line}" : $"row {e.Line}: {e.Field}")
                .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
            // 422, not the 400 a ValidationProblem result always answers: the request was well-formed,
            // its rows were not (docs/api.md promises 422 here).
            return TypedResults.Problem(new HttpValidationProblemDetails(errors)
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = $"The import was refused: {outcome.ErrorCount} row(s) have errors; nothing was imported.",
                Extensions = { ["errorCount"] = outcome.ErrorCount, [ProblemCodes.CodeKey] = ProblemCodes.ImportRowsInvalid },
            });
        }
        if (outcome.Imported == 0 && outcome.Duplicates == 0)
        {
            // An empty file (0 bytes, blank lines, a CSV header alone) is a mistake worth saying so:
            // "imported 0" read as success.
            return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                ["file"] = [n == 0 ? "The request body is empty: send the file as the body." : "The file holds no tasks."],
            })
            {
                Status = StatusCodes.Status422UnprocessableEntity,
                Title = "The import was refused: the file holds no tasks; nothing was imported.",
                Extensions = { [ProblemCodes.CodeKey] = ProblemCodes.ImportEmpty },
            });
        }
        return TypedResults.Ok(new ImportResponse(outcome.Imported, outcome.Duplicates));
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
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

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

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

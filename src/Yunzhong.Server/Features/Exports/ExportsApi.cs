using Yunzhong.Core.Quality;
using Yunzhong.Server.Features.Audit;
using Yunzhong.Server.Features.Tasks;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Exports;

/// <param name="Consensus">JSON lines only: write a <c>consensus</c> object per task (see <see cref="ExportConsensus"/>).</param>
/// <param name="ConsensusMethod">Truth inference method for choices in the consensus; default the default method.</param>
public sealed record ExportRequest(
    ExportFileFormat? Format = null, string? State = null, DateTimeOffset? From = null, DateTimeOffset? To = null, bool History = false, bool Consensus = false,
    string? ConsensusMethod = null);

/// <param name="SizeBytes">The file's size once done (null before, and for exports finished before sizes were kept).</param>
/// <param name="RequestedBy">The name of the person who asked for the export.</param>
/// <param name="FileName">The name the download is saved under: the project's name, the day it was asked for, the format.</param>
public sealed record ExportView(
    long Id, long ProjectId, ExportFileFormat Format, ExportStatus Status, long Rows, long TotalRows, string? Error, DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt, string? DownloadUrl, long? SizeBytes = null, string RequestedBy = "", string FileName = "");

/// <summary>The filters an export job was asked for, stored with it.</summary>
public sealed record ExportFilter(string[] States, long? FromMs, long? ToMs, bool History, bool Consensus = false, string? ConsensusMethod = null);

public static class ExportsApi
{
    public static IEndpointRouteBuilder MapExports(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Exports").SignedIn().Gated();
        g.MapPost("/projects/{projectId:long}/exports", Create).WithName("createExport").JsonBody();
        g.MapGet("/projects/{projectId:long}/exports", List).WithName("listExports");
        g.MapGet("/exports/{exportId:long}", Get).WithName("getExport");
        g.MapGet("/exports/{exportId:long}/download", Download).WithName("downloadExport")
            .File("application/x-ndjson", "application/json", "text/csv", "text/plain");
        return app;
    }

    private static async Task<Results<Accepted<ExportView>, ProblemHttpResult, ValidationProblem>> Create(
        long projectId, ExportRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, ExportWorker worker,
        CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Export, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        if (request.Format is not { } wanted)
        {
            return Http.Invalid("format", $"format must be one of {Wire.List<ExportFileFormat>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<ExportFileFormat>())));
        }
        var format = Wire.Name(wanted);
        if (!Wire.TryParseList<TaskState>(request.State, out var wantedStates))
        {
            return Http.Invalid("state", $"state must be a comma-separated list of {Wire.List<TaskState>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<TaskState>())));
        }
        var states = wantedStates.Select(Wire.Name).ToArray();
        if (request.From is not null && request.To is not null && request.From >= request.To)
        {
            return Http.Invalid("to", "to must be after from.");
        }
        if (request.Consensus && wanted != ExportFileFormat.Jsonl)
        {
            return Http.Invalid("consensus", "consensus is written by the jsonl format only.");
        }
        if (request.ConsensusMethod is { } method && !TruthInference.TryParseMethod(method, out _))
        {
            return Http.Invalid("consensusMethod", $"consensusMethod must be one of {string.Join(", ", TruthInference.MethodNames)}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", string.Join(", ", TruthInference.MethodNames))));
        }
        var filter = new ExportFilter(states, request.From?.ToUnixTimeMilliseconds(), request.To?.ToUnixTimeMilliseconds(), request.History,
            request.Consensus, request.ConsensusMethod);
        await using var c = await db.OpenAsync(ct);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(
            ExportsSql.InsertExportSql, new { projectId, userId = user.UserId(), format, options = JsonSerializer.Serialize(filter), now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: ct));
        worker.Wake();
        return TypedResults.Accepted($"/api/exports/{id}", (await LoadAsync(c, id, ct))!);
    }

    private static async Task<Results<Ok<List<ExportView>>, ProblemHttpResult>> List(
        long projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Export, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var ids = await c.QueryAsync<long>(new CommandDefinition(
            ExportsSql.RecentExportIdsSql, new { projectId }, cancellationToken: ct));
        var list = new List<ExportView>();
        foreach (var id in ids)
        {
            list.Add((await LoadAsync(c, id, ct))!);
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<ExportView>, ProblemHttpResult>> Get(
        long exportId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var view = await LoadAsync(c, exportId, ct);
        if (view is null)
        {
            return Http.NotFound("Export");
        }
        return await ExportGateAsync(access, user, view.ProjectId, "Export", ct) is { } refused ? refused : TypedResults.Ok(view);
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(
        long exportId, ClaimsPrincipal user, Access access, Db db, IBlobStore blobs, AuditLog audit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QueryFirstOrDefaultAsync<(long ProjectId, string Format, string? BlobName, string ProjectName, long CreatedAt)?>(new CommandDefinition(
            ExportsSql.DoneExportSql, new { exportId }, cancellationToken: ct));
        if (row is null)
        {
            return Http.NotFound("Finished export");
        }
        if (await ExportGateAsync(access, user, row.Value.ProjectId, "Finished export", ct) is { } refused)
        {
            return refused;
        }
        var stream = row.Value.BlobName is null ? null : await blobs.OpenReadAsync(row.Value.BlobName, ct);
        if (stream is null)
        {
            return Http.NotFound("Export file");
        }
        try
        {
            var project = await access.ProjectAsync(row.Value.ProjectId, ct);
            await audit.AppendAsync(project?.OrganizationId, AuditLog.Actor(user.UserId()), "export.download", $"export:{exportId}",
                new { project = row.Value.ProjectId, format = row.Value.Format }, ct);
        }
        catch
        {
            // No download without its audit entry; the file is not left open either.
            await stream.DisposeAsync();
            throw;
        }
        var (ext, type) = FileKind(row.Value.Format);
        // ASP.NET writes both filename (ASCII, others as '_') and RFC 6266's filename* (UTF-8), so a Chinese name survives.
        return TypedResults.File(stream, type, FileName(row.Value.ProjectName, row.Value.Format, Http.Time(row.Value.CreatedAt)), enableRangeProcessing: true);
    }

    private const string OnlyManagers = "Only admins and managers export a project's work: an export holds every annotator's answers.";

    /// <summary>Null when the caller may read the project's exports; else 404 (<paramref name="what"/> not found)
    /// for callers whose organisations do not hold the project, and 403 for members without an export role.</summary>
    private static async Task<ProblemHttpResult?> ExportGateAsync(
        Access access, ClaimsPrincipal user, long projectId, string what, CancellationToken ct) =>
        (await access.GateAsync(user.UserId(), projectId, RoleNames.Export, OnlyManagers, ct, notFound: what)).Problem;

    /// <summary>
    /// The download's name: <c>街景标注-2026-12-04-coco.json</c>. Characters that file systems refuse
    /// (<c>\ / : * ? " &lt; &gt; |</c>, controls) and runs of white space become one <c>-</c>; the format is
    /// named because several formats share an extension.
    /// </summary>
    public static string FileName(string projectName, string format, DateTimeOffset createdAt)
    {
        var b = new System.Text.StringBuilder(projectName.Length);
        foreach (var ch in projectName.Trim())
        {
            var bad = char.IsControl(ch) || char.IsWhiteSpace(ch) || "\\/:*?\"<>|".Contains(ch);
            if (!bad)
            {
                b.Append(ch);
            }
            else if (b.Length > 0 && b[^1] != '-')
            {
                b.Append('-');
            }
        }
        var stem = b.ToString().Trim('-', '.');
        if (stem.Length > 80)
        {
            stem = stem[..80].TrimEnd('-', '.');
        }
        return $"{(stem.Length == 0 ? "project" : stem)}-{createdAt.UtcDateTime:yyyy-MM-dd}-{format}{FileKind(format).Extension}";
    }

    public static (string Extension, string ContentType) FileKind(string format) => format switch
    {
        "jsonl" => (".jsonl", "application/x-ndjson"),
        "csv" => (".csv", "text/csv; charset=utf-8"),
        "conll" => (".conll", "text/plain; charset=utf-8"),
        "yolo" or "voc" => (".zip", "application/zip"),
        "parquet" => (".parquet", "application/vnd.apache.parquet"),
        _ => (".json", "application/json"),
    };

    internal static async Task<ExportView?> LoadAsync(System.Data.Common.DbConnection c, long id, CancellationToken ct)
    {
        var r = await c.QueryFirstOrDefaultAsync<(long Id, long ProjectId, string Format, string Status, long Rows, long Total, string? Error, long CreatedAt, long? FinishedAt,
            long? SizeBytes, string RequestedBy, string ProjectName)?>(
            new CommandDefinition(
                ExportsSql.ExportSql,
                new { id }, cancellationToken: ct));
        if (r is null)
        {
            return null;
        }
        var v = r.Value;
        return new ExportView(v.Id, v.ProjectId, Wire.Parse<ExportFileFormat>(v.Format), Wire.Parse<ExportStatus>(v.Status), v.Rows, v.Total, v.Error, Http.Time(v.CreatedAt),
            v.FinishedAt is null ? null : Http.Time(v.FinishedAt.Value), v.Status is "done" or "incomplete" ? $"/api/exports/{v.Id}/download" : null,
            v.SizeBytes, v.RequestedBy, FileName(v.ProjectName, v.Format, Http.Time(v.CreatedAt)));
    }
}

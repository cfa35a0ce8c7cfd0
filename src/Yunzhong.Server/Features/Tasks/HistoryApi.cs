using Yunzhong.Core.Quality;
using Yunzhong.Server.Features.Audit;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server.Features.Tasks;

/// <summary>One of the caller's own answers in a project, newest first (the version in force:
/// a reviewer's fix shows, the answer it replaced does not).</summary>
/// <param name="Status">submitted (no review), pending (waiting for a reviewer), accepted, rejected.</param>
/// <param name="Editable">The caller may still amend it (PUT /api/annotations/{id}).</param>
/// <param name="LockedBecause">Why not, when not editable: reviewed, under_review (a reviewer is looking at it), archived.</param>
public sealed record HistoryItem(
    long AnnotationId, long TaskId, string? Key, int Version, AnnotationStatus Status, JsonElement Result, double? LeadTimeSeconds, DateTimeOffset CreatedAt,
    bool Editable = false, AmendRefusal? LockedBecause = null);

public sealed record HistoryView(IReadOnlyList<HistoryItem> Items);

/// <summary>A corrected answer; <paramref name="LeadTimeSeconds"/> is the time spent correcting it, added to the answer's.</summary>
public sealed record AmendRequest(JsonElement Result, double? LeadTimeSeconds = null);

/// <summary>The amended answer: a new version (<paramref name="AnnotationId"/>) in place of the one sent.</summary>
public sealed record AmendResponse(long AnnotationId, int Version, AnnotationStatus Status);

/// <summary>An annotator's own recent work in a project: what they answered, where it stands, and
/// correcting an answer nobody has reviewed yet (<see cref="Amendment"/>).</summary>
public static class HistoryApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapHistory(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Tasks").SignedIn();
        g.MapGet("/projects/{projectId:long}/history", History).WithName("listMyRecentWork").Gated().FieldErrors();
        // 409: a reviewer judged it, holds it, a newer version replaced it, or the project is archived.
        g.MapPut("/annotations/{annotationId:long}", Amend).WithName("amendAnnotation").Gated().JsonBody().Conflicts();
        return app;
    }

    /// <summary>The caller's own answers only, whatever their role; 404 to other organisations, 403 to people who do not annotate.</summary>
    private static async Task<Results<Ok<HistoryView>, ProblemHttpResult, ValidationProblem>> History(
        long projectId, int? limit, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Http.Invalid("limit", $"limit must be between 1 and {MaxLimit}.");
        }
        var me = user.UserId();
        var (project, problem) = await access.GateAsync(me, projectId, RoleNames.Annotate, "Only annotators have a history of their own work.", ct);
        if (project is null)
        {
            return problem!;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<HistoryRow>(
            new CommandDefinition(TasksSql.HistorySql, new { projectId, me, take = limit ?? DefaultLimit }, cancellationToken: ct));
        return TypedResults.Ok(new HistoryView(rows.Select(r =>
        {
            var refusal = Amendment.Check(new AmendFacts(true, r.Status, r.Reviewed != 0, r.ReviewExpires >= now, project.Archived));
            return new HistoryItem(r.Id, r.TaskId, r.TaskKey, (int)r.Version, Wire.Parse<AnnotationStatus>(r.Status), Http.Json(r.ResultJson), r.LeadTime,
                Http.Time(r.CreatedAt), refusal == AmendRefusal.None, refusal == AmendRefusal.None ? null : refusal);
        }).ToList()));
    }

    /// <summary>
    /// The caller's own answer, replaced by a corrected one held to the schema like a submission: a
    /// new version in the same status (still waiting for its reviewer where it was), the old one kept
    /// as superseded. The task's state and counts do not move, except that with dynamic overlap a
    /// complete task the change leaves short of confidence asks for one more annotation, as a
    /// submission would. Someone else's answer is not there (404).
    /// </summary>
    private static async Task<Results<Ok<AmendResponse>, ProblemHttpResult, ValidationProblem>> Amend(
        long annotationId, AmendRequest request, ClaimsPrincipal user, Access access, MediaIndex media, Db db, AuditLog audit, TimeProvider time,
        CancellationToken ct)
    {
        if (QueueApi.LeadTimeProblem(request.LeadTimeSeconds) is { } badLeadTime)
        {
            return badLeadTime;
        }
        var me = user.UserId();
        await using var c = await db.OpenAsync(ct);
        var a = await ReadAsync(c, null, annotationId, ct);
        if (a is null || a.UserId != me)
        {
            return Http.NotFound("Annotation");
        }
        var (project, work, problem) = await access.WorkGateAsync(me, a.ProjectId, RoleNames.Annotate, "Only annotators correct their answers.", ct, notFound: "Annotation");
        if (project is null)
        {
            return problem!;
        }
        // A vendor's annotator corrects the work of their current contract only.
        if (work is not null && a.ContractId != work.ContractId)
        {
            return Http.NotFound("Annotation");
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (Refused(a, project, now) is { } refused)
        {
            return refused;
        }
        if (await media.MisfitAsync(project, a.DataJson, request.Result, "The corrected annotation does not fit the project's label schema.", ct) is { } misfit)
        {
            return misfit;
        }
        var goldScore = GoldScoring.ScoreStored(project.Schema, a.GoldJson, request.Result);

        await using var tx = await db.BeginWriteAsync(c, ct);
        // Under the write lock: a reviewer may have taken or judged it since it was read.
        if (await c.ExecuteAsync(new CommandDefinition(TasksSql.SupersedeSql, new { id = a.Id, me, status = a.Status, now }, tx, cancellationToken: ct)) == 0)
        {
            var fresh = await ReadAsync(c, tx, annotationId, ct);
            await tx.RollbackAsync(ct);
            return (fresh is null ? null : Refused(fresh, project, now)) ?? Refusal(AmendRefusal.UnderReview, a.Status);
        }
        var leadTime = a.LeadTime is null && request.LeadTimeSeconds is null ? (double?)null : (a.LeadTime ?? 0) + (request.LeadTimeSeconds ?? 0);
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(TasksSql.InsertAmendedSql, new
        {
            taskId = a.TaskId, projectId = a.ProjectId, assignmentId = a.AssignmentId, me, version = a.Version + 1, parentId = a.Id, status = a.Status,
            result = request.Result.GetRawText(),
            leadTime, now, goldScore,
        }, tx, cancellationToken: ct));
        if (a.GoldScore is { } before && goldScore is { } after && after != before)
        {
            await c.ExecuteAsync(new CommandDefinition(TasksSql.RescoreGoldSql, new { delta = after - before, projectId = a.ProjectId, me }, tx, cancellationToken: ct));
        }
        // Dynamic overlap, as a submission does: a changed answer of a complete task may leave it short
        // of confidence, and then the task asks for one more annotation (up to the project's most).
        if (project.Quality.DynamicOverlap && a.GoldJson is null && await Quality.OverlapNeed.NeedsMoreAsync(c, tx, project, a.TaskId, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(TaskStates.ExtendSql, new { now, max = (long)project.Quality.OverlapMax!.Value, taskId = a.TaskId }, tx, cancellationToken: ct));
        }
        await audit.AppendAsync(c, tx, project.OrganizationId, AuditLog.Actor(me), "annotation.amend", $"annotation:{a.Id}",
            new { amendedBy = id, taskId = a.TaskId, version = a.Version + 1 }, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new AmendResponse(id, (int)a.Version + 1, Wire.Parse<AnnotationStatus>(a.Status)));
    }

    private static Task<AmendTarget?> ReadAsync(DbConnection c, DbTransaction? tx, long annotationId, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<AmendTarget>(new CommandDefinition(TasksSql.AmendTargetSql, new { annotationId }, tx, cancellationToken: ct));

    private static ProblemHttpResult? Refused(AmendTarget a, ProjectConfig project, long now)
    {
        var why = Amendment.Check(new AmendFacts(true, a.Status, a.Reviewed != 0, a.ReviewExpires >= now, project.Archived));
        return why == AmendRefusal.None ? null : Refusal(why, a.Status);
    }

    private static ProblemHttpResult Refusal(AmendRefusal why, string status) => why switch
    {
        AmendRefusal.Reviewed => Http.Conflict($"A reviewer has judged this annotation ({status}): it can no longer be changed.",
            ProblemCodes.AnnotationReviewed, ProblemCodes.Params(("status", status))),
        AmendRefusal.Replaced => Http.Conflict("A newer version of this annotation replaced it: amend that one.", ProblemCodes.AnnotationReplaced),
        AmendRefusal.Archived => Http.Conflict("This project is archived: its work is kept as it is.", ProblemCodes.ProjectArchived),
        AmendRefusal.UnderReview => Http.Conflict("A reviewer is looking at this annotation now.", ProblemCodes.AnnotationUnderReview),
        _ => Http.NotFound("Annotation"),
    };

    /// <summary>Settable, not positional: Dapper matches a record's constructor by the column types of
    /// the first row, and nulls and the engines' integer widths differ.</summary>
    private sealed class HistoryRow
    {
        public long Id { get; set; }
        public long TaskId { get; set; }
        public string? TaskKey { get; set; }
        public long Version { get; set; }
        public string Status { get; set; } = "";
        public string ResultJson { get; set; } = "";
        public double? LeadTime { get; set; }
        public long CreatedAt { get; set; }
        public long? ReviewExpires { get; set; }
        public long Reviewed { get; set; }
    }

    private sealed class AmendTarget
    {
        public long Id { get; set; }
        public long ProjectId { get; set; }
        public long TaskId { get; set; }
        public long? AssignmentId { get; set; }
        public long UserId { get; set; }
        public long Version { get; set; }
        public string Status { get; set; } = "";
        public double? LeadTime { get; set; }
        public double? GoldScore { get; set; }
        public long? ReviewExpires { get; set; }
        public long Reviewed { get; set; }
        public string DataJson { get; set; } = "";
        public string? GoldJson { get; set; }
        public long? ContractId { get; set; }
    }
}

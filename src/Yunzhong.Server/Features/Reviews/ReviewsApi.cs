using System.Data.Common;
using System.Security.Claims;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Yunzhong.Core.Schema;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Tasks;
using Yunzhong.Server.Security;

namespace Yunzhong.Server.Features.Reviews;

public sealed record ReviewTask(long Id, JsonElement Data);

public sealed record ReviewItem(long AnnotationId, ReviewTask Task, AnnotationView Annotation, DateTimeOffset ExpiresAt);

public sealed record ReviewRequest(ReviewAction? Action = null, string? Comment = null, JsonElement? Result = null);

public sealed record ReviewResponse(AnnotationStatus AnnotationStatus, TaskState TaskState, long? FixedAnnotationId);

/// <summary>
/// Review (审核): a reviewer takes pending annotations one at a time (with a lease, so two reviewers
/// never judge the same one) and accepts, rejects (the work goes back to its annotator with the
/// comment) or fixes it (a new version by the reviewer; the original is kept as superseded).
/// </summary>
public static class ReviewsApi
{
    public static IEndpointRouteBuilder MapReviews(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Reviews").SignedIn().Gated();
        g.MapPost("/projects/{projectId:long}/review/next", Next).WithName("takeNextReview");
        // 409: the annotation was already judged, by this reviewer or another.
        g.MapPost("/annotations/{annotationId:long}/review", Review).WithName("reviewAnnotation").JsonBody().Conflicts().RefusesUnknownEnums();
        return app;
    }

    private static async Task<Results<Ok<ReviewItem>, NoContent, ProblemHttpResult>> Next(
        long projectId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var me = user.UserId();
        var (project, problem) = await access.GateAsync(me, projectId, RoleNames.Review, "Only reviewers take annotations for review.", ct);
        if (project is null)
        {
            return problem!;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expires = now + project.LeaseSeconds * 1000L;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var lockClause = db.IsSqlite ? "" : " FOR UPDATE SKIP LOCKED";
        var id = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            $"""
            SELECT id FROM annotations
            WHERE project_id = @projectId AND status = 'pending' AND user_id <> @me
              AND (reviewer_id IS NULL OR reviewer_id = @me OR review_expires < @now)
            ORDER BY CASE WHEN reviewer_id = @me THEN 0 ELSE 1 END, id
            LIMIT 1{lockClause}
            """, new { projectId, me, now }, tx, cancellationToken: ct));
        if (id is null)
        {
            await tx.RollbackAsync(ct);
            return TypedResults.NoContent();
        }
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE annotations SET reviewer_id = @me, review_expires = @expires WHERE id = @id", new { me, expires, id }, tx, cancellationToken: ct));
        var a = await c.QuerySingleAsync<TasksApi.AnnotationRow>(new CommandDefinition(
            """
            SELECT a.id, a.user_id AS UserId, u.name AS Annotator, a.author_id AS AuthorId, a.version, a.parent_id AS ParentId, a.status,
                   a.result_json AS ResultJson, a.lead_time AS LeadTime, a.created_at AS CreatedAt
            FROM annotations a JOIN users u ON u.id = a.user_id WHERE a.id = @id
            """, new { id }, tx, cancellationToken: ct));
        var task = await c.QuerySingleAsync<(long Id, string Data)>(new CommandDefinition(
            "SELECT t.id, t.data_json FROM tasks t JOIN annotations a ON a.task_id = t.id WHERE a.id = @id", new { id }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new ReviewItem(id.Value, new ReviewTask(task.Id, Http.Json(task.Data)), a.View(), Http.Time(expires)));
    }

    private static async Task<Results<Ok<ReviewResponse>, ProblemHttpResult, ValidationProblem>> Review(
        long annotationId, ReviewRequest request, ClaimsPrincipal user, Access access, MediaIndex media, Db db, TimeProvider time,
        CancellationToken ct)
    {
        var me = user.UserId();
        await using var c = await db.OpenAsync(ct);
        var a = await c.QueryFirstOrDefaultAsync<Target>(new CommandDefinition(
            """
            SELECT a.id, a.project_id AS ProjectId, a.task_id AS TaskId, a.assignment_id AS AssignmentId, a.user_id AS UserId,
                   a.version, a.status, a.result_json AS ResultJson, t.data_json AS DataJson
            FROM annotations a JOIN tasks t ON t.id = a.task_id WHERE a.id = @annotationId
            """, new { annotationId }, cancellationToken: ct));
        var found = a is null ? null : await access.ForProjectAsync(me, a.ProjectId, ct);
        if (found is null)
        {
            return Http.NotFound("Annotation");
        }
        if ((found.Value.Roles & RoleNames.Review) == 0)
        {
            return Http.Forbidden("Only reviewers review annotations.");
        }
        // The review queue never offers one's own work; judging it by id must not get round that.
        if (a!.UserId == me)
        {
            return Http.Forbidden("Nobody reviews their own work.");
        }
        if (a.Status is not ("pending" or "submitted"))
        {
            return Http.Conflict($"This annotation was already {a.Status}.");
        }
        var comment = request.Comment?.Trim();
        if (comment is { Length: > 4000 })
        {
            return Http.Invalid("comment", "A comment may have at most 4,000 characters.");
        }
        var project = found.Value.Project;
        if (request.Action == ReviewAction.Reject && string.IsNullOrEmpty(comment))
        {
            return Http.Invalid("comment", "Say why the annotation is rejected: the annotator sees the comment.");
        }
        if (request.Action == ReviewAction.Fix)
        {
            if (request.Result is null)
            {
                return Http.Invalid("result", "A fix carries the corrected result.");
            }
            using var data = JsonDocument.Parse(a.DataJson);
            var known = await media.ForTaskAsync(project, data.RootElement, ct);
            var errors = AnnotationValidator.Validate(project.Schema, data.RootElement, request.Result.Value, known.Lookup);
            if (errors.Count > 0)
            {
                return Http.Invalid(errors, "The corrected annotation does not fit the project's label schema.");
            }
        }
        else if (request.Action is null)
        {
            return Http.Invalid("action", $"action must be one of {Wire.List<ReviewAction>()}.");
        }

        // What becomes of the reviewed annotation; a fix keeps it as superseded beside the new version.
        var outcome = request.Action switch { ReviewAction.Accept => "accepted", ReviewAction.Reject => "rejected", _ => "superseded" };
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var tx = await db.BeginWriteAsync(c, ct);
        // Re-check under the write lock: another reviewer may have judged it meanwhile.
        var claimed = await c.ExecuteAsync(new CommandDefinition(
            "UPDATE annotations SET status = @status, reviewer_id = @me WHERE id = @annotationId AND status IN ('pending', 'submitted')",
            new { status = outcome, me, annotationId },
            tx, cancellationToken: ct));
        if (claimed == 0)
        {
            return Http.Conflict("Another reviewer judged this annotation first.");
        }
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO reviews (annotation_id, task_id, reviewer_id, action, comment, created_at) VALUES (@annotationId, @TaskId, @me, @action, @comment, @now)",
            new { annotationId, a.TaskId, me, action = Wire.Name(request.Action.Value), comment, now }, tx, cancellationToken: ct));
        long? fixedId = null;
        string taskState;
        switch (request.Action)
        {
            case ReviewAction.Reject:
                await RejectAsync(c, tx, a, comment!, now, ct);
                taskState = "rejected";
                break;
            case ReviewAction.Fix:
                fixedId = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                    """
                    INSERT INTO annotations (task_id, project_id, assignment_id, user_id, author_id, version, parent_id, status, result_json, created_at, reviewer_id)
                    VALUES (@TaskId, @ProjectId, @AssignmentId, @UserId, @me, @version, @Id, 'accepted', @result, @now, @me) RETURNING id
                    """, new { a.TaskId, a.ProjectId, a.AssignmentId, a.UserId, me, version = a.Version + 1, a.Id, result = request.Result!.Value.GetRawText(), now },
                    tx, cancellationToken: ct));
                taskState = await SettleAsync(c, tx, a.TaskId, now, ct);
                break;
            default:
                taskState = await SettleAsync(c, tx, a.TaskId, now, ct);
                break;
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new ReviewResponse(Wire.Parse<AnnotationStatus>(outcome), Wire.Parse<TaskState>(taskState), fixedId));
    }

    /// <summary>The annotation stops counting; its annotator gets the task back first, with the comment and their work.</summary>
    private static async Task RejectAsync(DbConnection c, DbTransaction tx, Target a, string comment, long now, CancellationToken ct)
    {
        var handedBack = a.AssignmentId is null ? 0 : await c.ExecuteAsync(new CommandDefinition(
            """
            UPDATE assignments SET status = 'returned', review_comment = @comment, draft_json = @ResultJson, updated_at = @now
            WHERE id = @AssignmentId AND status = 'submitted'
            """, new { comment, a.ResultJson, now, a.AssignmentId }, tx, cancellationToken: ct));
        // Without an assignment (imported work) the slot opens to anyone.
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE tasks SET annotation_count = annotation_count - 1, remaining = remaining + @free, state = 'rejected', updated_at = @now WHERE id = @TaskId",
            new { free = handedBack == 0 ? 1 : 0, now, a.TaskId }, tx, cancellationToken: ct));
    }

    /// <summary>A task is accepted once it has all its annotations and none is waiting for review or redo.</summary>
    private static async Task<string> SettleAsync(DbConnection c, DbTransaction tx, long taskId, long now, CancellationToken ct) =>
        await c.ExecuteScalarAsync<string>(new CommandDefinition(
            """
            UPDATE tasks SET updated_at = @now, state = CASE
                WHEN annotation_count >= target AND NOT EXISTS (
                    SELECT 1 FROM annotations a WHERE a.task_id = tasks.id AND a.status IN ('pending', 'rejected')
                      AND NOT EXISTS (SELECT 1 FROM annotations b WHERE b.parent_id = a.id))
                THEN 'accepted' ELSE state END
            WHERE id = @taskId RETURNING state
            """, new { taskId, now }, tx, cancellationToken: ct)) ?? "accepted";

    private sealed record Target(
        long Id, long ProjectId, long TaskId, long? AssignmentId, long UserId, long Version, string Status, string ResultJson, string DataJson);
}

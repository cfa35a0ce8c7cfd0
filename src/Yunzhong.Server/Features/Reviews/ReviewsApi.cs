using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Tasks;

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
        g.MapPost("/annotations/{annotationId:long}/review", Review).WithName("reviewAnnotation").JsonBody().Conflicts();
        return app;
    }

    private static async Task<Results<Ok<ReviewItem>, NoContent, ProblemHttpResult>> Next(
        long projectId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var me = user.UserId();
        var (project, work, problem) = await access.WorkGateAsync(me, projectId, RoleNames.Review, "Only reviewers take annotations for review.", ct);
        if (project is null)
        {
            return problem!;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expires = now + project.LeaseSeconds * 1000L;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var id = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            ReviewsSql.NextPendingSql(db.Dialect), new { projectId, me, now, contractId = work?.ContractId ?? 0 }, tx, cancellationToken: ct));
        if (id is null)
        {
            await tx.RollbackAsync(ct);
            return TypedResults.NoContent();
        }
        await c.ExecuteAsync(new CommandDefinition(
            ReviewsSql.HoldSql, new { me, expires, id }, tx, cancellationToken: ct));
        var a = await c.QuerySingleAsync<TasksApi.AnnotationRow>(new CommandDefinition(
            ReviewsSql.AnnotationSql, new { id }, tx, cancellationToken: ct));
        var task = await c.QuerySingleAsync<(long Id, string Data)>(new CommandDefinition(
            ReviewsSql.TaskOfAnnotationSql, new { id }, tx, cancellationToken: ct));
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
            ReviewsSql.ReviewTargetSql, new { annotationId }, cancellationToken: ct));
        var found = a is null ? null : await access.ForProjectAsync(me, a.ProjectId, ct);
        // A vendor's reviewer sees their own contract's annotations only: others are not there for them.
        if (found is null || (found.Value.Work is { } work && a!.ContractId != work.ContractId))
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
            return Http.Forbidden("Nobody reviews their own work.", ProblemCodes.ReviewOwnWork);
        }
        if (a.Status is not ("pending" or "submitted"))
        {
            return Http.Conflict($"This annotation was already {a.Status}.", ProblemCodes.ReviewAlreadyJudged, ProblemCodes.Params(("status", a.Status)));
        }
        var comment = request.Comment?.Trim();
        if (comment is { Length: > 4000 })
        {
            return Http.Invalid("comment", "A comment may have at most 4,000 characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 4000)));
        }
        var project = found.Value.Project;
        if (request.Action == ReviewAction.Reject && string.IsNullOrEmpty(comment))
        {
            return Http.Invalid("comment", "Say why the annotation is rejected: the annotator sees the comment.", ProblemCodes.ReviewCommentNeeded);
        }
        if (request.Action == ReviewAction.Fix)
        {
            if (request.Result is null)
            {
                return Http.Invalid("result", "A fix carries the corrected result.", ProblemCodes.ReviewFixNeedsResult);
            }
            if (await media.MisfitAsync(project, a.DataJson, request.Result.Value, "The corrected annotation does not fit the project's label schema.", ct) is { } misfit)
            {
                return misfit;
            }
        }
        else if (request.Action is null)
        {
            return Http.Invalid("action", $"action must be one of {Wire.List<ReviewAction>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<ReviewAction>())));
        }

        // What becomes of the reviewed annotation; a fix keeps it as superseded beside the new version.
        var outcome = request.Action switch { ReviewAction.Accept => "accepted", ReviewAction.Reject => "rejected", _ => "superseded" };
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var tx = await db.BeginWriteAsync(c, ct);
        // Re-check under the write lock: another reviewer may have judged it meanwhile.
        var claimed = await c.ExecuteAsync(new CommandDefinition(
            ReviewsSql.ClaimSql,
            new { status = outcome, me, annotationId },
            tx, cancellationToken: ct));
        if (claimed == 0)
        {
            return Http.Conflict("Another reviewer judged this annotation first.", ProblemCodes.ReviewAlreadyJudged);
        }
        await c.ExecuteAsync(new CommandDefinition(
            ReviewsSql.InsertReviewSql,
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
                    ReviewsSql.InsertFixSql, new { a.TaskId, a.ProjectId, a.AssignmentId, a.UserId, me, version = a.Version + 1, a.Id, result = request.Result!.Value.GetRawText(), now },
                    tx, cancellationToken: ct));
                taskState = await TaskStates.SettleAsync(c, tx, a.TaskId, now, ct);
                break;
            default:
                taskState = await TaskStates.SettleAsync(c, tx, a.TaskId, now, ct);
                break;
        }
        await Webhooks.WebhookOutbox.EnqueueAsync(c, tx, a.ProjectId, Webhooks.WebhookEvent.AnnotationReviewed, new System.Text.Json.Nodes.JsonObject
        {
            ["review"] = new System.Text.Json.Nodes.JsonObject
            {
                ["annotationId"] = a.Id, ["taskId"] = a.TaskId, ["reviewerId"] = me, ["action"] = Wire.Name(request.Action.Value),
                ["annotationStatus"] = outcome, ["taskState"] = taskState, ["fixedAnnotationId"] = fixedId,
            },
        }, now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new ReviewResponse(Wire.Parse<AnnotationStatus>(outcome), Wire.Parse<TaskState>(taskState), fixedId));
    }

    /// <summary>The annotation stops counting; its annotator gets the task back first, with the comment and their work.</summary>
    private static async Task RejectAsync(DbConnection c, DbTransaction tx, Target a, string comment, long now, CancellationToken ct)
    {
        var handedBack = a.AssignmentId is null ? 0 : await c.ExecuteAsync(new CommandDefinition(
            ReviewsSql.HandBackSql, new { comment, a.ResultJson, now, a.AssignmentId }, tx, cancellationToken: ct));
        // Without an assignment (imported work) the slot opens to anyone.
        await TaskStates.RejectAsync(c, tx, a.TaskId, slotFreed: handedBack == 0, now, ct);
    }

    private sealed record Target(
        long Id, long ProjectId, long TaskId, long? AssignmentId, long UserId, long Version, string Status, string ResultJson, string DataJson,
        long? ContractId);
}

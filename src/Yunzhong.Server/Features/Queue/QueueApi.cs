using Microsoft.AspNetCore.Mvc;
using Yunzhong.Core.Quality;
using Yunzhong.Server.Features.Media;

namespace Yunzhong.Server.Features.Queue;

public sealed record PredictionView(string Model, JsonElement Result, double? Score);

public sealed record LeasedTask(long Id, JsonElement Data, IReadOnlyList<PredictionView> Predictions);

public sealed record NextResponse(long AssignmentId, LeasedTask Task, DateTimeOffset ExpiresAt, JsonElement? Draft, string? ReviewComment);

public sealed record SubmitRequest(JsonElement Result, double? LeadTimeSeconds = null);

public sealed record SubmitResponse(long AnnotationId);

public sealed record DraftRequest(JsonElement Result);

public static class QueueApi
{
    public static IEndpointRouteBuilder MapQueue(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Queue").SignedIn().Gated();
        // 409: the caller already holds as many leases as allowed; 403 also below the gold threshold.
        g.MapPost("/projects/{projectId:long}/queue/next", Next).WithName("takeNextTask").FieldErrors().Conflicts();
        // 409: the lease expired or was given back, or the Idempotency-Key came with another result.
        g.MapPost("/assignments/{assignmentId:long}/submit", Submit).WithName("submitAnnotation").JsonBody().Conflicts();
        g.MapPost("/assignments/{assignmentId:long}/skip",
            (long assignmentId, ClaimsPrincipal user, AssignmentReader assignments, LeaseCache leases, Access access, QueueEngine queue, CancellationToken ct) =>
                GiveBack(assignmentId, user, assignments, leases, access, queue, skip: true, ct)).WithName("skipAssignment");
        g.MapPost("/assignments/{assignmentId:long}/release",
            (long assignmentId, ClaimsPrincipal user, AssignmentReader assignments, LeaseCache leases, Access access, QueueEngine queue, CancellationToken ct) =>
                GiveBack(assignmentId, user, assignments, leases, access, queue, skip: false, ct)).WithName("releaseAssignment");
        g.MapPut("/assignments/{assignmentId:long}/draft", SaveDraft).WithName("saveDraft").JsonBody();
        return app;
    }

    /// <param name="exclude">Comma-separated assignment ids the caller is showing or still submitting:
    /// the answer is another task (how the browser fetches the next task ahead).</param>
    private static async Task<Results<Ok<NextResponse>, NoContent, ProblemHttpResult, ValidationProblem>> Next(
        long projectId, string? exclude, ClaimsPrincipal user, Access access, QueueEngine queue, LeaseCache leases, Park.Seats seats,
        Workforce.Routing routing, TimeProvider time, CancellationToken ct)
    {
        var excluded = new List<long>();
        foreach (var part in (exclude ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, out var id) || excluded.Count >= QueueEngine.MaxHeld * 4)
            {
                return Http.Invalid("exclude", "exclude must be a short comma-separated list of assignment ids.");
            }
            excluded.Add(id);
        }
        var userId = user.UserId();
        var (project, work, problem) = await access.WorkGateAsync(userId, projectId, RoleNames.Annotate, "Only annotators take tasks from the queue.", ct);
        if (project is null)
        {
            return problem!;
        }
        if (project.Archived)
        {
            return Http.Conflict("This project is archived: it hands out no more tasks. Ask a manager to take it out of the archive.", ProblemCodes.ProjectArchived);
        }
        if (work is not null && work.Deadline <= time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return Http.Conflict($"Your organisation's contract for this project ended at its deadline ({Http.Time(work.Deadline):u}): no new tasks come under it.",
                ProblemCodes.QueueContractPastDeadline, ProblemCodes.Params(("deadline", Http.Time(work.Deadline))));
        }
        if (work is not null && await seats.RefusalAsync(userId, work, ct) is { } refused)
        {
            return refused;
        }
        var skills = await routing.GateAsync(project.Id, userId, work?.ContractId, ct);
        var lease = await queue.NextAsync(project, userId, excluded, work, skills, ct);
        if (lease is null)
        {
            return TypedResults.NoContent();
        }
        switch (lease.Refusal)
        {
            case LeaseRefusal.TooManyHeld:
                return Http.Conflict($"You already hold {QueueEngine.MaxHeld} tasks of this project: submit, skip or release one first.",
                    ProblemCodes.QueueTooManyHeld, ProblemCodes.Params(("max", QueueEngine.MaxHeld)));
            case LeaseRefusal.BelowGoldThreshold:
                return Http.Forbidden("Your accuracy on this project's control tasks is below its threshold; ask your manager to review your work.",
                    ProblemCodes.QueueBelowGoldThreshold);
            case LeaseRefusal.QuotaUsedUp:
                return Http.Conflict("Your organisation's contract for this project has used up its quota (or is no longer active): no more tasks are served under it.",
                    ProblemCodes.QueueQuotaUsedUp);
            case LeaseRefusal.SkillRequired:
                var missing = await routing.DescribeAsync(skills.Missing, project.Id, work?.ContractId, ct);
                return Http.Forbidden($"This work requires skills your valid certificates do not cover ({missing}): take the course and exam that lead to them, or ask your trainer.",
                    ProblemCodes.QueueSkillRequired, ProblemCodes.Params(("skills", missing)));
        }
        leases.Remember(userId, project.Id, lease);
        return TypedResults.Ok(new NextResponse(
            lease.AssignmentId,
            new LeasedTask(lease.TaskId, Http.Json(lease.DataJson),
                lease.Predictions.Select(p => new PredictionView(p.Model, Http.Json(p.ResultJson), p.Score)).ToList()),
            lease.ExpiresAt,
            Http.JsonOrNull(lease.DraftJson),
            lease.ReviewComment));
    }

    private static async Task<Results<Ok<SubmitResponse>, ProblemHttpResult, ValidationProblem>> Submit(
        long assignmentId, SubmitRequest request, ClaimsPrincipal user, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
        AssignmentReader assignments, LeaseCache leases, Access access, MediaIndex media, QueueEngine queue, CancellationToken ct)
    {
        if (idempotencyKey is { Length: > 200 })
        {
            return Http.Invalid("Idempotency-Key", "The Idempotency-Key header is longer than 200 characters.",
                ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 200)));
        }
        if (LeadTimeProblem(request.LeadTimeSeconds) is { } badLeadTime)
        {
            return badLeadTime;
        }
        var userId = user.UserId();
        var a = leases.Find(assignmentId, userId) ?? await assignments.FindAsync(assignmentId, userId, ct);
        if (a is null)
        {
            return Http.NotFound("Assignment");
        }
        var (project, work, refused) = await HolderGateAsync(access, userId, a, "Assignment", ct);
        if (project is null)
        {
            return refused!;
        }
        if (await media.MisfitAsync(project, a.DataJson, request.Result, "The annotation does not fit the project's label schema.", ct) is { } misfit)
        {
            return misfit;
        }
        var goldScore = GoldScoring.ScoreStored(project.Schema, a.GoldJson, request.Result);
        var result = await queue.SubmitAsync(project, assignmentId, userId, request.Result.GetRawText(), request.LeadTimeSeconds, idempotencyKey,
            goldScore, work?.ContractId ?? 0, ct);
        if (result.Outcome is SubmitOutcome.Created or SubmitOutcome.Replayed)
        {
            leases.Forget(assignmentId);
        }
        return result.Outcome switch
        {
            SubmitOutcome.Created or SubmitOutcome.Replayed => TypedResults.Ok(new SubmitResponse(result.AnnotationId)),
            SubmitOutcome.NotFound => Http.NotFound("Assignment"),
            _ => Http.Conflict(result.Detail ?? "The assignment cannot take a submission now.", result.Code ?? ProblemCodes.Conflict),
        };
    }

    /// <summary>The problem of a lead time outside 0 to 7 days, or null.</summary>
    internal static ValidationProblem? LeadTimeProblem(double? seconds) =>
        seconds is < 0 or > 86_400 * 7
            ? Http.Invalid("leadTimeSeconds", "leadTimeSeconds must be between 0 and 604800.",
                ProblemCodes.FieldRange, ProblemCodes.Params(("min", 0), ("max", 604800)))
            : null;

    private static async Task<Results<NoContent, ProblemHttpResult>> GiveBack(
        long assignmentId, ClaimsPrincipal user, AssignmentReader assignments, LeaseCache leases, Access access, QueueEngine queue, bool skip,
        CancellationToken ct)
    {
        var userId = user.UserId();
        var a = leases.Find(assignmentId, userId) ?? await assignments.FindAsync(assignmentId, userId, ct);
        var (project, work, refused) = await HolderGateAsync(access, userId, a, "Live assignment", ct);
        if (project is null)
        {
            return refused!;
        }
        return await queue.GiveBackAsync(assignmentId, userId, skip, work?.ContractId ?? 0, ct)
            ? TypedResults.NoContent()
            : Http.NotFound("Live assignment");
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> SaveDraft(
        long assignmentId, DraftRequest request, ClaimsPrincipal user, AssignmentReader assignments, LeaseCache leases, Access access,
        QueueEngine queue, CancellationToken ct)
    {
        var raw = request.Result.GetRawText();
        if (raw.Length > 4_000_000)
        {
            return Http.Invalid("result", "A draft may hold at most 4,000,000 characters.",
                ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 4_000_000)));
        }
        var userId = user.UserId();
        var a = leases.Find(assignmentId, userId) ?? await assignments.FindAsync(assignmentId, userId, ct);
        var (project, _, refused) = await HolderGateAsync(access, userId, a, "Live assignment", ct);
        if (project is null)
        {
            return refused!;
        }
        return await queue.SaveDraftAsync(assignmentId, userId, raw, ct)
            ? TypedResults.NoContent()
            : Http.NotFound("Live assignment");
    }

    /// <summary>
    /// A lease is worked on only while its holder may still annotate the project: one taken before
    /// they were removed from the organisation or its contract (404, as for someone else's assignment) or lost the
    /// annotator role (403) takes no submission, skip, release or draft. The roles come from
    /// <see cref="Access"/>'s cache, so a warm submission costs no extra read.
    /// </summary>
    private static async Task<(ProjectConfig? Project, ContractWork? Work, ProblemHttpResult? Problem)> HolderGateAsync(
        Access access, long userId, AssignmentRow? a, string what, CancellationToken ct) =>
        a is null
            ? (null, null, Http.NotFound(what))
            : await access.WorkGateAsync(userId, a.ProjectId, RoleNames.Annotate, "Only annotators work on tasks from the queue.", ct, notFound: what);
}

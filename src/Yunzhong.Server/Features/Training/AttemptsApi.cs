using Yunzhong.Core.Training;
using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Features.Training;

public enum AttemptState { Open, Passed, Failed }

/// <summary>The question to answer now: the task and its schema, never its known answer.</summary>
/// <param name="ProjectId">The project the task came from, whose media files its data names.</param>
public sealed record ExamQuestion(int Position, long ProjectId, JsonElement Schema, JsonElement Data);

/// <summary>A question of a marked attempt: what was given beside what was expected, with its gold score (0–1).</summary>
public sealed record QuestionReview(int Position, long ProjectId, JsonElement Schema, JsonElement Data, JsonElement? Given, JsonElement Expected, double Score);

/// <param name="Deadline">Fixed when the attempt started; no request moves it.</param>
/// <param name="ServerTime">The server's clock when it answered, so a browser's timer counts from the server's time.</param>
/// <param name="Current">While open, the first unanswered question; the answers are not sent until the attempt is marked.</param>
/// <param name="Score">The mark in percent, once marked.</param>
/// <param name="Review">Once marked, every question with the expected answer.</param>
public sealed record AttemptView(
    long Id, long ExamId, AttemptState State, DateTimeOffset StartedAt, DateTimeOffset Deadline, DateTimeOffset ServerTime, int QuestionCount,
    int Answered, double PassMark, ExamQuestion? Current, double? Score, long? CertificateId, List<QuestionReview>? Review);

public sealed record ExamAnswer(int Position, JsonElement Result);

/// <summary>Taking an exam: start an attempt, answer its questions one at a time before the deadline, hand it in.</summary>
public static class AttemptsApi
{
    public static IEndpointRouteBuilder MapAttempts(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Training").SignedIn();
        g.MapPost("/exams/{examId:long}/attempts", Start).WithName("startAttempt").Gated().Conflicts();
        g.MapGet("/attempts/{attemptId:long}", Get).WithName("getAttempt").Problems(StatusCodes.Status404NotFound);
        g.MapPost("/attempts/{attemptId:long}/answers", Answer).WithName("answerQuestion").Problems(StatusCodes.Status404NotFound).Conflicts().JsonBody();
        g.MapPost("/attempts/{attemptId:long}/finish", Finish).WithName("finishAttempt").Problems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Created<AttemptView>, ProblemHttpResult>> Start(
        long examId, ClaimsPrincipal user, Access access, Db db, Attempts attempts, CancellationToken ct)
    {
        ExamsApi.ExamRow? exam;
        await using (var c = await db.OpenAsync(ct))
        {
            (exam, var refused) = await ExamsApi.ExamGateAsync(c, access, user, examId, RoleNames.Member, CoursesApi.MembersOnly, ct);
            if (exam is null)
            {
                return refused!;
            }
        }
        var userId = user.UserId();
        await attempts.ScoreExpiredAsync(exam.OrganizationId, userId, ct);
        var (id, decision) = await attempts.StartAsync(exam, userId, ct);
        return decision.Refusal switch
        {
            StartRefusal.None => TypedResults.Created($"/api/attempts/{id}", await ViewAsync(attempts, (await attempts.FindAsync(id!.Value, ct))!, ct)),
            StartRefusal.AttemptOpen => Http.Conflict("An attempt at this exam is still running: answer it first.", ProblemCodes.ExamAttemptOpen,
                ProblemCodes.Params(("attemptId", id))),
            StartRefusal.NoAttemptsLeft => Http.Conflict($"Every one of the exam's {exam.MaxAttempts} attempts is used.", ProblemCodes.ExamNoAttemptsLeft,
                ProblemCodes.Params(("limit", exam.MaxAttempts))),
            _ => Http.Conflict("The cool-down after the last attempt has not ended.", ProblemCodes.ExamCoolingDown,
                ProblemCodes.Params(("retryAt", Http.Time(decision.RetryAt!.Value)))),
        };
    }

    /// <summary>The caller's own attempt, marked first if it ran out of time; null for anyone else's (or one of an
    /// organisation the caller has left), which answers 404 as a missing one.</summary>
    private static async Task<Attempts.AttemptRow?> OwnAsync(long attemptId, ClaimsPrincipal user, Access access, Attempts attempts, CancellationToken ct)
    {
        var a = await attempts.FindAsync(attemptId, ct);
        if (a is null || a.UserId != user.UserId()
            || await SitesApi.OrgGateAsync(access, a.UserId, a.OrganizationId, RoleNames.Member, CoursesApi.MembersOnly, ct) is not null)
        {
            return null;
        }
        if (a.FinishedAt is null && attempts.Now >= a.Deadline)
        {
            await attempts.FinishAsync(attemptId, ct);
            a = await attempts.FindAsync(attemptId, ct);
        }
        return a;
    }

    private static async Task<AttemptView> ViewAsync(Attempts attempts, Attempts.AttemptRow a, CancellationToken ct)
    {
        var questions = await attempts.QuestionsAsync(a.Id, ct);
        var open = a.FinishedAt is null;
        var current = open ? questions.FirstOrDefault(q => q.AnswerJson is null) : null;
        return new AttemptView(
            a.Id, a.ExamId, open ? AttemptState.Open : a.Passed == 1 ? AttemptState.Passed : AttemptState.Failed,
            Http.Time(a.StartedAt), Http.Time(a.Deadline), Http.Time(attempts.Now), questions.Count, questions.Count(q => q.AnswerJson is not null),
            a.PassMark,
            current is null ? null : new ExamQuestion((int)current.Position, current.ProjectId, Http.Json(current.SchemaJson), Http.Json(current.DataJson)),
            a.Score, a.CertificateId,
            open ? null : questions.Select(q => new QuestionReview((int)q.Position, q.ProjectId, Http.Json(q.SchemaJson), Http.Json(q.DataJson),
                Http.JsonOrNull(q.AnswerJson), Http.Json(q.GoldJson), q.Score ?? 0)).ToList());
    }

    private static async Task<Results<Ok<AttemptView>, ProblemHttpResult>> Get(
        long attemptId, ClaimsPrincipal user, Access access, Attempts attempts, CancellationToken ct) =>
        await OwnAsync(attemptId, user, access, attempts, ct) is { } a ? TypedResults.Ok(await ViewAsync(attempts, a, ct)) : Http.NotFound("Attempt");

    /// <summary>
    /// Answers the current question. Refused once the attempt is marked (409), after its deadline (the
    /// attempt is then marked as it stood: 400 naming <c>deadline</c>), for a question already answered
    /// (409: a replayed request changes nothing) or another than the current one (400 naming <c>position</c>).
    /// The last answer hands the attempt in.
    /// </summary>
    private static async Task<Results<Ok<AttemptView>, ProblemHttpResult, ValidationProblem>> Answer(
        long attemptId, ExamAnswer request, ClaimsPrincipal user, Access access, Attempts attempts, CancellationToken ct)
    {
        var a = await attempts.FindAsync(attemptId, ct);
        if (a is null || a.UserId != user.UserId()
            || await SitesApi.OrgGateAsync(access, a.UserId, a.OrganizationId, RoleNames.Member, CoursesApi.MembersOnly, ct) is not null)
        {
            return Http.NotFound("Attempt");
        }
        if (a.FinishedAt is null && attempts.Now >= a.Deadline)
        {
            await attempts.FinishAsync(attemptId, ct);
            return Expired(a);
        }
        if (a.FinishedAt is not null)
        {
            return a.FinishedAt >= a.Deadline ? Expired(a) : Http.Conflict("The attempt was handed in.", ProblemCodes.ExamAttemptFinished);
        }
        var questions = await attempts.QuestionsAsync(attemptId, ct);
        var q = questions.FirstOrDefault(x => x.Position == request.Position);
        if (q?.AnswerJson is not null)
        {
            return Http.Conflict($"Question {request.Position} is answered already.", ProblemCodes.ExamAlreadyAnswered,
                ProblemCodes.Params(("position", request.Position)));
        }
        var current = questions.FirstOrDefault(x => x.AnswerJson is null);
        if (q is null || current is null || q.Position != current.Position)
        {
            return Http.Invalid("position", $"The question to answer now is {current?.Position}.", ProblemCodes.FieldInvalid,
                ProblemCodes.Params(("value", request.Position)));
        }
        var (score, misfit) = TrainingTasks.Score(q.SchemaJson, q.DataJson, q.GoldJson, request.Result);
        if (misfit is not null)
        {
            return misfit;
        }
        if (!await attempts.AnswerAsync(attemptId, request.Position, request.Result.GetRawText(), score, ct))
        {
            // Lost a race with the deadline or with the same answer sent twice at once: say which.
            var now = await attempts.FindAsync(attemptId, ct);
            return attempts.Now >= a.Deadline ? Expired(a)
                : now?.FinishedAt is not null ? Http.Conflict("The attempt was handed in.", ProblemCodes.ExamAttemptFinished)
                : Http.Conflict($"Question {request.Position} is answered already.", ProblemCodes.ExamAlreadyAnswered, ProblemCodes.Params(("position", request.Position)));
        }
        if (questions.Count(x => x.AnswerJson is null) == 1)
        {
            await attempts.FinishAsync(attemptId, ct);
        }
        return TypedResults.Ok(await ViewAsync(attempts, (await attempts.FindAsync(attemptId, ct))!, ct));
    }

    private static ValidationProblem Expired(Attempts.AttemptRow a) =>
        Http.Invalid("deadline", "The attempt's time is up: it was marked as it stood at its deadline.", ProblemCodes.ExamAttemptExpired,
            ProblemCodes.Params(("deadline", Http.Time(a.Deadline))));

    /// <summary>Hands the attempt in and marks it (unanswered questions count 0); marking twice changes nothing.</summary>
    private static async Task<Results<Ok<AttemptView>, ProblemHttpResult>> Finish(
        long attemptId, ClaimsPrincipal user, Access access, Attempts attempts, CancellationToken ct)
    {
        if (await OwnAsync(attemptId, user, access, attempts, ct) is not { } a)
        {
            return Http.NotFound("Attempt");
        }
        await attempts.FinishAsync(attemptId, ct);
        return TypedResults.Ok(await ViewAsync(attempts, (await attempts.FindAsync(a.Id, ct))!, ct));
    }
}

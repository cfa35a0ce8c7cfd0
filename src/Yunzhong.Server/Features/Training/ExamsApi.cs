using Yunzhong.Core.Training;
using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Features.Training;

/// <param name="SkillId">The skill of the park's catalogue a pass certifies.</param>
/// <param name="Level">The level of the skill a pass certifies.</param>
/// <param name="PassMark">Percent (0–100) of the gold score that passes.</param>
/// <param name="PoolTaskIds">Gold tasks of the organisation's projects that attempts draw their questions from.</param>
public sealed record ExamRequest(
    string Title, long SkillId, int Level, int QuestionCount, int TimeLimitSeconds, double PassMark, int MaxAttempts, int CooldownSeconds,
    int CertificateDays, long[] PoolTaskIds);

/// <summary>Where the caller stands with an exam.</summary>
/// <param name="OpenAttemptId">Their attempt still running, if any.</param>
/// <param name="RetryAt">When the cool-down after their last attempt ends, while it runs.</param>
/// <param name="BestScore">Their best mark so far (percent).</param>
public sealed record ExamStanding(int AttemptsUsed, int AttemptsLeft, long? OpenAttemptId, DateTimeOffset? RetryAt, bool Passed, double? BestScore);

public sealed record ExamView(
    long Id, long OrganizationId, string Title, long SkillId, int Level, int QuestionCount, int TimeLimitSeconds, double PassMark, int MaxAttempts,
    int CooldownSeconds, int CertificateDays, long PoolSize, DateTimeOffset CreatedAt, ExamStanding Mine);

/// <summary>A pool task with its known answer, for the exam's trainers.</summary>
public sealed record PoolItem(long Id, long ProjectId, long SourceTaskId, JsonElement Data, JsonElement Gold);

public sealed record ExamDetail(ExamView Exam, List<PoolItem> Pool);

/// <summary>One exam's figures, for the organisation's trainers.</summary>
public sealed record ExamFiguresView(long ExamId, string Title, long SkillId, int Level, ExamFigures Figures);

/// <summary>Qualification exams (资格考试): a pool of gold tasks per skill and level, attempts with a fixed deadline, certificates on a pass.</summary>
public static class ExamsApi
{
    public static IEndpointRouteBuilder MapExams(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Training").SignedIn();
        g.MapGet("/organizations/{organizationId:long}/exams", List).WithName("listExams").Gated();
        g.MapPost("/organizations/{organizationId:long}/exams", Create).WithName("createExam").Gated().JsonBody();
        g.MapGet("/exams/{examId:long}", Get).WithName("getExam").Gated();
        g.MapPut("/exams/{examId:long}", Update).WithName("updateExam").Gated().JsonBody();
        g.MapGet("/organizations/{organizationId:long}/exam-figures", Figures).WithName("examFigures").Gated();
        return app;
    }

    internal sealed class ExamRow
    {
        public long Id { get; set; }
        public long OrganizationId { get; set; }
        public string Title { get; set; } = "";
        public long SkillId { get; set; }
        public long Level { get; set; }
        public long QuestionCount { get; set; }
        public long TimeLimitSeconds { get; set; }
        public double PassMark { get; set; }
        public long MaxAttempts { get; set; }
        public long CooldownSeconds { get; set; }
        public long CertificateDays { get; set; }
        public long CreatedAt { get; set; }
        public long PoolSize { get; set; }

        public ExamTerms Terms => new((int)QuestionCount, (int)TimeLimitSeconds, PassMark, (int)MaxAttempts, (int)CooldownSeconds, (int)CertificateDays);

        public ExamView View(ExamStanding mine) => new(Id, OrganizationId, Title, SkillId, (int)Level, (int)QuestionCount, (int)TimeLimitSeconds, PassMark,
            (int)MaxAttempts, (int)CooldownSeconds, (int)CertificateDays, PoolSize, Http.Time(CreatedAt), mine);
    }

    private sealed record PoolRow(long Id, long ProjectId, long SourceTaskId, string DataJson, string GoldJson);

    private sealed class FinishedRow
    {
        public long ExamId { get; set; }
        public long UserId { get; set; }
        public long StartedAt { get; set; }
        public long? Passed { get; set; }
    }

    /// <summary>The caller's standing with <paramref name="exam"/> given their attempts at it (oldest first).</summary>
    internal static ExamStanding Standing(ExamRow exam, IReadOnlyList<Attempts.AttemptRow> mine, long now)
    {
        var decision = ExamRules.MayStart(exam.Terms, mine.Select(a => a.Times).ToList(), now);
        return new ExamStanding(
            mine.Count, Math.Max(0, (int)exam.MaxAttempts - mine.Count),
            decision.OpenAttempt is { } i ? mine[i].Id : null,
            decision.RetryAt is { } at ? Http.Time(at) : null,
            mine.Any(a => a.Passed == 1),
            mine.Where(a => a.Score is not null).Select(a => a.Score).Max());
    }

    private static async Task<Results<Ok<List<ExamView>>, ProblemHttpResult>> List(
        long organizationId, ClaimsPrincipal user, Access access, Db db, Attempts attempts, TimeProvider time, CancellationToken ct)
    {
        var userId = user.UserId();
        if (await SitesApi.OrgGateAsync(access, userId, organizationId, RoleNames.Member, CoursesApi.MembersOnly, ct) is { } refused)
        {
            return refused;
        }
        await attempts.ScoreExpiredAsync(organizationId, userId, ct);
        await using var c = await db.OpenAsync(ct);
        var exams = await c.QueryAsync<ExamRow>(new CommandDefinition(TrainingSql.ExamsSql, new { organizationId }, cancellationToken: ct));
        var mine = (await c.QueryAsync<Attempts.AttemptRow>(new CommandDefinition(TrainingSql.MyAttemptsSql, new { organizationId, userId }, cancellationToken: ct)))
            .ToLookup(a => a.ExamId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return TypedResults.Ok(exams.Select(e => e.View(Standing(e, mine[e.Id].ToList(), now))).ToList());
    }

    private static async Task<Results<Created<ExamDetail>, ProblemHttpResult, ValidationProblem>> Create(
        long organizationId, ExamRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Train, CoursesApi.TrainersOnly, ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        if (await CheckAsync(c, request, ct) is { } bad)
        {
            return bad;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long id;
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            id = await c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertExamSql, Args(request, organizationId, 0, user.UserId(), now), tx, cancellationToken: ct));
            if (await SetPoolAsync(c, tx, organizationId, id, request.PoolTaskIds, now, ct) is { } badTask)
            {
                return badTask;
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Created($"/api/exams/{id}", await DetailAsync(c, id, user.UserId(), now, ct));
    }

    private static object Args(ExamRequest r, long organizationId, long examId, long userId, long now) => new
    {
        organizationId, examId, userId, now, title = r.Title.Trim(), skillId = r.SkillId, level = r.Level, questionCount = r.QuestionCount,
        timeLimitSeconds = r.TimeLimitSeconds, passMark = r.PassMark, maxAttempts = r.MaxAttempts, cooldownSeconds = r.CooldownSeconds,
        certificateDays = r.CertificateDays,
    };

    /// <summary>The first field the exam is wrong in: its title, its skill and level, then its terms against the size of its pool.</summary>
    private static async Task<ValidationProblem?> CheckAsync(DbConnection c, ExamRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 200)
        {
            return Http.Invalid("title", "An exam needs a title of 1 to 200 characters.", ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        if (await TrainingSkills.UnknownAsync(c, request.SkillId, ct, request.Level) is { } badSkill)
        {
            return badSkill;
        }
        if (request.PoolTaskIds is null || request.PoolTaskIds.Length > 1000)
        {
            return Http.Invalid("poolTaskIds", "poolTaskIds must list at most 1000 gold tasks.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 1000)));
        }
        var terms = new ExamTerms(request.QuestionCount, request.TimeLimitSeconds, request.PassMark, request.MaxAttempts, request.CooldownSeconds, request.CertificateDays);
        var errors = terms.Check(request.PoolTaskIds.Distinct().Count());
        return errors.Count > 0 ? Http.Invalid(errors) : null;
    }

    private static async Task<ValidationProblem?> SetPoolAsync(
        DbConnection c, DbTransaction tx, long organizationId, long examId, long[] taskIds, long now, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(TrainingSql.DeletePoolSql, new { examId }, tx, cancellationToken: ct));
        var copies = new HashSet<long>();
        foreach (var taskId in taskIds.Distinct())
        {
            if (await TrainingTasks.CopyAsync(c, tx, organizationId, taskId, now, ct) is not { } copy)
            {
                return TrainingTasks.NotGold("poolTaskIds", taskId);
            }
            if (copies.Add(copy))
            {
                await c.ExecuteAsync(new CommandDefinition(TrainingSql.InsertPoolSql, new { examId, trainingTaskId = copy }, tx, cancellationToken: ct));
            }
        }
        return null;
    }

    private static async Task<ExamDetail> DetailAsync(DbConnection c, long examId, long userId, long now, CancellationToken ct)
    {
        var exam = await c.QuerySingleAsync<ExamRow>(new CommandDefinition(TrainingSql.ExamSql, new { examId }, cancellationToken: ct));
        var mine = (await c.QueryAsync<Attempts.AttemptRow>(new CommandDefinition(TrainingSql.AttemptsOfSql, new { examId, userId }, cancellationToken: ct))).ToList();
        var pool = await c.QueryAsync<PoolRow>(new CommandDefinition(TrainingSql.PoolSql, new { examId }, cancellationToken: ct));
        return new ExamDetail(exam.View(Standing(exam, mine, now)),
            pool.Select(p => new PoolItem(p.Id, p.ProjectId, p.SourceTaskId, Http.Json(p.DataJson), Http.Json(p.GoldJson))).ToList());
    }

    /// <summary>The exam with its pool and known answers: for its trainers only.</summary>
    private static async Task<Results<Ok<ExamDetail>, ProblemHttpResult>> Get(
        long examId, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await ExamGateAsync(c, access, user, examId, RoleNames.Train, CoursesApi.TrainersOnly, ct) is (_, { } refused))
        {
            return refused;
        }
        return TypedResults.Ok(await DetailAsync(c, examId, user.UserId(), time.GetUtcNow().ToUnixTimeMilliseconds(), ct));
    }

    /// <summary>Exam @examId and null, or null and why the caller may not act on it (404 for outsiders, 403 without <paramref name="needed"/>).</summary>
    internal static async Task<(ExamRow? Exam, ProblemHttpResult? Refused)> ExamGateAsync(
        DbConnection c, Access access, ClaimsPrincipal user, long examId, Roles needed, string forbidden, CancellationToken ct)
    {
        var exam = await c.QueryFirstOrDefaultAsync<ExamRow?>(new CommandDefinition(TrainingSql.ExamSql, new { examId }, cancellationToken: ct));
        return await CoursesApi.GateAsync(exam, e => e.OrganizationId, "Exam", access, user, needed, forbidden, ct);
    }

    /// <summary>Changes an exam's terms and pool. Attempts already started keep the questions and deadline they drew.</summary>
    private static async Task<Results<Ok<ExamDetail>, ProblemHttpResult, ValidationProblem>> Update(
        long examId, ExamRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (exam, refused) = await ExamGateAsync(c, access, user, examId, RoleNames.Train, CoursesApi.TrainersOnly, ct);
        if (exam is null)
        {
            return refused!;
        }
        if (await CheckAsync(c, request, ct) is { } bad)
        {
            return bad;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(TrainingSql.UpdateExamSql, Args(request, exam.OrganizationId, examId, user.UserId(), now), tx, cancellationToken: ct));
            if (await SetPoolAsync(c, tx, exam.OrganizationId, examId, request.PoolTaskIds, now, ct) is { } badTask)
            {
                return badTask;
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(await DetailAsync(c, examId, user.UserId(), now, ct));
    }

    /// <summary>Pass rate and attempts to pass of each of the organisation's exams (expired attempts scored first).</summary>
    private static async Task<Results<Ok<List<ExamFiguresView>>, ProblemHttpResult>> Figures(
        long organizationId, ClaimsPrincipal user, Access access, Db db, Attempts attempts, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Train, CoursesApi.TrainersOnly, ct) is { } refused)
        {
            return refused;
        }
        await attempts.ScoreExpiredAsync(organizationId, null, ct);
        await using var c = await db.OpenAsync(ct);
        var exams = await c.QueryAsync<ExamRow>(new CommandDefinition(TrainingSql.ExamsSql, new { organizationId }, cancellationToken: ct));
        var finished = (await c.QueryAsync<FinishedRow>(new CommandDefinition(TrainingSql.FinishedSql, new { organizationId }, cancellationToken: ct)))
            .ToLookup(f => f.ExamId);
        return TypedResults.Ok(exams.Select(e => new ExamFiguresView(e.Id, e.Title, e.SkillId, (int)e.Level,
            ExamFigures.Of(finished[e.Id].Select(f => new FinishedAttempt(f.UserId, f.StartedAt, f.Passed == 1))))).ToList());
    }
}

using Yunzhong.Core.Quality;
using Yunzhong.Server.Features.Park;

namespace Yunzhong.Server.Features.Training;

/// <param name="SkillId">The skill the course trains for, if any (the park's catalogue).</param>
public sealed record CourseRequest(string Title, string? Summary = null, long? SkillId = null);

public sealed record CourseView(long Id, long OrganizationId, string Title, string Summary, long? SkillId, long Lessons, DateTimeOffset CreatedAt);

public sealed record LessonSummary(long Id, int Position, string Title, long Practice);

public sealed record CourseDetail(CourseView Course, List<LessonSummary> Lessons);

/// <param name="Body">Markdown, rendered as the project's instructions are (images by URL).</param>
/// <param name="PracticeTaskIds">Gold tasks of the organisation's projects to practise on, in order; each is copied with its known answer.</param>
public sealed record LessonRequest(string Title, string Body, long[]? PracticeTaskIds = null);

/// <summary>A practice task as the learner sees it: the task and its schema, never the known answer.</summary>
public sealed record PracticeTask(long Id, long ProjectId, long SourceTaskId, JsonElement Schema, JsonElement Data);

public sealed record LessonView(long Id, long CourseId, int Position, string Title, string Body, List<PracticeTask> Practice);

public sealed record PracticeAnswer(JsonElement Result);

/// <summary>Feedback on a practice answer: the answer beside the expected one, with the score the gold rules give (0–1).</summary>
public sealed record PracticeFeedback(double Score, JsonElement Given, JsonElement Expected);

/// <summary>A gold task of one of the organisation's projects, for a trainer picking practice and exam questions.</summary>
public sealed record GoldTaskView(long Id, long ProjectId, string ProjectName, JsonElement Data, JsonElement Gold);

/// <summary>Courses (培训课程): lessons in Markdown with practice tasks that answer at once with the gold rules' score.</summary>
public static class CoursesApi
{
    public static IEndpointRouteBuilder MapCourses(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Training").SignedIn();
        g.MapGet("/organizations/{organizationId:long}/courses", List).WithName("listCourses").Gated();
        g.MapPost("/organizations/{organizationId:long}/courses", Create).WithName("createCourse").Gated().JsonBody();
        g.MapGet("/courses/{courseId:long}", Get).WithName("getCourse").Gated();
        g.MapPut("/courses/{courseId:long}", Update).WithName("updateCourse").Gated().JsonBody();
        g.MapPost("/courses/{courseId:long}/lessons", AddLesson).WithName("createLesson").Gated().JsonBody();
        g.MapGet("/lessons/{lessonId:long}", GetLesson).WithName("getLesson").Gated();
        g.MapPut("/lessons/{lessonId:long}", UpdateLesson).WithName("updateLesson").Gated().JsonBody();
        g.MapPost("/practice/{practiceId:long}/check", Check).WithName("checkPractice").Gated().JsonBody();
        g.MapGet("/organizations/{organizationId:long}/gold-tasks", GoldTasks).WithName("listGoldTasks").Gated();
        return app;
    }

    internal const string TrainersOnly = "Only the organisation's trainers, admins and managers write courses and exams.";

    internal const string MembersOnly = "Only the organisation's members take its courses and exams.";

    /// <summary>
    /// <paramref name="row"/> (a course, lesson, practice task or exam) and null when the caller holds one of
    /// <paramref name="needed"/> in the organisation that owns it; else null and 404 (missing, or an outsider's:
    /// the same answer) or 403 (a member without the role).
    /// </summary>
    internal static async Task<(T? Row, ProblemHttpResult? Refused)> GateAsync<T>(
        T? row, Func<T, long> organization, string what, Access access, ClaimsPrincipal user, Roles needed, string forbidden, CancellationToken ct)
        where T : class
    {
        if (row is null)
        {
            return (null, Http.NotFound(what));
        }
        var refused = await SitesApi.OrgGateAsync(access, user.UserId(), organization(row), needed, forbidden, ct, what);
        return refused is null ? (row, null) : (null, refused);
    }

    internal sealed class CourseRow
    {
        public long Id { get; set; }
        public long OrganizationId { get; set; }
        public string Title { get; set; } = "";
        public string Summary { get; set; } = "";
        public long? SkillId { get; set; }
        public long CreatedAt { get; set; }
        public long Lessons { get; set; }

        public CourseView View() => new(Id, OrganizationId, Title, Summary, SkillId, Lessons, Http.Time(CreatedAt));
    }

    private sealed record LessonRow(long Id, long CourseId, long OrganizationId, long Position, string Title, string Body);

    private sealed record PracticeRow(long Id, long ProjectId, long SourceTaskId, string SchemaJson, string DataJson);

    private sealed record PracticeKey(long Id, long OrganizationId, string SchemaJson, string DataJson, string GoldJson);

    private sealed record GoldRow(long Id, long ProjectId, string ProjectName, string DataJson, string GoldJson);

    private static async Task<Results<Ok<List<CourseView>>, ProblemHttpResult>> List(
        long organizationId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Member, MembersOnly, ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<CourseRow>(new CommandDefinition(TrainingSql.CoursesSql, new { organizationId }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => r.View()).ToList());
    }

    private static async Task<Results<Created<CourseView>, ProblemHttpResult, ValidationProblem>> Create(
        long organizationId, CourseRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Train, TrainersOnly, ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        if (await CheckAsync(c, request, ct) is { } bad)
        {
            return bad;
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertCourseSql, new
        {
            organizationId, title = request.Title.Trim(), summary = request.Summary?.Trim() ?? "", skillId = request.SkillId,
            userId = user.UserId(), now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        var row = await c.QuerySingleAsync<CourseRow>(new CommandDefinition(TrainingSql.CourseSql, new { courseId = id }, cancellationToken: ct));
        return TypedResults.Created($"/api/courses/{id}", row.View());
    }

    private static async Task<ValidationProblem?> CheckAsync(DbConnection c, CourseRequest request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 200)
        {
            return Http.Invalid("title", "A course needs a title of 1 to 200 characters.", ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        if (request.Summary is { Length: > 4000 })
        {
            return Http.Invalid("summary", "summary is longer than 4000 characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 4000)));
        }
        return await TrainingSkills.UnknownAsync(c, request.SkillId, ct);
    }

    private static async Task<Results<Ok<CourseDetail>, ProblemHttpResult>> Get(
        long courseId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (course, refused) = await GateAsync(await CourseAsync(c, courseId, ct), r => r.OrganizationId, "Course", access, user, RoleNames.Member, MembersOnly, ct);
        if (course is null)
        {
            return refused!;
        }
        var lessons = await c.QueryAsync<(long Id, long CourseId, long Position, string Title, long Practice)>(
            new CommandDefinition(TrainingSql.LessonsSql, new { courseId }, cancellationToken: ct));
        return TypedResults.Ok(new CourseDetail(course.View(), lessons.Select(l => new LessonSummary(l.Id, (int)l.Position, l.Title, l.Practice)).ToList()));
    }

    private static async Task<Results<Ok<CourseView>, ProblemHttpResult, ValidationProblem>> Update(
        long courseId, CourseRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await CourseGateAsync(c, access, user, courseId, ct) is { } refused)
        {
            return refused;
        }
        if (await CheckAsync(c, request, ct) is { } bad)
        {
            return bad;
        }
        await c.ExecuteAsync(new CommandDefinition(TrainingSql.UpdateCourseSql, new
        {
            courseId, title = request.Title.Trim(), summary = request.Summary?.Trim() ?? "", skillId = request.SkillId, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        var row = await c.QuerySingleAsync<CourseRow>(new CommandDefinition(TrainingSql.CourseSql, new { courseId }, cancellationToken: ct));
        return TypedResults.Ok(row.View());
    }

    /// <summary>Null when the caller may write course @courseId; else 404 (missing, or not theirs to see) or 403.</summary>
    private static async Task<ProblemHttpResult?> CourseGateAsync(DbConnection c, Access access, ClaimsPrincipal user, long courseId, CancellationToken ct) =>
        (await GateAsync(await CourseAsync(c, courseId, ct), r => r.OrganizationId, "Course", access, user, RoleNames.Train, TrainersOnly, ct)).Refused;

    private static Task<CourseRow?> CourseAsync(DbConnection c, long courseId, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<CourseRow?>(new CommandDefinition(TrainingSql.CourseSql, new { courseId }, cancellationToken: ct));

    private static Task<LessonRow?> LessonRowAsync(DbConnection c, long lessonId, CancellationToken ct) =>
        c.QueryFirstOrDefaultAsync<LessonRow?>(new CommandDefinition(TrainingSql.LessonSql, new { lessonId }, cancellationToken: ct));

    private static async Task<Results<Created<LessonView>, ProblemHttpResult, ValidationProblem>> AddLesson(
        long courseId, LessonRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await CourseGateAsync(c, access, user, courseId, ct) is { } refused)
        {
            return refused;
        }
        var organizationId = (await CourseAsync(c, courseId, ct))!.OrganizationId;
        if (CheckLesson(request) is { } bad)
        {
            return bad;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        long id;
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            id = await c.ExecuteScalarAsync<long>(new CommandDefinition(TrainingSql.InsertLessonSql,
                new { courseId, title = request.Title.Trim(), body = request.Body, now }, tx, cancellationToken: ct));
            if (await SetPracticeAsync(c, tx, organizationId, id, request.PracticeTaskIds ?? [], now, ct) is { } badTask)
            {
                return badTask;
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Created($"/api/lessons/{id}", await LessonAsync(c, id, ct));
    }

    private static ValidationProblem? CheckLesson(LessonRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Title) || request.Title.Length > 200)
        {
            return Http.Invalid("title", "A lesson needs a title of 1 to 200 characters.", ProblemCodes.FieldLength, ProblemCodes.Params(("min", 1), ("max", 200)));
        }
        if (request.Body is null || request.Body.Length > 200_000)
        {
            return Http.Invalid("body", "body must be Markdown of at most 200000 characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 200_000)));
        }
        if (request.PracticeTaskIds is { Length: > 100 })
        {
            return Http.Invalid("practiceTaskIds", "A lesson holds at most 100 practice tasks.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 100)));
        }
        return null;
    }

    /// <summary>Sets the lesson's practice tasks in order. A task the lesson keeps keeps its practice id, so a learner
    /// with the lesson open can still check an answer after the trainer saved it again.</summary>
    private static async Task<ValidationProblem?> SetPracticeAsync(
        DbConnection c, DbTransaction tx, long organizationId, long lessonId, long[] taskIds, long now, CancellationToken ct)
    {
        var existing = (await c.QueryAsync<(long Id, long TrainingTaskId)>(new CommandDefinition(TrainingSql.PracticeRowsSql, new { lessonId }, tx, cancellationToken: ct)))
            .ToDictionary(r => r.TrainingTaskId, r => r.Id);
        var kept = new HashSet<long>();
        var position = 0;
        foreach (var taskId in taskIds.Distinct())
        {
            if (await TrainingTasks.CopyAsync(c, tx, organizationId, taskId, now, ct) is not { } copy)
            {
                return TrainingTasks.NotGold("practiceTaskIds", taskId);
            }
            if (existing.TryGetValue(copy, out var id))
            {
                kept.Add(id);
                await c.ExecuteAsync(new CommandDefinition(TrainingSql.MovePracticeSql, new { id, position = ++position }, tx, cancellationToken: ct));
            }
            else
            {
                await c.ExecuteAsync(new CommandDefinition(TrainingSql.InsertPracticeSql,
                    new { lessonId, position = ++position, trainingTaskId = copy }, tx, cancellationToken: ct));
            }
        }
        foreach (var id in existing.Values.Where(id => !kept.Contains(id)))
        {
            await c.ExecuteAsync(new CommandDefinition(TrainingSql.DeletePracticeSql, new { id }, tx, cancellationToken: ct));
        }
        return null;
    }

    private static async Task<LessonView> LessonAsync(DbConnection c, long lessonId, CancellationToken ct)
    {
        var l = await c.QuerySingleAsync<LessonRow>(new CommandDefinition(TrainingSql.LessonSql, new { lessonId }, cancellationToken: ct));
        var practice = await c.QueryAsync<PracticeRow>(new CommandDefinition(TrainingSql.PracticeOfLessonSql, new { lessonId }, cancellationToken: ct));
        return new LessonView(l.Id, l.CourseId, (int)l.Position, l.Title, l.Body,
            practice.Select(p => new PracticeTask(p.Id, p.ProjectId, p.SourceTaskId, Http.Json(p.SchemaJson), Http.Json(p.DataJson))).ToList());
    }

    private static async Task<Results<Ok<LessonView>, ProblemHttpResult>> GetLesson(
        long lessonId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (l, refused) = await GateAsync(await LessonRowAsync(c, lessonId, ct), r => r.OrganizationId, "Lesson", access, user, RoleNames.Member, MembersOnly, ct);
        return l is null ? refused! : TypedResults.Ok(await LessonAsync(c, lessonId, ct));
    }

    private static async Task<Results<Ok<LessonView>, ProblemHttpResult, ValidationProblem>> UpdateLesson(
        long lessonId, LessonRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (l, refused) = await GateAsync(await LessonRowAsync(c, lessonId, ct), r => r.OrganizationId, "Lesson", access, user, RoleNames.Train, TrainersOnly, ct);
        if (l is null)
        {
            return refused!;
        }
        if (CheckLesson(request) is { } bad)
        {
            return bad;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(TrainingSql.UpdateLessonSql, new { lessonId, title = request.Title.Trim(), body = request.Body, now }, tx, cancellationToken: ct));
            if (await SetPracticeAsync(c, tx, l.OrganizationId, lessonId, request.PracticeTaskIds ?? [], now, ct) is { } badTask)
            {
                return badTask;
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(await LessonAsync(c, lessonId, ct));
    }

    /// <summary>Scores a practice answer at once, as a gold task in a project is scored, and shows the known answer beside it.</summary>
    private static async Task<Results<Ok<PracticeFeedback>, ProblemHttpResult, ValidationProblem>> Check(
        long practiceId, PracticeAnswer request, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var (p, refused) = await GateAsync(
            await c.QueryFirstOrDefaultAsync<PracticeKey?>(new CommandDefinition(TrainingSql.PracticeSql, new { practiceId }, cancellationToken: ct)),
            r => r.OrganizationId, "Practice task", access, user, RoleNames.Member, MembersOnly, ct);
        if (p is null)
        {
            return refused!;
        }
        var (score, misfit) = TrainingTasks.Score(p.SchemaJson, p.DataJson, p.GoldJson, request.Result);
        return misfit is not null ? misfit : TypedResults.Ok(new PracticeFeedback(score, request.Result, Http.Json(p.GoldJson)));
    }

    private static async Task<Results<Ok<List<GoldTaskView>>, ProblemHttpResult>> GoldTasks(
        long organizationId, long? projectId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        if (await SitesApi.OrgGateAsync(access, user.UserId(), organizationId, RoleNames.Train, TrainersOnly, ct) is { } refused)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<GoldRow>(new CommandDefinition(TrainingSql.GoldTasksSql, new { organizationId, projectId, take = 500 }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => new GoldTaskView(r.Id, r.ProjectId, r.ProjectName, Http.Json(r.DataJson), Http.Json(r.GoldJson))).ToList());
    }
}

using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server.Features.Tasks;

public sealed record TaskSummary(long Id, string? Key, TaskState State, int Priority, int AnnotationCount, DateTimeOffset UpdatedAt);

public sealed record TaskPage(IReadOnlyList<TaskSummary> Items, long? Next);

public sealed record AnnotationView(
    long Id, long UserId, string Annotator, long AuthorId, int Version, long? ParentId, AnnotationStatus Status, JsonElement Result,
    double? LeadTimeSeconds, DateTimeOffset CreatedAt);

public sealed record ReviewView(long Id, long AnnotationId, long ReviewerId, ReviewAction Action, string? Comment, DateTimeOffset CreatedAt);

public sealed record TaskDetail(
    long Id, long ProjectId, string? Key, JsonElement Data, TaskState State, int Priority, int Target, bool IsGold,
    IReadOnlyList<AnnotationView> Annotations, IReadOnlyList<PredictionView> Predictions, IReadOnlyList<ReviewView> Reviews);

/// <summary>delete: removes the tasks with their annotations; priority: sets it; release: ends their live leases.</summary>
public sealed record BulkRequest(long[] Ids, BulkAction? Action = null, int? Priority = null);

public sealed record BulkResponse(long Affected);

public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Tasks").SignedIn();
        g.MapGet("/projects/{projectId:long}/tasks", List).WithName("listTasks").Gated().FieldErrors();
        g.MapGet("/tasks/{taskId:long}", Get).WithName("getTask").Gated();
        g.MapPost("/projects/{projectId:long}/tasks/bulk", Bulk).WithName("changeTasks").Gated().JsonBody().RefusesUnknownEnums();
        return app;
    }

    /// <summary>
    /// Keyset-paged task list (<c>after</c> = last id seen), filtered by state, annotator, label and
    /// date. Managers and reviewers see every task; an annotator sees the tasks they were given, and
    /// the annotator and label filters look at their own answers only.
    /// </summary>
    private static async Task<Results<Ok<TaskPage>, ProblemHttpResult, ValidationProblem>> List(
        long projectId, string? state, long? annotator, string? label, DateTimeOffset? from, DateTimeOffset? to, long? after, int? limit,
        ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var me = user.UserId();
        var found = await access.ForProjectAsync(me, projectId, ct);
        if (found is null)
        {
            return Http.NotFound("Project");
        }
        var everyone = (found.Value.Roles & RoleNames.SeeWork) != 0;
        if (!everyone && (found.Value.Roles & Roles.Annotator) == 0)
        {
            return Http.Forbidden("Only managers, reviewers and annotators list a project's tasks.");
        }
        if (!everyone && annotator is not null && annotator != me)
        {
            return Http.Forbidden("Annotators see their own work only.", ProblemCodes.AccessOwnWork);
        }
        if (!Wire.TryParseList<TaskState>(state, out var wanted))
        {
            return Http.Invalid("state", $"state must be a comma-separated list of {Wire.List<TaskState>()}.");
        }
        var states = wanted.Select(Wire.Name).ToArray();
        var take = Math.Clamp(limit ?? 100, 1, 1000);
        var where = new List<string> { "t.project_id = @projectId", "t.id > @after" };
        if (!everyone)
        {
            where.Add(TasksSql.GivenToMeSql);
        }
        if (states.Length > 0)
        {
            where.Add(db.Dialect.InList("t.state", "@states"));
        }
        if (annotator is not null)
        {
            where.Add(TasksSql.AnnotatedBySql);
        }
        if (!string.IsNullOrEmpty(label))
        {
            // The label appears as a JSON string value in some annotation's result, stored as the client
            // wrote it: raw UTF-8 (browsers) or with \uXXXX escapes (.NET's serializer), so both forms are
            // looked for. The escape character is explicit: PostgreSQL's default is the backslash that
            // JSON escapes are made of, SQLite has none, and % or _ in a label must match themselves.
            where.Add(TasksSql.LabelledSql);
        }
        if (from is not null)
        {
            where.Add("t.updated_at >= @fromMs");
        }
        if (to is not null)
        {
            where.Add("t.updated_at < @toMs");
        }
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<(long Id, string? Key, string State, long Priority, long AnnotationCount, long UpdatedAt)>(new CommandDefinition(
            TasksSql.ListSql(where),
            new
            {
                projectId, after = after ?? 0, states, annotator, take = take + 1, me, everyone = everyone ? 1 : 0,
                labelRaw = LikeContaining(JsonSerializer.Serialize(label ?? "", _rawJson)),
                labelEscaped = LikeContaining(JsonSerializer.Serialize(label ?? "")),
                fromMs = from?.ToUnixTimeMilliseconds(), toMs = to?.ToUnixTimeMilliseconds(),
            }, cancellationToken: ct))).ToList();
        var more = rows.Count > take;
        var items = rows.Take(take).Select(r => new TaskSummary(r.Id, r.Key, Wire.Parse<TaskState>(r.State), (int)r.Priority, (int)r.AnnotationCount, Http.Time(r.UpdatedAt))).ToList();
        return TypedResults.Ok(new TaskPage(items, more ? items[^1].Id : null));
    }

    private static readonly JsonSerializerOptions _rawJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A LIKE pattern (escape character <c>!</c>) matching any text that contains <paramref name="literal"/>.</summary>
    private static string LikeContaining(string literal) =>
        "%" + literal.Replace("!", "!!", StringComparison.Ordinal).Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal) + "%";

    private static async Task<Results<Ok<TaskDetail>, ProblemHttpResult>> Get(
        long taskId, ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var t = await c.QueryFirstOrDefaultAsync<(long Id, long ProjectId, string? Key, string DataJson, string State, long Priority, long Target, string? Gold)?>(
            new CommandDefinition(
                TasksSql.TaskSql,
                new { taskId }, cancellationToken: ct));
        var found = t is null ? null : await access.ForProjectAsync(user.UserId(), t.Value.ProjectId, ct);
        if (found is null)
        {
            return Http.NotFound("Task");
        }
        var canManage = (found.Value.Roles & RoleNames.SeeWork) != 0;
        if (!canManage && (found.Value.Roles & Roles.Annotator) == 0)
        {
            return Http.Forbidden("Only managers, reviewers and the task's annotators see a task.");
        }
        if (!canManage)
        {
            // Annotators see only tasks they work on, and never learn which tasks are gold.
            var mine = await c.ExecuteScalarAsync<long>(new CommandDefinition(
                TasksSql.GivenSql, new { taskId, userId = user.UserId() }, cancellationToken: ct));
            if (mine == 0)
            {
                return Http.NotFound("Task");
            }
        }
        var annotations = await c.QueryAsync<AnnotationRow>(new CommandDefinition(
            TasksSql.AnnotationsSql, new { taskId, all = canManage ? 1 : 0, userId = user.UserId() }, cancellationToken: ct));
        var predictions = await c.QueryAsync<(string Model, string ResultJson, double? Score)>(new CommandDefinition(
            TasksSql.PredictionsSql, new { taskId }, cancellationToken: ct));
        var reviews = await c.QueryAsync<(long Id, long AnnotationId, long ReviewerId, string Action, string? Comment, long CreatedAt)>(new CommandDefinition(
            TasksSql.ReviewsSql,
            new { taskId }, cancellationToken: ct));
        var v = t!.Value;
        return TypedResults.Ok(new TaskDetail(
            v.Id, v.ProjectId, v.Key, Http.Json(v.DataJson), Wire.Parse<TaskState>(v.State), (int)v.Priority, (int)v.Target, canManage && v.Gold is not null,
            annotations.Select(a => a.View()).ToList(),
            predictions.Select(p => new PredictionView(p.Model, Http.Json(p.ResultJson), p.Score)).ToList(),
            canManage ? reviews.Select(r => new ReviewView(r.Id, r.AnnotationId, r.ReviewerId, Wire.Parse<ReviewAction>(r.Action), r.Comment, Http.Time(r.CreatedAt))).ToList() : []));
    }

    internal sealed record AnnotationRow(
        long Id, long UserId, string Annotator, long AuthorId, long Version, long? ParentId, string Status, string ResultJson, double? LeadTime, long CreatedAt)
    {
        public AnnotationView View() =>
            new(Id, UserId, Annotator, AuthorId, (int)Version, ParentId, Wire.Parse<AnnotationStatus>(Status), Http.Json(ResultJson), LeadTime, Http.Time(CreatedAt));
    }

    /// <summary>
    /// delete: removes tasks with their annotations; priority: sets it; release: ends live leases so
    /// the tasks go back to the queue (for leases of people who left, or rejected work nobody redoes).
    /// </summary>
    private static async Task<Results<Ok<BulkResponse>, ProblemHttpResult, ValidationProblem>> Bulk(
        long projectId, BulkRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, "Only admins and managers change tasks in bulk.", ct);
        if (project is null)
        {
            return problem!;
        }
        if (request.Ids is null || request.Ids.Length is 0 or > 10_000)
        {
            return Http.Invalid("ids", "Give 1 to 10,000 task ids.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 10_000)));
        }
        if (request.Action == BulkAction.Priority && request.Priority is null)
        {
            return Http.Invalid("priority", "The priority action needs a priority.", ProblemCodes.FieldRequired);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var args = new { projectId, ids = request.Ids, priority = request.Priority, now };
        var ids = db.Dialect.InList("id", "@ids");
        long affected;
        switch (request.Action)
        {
            case BulkAction.Delete:
                foreach (var table in new[] { "reviews", "predictions", "annotations", "assignments" })
                {
                    await c.ExecuteAsync(new CommandDefinition(
                        TasksSql.DeleteDependentsSql(table, ids), args, tx, cancellationToken: ct));
                }
                affected = await c.ExecuteAsync(new CommandDefinition(
                    TasksSql.DeleteSql(ids), args, tx, cancellationToken: ct));
                break;
            case BulkAction.Priority:
                affected = await c.ExecuteAsync(new CommandDefinition(
                    TasksSql.PrioritySql(ids), args, tx, cancellationToken: ct));
                break;
            case BulkAction.Release:
                affected = (await TaskStates.ReleaseLeasesAsync(
                    c, tx, $"project_id = @projectId AND {db.Dialect.InList("task_id", "@ids")}", new { projectId, ids = request.Ids }, TaskStates.Released, now, ct)).Count;
                break;
            default:
                return Http.Invalid("action", $"action must be one of {Wire.List<BulkAction>()}.");
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new BulkResponse(affected));
    }
}

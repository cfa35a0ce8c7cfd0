using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server.Features.Tasks;

/// <param name="Data">The task's data for a table: long strings cut short (ending in …), long objects and arrays as their cut JSON text.</param>
public sealed record TaskSummary(long Id, string? Key, TaskState State, int Priority, int AnnotationCount, DateTimeOffset UpdatedAt, JsonElement Data);

/// <param name="Next">In id order, the last id of the page when more follow (the <c>after</c> of the next page).</param>
/// <param name="Cursor">In any order, the <c>cursor</c> of the next page when more follow.</param>
public sealed record TaskPage(IReadOnlyList<TaskSummary> Items, long? Next, string? Cursor);

public sealed record TaskCount(long Count);

public sealed record AnnotationView(
    long Id, long UserId, string Annotator, long AuthorId, int Version, long? ParentId, AnnotationStatus Status, JsonElement Result,
    double? LeadTimeSeconds, DateTimeOffset CreatedAt);

public sealed record ReviewView(long Id, long AnnotationId, long ReviewerId, string Reviewer, ReviewAction Action, string? Comment, DateTimeOffset CreatedAt);

public sealed record TaskDetail(
    long Id, long ProjectId, string? Key, JsonElement Data, TaskState State, int Priority, int Target, bool IsGold,
    IReadOnlyList<AnnotationView> Annotations, IReadOnlyList<PredictionView> Predictions, IReadOnlyList<ReviewView> Reviews);

/// <summary>delete: removes the tasks with their annotations; priority: sets it; release: ends their live leases.
/// The tasks are <paramref name="Ids"/>, or when none are named every task <paramref name="Filter"/> selects.</summary>
public sealed record BulkRequest(long[]? Ids, BulkAction? Action = null, int? Priority = null, TaskSelection? Filter = null);

public sealed record BulkResponse(long Affected);

public static class TasksApi
{
    public static IEndpointRouteBuilder MapTasks(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Tasks").SignedIn();
        g.MapGet("/projects/{projectId:long}/tasks", List).WithName("listTasks").Gated().FieldErrors();
        g.MapGet("/projects/{projectId:long}/tasks/count", Count).WithName("countTasks").Gated().FieldErrors();
        g.MapGet("/tasks/{taskId:long}", Get).WithName("getTask").Gated();
        g.MapPost("/projects/{projectId:long}/tasks/bulk", Bulk).WithName("changeTasks").Gated().JsonBody();
        return app;
    }

    /// <summary>
    /// Keyset-paged task list in id, state, annotation-count, last-change or data-field order (<c>sort</c>, <c>field</c>,
    /// <c>desc</c>; <c>cursor</c> = the previous page's, or <c>after</c> = last id seen in id order),
    /// filtered by state, annotator, label, date, text in the data (<c>q</c>) and import. Managers and
    /// reviewers see every task; an annotator sees the tasks they were given, and the annotator and
    /// label filters look at their own answers only.
    /// </summary>
    private static async Task<Results<Ok<TaskPage>, ProblemHttpResult, ValidationProblem>> List(
        long projectId, string? state, long? annotator, string? label, DateTimeOffset? from, DateTimeOffset? to, string? q, long? importId,
        string? sort, bool? desc, string? cursor, long? after, int? limit, string? field,
        ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (where, args, problem, invalid) = await SelectAsync(projectId, state, annotator, label, from, to, q, importId, user, access, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (where is null)
        {
            return invalid!;
        }
        if (!Wire.TryParse<TaskSort>(sort ?? "id", out var order))
        {
            return Http.Invalid("sort", $"sort must be one of {Wire.List<TaskSort>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<TaskSort>())));
        }
        if (order == TaskSort.Field)
        {
            var project = (await access.ProjectAsync(projectId, ct))!;
            var names = project.Schema.Fields.Select(f => f.Name).ToList();
            if (field is null || !names.Contains(field))
            {
                return Http.Invalid("field", $"field must be one of the project's data fields: {string.Join(", ", names)}.",
                    ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", string.Join(", ", names))));
            }
            args.Add(TaskPaging.FieldParameter[1..], field);
        }
        var descending = desc ?? false;
        if (cursor is not null && !TaskPaging.After(order, db.Dialect, descending, cursor, where, args))
        {
            return Http.Invalid("cursor", "cursor must be the cursor of a page of the same order.");
        }
        if (cursor is null && after is not null)
        {
            where.Add(descending ? "t.id < @after" : "t.id > @after");
            args.Add("after", after);
        }
        var take = Math.Clamp(limit ?? 100, 1, 1000);
        args.Add("take", take + 1);
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<(long Id, string? Key, string State, long Priority, long AnnotationCount, long UpdatedAt, string DataJson, string SortText)>(new CommandDefinition(
            TasksSql.ListSql(where, TaskPaging.Column(order, db.Dialect), descending), args, cancellationToken: ct))).ToList();
        var more = rows.Count > take;
        var page = rows.Take(take).ToList();
        var items = page.Select(r => new TaskSummary(
            r.Id, r.Key, Wire.Parse<TaskState>(r.State), (int)r.Priority, (int)r.AnnotationCount, Http.Time(r.UpdatedAt), TaskPreview.Of(r.DataJson))).ToList();
        var last = more ? page[^1] : default;
        return TypedResults.Ok(new TaskPage(
            items,
            more && order == TaskSort.Id && !descending ? last.Id : null,
            more ? TaskPaging.Cursor(order, last.Id, last.State, last.AnnotationCount, last.UpdatedAt, last.SortText) : null));
    }

    /// <summary>How many tasks the list's filters select (the bulk bar's "all N matching").</summary>
    private static async Task<Results<Ok<TaskCount>, ProblemHttpResult, ValidationProblem>> Count(
        long projectId, string? state, long? annotator, string? label, DateTimeOffset? from, DateTimeOffset? to, string? q, long? importId,
        ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var (where, args, problem, invalid) = await SelectAsync(projectId, state, annotator, label, from, to, q, importId, user, access, db, ct);
        if (problem is not null)
        {
            return problem;
        }
        if (where is null)
        {
            return invalid!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(new TaskCount(await c.ExecuteScalarAsync<long>(new CommandDefinition(TasksSql.CountSql(where), args, cancellationToken: ct))));
    }

    /// <summary>The caller's right to list the project's tasks, and the filters' conditions; or the problem.</summary>
    private static async Task<(List<string>? Where, DynamicParameters Args, ProblemHttpResult? Problem, ValidationProblem? Invalid)> SelectAsync(
        long projectId, string? state, long? annotator, string? label, DateTimeOffset? from, DateTimeOffset? to, string? q, long? importId,
        ClaimsPrincipal user, Access access, Db db, CancellationToken ct)
    {
        var args = new DynamicParameters();
        var me = user.UserId();
        var found = await access.ForProjectAsync(me, projectId, ct);
        if (found is null)
        {
            return (null, args, Http.NotFound("Project"), null);
        }
        var everyone = (found.Value.Roles & RoleNames.SeeWork) != 0;
        if (!everyone && (found.Value.Roles & Roles.Annotator) == 0)
        {
            return (null, args, Http.Forbidden("Only managers, reviewers and annotators list a project's tasks."), null);
        }
        if (!everyone && annotator is not null && annotator != me)
        {
            return (null, args, Http.Forbidden("Annotators see their own work only.", ProblemCodes.AccessOwnWork), null);
        }
        if (!Wire.TryParseList<TaskState>(state, out var wanted))
        {
            return (null, args, null, Http.Invalid("state", $"state must be a comma-separated list of {Wire.List<TaskState>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<TaskState>()))));
        }
        if (q is { Length: > 200 })
        {
            return (null, args, null, Http.Invalid("q", "q must have at most 200 characters.",
                ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 200))));
        }
        args.Add("projectId", projectId);
        var where = new TaskSelection(wanted, annotator, label, from, to, q, importId).Where(db.Dialect, everyone, me, args);
        return (where, args, null, null);
    }

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
        var reviews = await c.QueryAsync<(long Id, long AnnotationId, long ReviewerId, string Reviewer, string Action, string? Comment, long CreatedAt)>(new CommandDefinition(
            TasksSql.ReviewsSql,
            new { taskId }, cancellationToken: ct));
        var v = t!.Value;
        return TypedResults.Ok(new TaskDetail(
            v.Id, v.ProjectId, v.Key, Http.Json(v.DataJson), Wire.Parse<TaskState>(v.State), (int)v.Priority, (int)v.Target, canManage && v.Gold is not null,
            annotations.Select(a => a.View()).ToList(),
            predictions.Select(p => new PredictionView(p.Model, Http.Json(p.ResultJson), p.Score)).ToList(),
            canManage ? reviews.Select(r => new ReviewView(r.Id, r.AnnotationId, r.ReviewerId, r.Reviewer, Wire.Parse<ReviewAction>(r.Action), r.Comment, Http.Time(r.CreatedAt))).ToList() : []));
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
        var byIds = request.Ids is { Length: > 0 };
        if (byIds ? request.Ids!.Length > 10_000 : request.Filter is null)
        {
            return Http.Invalid("ids", "Give 1 to 10,000 task ids, or a filter that selects the tasks.");
        }
        if (!byIds && request.Filter!.Q is { Length: > 200 })
        {
            return Http.Invalid("filter.q", "q must have at most 200 characters.",
                ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 200)));
        }
        if (request.Action == BulkAction.Priority && request.Priority is null)
        {
            return Http.Invalid("priority", "The priority action needs a priority.", ProblemCodes.FieldRequired);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var args = new DynamicParameters(new { projectId, priority = request.Priority, now });
        // The tasks: the ids named, or every task the filter selects as a manager sees them (selected
        // inside this transaction, so a task changing meanwhile is judged as it is now).
        var selected = byIds ? null : string.Join(" AND ", request.Filter!.Where(db.Dialect, everyone: true, user.UserId(), args));
        if (byIds)
        {
            args.Add("ids", request.Ids);
        }
        string Ids(string column) => selected is null ? db.Dialect.InList(column, "@ids") : $"{column} IN (SELECT t.id FROM tasks t WHERE {selected})";
        var ids = Ids("id");
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
                    c, tx, $"project_id = @projectId AND {Ids("task_id")}", args, TaskStates.Released, now, ct)).Count;
                break;
            default:
                return Http.Invalid("action", $"action must be one of {Wire.List<BulkAction>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<BulkAction>())));
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new BulkResponse(affected));
    }
}

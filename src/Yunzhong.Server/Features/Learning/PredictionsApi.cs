using Yunzhong.Server.Features.Imports;

namespace Yunzhong.Server.Features.Learning;

/// <param name="TaskId">The task, by id; or give <paramref name="TaskKey"/>, never both.</param>
/// <param name="TaskKey">The task, by the key it was imported with.</param>
/// <param name="Result">A native result, checked against the label schema as an imported prediction is.</param>
/// <param name="Score">The model's confidence in the result, 0–1: the most-uncertain order reads it.</param>
/// <param name="ModelVersion">This prediction's model version, when not the request's.</param>
public sealed record PredictionItem(long? TaskId = null, string? TaskKey = null, JsonElement? Result = null, double? Score = null, string? ModelVersion = null);

/// <param name="ModelVersion">The model (and version) that made the predictions, stored as each prediction's model.</param>
/// <param name="Replace">True first removes each task's earlier predictions by the same model version.</param>
public sealed record BulkPredictionsRequest(string? ModelVersion = null, IReadOnlyList<PredictionItem>? Predictions = null, bool Replace = false);

/// <param name="Added">Predictions written.</param>
/// <param name="Tasks">Distinct tasks they went to.</param>
/// <param name="Replaced">Earlier predictions removed (with <c>replace</c>).</param>
public sealed record BulkPredictionsResult(int Added, int Tasks, int Replaced);

/// <summary>
/// Predictions of a model run elsewhere, added to a project's existing tasks in bulk: all or nothing
/// per request, each bad row named <c>predictions[i]</c>. The most-uncertain order's keys follow in
/// the same transaction (<see cref="UncertaintyKeys"/>).
/// </summary>
public static class PredictionsApi
{
    /// <summary>The most predictions one request carries.</summary>
    internal const int MaxPredictions = 10_000;

    private const int MaxModelVersion = 200;

    public static IEndpointRouteBuilder MapPredictions(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Learning").SignedIn().Gated();
        g.MapPost("/projects/{projectId:long}/predictions", Add).WithName("addPredictions").JsonBody();
        return app;
    }

    private static async Task<Results<Ok<BulkPredictionsResult>, ProblemHttpResult, ValidationProblem>> Add(
        long projectId, BulkPredictionsRequest request, ClaimsPrincipal user, Access access, Db db, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, "Only admins and managers add predictions.", ct);
        if (project is null)
        {
            return problem!;
        }
        var items = request.Predictions ?? [];
        if (items.Count is 0 or > MaxPredictions)
        {
            return Http.Invalid("predictions", $"predictions holds 1 to {MaxPredictions} predictions.", ProblemCodes.FieldRange,
                ProblemCodes.Params(("min", 1), ("max", MaxPredictions)));
        }
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var (tasks, errors) = await ResolveAsync(c, tx, db.Dialect, project, request, ct);
        if (errors.Count > 0)
        {
            await tx.RollbackAsync(ct);
            return Http.Invalid(errors, "Some predictions are not valid; none was added.", ProblemCodes.PredictionsInvalid);
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var replaced = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var model = Model(request, items[i])!;
            if (request.Replace)
            {
                replaced += await c.ExecuteAsync(new CommandDefinition(LearningSql.DeletePredictionsSql, new { taskId = tasks[i], model }, tx, cancellationToken: ct));
            }
        }
        for (var i = 0; i < items.Count; i++)
        {
            await c.ExecuteAsync(new CommandDefinition(LearningSql.InsertPredictionSql,
                new { taskId = tasks[i], model = Model(request, items[i]), result = items[i].Result!.Value.GetRawText(), score = items[i].Score, now }, tx,
                cancellationToken: ct));
        }
        var distinct = tasks.Distinct().ToList();
        await UncertaintyKeys.RefreshTasksAsync(c, tx, db.Dialect, project, distinct, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new BulkPredictionsResult(items.Count, distinct.Count, replaced));
    }

    private static string? Model(BulkPredictionsRequest request, PredictionItem item) =>
        (item.ModelVersion ?? request.ModelVersion)?.Trim() is { Length: > 0 } m ? m : null;

    /// <summary>Each item's task id, and every problem of every item (none: all may be written).</summary>
    private static async Task<(long[] Tasks, List<SchemaError> Errors)> ResolveAsync(
        DbConnection c, DbTransaction tx, SqlDialect dialect, ProjectConfig project, BulkPredictionsRequest request, CancellationToken ct)
    {
        var items = request.Predictions!;
        var errors = new List<SchemaError>();
        var ids = items.Where(p => p.TaskId is not null).Select(p => p.TaskId!.Value).Distinct().ToList();
        var keys = items.Where(p => p.TaskId is null && p.TaskKey is not null).Select(p => p.TaskKey!).Distinct().ToList();
        var byId = new Dictionary<long, string>();
        var byKey = new Dictionary<string, (long Id, string Data)>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(1000))
        {
            foreach (var t in await c.QueryAsync<(long Id, string? Key, string Data)>(new CommandDefinition(
                LearningSql.TasksByIdSql(dialect), new { projectId = project.Id, ids = chunk }, tx, cancellationToken: ct)))
            {
                byId[t.Id] = t.Data;
            }
        }
        foreach (var chunk in keys.Chunk(1000))
        {
            foreach (var t in await c.QueryAsync<(long Id, string? Key, string Data)>(new CommandDefinition(
                LearningSql.TasksByKeySql(dialect), new { projectId = project.Id, keys = chunk }, tx, cancellationToken: ct)))
            {
                byKey[t.Key!] = (t.Id, t.Data);
            }
        }
        var tasks = new long[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var p = items[i];
            var at = $"predictions[{i}]";
            string? data = null;
            if ((p.TaskId is null) == (p.TaskKey is null))
            {
                errors.Add(new(at + ".taskId", "Give the task by taskId or by taskKey, one of the two.", ProblemCodes.PredictionTaskAddress));
            }
            else if (p.TaskId is { } id)
            {
                data = byId.GetValueOrDefault(id);
                tasks[i] = id;
            }
            else if (byKey.TryGetValue(p.TaskKey!, out var found))
            {
                (tasks[i], data) = found;
            }
            if (data is null && (p.TaskId is null) != (p.TaskKey is null))
            {
                errors.Add(new(at + (p.TaskId is null ? ".taskKey" : ".taskId"), "The project has no such task.", ProblemCodes.PredictionTaskUnknown));
            }
            if (Model(request, p) is not { } model)
            {
                errors.Add(new(at + ".modelVersion", "Say which model version made the prediction (modelVersion).", ProblemCodes.FieldRequired));
            }
            else if (model.Length > MaxModelVersion)
            {
                errors.Add(new(at + ".modelVersion", $"A model version has at most {MaxModelVersion} characters.", ProblemCodes.FieldTooLong,
                    ProblemCodes.Params(("max", MaxModelVersion))));
            }
            if (p.Score is { } score && (double.IsNaN(score) || score < 0 || score > 1))
            {
                errors.Add(new(at + ".score", "A score is a probability from 0 to 1.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 0), ("max", 1))));
            }
            if (p.Result is not { ValueKind: JsonValueKind.Object } result)
            {
                errors.Add(new(at + ".result", "A prediction needs a result object.", ProblemCodes.FieldRequired));
            }
            else if (data is not null)
            {
                using var doc = JsonDocument.Parse(data);
                errors.AddRange(ResultChecks.Check(project.Schema, doc.RootElement, result, at + ".result"));
            }
        }
        return (tasks, errors);
    }
}

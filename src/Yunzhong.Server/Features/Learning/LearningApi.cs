using System.Diagnostics;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Learning;
using Yunzhong.Server.Features.Imports;

namespace Yunzhong.Server.Features.Learning;

/// <param name="Measure">How the most-uncertain order ranks predictions.</param>
/// <param name="LoopEvery">Retrain the text classifier every this many new labelled tasks; 0 switches the loop off.</param>
/// <param name="BackendUrl">A Label Studio ML backend's base URL, within the operator's allow-list; empty removes it.</param>
public sealed record LearningSettingsRequest(UncertaintyMeasure? Measure = null, int? LoopEvery = null, string? BackendUrl = null);

/// <param name="Available">Whether the project is text classification, the only kind the loop trains on.</param>
/// <param name="Every">Labelled tasks between trainings; 0: off.</param>
/// <param name="ModelVersion">The last model's version (0: none yet); its predictions are by <c>yz-learning/v{n}</c>.</param>
/// <param name="TrainedLabels">Labelled tasks when the loop last ran.</param>
/// <param name="Labelled">Labelled tasks now.</param>
/// <param name="Predicted">Tasks the last model predicted.</param>
/// <param name="Accuracy">The last model's accuracy on every fifth label, held out (null under ten labels).</param>
/// <param name="LastError">The code of why the last run could not train, if it could not.</param>
public sealed record LoopStatus(bool Available, int Every, int ModelVersion, long TrainedLabels, long Labelled, DateTimeOffset? TrainedAt, long Predicted,
    double? Accuracy, string? LastError);

/// <param name="MostUncertainOrder">Whether the queue serves this project most uncertain first (the project's order).</param>
/// <param name="BackendsAllowed">Whether the operator allows any model server at all.</param>
public sealed record LearningView(UncertaintyMeasure Measure, bool MostUncertainOrder, LoopStatus Loop, string? BackendUrl, bool BackendsAllowed);

/// <param name="Url">The URL to check; the project's saved one when absent.</param>
public sealed record BackendCheckRequest(string? Url = null);

/// <param name="Answer">The start of the server's <c>/health</c> answer.</param>
public sealed record BackendHealth(string Url, string Answer, long ElapsedMs);

/// <param name="Limit">The most open tasks to send (1–1000, default 100), in id order.</param>
public sealed record BackendPredictRequest(int? Limit = null);

/// <param name="Added">Predictions written.</param>
/// <param name="Skipped">Tasks the server gave no usable prediction for.</param>
/// <param name="Problems">Why, for the first few.</param>
public sealed record BackendPredictResult(int Added, int Skipped, IReadOnlyList<string> Problems);

internal sealed class LearningRow
{
    public string Measure { get; set; } = "least_confidence";
    public long LoopEvery { get; set; }
    public string? BackendUrl { get; set; }
    public long ModelVersion { get; set; }
    public long TrainedLabels { get; set; }
    public long? TrainedAt { get; set; }
    public long Predicted { get; set; }
    public double? Accuracy { get; set; }
    public string? LastError { get; set; }
}

/// <summary>A project's active-learning settings, its loop, and its external model server.</summary>
public static class LearningApi
{
    private const string OnlyManagers = "Only admins and managers change how a project learns.";
    private const int MaxEvery = 100_000;

    public static IEndpointRouteBuilder MapLearning(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api/projects/{projectId:long}/learning").WithTags("Learning").SignedIn().Gated();
        g.MapGet("", Get).WithName("getLearning");
        g.MapPut("", Put).WithName("setLearning").JsonBody();
        g.MapPost("/run", Run).WithName("runLearning").Conflicts();
        g.MapPost("/backend/health", Health).WithName("checkModelServer").JsonBody()
            .Problems(StatusCodes.Status502BadGateway);
        g.MapPost("/backend/predict", Predict).WithName("predictWithModelServer").JsonBody()
            .Problems(StatusCodes.Status502BadGateway);
        return app;
    }

    private static async Task<Results<Ok<LearningView>, ProblemHttpResult>> Get(
        long projectId, ClaimsPrincipal user, Access access, Db db, IOptions<ModelServerOptions> servers, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        return TypedResults.Ok(await ViewAsync(c, project, servers.Value, ct));
    }

    private static async Task<LearningView> ViewAsync(DbConnection c, ProjectConfig project, ModelServerOptions servers, CancellationToken ct)
    {
        var row = await c.QuerySingleOrDefaultAsync<LearningRow>(new CommandDefinition(LearningSql.SettingsSql, new { projectId = project.Id }, cancellationToken: ct))
            ?? new LearningRow();
        var labelled = await c.ExecuteScalarAsync<long>(new CommandDefinition(LearningSql.LabelledCountSql, new { projectId = project.Id }, cancellationToken: ct));
        return new LearningView(Wire.Parse<UncertaintyMeasure>(row.Measure), UncertaintyKeys.Keyed(project.Order),
            new LoopStatus(LearningLoop.TextClassification(project.Schema) is not null, (int)row.LoopEvery, (int)row.ModelVersion, row.TrainedLabels, labelled,
                row.TrainedAt is { } t ? Http.Time(t) : null, row.Predicted, row.Accuracy, row.LastError),
            row.BackendUrl, servers.AllowedHosts.Any(h => h.Trim().Length > 0));
    }

    private static async Task<Results<Ok<LearningView>, ProblemHttpResult, ValidationProblem>> Put(
        long projectId, LearningSettingsRequest request, ClaimsPrincipal user, Access access, Db db, ModelServerAddresses addresses,
        IOptions<ModelServerOptions> servers, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<LearningRow>(new CommandDefinition(LearningSql.SettingsSql, new { projectId }, cancellationToken: ct))
            ?? new LearningRow();
        var every = request.LoopEvery ?? (int)row.LoopEvery;
        if (every is < 0 or > MaxEvery)
        {
            return Http.Invalid("loopEvery", $"loopEvery is 0 (off) to {MaxEvery}.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 0), ("max", MaxEvery)));
        }
        if (every > 0 && LearningLoop.TextClassification(project.Schema) is null)
        {
            return Http.Invalid("loopEvery", "The loop trains on text classification: a text field and a single-choice control.",
                ProblemCodes.LearningNotTextClassification);
        }
        var url = request.BackendUrl is null ? row.BackendUrl : request.BackendUrl.Trim() is { Length: > 0 } u ? u : null;
        if (request.BackendUrl is { Length: > 0 } && url is not null)
        {
            if (url.Length > 2000)
            {
                return Http.Invalid("backendUrl", "A model server URL has at most 2000 characters.", ProblemCodes.FieldTooLong, ProblemCodes.Params(("max", 2000)));
            }
            if (await addresses.CheckAsync(url, ct) is { } refused)
            {
                return Http.Invalid("backendUrl", refused.Message, refused.Code);
            }
        }
        var measure = request.Measure ?? Wire.Parse<UncertaintyMeasure>(row.Measure);
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            await c.ExecuteAsync(new CommandDefinition(LearningSql.SaveSettingsSql, new
            {
                projectId, measure = Wire.Name(measure), loopEvery = every, backendUrl = url, now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            }, tx, cancellationToken: ct));
            if (Wire.Name(measure) != row.Measure && UncertaintyKeys.Keyed(project.Order))
            {
                await UncertaintyKeys.RefreshProjectAsync(c, tx, projectId, project.Schema, ct);
            }
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(await ViewAsync(c, project, servers.Value, ct));
    }

    private static async Task<Results<Ok<LearningView>, ProblemHttpResult>> Run(
        long projectId, ClaimsPrincipal user, Access access, Db db, LearningLoop loop, IOptions<ModelServerOptions> servers, TimeProvider time,
        CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(LearningSql.EnsureRowSql, new { projectId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        var outcome = await loop.RunAsync(projectId, ct);
        if (!outcome.Trained)
        {
            return Http.Conflict(outcome.Error ?? "The loop could not train.", outcome.ErrorCode ?? ProblemCodes.Conflict);
        }
        return TypedResults.Ok(await ViewAsync(c, project, servers.Value, ct));
    }

    private static async Task<Results<Ok<BackendHealth>, ProblemHttpResult, ValidationProblem>> Health(
        long projectId, BackendCheckRequest request, ClaimsPrincipal user, Access access, Db db, ModelServerAddresses addresses, ModelServerClient client,
        CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        var (url, field, refused) = await UrlAsync(db, addresses, projectId, request.Url, ct);
        if (refused is not null)
        {
            return refused;
        }
        var watch = Stopwatch.StartNew();
        try
        {
            var answer = await client.HealthAsync(url!, ct);
            return TypedResults.Ok(new BackendHealth(url!, answer, watch.ElapsedMilliseconds));
        }
        catch (ModelServerException e)
        {
            return Failed<BackendHealth>(e, field);
        }
    }

    private static async Task<Results<Ok<BackendPredictResult>, ProblemHttpResult, ValidationProblem>> Predict(
        long projectId, BackendPredictRequest request, ClaimsPrincipal user, Access access, Db db, ModelServerAddresses addresses, ModelServerClient client,
        IOptions<ModelServerOptions> servers, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        var limit = request.Limit ?? 100;
        if (limit is < 1 or > 1000)
        {
            return Http.Invalid("limit", "limit is 1 to 1000 tasks.", ProblemCodes.FieldRange, ProblemCodes.Params(("min", 1), ("max", 1000)));
        }
        var (url, field, refused) = await UrlAsync(db, addresses, projectId, null, ct);
        if (refused is not null)
        {
            return refused;
        }
        await using var c = await db.OpenAsync(ct);
        var tasks = (await c.QueryAsync<(long Id, string DataJson)>(new CommandDefinition(
            LearningSql.OpenTasksSql, new { projectId, after = 0L, limit }, cancellationToken: ct))).ToList();
        var schema = JsonSerializer.Deserialize<JsonElement>(project.SchemaJson);
        var written = new List<(long TaskId, string Model, string Result, double? Score)>();
        var problems = new List<string>();
        foreach (var batch in tasks.Chunk(Math.Max(1, servers.Value.BatchSize)))
        {
            ServerPrediction?[] answers;
            try
            {
                answers = await client.PredictAsync(url!, projectId, batch, ct);
            }
            catch (ModelServerException e)
            {
                return Failed<BackendPredictResult>(e, field);
            }
            for (var i = 0; i < batch.Length; i++)
            {
                using var data = JsonDocument.Parse(batch[i].DataJson);
                if (Native(answers[i], schema, project.Schema, data.RootElement) is { } why)
                {
                    if (problems.Count < 10)
                    {
                        problems.Add($"task {batch[i].Id}: {why}");
                    }
                    continue;
                }
                var a = answers[i]!;
                written.Add((batch[i].Id, a.ModelVersion is { Length: > 0 and <= 200 } v ? v : "ml-backend",
                    LabelStudioResults.ToNative(a.Result, schema, data.RootElement, null).Json, a.Score is >= 0 and <= 1 ? a.Score : null));
            }
        }
        await using (var tx = await db.BeginWriteAsync(c, ct))
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var w in written)
            {
                await c.ExecuteAsync(new CommandDefinition(LearningSql.DeletePredictionsSql, new { taskId = w.TaskId, model = w.Model }, tx, cancellationToken: ct));
                await c.ExecuteAsync(new CommandDefinition(LearningSql.InsertPredictionSql,
                    new { taskId = w.TaskId, model = w.Model, result = w.Result, score = w.Score, now }, tx, cancellationToken: ct));
            }
            await UncertaintyKeys.RefreshTasksAsync(c, tx, db.Dialect, project, written.Select(w => w.TaskId).Distinct().ToList(), ct);
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(new BackendPredictResult(written.Count, tasks.Count - written.Count, problems));
    }

    /// <summary>Why a server's answer for one task cannot be stored (no answer, not convertible, not valid for the schema), or null.</summary>
    private static string? Native(ServerPrediction? answer, JsonElement schemaJson, LabelSchema schema, JsonElement data)
    {
        if (answer is null || answer.Result.ValueKind != JsonValueKind.Array)
        {
            return "no prediction";
        }
        var converted = LabelStudioResults.ToNative(answer.Result, schemaJson, data, null);
        if (!converted.Ok)
        {
            return converted.Errors[0];
        }
        using var native = JsonDocument.Parse(converted.Json);
        return ResultChecks.Check(schema, data, native.RootElement, "result").FirstOrDefault()?.Message;
    }

    /// <summary>The URL to call: the request's (checked as a setting is) or the project's saved one; the field to name in errors.</summary>
    private static async Task<(string? Url, string Field, ValidationProblem? Refused)> UrlAsync(
        Db db, ModelServerAddresses addresses, long projectId, string? given, CancellationToken ct)
    {
        var field = given is null ? "backendUrl" : "url";
        string? url = given?.Trim();
        if (url is null)
        {
            await using var c = await db.OpenAsync(ct);
            url = (await c.QuerySingleOrDefaultAsync<LearningRow>(new CommandDefinition(LearningSql.SettingsSql, new { projectId }, cancellationToken: ct)))?.BackendUrl;
            if (url is null)
            {
                return (null, field, Http.Invalid(field, "The project has no model server URL.", ProblemCodes.ModelServerNone));
            }
        }
        return await addresses.CheckAsync(url, ct) is { } refused ? (null, field, Http.Invalid(field, refused.Message, refused.Code)) : (url, field, null);
    }

    private static Results<Ok<T>, ProblemHttpResult, ValidationProblem> Failed<T>(ModelServerException e, string field) => e.Refused
        ? Http.Invalid(field, e.Message, e.Code)
        : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: e.Message, extensions: ProblemCodes.Extensions(e.Code));
}

using Yunzhong.Core.Compute;

namespace Yunzhong.Server.Features.Compute;

/// <summary>Which of a project's tasks a pre-annotation job covers.</summary>
public enum PredictScope
{
    /// <summary>Every task.</summary>
    All,

    /// <summary>Tasks that have no prediction of this model version yet.</summary>
    Missing,

    /// <summary>Tasks in the states given (<c>state</c>), without a prediction of this model version.</summary>
    Filter,
}

public enum PredictJobStatus { Scheduled, Queued, Running, Done, Failed, Cancelled }

/// <param name="ModelId">A registered model (<c>GET /api/models</c>).</param>
/// <param name="State">With scope <c>filter</c>: comma-separated task states.</param>
/// <param name="PoolId">The compute pool whose power profile prices the job; needed when deferrable.</param>
/// <param name="Deferrable">Wait for the pool's greenest (or cheapest) window that still meets <paramref name="Deadline"/>.</param>
public sealed record PredictJobRequest(
    long ModelId, PredictScope Scope = PredictScope.Missing, string? State = null, long? PoolId = null, bool Deferrable = false,
    DateTimeOffset? Deadline = null, ScheduleGoal Goal = ScheduleGoal.Greenest);

/// <summary>A job's energy figures beside what running it at once would have come to.</summary>
/// <param name="Measured">From the compute the job measured; false: an estimate of work not yet done.</param>
/// <param name="Watts">The assumed power draw (not metered).</param>
/// <param name="ComputeSeconds">Time spent inside the model (measured), or the estimate.</param>
/// <param name="UncoveredSeconds">Time outside the pool's profile, counted as no energy cost: the profile should cover it.</param>
public sealed record JobEnergy(
    bool Measured, double Watts, double ComputeSeconds, double Kwh, decimal CostCny, double GreenShare,
    double RunNowKwh, decimal RunNowCostCny, double RunNowGreenShare, DateTimeOffset RunNowStart, double UncoveredSeconds);

public sealed record PredictJobView(
    long Id, long ProjectId, long ModelId, string Model, long? PoolId, PredictScope Scope, string[] States, PredictJobStatus Status,
    long Total, long Done, long Skipped, long Predictions, string? Note, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, bool Deferrable, DateTimeOffset? Deadline, ScheduleGoal? Goal, DateTimeOffset? WindowStart, DateTimeOffset? WindowEnd,
    string RequestedBy, JobEnergy? Energy);

/// <summary>Pre-annotation jobs: a project's admins and managers run a registered model over its tasks.</summary>
public static class PredictJobsApi
{
    private const string OnlyManagers = "Only the project's admins and managers run models over its tasks.";

    public static IEndpointRouteBuilder MapPredictJobs(this IEndpointRouteBuilder app)
    {
        var g = app.MapGroup("/api").WithTags("Compute").SignedIn();
        g.MapGet("/models", async (ModelRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.ViewsAsync(ct))).WithName("listModels");
        g.MapGet("/compute/runtime", (OnnxHost host) => TypedResults.Ok(new RuntimeView(host.Provider, host.FallbackReason, Environment.ProcessorCount)))
            .WithName("getComputeRuntime");
        var gated = g.MapGroup("").Gated();
        gated.MapPost("/projects/{projectId:long}/predict-jobs", Create).WithName("createPredictJob").JsonBody().Conflicts();
        gated.MapGet("/projects/{projectId:long}/predict-jobs", List).WithName("listPredictJobs");
        gated.MapGet("/predict-jobs/{jobId:long}", Get).WithName("getPredictJob");
        gated.MapPost("/predict-jobs/{jobId:long}/cancel", Cancel).WithName("cancelPredictJob").Conflicts();
        return app;
    }

    /// <param name="Provider">The execution provider models run on: <c>cuda</c> or <c>cpu</c>.</param>
    /// <param name="FallbackReason">Why not CUDA, when it was asked for or could have been.</param>
    public sealed record RuntimeView(string Provider, string? FallbackReason, int Cores);

    private static async Task<Results<Accepted<PredictJobView>, ProblemHttpResult, ValidationProblem>> Create(
        long projectId, PredictJobRequest request, ClaimsPrincipal user, Access access, Db db, ModelRegistry registry, PredictWorker worker,
        TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        var models = await registry.ModelsAsync(ct);
        if (!models.TryGetValue(request.ModelId, out var model))
        {
            return Http.NotFound("Model");
        }
        if (ModelTarget.Find(model.Spec, project.Schema).Refusal is { } misfit)
        {
            return Http.Invalid("modelId", misfit, ProblemCodes.ModelNoMatchingField,
                new() { ["model"] = model.Spec.Tag, ["field"] = Wire.Name(model.Spec.InputField), ["control"] = Wire.Name(model.Spec.OutputControl) });
        }
        if (model.Problem is { } broken)
        {
            return Http.Conflict($"Model {model.Spec.Tag} cannot run on this server: {broken}", ProblemCodes.ModelUnavailable);
        }
        string[] states = [];
        if (request.Scope == PredictScope.Filter)
        {
            if (!Wire.TryParseList<TaskState>(request.State, out var wanted) || wanted.Length == 0)
            {
                return Http.Invalid("state", $"With scope filter, state must be a comma-separated list of {Wire.List<TaskState>()}.",
                ProblemCodes.FieldOneOf, ProblemCodes.Params(("allowed", Wire.List<TaskState>())));
            }
            states = [.. wanted.Select(Wire.Name)];
        }
        var now = time.GetUtcNow();
        List<PowerHour>? hours = null;
        await using var c = await db.OpenAsync(ct);
        if (request.PoolId is { } poolId)
        {
            var org = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(ComputeSql.PoolOrganizationSql, new { poolId }, cancellationToken: ct));
            if (org != project.OrganizationId)
            {
                return Http.Invalid("poolId", "poolId must be a compute pool of the project's organisation.");
            }
            hours = await PoolsApi.HoursAsync(c, poolId, ct);
        }
        var where = ComputeSql.TasksWhere(db.Dialect, request.Scope != PredictScope.All, states.Length > 0);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition(ComputeSql.CountTasksSql(where),
            new { projectId, after = 0L, model = model.Spec.Tag, states }, cancellationToken: ct));

        ScheduleWindow? window = null;
        if (request.Deferrable)
        {
            if (hours is null)
            {
                return Http.Invalid("poolId", "A deferrable job needs a compute pool whose power profile places it.", ProblemCodes.FieldRequired);
            }
            if (request.Deadline is not { } deadline)
            {
                return Http.Invalid("deadline", "A deferrable job needs a deadline.", ProblemCodes.FieldRequired);
            }
            var (placed, refusal) = GreenScheduler.Place(hours, now, deadline, PredictWorker.Estimate(model.Spec, total), request.Goal);
            if (placed is null)
            {
                return Http.Invalid("deadline", refusal!, ProblemCodes.DeadlineUnmet, new() { ["reason"] = refusal });
            }
            window = placed;
        }
        var id = await c.ExecuteScalarAsync<long>(new CommandDefinition(ComputeSql.InsertJobSql, new
        {
            projectId, modelId = request.ModelId, poolId = request.PoolId, userId = user.UserId(), scope = Wire.Name(request.Scope),
            states = states.Length > 0 ? JsonSerializer.Serialize(states) : null,
            goal = request.Deferrable ? Wire.Name(request.Goal) : null, deadline = request.Deferrable ? request.Deadline?.ToUnixTimeMilliseconds() : null,
            windowStart = window?.StartUtc.ToUnixTimeMilliseconds(), windowEnd = window?.EndUtc.ToUnixTimeMilliseconds(),
            status = window is not null && window.StartUtc > now ? "scheduled" : "queued", total, now = now.ToUnixTimeMilliseconds(),
        }, cancellationToken: ct));
        worker.Wake();
        return TypedResults.Accepted($"/api/predict-jobs/{id}", (await LoadAsync(c, id, models, time, ct))!);
    }

    private static async Task<Results<Ok<List<PredictJobView>>, ProblemHttpResult>> List(
        long projectId, ClaimsPrincipal user, Access access, Db db, ModelRegistry registry, TimeProvider time, CancellationToken ct)
    {
        var (project, problem) = await access.GateAsync(user.UserId(), projectId, RoleNames.Manage, OnlyManagers, ct);
        if (project is null)
        {
            return problem!;
        }
        var models = await registry.ModelsAsync(ct);
        await using var c = await db.OpenAsync(ct);
        var list = new List<PredictJobView>();
        foreach (var id in await c.QueryAsync<long>(new CommandDefinition(ComputeSql.RecentJobIdsSql, new { projectId }, cancellationToken: ct)))
        {
            list.Add((await LoadAsync(c, id, models, time, ct))!);
        }
        return TypedResults.Ok(list);
    }

    private static async Task<Results<Ok<PredictJobView>, ProblemHttpResult>> Get(
        long jobId, ClaimsPrincipal user, Access access, Db db, ModelRegistry registry, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var view = await LoadAsync(c, jobId, await registry.ModelsAsync(ct), time, ct);
        if (view is null)
        {
            return Http.NotFound("Prediction job");
        }
        var (project, problem) = await access.GateAsync(user.UserId(), view.ProjectId, RoleNames.Manage, OnlyManagers, ct, "Prediction job");
        return project is null ? problem! : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<PredictJobView>, ProblemHttpResult>> Cancel(
        long jobId, ClaimsPrincipal user, Access access, Db db, ModelRegistry registry, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var models = await registry.ModelsAsync(ct);
        var view = await LoadAsync(c, jobId, models, time, ct);
        if (view is null)
        {
            return Http.NotFound("Prediction job");
        }
        var (project, problem) = await access.GateAsync(user.UserId(), view.ProjectId, RoleNames.Manage, OnlyManagers, ct, "Prediction job");
        if (project is null)
        {
            return problem!;
        }
        var n = await c.ExecuteAsync(new CommandDefinition(ComputeSql.CancelJobSql, new { jobId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
        if (n == 0)
        {
            return Http.Conflict($"The job has already ended ({Wire.Name(view.Status)}).", ProblemCodes.JobEnded, new() { ["status"] = Wire.Name(view.Status) });
        }
        return TypedResults.Ok((await LoadAsync(c, jobId, models, time, ct))!);
    }

    internal sealed class JobRow
    {
        public long Id { get; set; }
        public long ProjectId { get; set; }
        public long ModelId { get; set; }
        public long? PoolId { get; set; }
        public string Scope { get; set; } = "";
        public string? StatesJson { get; set; }
        public string? Goal { get; set; }
        public long? DeadlineAt { get; set; }
        public long? WindowStart { get; set; }
        public long? WindowEnd { get; set; }
        public string Status { get; set; } = "";
        public long Total { get; set; }
        public long Done { get; set; }
        public long Skipped { get; set; }
        public long Predictions { get; set; }
        public long LastTaskId { get; set; }
        public long ComputeMs { get; set; }
        public string? Note { get; set; }
        public string? Error { get; set; }
        public long CreatedAt { get; set; }
        public long? StartedAt { get; set; }
        public long? HeartbeatAt { get; set; }
        public long? FinishedAt { get; set; }
        public string RequestedByName { get; set; } = "";
    }

    internal static async Task<PredictJobView?> LoadAsync(
        DbConnection c, long jobId, IReadOnlyDictionary<long, (ModelSpec Spec, string? Problem)> models, TimeProvider time, CancellationToken ct)
    {
        var j = await c.QueryFirstOrDefaultAsync<JobRow>(new CommandDefinition(ComputeSql.JobSql, new { jobId }, cancellationToken: ct));
        if (j is null)
        {
            return null;
        }
        var spec = models.TryGetValue(j.ModelId, out var m) ? m.Spec : null;
        JobEnergy? energy = null;
        if (j.PoolId is { } poolId && spec is not null)
        {
            var hours = await PoolsApi.HoursAsync(c, poolId, ct);
            var watts = await c.ExecuteScalarAsync<double>(new CommandDefinition(ComputeSql.PoolWattsSql, new { poolId }, cancellationToken: ct));
            energy = Energy(j, spec, hours, watts, time.GetUtcNow());
        }
        return new(j.Id, j.ProjectId, j.ModelId, spec?.Tag ?? "?", j.PoolId, Wire.Parse<PredictScope>(j.Scope),
            j.StatesJson is null ? [] : JsonSerializer.Deserialize<string[]>(j.StatesJson)!, Wire.Parse<PredictJobStatus>(j.Status),
            j.Total, j.Done, j.Skipped, j.Predictions, j.Note, j.Error, Http.Time(j.CreatedAt), At(j.StartedAt), At(j.FinishedAt),
            j.Goal is not null, At(j.DeadlineAt), j.Goal is null ? null : Wire.Parse<ScheduleGoal>(j.Goal), At(j.WindowStart), At(j.WindowEnd),
            j.RequestedByName, energy);
    }

    /// <summary>
    /// The job's energy, cost and green share, and the same work started when the job was asked
    /// for ("run now"). A job that has run: its measured compute over the wall time it took, from its
    /// start. One still waiting: the estimate over its window.
    /// </summary>
    internal static JobEnergy Energy(JobRow j, ModelSpec spec, IReadOnlyList<PowerHour> hours, double watts, DateTimeOffset now)
    {
        var created = Http.Time(j.CreatedAt);
        double compute, wall;
        DateTimeOffset start;
        var measured = j.StartedAt is not null && j.ComputeMs > 0;
        if (measured)
        {
            start = Http.Time(j.StartedAt!.Value);
            var end = j.FinishedAt ?? j.HeartbeatAt ?? now.ToUnixTimeMilliseconds();
            compute = j.ComputeMs / 1000.0;
            wall = Math.Max(compute, (end - j.StartedAt.Value) / 1000.0);
        }
        else
        {
            start = j.WindowStart is { } w ? Http.Time(w) : created;
            compute = PredictWorker.Estimate(spec, j.Total).TotalSeconds;
            wall = compute;
        }
        var actual = EnergyAccount.Of(hours, start, wall, compute, watts);
        var runNow = EnergyAccount.Of(hours, created, wall, compute, watts);
        return new(measured, watts, Math.Round(compute, 3), Math.Round(actual.Kwh, 6), actual.CostCny, Math.Round(actual.GreenShare, 4),
            Math.Round(runNow.Kwh, 6), runNow.CostCny, Math.Round(runNow.GreenShare, 4), created, Math.Round(actual.UncoveredSeconds, 1));
    }

    private static DateTimeOffset? At(long? ms) => ms is { } v ? Http.Time(v) : null;
}

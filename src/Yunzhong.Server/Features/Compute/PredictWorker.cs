using System.Diagnostics;
using System.Text.Json.Nodes;
using Yunzhong.Core.Compute;
using Yunzhong.Server.Features.Imports;
using Yunzhong.Server.Features.Media;

namespace Yunzhong.Server.Features.Compute;

/// <summary>
/// Runs pre-annotation jobs, one at a time, claimed through the database so any node may run one.
/// A job walks its tasks in id order, a batch at a time: the model runs on one dedicated thread
/// (ONNX Runtime with <see cref="ComputeOptions.Threads"/> threads inside), then the batch's
/// predictions and the job's cursor are written in one transaction. A batch that fails or finds the
/// job cancelled writes nothing; a server that stops mid-job leaves the cursor at the last whole
/// batch, and the job is taken up from there once its heartbeat is stale.
/// </summary>
public sealed class PredictWorker(
    Db db, Access access, MediaStore media, ModelRegistry registry, OnnxHost host, IOptions<ComputeOptions> options, TimeProvider time,
    ILogger<PredictWorker> log) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ComputeOptions _options = options.Value;
    private (long ModelId, IPreAnnotator Runner)? _loaded;

    /// <summary>Test seam: runs inside each batch's transaction before it commits (a throw there must leave nothing written).</summary>
    internal Action<long, int>? BeforeCommit { get; set; }

    /// <summary>Test seam: runs after a batch's inference, before its transaction starts.</summary>
    internal Action<long, int>? BeforeWrite { get; set; }

    public void Wake() => _wake.Release();

    /// <summary>
    /// The compute a job is expected to take, for placing it in a window: per task, what the
    /// benchmark measured on the 2-core machine with one thread (docs/benchmarks.md), rounded up —
    /// a one-minute clip for VAD, a photo with a dozen lines for OCR.
    /// </summary>
    public static TimeSpan Estimate(ModelSpec spec, long tasks) =>
        TimeSpan.FromSeconds(tasks * (spec.Task == ModelTask.SpeechSegments ? 0.5 : 2.0));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await JobLoop.RunAsync(ClaimAndRunAsync, _wake, time, log, stoppingToken);
        _loaded?.Runner.Dispose();
    }

    private async Task<bool> ClaimAndRunAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var stale = now - (long)TimeSpan.FromSeconds(_options.AbandonAfterSeconds).TotalMilliseconds;
        long jobId;
        await using (var c = await db.OpenAsync(ct))
        {
            var next = await c.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(ComputeSql.NextJobSql, new { now, stale }, cancellationToken: ct));
            if (next is null)
            {
                return false;
            }
            jobId = next.Value;
            if (await c.ExecuteAsync(new CommandDefinition(ComputeSql.ClaimJobSql, new { jobId, now, stale }, cancellationToken: ct)) == 0)
            {
                return true;
            }
        }
        try
        {
            await RunAsync(jobId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            log.LogError(e, "Prediction job {Id} failed", jobId);
            await FinishAsync(jobId, "failed", e is ModelFileException or InvalidOperationException ? e.Message
                : "A batch failed and was not written; the server's log has the details. Start the job again to go on from the last whole batch.", ct);
        }
        return true;
    }

    private async Task RunAsync(long jobId, CancellationToken ct)
    {
        var models = await registry.ModelsAsync(ct);
        PredictJobsApi.JobRow job;
        await using (var c = await db.OpenAsync(ct))
        {
            job = await c.QuerySingleAsync<PredictJobsApi.JobRow>(new CommandDefinition(ComputeSql.JobSql, new { jobId }, cancellationToken: ct));
        }
        var project = await access.ProjectAsync(job.ProjectId, ct) ?? throw new InvalidOperationException("The project was deleted.");
        if (!models.TryGetValue(job.ModelId, out var model))
        {
            throw new InvalidOperationException("The job's model is no longer registered.");
        }
        var (target, refusal) = ModelTarget.Find(model.Spec, project.Schema);
        if (target is null)
        {
            throw new InvalidOperationException(refusal);
        }
        var runner = Runner(job.ModelId, model.Spec);
        var states = job.StatesJson is null ? [] : JsonSerializer.Deserialize<string[]>(job.StatesJson)!;
        var where = ComputeSql.TasksWhere(db.Dialect, job.Scope != "all", states.Length > 0);
        var after = job.LastTaskId;
        var batchNumber = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            List<(long Id, string Data)> tasks;
            await using (var c = await db.OpenAsync(ct))
            {
                tasks = [.. await c.QueryAsync<(long, string)>(new CommandDefinition(ComputeSql.TaskPageSql(where),
                    new { projectId = job.ProjectId, after, model = model.Spec.Tag, states, limit = Math.Max(1, _options.BatchSize) }, cancellationToken: ct))];
            }
            if (tasks.Count == 0)
            {
                await FinishAsync(jobId, "done", null, ct);
                return;
            }
            var inputs = new List<(long TaskId, byte[]? Bytes, string? Problem)>();
            foreach (var (id, data) in tasks)
            {
                inputs.Add(await ReadAsync(job.ProjectId, id, data, target.Field, ct));
            }
            // The model on a thread of its own, at the lowest CPU priority: a batch of inference must not hold a
            // thread-pool thread the requests need, nor take CPU time from them (docs/benchmarks.md).
            var (results, computeMs) = await Task.Factory.StartNew(() =>
            {
                BackgroundPriority.LowerCurrentThread();
                return Predict(runner, target, inputs);
            }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (!await WriteAsync(jobId, project, results, tasks[^1].Id, computeMs, ++batchNumber, model.Spec.Tag, ct))
            {
                return; // cancelled meanwhile: the batch was not written
            }
            after = tasks[^1].Id;
        }
    }

    private IPreAnnotator Runner(long modelId, ModelSpec spec)
    {
        if (_loaded is { } l && l.ModelId == modelId)
        {
            return l.Runner;
        }
        _loaded?.Runner.Dispose();
        _loaded = null;
        var runner = PreAnnotators.Load(spec, host);
        _loaded = (modelId, runner);
        return runner;
    }

    private async Task<(long, byte[]?, string?)> ReadAsync(long projectId, long taskId, string data, string field, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(data);
        if (!doc.RootElement.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.String)
        {
            return (taskId, null, $"task {taskId} has no '{field}'");
        }
        var bytes = await media.ReadAsync(projectId, v.GetString()!, ct);
        return bytes is null ? (taskId, null, $"task {taskId}: '{v.GetString()}' is not a file stored in the project") : (taskId, bytes, null);
    }

    private static (List<(long TaskId, PredictionResult? Result, string? Problem)>, long) Predict(
        IPreAnnotator runner, ModelTarget target, List<(long TaskId, byte[]? Bytes, string? Problem)> inputs)
    {
        var results = new List<(long, PredictionResult?, string?)>();
        var clock = Stopwatch.StartNew();
        foreach (var (taskId, bytes, problem) in inputs)
        {
            if (bytes is null)
            {
                results.Add((taskId, null, problem));
                continue;
            }
            try
            {
                results.Add((taskId, runner.Predict(bytes, target), null));
            }
            catch (Exception e) when (e is AudioFormatException or InvalidDataException)
            {
                results.Add((taskId, null, $"task {taskId}: {e.Message}"));
            }
        }
        return (results, clock.ElapsedMilliseconds);
    }

    private async Task<bool> WriteAsync(
        long jobId, ProjectConfig project, List<(long TaskId, PredictionResult? Result, string? Problem)> results, long lastTaskId, long computeMs, int batch, string model,
        CancellationToken ct)
    {
        BeforeWrite?.Invoke(jobId, batch);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var written = results.Where(r => r.Result is not null).Select(r => new
        {
            taskId = r.TaskId, model, result = r.Result!.Result.ToJsonString(), score = r.Result.Score, now,
        }).ToList();
        if (written.Count > 0)
        {
            await c.ExecuteAsync(new CommandDefinition(ImportsSql.InsertPredictionSql, written, tx, cancellationToken: ct));
            // In most-uncertain order the queue reads each task's key: it changes with its predictions, in their transaction.
            await Learning.UncertaintyKeys.RefreshTasksAsync(c, tx, db.Dialect, project, written.Select(w => w.taskId).ToList(), ct);
        }
        var skipped = results.Count - written.Count;
        var progressed = await c.ExecuteAsync(new CommandDefinition(ComputeSql.ProgressSql, new
        {
            jobId, done = written.Count, skipped, written = written.Count, lastTaskId, computeMs, now,
            note = results.FirstOrDefault(r => r.Problem is not null).Problem is { } first ? "Skipped, first: " + first : null,
        }, tx, cancellationToken: ct));
        if (progressed == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        BeforeCommit?.Invoke(jobId, batch);
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task FinishAsync(long jobId, string status, string? error, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(ComputeSql.FinishJobSql, new { jobId, status, error, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }
}

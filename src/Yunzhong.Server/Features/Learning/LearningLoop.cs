using System.Text.Json.Nodes;
using Yunzhong.Core.Learning;

namespace Yunzhong.Server.Features.Learning;

public sealed class LearningOptions
{
    public const string Section = "Learning";

    /// <summary>How often the loop looks for projects with N new labels.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Threads a training may use. One: the loop runs beside the queue on the same cores,
    /// and one project trains at a time.</summary>
    public int Threads { get; set; } = 1;
}

/// <summary>What a run of the loop did, or why it could not.</summary>
internal sealed record LoopOutcome(bool Trained, string? Error, string? ErrorCode = null);

/// <summary>
/// The active-learning loop on text classification: for each project with the loop on, once N more
/// tasks are labelled (annotated, or accepted in review) than the last model saw, it trains a
/// <see cref="TextClassifier"/> on them and re-predicts every task still open, as predictions of
/// model <c>yz-learning/vK</c> replacing the loop's earlier ones, with the uncertainty keys refreshed.
/// One project at a time, on one background task, training with <see cref="LearningOptions.Threads"/>.
/// </summary>
internal sealed class LearningLoop(Db db, Access access, TimeProvider time, IOptions<LearningOptions> options, ILogger<LearningLoop> log)
    : BackgroundService
{
    internal const string ModelPrefix = "yz-learning/v";
    private const int Page = 500;
    private readonly SemaphoreSlim _one = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var c = await db.OpenAsync(stoppingToken);
                var due = (await c.QueryAsync<(long ProjectId, long Every, long TrainedLabels, long Labelled)>(
                    new CommandDefinition(LearningSql.LoopDueSql, cancellationToken: stoppingToken))).ToList();
                await c.CloseAsync();
                foreach (var p in due.Where(p => p.Labelled >= p.TrainedLabels + p.Every))
                {
                    await RunAsync(p.ProjectId, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "The learning loop's pass failed; it tries again at the next.");
            }
        }
    }

    /// <summary>The text field and the single-choice control a text-classification project has; null for other projects.</summary>
    internal static (string Field, string Control)? TextClassification(LabelSchema schema)
    {
        var control = schema.Controls.FirstOrDefault(c => c.Type == ControlType.Choices && !c.Multiple && c.Field is not null);
        return control is not null && schema.Fields.Any(f => f.Name == control.Field && f.Type == FieldType.Text)
            ? (control.Field!, control.Name)
            : null;
    }

    /// <summary>Trains on project <paramref name="projectId"/>'s labels and re-predicts its open tasks now.</summary>
    internal async Task<LoopOutcome> RunAsync(long projectId, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            // Off the caller's thread: training is CPU work, and one at a time.
            return await Task.Run(() => TrainAndPredictAsync(projectId, ct), ct);
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task<LoopOutcome> TrainAndPredictAsync(long projectId, CancellationToken ct)
    {
        var project = await access.ProjectAsync(projectId, ct);
        if (project is null)
        {
            return new LoopOutcome(false, "The project is gone.");
        }
        await using var c = await db.OpenAsync(ct);
        if (TextClassification(project.Schema) is not var (field, control))
        {
            return await FailAsync(c, projectId, 0, ProblemCodes.LearningNotTextClassification,
                "The loop trains on text classification: a text field and a single-choice control.", ct);
        }
        var rows = await c.QueryAsync<(long TaskId, string DataJson, string ResultJson)>(new CommandDefinition(
            LearningSql.LabelsSql, new { projectId }, cancellationToken: ct));
        var examples = Majority(rows, field, control);
        var labelled = (int)await c.ExecuteScalarAsync<long>(new CommandDefinition(LearningSql.LabelledCountSql, new { projectId }, cancellationToken: ct));
        var threads = options.Value.Threads;
        var model = TextClassifier.Train(examples.Select(e => e.Example).ToList(), threads);
        if (model is null)
        {
            return await FailAsync(c, projectId, labelled, ProblemCodes.LearningTooFewLabels,
                "The loop needs labelled tasks of at least two different labels.", ct);
        }
        var accuracy = HeldOutAccuracy(examples, threads);
        var version = 1 + await c.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(model_version), 0) FROM project_learning WHERE project_id = @projectId", new { projectId }, cancellationToken: ct));
        var name = ModelPrefix + version;
        long after = 0, predicted = 0;
        while (true)
        {
            var page = (await c.QueryAsync<(long Id, string DataJson)>(new CommandDefinition(
                LearningSql.OpenTasksSql, new { projectId, after, limit = Page }, cancellationToken: ct))).ToList();
            if (page.Count == 0)
            {
                break;
            }
            after = page[^1].Id;
            var predictions = model.Predict(page.Select(t => Text(t.DataJson, field)).ToList());
            await using var tx = await db.BeginWriteAsync(c, ct);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            for (var i = 0; i < page.Count; i++)
            {
                await c.ExecuteAsync(new CommandDefinition(LearningSql.DeleteLoopPredictionsSql, new { taskId = page[i].Id, prefix = ModelPrefix + "%" }, tx, cancellationToken: ct));
                var result = new JsonObject { [control] = new JsonArray(predictions[i].Label) }.ToJsonString();
                await c.ExecuteAsync(new CommandDefinition(LearningSql.InsertPredictionSql,
                    new { taskId = page[i].Id, model = name, result, score = predictions[i].Score, now }, tx, cancellationToken: ct));
            }
            await UncertaintyKeys.RefreshTasksAsync(c, tx, db.Dialect, project, page.Select(t => t.Id).ToList(), ct);
            await tx.CommitAsync(ct);
            predicted += page.Count;
        }
        await c.ExecuteAsync(new CommandDefinition(LearningSql.LoopDoneSql, new
        {
            projectId, version, labels = labelled, now = time.GetUtcNow().ToUnixTimeMilliseconds(), predicted, accuracy, error = (string?)null,
        }, cancellationToken: ct));
        return new LoopOutcome(true, null);
    }

    private async Task<LoopOutcome> FailAsync(DbConnection c, long projectId, int labels, string code, string why, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(LearningSql.LoopFailedSql,
            new { projectId, labels, now = time.GetUtcNow().ToUnixTimeMilliseconds(), error = code }, cancellationToken: ct));
        return new LoopOutcome(false, why, code);
    }

    /// <summary>One example per labelled task: the label most of its results in force chose (the first on a tie).</summary>
    internal static List<(long TaskId, LabelledText Example)> Majority(IEnumerable<(long TaskId, string DataJson, string ResultJson)> rows, string field, string control)
    {
        var list = new List<(long, LabelledText)>();
        foreach (var task in rows.GroupBy(r => r.TaskId))
        {
            var votes = new List<string>();
            foreach (var r in task)
            {
                using var doc = JsonDocument.Parse(r.ResultJson);
                if (doc.RootElement.TryGetProperty(control, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0
                    && v[0].GetString() is { } label)
                {
                    votes.Add(label);
                }
            }
            if (votes.Count > 0)
            {
                var label = votes.GroupBy(v => v).OrderByDescending(g => g.Count()).First().Key;
                list.Add((task.Key, new LabelledText(Text(task.First().DataJson, field), label)));
            }
        }
        return list;
    }

    /// <summary>Accuracy on every fifth labelled task (by id) of a model trained on the rest; null under ten labels.</summary>
    private static double? HeldOutAccuracy(List<(long TaskId, LabelledText Example)> examples, int threads)
    {
        if (examples.Count < 10)
        {
            return null;
        }
        var test = examples.Where(e => e.TaskId % 5 == 0).Select(e => e.Example).ToList();
        var train = examples.Where(e => e.TaskId % 5 != 0).Select(e => e.Example).ToList();
        if (test.Count == 0 || TextClassifier.Train(train, threads) is not { } model)
        {
            return null;
        }
        var predicted = model.Predict(test.Select(t => t.Text).ToList());
        return (double)test.Where((t, i) => predicted[i].Label == t.Label).Count() / test.Count;
    }

    private static string Text(string dataJson, string field)
    {
        using var doc = JsonDocument.Parse(dataJson);
        return doc.RootElement.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
    }

    public override void Dispose()
    {
        _one.Dispose();
        base.Dispose();
    }
}

internal static class LearningServices
{
    /// <summary>The loop, the model-server rules and client, and their options.</summary>
    public static IServiceCollection AddLearning(this IServiceCollection s)
    {
        s.AddOptions<LearningOptions>().BindConfiguration(LearningOptions.Section).ValidateOnStart();
        s.AddOptions<ModelServerOptions>().BindConfiguration(ModelServerOptions.Section).ValidateOnStart();
        s.AddSingleton<ModelServerAddresses>();
        s.AddSingleton<ModelServerClient>();
        s.AddSingleton<LearningLoop>();
        s.AddHostedService(sp => sp.GetRequiredService<LearningLoop>());
        return s;
    }
}

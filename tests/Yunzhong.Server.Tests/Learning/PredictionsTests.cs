using Yunzhong.Core.Learning;
using Yunzhong.Server.Features.Learning;
using Yunzhong.Server.Features.Tasks;

namespace Yunzhong.Server.Tests.Learning;

/// <summary>The bulk predictions API and the most-uncertain queue order it feeds.</summary>
public abstract class PredictionsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<(Org Org, Person Manager, long Project, Dictionary<string, long> Ids)> SetUpAsync(int tasks, TaskOrder order = TaskOrder.Priority)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, order: order);
        await TestData.ImportAsync(manager.Http, project, Enumerable.Range(0, tasks).Select(i => $"t{i}"));
        var ids = (await fx.QueryAsync<(long Id, string Key)>("SELECT id, task_key FROM tasks WHERE project_id = @project", new { project }))
            .ToDictionary(t => t.Key, t => t.Id);
        return (org, manager, project, ids);
    }

    private static object Label(string value) => new { label = new[] { value } };

    private static Task<HttpResponseMessage> AddAsync(Person manager, long project, object body) =>
        manager.Http.PostAsJsonAsync($"api/projects/{project}/predictions", body);

    [Fact]
    public async Task PredictionsGoToTasksByIdOrKeyWithModelVersionAndScore()
    {
        var (_, manager, project, ids) = await SetUpAsync(3);
        using var r = await AddAsync(manager, project, new
        {
            modelVersion = "bert-7",
            predictions = new object[]
            {
                new { taskId = ids["k0"], result = Label("pos"), score = 0.9 },
                new { taskKey = "k1", result = Label("neg"), score = 0.4, modelVersion = "bert-8" },
            },
        });
        var added = await r.OkAsync<BulkPredictionsResult>("add predictions");
        Assert.Equal(new BulkPredictionsResult(2, 2, 0), added);

        var first = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{ids["k0"]}");
        var p = Assert.Single(first.Predictions);
        Assert.Equal(("bert-7", 0.9), (p.Model, p.Score));
        Assert.Equal("pos", p.Result.GetProperty("label")[0].GetString());
        var second = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{ids["k1"]}");
        Assert.Equal(("bert-8", 0.4), (Assert.Single(second.Predictions).Model, second.Predictions[0].Score));
        Assert.Empty((await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{ids["k2"]}")).Predictions);
    }

    [Fact]
    public async Task OneBadRowRefusesTheWholeRequestAndEachProblemNamesItsRow()
    {
        var (org, manager, project, ids) = await SetUpAsync(2);
        var (_, _, otherProject, otherIds) = await SetUpAsync(1);
        using var r = await AddAsync(manager, project, new
        {
            modelVersion = "m1",
            predictions = new object[]
            {
                new { taskId = ids["k0"], result = Label("pos"), score = 0.5 },          // fine
                new { taskId = ids["k1"], result = Label("maybe") },                      // no such option
                new { taskKey = "nope", result = Label("pos") },                          // no such task
                new { taskId = otherIds["k0"], result = Label("pos") },                   // another project's task
                new { taskId = ids["k1"], result = Label("pos"), score = 1.5 },          // not a probability
                new { taskId = ids["k1"], taskKey = "k1", result = Label("pos") },        // both
                new { taskId = ids["k1"] },                                               // no result
            },
        });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("predictions.invalid", problem.GetProperty("code").GetString());
        var keys = problem.ErrorKeys();
        Assert.Contains(keys, k => k.StartsWith("predictions[1].result", StringComparison.Ordinal));
        Assert.Contains("predictions[2].taskKey", keys);
        Assert.Contains("predictions[3].taskId", keys);
        Assert.Contains("predictions[4].score", keys);
        Assert.Contains("predictions[5].taskId", keys);
        Assert.Contains("predictions[6].result", keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("predictions[0]", StringComparison.Ordinal));
        Assert.Equal("prediction.task_unknown", problem.GetProperty("fields").GetProperty("predictions[2].taskKey")[0].GetProperty("code").GetString());
        // Nothing was written, not even the good row.
        Assert.Equal(0, await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM predictions WHERE task_id IN (SELECT id FROM tasks WHERE project_id IN (@project, @otherProject))", new { project, otherProject }));

        using var none = await AddAsync(manager, project, new { modelVersion = "m1", predictions = Array.Empty<object>() });
        Assert.Equal("field.range", (await none.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("fields").GetProperty("predictions")[0].GetProperty("code").GetString());
        using var noModel = await AddAsync(manager, project, new { predictions = new[] { new { taskId = ids["k0"], result = Label("pos") } } });
        Assert.Contains("predictions[0].modelVersion", (await noModel.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());

        // An annotator may not add predictions; another organisation does not see the project.
        using var annotator = await AddAsync(await org.PersonAsync(Roles.Annotator), project, new { modelVersion = "m", predictions = new[] { new { taskId = ids["k0"], result = Label("pos") } } });
        Assert.Equal(HttpStatusCode.Forbidden, annotator.StatusCode);
    }

    [Fact]
    public async Task ReplaceRemovesOnlyTheSameModelVersionsEarlierPredictions()
    {
        var (_, manager, project, ids) = await SetUpAsync(1);
        foreach (var (model, replace) in new[] { ("a", false), ("b", false), ("a", true) })
        {
            using var r = await AddAsync(manager, project, new { modelVersion = model, replace, predictions = new[] { new { taskKey = "k0", result = Label("neu"), score = 0.3 } } });
            Assert.Equal(replace ? 1 : 0, (await r.OkAsync<BulkPredictionsResult>("add")).Replaced);
        }
        var models = (await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{ids["k0"]}")).Predictions.Select(p => p.Model).Order().ToList();
        Assert.Equal(["a", "b"], models);
    }

    private static async Task<List<string>> ServedAsync(Person annotator, long project, int most)
    {
        var served = new List<string>();
        while (served.Count < most && await annotator.NextAsync(project) is { } lease)
        {
            served.Add(lease.Task.Data.GetProperty("text").GetString()!);
            using var r = await annotator.SubmitAsync(lease.AssignmentId, Label("pos"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        return served;
    }

    [Fact]
    public async Task MostUncertainOrderServesTheLeastSurePredictionsFirstAndFollowsNewOnes()
    {
        var (org, manager, project, _) = await SetUpAsync(5);
        // In priority order the tasks hold no keys (they stay out of the index).
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project AND uncertainty IS NOT NULL", new { project }));
        using (var r = await AddAsync(manager, project, new
        {
            modelVersion = "m1",
            predictions = new object[]
            {
                new { taskKey = "k0", result = Label("pos"), score = 0.99 },
                new { taskKey = "k1", result = Label("pos"), score = 0.40 },
                new { taskKey = "k2", result = Label("neg"), score = 0.70 },
                new { taskKey = "k3", result = Label("pos") }, // no score: after the scored ones
            },
        }))
        {
            await r.OkAsync<BulkPredictionsResult>("add");
        }
        using (var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { order = "most_uncertain" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        // A later prediction changes the order: t0 becomes the least sure.
        using (var r = await AddAsync(manager, project, new { modelVersion = "m2", predictions = new[] { new { taskKey = "k0", result = Label("neu"), score = 0.35 } } }))
        {
            await r.OkAsync<BulkPredictionsResult>("add");
        }
        // Imported later with a prediction of its own: it takes its place at once.
        using (var r = await TestData.ImportRawAsync(manager.Http, project,
            JsonSerializer.Serialize(new { key = "k5", data = new { text = "t5" }, predictions = new[] { new { result = Label("pos"), score = 0.5, model = "m1" } } })))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal(["t0", "t1", "t5", "t2", "t3", "t4"], await ServedAsync(await org.PersonAsync(Roles.Annotator), project, 6));
    }

    [Theory]
    [InlineData(UncertaintyMeasure.LeastConfidence)]
    [InlineData(UncertaintyMeasure.Margin)]
    [InlineData(UncertaintyMeasure.Entropy)]
    public async Task StoredKeysAreTheCoreFormulaForEachMeasure(UncertaintyMeasure measure)
    {
        var (_, manager, project, _) = await SetUpAsync(4, TaskOrder.MostUncertain);
        using (var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/learning", new { measure = Wire.Name(measure) }))
        {
            Assert.Equal(measure, (await r.OkAsync<LearningView>("learning")).Measure);
        }
        double[] scores = [0, 0.34, 0.8, 1];
        using (var r = await AddAsync(manager, project, new
        {
            modelVersion = "m",
            predictions = scores.Select((s, i) => new { taskKey = $"k{i}", result = Label("pos"), score = s }).ToArray(),
        }))
        {
            await r.OkAsync<BulkPredictionsResult>("add");
        }
        var stored = await fx.QueryAsync<(string Key, double Uncertainty)>(
            "SELECT task_key, uncertainty FROM tasks WHERE project_id = @project ORDER BY task_key", new { project });
        for (var i = 0; i < scores.Length; i++)
        {
            // ChoiceSchema has three options.
            Assert.Equal(Uncertainty.FromScore(measure, scores[i], 3), stored[i].Uncertainty, 9);
        }
    }
}

public sealed class SqlitePredictionsTests(SqliteFixture fx) : PredictionsTests<SqliteFixture>(fx);

public sealed class PostgresPredictionsTests(PostgresFixture fx) : PredictionsTests<PostgresFixture>(fx);

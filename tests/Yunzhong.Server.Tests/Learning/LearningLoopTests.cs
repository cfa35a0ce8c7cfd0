using Yunzhong.Server.Features.Learning;

namespace Yunzhong.Server.Tests.Learning;

/// <summary>The active-learning loop on a text-classification project: trained on the labelled tasks, it
/// re-predicts the open ones, by hand and every N labels in the background.</summary>
public abstract class LearningLoopTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly string[] _good =
        ["wonderful friendly staff great food", "great excellent lovely visit", "lovely wonderful experience great", "excellent friendly great service",
         "great lovely staff wonderful", "friendly excellent wonderful great", "wonderful great lovely friendly", "excellent lovely great staff"];

    private static readonly string[] _bad =
        ["terrible rude broken awful mess", "awful terrible cold dirty room", "broken rude awful refund", "dirty terrible rude awful",
         "awful broken cold terrible", "rude dirty awful broken", "terrible awful refund broken", "cold rude terrible dirty"];

    [Fact]
    public async Task TheLoopLearnsFromLabelsAndRepredictsTheOpenTasksByHandAndEveryNLabels()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        // Good and bad in turn, so annotating in queue order labels both kinds.
        var texts = _good.Zip(_bad, (g, b) => new[] { g, b }).SelectMany(p => p).ToList();
        await TestData.ImportAsync(manager.Http, project, texts);
        var annotator = await org.PersonAsync(Roles.Annotator);
        await LabelAsync(annotator, project, 6);

        // By hand first (the loop is off), so the background loop cannot run before it.
        var view = await manager.Http.PostOkAsync<LearningView>($"api/projects/{project}/learning/run");
        Assert.Equal((1, 6L, 10L, 6L), (view.Loop.ModelVersion, view.Loop.TrainedLabels, view.Loop.Predicted, view.Loop.Labelled));
        Assert.True(view.Loop.Available);
        Assert.Null(view.Loop.LastError);
        Assert.NotNull(view.Loop.Accuracy is null ? "under ten labels" : null);

        // Every open task carries the model's prediction, with the label its words say.
        var predictions = await fx.QueryAsync<(string Data, string Model, string Result, double Score)>("""
            SELECT t.data_json, p.model, p.result_json, p.score FROM predictions p JOIN tasks t ON t.id = p.task_id
            WHERE t.project_id = @project ORDER BY t.id
            """, new { project });
        Assert.Equal(10, predictions.Count);
        Assert.All(predictions, p => Assert.Equal("yz-learning/v1", p.Model));
        var correct = predictions.Count(p => p.Result.Contains(_good.Any(g => p.Data.Contains(g, StringComparison.Ordinal)) ? "\"pos\"" : "\"neg\"", StringComparison.Ordinal));
        Assert.True(correct >= 9, $"{correct} of 10 open tasks predicted right");
        Assert.All(predictions, p => Assert.InRange(p.Score, 0, 1));

        using (var r = await manager.Http.PutAsJsonAsync($"api/projects/{project}/learning", new { loopEvery = 4 }))
        {
            Assert.Equal(4, (await r.OkAsync<LearningView>("learning")).Loop.Every);
        }
        // Four more labels: the background loop trains model 2 and replaces model 1's predictions.
        await LabelAsync(annotator, project, 4);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((view = await manager.Http.GetOkAsync<LearningView>($"api/projects/{project}/learning")).Loop.ModelVersion < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.Equal((2, 10L, 6L), (view.Loop.ModelVersion, view.Loop.TrainedLabels, view.Loop.Predicted));
        // The open tasks hold model 2's predictions only; the tasks labelled since keep what model 1 said of them.
        var models = await fx.QueryAsync<string>(
            "SELECT DISTINCT p.model FROM predictions p JOIN tasks t ON t.id = p.task_id WHERE t.project_id = @project AND t.state = 'new'", new { project });
        Assert.Equal(["yz-learning/v2"], models);
    }

    private static async Task LabelAsync(Person annotator, long project, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var lease = await annotator.NextAsync(project) ?? throw new InvalidOperationException("the queue ran dry");
            var text = lease.Task.Data.GetProperty("text").GetString()!;
            using var r = await annotator.SubmitAsync(lease.AssignmentId, new { label = new[] { _good.Contains(text) ? "pos" : "neg" } });
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    [Fact]
    public async Task TheLoopRefusesWhatItCannotLearn()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var spans = await TestData.ProjectAsync(manager, org.Id, schema: TestData.SpanSchema);
        using (var r = await manager.Http.PutAsJsonAsync($"api/projects/{spans}/learning", new { loopEvery = 4 }))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("learning.not_text_classification", problem.GetProperty("fields").GetProperty("loopEvery")[0].GetProperty("code").GetString());
        }
        using (var r = await manager.Http.PutAsJsonAsync($"api/projects/{spans}/learning", new { loopEvery = -1 }))
        {
            Assert.Contains("loopEvery", (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var r = await manager.Http.PutAsJsonAsync($"api/projects/{spans}/learning", new { measure = "loudest" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        }
        // A text project with no labels yet: nothing to tell apart.
        var text = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, text, TestData.Texts(3));
        using (var r = await manager.Http.PostAsync($"api/projects/{text}/learning/run", null))
        {
            Assert.Equal("learning.too_few_labels", (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }
        Assert.Equal("learning.too_few_labels", (await manager.Http.GetOkAsync<LearningView>($"api/projects/{text}/learning")).Loop.LastError);
    }
}

public sealed class SqliteLearningLoopTests(SqliteFixture fx) : LearningLoopTests<SqliteFixture>(fx);

public sealed class PostgresLearningLoopTests(PostgresFixture fx) : LearningLoopTests<PostgresFixture>(fx);

namespace Yunzhong.Server.Tests.Tasks;

/// <summary>GET /api/projects/{id}/history: an annotator's own recent answers, newest first, nobody else's.</summary>
public abstract class HistoryTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static object Label(string v) => new { label = new[] { v } };

    private async Task<(Org Org, Person Manager, long Project)> ProjectAsync(int tasks, ReviewPolicy review = ReviewPolicy.None)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, review: review, percent: review == ReviewPolicy.None ? 0 : 100);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(tasks));
        return (org, manager, project);
    }

    [Fact]
    public async Task ListsTheCallersOwnAnswersNewestFirstWithTheirStatus()
    {
        var (org, _, project) = await ProjectAsync(4);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var (first, firstAnnotation) = await a.AnnotateAsync(project, Label("pos"), 4.5);
        fx.Time.Advance(TimeSpan.FromSeconds(5));
        var (second, _) = await a.AnnotateAsync(project, Label("neg"));
        fx.Time.Advance(TimeSpan.FromSeconds(5));
        var (others, _) = await b.AnnotateAsync(project, Label("pos"));

        var mine = await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history");
        Assert.Equal([second, first], mine.Items.Select(i => i.TaskId));
        Assert.DoesNotContain(mine.Items, i => i.TaskId == others);
        var oldest = mine.Items[1];
        Assert.Equal(firstAnnotation, oldest.AnnotationId);
        Assert.Equal(AnnotationStatus.Submitted, oldest.Status);
        Assert.Equal("pos", oldest.Result.GetProperty("label")[0].GetString());
        Assert.Equal(4.5, oldest.LeadTimeSeconds);
        Assert.StartsWith("k", oldest.Key);
        Assert.True(mine.Items[0].CreatedAt > oldest.CreatedAt);

        var one = await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history?limit=1");
        Assert.Equal([second], one.Items.Select(i => i.TaskId));
        Assert.Equal([others], (await b.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items.Select(i => i.TaskId));
    }

    [Fact]
    public async Task AReviewersFixShowsInPlaceOfTheAnswerItReplaced()
    {
        var (org, _, project) = await ProjectAsync(1, ReviewPolicy.All);
        var a = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (task, _) = await a.AnnotateAsync(project, Label("pos"));
        Assert.Equal(AnnotationStatus.Pending, (await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items.Single().Status);

        using var next = await reviewer.Http.PostAsync($"api/projects/{project}/review/next", null);
        var item = await next.Content.ReadFromJsonAsync<ReviewItem>(HttpJson.Options);
        using var fix = await reviewer.Http.PostAsJsonAsync($"api/annotations/{item!.AnnotationId}/review", new { action = "fix", result = Label("neg") }, HttpJson.Options);
        Assert.True(fix.IsSuccessStatusCode, await fix.Content.ReadAsStringAsync());

        var after = Assert.Single((await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items);
        Assert.Equal(task, after.TaskId);
        Assert.Equal(2, after.Version);
        Assert.Equal("neg", after.Result.GetProperty("label")[0].GetString());
    }

    [Fact]
    public async Task OtherOrganisationsGet404PeopleWhoDoNotAnnotate403AndABadLimitNamesTheField()
    {
        var (org, _, project) = await ProjectAsync(1);
        var stranger = await (await fx.NewOrgAsync()).PersonAsync(Roles.Annotator);
        using (var r = await stranger.Http.GetAsync($"api/projects/{project}/history"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        using (var r = await reviewer.Http.GetAsync($"api/projects/{project}/history"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        var a = await org.PersonAsync(Roles.Annotator);
        foreach (var bad in new[] { "0", "101" })
        {
            using var r = await a.Http.GetAsync($"api/projects/{project}/history?limit={bad}");
            Assert.Equal(["limit"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        // Not a number: the framework's binding refuses it, naming the parameter in the detail.
        using (var r = await a.Http.GetAsync($"api/projects/{project}/history?limit=x"))
        {
            Assert.Contains("limit", (await r.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        }
        Assert.Empty((await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items);
    }
}

public sealed class SqliteHistoryTests(SqliteFixture fx) : HistoryTests<SqliteFixture>(fx);

public sealed class PostgresHistoryTests(PostgresFixture fx) : HistoryTests<PostgresFixture>(fx);

namespace Yunzhong.Server.Tests.Tasks;

/// <summary>PUT /api/annotations/{id}: an annotator corrects their own answer while nobody has reviewed it.</summary>
public abstract class AmendTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static object Label(string v) => new { label = new[] { v } };

    private static Task<HttpResponseMessage> AmendAsync(Person p, long annotation, object result, double? leadTimeSeconds = null) =>
        p.Http.PutAsJsonAsync($"api/annotations/{annotation}", new { result, leadTimeSeconds }, HttpJson.Options);

    private async Task<(Org Org, Person Manager, long Project)> ProjectAsync(int tasks, ReviewPolicy review = ReviewPolicy.None, int overlap = 1)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: overlap, review: review, percent: review == ReviewPolicy.None ? 0 : 100);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(tasks));
        return (org, manager, project);
    }

    [Fact]
    public async Task AnUnreviewedAnswerIsReplacedByANewVersionAndTheTaskDoesNotMove()
    {
        var (org, manager, project) = await ProjectAsync(2);
        var a = await org.PersonAsync(Roles.Annotator);
        var (task, first) = await a.AnnotateAsync(project, Label("pos"), 4);
        var before = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{task}");
        var item = Assert.Single((await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items);
        Assert.True(item.Editable);
        Assert.Null(item.LockedBecause);

        fx.Time.Advance(TimeSpan.FromSeconds(3));
        using var r = await AmendAsync(a, first, Label("neg"), 2.5);
        var amended = await r.OkAsync<AmendResponse>("amend");
        Assert.NotEqual(first, amended.AnnotationId);
        Assert.Equal(2, amended.Version);
        Assert.Equal(AnnotationStatus.Submitted, amended.Status);

        var after = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{task}");
        Assert.Equal(before.State, after.State);
        var stats = await manager.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks");
        Assert.Equal(1, stats.Items.Single(t => t.Id == task).AnnotationCount);
        var old = after.Annotations.Single(x => x.Id == first);
        Assert.Equal(AnnotationStatus.Superseded, old.Status);
        var now = after.Annotations.Single(x => x.Id == amended.AnnotationId);
        Assert.Equal((AnnotationStatus.Submitted, 2, (long?)first, a.Id), (now.Status, now.Version, now.ParentId, now.AuthorId));
        Assert.Equal("neg", now.Result.GetProperty("label")[0].GetString());
        Assert.Equal(6.5, now.LeadTimeSeconds);

        // The history shows the new version in place of the old, still editable; the old one is replaced.
        var listed = Assert.Single((await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items);
        Assert.Equal((amended.AnnotationId, 2, true), (listed.AnnotationId, listed.Version, listed.Editable));
        using var again = await AmendAsync(a, first, Label("pos"));
        Assert.Equal("annotation.replaced", (await again.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());

        // The queue still has exactly the other task to hand out: no slot opened or closed.
        var next = await a.NextAsync(project);
        Assert.NotNull(next);
        Assert.NotEqual(task, next!.Task.Id);
        var other = await (await org.PersonAsync(Roles.Annotator)).NextAsync(project);
        Assert.True(other is null || other.Task.Id != task, "the amended task was handed out again");
    }

    [Fact]
    public async Task APendingAnswerStaysPendingAndTheReviewerJudgesTheNewVersion()
    {
        var (org, _, project) = await ProjectAsync(1, ReviewPolicy.All);
        var a = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (_, first) = await a.AnnotateAsync(project, Label("pos"));
        using (var r = await AmendAsync(a, first, Label("neg")))
        {
            Assert.Equal(AnnotationStatus.Pending, (await r.OkAsync<AmendResponse>("amend")).Status);
        }

        // The reviewer now takes it: held, so it cannot change under their eyes.
        using var next = await reviewer.Http.PostAsync($"api/projects/{project}/review/next", null);
        var held = (await next.Content.ReadFromJsonAsync<ReviewItem>(HttpJson.Options))!;
        Assert.Equal("neg", held.Annotation.Result.GetProperty("label")[0].GetString());
        Assert.NotEqual(first, held.AnnotationId);
        var item = Assert.Single((await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items);
        Assert.Equal((false, (AmendRefusal?)AmendRefusal.UnderReview), (item.Editable, item.LockedBecause));
        using (var r = await AmendAsync(a, held.AnnotationId, Label("pos")))
        {
            Assert.Equal("annotation.under_review", (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }

        using (var judged = await reviewer.Http.PostAsJsonAsync($"api/annotations/{held.AnnotationId}/review", new { action = "accept" }, HttpJson.Options))
        {
            Assert.True(judged.IsSuccessStatusCode, await judged.Content.ReadAsStringAsync());
        }
        using (var r = await AmendAsync(a, held.AnnotationId, Label("pos")))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Equal("annotation.reviewed", problem.GetProperty("code").GetString());
            Assert.Equal("accepted", problem.GetProperty("params").GetProperty("status").GetString());
        }
        item = Assert.Single((await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items);
        Assert.Equal((false, (AmendRefusal?)AmendRefusal.Reviewed), (item.Editable, item.LockedBecause));
    }

    [Fact]
    public async Task AReviewerWhoTookTheOldVersionFindsItGone()
    {
        var (org, _, project) = await ProjectAsync(1, ReviewPolicy.All);
        var a = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (_, first) = await a.AnnotateAsync(project, Label("pos"));
        using var next = await reviewer.Http.PostAsync($"api/projects/{project}/review/next", null);
        // The hold lapses; the annotator corrects the answer before the reviewer sends a verdict.
        fx.Time.Advance(TimeSpan.FromMinutes(11));
        using (var r = await AmendAsync(a, first, Label("neg")))
        {
            await r.OkAsync<AmendResponse>("amend");
        }
        using var late = await reviewer.Http.PostAsJsonAsync($"api/annotations/{first}/review", new { action = "accept" }, HttpJson.Options);
        Assert.Equal("review.already_judged", (await late.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task AgreementAndTheAnnotatorReportReadTheAmendedAnswerOnce()
    {
        var (org, manager, project) = await ProjectAsync(1, overlap: 2);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var (task, mine) = await a.AnnotateAsync(project, Label("pos"), 5);
        await b.AnnotateAsync(project, Label("neg"), 5);
        var disagree = await manager.Http.GetOkAsync<AgreementView>($"api/projects/{project}/quality/agreement?taskId={task}");
        using (var r = await AmendAsync(a, mine, Label("neg"), 1))
        {
            await r.OkAsync<AmendResponse>("amend");
        }
        var agree = await manager.Http.GetOkAsync<AgreementView>($"api/projects/{project}/quality/agreement?taskId={task}");
        Assert.Equal(0.0, disagree.Controls.Single().Metrics["percentAgreement"]);
        Assert.Equal(1.0, agree.Controls.Single().Metrics["percentAgreement"]);
        var report = await manager.Http.GetOkAsync<AnnotatorsView>($"api/projects/{project}/quality/annotators");
        var mineReport = report.Annotators.Single(x => x.UserId == a.Id);
        Assert.Equal(1, mineReport.Annotations);
        Assert.Equal(6, mineReport.AvgLeadTimeSeconds);
    }

    [Fact]
    public async Task AnAmendedGoldAnswerIsScoredAgain()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        using (var r = await TestData.ImportRawAsync(manager.Http, project,
            JsonSerializer.Serialize(new { key = "g0", data = new { text = "gold" }, gold = new { label = new[] { "pos" } } })))
        {
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
        }
        var a = await org.PersonAsync(Roles.Annotator);
        var (_, mine) = await a.AnnotateAsync(project, Label("neg"));
        double? Accuracy(AnnotatorsView v) => v.Annotators.Single(x => x.UserId == a.Id).GoldAccuracy;
        Assert.Equal(0.0, Accuracy(await manager.Http.GetOkAsync<AnnotatorsView>($"api/projects/{project}/quality/annotators")));
        using (var r = await AmendAsync(a, mine, Label("pos")))
        {
            await r.OkAsync<AmendResponse>("amend");
        }
        var view = await manager.Http.GetOkAsync<AnnotatorsView>($"api/projects/{project}/quality/annotators");
        Assert.Equal(1.0, Accuracy(view));
        Assert.Equal(1, view.Annotators.Single(x => x.UserId == a.Id).GoldSeen);
    }

    [Fact]
    public async Task OthersAnswersAre404ABadResultNamesNoPathAndAnArchivedProjectRefuses()
    {
        var (org, manager, project) = await ProjectAsync(2, overlap: 2);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var (_, mine) = await a.AnnotateAsync(project, Label("pos"));
        var stranger = await (await fx.NewOrgAsync()).PersonAsync(Roles.Annotator | Roles.Manager | Roles.Admin);
        foreach (var who in new[] { b, manager, stranger })
        {
            using var r = await AmendAsync(who, mine, Label("neg"));
            Assert.Equal("annotation.not_found", (await r.ProblemAsync(HttpStatusCode.NotFound)).GetProperty("code").GetString());
        }
        using (var r = await AmendAsync(a, 987_654_321, Label("neg")))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await AmendAsync(a, mine, Label("maybe")))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal("annotation.invalid", problem.GetProperty("code").GetString());
            var field = Assert.Single(problem.GetProperty("fields").EnumerateObject());
            Assert.Equal("annotation.choice.unknown", field.Value[0].GetProperty("code").GetString());
            Assert.Equal("maybe", field.Value[0].GetProperty("params").GetProperty("value").GetString());
        }
        using (var r = await AmendAsync(a, mine, Label("neg"), -1))
        {
            Assert.Equal(["leadTimeSeconds"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { archived = true });
        using (var r = await AmendAsync(a, mine, Label("neg")))
        {
            Assert.Equal("project.archived", (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
        }
        var item = Assert.Single((await a.Http.GetOkAsync<HistoryView>($"api/projects/{project}/history")).Items);
        Assert.Equal((false, (AmendRefusal?)AmendRefusal.Archived), (item.Editable, item.LockedBecause));
    }
}

public sealed class SqliteAmendTests(SqliteFixture fx) : AmendTests<SqliteFixture>(fx);

public sealed class PostgresAmendTests(PostgresFixture fx) : AmendTests<PostgresFixture>(fx);

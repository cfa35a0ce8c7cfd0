namespace Yunzhong.Server.Tests.Tasks;

public abstract class TasksAndStatsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };

    private static readonly object _chineseSchema = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[] { new { name = "label", type = "choices", field = "text", options = new[] { "正面", "负面", "100%_好" } } },
    };

    private async Task<(Org Org, Person Manager, long Project, List<long> Tasks)> ProjectAsync(int tasks, object? schema = null)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, schema);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(tasks));
        var ids = await fx.QueryAsync<long>("SELECT id FROM tasks WHERE project_id = @project ORDER BY id", new { project });
        return (org, manager, project, ids);
    }

    private static async Task<(long[] Ids, long? Next)> PageAsync(Person p, long project, string query)
    {
        var page = await p.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?{query}");
        return (page.Items.Select(i => i.Id).ToArray(), page.Next);
    }

    private static Task<HttpResponseMessage> BulkAsync(Person p, long project, object body) =>
        p.Http.PostAsJsonAsync($"api/projects/{project}/tasks/bulk", body, HttpJson.Options);

    [Fact]
    public async Task TaskListPagesByIdWithAfterAndLimit()
    {
        var (_, manager, project, t) = await ProjectAsync(5);
        var (ids, next) = await PageAsync(manager, project, "limit=2");
        Assert.Equal([t[0], t[1]], ids);
        Assert.Equal(t[1], next);
        (ids, next) = await PageAsync(manager, project, $"limit=2&after={next}");
        Assert.Equal([t[2], t[3]], ids);
        Assert.Equal(t[3], next);
        (ids, next) = await PageAsync(manager, project, $"limit=2&after={next}");
        Assert.Equal([t[4]], ids);
        Assert.Null(next);
        var first = (await manager.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?limit=1")).Items[0];
        Assert.Equal("k0", first.Key);
        Assert.Equal(TaskState.New, first.State);
        Assert.Equal(0, first.AnnotationCount);
    }

    [Fact]
    public async Task TaskListFiltersByStateAndAnnotator()
    {
        var (org, manager, project, t) = await ProjectAsync(4);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var (byA, _) = await a.AnnotateAsync(project, _pos);
        var (byB, _) = await b.AnnotateAsync(project, _pos);
        var leased = (await a.NextAsync(project))!.Task.Id;
        var untouched = t.Single(id => id != byA && id != byB && id != leased);

        Assert.Equal(new[] { byA, byB }.Order(), (await PageAsync(manager, project, "state=annotated")).Ids);
        Assert.Equal(new[] { leased, untouched }.Order(), (await PageAsync(manager, project, "state=new,in_progress")).Ids);
        Assert.Equal([byA], (await PageAsync(manager, project, $"annotator={a.Id}")).Ids);
        Assert.Equal([byB], (await PageAsync(manager, project, $"annotator={b.Id}&state=annotated")).Ids);
        using var r = await manager.Http.GetAsync($"api/projects/{project}/tasks?state=done");
        Assert.Equal(["state"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
    }

    [Fact]
    public async Task TaskListFiltersByLastChangeTime()
    {
        var (org, manager, project, t) = await ProjectAsync(2);
        var imported = fx.Time.GetUtcNow();
        fx.Time.Advance(TimeSpan.FromDays(1));
        var a = await org.PersonAsync(Roles.Annotator);
        var (touched, _) = await a.AnnotateAsync(project, _pos);
        var cut = Uri.EscapeDataString(imported.AddHours(12).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal([touched], (await PageAsync(manager, project, $"from={cut}")).Ids);
        Assert.Equal([t.Single(id => id != touched)], (await PageAsync(manager, project, $"to={cut}")).Ids);
    }

    [Fact]
    public async Task TaskListFiltersByLabelWhateverWayTheClientEscapedIt()
    {
        var (org, manager, project, t) = await ProjectAsync(4, _chineseSchema);
        var a = await org.PersonAsync(Roles.Annotator);
        // A browser sends the label as raw UTF-8; .NET's serializer writes \uXXXX escapes.
        var raw = (await a.NextAsync(project))!;
        using (var r = await a.SubmitRawAsync(raw.AssignmentId, """{"result":{"label":["正面"]}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var (escaped, _) = await a.AnnotateAsync(project, new { label = new[] { "正面" } });
        var (negative, _) = await a.AnnotateAsync(project, new { label = new[] { "负面" } });
        var (wild, _) = await a.AnnotateAsync(project, new { label = new[] { "100%_好" } });

        Assert.Equal(new[] { raw.Task.Id, escaped }.Order(), (await PageAsync(manager, project, "label=" + Uri.EscapeDataString("正面"))).Ids);
        Assert.Equal([negative], (await PageAsync(manager, project, "label=" + Uri.EscapeDataString("负面"))).Ids);
        Assert.Equal([wild], (await PageAsync(manager, project, "label=" + Uri.EscapeDataString("100%_好"))).Ids);
        // LIKE wildcards in the label are literal characters.
        Assert.Empty((await PageAsync(manager, project, "label=" + Uri.EscapeDataString("100__好"))).Ids);
        Assert.Empty((await PageAsync(manager, project, "label=" + Uri.EscapeDataString("正"))).Ids);
    }

    [Fact]
    public async Task AnnotatorsSeeOnlyTheirOwnTasksAndAnnotations()
    {
        var (org, manager, project, _) = await ProjectAsync(2);
        using (var r = await TestData.ImportRawAsync(manager.Http, project, """{"key":"gold","data":{"text":"金标"},"gold":{"label":["pos"]}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { overlap = 2 });
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var (mine, _) = await a.AnnotateAsync(project, _pos);
        await b.AnnotateAsync(project, new { label = new[] { "neg" } });
        var theirs = (await b.NextAsync(project))!.Task.Id;

        var detail = await a.Http.GetOkAsync<TaskDetail>($"api/tasks/{mine}");
        var annotation = Assert.Single(detail.Annotations); // not b's
        Assert.Equal(a.Id, annotation.UserId);
        Assert.Empty(detail.Reviews);
        using var other = await a.Http.GetAsync($"api/tasks/{theirs}");
        await other.ProblemAsync(HttpStatusCode.NotFound);

        // Gold tasks do not tell annotators they are gold. When the queue serves a gold task depends on
        // the project's gold rate, so the lease is written directly.
        var gold = await fx.QueryScalarAsync<long>("SELECT id FROM tasks WHERE project_id = @project AND task_key = 'gold'", new { project });
        await fx.QueryAsync<long>(
            "INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at) VALUES (@gold, @project, @user, 'submitted', 0, 0, 0) RETURNING id",
            new { gold, project, user = a.Id });
        Assert.False((await a.Http.GetOkAsync<TaskDetail>($"api/tasks/{gold}")).IsGold);
        Assert.True((await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{gold}")).IsGold);
    }

    [Fact]
    public async Task BulkPriorityPutsTasksFirstInTheQueueAndStaysInsideTheProject()
    {
        var (org, manager, project, t) = await ProjectAsync(3);
        var otherProject = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, otherProject, ["elsewhere"]);
        var foreign = await fx.QueryScalarAsync<long>("SELECT id FROM tasks WHERE project_id = @otherProject", new { otherProject });

        using (var r = await BulkAsync(manager, project, new { ids = new[] { t[2], foreign }, action = "priority", priority = 9 }))
        {
            Assert.Equal(1, (await r.ReadAsync<BulkResponse>()).Affected);
        }
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT priority FROM tasks WHERE id = @foreign", new { foreign }));
        var a = await org.PersonAsync(Roles.Annotator);
        Assert.Equal(t[2], (await a.NextAsync(project))!.Task.Id);
        var listed = (await manager.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks")).Items;
        Assert.Equal(9, listed.Single(i => i.Id == t[2]).Priority);
    }

    [Fact]
    public async Task BulkDeleteRemovesTasksWithTheirWork()
    {
        var (org, manager, project, t) = await ProjectAsync(3);
        var a = await org.PersonAsync(Roles.Annotator);
        var (annotated, _) = await a.AnnotateAsync(project, _pos);
        var leased = (await a.NextAsync(project))!.Task.Id;
        using (var r = await BulkAsync(manager, project, new { ids = new[] { annotated, leased }, action = "delete" }))
        {
            Assert.Equal(2, (await r.ReadAsync<BulkResponse>()).Affected);
        }
        Assert.Equal([t.Single(id => id != annotated && id != leased)], (await PageAsync(manager, project, "")).Ids);
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM assignments WHERE project_id = @project", new { project }));
        using var gone = await manager.Http.GetAsync($"api/tasks/{annotated}");
        await gone.ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, (await manager.Http.GetOkAsync<ProjectView>($"api/projects/{project}")).Counts.Total);
    }

    [Fact]
    public async Task BulkReleaseEndsLeasesSoTheTaskGoesToSomeoneElse()
    {
        var (org, manager, project, t) = await ProjectAsync(1);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var lease = (await a.NextAsync(project))!;
        Assert.Null(await b.NextAsync(project));
        using (var r = await BulkAsync(manager, project, new { ids = t, action = "release" }))
        {
            Assert.Equal(1, (await r.ReadAsync<BulkResponse>()).Affected);
        }
        Assert.Equal("released", await fx.QueryScalarAsync<string>("SELECT status FROM assignments WHERE id = @id", new { id = lease.AssignmentId }));
        Assert.Equal(t[0], (await b.NextAsync(project))!.Task.Id);
    }

    [Fact]
    public async Task BulkRequestsAreChecked()
    {
        var (org, manager, project, t) = await ProjectAsync(1);
        using (var r = await BulkAsync(manager, project, new { ids = t, action = "archive" }))
        {
            Assert.Equal(["action"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var r = await BulkAsync(manager, project, new { ids = t, action = "priority" }))
        {
            Assert.Equal(["priority"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var r = await BulkAsync(manager, project, new { ids = Array.Empty<long>(), action = "delete" }))
        {
            Assert.Equal(["ids"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        var a = await org.PersonAsync(Roles.Annotator);
        using (var r = await BulkAsync(a, project, new { ids = t, action = "delete" }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task StatsCountStatesDaysAndEachAnnotatorsWorkAndLeadTime()
    {
        var (org, manager, project, _) = await ProjectAsync(4);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        await a.AnnotateAsync(project, _pos, leadTimeSeconds: 2);
        await a.AnnotateAsync(project, _pos, leadTimeSeconds: 4);
        await b.AnnotateAsync(project, _pos, leadTimeSeconds: 9);
        Assert.NotNull(await b.NextAsync(project)); // one task in progress
        var today = fx.Time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var stats = await manager.Http.GetOkAsync<ProjectStats>($"api/projects/{project}/stats");
        var states = stats.States;
        Assert.Equal((4L, 0L, 1L, 3L), (states.Total, states.New,
            states.InProgress, states.Annotated));
        var day = Assert.Single(stats.PerDay);
        Assert.Equal((today, 3L), (day.Day, day.Annotations));
        var people = stats.PerAnnotator;
        Assert.Equal([a.Id, b.Id], people.Select(p => p.UserId));
        Assert.Equal([2L, 1L], people.Select(p => p.Annotations));
        Assert.Equal([3.0, 9.0], people.Select(p => p.AvgLeadTimeSeconds));
        Assert.Equal(5.0, stats.AvgLeadTimeSeconds);

        using var r = await a.Http.GetAsync($"api/projects/{project}/stats");
        await r.ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AReviewersFixDoesNotCountAsTheAnnotatorsWork()
    {
        var (org, manager, project, _) = await ProjectAsync(2);
        var a = await org.PersonAsync(Roles.Annotator);
        var (_, fixedOne) = await a.AnnotateAsync(project, _pos, leadTimeSeconds: 6);
        await a.AnnotateAsync(project, _pos, leadTimeSeconds: 8);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        using (var r = await reviewer.Http.PostAsJsonAsync($"api/annotations/{fixedOne}/review", new { action = "fix", result = new { label = new[] { "neg" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var stats = await manager.Http.GetOkAsync<ProjectStats>($"api/projects/{project}/stats");
        var person = Assert.Single(stats.PerAnnotator);
        Assert.Equal(a.Id, person.UserId);
        Assert.Equal(2, person.Annotations);
        Assert.Equal(7.0, person.AvgLeadTimeSeconds);
    }
}

public sealed class SqliteTasksAndStatsTests(SqliteFixture fx) : TasksAndStatsTests<SqliteFixture>(fx);

public sealed class PostgresTasksAndStatsTests(PostgresFixture fx) : TasksAndStatsTests<PostgresFixture>(fx);

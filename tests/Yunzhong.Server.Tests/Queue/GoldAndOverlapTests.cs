namespace Yunzhong.Server.Tests.Queue;

public abstract class GoldAndOverlapTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static Task<NextResponse?> NextAsync(Person p, long project) => p.NextAsync(project);

    private static async Task SubmitAsync(Person p, NextResponse lease, string label)
    {
        using var r = await p.Http.PostAsJsonAsync($"api/assignments/{lease.AssignmentId}/submit",
            new { result = new { label = new[] { label } } });
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    private static async Task<long> ProjectAsync(Person manager, long org, object quality, int overlap = 1)
    {
        var p = await manager.Http.PostOkAsync<ProjectView>("api/projects", new
        {
            organizationId = org, name = $"q {Guid.NewGuid():N}", schema = TestData.ChoiceSchema, overlap, quality,
        });
        return p.Id;
    }

    /// <summary>Regular tasks "r0".."rN" whose text says nothing, and gold tasks whose known answer is "pos".</summary>
    private static async Task ImportAsync(Person manager, long project, int regular, int gold)
    {
        var lines = Enumerable.Range(0, regular).Select(i => JsonSerializer.Serialize(new { key = $"r{i}", data = new { text = $"regular {i}" } }))
            .Concat(Enumerable.Range(0, gold).Select(i => JsonSerializer.Serialize(new { key = $"g{i}", data = new { text = $"gold {i}" }, gold = new { label = new[] { "pos" } } })));
        using var r = await TestData.ImportRawAsync(manager.Http, project, string.Join("\n", lines));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task GoldTasksAreMixedInWhileWorkRemainsAndScoredPerAnnotator()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await ProjectAsync(manager, org.Id, new { goldRate = 50 });
        await ImportAsync(manager, project, regular: 30, gold: 3);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var texts = new List<string>();
        while (await NextAsync(annotator, project) is { } lease)
        {
            var text = lease.Task.Data.GetProperty("text").GetString()!;
            texts.Add(text);
            // Right on the first two gold tasks, wrong on the third.
            await SubmitAsync(annotator, lease, text == "gold 2" ? "neg" : "pos");
        }
        Assert.Equal(30, texts.Count(t => t.StartsWith("regular", StringComparison.Ordinal)));
        Assert.Equal(3, texts.Count(t => t.StartsWith("gold", StringComparison.Ordinal)));
        Assert.NotEqual("gold", texts[^1][..4]); // gold never comes once the regular work is done
        var score = (await fx.QueryAsync<(long Seen, double Score)>(
            "SELECT gold_seen, gold_score FROM annotator_scores WHERE project_id = @project AND user_id = @id", new { project, id = annotator.Id })).Single();
        Assert.Equal(3, score.Seen);
        Assert.Equal(2.0, score.Score, 10);
        // The task detail an annotator sees does not say which task was gold.
        var goldTask = await fx.QueryScalarAsync<long>("SELECT id FROM tasks WHERE project_id = @project AND task_key = 'g0'", new { project });
        var seen = await annotator.Http.GetOkAsync<TaskDetail>($"api/tasks/{goldTask}");
        Assert.False(seen.IsGold);
    }

    [Fact]
    public async Task WithoutAGoldRateGoldTasksQueueInImportOrderAndStillScoreTheAnnotator()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await ProjectAsync(manager, org.Id, new { goldRate = 0 });
        await ImportAsync(manager, project, regular: 2, gold: 2);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var texts = new List<string>();
        while (await NextAsync(annotator, project) is { } lease)
        {
            texts.Add(lease.Task.Data.GetProperty("text").GetString()!);
            await SubmitAsync(annotator, lease, "pos");
        }
        Assert.Equal(["regular 0", "regular 1", "gold 0", "gold 1"], texts);
        Assert.Equal(4, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project AND state = 'annotated'", new { project }));
        Assert.Equal(2, await fx.QueryScalarAsync<long>("SELECT gold_seen FROM annotator_scores WHERE project_id = @project", new { project }));

        // Switching gold mixing on later turns untouched gold tasks into control tasks only.
        var later = await ProjectAsync(manager, org.Id, new { goldRate = 0 });
        await ImportAsync(manager, later, regular: 3, gold: 1);
        using (var r = await manager.Http.PatchAsJsonAsync($"api/projects/{later}", new { quality = new { goldRate = 30 } }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @later AND control = 1", new { later }));
    }

    [Fact]
    public async Task AnnotatorBelowTheGoldThresholdGetsNoMoreTasks()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await ProjectAsync(manager, org.Id, new { goldRate = 50, goldThreshold = 0.8, goldMinimum = 2 });
        await ImportAsync(manager, project, regular: 40, gold: 2);
        var careless = await org.PersonAsync(Roles.Annotator);
        var goldAnswered = 0;
        while (goldAnswered < 2 && await NextAsync(careless, project) is { } lease)
        {
            var isGold = lease.Task.Data.GetProperty("text").GetString()!.StartsWith("gold", StringComparison.Ordinal);
            goldAnswered += isGold ? 1 : 0;
            await SubmitAsync(careless, lease, "neg");
        }
        Assert.Equal(2, goldAnswered);
        using var refused = await careless.Http.PostAsync($"api/projects/{project}/queue/next", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("threshold", (await refused.ReadJsonAsync()).GetProperty("title").GetString(), StringComparison.Ordinal);
        // Someone else still gets work.
        var other = await org.PersonAsync(Roles.Annotator);
        Assert.NotNull(await NextAsync(other, project));
    }

    [Fact]
    public async Task DynamicOverlapAsksForMoreOnlyWhereAnnotatorsDisagree()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        // Three labels, default skill 0.7. Two agreeing answers: 0.49 / (0.49 + 2 * 0.15²) = 0.916 ≥ 0.9, done.
        // Two different answers: 0.105 / (2 * 0.105 + 0.15²) = 0.45, so a third annotation is wanted.
        var project = await ProjectAsync(manager, org.Id, new { overlapMax = 3, confidenceTarget = 0.9 }, overlap: 2);
        await ImportAsync(manager, project, regular: 2, gold: 0);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var c = await org.PersonAsync(Roles.Annotator);
        foreach (var (person, answers) in new[] { (a, new[] { "pos", "pos" }), (b, new[] { "pos", "neg" }) })
        {
            for (var i = 0; i < 2; i++)
            {
                var lease = (await NextAsync(person, project))!;
                var key = lease.Task.Data.GetProperty("text").GetString() == "regular 0" ? 0 : 1;
                await SubmitAsync(person, lease, answers[key]);
            }
        }
        var targets = (await fx.QueryAsync<(string Key, long Target, string State)>(
            "SELECT task_key, target, state FROM tasks WHERE project_id = @project ORDER BY task_key", new { project })).ToList();
        Assert.Equal(("r0", 2L, "annotated"), targets[0]);
        Assert.Equal(("r1", 3L, "in_progress"), targets[1]);
        var third = (await NextAsync(c, project))!;
        Assert.Equal("regular 1", third.Task.Data.GetProperty("text").GetString());
        await SubmitAsync(c, third, "neg");
        Assert.Null(await NextAsync(c, project));
        Assert.Equal("annotated", await fx.QueryScalarAsync<string>("SELECT state FROM tasks WHERE project_id = @project AND task_key = 'r1'", new { project }));
    }

    [Fact]
    public async Task AnAmendmentThatLeavesATaskShortOfConfidenceAsksForOneMoreAnnotationAsASubmissionWould()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        // As above: two agreeing answers reach the target of 0.9, two different ones do not.
        var project = await ProjectAsync(manager, org.Id, new { overlapMax = 3, confidenceTarget = 0.9 }, overlap: 2);
        await ImportAsync(manager, project, regular: 1, gold: 0);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var c = await org.PersonAsync(Roles.Annotator);
        await SubmitAsync(a, (await NextAsync(a, project))!, "pos");
        var lease = (await NextAsync(b, project))!;
        var answer = (await b.Http.PostOkAsync<SubmitResponse>($"api/assignments/{lease.AssignmentId}/submit",
            new { result = new { label = new[] { "pos" } } })).AnnotationId;
        Assert.Equal((2L, 0L, "annotated"), await TaskAsync(project));
        Assert.Null(await NextAsync(c, project));

        // An amendment that keeps the two answers agreeing leaves the task as it is.
        answer = (await AmendAsync(b, answer, "pos")).AnnotationId;
        Assert.Equal((2L, 0L, "annotated"), await TaskAsync(project));
        // One that makes them disagree asks for a third annotation, as a submission of "neg" would have.
        answer = (await AmendAsync(b, answer, "neg")).AnnotationId;
        Assert.Equal((3L, 1L, "in_progress"), await TaskAsync(project));
        var third = (await NextAsync(c, project))!;
        await SubmitAsync(c, third, "neg");
        Assert.Equal((3L, 0L, "annotated"), await TaskAsync(project));
        // At the project's most (3) an amendment asks for no more, however the answers stand.
        await AmendAsync(b, answer, "pos");
        Assert.Equal((3L, 0L, "annotated"), await TaskAsync(project));
    }

    private static async Task<AmendResponse> AmendAsync(Person p, long annotation, string label)
    {
        using var r = await p.Http.PutAsJsonAsync($"api/annotations/{annotation}", new { result = new { label = new[] { label } } }, HttpJson.Options);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<AmendResponse>(HttpJson.Options))!;
    }

    private async Task<(long Target, long Remaining, string State)> TaskAsync(long project) =>
        (await fx.QueryAsync<(long Target, long Remaining, string State)>(
            "SELECT target, remaining, state FROM tasks WHERE project_id = @project", new { project })).Single();
}

public sealed class SqliteGoldAndOverlapTests(SqliteFixture fx) : GoldAndOverlapTests<SqliteFixture>(fx);

public sealed class PostgresGoldAndOverlapTests(PostgresFixture fx) : GoldAndOverlapTests<PostgresFixture>(fx);

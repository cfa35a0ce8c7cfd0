using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Server.Data;
using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server.Tests.Queue;

public abstract class QueueTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    protected TFixture Fx => fx;

    private static readonly object _pos = new { result = new { label = new[] { "pos" } }, leadTimeSeconds = 2.5 };

    private async Task<(Org Org, Person Manager, long Project)> SetUpAsync(int tasks, int overlap, TaskOrder order = TaskOrder.Priority, int leaseSeconds = 600)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: overlap, order: order, leaseSeconds: leaseSeconds);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(tasks));
        return (org, manager, project);
    }

    protected static Task<NextResponse?> NextAsync(Person p, long project) => p.NextAsync(project);

    protected static async Task<HttpResponseMessage> SubmitAsync(Person p, long assignment, object? body = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"api/assignments/{assignment}/submit") { Content = JsonContent.Create(body ?? _pos) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return await p.Http.SendAsync(request);
    }

    [Fact]
    public async Task ManyConcurrentAnnotatorsFillEveryTaskExactlyToOverlapWithNothingLost()
    {
        const int tasks = 120, overlap = 3, annotators = 300;
        var (org, _, project) = await SetUpAsync(tasks, overlap);
        var people = await Task.WhenAll(Enumerable.Range(0, annotators).Select(_ => org.PersonAsync(Roles.Annotator)));
        var acknowledged = new ConcurrentBag<(long Annotation, long Task, long User)>();
        await Task.WhenAll(people.Select(p => Task.Run(async () =>
        {
            while (await NextAsync(p, project) is { } lease)
            {
                using var r = await SubmitAsync(p, lease.AssignmentId, key: Guid.NewGuid().ToString());
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                acknowledged.Add(((await r.ReadAsync<SubmitResponse>()).AnnotationId, lease.Task.Id, p.Id));
            }
        })));

        Assert.Equal(tasks * overlap, acknowledged.Count);
        var stored = await fx.QueryAsync<(long Id, long TaskId, long UserId)>(
            "SELECT id, task_id, user_id FROM annotations WHERE project_id = @project", new { project });
        Assert.Equal(tasks * overlap, stored.Count);
        Assert.Empty(acknowledged.Select(a => a.Annotation).Except(stored.Select(s => s.Id)));
        Assert.All(stored.GroupBy(s => s.TaskId), g =>
        {
            Assert.Equal(overlap, g.Count());
            Assert.Equal(overlap, g.Select(s => s.UserId).Distinct().Count());
        });
        Assert.Equal(tasks, await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM tasks WHERE project_id = @project AND state = 'annotated' AND remaining = 0 AND annotation_count = @overlap",
            new { project, overlap }));
    }

    [Fact]
    public async Task SubmissionsOfOneLeaseInOneBatchStoreOneAnnotation()
    {
        // On PostgreSQL a batch's plain submissions are written by one statement: two of one lease in
        // it must not both find the lease live. Handed to the queue together (not through HTTP, whose
        // requests rarely arrive close enough), each pair lands in one batch.
        const int leases = 60;
        var (org, _, project) = await SetUpAsync(leases, overlap: 1);
        var people = await Task.WhenAll(Enumerable.Range(0, leases).Select(_ => org.PersonAsync(Roles.Annotator)));
        var held = await Task.WhenAll(people.Select(async p => (Person: p, Lease: (await NextAsync(p, project))!.AssignmentId)));
        var config = (await fx.Services.GetRequiredService<Yunzhong.Server.Security.Access>().ProjectAsync(project, CancellationToken.None))!;
        var queue = fx.Services.GetRequiredService<QueueEngine>();
        const string result = """{"label":["pos"]}""";
        var failedBefore = queue.FailedBatches;
        Task<SubmitResult> Submit((Person Person, long Lease) h, string key) =>
            queue.SubmitAsync(config, h.Lease, h.Person.Id, result, 1.5, key, null, 0, CancellationToken.None);
        // Each kind in batches of its own (a batch whose statement fails is retried one operation at a
        // time, which would answer the other kind correctly whatever the statement did).
        // First half: two keys for one lease - one is written, the other refused.
        var twoKeys = held[..(leases / 2)].Select((h, i) => new[] { Submit(h, $"a-{i}"), Submit(h, $"b-{i}") }).ToList();
        foreach (var pair in twoKeys)
        {
            var outcomes = await Task.WhenAll(pair);
            Assert.Single(outcomes, o => o.Outcome == SubmitOutcome.Created);
            Assert.Single(outcomes, o => o.Outcome == SubmitOutcome.Conflict);
        }
        // Second half: a retry with the same key - both answered with the one annotation.
        var sameKey = held[(leases / 2)..].Select((h, i) => new[] { Submit(h, $"same-{i}"), Submit(h, $"same-{i}") }).ToList();
        foreach (var pair in sameKey)
        {
            var outcomes = await Task.WhenAll(pair);
            Assert.All(outcomes, o => Assert.Contains(o.Outcome, new[] { SubmitOutcome.Created, SubmitOutcome.Replayed }));
            Assert.Single(outcomes.Select(o => o.AnnotationId).Distinct());
        }
        Assert.Equal(failedBefore, queue.FailedBatches); // answered right the first time, not by the retry
        Assert.Equal(leases, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
        Assert.Equal(leases, await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM tasks WHERE project_id = @project AND state = 'annotated' AND annotation_count = 1", new { project }));
    }

    [Fact]
    public async Task AnnotatorNeverGetsTheSameTaskTwice()
    {
        var (org, _, project) = await SetUpAsync(tasks: 5, overlap: 2);
        var p = await org.PersonAsync(Roles.Annotator);
        var seen = new List<long>();
        while (await NextAsync(p, project) is { } lease)
        {
            seen.Add(lease.Task.Id);
            using var r = await SubmitAsync(p, lease.AssignmentId);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal(5, seen.Count);
        Assert.Equal(5, seen.Distinct().Count());
    }

    [Fact]
    public async Task NextAgainBeforeSubmittingReturnsTheSameLease()
    {
        var (org, _, project) = await SetUpAsync(tasks: 3, overlap: 1);
        var p = await org.PersonAsync(Roles.Annotator);
        var first = await NextAsync(p, project);
        var again = await NextAsync(p, project);
        Assert.Equal(first!.AssignmentId, again!.AssignmentId);
    }

    [Fact]
    public async Task ExcludingTheLeaseOnScreenFetchesTheNextTaskAheadUpToTheLimit()
    {
        var (org, _, project) = await SetUpAsync(tasks: 10, overlap: 1);
        var p = await org.PersonAsync(Roles.Annotator);
        var shown = (await NextAsync(p, project))!.AssignmentId;
        var held = new List<long> { shown };
        for (var i = 1; i < QueueEngine.MaxHeld; i++)
        {
            using var ahead = await p.Http.PostAsync($"api/projects/{project}/queue/next?exclude={string.Join(',', held)}", null);
            Assert.Equal(HttpStatusCode.OK, ahead.StatusCode);
            var id = (await ahead.ReadAsync<NextResponse>()).AssignmentId;
            Assert.DoesNotContain(id, held);
            held.Add(id);
        }
        using var tooMany = await p.Http.PostAsync($"api/projects/{project}/queue/next?exclude={string.Join(',', held)}", null);
        Assert.Equal(HttpStatusCode.Conflict, tooMany.StatusCode);
        // Without exclusions the oldest held lease comes back (a page reload), not a new task.
        Assert.Equal(shown, (await NextAsync(p, project))!.AssignmentId);
        Assert.Equal(QueueEngine.MaxHeld, await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM assignments WHERE project_id = @project AND status = 'leased'", new { project }));
    }

    [Fact]
    public async Task TasksComeInPriorityThenImportOrder()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        var body = string.Join("\n",
            """{"key":"a","data":{"text":"first, low"}}""",
            """{"key":"b","priority":5,"data":{"text":"second, high"}}""",
            """{"key":"c","data":{"text":"third, low"}}""");
        using (var r = await TestData.ImportRawAsync(manager.Http, project, body))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var p = await org.PersonAsync(Roles.Annotator);
        var order = new List<string>();
        while (await NextAsync(p, project) is { } lease)
        {
            order.Add(lease.Task.Data.GetProperty("text").GetString()!);
            (await SubmitAsync(p, lease.AssignmentId)).Dispose();
        }
        Assert.Equal(["second, high", "first, low", "third, low"], order);
    }

    [Fact]
    public async Task RandomOrderServesEveryTaskOnceWhetherImportedBeforeOrAfterTheSwitch()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, project, Enumerable.Range(0, 20).Select(i => $"before {i:00}"));
        // Priority order keeps tasks out of the random-order index.
        Assert.Equal(0L, (await fx.QueryAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project AND shuffle <> 0", new { project }))[0]);
        using (var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { order = "random" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var after = string.Join("\n", Enumerable.Range(0, 20).Select(i => JsonSerializer.Serialize(new { key = $"after{i}", data = new { text = $"after {i:00}" } })));
        using (var r = await TestData.ImportRawAsync(manager.Http, project, after))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        Assert.Equal(0L, (await fx.QueryAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project AND shuffle <= 0", new { project }))[0]);

        var p = await org.PersonAsync(Roles.Annotator);
        var served = new List<string>();
        while (await NextAsync(p, project) is { } lease)
        {
            served.Add(lease.Task.Data.GetProperty("text").GetString()!);
            (await SubmitAsync(p, lease.AssignmentId)).Dispose();
        }
        var all = Enumerable.Range(0, 20).Select(i => $"before {i:00}").Concat(Enumerable.Range(0, 20).Select(i => $"after {i:00}")).ToList();
        Assert.Equal(all.Order(), served.Order()); // each exactly once
        Assert.NotEqual(all, served); // shuffled: 40 tasks come in import order once in 40! runs
    }

    /// <summary>Imports tasks keyed and labelled by their text, with the given priorities.</summary>
    private static async Task ImportTextsAsync(Person manager, long project, params (string Text, int Priority)[] tasks)
    {
        var body = string.Join("\n", tasks.Select(t => JsonSerializer.Serialize(new { key = t.Text, priority = t.Priority, data = new { text = t.Text } })));
        using var r = await TestData.ImportRawAsync(manager.Http, project, body);
        Assert.True(r.StatusCode == HttpStatusCode.OK, $"import answered {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}");
    }

    /// <summary>Leases and submits up to <paramref name="most"/> tasks (all there are when null); their texts in the order served.</summary>
    private static async Task<List<string>> AnnotateAsync(Person p, long project, int? most = null)
    {
        var served = new List<string>();
        while ((most is null || served.Count < most) && await NextAsync(p, project) is { } lease)
        {
            served.Add(lease.Task.Data.GetProperty("text").GetString()!);
            using var r = await SubmitAsync(p, lease.AssignmentId);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        return served;
    }

    private Task<long> CountTasksAsync(long project, string condition) =>
        fx.QueryScalarAsync<long>($"SELECT COUNT(*) FROM tasks WHERE project_id = @project AND {condition}", new { project });

    [Fact]
    public async Task LeastAnnotatedOrderServesTheTasksWithFewestAnnotationsFirst()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: 2, order: TaskOrder.LeastAnnotated);
        await ImportTextsAsync(manager, project, ("t1", 0), ("t2", 0), ("t3", 0), ("t4", 5));
        Assert.Equal(0, await CountTasksAsync(project, "least_order <> 1"));

        // Nothing annotated yet: priority, then import order.
        Assert.Equal(["t4", "t1"], await AnnotateAsync(await org.PersonAsync(Roles.Annotator), project, most: 2));
        // Priority order would give t4 and t1 first again; they have an annotation each now.
        Assert.Equal(["t2", "t3", "t4", "t1"], await AnnotateAsync(await org.PersonAsync(Roles.Annotator), project));
    }

    [Fact]
    public async Task SwitchToLeastAnnotatedOrderServesFewestAnnotationsFirstWhetherImportedBeforeOrAfterTheSwitch()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: 2);
        await ImportTextsAsync(manager, project, ("b1", 0), ("b2", 0), ("b3", 0));
        // Priority order keeps tasks out of the least-annotated index.
        Assert.Equal(0, await CountTasksAsync(project, "least_order <> 0"));
        Assert.Equal(["b1"], await AnnotateAsync(await org.PersonAsync(Roles.Annotator), project, most: 1));

        using (var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { order = "least_annotated" }))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        await ImportTextsAsync(manager, project, ("a1", 0), ("a2", 5));
        Assert.Equal(0, await CountTasksAsync(project, "least_order <> 1"));

        // No annotation yet (priority, then import order), then b1 with its one.
        Assert.Equal(["a2", "b2", "b3", "a1", "b1"], await AnnotateAsync(await org.PersonAsync(Roles.Annotator), project));
    }

    [Fact]
    public async Task EachOrderPicksThroughItsOwnIndex()
    {
        // The partial indexes of random and least-annotated order hold only flagged tasks (0004,
        // 0005): the picks must state that condition, or the planner cannot use them and a big
        // project is scanned and sorted on every lease.
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(50));
        var db = fx.Services.GetRequiredService<Db>();
        await using var c = await db.OpenAsync();
        // On PostgreSQL, tables this small are cheaper to scan: rule that out, and sorting, for this
        // transaction only, so the plan shows which index delivers the order.
        await using var tx = db.Dialect == SqlDialect.Sqlite ? null : await c.BeginTransactionAsync();
        using var sql = new HotStatements(c);
        // PostgreSQL keys priority order by (project, -priority, id) (0006).
        var priorityIndex = db.Dialect == SqlDialect.Sqlite ? "ix_tasks_queue_priority" : "ix_tasks_queue_rank";
        foreach (var (order, index) in new[] { ("priority", priorityIndex), ("random", "ix_tasks_queue_shuffle"), ("leastAnnotated", "ix_tasks_queue_least"),
            (QueueSql.MostUncertain, "ix_tasks_queue_uncertain") })
        {
            if (db.Dialect == SqlDialect.Sqlite)
            {
                var plan = new List<string>();
                var explain = sql["EXPLAIN QUERY PLAN " + QueueSql.PickFreshSql(order)].Bind("projectId", project).Bind("userId", manager.Id);
                while (await explain.ReadAsync())
                {
                    plan.Add(explain.Text(3));
                }
                AssertPicksThrough(order, index, plan);
                continue;
            }
            await sql["SET LOCAL enable_seqscan = off"].ExecuteAsync();
            await sql["SET LOCAL enable_sort = off"].ExecuteAsync();
            // Both plans a prepared statement gets: custom ones first, then the generic one it keeps.
            foreach (var mode in new[] { "force_custom_plan", "force_generic_plan" })
            {
                await sql[$"SET LOCAL plan_cache_mode = {mode}"].ExecuteAsync();
                foreach (var whenNothingHeld in new[] { true, false })
                {
                    var name = $"lease_{order}_{whenNothingHeld}_{mode}".ToLowerInvariant();
                    await sql[$"PREPARE {name} (bigint, bigint, bigint, bigint) AS {QueueSql.LeaseSql(order, whenNothingHeld)}"].ExecuteAsync();
                    var plan = new List<string>();
                    var explain = sql[$"EXPLAIN EXECUTE {name} ({project}, {manager.Id}, 0, 0)"]; // no parameters in utility statements
                    while (await explain.ReadAsync())
                    {
                        plan.Add(explain.Text(0));
                    }
                    AssertPicksThrough($"{order} ({mode}, whenNothingHeld {whenNothingHeld})", index, plan);
                    AssertNoKeyWalk(plan);
                }
            }
        }

        if (db.Dialect != SqlDialect.Sqlite)
        {
            // Only the queue index can deliver "the first task from a position" in priority order.
            // Written as priority = p AND id >= i, as it once was, the primary key could serve it
            // too, and generic plans sometimes chose that: a walk over every task of every project
            // (20,000 buffer reads for one lease). Without the queue index (dropped in this
            // transaction only) the planner shows what else could serve it.
            await sql["DROP INDEX ix_tasks_queue_rank"].ExecuteAsync();
            await sql["SET LOCAL plan_cache_mode = force_generic_plan"].ExecuteAsync();
            await sql[$"PREPARE lease_without_index (bigint, bigint, bigint, bigint) AS {QueueSql.LeaseSql("priority", whenNothingHeld: true)}"].ExecuteAsync();
            var plan = new List<string>();
            var explain = sql[$"EXPLAIN EXECUTE lease_without_index ({project}, {manager.Id}, 0, 0)"];
            while (await explain.ReadAsync())
            {
                plan.Add(explain.Text(0));
            }
            AssertNoKeyWalk(plan);
        }

        // Tasks are found by the queue index or by key, never by walking a range of the primary key.
        static void AssertNoKeyWalk(List<string> plan) =>
            Assert.DoesNotContain(plan, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"Index Cond: \(id (>|<)"));

        static void AssertPicksThrough(string what, string index, List<string> plan)
        {
            var text = string.Join("\n", plan);
            Assert.True(plan.Exists(line => line.Contains(index, StringComparison.Ordinal) && !line.Contains("Bitmap", StringComparison.Ordinal)),
                $"{what} does not pick through {index}:\n{text}");
            Assert.DoesNotContain("TEMP B-TREE", text, StringComparison.Ordinal); // SQLite sorting
            Assert.DoesNotContain("Sort", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SkippedTaskComesBackOnlyAfterTheFreshOnes()
    {
        var (org, _, project) = await SetUpAsync(tasks: 3, overlap: 1);
        var p = await org.PersonAsync(Roles.Annotator);
        var first = (await NextAsync(p, project))!;
        var skippedTask = first.Task.Id;
        using (var r = await p.Http.PostAsync($"api/assignments/{first.AssignmentId}/skip", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        var order = new List<long>();
        while (await NextAsync(p, project) is { } lease)
        {
            order.Add(lease.Task.Id);
            (await SubmitAsync(p, lease.AssignmentId)).Dispose();
        }
        Assert.Equal(3, order.Count);
        Assert.Equal(skippedTask, order[^1]);
    }

    [Fact]
    public async Task ExpiredLeasePutsTheTaskBackForSomeoneElse()
    {
        var (org, _, project) = await SetUpAsync(tasks: 1, overlap: 1, leaseSeconds: 60);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var lease = (await NextAsync(a, project))!;
        Assert.Null(await NextAsync(b, project));

        fx.Time.Advance(TimeSpan.FromSeconds(61));
        NextResponse? forB = null;
        for (var i = 0; i < 50 && forB is null; i++)
        {
            await Task.Delay(100); // the writer sweeps expired leases every second
            forB = await NextAsync(b, project);
        }
        Assert.NotNull(forB);
        Assert.Equal(lease.Task.Id, forB.Task.Id);
    }

    [Fact]
    public async Task RetriedSubmissionWithTheSameKeyIsStoredOnce()
    {
        var (org, _, project) = await SetUpAsync(tasks: 1, overlap: 1);
        var p = await org.PersonAsync(Roles.Annotator);
        var lease = (await NextAsync(p, project))!;
        var assignment = lease.AssignmentId;
        using var first = await SubmitAsync(p, assignment, key: "retry-1");
        using var second = await SubmitAsync(p, assignment, key: "retry-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.ReadAsync<SubmitResponse>()).AnnotationId, (await second.ReadAsync<SubmitResponse>()).AnnotationId);
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
        using var third = await SubmitAsync(p, assignment, key: "other");
        Assert.Equal(HttpStatusCode.Conflict, third.StatusCode);
    }

    [Fact]
    public async Task IdempotencyKeyReusedOnAnotherAssignmentIsRefusedNotAnsweredWithTheOtherAnnotation()
    {
        var (org, _, project) = await SetUpAsync(tasks: 2, overlap: 1);
        var p = await org.PersonAsync(Roles.Annotator);
        var firstLease = (await NextAsync(p, project))!.AssignmentId;
        using var first = await SubmitAsync(p, firstLease, key: "k-1");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var secondLease = (await NextAsync(p, project))!.AssignmentId;
        Assert.NotEqual(firstLease, secondLease);

        using var reused = await SubmitAsync(p, secondLease, key: "k-1");
        Assert.Equal(HttpStatusCode.Conflict, reused.StatusCode);
        Assert.Contains("another assignment", (await reused.ReadJsonAsync()).GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));

        // The second lease is untouched: a fresh key submits it.
        using var fresh = await SubmitAsync(p, secondLease, key: "k-2");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.NotEqual((await first.ReadAsync<SubmitResponse>()).AnnotationId, (await fresh.ReadAsync<SubmitResponse>()).AnnotationId);
        Assert.Equal(2, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task InvalidAnnotationIsRefusedWithThePointerToTheBadValue()
    {
        var (org, _, project) = await SetUpAsync(tasks: 1, overlap: 1);
        var p = await org.PersonAsync(Roles.Annotator);
        var lease = (await NextAsync(p, project))!;
        using var r = await SubmitAsync(p, lease.AssignmentId, new { result = new { label = new[] { "maybe" } } });
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = await r.ReadJsonAsync();
        var errors = problem.GetProperty("errors");
        Assert.Contains(errors.EnumerateObject(), e => e.Name == "/label/0" && e.Value[0].GetString()!.Contains("maybe", StringComparison.Ordinal));
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task DraftIsKeptWithTheLease()
    {
        var (org, _, project) = await SetUpAsync(tasks: 1, overlap: 1);
        var p = await org.PersonAsync(Roles.Annotator);
        var lease = (await NextAsync(p, project))!;
        var assignment = lease.AssignmentId;
        using (var r = await p.Http.PutAsJsonAsync($"api/assignments/{assignment}/draft", new { result = new { label = new[] { "neg" } } }))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        var again = (await NextAsync(p, project))!;
        Assert.Equal("neg", again.Draft!.Value.GetProperty("label")[0].GetString());
    }

    [Fact]
    public async Task ReleasedTaskGoesToTheNextAnnotator()
    {
        var (org, _, project) = await SetUpAsync(tasks: 1, overlap: 1);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var lease = (await NextAsync(a, project))!;
        using (var r = await a.Http.PostAsync($"api/assignments/{lease.AssignmentId}/release", null))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        Assert.NotNull(await NextAsync(b, project));
        Assert.Equal("in_progress", await fx.QueryScalarAsync<string>("SELECT state FROM tasks WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task SubmittingSomeoneElsesAssignmentLooksLikeItDoesNotExist()
    {
        var (org, _, project) = await SetUpAsync(tasks: 1, overlap: 1);
        var a = await org.PersonAsync(Roles.Annotator);
        var b = await org.PersonAsync(Roles.Annotator);
        var lease = (await NextAsync(a, project))!;
        using var r = await SubmitAsync(b, lease.AssignmentId);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }
}

public sealed class SqliteQueueTests(SqliteFixture fx) : QueueTests<SqliteFixture>(fx);

public sealed class PostgresQueueTests(PostgresFixture fx) : QueueTests<PostgresFixture>(fx)
{
    /// <summary>Plain submissions have a writer of their own (QueueOptions.SubmissionWriter); one it cannot
    /// write - a second submission of a lease already submitted - goes to the lease writer's general path,
    /// which answers it as before, and nothing is written twice.</summary>
    [Fact]
    public async Task PlainSubmissionsGoToTheSubmissionWriterAndWhatItCannotWriteToTheOther()
    {
        var org = await Fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(3));
        var p = await org.PersonAsync(Roles.Annotator);
        var queue = Fx.Services.GetRequiredService<QueueEngine>();
        var before = queue.Stats;
        var lease = (await NextAsync(p, project))!;
        using (var first = await SubmitAsync(p, lease.AssignmentId, key: "side-1"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }
        var afterFirst = queue.Stats;
        Assert.True(afterFirst.Submitted > before.Submitted, "the plain submission was not committed by the submission writer");
        using (var again = await SubmitAsync(p, lease.AssignmentId, key: "side-2"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains(ProblemCodes.QueueAlreadySubmitted, await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.True(queue.Stats.Forwarded > afterFirst.Forwarded, "the second submission was not handed to the lease writer");
        Assert.Equal(1, await Fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM annotations WHERE project_id = @project", new { project }));
    }

    /// <summary>Every lease counts what its annotator holds (QueueSql.HeldSql). Its generic plan must find
    /// them by annotator through ix_assignments_held (0040), not walk the park's live leases through
    /// ix_assignments_expiry, the smaller index the planner chose for the count of live leases before.</summary>
    [Fact]
    public async Task HeldLeasesAreCountedThroughTheirOwnIndex()
    {
        var text = (await GenericPlansAsync(QueueSql.HeldSql))[0];
        Assert.Contains("ix_assignments_held", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Filter", text, StringComparison.Ordinal);
    }

    /// <summary>ix_assignments_expiry (partial on live leases, the table's smallest index) is for the sweep
    /// alone (0040): a batch's submissions, which look each lease up by its id, walked every live lease
    /// through it in their generic plan before.</summary>
    [Fact]
    public async Task OnlyTheSweepReadsTheExpiryIndex()
    {
        var plans = await GenericPlansAsync(QueueSql.ExpireLeasesSql, QueueSql.SubmitManyPostgresSql, QueueSql.HeldSql);
        Assert.Contains("ix_assignments_expiry", plans[0], StringComparison.Ordinal);
        Assert.DoesNotContain("ix_assignments_expiry", plans[1], StringComparison.Ordinal);
        Assert.Contains("Insert on annotations", plans[1], StringComparison.Ordinal);
        Assert.DoesNotContain("ix_assignments_expiry", plans[2], StringComparison.Ordinal);
    }

    /// <summary>The set lease statement's generic plan, its LIMIT unknown when it is made, still takes its
    /// tasks from the hint through the queue index (0006), never by sorting the project's open tasks or
    /// walking the primary key, and finds each annotator's held leases and each pair's earlier assignment by key.</summary>
    [Fact]
    public async Task SetLeasesPickThroughTheQueueIndex()
    {
        // Typed as the writer binds them: left to infer, @contractId would be text (its first use is in a string).
        var plans = await GenericPlansAsync(name => name.EndsWith("Ids", StringComparison.Ordinal) ? "bigint[]" : "bigint",
            QueueSql.LeaseManySql(underContract: false), QueueSql.LeaseManySql(underContract: true));
        foreach (var text in plans)
        {
            Assert.Contains("Index Scan using ix_tasks_queue_rank on tasks t ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Seq Scan on tasks", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"Index Cond: \(id (>|<)", text);
            Assert.Contains("using ix_assignments_held on assignments", text, StringComparison.Ordinal);
            // This data has 20,000 assignments on one task (so a bitmap scan here), none on the annotators: the task's are still the ones read.
            Assert.Contains("Index Scan on ux_assignments_task_user", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ix_assignments_user_live", text, StringComparison.Ordinal);
        }
    }

    /// <summary>The generic plan of each statement (named parameters, all NULL) over 20,000 submitted
    /// leases and none live, analysed so - the bench's state after its warm-up, in which the expiry index
    /// looked cheapest (this test fails with 0001's expiry index, held index or not) - in a transaction that
    /// is rolled back. Sequential scans are ruled out: they would hide which index the statement gets.</summary>
    private Task<string[]> GenericPlansAsync(params string[] namedSqls) => GenericPlansAsync(null, namedSqls);

    /// <summary><see cref="GenericPlansAsync(string[])"/> with each parameter's type given by its name.</summary>
    private async Task<string[]> GenericPlansAsync(Func<string, string>? typeOf, params string[] namedSqls)
    {
        var org = await Fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(1));
        var db = Fx.Services.GetRequiredService<Db>();
        await using var c = await db.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        using var sql = new HotStatements(c);
        await sql["""
            INSERT INTO assignments (task_id, project_id, user_id, status, created_at, expires_at, updated_at)
            SELECT (SELECT id FROM tasks WHERE project_id = @projectId), @projectId, -g,
                   'submitted', 0, 0, 0
            FROM generate_series(1, 20000) g
            """].Bind("projectId", project).ExecuteAsync();
        await sql["ANALYZE assignments"].ExecuteAsync();
        await sql["SET LOCAL enable_seqscan = off"].ExecuteAsync();
        await sql["SET LOCAL plan_cache_mode = force_generic_plan"].ExecuteAsync();
        var plans = new string[namedSqls.Length];
        for (var i = 0; i < namedSqls.Length; i++)
        {
            var (text, names) = NamedParameters.ToPositional(namedSqls[i], sqlite: false);
            // A prepared statement outlives the rollback on the pooled connection: a name of its own, dropped after.
            var name = $"plan_{Guid.NewGuid():N}";
            var types = typeOf is null ? "" : $"({string.Join(", ", names.Select(typeOf))})";
            await sql[$"PREPARE {name} {types} AS {text}"].ExecuteAsync();
            var plan = new List<string>();
            var explain = sql[$"EXPLAIN EXECUTE {name} ({string.Join(", ", names.Select(_ => "NULL"))})"];
            while (await explain.ReadAsync())
            {
                plan.Add(explain.Text(0));
            }
            await sql[$"DEALLOCATE {name}"].ExecuteAsync();
            plans[i] = string.Join("\n", plan);
        }
        return plans;
    }

    /// <summary>The pipelined lease statement starts from a hint kept in the batch's transaction;
    /// run back to back in one transaction, as a batch does, it must still hand out tasks in
    /// priority order, skip what an annotator already did without moving the hint past it, and
    /// stop cleanly when nothing is left.</summary>
    [Fact]
    public async Task HintedLeasesInOneTransactionKeepPriorityOrder()
    {
        var (project, people) = await FourTasksEightAnnotatorsAsync();

        var db = Fx.Services.GetRequiredService<Db>();
        await using var c = await db.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        using var sql = new HotStatements(c);
        var got = new List<string?>();
        foreach (var person in people)
        {
            var lease = sql[QueueSql.LeaseSql("priority", whenNothingHeld: true)].Bind("projectId", project).Bind("userId", person.Id).Bind("now", 1L).Bind("expires", 2L);
            Assert.True(await lease.ReadAsync());
            got.Add(lease.IsNull(1) ? null : JsonDocument.Parse(lease.Text(3)).RootElement.GetProperty("text").GetString());
            await lease.ResetAsync();
        }
        await tx.CommitAsync();
        // "b" for the annotator who did "a"; "a" stays first for the next; then two of each; then none.
        Assert.Equal(["b", "a", "b", "c", "c", "d", "d", null], got);
        Assert.Equal(0, await Fx.QueryScalarAsync<long>("SELECT SUM(remaining) FROM tasks WHERE project_id = @project", new { project }));
    }

    /// <summary>The set lease statement (QueueSql.LeaseManySql) gives the k-th annotator the k-th open slot in
    /// priority order. One who already did that task gets nothing from it (the step-by-step path serves
    /// them) and the slot stays open: the hint stays before it, so the next statement of the batch takes
    /// it. Annotators past the last slot get nothing.</summary>
    [Fact]
    public async Task SetLeasesInOneTransactionKeepPriorityOrder()
    {
        var (project, people) = await FourTasksEightAnnotatorsAsync();

        var db = Fx.Services.GetRequiredService<Db>();
        await using var c = (Npgsql.NpgsqlConnection)await db.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        var got = await LeaseManyAsync(c, project, people.ConvertAll(p => p.Id), contractId: 0);
        Assert.Equal([null, "b", "b", "c", "c", "d", "d", null], people.ConvertAll(p => got.GetValueOrDefault(p.Id)));
        // The slot of "a" the first annotator could not take is still open, and the next statement starts before it.
        var again = await LeaseManyAsync(c, project, [people[7].Id], contractId: 0);
        Assert.Equal(new Dictionary<long, string> { [people[7].Id] = "a" }, again);
        await tx.CommitAsync();
        Assert.Equal(0, await Fx.QueryScalarAsync<long>("SELECT SUM(remaining) FROM tasks WHERE project_id = @project", new { project }));
        Assert.Equal(7, await Fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM assignments WHERE project_id = @project AND status = 'leased'", new { project }));
    }

    /// <summary>Under a contract the set statement leases no more than the quota has left beside what the
    /// batch already took, counts what it took for the batch, and leases nothing once it is used up; the
    /// batch's flush writes the count into <c>contracts.used</c>.</summary>
    [Fact]
    public async Task SetLeasesUnderAContractStopAtItsQuota()
    {
        var scene = await Park.ParkScene.CreateAsync(Fx, tasks: 10);
        var vendor = await scene.VendorAsync(5);
        var contract = await scene.ActiveContractAsync(vendor, 3);
        var db = Fx.Services.GetRequiredService<Db>();
        await using var c = (Npgsql.NpgsqlConnection)await db.OpenAsync();
        await using var tx = await c.BeginTransactionAsync();
        await using (var on = new Npgsql.NpgsqlCommand(QueueSql.QuotaBatchOnSql, c))
        {
            await on.ExecuteNonQueryAsync();
        }
        var people = vendor.People.ConvertAll(p => p.Id);
        Assert.Equal(3, (await LeaseManyAsync(c, scene.Project, people, contract.Id)).Count);
        Assert.Empty(await LeaseManyAsync(c, scene.Project, people, contract.Id)); // the three hold theirs; the two others meet the quota
        var (text, names) = NamedParameters.ToPositional(QueueSql.FlushBatchedUnitsSql, sqlite: false);
        await using (var flush = new Npgsql.NpgsqlCommand(text, c))
        {
            foreach (var _ in names)
            {
                flush.Parameters.Add(new Npgsql.NpgsqlParameter { Value = contract.Id });
            }
            await flush.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        Assert.Equal(3, await Fx.QueryScalarAsync<long>("SELECT used FROM contracts WHERE id = @id", new { id = contract.Id }));
        Assert.Equal(3, await Fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM assignments WHERE contract_id = @id AND status = 'leased'", new { id = contract.Id }));
    }

    /// <summary>A project at overlap 2 with tasks c, a (priority 5), d, b (priority 5), so "a", "b", "c", "d" in
    /// queue order, and eight annotators, the first of whom has already done "a" (one of its two slots).</summary>
    private async Task<(long Project, List<Person> People)> FourTasksEightAnnotatorsAsync()
    {
        var org = await Fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: 2);
        var body = string.Join("\n",
            """{"key":"c","data":{"text":"c"}}""",
            """{"key":"a","priority":5,"data":{"text":"a"}}""",
            """{"key":"d","data":{"text":"d"}}""",
            """{"key":"b","priority":5,"data":{"text":"b"}}""");
        using (var r = await TestData.ImportRawAsync(manager.Http, project, body))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var people = new List<Person>();
        for (var i = 0; i < 8; i++)
        {
            people.Add(await org.PersonAsync(Roles.Annotator));
        }
        var first = (await NextAsync(people[0], project))!;
        Assert.Equal("a", first.Task.Data.GetProperty("text").GetString());
        (await SubmitAsync(people[0], first.AssignmentId)).Dispose();
        return (project, people);
    }

    /// <summary>Runs QueueSql.LeaseManySql for <paramref name="users"/> (no site or team); the text of each leased task by annotator.</summary>
    private static async Task<Dictionary<long, string>> LeaseManyAsync(Npgsql.NpgsqlConnection c, long project, List<long> users, long contractId)
    {
        var (text, names) = NamedParameters.ToPositional(QueueSql.LeaseManySql(underContract: contractId != 0), sqlite: false);
        await using var cmd = new Npgsql.NpgsqlCommand(text, c);
        var none = users.ConvertAll(_ => (long?)null);
        foreach (var name in names)
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter
            {
                Value = name switch
                {
                    "userIds" => users,
                    "siteIds" or "teamIds" => none,
                    "projectId" => project,
                    "contractId" => contractId,
                    "now" => 1L,
                    "expires" => 2L,
                    _ => throw new InvalidOperationException(name),
                },
                NpgsqlDbType = name.EndsWith("Ids", StringComparison.Ordinal) ? NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bigint : NpgsqlTypes.NpgsqlDbType.Bigint,
            });
        }
        var got = new Dictionary<long, string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            got.Add(reader.GetInt64(0), JsonDocument.Parse(reader.GetString(3)).RootElement.GetProperty("text").GetString()!);
        }
        return got;
    }
}

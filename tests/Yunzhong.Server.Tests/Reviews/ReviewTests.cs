using System.Collections.Concurrent;

namespace Yunzhong.Server.Tests.Reviews;

public abstract class ReviewTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _pos = new { label = new[] { "pos" } };
    private static readonly object _neg = new { label = new[] { "neg" } };

    private async Task<(Org Org, Person Manager, long Project)> ProjectAsync(int tasks, ReviewPolicy review = ReviewPolicy.All, int percent = 0)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, review: review, percent: percent);
        await TestData.ImportAsync(manager.Http, project, TestData.Texts(tasks));
        return (org, manager, project);
    }

    private static async Task<ReviewItem?> ReviewNextAsync(Person p, long project)
    {
        using var r = await p.Http.PostAsync($"api/projects/{project}/review/next", null);
        return r.StatusCode == HttpStatusCode.NoContent ? null : await r.OkAsync<ReviewItem>("review/next");
    }

    private static Task<HttpResponseMessage> ReviewAsync(Person p, long annotation, object body) =>
        p.Http.PostAsJsonAsync($"api/annotations/{annotation}/review", body, HttpJson.Options);

    private static async Task<ReviewResponse> ReviewOkAsync(Person p, long annotation, object body)
    {
        using var r = await ReviewAsync(p, annotation, body);
        return await r.OkAsync<ReviewResponse>("review");
    }

    private sealed record Stored(long Id, long TaskId, long UserId, long AuthorId, long Version, long? ParentId, string Status, string Result);

    private Task<List<Stored>> AnnotationsAsync(long project) => fx.QueryAsync<Stored>(
        "SELECT id, task_id AS TaskId, user_id AS UserId, author_id AS AuthorId, version, parent_id AS ParentId, status, result_json AS Result FROM annotations WHERE project_id = @project ORDER BY id",
        new { project });

    private Task<string> TaskStateAsync(long task) => fx.QueryScalarAsync<string>("SELECT state FROM tasks WHERE id = @task", new { task });

    private static string Label(string resultJson) => JsonSerializer.Deserialize<JsonElement>(resultJson).GetProperty("label")[0].GetString()!;

    [Fact]
    public async Task UnderFullReviewAnAcceptedAnnotationMakesTheTaskAccepted()
    {
        var (org, _, project) = await ProjectAsync(tasks: 1);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (task, annotation) = await annotator.AnnotateAsync(project, _pos);
        Assert.Equal("pending", Assert.Single(await AnnotationsAsync(project)).Status);
        Assert.Equal("in_review", await TaskStateAsync(task));

        var item = (await ReviewNextAsync(reviewer, project))!;
        Assert.Equal(annotation, item.AnnotationId);
        Assert.Equal(task, item.Task.Id);
        Assert.Equal(["pos"], item.Annotation.Result.GetProperty("label").Strings());
        Assert.Equal(annotator.Id, item.Annotation.UserId);

        var outcome = await ReviewOkAsync(reviewer, annotation, new { action = "accept" });
        Assert.Equal(AnnotationStatus.Accepted, outcome.AnnotationStatus);
        Assert.Equal(TaskState.Accepted, outcome.TaskState);
        Assert.Equal("accepted", await TaskStateAsync(task));
        Assert.Equal("accepted", Assert.Single(await AnnotationsAsync(project)).Status);
        Assert.Null(await ReviewNextAsync(reviewer, project));

        using var again = await ReviewAsync(reviewer, annotation, new { action = "reject", comment = "changed my mind" });
        await again.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task RejectedWorkGoesBackToItsAnnotatorWithTheCommentAndTheResubmissionIsVersionTwo()
    {
        var (org, _, project) = await ProjectAsync(tasks: 2);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var firstLease = (await annotator.NextAsync(project))!;
        using (var r = await annotator.SubmitAsync(firstLease.AssignmentId, _pos))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var v1 = Assert.Single(await AnnotationsAsync(project));

        var outcome = await ReviewOkAsync(reviewer, v1.Id, new { action = "reject", comment = "这条是负面评论" });
        Assert.Equal(AnnotationStatus.Rejected, outcome.AnnotationStatus);
        Assert.Equal(TaskState.Rejected, outcome.TaskState);
        Assert.Equal("rejected", await TaskStateAsync(v1.TaskId));

        // The same task comes back first, before the fresh one, with the comment and the work as a draft.
        var back = (await annotator.NextAsync(project))!;
        Assert.Equal(v1.TaskId, back.Task.Id);
        Assert.Equal(firstLease.AssignmentId, back.AssignmentId);
        Assert.Equal("这条是负面评论", back.ReviewComment);
        Assert.Equal(["pos"], back.Draft!.Value.GetProperty("label").Strings());

        using (var r = await annotator.SubmitAsync(back.AssignmentId, _neg))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var stored = await AnnotationsAsync(project);
        Assert.Equal(2, stored.Count);
        var v2 = stored[1];
        Assert.Equal((2L, (long?)v1.Id, "pending", v1.TaskId), (v2.Version, v2.ParentId, v2.Status, v2.TaskId));
        Assert.Equal("rejected", stored[0].Status);
        Assert.Equal("in_review", await TaskStateAsync(v1.TaskId));

        var item = (await ReviewNextAsync(reviewer, project))!;
        Assert.Equal(v2.Id, item.AnnotationId);
        Assert.Equal(2, item.Annotation.Version);
        Assert.Equal(TaskState.Accepted, (await ReviewOkAsync(reviewer, v2.Id, new { action = "accept" })).TaskState);

        var manager = await org.PersonAsync(Roles.Manager);
        var detail = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{v1.TaskId}");
        Assert.Equal([ReviewAction.Reject, ReviewAction.Accept], detail.Reviews.Select(r => r.Action));
        Assert.Equal("这条是负面评论", detail.Reviews[0].Comment);
        // The fresh task is next for the annotator; the reworked one is done.
        Assert.NotEqual(v1.TaskId, (await annotator.NextAsync(project))!.Task.Id);
    }

    [Fact]
    public async Task AFixIsANewVersionByTheReviewerAndTheOriginalIsKeptAsSuperseded()
    {
        var (org, _, project) = await ProjectAsync(tasks: 1);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (task, annotation) = await annotator.AnnotateAsync(project, _pos);

        using (var bad = await ReviewAsync(reviewer, annotation, new { action = "fix", result = new { label = new[] { "meh" } } }))
        {
            var problem = await bad.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["/label/0"], problem.ErrorKeys());
        }
        using (var noResult = await ReviewAsync(reviewer, annotation, new { action = "fix" }))
        {
            Assert.Equal(["result"], (await noResult.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        var outcome = await ReviewOkAsync(reviewer, annotation, new { action = "fix", comment = "改为负面", result = _neg });
        Assert.Equal(AnnotationStatus.Superseded, outcome.AnnotationStatus);
        Assert.Equal(TaskState.Accepted, outcome.TaskState);
        var fixedId = outcome.FixedAnnotationId!.Value;

        var stored = await AnnotationsAsync(project);
        Assert.Equal(2, stored.Count);
        Assert.Equal((annotation, "superseded", "pos", 1L), (stored[0].Id, stored[0].Status, Label(stored[0].Result), stored[0].Version));
        Assert.Equal((fixedId, "accepted", "neg", 2L, (long?)annotation), (stored[1].Id, stored[1].Status, Label(stored[1].Result), stored[1].Version, stored[1].ParentId));
        Assert.Equal(reviewer.Id, stored[1].AuthorId);
        Assert.Equal(annotator.Id, stored[1].UserId); // still the annotator's annotation, in the reviewer's hand
        Assert.Equal("accepted", await TaskStateAsync(task));
    }

    [Fact]
    public async Task RejectingWithoutACommentOrWithAnUnknownActionIsRefused()
    {
        var (org, _, project) = await ProjectAsync(tasks: 1);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (task, annotation) = await annotator.AnnotateAsync(project, _pos);
        foreach (var body in new object[] { new { action = "reject" }, new { action = "reject", comment = "   " } })
        {
            using var r = await ReviewAsync(reviewer, annotation, body);
            Assert.Equal(["comment"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var r = await ReviewAsync(reviewer, annotation, new { action = "approve" }))
        {
            Assert.Equal(["action"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        Assert.Equal("pending", Assert.Single(await AnnotationsAsync(project)).Status);
        Assert.Equal("in_review", await TaskStateAsync(task));
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM reviews WHERE task_id = @task", new { task }));
    }

    [Fact]
    public async Task ReviewersRacingNeverGetTheSamePendingAnnotation()
    {
        const int tasks = 12;
        var (org, _, project) = await ProjectAsync(tasks);
        var annotator = await org.PersonAsync(Roles.Annotator);
        for (var i = 0; i < tasks; i++)
        {
            await annotator.AnnotateAsync(project, _pos);
        }
        var reviewers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => org.PersonAsync(Roles.Reviewer)));

        // Two at once get two different annotations.
        var pair = await Task.WhenAll(reviewers[..2].Select(r => ReviewNextAsync(r, project)));
        Assert.NotEqual(pair[0]!.AnnotationId, pair[1]!.AnnotationId);

        var judged = new ConcurrentBag<long>();
        await Task.WhenAll(reviewers.Select(r => Task.Run(async () =>
        {
            while (await ReviewNextAsync(r, project) is { } item)
            {
                var id = item.AnnotationId;
                using var answer = await ReviewAsync(r, id, new { action = "accept" });
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"annotation {id} was handed to two reviewers");
                judged.Add(id);
            }
        })));
        Assert.Equal(tasks, judged.Count);
        Assert.Equal(tasks, judged.Distinct().Count());
        Assert.Equal(tasks, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project AND state = 'accepted'", new { project }));
        Assert.Equal(tasks, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM reviews r JOIN tasks t ON t.id = r.task_id WHERE t.project_id = @project", new { project }));
    }

    [Fact]
    public async Task AnAbandonedReviewGoesToAnotherReviewerOnceItsLeaseHasRunOut()
    {
        var (org, _, project) = await ProjectAsync(tasks: 1);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var (_, annotation) = await annotator.AnnotateAsync(project, _pos);
        var first = await org.PersonAsync(Roles.Reviewer);
        var second = await org.PersonAsync(Roles.Reviewer);
        Assert.Equal(annotation, (await ReviewNextAsync(first, project))!.AnnotationId);
        Assert.Null(await ReviewNextAsync(second, project));
        // The first reviewer asking again gets the same one back.
        Assert.Equal(annotation, (await ReviewNextAsync(first, project))!.AnnotationId);

        fx.Time.Advance(TimeSpan.FromSeconds(601)); // the project's lease is 600 s
        Assert.Equal(annotation, (await ReviewNextAsync(second, project))!.AnnotationId);
        Assert.Null(await ReviewNextAsync(first, project));
    }

    [Fact]
    public async Task NobodyReviewsTheirOwnWork()
    {
        var (org, _, project) = await ProjectAsync(tasks: 1);
        var both = await org.PersonAsync(Roles.Annotator | Roles.Reviewer);
        var (_, annotation) = await both.AnnotateAsync(project, _pos);
        Assert.Null(await ReviewNextAsync(both, project));
        using (var r = await ReviewAsync(both, annotation, new { action = "accept" }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        Assert.Equal("pending", Assert.Single(await AnnotationsAsync(project)).Status);
        var other = await org.PersonAsync(Roles.Reviewer);
        Assert.Equal(annotation, (await ReviewNextAsync(other, project))!.AnnotationId);
    }

    [Fact]
    public async Task AnnotatorsHaveNoReviewQueue()
    {
        var (org, _, project) = await ProjectAsync(tasks: 1);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var (_, annotation) = await annotator.AnnotateAsync(project, _pos);
        var peer = await org.PersonAsync(Roles.Annotator);
        using (var r = await peer.Http.PostAsync($"api/projects/{project}/review/next", null))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await ReviewAsync(peer, annotation, new { action = "accept" }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task SampledReviewSendsExactlyTheTasksInTheSampleToReview()
    {
        const int tasks = 60;
        var (org, _, project) = await ProjectAsync(tasks, review: ReviewPolicy.Sample, percent: 30);
        var annotator = await org.PersonAsync(Roles.Annotator);
        while (await annotator.NextAsync(project) is { } lease)
        {
            (await annotator.SubmitAsync(lease.AssignmentId, _pos)).Dispose();
        }
        // Each task draws a bucket 0..99 at import; buckets below the percent are reviewed.
        var sampled = (await fx.QueryAsync<long>("SELECT id FROM tasks WHERE project_id = @project AND review_bucket < 30 ORDER BY id", new { project })).ToList();
        var stored = await AnnotationsAsync(project);
        Assert.Equal(tasks, stored.Count);
        Assert.Equal(sampled, stored.Where(a => a.Status == "pending").Select(a => a.TaskId).Order().ToList());
        Assert.All(stored.Where(a => !sampled.Contains(a.TaskId)), a => Assert.Equal("submitted", a.Status));
        Assert.InRange(sampled.Count, 1, tasks - 1); // 0.7^60 and 0.3^60 are negligible
        Assert.Equal(sampled.Count, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project AND state = 'in_review'", new { project }));
        Assert.Equal(tasks - sampled.Count, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project AND state = 'annotated'", new { project }));
    }

    [Fact]
    public async Task WithoutReviewAnnotationsAreFinalAtOnce()
    {
        var (org, _, project) = await ProjectAsync(tasks: 1, review: ReviewPolicy.None);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (task, _) = await annotator.AnnotateAsync(project, _pos);
        Assert.Equal("submitted", Assert.Single(await AnnotationsAsync(project)).Status);
        Assert.Equal("annotated", await TaskStateAsync(task));
        Assert.Null(await ReviewNextAsync(reviewer, project));
    }
}

public sealed class SqliteReviewTests(SqliteFixture fx) : ReviewTests<SqliteFixture>(fx);

public sealed class PostgresReviewTests(PostgresFixture fx) : ReviewTests<PostgresFixture>(fx);

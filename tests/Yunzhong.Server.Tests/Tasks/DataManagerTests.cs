namespace Yunzhong.Server.Tests.Tasks;

/// <summary>The task table as a data manager: data in the rows, search, every order paged by cursor,
/// counts and bulk actions on every matching task, and the drawer's review history.</summary>
public abstract class DataManagerTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private async Task<(Org Org, Person Manager, long Project)> ProjectAsync(string body, ReviewPolicy review = ReviewPolicy.None)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, review: review, percent: review == ReviewPolicy.None ? 0 : 100);
        using var r = await TestData.ImportRawAsync(manager.Http, project, body);
        await r.OkAsync<ImportResponse>("import");
        return (org, manager, project);
    }

    private static readonly JsonSerializerOptions _raw = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Rows(params string[] texts) =>
        string.Join("\n", texts.Select(t => JsonSerializer.Serialize(new { data = new { text = t } }, _raw)));

    private static async Task<string[]> TextsAsync(Person p, long project, string query)
    {
        var page = await p.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?{query}");
        return page.Items.Select(i => i.Data.GetProperty("text").GetString()!).ToArray();
    }

    [Fact]
    public async Task RowsCarryTheirDataWithLongTextCutShort()
    {
        var longText = string.Concat(Enumerable.Repeat("长文本👍", 100));
        var (_, manager, project) = await ProjectAsync(Rows("short", longText));
        var texts = await TextsAsync(manager, project, "");
        Assert.Equal("short", texts[0]);
        Assert.EndsWith("…", texts[1]);
        Assert.True(texts[1].Length <= 161);
        Assert.StartsWith("长文本👍长文本👍", texts[1]);
        Assert.False(char.IsHighSurrogate(texts[1][^2]), "a character was cut in half");
        // The drawer still gets all of it.
        var id = (await manager.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks")).Items[1].Id;
        Assert.Equal(longText, (await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{id}")).Data.GetProperty("text").GetString());
    }

    [Fact]
    public async Task SearchFindsChineseAndAnyCaseWhicheverWayTheDataWasEscaped()
    {
        var (_, manager, project) = await ProjectAsync(Rows("服务很好 Hello", "价格太贵", "100% 满意_yes"));
        // .NET's serializer writes Chinese as \uXXXX escapes: the same words stored the other way.
        using (var r = await TestData.ImportRawAsync(manager.Http, project, JsonSerializer.Serialize(new { data = new { text = "服务一般" } })))
        {
            await r.OkAsync<ImportResponse>("escaped");
        }
        Assert.Contains("\\u", await fx.QueryScalarAsync<string>("SELECT data_json FROM tasks WHERE project_id = @project ORDER BY id DESC LIMIT 1", new { project }));

        Assert.Equal(["服务很好 Hello", "服务一般"], await TextsAsync(manager, project, "q=" + Uri.EscapeDataString("服务")));
        Assert.Equal(["服务很好 Hello"], await TextsAsync(manager, project, "q=hELLo"));
        Assert.Equal(["100% 满意_yes"], await TextsAsync(manager, project, "q=" + Uri.EscapeDataString("% 满意_")));
        Assert.Empty(await TextsAsync(manager, project, "q=" + Uri.EscapeDataString("0_满")));
        Assert.Equal(2, (await manager.Http.GetOkAsync<TaskCount>($"api/projects/{project}/tasks/count?q={Uri.EscapeDataString("服务")}")).Count);
        using var tooLong = await manager.Http.GetAsync($"api/projects/{project}/tasks?q={new string('x', 201)}");
        Assert.Equal(["q"], (await tooLong.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
    }

    /// <summary>Every task id the list gives in the order <paramref name="query"/> asks, page by page of <paramref name="limit"/> through the cursors.</summary>
    private static async Task<List<long>> PageThroughAsync(Person manager, long project, string query, int limit)
    {
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await manager.Http.GetOkAsync<TaskPage>(
                $"api/projects/{project}/tasks?{query}&limit={limit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            Assert.True(page.Items.Count <= limit);
            seen.AddRange(page.Items.Select(i => i.Id));
            cursor = page.Cursor;
        }
        while (cursor is not null);
        return seen;
    }

    [Theory]
    [InlineData("annotations", false)]
    [InlineData("annotations", true)]
    [InlineData("state", false)]
    [InlineData("updated", true)]
    [InlineData("id", true)]
    public async Task EveryOrderPagesThroughAllTasksOnceByCursor(string sort, bool desc)
    {
        var (org, manager, project) = await ProjectAsync(Rows("a", "b", "c", "d", "e", "f", "g"));
        await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { overlap = 2 });
        var one = await org.PersonAsync(Roles.Annotator);
        var two = await org.PersonAsync(Roles.Annotator);
        foreach (var p in new[] { one, one, two })
        {
            fx.Time.Advance(TimeSpan.FromSeconds(1));
            await p.AnnotateAsync(project, new { label = new[] { "pos" } });
        }
        var all = (await manager.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?limit=100")).Items;
        IEnumerable<TaskSummary> expected = sort switch
        {
            "annotations" => desc ? all.OrderByDescending(t => t.AnnotationCount).ThenByDescending(t => t.Id) : all.OrderBy(t => t.AnnotationCount).ThenBy(t => t.Id),
            "state" => all.OrderBy(t => Wire.Name(t.State), StringComparer.Ordinal).ThenBy(t => t.Id),
            "updated" => all.OrderByDescending(t => t.UpdatedAt).ThenByDescending(t => t.Id),
            _ => all.OrderByDescending(t => t.Id),
        };
        Assert.Equal(expected.Select(t => t.Id), await PageThroughAsync(manager, project, $"sort={sort}&desc={desc}", 2));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ADataFieldSortsByItsTextTheSameOnBothEnginesPagedByCursor(bool desc)
    {
        // Upper before lower case, digits as text, Chinese by its bytes, a colon in the value (the cursor splits at the last one).
        string[] texts = ["banana", "Apple", "苹果", "10", "9", "apple:1", "banana", "香蕉"];
        var (_, manager, project) = await ProjectAsync(Rows(texts));
        var all = (await manager.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?limit=100")).Items;
        string Text(TaskSummary t) => t.Data.GetProperty("text").GetString()!;
        var expected = desc
            ? all.OrderByDescending(Text, StringComparer.Ordinal).ThenByDescending(t => t.Id)
            : all.OrderBy(Text, StringComparer.Ordinal).ThenBy(t => t.Id);
        Assert.Equal(expected.Select(t => t.Id), await PageThroughAsync(manager, project, $"sort=field&field=text&desc={desc}", 3));

        foreach (var bad in new[] { "sort=field", "sort=field&field=nope" })
        {
            using var r = await manager.Http.GetAsync($"api/projects/{project}/tasks?{bad}");
            Assert.Equal(["field"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
    }

    [Fact]
    public async Task AWrongSortOrCursorIsNamed()
    {
        var (_, manager, project) = await ProjectAsync(Rows("a"));
        using (var r = await manager.Http.GetAsync($"api/projects/{project}/tasks?sort=data"))
        {
            Assert.Equal(["sort"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var r = await manager.Http.GetAsync($"api/projects/{project}/tasks?sort=annotations&cursor=new:1"))
        {
            Assert.Equal(["cursor"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
    }

    [Fact]
    public async Task BulkActionsReachEveryMatchingTaskOfTheProjectOnly()
    {
        var (org, manager, project) = await ProjectAsync(Rows("猫 1", "猫 2", "狗 3"));
        // Another project of the same organisation with matching data stays untouched.
        var other = await TestData.ProjectAsync(manager, org.Id);
        using (var r = await TestData.ImportRawAsync(manager.Http, other, Rows("猫 other")))
        {
            await r.OkAsync<ImportResponse>("other");
        }
        var filter = new { q = "猫", state = new[] { "new" } };
        Assert.Equal(2, (await manager.Http.GetOkAsync<TaskCount>($"api/projects/{project}/tasks/count?q={Uri.EscapeDataString("猫")}&state=new")).Count);
        using (var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/tasks/bulk", new { action = "priority", priority = 9, filter }, HttpJson.Options))
        {
            Assert.Equal(2, (await r.OkAsync<BulkResponse>("bulk")).Affected);
        }
        var priorities = await fx.QueryAsync<(string Data, long Priority)>(
            "SELECT data_json, priority FROM tasks WHERE project_id IN (@project, @other) ORDER BY id", new { project, other });
        Assert.Equal([9L, 9, 0, 0], priorities.Select(p => p.Priority));

        using (var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/tasks/bulk", new { action = "delete", filter = new { q = "狗" } }, HttpJson.Options))
        {
            Assert.Equal(1, (await r.OkAsync<BulkResponse>("delete")).Affected);
        }
        Assert.Equal(["猫 1", "猫 2"], await TextsAsync(manager, project, ""));
        using (var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/tasks/bulk", new { action = "delete" }, HttpJson.Options))
        {
            Assert.Equal(["ids"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
    }

    [Fact]
    public async Task TheTaskShowsEveryAnnotationAndItsReviewsWithTheReviewersName()
    {
        var (org, manager, project) = await ProjectAsync(Rows("评审"), ReviewPolicy.All);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var (task, annotation) = await annotator.AnnotateAsync(project, new { label = new[] { "pos" } });
        using (var r = await reviewer.Http.PostAsJsonAsync($"api/annotations/{annotation}/review", new { action = "reject", comment = "再看看" }, HttpJson.Options))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        var detail = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{task}");
        var a = Assert.Single(detail.Annotations);
        Assert.Equal(annotator.Id, a.UserId);
        Assert.False(string.IsNullOrEmpty(a.Annotator));
        var review = Assert.Single(detail.Reviews);
        Assert.Equal((annotation, reviewer.Id, ReviewAction.Reject, "再看看"), (review.AnnotationId, review.ReviewerId, review.Action, review.Comment));
        Assert.Equal(await fx.QueryScalarAsync<string>("SELECT name FROM users WHERE id = @id", new { id = reviewer.Id }), review.Reviewer);
    }
}

public sealed class SqliteDataManagerTests(SqliteFixture fx) : DataManagerTests<SqliteFixture>(fx);

public sealed class PostgresDataManagerTests(PostgresFixture fx) : DataManagerTests<PostgresFixture>(fx);

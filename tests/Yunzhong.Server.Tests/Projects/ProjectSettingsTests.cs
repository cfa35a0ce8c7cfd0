namespace Yunzhong.Server.Tests.Projects;

/// <summary>What the settings page changes through PATCH: every setting, schema changes once work exists, the archive.</summary>
public abstract class ProjectSettingsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _spans = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[] { new { name = "ner", type = "spans", field = "text", labels = new[] { "PER", "LOC" } } },
    };

    private async Task<(Person Manager, Person Annotator, long Project)> AnnotatedAsync(object schema, object result)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id, schema);
        await TestData.ImportAsync(manager.Http, project, ["张三去北京", "李四"]);
        await annotator.AnnotateAsync(project, result);
        return (manager, annotator, project);
    }

    [Fact]
    public async Task EverySettingTheSettingsPageShowsIsChangedByPatch()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        var p = await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new
        {
            name = "街景 2026",
            instructions = "## 规则\n**只**标车辆",
            overlap = 3,
            leaseSeconds = 900,
            order = "random",
            review = new { policy = "sample", percent = 20 },
            quality = new { goldRate = 10, goldThreshold = 0.8, goldMinimum = 4, overlapMax = 5, confidenceTarget = 0.9 },
        });
        Assert.Equal(("街景 2026", "## 规则\n**只**标车辆", 3, 900, TaskOrder.Random), (p.Name, p.Instructions, p.Overlap, p.LeaseSeconds, p.Order));
        Assert.Equal(new ReviewSettings(ReviewPolicy.Sample, 20), p.Review);
        Assert.Equal(new QualitySettings(10, 0.8, 4, 5, 0.9), p.Quality);
        Assert.False(p.HasAnnotations);
        Assert.Null(p.ArchivedAt);

        // Leaving out the pair keeps dynamic overlap; switching it off clears it.
        var kept = await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { quality = new { goldRate = 5 } });
        Assert.Equal(new QualitySettings(5, 0.8, 4, 5, 0.9), kept.Quality);
        var off = await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { quality = new { dynamicOverlap = false } });
        Assert.Equal(new QualitySettings(5, 0.8, 4, null, null), off.Quality);
        using var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { quality = new { dynamicOverlap = false, overlapMax = 4 } });
        Assert.Equal(["quality.dynamicOverlap"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
    }

    [Fact]
    public async Task OnceAnnotationsExistTheSchemaMayGrowButNotLoseWhatTheyHold()
    {
        var (manager, _, project) = await AnnotatedAsync(_spans, new { ner = new[] { new { id = "s1", start = 0, end = 2, label = "PER" } } });
        Assert.True((await manager.Http.GetOkAsync<ProjectView>($"api/projects/{project}")).HasAnnotations);

        // Removing a label, retyping a control and dropping a field are each named.
        using (var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new
        {
            name = "changed",
            schema = new
            {
                fields = new[] { new { name = "body", type = "text" } },
                controls = new object[] { new { name = "ner", type = "spans", field = "body", labels = new[] { "LOC" } } },
            },
        }))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["/schema/controls/0/field", "/schema/controls/0/labels", "/schema/fields"], problem.ErrorKeys());
            Assert.Contains("\"PER\"", problem.Errors("/schema/controls/0/labels")[0]);
            Assert.Contains("1 annotation(s)", problem.Errors("/schema/fields")[0]);
            // Each carries its own code and values, which the UI words in the user's language.
            var labels = problem.GetProperty("fields").GetProperty("/schema/controls/0/labels")[0];
            Assert.Equal(SchemaErrorCodes.ChangeLabelsRemoved, labels.GetProperty("code").GetString());
            Assert.Equal("PER", labels.GetProperty("params").GetProperty("labels").GetString());
            Assert.Equal(SchemaErrorCodes.ChangeFieldRemoved, problem.GetProperty("fields").GetProperty("/schema/fields")[0].GetProperty("code").GetString());
        }
        using (var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new
        {
            schema = new
            {
                fields = new[] { new { name = "text", type = "text" } },
                controls = new object[]
                {
                    new { name = "ner", type = "spans", field = "text", labels = new[] { "PER", "LOC" } },
                    new { name = "topic", type = "choices", field = "text", options = new[] { "a" }, required = true },
                },
            },
        }))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Equal(["/schema/controls/1/required"], problem.ErrorKeys());
        }
        var unchanged = await manager.Http.GetOkAsync<ProjectView>($"api/projects/{project}");
        Assert.NotEqual("changed", unchanged.Name);
        Assert.Equal(2, unchanged.Schema.GetProperty("controls")[0].GetProperty("labels").GetArrayLength());

        // Adding a label, a field and an optional control is taken.
        var grown = await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new
        {
            schema = new
            {
                fields = new[] { new { name = "text", type = "text" }, new { name = "note", type = "text" } },
                controls = new object[]
                {
                    new { name = "ner", type = "spans", field = "text", labels = new[] { "PER", "LOC", "ORG" } },
                    new { name = "topic", type = "choices", field = "text", options = new[] { "a" } },
                },
            },
        });
        Assert.Equal(3, grown.Schema.GetProperty("controls")[0].GetProperty("labels").GetArrayLength());
        Assert.Equal(2, grown.Schema.GetProperty("controls").GetArrayLength());
    }

    [Fact]
    public async Task ALabelStudioConfigThatDropsALabelIsRefusedOnceAnnotationsExist()
    {
        var (manager, _, project) = await AnnotatedAsync(_spans, new { ner = new[] { new { id = "s1", start = 0, end = 2, label = "PER" } } });
        using var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new
        {
            labelStudioXml = """<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="LOC"/></Labels></View>""",
        });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["labelStudioXml/controls/0/labels"], problem.ErrorKeys());
    }

    [Fact]
    public async Task WithoutAnnotationsTheSchemaMayChangeFreely()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id, _spans);
        await TestData.ImportAsync(manager.Http, project, ["one"]);
        var p = await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { schema = TestData.ChoiceSchema });
        Assert.Equal("choices", p.Schema.GetProperty("controls")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnArchivedProjectHandsOutNoTasksUntilItIsTakenOutOfTheArchive()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, project, ["one", "two"]);

        var archived = await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { archived = true });
        Assert.NotNull(archived.ArchivedAt);
        // Archiving again keeps the first date; other settings leave the archive alone.
        fx.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(archived.ArchivedAt, (await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { archived = true })).ArchivedAt);
        Assert.Equal(archived.ArchivedAt, (await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { name = "old work" })).ArchivedAt);
        Assert.Contains(await manager.Http.GetOkAsync<List<ProjectView>>("api/projects"), x => x.Id == project && x.ArchivedAt is not null);
        using (var r = await annotator.Http.PostAsync($"api/projects/{project}/queue/next", null))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("archived", problem.GetProperty("title").GetString());
        }
        // An annotator cannot archive or restore.
        using (var r = await annotator.Http.PatchAsJsonAsync($"api/projects/{project}", new { archived = false }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }

        var restored = await manager.Http.PatchOkAsync<ProjectView>($"api/projects/{project}", new { archived = false });
        Assert.Null(restored.ArchivedAt);
        Assert.NotNull(await annotator.NextAsync(project));
    }
}

public sealed class SqliteProjectSettingsTests(SqliteFixture fx) : ProjectSettingsTests<SqliteFixture>(fx);

public sealed class PostgresProjectSettingsTests(PostgresFixture fx) : ProjectSettingsTests<PostgresFixture>(fx);

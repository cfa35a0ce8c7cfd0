namespace Yunzhong.Server.Tests.Projects;

public abstract class ProjectsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const string NerXml = """
        <View>
          <Header value="读新闻，标实体"/>
          <Text name="text" value="$text"/>
          <Choices name="sentiment" toName="text" choice="single"><Choice value="正面"/><Choice value="负面" hotkey="2"/></Choices>
          <Labels name="ner" toName="text"><Label value="PER" background="#e4572e"/><Label value="LOC"/></Labels>
        </View>
        """;

    private const string XmlWithUnknownTags = """
        <View>
          <Image name="image" value="$image"/>
          <Number name="tag" toName="image"/>
          <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
        </View>
        """;

    private async Task<(Org Org, Person Manager)> ManagerAsync()
    {
        var org = await fx.NewOrgAsync();
        return (org, await org.PersonAsync(Roles.Manager | Roles.Annotator));
    }

    private Task<long> ProjectCountAsync(long org) =>
        fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM projects WHERE organization_id = @org", new { org });

    [Fact]
    public async Task ProjectWithNativeSchemaIsCreatedWithItsSettingsAndCanonicalSchema()
    {
        var (org, manager) = await ManagerAsync();
        using var r = await manager.Http.PostAsJsonAsync("api/projects", new
        {
            organizationId = org.Id,
            name = "  新闻情感 ",
            instructions = "按 1/2/3 选择",
            schema = TestData.ChoiceSchema,
            overlap = 3,
            leaseSeconds = 120,
            order = "least_annotated",
            review = new { policy = "sample", percent = 15 },
        }, HttpJson.Options);
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        var p = await r.ReadAsync<ProjectView>();
        var id = p.Id;
        Assert.Equal($"/api/projects/{id}", r.Headers.Location?.OriginalString);
        Assert.Equal("新闻情感", p.Name);
        Assert.Equal(3, p.Overlap);
        Assert.Equal(120, p.LeaseSeconds);
        Assert.Equal(TaskOrder.LeastAnnotated, p.Order);
        Assert.Equal(ReviewPolicy.Sample, p.Review.Policy);
        Assert.Equal(15, p.Review.Percent);
        Assert.Equal(0, p.Counts.Total);
        // Canonical form: bare option strings become objects, defaults are written out.
        var control = p.Schema.GetProperty("controls")[0];
        Assert.Equal("pos", control.GetProperty("options")[0].GetProperty("value").GetString());
        Assert.False(control.GetProperty("multiple").GetBoolean());

        var fetched = await manager.Http.GetOkAsync<ProjectView>($"api/projects/{id}");
        Assert.Equal(p.Schema.GetRawText(), fetched.Schema.GetRawText());
        var listed = await manager.Http.GetOkAsync<List<ProjectView>>($"api/projects?organization={org.Id}");
        Assert.Equal([id], listed.Select(x => x.Id));
    }

    [Fact]
    public async Task ProjectWithoutSettingsGetsTheDefaults()
    {
        var (org, manager) = await ManagerAsync();
        var p = await manager.Http.PostOkAsync<ProjectView>("api/projects", new { organizationId = org.Id, name = "defaults", schema = TestData.ChoiceSchema });
        Assert.Equal(1, p.Overlap);
        Assert.Equal(TaskOrder.Priority, p.Order);
        Assert.Equal(ReviewPolicy.None, p.Review.Policy);
    }

    [Fact]
    public async Task LabelStudioXmlIsMappedToTheNativeSchema()
    {
        var (org, manager) = await ManagerAsync();
        var p = await manager.Http.PostOkAsync<ProjectView>("api/projects", new { organizationId = org.Id, name = "ner", labelStudioXml = NerXml });
        var schema = p.Schema;
        var field = Assert.Single(schema.GetProperty("fields").EnumerateArray());
        Assert.Equal("text", field.GetProperty("name").GetString());
        Assert.Equal("text", field.GetProperty("type").GetString());
        var controls = schema.GetProperty("controls").EnumerateArray().ToList();
        Assert.Equal(["sentiment", "ner"], controls.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(["choices", "spans"], controls.Select(c => c.GetProperty("type").GetString()));
        Assert.Equal(["正面", "负面"], controls[0].GetProperty("options").EnumerateArray().Select(o => o.GetProperty("value").GetString()));
        Assert.Equal("2", controls[0].GetProperty("options")[1].GetProperty("hotkey").GetString());
        Assert.Equal(["PER", "LOC"], controls[1].GetProperty("labels").EnumerateArray().Select(o => o.GetProperty("value").GetString()));
        Assert.Equal("#e4572e", controls[1].GetProperty("labels")[0].GetProperty("color").GetString());
    }

    [Fact]
    public async Task LabelStudioXmlWithTagsThatDoNotMapIsRefusedNamingTheTags()
    {
        var (org, manager) = await ManagerAsync();
        using var r = await manager.Http.PostAsJsonAsync("api/projects", new { organizationId = org.Id, name = "number", labelStudioXml = XmlWithUnknownTags });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.Errors("labelStudioXml"));
        Assert.Contains("Number (tag)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("RectangleLabels", message, StringComparison.Ordinal);
        Assert.Equal(0, await ProjectCountAsync(org.Id));
    }

    [Fact]
    public async Task InvalidSchemaIsRefusedWithJsonPointersIntoTheRequest()
    {
        var (org, manager) = await ManagerAsync();
        var schema = new
        {
            fields = new[] { new { name = "text", type = "text" } },
            controls = new object[]
            {
                new { name = "ok", type = "choices", field = "text", options = new[] { "a" } },
                new { name = "bad", type = "spans", field = "nope", labels = new[] { "PER" } },
            },
        };
        using var r = await manager.Http.PostAsJsonAsync("api/projects", new { organizationId = org.Id, name = "x", schema });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/schema/controls/1/field"], problem.ErrorKeys());
        Assert.Contains("nope", problem.Errors("/schema/controls/1/field")[0], StringComparison.Ordinal);
        Assert.Equal(0, await ProjectCountAsync(org.Id));
    }

    [Fact]
    public async Task ProjectWithoutSchemaIsRefused()
    {
        var (org, manager) = await ManagerAsync();
        using var r = await manager.Http.PostAsJsonAsync("api/projects", new { organizationId = org.Id, name = "x" });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["schema"], problem.ErrorKeys());
    }

    [Fact]
    public async Task OutOfRangeSettingsAreEachNamed()
    {
        var (org, manager) = await ManagerAsync();
        using var r = await manager.Http.PostAsJsonAsync("api/projects", new
        {
            organizationId = org.Id, name = "", schema = TestData.ChoiceSchema, overlap = 0, leaseSeconds = 5,
            review = new { policy = "sample", percent = 0 },
        }, HttpJson.Options);
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["leaseSeconds", "name", "overlap", "review.percent"], problem.ErrorKeys());

        using var r2 = await manager.Http.PostAsJsonAsync("api/projects", new
        {
            organizationId = org.Id, name = "p", schema = TestData.ChoiceSchema, overlap = 101, review = new { policy = "all", percent = 101 },
        }, HttpJson.Options);
        var problem2 = await r2.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["overlap", "review.percent"], problem2.ErrorKeys());

        // A name that is not one of an enum's is refused as the body is read, naming the field.
        foreach (var (body, field) in new (object, string)[]
        {
            (new { organizationId = org.Id, name = "p", schema = TestData.ChoiceSchema, order = "fifo" }, "order"),
            (new { organizationId = org.Id, name = "p", schema = TestData.ChoiceSchema, review = new { policy = "some", percent = 1 } }, "review.policy"),
        })
        {
            using var r3 = await manager.Http.PostAsJsonAsync("api/projects", body, HttpJson.Options);
            Assert.Equal([field], (await r3.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        Assert.Equal(0, await ProjectCountAsync(org.Id));
    }

    [Fact]
    public async Task OnlyManagersCreateAndChangeProjects()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator | Roles.Reviewer);
        using (var r = await annotator.Http.PostAsJsonAsync("api/projects", new { organizationId = org.Id, name = "x", schema = TestData.ChoiceSchema }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        var project = await TestData.ProjectAsync(manager, org.Id);
        using (var r = await annotator.Http.PatchAsJsonAsync($"api/projects/{project}", new { name = "mine now" }))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        using (var r = await annotator.Http.DeleteAsync($"api/projects/{project}"))
        {
            await r.ProblemAsync(HttpStatusCode.Forbidden);
        }
        // Members who may not change it still see it.
        Assert.Equal(project, (await annotator.Http.GetOkAsync<ProjectView>($"api/projects/{project}")).Id);
    }

    [Fact]
    public async Task RaisingOverlapMovesTheTargetsOfUnfinishedTasksOnly()
    {
        var (org, manager) = await ManagerAsync();
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: 1);
        await TestData.ImportAsync(manager.Http, project, ["one", "two", "three"]);
        var a1 = await org.PersonAsync(Roles.Annotator);
        var (done, _) = await a1.AnnotateAsync(project, new { label = new[] { "pos" } });
        var leased = (await a1.NextAsync(project))!.Task.Id;

        using (var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new { overlap = 2, instructions = "新说明" }))
        {
            var p = await r.OkAsync<ProjectView>("PATCH");
            Assert.Equal(2, p.Overlap);
            Assert.Equal("新说明", p.Instructions);
        }
        var tasks = (await fx.QueryAsync<(long Id, string State, long Target, long Remaining)>(
            "SELECT id, state, target, remaining FROM tasks WHERE project_id = @project ORDER BY id", new { project })).ToList();
        Assert.Equal((done, "annotated", 1L, 0L), tasks[0]);
        Assert.Equal((leased, "in_progress", 2L, 1L), tasks[1]);
        Assert.Equal((tasks[2].Id, "new", 2L, 2L), tasks[2]);

        // A second annotator now gets the leased task's second slot first (priority, then import order).
        var a2 = await org.PersonAsync(Roles.Annotator);
        Assert.Equal(leased, (await a2.NextAsync(project))!.Task.Id);
    }

    [Fact]
    public async Task LoweringOverlapFinishesTasksThatAlreadyHaveEnoughAnnotations()
    {
        var (org, manager) = await ManagerAsync();
        var project = await TestData.ProjectAsync(manager, org.Id, overlap: 2);
        await TestData.ImportAsync(manager.Http, project, ["one", "two"]);
        var a1 = await org.PersonAsync(Roles.Annotator);
        var (first, _) = await a1.AnnotateAsync(project, new { label = new[] { "pos" } });

        var p = await manager.Http.SendAsync(new HttpRequestMessage(HttpMethod.Patch, $"api/projects/{project}") { Content = JsonContent.Create(new { overlap = 1 }) });
        Assert.Equal(HttpStatusCode.OK, p.StatusCode);
        var task = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{first}");
        Assert.Equal(TaskState.Annotated, task.State);
        Assert.Equal(1, task.Target);
        var counts = (await manager.Http.GetOkAsync<ProjectView>($"api/projects/{project}")).Counts;
        Assert.Equal(1, counts.Annotated);
        Assert.Equal(1, counts.New);
        // a1 has done the first task; the second is all that is left for them.
        var next = (await a1.NextAsync(project))!;
        Assert.NotEqual(first, next.Task.Id);
    }

    [Fact]
    public async Task PatchWithAnInvalidSchemaChangesNothing()
    {
        var (org, manager) = await ManagerAsync();
        var project = await TestData.ProjectAsync(manager, org.Id);
        using var r = await manager.Http.PatchAsJsonAsync($"api/projects/{project}", new
        {
            name = "renamed",
            schema = new { fields = new[] { new { name = "text", type = "txt" } }, controls = new[] { new { name = "c", type = "rating" } } },
        });
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["/schema/fields/0/type"], problem.ErrorKeys());
        Assert.NotEqual("renamed", (await manager.Http.GetOkAsync<ProjectView>($"api/projects/{project}")).Name);
    }

    [Fact]
    public async Task DeletedProjectDisappearsEverywhereButKeepsItsRows()
    {
        var (org, manager) = await ManagerAsync();
        var project = await TestData.ProjectAsync(manager, org.Id);
        await TestData.ImportAsync(manager.Http, project, ["one"]);
        using (var r = await manager.Http.DeleteAsync($"api/projects/{project}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        }
        using (var r = await manager.Http.GetAsync($"api/projects/{project}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await manager.Http.PostAsync($"api/projects/{project}/queue/next", null))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await TestData.ImportRawAsync(manager.Http, project, "{\"data\":{\"text\":\"late\"}}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await manager.Http.DeleteAsync($"api/projects/{project}"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Empty(await manager.Http.GetOkAsync<List<ProjectView>>("api/projects"));
        Assert.NotEqual(0L, await fx.QueryScalarAsync<long?>("SELECT deleted_at FROM projects WHERE id = @project", new { project }) ?? 0L);
        Assert.Equal(1, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task SchemaCheckReportsUnmappedTagsAndPointers()
    {
        var (_, manager) = await ManagerAsync();
        var xml = await manager.Http.PostOkAsync<SchemaCheckResponse>("api/schemas/check", new { labelStudioXml = XmlWithUnknownTags });
        Assert.Equal(new UnmappedTagView("Number", "tag"), Assert.Single(xml.Unmapped));
        Assert.Empty(xml.Errors);
        Assert.Equal(["box"], xml.Schema!.Value.GetProperty("controls").EnumerateArray().Select(c => c.GetProperty("name").GetString()));

        var native = await manager.Http.PostOkAsync<SchemaCheckResponse>("api/schemas/check", new
        {
            schema = new { fields = new[] { new { name = "text", type = "text" } }, controls = new[] { new { name = "r", type = "rating", max = 11 } } },
        });
        Assert.Null(native.Schema);
        var error = Assert.Single(native.Errors);
        Assert.Equal("/controls/0/max", error.Path);

        var fine = await manager.Http.PostOkAsync<SchemaCheckResponse>("api/schemas/check", new { schema = TestData.SpanSchema });
        Assert.Empty(fine.Errors);
        Assert.Equal(2, fine.Schema!.Value.GetProperty("controls").GetArrayLength());
    }

    [Fact]
    public async Task SchemaCheckIssuesCarryCodesAndWhereInParamsNotOnlyPaths()
    {
        var (_, manager) = await ManagerAsync();
        var check = await manager.Http.PostOkAsync<SchemaCheckResponse>("api/schemas/check", new
        {
            schema = new
            {
                fields = new[] { new { name = "text", type = "text" } },
                controls = new object[]
                {
                    new { name = "label", type = "choices", field = "body", options = new[] { "a", "b", "a" } },
                },
            },
        });
        Assert.Null(check.Schema);
        var unknown = Assert.Single(check.Errors, e => e.Path == "/controls/0/field");
        Assert.Equal("schema.field_unknown", unknown.Code);
        Assert.Equal("body", ((JsonElement)unknown.Params["name"]!).GetString());
        Assert.Equal("controls", ((JsonElement)unknown.Params["field"]!).GetString());
        Assert.Equal(1, ((JsonElement)unknown.Params["item"]!).GetInt32());
        var twice = Assert.Single(check.Errors, e => e.Path == "/controls/0/options/2/value");
        Assert.Equal("schema.label_duplicate", twice.Code);
        Assert.Equal("a", ((JsonElement)twice.Params["value"]!).GetString());
        Assert.Equal("label", ((JsonElement)twice.Params["control"]!).GetString());
        Assert.All(check.Errors, e => Assert.Contains(e.Code, ProblemCodes.All));

        var xml = await manager.Http.PostOkAsync<SchemaCheckResponse>("api/schemas/check", new
        {
            labelStudioXml = "<View><Text name=\"text\" value=\"$text\"/><Choices name=\"c\" toName=\"body\"><Choice value=\"a\"/></Choices></View>",
        });
        var toName = Assert.Single(xml.Errors);
        Assert.Equal("schema.ls.to_name_unknown", toName.Code);
        Assert.Equal(("Choices", "body"), (((JsonElement)toName.Params["tag"]!).GetString(), ((JsonElement)toName.Params["name"]!).GetString()));
    }
}

public sealed class SqliteProjectsTests(SqliteFixture fx) : ProjectsTests<SqliteFixture>(fx);

public sealed class PostgresProjectsTests(PostgresFixture fx) : ProjectsTests<PostgresFixture>(fx);

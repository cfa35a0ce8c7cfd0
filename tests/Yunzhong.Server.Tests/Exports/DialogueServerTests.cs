namespace Yunzhong.Server.Tests.Exports;

/// <summary>
/// The dialogue kind through the server: a project from Label Studio's Paragraphs config, its
/// exported JSON imported and exported again unchanged (offsets in UTF-16 units on emoji and
/// Chinese), submissions checked with pointers, agreement from the kind.
/// </summary>
public abstract class DialogueServerTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const string Config = """
        <View>
          <Paragraphs name="dialogue" value="$dialogue" layout="dialogue" nameKey="author" textKey="text"/>
          <ParagraphLabels name="ner" toName="dialogue">
            <Label value="Person"/><Label value="Helpful"/>
          </ParagraphLabels>
        </View>
        """;

    // 😀 takes two UTF-16 units: 王小明 is 4..7 in Label Studio's offsets, 3..6 in code points
    // (3 would split the emoji, and the import refuses it).
    private const string Task = """
        [ { "id": 7, "data": { "dialogue": [ { "author": "用户", "text": "你好😀王小明在吗？" }, { "author": "助手", "text": "在的，请讲。" } ] },
            "annotations": [ { "result": [
              { "id": "s1", "from_name": "ner", "to_name": "dialogue", "type": "paragraphlabels",
                "value": { "start": "0", "end": "0", "startOffset": 4, "endOffset": 7, "text": "王小明", "paragraphlabels": ["Person"] } },
              { "id": "m1", "from_name": "ner", "to_name": "dialogue", "type": "paragraphlabels",
                "value": { "start": "1", "end": "1", "startOffset": 0, "endOffset": 6, "text": "在的，请讲。", "paragraphlabels": ["Helpful"] } } ] } ] } ]
        """;

    [Fact]
    public async Task LabelStudioParagraphLabelsRoundTripThroughImportAndExport()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var project = (await manager.Http.PostOkAsync<ProjectView>("api/projects", new { organizationId = org.Id, name = "chat", labelStudioXml = Config })).Id;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, Task, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (_, native) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var regions = JsonDocument.Parse(native).RootElement.GetProperty("annotations")[0].GetProperty("result").GetProperty("ner");
        Assert.Equal("""{"id":"s1","label":"Person","message":0,"start":3,"end":6,"text":"王小明"}""", regions[0].GetRawText());
        Assert.Equal("""{"id":"m1","label":"Helpful","message":1}""", regions[1].GetRawText());

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });

        Assert.Equal(ExportStatus.Done, job.Status);
        var items = JsonDocument.Parse(text).RootElement[0].GetProperty("annotations")[0].GetProperty("result").EnumerateArray().ToList();
        var expected = JsonDocument.Parse(Task).RootElement[0].GetProperty("annotations")[0].GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(expected.Count, items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            Assert.Equal(expected[i].GetProperty("id").GetString(), items[i].GetProperty("id").GetString());
            Assert.Equal("dialogue", items[i].GetProperty("to_name").GetString());
            Assert.Equal("paragraphlabels", items[i].GetProperty("type").GetString());
            Assert.Equal(TestData.Canonical(expected[i].GetProperty("value")), TestData.Canonical(items[i].GetProperty("value")));
        }
    }

    [Fact]
    public async Task SubmissionsAreCheckedAndAgreementComesFromTheKind()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var schema = new
        {
            fields = new[] { new { name = "chat", type = "dialogue" } },
            controls = new object[] { new { name = "grade", type = "dialogue", field = "chat", labels = new[] { "Helpful", "Harmful" } } },
        };
        var project = await TestData.ProjectAsync(manager, org.Id, schema: schema, overlap: 2);
        using (var import = await TestData.ImportRawAsync(manager.Http, project,
            """{"key":"c1","data":{"chat":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello 👋"}]}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        var a = await org.PersonAsync(Roles.Annotator);
        var lease = (await a.NextAsync(project))!;
        using (var bad = await a.SubmitAsync(lease.AssignmentId, new { grade = new[] { new { id = "r1", message = 2, label = "Helpful" } } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.ReadJsonAsync();
            Assert.Contains(problem.Errors("/grade/0/message"), e => e.Contains("has 2 messages", StringComparison.Ordinal));
        }

        using (var ok = await a.SubmitAsync(lease.AssignmentId, new { grade = new[] { new { id = "r1", message = 1, label = "Helpful" } } }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var b = await org.PersonAsync(Roles.Annotator);
        await b.AnnotateAsync(project, new { grade = new object[] { new { id = "r1", message = 1, label = "Helpful" }, new { id = "r2", message = 0, start = 0, end = 2, label = "Harmful" } } });

        var agreement = await manager.Http.GetOkAsync<AgreementView>($"api/projects/{project}/quality/agreement");
        var grade = agreement.Controls.Single(c => c.Name == "grade");
        Assert.Equal(ControlType.Dialogue, grade.Type);
        Assert.Equal(1, grade.Pairs);
        Assert.Equal(2.0 / 3, grade.Metrics["f1Exact"]!.Value, 9);
    }
}

public sealed class SqliteDialogueServerTests(SqliteFixture fx) : DialogueServerTests<SqliteFixture>(fx);

public sealed class PostgresDialogueServerTests(PostgresFixture fx) : DialogueServerTests<PostgresFixture>(fx);

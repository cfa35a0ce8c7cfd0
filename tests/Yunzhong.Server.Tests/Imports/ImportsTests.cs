using System.Globalization;
using Microsoft.Extensions.DependencyInjection;

namespace Yunzhong.Server.Tests.Imports;

public abstract class ImportsTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _choiceAndSpanSchema = new
    {
        fields = new[] { new { name = "text", type = "text" } },
        controls = new object[]
        {
            new { name = "label", type = "choices", field = "text", options = new[] { "pos", "neg" } },
            new { name = "entities", type = "spans", field = "text", labels = new[] { "PER", "LOC" } },
        },
    };

    private async Task<(Person Manager, long Project)> ProjectAsync(object? schema = null)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        return (manager, await TestData.ProjectAsync(manager, org.Id, schema));
    }

    private static async Task<ImportResponse> ImportOkAsync(Person manager, long project, string body, string format)
    {
        using var r = await TestData.ImportRawAsync(manager.Http, project, body, format);
        return await r.OkAsync<ImportResponse>("import");
    }

    private sealed record StoredTask(long Id, string? Key, string Data, long Priority, string? Gold, string State);

    private Task<List<StoredTask>> TasksAsync(long project) => fx.QueryAsync<StoredTask>(
        "SELECT id, task_key AS Key, data_json AS Data, priority, gold_json AS Gold, state FROM tasks WHERE project_id = @project ORDER BY id",
        new { project });

    private static string Text(StoredTask t) => JsonSerializer.Deserialize<JsonElement>(t.Data).GetProperty("text").GetString()!;

    [Fact]
    public async Task JsonLinesEnvelopesAndBareDataObjectsAreImported()
    {
        var (manager, project) = await ProjectAsync();
        var body = "\uFEFF" + string.Join("\n",
            """{"key":"a","priority":3,"data":{"text":"张三👍去了北京","source":"微博"}}""",
            "",
            """{"text":"bare data, no envelope"}""",
            """{"key":7,"data":{"text":"数字键"}}""") + "\r\n";
        var result = await ImportOkAsync(manager, project, body, "jsonl");
        Assert.Equal(3, result.Imported);
        Assert.Equal(0, result.Duplicates);
        var tasks = await TasksAsync(project);
        Assert.Equal(["a", null, "7"], tasks.Select(t => t.Key));
        Assert.Equal([3L, 0L, 0L], tasks.Select(t => t.Priority));
        Assert.Equal(["张三👍去了北京", "bare data, no envelope", "数字键"], tasks.Select(Text));
        Assert.Equal("微博", JsonSerializer.Deserialize<JsonElement>(tasks[0].Data).GetProperty("source").GetString());
        Assert.All(tasks, t => Assert.Equal("new", t.State));
    }

    [Fact]
    public async Task JsonArrayIsImportedAndFormatDetectedFromTheFileName()
    {
        var (manager, project) = await ProjectAsync();
        var body = """
            [
              {"key": "x1", "data": {"text": "第一"}},
              {"key": "x2", "data": {"text": "第二"}}
            ]
            """;
        var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var r = await manager.Http.PostAsync($"api/projects/{project}/imports?filename=tasks.json", content);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal(["第一", "第二"], (await TasksAsync(project)).Select(Text));
    }

    [Fact]
    public async Task CsvWithQuotedCommasQuotesNewlinesAndChineseIsImported()
    {
        var (manager, project) = await ProjectAsync();
        var csv = "\uFEFFkey,text,priority,source\r\n"
            + "c1,\"他说：\"\"你好，世界\"\"\",2,微博\r\n"
            + "c2,\"第一行\n第二行\",0,\"\"\r\n"
            + "c3,plain text 👍,,论坛\r\n";
        var result = await ImportOkAsync(manager, project, csv, "csv");
        Assert.Equal(3, result.Imported);
        var tasks = await TasksAsync(project);
        Assert.Equal(["c1", "c2", "c3"], tasks.Select(t => t.Key));
        Assert.Equal(["他说：\"你好，世界\"", "第一行\n第二行", "plain text 👍"], tasks.Select(Text));
        Assert.Equal([2L, 0L, 0L], tasks.Select(t => t.Priority));
        var data = JsonSerializer.Deserialize<JsonElement>(tasks[0].Data);
        Assert.Equal("微博", data.GetProperty("source").GetString());
        Assert.False(data.TryGetProperty("key", out _)); // key and priority are taken out of the data
        Assert.False(data.TryGetProperty("priority", out _));
    }

    [Fact]
    public async Task TsvIsImported()
    {
        var (manager, project) = await ProjectAsync();
        var result = await ImportOkAsync(manager, project, "key\ttext\nt1\t带逗号, 不用引号\nt2\t\"引号\"\"内\"\n", "tsv");
        Assert.Equal(2, result.Imported);
        Assert.Equal(["带逗号, 不用引号", "引号\"内"], (await TasksAsync(project)).Select(Text));
    }

    [Fact]
    public async Task LabelStudioTasksBringTheirPredictionsAndAnnotations()
    {
        var (manager, project) = await ProjectAsync(_choiceAndSpanSchema);
        // Label Studio counts span offsets in UTF-16 units: 北京 sits at 4..6 after the emoji's two units.
        var body = """
            [
              {
                "id": 101,
                "data": {"text": "我在👍北京"},
                "predictions": [{"model_version": "ner-v2", "score": 0.87, "result": [
                  {"id": "p1", "from_name": "entities", "to_name": "text", "type": "labels", "value": {"start": 4, "end": 6, "text": "北京", "labels": ["LOC"]}}
                ]}],
                "annotations": [{"completed_by": 5, "result": [
                  {"id": "c1", "from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}
                ]}]
              },
              {"id": 102, "data": {"text": "没有结果"}}
            ]
            """;
        var result = await ImportOkAsync(manager, project, body, "labelstudio");
        Assert.Equal(2, result.Imported);
        var tasks = await TasksAsync(project);
        Assert.Equal(["101", "102"], tasks.Select(t => t.Key));
        // The imported annotation counts toward overlap 1.
        Assert.Equal(["annotated", "new"], tasks.Select(t => t.State));

        var detail = await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{tasks[0].Id}");
        var prediction = Assert.Single(detail.Predictions);
        Assert.Equal("ner-v2", prediction.Model);
        Assert.Equal(0.87, prediction.Score);
        var span = prediction.Result.GetProperty("entities")[0];
        Assert.Equal((3, 5, "LOC"), (span.GetProperty("start").GetInt32(), span.GetProperty("end").GetInt32(), span.GetProperty("label").GetString()));
        var annotation = Assert.Single(detail.Annotations);
        Assert.Equal(["pos"], annotation.Result.GetProperty("label").Strings());
        Assert.Equal(AnnotationStatus.Submitted, annotation.Status);
    }

    private sealed record StoredAnnotation(long UserId, long CreatedAt, double? LeadTime);

    [Fact]
    public async Task LabelStudioAnnotationsKeepTheirAnnotatorTimeAndGroundTruth()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var outsider = await (await fx.NewOrgAsync()).PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id, _choiceAndSpanSchema);
        // Label Studio writes created_username as "email, id"; a name no member has stays the importer's.
        var body = $$$"""
            [ { "id": 1, "data": {"text": "一"},
                "annotations": [
                  { "created_username": "{{{annotator.Email.ToUpperInvariant()}}}, 4", "created_at": "2025-03-01T08:30:00.123456Z", "lead_time": 12.5,
                    "ground_truth": true,
                    "result": [ {"id": "c", "from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}} ] },
                  { "created_username": "{{{outsider.Email}}}, 9",
                    "result": [ {"id": "d", "from_name": "label", "to_name": "text", "type": "choices", "value": {"choices": ["neg"]}} ] } ] } ]
            """;
        Assert.Equal(1, (await ImportOkAsync(manager, project, body, "labelstudio")).Imported);

        var task = Assert.Single(await TasksAsync(project));
        var stored = await fx.QueryAsync<StoredAnnotation>(
            "SELECT user_id AS UserId, created_at AS CreatedAt, lead_time AS LeadTime FROM annotations WHERE task_id = @id ORDER BY id", new { id = task.Id });
        Assert.Equal(2, stored.Count);
        Assert.Equal(new StoredAnnotation(annotator.Id, DateTimeOffset.Parse("2025-03-01T08:30:00.123Z", CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), 12.5), stored[0]);
        Assert.Equal(manager.Id, stored[1].UserId); // not a member: no one outside the organisation is named
        Assert.Null(stored[1].LeadTime);
        Assert.Equal("{\"label\":[\"pos\"],\"$ids\":{\"label\":\"c\"}}", task.Gold); // Label Studio's item id kept
    }

    [Fact]
    public async Task ARowWithSeveralBadAnnotationsCountsAsOneRow()
    {
        var (manager, project) = await ProjectAsync(_choiceAndSpanSchema);
        var body = string.Join("\n",
            """{"data":{"text":"fine"}}""",
            """{"data":{"text":"two bad answers"},"annotations":[{"result":{"label":["nope"]}},{"result":{"label":["nor this"]}}]}""");
        using var r = await TestData.ImportRawAsync(manager.Http, project, body);
        var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal(2, problem.GetProperty("errorCount").GetInt32());
        Assert.Equal(1, problem.GetProperty("errorRows").GetInt32());
        Assert.StartsWith("The import was refused: 1 row(s) have 2 error(s)", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(["row 2: annotations[0].label.0", "row 2: annotations[1].label.0"], problem.ErrorKeys());
    }

    [Fact]
    public async Task MalformedRowsAreAllNamedAndNothingLands()
    {
        var (manager, project) = await ProjectAsync();
        var body = string.Join("\n",
            """{"key":"r1","data":{"text":"fine"}}""",
            """{"key":"r2","data":{"text":"fine too"}}""",
            """{"key":"r3","data":{"text":"unterminated""",
            """{"key":"r4","data":{"text":"fine again"}}""",
            """{"key":"r5","data":{"title":"no text field"}}""",
            """{"key":"r6","data":{"text":"after the errors"}}""");
        using var r = await TestData.ImportRawAsync(manager.Http, project, body);
        var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["row 3", "row 5: data.text"], problem.ErrorKeys());
        Assert.Contains("invalid JSON", problem.Errors("row 3")[0], StringComparison.Ordinal);
        Assert.Contains("'text' is missing", problem.Errors("row 5: data.text")[0], StringComparison.Ordinal);
        Assert.Equal(2, problem.GetProperty("errorCount").GetInt32());
        Assert.Equal(2, problem.GetProperty("errorRows").GetInt32());
        Assert.Contains("nothing was imported", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task BadCsvValueNamesRowAndColumn()
    {
        var (manager, project) = await ProjectAsync();
        using var r = await TestData.ImportRawAsync(manager.Http, project, "key,text,priority\na,ok,1\nb,bad,high\n", "csv");
        var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["row 3: priority"], problem.ErrorKeys());
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task DuplicateKeysAndDataAreCountedAndSkippedWithinAFileAndAcrossImports()
    {
        var (manager, project) = await ProjectAsync();
        await ImportOkAsync(manager, project, """{"key":"k1","data":{"text":"一"}}""" + "\n" + """{"key":"k2","data":{"text":"二"}}""", "jsonl");
        var second = await ImportOkAsync(manager, project, string.Join("\n",
            """{"key":"k2","data":{"text":"二 again"}}""",
            """{"key":"k3","data":{"text":"三"}}""",
            """{"key":"k3","data":{"text":"三 again"}}""",
            """{"data":{"text":"no key"}}""",
            """{"data":{"text":"no key"}}""",
            """{"key":"k9","data":{"text":"一"}}"""), "jsonl");
        // A new key with data the project already holds is a duplicate too (by the data's hash).
        Assert.Equal(2, second.Imported);
        Assert.Equal(4, second.Duplicates);
        var tasks = await TasksAsync(project);
        Assert.Equal(["一", "二", "三", "no key"], tasks.Select(Text));
    }

    [Fact]
    public async Task MediaReferencesAreRewrittenToTheProjectsMediaUrl()
    {
        var schema = new
        {
            fields = new object[] { new { name = "image", type = "image" }, new { name = "caption", type = "text" } },
            controls = new object[] { new { name = "boxes", type = "rectangles", field = "image", labels = new[] { "horse" } } },
        };
        var (manager, project) = await ProjectAsync(schema);
        await manager.Http.UploadOkAsync(project, ("horse.png", Api.DemoFile("photos/media/horse.png")), ("相册.zip", ZipOf("相册/猫 1.jpg", Api.DemoFile("photos/media/camera.jpg"))));
        await ImportOkAsync(manager, project, string.Join("\n",
            """{"data":{"image":"media:horse.png","caption":"media:not-a-media-field"}}""",
            """{"data":{"image":"media:相册/猫 1.jpg","caption":""}}""",
            """{"data":{"image":"https://example.org/a.png","caption":""}}"""), "jsonl");
        var data = (await TasksAsync(project)).Select(t => JsonSerializer.Deserialize<JsonElement>(t.Data)).ToList();
        Assert.Equal($"/api/projects/{project}/media/horse.png", data[0].GetProperty("image").GetString());
        Assert.Equal("media:not-a-media-field", data[0].GetProperty("caption").GetString());
        Assert.Equal($"/api/projects/{project}/media/%E7%9B%B8%E5%86%8C/%E7%8C%AB%201.jpg", data[1].GetProperty("image").GetString());
        Assert.Equal("https://example.org/a.png", data[2].GetProperty("image").GetString());
    }

    [Fact]
    public async Task MediaShorthandOfAFileTheProjectHasNotIsRefusedNamingRowFieldAndFile()
    {
        var schema = new
        {
            fields = new object[] { new { name = "image", type = "image" }, new { name = "pages", type = "document" }, new { name = "scan", type = "document", pageKey = "page" } },
            controls = new object[] { new { name = "boxes", type = "rectangles", field = "image", labels = new[] { "horse" } } },
        };
        var (manager, project) = await ProjectAsync(schema);
        await manager.Http.UploadOkAsync(project, ("horse.png", Api.DemoFile("photos/media/horse.png")));
        using var r = await TestData.ImportRawAsync(manager.Http, project, string.Join("\n",
            """{"key":"a","data":{"image":"media:horse.png","pages":["media:horse.png"],"scan":[{"page":"media:horse.png"}]}}""",
            """{"key":"b","data":{"image":"media:gone.png","pages":["media:horse.png","media:p2.png"],"scan":[{"page":"https://example.org/p.png"},{"page":"media:p3.png"}]}}""",
            """{"key":"c","data":{"image":"media:horse.png","pages":[],"scan":[{"page":"media:p3.png"}]}}"""), "jsonl");
        var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["row 2: data.image", "row 2: data.pages.1", "row 2: data.scan.1.page", "row 3: data.pages", "row 3: data.scan.0.page"], problem.ErrorKeys());
        // Two bad rows: row 3's empty document and its missing page count it once.
        Assert.Equal((5, 2), (problem.GetProperty("errorCount").GetInt32(), problem.GetProperty("errorRows").GetInt32()));
        var coded = problem.GetProperty("fields").GetProperty("row 2: data.scan.1.page")[0];
        Assert.Equal("media.not_uploaded", coded.GetProperty("code").GetString());
        Assert.Equal(("p3.png", 2, "scan"), (coded.GetProperty("params").GetProperty("file").GetString(), coded.GetProperty("params").GetProperty("row").GetInt32(),
            coded.GetProperty("params").GetProperty("name").GetString()));
        Assert.Contains("p2.png", problem.Errors("row 2: data.pages.1")[0], StringComparison.Ordinal);
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
    }

    private static byte[] ZipOf(string name, byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var s = zip.CreateEntry(name).Open();
            s.Write(bytes);
        }
        return buffer.ToArray();
    }

    [Fact]
    public async Task GoldAnswersAreStoredAndCheckedAgainstTheSchema()
    {
        var (manager, project) = await ProjectAsync();
        using (var bad = await TestData.ImportRawAsync(manager.Http, project, """{"key":"g0","data":{"text":"x"},"gold":{"label":["maybe"]}}"""))
        {
            var problem = await bad.ProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal(["row 1: gold.label.0"], problem.ErrorKeys());
        }
        await ImportOkAsync(manager, project, string.Join("\n",
            """{"key":"g1","data":{"text":"好评"},"gold":{"label":["pos"]}}""",
            """{"key":"n1","data":{"text":"普通"}}"""), "jsonl");
        var tasks = await TasksAsync(project);
        Assert.Equal(["pos"], JsonSerializer.Deserialize<JsonElement>(tasks[0].Gold!).GetProperty("label").Strings());
        Assert.Null(tasks[1].Gold);
        Assert.True((await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{tasks[0].Id}")).IsGold);
        Assert.False((await manager.Http.GetOkAsync<TaskDetail>($"api/tasks/{tasks[1].Id}")).IsGold);
    }

    [Fact]
    public async Task AnImportStillArrivingStallsNoOtherOrganisationsAnnotators()
    {
        // Another organisation's annotator with a task to do.
        var (other, otherProject) = await ProjectAsync();
        await TestData.ImportAsync(other.Http, otherProject, TestData.Texts(3));

        // A slow client's import, half sent.
        var (manager, project) = await ProjectAsync();
        var body = new HeldBody(Enumerable.Range(0, 1_000).Select(i =>
            JsonSerializer.Serialize(new { key = $"slow{i}", data = new { text = $"慢慢来的第{i}条" } }) + "\n"));
        var import = manager.Http.PostAsync($"api/projects/{project}/imports?format=jsonl", body);
        await body.HalfSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            // While it hangs there, the queue takes and stores work (on SQLite the import once held the
            // database's one write lock for as long as its body took to arrive).
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var next = await other.Http.PostAsync($"api/projects/{otherProject}/queue/next", null, quick.Token);
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
            var lease = await next.ReadAsync<NextResponse>();
            using var submit = await other.Http.PostAsJsonAsync($"api/assignments/{lease.AssignmentId}/submit",
                new { result = new { label = new[] { "pos" } } }, quick.Token);
            Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        }
        finally
        {
            body.SendRest.TrySetResult();
        }
        using var imported = await import;
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(1_000, (await imported.ReadAsync<ImportResponse>()).Imported);
    }

    [Fact]
    public async Task UnknownFormatIsRefused()
    {
        var (manager, project) = await ProjectAsync();
        using var r = await TestData.ImportRawAsync(manager.Http, project, "text\nx\n", "xlsx");
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["format"], problem.ErrorKeys());
    }

    [Fact]
    public async Task AnnotatorsCannotImport()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id);
        using var r = await TestData.ImportRawAsync(annotator.Http, project, """{"data":{"text":"x"}}""");
        await r.ProblemAsync(HttpStatusCode.Forbidden);
    }

    /// <summary>PostgreSQL: a bulk import leaves the tasks table analysed, as PostgreSQL's guide says to after a
    /// bulk load (an export right after it otherwise sorted the project's remaining tasks for every page). Only
    /// a manual ANALYZE sets last_analyze, autovacuum sets last_autoanalyze; SQLite has no such statistics here.</summary>
    [Fact]
    public async Task ABulkImportOnPostgresLeavesTheTasksTableAnalysed()
    {
        var db = fx.Services.GetRequiredService<Yunzhong.Server.Data.Db>();
        if (db.Dialect != Yunzhong.Server.Data.SqlDialect.Postgres)
        {
            return;
        }
        const string lastAnalyze = "SELECT COALESCE(EXTRACT(EPOCH FROM last_analyze), 0) FROM pg_stat_user_tables WHERE relname = 'tasks'";
        var (manager, project) = await ProjectAsync();
        var beforeBulk = await fx.QueryScalarAsync<double>("SELECT EXTRACT(EPOCH FROM clock_timestamp())");
        var response = await TestData.ImportAsync(manager.Http, project, TestData.Texts(10_000).Select(t => t + " (bulk)"));
        Assert.Equal(10_000, response.Imported);
        Assert.True(await fx.QueryScalarAsync<double>(lastAnalyze) >= beforeBulk, "the tasks table was not analysed after a 10,000-task import");
    }
}

public sealed class SqliteImportsTests(SqliteFixture fx) : ImportsTests<SqliteFixture>(fx);

public sealed class PostgresImportsTests(PostgresFixture fx) : ImportsTests<PostgresFixture>(fx);

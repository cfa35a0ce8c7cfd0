using System.IO.Compression;

namespace Yunzhong.Server.Tests.Imports;

/// <summary>Imports as people expect: a file sent again is recognised, data already held is skipped,
/// columns are mapped to fields, dropped media become tasks, and an import's tasks can be listed.</summary>
public abstract class ImportRecognitionTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _imageAndAudioSchema = new
    {
        fields = new[] { new { name = "image", type = "image" }, new { name = "audio", type = "audio" } },
        controls = new object[]
        {
            new { name = "kind", type = "choices", field = "image", options = new[] { "a", "b" } },
            new { name = "words", type = "transcription", field = "audio" },
        },
    };

    private static readonly object _imageSchema = new
    {
        fields = new[] { new { name = "image", type = "image" } },
        controls = new object[] { new { name = "kind", type = "choices", field = "image", options = new[] { "a", "b" } } },
    };

    private async Task<(Person Manager, long Project)> ProjectAsync(object? schema = null)
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        return (manager, await TestData.ProjectAsync(manager, org.Id, schema));
    }

    private static async Task<HttpResponseMessage> ImportAsync(Person p, long project, string body, string query)
    {
        var content = new StringContent(body, System.Text.Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        return await p.Http.PostAsync($"api/projects/{project}/imports?{query}", content);
    }

    private Task<long> CountAsync(long project) => fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project });

    [Fact]
    public async Task AFileImportedBeforeIsRecognisedAndImportedAgainOnlyWhenAsked()
    {
        var (manager, project) = await ProjectAsync();
        var body = "text\n第一条\n第二条\n";
        ImportResponse first;
        using (var r = await ImportAsync(manager, project, body, "format=csv&filename=评论.csv"))
        {
            first = await r.OkAsync<ImportResponse>("first");
        }
        Assert.Equal((2, 0), (first.Imported, first.Duplicates));
        Assert.NotNull(first.ImportId);

        using (var r = await ImportAsync(manager, project, body, "format=csv&filename=again.csv"))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.Conflict);
            var previous = problem.GetProperty("previous");
            Assert.Equal(first.ImportId, previous.GetProperty("id").GetInt64());
            Assert.Equal("评论.csv", previous.GetProperty("fileName").GetString());
            Assert.Equal(2, previous.GetProperty("imported").GetInt64());
        }
        Assert.Equal(2, await CountAsync(project));

        // Asked to, it imports again: every row is data the project holds, so all are skipped and counted.
        using (var r = await ImportAsync(manager, project, body, "format=csv&filename=again.csv&again=true"))
        {
            var again = await r.OkAsync<ImportResponse>("again");
            Assert.Equal((0, 2), (again.Imported, again.Duplicates));
        }
        Assert.Equal(2, await CountAsync(project));

        // A different file whose rows overlap: only the new row is a task.
        using (var r = await ImportAsync(manager, project, "text\n第二条\n第三条\n", "format=csv&filename=more.csv"))
        {
            var more = await r.OkAsync<ImportResponse>("more");
            Assert.Equal((1, 1), (more.Imported, more.Duplicates));
        }
        var history = await manager.Http.GetOkAsync<List<ImportView>>($"api/projects/{project}/imports");
        Assert.Equal(["more.csv", "again.csv", "评论.csv"], history.Select(h => h.FileName));
        Assert.Equal([1L, 0, 2], history.Select(h => h.Imported));
        Assert.Equal([1L, 2, 0], history.Select(h => h.Duplicates));
        Assert.All(history, h => Assert.False(string.IsNullOrEmpty(h.CreatedBy)));
    }

    [Fact]
    public async Task AnImportsTasksAreListedByItsId()
    {
        var (manager, project) = await ProjectAsync();
        using (var r = await ImportAsync(manager, project, """{"data":{"text":"old"}}""", "format=jsonl"))
        {
            await r.OkAsync<ImportResponse>("old");
        }
        ImportResponse second;
        using (var r = await ImportAsync(manager, project, "{\"data\":{\"text\":\"new 1\"}}\n{\"data\":{\"text\":\"new 2\"},\"predictions\":[{\"result\":{\"label\":[\"pos\"]}}]}", "format=jsonl"))
        {
            second = await r.OkAsync<ImportResponse>("second");
        }
        var page = await manager.Http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?importId={second.ImportId}");
        Assert.Equal(["new 1", "new 2"], page.Items.Select(i => i.Data.GetProperty("text").GetString()));
        Assert.Equal(2, (await manager.Http.GetOkAsync<TaskCount>($"api/projects/{project}/tasks/count?importId={second.ImportId}")).Count);
    }

    [Fact]
    public async Task ColumnsAreMappedToFieldsBeforeTheRowsAreChecked()
    {
        var (manager, project) = await ProjectAsync();
        var csv = "评论,来源\n很好,app\n一般,web\n";
        using (var r = await ImportAsync(manager, project, csv, "format=csv"))
        {
            // Without a mapping the rows lack the schema's text field.
            await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        }
        var map = Uri.EscapeDataString("""{"评论":"text","来源":""}""");
        using (var r = await ImportAsync(manager, project, csv, $"format=csv&map={map}"))
        {
            Assert.Equal(2, (await r.OkAsync<ImportResponse>("mapped")).Imported);
        }
        var data = await fx.QueryAsync<string>("SELECT data_json FROM tasks WHERE project_id = @project ORDER BY id", new { project });
        Assert.Equal(["""{"text":"很好"}""", """{"text":"一般"}"""], data);

        foreach (var bad in new[] { "not json", """{"a":"text","b":"text"}""", "[1]" })
        {
            using var r = await ImportAsync(manager, project, csv, $"format=csv&map={Uri.EscapeDataString(bad)}");
            Assert.Equal(["map"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
    }

    [Fact]
    public async Task DroppedImagesAudioAndZipsBecomeOneTaskPerFileInTheSchemasField()
    {
        var (manager, project) = await ProjectAsync(_imageAndAudioSchema);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using var e = archive.CreateEntry("zoo/camera.jpg").Open();
            await e.WriteAsync(Api.DemoFile("photos/media/camera.jpg"));
        }
        var uploaded = await manager.Http.UploadOkAsync(project,
            ("horse.png", Api.DemoFile("photos/media/horse.png")), ("cards-001.wav", Api.DemoFile("speech/media/cards-001.wav")), ("zoo.zip", zip.ToArray()));
        var names = uploaded.Select(u => u.Name).ToArray();
        Assert.Equal(["horse.png", "cards-001.wav", "zoo/camera.jpg"], names);

        // Both fields are needed by this schema's controls, so one file alone is not a valid task.
        using (var r = await manager.Http.PostAsJsonAsync($"api/projects/{project}/imports/media", new { names }, HttpJson.Options))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
            Assert.Equal(["cards-001.wav: data.image", "horse.png: data.audio", "zoo/camera.jpg: data.audio"], problem.ErrorKeys());
        }

        var (imageManager, images) = await ProjectAsync(_imageSchema);
        await imageManager.Http.UploadOkAsync(images, ("horse.png", Api.DemoFile("photos/media/horse.png")), ("camera.jpg", Api.DemoFile("photos/media/camera.jpg")));
        ImportResponse made;
        using (var r = await imageManager.Http.PostAsJsonAsync($"api/projects/{images}/imports/media", new { names = new[] { "horse.png", "camera.jpg" }, source = "photos" }, HttpJson.Options))
        {
            made = await r.OkAsync<ImportResponse>("media");
        }
        Assert.Equal((2, 0), (made.Imported, made.Duplicates));
        var page = await imageManager.Http.GetOkAsync<TaskPage>($"api/projects/{images}/tasks?importId={made.ImportId}");
        Assert.Equal([$"/api/projects/{images}/media/horse.png", $"/api/projects/{images}/media/camera.jpg"],
            page.Items.Select(i => i.Data.GetProperty("image").GetString()));

        // The same files again: recognised, and asked to, skipped as duplicates.
        using (var r = await imageManager.Http.PostAsJsonAsync($"api/projects/{images}/imports/media", new { names = new[] { "horse.png", "camera.jpg" } }, HttpJson.Options))
        {
            Assert.Equal(made.ImportId, (await r.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("previous").GetProperty("id").GetInt64());
        }
        using (var r = await imageManager.Http.PostAsJsonAsync($"api/projects/{images}/imports/media", new { names = new[] { "camera.jpg", "horse.png" }, again = true }, HttpJson.Options))
        {
            var again = await r.OkAsync<ImportResponse>("again");
            Assert.Equal((0, 2), (again.Imported, again.Duplicates));
        }

        // A file of a kind the schema has no field for, or one never uploaded, is named.
        await imageManager.Http.UploadOkAsync(images, ("cards-001.wav", Api.DemoFile("speech/media/cards-001.wav")));
        using (var r = await imageManager.Http.PostAsJsonAsync($"api/projects/{images}/imports/media", new { names = new[] { "cards-001.wav", "missing.png" } }, HttpJson.Options))
        {
            Assert.Equal(["cards-001.wav", "missing.png"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        using (var r = await imageManager.Http.PostAsJsonAsync($"api/projects/{images}/imports/media", new { names = new[] { "horse.png" }, field = "text" }, HttpJson.Options))
        {
            Assert.Equal(["field"], (await r.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
        }
        Assert.Equal(2, await CountAsync(images));
    }
}

public sealed class SqliteImportRecognitionTests(SqliteFixture fx) : ImportRecognitionTests<SqliteFixture>(fx);

public sealed class PostgresImportRecognitionTests(PostgresFixture fx) : ImportRecognitionTests<PostgresFixture>(fx);

namespace Yunzhong.Server.Tests.Exports;

/// <summary>
/// Masks through the real server: a Label Studio brush result imported, exported back as Label
/// Studio (the same bytes) and as COCO (compressed RLE), and a broken mask refused on submit.
/// </summary>
public abstract class MasksExportTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _schema = new
    {
        fields = new[] { new { name = "image", type = "image" } },
        controls = new object[] { new { name = "seg", type = "masks", field = "image", labels = new[] { "cat", "dog" }, toName = "img" } },
    };

    // A 5 × 3 mask (rows 01100, 01110, 00001) as rle-pack packs its RGBA bytes, as Label Studio sends it.
    private const string Brush = "[0,0,0,60,57,27,252,96,19,255,219,0,183,255,132,192,35,255]";

    private async Task<(Person Manager, long Project)> ProjectAsync()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        return (manager, await TestData.ProjectAsync(manager, org.Id, _schema));
    }

    [Fact]
    public async Task ABrushResultImportedFromLabelStudioExportsAsTheSameBytesAndAsCocoRle()
    {
        var (manager, project) = await ProjectAsync();
        var body = $$"""
            [ { "id": 1, "data": { "image": "https://cdn.example.com/cats/1.png" },
                "annotations": [ { "result": [ { "id": "b1", "from_name": "seg", "to_name": "img", "type": "brushlabels",
                  "original_width": 5, "original_height": 3, "image_rotation": 0,
                  "value": { "format": "rle", "rle": {{Brush}}, "brushlabels": ["cat"] } } ] } ] } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, body, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });

        Assert.Equal(ExportStatus.Done, job.Status);
        var task = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        var item = Assert.Single(task.GetProperty("annotations")[0].GetProperty("result").EnumerateArray());
        Assert.Equal(("b1", "seg", "img", "brushlabels"), (item.GetProperty("id").GetString(), item.GetProperty("from_name").GetString(),
            item.GetProperty("to_name").GetString(), item.GetProperty("type").GetString()));
        Assert.Equal((5, 3), (item.GetProperty("original_width").GetInt32(), item.GetProperty("original_height").GetInt32()));
        var value = item.GetProperty("value");
        Assert.Equal("rle", value.GetProperty("format").GetString());
        Assert.Equal(JsonDocument.Parse(Brush).RootElement.EnumerateArray().Select(b => b.GetInt32()), value.GetProperty("rle").EnumerateArray().Select(b => b.GetInt32()));
        Assert.Equal(["cat"], value.GetProperty("brushlabels").Strings());

        var (coco, cocoText) = await manager.Http.ExportAsync(project, new { format = "coco" });
        Assert.Contains(coco.Status, new[] { ExportStatus.Done, ExportStatus.Incomplete }); // the image's own size is unknown: never uploaded
        var root = JsonDocument.Parse(cocoText).RootElement;
        Assert.Equal(["cat", "dog"], root.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var ann = Assert.Single(root.GetProperty("annotations").EnumerateArray());
        var segmentation = ann.GetProperty("segmentation");
        Assert.Equal([3, 5], segmentation.GetProperty("size").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal("32101O10", segmentation.GetProperty("counts").GetString()); // down the columns: 3,2,1,2,2,1,3,1
        Assert.Equal([1.0, 0, 4, 3], ann.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(6, ann.GetProperty("area").GetDouble());
    }

    [Fact]
    public async Task ABrushResultOfAnotherSizeThanItsImageIsRefusedNamingTheItem()
    {
        var (manager, project) = await ProjectAsync();
        var body = $$"""
            [ { "data": { "image": "https://cdn.example.com/cats/2.png" },
                "annotations": [ { "result": [ { "id": "b1", "from_name": "seg", "to_name": "img", "type": "brushlabels",
                  "original_width": 4, "original_height": 3,
                  "value": { "format": "rle", "rle": {{Brush}}, "brushlabels": ["cat"] } } ] } ] } ]
            """;

        using var r = await TestData.ImportRawAsync(manager.Http, project, body, "labelstudio");

        var problem = await r.ProblemAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not 4×3×4 = 48", Assert.Single(problem.Errors("row 1: annotations[0].result[0]")), StringComparison.Ordinal);
        Assert.Equal("import.ls.value_invalid", problem.GetProperty("fields").GetProperty("row 1: annotations[0].result[0]")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task AMaskWhoseRunsDoNotCoverItsSizeIsRefusedWithItsCode()
    {
        var (manager, project) = await ProjectAsync();
        await TestData.ImportRawAsync(manager.Http, project, """{"data":{"image":"https://cdn.example.com/cats/3.png"}}""");
        var lease = (await manager.NextAsync(project))!;

        using var r = await manager.SubmitAsync(lease.AssignmentId, new { seg = new[] { new { id = "m1", label = "cat", mask = new { size = new[] { 3, 5 }, counts = "32" } } } });

        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("fields").TryGetProperty("/seg/0/mask/counts", out var coded), problem.GetRawText());
        Assert.Equal("annotation.mask.counts_sum", coded[0].GetProperty("code").GetString());
        Assert.Equal(15, coded[0].GetProperty("params").GetProperty("pixels").GetInt32());

        using var ok = await manager.SubmitAsync(lease.AssignmentId, new { seg = new[] { new { id = "m1", label = "cat", mask = new { size = new[] { 3, 5 }, counts = "32101O10" } } } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}

public sealed class SqliteMasksExportTests(SqliteFixture fx) : MasksExportTests<SqliteFixture>(fx);

public sealed class PostgresMasksExportTests(PostgresFixture fx) : MasksExportTests<PostgresFixture>(fx);

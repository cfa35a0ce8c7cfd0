namespace Yunzhong.Server.Tests.Exports;

/// <summary>
/// Documents through the server: a PDF uploaded as media (judged by its content), boxes with their
/// OCR text on a page submitted and checked, Label Studio multi-page OCR imported and exported with
/// item_index as the page, COCO with one image per page.
/// </summary>
public abstract class DocumentServerTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const string Config = """
        <View>
          <Image name="page" valueList="$pages"/>
          <RectangleLabels name="bbox" toName="page"><Label value="Text"/><Label value="Table"/></RectangleLabels>
          <TextArea name="transcription" toName="page" perRegion="true" editable="true"/>
        </View>
        """;

    private const string Task = """
        [ { "id": 3, "data": { "pages": ["https://example.org/p1.png", "https://example.org/p2.png"] },
            "annotations": [ { "result": [
              { "id": "r1", "from_name": "bbox", "to_name": "page", "type": "rectanglelabels", "item_index": 1,
                "original_width": 1000, "original_height": 500, "image_rotation": 0,
                "value": { "x": 10, "y": 20, "width": 30, "height": 10, "rotation": 0, "rectanglelabels": ["Table"] } },
              { "id": "r1", "from_name": "transcription", "to_name": "page", "type": "textarea", "item_index": 1,
                "original_width": 1000, "original_height": 500, "image_rotation": 0,
                "value": { "x": 10, "y": 20, "width": 30, "height": 10, "rotation": 0, "text": ["Total: 42"] } } ] } ] } ]
        """;

    /// <summary>The smallest bytes the sniffer takes for a PDF; the server never renders one.</summary>
    private static readonly byte[] _pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task LabelStudioMultiPageOcrRoundTripsWithItsPages()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var project = (await manager.Http.PostOkAsync<ProjectView>("api/projects", new { organizationId = org.Id, name = "ocr", labelStudioXml = Config })).Id;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, Task, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (_, native) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var result = JsonDocument.Parse(native).RootElement.GetProperty("annotations")[0].GetProperty("result");
        Assert.Equal("""{"id":"r1","label":"Table","page":1,"pageWidth":1000,"pageHeight":500,"x":100,"y":100,"width":300,"height":50,"rotation":0}""",
            result.GetProperty("bbox")[0].GetRawText());
        Assert.Equal("Total: 42", result.GetProperty("transcription").GetProperty("r1").GetString());

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });

        Assert.Equal(ExportStatus.Done, job.Status);
        var items = JsonDocument.Parse(text).RootElement[0].GetProperty("annotations")[0].GetProperty("result").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal((1, "page", 1000), (i.GetProperty("item_index").GetInt32(), i.GetProperty("to_name").GetString(), i.GetProperty("original_width").GetInt32())));
        Assert.Equal(["rectanglelabels", "textarea"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("Total: 42", items[1].GetProperty("value").GetProperty("text")[0].GetString());

        var (_, coco) = await manager.Http.ExportAsync(project, new { format = "coco" });
        using var doc = JsonDocument.Parse(coco);
        Assert.Equal(["https://example.org/p1.png", "https://example.org/p2.png"],
            doc.RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()));
        var annotation = Assert.Single(doc.RootElement.GetProperty("annotations").EnumerateArray());
        Assert.Equal(doc.RootElement.GetProperty("images")[1].GetProperty("id").GetInt64(), annotation.GetProperty("image_id").GetInt64());
    }

    [Fact]
    public async Task UploadedPdfIsADocumentWhoseBoxesAreCheckedAndExportedPerPage()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var schema = new
        {
            fields = new[] { new { name = "doc", type = "document" } },
            controls = new object[]
            {
                new { name = "bbox", type = "rectangles", field = "doc", labels = new[] { "Text" } },
                new { name = "ocr", type = "transcription", perRegion = new[] { "bbox" } },
            },
        };
        var project = await TestData.ProjectAsync(manager, org.Id, schema: schema);
        var uploaded = Assert.Single(await manager.Http.UploadOkAsync(project, ("report.pdf", _pdf)));
        Assert.Equal("application/pdf", uploaded.ContentType);
        using (var notPdf = await manager.Http.UploadAsync(project, ("fake.pdf", "%PDF-not a version"u8.ToArray())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notPdf.StatusCode);
        }

        using (var import = await TestData.ImportRawAsync(manager.Http, project, """{"key":"d1","data":{"doc":"media:report.pdf"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        }

        var a = await org.PersonAsync(Roles.Annotator);
        var lease = (await a.NextAsync(project))!;
        using (var bad = await a.SubmitAsync(lease.AssignmentId, new
        {
            bbox = new[] { new { id = "b1", label = "Text", page = 1, pageWidth = 612, pageHeight = 792, x = 500, y = 90, width = 200, height = 24 } },
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.ReadJsonAsync();
            Assert.NotEmpty(problem.Errors("/bbox/0/width"));
        }

        using (var ok = await a.SubmitAsync(lease.AssignmentId, new
        {
            bbox = new[] { new { id = "b1", label = "Text", page = 1, pageWidth = 612, pageHeight = 792, x = 72, y = 90, width = 200, height = 24 } },
            ocr = new Dictionary<string, string> { ["b1"] = "Invoice 2026-12" },
        }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var (job, coco) = await manager.Http.ExportAsync(project, new { format = "coco" });

        Assert.Equal(ExportStatus.Done, job.Status);
        using var doc = JsonDocument.Parse(coco);
        var image = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray());
        Assert.Equal(("report.pdf#page=2", 612, 792, 1), (image.GetProperty("file_name").GetString(), image.GetProperty("width").GetInt32(),
            image.GetProperty("height").GetInt32(), image.GetProperty("page").GetInt32()));
        Assert.Equal([72.0, 90, 200, 24], Assert.Single(doc.RootElement.GetProperty("annotations").EnumerateArray()).GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
    }
}

public sealed class SqliteDocumentServerTests(SqliteFixture fx) : DocumentServerTests<SqliteFixture>(fx);

public sealed class PostgresDocumentServerTests(PostgresFixture fx) : DocumentServerTests<PostgresFixture>(fx);

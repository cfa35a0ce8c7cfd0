using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using Yunzhong.Core.Tests.Formats;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>Documents: a PDF or page images as one field, boxes per page with their OCR text, Label Studio multi-page results, gold and COCO per page.</summary>
public class DocumentsTests
{
    internal const string SchemaJson = """
        { "fields": [ { "name": "doc", "type": "document" } ],
          "controls": [
            { "name": "bbox", "type": "rectangles", "field": "doc", "labels": ["Text", "Table"] },
            { "name": "transcription", "type": "transcription", "perRegion": ["bbox"] } ] }
        """;

    // Label Studio's multi-page OCR: one Image over a list of page URLs, boxes with a per-region TextArea.
    private const string MultiPageConfig = """
        <View>
          <Image name="page" valueList="$pages"/>
          <RectangleLabels name="bbox" toName="page"><Label value="Text"/><Label value="Table"/></RectangleLabels>
          <TextArea name="transcription" toName="page" perRegion="true" editable="true"/>
        </View>
        """;

    private static readonly JsonElement _pdf = Json("""{ "doc": "/api/projects/1/media/report.pdf" }""");
    private static readonly JsonElement _twoPages = Json("""{ "doc": ["p1.png", "p2.png"] }""");

    private static LabelSchema Schema() => ParseOk(SchemaJson);

    private static string Box(int page, double x = 10, string label = "Text", string id = "b1") =>
        $$"""{ "id": "{{id}}", "label": "{{label}}", "page": {{page}}, "pageWidth": 612, "pageHeight": 792, "x": {{x}}, "y": 20, "width": 100, "height": 30 }""";

    [Fact]
    public void DocumentFieldTakesAPdfReferenceOrANonEmptyListOfPageImages()
    {
        var s = Schema();

        Assert.Empty(s.ValidateTaskData(_pdf));
        Assert.Empty(s.ValidateTaskData(_twoPages));
        var empty = Assert.Single(s.ValidateTaskData(Json("""{ "doc": [] }""")));
        Assert.Equal(("/data/doc", SchemaErrorCodes.DataMediaMissing), (empty.Path, empty.Code));
        var blankPage = Assert.Single(s.ValidateTaskData(Json("""{ "doc": ["p1.png", " "] }""")));
        Assert.Equal("/data/doc/1", blankPage.Path);
        Assert.Equal("document", blankPage.Args!["type"]);
        Assert.Single(s.ValidateTaskData(Json("""{ "doc": 3 }""")));
    }

    [Fact]
    public void OnlyRectanglesDrawOnADocument()
    {
        var errors = LabelSchema.Parse("""
            { "fields": [ { "name": "doc", "type": "document" } ],
              "controls": [ { "name": "poly", "type": "polygons", "field": "doc", "labels": ["x"] } ] }
            """).Errors;

        Assert.Equal(SchemaErrorCodes.SchemaFieldUnfit, Assert.Single(errors).Code);
        Assert.Equal(FieldType.Document, ParseOk(ParseOk(SchemaJson).ToJson()).Fields.Single().Type);
    }

    [Fact]
    public void BoxOnAPageWithItsTextIsValid()
    {
        var errors = AnnotationValidator.Validate(Schema(), _twoPages, Json($$"""
            { "bbox": [ {{Box(1)}} ], "transcription": { "b1": "Total: 42" } }
            """));

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("""{ "id": "b", "label": "Text", "page": 2, "pageWidth": 612, "pageHeight": 792, "x": 1, "y": 1, "width": 5, "height": 5 }""", "/bbox/0/page", SchemaErrorCodes.BoxPageOutOfRange)]
    [InlineData("""{ "id": "b", "label": "Text", "page": 0.5, "pageWidth": 612, "pageHeight": 792, "x": 1, "y": 1, "width": 5, "height": 5 }""", "/bbox/0/page", SchemaErrorCodes.BoxPageOutOfRange)]
    [InlineData("""{ "id": "b", "label": "Text", "pageWidth": 612, "pageHeight": 792, "x": 1, "y": 1, "width": 5, "height": 5 }""", "/bbox/0/page", SchemaErrorCodes.NumberNeeded)]
    [InlineData("""{ "id": "b", "label": "Text", "page": 0, "pageWidth": 0, "pageHeight": 792, "x": 1, "y": 1, "width": 5, "height": 5 }""", "/bbox/0/pageWidth", SchemaErrorCodes.BoxNotPositive)]
    [InlineData("""{ "id": "b", "label": "Text", "page": 0, "pageWidth": 612, "pageHeight": 792, "x": 600, "y": 1, "width": 50, "height": 5 }""", "/bbox/0/width", SchemaErrorCodes.OutsideImage)]
    public void BadPagesAndBoxesPastThePageAreNamed(string box, string path, string code)
    {
        var error = Assert.Single(AnnotationValidator.Validate(Schema(), _twoPages, Json($$"""{ "bbox": [ {{box}} ] }""")));

        Assert.Equal((path, code), (error.Path, error.Code));
    }

    [Fact]
    public void APdfsPageCountIsNotKnownSoAnyWholePageIsTaken()
    {
        Assert.Empty(AnnotationValidator.Validate(Schema(), _pdf, Json($$"""{ "bbox": [ {{Box(40)}} ] }""")));
    }

    [Fact]
    public void ImageBoxesStillRefuseAPage()
    {
        var s = ParseOk("""
            { "fields": [ { "name": "image", "type": "image" } ],
              "controls": [ { "name": "bbox", "type": "rectangles", "field": "image", "labels": ["Text"] } ] }
            """);

        var errors = AnnotationValidator.Validate(s, Json("""{ "image": "a.png" }"""), Json($$"""{ "bbox": [ {{Box(0)}} ] }"""));

        Assert.Contains(errors, e => e.Path == "/bbox/0/page" && e.Code == SchemaErrorCodes.KeyUnknown);
    }

    [Fact]
    public void LabelStudioMultiPageImageAndPdfBecomeDocumentFields()
    {
        var multi = LabelStudioConfig.Import(MultiPageConfig);
        var pdf = LabelStudioConfig.Import("""
            <View><Pdf name="pdf" value="$pdf"/><Image name="scan" valueList="$scans"/>
              <Labels name="label" toName="scan"><Label value="Text"/></Labels><Rectangle name="box" toName="scan"/></View>
            """);

        Assert.Empty(multi.Errors);
        Assert.Equal(FieldType.Document, multi.Schema!.Fields.Single().Type);
        Assert.Equal(["bbox"], multi.Schema.Control("transcription")!.PerRegion);
        Assert.Empty(pdf.Errors);
        Assert.Equal([("pdf", FieldType.Document), ("scans", FieldType.Document)], pdf.Schema!.Fields.Select(f => (f.Name, f.Type)));
        Assert.Equal(["Text"], pdf.Schema.Control("box")!.Labels.Select(l => l.Value));
    }

    [Fact]
    public void LabelStudioItemIndexIsThePageBothWays()
    {
        var schema = LabelStudioConfig.Import(MultiPageConfig).Schema!;
        var schemaJson = Json(schema.ToJson());
        var data = Json("""{ "pages": ["p1.png", "p2.png"] }""");
        var ls = Json("""
            [ { "id": "r1", "from_name": "bbox", "to_name": "page", "type": "rectanglelabels", "item_index": 1,
                "original_width": 1000, "original_height": 500, "image_rotation": 0,
                "value": { "x": 10, "y": 20, "width": 30, "height": 10, "rotation": 0, "rectanglelabels": ["Table"] } },
              { "id": "r1", "from_name": "transcription", "to_name": "page", "type": "textarea", "item_index": 1,
                "original_width": 1000, "original_height": 500, "image_rotation": 0,
                "value": { "x": 10, "y": 20, "width": 30, "height": 10, "rotation": 0, "text": ["Total: 42"] } } ]
            """);

        var native = LabelStudioResults.ToNative(ls, schemaJson, data, null);

        Assert.Empty(native.Errors);
        var result = Json(native.Json);
        var box = result.GetProperty("bbox")[0];
        Assert.Equal((1, 1000, 500), (box.GetProperty("page").GetInt32(), box.GetProperty("pageWidth").GetInt32(), box.GetProperty("pageHeight").GetInt32()));
        Assert.Equal((100.0, 100.0, 300.0, 50.0), (box.GetProperty("x").GetDouble(), box.GetProperty("y").GetDouble(), box.GetProperty("width").GetDouble(), box.GetProperty("height").GetDouble()));
        Assert.Equal("Total: 42", result.GetProperty("transcription").GetProperty("r1").GetString());
        Assert.Empty(AnnotationValidator.Validate(schema, data, result));

        var back = LabelStudioResults.FromNative(result, schemaJson, data, null);

        Assert.Empty(back.Errors);
        var items = Json(back.Json).EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Equal((1, 1000, "page"), (i.GetProperty("item_index").GetInt32(), i.GetProperty("original_width").GetInt32(), i.GetProperty("to_name").GetString())));
        Assert.Equal(30, items[0].GetProperty("value").GetProperty("width").GetDouble(), 9);
        Assert.Equal("Total: 42", items[1].GetProperty("value").GetProperty("text")[0].GetString());
    }

    [Fact]
    public void LabelStudioPageBoxWithoutThePageSizeIsRefused()
    {
        var schemaJson = Json(LabelStudioConfig.Import(MultiPageConfig).Schema!.ToJson());
        var ls = Json("""
            [ { "id": "r1", "from_name": "bbox", "to_name": "page", "type": "rectanglelabels", "item_index": 0,
                "value": { "x": 10, "y": 20, "width": 30, "height": 10, "rectanglelabels": ["Text"] } } ]
            """);

        var native = LabelStudioResults.ToNative(ls, schemaJson, Json("""{ "pages": ["p1.png"] }"""), null);

        Assert.Contains(native.Errors, e => e.Contains("original_width", StringComparison.Ordinal));
    }

    [Fact]
    public void GoldAndAgreementMatchBoxesOnTheSamePageOnly()
    {
        var s = Schema();
        var gold = Json($$"""{ "bbox": [ {{Box(0)}} ] }""");
        var samePage = Json($$"""{ "bbox": [ {{Box(0, x: 12)}} ] }""");
        var otherPage = Json($$"""{ "bbox": [ {{Box(1, x: 10)}} ] }""");

        Assert.Equal(1.0, GoldScoring.Score(s, gold, samePage));
        Assert.Equal(0.0, GoldScoring.Score(s, gold, otherPage));
        var metric = RegionMetrics.CompareBoxes(ResultValues.Boxes(gold, "bbox"), ResultValues.Boxes(otherPage, "bbox"));
        Assert.Equal(0, metric.Matched);
    }

    [Fact]
    public void ConsensusKeepsEachBoxOnItsPage()
    {
        var boxes = Consensus.Boxes([
            ResultValues.Boxes(Json($$"""{ "bbox": [ {{Box(0)}} ] }"""), "bbox"),
            ResultValues.Boxes(Json($$"""{ "bbox": [ {{Box(0)}}, {{Box(1, id: "b2")}} ] }"""), "bbox"),
            ResultValues.Boxes(Json($$"""{ "bbox": [ {{Box(1, id: "b3")}} ] }"""), "bbox"),
        ]);

        Assert.Equal([(0, 2), (1, 2)], boxes.Select(b => (b.Region.Page ?? -1, b.Support)));
    }

    [Fact]
    public async Task CocoWritesOneImagePerPage()
    {
        var listed = new ExportTask(7, null, """{ "doc": ["p1.png", "p2.png"] }""", "done",
            [new ExportAnnotation(1, "a", $$"""{ "bbox": [ {{Box(1)}} ] }""", DateTimeOffset.UnixEpoch, null, 1, null, true)],
            new Dictionary<string, MediaInfo> { ["p1.png"] = new("p1.png", "image/png", 600, 800) });
        var pdf = new ExportTask(8, null, """{ "doc": "report.pdf" }""", "done",
            [new ExportAnnotation(2, "a", $$"""{ "bbox": [ {{Box(2, label: "Table")}} ] }""", DateTimeOffset.UnixEpoch, null, 1, null, true)], null);

        var text = await ExportTests.ExportAsync(ExportFormat.Coco, [listed, pdf], SchemaJson);

        using var doc = JsonDocument.Parse(text);
        var images = doc.RootElement.GetProperty("images").EnumerateArray()
            .Select(i => (i.GetProperty("id").GetInt64(), i.GetProperty("file_name").GetString(), i.GetProperty("task_id").GetInt64(), i.GetProperty("page").GetInt32()))
            .ToList();
        Assert.Equal([(1L, "p1.png", 7L, 0), (2L, "p2.png", 7L, 1), (3L, "report.pdf#page=3", 8L, 2)], images);
        // The first page's size is its image's; the second's, its box's.
        Assert.Equal([600, 612, 612], doc.RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("width").GetInt32()));
        var annotations = doc.RootElement.GetProperty("annotations").EnumerateArray().Select(a => (a.GetProperty("image_id").GetInt64(), a.GetProperty("category_id").GetInt32())).ToList();
        Assert.Equal([(2L, 1), (3L, 2)], annotations);
    }

    // Label Studio's Repeater over a task's array of pages (the gallery's multipage-documents, less its per-page rating).
    private const string RepeaterConfig = """
        <View>
          <Repeater on="$document" indexFlag="{{idx}}" mode="pagination">
            <Image name="page_{{idx}}" value="$document[{{idx}}].page" inline="true"/>
            <RectangleLabels name="labels_{{idx}}" toName="page_{{idx}}"><Label value="Title"/><Label value="Date"/></RectangleLabels>
            <TextArea name="transcription_{{idx}}" toName="page_{{idx}}" perRegion="true"/>
          </Repeater>
        </View>
        """;

    private static readonly JsonElement _repeaterData = Json("""{ "document": [ { "page": "p1.png" }, { "page": "p2.png" } ] }""");

    [Fact]
    public void LabelStudioRepeaterOverImagesIsADocumentOfItsItems()
    {
        var import = LabelStudioConfig.Import(RepeaterConfig);

        Assert.Empty(import.Errors);
        Assert.Empty(import.Unmapped);
        var field = import.Schema!.Fields.Single();
        Assert.Equal(("document", FieldType.Document, "page"), (field.Name, field.Type, field.PageKey));
        var labels = import.Schema.Control("labels")!;
        Assert.Equal(("document", "labels_{{idx}}", "page_{{idx}}"), (labels.Field, labels.FromName, labels.ToName));
        Assert.Equal(["labels"], import.Schema.Control("transcription")!.PerRegion);
        // The schema's JSON keeps the page key and the per-page names.
        var again = ParseOk(import.Schema.ToJson());
        Assert.Equal("page", again.Fields.Single().PageKey);
        Assert.Equal("labels_{{idx}}", again.Control("labels")!.FromName);
    }

    [Fact]
    public void ARepeaterOverPageImagesThemselvesWithItsOwnIndexFlagIsADocumentToo()
    {
        var import = LabelStudioConfig.Import("""
            <View><Repeater on="$scans" indexFlag="{{i}}"><Image name="scan{{i}}" value="$scans[{{i}}]"/>
              <RectangleLabels name="box{{i}}" toName="scan{{i}}"><Label value="Stamp"/></RectangleLabels></Repeater></View>
            """);

        Assert.Empty(import.Errors);
        var field = import.Schema!.Fields.Single();
        Assert.Equal(("scans", FieldType.Document, (string?)null), (field.Name, field.Type, field.PageKey));
        Assert.Equal(("box{{idx}}", "scan{{idx}}"), (import.Schema.Control("box")!.FromName, import.Schema.Control("box")!.ToName));
        Assert.Empty(import.Schema.ValidateTaskData(Json("""{ "scans": ["a.png", "b.png"] }""")));
    }

    [Fact]
    public void RepeaterPagesAreObjectsHoldingTheImageAndCountForBoxes()
    {
        var schema = LabelStudioConfig.Import(RepeaterConfig).Schema!;

        Assert.Empty(schema.ValidateTaskData(_repeaterData));
        var strings = schema.ValidateTaskData(Json("""{ "document": ["p1.png"] }"""));
        Assert.Equal(("/data/document/0", SchemaErrorCodes.DataMediaMissing), (strings.Single().Path, strings.Single().Code));
        Assert.Contains("'page'", strings.Single().Message, StringComparison.Ordinal);
        Assert.Single(schema.ValidateTaskData(Json("""{ "document": "a.pdf" }""")));

        var past = AnnotationValidator.Validate(schema, _repeaterData, Json("""
            { "labels": [ { "id": "b1", "label": "Title", "page": 2, "pageWidth": 600, "pageHeight": 800, "x": 1, "y": 1, "width": 5, "height": 5 } ] }
            """));

        Assert.Contains(past, e => e.Path == "/labels/0/page" && e.Code == SchemaErrorCodes.BoxPageOutOfRange);
    }

    [Fact]
    public void LabelStudioRepeaterResultsNameTheirPageBothWays()
    {
        var schema = LabelStudioConfig.Import(RepeaterConfig).Schema!;
        var schemaJson = Json(schema.ToJson());
        // As Label Studio writes them: from_name and to_name carry the page, no item_index.
        var ls = Json("""
            [ { "id": "r1", "from_name": "labels_1", "to_name": "page_1", "type": "rectanglelabels",
                "original_width": 1000, "original_height": 500, "image_rotation": 0,
                "value": { "x": 10, "y": 20, "width": 30, "height": 10, "rotation": 0, "rectanglelabels": ["Date"] } },
              { "id": "r1", "from_name": "transcription_1", "to_name": "page_1", "type": "textarea",
                "original_width": 1000, "original_height": 500, "image_rotation": 0,
                "value": { "x": 10, "y": 20, "width": 30, "height": 10, "rotation": 0, "text": ["2024-05-01"] } },
              { "id": "r2", "from_name": "labels_0", "to_name": "page_0", "type": "rectanglelabels",
                "original_width": 1000, "original_height": 500, "image_rotation": 0,
                "value": { "x": 0, "y": 0, "width": 50, "height": 10, "rotation": 0, "rectanglelabels": ["Title"] } } ]
            """);

        var native = LabelStudioResults.ToNative(ls, schemaJson, _repeaterData, null);

        Assert.Empty(native.Errors);
        var result = Json(native.Json);
        Assert.Equal([("r1", 1), ("r2", 0)], result.GetProperty("labels").EnumerateArray().Select(b => (b.GetProperty("id").GetString(), b.GetProperty("page").GetInt32())));
        Assert.Equal("2024-05-01", result.GetProperty("transcription").GetProperty("r1").GetString());
        Assert.Empty(AnnotationValidator.Validate(schema, _repeaterData, result));

        var back = LabelStudioResults.FromNative(result, schemaJson, _repeaterData, null);

        Assert.Empty(back.Errors);
        var items = Json(back.Json).EnumerateArray()
            .Select(i => (i.GetProperty("id").GetString(), i.GetProperty("from_name").GetString(), i.GetProperty("to_name").GetString(), i.TryGetProperty("item_index", out _)))
            .OrderBy(i => i.Item2, StringComparer.Ordinal).ToList();
        Assert.Equal([("r2", "labels_0", "page_0", false), ("r1", "labels_1", "page_1", false), ("r1", "transcription_1", "page_1", false)], items);
        // And the export loads back to the same result.
        Assert.Equal(native.Json, LabelStudioResults.ToNative(Json(back.Json), schemaJson, _repeaterData, null).Json);
    }

    [Fact]
    public void LabelStudioRepeaterOfOtherObjectsOrPerPageAnswersIsRefusedWithItsReason()
    {
        var html = LabelStudioConfig.Import("""
            <View><Repeater on="$pdf" indexFlag="{{idx}}"><HyperText name="page_{{idx}}" value="$pdf[{{idx}}].page"/></Repeater></View>
            """);
        var rating = LabelStudioConfig.Import("""
            <View><Repeater on="$document" indexFlag="{{idx}}"><Image name="page_{{idx}}" value="$document[{{idx}}].page"/>
              <RectangleLabels name="labels_{{idx}}" toName="page_{{idx}}"><Label value="Title"/></RectangleLabels>
              <Rating name="rating_{{idx}}" toName="page_{{idx}}"/></Repeater></View>
            """);
        var unnamed = LabelStudioConfig.Import("""
            <View><Repeater on="$document"><Image name="page_{{idx}}" value="$document[{{idx}}]"/>
              <RectangleLabels name="labels" toName="page_{{idx}}"><Label value="Title"/></RectangleLabels></Repeater></View>
            """);

        Assert.Equal((SchemaErrorCodes.LabelStudioRepeater, "/View[1]/Repeater[1]"), (html.Errors.Single().Code, html.Errors.Single().Path));
        Assert.Contains("<HyperText>", html.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Equal((SchemaErrorCodes.LabelStudioRepeaterPerItem, "/View[1]/Repeater[1]/Rating[1]"), (rating.Errors.Single().Code, rating.Errors.Single().Path));
        Assert.Equal(SchemaErrorCodes.LabelStudioRepeater, unnamed.Errors.Single().Code);
    }

    [Fact]
    public async Task CocoNamesTheImagesOfRepeaterPages()
    {
        var schemaJson = LabelStudioConfig.Import(RepeaterConfig).Schema!.ToJson();
        var task = new ExportTask(7, null, _repeaterData.GetRawText(), "done",
            [new ExportAnnotation(1, "a", """{ "labels": [ { "id": "b1", "label": "Date", "page": 1, "pageWidth": 600, "pageHeight": 800, "x": 1, "y": 1, "width": 5, "height": 5 } ] }""",
                DateTimeOffset.UnixEpoch, null, 1, null, true)],
            new Dictionary<string, MediaInfo> { ["p1.png"] = new("p1.png", "image/png", 600, 800) });

        var text = await ExportTests.ExportAsync(ExportFormat.Coco, [task], schemaJson);

        using var doc = JsonDocument.Parse(text);
        Assert.Equal(["p1.png", "p2.png"], doc.RootElement.GetProperty("images").EnumerateArray().Select(i => i.GetProperty("file_name").GetString()));
    }
}

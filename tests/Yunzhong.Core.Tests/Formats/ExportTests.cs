using System.Text;
using System.Text.Json;
using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

public class ExportTests
{
    private static readonly DateTimeOffset _at = new(2026, 11, 23, 8, 30, 0, TimeSpan.FromHours(8));

    private static ExportAnnotation Ann(long id, string annotator, string result, bool final = true, int version = 1, string? review = null, double? lead = 12.5) =>
        new(id, annotator, result, _at, lead, version, review, final);

    internal static async Task<string> ExportAsync(ExportFormat format, IEnumerable<ExportTask> tasks, string schema = LabelStudioTests.SchemaJson, bool history = false)
    {
        var output = new MemoryStream();
        var writer = ExportWriter.Create(format, output, Json(schema), new ExportOptions { IncludeHistory = history, TempStreamFactory = () => new MemoryStream() });
        foreach (var t in tasks)
        {
            await writer.WriteTaskAsync(t, CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        Assert.Empty(writer.Problems);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public async Task JsonlWritesFinalAnnotationsWithRawDataAndResult()
    {
        var task = new ExportTask(7, "k7", "{\"text\":\"你好 😀\"}", "done",
        [
            Ann(1, "李四", "{\"quality\":3}", final: false, version: 1),
            Ann(2, "李四", "{\"quality\":4}", final: true, version: 2, review: "accepted"),
        ]);
        var bare = new ExportTask(8, null, "{}", "open", []);

        var text = await ExportAsync(ExportFormat.Jsonl, [task, bare]);

        // 08:30 at +08:00 is 00:30 UTC.
        Assert.Equal(
            "{\"id\":7,\"key\":\"k7\",\"data\":{\"text\":\"你好 😀\"},\"state\":\"done\",\"annotations\":[{\"id\":2,\"annotator\":\"李四\",\"result\":{\"quality\":4},\"created_at\":\"2026-11-23T00:30:00Z\",\"lead_time\":12.5,\"version\":2,\"review\":\"accepted\",\"final\":true}]}\n"
            + "{\"id\":8,\"key\":null,\"data\":{},\"state\":\"open\",\"annotations\":[]}\n",
            text);
    }

    [Fact]
    public async Task JsonlWithHistoryWritesEveryVersion()
    {
        var task = new ExportTask(7, null, "{}", "done",
            [Ann(1, "a", "{}", final: false), Ann(2, "a", "{}", final: true, version: 2)]);

        var text = await ExportAsync(ExportFormat.Jsonl, [task], history: true);

        using var doc = JsonDocument.Parse(text);
        var anns = doc.RootElement.GetProperty("annotations");
        Assert.Equal([1L, 2L], anns.EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));
        Assert.False(anns[0].GetProperty("final").GetBoolean());
    }

    [Fact]
    public async Task LabelStudioExportReadsBackThroughTheLabelStudioImporter()
    {
        var media = new Dictionary<string, MediaInfo> { ["img/1.jpg"] = new("1.jpg", "image/jpeg", 640, 480) };
        var tasks = new[]
        {
            new ExportTask(1, "k1", LabelStudioTests.TaskDataJson, "done", [Ann(10, "王五", LabelStudioTests.NativeJson)], media,
                Predictions: [new ExportPrediction("ner-2", LabelStudioTests.NativeJson, 0.75)]),
            new ExportTask(2, null, "{\"text\":\"abc\"}", "open", []),
        };

        var text = await ExportAsync(ExportFormat.LabelStudio, tasks);

        using var doc = JsonDocument.Parse(text);
        Assert.Equal(2, doc.RootElement.GetArrayLength());
        var first = doc.RootElement[0];
        Assert.Equal(1, first.GetProperty("id").GetInt64());
        Assert.Equal("k1", first.GetProperty("meta").GetProperty("key").GetString());
        Assert.Equal("王五", first.GetProperty("annotations")[0].GetProperty("created_username").GetString());

        var rows = await ReadAllAsync(text, ImportFormat.LabelStudio, new ImportOptions(Json(LabelStudioTests.SchemaJson), LabelStudioTests.Media));
        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal("1", rows[0].Key);
        var imported = Assert.Single(rows[0].Annotations);
        Assert.Equal("王五", imported.Author);
        AssertJsonEqual(LabelStudioTests.NativeJson, imported.ResultJson);
        var prediction = Assert.Single(rows[0].Predictions);
        Assert.Equal("ner-2", prediction.Author);
        Assert.Equal(0.75, prediction.Score);
        AssertJsonEqual(LabelStudioTests.NativeJson, prediction.ResultJson);
        Assert.Empty(rows[1].Annotations);
        Assert.Empty(rows[1].Predictions);
        Assert.Equal(0, doc.RootElement[1].GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task JsonlWritesPredictionsThatImportBack()
    {
        var task = new ExportTask(3, "k3", "{\"text\":\"天气很好\"}", "new", [],
            Predictions: [new ExportPrediction("sentiment-v1", "{\"label\":[\"pos\"]}", 0.5), new ExportPrediction("rules", "{\"label\":[\"neu\"]}", null)]);

        var text = await ExportAsync(ExportFormat.Jsonl, [task]);

        Assert.Contains("\"predictions\":[{\"model\":\"sentiment-v1\",\"result\":{\"label\":[\"pos\"]},\"score\":0.5},{\"model\":\"rules\",\"result\":{\"label\":[\"neu\"]}}]", text);
        var row = Assert.Single(await ReadAllAsync(text, ImportFormat.Jsonl));
        Assert.Null(row.Error);
        Assert.Equal(["sentiment-v1", "rules"], row.Predictions.Select(p => p.Author));
        Assert.Equal([0.5, null], row.Predictions.Select(p => p.Score));
        AssertJsonEqual("{\"label\":[\"neu\"]}", row.Predictions[1].ResultJson);
    }

    [Fact]
    public async Task LabelStudioExportReportsRegionsItCannotConvert()
    {
        var output = new MemoryStream();
        var writer = ExportWriter.Create(ExportFormat.LabelStudio, output, Json(LabelStudioTests.SchemaJson), new ExportOptions());
        await writer.WriteTaskAsync(new ExportTask(3, null, LabelStudioTests.TaskDataJson, "done",
            [Ann(30, "a", "{\"boxes\":[{\"id\":\"r\",\"label\":\"car\",\"x\":1,\"y\":1,\"width\":2,\"height\":2,\"rotation\":0}],\"quality\":2}")]), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        var problem = Assert.Single(writer.Problems);
        Assert.Equal(3, problem.TaskId);
        Assert.Equal(30, problem.AnnotationId);
        using var doc = JsonDocument.Parse(output.ToArray());
        var result = doc.RootElement[0].GetProperty("annotations")[0].GetProperty("result");
        Assert.Equal("rating", Assert.Single(result.EnumerateArray()).GetProperty("type").GetString());
    }

    private const string CsvSchema = """
        { "fields": [ { "name": "text", "type": "text" }, { "name": "meta", "type": "json" } ],
          "controls": [
            { "name": "topic", "type": "choices", "field": "text", "multiple": true, "options": ["体育", "财经"] },
            { "name": "entities", "type": "spans", "field": "text", "labels": ["PER"] },
            { "name": "quality", "type": "rating" } ] }
        """;

    [Fact]
    public async Task CsvWritesOneRowPerFinalAnnotationWithQuotingAndJoinedChoices()
    {
        var tasks = new[]
        {
            new ExportTask(1, "k,1", "{\"text\":\"他说\\\"好\\\"，\\n然后走了\",\"meta\":{\"a\":1}}", "done",
            [
                Ann(1, "甲", "{\"topic\":[\"体育\",\"财经\"],\"quality\":5}"),
                Ann(2, "乙", "{\"topic\":[\"财经\"]}"),
                Ann(3, "乙", "{\"topic\":[\"体育\"]}", final: false),
            ]),
            new ExportTask(2, null, "{\"text\":\"plain\"}", "open", []),
        };

        var text = await ExportAsync(ExportFormat.Csv, tasks, CsvSchema);

        Assert.Equal(
            "\uFEFFid,key,text,meta,annotator,topic,quality\r\n"
            + "1,\"k,1\",\"他说\"\"好\"\"，\n然后走了\",\"{\"\"a\"\":1}\",甲,体育|财经,5\r\n"
            + "1,\"k,1\",\"他说\"\"好\"\"，\n然后走了\",\"{\"\"a\"\":1}\",乙,财经,\r\n"
            + "2,,plain,,,,\r\n",
            text);

        // Our own CSV reader takes the file back.
        var rows = await ReadAllAsync(text, ImportFormat.Csv);
        Assert.Equal(3, rows.Count);
        Assert.Equal("k,1", rows[0].Key);
        Assert.Equal("他说\"好\"，\n然后走了", JsonDocument.Parse(rows[0].DataJson).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task CsvNeutralisesCellsASpreadsheetWouldRunAsFormulasButKeepsNumbers()
    {
        const string schema = """
            { "fields": [ { "name": "text", "type": "text" }, { "name": "score", "type": "json" } ],
              "controls": [
                { "name": "topic", "type": "choices", "field": "text", "options": ["=SUM(A1)", "ok"] },
                { "name": "quality", "type": "rating" } ] }
            """;
        var tasks = new[]
        {
            new ExportTask(1, "@key", "{\"text\":\"=HYPERLINK(\\\"http://evil\\\",\\\"x\\\")\",\"score\":-3.5}", "done",
                [Ann(1, "+cmd|' /C calc'!A0", "{\"topic\":\"=SUM(A1)\",\"quality\":-2}")]),
            new ExportTask(2, "-1", "{\"text\":\"\\tlead tab\",\"score\":\"-2+3\"}", "done", [Ann(2, "-", "{\"topic\":\"ok\"}")]),
            new ExportTask(3, "\rcr", "{\"text\":\"-4.25e2\",\"score\":\"a=b\"}", "open", []),
        };

        var text = await ExportAsync(ExportFormat.Csv, tasks, schema);

        Assert.Equal(
            "\uFEFFid,key,text,score,annotator,topic,quality\r\n"
            + "1,\"'@key\",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",-3.5,\"'+cmd|' /C calc'!A0\",\"'=SUM(A1)\",-2\r\n"
            + "2,-1,\"'\tlead tab\",\"'-2+3\",\"'-\",ok,\r\n"
            + "3,\"'\rcr\",-4.25e2,a=b,,,\r\n",
            text);
    }

    [Fact]
    public async Task CsvWithHistoryAddsVersionAndFinalColumns()
    {
        var text = await ExportAsync(ExportFormat.Csv,
            [new ExportTask(1, null, "{\"text\":\"t\"}", "done", [Ann(1, "a", "{\"quality\":1}", final: false), Ann(2, "a", "{\"quality\":2}", version: 2)])],
            CsvSchema, history: true);

        Assert.Equal(
            "\uFEFFid,key,text,meta,annotator,version,final,topic,quality\r\n"
            + "1,,t,,a,1,false,,1\r\n"
            + "1,,t,,a,2,true,,2\r\n",
            text);
    }

    [Fact]
    public async Task ConllTagsAChineseSentenceWithTwoEntities()
    {
        // 张三(0..2) 在 阿里巴巴(3..7) 工作 。 | 他 很 开 心 ！
        var task = new ExportTask(1, null, "{\"text\":\"张三在阿里巴巴工作。他很开心！\"}", "done",
        [
            Ann(1, "a", "{\"entities\":[{\"id\":\"s2\",\"start\":3,\"end\":7,\"label\":\"ORG\"},{\"id\":\"s1\",\"start\":0,\"end\":2,\"label\":\"PER\"}]}"),
        ]);

        var text = await ExportAsync(ExportFormat.Conll, [task], CsvSchema);

        Assert.Equal(
            "张\tB-PER\n三\tI-PER\n在\tO\n阿\tB-ORG\n里\tI-ORG\n巴\tI-ORG\n巴\tI-ORG\n工\tO\n作\tO\n。\tO\n"
            + "\n"
            + "他\tO\n很\tO\n开\tO\n心\tO\n！\tO\n"
            + "\n",
            text);
    }

    [Fact]
    public async Task ConllOutermostSpanWinsAndLatinWordsAreWholeTokens()
    {
        // "Alice visited 北京 in 2024." — MISC 0..16 covers "Alice visited 北京"; PER 0..5 and LOC 14..16 lie inside it.
        var task = new ExportTask(1, null, "{\"text\":\"Alice visited 北京 in 2024. 😀ok\"}", "done",
        [
            Ann(1, "a", "{\"entities\":[{\"id\":\"p\",\"start\":0,\"end\":5,\"label\":\"PER\"},{\"id\":\"l\",\"start\":14,\"end\":16,\"label\":\"LOC\"},{\"id\":\"m\",\"start\":0,\"end\":16,\"label\":\"MISC\"},{\"id\":\"e\",\"start\":27,\"end\":29,\"label\":\"PER\"}]}"),
        ]);

        var text = await ExportAsync(ExportFormat.Conll, [task], CsvSchema);

        // Code points: "2024" 20..24, "." 24, space 25, "😀" 26, "ok" 27..29.
        Assert.Equal(
            "Alice\tB-MISC\nvisited\tI-MISC\n北\tI-MISC\n京\tI-MISC\nin\tO\n2024\tO\n.\tO\n"
            + "\n"
            + "😀\tO\nok\tB-PER\n"
            + "\n",
            text);
    }

    [Fact]
    public async Task ConllOfAnHtmlFieldTokenisesItsTextContentNotItsMarkup()
    {
        const string schema = """
            { "fields": [ { "name": "page", "type": "html" } ],
              "controls": [ { "name": "entities", "type": "spans", "field": "page", "labels": ["PER", "LOC"] } ] }
            """;
        // Text content "张三<b>在</b>北京" → "张三在北京": PER 0..2, LOC 3..5.
        var task = new ExportTask(1, null, "{\"page\":\"<p>张三<b>在</b>北京</p>\"}", "done",
        [
            Ann(1, "a", "{\"entities\":[{\"id\":\"p\",\"start\":0,\"end\":2,\"label\":\"PER\"},{\"id\":\"l\",\"start\":3,\"end\":5,\"label\":\"LOC\"}]}"),
        ]);

        var text = await ExportAsync(ExportFormat.Conll, [task], schema);

        Assert.Equal("张\tB-PER\n三\tI-PER\n在\tO\n北\tB-LOC\n京\tI-LOC\n\n", text);
    }

    [Fact]
    public async Task CocoHasImagesCategoriesAndAnnotationsWithHandComputedGeometry()
    {
        var text = await ExportAsync(ExportFormat.Coco, CocoSample());

        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        // Keypoints as COCO has them: a category per keypoints control, listing its keypoint names.
        Assert.Equal(["car", "road", "joints"], root.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal([1, 2, 3], root.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("id").GetInt32()));
        Assert.Equal(["nose"], root.GetProperty("categories")[2].GetProperty("keypoints").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(0, root.GetProperty("categories")[2].GetProperty("skeleton").GetArrayLength());
        Assert.Equal(0, root.GetProperty("licenses").GetArrayLength());

        var images = root.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        Assert.Equal(11, images[0].GetProperty("id").GetInt64());
        Assert.Equal("1.jpg", images[0].GetProperty("file_name").GetString());
        Assert.Equal(640, images[0].GetProperty("width").GetInt32());
        Assert.Equal(480, images[0].GetProperty("height").GetInt32());

        var anns = root.GetProperty("annotations").EnumerateArray().ToList();
        Assert.Equal(5, anns.Count);
        Assert.Equal([1L, 2, 3, 4, 5], anns.Select(a => a.GetProperty("id").GetInt64()));

        var box = anns[0];
        Assert.Equal(11, box.GetProperty("image_id").GetInt64());
        Assert.Equal(1, box.GetProperty("category_id").GetInt32());
        Assert.Equal([10.0, 20, 100, 50], box.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(5000, box.GetProperty("area").GetDouble());
        Assert.Equal([10.0, 20, 110, 20, 110, 70, 10, 70], box.GetProperty("segmentation")[0].EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(0, box.GetProperty("iscrowd").GetInt32());

        var polygon = anns[1];
        Assert.Equal(2, polygon.GetProperty("category_id").GetInt32());
        Assert.Equal([0.0, 0, 100, 80], polygon.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(4000, polygon.GetProperty("area").GetDouble()); // triangle, base 100, height 80

        // The nose lies inside the car's box, so the instance takes that box.
        var point = anns[2];
        Assert.Equal(3, point.GetProperty("category_id").GetInt32());
        Assert.Equal([12.5, 40, 2], point.GetProperty("keypoints").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(1, point.GetProperty("num_keypoints").GetInt32());
        Assert.Equal([10.0, 20, 100, 50], point.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));

        // 10×20 box at the origin turned 90° clockwise lies over x in [-20, 0], y in [0, 10].
        var rotated = anns[3].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(-20, rotated[0], 9);
        Assert.Equal(0, rotated[1], 9);
        Assert.Equal(20, rotated[2], 9);
        Assert.Equal(10, rotated[3], 9);
        Assert.Equal(200, anns[3].GetProperty("area").GetDouble());

        // Square with a notch: (0,0) (4,0) (4,4) (2,2) (0,4) has area 16 - 4 = 12.
        Assert.Equal(12, anns[4].GetProperty("area").GetDouble());
        Assert.Equal(12, anns[4].GetProperty("image_id").GetInt64());
    }

    [Fact]
    public async Task CocoReportsBadRegionsAndUnknownSizesAndWritesTheRest()
    {
        var output = new MemoryStream();
        var writer = ExportWriter.Create(ExportFormat.Coco, output, Json(LabelStudioTests.SchemaJson), new ExportOptions { TempStreamFactory = () => new MemoryStream() });
        await writer.WriteTaskAsync(new ExportTask(5, null, "{\"image\":\"x.png\"}", "done",
        [
            Ann(1, "a", "{\"boxes\":[{\"id\":\"r1\",\"label\":\"truck\",\"x\":1,\"y\":1,\"width\":1,\"height\":1},{\"id\":\"r2\",\"label\":\"car\",\"x\":1},{\"id\":\"r3\",\"label\":\"car\",\"x\":1,\"y\":2,\"width\":3,\"height\":4}]}"),
            Ann(2, "b", "{\"boxes\":[{"),
        ]), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal(
        [
            new ExportProblem(5, null, "the size of image 'x.png' is unknown"),
            new ExportProblem(5, 1, "boxes: label 'truck' is not a category"),
            new ExportProblem(5, 1, "boxes: region 'r2' lacks its geometry"),
            new ExportProblem(5, 2, "the result is not valid JSON"),
        ], writer.Problems);
        using var doc = JsonDocument.Parse(output.ToArray());
        var image = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray());
        Assert.Equal("x.png", image.GetProperty("file_name").GetString());
        Assert.False(image.TryGetProperty("width", out _));
        var ann = Assert.Single(doc.RootElement.GetProperty("annotations").EnumerateArray());
        Assert.Equal([1.0, 2, 3, 4], ann.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Theory]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Conll)]
    [InlineData(ExportFormat.LabelStudio)]
    public async Task BrokenStoredJsonIsAProblemNotAnException(ExportFormat format)
    {
        var output = new MemoryStream();
        var writer = ExportWriter.Create(format, output, Json(CsvSchema), new ExportOptions());
        await writer.WriteTaskAsync(new ExportTask(1, null, "{broken", "done", [Ann(8, "a", "{}")]), CancellationToken.None);
        await writer.WriteTaskAsync(new ExportTask(2, null, "{\"text\":\"ok\"}", "done", [Ann(9, "a", "[1,")]), CancellationToken.None);
        await writer.CompleteAsync(CancellationToken.None);

        Assert.Equal(
            [new ExportProblem(1, null, "the task data is not valid JSON"), new ExportProblem(2, 9, "the result is not valid JSON")],
            writer.Problems);
        if (format == ExportFormat.LabelStudio)
        {
            using var doc = JsonDocument.Parse(output.ToArray());
            Assert.Equal(2, Assert.Single(doc.RootElement.EnumerateArray()).GetProperty("id").GetInt64());
        }
    }

    [Fact]
    public void CocoWithoutTempStreamFactoryIsRejected()
    {
        Assert.Throws<ArgumentException>(() =>
            ExportWriter.Create(ExportFormat.Coco, new MemoryStream(), Json(LabelStudioTests.SchemaJson), new ExportOptions()));
    }

    [Fact]
    public async Task CocoKeypointsAreInstancesOfEveryNameGroupedByTheirBox()
    {
        const string schema = """
            { "fields": [ { "name": "image", "type": "image" } ],
              "controls": [ { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ "person" ] },
                            { "name": "pose", "type": "keypoints", "field": "image", "labels": [ "nose", "left_eye", "right_eye" ] } ] }
            """;
        var task = new ExportTask(5, null, "{\"image\":\"img/1.jpg\"}", "done",
        [
            Ann(1, "a", """
                { "pose": [ { "id": "n1", "label": "nose", "x": 15, "y": 15 }, { "id": "e1", "label": "right_eye", "x": 18, "y": 12 },
                            { "id": "n2", "label": "nose", "x": 105, "y": 110 }, { "id": "lost", "label": "left_eye", "x": 300, "y": 300 } ],
                  "boxes": [ { "id": "p1", "label": "person", "x": 10, "y": 10, "width": 20, "height": 40 },
                             { "id": "p2", "label": "person", "x": 100, "y": 100, "width": 30, "height": 30 },
                             { "id": "big", "label": "person", "x": 0, "y": 0, "width": 200, "height": 200 } ] }
                """),
        ], new Dictionary<string, MediaInfo> { ["img/1.jpg"] = new("1.jpg", "image/jpeg", 640, 480) });

        using var doc = JsonDocument.Parse(await ExportAsync(ExportFormat.Coco, [task], schema));
        var instances = doc.RootElement.GetProperty("annotations").EnumerateArray().Where(a => a.GetProperty("category_id").GetInt32() == 2).ToList();

        // n1 and e1 in p1 (the smallest box holding them, not "big"); n2 in p2; "lost" in none: three instances.
        Assert.Equal(3, instances.Count);
        Assert.Equal([15.0, 15, 2, 0, 0, 0, 18, 12, 2], instances[0].GetProperty("keypoints").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(2, instances[0].GetProperty("num_keypoints").GetInt32());
        Assert.Equal([10.0, 10, 20, 40], instances[0].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([105.0, 110, 2, 0, 0, 0, 0, 0, 0], instances[1].GetProperty("keypoints").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([100.0, 100, 30, 30], instances[1].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([0.0, 0, 0, 300, 300, 2, 0, 0, 0], instances[2].GetProperty("keypoints").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal([300.0, 300, 0, 0], instances[2].GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
    }

    internal static IEnumerable<ExportTask> CocoSample()
    {
        var media = new Dictionary<string, MediaInfo>
        {
            ["img/1.jpg"] = new("1.jpg", "image/jpeg", 640, 480),
            ["img/2.jpg"] = new("2.jpg", "image/jpeg", 100, 50),
        };
        yield return new ExportTask(11, null, "{\"image\":\"img/1.jpg\"}", "done",
        [
            Ann(1, "a", """
                { "boxes": [ { "id": "r1", "label": "car", "x": 10, "y": 20, "width": 100, "height": 50, "rotation": 0 } ],
                  "shapes": [ { "id": "p1", "label": "road", "points": [[0,0],[100,0],[50,80]] } ],
                  "joints": [ { "id": "k1", "label": "nose", "x": 12.5, "y": 40 } ],
                  "quality": 3 }
                """),
            Ann(2, "a", "{\"boxes\":[{\"id\":\"old\",\"label\":\"car\",\"x\":0,\"y\":0,\"width\":1,\"height\":1}]}", final: false),
        ], media);
        yield return new ExportTask(12, null, "{\"image\":\"img/2.jpg\"}", "done",
        [
            Ann(3, "b", """
                { "boxes": [ { "id": "r2", "label": "car", "x": 0, "y": 0, "width": 10, "height": 20, "rotation": 90 } ],
                  "shapes": [ { "id": "p2", "label": "road", "points": [[0,0],[4,0],[4,4],[2,2],[0,4]] } ] }
                """),
        ], media);
    }
}

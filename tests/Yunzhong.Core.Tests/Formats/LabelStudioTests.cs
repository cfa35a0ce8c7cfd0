using System.Text.Json;
using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

public class LabelStudioTests
{
    internal const string SchemaJson = """
        {
          "fields": [
            { "name": "text", "type": "text" }, { "name": "image", "type": "image" },
            { "name": "audio", "type": "audio" }, { "name": "responses", "type": "list" }
          ],
          "controls": [
            { "name": "sentiment", "type": "choices", "field": "text", "options": [ "positive", { "value": "negative" } ] },
            { "name": "entities", "type": "spans", "field": "text", "labels": [ { "value": "PER" }, { "value": "ORG" } ] },
            { "name": "links", "type": "relations", "spans": "entities", "labels": [ { "value": "works_for" } ] },
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": [ { "value": "car" } ] },
            { "name": "shapes", "type": "polygons", "field": "image", "labels": [ { "value": "road" } ] },
            { "name": "joints", "type": "keypoints", "field": "image", "labels": [ { "value": "nose" } ] },
            { "name": "turns", "type": "segments", "field": "audio", "labels": [ { "value": "speech" } ] },
            { "name": "transcript", "type": "transcription", "field": "audio", "perSegment": "turns" },
            { "name": "note", "type": "transcription" },
            { "name": "quality", "type": "rating", "max": 5 },
            { "name": "preference", "type": "ranking", "field": "responses", "mode": "rank", "rationale": true },
            { "name": "pair", "type": "ranking", "field": "responses", "mode": "pairwise" }
          ]
        }
        """;

    // 😀 is two UTF-16 units, so every code point offset after it is one less than Label Studio's.
    internal const string TaskDataJson = """
        { "text": "😀张三在阿里巴巴工作", "image": "img/1.jpg", "audio": "a.wav",
          "responses": [ { "id": "a", "text": "x" }, { "id": "b", "text": "y" }, { "id": "c", "text": "z" } ] }
        """;

    internal const string NativeJson = """
        {
          "sentiment": ["positive"],
          "entities": [
            { "id": "s1", "start": 1, "end": 3, "label": "PER", "text": "张三" },
            { "id": "s2", "start": 4, "end": 8, "label": "ORG", "text": "阿里巴巴" }
          ],
          "links": [ { "from": "s1", "to": "s2", "label": "works_for" } ],
          "boxes": [ { "id": "r1", "label": "car", "x": 10, "y": 20, "width": 100, "height": 50, "rotation": 0 } ],
          "shapes": [ { "id": "p1", "label": "road", "points": [[0,0],[100,0],[50,80]] } ],
          "joints": [ { "id": "k1", "label": "nose", "x": 12.5, "y": 40 } ],
          "turns": [ { "id": "g1", "start": 0.52, "end": 3.1, "label": "speech" } ],
          "transcript": { "g1": "你好 world" },
          "note": "整体 note",
          "quality": 4,
          "preference": { "order": ["b", "a", "c"], "rationale": "b is clearer" },
          "pair": { "preferred": "tie" }
        }
        """;

    internal static MediaInfo? Media(string reference) =>
        reference == "img/1.jpg" ? new MediaInfo("1.jpg", "image/jpeg", 640, 480) : null;

    [Fact]
    public void NativeToLabelStudioAndBackGivesTheSameResultForEveryControlType()
    {
        var ls = LabelStudioResults.FromNative(Json(NativeJson), Json(SchemaJson), Json(TaskDataJson), Media);
        Assert.Empty(ls.Errors);

        var back = LabelStudioResults.ToNative(Json(ls.Json), Json(SchemaJson), Json(TaskDataJson), Media);

        Assert.Empty(back.Errors);
        AssertJsonEqual(NativeJson, back.Json);
    }

    [Theory]
    [InlineData("{\"pair\":{\"preferred\":\"a\"}}")]
    [InlineData("{\"pair\":{\"preferred\":\"b\",\"rationale\":\"shorter\"}}")]
    [InlineData("{\"entities\":[{\"id\":\"x\",\"start\":0,\"end\":10,\"label\":\"ORG\",\"text\":\"😀张三在阿里巴巴工作\"}]}")]
    [InlineData("{\"sentiment\":[\"positive\",\"negative\"]}")]
    [InlineData("{\"transcript\":{\"g9\":\"没有这个段\"}}")]
    [InlineData("{\"boxes\":[{\"id\":\"r\",\"label\":\"car\",\"x\":0.3333,\"y\":479.9999,\"width\":1,\"height\":0.0001,\"rotation\":45}]}")]
    public void MoreRoundTrips(string native)
    {
        var ls = LabelStudioResults.FromNative(Json(native), Json(SchemaJson), Json(TaskDataJson), Media);
        var back = LabelStudioResults.ToNative(Json(ls.Json), Json(SchemaJson), Json(TaskDataJson), Media);

        Assert.Empty(ls.Errors);
        Assert.Empty(back.Errors);
        AssertJsonEqual(native, back.Json);
    }

    [Fact]
    public void FromNativeWritesUtf16OffsetsAndPercentCoordinates()
    {
        var ls = LabelStudioResults.FromNative(Json(NativeJson), Json(SchemaJson), Json(TaskDataJson), Media);
        var items = Json(ls.Json).EnumerateArray().ToList();

        var s2 = items.Single(i => i.TryGetProperty("id", out var id) && id.GetString() == "s2");
        Assert.Equal("labels", s2.GetProperty("type").GetString());
        Assert.Equal("entities", s2.GetProperty("from_name").GetString());
        Assert.Equal("text", s2.GetProperty("to_name").GetString());
        Assert.Equal(5, s2.GetProperty("value").GetProperty("start").GetInt32());
        Assert.Equal(9, s2.GetProperty("value").GetProperty("end").GetInt32());
        Assert.Equal("阿里巴巴", s2.GetProperty("value").GetProperty("text").GetString());

        var r1 = items.Single(i => i.TryGetProperty("id", out var id) && id.GetString() == "r1");
        Assert.Equal("rectanglelabels", r1.GetProperty("type").GetString());
        Assert.Equal(640, r1.GetProperty("original_width").GetInt32());
        var v = r1.GetProperty("value");
        Assert.Equal(1.5625, v.GetProperty("x").GetDouble());          // 10 / 640
        Assert.Equal(15.625, v.GetProperty("width").GetDouble());      // 100 / 640
        Assert.Equal(2000.0 / 480, v.GetProperty("y").GetDouble(), 9); // 20 / 480
        Assert.Equal("car", v.GetProperty("rectanglelabels")[0].GetString());

        var rel = items.Single(i => i.GetProperty("type").GetString() == "relation");
        Assert.Equal("s1", rel.GetProperty("from_id").GetString());
        Assert.Equal("s2", rel.GetProperty("to_id").GetString());

        var pair = items.Single(i => i.GetProperty("type").GetString() == "pairwise");
        Assert.Equal("none", pair.GetProperty("value").GetProperty("selected").GetString());

        var perSegment = items.Single(i => i.GetProperty("type").GetString() == "textarea" && i.GetProperty("id").GetString() == "g1");
        Assert.Equal(0.52, perSegment.GetProperty("value").GetProperty("start").GetDouble());
    }

    [Fact]
    public void ToNativeReadsALabelStudioExportResult()
    {
        const string ls = """
            [
              { "id": "e1", "from_name": "entities", "to_name": "text", "type": "labels",
                "value": { "start": 5, "end": 9, "text": "阿里巴巴", "labels": ["ORG"] } },
              { "id": "e2", "from_name": "entities", "to_name": "text", "type": "labels",
                "value": { "start": 0, "end": 4, "text": "😀张三", "labels": ["PER", "ORG"] } },
              { "from_id": "e1", "to_id": "e2", "type": "relation", "direction": "left", "labels": [] },
              { "id": "b1", "from_name": "boxes", "to_name": "image", "type": "rectanglelabels",
                "original_width": 800, "original_height": 600,
                "value": { "x": 50, "y": 25, "width": 10, "height": 20, "rotation": 0, "rectanglelabels": ["car"] } },
              { "id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": { "choices": ["negative"] } },
              { "id": "x9", "from_name": "preference", "to_name": "responses", "type": "ranker", "value": { "ranker": { "_": ["a", "b", "c"], "rank": ["c", "b", "a"] } } }
            ]
            """;
        var native = LabelStudioResults.ToNative(Json(ls), Json(SchemaJson), Json(TaskDataJson), null);

        Assert.Empty(native.Errors);
        AssertJsonEqual("""
            {
              "sentiment": ["negative"],
              "entities": [
                { "id": "e1", "label": "ORG", "start": 4, "end": 8, "text": "阿里巴巴" },
                { "id": "e2", "label": "PER", "start": 0, "end": 3, "text": "😀张三" },
                { "id": "e2_2", "label": "ORG", "start": 0, "end": 3, "text": "😀张三" }
              ],
              "links": [ { "from": "e2", "to": "e1", "direction": "left" } ],
              "boxes": [ { "id": "b1", "label": "car", "x": 400, "y": 150, "width": 80, "height": 120, "rotation": 0 } ],
              "preference": { "order": ["c", "b", "a"] },
              "$ids": { "sentiment": "c1", "preference": "x9" }
            }
            """, native.Json);
    }

    [Fact]
    public void SpanOffsetInsideASurrogatePairIsRejected()
    {
        const string ls = """
            [ { "id": "e1", "from_name": "entities", "to_name": "text", "type": "labels",
                "value": { "start": 1, "end": 4, "labels": ["PER"] } } ]
            """;
        var native = LabelStudioResults.ToNative(Json(ls), Json(SchemaJson), Json(TaskDataJson), null);

        var error = Assert.Single(native.Errors);
        Assert.Contains("surrogate", error);
        Assert.Equal("{}", native.Json);
    }

    [Fact]
    public void ImageRegionWithoutAnyKnownSizeIsAnErrorBothWays()
    {
        const string ls = """
            [ { "id": "k", "from_name": "joints", "to_name": "image", "type": "keypointlabels",
                "value": { "x": 50, "y": 50, "keypointlabels": ["nose"] } } ]
            """;
        var toNative = LabelStudioResults.ToNative(Json(ls), Json(SchemaJson), Json(TaskDataJson), null);
        var fromNative = LabelStudioResults.FromNative(
            Json("{\"joints\":[{\"id\":\"k\",\"label\":\"nose\",\"x\":1,\"y\":2}]}"), Json(SchemaJson), Json(TaskDataJson), null);

        Assert.Contains("size is unknown", Assert.Single(toNative.Errors));
        Assert.Contains("size of image 'img/1.jpg' is unknown", Assert.Single(fromNative.Errors));
    }

    [Fact]
    public void UnknownControlIsReported()
    {
        var native = LabelStudioResults.ToNative(
            Json("[{\"id\":\"1\",\"from_name\":\"nope\",\"type\":\"choices\",\"value\":{\"choices\":[\"x\"]}}]"),
            Json(SchemaJson), Json(TaskDataJson), null);

        Assert.Equal("result[0]: from_name 'nope' is not a control of the schema", Assert.Single(native.Errors));
    }

    [Fact]
    public async Task LabelStudioImportConvertsPredictionsAndAnnotations()
    {
        var content = $$"""
            [
              { "id": 17, "data": {{TaskDataJson}},
                "annotations": [ { "id": 1, "completed_by": { "email": "li@example.com" }, "was_cancelled": false,
                  "result": [ { "id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": { "choices": ["positive"] } } ] },
                  { "id": 2, "was_cancelled": true, "result": [] } ],
                "predictions": [ { "model_version": "bert-1", "score": 0.5,
                  "result": [ { "id": "r", "from_name": "quality", "to_name": "text", "type": "rating", "value": { "rating": 3 } } ] } ] },
              { "data": { "text": "x" },
                "annotations": [ { "result": [ { "id": "e", "from_name": "entities", "to_name": "text", "type": "labels",
                  "value": { "start": 0, "end": 5, "labels": ["PER"] } } ] } ] },
              { "text": "bare" }
            ]
            """;
        var rows = await ReadAllAsync(content, ImportFormat.LabelStudio, new ImportOptions(Json(SchemaJson), Media), chunk: 7);

        Assert.Equal(3, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal("17", rows[0].Key);
        AssertJsonEqual(TaskDataJson, rows[0].DataJsonString);
        // The file's own attribution is kept as it came, for the export to write back.
        Assert.Equal(new ImportedResult("{\"sentiment\":[\"positive\"],\"$ids\":{\"sentiment\":\"c1\"}}", "li@example.com", null)
        {
            SourceJson = "{\"completed_by\":{\"email\":\"li@example.com\"}}",
        }, Assert.Single(rows[0].Annotations));
        Assert.Equal(new ImportedResult("{\"quality\":3,\"$ids\":{\"quality\":\"r\"}}", "bert-1", 0.5), Assert.Single(rows[0].Predictions));

        Assert.Equal(9, rows[1].Error!.Line); // the data literal above spans two lines
        Assert.Equal("annotations[0].result[0]", rows[1].Error!.Field); // the item at fault, not the task
        Assert.Contains("offsets 0..5", rows[1].Error!.Message);

        Assert.Null(rows[2].Error);
        Assert.Equal("{\"text\":\"bare\"}", rows[2].DataJsonString);
    }

    [Fact]
    public async Task LabelStudioImportWithResultsButNoSchemaIsAnError()
    {
        var rows = await ReadAllAsync(
            "[{\"data\":{},\"annotations\":[{\"result\":[]}]}]", ImportFormat.LabelStudio);

        Assert.Equal(ImportError.Of(1, "annotations", "a label schema is needed to convert Label Studio results", ImportErrorCodes.NeedsSchema), Assert.Single(rows).Error);
    }

    [Theory]
    [InlineData("a😀b", 0, 0)]
    [InlineData("a😀b", 1, 1)]
    [InlineData("a😀b", 3, 2)]
    [InlineData("a😀b", 4, 3)]
    [InlineData("a😀b", 2, -1)]
    [InlineData("a😀b", 5, -1)]
    public void Utf16OffsetsBecomeCodePoints(string text, int utf16, int expected)
    {
        Assert.Equal(expected, LabelStudioResults.Utf16ToCodePoint(text, utf16));
    }
}

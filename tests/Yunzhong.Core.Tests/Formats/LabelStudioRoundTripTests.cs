using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>What a team moving from Label Studio found lost or refused, each fixed (issue 17).</summary>
public class LabelStudioRoundTripTests
{
    private const string Config = """
        <View>
          <Image name="img" value="$image"/>
          <RectangleLabels name="label" toName="img">
            <Label value="Car"/><Label value="Person"/>
          </RectangleLabels>
          <Text name="txt" value="$text"/>
          <Labels name="ner" toName="txt"><Label value="PER"/><Label value="ORG"/></Labels>
          <Relations><Relation value="works_for"/></Relations>
          <Choices name="topic" toName="txt"><Choice value="Sports"/><Choice value="News"/></Choices>
        </View>
        """;

    private static string SchemaFromConfig()
    {
        var import = LabelStudioConfig.Import(Config);
        Assert.Empty(import.Errors);
        return import.Schema!.ToJson();
    }

    private static MediaInfo? Media(string reference) =>
        reference == "a.jpg" ? new MediaInfo("a.jpg", "image/jpeg", 200, 100) : null;

    [Fact]
    public void ExportNamesTheObjectTagOfTheConfigNotTheDataVariable()
    {
        var schema = SchemaFromConfig();
        var controls = Json(schema).GetProperty("controls").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("img", controls["label"].GetProperty("toName").GetString());
        Assert.Equal("txt", controls["topic"].GetProperty("toName").GetString());
        Assert.Equal(schema, LabelSchema.Parse(schema).Schema!.ToJson()); // kept through a save

        var ls = LabelStudioResults.FromNative(
            Json("""{"label":[{"id":"r1","label":"Car","x":20,"y":10,"width":100,"height":50,"rotation":0}],"topic":["News"]}"""),
            Json(schema), Json("""{"image":"a.jpg","text":"t"}"""), Media);

        Assert.Empty(ls.Errors);
        var items = Json(ls.Json).EnumerateArray().ToList();
        Assert.Equal(["img", "txt"], items.Select(i => i.GetProperty("to_name").GetString()));
    }

    [Fact]
    public void ASchemaMadeHereStillNamesItsField()
    {
        var ls = LabelStudioResults.FromNative(
            Json("""{"sentiment":["positive"]}"""), Json(LabelStudioTests.SchemaJson), Json(LabelStudioTests.TaskDataJson), null);

        Assert.Equal("text", Json(ls.Json)[0].GetProperty("to_name").GetString());
    }

    [Fact]
    public void WholeTaskItemsKeepTheirLabelStudioIdsBothWays()
    {
        var schema = SchemaFromConfig();
        var data = Json("""{"image":"x.jpg","text":"t"}""");
        var given = Json("""
            [ { "id": "Tq9xk_01", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": ["News"] } } ]
            """);

        var native = LabelStudioResults.ToNative(given, Json(schema), data, null);

        Assert.Empty(native.Errors);
        Assert.Equal("""{"topic":["News"],"$ids":{"topic":"Tq9xk_01"}}""", native.Json);
        Assert.Empty(AnnotationValidator.Validate(LabelSchema.Parse(schema).Schema!, data, Json(native.Json)));
        var back = LabelStudioResults.FromNative(Json(native.Json), Json(schema), data, null);
        Assert.Empty(back.Errors);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.Nodes.JsonNode.Parse(given.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(back.Json)), back.Json);
    }

    [Fact]
    public void AnItemIdThatIsTheControlsNameNeedsNothingKept()
    {
        var native = LabelStudioResults.ToNative(Json("""
            [ { "id": "topic", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": ["News"] } } ]
            """), Json(SchemaFromConfig()), Json("""{"image":"x.jpg","text":"t"}"""), null);

        Assert.Equal("""{"topic":["News"]}""", native.Json); // what Yunzhong itself exported imports as it was
    }

    [Theory]
    [InlineData("""{"topic":["News"],"$ids":["Tq9"]}""", "/$ids")]
    [InlineData("""{"topic":["News"],"$ids":{"topic":7}}""", "/$ids/topic")]
    [InlineData("""{"topic":["News"],"$ids":{"topic":""}}""", "/$ids/topic")]
    [InlineData("""{"label":[],"$ids":{"label":"r1"}}""", "/$ids/label")]
    [InlineData("""{"topic":["News"],"$ids":{"nope":"x"}}""", "/$ids/nope")]
    public void KeptIdsThatAreNotTextOfAWholeTaskControlAreRefused(string result, string path)
    {
        var errors = AnnotationValidator.Validate(LabelSchema.Parse(SchemaFromConfig()).Schema!, Json("""{"image":"x.jpg","text":"t"}"""), Json(result));

        var error = Assert.Single(errors);
        Assert.Equal((path, SchemaErrorCodes.ResultIdsInvalid), (error.Path, error.Code));
    }

    [Fact]
    public void LabelsDifferingOnlyInCaseTakeTheConfigsSpelling()
    {
        var schema = SchemaFromConfig();
        var native = LabelStudioResults.ToNative(Json("""
            [ { "id": "r1", "from_name": "label", "to_name": "img", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
                "value": { "x": 10, "y": 10, "width": 20, "height": 20, "rectanglelabels": ["car"] } },
              { "id": "c", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": ["SPORTS"] } } ]
            """), Json(schema), Json("""{"image":"x.jpg","text":"t"}"""), null);

        Assert.Empty(native.Errors);
        var result = Json(native.Json);
        Assert.Equal("Car", result.GetProperty("label")[0].GetProperty("label").GetString());
        Assert.Equal("Sports", result.GetProperty("topic")[0].GetString());
        Assert.Empty(AnnotationValidator.Validate(LabelSchema.Parse(schema).Schema!, Json("""{"image":"x.jpg","text":"t"}"""), result));
    }

    [Fact]
    public void ALabelUnknownInAnyCaseIsStillRefused()
    {
        var schema = SchemaFromConfig();
        var native = LabelStudioResults.ToNative(Json("""
            [ { "id": "c", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": ["Weather"] } } ]
            """), Json(schema), Json("""{"image":"x.jpg","text":"t"}"""), null);

        var errors = AnnotationValidator.Validate(LabelSchema.Parse(schema).Schema!, Json("""{"image":"x.jpg","text":"t"}"""), Json(native.Json));
        Assert.Contains(errors, e => e.Message.Contains("Weather", StringComparison.Ordinal));
    }

    [Fact]
    public void ARelationWithAnEmptyLabelListIsAnUnlabelledRelation()
    {
        var schema = SchemaFromConfig();
        var data = Json("""{"image":"x.jpg","text":"张三在阿里"}""");
        var native = LabelStudioResults.ToNative(Json("""
            [ { "id": "a", "from_name": "ner", "to_name": "txt", "type": "labels", "value": { "start": 0, "end": 2, "labels": ["PER"] } },
              { "id": "b", "from_name": "ner", "to_name": "txt", "type": "labels", "value": { "start": 3, "end": 5, "labels": ["org"] } },
              { "from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": [] } ]
            """), Json(schema), data, null);

        Assert.Empty(native.Errors);
        var result = Json(native.Json);
        var relation = Assert.Single(result.GetProperty("relations").EnumerateArray());
        Assert.False(relation.TryGetProperty("label", out _));
        Assert.Equal("ORG", result.GetProperty("ner")[1].GetProperty("label").GetString());
        Assert.Empty(AnnotationValidator.Validate(LabelSchema.Parse(schema).Schema!, data, result));
    }

    [Fact]
    public void ARelationLabelNotOfTheControlIsStillRefused()
    {
        var schema = LabelSchema.Parse(SchemaFromConfig()).Schema!;
        var data = Json("""{"image":"x.jpg","text":"张三在阿里"}""");
        var result = Json("""
            { "ner": [ { "id": "a", "start": 0, "end": 2, "label": "PER" }, { "id": "b", "start": 3, "end": 5, "label": "ORG" } ],
              "relations": [ { "from": "a", "to": "b", "label": "married_to" } ] }
            """);

        var error = Assert.Single(AnnotationValidator.Validate(schema, data, result));
        Assert.Equal("/relations/0/label", error.Path);
    }

    [Theory]
    [InlineData(90, 10, 20, 20, "x + width = 110")]
    [InlineData(-5, 10, 20, 20, "x = -5")]
    [InlineData(10, 95, 20, 20, "y + height = 115")]
    public void ABoxPastTheImageEdgeIsRefused(double x, double y, double w, double h, string named)
    {
        var native = LabelStudioResults.ToNative(Json($$"""
            [ { "id": "r1", "from_name": "label", "to_name": "img", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
                "value": { "x": {{x}}, "y": {{y}}, "width": {{w}}, "height": {{h}}, "rectanglelabels": ["Car"] } } ]
            """), Json(SchemaFromConfig()), Json("""{"image":"x.jpg","text":"t"}"""), null);

        Assert.Contains(named, Assert.Single(native.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ABoxTouchingTheEdgeWithFloatNoiseIsKept()
    {
        var native = LabelStudioResults.ToNative(Json("""
            [ { "id": "r1", "from_name": "label", "to_name": "img", "type": "rectanglelabels", "original_width": 200, "original_height": 100,
                "value": { "x": 80, "y": 0, "width": 20.000000000000004, "height": 100, "rectanglelabels": ["Car"] } } ]
            """), Json(SchemaFromConfig()), Json("""{"image":"x.jpg","text":"t"}"""), null);

        Assert.Empty(native.Errors);
    }

    [Fact]
    public async Task LegacyCompletionsAreImportedAsAnnotations()
    {
        var content = """
            [ { "id": 3, "data": { "image": "x.jpg", "text": "t" },
                "completions": [ { "completed_by": 7, "result": [
                  { "id": "c", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": ["News"] } } ] } ] } ]
            """;
        var rows = await ReadAllAsync(content, ImportFormat.LabelStudio, new ImportOptions(Json(SchemaFromConfig())));

        var row = Assert.Single(rows);
        Assert.Null(row.Error);
        Assert.Equal(new ImportedResult("{\"topic\":[\"News\"],\"$ids\":{\"topic\":\"c\"}}", "7", null) { SourceJson = "{\"completed_by\":7}" },
            Assert.Single(row.Annotations));
    }

    [Fact]
    public async Task AnAnnotationsTimeLeadTimeAndGroundTruthAreRead()
    {
        var content = """
            [ { "data": { "image": "x.jpg", "text": "t" },
                "annotations": [
                  { "created_username": "li@example.com, 2", "created_at": "2024-11-02T10:00:00+08:00", "lead_time": 3.25, "ground_truth": true,
                    "result": [ { "id": "c", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": ["News"] } } ] },
                  { "lead_time": -1, "result": [] } ] } ]
            """;
        var row = Assert.Single(await ReadAllAsync(content, ImportFormat.LabelStudio, new ImportOptions(Json(SchemaFromConfig()))));

        Assert.Null(row.Error);
        Assert.Equal(DateTimeOffset.Parse("2024-11-02T02:00:00Z", System.Globalization.CultureInfo.InvariantCulture), row.Annotations[0].CreatedAt);
        Assert.Equal(3.25, row.Annotations[0].LeadTimeSeconds);
        Assert.Equal("li@example.com, 2", row.Annotations[0].Author);
        Assert.Null(row.Annotations[1].CreatedAt);
        Assert.Null(row.Annotations[1].LeadTimeSeconds); // a negative time is no time
        Assert.Equal("{\"topic\":[\"News\"],\"$ids\":{\"topic\":\"c\"}}", row.GoldAnswerJson);
    }

    [Theory]
    [InlineData("{ \"id\": 5,\n  \"data\": { \"text\": \"one task\" } }\n", 1)]
    [InlineData("{ \"data\": { \"text\": \"a\" } }\n{ \"data\": { \"text\": \"b\" } } ", 2)]
    public async Task AJsonFileHoldingTaskObjectsRatherThanAnArrayIsRead(string content, int count)
    {
        Assert.Equal(ImportFormat.Json, TaskImport.Detect("task.json", System.Text.Encoding.UTF8.GetBytes(content)));

        var rows = await ReadAllAsync(content, ImportFormat.LabelStudio, new ImportOptions(Json(SchemaFromConfig())), chunk: 5);

        Assert.Equal(count, rows.Count);
        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Contains("\"text\"", rows[^1].DataJsonString, StringComparison.Ordinal);
    }

    [Fact]
    public void ASingleLabelStudioTaskObjectIsDetectedAsLabelStudio()
    {
        var head = """{ "id": 1, "annotations": [ { "result": [ { "from_name": "topic" } ] } ], "data": {} }"""u8;

        Assert.Equal(ImportFormat.LabelStudio, TaskImport.Detect("export.json", head));
        Assert.Equal(ImportFormat.Jsonl, TaskImport.Detect("upload", head));
    }

    [Fact]
    public async Task AnUnclosedTaskObjectIsNamedByItsLine()
    {
        var rows = await ReadAllAsync("{ \"data\": { \"text\": \"a\" } }\n{ \"data\": ", ImportFormat.Json);

        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal(2, rows[1].Error!.Line);
        Assert.StartsWith("invalid JSON", rows[1].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARegionSplitByItsLabelsGoesBackAsOneWhileNothingElseNamesItsParts()
    {
        var schema = SchemaFromConfig();
        var relations = Json(schema).GetProperty("controls").EnumerateArray()
            .Single(c => c.GetProperty("type").GetString() == "relations").GetProperty("name").GetString();
        // r1/r1_2: one box with two labels; r2/r2_2: two boxes that only look like a split; e1_2 is named by a relation.
        var native = $$"""
            { "label": [
                { "id": "r1", "label": "Car", "score": 0.5, "x": 20, "y": 10, "width": 100, "height": 50, "rotation": 0 },
                { "id": "r1_2", "label": "Person", "score": 0.5, "x": 20, "y": 10, "width": 100, "height": 50, "rotation": 0 },
                { "id": "r2", "label": "Car", "x": 0, "y": 0, "width": 10, "height": 10, "rotation": 0 },
                { "id": "r2_2", "label": "Car", "x": 1, "y": 0, "width": 10, "height": 10, "rotation": 0 } ],
              "ner": [
                { "id": "e1", "label": "PER", "start": 0, "end": 2, "text": "张三" },
                { "id": "e1_2", "label": "ORG", "start": 0, "end": 2, "text": "张三" },
                { "id": "e3", "label": "ORG", "start": 3, "end": 5, "text": "阿里" } ],
              "{{relations}}": [ { "from": "e1_2", "to": "e3", "direction": "bi" } ] }
            """;

        var ls = LabelStudioResults.FromNative(Json(native), Json(schema), Json("""{"image":"a.jpg","text":"张三在阿里巴巴"}"""), Media);

        Assert.Empty(ls.Errors);
        var items = Json(ls.Json).EnumerateArray().ToList();
        string[] Labels(string id, string key) => items.Single(i => i.TryGetProperty("id", out var x) && x.GetString() == id).GetProperty("value").GetProperty(key).EnumerateArray().Select(x => x.GetString()!).ToArray();
        Assert.Equal(["r1", "r2", "r2_2", "e1", "e1_2", "e3"], items.Where(i => i.TryGetProperty("id", out _)).Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(["Car", "Person"], Labels("r1", "rectanglelabels"));
        Assert.Equal(0.5, items[0].GetProperty("score").GetDouble());
        Assert.Equal(["PER"], Labels("e1", "labels"));
        var relation = items.Single(i => i.GetProperty("type").GetString() == "relation");
        Assert.Equal(("e1_2", "e3", "bi"), (relation.GetProperty("from_id").GetString(), relation.GetProperty("to_id").GetString(), relation.GetProperty("direction").GetString()));

        // And Label Studio's one region with two labels comes back in as the two native regions it went out from.
        var back = LabelStudioResults.ToNative(Json(ls.Json), Json(schema), Json("""{"image":"a.jpg","text":"张三在阿里巴巴"}"""), Media);
        Assert.Empty(back.Errors);
        AssertJsonEqual(native, back.Json);
    }

    [Fact]
    public async Task AnAnnotationsAttributionUpdateTimeAndReviewAreReadAndKept()
    {
        const string Result = """[ { "id": "c", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": ["News"] } } ]""";
        var content = $$"""
            [ { "data": { "image": "x.jpg", "text": "t" },
                "annotations": [
                  { "completed_by": { "id": 3, "email": "wang@example.com" }, "created_username": " 3", "updated_at": "2024-11-03T00:00:00Z",
                    "last_action": "submitted", "reviews": [ { "accepted": false }, { "accepted": true } ], "result": {{Result}} },
                  { "completed_by": 4, "last_action": "fixed_and_accepted", "ground_truth": false, "result": {{Result}} },
                  { "completed_by": null, "reviews": [ { "accepted": false } ], "result": {{Result}} } ] } ]
            """;
        var row = Assert.Single(await ReadAllAsync(content, ImportFormat.LabelStudio, new ImportOptions(Json(SchemaFromConfig()))));

        Assert.Null(row.Error);
        var (a, b, c) = (row.Annotations[0], row.Annotations[1], row.Annotations[2]);
        // A user object's email is who made it, whatever created_username says; both are kept as they came.
        Assert.Equal("wang@example.com", a.Author);
        AssertJsonEqual("""{"completed_by":{"id":3,"email":"wang@example.com"},"created_username":" 3","last_action":"submitted"}""", a.SourceJson!);
        Assert.Equal(DateTimeOffset.Parse("2024-11-03T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), a.UpdatedAt);
        Assert.Equal("accepted", a.Review); // the last of Label Studio Enterprise's reviews
        Assert.Equal(("4", "fixed", false), (b.Author, b.Review, b.GroundTruth));
        Assert.Equal(("rejected", (string?)null), (c.Review, c.SourceJson));
    }
}

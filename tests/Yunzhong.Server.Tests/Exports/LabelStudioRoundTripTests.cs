using System.Text.Json.Nodes;

namespace Yunzhong.Server.Tests.Exports;

/// <summary>
/// Label Studio JSON in → Yunzhong → Label Studio JSON out, on images the project never uploaded
/// (the usual case: tasks point at the client's URLs), through the real import and export.
/// </summary>
public abstract class LabelStudioRoundTripTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private static readonly object _boxSchema = new
    {
        fields = new[] { new { name = "image", type = "image" } },
        controls = new object[] { new { name = "label", type = "rectangles", field = "image", labels = new[] { "Car" }, toName = "img" } },
    };

    [Fact]
    public async Task RegionsOnAnImageOnlyAUrlNamesComeBackWithTheirSizeAndObjectName()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id, _boxSchema);
        // The annotation states the image size; the ML backend's prediction does not (it never does).
        var body = """
            [ { "id": 1, "data": { "image": "https://cdn.example.com/street/1.jpg" },
                "annotations": [ { "result": [ { "id": "a1", "from_name": "label", "to_name": "img", "type": "rectanglelabels",
                  "original_width": 1000, "original_height": 500,
                  "value": { "x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0, "rectanglelabels": ["car"] } } ] } ],
                "predictions": [ { "model_version": "yolo-8", "score": 0.9, "result": [ { "id": "p1", "from_name": "label", "to_name": "img",
                  "type": "rectanglelabels", "value": { "x": 50, "y": 50, "width": 10, "height": 10, "rectanglelabels": ["Car"] } } ] } ] } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, body, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });

        Assert.Equal(ExportStatus.Done, job.Status);
        Assert.Null(job.Error);
        var task = Assert.Single(JsonDocument.Parse(text).RootElement.EnumerateArray());
        var box = Assert.Single(task.GetProperty("annotations")[0].GetProperty("result").EnumerateArray());
        Assert.Equal("img", box.GetProperty("to_name").GetString());
        Assert.Equal((1000, 500), (box.GetProperty("original_width").GetInt32(), box.GetProperty("original_height").GetInt32()));
        var value = box.GetProperty("value");
        Assert.Equal((10.0, 20.0, 30.0, 40.0), (value.GetProperty("x").GetDouble(), value.GetProperty("y").GetDouble(),
            value.GetProperty("width").GetDouble(), value.GetProperty("height").GetDouble()));
        Assert.Equal(["Car"], value.GetProperty("rectanglelabels").Strings()); // the config's spelling
        var predicted = Assert.Single(task.GetProperty("predictions")[0].GetProperty("result").EnumerateArray());
        Assert.Equal(50.0, predicted.GetProperty("value").GetProperty("x").GetDouble());
    }

    [Fact]
    public async Task OcrBoxesWithTheirTextComeBackFromLabelStudioAsTheyWent()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var schema = Yunzhong.Core.Schema.LabelStudioConfig.Import("""
            <View>
              <Image name="image" value="$ocr"/>
              <Rectangle name="bbox" toName="image" strokeWidth="3"/>
              <TextArea name="transcription" toName="image" editable="true" perRegion="true" required="true"/>
              <Choices name="script" toName="image" perRegion="true"><Choice value="Latin"/><Choice value="Han"/></Choices>
            </View>
            """).Schema!.ToJson();
        var project = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        const string Geometry = """ "original_width": 200, "original_height": 100, "image_rotation": 0 """;
        var result = $$"""
            [ { "id": "r1", "from_name": "bbox", "to_name": "image", "type": "rectangle", "value": { "x": 5, "y": 10, "width": 25, "height": 20, "rotation": 0 }, {{Geometry}} },
              { "id": "r2", "from_name": "bbox", "to_name": "image", "type": "rectangle", "value": { "x": 50, "y": 40, "width": 30, "height": 10, "rotation": 0 }, {{Geometry}} },
              { "id": "r1", "from_name": "transcription", "to_name": "image", "type": "textarea", "value": { "x": 5, "y": 10, "width": 25, "height": 20, "rotation": 0, "text": [ "EXIT" ] }, {{Geometry}} },
              { "id": "r2", "from_name": "transcription", "to_name": "image", "type": "textarea", "value": { "x": 50, "y": 40, "width": 30, "height": 10, "rotation": 0, "text": [ "出口" ] }, {{Geometry}} },
              { "id": "r2", "from_name": "script", "to_name": "image", "type": "choices", "value": { "x": 50, "y": 40, "width": 30, "height": 10, "rotation": 0, "choices": [ "Han" ] }, {{Geometry}} } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project,
            $$"""[ { "id": 7, "data": { "ocr": "https://cdn.example.com/signs/7.png" }, "annotations": [ { "result": {{result}} } ] } ]""", "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });
        Assert.Equal(ExportStatus.Done, job.Status);
        var exported = JsonNode.Parse(text)![0]!["annotations"]![0]!["result"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result), exported), exported.ToJsonString());

        await ImportsAgainAndExportsTheSameAsync(manager, org.Id, schema, text, exported);
    }

    /// <summary>The exported file, imported into a new project of the same schema, exports the same result.</summary>
    private static async Task ImportsAgainAndExportsTheSameAsync(Person manager, long orgId, string schema, string text, JsonNode exported)
    {
        var again = await TestData.ProjectAsync(manager, orgId, JsonDocument.Parse(schema).RootElement);
        using (var r = await TestData.ImportRawAsync(manager.Http, again, text, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (_, text2) = await manager.Http.ExportAsync(again, new { format = "labelstudio" });
        Assert.True(JsonNode.DeepEquals(exported, JsonNode.Parse(text2)![0]!["annotations"]![0]!["result"]), text2);
    }

    [Fact]
    public async Task VideoTracksFromLabelStudioComeBackWithTheirKeyframesAndImportAgain()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var schema = Yunzhong.Core.Schema.LabelStudioConfig.Import("""
            <View>
              <Labels name="videoLabels" toName="video"><Label value="Car"/><Label value="Person"/></Labels>
              <Video name="video" value="$video" framerate="25.0"/>
              <VideoRectangle name="box" toName="video"/>
            </View>
            """).Schema!.ToJson();
        var project = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        // Two tracks: one moving between two keyframes, one switched off at frame 40 and on again at 90.
        const string Result = """
            [ { "id": "Xk3d", "from_name": "box", "to_name": "video", "type": "videorectangle", "value": { "sequence": [
                  { "frame": 1, "enabled": true, "rotation": 0, "x": 12.5, "y": 20, "width": 33.3, "height": 18.75, "time": 0.04 },
                  { "frame": 31, "enabled": true, "rotation": 0, "x": 40.1, "y": 25, "width": 30, "height": 18.75, "time": 1.24 } ],
                "framesCount": 250, "duration": 10, "labels": [ "Car" ] } },
              { "id": "Pq7z", "from_name": "box", "to_name": "video", "type": "videorectangle", "value": { "sequence": [
                  { "frame": 10, "enabled": true, "rotation": 0, "x": 60, "y": 50, "width": 10, "height": 30, "time": 0.4 },
                  { "frame": 40, "enabled": false, "rotation": 0, "x": 70, "y": 50, "width": 10, "height": 30, "time": 1.6 },
                  { "frame": 90, "enabled": true, "rotation": 0, "x": 20, "y": 55, "width": 10, "height": 30, "time": 3.6 } ],
                "framesCount": 250, "duration": 10, "labels": [ "Person" ] } } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project,
            $$"""[ { "id": 3, "data": { "video": "https://cdn.example.com/road/3.mp4" }, "annotations": [ { "result": {{Result}} } ] } ]""", "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });
        Assert.Equal(ExportStatus.Done, job.Status);
        var exported = JsonNode.Parse(text)![0]!["annotations"]![0]!["result"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Result), exported), exported.ToJsonString());

        // Yunzhong's own JSON export has the same tracks, in its own shape.
        var (_, native) = await manager.Http.ExportAsync(project, new { format = "jsonl" });
        var tracks = JsonNode.Parse(native.Split('\n')[0])!["annotations"]![0]!["result"]!["box"]!.AsArray();
        Assert.Equal(["Car", "Person"], tracks.Select(t => t!["label"]!.GetValue<string>()));
        Assert.Equal([10, 40, 90], tracks[1]!["sequence"]!.AsArray().Select(k => k!["frame"]!.GetValue<int>()));

        await ImportsAgainAndExportsTheSameAsync(manager, org.Id, schema, text, exported);
    }

    private const string MixedConfig = """
        <View>
          <Image name="img" value="$image"/>
          <RectangleLabels name="box" toName="img"><Label value="Car"/><Label value="Person"/></RectangleLabels>
          <TextArea name="plate" toName="img" perRegion="true"/>
          <Text name="txt" value="$text"/>
          <Labels name="ner" toName="txt"><Label value="PER"/><Label value="ORG"/></Labels>
          <Relations><Relation value="works_for"/></Relations>
          <Choices name="topic" toName="txt"><Choice value="Sports"/><Choice value="News"/></Choices>
          <Rating name="quality" toName="txt" maxRating="5"/>
          <TextArea name="summary" toName="txt"/>
        </View>
        """;

    private const string Geometry = """ "original_width": 1000, "original_height": 500, "image_rotation": 0 """;

    /// <summary>The first annotation: boxes with a per-region text, spans with a relation, and the whole-task answers, each item with Label Studio's own id.</summary>
    private const string FirstResult = $$"""
        [ { "id": "Bx81kQz0aa", "from_name": "box", "to_name": "img", "type": "rectanglelabels", {{Geometry}},
            "value": { "x": 10, "y": 20, "width": 30.5, "height": 40.25, "rotation": 0, "rectanglelabels": [ "Car" ] } },
          { "id": "Bx81kQz0aa", "from_name": "plate", "to_name": "img", "type": "textarea", {{Geometry}},
            "value": { "x": 10, "y": 20, "width": 30.5, "height": 40.25, "rotation": 0, "text": [ "沪A·12345" ] } },
          { "id": "P7_-mm2Lq1", "from_name": "box", "to_name": "img", "type": "rectanglelabels", {{Geometry}},
            "value": { "x": 60, "y": 10, "width": 12, "height": 50, "rotation": 0, "rectanglelabels": [ "Person" ] } },
          { "id": "e1ZZ", "from_name": "ner", "to_name": "txt", "type": "labels", "value": { "start": 0, "end": 2, "text": "张三", "labels": [ "PER" ] } },
          { "id": "e2YY", "from_name": "ner", "to_name": "txt", "type": "labels", "value": { "start": 3, "end": 7, "text": "阿里巴巴", "labels": [ "ORG" ] } },
          { "from_id": "e1ZZ", "to_id": "e2YY", "type": "relation", "direction": "right", "labels": [ "works_for" ] },
          { "id": "Tq9xk_01", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": [ "News" ] } },
          { "id": "Rt77aa", "from_name": "quality", "to_name": "txt", "type": "rating", "value": { "rating": 4 } },
          { "id": "Sm00010203", "from_name": "summary", "to_name": "txt", "type": "textarea", "value": { "text": [ "张三在阿里巴巴工作" ] } } ]
        """;

    private const string SecondResult = $$"""
        [ { "id": "Zq1", "from_name": "box", "to_name": "img", "type": "rectanglelabels", {{Geometry}},
            "value": { "x": 11, "y": 21, "width": 29, "height": 40, "rotation": 0, "rectanglelabels": [ "Car" ] } },
          { "id": "Zq2", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": [ "Sports" ] } } ]
        """;

    private const string PredictedResult = $$"""
        [ { "id": "pred-box-1", "from_name": "box", "to_name": "img", "type": "rectanglelabels", {{Geometry}},
            "value": { "x": 9, "y": 19, "width": 31, "height": 41, "rotation": 0, "rectanglelabels": [ "Car" ] } },
          { "id": "pred-topic", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": [ "News" ] } } ]
        """;

    [Fact]
    public async Task ARealLabelStudioExportComesBackWithEveryItemIdAndAnnotationFieldBothSidesHold()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var import = Yunzhong.Core.Schema.LabelStudioConfig.Import(MixedConfig);
        Assert.Empty(import.Errors);
        var schema = import.Schema!.ToJson();
        var project = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        // As Label Studio 1.13 exports a task (fields it keeps for itself, such as inner_id, left in).
        var file = $$"""
            [ { "id": 42, "inner_id": 7, "project": 3, "total_annotations": 2, "cancelled_annotations": 0,
                "created_at": "2024-10-30T08:00:00.000000Z", "updated_at": "2024-11-02T02:00:00.000000Z",
                "data": { "image": "https://cdn.example.com/street/42.jpg", "text": "张三在阿里巴巴工作。" },
                "meta": {},
                "annotations": [
                  { "id": 1001, "completed_by": 12, "created_username": "{{annotator.Email}}, 12", "created_ago": "3 days",
                    "was_cancelled": false, "ground_truth": true, "created_at": "2024-11-02T02:00:00.125Z",
                    "updated_at": "2024-11-02T02:00:05.000000Z", "lead_time": 42.75, "result_count": 9, "task": 42, "project": 3,
                    "result": {{FirstResult}} },
                  { "id": 1002, "completed_by": 99, "created_username": "outsider@example.com, 99", "was_cancelled": false,
                    "ground_truth": false, "created_at": "2024-11-03T09:30:00Z", "lead_time": 3.5, "result": {{SecondResult}} } ],
                "predictions": [ { "id": 501, "model_version": "yolo-8", "score": 0.85, "created_ago": "4 days", "result": {{PredictedResult}} } ] } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, file, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });

        Assert.Equal(ExportStatus.Done, job.Status);
        Assert.Null(job.Error);
        var task = Assert.Single(JsonNode.Parse(text)!.AsArray())!;
        var given = JsonNode.Parse(file)![0]!;
        Assert.True(JsonNode.DeepEquals(given["data"], task["data"]), task["data"]!.ToJsonString());
        Assert.Equal("42", task["meta"]!["key"]!.GetValue<string>()); // Label Studio's task id, kept as the task's key
        var annotations = task["annotations"]!.AsArray();
        Assert.Equal(2, annotations.Count);
        for (var i = 0; i < 2; i++)
        {
            var (want, got) = (given["annotations"]![i]!, annotations[i]!);
            AssertSameItems(want["result"]!, got["result"]!);
            Assert.Equal(want["lead_time"]!.GetValue<double>(), got["lead_time"]!.GetValue<double>());
            Assert.Equal(DateTimeOffset.Parse(want["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(got["created_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
            Assert.False(got["was_cancelled"]!.GetValue<bool>());
        }

        // The member the file names by email made the first annotation; the one nobody here has is the importer's.
        var users = await fx.QueryAsync<long>("SELECT user_id FROM annotations WHERE project_id = @project ORDER BY id", new { project });
        Assert.Equal([annotator.Id, manager.Id], users);
        // Either way the file's own attribution goes back out as it came.
        Assert.Equal([$"{annotator.Email}, 12", "outsider@example.com, 99"], annotations.Select(a => a!["created_username"]!.GetValue<string>()));
        Assert.Equal([12, 99], annotations.Select(a => a!["completed_by"]!.GetValue<int>()));
        // ground_truth made the first annotation the task's gold answer, ids and all.
        var gold = await fx.QueryScalarAsync<string>("SELECT gold_json FROM tasks WHERE project_id = @project", new { project });
        Assert.Equal("Tq9xk_01", JsonNode.Parse(gold)!["$ids"]!["topic"]!.GetValue<string>());

        var prediction = Assert.Single(task["predictions"]!.AsArray())!;
        Assert.Equal("yolo-8", prediction["model_version"]!.GetValue<string>());
        Assert.Equal(0.85, prediction["score"]!.GetValue<double>());
        AssertSameItems(given["predictions"]![0]!["result"]!, prediction["result"]!);

        // And the exported file, imported again, exports the same results.
        var again = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        using (var r = await TestData.ImportRawAsync(manager.Http, again, text, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (_, text2) = await manager.Http.ExportAsync(again, new { format = "labelstudio" });
        var task2 = JsonNode.Parse(text2)![0]!;
        for (var i = 0; i < 2; i++)
        {
            AssertSameItems(given["annotations"]![i]!["result"]!, task2["annotations"]![i]!["result"]!);
        }

        AssertSameItems(given["predictions"]![0]!["result"]!, task2["predictions"]![0]!["result"]!);
    }

    /// <summary>The same result items, in any order (Label Studio's order carries nothing).</summary>
    private static void AssertSameItems(JsonNode want, JsonNode got)
    {
        static List<string> Sorted(JsonNode n) => [.. n.AsArray().Select(i => Canonical(i!).ToJsonString()).Order(StringComparer.Ordinal)];
        Assert.Equal(Sorted(want), Sorted(got));
    }

    /// <summary>The node with every object's keys in order, so equal JSON writes the same text.</summary>
    private static JsonNode Canonical(JsonNode node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : Canonical(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(x => x is null ? null : Canonical(x))]),
        JsonValue v when v.TryGetValue<double>(out var d) => JsonValue.Create(d),
        _ => node.DeepClone(),
    };

    private const string TopicConfig = """
        <View>
          <Text name="txt" value="$text"/>
          <Choices name="topic" toName="txt"><Choice value="Sports"/><Choice value="News"/></Choices>
        </View>
        """;

    private static string Choice(string id, string choice) =>
        $$"""[ { "id": "{{id}}", "from_name": "topic", "to_name": "txt", "type": "choices", "value": { "choices": [ "{{choice}}" ] } } ]""";

    [Fact]
    public async Task AnnotatorsTimesGroundTruthAndReviewStatesComeBackAsLabelStudioWroteThem()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var annotator = await org.PersonAsync(Roles.Annotator);
        var schema = Yunzhong.Core.Schema.LabelStudioConfig.Import(TopicConfig).Schema!.ToJson();
        var project = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        // completed_by as an object with an email and no created_username (an API export), as a bare id with
        // created_username, and as an id nobody here has; each with its own times, ground truth and review.
        var file = $$"""
            [ { "id": 5, "data": { "text": "张三在阿里巴巴工作。" },
                "annotations": [
                  { "id": 11, "completed_by": { "id": 12, "email": "{{annotator.Email}}", "first_name": "San", "last_name": "Zhang" },
                    "created_at": "2024-11-02T02:00:00.125Z", "updated_at": "2024-11-04T10:20:30.500Z", "lead_time": 42.75,
                    "ground_truth": true, "last_action": "accepted", "was_cancelled": false, "result": {{Choice("c11", "News")}} },
                  { "id": 12, "completed_by": 99, "created_username": "outsider@example.com, 99",
                    "created_at": "2024-11-03T09:30:00Z", "updated_at": "2024-11-03T09:31:00Z", "lead_time": 3.5,
                    "ground_truth": false, "last_action": "rejected", "result": {{Choice("c12", "Sports")}} },
                  { "id": 13, "completed_by": 12, "created_username": "{{annotator.Email}}, 12",
                    "created_at": "2024-11-05T00:00:00Z", "updated_at": "2024-11-06T00:00:00Z", "lead_time": 8,
                    "ground_truth": false, "last_action": "fixed_and_accepted", "result": {{Choice("c13", "News")}} } ] } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, file, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        // The members the file names by email (object or created_username) made theirs; the stranger's is the importer's.
        var users = await fx.QueryAsync<long>("SELECT user_id FROM annotations WHERE project_id = @project ORDER BY id", new { project });
        Assert.Equal([annotator.Id, manager.Id, annotator.Id], users);
        // Reviewed there, reviewed here: the rejected one is kept but does not count, the accepted ones complete the task.
        var statuses = await fx.QueryAsync<string>("SELECT status FROM annotations WHERE project_id = @project ORDER BY id", new { project });
        Assert.Equal(["accepted", "rejected", "accepted"], statuses);
        Assert.Equal("accepted", await fx.QueryScalarAsync<string>("SELECT state FROM tasks WHERE project_id = @project", new { project }));

        var given = JsonNode.Parse(file)![0]!["annotations"]!.AsArray();
        var (_, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });
        AssertSameAnnotationFields(given, JsonNode.Parse(text)![0]!["annotations"]!.AsArray());

        // The export, imported again, exports the same.
        var again = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        using (var r = await TestData.ImportRawAsync(manager.Http, again, text, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (_, text2) = await manager.Http.ExportAsync(again, new { format = "labelstudio" });
        AssertSameAnnotationFields(given, JsonNode.Parse(text2)![0]!["annotations"]!.AsArray());
    }

    [Fact]
    public async Task AReviewersFixHereKeepsTheImportedAttributionAndGroundTruth()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var reviewer = await org.PersonAsync(Roles.Reviewer);
        var schema = Yunzhong.Core.Schema.LabelStudioConfig.Import(TopicConfig).Schema!.ToJson();
        var project = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        var file = $$"""
            [ { "id": 6, "data": { "text": "一" }, "annotations": [ { "completed_by": 99, "created_username": "outsider@example.com, 99",
                "ground_truth": true, "last_action": "submitted", "result": {{Choice("c1", "News")}} } ] } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, file, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var annotation = await fx.QueryScalarAsync<long>("SELECT id FROM annotations WHERE project_id = @project", new { project });
        using (var r = await reviewer.Http.PostAsJsonAsync($"api/annotations/{annotation}/review",
            new { action = "fix", comment = "体育", result = new { topic = new[] { "Sports" } } }, HttpJson.Options))
        {
            await r.OkAsync<ReviewResponse>("review");
        }

        var (_, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });
        var exported = Assert.Single(JsonNode.Parse(text)![0]!["annotations"]!.AsArray())!; // the fixed version
        Assert.Equal(99, exported["completed_by"]!.GetValue<int>());
        Assert.Equal("outsider@example.com, 99", exported["created_username"]!.GetValue<string>());
        Assert.True(exported["ground_truth"]!.GetValue<bool>());
        Assert.Equal("fixed_and_accepted", exported["last_action"]!.GetValue<string>()); // as Label Studio says of a reviewer's fix
        Assert.Equal(["Sports"], exported["result"]![0]!["value"]!["choices"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    private static void AssertSameAnnotationFields(JsonArray want, JsonArray got)
    {
        Assert.Equal(want.Count, got.Count);
        for (var i = 0; i < want.Count; i++)
        {
            var (w, g) = (want[i]!, got[i]!);
            Assert.True(JsonNode.DeepEquals(w["completed_by"], g["completed_by"]), $"annotation {i}: {g.ToJsonString()}");
            if (w["created_username"] is { } name)
            {
                Assert.Equal(name.GetValue<string>(), g["created_username"]?.GetValue<string>());
            }

            foreach (var time in (string[])["created_at", "updated_at"])
            {
                Assert.Equal(DateTimeOffset.Parse(w[time]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
                    DateTimeOffset.Parse(g[time]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
            }

            Assert.Equal(w["lead_time"]!.GetValue<double>(), g["lead_time"]!.GetValue<double>());
            Assert.Equal(w["ground_truth"]!.GetValue<bool>(), g["ground_truth"]!.GetValue<bool>());
            Assert.Equal(w["last_action"]!.GetValue<string>(), g["last_action"]?.GetValue<string>());
            AssertSameItems(w["result"]!, g["result"]!);
        }
    }

    private const string RegionsConfig = """
        <View>
          <Image name="img" value="$image"/>
          <RectangleLabels name="box" toName="img"><Label value="Car"/><Label value="Person"/></RectangleLabels>
          <Text name="txt" value="$text"/>
          <Labels name="ner" toName="txt"><Label value="PER"/><Label value="ORG"/></Labels>
          <Relations><Relation value="works_for"/><Relation value="knows"/></Relations>
        </View>
        """;

    [Fact]
    public async Task RegionScoresSeveralLabelsOnARegionAndRelationDirectionsComeBack()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var schema = Yunzhong.Core.Schema.LabelStudioConfig.Import(RegionsConfig).Schema!.ToJson();
        var project = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        var annotated = $$"""
            [ { "id": "b1", "from_name": "box", "to_name": "img", "type": "rectanglelabels", {{Geometry}}, "score": 0.87,
                "value": { "x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0, "rectanglelabels": [ "Car", "Person" ] } },
              { "id": "b2", "from_name": "box", "to_name": "img", "type": "rectanglelabels", {{Geometry}},
                "value": { "x": 50, "y": 50, "width": 10, "height": 10, "rotation": 0, "rectanglelabels": [ "Person" ] } },
              { "id": "e1", "from_name": "ner", "to_name": "txt", "type": "labels", "score": 0.5, "value": { "start": 0, "end": 2, "text": "张三", "labels": [ "PER" ] } },
              { "id": "e2", "from_name": "ner", "to_name": "txt", "type": "labels", "value": { "start": 3, "end": 7, "text": "阿里巴巴", "labels": [ "ORG", "PER" ] } },
              { "id": "e3", "from_name": "ner", "to_name": "txt", "type": "labels", "value": { "start": 8, "end": 10, "text": "李四", "labels": [ "PER" ] } },
              { "from_id": "e1", "to_id": "e2", "type": "relation", "direction": "right", "labels": [ "works_for" ] },
              { "from_id": "e2", "to_id": "e3", "type": "relation", "direction": "left" },
              { "from_id": "e1", "to_id": "e3", "type": "relation", "direction": "bi", "labels": [ "knows" ] } ]
            """;
        var predicted = $$"""
            [ { "id": "p1", "from_name": "box", "to_name": "img", "type": "rectanglelabels", {{Geometry}}, "score": 0.93,
                "value": { "x": 11, "y": 21, "width": 29, "height": 39, "rotation": 0, "rectanglelabels": [ "Car" ] } },
              { "id": "p2", "from_name": "ner", "to_name": "txt", "type": "labels", "score": 0.25, "value": { "start": 0, "end": 2, "text": "张三", "labels": [ "PER" ] } } ]
            """;
        var file = $$"""
            [ { "id": 8, "data": { "image": "https://cdn.example.com/street/8.jpg", "text": "张三在阿里巴巴和李四" },
                "annotations": [ { "id": 80, "completed_by": 3, "result": {{annotated}} } ],
                "predictions": [ { "model_version": "m-1", "score": 0.8, "result": {{predicted}} } ] } ]
            """;
        using (var r = await TestData.ImportRawAsync(manager.Http, project, file, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });
        Assert.Null(job.Error);
        var task = JsonNode.Parse(text)![0]!;
        AssertSameItems(JsonNode.Parse(annotated)!, task["annotations"]![0]!["result"]!);
        AssertSameItems(JsonNode.Parse(predicted)!, task["predictions"]![0]!["result"]!);

        var again = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        using (var r = await TestData.ImportRawAsync(manager.Http, again, text, "labelstudio"))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        var (_, text2) = await manager.Http.ExportAsync(again, new { format = "labelstudio" });
        var task2 = JsonNode.Parse(text2)![0]!;
        AssertSameItems(JsonNode.Parse(annotated)!, task2["annotations"]![0]!["result"]!);
        AssertSameItems(JsonNode.Parse(predicted)!, task2["predictions"]![0]!["result"]!);
    }

    [Fact]
    public async Task BadAnnotationFieldsAreRefusedNamingTheRowAndField()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var schema = Yunzhong.Core.Schema.LabelStudioConfig.Import(RegionsConfig).Schema!.ToJson();
        var project = await TestData.ProjectAsync(manager, org.Id, JsonDocument.Parse(schema).RootElement);
        const string Span = """{ "id": "e1", "from_name": "ner", "to_name": "txt", "type": "labels", "value": { "start": 0, "end": 2, "labels": [ "PER" ] } }""";
        string Row(int id, string fields, string result = $"[ {Span} ]") =>
            $$"""{ "id": {{id}}, "data": { "image": "https://cdn.example.com/{{id}}.jpg", "text": "张三在阿里巴巴" }, "annotations": [ { {{fields}} "result": {{result}} } ] }""";
        var file = "[ " + string.Join(",\n",
            Row(1, """ "completed_by": true, """),
            Row(2, """ "completed_by": { "email": 7 }, """),
            Row(3, """ "created_at": "yesterday", """),
            Row(4, """ "updated_at": 20241102, """),
            Row(5, """ "lead_time": "3 s", """),
            Row(6, """ "ground_truth": "yes", """),
            Row(7, """ "last_action": 1, """),
            Row(8, "", """[ { "id": "e1", "from_name": "ner", "to_name": "txt", "type": "labels", "score": "high", "value": { "start": 0, "end": 2, "labels": [ "PER" ] } } ]"""),
            Row(9, "", $$"""[ {{Span}}, { "from_id": "e1", "to_id": "e1", "type": "relation", "direction": "up" } ]"""),
            Row(10, "")) + " ]"; // row n on line n

        using var r = await TestData.ImportRawAsync(manager.Http, project, file, "labelstudio");
        var problem = await r.ProblemAsync(System.Net.HttpStatusCode.UnprocessableEntity);

        Assert.Equal(
            ["row 1: annotations[0].completed_by", "row 2: annotations[0].completed_by", "row 3: annotations[0].created_at",
             "row 4: annotations[0].updated_at", "row 5: annotations[0].lead_time", "row 6: annotations[0].ground_truth",
             "row 7: annotations[0].last_action", "row 8: annotations[0].result[0]", "row 9: annotations[0].result[1]"],
            problem.ErrorKeys());
        Assert.Contains("score", problem.Errors("row 8: annotations[0].result[0]")[0], StringComparison.Ordinal);
        Assert.Contains("direction", problem.Errors("row 9: annotations[0].result[1]")[0], StringComparison.Ordinal);
        Assert.Equal(0, await fx.QueryScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE project_id = @project", new { project }));
    }

    [Fact]
    public async Task AnExportThatLeavesRegionsOutSaysItIsIncomplete()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager | Roles.Annotator);
        var project = await TestData.ProjectAsync(manager, org.Id, _boxSchema);
        using (var r = await TestData.ImportRawAsync(manager.Http, project, """{"data":{"image":"https://cdn.example.com/unknown-size.jpg"}}"""))
        {
            Assert.Equal(1, (await r.OkAsync<ImportResponse>("import")).Imported);
        }

        await manager.AnnotateAsync(project, new { label = new[] { new { id = "r1", label = "Car", x = 10, y = 20, width = 30, height = 40 } } });

        var (job, text) = await manager.Http.ExportAsync(project, new { format = "labelstudio" });

        Assert.Equal(ExportStatus.Incomplete, job.Status);
        Assert.Contains("size of image", job.Error, StringComparison.Ordinal);
        Assert.NotNull(job.DownloadUrl); // everything else is in the file
        Assert.Empty(JsonDocument.Parse(text).RootElement[0].GetProperty("annotations")[0].GetProperty("result").EnumerateArray());
    }
}

public sealed class SqliteLabelStudioRoundTripTests(SqliteFixture fx) : LabelStudioRoundTripTests<SqliteFixture>(fx);

public sealed class PostgresLabelStudioRoundTripTests(PostgresFixture fx) : LabelStudioRoundTripTests<PostgresFixture>(fx);

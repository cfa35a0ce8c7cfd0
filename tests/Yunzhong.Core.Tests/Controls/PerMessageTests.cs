using System.Text.Json;
using System.Text.Json.Nodes;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>
/// Per-message answers on a dialogue (Label Studio's perRegion controls on a <c>Chat</c>) and per-region
/// attributes on time series ranges: schema, validation, Label Studio both ways, gold and agreement.
/// </summary>
public class PerMessageTests
{
    // The gallery's chat_rlhf, cut to what matters: whole-task rating and comment, per-message answers.
    private const string ChatConfig = """
        <View>
          <Chat name="chat" value="$chat" minMessages="2" editable="false" />
          <Rating name="rating" toName="chat" />
          <TextArea name="conversation_comment" toName="chat" />
          <View visibleWhen="region-selected" whenRole="assistant">
            <Rating name="accuracy" toName="chat" perRegion="true" maxRating="5" icon="star"/>
            <Choices name="relevance" toName="chat" perRegion="true">
              <Choice value="Highly relevant" /><Choice value="Not relevant" />
            </Choices>
            <Choices name="tone" toName="chat" perRegion="true" choice="multiple">
              <Choice value="Too formal" /><Choice value="Appropriate" />
            </Choices>
            <TextArea perRegion="true" name="message_comment" toName="chat" />
          </View>
        </View>
        """;

    private static readonly JsonElement _chat = Json("""
        { "chat": [ { "role": "user", "content": "几点开门？" },
                    { "role": "assistant", "content": "早上九点。" },
                    { "role": "user", "content": "谢谢" } ] }
        """);

    private static LabelSchema Chat() => LabelStudioConfig.Import(ChatConfig).Schema!;

    [Fact]
    public void ChatPerRegionControlsBecomePerMessageAnswersOfItsField()
    {
        var import = LabelStudioConfig.Import(ChatConfig);

        Assert.Empty(import.Errors);
        Assert.Empty(import.Unmapped);
        var s = import.Schema!;
        foreach (var name in (string[])["accuracy", "relevance", "tone", "message_comment"])
        {
            Assert.Equal("chat", s.Control(name)!.PerMessage);
            Assert.Null(s.Control(name)!.PerRegion);
        }

        Assert.Null(s.Control("rating")!.PerMessage);
        Assert.Equal("chat", ParseOk(s.ToJson()).Control("tone")!.PerMessage);
    }

    [Fact]
    public void ValidAnswersAreKeyedByMessageIndex()
    {
        var errors = AnnotationValidator.Validate(Chat(), _chat, Json("""
            { "rating": 4, "accuracy": { "1": 5 }, "relevance": { "1": ["Highly relevant"], "0": ["Not relevant"] },
              "tone": { "1": ["Too formal", "Appropriate"] }, "message_comment": { "2": "客气" } }
            """));

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("""{ "accuracy": { "3": 5 } }""", "/accuracy/3", SchemaErrorCodes.AttributeRegionUnknown)]
    [InlineData("""{ "accuracy": { "01": 5 } }""", "/accuracy/01", SchemaErrorCodes.AttributeRegionUnknown)]
    [InlineData("""{ "accuracy": { "m1": 5 } }""", "/accuracy/m1", SchemaErrorCodes.AttributeRegionUnknown)]
    [InlineData("""{ "accuracy": { "1": 6 } }""", "/accuracy/1", SchemaErrorCodes.RatingRange)]
    [InlineData("""{ "relevance": { "1": ["Meh"] } }""", "/relevance/1/0", SchemaErrorCodes.UnknownOption)]
    [InlineData("""{ "relevance": ["Highly relevant"] }""", "/relevance", SchemaErrorCodes.AttributeNotObject)]
    [InlineData("""{ "message_comment": { "0": 7 } }""", "/message_comment/0", SchemaErrorCodes.NotText)]
    public void ErrorsNameTheMessageWhoseAnswerIsWrong(string result, string path, string code)
    {
        var errors = AnnotationValidator.Validate(Chat(), _chat, Json(result));

        var e = Assert.Single(errors);
        Assert.Equal((path, code), (e.Path, e.Code));
    }

    [Fact]
    public void RequiredPerMessageAnswerIsRequiredOfEveryMessage()
    {
        var s = ParseOk("""
            { "fields": [ { "name": "chat", "type": "dialogue" } ],
              "controls": [ { "name": "ok", "type": "choices", "options": ["yes", "no"], "perMessage": "chat", "required": true } ] }
            """);

        var errors = AnnotationValidator.Validate(s, _chat, Json("""{ "ok": { "0": ["yes"], "2": [] } }"""));

        Assert.Equal(["/ok/1", "/ok/2"], errors.Select(e => e.Path));
        Assert.All(errors, e => Assert.Equal(SchemaErrorCodes.AttributeRequired, e.Code));
    }

    [Theory]
    [InlineData("""{ "name": "a", "type": "rating", "perMessage": "zz" }""", SchemaErrorCodes.SchemaFieldUnknown)]
    [InlineData("""{ "name": "a", "type": "rating", "perMessage": "text" }""", SchemaErrorCodes.SchemaFieldUnfit)]
    [InlineData("""{ "name": "a", "type": "rating", "perMessage": "chat", "perRegion": ["s"] }""", SchemaErrorCodes.SchemaPerRegionAndSegment)]
    public void SchemaRefusesPerMessageThatNamesNoDialogue(string control, string code)
    {
        var parsed = LabelSchema.Parse($$"""
            { "fields": [ { "name": "chat", "type": "dialogue" }, { "name": "text", "type": "text" } ],
              "controls": [ { "name": "s", "type": "spans", "field": "text", "labels": ["X"] }, {{control}} ] }
            """);

        var e = Assert.Single(parsed.Errors);
        Assert.Equal(("/controls/1/perMessage", code), (e.Path, e.Code));
    }

    [Fact]
    public void LabelStudioRoundTripNamesEachMessageByIndexAndContent()
    {
        var schema = Json(Chat().ToJson());
        var native = Json("""{ "rating": 4, "accuracy": { "1": 5 }, "relevance": { "1": ["Highly relevant"] }, "message_comment": { "2": "客气" } }""");

        var ls = LabelStudioResults.FromNative(native, schema, _chat, null);

        Assert.True(ls.Ok, string.Join("; ", ls.Errors));
        var items = Json(ls.Json).EnumerateArray().ToList();
        var accuracy = items.Single(i => i.GetProperty("from_name").GetString() == "accuracy");
        Assert.Equal(("message-1", "chat", "rating"), (accuracy.GetProperty("id").GetString(), accuracy.GetProperty("to_name").GetString(), accuracy.GetProperty("type").GetString()));
        Assert.Equal(1, accuracy.GetProperty("value").GetProperty("message").GetInt32());
        Assert.Equal("早上九点。", accuracy.GetProperty("value").GetProperty("chatmessage").GetProperty("content").GetString());
        Assert.Equal("assistant", accuracy.GetProperty("value").GetProperty("chatmessage").GetProperty("role").GetString());
        Assert.Equal(5, accuracy.GetProperty("value").GetProperty("rating").GetInt32());
        var comment = items.Single(i => i.GetProperty("from_name").GetString() == "message_comment");
        Assert.Equal(("textarea", "客气"), (comment.GetProperty("type").GetString(), comment.GetProperty("value").GetProperty("text")[0].GetString()));

        var back = LabelStudioResults.ToNative(Json(ls.Json), schema, _chat, null);
        Assert.True(back.Ok, string.Join("; ", back.Errors));
        Assert.Equal(JsonSerializer.Serialize(native), JsonSerializer.Serialize(Json(back.Json)));
    }

    [Fact]
    public void LabelStudioItemFindsItsMessageByRoleAndContent()
    {
        // As Label Studio writes a per-region item on a chat message region: its own id, the message's value.
        var schema = Json(Chat().ToJson());
        var native = LabelStudioResults.ToNative(Json("""
            [ { "id": "Xq7Lp", "from_name": "relevance", "to_name": "chat", "type": "choices",
                "value": { "chatmessage": { "role": "assistant", "content": "早上九点。", "timestamp": 1755872989436 }, "choices": ["Highly relevant"] } } ]
            """), schema, _chat, null);

        Assert.True(native.Ok, string.Join("; ", native.Errors));
        Assert.Equal("""{"relevance":{"1":["Highly relevant"]}}""", native.Json);
    }

    [Fact]
    public void LabelStudioItemNamingNoMessageIsAnError()
    {
        var schema = Json(Chat().ToJson());
        var native = LabelStudioResults.ToNative(Json("""
            [ { "id": "Xq7Lp", "from_name": "relevance", "to_name": "chat", "type": "choices",
                "value": { "chatmessage": { "role": "assistant", "content": "不在对话里" }, "choices": ["Highly relevant"] } } ]
            """), schema, _chat, null);

        Assert.False(native.Ok);
        Assert.Contains("per-message", native.Errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void GoldAndAgreementCompareTheSameMessage()
    {
        var s = Chat();
        var gold = Json("""{ "relevance": { "1": ["Highly relevant"], "0": ["Not relevant"] }, "accuracy": { "1": 5 } }""");
        var answer = Json("""{ "relevance": { "1": ["Highly relevant"], "0": ["Highly relevant"] }, "accuracy": { "1": 3 } }""");

        // relevance: message 1 right, message 0 wrong → 0.5; accuracy: 1 − 2/4 = 0.5.
        Assert.Equal(0.5, GoldScoring.Score(s, gold, answer), 1e-9);

        var accumulators = AgreementAccumulator.ForSchema(s).ToDictionary(a => a.Control.Name);
        foreach (var a in accumulators.Values)
        {
            a.AddTask([gold, answer]);
        }

        Assert.Equal(0.5, accumulators["relevance"].Result().Metrics["agreement"]!.Value, 1e-9);
        Assert.Equal((0.0, 0.0), (accumulators["accuracy"].Result().Metrics["exact"]!.Value, accumulators["accuracy"].Result().Metrics["near"]!.Value));
    }

    // The gallery's outliers-anomaly-detection: a required choice on each time series range.
    private const string OutliersConfig = """
        <View>
          <TimeSeries name="ts" valueType="url" value="$csv" sep="," timeColumn="time">
            <Channel column="velocity"/>
          </TimeSeries>
          <TimeSeriesLabels name="label" toName="ts"><Label value="Region" background="red" /></TimeSeriesLabels>
          <Choices name="region_type" toName="ts" perRegion="true" required="true">
            <Choice value="Outlier"/><Choice value="Anomaly"/>
          </Choices>
          <Rating name="rating" toName="ts" maxRating="10" perRegion="true"/>
        </View>
        """;

    private static readonly JsonElement _series = Json("""{ "csv": { "time": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "velocity": [1, 1, 1, 9, 1, 1, 1, 1, 8, 1] } }""");

    [Fact]
    public void TimeSeriesRangesTakePerRegionAttributes()
    {
        var s = LabelStudioConfig.Import(OutliersConfig).Schema!;
        Assert.Equal(["label"], s.Control("region_type")!.PerRegion);
        Assert.Equal(["label"], s.Control("rating")!.PerRegion);

        Assert.Empty(AnnotationValidator.Validate(s, _series, Json("""
            { "label": [ { "id": "i1", "start": 2.5, "end": 3.5, "label": "Region" } ], "region_type": { "i1": ["Outlier"] }, "rating": { "i1": 7 } }
            """)));
        var missing = AnnotationValidator.Validate(s, _series, Json("""
            { "label": [ { "id": "i1", "start": 2.5, "end": 3.5, "label": "Region" }, { "id": "i2", "start": 8, "end": 8, "instant": true, "label": "Region" } ],
              "region_type": { "i1": ["Outlier"], "i9": ["Anomaly"] } }
            """));
        Assert.Equal([("/region_type/i9", SchemaErrorCodes.AttributeRegionUnknown), ("/region_type/i2", SchemaErrorCodes.AttributeRequired)],
            missing.Select(e => (e.Path, e.Code)));
    }

    [Fact]
    public void TimeSeriesAttributesRoundTripThroughLabelStudioWithTheRange()
    {
        var schema = Json(LabelStudioConfig.Import(OutliersConfig).Schema!.ToJson());
        var native = Json("""{ "label": [ { "id": "i1", "start": 2.5, "end": 3.5, "label": "Region" } ], "region_type": { "i1": ["Anomaly"] }, "rating": { "i1": 7 } }""");

        var ls = LabelStudioResults.FromNative(native, schema, _series, null);

        Assert.True(ls.Ok, string.Join("; ", ls.Errors));
        var items = Json(ls.Json).EnumerateArray().ToList();
        var choice = items.Single(i => i.GetProperty("from_name").GetString() == "region_type");
        Assert.Equal(("i1", "ts", "choices"), (choice.GetProperty("id").GetString(), choice.GetProperty("to_name").GetString(), choice.GetProperty("type").GetString()));
        Assert.Equal((2.5, 3.5), (choice.GetProperty("value").GetProperty("start").GetDouble(), choice.GetProperty("value").GetProperty("end").GetDouble()));
        Assert.False(choice.GetProperty("value").TryGetProperty("timeserieslabels", out _));
        var back = LabelStudioResults.ToNative(Json(ls.Json), schema, _series, null);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(native.GetRawText()), JsonNode.Parse(back.Json)), back.Json);
    }

    [Fact]
    public void TimeSeriesAttributesScoreOnRangesMatchedByOverlap()
    {
        var s = LabelStudioConfig.Import(OutliersConfig).Schema!;
        var gold = Json("""{ "label": [ { "id": "g1", "start": 2, "end": 4, "label": "Region" }, { "id": "g2", "start": 8, "end": 9, "label": "Region" } ], "region_type": { "g1": ["Outlier"], "g2": ["Anomaly"] } }""");
        // a7 overlaps g1 with IoU 1.5/2 = 0.75; a8 lies elsewhere, so g2's value has no range to match.
        var answer = Json("""{ "label": [ { "id": "a7", "start": 2.5, "end": 4, "label": "Region" }, { "id": "a8", "start": 5, "end": 6, "label": "Region" } ], "region_type": { "a7": ["Outlier"], "a8": ["Anomaly"] } }""");

        var matched = RegionAttributeScoring.Match(s, s.Control("region_type")!, gold, answer);

        Assert.Equal(new Dictionary<string, string> { ["g1"] = "a7" }, matched);
        Assert.Equal(0.5, RegionAttributeScoring.Gold(s, s.Control("region_type")!, gold, answer)!.Value, 1e-9);
    }
}

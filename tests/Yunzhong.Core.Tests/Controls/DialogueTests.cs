using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using Yunzhong.Core.Tests.Formats;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>The dialogue field and control end to end in Core: schema, data, validation, Label Studio, quality, exports.</summary>
public class DialogueTests
{
    // "你好😀世界": the emoji is one code point but two UTF-16 units, so 世界 is 3..5 in code points, 4..6 in UTF-16.
    private const string Data = """
        { "chat": [ { "role": "user", "content": "你好😀世界" },
                    { "role": "assistant", "content": "Hello world" } ] }
        """;

    private const string SchemaJson = """
        { "fields": [ { "name": "chat", "type": "dialogue" } ],
          "controls": [ { "name": "grade", "type": "dialogue", "field": "chat", "labels": [ "Place", "Helpful", "Harmful" ] } ] }
        """;

    private static IReadOnlyList<SchemaError> Validate(string result, string data = Data) =>
        AnnotationValidator.Validate(ParseOk(SchemaJson), Json(data), Json(result));

    [Fact]
    public void SchemaReadsTheFieldAndControlAndWritesThemBack()
    {
        var schema = ParseOk(SchemaJson);

        Assert.Equal(FieldType.Dialogue, schema.Field("chat")!.Type);
        Assert.Equal(ControlType.Dialogue, schema.Control("grade")!.Type);
        Assert.Equal(schema.ToJson(), ParseOk(schema.ToJson()).ToJson());
    }

    [Fact]
    public void TheControlMustLabelADialogueField()
    {
        var result = LabelSchema.Parse("""
            { "fields": [ { "name": "t", "type": "text" } ],
              "controls": [ { "name": "g", "type": "dialogue", "field": "t", "labels": [ "A" ] } ] }
            """);

        Assert.Contains(result.Errors, e => e.Path == "/controls/0/field");
    }

    [Theory]
    [InlineData("""{ "chat": [ { "role": "user", "content": "hi" } ] }""")]
    [InlineData("""{ "chat": [ { "author": "Alice", "text": "hi" }, { "author": "Bob", "text": "yo" } ] }""")]
    [InlineData("""{ "chat": [ "hi", "yo" ] }""")]
    public void DataTakesMessagesAsUsersHaveThem(string data)
    {
        Assert.Empty(ParseOk(SchemaJson).ValidateTaskData(Json(data)));
    }

    [Theory]
    [InlineData("""{ "chat": "hi" }""", "/data/chat", SchemaErrorCodes.DataDialogueInvalid)]
    [InlineData("""{ "chat": [ { "role": "user", "content": "a" }, { "role": "user" } ] }""", "/data/chat/1", SchemaErrorCodes.DataMessageNoText)]
    public void DataErrorsNameTheMessage(string data, string path, string code)
    {
        var e = Assert.Single(ParseOk(SchemaJson).ValidateTaskData(Json(data)));

        Assert.Equal(path, e.Path);
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void ResultsTakeMessageLabelsAndSpansInCodePoints()
    {
        Assert.Empty(Validate("""
            { "grade": [ { "id": "a", "message": 1, "label": "Helpful" },
                         { "id": "b", "message": 0, "start": 3, "end": 5, "text": "世界", "label": "Place" } ] }
            """));
    }

    [Theory]
    [InlineData("""{ "id": "a", "label": "Helpful" }""", "/grade/0/message", SchemaErrorCodes.DialogueMessageInvalid)]
    [InlineData("""{ "id": "a", "message": 2, "label": "Helpful" }""", "/grade/0/message", SchemaErrorCodes.DialogueMessageOutOfRange)]
    [InlineData("""{ "id": "a", "message": 0, "start": 3, "end": 6, "label": "Place" }""", "/grade/0/end", SchemaErrorCodes.SpanOutOfRange)]
    [InlineData("""{ "id": "a", "message": 0, "start": 4, "end": 6, "text": "世界", "label": "Place" }""", "/grade/0/end", SchemaErrorCodes.SpanOutOfRange)]
    [InlineData("""{ "id": "a", "message": 0, "start": 2, "end": 4, "text": "世界", "label": "Place" }""", "/grade/0/text", SchemaErrorCodes.SpanTextDiffers)]
    [InlineData("""{ "id": "a", "message": 0, "start": 3, "label": "Place" }""", "/grade/0/end", SchemaErrorCodes.SpanOffsetInvalid)]
    [InlineData("""{ "id": "a", "message": 0, "label": "Nope" }""", "/grade/0/label", SchemaErrorCodes.LabelUnknown)]
    [InlineData("""{ "id": "a", "message": 0, "label": "Helpful", "weight": 1 }""", "/grade/0/weight", SchemaErrorCodes.KeyUnknown)]
    public void BadRegionsArePointedAt(string region, string path, string code)
    {
        var e = Assert.Single(Validate($$"""{ "grade": [ {{region}} ] }"""));

        Assert.Equal(path, e.Path);
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void RegionsOnATaskWithoutTheDialogueAreRefused()
    {
        var e = Assert.Single(Validate("""{ "grade": [ { "id": "a", "message": 0, "label": "Helpful" } ] }""", """{ "chat": "x" }"""));

        Assert.Equal(SchemaErrorCodes.DialogueNoMessages, e.Code);
    }

    // ---- Label Studio ----

    [Fact]
    public void LabelStudioParagraphsAndChatBecomeDialogueFields()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <Paragraphs name="dialogue" value="$dialogue" layout="dialogue" nameKey="author" textKey="text"/>
              <ParagraphLabels name="ner" toName="dialogue">
                <Label value="Person"/><Label value="Organization"/>
              </ParagraphLabels>
              <Chat name="chat" value="$messages"/>
            </View>
            """);

        Assert.Empty(import.Errors);
        Assert.Empty(import.Unmapped);
        var s = import.Schema!;
        Assert.Equal(FieldType.Dialogue, s.Field("dialogue")!.Type);
        Assert.Equal(FieldType.Dialogue, s.Field("messages")!.Type);
        var c = s.Control("ner")!;
        Assert.Equal(ControlType.Dialogue, c.Type);
        Assert.Equal(["Person", "Organization"], c.Labels.Select(l => l.Value));
    }

    [Fact]
    public void LabelStudioResultsRoundTripWithUtf16Offsets()
    {
        var schema = FormatTestHelpers.Json(SchemaJson);
        var data = FormatTestHelpers.Json(Data);
        var native = FormatTestHelpers.Json("""
            { "grade": [ { "id": "b", "message": 0, "start": 3, "end": 5, "text": "世界", "label": "Place" },
                         { "id": "a", "message": 1, "label": "Helpful" } ] }
            """);

        var ls = LabelStudioResults.FromNative(native, schema, data, null);
        Assert.Empty(ls.Errors);
        var items = FormatTestHelpers.Json(ls.Json).EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("paragraphlabels", items[0].GetProperty("type").GetString());
        FormatTestHelpers.AssertJsonEqual(
            """{ "start": "0", "end": "0", "startOffset": 4, "endOffset": 6, "text": "世界", "paragraphlabels": [ "Place" ] }""",
            items[0].GetProperty("value").GetRawText());
        FormatTestHelpers.AssertJsonEqual(
            """{ "start": "1", "end": "1", "startOffset": 0, "endOffset": 11, "text": "Hello world", "paragraphlabels": [ "Helpful" ] }""",
            items[1].GetProperty("value").GetRawText());

        var back = LabelStudioResults.ToNative(FormatTestHelpers.Json(ls.Json), schema, data, null);
        Assert.Empty(back.Errors);
        FormatTestHelpers.AssertJsonEqual(native.GetRawText(), back.Json);
    }

    [Fact]
    public void LabelStudioRegionsAcrossMessagesAreRefusedWithTheReason()
    {
        var ls = FormatTestHelpers.Json("""
            [ { "id": "x", "from_name": "grade", "to_name": "chat", "type": "paragraphlabels",
                "value": { "start": "0", "end": "1", "startOffset": 0, "endOffset": 5, "paragraphlabels": [ "Place" ] } } ]
            """);

        var native = LabelStudioResults.ToNative(ls, FormatTestHelpers.Json(SchemaJson), FormatTestHelpers.Json(Data), null);

        Assert.Contains("a region lies inside one message", Assert.Single(native.Errors));
    }

    // ---- quality ----

    [Fact]
    public void GoldScoresRegionsByOverlapWithinTheSameMessage()
    {
        var schema = ParseOk(SchemaJson);
        var gold = Json("""{ "grade": [ { "id": "a", "message": 0, "start": 0, "end": 2, "label": "Place" }, { "id": "b", "message": 1, "label": "Helpful" } ] }""");

        Assert.Equal(1, GoldScoring.Score(schema, gold, Json("""{ "grade": [ { "id": "x", "message": 0, "start": 1, "end": 3, "label": "Place" }, { "id": "y", "message": 1, "label": "Helpful" } ] }""")), 9);
        // The same offsets in the other message do not overlap; the wrong label on message 1 does not count.
        Assert.Equal(0, GoldScoring.Score(schema, gold, Json("""{ "grade": [ { "id": "x", "message": 1, "start": 0, "end": 2, "label": "Place" }, { "id": "y", "message": 1, "label": "Harmful" } ] }""")), 9);
        Assert.Equal(2.0 / 3, GoldScoring.Score(schema, gold, Json("""{ "grade": [ { "id": "y", "message": 1, "label": "Helpful" } ] }""")), 9);
    }

    [Fact]
    public void AgreementComparesRegionsPairwise()
    {
        var a = Assert.Single(AgreementAccumulator.ForSchema(ParseOk(SchemaJson)));
        a.AddTask([Json("""{ "grade": [ { "id": "a", "message": 1, "label": "Helpful" } ] }"""), Json("""{ "grade": [ { "id": "b", "message": 1, "label": "Helpful" } ] }""")]);
        a.AddTask([Json("""{ "grade": [ { "id": "a", "message": 1, "label": "Helpful" } ] }"""), Json("""{ "grade": [ { "id": "b", "message": 0, "label": "Helpful" } ] }""")]);

        var r = a.Result();

        Assert.Equal(ControlType.Dialogue, r.Type);
        Assert.Equal(2, r.Tasks);
        Assert.Equal(0.5, r.Metrics["f1Exact"]!.Value, 9);
    }

    // ---- exports ----

    [Fact]
    public async Task CsvWritesMessageAndSpanRegions()
    {
        var task = new ExportTask(1, null, Data.ReplaceLineEndings(""), "done",
        [
            new ExportAnnotation(1, "甲", """{"grade":[{"id":"a","message":1,"label":"Helpful"},{"id":"b","message":0,"start":3,"end":5,"text":"世界","label":"Place"}]}""",
                DateTimeOffset.UnixEpoch, null, 1, null, true),
        ]);

        var text = await ExportTests.ExportAsync(ExportFormat.Csv, [task], SchemaJson);

        Assert.EndsWith(",甲,1:Helpful|0:3-5:Place\r\n", text, StringComparison.Ordinal);
    }
}

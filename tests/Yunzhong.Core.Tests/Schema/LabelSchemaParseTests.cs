using System.Text.Json;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Schema;

public class LabelSchemaParseTests
{
    private static IReadOnlyList<SchemaError> Errors(string json)
    {
        var result = LabelSchema.Parse(json);
        Assert.False(result.Success);
        Assert.Null(result.Schema);
        return result.Errors;
    }

    private static string Controls(string controls) => $$"""
        { "fields": [ { "name": "text", "type": "text" }, { "name": "image", "type": "image" },
                      { "name": "audio", "type": "audio" }, { "name": "items", "type": "list" } ],
          "controls": [ {{controls}} ] }
        """;

    [Fact]
    public void DocExampleParsesIntoFieldsAndControls()
    {
        var s = Doc();

        Assert.Equal(["text", "image", "audio", "responses"], s.Fields.Select(f => f.Name));
        Assert.Equal(FieldType.List, s.Field("responses")!.Type);
        Assert.Equal(10, s.Controls.Count);

        var sentiment = s.Control("sentiment")!;
        Assert.Equal(ControlType.Choices, sentiment.Type);
        Assert.Equal("text", sentiment.Field);
        Assert.True(sentiment.Required);
        Assert.False(sentiment.Multiple);
        Assert.Equal([new LabelDef("positive", "1"), new LabelDef("negative", "2")], sentiment.Labels);

        Assert.Equal(new LabelDef("PER", "1", "#e4572e"), s.Control("entities")!.Labels[0]);
        Assert.Equal("entities", s.Control("links")!.Spans);
        Assert.Equal("turns", s.Control("transcript")!.PerSegment);
        Assert.Equal(5, s.Control("quality")!.RatingMax);
        var preference = s.Control("preference")!;
        Assert.Equal(RankingMode.Rank, preference.Mode);
        Assert.True(preference.Rationale);
        Assert.Null(s.Control("missing"));
        Assert.Null(s.Field("missing"));
    }

    [Fact]
    public void BareStringLabelIsShorthandForValueObject()
    {
        var s = ParseOk(Controls("""{ "name": "c", "type": "choices", "options": ["yes", { "value": "no" }] }"""));

        Assert.Equal([new LabelDef("yes"), new LabelDef("no")], s.Control("c")!.Labels);
    }

    [Fact]
    public void ToJsonRoundTripsAndIsStable()
    {
        var first = Doc().ToJson();
        var again = ParseOk(first).ToJson();

        Assert.Equal(first, again);
        using var doc = JsonDocument.Parse(first);
        var sentiment = doc.RootElement.GetProperty("controls")[0];
        Assert.Equal("positive", sentiment.GetProperty("options")[0].GetProperty("value").GetString());
        Assert.False(sentiment.GetProperty("multiple").GetBoolean());
        Assert.True(sentiment.GetProperty("required").GetBoolean());
    }

    [Fact]
    public void ToJsonWritesDefaultsAndKeepsChineseReadable()
    {
        var s = ParseOk("""
            { "fields": [ { "name": "r", "type": "list" } ],
              "controls": [ { "name": "q", "type": "rating" },
                            { "name": "c", "type": "choices", "options": ["正面", "负面"] },
                            { "name": "p", "type": "ranking", "field": "r" } ] }
            """);

        var json = s.ToJson();

        using var doc = JsonDocument.Parse(json);
        var controls = doc.RootElement.GetProperty("controls");
        Assert.Equal(5, controls[0].GetProperty("max").GetInt32());
        Assert.Equal("rank", controls[2].GetProperty("mode").GetString());
        Assert.False(controls[2].GetProperty("rationale").GetBoolean());
        Assert.Contains("正面", json);
        Assert.Equal(json, ParseOk(json).ToJson());
    }

    [Fact]
    public void InvalidJsonIsAnErrorNotAnException()
    {
        var errors = Errors("{ \"fields\": [");

        Assert.Single(errors);
        Assert.Equal("", errors[0].Path);
        Assert.Contains("not valid JSON", errors[0].Message);
    }

    [Theory]
    [InlineData("[]", "")]
    [InlineData("""{ "fields": [] }""", "/controls")]
    [InlineData("""{ "fields": [], "controls": [] }""", "/controls")]
    [InlineData("""{ "fields": {}, "controls": [ { "name": "q", "type": "rating" } ] }""", "/fields")]
    [InlineData("""{ "controls": "rating" }""", "/controls")]
    [InlineData("""{ "controls": [ { "name": "q", "type": "rating" } ], "version": 2 }""", "/version")]
    [InlineData("""{ "controls": [ "rating" ] }""", "/controls/0")]
    [InlineData("""{ "fields": [ "text" ], "controls": [ { "name": "q", "type": "rating" } ] }""", "/fields/0")]
    [InlineData("""{ "fields": [ { "name": "t", "type": "pdf" } ], "controls": [ { "name": "q", "type": "rating" } ] }""", "/fields/0/type")]
    [InlineData("""{ "fields": [ { "name": "t" } ], "controls": [ { "name": "q", "type": "rating" } ] }""", "/fields/0/type")]
    [InlineData("""{ "fields": [ { "name": 3, "type": "text" } ], "controls": [ { "name": "q", "type": "rating" } ] }""", "/fields/0/name")]
    [InlineData("""{ "controls": [ { "name": "q", "type": "brush" } ] }""", "/controls/0/type")]
    [InlineData("""{ "controls": [ { "type": "rating" } ] }""", "/controls/0/name")]
    public void WrongShapesAreReportedAtTheirPointer(string json, string path)
    {
        var errors = Errors(json);

        Assert.Contains(errors, e => e.Path == path);
    }

    [Fact]
    public void SchemaPointerKeyIsAccepted()
    {
        var s = ParseOk("""{ "$schema": "./label-schema.schema.json", "controls": [ { "name": "q", "type": "rating" } ] }""");

        Assert.Empty(s.Fields);
    }

    [Theory]
    [InlineData("1abc")]
    [InlineData("has space")]
    [InlineData("名字")]
    [InlineData("a.b")]
    [InlineData("")]
    [InlineData("a2345678901234567890123456789012345678901234567890123456789012345")] // 65 chars
    [InlineData("ends\n")]
    public void NamesOutsideThePatternAreRejected(string name)
    {
        var errors = Errors(Controls($$"""{ "name": {{JsonSerializer.Serialize(name)}}, "type": "rating" }"""));

        Assert.Contains(errors, e => e.Path == "/controls/0/name");
    }

    [Theory]
    [InlineData("_a")]
    [InlineData("A-b_9")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")] // 64 chars
    public void NamesInsideThePatternAreAccepted(string name)
    {
        var s = ParseOk(Controls($$"""{ "name": "{{name}}", "type": "rating" }"""));

        Assert.NotNull(s.Control(name));
    }

    [Fact]
    public void DuplicateNamesAreRejected()
    {
        var errors = Errors("""
            { "fields": [ { "name": "t", "type": "text" }, { "name": "t", "type": "image" } ],
              "controls": [ { "name": "q", "type": "rating" }, { "name": "q", "type": "rating" } ] }
            """);

        Assert.Equal("/fields/1/name | /controls/1/name", Paths(errors));
    }

    [Theory]
    [InlineData("""{ "name": "s", "type": "spans", "field": "image", "labels": ["A"] }""", "/controls/0/field")]
    [InlineData("""{ "name": "s", "type": "spans", "labels": ["A"] }""", "/controls/0/field")]
    [InlineData("""{ "name": "s", "type": "spans", "field": "nope", "labels": ["A"] }""", "/controls/0/field")]
    [InlineData("""{ "name": "b", "type": "rectangles", "field": "text" }""", "/controls/0/field")]
    [InlineData("""{ "name": "b", "type": "polygons", "field": "audio" }""", "/controls/0/field")]
    [InlineData("""{ "name": "b", "type": "keypoints", "field": "items" }""", "/controls/0/field")]
    [InlineData("""{ "name": "g", "type": "segments", "field": "image" }""", "/controls/0/field")]
    [InlineData("""{ "name": "r", "type": "ranking", "field": "text" }""", "/controls/0/field")]
    public void ControlFieldMustExistAndFit(string control, string path)
    {
        var errors = Errors(Controls(control));

        Assert.Equal(path, Paths(errors));
    }

    [Fact]
    public void RelationsMustNameASpansControl()
    {
        var errors = Errors(Controls("""
            { "name": "c", "type": "choices", "options": ["x"] },
            { "name": "l1", "type": "relations", "spans": "c" },
            { "name": "l2", "type": "relations", "spans": "nothing" },
            { "name": "l3", "type": "relations" }
            """));

        Assert.Equal("/controls/1/spans | /controls/2/spans | /controls/3/spans", Paths(errors));
        Assert.Contains("'c'", errors[0].Message);
    }

    [Fact]
    public void PerSegmentMustNameASegmentsControlOnTheSameField()
    {
        var errors = Errors("""
            { "fields": [ { "name": "a", "type": "audio" }, { "name": "v", "type": "video" } ],
              "controls": [
                { "name": "turns", "type": "segments", "field": "a" },
                { "name": "q", "type": "rating" },
                { "name": "t1", "type": "transcription", "perSegment": "q" },
                { "name": "t2", "type": "transcription", "field": "v", "perSegment": "turns" },
                { "name": "t3", "type": "transcription", "perSegment": "turns" } ] }
            """);

        Assert.Equal("/controls/2/perSegment | /controls/3/field", Paths(errors));
    }

    [Fact]
    public void LabelValuesAndHotkeysAreUniqueWithinAControl()
    {
        var errors = Errors(Controls("""
            { "name": "s", "type": "spans", "field": "text",
              "labels": [ { "value": "PER", "hotkey": "p" }, { "value": "ORG", "hotkey": "p" }, "PER", { "value": "" } ] },
            { "name": "c", "type": "choices", "options": [ { "value": "PER", "hotkey": "p" } ] }
            """));

        Assert.Equal("/controls/0/labels/1/hotkey | /controls/0/labels/2/value | /controls/0/labels/3/value", Paths(errors));
        Assert.Contains("'PER'", errors[1].Message);
    }

    [Fact]
    public void ChoicesAndSpansNeedLabels()
    {
        var errors = Errors(Controls("""
            { "name": "c", "type": "choices", "options": [] },
            { "name": "s", "type": "spans", "field": "text" }
            """));

        Assert.Equal("/controls/0/options | /controls/1/labels", Paths(errors));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(10, true)]
    [InlineData(11, false)]
    [InlineData(0, false)]
    public void RatingMaxIsTwoToTen(int max, bool ok)
    {
        var result = LabelSchema.Parse(Controls($$"""{ "name": "q", "type": "rating", "max": {{max}} }"""));

        Assert.Equal(ok, result.Success);
        if (!ok)
        {
            Assert.Equal("/controls/0/max", Paths(result.Errors));
        }
    }

    [Theory]
    [InlineData("""{ "name": "c", "type": "choices", "options": ["a"], "min": 1 }""", "/controls/0/min")]
    [InlineData("""{ "name": "c", "type": "choices", "options": ["a", "b"], "multiple": true, "min": 2, "max": 1 }""", "/controls/0/min")]
    [InlineData("""{ "name": "c", "type": "choices", "options": ["a", "b"], "multiple": true, "min": 3 }""", "/controls/0/min")]
    [InlineData("""{ "name": "c", "type": "choices", "options": ["a", "b"], "multiple": true, "max": 0 }""", "/controls/0/max")]
    [InlineData("""{ "name": "c", "type": "choices", "options": ["a", "b"], "multiple": true, "max": 1.5 }""", "/controls/0/max")]
    [InlineData("""{ "name": "c", "type": "choices", "options": ["a"], "multiple": "yes" }""", "/controls/0/multiple")]
    [InlineData("""{ "name": "c", "type": "choices", "options": "a" }""", "/controls/0/options")]
    [InlineData("""{ "name": "c", "type": "choices", "options": [7] }""", "/controls/0/options/0")]
    [InlineData("""{ "name": "c", "type": "choices", "options": [ { "value": "a", "shortcut": "1" } ] }""", "/controls/0/options/0/shortcut")]
    [InlineData("""{ "name": "c", "type": "choices", "labels": ["a"], "options": ["a"] }""", "/controls/0/labels")]
    [InlineData("""{ "name": "c", "type": "choices", "options": ["a"], "mode": "rank" }""", "/controls/0/mode")]
    [InlineData("""{ "name": "s", "type": "spans", "field": "text", "labels": ["a"], "perSegment": "x" }""", "/controls/0/perSegment")]
    [InlineData("""{ "name": "q", "type": "rating", "field": "text" }""", "/controls/0/field")]
    [InlineData("""{ "name": "r", "type": "ranking", "field": "items", "mode": "best" }""", "/controls/0/mode")]
    [InlineData("""{ "name": "r", "type": "ranking", "field": "items", "labels": ["a"] }""", "/controls/0/labels")]
    public void ControlKeysAreCheckedByType(string control, string path)
    {
        var errors = Errors(Controls(control));

        Assert.Contains(errors, e => e.Path == path);
    }

    [Fact]
    public void ABrokenControlStillResolvesAsAReference()
    {
        // The spans control has a bad hotkey type; the relations control must not also be blamed.
        var errors = Errors(Controls("""
            { "name": "ents", "type": "spans", "field": "text", "labels": [ { "value": "A", "hotkey": 1 } ] },
            { "name": "links", "type": "relations", "spans": "ents" }
            """));

        Assert.Equal("/controls/0/labels/0/hotkey", Paths(errors));
    }

    [Fact]
    public void CreateChecksControlsBuiltInCode()
    {
        var result = LabelSchema.Create(
            [new FieldDef("text", FieldType.Text)],
            [
                new ControlDef { Name = "s", Type = ControlType.Spans, Field = "text", Labels = [new LabelDef("A")] },
                new ControlDef { Name = "q", Type = ControlType.Rating, Max = 12 },
                new ControlDef { Name = "c", Type = ControlType.Choices, Labels = [new LabelDef("x")], Spans = "s" },
            ]);

        Assert.False(result.Success);
        Assert.Equal("/controls/2/spans | /controls/1/max", Paths(result.Errors));
    }

    [Fact]
    public void CreateAppliesTheRatingDefault()
    {
        var result = LabelSchema.Create([], [new ControlDef { Name = "q", Type = ControlType.Rating }]);

        Assert.True(result.Success);
        Assert.Equal(5, result.Schema.Control("q")!.Max);
    }
}

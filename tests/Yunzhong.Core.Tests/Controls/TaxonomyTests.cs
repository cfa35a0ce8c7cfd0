using System.Buffers;
using System.Text;
using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using Yunzhong.Core.Tests.Formats;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>The taxonomy kind end to end in Core: schema, validation, Label Studio, quality, exports.</summary>
public class TaxonomyTests
{
    private const string Tree = """
        [ { "value": "Animal", "hotkey": "a", "children": [
              { "value": "Mammal", "children": [ "Cat", "Dog" ] },
              { "value": "Bird" } ] },
          { "value": "Plant", "children": [ "Tree" ] },
          "Other" ]
        """;

    private static string SchemaJson(string extra = "") => $$"""
        { "fields": [ { "name": "text", "type": "text" } ],
          "controls": [ { "name": "topic", "type": "taxonomy", "field": "text", "options": {{Tree}} {{extra}} } ] }
        """;

    private static LabelSchema Schema(string extra = "") => ParseOk(SchemaJson(extra));

    private static IReadOnlyList<SchemaError> Validate(LabelSchema schema, string result) =>
        AnnotationValidator.Validate(schema, Json("""{ "text": "a cat" }"""), Json(result));

    // ---- schema ----

    [Fact]
    public void SchemaReadsTheOptionTreeAndSettings()
    {
        var c = Schema(""", "multiple": true, "leafsOnly": true, "max": 2""").Control("topic")!;

        Assert.Equal(ControlType.Taxonomy, c.Type);
        Assert.True(c.Multiple);
        Assert.True(c.LeafsOnly);
        Assert.Equal(2, c.Max);
        Assert.Equal(["Animal", "Plant", "Other"], c.Labels.Select(l => l.Value));
        Assert.Equal("a", c.Labels[0].Hotkey);
        Assert.Equal(["Mammal", "Bird"], c.Labels[0].Children!.Select(l => l.Value));
        Assert.Equal(["Cat", "Dog"], c.Labels[0].Children![0].Children!.Select(l => l.Value));
        Assert.Null(c.Labels[0].Children![1].Children);
        Assert.Null(c.Labels[2].Children);
    }

    [Fact]
    public void CanonicalJsonKeepsTheTreeAndParsesBackTheSame()
    {
        var schema = Schema(""", "multiple": true, "max": 3""");
        var json = schema.ToJson();

        var c = FormatTestHelpers.Json(json).GetProperty("controls")[0];
        Assert.Equal(["name", "type", "field", "options", "multiple", "leafsOnly", "max"], c.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Cat", c.GetProperty("options")[0].GetProperty("children")[0].GetProperty("children")[0].GetProperty("value").GetString());
        Assert.False(c.GetProperty("options")[2].TryGetProperty("children", out _));
        Assert.False(c.GetProperty("leafsOnly").GetBoolean());
        Assert.Equal(json, ParseOk(json).ToJson());
    }

    [Theory]
    [InlineData("""{ "value": "A", "children": [ "x", "x" ] }""", "/controls/0/options/0/children/1/value", "appears more than once under the same parent")]
    [InlineData("""{ "value": "A", "children": [ { "value": "" } ] }""", "/controls/0/options/0/children/0/value", "must not be empty")]
    [InlineData("""{ "value": "A", "children": [ { "value": "x", "hotkey": "k" } ] }""", "/controls/0/options/0/children/0/hotkey", "Only top-level options")]
    [InlineData("""{ "value": "A", "children": [ { "value": "x", "kids": [] } ] }""", "/controls/0/options/0/children/0/kids", "an option has 'value', 'hotkey', 'color' and 'children'")]
    [InlineData("""{ "value": "A", "children": "x" }""", "/controls/0/options/0/children", "must be an array")]
    public void SchemaErrorsInTheTreePointAtTheOption(string option, string path, string message)
    {
        var result = LabelSchema.Parse($$"""{ "controls": [ { "name": "t", "type": "taxonomy", "options": [ {{option}} ] } ] }""");

        var e = Assert.Single(result.Errors);
        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void SameValueUnderTwoParentsIsAllowed()
    {
        ParseOk("""{ "controls": [ { "name": "t", "type": "taxonomy", "options": [ { "value": "A", "children": ["x"] }, { "value": "B", "children": ["x"] } ] } ] }""");
    }

    [Theory]
    [InlineData(""", "max": 2""", "/controls/0/max", "only when 'multiple' is true")]
    [InlineData(""", "multiple": true, "max": 0""", "/controls/0/max", "must be 1 or more")]
    [InlineData(""", "min": 1""", "/controls/0/min", "does not apply to a taxonomy control")]
    [InlineData(""", "labels": ["x"]""", "/controls/0/labels", "a taxonomy control lists 'options'")]
    [InlineData(""", "leafsOnly": "yes" """, "/controls/0/leafsOnly", "must be true or false")]
    public void SchemaErrorsInTheSettings(string extra, string path, string message)
    {
        var result = LabelSchema.Parse(SchemaJson(extra));

        var e = Assert.Single(result.Errors);
        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void TaxonomyWithoutOptionsIsAnError()
    {
        var result = LabelSchema.Parse("""{ "controls": [ { "name": "t", "type": "taxonomy" } ] }""");

        Assert.Equal("/controls/0/options", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void LeafsOnlyOnAnotherKindIsRefused()
    {
        var result = LabelSchema.Parse("""{ "controls": [ { "name": "c", "type": "choices", "options": ["a"], "leafsOnly": true } ] }""");

        Assert.Equal("/controls/0/leafsOnly", Assert.Single(result.Errors).Path);
    }

    // ---- validation ----

    [Theory]
    [InlineData("""{ "topic": [["Animal", "Mammal", "Cat"]] }""")]
    [InlineData("""{ "topic": [["Animal"]] }""")]
    [InlineData("""{ "topic": [["Other"]] }""")]
    [InlineData("""{ "topic": [] }""")]
    public void SingleTaxonomyAcceptsOnePathToAnyOption(string result)
    {
        Assert.Empty(Validate(Schema(), result));
    }

    [Theory]
    [InlineData("""{ "topic": [["Animal", "Fish"]] }""", "/topic/0/1", "'Fish' is not an option under 'Animal'")]
    [InlineData("""{ "topic": [["Mammal"]] }""", "/topic/0/0", "not a top-level option")]
    [InlineData("""{ "topic": [["Animal", "Mammal", "Cat", "Tabby"]] }""", "/topic/0/3", "'Tabby' is not an option under 'Cat'")]
    [InlineData("""{ "topic": [["Animal", 3]] }""", "/topic/0/1", "must be an option value (a string)")]
    [InlineData("""{ "topic": [[]] }""", "/topic/0", "non-empty array")]
    [InlineData("""{ "topic": ["Animal"] }""", "/topic/0", "non-empty array")]
    [InlineData("""{ "topic": "Animal" }""", "/topic", "must be an array of paths")]
    [InlineData("""{ "topic": [["Animal"], ["Plant"]] }""", "/topic", "takes exactly one path; the result has 2")]
    public void BadPathsAreRejectedWithTheirPointer(string result, string path, string message)
    {
        var e = Assert.Single(Validate(Schema(), result));

        Assert.Equal(path, e.Path);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void LeafsOnlyRejectsAPathEndingAtAnInnerOption()
    {
        var schema = Schema(""", "leafsOnly": true""");

        Assert.Empty(Validate(schema, """{ "topic": [["Animal", "Bird"]] }"""));
        Assert.Empty(Validate(schema, """{ "topic": [["Other"]] }"""));
        var e = Assert.Single(Validate(schema, """{ "topic": [["Animal", "Mammal"]] }"""));
        Assert.Equal("/topic/0", e.Path);
        Assert.Contains("leaves only", e.Message);
    }

    [Fact]
    public void MultipleTaxonomyTakesSeveralDistinctPathsUpToMax()
    {
        var schema = Schema(""", "multiple": true, "max": 2""");

        Assert.Empty(Validate(schema, """{ "topic": [["Animal", "Bird"], ["Plant", "Tree"]] }"""));
        var duplicate = Assert.Single(Validate(schema, """{ "topic": [["Plant", "Tree"], ["Plant", "Tree"]] }"""));
        Assert.Equal("/topic/1", duplicate.Path);
        Assert.Contains("more than once", duplicate.Message);
        var tooMany = Assert.Single(Validate(schema, """{ "topic": [["Animal"], ["Plant"], ["Other"]] }"""));
        Assert.Equal("/topic", tooMany.Path);
        Assert.Contains("at most 2 paths", tooMany.Message);
    }

    [Fact]
    public void RequiredTaxonomyNeedsAPath()
    {
        var e = Assert.Single(Validate(Schema(""", "required": true"""), """{ "topic": [] }"""));

        Assert.Equal("/topic", e.Path);
    }

    [Fact]
    public void EscapedOptionValuesAreFound()
    {
        Assert.Empty(Validate(Schema(), """{ "topic": [["\u0041nimal", "B\u0069rd"]] }"""));
    }

    // ---- Label Studio ----

    [Fact]
    public void LabelStudioTaxonomyImportsAsATree()
    {
        var import = LabelStudioConfig.Import("""
            <View>
              <Text name="text" value="$text"/>
              <Taxonomy name="topic" toName="text" leafsOnly="true" showFullPath="true" maxUsages="3">
                <Choice value="Animal" hotkey="a">
                  <Choice value="Mammal"><Choice value="Cat"/><Choice value="Dog"/></Choice>
                  <Choice value="Bird"/>
                </Choice>
                <Choice value="Plant"/>
              </Taxonomy>
            </View>
            """);

        Assert.Empty(import.Errors);
        Assert.Empty(import.Unmapped);
        var c = import.Schema!.Control("topic")!;
        Assert.Equal(ControlType.Taxonomy, c.Type);
        Assert.Equal("text", c.Field);
        Assert.True(c.Multiple);
        Assert.True(c.LeafsOnly);
        Assert.Equal(3, c.Max);
        Assert.Equal(["Animal", "Plant"], c.Labels.Select(l => l.Value));
        Assert.Equal("a", c.Labels[0].Hotkey);
        Assert.Equal(["Cat", "Dog"], c.Labels[0].Children![0].Children!.Select(l => l.Value));
    }

    [Fact]
    public void LabelStudioTaxonomyWithOneUsageIsSingle()
    {
        var import = LabelStudioConfig.Import("""
            <View><Text name="t" value="$text"/><Taxonomy name="topic" toName="t" maxUsages="1"><Choice value="A"/></Taxonomy></View>
            """);

        Assert.Empty(import.Errors);
        Assert.False(import.Schema!.Control("topic")!.Multiple);
        Assert.Null(import.Schema!.Control("topic")!.Max);
    }

    [Theory]
    [InlineData("""<Taxonomy name="topic" toName="t" apiUrl="https://example.org/tree"/>""", "apiUrl")]
    [InlineData("""<Taxonomy name="topic" toName="t" perRegion="true"><Choice value="A"/></Taxonomy>""", "per region")]
    [InlineData("""<Taxonomy name="topic" toName="t" maxUsages="many"><Choice value="A"/></Taxonomy>""", "maxUsages")]
    [InlineData("""<Taxonomy name="topic" toName="t"><Choice value="A"><Choice/></Choice></Taxonomy>""", "'value'")]
    public void LabelStudioTaxonomyErrorsNameTheProblem(string tag, string message)
    {
        var import = LabelStudioConfig.Import($"""<View><Text name="t" value="$text"/>{tag}</View>""");

        Assert.Null(import.Schema);
        Assert.Contains(import.Errors, e => e.Message.Contains(message, StringComparison.Ordinal) && e.Path.StartsWith("/View[1]/Taxonomy[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void LabelStudioResultsRoundTrip()
    {
        var schema = FormatTestHelpers.Json(SchemaJson(""", "multiple": true"""));
        var data = FormatTestHelpers.Json("""{ "text": "a cat" }""");
        var native = FormatTestHelpers.Json("""{ "topic": [["Animal", "Mammal", "Cat"], ["Plant"]] }""");

        var ls = LabelStudioResults.FromNative(native, schema, data, null);
        Assert.Empty(ls.Errors);
        var item = Assert.Single(FormatTestHelpers.Json(ls.Json).EnumerateArray());
        Assert.Equal("taxonomy", item.GetProperty("type").GetString());
        Assert.Equal("topic", item.GetProperty("from_name").GetString());
        Assert.Equal("text", item.GetProperty("to_name").GetString());
        FormatTestHelpers.AssertJsonEqual("""{ "taxonomy": [["Animal", "Mammal", "Cat"], ["Plant"]] }""", item.GetProperty("value").GetRawText());

        var back = LabelStudioResults.ToNative(FormatTestHelpers.Json(ls.Json), schema, data, null);
        Assert.Empty(back.Errors);
        FormatTestHelpers.AssertJsonEqual(native.GetRawText(), back.Json);
    }

    [Fact]
    public void LabelStudioResultItemsOfOneControlMergeWithoutRepeats()
    {
        var schema = FormatTestHelpers.Json(SchemaJson(""", "multiple": true"""));
        var ls = FormatTestHelpers.Json("""
            [ { "from_name": "topic", "to_name": "text", "type": "taxonomy", "value": { "taxonomy": [["Animal", "Bird"]] } },
              { "from_name": "topic", "to_name": "text", "type": "taxonomy", "value": { "taxonomy": [["Animal", "Bird"], ["Other"]] } },
              { "from_name": "topic", "to_name": "text", "type": "taxonomy", "value": { "taxonomy": ["Other"] } } ]
            """);

        var native = LabelStudioResults.ToNative(ls, schema, FormatTestHelpers.Json("{}"), null);

        FormatTestHelpers.AssertJsonEqual("""{ "topic": [["Animal", "Bird"], ["Other"]] }""", native.Json);
        Assert.Contains("value.taxonomy must be an array of paths", Assert.Single(native.Errors));
    }

    // ---- quality ----

    [Theory]
    [InlineData("""[["Animal", "Mammal", "Cat"]]""", 1.0)]
    [InlineData("""[["Animal", "Mammal", "Dog"]]""", 2.0 / 3)]
    [InlineData("""[["Animal", "Mammal"]]""", 2.0 / 3)]
    [InlineData("""[["Plant"]]""", 0.0)]
    [InlineData("""[]""", 0.0)]
    public void GoldScoresASinglePathBySharedPrefix(string answer, double expected)
    {
        var score = GoldScoring.Score(Schema(), Json("""{ "topic": [["Animal", "Mammal", "Cat"]] }"""), Json($$"""{ "topic": {{answer}} }"""));

        Assert.Equal(expected, score, 9);
    }

    [Fact]
    public void GoldCostsMissingAndExtraPaths()
    {
        var schema = Schema(""", "multiple": true""");
        var gold = Json("""{ "topic": [["Animal", "Bird"], ["Plant", "Tree"]] }""");

        Assert.Equal(1, GoldScoring.Score(schema, gold, Json("""{ "topic": [["Plant", "Tree"], ["Animal", "Bird"]] }""")), 9);
        Assert.Equal(0.5, GoldScoring.Score(schema, gold, Json("""{ "topic": [["Animal", "Bird"]] }""")), 9);
        Assert.Equal(2.0 / 3, GoldScoring.Score(schema, gold, Json("""{ "topic": [["Animal", "Bird"], ["Plant", "Tree"], ["Other"]] }""")), 9);
    }

    [Fact]
    public void AgreementTreatsTheAnswersPathsAsOneCategory()
    {
        var schema = Schema(""", "multiple": true""");
        var a = Assert.Single(AgreementAccumulator.ForSchema(schema));
        a.AddTask([Json("""{ "topic": [["Animal", "Bird"], ["Plant"]] }"""), Json("""{ "topic": [["Plant"], ["Animal", "Bird"]] }""")]);
        a.AddTask([Json("""{ "topic": [["Animal", "Bird"]] }"""), Json("""{ "topic": [["Animal", "Mammal"]] }""")]);
        a.AddTask([Json("""{ "topic": [["Other"]] }"""), Json("{}")]); // one answer: no unit

        var r = a.Result();

        Assert.Equal(ControlType.Taxonomy, r.Type);
        Assert.Equal(2, r.Tasks);
        Assert.Equal(0.5, r.Metrics["percentAgreement"]!.Value, 9);
    }

    [Fact]
    public void AgreementLabelJoinsSortedPaths()
    {
        Assert.Equal("A / B|C", TaxonomyKind.AgreementLabel(Json("""{ "t": [["C"], ["A", "B"]] }"""), "t"));
        Assert.Null(TaxonomyKind.AgreementLabel(Json("""{ "t": [] }"""), "t"));
    }

    private static string Consensus(LabelSchema schema, params string[] results)
    {
        var c = schema.Control("topic")!;
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            ControlKinds.Of(c.Type).WriteConsensus(json, c, [.. results.Select(Json)]);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void ConsensusOfASingleTaxonomyIsThePluralityPath()
    {
        Assert.Equal(ConsensusWay.PerTask, ControlKinds.Of(ControlType.Taxonomy).Consensus);
        var json = Consensus(Schema(),
            """{ "topic": [["Animal", "Bird"]] }""", """{ "topic": [["Plant"]] }""", """{ "topic": [["Animal", "Bird"]] }""", "{}");

        FormatTestHelpers.AssertJsonEqual("""{ "topic": { "value": [["Animal", "Bird"]], "confidence": 0.6666666666666666 } }""", json);
    }

    [Fact]
    public void ConsensusOfAMultipleTaxonomyIsTheMajorityPaths()
    {
        var json = Consensus(Schema(""", "multiple": true"""),
            """{ "topic": [["Animal", "Bird"], ["Plant"]] }""", """{ "topic": [["Plant"], ["Other"]] }""", """{ "topic": [["Animal", "Bird"]] }""");

        var doc = FormatTestHelpers.Json(json).GetProperty("topic");
        FormatTestHelpers.AssertJsonEqual("""[["Animal", "Bird"], ["Plant"]]""", doc.GetProperty("value").GetRawText());
        Assert.Equal(2.0 / 3, doc.GetProperty("confidence").GetDouble(), 9);
    }

    // ---- exports ----

    [Fact]
    public async Task CsvJoinsPathStepsWithSlashAndPathsWithBar()
    {
        var task = new ExportTask(1, null, "{\"text\":\"a cat\"}", "done",
        [
            new ExportAnnotation(1, "甲", """{"topic":[["Animal","Mammal","Cat"],["Plant"]]}""", DateTimeOffset.UnixEpoch, null, 1, null, true),
        ]);

        var text = await ExportTests.ExportAsync(ExportFormat.Csv, [task], SchemaJson(""", "multiple": true"""));

        Assert.Equal("\uFEFFid,key,text,annotator,topic\r\n1,,a cat,甲,Animal / Mammal / Cat|Plant\r\n", text);
    }

    [Fact]
    public async Task JsonlCarriesTheArraysOfPaths()
    {
        var task = new ExportTask(1, null, "{\"text\":\"a cat\"}", "done",
        [
            new ExportAnnotation(1, "甲", """{"topic":[["Animal","Bird"]]}""", DateTimeOffset.UnixEpoch, null, 1, null, true),
        ]);

        var text = await ExportTests.ExportAsync(ExportFormat.Jsonl, [task], SchemaJson());

        var result = FormatTestHelpers.Json(text).GetProperty("annotations")[0].GetProperty("result");
        FormatTestHelpers.AssertJsonEqual("""{ "topic": [["Animal", "Bird"]] }""", result.GetRawText());
    }
}

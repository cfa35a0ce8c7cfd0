using System.Text.Json;
using System.Text.Json.Nodes;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>
/// Label Studio's <c>&lt;Pairwise&gt;</c> between two objects and <c>&lt;Ranker&gt;</c> with
/// <c>&lt;Bucket&gt;</c>s, as its gallery writes them: the native ranking control they become, its
/// checks, and results in from Label Studio and out again as Label Studio writes them.
/// </summary>
public class RankingTests
{
    private static readonly string _gallery = Path.Combine(AppContext.BaseDirectory, "Schema", "Gallery");

    private static LabelSchema FromGallery(string name)
    {
        var import = LabelStudioConfig.Import(File.ReadAllText(Path.Combine(_gallery, name + ".xml")));
        Assert.True(import.Errors.Count == 0 && import.Unmapped.Count == 0, string.Join("\n", import.Errors.Select(e => e.Message).Concat(import.Unmapped.Select(u => u.ToString()))));
        return import.Schema!;
    }

    private static JsonElement ControlEntry(LabelSchema schema, string name) =>
        Json(schema.ToJson()).GetProperty("controls").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>Label Studio items in, native out (checked against the schema), and back out equal to what came in
    /// (a whole-task item's id is its control's name on the way out, so the items here carry that id).</summary>
    private static string RoundTrip(LabelSchema schema, string data, string lsResult)
    {
        var schemaJson = schema.ToJson();
        var native = LabelStudioResults.ToNative(Json(lsResult), Json(schemaJson), Json(data), null);
        Assert.True(native.Errors.Count == 0, string.Join("\n", native.Errors));
        var errors = AnnotationValidator.Validate(schema, Json(data), Json(native.Json));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var back = LabelStudioResults.FromNative(Json(native.Json), Json(schemaJson), Json(data), null);
        Assert.Empty(back.Errors);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(lsResult), JsonNode.Parse(back.Json)), back.Json);
        return native.Json;
    }

    [Theory]
    [InlineData("generative-ai__human-feedback-collection", "comparison", "answer1", "answer2")]
    [InlineData("ranking-and-scoring__pairwise-classification", "pw", "pairText1", "pairText2")]
    public void PairwiseBetweenTwoObjectsNamesTheirTwoFields(string template, string control, string left, string right)
    {
        var entry = ControlEntry(FromGallery(template), control);

        Assert.Equal("pairwise", entry.GetProperty("mode").GetString());
        Assert.False(entry.TryGetProperty("field", out _));
        Assert.Equal([left, right], entry.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public void APairwiseResultGoesInAndOutAsLabelStudioWritesIt()
    {
        var schema = FromGallery("ranking-and-scoring__pairwise-classification");
        const string data = """{"pairText1":"The cat sat.","pairText2":"A cat was sitting."}""";

        var native = RoundTrip(schema, data, """[{"id":"pw","from_name":"pw","to_name":"pw","type":"pairwise","value":{"selected":"right"}}]""");

        Assert.Equal("b", Json(native).GetProperty("pw").GetProperty("preferred").GetString());
    }

    [Fact]
    public void APairwiseItemNamingBothObjectsAsEarlierExportsDidStillImports()
    {
        var schema = FromGallery("ranking-and-scoring__pairwise-classification");
        const string data = """{"pairText1":"The cat sat.","pairText2":"A cat was sitting."}""";

        var native = LabelStudioResults.ToNative(Json("""[{"id":"pw","from_name":"pw","to_name":"text1,text2","type":"pairwise","value":{"selected":"left"}}]"""),
            Json(schema.ToJson()), Json(data), null);

        Assert.Equal("""{"pw":{"preferred":"a"}}""", native.Json);
    }

    [Theory]
    [InlineData("ranking-and-scoring__pairwise-classification", """{"pairText1":"x","pairText2":"y"}""", """{"pw":{"preferred":"tie"}}""")]
    [InlineData("generative-ai__human-feedback-collection", """{"prompt":"p","answer1":"x","answer2":"y"}""", """{"comparison":{"preferred":"a"}}""")]
    [InlineData("generative-ai__llm-ranker", """{"task":"t","prompt":"p","items":[{"id":"a","title":"x","body":"1"},{"id":"b","title":"y","body":"2"}]}""",
        """{"rank":{"buckets":{"relevant_results":["b"],"biased_results":["a"]}}}""")]
    public void EveryExportedItemNamesAControlAndAnObjectTagOfTheConfig(string template, string data, string result)
    {
        var xml = System.Xml.Linq.XDocument.Parse(File.ReadAllText(Path.Combine(_gallery, template + ".xml")));
        var schema = FromGallery(template);

        var ls = LabelStudioResults.FromNative(Json(result), Json(schema.ToJson()), Json(data), null);

        Assert.Empty(ls.Errors);
        // What Label Studio looks a result's names up in when it loads an annotation: its control tags by
        // from_name, its object tags (value="$...", and Pairwise, which is an object of its own) by to_name.
        var tags = xml.Descendants().Where(e => e.Attribute("name") is not null).ToList();
        var objects = tags.Where(e => e.Attribute("value")?.Value.StartsWith('$') == true || e.Name.LocalName == "Pairwise")
            .Select(e => e.Attribute("name")!.Value).ToHashSet();
        var controls = tags.Where(e => e.Attribute("toName") is not null).Select(e => e.Attribute("name")!.Value).ToHashSet();
        var item = Assert.Single(Json(ls.Json).EnumerateArray());
        Assert.Contains(item.GetProperty("from_name").GetString()!, controls);
        Assert.Contains(item.GetProperty("to_name").GetString()!, objects);
    }

    [Fact]
    public void APairwiseBetweenTwoFieldsMadeHereNamesItselfInLabelStudio()
    {
        var schema = LabelSchema.Parse("""
            { "fields": [ { "name": "a", "type": "text" }, { "name": "b", "type": "image" } ],
              "controls": [ { "name": "better", "type": "ranking", "mode": "pairwise", "fields": ["a", "b"] } ] }
            """).Schema!;

        var ls = LabelStudioResults.FromNative(Json("""{"better":{"preferred":"a"}}"""), Json(schema.ToJson()), Json("""{"a":"x","b":"y.png"}"""), null);

        var item = Json(ls.Json)[0];
        Assert.Equal("better", item.GetProperty("to_name").GetString()); // the Pairwise tag a config made of this schema would have
        Assert.Equal("left", item.GetProperty("value").GetProperty("selected").GetString());
    }

    [Fact]
    public void APairwiseBetweenTwoFieldsChecksItsAnswerButNoList()
    {
        var schema = FromGallery("generative-ai__human-feedback-collection");
        const string data = """{"prompt":"p","answer1":"x","answer2":"y"}""";

        Assert.Empty(AnnotationValidator.Validate(schema, Json(data), Json("""{"comparison":{"preferred":"tie"}}""")));
        Assert.Equal(SchemaErrorCodes.RankingPreferred,
            Assert.Single(AnnotationValidator.Validate(schema, Json(data), Json("""{"comparison":{"preferred":"left"}}"""))).Code);
    }

    [Fact]
    public void PairwiseBetweenTwoFieldsAgreesOnThePreferredSide()
    {
        var schema = FromGallery("generative-ai__human-feedback-collection");
        var control = schema.Controls.Single(c => c.Name == "comparison");
        var agreement = ControlKinds.Of(ControlType.Ranking).CreateAgreement(control)!;

        agreement.AddTask([Json("""{"comparison":{"preferred":"a"}}"""), Json("""{"comparison":{"preferred":"a"}}""")]);
        agreement.AddTask([Json("""{"comparison":{"preferred":"a"}}"""), Json("""{"comparison":{"preferred":"b"}}""")]);

        var result = agreement.Result();
        Assert.Equal((2, 2), (result.Tasks, result.Pairs));
        Assert.Equal(0.5, result.Metrics["percentAgreement"]);
        Assert.Equal(1.0, ControlKinds.Of(ControlType.Ranking).GoldScore(control, Json("""{"preferred":"b"}"""), Json("""{"preferred":"b"}"""), default, default));
    }

    [Theory]
    [InlineData("""{ "name": "p", "type": "ranking", "mode": "rank", "fields": ["a", "b"] }""", "/controls/0/fields", SchemaErrorCodes.SchemaRankingFields)]
    [InlineData("""{ "name": "p", "type": "ranking", "mode": "pairwise", "fields": ["a"] }""", "/controls/0/fields", SchemaErrorCodes.SchemaRankingFields)]
    [InlineData("""{ "name": "p", "type": "ranking", "mode": "pairwise", "fields": ["a", "zz"] }""", "/controls/0/fields/1", SchemaErrorCodes.SchemaFieldUnknown)]
    [InlineData("""{ "name": "p", "type": "ranking", "mode": "pairwise" }""", "/controls/0/field", SchemaErrorCodes.SchemaControlNeedsField)]
    [InlineData("""{ "name": "p", "type": "ranking", "mode": "pairwise", "field": "l", "buckets": ["x"] }""", "/controls/0/buckets", SchemaErrorCodes.SchemaRankingBuckets)]
    [InlineData("""{ "name": "p", "type": "ranking", "mode": "rank", "field": "l", "buckets": [ { "value": "x", "title": 5 } ] }""", "/controls/0/buckets/0/title", SchemaErrorCodes.SchemaNotString)]
    public void AMisshapenRankingEntryIsRefusedAtItsKey(string control, string path, string code)
    {
        var result = LabelSchema.Parse($$"""
            { "fields": [ { "name": "a", "type": "text" }, { "name": "b", "type": "text" }, { "name": "l", "type": "list" } ], "controls": [ {{control}} ] }
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal((path, code), (error.Path, error.Code));
    }

    [Fact]
    public void RankerBucketsBecomeTheRankingsBucketsWithTheirTitles()
    {
        var entry = ControlEntry(FromGallery("generative-ai__llm-ranker"), "rank");

        Assert.Equal("rank", entry.GetProperty("mode").GetString());
        Assert.Equal("items", entry.GetProperty("field").GetString());
        Assert.Equal(
            """[{"value":"relevant_results","title":"Relevant Results"},{"value":"biased_results","title":"Biased Results"}]""",
            JsonSerializer.Serialize(entry.GetProperty("buckets")));
    }

    private const string RankerData = """
        {"task":"t","prompt":"p","items":[{"id":"r1","text":"one"},{"id":"r2","text":"two"},{"id":"r3","text":"three"},{"id":"r4","text":"four"}]}
        """;

    [Fact]
    public void ARankerResultWithBucketsGoesInAndOutAsLabelStudioWritesIt()
    {
        var schema = FromGallery("generative-ai__llm-ranker");

        var native = RoundTrip(schema, RankerData,
            """[{"id":"rank","from_name":"rank","to_name":"answers","type":"ranker","value":{"ranker":{"relevant_results":["r3","r1"],"biased_results":[],"_":["r2","r4"]}}}]""");

        Assert.Equal("""{"rank":{"buckets":{"relevant_results":["r3","r1"],"biased_results":[]}}}""", native);
    }

    [Fact]
    public void ARankerResultNamingABucketTheConfigLacksIsRefused()
    {
        var schema = FromGallery("generative-ai__llm-ranker");

        var native = LabelStudioResults.ToNative(Json("""[{"from_name":"rank","to_name":"answers","type":"ranker","value":{"ranker":{"junk":["r1"],"_":[]}}}]"""),
            Json(schema.ToJson()), Json(RankerData), null);

        Assert.Contains("junk", Assert.Single(native.Errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"rank":{"buckets":{"relevant_results":["r9"]}}}""", "/rank/buckets/relevant_results/0", SchemaErrorCodes.RankingItemUnknown)]
    [InlineData("""{"rank":{"buckets":{"relevant_results":["r1"],"biased_results":["r1"]}}}""", "/rank/buckets/biased_results/0", SchemaErrorCodes.RankingItemRepeated)]
    [InlineData("""{"rank":{"buckets":{"other":["r1"]}}}""", "/rank/buckets/other", SchemaErrorCodes.RankingBucketUnknown)]
    [InlineData("""{"rank":{"order":["r1","r2","r3","r4"]}}""", "/rank/order", SchemaErrorCodes.KeyUnknown)]
    public void ABucketAnswerNamesKnownBucketsAndItemsOnce(string result, string path, string code)
    {
        var schema = FromGallery("generative-ai__llm-ranker");

        var errors = AnnotationValidator.Validate(schema, Json(RankerData), Json(result));

        Assert.Contains(errors, e => e.Path == path && e.Code == code);
    }

    [Fact]
    public void BucketAgreementIsTheShareOfItemsSortedAlike()
    {
        var schema = FromGallery("generative-ai__llm-ranker");
        var control = schema.Controls.Single(c => c.Name == "rank");
        var agreement = ControlKinds.Of(ControlType.Ranking).CreateAgreement(control)!;

        // r1 alike, r2 in different buckets, r3 placed by one only: 1 of 3.
        agreement.AddTask([
            Json("""{"rank":{"buckets":{"relevant_results":["r1","r2"]}}}"""),
            Json("""{"rank":{"buckets":{"relevant_results":["r1","r3"],"biased_results":["r2"]}}}"""),
        ]);

        var result = agreement.Result();
        Assert.Equal((1, 1), (result.Tasks, result.Pairs));
        Assert.Equal(1.0 / 3, result.Metrics["sameBucket"]!.Value, 9);
        Assert.Equal(1.0 / 3, RankingKind.SameBucketShare(
            new Dictionary<string, string> { ["r1"] = "a", ["r2"] = "a" },
            new Dictionary<string, string> { ["r1"] = "a", ["r3"] = "a", ["r2"] = "b" })!.Value, 9);
    }

    [Fact]
    public void BucketGoldScoresTheShareSortedAsTheGold()
    {
        var schema = FromGallery("generative-ai__llm-ranker");
        var control = schema.Controls.Single(c => c.Name == "rank");
        var gold = Json("""{"buckets":{"relevant_results":["r1","r2"]}}""");

        Assert.Equal(0.5, ControlKinds.Of(ControlType.Ranking).GoldScore(control, gold, Json("""{"buckets":{"relevant_results":["r1"],"biased_results":["r2"]}}"""), default, default));
        Assert.Equal(0, ControlKinds.Of(ControlType.Ranking).GoldScore(control, gold, Json("""{"order":[]}"""), default, default));
    }
}

using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;
using static Yunzhong.Core.Tests.Formats.LabelStudioTests;

namespace Yunzhong.Core.Tests.FoundByFuzzing;

/// <summary>
/// Label Studio results that made <see cref="LabelStudioResults.ToNative(System.Text.Json.JsonElement, System.Text.Json.JsonElement, System.Text.Json.JsonElement, Func{string, MediaInfo?}?)"/>
/// throw instead of reporting (found by the labelstudio fuzz target): each is now an error naming the result.
/// </summary>
public class LabelStudioResultFindingsTests
{
    private static ResultConversion Convert(string lsResult) =>
        LabelStudioResults.ToNative(Json(lsResult), Json(SchemaJson), Json(TaskDataJson), Formats.LabelStudioTests.Media);

    [Theory]
    [InlineData("\"x\": 50, \"width\": 10, \"height\": 20")]                            // no y: KeyNotFoundException
    [InlineData("\"x\": 50, \"y\": 1e309, \"width\": 10, \"height\": 20")]              // y reads as infinity
    [InlineData("\"x\": 50, \"y\": 1, \"width\": 10, \"height\": 20, \"rotation\": 1e309")]
    public void ARectangleWithAMissingOrEndlessCoordinateIsAnErrorNotAnException(string coordinates)
    {
        var conversion = Convert($$"""
            [{ "id": "b1", "from_name": "boxes", "to_name": "image", "type": "rectanglelabels",
               "value": { {{coordinates}}, "rectanglelabels": ["car"] } }]
            """);

        Assert.Equal(["result[0] (boxes): a value is missing, out of range or of the wrong type"], conversion.Errors);
    }

    [Fact]
    public void ACoordinateTooLargeForPixelsIsPastTheImageEdge()
    {
        // It once overflowed percent → pixels; the edge check now stops it first, naming it.
        var conversion = Convert("""
            [{ "id": "b1", "from_name": "boxes", "to_name": "image", "type": "rectanglelabels",
               "value": { "x": 1.7976931348623157e308, "y": 1, "width": 10, "height": 20, "rectanglelabels": ["car"] } }]
            """);

        Assert.StartsWith("result[0] (boxes): the region reaches past the image's edge (x = ", Assert.Single(conversion.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void APolygonPointWithOneCoordinateIsAnErrorNotAnException()
    {
        var conversion = Convert("""
            [{ "id": "p1", "from_name": "shapes", "to_name": "image", "type": "polygonlabels",
               "value": { "points": [[1, 2], [3]], "polygonlabels": ["road"] } }]
            """);

        Assert.Equal(["result[0] (shapes): a value is missing, out of range or of the wrong type"], conversion.Errors);
    }

    [Fact]
    public void ASegmentEndingAtInfinityIsAnErrorNotAnException()
    {
        var conversion = Convert("""
            [{ "id": "g1", "from_name": "turns", "to_name": "audio", "type": "labels",
               "value": { "start": 0, "end": 1e309, "labels": ["speech"] } }]
            """);

        Assert.Single(conversion.Errors);
        Assert.StartsWith("result[0] (turns):", conversion.Errors[0]);
    }

    [Fact]
    public void ARelationWhoseLabelIsNotAStringIsKeptWithoutALabel()
    {
        var conversion = Convert("""
            [{ "id": "e1", "from_name": "entities", "to_name": "text", "type": "labels", "value": { "start": 2, "end": 4, "labels": ["PER"] } },
             { "id": "e2", "from_name": "entities", "to_name": "text", "type": "labels", "value": { "start": 5, "end": 9, "labels": ["ORG"] } },
             { "from_id": "e1", "to_id": "e2", "type": "relation", "labels": [7] }]
            """);

        Assert.Empty(conversion.Errors);
        AssertJsonEqual("""[{ "from": "e1", "to": "e2" }]""", Json(conversion.Json).GetProperty("links").GetRawText());
    }

    [Fact]
    public void ManySpansOverATextWithSurrogatePairsKeepTheirCodePointOffsets()
    {
        // The offsets now come from a map made once per text instead of a walk per span; the map must
        // answer as the walk did, pairs and the middle of a pair included.
        var text = string.Concat(Enumerable.Repeat("😀张", 50));
        var spans = Enumerable.Range(0, 100).Select(i =>
            $$"""{ "id": "s{{i}}", "from_name": "entities", "to_name": "text", "type": "labels", "value": { "start": {{i / 2 * 3 + (i % 2 == 0 ? 0 : 2)}}, "end": {{i / 2 * 3 + 3}}, "labels": ["PER"] } }""");
        var result = LabelStudioResults.ToNative(Json("[" + string.Join(",", spans) + ", " +
            """{ "id": "bad", "from_name": "entities", "to_name": "text", "type": "labels", "value": { "start": 1, "end": 3, "labels": ["PER"] } }]"""),
            Json(SchemaJson), Json($$"""{ "text": "{{text}}" }"""), Formats.LabelStudioTests.Media);

        Assert.Equal(["result[100] (entities): offsets 1..3 do not fit the text (or split a surrogate pair)"], result.Errors);
        var entities = Json(result.Json).GetProperty("entities").EnumerateArray().ToList();
        Assert.Equal(100, entities.Count);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i / 2 * 2 + (i % 2 == 0 ? 0 : 1), entities[i].GetProperty("start").GetInt32());
            Assert.Equal(i / 2 * 2 + 2, entities[i].GetProperty("end").GetInt32());
            Assert.Equal(LabelStudioResults.Utf16ToCodePoint(text, i / 2 * 3 + 3), entities[i].GetProperty("end").GetInt32());
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>Gallery configs that map since issue 17: a result made here goes out in Label Studio's
/// form, naming the config's objects, and comes back unchanged.</summary>
public class LabelStudioGalleryRoundTripTests
{
    private static string Schema(string xml)
    {
        var import = LabelStudioConfig.Import(xml);
        Assert.True(import.Errors.Count == 0 && import.Unmapped.Count == 0, string.Join("\n", import.Errors));
        return import.Schema!.ToJson();
    }

    /// <summary>Validates <paramref name="result"/>, converts it out and back, and answers the Label Studio items.</summary>
    private static List<JsonElement> RoundTrip(string schema, string data, string result)
    {
        var parsed = LabelSchema.Parse(schema).Schema!;
        var errors = AnnotationValidator.Validate(parsed, Json(data), Json(result));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        var ls = LabelStudioResults.FromNative(Json(result), Json(schema), Json(data), null);
        Assert.Empty(ls.Errors);
        var back = LabelStudioResults.ToNative(Json(ls.Json), Json(schema), Json(data), null);
        Assert.Empty(back.Errors);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(result), JsonNode.Parse(back.Json)), back.Json);
        return [.. Json(ls.Json).EnumerateArray()];
    }

    [Fact]
    public void ChoicesOverFourImagesKeepTheirToName()
    {
        var schema = Schema("""
            <View>
              <Image name="left_cc" value="$img1"/><Image name="right_cc" value="$img3"/>
              <Choices name="birads_left" toName="left_cc,right_cc" choice="single" required="true">
                <Choice value="0 - Incomplete"/><Choice value="1 - Negative"/>
              </Choices>
              <TextArea name="notes" toName="left_cc,right_cc"/>
            </View>
            """);

        var items = RoundTrip(schema, """{"img1":"a.png","img3":"b.png"}""", """{"birads_left":["1 - Negative"],"notes":"calcification, left"}""");

        Assert.Equal(["left_cc,right_cc", "left_cc,right_cc"], items.Select(i => i.GetProperty("to_name").GetString()));
        Assert.Equal("1 - Negative", items[0].GetProperty("value").GetProperty("choices")[0].GetString());
    }

    [Fact]
    public void ARatingWithoutToNameRatesTheTask()
    {
        var schema = Schema("""
            <View>
              <Paragraphs name="dialogue" value="$messages" layout="dialogue" nameKey="role" textKey="content"/>
              <Rating name="likert_scale" maxRating="7"/>
            </View>
            """);

        var items = RoundTrip(schema, """{"messages":[{"role":"user","content":"hi"}]}""", """{"likert_scale":6}""");

        Assert.Equal(6, items.Single().GetProperty("value").GetProperty("rating").GetInt32());
        Assert.False(AnnotationValidator.Validate(LabelSchema.Parse(schema).Schema!, Json("""{"messages":[]}"""), Json("""{"likert_scale":8}""")).Count == 0);
    }

    [Fact]
    public void SegmentsOnAVideoShownAsAudioNameTheAudioObject()
    {
        var schema = Schema("""
            <View>
              <Video name="video" value="$video_url" sync="audio"/>
              <Labels name="tricks" toName="audio" choice="multiple"><Label value="Kickflip"/><Label value="360 Flip"/></Labels>
              <AudioPlus name="audio" value="$video_url" sync="video" speed="false"/>
            </View>
            """);

        var items = RoundTrip(schema, """{"video_url":"skate.mp4"}""", """{"tricks":[{"id":"g1","start":1.5,"end":2.25,"label":"Kickflip"}]}""");

        Assert.Equal(("audio", "labels"), (items.Single().GetProperty("to_name").GetString(), items.Single().GetProperty("type").GetString()));
    }

    [Fact]
    public void ChoicesOnATable()
    {
        var schema = Schema("""
            <View>
              <Table name="table" value="$item"/>
              <Choices name="choice" toName="table"><Choice value="Correct"/><Choice value="Incorrect"/></Choices>
            </View>
            """);

        var items = RoundTrip(schema, """{"item":{"name":"Ann","age":31}}""", """{"choice":["Correct"]}""");

        Assert.Equal("table", items.Single().GetProperty("to_name").GetString());
    }
}

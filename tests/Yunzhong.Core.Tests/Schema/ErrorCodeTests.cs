using System.Reflection;
using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Schema;
using Yunzhong.Core.Tests.Formats;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Schema;

/// <summary>
/// Every error of the annotation checks, the task data checks, the Label Studio config mapping and
/// the import readers carries its own stable code and the values its translated message needs: a
/// client shows words in the user's language, never the English message or a path. Each table row
/// drives one error path; the last tests hold the tables to every code there is.
/// </summary>
public class ErrorCodeTests
{
    private static readonly LabelSchema _schema = ParseOk("""
        {
          "fields": [
            { "name": "text", "type": "text" }, { "name": "image", "type": "image" }, { "name": "audio", "type": "audio" },
            { "name": "items", "type": "list" }, { "name": "pairs", "type": "list" }
          ],
          "controls": [
            { "name": "c", "type": "choices", "field": "text", "options": ["a", "b"], "multiple": true },
            { "name": "ents", "type": "spans", "field": "text", "labels": ["PER"] },
            { "name": "links", "type": "relations", "spans": "ents", "labels": ["rel"] },
            { "name": "boxes", "type": "rectangles", "field": "image", "labels": ["car"] },
            { "name": "bare", "type": "rectangles", "field": "image" },
            { "name": "shapes", "type": "polygons", "field": "image", "labels": ["road"] },
            { "name": "joints", "type": "keypoints", "field": "image", "labels": ["nose"] },
            { "name": "turns", "type": "segments", "field": "audio", "labels": ["speech"] },
            { "name": "tr", "type": "transcription", "field": "audio", "perSegment": "turns" },
            { "name": "note", "type": "transcription", "field": "audio" },
            { "name": "stars", "type": "rating", "max": 5 },
            { "name": "rank", "type": "ranking", "field": "items", "mode": "rank" },
            { "name": "pair", "type": "ranking", "field": "pairs", "mode": "pairwise" },
            { "name": "sorted", "type": "ranking", "field": "items", "mode": "rank", "buckets": [ { "value": "good", "title": "Good ones" }, "bad" ] },
            { "name": "tax", "type": "taxonomy", "options": [ { "value": "Animal", "children": ["Cat", "Dog"] }, "Plant" ], "leafsOnly": true },
            { "name": "taxm", "type": "taxonomy", "options": [ "Plant", "Rock" ], "multiple": true, "max": 2 },
            { "name": "seg", "type": "masks", "field": "image", "labels": ["cat"] },
            { "name": "must", "type": "choices", "field": "text", "options": ["y", "n"], "required": true },
            { "name": "marks", "type": "keypoints", "field": "image" },
            { "name": "marknote", "type": "rating", "perRegion": ["marks"], "required": true }
          ]
        }
        """);

    private const string Data = """
        { "text": "hello world", "image": "i.jpg", "audio": "a.wav",
          "items": [ { "id": "a", "text": "A" }, { "id": "b", "text": "B" } ], "pairs": [ { "id": "x", "text": "X" }, { "id": "y", "text": "Y" } ] }
        """;

    private static MediaInfo? Media(string field) => field switch
    {
        "image" => new MediaInfo("i.jpg", "image/jpeg", Width: 100, Height: 80),
        "audio" => new MediaInfo("a.wav", "audio/wav", DurationSeconds: 10),
        _ => null,
    };

    // The required control's answer, so that each row's result has only the error it drives.
    private const string Must = "\"must\": [\"y\"]";

    /// <summary>Result (its keys besides the required one), task data (null: <see cref="Data"/>), path, code and params.</summary>
    public static TheoryData<string, string?, string, string, string> Results => new()
    {
        { "[]", null, "", SchemaErrorCodes.ResultNotObject, "{}" },
        { "{ \"note\": \"\\ud800\" }", null, "", SchemaErrorCodes.BadUnicode, "{}" },
        { Must + ", \"stars\": 1, \"stars\": 2", null, "/stars", SchemaErrorCodes.ControlRepeated, """{"name":"stars"}""" },
        { Must + ", \"zz\": 1", null, "/zz", SchemaErrorCodes.UnknownControl, "{}" },
        { "\"c\": [\"a\"]", null, "/must", SchemaErrorCodes.Required, "{}" },
        { Must + ", \"ents\": 5", null, "/ents", SchemaErrorCodes.NotList, "{}" },
        { Must + ", \"c\": [1]", null, "/c/0", SchemaErrorCodes.NotText, "{}" },
        { Must + ", \"c\": [\"z\"]", null, "/c/0", SchemaErrorCodes.UnknownOption, """{"value":"z"}""" },
        { "\"must\": [\"y\", \"y\"]", null, "/must/1", SchemaErrorCodes.ChoiceRepeated, """{"value":"y"}""" },
        { "\"must\": [\"y\", \"n\"]", null, "/must", SchemaErrorCodes.ChoiceCount, """{"min":1,"max":1,"count":2}""" },
        { Must + ", \"note\": 5", null, "/note", SchemaErrorCodes.NotText, "{}" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": \"1\", \"y\": 0, \"width\": 1, \"height\": 1 } ]", null, "/boxes/0/x", SchemaErrorCodes.NotNumber, """{"key":"x"}""" },
        { Must + ", \"ents\": [5]", null, "/ents/0", SchemaErrorCodes.ItemNotObject, "{}" },
        { Must + ", \"$ids\": { \"boxes\": \"r\" }", null, "/$ids/boxes", SchemaErrorCodes.ResultIdsInvalid, "{}" },
        { Must + ", \"marks\": [ { \"id\": \"k1\", \"x\": 1, \"y\": 1 } ]", null, "/marknote/k1", SchemaErrorCodes.AttributeRequired, """{"id":"k1","control":"marknote"}""" },
        { Must + ", \"marknote\": 5", null, "/marknote", SchemaErrorCodes.AttributeNotObject, "{}" },
        { Must + ", \"marknote\": { \"q\": 1 }", null, "/marknote/q", SchemaErrorCodes.AttributeRegionUnknown, """{"id":"q","control":"marknote"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\", \"zz\": 1 } ]", null, "/ents/0/zz", SchemaErrorCodes.KeyUnknown, """{"key":"zz"}""" },
        { Must + ", \"ents\": [ { \"start\": 0, \"end\": 1, \"label\": \"PER\" } ]", null, "/ents/0/id", SchemaErrorCodes.RegionIdNeeded, "{}" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\" }, { \"id\": \"s\", \"start\": 2, \"end\": 3, \"label\": \"PER\" } ]", null, "/ents/1/id", SchemaErrorCodes.RegionIdRepeated, """{"id":"s"}""" },
        { Must + ", \"bare\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": 0, \"y\": 0, \"width\": 1, \"height\": 1 } ]", null, "/bare/0/label", SchemaErrorCodes.LabelNotTaken, """{"control":"bare"}""" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"x\": 0, \"y\": 0, \"width\": 1, \"height\": 1 } ]", null, "/boxes/0/label", SchemaErrorCodes.LabelNeeded, "{}" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"bus\", \"x\": 0, \"y\": 0, \"width\": 1, \"height\": 1 } ]", null, "/boxes/0/label", SchemaErrorCodes.LabelUnknown, """{"value":"bus","control":"boxes"}""" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"y\": 0, \"width\": 1, \"height\": 1 } ]", null, "/boxes/0/x", SchemaErrorCodes.NumberNeeded, """{"key":"x"}""" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": -1, \"y\": 0, \"width\": 1, \"height\": 1 } ]", null, "/boxes/0/x", SchemaErrorCodes.Negative, """{"value":-1}""" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": 0, \"y\": 0, \"width\": 0, \"height\": 1 } ]", null, "/boxes/0/width", SchemaErrorCodes.BoxNotPositive, """{"value":0}""" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": 90, \"y\": 0, \"width\": 20, \"height\": 1 } ]", null, "/boxes/0/width", SchemaErrorCodes.OutsideImage, """{"value":110,"limit":100}""" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": 95, \"y\": 0, \"width\": 9, \"height\": 9, \"rotation\": 45 } ]", null, "/boxes/0/rotation", SchemaErrorCodes.BoxRotatedOutside, """{"rotation":45,"width":100,"height":80}""" },
        { Must + ", \"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": 0, \"y\": 0, \"width\": 1, \"height\": 1, \"rotation\": \"a\" } ]", null, "/boxes/0/rotation", SchemaErrorCodes.NotNumber, """{"key":"rotation"}""" },
        { Must + ", \"joints\": [ { \"id\": \"k\", \"label\": \"nose\", \"x\": 10, \"y\": 90 } ]", null, "/joints/0/y", SchemaErrorCodes.OutsideImage, """{"value":90,"limit":80}""" },
        { Must + ", \"joints\": [ { \"id\": \"k\", \"label\": \"nose\", \"x\": -2, \"y\": 1 } ]", null, "/joints/0/x", SchemaErrorCodes.Negative, """{"value":-2}""" },
        { Must + ", \"shapes\": [ { \"id\": \"p\", \"label\": \"road\" } ]", null, "/shapes/0/points", SchemaErrorCodes.PolygonPointsNeeded, "{}" },
        { Must + ", \"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],[1,1]] } ]", null, "/shapes/0/points", SchemaErrorCodes.PolygonTooFew, """{"count":2}""" },
        { Must + ", \"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],[1],[2,2]] } ]", null, "/shapes/0/points/1", SchemaErrorCodes.PolygonPointInvalid, """{"point":2}""" },
        { Must + ", \"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],[1,\"a\"],[2,2]] } ]", null, "/shapes/0/points/1/1", SchemaErrorCodes.NotNumber, """{"key":"y"}""" },
        { Must + ", \"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],[-1,1],[2,2]] } ]", null, "/shapes/0/points/1/0", SchemaErrorCodes.Negative, """{"value":-1}""" },
        { Must + ", \"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],[101,1],[2,2]] } ]", null, "/shapes/0/points/1/0", SchemaErrorCodes.OutsideImage, """{"value":101,"limit":100}""" },
        { Must + ", \"tax\": [\"Animal\"]", null, "/tax/0", SchemaErrorCodes.TaxonomyPathInvalid, "{}" },
        { Must + ", \"tax\": [[1]]", null, "/tax/0/0", SchemaErrorCodes.NotText, "{}" },
        { Must + ", \"tax\": 5", null, "/tax", SchemaErrorCodes.NotList, "{}" },
        { Must + ", \"tax\": [[\"Rock\"]]", null, "/tax/0/0", SchemaErrorCodes.TaxonomyUnknownTop, """{"value":"Rock"}""" },
        { Must + ", \"tax\": [[\"Animal\", \"Cow\"]]", null, "/tax/0/1", SchemaErrorCodes.TaxonomyUnknownUnder, """{"value":"Cow","parent":"Animal"}""" },
        { Must + ", \"tax\": [[\"Animal\"]]", null, "/tax/0", SchemaErrorCodes.TaxonomyNotLeaf, "{}" },
        { Must + ", \"taxm\": [[\"Plant\"], [\"Plant\"]]", null, "/taxm/1", SchemaErrorCodes.TaxonomyRepeated, "{}" },
        { Must + ", \"tax\": [[\"Plant\"], [\"Animal\", \"Cat\"]]", null, "/tax", SchemaErrorCodes.TaxonomyCount, """{"max":1,"count":2}""" },
        { Must + ", \"rank\": 5", null, "/rank", SchemaErrorCodes.RankingNotObject, "{}" },
        { Must + ", \"rank\": { \"order\": [\"a\", \"b\"], \"rationale\": \"x\" }", null, "/rank/rationale", SchemaErrorCodes.RankingNoRationale, "{}" },
        { Must + ", \"rank\": { \"order\": [\"a\", \"b\"], \"zz\": 1 }", null, "/rank/zz", SchemaErrorCodes.KeyUnknown, """{"key":"zz"}""" },
        { Must + ", \"rank\": { \"order\": [\"a\"] }", """{ "text": "t", "image": "i", "audio": "a", "items": "no", "pairs": [] }""", "/rank", SchemaErrorCodes.RankingNoList, """{"name":"items"}""" },
        { Must + ", \"pair\": { \"preferred\": \"a\" }", """{ "text": "t", "image": "i", "audio": "a", "items": [], "pairs": [ { "id": "x", "text": "X" } ] }""", "/pair", SchemaErrorCodes.RankingTooFewItems, """{"name":"pairs","count":1}""" },
        { Must + ", \"pair\": { \"preferred\": \"c\" }", null, "/pair/preferred", SchemaErrorCodes.RankingPreferred, "{}" },
        { Must + ", \"sorted\": { \"buckets\": 5 }", null, "/sorted/buckets", SchemaErrorCodes.RankingBucketsNeeded, """{"name":"sorted"}""" },
        { Must + ", \"sorted\": { \"buckets\": { \"meh\": [\"a\"] } }", null, "/sorted/buckets/meh", SchemaErrorCodes.RankingBucketUnknown, """{"value":"meh","name":"sorted"}""" },
        { Must + ", \"rank\": { \"order\": 5 }", null, "/rank/order", SchemaErrorCodes.RankingOrderNeeded, """{"name":"items"}""" },
        { Must + ", \"rank\": { \"order\": [\"a\", \"b\", 3] }", null, "/rank/order/2", SchemaErrorCodes.NotText, "{}" },
        { Must + ", \"rank\": { \"order\": [\"a\", \"b\", \"zz\"] }", null, "/rank/order/2", SchemaErrorCodes.RankingItemUnknown, """{"value":"zz","name":"items"}""" },
        { Must + ", \"rank\": { \"order\": [\"a\", \"a\", \"b\"] }", null, "/rank/order/1", SchemaErrorCodes.RankingItemRepeated, """{"value":"a"}""" },
        { Must + ", \"rank\": { \"order\": [\"a\"] }", null, "/rank/order", SchemaErrorCodes.RankingIncomplete, """{"name":"items","missing":"b"}""" },
        { Must + ", \"stars\": 9", null, "/stars", SchemaErrorCodes.RatingRange, """{"max":5,"value":9}""" },
        { Must + ", \"stars\": \"x\"", null, "/stars", SchemaErrorCodes.RatingRange, """{"max":5,"value":"x"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\" } ], \"links\": [ { \"from\": \"s\", \"label\": \"rel\" } ]", null, "/links/0/to", SchemaErrorCodes.RelationEndNeeded, """{"key":"to"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\" } ], \"links\": [ { \"from\": \"s\", \"to\": \"zz\", \"label\": \"rel\" } ]", null, "/links/0/to", SchemaErrorCodes.RelationEndUnknown, """{"value":"zz","control":"ents"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\" } ], \"links\": [ { \"from\": \"s\", \"to\": \"s\", \"direction\": \"up\" } ]", null, "/links/0/direction", SchemaErrorCodes.RelationDirectionInvalid, """{"value":"up"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\", \"score\": \"high\" } ]", null, "/ents/0/score", SchemaErrorCodes.NotNumber, """{"key":"score"}""" },
        { Must + ", \"links\": [ 5 ]", null, "/links/0", SchemaErrorCodes.ItemNotObject, "{}" },
        { Must + ", \"links\": [ { \"from\": \"s\", \"to\": \"t\", \"label\": \"rel\", \"zz\": 1 } ]", null, "/links/0/zz", SchemaErrorCodes.KeyUnknown, """{"key":"zz"}""" },
        { Must + ", \"turns\": [ { \"id\": \"g\", \"start\": 3, \"end\": 2, \"label\": \"speech\" } ]", null, "/turns/0/end", SchemaErrorCodes.SegmentEmpty, """{"start":3,"end":2}""" },
        { Must + ", \"turns\": [ { \"id\": \"g\", \"start\": -1, \"end\": 2, \"label\": \"speech\" } ]", null, "/turns/0/start", SchemaErrorCodes.Negative, """{"value":-1}""" },
        { Must + ", \"turns\": [ { \"id\": \"g\", \"start\": 3, \"end\": 20, \"label\": \"speech\" } ]", null, "/turns/0/end", SchemaErrorCodes.SegmentPastMedia, """{"end":20,"duration":10}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\" } ]", """{ "image": "i", "audio": "a", "items": [], "pairs": [] }""", "/ents", SchemaErrorCodes.SpanNoText, """{"name":"text"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\" } ]", """{ "text": "a\ud800b" }""", "/ents", SchemaErrorCodes.SpanBadText, """{"name":"text"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 2, \"label\": \"PER\", \"text\": \"xx\" } ]", null, "/ents/0/text", SchemaErrorCodes.SpanTextDiffers, """{"value":"xx","expected":"he"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 2, \"label\": \"PER\", \"text\": 5 } ]", null, "/ents/0/text", SchemaErrorCodes.NotText, "{}" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": \"0\", \"end\": 2, \"label\": \"PER\" } ]", null, "/ents/0/start", SchemaErrorCodes.SpanOffsetInvalid, """{"key":"start"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"end\": 2, \"label\": \"PER\" } ]", null, "/ents/0/start", SchemaErrorCodes.SpanOffsetInvalid, """{"key":"start"}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 0, \"end\": 99, \"label\": \"PER\" } ]", null, "/ents/0/end", SchemaErrorCodes.SpanOutOfRange, """{"end":99,"length":11}""" },
        { Must + ", \"ents\": [ { \"id\": \"s\", \"start\": 3, \"end\": 3, \"label\": \"PER\" } ]", null, "/ents/0/end", SchemaErrorCodes.SpanEmpty, """{"start":3,"end":3}""" },
        { "\"c\": [\"a\"], \"must\": [\"z\"]", null, "/must/0", SchemaErrorCodes.UnknownOption, """{"value":"z"}""" },
        { Must + ", \"tr\": \"hi\"", null, "/tr", SchemaErrorCodes.TranscriptionNotObject, "{}" },
        { Must + ", \"tr\": { \"zz\": \"hi\" }", null, "/tr/zz", SchemaErrorCodes.TranscriptionSegmentUnknown, """{"id":"zz"}""" },
        { Must + ", \"turns\": [ { \"id\": \"g\", \"start\": 0, \"end\": 2, \"label\": \"speech\" } ], \"tr\": { \"g\": 5 }", null, "/tr/g", SchemaErrorCodes.NotText, "{}" },
        { Must + ", \"seg\": [ { \"id\": \"m\", \"label\": \"cat\" } ]", null, "/seg/0/mask", SchemaErrorCodes.MaskNeeded, "{}" },
        { Must + ", \"seg\": [ { \"id\": \"m\", \"label\": \"cat\", \"mask\": { \"size\": [80], \"counts\": \"5\" } } ]", null, "/seg/0/mask/size", SchemaErrorCodes.MaskSizeInvalid, "{}" },
        { Must + ", \"seg\": [ { \"id\": \"m\", \"label\": \"cat\", \"mask\": { \"size\": [10, 10], \"counts\": \"5\" } } ]", null, "/seg/0/mask/size", SchemaErrorCodes.MaskSizeMismatch, """{"height":10,"width":10,"imageHeight":80,"imageWidth":100}""" },
        { Must + ", \"seg\": [ { \"id\": \"m\", \"label\": \"cat\", \"mask\": { \"size\": [80, 100], \"counts\": \"!\" } } ]", null, "/seg/0/mask/counts", SchemaErrorCodes.MaskCountsInvalid, "{}" },
        { Must + ", \"seg\": [ { \"id\": \"m\", \"label\": \"cat\", \"mask\": { \"size\": [80, 100], \"counts\": \"5\" } } ]", null, "/seg/0/mask/counts", SchemaErrorCodes.MaskCountsSum, """{"covered":5,"pixels":8000}""" },
    };

    [Theory]
    [MemberData(nameof(Results))]
    public void EachAnnotationErrorHasItsOwnCodeAndValues(string keys, string? data, string path, string code, string args)
    {
        var result = keys.TrimStart() is ['[' or '{', ..] ? keys : "{" + keys + "}";
        var errors = AnnotationValidator.Validate(_schema, Json(data ?? Data), Json(result), Media);
        Assert.All(errors, e => Assert.False(e.Code is null or SchemaErrorCodes.Invalid, $"no code of its own: {e.Path} {e.Message}"));
        var error = Assert.Single(errors, e => e.Path == path && e.Code == code);
        AssertArgs(args, error.Args);
    }

    /// <summary>Task data (a JSON value), path and code and params of the error it must have.</summary>
    public static TheoryData<string, string, string, string> TaskData => new()
    {
        { "[]", "/data", SchemaErrorCodes.DataNotObject, "{}" },
        { """{ "image": "i", "audio": "a", "items": [], "pairs": [] }""", "/data/text", SchemaErrorCodes.DataFieldMissing, """{"name":"text"}""" },
        { """{ "text": 5, "image": "i", "audio": "a", "items": [], "pairs": [] }""", "/data/text", SchemaErrorCodes.DataFieldNotText, """{"name":"text"}""" },
        { """{ "text": "t", "image": " ", "audio": "a", "items": [], "pairs": [] }""", "/data/image", SchemaErrorCodes.DataMediaMissing, """{"name":"image","type":"image"}""" },
        { """{ "text": "t", "image": "i", "audio": "a", "items": 5, "pairs": [] }""", "/data/items", SchemaErrorCodes.DataListInvalid, """{"name":"items"}""" },
        { """{ "text": "t", "image": "i", "audio": "a", "items": ["a", 5], "pairs": [] }""", "/data/items/1", SchemaErrorCodes.DataListItemInvalid, """{"name":"items"}""" },
        { """{ "text": "t", "image": "i", "audio": "a", "items": [ { "text": "A" } ], "pairs": [] }""", "/data/items/0/id", SchemaErrorCodes.DataListIdNeeded, """{"name":"items"}""" },
        { """{ "text": "t", "image": "i", "audio": "a", "items": [ { "id": "a", "text": "A" }, { "id": "a", "text": "B" } ], "pairs": [] }""", "/data/items/1/id", SchemaErrorCodes.DataListIdRepeated, """{"id":"a","name":"items"}""" },
        { """{ "text": "t", "image": "i", "audio": "a", "items": [ { "id": "a" } ], "pairs": [] }""", "/data/items/0/text", SchemaErrorCodes.DataListTextNeeded, """{"name":"items"}""" },
    };

    [Theory]
    [MemberData(nameof(TaskData))]
    public void EachTaskDataErrorHasItsOwnCodeAndValues(string data, string path, string code, string args)
    {
        var error = Assert.Single(_schema.ValidateTaskData(Json(data)));
        Assert.Equal((path, code), (error.Path, error.Code));
        AssertArgs(args, error.Args);
    }

    /// <summary>A Label Studio config and the code and params of the error it must have.</summary>
    public static TheoryData<string, string, string> Configs => new()
    {
        { """<View><Text name="a" value="$x"/><Image name="b" value="$x"/><Choices name="c" toName="a"><Choice value="1"/></Choices></View>""",
            SchemaErrorCodes.LabelStudioFieldTypes, """{"name":"x"}""" },
        { """<View><Text name="a" value="$x"/><Text name="b" value="$y"/><Text name="c" value="$z"/><Pairwise name="p" toName="a,b,c"/></View>""",
            SchemaErrorCodes.LabelStudioPairwiseObjects, """{"tag":"Pairwise","count":3}""" },
        { """<View><Text name="a" value="$x"/><Text name="b" value="$y"/><Labels name="c" toName="a,b"><Label value="1"/></Labels></View>""",
            SchemaErrorCodes.LabelStudioToNameOne, """{"tag":"Labels","name":"a,b"}""" },
        { """<View><HyperText name="page" value="$url" valueType="url"/><HyperTextLabels name="l" toName="page"><Label value="A"/></HyperTextLabels></View>""",
            SchemaErrorCodes.LabelStudioValueFromUrl, """{"tag":"HyperText","name":"page"}""" },
        { """<View><Repeater on="$pages" indexFlag="{{idx}}"><HyperText name="p_{{idx}}" value="$pages[{{idx}}].page"/></Repeater></View>""",
            SchemaErrorCodes.LabelStudioRepeater, """{"tag":"Repeater","on":"$pages"}""" },
        { """<View><Repeater on="$pages" indexFlag="{{idx}}"><Image name="p_{{idx}}" value="$pages[{{idx}}].page"/><Rating name="r_{{idx}}" toName="p_{{idx}}"/></Repeater></View>""",
            SchemaErrorCodes.LabelStudioRepeaterPerItem, """{"tag":"Rating","name":"r_{{idx}}"}""" },
        { """<View><Text name="a" value="$x"/><Labels name="l" toName="a" value="$labels"/></View>""",
            SchemaErrorCodes.LabelStudioOptionsFromData, """{"tag":"Labels","name":"l"}""" },
        { """<View><List name="a" value="$x"/><Labels name="l" toName="a"><Label value="1"/></Labels></View>""",
            SchemaErrorCodes.LabelStudioLabelsUnfit, """{"tag":"Labels","name":"l"}""" },
        { """<View><Text name="a" value="$x"/><RectangleLabels name="r" toName="a"><Label value="1"/></RectangleLabels></View>""",
            SchemaErrorCodes.LabelStudioNotImage, """{"tag":"RectangleLabels","name":"r","field":"x"}""" },
        { """<View><Text name="a" value="$x"/><Rating name="r" toName="a" maxRating="many"/></View>""",
            SchemaErrorCodes.LabelStudioNotWhole, """{"attribute":"maxRating","value":"many"}""" },
        { """<View><Image name="a" value="$x"/><Labels name="l" toName="a"><Label value="car"/></Labels></View>""",
            SchemaErrorCodes.LabelStudioNoTool, """{"tag":"Labels","name":"l","field":"x"}""" },
        { """<View><Text name="a" value="$x"/><Choices name="c" toName="a"><Choice value="1"/></Choices><Relations><Relation value="r"/></Relations></View>""",
            SchemaErrorCodes.LabelStudioRelationsNoSpans, "{}" },
        { """<View><Text name="a" value="$x"/><Text name="b" value="$y"/><Labels name="l1" toName="a"><Label value="1"/></Labels><Labels name="l2" toName="b"><Label value="1"/></Labels><Relations><Relation value="r"/></Relations></View>""",
            SchemaErrorCodes.LabelStudioRelationsAmbiguous, """{"names":"l1, l2"}""" },
        { """<View><Audio name="a" value="$x"/><TextArea name="t" toName="a" perRegion="true"/></View>""",
            SchemaErrorCodes.LabelStudioPerRegionNoSegments, """{"name":"t","field":"x"}""" },
        { """<View><Text name="a" value="$x"/><Taxonomy name="t" toName="a" apiUrl="http://example.com/t"/></View>""",
            SchemaErrorCodes.LabelStudioTaxonomyApi, """{"name":"t"}""" },
        { """<View><Text name="a" value="$x"/><Taxonomy name="t" toName="a" perRegion="true"><Choice value="1"/></Taxonomy></View>""",
            SchemaErrorCodes.LabelStudioTaxonomyPerRegion, """{"name":"t"}""" },
        { """<View><Text name="a" value="$x"/><Taxonomy name="t" toName="a" maxUsages="0"><Choice value="1"/></Taxonomy></View>""",
            SchemaErrorCodes.LabelStudioNotWhole, """{"attribute":"maxUsages","value":"0"}""" },
        { """<View><Text name="a" value="$x"/><Taxonomy name="t" toName="a"><Choice/></Taxonomy></View>""",
            SchemaErrorCodes.LabelStudioNeedsAttribute, """{"tag":"Choice","attribute":"value"}""" },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void EachLabelStudioMappingErrorHasItsOwnCodeAndValues(string xml, string code, string args)
    {
        var import = LabelStudioConfig.Import(xml);
        var error = Assert.Single(import.Errors, e => e.Code == code);
        AssertArgs(args, error.Args);
    }

    private static string Schema(string controls, string fields = """[ { "name": "text", "type": "text" }, { "name": "audio", "type": "audio" } ]""") =>
        $$"""{ "fields": {{fields}}, "controls": [ {{controls}} ] }""";

    /// <summary>A schema document and the path, code and params of the error it must have.</summary>
    public static TheoryData<string, string, string, string> Schemas => new()
    {
        { "{", "", SchemaErrorCodes.SchemaNotJson, "{}" },
        { "{ \"controls\": \"\\udc00\" }", "", SchemaErrorCodes.SchemaBadUnicode, "{}" },
        { "[]", "", SchemaErrorCodes.SchemaNotObject, "{}" },
        { Schema("5"), "/controls/0", SchemaErrorCodes.SchemaNotObject, "{}" },
        { Schema("""{ "name": "c", "type": "rating" }""", "5"), "/fields", SchemaErrorCodes.SchemaNotList, "{}" },
        { Schema("""{ "name": "c", "type": "rating" }""", """[ { "name": "t", "type": "text", "zz": 1 } ]"""), "/fields/0/zz", SchemaErrorCodes.SchemaFieldKeyUnknown, """{"key":"zz"}""" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": 5 }"""), "/controls/0/options", SchemaErrorCodes.SchemaNotList, "{}" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": [5] }"""), "/controls/0/options/0", SchemaErrorCodes.SchemaLabelInvalid, "{}" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": [ { "value": "a", "zz": 1 } ] }"""), "/controls/0/options/0/zz", SchemaErrorCodes.SchemaLabelKeyUnknown, """{"key":"zz"}""" },
        { Schema("""{ "name": "c", "type": "ranking", "field": "text", "mode": "best" }""", """[ { "name": "text", "type": "list" } ]"""), "/controls/0/mode", SchemaErrorCodes.SchemaRankingMode, """{"value":"best"}""" },
        { Schema("""{ "name": "c", "type": "ranking", "fields": ["a", "a"], "mode": "pairwise" }""", """[ { "name": "a", "type": "text" } ]"""), "/controls/0/fields", SchemaErrorCodes.SchemaRankingFields, """{"name":"c"}""" },
        { Schema("""{ "name": "c", "type": "ranking", "field": "l", "mode": "rank", "buckets": ["_"] }""", """[ { "name": "l", "type": "list" } ]"""), "/controls/0/buckets", SchemaErrorCodes.SchemaRankingBuckets, """{"name":"c"}""" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": ["a"], "multiple": 1 }"""), "/controls/0/multiple", SchemaErrorCodes.SchemaNotBool, """{"key":"multiple"}""" },
        { Schema("""{ "name": "c", "type": "rating", "max": "x" }"""), "/controls/0/max", SchemaErrorCodes.SchemaNotInteger, """{"key":"max"}""" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": ["a"], "max": 1 }"""), "/controls/0/max", SchemaErrorCodes.SchemaMinMaxSingle, """{"key":"max"}""" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": ["a"], "multiple": true, "min": -1 }"""), "/controls/0/min", SchemaErrorCodes.SchemaMinNegative, """{"value":-1}""" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": ["a"], "multiple": true, "max": 0 }"""), "/controls/0/max", SchemaErrorCodes.SchemaMaxBelowOne, """{"value":0}""" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": ["a", "b", "c"], "multiple": true, "min": 3, "max": 2 }"""), "/controls/0/min", SchemaErrorCodes.SchemaMinAboveMax, """{"min":3,"max":2}""" },
        { Schema("""{ "name": "c", "type": "choices", "field": "text", "options": ["a"], "multiple": true, "min": 2 }"""), "/controls/0/min", SchemaErrorCodes.SchemaMinAboveOptions, """{"min":2,"count":1}""" },
        { Schema("""{ "name": "c", "type": "rating", "max": 99 }"""), "/controls/0/max", SchemaErrorCodes.SchemaRatingMax, """{"value":99}""" },
        { Schema("""{ "name": "c", "type": "relations", "labels": ["r"] }"""), "/controls/0/spans", SchemaErrorCodes.SchemaSpansNeeded, "{}" },
        { Schema("""{ "name": "c", "type": "relations", "spans": "zz", "labels": ["r"] }"""), "/controls/0/spans", SchemaErrorCodes.SchemaSpansUnknown, """{"name":"zz"}""" },
        { Schema("""{ "name": "c", "type": "taxonomy", "options": ["a"], "max": 2 }"""), "/controls/0/max", SchemaErrorCodes.SchemaMinMaxSingle, """{"key":"max"}""" },
        { Schema("""{ "name": "c", "type": "taxonomy", "options": ["a"], "multiple": true, "max": 0 }"""), "/controls/0/max", SchemaErrorCodes.SchemaMaxBelowOne, """{"value":0}""" },
        { Schema("""{ "name": "c", "type": "taxonomy", "options": [ { "value": "a", "children": [ { "value": "b", "hotkey": "1" } ] } ] }"""), "/controls/0/options/0/children/0/hotkey", SchemaErrorCodes.SchemaTaxonomyHotkey, "{}" },
        { Schema("""{ "name": "c", "type": "taxonomy", "options": [ { "value": "a", "children": ["b", "b"] } ] }"""), "/controls/0/options/0/children/1/value", SchemaErrorCodes.SchemaLabelDuplicate, """{"value":"b","control":"c"}""" },
        { Schema("""{ "name": "c", "type": "rating", "perRegion": ["zz"] }"""), "/controls/0/perRegion/0", SchemaErrorCodes.SchemaPerRegionUnknown, """{"name":"zz"}""" },
        { Schema("""{ "name": "s", "type": "segments", "field": "audio", "labels": ["x"] }, { "name": "c", "type": "transcription", "field": "audio", "perSegment": "s", "perRegion": ["s"] }"""),
            "/controls/1/perRegion", SchemaErrorCodes.SchemaPerRegionAndSegment, "{}" },
        { Schema("""{ "name": "c", "type": "transcription", "field": "audio", "perSegment": "zz" }"""), "/controls/0/perSegment", SchemaErrorCodes.SchemaPerSegmentUnknown, """{"name":"zz"}""" },
        { Schema("""{ "name": "s", "type": "segments", "field": "audio", "labels": ["x"] }, { "name": "c", "type": "transcription", "field": "audio2", "perSegment": "s" }""",
            """[ { "name": "audio", "type": "audio" }, { "name": "audio2", "type": "audio" } ]"""), "/controls/1/field", SchemaErrorCodes.SchemaPerSegmentField, """{"field":"audio2","other":"audio","control":"s"}""" },
    };

    [Theory]
    [MemberData(nameof(Schemas))]
    public void EachSchemaErrorHasItsOwnCodeAndValues(string json, string path, string code, string args)
    {
        var errors = LabelSchema.Parse(json).Errors;
        Assert.All(errors, e => Assert.False(e.Code is null, $"no code: {e.Path} {e.Message}"));
        var error = Assert.Single(errors, e => e.Path == path && e.Code == code);
        AssertArgs(args, error.Args);
    }

    private const string Before = """
        { "fields": [ { "name": "text", "type": "text" }, { "name": "old", "type": "text" } ],
          "controls": [ { "name": "c", "type": "choices", "field": "text", "options": ["a", "b"], "multiple": true, "max": 2 },
                        { "name": "gone", "type": "rating" } ] }
        """;

    /// <summary>The schema a project changes to (from <see cref="Before"/>) and the path, code and params of the error it must have.</summary>
    public static TheoryData<string, string, string, string> Changes => new()
    {
        { """{ "fields": [ { "name": "text", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "text", "options": ["a", "b"], "multiple": true, "max": 2 }, { "name": "gone", "type": "rating" } ] }""",
            "/fields", SchemaErrorCodes.ChangeFieldRemoved, """{"name":"old"}""" },
        { """{ "fields": [ { "name": "text", "type": "text" }, { "name": "old", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "text", "options": ["a", "b"], "multiple": true, "max": 2 } ] }""",
            "/controls", SchemaErrorCodes.ChangeControlRemoved, """{"name":"gone"}""" },
        { """{ "fields": [ { "name": "text", "type": "text" }, { "name": "old", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "old", "options": ["a", "b"], "multiple": true, "max": 2 }, { "name": "gone", "type": "rating" } ] }""",
            "/controls/0/field", SchemaErrorCodes.ChangeKeeps, """{"name":"c","key":"field"}""" },
        { """{ "fields": [ { "name": "text", "type": "text" }, { "name": "old", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "text", "options": ["a", "b"], "multiple": true, "max": 2 }, { "name": "gone", "type": "rating", "required": true } ] }""",
            "/controls/1/required", SchemaErrorCodes.ChangeRequired, """{"name":"gone"}""" },
        { """{ "fields": [ { "name": "text", "type": "text" }, { "name": "old", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "text", "options": ["a", "b"], "multiple": true, "max": 1 }, { "name": "gone", "type": "rating" } ] }""",
            "/controls/0/max", SchemaErrorCodes.ChangeNarrower, """{"name":"c","key":"max"}""" },
        { """{ "fields": [ { "name": "text", "type": "text" }, { "name": "old", "type": "text" } ], "controls": [ { "name": "c", "type": "choices", "field": "text", "options": ["a"], "multiple": true, "max": 1 }, { "name": "gone", "type": "rating" } ] }""",
            "/controls/0/options", SchemaErrorCodes.ChangeLabelsRemoved, """{"name":"c","labels":"b"}""" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void EachSchemaChangeErrorHasItsOwnCodeAndValues(string next, string path, string code, string args)
    {
        var errors = SchemaChange.Breaks(ParseOk(Before), ParseOk(next));
        Assert.All(errors, e => Assert.False(e.Code is null, $"no code: {e.Path} {e.Message}"));
        var error = Assert.Single(errors, e => e.Path == path && e.Code == code);
        AssertArgs(args, error.Args);
    }

    private const string NativeSchema = """
        { "fields": [ { "name": "text", "type": "text" } ],
          "controls": [ { "name": "c", "type": "choices", "field": "text", "options": ["a", "b"] },
                        { "name": "ents", "type": "spans", "field": "text", "labels": ["PER"] },
                        { "name": "links", "type": "relations", "spans": "ents", "labels": ["rel"] },
                        { "name": "links2", "type": "relations", "spans": "ents", "labels": ["rel2"] } ] }
        """;

    private static string LabelStudioTask(string result) => $$"""[ { "data": { "text": "hi" }, "annotations": [ { "result": {{result}} } ] } ]""";

    /// <summary>A file, its format, the code, field and params of its row's error.</summary>
    public static TheoryData<string, ImportFormat, string, string?, string> Imports => new()
    {
        { "{\"a\":1}\n{\"a\":\"" + new string('x', 200) + "\"}\n", ImportFormat.Jsonl, ImportErrorCodes.RowTooLong, null, """{"max":100}""" },
        { "{\"a\":\"\\ud800\"}\n", ImportFormat.Jsonl, ImportErrorCodes.LoneSurrogate, null, "{}" },
        { "{\"a\":\n", ImportFormat.Jsonl, ImportErrorCodes.NotJson, null, "{}" },
        { "5", ImportFormat.Json, ImportErrorCodes.NotTasks, null, "{}" },
        { "[1,2]\n", ImportFormat.Jsonl, ImportErrorCodes.TaskNotObject, null, "{}" },
        { "{\"data\":\"t\"}\n", ImportFormat.Jsonl, ImportErrorCodes.DataNotObject, "data", "{}" },
        { "{\"data\":{},\"key\":[1]}\n", ImportFormat.Jsonl, ImportErrorCodes.KeyInvalid, "key", "{}" },
        { "{\"data\":{},\"priority\":1.5}\n", ImportFormat.Jsonl, ImportErrorCodes.PriorityInvalid, "priority", """{"value":"1.5"}""" },
        { "{\"data\":{},\"gold\":[1]}\n", ImportFormat.Jsonl, ImportErrorCodes.GoldInvalid, "gold", "{}" },
        { "{\"data\":{},\"predictions\":5}\n", ImportFormat.Jsonl, ImportErrorCodes.ResultsNotList, "predictions", "{}" },
        { "{\"data\":{},\"predictions\":[{\"x\":1}]}\n", ImportFormat.Jsonl, ImportErrorCodes.ResultInvalid, "predictions", """{"item":1}""" },
        { "{\"data\":{},\"predictions\":[{\"result\":{},\"score\":\"a\"}]}\n", ImportFormat.Jsonl, ImportErrorCodes.ScoreInvalid, "predictions", """{"item":1}""" },
        { "text,priority\nhi,high\n", ImportFormat.Csv, ImportErrorCodes.PriorityInvalid, "priority", """{"value":"high"}""" },
        { "a,b\n1\n", ImportFormat.Csv, ImportErrorCodes.CsvColumns, null, """{"count":1,"expected":2}""" },
        { "a,,b\n1,2,3\n", ImportFormat.Csv, ImportErrorCodes.CsvHeaderUnnamed, null, """{"column":2}""" },
        { "a,a\n1,2\n", ImportFormat.Csv, ImportErrorCodes.CsvHeaderRepeated, "a", """{"name":"a"}""" },
        { "a\n\"open\n", ImportFormat.Csv, ImportErrorCodes.CsvUnclosedQuote, null, "{}" },
        { "a\n\"x\"y\n", ImportFormat.Csv, ImportErrorCodes.CsvTextAfterQuote, null, "{}" },
        { "[ { \"data\": 5 } ]", ImportFormat.LabelStudio, ImportErrorCodes.DataNotObject, "data", "{}" },
        { "[ { \"data\": {}, \"annotations\": 5 } ]", ImportFormat.LabelStudio, ImportErrorCodes.ResultsNotList, "annotations", "{}" },
        { "[ { \"data\": {}, \"annotations\": [ 5 ] } ]", ImportFormat.LabelStudio, ImportErrorCodes.ResultInvalid, "annotations", """{"item":1}""" },
        { LabelStudioTask("5"), ImportFormat.LabelStudio, ImportErrorCodes.LabelStudioResultNotList, "annotations[0]", """{"part":"annotations","partItem":1}""" },
        { LabelStudioTask("""[ { "from_name": "zz", "to_name": "text", "type": "choices", "value": { "choices": ["a"] } } ]"""), ImportFormat.LabelStudio,
            ImportErrorCodes.LabelStudioUnknownControl, "annotations[0].result[0]", """{"part":"annotations","partItem":1,"result":1,"name":"zz"}""" },
        { LabelStudioTask("""[ { "from_name": "c", "to_name": "text", "type": "choices", "value": 5 } ]"""), ImportFormat.LabelStudio,
            ImportErrorCodes.LabelStudioValueNotObject, "annotations[0].result[0]", """{"part":"annotations","partItem":1,"result":1}""" },
        { LabelStudioTask("""[ { "from_name": "ents", "to_name": "text", "type": "labels", "value": { "start": "x" } } ]"""), ImportFormat.LabelStudio,
            ImportErrorCodes.LabelStudioValueInvalid, "annotations[0].result[0]", """{"part":"annotations","partItem":1,"result":1,"control":"ents"}""" },
        { LabelStudioTask("""[ { "type": "relation", "from_id": "a" } ]"""), ImportFormat.LabelStudio,
            ImportErrorCodes.LabelStudioRelationEnds, "annotations[0].result[0]", """{"part":"annotations","partItem":1,"result":1}""" },
        { LabelStudioTask("""[ { "type": "relation", "from_id": "a", "to_id": "b", "from_name": "zz" } ]"""), ImportFormat.LabelStudio,
            ImportErrorCodes.LabelStudioRelationNoControl, "annotations[0].result[0]", """{"part":"annotations","partItem":1,"result":1}""" },
        { "[ { \"data\": {}, \"annotations\": [ { \"result\": [], \"updated_at\": 5 } ] } ]", ImportFormat.LabelStudio,
            ImportErrorCodes.LabelStudioAnnotationFieldInvalid, "annotations[0].updated_at", """{"field":"updated_at","part":"annotations","partItem":1}""" },
    };

    [Theory]
    [MemberData(nameof(Imports))]
    public async Task EachImportRowErrorHasItsOwnCodeAndValues(string file, ImportFormat format, string code, string? field, string args)
    {
        var options = new ImportOptions(Json(NativeSchema)) { MaxRowBytes = format == ImportFormat.LabelStudio ? 4096 : 100 };
        var rows = await FormatTestHelpers.ReadAllAsync(file, format, options);
        var error = Assert.Single(rows, r => r.Error is not null).Error!;
        Assert.Equal((code, field), (error.Code, error.Field));
        AssertArgs(args, error.Args);
    }

    [Fact]
    public async Task ImportRowsThatAreNotUtf8HaveTheirCode()
    {
        var options = new ImportOptions(Json(NativeSchema));
        foreach (var format in new[] { ImportFormat.Jsonl, ImportFormat.Csv, ImportFormat.LabelStudio })
        {
            var bytes = format switch
            {
                ImportFormat.Csv => [.. "a\n"u8, 0xC3, 0x28, (byte)'\n'],
                ImportFormat.LabelStudio => [.. "[ { \"data\": { \"a\": \""u8, 0xC3, 0x28, .. "\" } } ]"u8],
                _ => (byte[])[.. "{\"a\":\""u8, 0xC3, 0x28, .. "\"}\n"u8],
            };
            var rows = new List<ImportRow>();
            await foreach (var row in TaskImport.ReadAsync(new MemoryStream(bytes), format, options, CancellationToken.None))
            {
                rows.Add(row);
            }

            Assert.Equal(ImportErrorCodes.NotUtf8, Assert.Single(rows).Error?.Code);
        }
    }

    [Fact]
    public async Task LabelStudioResultsWithoutASchemaHaveTheirCode()
    {
        var rows = await FormatTestHelpers.ReadAllAsync(LabelStudioTask("""[ { "from_name": "c" } ]"""), ImportFormat.LabelStudio);
        Assert.Equal(ImportErrorCodes.NeedsSchema, Assert.Single(rows).Error?.Code);
    }

    [Fact]
    public void TheTablesDriveEveryCodeOfTheAnnotationDataAndImportChecks()
    {
        var driven = Results.Select(r => (string)r[3]).Concat(TaskData.Select(r => (string)r[2])).Concat(Configs.Select(r => (string)r[1]))
            .Concat(Imports.Select(r => (string)r[2])).Concat(Schemas.Select(r => (string)r[2])).Concat(Changes.Select(r => (string)r[2]))
            .Append(ImportErrorCodes.NotUtf8).Append(ImportErrorCodes.NeedsSchema).ToHashSet();
        // The schema checks' codes given before these (LabelSchemaParseTests and LabelStudioConfigTests drive them).
        string[] before =
        [
            SchemaErrorCodes.Invalid, SchemaErrorCodes.SchemaUnknownKey, SchemaErrorCodes.SchemaKeyNotApplicable, SchemaErrorCodes.SchemaNeedsKey,
            SchemaErrorCodes.SchemaNotString, SchemaErrorCodes.SchemaUnknownFieldType, SchemaErrorCodes.SchemaUnknownControlType, SchemaErrorCodes.SchemaNeedsControl,
            SchemaErrorCodes.SchemaNamePattern, SchemaErrorCodes.SchemaNameDuplicate, SchemaErrorCodes.SchemaControlNeedsField, SchemaErrorCodes.SchemaFieldUnknown,
            SchemaErrorCodes.SchemaFieldUnfit, SchemaErrorCodes.SchemaNeedsLabels, SchemaErrorCodes.SchemaLabelEmpty, SchemaErrorCodes.SchemaHotkeyEmpty,
            SchemaErrorCodes.SchemaHotkeyDuplicate, SchemaErrorCodes.SchemaColorEmpty, SchemaErrorCodes.LabelStudioNotXml, SchemaErrorCodes.LabelStudioRoot,
            SchemaErrorCodes.LabelStudioNameDuplicate, SchemaErrorCodes.LabelStudioToNameUnknown,
            // Tracks (Controls/TracksTests drives them, with a video field this table's schema has not).
            SchemaErrorCodes.TrackFramesUnordered, SchemaErrorCodes.TrackFrameOutside, SchemaErrorCodes.TrackBoxOutside, SchemaErrorCodes.LabelStudioNotVideo,
            // A dialogue field's data and regions (Controls/DialogueTests drives them on a schema of its own).
            SchemaErrorCodes.DataDialogueInvalid, SchemaErrorCodes.DataMessageNoText, SchemaErrorCodes.DialogueNoMessages,
            SchemaErrorCodes.DialogueMessageInvalid, SchemaErrorCodes.DialogueMessageOutOfRange,
            // A time series field's data and ranges (Controls/TimeSeriesTests).
            SchemaErrorCodes.DataTimeSeriesInvalid, SchemaErrorCodes.TimeSeriesTimeInvalid, SchemaErrorCodes.TimeSeriesRangeReversed,
            // An html field nested too deep (Schema/HtmlTextTests).
            SchemaErrorCodes.DataHtmlTooDeep,
            // A document box's page (Controls/DocumentsTests drives it on a schema of its own).
            SchemaErrorCodes.BoxPageOutOfRange,
            // Options from the task data (Schema/DataOptionsTests drives it on a schema of its own).
            SchemaErrorCodes.DataOptionsInvalid,
        ];
        var codes = Codes(typeof(SchemaErrorCodes)).Concat(Codes(typeof(ImportErrorCodes))).Where(c => !before.Contains(c));
        var missing = codes.Where(c => !driven.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "not driven: " + string.Join(", ", missing));
    }

    private static IEnumerable<string> Codes(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

    private static void AssertArgs(string expected, IReadOnlyDictionary<string, object?>? actual)
    {
        var want = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(expected)!;
        var got = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(JsonSerializer.Serialize(actual ?? new Dictionary<string, object?>()))!;
        foreach (var (k, v) in want)
        {
            Assert.True(got.TryGetValue(k, out var g), $"no param '{k}' in {JsonSerializer.Serialize(actual)}");
            Assert.Equal(v.ToString(), g.ToString());
        }
    }
}

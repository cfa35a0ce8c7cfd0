using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>The tracks kind (Label Studio's VideoRectangle) in Core: schema, validation, interpolation, Label Studio, gold, agreement.</summary>
public class TracksTests
{
    private const string SchemaJson = """
        { "fields": [ { "name": "video", "type": "video" } ],
          "controls": [ { "name": "box", "type": "tracks", "field": "video", "toName": "video", "labels": [ "Car", "Person" ] } ] }
        """;

    private static readonly LabelSchema _schema = ParseOk(SchemaJson);

    private static IReadOnlyList<SchemaError> Validate(string tracks) =>
        AnnotationValidator.Validate(_schema, Json("""{ "video": "clip.webm" }"""), Json($$"""{ "box": {{tracks}} }"""));

    private static string Track(string sequence, string label = "Car", string id = "t1", string extra = "") =>
        $$"""[ { "id": "{{id}}", "label": "{{label}}", "sequence": {{sequence}}{{extra}} } ]""";

    // ---- schema ----

    [Fact]
    public void SchemaTakesAVideoFieldOnly()
    {
        Assert.Equal(ControlType.Tracks, _schema.Control("box")!.Type);
        var wrong = LabelSchema.Parse("""
            { "fields": [ { "name": "audio", "type": "audio" } ],
              "controls": [ { "name": "box", "type": "tracks", "field": "audio", "labels": [ "Car" ] } ] }
            """);
        Assert.Contains(wrong.Errors, e => e.Path == "/controls/0/field");
    }

    // ---- validation ----

    [Fact]
    public void AWellFormedTrackPasses()
    {
        Assert.Empty(Validate(Track("""
            [ { "frame": 1, "x": 10, "y": 20, "width": 30, "height": 15, "enabled": true, "rotation": 0, "time": 0 },
              { "frame": 31, "x": 40, "y": 20, "width": 30, "height": 15, "enabled": false, "rotation": 0, "time": 1.2 } ]
            """, extra: """, "framesCount": 250, "duration": 10""")));
    }

    [Theory]
    [InlineData("""[ { "frame": 5, "x": 1, "y": 1, "width": 5, "height": 5 }, { "frame": 5, "x": 1, "y": 1, "width": 5, "height": 5 } ]""", "/box/0/sequence/1/frame", SchemaErrorCodes.TrackFramesUnordered)]
    [InlineData("""[ { "frame": 9, "x": 1, "y": 1, "width": 5, "height": 5 }, { "frame": 3, "x": 1, "y": 1, "width": 5, "height": 5 } ]""", "/box/0/sequence/1/frame", SchemaErrorCodes.TrackFramesUnordered)]
    [InlineData("""[ { "frame": 0, "x": 1, "y": 1, "width": 5, "height": 5 } ]""", "/box/0/sequence/0/frame", SchemaErrorCodes.TrackFrameOutside)]
    [InlineData("""[ { "frame": 251, "x": 1, "y": 1, "width": 5, "height": 5 } ]""", "/box/0/sequence/0/frame", SchemaErrorCodes.TrackFrameOutside)]
    [InlineData("""[ { "frame": 2, "x": 101, "y": 1, "width": 5, "height": 5 } ]""", "/box/0/sequence/0/x", SchemaErrorCodes.TrackBoxOutside)]
    [InlineData("""[ { "frame": 2, "x": 1, "y": -0.5, "width": 5, "height": 5 } ]""", "/box/0/sequence/0/y", SchemaErrorCodes.TrackBoxOutside)]
    [InlineData("""[ { "frame": 2, "x": 1, "y": 1, "width": 0, "height": 5 } ]""", "/box/0/sequence/0/width", SchemaErrorCodes.TrackBoxOutside)]
    [InlineData("""[ { "frame": 2, "x": 1, "y": 1, "width": 5 } ]""", "/box/0/sequence/0/height", SchemaErrorCodes.NumberNeeded)]
    [InlineData("""[ { "frame": 2, "x": 1, "y": 1, "width": 5, "height": 5, "speed": 3 } ]""", "/box/0/sequence/0/speed", SchemaErrorCodes.KeyUnknown)]
    [InlineData("""[]""", "/box/0/sequence", SchemaErrorCodes.NotList)]
    public void BadKeyframesAreNamedByTheirPath(string sequence, string path, string code)
    {
        var e = Assert.Single(Validate(Track(sequence, extra: """, "framesCount": 250""")));

        Assert.Equal(path, e.Path);
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void ALabelNotOfTheControlIsRefused()
    {
        var e = Assert.Single(Validate(Track("""[ { "frame": 1, "x": 1, "y": 1, "width": 5, "height": 5 } ]""", label: "Tree")));

        Assert.Equal("/box/0/label", e.Path);
    }

    // ---- interpolation ----

    private static Track Read(string sequence, int? framesCount = null) =>
        TrackMetrics.Read(Json(Track(sequence, extra: framesCount is { } n ? $", \"framesCount\": {n}" : "")))[0];

    [Fact]
    public void BetweenKeyframesTheBoxMovesLinearly()
    {
        var t = Read("""[ { "frame": 1, "x": 10, "y": 20, "width": 30, "height": 10, "enabled": true }, { "frame": 31, "x": 40, "y": 50, "width": 10, "height": 10, "enabled": true } ]""");

        var mid = TrackMetrics.At(t, 16)!.Value;
        Assert.Equal(25, mid.X, 9);
        Assert.Equal(35, mid.Y, 9);
        Assert.Equal(20, mid.W, 9);
        Assert.Equal(10, mid.H, 9);
        Assert.Null(TrackMetrics.At(t, 0));
        Assert.Equal(40, TrackMetrics.At(t, 31)!.Value.X);
    }

    [Fact]
    public void ADisabledKeyframeTurnsTheBoxOffUntilTheNextAndTheLastHoldsToTheEnd()
    {
        var t = Read("""
            [ { "frame": 1, "x": 10, "y": 10, "width": 10, "height": 10, "enabled": false },
              { "frame": 11, "x": 20, "y": 10, "width": 10, "height": 10, "enabled": true } ]
            """, framesCount: 20);

        Assert.NotNull(TrackMetrics.At(t, 1));
        Assert.Null(TrackMetrics.At(t, 5));
        Assert.Equal(20, TrackMetrics.At(t, 20)!.Value.X);
        Assert.Null(TrackMetrics.At(t, 21));
    }

    // ---- gold and agreement ----

    [Fact]
    public void GoldScoreIsTheMeanIoUOverFramesWhereEitherIsOn()
    {
        const string Gold = """{ "box": [ { "id": "g", "label": "Car", "framesCount": 10, "sequence": [ { "frame": 1, "x": 0, "y": 0, "width": 10, "height": 10, "enabled": true } ] } ] }""";
        // Same box, but only from frame 6: frames 1–5 only gold is on (IoU 0), frames 6–10 both (IoU 1).
        const string Late = """{ "box": [ { "id": "r", "label": "Car", "framesCount": 10, "sequence": [ { "frame": 6, "x": 0, "y": 0, "width": 10, "height": 10, "enabled": true } ] } ] }""";
        const string Other = """{ "box": [ { "id": "r", "label": "Person", "framesCount": 10, "sequence": [ { "frame": 1, "x": 0, "y": 0, "width": 10, "height": 10, "enabled": true } ] } ] }""";

        Assert.Equal(1, GoldScoring.Score(_schema, Json(Gold), Json(Gold)), 9);
        Assert.Equal(0.5, GoldScoring.Score(_schema, Json(Gold), Json(Late)), 9);
        Assert.Equal(0, GoldScoring.Score(_schema, Json(Gold), Json(Other)), 9);
    }

    [Fact]
    public void AgreementAveragesPairsOfAnnotators()
    {
        var acc = ControlKinds.Of(ControlType.Tracks).CreateAgreement(_schema.Control("box")!)!;
        const string A = """{ "box": [ { "id": "a", "label": "Car", "framesCount": 4, "sequence": [ { "frame": 1, "x": 0, "y": 0, "width": 10, "height": 10 } ] } ] }""";
        const string B = """{ "box": [ { "id": "b", "label": "Car", "framesCount": 4, "sequence": [ { "frame": 1, "x": 0, "y": 0, "width": 10, "height": 5 } ] } ] }""";

        acc.AddTask([Json(A), Json(B)]);

        var metric = Assert.Single(acc.Result().Metrics);
        Assert.Equal("meanIoU", metric.Key);
        Assert.Equal(0.5, metric.Value!.Value, 9);
    }

    // ---- Label Studio ----

    private const string Config = """
        <View>
          <Labels name="videoLabels" toName="video" allowEmpty="true">
            <Label value="Car" background="blue"/>
            <Label value="Person" background="red"/>
          </Labels>
          <Video name="video" value="$video" framerate="25.0"/>
          <VideoRectangle name="box" toName="video"/>
        </View>
        """;

    [Fact]
    public void LabelStudioVideoTrackingConfigBecomesATracksControlWithTheVideosLabels()
    {
        var import = LabelStudioConfig.Import(Config);

        Assert.Empty(import.Errors);
        var c = Assert.Single(import.Schema!.Controls);
        Assert.Equal(ControlType.Tracks, c.Type);
        Assert.Equal("box", c.Name);
        Assert.Equal("video", c.Field);
        Assert.Equal(["Car", "Person"], c.Labels.Select(l => l.Value));
    }

    [Fact]
    public void LabelsOnAVideoWithoutATrackerStaySegments()
    {
        var import = LabelStudioConfig.Import("""
            <View><Labels name="l" toName="video"><Label value="Scene"/></Labels><Video name="video" value="$video"/></View>
            """);

        Assert.Equal(ControlType.Segments, Assert.Single(import.Schema!.Controls).Type);
    }

    [Fact]
    public void LabelStudioVideoRectangleResultsRoundTripByteForByte()
    {
        const string Ls = """[{"id":"Xk3d","from_name":"box","to_name":"video","type":"videorectangle","value":{"sequence":[{"frame":1,"enabled":true,"rotation":0,"x":12.5,"y":20.0,"width":33.333333333333336,"height":18.75,"time":0.04},{"frame":31,"enabled":false,"rotation":0,"x":40.1,"y":25,"width":30,"height":18.75,"time":1.24}],"framesCount":250,"duration":10.0,"labels":["Car"]}}]""";
        var schema = Json(ParseOk(SchemaJson).ToJson());
        var data = Json("""{ "video": "clip.webm" }""");

        var native = LabelStudioResults.ToNative(Json(Ls), schema, data, null);
        Assert.True(native.Ok, string.Join("; ", native.Errors));
        Assert.Empty(AnnotationValidator.Validate(_schema, data, Json(native.Json)));

        var back = LabelStudioResults.FromNative(Json(native.Json), schema, data, null);
        Assert.True(back.Ok, string.Join("; ", back.Errors));
        Assert.Equal(Ls, back.Json);
    }

    [Fact]
    public void AVideoRectangleWithoutSequenceIsAnError()
    {
        var schema = Json(ParseOk(SchemaJson).ToJson());
        var native = LabelStudioResults.ToNative(Json("""[{"id":"a","from_name":"box","type":"videorectangle","value":{"labels":["Car"]}}]"""), schema, Json("{}"), null);

        Assert.Contains("sequence", Assert.Single(native.Errors));
    }

    [Fact]
    public void AVideoRectangleOnAnImageIsRefusedWithItsCode()
    {
        var import = LabelStudioConfig.Import("""<View><Image name="a" value="$x"/><VideoRectangle name="v" toName="a"/></View>""");

        var e = Assert.Single(import.Errors);
        Assert.Equal(SchemaErrorCodes.LabelStudioNotVideo, e.Code);
        Assert.Equal("v", e.Args!["name"]);
        Assert.Equal("x", e.Args["field"]);
    }

    [Fact]
    public void KeyframeErrorsCarryTheValuesTheirMessagesNeed()
    {
        var errors = Validate(Track("""
            [ { "frame": 9, "x": 1, "y": 1, "width": 5, "height": 5 }, { "frame": 3, "x": 1, "y": 1, "width": 5, "height": 5 },
              { "frame": 300, "x": 1, "y": 1, "width": 5, "height": 5 }, { "frame": 12, "x": 100.5, "y": 1, "width": 5, "height": 5 } ]
            """, extra: """, "framesCount": 250"""));

        Assert.Equal(3, errors.Count);
        Assert.Equal((object?)3, errors[0].Args!["frame"]);
        Assert.Equal((object?)9, errors[0].Args!["previous"]);
        Assert.Equal((object?)250, errors[1].Args!["last"]);
        Assert.Equal((object?)"x", errors[2].Args!["key"]);
        Assert.Equal((object?)100.5, errors[2].Args!["value"]);
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Schema;

public class AnnotationValidatorTests
{
    private static readonly LabelSchema _doc = Doc();

    // Clients mostly send raw UTF-8; the default serializer would escape every non-ASCII character.
    private static readonly JsonSerializerOptions _rawUnicode = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Code points: 😀0 张1 三2 丰3 😀4 ' '5 w6 o7 r8 k9 s10 ' '11 a12 t13 ' '14 武15 当16 → 17 code points,
    // 19 UTF-16 units (each 😀 is a surrogate pair).
    private const string EmojiText = "😀张三丰😀 works at 武当";

    private static readonly JsonElement _data = Json($$"""
        { "text": "{{EmojiText}}", "image": "img/1.jpg", "audio": "a/1.wav",
          "responses": [ { "id": "a", "text": "first" }, { "id": "b", "text": "second" }, { "id": "c", "text": "third" } ] }
        """);

    private static MediaInfo? Media(string field) => field switch
    {
        "image" => new MediaInfo("1.jpg", "image/jpeg", Width: 100, Height: 80),
        "audio" => new MediaInfo("1.wav", "audio/wav", DurationSeconds: 10),
        _ => null,
    };

    private static IReadOnlyList<SchemaError> Check(string result, LabelSchema? schema = null, JsonElement? data = null) =>
        AnnotationValidator.Validate(schema ?? _doc, data ?? _data, Json(result), Media);

    /// <summary>The doc schema's required choice plus the given keys.</summary>
    private static IReadOnlyList<SchemaError> With(string keys) => Check($$"""{ "sentiment": ["positive"], {{keys}} }""");

    private static void Valid(IReadOnlyList<SchemaError> errors) =>
        Assert.True(errors.Count == 0, string.Join("\n", errors));

    [Fact]
    public void FullResultOfEveryControlIsValid()
    {
        Valid(Check("""
            {
              "sentiment": ["positive"],
              "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "PER", "text": "张三丰" },
                            { "id": "s2", "start": 15, "end": 17, "label": "ORG", "text": "武当" } ],
              "links": [ { "from": "s1", "to": "s2", "label": "works_for" } ],
              "boxes": [ { "id": "r1", "label": "car", "x": 10, "y": 20, "width": 90, "height": 60, "rotation": 0 } ],
              "shapes": [ { "id": "p1", "label": "road", "points": [[0,0],[100,0],[50,80]] } ],
              "joints": [ { "id": "k1", "label": "nose", "x": 12.5, "y": 40 } ],
              "turns": [ { "id": "g1", "start": 0.52, "end": 3.1, "label": "speech" }, { "id": "g2", "start": 3.1, "end": 10, "label": "speech" } ],
              "transcript": { "g1": "你好", "g2": "" },
              "quality": 4,
              "preference": { "order": ["b", "a", "c"], "rationale": "b is concise" }
            }
            """));
    }

    [Fact]
    public void EmptyResultIsValidWhenNothingIsRequired()
    {
        var schema = WithControls("""{ "name": "q", "type": "rating" }""");

        Valid(Check("{}", schema));
    }

    [Fact]
    public void MissingRequiredControlIsReported()
    {
        var errors = Check("{}");

        Assert.Equal("/sentiment", Paths(errors));
        Assert.Contains("'sentiment' is required", errors[0].Message);
    }

    [Theory]
    [InlineData("""{ "sentiment": null }""")]
    [InlineData("""{ "sentiment": [] }""")]
    public void NullOrEmptyRequiredControlIsReported(string result)
    {
        Assert.Equal("/sentiment", Paths(Check(result)));
    }

    [Fact]
    public void NullAndEmptyValuesMeanNothingToSay()
    {
        Valid(With("""
            "entities": null, "links": [], "boxes": [], "transcript": {}, "quality": null, "preference": null
            """));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"positive\"")]
    public void ResultThatIsNotAnObjectIsOneError(string result)
    {
        var errors = Check(result);

        Assert.Equal("", Paths(errors));
    }

    [Fact]
    public void UnknownControlKeysAreReportedWithEscapedPointers()
    {
        var errors = With("""
            "colour": ["red"], "a/b": 1
            """);

        Assert.Equal("/colour | /a~1b", Paths(errors));
        Assert.Contains("'colour'", errors[0].Message);
    }

    [Fact]
    public void DuplicateControlKeyIsReported()
    {
        var errors = Check("""{ "sentiment": ["positive"], "sentiment": ["negative"] }""");

        Assert.Equal("/sentiment", Paths(errors));
        Assert.Contains("more than once", errors[0].Message);
    }

    // ---- wrong JSON types never throw ----

    [Theory]
    [InlineData("\"entities\": \"PER\"", "/entities")]
    [InlineData("\"entities\": [1]", "/entities/0")]
    [InlineData("\"entities\": [null]", "/entities/0")]
    [InlineData("\"entities\": [ { \"id\": 1, \"start\": 0, \"end\": 1, \"label\": \"PER\" } ]", "/entities/0/id")]
    [InlineData("\"entities\": [ { \"id\": \"s\", \"start\": \"0\", \"end\": 1, \"label\": \"PER\" } ]", "/entities/0/start")]
    [InlineData("\"entities\": [ { \"id\": \"s\", \"start\": 0, \"end\": [1], \"label\": \"PER\" } ]", "/entities/0/end")]
    [InlineData("\"entities\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": 3 } ]", "/entities/0/label")]
    [InlineData("\"entities\": [ { \"id\": \"s\", \"start\": 0, \"end\": 1, \"label\": \"PER\", \"text\": 5 } ]", "/entities/0/text")]
    [InlineData("\"links\": { \"from\": \"a\" }", "/links")]
    [InlineData("\"links\": [ \"s1\" ]", "/links/0")]
    [InlineData("\"boxes\": { \"x\": 1 }", "/boxes")]
    [InlineData("\"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": \"1\", \"y\": 1, \"width\": 1, \"height\": 1 } ]", "/boxes/0/x")]
    [InlineData("\"boxes\": [ { \"id\": \"r\", \"label\": \"car\", \"x\": 1, \"y\": 1, \"width\": 1, \"height\": 1, \"rotation\": \"0\" } ]", "/boxes/0/rotation")]
    [InlineData("\"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": \"0,0 1,1 2,2\" } ]", "/shapes/0/points")]
    [InlineData("\"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],[1],[2,2]] } ]", "/shapes/0/points/1")]
    [InlineData("\"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],[1,\"1\"],[2,2]] } ]", "/shapes/0/points/1/1")]
    [InlineData("\"shapes\": [ { \"id\": \"p\", \"label\": \"road\", \"points\": [[0,0],{\"x\":1},[2,2]] } ]", "/shapes/0/points/1")]
    [InlineData("\"joints\": [ { \"id\": \"k\", \"label\": \"nose\", \"x\": null, \"y\": 1 } ]", "/joints/0/x")]
    [InlineData("\"turns\": [ { \"id\": \"g\", \"label\": \"speech\", \"start\": \"0\", \"end\": 1 } ]", "/turns/0/start")]
    [InlineData("\"turns\": [ [0, 1] ]", "/turns/0")]
    [InlineData("\"transcript\": \"whole text\"", "/transcript")]
    [InlineData("\"transcript\": [\"a\"]", "/transcript")]
    [InlineData("\"quality\": \"5\"", "/quality")]
    [InlineData("\"quality\": true", "/quality")]
    [InlineData("\"quality\": [4]", "/quality")]
    [InlineData("\"preference\": [\"a\", \"b\", \"c\"]", "/preference")]
    [InlineData("\"preference\": { \"order\": \"abc\" }", "/preference/order")]
    [InlineData("\"preference\": { \"order\": [\"a\", \"b\", 3] }", "/preference/order/2 | /preference/order")]
    [InlineData("\"preference\": { \"order\": [\"a\", \"b\", \"c\"], \"rationale\": 1 }", "/preference/rationale")]
    public void WrongJsonTypesAreErrorsNotExceptions(string keys, string paths)
    {
        var errors = With(keys);

        Assert.Equal(paths, Paths(errors));
    }

    [Theory]
    [InlineData("\"positive\"", "/sentiment")]
    [InlineData("[1]", "/sentiment/0")]
    [InlineData("[[\"positive\"]]", "/sentiment/0")]
    [InlineData("{ \"positive\": true }", "/sentiment")]
    [InlineData("true", "/sentiment")]
    public void ChoicesOfTheWrongTypeAreErrors(string value, string paths)
    {
        Assert.Equal(paths, Paths(Check($$"""{ "sentiment": {{value}} }""")));
    }

    // ---- spans ----

    [Fact]
    public void SpanOffsetsCountCodePointsNotUtf16Units()
    {
        // "works" is code points 6..11 but UTF-16 units 7..12.
        Valid(With("""
            "entities": [ { "id": "s1", "start": 6, "end": 11, "label": "ORG", "text": "works" },
                          { "id": "s2", "start": 0, "end": 1, "label": "PER", "text": "😀" },
                          { "id": "s3", "start": 16, "end": 17, "label": "PER", "text": "当" } ]
            """));

        var errors = With("""
            "entities": [ { "id": "s1", "start": 7, "end": 12, "label": "ORG", "text": "works" } ]
            """);

        Assert.Equal("/entities/0/text", Paths(errors));
        Assert.Contains("'orks '", errors[0].Message);
    }

    [Fact]
    public void SpanEndPastTheCodePointLengthIsRejected()
    {
        // 19 is the UTF-16 length; the text has 17 code points.
        var errors = With("""
            "entities": [ { "id": "s1", "start": 15, "end": 19, "label": "ORG" },
                          { "id": "s2", "start": 15, "end": 18, "label": "ORG" },
                          { "id": "s3", "start": 15, "end": 17, "label": "ORG" } ]
            """);

        Assert.Equal("/entities/0/end | /entities/1/end", Paths(errors));
        Assert.Contains("17", errors[0].Message);
    }

    [Fact]
    public void ChineseOffsetsAreCharactersNotUtf8Bytes()
    {
        var data = Json("""{ "text": "张三丰在武当山", "image": "i", "audio": "a", "responses": [] }""");

        Valid(Check("""{ "sentiment": ["positive"], "entities": [ { "id": "s", "start": 4, "end": 7, "label": "ORG", "text": "武当山" } ] }""", data: data));

        // 12..21 would be 武当山 counted in UTF-8 bytes.
        var errors = Check("""{ "sentiment": ["positive"], "entities": [ { "id": "s", "start": 12, "end": 21, "label": "ORG" } ] }""", data: data);
        Assert.Equal("/entities/0/end", Paths(errors));
    }

    [Fact]
    public void SpanTextMustEqualTheSlice()
    {
        var errors = With("""
            "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "PER", "text": "张三" } ]
            """);

        Assert.Equal("/entities/0/text", Paths(errors));
        Assert.Contains("'张三丰'", errors[0].Message);
    }

    [Fact]
    public void EscapedSpanTextAndLabelsCompareByValue()
    {
        Valid(With("""
            "entities": [ { "id": "s\u0031", "start": 1, "end": 4, "label": "\u0050ER", "text": "\u5f20\u4e09\u4e30" } ]
            """));
    }

    [Fact]
    public void OverlappingAndNestedSpansAreAllowed()
    {
        Valid(With("""
            "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "PER" },
                          { "id": "s2", "start": 2, "end": 3, "label": "PER" },
                          { "id": "s3", "start": 3, "end": 7, "label": "ORG" },
                          { "id": "s4", "start": 1, "end": 4, "label": "ORG" } ]
            """));
    }

    [Theory]
    [InlineData(-1, 2, "/entities/0/start")]
    [InlineData(3, 3, "/entities/0/end")]
    [InlineData(4, 2, "/entities/0/end")]
    public void SpanBoundsAreChecked(int start, int end, string path)
    {
        var errors = With($$"""
            "entities": [ { "id": "s1", "start": {{start}}, "end": {{end}}, "label": "PER" } ]
            """);

        Assert.Equal(path, Paths(errors));
    }

    [Fact]
    public void FractionalOffsetsAreRejectedButIntegralDecimalsAreNot()
    {
        var errors = With("""
            "entities": [ { "id": "s1", "start": 1.5, "end": 4, "label": "PER" },
                          { "id": "s2", "start": 1.0, "end": 4e0, "label": "PER" } ]
            """);

        Assert.Equal("/entities/0/start", Paths(errors));
        Assert.Contains("1.5", errors[0].Message);
    }

    [Fact]
    public void SpanLabelsAndKeysAreChecked()
    {
        var errors = With("""
            "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "LOC" },
                          { "id": "s2", "start": 1, "end": 4 },
                          { "id": "s3", "start": 1, "end": 4, "label": "PER", "lable": "PER" } ]
            """);

        Assert.Equal("/entities/0/label | /entities/1/label | /entities/2/lable", Paths(errors));
        Assert.Contains("'LOC'", errors[0].Message);
    }

    [Fact]
    public void SpansNeedTheTextOfTheTask()
    {
        var data = Json("""{ "image": "i" }""");

        var errors = Check("""{ "sentiment": ["positive"], "entities": [ { "id": "s", "start": 0, "end": 1, "label": "PER" } ] }""", data: data);

        Assert.Equal("/entities", Paths(errors));
    }

    [Fact]
    public void TextWithAnUnpairedSurrogateIsAnErrorNotAnException()
    {
        var data = Json("""{ "text": "ab\ud800cd" }""");

        var errors = Check("""{ "sentiment": ["positive"], "entities": [ { "id": "s", "start": 0, "end": 1, "label": "PER" } ] }""", data: data);

        Assert.Equal("/entities", Paths(errors));
    }

    [Fact]
    public void HugeTextIsValidatedQuicklyAndAtTheRightOffsets()
    {
        // 100,000 code points: Chinese, ASCII and an astral character every 100.
        var sb = new StringBuilder();
        for (var i = 0; i < 1000; i++)
        {
            sb.Append("😀").Append('中', 49).Append('a', 50);
        }

        var text = sb.ToString();
        Assert.Equal(101_000, text.Length);
        var data = Json(JsonSerializer.Serialize(new { text }, _rawUnicode));
        var spans = new StringBuilder("[");
        for (var i = 0; i < 1000; i++)
        {
            // Span i covers code points 100i .. 100i+50: the emoji and the 49 中.
            spans.Append(i == 0 ? "" : ",").Append($$"""{ "id": "s{{i}}", "start": {{i * 100}}, "end": {{i * 100 + 50}}, "label": "PER", "text": "😀{{new string('中', 49)}}" }""");
        }

        spans.Append($$""",{ "id": "last", "start": 99999, "end": 100000, "label": "ORG", "text": "a" }]""");
        var result = Json($$"""{ "sentiment": ["positive"], "entities": {{spans}} }""");

        Valid(AnnotationValidator.Validate(_doc, data, result));

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            AnnotationValidator.Validate(_doc, data, result);
        }

        watch.Stop();
        // About 1.5 ms each in a release build; the generous bound (a shared, loaded machine, a
        // debug build) still catches anything quadratic, which would take seconds per call.
        Assert.True(watch.ElapsedMilliseconds < 4000, $"20 validations took {watch.ElapsedMilliseconds} ms");

        var past = Json("""{ "sentiment": ["positive"], "entities": [ { "id": "x", "start": 99999, "end": 100001, "label": "ORG" } ] }""");
        Assert.Equal("/entities/0/end", Paths(AnnotationValidator.Validate(_doc, data, past)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ValidatingSpansOfAHugeTextDoesNotCopyItToTheHeap(bool escaped)
    {
        var text = new string('中', 100_000);
        var data = Json(escaped ? JsonSerializer.Serialize(new { text }) : JsonSerializer.Serialize(new { text }, _rawUnicode));
        var result = Json("""
            { "sentiment": ["positive"], "entities": [ { "id": "s1", "start": 99990, "end": 100000, "label": "PER", "text": "中中中中中中中中中中" } ],
              "quality": 3 }
            """);
        Valid(AnnotationValidator.Validate(_doc, data, result));

        // The least of a few calls: a single one sometimes also paid for the runtime's own work on
        // this thread (6.6 kB seen once in the full suite), which a copy of the text never escapes.
        var allocated = long.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            AnnotationValidator.Validate(_doc, data, result);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        // The text as a string would be 200 kB.
        Assert.True(allocated < 4_000, $"allocated {allocated} bytes");
    }

    // ---- relations and region ids ----

    [Fact]
    public void RelationEndsMustBeSpansOfTheNamedControl()
    {
        var errors = With("""
            "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "PER" } ],
            "boxes": [ { "id": "r1", "label": "car", "x": 1, "y": 1, "width": 1, "height": 1 } ],
            "links": [ { "from": "s1", "to": "s9", "label": "works_for" },
                       { "from": "r1", "to": "s1", "label": "works_for" },
                       { "from": "s1", "to": "s1", "label": "born_in" },
                       { "from": "s1", "to": "s1" },
                       { "to": "s1", "label": "works_for", "weight": 2 } ]
            """);

        // links/3 has no label: a relation may go unlabelled, as in Label Studio.
        Assert.Equal(
            "/links/0/to | /links/1/from | /links/2/label | /links/4/weight | /links/4/from",
            Paths(errors));
        Assert.Contains("'s9'", errors[0].Message);
    }

    [Fact]
    public void RelationsWithoutLabelsTakeNone()
    {
        var schema = WithControls("""
            { "name": "e", "type": "spans", "field": "text", "labels": ["A"] },
            { "name": "l", "type": "relations", "spans": "e" }
            """);
        var data = Json("""{ "text": "abc" }""");

        Valid(Check("""{ "e": [ { "id": "1", "start": 0, "end": 1, "label": "A" }, { "id": "2", "start": 1, "end": 2, "label": "A" } ], "l": [ { "from": "1", "to": "2" } ] }""", schema, data));
        Assert.Equal("/l/0/label", Paths(Check("""{ "e": [ { "id": "1", "start": 0, "end": 1, "label": "A" } ], "l": [ { "from": "1", "to": "1", "label": "x" } ] }""", schema, data)));
    }

    [Fact]
    public void RegionIdsAreUniqueAcrossTheWholeResult()
    {
        var errors = With("""
            "entities": [ { "id": "x", "start": 1, "end": 4, "label": "PER" }, { "id": "x", "start": 1, "end": 2, "label": "PER" } ],
            "joints": [ { "id": "x", "label": "nose", "x": 1, "y": 1 }, { "id": "", "label": "nose", "x": 1, "y": 1 } ]
            """);

        Assert.Equal("/entities/1/id | /joints/0/id | /joints/1/id", Paths(errors));
        Assert.Contains("'x'", errors[0].Message);
    }

    // ---- image geometry ----

    [Theory]
    [InlineData(0, 0, 100, 80, 0, "")]
    [InlineData(-1, 0, 10, 10, 0, "/boxes/0/x")]
    [InlineData(0, -0.5, 10, 10, 0, "/boxes/0/y")]
    [InlineData(0, 0, 0, 10, 0, "/boxes/0/width")]
    [InlineData(0, 0, 10, -3, 0, "/boxes/0/height")]
    [InlineData(50, 0, 50.5, 10, 0, "/boxes/0/width")]
    [InlineData(0, 70, 10, 11, 0, "/boxes/0/height")]
    [InlineData(10, 0, 20, 5, 90, "")] // corners (10,0) (10,20) (5,0) (5,20)
    [InlineData(2, 0, 20, 5, 90, "/boxes/0/rotation")] // corner x = 2 - 5 = -3
    [InlineData(90, 10, 20, 5, 0, "/boxes/0/width")]
    [InlineData(90, 10, 5, 20, 360, "")]
    public void BoxesArePositiveAndInsideAKnownImage(double x, double y, double w, double h, double rotation, string paths)
    {
        var errors = With($$"""
            "boxes": [ { "id": "r", "label": "car", "x": {{x}}, "y": {{y}}, "width": {{w}}, "height": {{h}}, "rotation": {{rotation}} } ]
            """);

        Assert.Equal(paths, Paths(errors));
    }

    [Fact]
    public void BoxesOfAnImageOfUnknownSizeAreOnlyCheckedForSign()
    {
        var result = Json("""{ "sentiment": ["positive"], "boxes": [ { "id": "r", "label": "car", "x": 5000, "y": 5000, "width": 10, "height": 10 } ] }""");

        Valid(AnnotationValidator.Validate(_doc, _data, result));
        Valid(AnnotationValidator.Validate(_doc, _data, result, _ => null));
        Valid(AnnotationValidator.Validate(_doc, _data, result, _ => new MediaInfo("x", "image/png")));
        Assert.Equal("/boxes/0/width | /boxes/0/height", Paths(AnnotationValidator.Validate(_doc, _data, result, Media)));
    }

    [Fact]
    public void PolygonsNeedThreePointsInsideTheImage()
    {
        var errors = With("""
            "shapes": [ { "id": "p1", "label": "road", "points": [[0,0],[100,80]] },
                        { "id": "p2", "label": "road", "points": [[0,0],[100.5,0],[50,80.1]] },
                        { "id": "p3", "label": "road", "points": [[0,0],[-1,0],[50,80]] },
                        { "id": "p4", "label": "road" } ]
            """);

        Assert.Equal("/shapes/0/points | /shapes/1/points/1/0 | /shapes/1/points/2/1 | /shapes/2/points/1/0 | /shapes/3/points", Paths(errors));
        Assert.Contains("2", errors[0].Message);
    }

    [Fact]
    public void KeypointsLieInsideTheImage()
    {
        var errors = With("""
            "joints": [ { "id": "k1", "label": "nose", "x": 100, "y": 80 },
                        { "id": "k2", "label": "nose", "x": 100.1, "y": -2 },
                        { "id": "k3", "label": "eye", "x": 1, "y": 1 } ]
            """);

        Assert.Equal("/joints/1/x | /joints/1/y | /joints/2/label", Paths(errors));
    }

    // ---- segments and transcription ----

    [Theory]
    [InlineData(0, 10, "")]
    [InlineData(9.9, 10.0005, "")] // within a millisecond of the probed duration
    [InlineData(9, 10.5, "/turns/0/end")]
    [InlineData(-0.1, 1, "/turns/0/start")]
    [InlineData(2, 2, "/turns/0/end")]
    [InlineData(3, 1, "/turns/0/end")]
    public void SegmentsLieWithinTheMedia(double start, double end, string paths)
    {
        var errors = With($$"""
            "turns": [ { "id": "g", "label": "speech", "start": {{start}}, "end": {{end}} } ]
            """);

        Assert.Equal(paths, Paths(errors));
    }

    [Fact]
    public void SegmentsOfMediaOfUnknownDurationAreNotBounded()
    {
        var result = Json("""{ "sentiment": ["positive"], "turns": [ { "id": "g", "label": "speech", "start": 100, "end": 3600 } ] }""");

        Valid(AnnotationValidator.Validate(_doc, _data, result));
        Assert.Equal("/turns/0/end", Paths(AnnotationValidator.Validate(_doc, _data, result, Media)));
    }

    [Fact]
    public void PerSegmentTranscriptionKeysAreSegmentIds()
    {
        var errors = With("""
            "turns": [ { "id": "g1", "label": "speech", "start": 0, "end": 1 } ],
            "joints": [ { "id": "k1", "label": "nose", "x": 1, "y": 1 } ],
            "transcript": { "g1": "ok", "g2": "no such segment", "k1": "not a segment", "g/1": "x" }
            """);

        Assert.Equal("/transcript/g2 | /transcript/k1 | /transcript/g~11", Paths(errors));
        Assert.Contains("'g2'", errors[0].Message);
    }

    [Fact]
    public void PerSegmentTranscriptionValuesAreStrings()
    {
        var errors = With("""
            "turns": [ { "id": "g1", "label": "speech", "start": 0, "end": 1 } ],
            "transcript": { "g1": 5 }
            """);

        Assert.Equal("/transcript/g1", Paths(errors));
    }

    [Fact]
    public void WholeTaskTranscriptionIsAString()
    {
        var schema = WithControls("""{ "name": "t", "type": "transcription", "field": "audio", "required": true }""");

        Valid(Check("""{ "t": "全文" }""", schema));
        Assert.Equal("/t", Paths(Check("""{ "t": { "g1": "x" } }""", schema)));
        Assert.Equal("/t", Paths(Check("""{ "t": "" }""", schema)));
    }

    // ---- choices ----

    [Fact]
    public void SingleChoiceTakesExactlyOneKnownOption()
    {
        Assert.Equal("/sentiment", Paths(Check("""{ "sentiment": ["positive", "negative"] }""")));
        var unknown = Check("""{ "sentiment": ["neutral"] }""");
        Assert.Equal("/sentiment/0", Paths(unknown));
        Assert.Contains("'neutral'", unknown[0].Message);
    }

    [Fact]
    public void MultipleChoicesRespectMinMaxAndDuplicates()
    {
        var schema = WithControls("""
            { "name": "tags", "type": "choices", "options": ["a", "b", "c", "d"], "multiple": true, "min": 2, "max": 3 }
            """);

        Valid(Check("""{ "tags": ["a", "c"] }""", schema));
        Valid(Check("""{ "tags": ["d", "c", "b"] }""", schema));
        Assert.Equal("/tags", Paths(Check("""{ "tags": ["a"] }""", schema)));
        Assert.Equal("/tags", Paths(Check("""{ "tags": ["a", "b", "c", "d"] }""", schema)));
        var dup = Check("""{ "tags": ["a", "b", "a"] }""", schema);
        Assert.Equal("/tags/2", Paths(dup));
        Assert.Contains("'a'", dup[0].Message);
    }

    // ---- rating ----

    [Theory]
    [InlineData("1", "")]
    [InlineData("5", "")]
    [InlineData("4.0", "")]
    [InlineData("0", "/quality")]
    [InlineData("6", "/quality")]
    [InlineData("-3", "/quality")]
    [InlineData("4.5", "/quality")]
    [InlineData("1e10", "/quality")]
    public void RatingIsAnIntegerFromOneToMax(string value, string paths)
    {
        var errors = With($$""" "quality": {{value}} """);

        Assert.Equal(paths, Paths(errors));
    }

    // ---- ranking ----

    [Fact]
    public void RankOrderIsAPermutationOfItemIds()
    {
        Valid(With(""" "preference": { "order": ["c", "a", "b"] } """));

        var missing = With(""" "preference": { "order": ["c", "a"] } """);
        Assert.Equal("/preference/order", Paths(missing));
        Assert.Contains("'b'", missing[0].Message);

        Assert.Equal("/preference/order/2 | /preference/order", Paths(With(""" "preference": { "order": ["c", "a", "a"] } """)));
        Assert.Equal("/preference/order/3", Paths(With(""" "preference": { "order": ["c", "a", "b", "d"] } """)));
        Assert.Equal("/preference/order", Paths(With(""" "preference": { "rationale": "why" } """)));
    }

    [Fact]
    public void PlainStringListItemsAreNamedByIndex()
    {
        var schema = WithControls("""{ "name": "r", "type": "ranking", "field": "items" }""");
        var data = Json("""{ "items": ["x", "y", "z"] }""");

        Valid(Check("""{ "r": { "order": ["2", "0", "1"] } }""", schema, data));
        Assert.Equal("/r/order/1 | /r/order", Paths(Check("""{ "r": { "order": ["2", "00", "1"] } }""", schema, data)));
        Assert.Equal("/r/order/0 | /r/order", Paths(Check("""{ "r": { "order": ["x", "0", "1"] } }""", schema, data)));
        Assert.Equal("/r/order/2 | /r/order", Paths(Check("""{ "r": { "order": ["0", "1", "3"] } }""", schema, data)));
    }

    [Fact]
    public void RationaleIsOnlyTakenWhenTheControlAsksForIt()
    {
        var schema = WithControls("""{ "name": "r", "type": "ranking", "field": "items" }""");
        var data = Json("""{ "items": ["x", "y"] }""");

        Assert.Equal("/r/rationale", Paths(Check("""{ "r": { "order": ["1", "0"], "rationale": "because" } }""", schema, data)));
    }

    [Theory]
    [InlineData("\"a\"", "")]
    [InlineData("\"b\"", "")]
    [InlineData("\"tie\"", "")]
    [InlineData("\"c\"", "/p/preferred")]
    [InlineData("\"A\"", "/p/preferred")]
    [InlineData("0", "/p/preferred")]
    [InlineData("null", "/p/preferred")]
    public void PairwisePreferenceIsAOrBOrTie(string preferred, string paths)
    {
        var schema = WithControls("""{ "name": "p", "type": "ranking", "field": "items", "mode": "pairwise", "rationale": true }""");
        var data = Json("""{ "items": [ { "id": "m1", "text": "x" }, { "id": "m2", "text": "y" } ] }""");

        var errors = Check($$"""{ "p": { "preferred": {{preferred}}, "rationale": "clearer" } }""", schema, data);

        Assert.Equal(paths, Paths(errors));
    }

    [Fact]
    public void PairwiseNeedsTwoItems()
    {
        var schema = WithControls("""{ "name": "p", "type": "ranking", "field": "items", "mode": "pairwise" }""");
        var data = Json("""{ "items": ["only"] }""");

        Assert.Equal("/p", Paths(Check("""{ "p": { "preferred": "a" } }""", schema, data)));
        Assert.Equal("/p/order", Paths(Check("""{ "p": { "preferred": "a", "order": ["0"] } }""", schema, Json("""{ "items": ["x", "y"] }"""))));
    }

    [Fact]
    public void ValidatingIsSafeFromManyThreads()
    {
        var ok = Json("""{ "sentiment": ["positive"], "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "PER" } ] }""");
        var dup = Json("""{ "sentiment": ["positive"], "entities": [ { "id": "s1", "start": 1, "end": 4, "label": "PER" }, { "id": "s1", "start": 1, "end": 2, "label": "PER" } ] }""");

        Parallel.For(0, 2000, i =>
        {
            var errors = AnnotationValidator.Validate(_doc, _data, i % 2 == 0 ? ok : dup);
            Assert.Equal(i % 2 == 0 ? 0 : 1, errors.Count);
        });
    }
}

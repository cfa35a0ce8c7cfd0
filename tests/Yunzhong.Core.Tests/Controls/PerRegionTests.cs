using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Schema;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>Per-region attributes (text, choices, rating on each region): schema, validation, Label Studio.</summary>
public class PerRegionTests
{
    private const string OcrConfig = """
        <View>
          <Image name="image" value="$ocr"/>
          <Rectangle name="bbox" toName="image" strokeWidth="3"/>
          <TextArea name="transcription" toName="image" perRegion="true" required="true"/>
          <Choices name="script" toName="image" perRegion="true"><Choice value="Latin"/><Choice value="Han"/></Choices>
          <Rating name="legibility" toName="image" perRegion="true" maxRating="3"/>
        </View>
        """;

    private const string NerSchema = """
        { "fields": [ { "name": "text", "type": "text" } ],
          "controls": [
            { "name": "ner", "type": "spans", "field": "text", "labels": ["PER", "ORG"] },
            { "name": "salience", "type": "choices", "field": "text", "options": ["main", "minor"], "perRegion": ["ner"] },
            { "name": "note", "type": "transcription", "perRegion": ["ner"] } ] }
        """;

    private static LabelSchema Ocr() => LabelStudioConfig.Import(OcrConfig).Schema!;

    private static MediaInfo? Media(string reference) => reference == "img/1.png" ? new MediaInfo("1.png", "image/png", 200, 100) : null;

    private static readonly JsonElement _ocrData = Json("""{ "ocr": "img/1.png" }""");

    private static IReadOnlyList<SchemaError> Validate(LabelSchema s, string result, JsonElement? data = null) =>
        AnnotationValidator.Validate(s, data ?? _ocrData, Json(result));

    [Fact]
    public void LabelStudioOcrTemplateBecomesPerRegionAttributesOfTheBoxes()
    {
        var import = LabelStudioConfig.Import(OcrConfig);

        Assert.Empty(import.Errors);
        var s = import.Schema!;
        Assert.Equal(["bbox"], s.Control("transcription")!.PerRegion);
        Assert.Equal(["bbox"], s.Control("script")!.PerRegion);
        Assert.Equal(["bbox"], s.Control("legibility")!.PerRegion);
        Assert.True(s.Control("transcription")!.Required);
        Assert.Contains("\"perRegion\":[\"bbox\"]", s.ToJson().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void PerRegionAttributeDescribesEveryRegionToolOfItsImage()
    {
        var s = LabelStudioConfig.Import("""
            <View><Image name="image" value="$ocr"/>
              <Labels name="label" toName="image"><Label value="Text"/><Label value="Handwriting"/></Labels>
              <Rectangle name="bbox" toName="image"/><Polygon name="poly" toName="image"/>
              <TextArea name="transcription" toName="image" perRegion="true"/></View>
            """).Schema!;

        Assert.Equal(["bbox", "poly"], s.Control("transcription")!.PerRegion);
    }

    [Fact]
    public void CanonicalJsonKeepsPerRegionAndParsesBack()
    {
        var s = ParseOk(NerSchema);
        var back = ParseOk(s.ToJson());

        Assert.Equal(["ner"], back.Control("salience")!.PerRegion);
        Assert.Equal(["ner"], back.Control("note")!.PerRegion);
    }

    [Theory]
    [InlineData("""{ "name": "a", "type": "choices", "options": ["x"], "perRegion": ["zz"] }""", "/controls/1/perRegion/0", SchemaErrorCodes.SchemaPerRegionUnknown)]
    [InlineData("""{ "name": "a", "type": "rating", "perRegion": ["t"] }""", "/controls/1/perRegion/0", SchemaErrorCodes.SchemaPerRegionUnknown)]
    [InlineData("""{ "name": "a", "type": "rating", "perRegion": "b" }""", "/controls/1/perRegion", SchemaErrorCodes.SchemaNotList)]
    [InlineData("""{ "name": "a", "type": "rating", "perRegion": ["b", "b"] }""", "/controls/1/perRegion/1", SchemaErrorCodes.SchemaNameDuplicate)]
    [InlineData("""{ "name": "a", "type": "spans", "field": "t", "labels": ["x"], "perRegion": ["b"] }""", "/controls/1/perRegion", SchemaErrorCodes.SchemaKeyNotApplicable)]
    public void SchemaRefusesPerRegionThatNamesNoRegionControl(string control, string path, string code)
    {
        var r = LabelSchema.Parse($$"""
            { "fields": [ { "name": "t", "type": "text" }, { "name": "i", "type": "image" } ],
              "controls": [ { "name": "b", "type": "rectangles", "field": "i" }, {{control}} ] }
            """);

        Assert.False(r.Success);
        Assert.Contains(r.Errors, e => e.Path == path && e.Code == code);
    }

    [Fact]
    public void ValidResultCarriesOneValuePerRegion()
    {
        var errors = Validate(Ocr(), """
            { "bbox": [ { "id": "r1", "x": 10, "y": 10, "width": 50, "height": 20 }, { "id": "r2", "x": 70, "y": 10, "width": 50, "height": 20 } ],
              "transcription": { "r1": "EXIT", "r2": "出口" },
              "script": { "r1": ["Latin"], "r2": ["Han"] },
              "legibility": { "r2": 3 } }
            """);

        Assert.Empty(errors);
    }

    [Fact]
    public void ErrorsNameTheRegionWhoseValueIsWrong()
    {
        var errors = Validate(Ocr(), """
            { "bbox": [ { "id": "r1", "x": 10, "y": 10, "width": 50, "height": 20 }, { "id": "r2", "x": 70, "y": 10, "width": 50, "height": 20 } ],
              "transcription": { "r1": "EXIT", "r2": 7, "r9": "ghost" },
              "script": { "r1": ["Cyrillic"], "r2": ["Han", "Latin"] },
              "legibility": { "r1": 4 } }
            """);

        (string, string)[] expected =
        [
            ("/legibility/r1", SchemaErrorCodes.RatingRange),
            ("/script/r1/0", SchemaErrorCodes.UnknownOption),
            ("/script/r2", SchemaErrorCodes.ChoiceCount),
            ("/transcription/r2", SchemaErrorCodes.NotText),
            ("/transcription/r9", SchemaErrorCodes.AttributeRegionUnknown),
        ];
        Assert.Equal(expected, errors.Select(e => (e.Path, e.Code!)).OrderBy(p => p.Path, StringComparer.Ordinal));
    }

    [Fact]
    public void RequiredAttributeIsRequiredOfEachRegionNotOfTheTask()
    {
        var s = Ocr();

        Assert.Empty(Validate(s, """{ }"""));
        var errors = Validate(s, """
            { "bbox": [ { "id": "r1", "x": 10, "y": 10, "width": 50, "height": 20 }, { "id": "r2", "x": 70, "y": 10, "width": 50, "height": 20 } ],
              "transcription": { "r1": "EXIT", "r2": "" } }
            """);

        var e = Assert.Single(errors);
        Assert.Equal("/transcription/r2", e.Path);
        Assert.Equal(SchemaErrorCodes.AttributeRequired, e.Code);
    }

    [Fact]
    public void AttributeValueMustBeAnObjectByRegionId()
    {
        var errors = Validate(ParseOk(NerSchema), """{ "salience": ["main"] }""", Json("""{ "text": "Ada Lovelace" }"""));

        Assert.Equal(SchemaErrorCodes.AttributeNotObject, Assert.Single(errors).Code);
        Assert.Equal("/salience", errors[0].Path);
    }

    [Fact]
    public void AttributeOfASpanRegionIsValidatedAgainstTheSpans()
    {
        var s = ParseOk(NerSchema);
        var data = Json("""{ "text": "Ada Lovelace met Babbage" }""");

        Assert.Empty(Validate(s, """{ "ner": [ { "id": "e1", "start": 0, "end": 12, "label": "PER" } ], "salience": { "e1": ["main"] }, "note": { "e1": "first programmer" } }""", data));
        var e = Assert.Single(Validate(s, """{ "ner": [ { "id": "e1", "start": 0, "end": 12, "label": "PER" } ], "salience": { "e2": ["main"] } }""", data));
        Assert.Equal(("/salience/e2", SchemaErrorCodes.AttributeRegionUnknown), (e.Path, e.Code));
    }

    private const string LabelStudioOcrResult = """
        [
          { "id": "r1", "from_name": "bbox", "to_name": "image", "type": "rectangle", "original_width": 200, "original_height": 100, "image_rotation": 0,
            "value": { "x": 5, "y": 10, "width": 25, "height": 20, "rotation": 0 } },
          { "id": "r1", "from_name": "transcription", "to_name": "image", "type": "textarea", "original_width": 200, "original_height": 100, "image_rotation": 0,
            "value": { "x": 5, "y": 10, "width": 25, "height": 20, "rotation": 0, "text": [ "EXIT" ] } },
          { "id": "r1", "from_name": "script", "to_name": "image", "type": "choices", "original_width": 200, "original_height": 100, "image_rotation": 0,
            "value": { "x": 5, "y": 10, "width": 25, "height": 20, "rotation": 0, "choices": [ "latin" ] } },
          { "id": "r1", "from_name": "legibility", "to_name": "image", "type": "rating", "original_width": 200, "original_height": 100, "image_rotation": 0,
            "value": { "x": 5, "y": 10, "width": 25, "height": 20, "rotation": 0, "rating": 2 } }
        ]
        """;

    [Fact]
    public void LabelStudioPerRegionItemsBecomeAttributesOfTheRegion()
    {
        var schema = Json(Ocr().ToJson());

        var native = LabelStudioResults.ToNative(Json(LabelStudioOcrResult), schema, _ocrData, Media);

        Assert.True(native.Ok, string.Join("; ", native.Errors));
        var r = Json(native.Json);
        Assert.Equal(10, r.GetProperty("bbox")[0].GetProperty("x").GetDouble());
        Assert.Equal("EXIT", r.GetProperty("transcription").GetProperty("r1").GetString());
        Assert.Equal("Latin", r.GetProperty("script").GetProperty("r1")[0].GetString());
        Assert.Equal(2, r.GetProperty("legibility").GetProperty("r1").GetInt32());
        Assert.Empty(AnnotationValidator.Validate(Ocr(), _ocrData, r, Media));
    }

    [Fact]
    public void LabelStudioExportRepeatsTheRegionGeometryOnEachAttributeItem()
    {
        var schema = Json(Ocr().ToJson());
        var native = LabelStudioResults.ToNative(Json(LabelStudioOcrResult), schema, _ocrData, Media);

        var ls = LabelStudioResults.FromNative(Json(native.Json), schema, _ocrData, Media);

        Assert.True(ls.Ok, string.Join("; ", ls.Errors));
        var items = Json(ls.Json).EnumerateArray().ToList();
        Assert.Equal(["bbox", "transcription", "script", "legibility"], items.Select(i => i.GetProperty("from_name").GetString()));
        Assert.All(items, i => Assert.Equal("r1", i.GetProperty("id").GetString()));
        Assert.All(items, i => Assert.Equal("image", i.GetProperty("to_name").GetString()));
        var text = items[1];
        Assert.Equal("textarea", text.GetProperty("type").GetString());
        Assert.Equal(5, text.GetProperty("value").GetProperty("x").GetDouble(), 6);
        Assert.Equal(25, text.GetProperty("value").GetProperty("width").GetDouble(), 6);
        Assert.Equal("EXIT", text.GetProperty("value").GetProperty("text")[0].GetString());
        Assert.Equal(200, text.GetProperty("original_width").GetInt32());
        Assert.Equal("Latin", items[2].GetProperty("value").GetProperty("choices")[0].GetString());
        Assert.Equal(2, items[3].GetProperty("value").GetProperty("rating").GetInt32());

        // And back again: the same native result.
        var again = LabelStudioResults.ToNative(Json(ls.Json), schema, _ocrData, Media);
        Assert.Equal(native.Json, again.Json);
    }

    [Fact]
    public void LabelStudioPerRegionItemWithoutIdIsAnError()
    {
        var schema = Json(Ocr().ToJson());
        var native = LabelStudioResults.ToNative(Json("""
            [ { "from_name": "transcription", "to_name": "image", "type": "textarea", "value": { "text": [ "EXIT" ] } } ]
            """), schema, _ocrData, Media);

        Assert.False(native.Ok);
        Assert.Contains("region's id", native.Errors[0], StringComparison.Ordinal);
    }
}

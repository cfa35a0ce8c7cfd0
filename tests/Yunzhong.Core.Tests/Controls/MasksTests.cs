using System.Text.Json;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Quality;
using Yunzhong.Core.Schema;
using Yunzhong.Core.Tests.Formats;
using static Yunzhong.Core.Tests.Schema.SchemaFixtures;

namespace Yunzhong.Core.Tests.Controls;

/// <summary>
/// The masks kind in Core: COCO run lengths (hand-worked strings), Label Studio brush bytes
/// (fixtures packed by @thi.ng/rle-pack 3.2.12 itself, the library Label Studio uses), validation
/// with codes, IoU, gold, agreement and the COCO export.
/// </summary>
public class MasksTests
{
    private const string SchemaJson = """
        { "fields": [ { "name": "image", "type": "image" } ],
          "controls": [ { "name": "seg", "type": "masks", "field": "image", "labels": ["cat", "dog"] } ] }
        """;

    // 3 rows × 5 columns, row-major:
    //   0 1 1 0 0
    //   0 1 1 1 0
    //   0 0 0 0 1
    private static readonly byte[] _five = [0, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1];

    // Down each column: 000 110 110 010 001 → runs 3,2,1,2,2,1,3,1; the sixth is written as 1 − 2 = −1
    // ('O': 31 + 48, the sign bit set), the fourth as 2 − 2, the fifth as 2 − 1, the rest as they are.
    private const string FiveCounts = "32101O10";

    // rle-pack's encode(rgba, 60) of _five with all four bytes 0 or 255 (as label-studio-converter's mask2rle writes).
    private static readonly byte[] _fiveBrush = [0, 0, 0, 60, 57, 27, 252, 96, 19, 255, 219, 0, 183, 255, 132, 192, 35, 255];

    private static LabelSchema Schema() => ParseOk(SchemaJson);

    private static MediaInfo? Media(string field) => field == "image" ? new MediaInfo("i.png", "image/png", Width: 5, Height: 3) : null;

    private static IReadOnlyList<SchemaError> Validate(string result) =>
        AnnotationValidator.Validate(Schema(), Json("""{ "image": "i.png" }"""), Json(result), Media);

    private static string Region(string counts = FiveCounts, string size = "[3, 5]", string label = "cat", string id = "m1") =>
        $$"""{ "id": "{{id}}", "label": "{{label}}", "mask": { "size": {{size}}, "counts": "{{counts}}" } }""";

    // ---- COCO run lengths ----

    [Fact]
    public void CountsOfARowMajorBitmapRunDownTheColumns()
    {
        var mask = MaskRle.FromRowMajor(_five, 5, 3);

        Assert.Equal([3, 2, 1, 2, 2, 1, 3, 1], mask.Counts);
        Assert.Equal(FiveCounts, mask.ToCocoString());
        Assert.Equal(6, mask.Area);
        Assert.Equal(_five, mask.ToRowMajor());
    }

    [Theory]
    [InlineData(new[] { 3, 2, 1, 3, 3 }, "32112")] // 3×4: the 4th as 3 − 2, the 5th as 3 − 1
    [InlineData(new[] { 0, 10, 5, 2, 83 }, "0:5H^2")] // 2 − 10 = −8 is 'H' (24 + 48, sign bit set); 83 − 5 = 78 = 2·32 + 14: '>' + 32 = '^', then '2'
    [InlineData(new[] { 100 }, "T3")] // 100 = 3·32 + 4: '4'+32 = 'T', then '3'
    [InlineData(new[] { 16 }, "`0")] // 16 has the sign bit of its 5 bits, so a second character says it is positive
    public void CompressedStringsAreThoseOfPycocotools(int[] counts, string expected)
    {
        var height = counts.Sum();
        var mask = MaskRle.FromCounts(height, 1, counts);

        Assert.Equal(expected, mask.ToCocoString());
        Assert.True(MaskRle.TryParse(expected, height, 1, out var back, out var error), error);
        Assert.Equal(counts, back!.Counts);
    }

    [Theory]
    [InlineData("3211", "the runs cover 9 pixels")]
    [InlineData("32112 ", "is not a run-length character")]
    [InlineData("3T", "ends inside a count")]
    [InlineData("0H", "has the length -8")]
    public void BrokenCountsSayWhy(string counts, string reason)
    {
        Assert.False(MaskRle.TryParse(counts, 3, 4, out var mask, out var error));
        Assert.Null(mask);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void BoundsAndAreaAreThoseOfThePixels()
    {
        Assert.Equal((1, 0, 4, 3), MaskRle.FromRowMajor(_five, 5, 3).Bounds()); // column 0 is empty
        Assert.Equal((1, 0, 2, 3), MaskRle.FromCounts(3, 4, [3, 2, 1, 3, 3]).Bounds());
        Assert.Equal((0, 0, 0, 0), MaskRle.FromCounts(3, 4, [12]).Bounds());
        // One pixel at column 3, row 1.
        Assert.Equal((3, 1, 1, 1), MaskRle.FromCounts(3, 4, [10, 1, 1]).Bounds());
    }

    [Fact]
    public void IoUAndUnionWorkOnTheRuns()
    {
        var a = MaskRle.FromCounts(3, 4, [3, 2, 1, 3, 3]); // 5 pixels: 3,4,6,7,8
        var b = MaskRle.FromCounts(3, 4, [4, 4, 4]); // 4 pixels: 4..7

        Assert.Equal((3L, 6L), MaskRle.Overlap(a, b));
        Assert.Equal(0.5, MaskRle.IoU(a, b), 12);
        Assert.Equal([3, 6, 3], MaskRle.Union(a, b).Counts);
        Assert.Equal(1, MaskRle.IoU(MaskRle.FromCounts(3, 4, [12]), MaskRle.FromCounts(3, 4, [12])));
        Assert.Throws<ArgumentException>(() => MaskRle.IoU(a, MaskRle.FromCounts(4, 3, [12])));
    }

    // ---- Label Studio brush bytes ----

    [Fact]
    public void BrushBytesOfRlePackDecodeToTheMask()
    {
        Assert.Equal(_five, LabelStudioBrush.Decode(_fiveBrush, 5, 3, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void EncodingTheMaskGivesRlePacksBytes()
    {
        Assert.Equal(_fiveBrush, LabelStudioBrush.Encode(_five, 5, 3));
    }

    [Fact]
    public void RunsLongerThanSixtyFourKWordsSplitAsRlePackSplitsThem()
    {
        // 129 × 128 pixels, all in the mask but the last: 66,044 words of 255 (a run of 65,536 and one
        // of 508), then 4 of 0. Bytes from rle-pack's encode.
        byte[] packed = [0, 1, 2, 0, 57, 27, 255, 255, 255, 255, 224, 63, 127, 241, 128, 0];
        var bitmap = Enumerable.Repeat((byte)1, 129 * 128).ToArray();
        bitmap[^1] = 0;

        Assert.Equal(packed, LabelStudioBrush.Encode(bitmap, 129, 128));
        Assert.Equal(bitmap, LabelStudioBrush.Decode(packed, 129, 128, out _));
    }

    [Fact]
    public void AnAlphaOf128OrMoreIsInTheMaskAndChunksDecode()
    {
        // Grey pixels as Label Studio's editor writes them: alpha 0, 100, 200, 255.
        byte[] editor = [0, 0, 0, 16, 57, 27, 252, 96, 17, 178, 71, 145, 31, 248];
        Assert.Equal([0, 0, 1, 1], LabelStudioBrush.Decode(editor, 2, 2, out _));
        // A chunk of distinct words (a coloured pixel) then a run: [10, 20, 30, 255, 0, 0, 0, 0].
        byte[] chunk = [0, 0, 0, 8, 57, 27, 248, 97, 66, 131, 223, 241, 128, 0];
        Assert.Equal([1, 0], LabelStudioBrush.Decode(chunk, 2, 1, out _));
    }

    [Theory]
    [InlineData(4, 3, "holds 60 bytes, not 4×3×4 = 48")]
    [InlineData(5, 3, null)]
    public void BrushBytesMustBeTheImagesSize(int width, int height, string? message)
    {
        var bitmap = LabelStudioBrush.Decode(_fiveBrush, width, height, out var error);

        Assert.Equal(message is null, bitmap is not null);
        if (message is not null)
        {
            Assert.Contains(message, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TruncatedBrushBytesAreRefused()
    {
        Assert.Null(LabelStudioBrush.Decode(_fiveBrush.AsSpan(0, 10), 5, 3, out var error));
        Assert.Contains("ends before", error, StringComparison.Ordinal);
        Assert.Null(LabelStudioBrush.Decode(_fiveBrush.AsSpan(0, 3), 5, 3, out error));
        Assert.Contains("shorter than its header", error, StringComparison.Ordinal);
    }

    // ---- schema and validation ----

    [Fact]
    public void SchemaTakesMasksOnAnImage()
    {
        var c = Schema().Control("seg")!;
        Assert.Equal(ControlType.Masks, c.Type);
        Assert.Equal(["cat", "dog"], c.Labels.Select(l => l.Value));
        Assert.Contains(LabelSchema.Parse("""
            { "fields": [ { "name": "t", "type": "text" } ], "controls": [ { "name": "seg", "type": "masks", "field": "t", "labels": ["a"] } ] }
            """).Errors, e => e.Code == SchemaErrorCodes.SchemaFieldUnfit);
    }

    [Fact]
    public void AValidMaskPasses()
    {
        Assert.Empty(Validate($$"""{ "seg": [ {{Region()}}, {{Region(label: "dog", id: "m2")}} ] }"""));
    }

    [Theory]
    [InlineData("""{ "id": "m1", "label": "cat" }""", "/seg/0/mask", SchemaErrorCodes.MaskNeeded)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [3], "counts": "5" } }""", "/seg/0/mask/size", SchemaErrorCodes.MaskSizeInvalid)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [0, 5], "counts": "5" } }""", "/seg/0/mask/size", SchemaErrorCodes.MaskSizeInvalid)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [5, 3], "counts": "?" } }""", "/seg/0/mask/size", SchemaErrorCodes.MaskSizeMismatch)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [3, 5], "counts": 5 } }""", "/seg/0/mask/counts", SchemaErrorCodes.MaskCountsInvalid)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [3, 5], "counts": "3 " } }""", "/seg/0/mask/counts", SchemaErrorCodes.MaskCountsInvalid)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [3, 5], "counts": "32" } }""", "/seg/0/mask/counts", SchemaErrorCodes.MaskCountsSum)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [3, 5], "counts": "32101O10", "order": "F" } }""", "/seg/0/mask/order", SchemaErrorCodes.KeyUnknown)]
    [InlineData("""{ "id": "m1", "label": "bird", "mask": { "size": [3, 5], "counts": "32101O10" } }""", "/seg/0/label", SchemaErrorCodes.LabelUnknown)]
    [InlineData("""{ "id": "m1", "label": "cat", "mask": { "size": [3, 5], "counts": "32101O10" }, "x": 1 }""", "/seg/0/x", SchemaErrorCodes.KeyUnknown)]
    public void BadMasksAreRefusedWithTheirCodeAndPointer(string region, string path, string code)
    {
        var errors = Validate($$"""{ "seg": [ {{region}} ] }""");

        var e = Assert.Single(errors);
        Assert.Equal(path, e.Path);
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void ErrorsCarryTheValuesTheirWordsNeed()
    {
        var mismatch = Assert.Single(Validate("""{ "seg": [ { "id": "m", "label": "cat", "mask": { "size": [5, 3], "counts": "?" } } ] }"""));
        Assert.Equal(5, mismatch.Args!["height"]);
        Assert.Equal(3, mismatch.Args!["width"]);
        Assert.Equal(3, mismatch.Args!["imageHeight"]);
        Assert.Equal(5, mismatch.Args!["imageWidth"]);

        var sum = Assert.Single(Validate("""{ "seg": [ { "id": "m", "label": "cat", "mask": { "size": [3, 5], "counts": "32" } } ] }"""));
        Assert.Equal(5L, sum.Args!["covered"]);
        Assert.Equal(15L, sum.Args!["pixels"]);
    }

    [Fact]
    public void WithoutAKnownImageSizeOnlyTheMaskItselfIsChecked()
    {
        var errors = AnnotationValidator.Validate(Schema(), Json("""{ "image": "i.png" }"""),
            Json("""{ "seg": [ { "id": "m", "label": "cat", "mask": { "size": [1, 15], "counts": "32101O10" } } ] }"""));

        Assert.Empty(errors);
    }

    // ---- Label Studio ----

    [Theory]
    [InlineData("""<BrushLabels name="seg" toName="img"><Label value="cat" background="#f00"/><Label value="dog"/></BrushLabels>""")]
    [InlineData("""<Brush name="seg" toName="img"/><Labels name="kinds" toName="img"><Label value="cat" background="#f00"/><Label value="dog"/></Labels>""")]
    public void LabelStudioBrushConfigsBecomeMasks(string tags)
    {
        var import = LabelStudioConfig.Import($"""<View><Image name="img" value="$image"/>{tags}</View>""");

        Assert.Empty(import.Errors);
        Assert.Empty(import.Unmapped);
        var c = import.Schema!.Control("seg")!;
        Assert.Equal(ControlType.Masks, c.Type);
        Assert.Equal("image", c.Field);
        Assert.Equal(["cat", "dog"], c.Labels.Select(l => l.Value));
        Assert.Equal("#f00", c.Labels[0].Color);
    }

    private static string BrushItem(byte[] rle, int width = 5, int height = 3) => $$"""
        [ { "id": "b1", "from_name": "seg", "to_name": "image", "type": "brushlabels",
            "original_width": {{width}}, "original_height": {{height}}, "image_rotation": 0,
            "value": { "format": "rle", "rle": [{{string.Join(",", rle)}}], "brushlabels": ["cat"] } } ]
        """;

    [Fact]
    public void LabelStudioBrushResultsRoundTripByteForByte()
    {
        var schema = FormatTestHelpers.Json(SchemaJson);
        var data = FormatTestHelpers.Json("""{ "image": "i.png" }""");
        var ls = FormatTestHelpers.Json(BrushItem(_fiveBrush));

        var native = LabelStudioResults.ToNative(ls, schema, data, null);
        Assert.Empty(native.Errors);
        FormatTestHelpers.AssertJsonEqual($$"""{ "seg": [ {{Region(id: "b1")}} ] }""", native.Json);
        Assert.Empty(AnnotationValidator.Validate(Schema(), data, FormatTestHelpers.Json(native.Json), Media));

        var back = LabelStudioResults.FromNative(FormatTestHelpers.Json(native.Json), schema, data, null);
        Assert.Empty(back.Errors);
        FormatTestHelpers.AssertJsonEqual(ls.GetRawText(), back.Json);
    }

    [Fact]
    public void BrushResultsTakeTheImageSizeFromTheMediaWhenTheItemHasNone()
    {
        var schema = FormatTestHelpers.Json(SchemaJson);
        var data = FormatTestHelpers.Json("""{ "image": "i.png" }""");
        var ls = FormatTestHelpers.Json($$"""
            [ { "id": "b1", "from_name": "seg", "to_name": "image", "type": "brushlabels",
                "value": { "format": "rle", "rle": [{{string.Join(",", _fiveBrush)}}], "brushlabels": ["cat"] } } ]
            """);

        Assert.Empty(LabelStudioResults.ToNative(ls, schema, data, r => r == "i.png" ? Media("image") : null).Errors);
        Assert.Contains("original image size is unknown", Assert.Single(LabelStudioResults.ToNative(ls, schema, data, null).Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void ABrushMaskOfAnotherSizeIsAnError()
    {
        var native = LabelStudioResults.ToNative(FormatTestHelpers.Json(BrushItem(_fiveBrush, 4, 3)), FormatTestHelpers.Json(SchemaJson), FormatTestHelpers.Json("{}"), null);

        Assert.Equal("{}", native.Json);
        Assert.Contains("holds 60 bytes, not 4×3×4 = 48", Assert.Single(native.Errors), StringComparison.Ordinal);
        Assert.Equal(0, native.FirstBadItem);
    }

    // ---- quality ----

    [Fact]
    public void GoldIsTheMeanOverLabelsOfTheUnitedMasksIoU()
    {
        // Gold: cat = pixels 3,4,6,7,8 of a 3×4 image. The answer paints cat as two masks, 4..5 and 6..7
        // (IoU 3/6), and a dog that gold lacks (0): mean 0.25.
        var gold = Json("""{ "seg": [ { "id": "g", "label": "cat", "mask": { "size": [3, 4], "counts": "32112" } } ] }""");
        var answer = Json("""
            { "seg": [ { "id": "a", "label": "cat", "mask": { "size": [3, 4], "counts": "426" } },
                       { "id": "b", "label": "cat", "mask": { "size": [3, 4], "counts": "624" } },
                       { "id": "c", "label": "dog", "mask": { "size": [3, 4], "counts": "0<" } } ] }
            """);
        var schema = Schema();

        Assert.Equal(0.25, GoldScoring.Score(schema, gold, answer), 12);
        Assert.Equal(1, GoldScoring.Score(schema, gold, gold), 12);
    }

    [Fact]
    public void AgreementIsTheMeanIoUOfPairs()
    {
        var a = Assert.Single(AgreementAccumulator.ForSchema(Schema()));
        a.AddTask([
            Json("""{ "seg": [ { "id": "g", "label": "cat", "mask": { "size": [3, 4], "counts": "32112" } } ] }"""),
            Json("""{ "seg": [ { "id": "a", "label": "cat", "mask": { "size": [3, 4], "counts": "444" } } ] }"""),
        ]);

        var r = a.Result();

        Assert.Equal(ControlType.Masks, r.Type);
        Assert.Equal(1, r.Tasks);
        Assert.Equal(0.5, r.Metrics["meanIoU"]!.Value, 12);
    }

    // ---- COCO ----

    [Fact]
    public async Task CocoWritesTheMaskAsCompressedRle()
    {
        var media = new Dictionary<string, MediaInfo> { ["i.png"] = new("i.png", "image/png", 5, 3) };
        var task = new ExportTask(7, null, """{ "image": "i.png" }""", "done",
            [new ExportAnnotation(1, "a", $$"""{ "seg": [ {{Region()}} ] }""", DateTimeOffset.UnixEpoch, null, 1, null, true)], media);

        var text = await ExportTests.ExportAsync(ExportFormat.Coco, [task], SchemaJson);

        using var doc = JsonDocument.Parse(text);
        Assert.Equal(["cat", "dog"], doc.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var ann = Assert.Single(doc.RootElement.GetProperty("annotations").EnumerateArray());
        Assert.Equal(1, ann.GetProperty("category_id").GetInt32());
        Assert.Equal([1.0, 0, 4, 3], ann.GetProperty("bbox").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(6, ann.GetProperty("area").GetDouble());
        FormatTestHelpers.AssertJsonEqual($$"""{ "size": [3, 5], "counts": "{{FiveCounts}}" }""", ann.GetProperty("segmentation").GetRawText());
    }
}

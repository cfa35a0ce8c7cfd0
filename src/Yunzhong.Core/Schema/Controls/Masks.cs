using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Pixel masks on an image, each with a label: <c>{"id", "label", "mask": {"size": [height, width],
/// "counts": "…"}}</c>, where <c>mask</c> is COCO's compressed run-length object exactly as
/// pycocotools reads and writes it (see <see cref="MaskRle"/>). Label Studio's <c>BrushLabels</c>
/// (and <c>Brush</c> with <c>Labels</c>) map here; its RGBA brush bytes are converted both ways by
/// <see cref="LabelStudioBrush"/>.
/// </summary>
/// <remarks>
/// Why COCO's runs: lossless, a few kilobytes for a hand-painted mask of a 20-megapixel image, checked
/// in one pass over the string (the runs must cover the image exactly), compared and merged
/// without drawing a pixel, and the COCO export writes them as they are.
/// </remarks>
internal sealed class MasksKind() : ImageRegionKind("BrushLabels")
{
    public override ControlType Type => ControlType.Masks;

    public override string Name => "masks";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Masks(plan, index, value);

    /// <summary>The mean over labels (of either side) of the IoU of the label's masks, united.</summary>
    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        MeanLabelIoU(Read(gold), Read(result));

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new PairwiseAccumulator<List<(string Label, MaskRle Mask)>>(c,
            r => ResultValues.TryGet(r, name, out var v) ? Read(v) : [], ["meanIoU"], (x, y) => [MeanLabelIoU(x, y)]);
    }

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, regions =>
        {
            var (w, h) = ImageSize(item, control, context.TaskData, context.Media);
            if (w is not { } width || h is not { } height)
            {
                return "the original image size is unknown, so the brush mask cannot be read";
            }

            if (Str(value, "format") is { } format && format != "rle")
            {
                return $"brush format '{format}' is not 'rle'";
            }

            if (!value.TryGetProperty("rle", out var rle) || rle.ValueKind != JsonValueKind.Array)
            {
                return "value.rle must be an array of bytes";
            }

            var bytes = new byte[rle.GetArrayLength()];
            var k = 0;
            foreach (var b in rle.EnumerateArray())
            {
                if (!b.TryGetInt32(out var v) || v is < 0 or > 255)
                {
                    return $"value.rle[{k}] is not a byte";
                }

                bytes[k++] = (byte)v;
            }

            if (LabelStudioBrush.Decode(bytes, width, height, out var error) is not { } bitmap)
            {
                return error;
            }

            var mask = MaskRle.FromRowMajor(bitmap, width, height);
            regions.Add(new JsonObject
            {
                ["mask"] = new JsonObject { ["size"] = new JsonArray(height, width), ["counts"] = mask.ToCocoString() },
            });
            return null;
        });

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        foreach (var region in v.EnumerateArray())
        {
            if (ReadMask(region) is not { } mask)
            {
                return $"region '{Str(region, "id")}' has no valid mask";
            }

            var rle = LabelStudioBrush.Encode(mask.ToRowMajor(), mask.Width, mask.Height);
            var value = new JsonObject { ["format"] = "rle", ["rle"] = new JsonArray([.. rle.Select(b => (JsonNode?)JsonValue.Create((int)b))]) };
            var item = context.Item(control, Str(region, "id"), "brushlabels", WithLabel(value, "brushlabels", region));
            // The mask carries its size, so the export needs no media of the image.
            item["original_width"] = mask.Width;
            item["original_height"] = mask.Height;
            item["image_rotation"] = 0;
            context.Output.Add(item);
        }

        return null;
    }

    /// <summary>The valid masks of a control's value with their labels; regions that are not are left out.</summary>
    internal static List<(string Label, MaskRle Mask)> Read(JsonElement value)
    {
        var list = new List<(string, MaskRle)>();
        foreach (var region in GoldScoring.Items(value))
        {
            if (ReadMask(region) is { } mask)
            {
                list.Add((GoldScoring.Label(region), mask));
            }
        }

        return list;
    }

    /// <summary>The mask of a region, or null when it has none that is valid.</summary>
    internal static MaskRle? ReadMask(JsonElement region) =>
        region.ValueKind == JsonValueKind.Object
        && region.TryGetProperty("mask"u8, out var m) && m.ValueKind == JsonValueKind.Object
        && m.TryGetProperty("size"u8, out var size) && size.ValueKind == JsonValueKind.Array && size.GetArrayLength() == 2
        && size[0].TryGetInt32(out var h) && size[1].TryGetInt32(out var w) && h > 0 && w > 0
        && m.TryGetProperty("counts"u8, out var counts) && counts.ValueKind == JsonValueKind.String
        && MaskRle.TryParse(counts.GetString()!, h, w, out var mask, out _)
            ? mask
            : null;

    /// <summary>
    /// For every label either side has, the IoU of that side's masks of the label united; the mean
    /// of those. Two empty answers agree fully; masks of different sizes do not overlap.
    /// </summary>
    internal static double MeanLabelIoU(IReadOnlyList<(string Label, MaskRle Mask)> a, IReadOnlyList<(string Label, MaskRle Mask)> b)
    {
        var ua = United(a);
        var ub = United(b);
        var labels = ua.Keys.Union(ub.Keys, StringComparer.Ordinal).ToList();
        if (labels.Count == 0)
        {
            return 1;
        }

        var sum = 0.0;
        foreach (var label in labels)
        {
            if (ua.TryGetValue(label, out var x) && ub.TryGetValue(label, out var y) && x.Height == y.Height && x.Width == y.Width)
            {
                sum += MaskRle.IoU(x, y);
            }
        }

        return sum / labels.Count;
    }

    private static Dictionary<string, MaskRle> United(IReadOnlyList<(string Label, MaskRle Mask)> masks)
    {
        var united = new Dictionary<string, MaskRle>(StringComparer.Ordinal);
        foreach (var (label, mask) in masks)
        {
            united[label] = united.TryGetValue(label, out var m) && m.Height == mask.Height && m.Width == mask.Width ? MaskRle.Union(m, mask) : mask;
        }

        return united;
    }
}

public static partial class SchemaErrorCodes
{
    /// <summary>A mask region without its <c>mask</c> object.</summary>
    public const string MaskNeeded = "annotation.mask.needed";

    /// <summary>A mask whose <c>size</c> is not [height, width] of positive integers.</summary>
    public const string MaskSizeInvalid = "annotation.mask.size_invalid";

    /// <summary>A mask whose <c>counts</c> is not a run-length string (<c>reason</c>).</summary>
    public const string MaskCountsInvalid = "annotation.mask.counts_invalid";

    /// <summary>A mask whose runs do not cover its size exactly (<c>covered</c>, <c>pixels</c>).</summary>
    public const string MaskCountsSum = "annotation.mask.counts_sum";

    /// <summary>A mask of another size than its image (<c>height</c>, <c>width</c>, <c>imageHeight</c>, <c>imageWidth</c>).</summary>
    public const string MaskSizeMismatch = "annotation.mask.size_mismatch";
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        private static readonly RegionKeys _maskKeys = new("mask");

        internal void Masks(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "masks"))
            {
                return;
            }

            var (width, height) = ImageSize(plan);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "mask", _maskKeys))
                {
                    Mask(plan, i, item, width, height);
                }

                i++;
            }
        }

        private void Mask(ControlPlan plan, int i, JsonElement item, int? imageWidth, int? imageHeight)
        {
            if (!item.TryGetProperty("mask"u8, out var m) || m.ValueKind != JsonValueKind.Object)
            {
                Fail(At(plan, i, "mask"), "A mask region needs 'mask', an object { \"size\": [height, width], \"counts\": \"…\" } (COCO run lengths).", SchemaErrorCodes.MaskNeeded);
                return;
            }

            foreach (var p in m.EnumerateObject())
            {
                if (!p.NameEquals("size"u8) && !p.NameEquals("counts"u8))
                {
                    Fail(At(plan, i, "mask/" + JsonText.EscapePointerToken(p.Name)), $"Key '{p.Name}' does not belong in a mask; it has size and counts.",
                        SchemaErrorCodes.KeyUnknown, ("key", p.Name));
                }
            }

            if (!m.TryGetProperty("size"u8, out var size) || size.ValueKind != JsonValueKind.Array || size.GetArrayLength() != 2
                || !size[0].TryGetInt32(out var h) || !size[1].TryGetInt32(out var w) || h <= 0 || w <= 0)
            {
                Fail(At(plan, i, "mask/size"), "A mask's 'size' must be [height, width], two whole numbers above 0.", SchemaErrorCodes.MaskSizeInvalid);
                return;
            }

            if (imageWidth is { } iw && imageHeight is { } ih && (iw != w || ih != h))
            {
                Fail(At(plan, i, "mask/size"), $"The mask is {w}×{h} pixels, but the image is {iw}×{ih}.", SchemaErrorCodes.MaskSizeMismatch,
                    ("height", h), ("width", w), ("imageHeight", ih), ("imageWidth", iw));
                return;
            }

            if (!m.TryGetProperty("counts"u8, out var counts) || counts.ValueKind != JsonValueKind.String)
            {
                Fail(At(plan, i, "mask/counts"), "A mask's 'counts' must be a string of COCO run lengths.", SchemaErrorCodes.MaskCountsInvalid, ("reason", "not a string"));
                return;
            }

            if (!MaskRle.TryParseCounts(counts.GetString()!, out var runs, out var error))
            {
                Fail(At(plan, i, "mask/counts"), $"The mask's counts are not COCO run lengths: {error}.", SchemaErrorCodes.MaskCountsInvalid, ("reason", error));
            }
            else if (MaskRle.Sum(runs!) is var covered && covered != (long)w * h)
            {
                Fail(At(plan, i, "mask/counts"), $"The mask's runs cover {covered} pixels, not {w}×{h} = {(long)w * h}.", SchemaErrorCodes.MaskCountsSum,
                    ("covered", covered), ("pixels", (long)w * h));
            }
        }
    }
}

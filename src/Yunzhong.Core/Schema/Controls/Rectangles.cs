using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Axis-aligned, optionally rotated boxes on an image, or on the pages of a document: there each box
/// also has its <c>page</c> (from 0) and the page's size (<c>pageWidth</c>, <c>pageHeight</c>) that its
/// pixels are of, so exports need not open the PDF.
/// </summary>
internal sealed class RectanglesKind() : ImageRegionKind("RectangleLabels")
{
    public override ControlType Type => ControlType.Rectangles;

    public override string Name => "rectangles";

    internal override FieldType[]? FittingFields { get; } = [FieldType.Image, FieldType.Document];

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Rectangles(plan, index, value);

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        RegionMetrics.CompareBoxes(GoldScoring.Boxes(gold), GoldScoring.Boxes(result)).F1;

    public override AgreementAccumulator? CreateAgreement(ControlDef c) => RegionAgreement(c, ResultValues.Boxes, (x, y) => RegionMetrics.CompareBoxes(x, y));

    public override ConsensusWay Consensus => ConsensusWay.PerTask;

    public override void WriteConsensus(Utf8JsonWriter json, ControlDef c, IReadOnlyList<JsonElement> results) =>
        WriteConsensusRegions(json, c.Name, Core.Quality.Consensus.Boxes(results.Select(d => (IReadOnlyList<Box>)ResultValues.Boxes(d, c.Name)).ToList()), (w, b) =>
        {
            w.WriteString("label", b.Label);
            if (b.Page is { } page)
            {
                w.WriteNumber("page", page);
            }

            w.WriteNumber("x", b.X);
            w.WriteNumber("y", b.Y);
            w.WriteNumber("width", b.W);
            w.WriteNumber("height", b.H);
        });
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        private static readonly RegionKeys _boxKeys = new("x", "y", "width", "height", "rotation");

        private static readonly RegionKeys _pageBoxKeys = new("page", "pageWidth", "pageHeight", "x", "y", "width", "height", "rotation");

        internal void Rectangles(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "boxes"))
            {
                return;
            }

            var document = plan.Field?.Type == FieldType.Document;
            var (width, height) = document ? (null, null) : ImageSize(plan);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (!Region(plan, index, i, item, "box", document ? _pageBoxKeys : _boxKeys))
                {
                    i++;
                    continue;
                }

                if (!document)
                {
                    Box(plan, i, item, width, height);
                }
                else if (Page(plan, i, item, out var pageWidth, out var pageHeight))
                {
                    Box(plan, i, item, pageWidth, pageHeight);
                }

                i++;
            }
        }

        /// <summary>A document box's page: a whole number below the page count (when the task lists its
        /// pages) and the page's positive size, which bounds the box.</summary>
        private bool Page(ControlPlan plan, int i, JsonElement item, out int? pageWidth, out int? pageHeight)
        {
            (pageWidth, pageHeight) = (null, null);
            var ok = Number(plan, i, item, "page", "box", out var page)
                & Number(plan, i, item, "pageWidth", "box", out var w)
                & Number(plan, i, item, "pageHeight", "box", out var h);
            if (!ok)
            {
                return false;
            }

            int? pages = taskData.ValueKind == JsonValueKind.Object && taskData.TryGetProperty(plan.Field!.Name, out var d) && d.ValueKind == JsonValueKind.Array
                ? d.GetArrayLength() : null;
            if (page < 0 || page != Math.Floor(page) || page >= pages)
            {
                Fail(At(plan, i, "page"), pages is { } n
                        ? $"Page {JsonText.Number(page)} is not a page of the document: pages are numbered 0 to {n - 1}."
                        : $"Page {JsonText.Number(page)} must be a whole number, 0 or more.",
                    SchemaErrorCodes.BoxPageOutOfRange, ("value", page), ("pages", pages));
                ok = false;
            }

            foreach (var (key, size) in (ReadOnlySpan<(string, double)>)[("pageWidth", w), ("pageHeight", h)])
            {
                if (size <= 0)
                {
                    Fail(At(plan, i, key), $"The page size {key} {JsonText.Number(size)} must be greater than 0.", SchemaErrorCodes.BoxNotPositive, ("value", size));
                    ok = false;
                }
            }

            (pageWidth, pageHeight) = ((int)Math.Ceiling(w), (int)Math.Ceiling(h));
            return ok;
        }

        private void Box(ControlPlan plan, int i, JsonElement item, int? imageWidth, int? imageHeight)
        {
            var ok = Number(plan, i, item, "x", "box", out var x)
                & Number(plan, i, item, "y", "box", out var y)
                & Number(plan, i, item, "width", "box", out var w)
                & Number(plan, i, item, "height", "box", out var h);
            var rotation = 0.0;
            if (item.TryGetProperty("rotation"u8, out var r) && r.ValueKind != JsonValueKind.Null)
            {
                if (r.ValueKind != JsonValueKind.Number)
                {
                    Fail(At(plan, i, "rotation"), $"'rotation' of a box must be a number of degrees, not {JsonText.Describe(r)}.", SchemaErrorCodes.NotNumber, ("key", "rotation"));
                    ok = false;
                }
                else
                {
                    rotation = r.GetDouble();
                }
            }

            if (!ok)
            {
                return;
            }

            if (w <= 0)
            {
                Fail(At(plan, i, "width"), $"Box width {JsonText.Number(w)} must be greater than 0.", SchemaErrorCodes.BoxNotPositive, ("value", w));
            }

            if (h <= 0)
            {
                Fail(At(plan, i, "height"), $"Box height {JsonText.Number(h)} must be greater than 0.", SchemaErrorCodes.BoxNotPositive, ("value", h));
            }

            if (x < 0)
            {
                Fail(At(plan, i, "x"), $"Box x {JsonText.Number(x)} must be 0 or more.", SchemaErrorCodes.Negative, ("value", x));
            }

            if (y < 0)
            {
                Fail(At(plan, i, "y"), $"Box y {JsonText.Number(y)} must be 0 or more.", SchemaErrorCodes.Negative, ("value", y));
            }

            if (w <= 0 || h <= 0 || x < 0 || y < 0)
            {
                return;
            }

            if (rotation % 360 == 0)
            {
                if (imageWidth is { } iw && x + w > iw + PixelTolerance)
                {
                    Fail(At(plan, i, "width"), $"Box right edge x + width = {JsonText.Number(x + w)} is past the image width {iw}.",
                        SchemaErrorCodes.OutsideImage, ("value", x + w), ("limit", iw));
                }

                if (imageHeight is { } ih && y + h > ih + PixelTolerance)
                {
                    Fail(At(plan, i, "height"), $"Box bottom edge y + height = {JsonText.Number(y + h)} is past the image height {ih}.",
                        SchemaErrorCodes.OutsideImage, ("value", y + h), ("limit", ih));
                }

                return;
            }

            // Rotation turns the box about its top-left corner (x, y), clockwise in image coordinates.
            var rad = rotation * Math.PI / 180;
            var (cos, sin) = (Math.Cos(rad), Math.Sin(rad));
            Span<double> xs = [x, x + w * cos, x - h * sin, x + w * cos - h * sin];
            Span<double> ys = [y, y + w * sin, y + h * cos, y + w * sin + h * cos];
            var minX = Min(xs);
            var minY = Min(ys);
            var maxX = Max(xs);
            var maxY = Max(ys);
            if (minX < -PixelTolerance || minY < -PixelTolerance
                || (imageWidth is { } rw && maxX > rw + PixelTolerance)
                || (imageHeight is { } rh && maxY > rh + PixelTolerance))
            {
                var size = imageWidth is not null && imageHeight is not null ? $" of the {imageWidth}×{imageHeight} image" : "";
                Fail(At(plan, i, "rotation"),
                    $"Box rotated by {JsonText.Number(rotation)}° spans x {JsonText.Number(Math.Round(minX, 2))}..{JsonText.Number(Math.Round(maxX, 2))}, y {JsonText.Number(Math.Round(minY, 2))}..{JsonText.Number(Math.Round(maxY, 2))}, outside the bounds{size}.",
                    SchemaErrorCodes.BoxRotatedOutside, ("rotation", rotation), ("width", imageWidth), ("height", imageHeight));
            }
        }

        private static double Min(ReadOnlySpan<double> v)
        {
            var m = v[0];
            foreach (var d in v)
            {
                m = Math.Min(m, d);
            }

            return m;
        }

        private static double Max(ReadOnlySpan<double> v)
        {
            var m = v[0];
            foreach (var d in v)
            {
                m = Math.Max(m, d);
            }

            return m;
        }
    }
}

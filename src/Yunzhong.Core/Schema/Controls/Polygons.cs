using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>Closed polygons on an image.</summary>
internal sealed class PolygonsKind() : ImageRegionKind("PolygonLabels")
{
    public override ControlType Type => ControlType.Polygons;

    public override string Name => "polygons";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Polygons(plan, index, value);

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        RegionMetrics.ComparePolygons(GoldScoring.Polygons(gold), GoldScoring.Polygons(result)).F1;

    public override AgreementAccumulator? CreateAgreement(ControlDef c) => RegionAgreement(c, ResultValues.Polygons, (x, y) => RegionMetrics.ComparePolygons(x, y));
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        private static readonly RegionKeys _polygonKeys = new("points");

        internal void Polygons(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "polygons"))
            {
                return;
            }

            var (width, height) = ImageSize(plan);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "polygon", _polygonKeys))
                {
                    Polygon(plan, i, item, width, height);
                }

                i++;
            }
        }

        private void Polygon(ControlPlan plan, int i, JsonElement item, int? width, int? height)
        {
            if (!item.TryGetProperty("points"u8, out var points) || points.ValueKind != JsonValueKind.Array)
            {
                Fail(At(plan, i, "points"), points.ValueKind == JsonValueKind.Undefined
                    ? "A polygon needs 'points', an array of [x, y] pairs."
                    : $"A polygon needs 'points', an array of [x, y] pairs, not {JsonText.Describe(points)}.", SchemaErrorCodes.PolygonPointsNeeded);
                return;
            }

            var n = points.GetArrayLength();
            if (n < 3)
            {
                Fail(At(plan, i, "points"), $"A polygon needs at least 3 points; this one has {n}.", SchemaErrorCodes.PolygonTooFew, ("count", n));
            }

            var k = 0;
            foreach (var point in points.EnumerateArray())
            {
                if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2)
                {
                    Fail(At(plan, i, "points/" + k), $"Polygon point {k} must be an [x, y] pair, not {JsonText.Describe(point)}.", SchemaErrorCodes.PolygonPointInvalid, ("point", k + 1));
                    k++;
                    continue;
                }

                var axis = 0;
                foreach (var c in point.EnumerateArray())
                {
                    var limit = axis == 0 ? width : height;
                    var name = axis == 0 ? "x" : "y";
                    var path = At(plan, i, "points/" + k + "/" + axis);
                    if (c.ValueKind != JsonValueKind.Number)
                    {
                        Fail(path, $"Polygon point {k} {name} must be a number, not {JsonText.Describe(c)}.", SchemaErrorCodes.NotNumber, ("key", name));
                    }
                    else if (c.GetDouble() is var d && d < 0)
                    {
                        Fail(path, $"Polygon point {k} {name} = {JsonText.Number(d)} must be 0 or more.", SchemaErrorCodes.Negative, ("value", d));
                    }
                    else if (limit is { } l && d > l + PixelTolerance)
                    {
                        Fail(path, $"Polygon point {k} {name} = {JsonText.Number(d)} is past the image {(axis == 0 ? "width" : "height")} {l}.",
                            SchemaErrorCodes.OutsideImage, ("value", d), ("limit", l));
                    }

                    axis++;
                }

                k++;
            }
        }
    }
}

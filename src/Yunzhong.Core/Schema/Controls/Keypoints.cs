using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>Single points on an image.</summary>
internal sealed class KeypointsKind() : ImageRegionKind("KeyPointLabels")
{
    public override ControlType Type => ControlType.Keypoints;

    public override string Name => "keypoints";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Keypoints(plan, index, value);

    private const double KeypointTolerancePixels = 10;

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        Keypoints(gold, result);

    // No agreement metric yet.

    /// <summary>Share of gold keypoints that have an unused answered keypoint of the same label within the tolerance.</summary>
    private static double Keypoints(JsonElement gold, JsonElement result)
    {
        var wanted = GoldScoring.Items(gold).ToList();
        var given = GoldScoring.Items(result).ToList();
        var used = new bool[given.Count];
        var hits = 0;
        foreach (var g in wanted)
        {
            var best = -1;
            var bestDistance = KeypointTolerancePixels;
            for (var i = 0; i < given.Count; i++)
            {
                if (used[i] || GoldScoring.Label(given[i]) != GoldScoring.Label(g))
                {
                    continue;
                }
                var d = Math.Sqrt(Math.Pow(GoldScoring.Number(given[i], "x") - GoldScoring.Number(g, "x"), 2) + Math.Pow(GoldScoring.Number(given[i], "y") - GoldScoring.Number(g, "y"), 2));
                if (d <= bestDistance)
                {
                    best = i;
                    bestDistance = d;
                }
            }
            if (best >= 0)
            {
                used[best] = true;
                hits++;
            }
        }
        var total = Math.Max(wanted.Count, given.Count);
        return total == 0 ? 1 : (double)hits / total;
    }
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        private static readonly RegionKeys _pointKeys = new("x", "y");

        internal void Keypoints(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "keypoints"))
            {
                return;
            }

            var (width, height) = ImageSize(plan);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "keypoint", _pointKeys))
                {
                    if (Number(plan, i, item, "x", "keypoint", out var x))
                    {
                        Coordinate(plan, i, "x", x, width, "width");
                    }

                    if (Number(plan, i, item, "y", "keypoint", out var y))
                    {
                        Coordinate(plan, i, "y", y, height, "height");
                    }
                }

                i++;
            }
        }

        private void Coordinate(ControlPlan plan, int i, string key, double v, int? limit, string dimension)
        {
            if (v < 0)
            {
                Fail(At(plan, i, key), $"Keypoint {key} {JsonText.Number(v)} must be 0 or more.", SchemaErrorCodes.Negative, ("value", v));
            }
            else if (limit is { } l && v > l + PixelTolerance)
            {
                Fail(At(plan, i, key), $"Keypoint {key} {JsonText.Number(v)} is past the image {dimension} {l}.", SchemaErrorCodes.OutsideImage, ("value", v), ("limit", l));
            }
        }
    }
}

using Yunzhong.Core.Quality;

namespace Yunzhong.Core.Tests.Quality;

public class RegionTests
{
    private static readonly Span[] _reference = [new(0, 3, "PER"), new(5, 8, "ORG"), new(10, 12, "LOC")];
    private static readonly Span[] _predicted = [new(0, 3, "PER"), new(5, 9, "ORG"), new(10, 12, "PER")];

    [Fact]
    public void ExactSpanMatchNeedsSameOffsetsAndLabel()
    {
        var s = RegionMetrics.CompareSpans(_reference, _predicted, SpanMatch.Exact);
        Assert.Equal(1, s.Matched);
        Assert.Equal(1.0 / 3, s.Precision, 10);
        Assert.Equal(1.0 / 3, s.Recall, 10);
        Assert.Equal(1.0 / 3, s.F1, 10);
    }

    [Fact]
    public void OverlapSpanMatchAcceptsSharedCodePointsWithSameLabel()
    {
        // PER exact (1.0), ORG [5,8) vs [5,9) overlap 3 / union 4; LOC vs PER differ in label.
        var s = RegionMetrics.CompareSpans(_reference, _predicted, SpanMatch.Overlap);
        Assert.Equal(2, s.Matched);
        Assert.Equal(2.0 / 3, s.F1, 10);
        Assert.Equal((1 + 0.75) / 2, s.MeanIoU!.Value, 10);
    }

    [Fact]
    public void EmptyAnnotationsAgreeFully()
    {
        var s = RegionMetrics.CompareSpans([], [], SpanMatch.Exact);
        Assert.Equal(1, s.F1);
        Assert.Null(s.MeanIoU);
        Assert.Equal(0, RegionMetrics.CompareSpans(_reference, [], SpanMatch.Exact).F1);
    }

    [Fact]
    public void BoxIoUOfShiftedSquares()
    {
        // 2×2 squares offset by (1,1): intersection 1, union 4 + 4 − 1 = 7.
        Assert.Equal(1.0 / 7, RegionMetrics.BoxIoU(new(0, 0, 2, 2, "a"), new(1, 1, 2, 2, "a")), 10);
        Assert.Equal(0, RegionMetrics.BoxIoU(new(0, 0, 1, 1, "a"), new(1, 0, 1, 1, "a")));
    }

    [Fact]
    public void BoxMatchingUsesThresholdAndBestPairsFirst()
    {
        Box[] reference = [new(0, 0, 10, 10, "car"), new(20, 0, 10, 10, "car")];
        // First prediction overlaps the first box with IoU 90/110; second is a poor match (IoU 1/7).
        Box[] predicted = [new(1, 0, 10, 10, "car"), new(25, 5, 10, 10, "car")];
        var s = RegionMetrics.CompareBoxes(reference, predicted, 0.5);
        Assert.Equal(1, s.Matched);
        Assert.Equal(0.5, s.F1, 10);
        Assert.Equal(90.0 / 110, s.MeanIoU!.Value, 10);
    }

    [Fact]
    public void ConcavePolygonIoUIsExact()
    {
        // L-shape of area 3 inside the 2×2 square: IoU 3/4. The notch square [1,2]² does not
        // touch the L at all, which a convex-only clipper would get wrong.
        Point2[] l = [new(0, 0), new(2, 0), new(2, 1), new(1, 1), new(1, 2), new(0, 2)];
        Point2[] square = [new(0, 0), new(2, 0), new(2, 2), new(0, 2)];
        Point2[] notch = [new(1, 1), new(2, 1), new(2, 2), new(1, 2)];
        Assert.Equal(0.75, RegionMetrics.PolygonIoU(l, square), 9);
        Assert.Equal(0.75, RegionMetrics.PolygonIoU(square, l), 9);
        Assert.Equal(0, RegionMetrics.PolygonIoU(l, notch), 9);
        // Clockwise order gives the same result.
        Assert.Equal(0.75, RegionMetrics.PolygonIoU(l.Reverse().ToArray(), square), 9);
    }

    [Fact]
    public void TwoConcavePolygonsIntersectAsComputedByHand()
    {
        // L = bottom row [0,2]×[0,1] plus [0,1]×[1,2]; the mirrored L has [1,2]×[1,2] on top
        // instead. They share only the bottom row: intersection 2, union 3 + 3 − 2 = 4.
        Point2[] l = [new(0, 0), new(2, 0), new(2, 1), new(1, 1), new(1, 2), new(0, 2)];
        Point2[] mirrored = [new(0, 0), new(2, 0), new(2, 2), new(1, 2), new(1, 1), new(0, 1)];
        Assert.Equal(0.5, RegionMetrics.PolygonIoU(l, mirrored), 9);
        var score = RegionMetrics.ComparePolygons([new Polygon(l, "x")], [new Polygon(mirrored, "x")], 0.5);
        Assert.Equal(1, score.Matched);
    }
}

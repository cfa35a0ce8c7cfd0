namespace Yunzhong.Core.Quality;

/// <summary>A labelled text span [Start, End) in code points.</summary>
public readonly record struct Span(int Start, int End, string Label);

/// <summary>An axis-aligned labelled box in image pixels; <paramref name="Page"/> is its page (from 0) on a document, null on an image.</summary>
public readonly record struct Box(double X, double Y, double W, double H, string Label, int? Page = null);

/// <summary>A point of a polygon.</summary>
public readonly record struct Point2(double X, double Y);

/// <summary>A labelled simple polygon (convex or not), vertices in order (either direction).</summary>
public sealed record Polygon(IReadOnlyList<Point2> Points, string Label);

/// <summary>Precision, recall and F1 of one annotation against another.</summary>
/// <param name="Matched">Pairs matched one to one.</param>
/// <param name="Precision">Matched / regions of the compared annotation (1 when it has none and neither has any).</param>
/// <param name="Recall">Matched / regions of the reference annotation (1 when it has none and neither has any).</param>
/// <param name="F1">Harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="MeanIoU">Mean IoU (or span overlap ratio) over matched pairs; null when nothing matched.</param>
public sealed record MatchScore(int Matched, double Precision, double Recall, double F1, double? MeanIoU);

/// <summary>How spans are matched.</summary>
public enum SpanMatch
{
    /// <summary>Same start, end and label.</summary>
    Exact,

    /// <summary>Same label and at least one shared code point.</summary>
    Overlap,
}

/// <summary>
/// Region agreement: spans, boxes and polygons of two annotators matched one to one, greedily by
/// highest IoU first (ties by input order), labels required to be equal.
/// </summary>
public static class RegionMetrics
{
    /// <summary>Span P/R/F1 of <paramref name="predicted"/> against <paramref name="reference"/>.</summary>
    public static MatchScore CompareSpans(IReadOnlyList<Span> reference, IReadOnlyList<Span> predicted, SpanMatch mode)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(predicted);
        return Score(reference.Count, predicted.Count, MatchGreedy(reference, predicted, (a, b) =>
        {
            if (a.Label != b.Label) return -1;
            if (mode == SpanMatch.Exact) return a.Start == b.Start && a.End == b.End ? 1 : -1;
            var iou = SpanIoU(a, b);
            return iou > 0 ? iou : -1;
        }, 0));
    }

    /// <summary>Box F1 at an IoU threshold (a pair matches when IoU ≥ threshold) and mean IoU of matches; boxes on different pages never match.</summary>
    public static MatchScore CompareBoxes(IReadOnlyList<Box> reference, IReadOnlyList<Box> predicted, double iouThreshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(predicted);
        return Score(reference.Count, predicted.Count,
            MatchGreedy(reference, predicted, (a, b) => a.Label == b.Label && a.Page == b.Page ? BoxIoU(a, b) : -1, iouThreshold));
    }

    /// <summary>Polygon F1 at an IoU threshold and mean IoU of matches (exact polygon areas).</summary>
    public static MatchScore ComparePolygons(IReadOnlyList<Polygon> reference, IReadOnlyList<Polygon> predicted, double iouThreshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(predicted);
        return Score(reference.Count, predicted.Count,
            MatchGreedy(reference, predicted, (a, b) => a.Label == b.Label ? PolygonIoU(a.Points, b.Points) : -1, iouThreshold));
    }

    /// <summary>Shared code points over covered code points of two spans (labels ignored).</summary>
    public static double SpanIoU(Span a, Span b)
    {
        var inter = Math.Max(0, Math.Min(a.End, b.End) - Math.Max(a.Start, b.Start));
        var union = (a.End - a.Start) + (b.End - b.Start) - inter;
        return union <= 0 ? 0 : (double)inter / union;
    }

    /// <summary>Intersection over union of two boxes (labels ignored).</summary>
    public static double BoxIoU(Box a, Box b)
    {
        var w = Math.Min(a.X + a.W, b.X + b.W) - Math.Max(a.X, b.X);
        var h = Math.Min(a.Y + a.H, b.Y + b.H) - Math.Max(a.Y, b.Y);
        var inter = w > 0 && h > 0 ? w * h : 0;
        var union = a.W * a.H + b.W * b.H - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /// <summary>
    /// Intersection over union of two simple polygons, convex or concave. Each polygon's
    /// indicator equals the signed sum of its fan triangles (v0, v_i, v_i+1), so the intersection
    /// area is the signed sum of pairwise triangle intersections, and triangles are convex, which
    /// makes Sutherland–Hodgman clipping exact for each pair. O(n·m).
    /// </summary>
    public static double PolygonIoU(IReadOnlyList<Point2> a, IReadOnlyList<Point2> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var areaA = Math.Abs(SignedArea(a));
        var areaB = Math.Abs(SignedArea(b));
        var inter = Math.Abs(IntersectionArea(a, b));
        var union = areaA + areaB - inter;
        return union <= 1e-12 ? 0 : Math.Clamp(inter / union, 0, 1);
    }

    /// <summary>Signed area (positive counter-clockwise in a y-up frame) by the shoelace formula.</summary>
    public static double SignedArea(IReadOnlyList<Point2> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var s = 0.0;
        for (var i = 0; i < p.Count; i++)
        {
            var j = (i + 1) % p.Count;
            s += p[i].X * p[j].Y - p[j].X * p[i].Y;
        }
        return s / 2;
    }

    private static double IntersectionArea(IReadOnlyList<Point2> a, IReadOnlyList<Point2> b)
    {
        if (a.Count < 3 || b.Count < 3) return 0;
        var total = 0.0;
        var clip = new List<Point2>(8);
        var subject = new List<Point2>(8);
        for (var i = 1; i + 1 < a.Count; i++)
        {
            var ta = Triangle(a[0], a[i], a[i + 1], out var sa);
            if (sa == 0) continue;
            for (var j = 1; j + 1 < b.Count; j++)
            {
                var tb = Triangle(b[0], b[j], b[j + 1], out var sb);
                if (sb == 0) continue;
                subject.Clear();
                subject.AddRange(ta);
                ClipConvex(subject, tb, clip);
                total += sa * sb * Math.Abs(SignedArea(subject));
            }
        }
        return total;
    }

    // A triangle in counter-clockwise order plus the sign of its original orientation.
    private static Point2[] Triangle(Point2 p, Point2 q, Point2 r, out int sign)
    {
        var cross = (q.X - p.X) * (r.Y - p.Y) - (q.Y - p.Y) * (r.X - p.X);
        sign = Math.Sign(cross);
        return sign >= 0 ? [p, q, r] : [p, r, q];
    }

    // Sutherland–Hodgman: clips subject (in place) by a counter-clockwise convex polygon.
    private static void ClipConvex(List<Point2> subject, Point2[] clipper, List<Point2> scratch)
    {
        for (var e = 0; e < clipper.Length && subject.Count > 0; e++)
        {
            var c0 = clipper[e];
            var c1 = clipper[(e + 1) % clipper.Length];
            scratch.Clear();
            for (var i = 0; i < subject.Count; i++)
            {
                var cur = subject[i];
                var prev = subject[(i + subject.Count - 1) % subject.Count];
                var curIn = Side(c0, c1, cur) >= 0;
                var prevIn = Side(c0, c1, prev) >= 0;
                if (curIn)
                {
                    if (!prevIn) scratch.Add(Cross(prev, cur, c0, c1));
                    scratch.Add(cur);
                }
                else if (prevIn)
                {
                    scratch.Add(Cross(prev, cur, c0, c1));
                }
            }
            subject.Clear();
            subject.AddRange(scratch);
        }
    }

    private static double Side(Point2 a, Point2 b, Point2 p) => (b.X - a.X) * (p.Y - a.Y) - (b.Y - a.Y) * (p.X - a.X);

    private static Point2 Cross(Point2 p, Point2 q, Point2 a, Point2 b)
    {
        var sp = Side(a, b, p);
        var sq = Side(a, b, q);
        var t = sp / (sp - sq);
        return new(p.X + t * (q.X - p.X), p.Y + t * (q.Y - p.Y));
    }

    /// <summary>
    /// One-to-one matching: all pairs with a positive score ≥ threshold, best first, each region
    /// used once. Returns the matched pairs' scores.
    /// </summary>
    internal static List<(int A, int B, double Score)> MatchGreedy<T>(IReadOnlyList<T> a, IReadOnlyList<T> b, Func<T, T, double> score, double threshold)
    {
        var pairs = new List<(int A, int B, double Score)>();
        for (var i = 0; i < a.Count; i++)
        {
            for (var j = 0; j < b.Count; j++)
            {
                var s = score(a[i], b[j]);
                if (s > 0 && s >= threshold) pairs.Add((i, j, s));
            }
        }
        // Stable sort: equal scores keep input order, so results do not depend on sort internals.
        var ordered = pairs.OrderByDescending(p => p.Score).ToList();
        var usedA = new bool[a.Count];
        var usedB = new bool[b.Count];
        var matched = new List<(int, int, double)>();
        foreach (var (i, j, s) in ordered)
        {
            if (usedA[i] || usedB[j]) continue;
            usedA[i] = usedB[j] = true;
            matched.Add((i, j, s));
        }
        return matched;
    }

    private static MatchScore Score(int reference, int predicted, List<(int A, int B, double Score)> matched)
    {
        var m = matched.Count;
        var precision = predicted == 0 ? (reference == 0 ? 1 : 0) : (double)m / predicted;
        var recall = reference == 0 ? (predicted == 0 ? 1 : 0) : (double)m / reference;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new MatchScore(m, precision, recall, f1, m == 0 ? null : matched.Average(p => p.Score));
    }
}

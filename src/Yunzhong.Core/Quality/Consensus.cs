namespace Yunzhong.Core.Quality;

/// <summary>One consensus region with the number of annotators who drew it.</summary>
/// <param name="Region">The merged region: median geometry, majority label.</param>
/// <param name="Support">Annotators whose region was matched into this one.</param>
/// <param name="LabelAgreement">Share of those annotators who gave the winning label.</param>
public sealed record ConsensusRegion<T>(T Region, int Support, double LabelAgreement);

/// <summary>
/// Merges several annotators' spans or boxes on one task into one consensus result. Regions are
/// clustered annotator by annotator: each region joins the cluster whose current median region it
/// overlaps best (IoU ≥ threshold, labels ignored, at most one region per annotator per cluster,
/// best pairs first), else starts a cluster. A cluster is kept when more than half of the
/// annotators have a region in it; its label is the majority label (ties to the smallest label in
/// ordinal order) and its geometry the median of each edge (lower median for span offsets).
/// </summary>
public static class Consensus
{
    /// <summary>Consensus spans; <paramref name="annotations"/> holds one list per annotator (empty lists count).</summary>
    public static IReadOnlyList<ConsensusRegion<Span>> Spans(IReadOnlyList<IReadOnlyList<Span>> annotations, double iouThreshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        return Merge(annotations, RegionMetrics.SpanIoU, iouThreshold, (members, label) =>
        {
            var starts = members.Select(s => s.Start).Order().ToArray();
            var ends = members.Select(s => s.End).Order().ToArray();
            return new Span(starts[(starts.Length - 1) / 2], ends[(ends.Length - 1) / 2], label);
        }, s => s.Label).OrderBy(r => r.Region.Start).ThenBy(r => r.Region.End).ToList();
    }

    /// <summary>Consensus boxes; <paramref name="annotations"/> holds one list per annotator (empty lists count).</summary>
    public static IReadOnlyList<ConsensusRegion<Box>> Boxes(IReadOnlyList<IReadOnlyList<Box>> annotations, double iouThreshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        return Merge(annotations, (a, b) => a.Page == b.Page ? RegionMetrics.BoxIoU(a, b) : 0, iouThreshold, (members, label) =>
        {
            var left = NumericAggregation.Median(members.Select(b => b.X).ToArray());
            var top = NumericAggregation.Median(members.Select(b => b.Y).ToArray());
            var right = NumericAggregation.Median(members.Select(b => b.X + b.W).ToArray());
            var bottom = NumericAggregation.Median(members.Select(b => b.Y + b.H).ToArray());
            return new Box(left, top, right - left, bottom - top, label, members[0].Page);
        }, b => b.Label).OrderBy(r => r.Region.Page).ThenBy(r => r.Region.Y).ThenBy(r => r.Region.X).ToList();
    }

    private static List<ConsensusRegion<T>> Merge<T>(
        IReadOnlyList<IReadOnlyList<T>> annotations, Func<T, T, double> iou, double threshold,
        Func<List<T>, string, T> merge, Func<T, string> label)
    {
        var clusters = new List<(List<T> Members, HashSet<int> Annotators, T Centre)>();
        for (var a = 0; a < annotations.Count; a++)
        {
            var regions = annotations[a];
            var open = clusters.Select(c => !c.Annotators.Contains(a)).ToArray();
            var pairs = new List<(int R, int C, double S)>();
            for (var r = 0; r < regions.Count; r++)
            {
                for (var c = 0; c < clusters.Count; c++)
                {
                    if (!open[c]) continue;
                    var s = iou(regions[r], clusters[c].Centre);
                    if (s > 0 && s >= threshold) pairs.Add((r, c, s));
                }
            }
            var usedR = new bool[regions.Count];
            var usedC = new bool[clusters.Count];
            foreach (var (r, c, _) in pairs.OrderByDescending(p => p.S))
            {
                if (usedR[r] || usedC[c]) continue;
                usedR[r] = usedC[c] = true;
                clusters[c].Members.Add(regions[r]);
                clusters[c].Annotators.Add(a);
            }
            for (var c = 0; c < clusters.Count; c++)
            {
                if (usedC[c]) clusters[c] = clusters[c] with { Centre = merge(clusters[c].Members, label(clusters[c].Centre)) };
            }
            for (var r = 0; r < regions.Count; r++)
            {
                if (!usedR[r]) clusters.Add(([regions[r]], [a], regions[r]));
            }
        }

        var result = new List<ConsensusRegion<T>>();
        foreach (var (members, annotators, _) in clusters)
        {
            if (annotators.Count * 2 <= annotations.Count) continue;
            var votes = members.GroupBy(label, StringComparer.Ordinal)
                .Select(g => (Label: g.Key, Count: g.Count()))
                .OrderByDescending(v => v.Count).ThenBy(v => v.Label, StringComparer.Ordinal)
                .First();
            result.Add(new ConsensusRegion<T>(merge(members, votes.Label), annotators.Count, (double)votes.Count / members.Count));
        }
        return result;
    }
}

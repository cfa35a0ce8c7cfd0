namespace Yunzhong.Core.Quality;

/// <summary>
/// Gold and agreement of per-region attributes (a <c>transcription</c>, <c>choices</c> or <c>rating</c>
/// with <c>perRegion</c>, or with <c>perMessage</c>, whose messages pair by index). Region ids are each annotator's own, so the regions of the two results are
/// first matched one to one, best first, whatever their labels: boxes, polygons, spans (code points) and
/// time segments by IoU ≥ 0.5, time series ranges by the IoU of their intervals ≥ 0.5 (ISO times as Unix milliseconds), keypoints within 10 px. Then each matched region's values are compared
/// by the gold rule of the attribute's kind: choices right or wrong (the same set), text 1 − character
/// error rate, rating 1 − distance / (max − 1). A gold region whose attribute has a value but which no
/// region of the answer matches scores 0; the score is the mean over the gold regions with a value.
/// </summary>
public static class RegionAttributeScoring
{
    private const double MinIoU = 0.5;
    private const double PointTolerance = 10;

    /// <summary>The gold score of attribute <paramref name="c"/> (mean over gold regions with a value), or
    /// null when no gold region has one.</summary>
    public static double? Gold(LabelSchema schema, ControlDef c, JsonElement goldWhole, JsonElement resultWhole)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(c);
        var gold = Values(goldWhole, c.Name);
        if (gold.Count == 0)
        {
            return null;
        }
        var answer = Values(resultWhole, c.Name);
        var matched = Match(schema, c, goldWhole, resultWhole);
        var kind = ControlKinds.Of(c.Type);
        double sum = 0;
        foreach (var (id, g) in gold)
        {
            var r = matched.TryGetValue(id, out var other) && answer.TryGetValue(other, out var v) ? v : default;
            sum += kind.GoldScore(c, g, r, default, default) ?? 0;
        }
        return sum / gold.Count;
    }

    /// <summary>Pairwise agreement of attribute <paramref name="c"/> over regions both annotators drew
    /// (matched as for gold) where at least one gave a value: choices <c>agreement</c> (same set),
    /// text <c>cer</c> (mean of both directions), rating <c>exact</c> and <c>near</c> (within one step).</summary>
    public static AgreementAccumulator Agreement(LabelSchema schema, ControlDef c)
    {
        ArgumentNullException.ThrowIfNull(c);
        string[] names = c.Type switch
        {
            ControlType.Choices => ["agreement"],
            ControlType.Rating => ["exact", "near"],
            _ => ["cer"],
        };
        return new PairwiseAccumulator<Answer>(c, r => r.ValueKind == JsonValueKind.Object ? new Answer(r) : null, names, (x, y) =>
        {
            var a = Values(x.Result, c.Name);
            var b = Values(y.Result, c.Name);
            var sums = new double[names.Length];
            var n = 0;
            foreach (var (ia, ib) in Match(schema, c, x.Result, y.Result))
            {
                var va = a.TryGetValue(ia, out var u) ? u : default;
                var vb = b.TryGetValue(ib, out var w) ? w : default;
                if (va.ValueKind == JsonValueKind.Undefined && vb.ValueKind == JsonValueKind.Undefined)
                {
                    continue;
                }
                n++;
                var m = Compare(c.Type, va, vb);
                for (var k = 0; k < sums.Length; k++)
                {
                    sums[k] += m[k];
                }
            }
            return [.. sums.Select(s => n == 0 ? (double?)null : s / n)];
        });
    }

    /// <summary>One annotator's whole result (a class, as the pairwise accumulator keeps answers by reference).</summary>
    private sealed record Answer(JsonElement Result);

    private static double[] Compare(ControlType type, JsonElement a, JsonElement b)
    {
        switch (type)
        {
            case ControlType.Choices:
                return [GoldScoring.Strings(a).SetEquals(GoldScoring.Strings(b)) ? 1 : 0];
            case ControlType.Rating:
                if (a.ValueKind != JsonValueKind.Number || b.ValueKind != JsonValueKind.Number)
                {
                    return [0, 0];
                }
                var d = Math.Abs(a.GetDouble() - b.GetDouble());
                return [d == 0 ? 1 : 0, d <= 1 ? 1 : 0];
            default:
                var x = a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
                var y = b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
                return [(TextMetrics.CharacterErrorRate(x, y) + TextMetrics.CharacterErrorRate(y, x)) / 2];
        }
    }

    /// <summary>The attribute's non-empty values by region id.</summary>
    private static Dictionary<string, JsonElement> Values(JsonElement whole, string name)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (whole.ValueKind == JsonValueKind.Object && whole.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                    && !(p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.Length == 0)
                    && !(p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0))
                {
                    values[p.Name] = p.Value;
                }
            }
        }
        return values;
    }

    /// <summary>Region id of <paramref name="a"/> → the id of the region of <paramref name="b"/> it matches,
    /// over every region control the attribute describes (regions match only within one control).</summary>
    public static Dictionary<string, string> Match(LabelSchema schema, ControlDef c, JsonElement a, JsonElement b)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(c);
        var matched = new Dictionary<string, string>(StringComparer.Ordinal);
        if (c.PerMessage is not null)
        {
            // Messages are the task's own: message N of one answer is message N of the other.
            foreach (var key in Values(a, c.Name).Keys.Concat(Values(b, c.Name).Keys))
            {
                matched[key] = key;
            }

            return matched;
        }

        foreach (var owner in c.PerRegion ?? [])
        {
            if (schema.Control(owner) is not { } control)
            {
                continue;
            }
            var x = Regions(a, owner);
            var y = Regions(b, owner);
            Func<JsonElement, JsonElement, double> score = control.Type switch
            {
                ControlType.Rectangles => (p, q) => RegionMetrics.BoxIoU(Box(p), Box(q)),
                ControlType.Polygons => (p, q) => RegionMetrics.PolygonIoU(Points(p), Points(q)),
                ControlType.Spans => (p, q) => RegionMetrics.SpanIoU(Span(p, 1), Span(q, 1)),
                ControlType.Segments => (p, q) => RegionMetrics.SpanIoU(Span(p, 1000), Span(q, 1000)),
                ControlType.TimeSeries => TimeIoU,
                _ => (p, q) => Distance(p, q) is var d && d <= PointTolerance ? 1 - d / (2 * PointTolerance) : -1,
            };
            var threshold = control.Type == ControlType.Keypoints ? 0 : MinIoU;
            foreach (var (i, j, _) in RegionMetrics.MatchGreedy(x, y, (p, q) => score(p.Region, q.Region), threshold))
            {
                matched[x[i].Id] = y[j].Id;
            }
        }
        return matched;
    }

    private static List<(string Id, JsonElement Region)> Regions(JsonElement whole, string control) =>
        whole.ValueKind == JsonValueKind.Object && whole.TryGetProperty(control, out var list)
            ? [.. GoldScoring.Items(list)
                .Where(r => r.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                .Select(r => (r.GetProperty("id").GetString()!, r))]
            : [];

    private static Box Box(JsonElement r) =>
        new(GoldScoring.Number(r, "x"), GoldScoring.Number(r, "y"), GoldScoring.Number(r, "width"), GoldScoring.Number(r, "height"), "");

    private static Span Span(JsonElement r, double scale) =>
        new((int)Math.Round(GoldScoring.Number(r, "start") * scale), (int)Math.Round(GoldScoring.Number(r, "end") * scale), "");

    /// <summary>The IoU of two time series ranges on their own axis (numbers, or ISO times as Unix
    /// milliseconds); two instants on the same point score 1.</summary>
    private static double TimeIoU(JsonElement p, JsonElement q)
    {
        if (TimeSeriesKind.Ranges([p, q]) is not [var a, var b])
        {
            return 0;
        }

        var union = Math.Max(a.End, b.End) - Math.Min(a.Start, b.Start);
        return union == 0 ? 1 : Math.Max(0, Math.Min(a.End, b.End) - Math.Max(a.Start, b.Start)) / union;
    }

    private static IReadOnlyList<Point2> Points(JsonElement r) => GoldScoring.Polygon(r).Points;

    private static double Distance(JsonElement p, JsonElement q) =>
        Math.Sqrt(Math.Pow(GoldScoring.Number(p, "x") - GoldScoring.Number(q, "x"), 2) + Math.Pow(GoldScoring.Number(p, "y") - GoldScoring.Number(q, "y"), 2));
}

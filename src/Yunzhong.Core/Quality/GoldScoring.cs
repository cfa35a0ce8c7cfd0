using System.Text.Json;
using Yunzhong.Core.Schema;

namespace Yunzhong.Core.Quality;

/// <summary>
/// How well one annotation matches a gold task's known answer, from 0 (nothing right) to 1
/// (all right): the mean over the controls the gold answer fills. Each control is scored by the
/// measure that fits it: exact choice sets; rating distance; span F1 (exact boundaries); box and
/// polygon F1 at IoU ≥ 0.5; keypoints within 10 px with the same label; time segments matched by
/// overlap; 1 − character error rate for transcriptions; (Kendall τ + 1) / 2 for rankings and the
/// same preference for pairwise. Relations are not scored (they depend on span ids, which differ
/// between annotators). Both results are assumed to have passed <see cref="AnnotationValidator"/>.
/// </summary>
public static class GoldScoring
{
    private const double KeypointTolerancePixels = 10;

    /// <summary>The score in [0, 1]; 1 when the gold answer fills no scorable control.</summary>
    public static double Score(LabelSchema schema, JsonElement gold, JsonElement result)
    {
        ArgumentNullException.ThrowIfNull(schema);
        if (gold.ValueKind != JsonValueKind.Object)
        {
            return 1;
        }
        double sum = 0;
        var n = 0;
        foreach (var g in gold.EnumerateObject())
        {
            var control = schema.Control(g.Name);
            if (control is null || control.Type == ControlType.Relations || IsEmpty(g.Value))
            {
                continue;
            }
            var r = result.ValueKind == JsonValueKind.Object && result.TryGetProperty(g.Name, out var v) ? v : default;
            sum += ScoreControl(control, g.Value, r, gold, result);
            n++;
        }
        return n == 0 ? 1 : sum / n;
    }

    private static double ScoreControl(ControlDef control, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) => control.Type switch
    {
        ControlType.Choices => Strings(gold).SetEquals(Strings(result)) ? 1 : 0,
        ControlType.Rating => result.ValueKind == JsonValueKind.Number
            ? 1 - Math.Abs(gold.GetDouble() - result.GetDouble()) / Math.Max(1, control.RatingMax - 1)
            : 0,
        ControlType.Spans => RegionMetrics.CompareSpans(Spans(gold), Spans(result), SpanMatch.Exact).F1,
        ControlType.Segments => RegionMetrics.CompareSpans(Segments(gold), Segments(result), SpanMatch.Overlap).F1,
        ControlType.Rectangles => RegionMetrics.CompareBoxes(Boxes(gold), Boxes(result)).F1,
        ControlType.Polygons => RegionMetrics.ComparePolygons(Polygons(gold), Polygons(result)).F1,
        ControlType.Keypoints => Keypoints(gold, result),
        ControlType.Transcription => Math.Max(0, 1 - TextMetrics.CharacterErrorRate(
            Transcript(gold, goldWhole, control.PerSegment), Transcript(result, resultWhole, control.PerSegment))),
        ControlType.Ranking => Ranking(gold, result),
        _ => 0,
    };

    private static bool IsEmpty(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        JsonValueKind.Array => e.GetArrayLength() == 0,
        JsonValueKind.String => e.GetString()!.Length == 0,
        _ => false,
    };

    private static HashSet<string> Strings(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];

    private static IEnumerable<JsonElement> Items(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object) : [];

    private static string Label(JsonElement region) =>
        region.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";

    private static double Number(JsonElement region, string name) =>
        region.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

    private static List<Span> Spans(JsonElement e) =>
        Items(e).Select(s => new Span((int)Number(s, "start"), (int)Number(s, "end"), Label(s))).ToList();

    /// <summary>Seconds to whole milliseconds, so time segments reuse span matching.</summary>
    private static List<Span> Segments(JsonElement e) =>
        Items(e).Select(s => new Span((int)Math.Round(Number(s, "start") * 1000), (int)Math.Round(Number(s, "end") * 1000), Label(s))).ToList();

    private static List<Box> Boxes(JsonElement e) =>
        Items(e).Select(b => new Box(Number(b, "x"), Number(b, "y"), Number(b, "width"), Number(b, "height"), Label(b))).ToList();

    private static List<Polygon> Polygons(JsonElement e) =>
        Items(e).Select(p => new Polygon(
            p.TryGetProperty("points", out var pts) && pts.ValueKind == JsonValueKind.Array
                ? pts.EnumerateArray().Where(pt => pt.ValueKind == JsonValueKind.Array && pt.GetArrayLength() == 2)
                    .Select(pt => new Point2(pt[0].GetDouble(), pt[1].GetDouble())).ToList()
                : [],
            Label(p))).ToList();

    /// <summary>Share of gold keypoints that have an unused answered keypoint of the same label within the tolerance.</summary>
    private static double Keypoints(JsonElement gold, JsonElement result)
    {
        var wanted = Items(gold).ToList();
        var given = Items(result).ToList();
        var used = new bool[given.Count];
        var hits = 0;
        foreach (var g in wanted)
        {
            var best = -1;
            var bestDistance = KeypointTolerancePixels;
            for (var i = 0; i < given.Count; i++)
            {
                if (used[i] || Label(given[i]) != Label(g))
                {
                    continue;
                }
                var d = Math.Sqrt(Math.Pow(Number(given[i], "x") - Number(g, "x"), 2) + Math.Pow(Number(given[i], "y") - Number(g, "y"), 2));
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

    /// <summary>A whole-task transcript, or the per-segment texts joined in the segments' time order
    /// (segment ids are each annotator's own, so texts are compared as one transcript).</summary>
    private static string Transcript(JsonElement e, JsonElement whole, string? perSegment)
    {
        if (e.ValueKind == JsonValueKind.String)
        {
            return e.GetString()!;
        }
        if (e.ValueKind != JsonValueKind.Object)
        {
            return "";
        }
        var start = new Dictionary<string, double>(StringComparer.Ordinal);
        if (perSegment is not null && whole.ValueKind == JsonValueKind.Object && whole.TryGetProperty(perSegment, out var segments))
        {
            foreach (var s in Items(segments))
            {
                if (s.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    start[id.GetString()!] = Number(s, "start");
                }
            }
        }
        return string.Join(" ", e.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .OrderBy(p => start.GetValueOrDefault(p.Name, double.MaxValue))
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Value.GetString()));
    }

    private static double Ranking(JsonElement gold, JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            return 0;
        }
        if (gold.TryGetProperty("preferred", out var preferred))
        {
            return result.TryGetProperty("preferred", out var p) && p.ValueKind == JsonValueKind.String && p.GetString() == preferred.GetString() ? 1 : 0;
        }
        if (gold.TryGetProperty("order", out var order) && result.TryGetProperty("order", out var answered))
        {
            var tau = TextMetrics.KendallTau(
                order.EnumerateArray().Select(x => x.ToString()).ToList(),
                answered.EnumerateArray().Select(x => x.ToString()).ToList());
            return tau is null ? 0 : (tau.Value + 1) / 2;
        }
        return 0;
    }
}

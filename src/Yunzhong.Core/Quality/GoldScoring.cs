namespace Yunzhong.Core.Quality;

/// <summary>
/// How well one annotation matches a gold task's known answer, from 0 (nothing right) to 1
/// (all right): the mean over the controls the gold answer fills. Each control is scored by the
/// measure that fits it: exact choice sets; rating distance; span F1 (exact boundaries); box and
/// polygon F1 at IoU ≥ 0.5; keypoints within 10 px with the same label; time segments matched by
/// overlap; 1 − character error rate for transcriptions; (Kendall τ + 1) / 2 for rankings, the
/// same preference for pairwise and the share of items in the same bucket for ranking buckets; per-region attributes by <see cref="RegionAttributeScoring"/>. Relations are not scored (they depend on span ids, which differ
/// between annotators). Each kind's measure is its <see cref="ControlKind"/>'s; the readers here
/// are shared by them. Both results are assumed to have passed <see cref="AnnotationValidator"/>.
/// </summary>
public static class GoldScoring
{
    /// <summary><see cref="Score(LabelSchema, JsonElement, JsonElement)"/> of a task whose gold answer is stored as
    /// <paramref name="goldJson"/>; null for a task without one.</summary>
    public static double? ScoreStored(LabelSchema schema, string? goldJson, JsonElement result)
    {
        if (goldJson is null)
        {
            return null;
        }
        using var gold = JsonDocument.Parse(goldJson);
        return Score(schema, gold.RootElement, result);
    }

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
            if (control is null || IsEmpty(g.Value))
            {
                continue;
            }
            var r = result.ValueKind == JsonValueKind.Object && result.TryGetProperty(g.Name, out var v) ? v : default;
            var scored = control is { PerRegion: null, PerMessage: null }
                ? ControlKinds.Of(control.Type).GoldScore(control, g.Value, r, gold, result)
                : RegionAttributeScoring.Gold(schema, control, gold, result);
            if (scored is not { } score)
            {
                continue; // a kind that is not scored (relations)
            }
            sum += score;
            n++;
        }
        return n == 0 ? 1 : sum / n;
    }

    private static bool IsEmpty(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        JsonValueKind.Array => e.GetArrayLength() == 0,
        JsonValueKind.String => e.GetString()!.Length == 0,
        _ => false,
    };

    internal static HashSet<string> Strings(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array
            ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];

    internal static IEnumerable<JsonElement> Items(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object) : [];

    internal static string Label(JsonElement region) =>
        region.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";

    internal static double Number(JsonElement region, string name) =>
        region.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;

    internal static List<Span> Spans(JsonElement e) =>
        Items(e).Select(s => new Span((int)Number(s, "start"), (int)Number(s, "end"), Label(s))).ToList();

    /// <summary>Seconds to whole milliseconds, so time segments reuse span matching.</summary>
    internal static List<Span> Segments(JsonElement e) =>
        Items(e).Select(s => new Span((int)Math.Round(Number(s, "start") * 1000), (int)Math.Round(Number(s, "end") * 1000), Label(s))).ToList();

    internal static List<Box> Boxes(JsonElement e) =>
        Items(e).Select(b => new Box(Number(b, "x"), Number(b, "y"), Number(b, "width"), Number(b, "height"), Label(b), Page(b))).ToList();

    /// <summary>A document box's page; null for a box on an image.</summary>
    internal static int? Page(JsonElement region) =>
        region.TryGetProperty("page", out var p) && p.TryGetInt32(out var page) ? page : null;

    internal static List<Polygon> Polygons(JsonElement e) => Items(e).Select(Polygon).ToList();

    internal static Polygon Polygon(JsonElement p) => new(
        p.TryGetProperty("points", out var pts) && pts.ValueKind == JsonValueKind.Array
            ? pts.EnumerateArray().Where(pt => pt.ValueKind == JsonValueKind.Array && pt.GetArrayLength() == 2)
                .Select(pt => new Point2(pt[0].GetDouble(), pt[1].GetDouble())).ToList()
            : [],
        Label(p));
}

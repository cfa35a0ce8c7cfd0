namespace Yunzhong.Core.Quality;

/// <summary>
/// Reads one control's value out of a stored annotation result (docs/label-schema.md) in the shapes
/// the quality metrics take. Stored results were validated on the way in, so a value of an
/// unexpected shape is treated as no answer rather than an error.
/// </summary>
public static class ResultValues
{
    /// <summary>
    /// Separator of a multi-choice answer's sorted options when the set is treated as one label.
    /// Option values may contain it; <see cref="ChoiceLabel"/> callers that need the values back
    /// keep them beside the label instead of splitting.
    /// </summary>
    public const string MultiSeparator = "|";

    /// <summary>The value a result holds for a control; false when the control is absent or null.</summary>
    public static bool TryGet(JsonElement result, string control, out JsonElement value)
    {
        value = default;
        return result.ValueKind == JsonValueKind.Object && result.TryGetProperty(control, out value) && value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>The chosen options, sorted ordinally; null when the control was not answered.</summary>
    public static string[]? Choices(JsonElement result, string control)
    {
        if (!TryGet(result, control, out var v) || v.ValueKind != JsonValueKind.Array || v.GetArrayLength() == 0)
        {
            return null;
        }
        var values = v.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray();
        Array.Sort(values, StringComparer.Ordinal);
        return values.Length == 0 ? null : values;
    }

    /// <summary>One label for a choices answer: the option, or the sorted set joined for multi-choice.</summary>
    public static string? ChoiceLabel(JsonElement result, string control) =>
        Choices(result, control) is { } values ? string.Join(MultiSeparator, values) : null;

    /// <summary>A rating's number; null when the control was not answered.</summary>
    public static double? Rating(JsonElement result, string control) =>
        TryGet(result, control, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>A pairwise ranking's preference (<c>a</c>, <c>b</c> or <c>tie</c>); null when not answered.</summary>
    public static string? Preferred(JsonElement result, string control) =>
        TryGet(result, control, out var v) && v.ValueKind == JsonValueKind.Object && v.TryGetProperty("preferred", out var p)
            && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    /// <summary>A ranking's order of items, best first; null when not answered.</summary>
    public static string[]? Order(JsonElement result, string control) =>
        TryGet(result, control, out var v) && v.ValueKind == JsonValueKind.Object && v.TryGetProperty("order", out var o)
            && o.ValueKind == JsonValueKind.Array
            ? o.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : null;

    /// <summary>Spans with code-point offsets; an absent control is an empty list (the annotator found none).</summary>
    public static List<Span> Spans(JsonElement result, string control) =>
        Regions(result, control, r => r.TryGetProperty("start", out var s) && r.TryGetProperty("end", out var e)
            && s.TryGetDouble(out var start) && e.TryGetDouble(out var end)
            ? new Span((int)start, (int)end, Label(r)) : (Span?)null);

    /// <summary>Time segments as spans over whole milliseconds, so span matching measures overlap in time.</summary>
    public static List<Span> Segments(JsonElement result, string control) =>
        Regions(result, control, r => r.TryGetProperty("start", out var s) && r.TryGetProperty("end", out var e)
            && s.TryGetDouble(out var start) && e.TryGetDouble(out var end)
            ? new Span((int)Math.Round(start * 1000), (int)Math.Round(end * 1000), Label(r)) : (Span?)null);

    /// <summary>Boxes; rotation is ignored (the metrics are axis-aligned).</summary>
    public static List<Box> Boxes(JsonElement result, string control) =>
        Regions(result, control, r => r.TryGetProperty("x", out var x) && r.TryGetProperty("y", out var y)
            && r.TryGetProperty("width", out var w) && r.TryGetProperty("height", out var h)
            ? new Box(x.GetDouble(), y.GetDouble(), w.GetDouble(), h.GetDouble(), Label(r), GoldScoring.Page(r)) : (Box?)null);

    /// <summary>Polygons; an absent control is an empty list.</summary>
    public static List<Polygon> Polygons(JsonElement result, string control)
    {
        var list = new List<Polygon>();
        if (!TryGet(result, control, out var v) || v.ValueKind != JsonValueKind.Array)
        {
            return list;
        }
        foreach (var r in v.EnumerateArray())
        {
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("points", out var pts) || pts.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            var points = pts.EnumerateArray()
                .Where(p => p.ValueKind == JsonValueKind.Array && p.GetArrayLength() >= 2)
                .Select(p => new Point2(p[0].GetDouble(), p[1].GetDouble())).ToList();
            if (points.Count >= 3)
            {
                list.Add(new Polygon(points, Label(r)));
            }
        }
        return list;
    }

    /// <summary>
    /// The transcript; a per-segment transcription is its texts joined by spaces in the order of
    /// their segments' start times (segment ids differ between annotators, times do not).
    /// </summary>
    public static string? Transcript(JsonElement result, string control, string? segmentsControl)
    {
        if (!TryGet(result, control, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString();
        }
        if (v.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var starts = new Dictionary<string, double>(StringComparer.Ordinal);
        if (segmentsControl is not null && TryGet(result, segmentsControl, out var segs) && segs.ValueKind == JsonValueKind.Array)
        {
            foreach (var s in segs.EnumerateArray())
            {
                if (s.ValueKind == JsonValueKind.Object && s.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    && s.TryGetProperty("start", out var st) && st.TryGetDouble(out var start))
                {
                    starts[id.GetString()!] = start;
                }
            }
        }
        var parts = v.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .Select(p => (Start: starts.GetValueOrDefault(p.Name, double.MaxValue), p.Name, Text: p.Value.GetString()!))
            .OrderBy(p => p.Start).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Text);
        return string.Join(" ", parts);
    }

    private static string Label(JsonElement region) =>
        region.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";

    private static List<T> Regions<T>(JsonElement result, string control, Func<JsonElement, T?> read) where T : struct
    {
        var list = new List<T>();
        if (!TryGet(result, control, out var v) || v.ValueKind != JsonValueKind.Array)
        {
            return list;
        }
        foreach (var r in v.EnumerateArray())
        {
            if (r.ValueKind == JsonValueKind.Object && read(r) is { } region)
            {
                list.Add(region);
            }
        }
        return list;
    }
}

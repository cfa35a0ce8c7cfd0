using System.Globalization;
using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Labelled ranges on the time axis of a time series field: a region is <c>{ id, start, end, label }</c>,
/// with <c>instant: true</c> for a point (<c>start</c> = <c>end</c>). Times are what the axis holds: numbers
/// (a time column of numbers, or row indexes when there is none) or ISO 8601 times, as Label Studio
/// writes them. Label Studio's <c>&lt;TimeSeriesLabels&gt;</c> on <c>&lt;TimeSeries&gt;</c>.
/// </summary>
internal sealed class TimeSeriesKind : ControlKind
{
    public override ControlType Type => ControlType.TimeSeries;

    public override string Name => "timeseries";

    internal override bool NeedsLabels => true;

    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.TimeSeries];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "labels";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.TimeSeries(plan, index, value);

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["TimeSeriesLabels"];

    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context) =>
        LabelledDraft(e, name!, field!, context, "Label");

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, regions =>
        {
            if (!value.TryGetProperty("start", out var start) || !TimeAxis.TryRead(start, out _)
                || !value.TryGetProperty("end", out var end) || !TimeAxis.TryRead(end, out _))
            {
                return "value.start and value.end must be numbers or ISO 8601 times";
            }

            // Kept as written (a number or a time string), so the round trip gives Label Studio back its own values.
            var region = new JsonObject { ["start"] = JsonNode.Parse(start.GetRawText()), ["end"] = JsonNode.Parse(end.GetRawText()) };
            if (value.TryGetProperty("instant", out var instant) && instant.ValueKind == JsonValueKind.True)
            {
                region["instant"] = true;
            }

            regions.Add(region);
            return null;
        });

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        foreach (var r in v.EnumerateArray())
        {
            context.Output.Add(context.Item(control, Str(r, "id"), "timeserieslabels", WithLabel(new JsonObject
            {
                ["start"] = JsonNode.Parse(r.GetProperty("start").GetRawText()),
                ["end"] = JsonNode.Parse(r.GetProperty("end").GetRawText()),
                ["instant"] = r.TryGetProperty("instant", out var i) && i.ValueKind == JsonValueKind.True,
            }, "timeserieslabels", r)));
        }

        return null;
    }

    /// <summary>One region on the time axis, in the axis's own unit (ISO times as Unix milliseconds).</summary>
    internal readonly record struct Range(double Start, double End, string Label);

    internal static List<Range> Ranges(IEnumerable<JsonElement> regions)
    {
        var list = new List<Range>();
        foreach (var r in regions)
        {
            if (r.ValueKind == JsonValueKind.Object && r.TryGetProperty("start", out var s) && r.TryGetProperty("end", out var e)
                && TimeAxis.TryRead(s, out var start) && TimeAxis.TryRead(e, out var end))
            {
                list.Add(new Range(start, Math.Max(start, end), GoldScoring.Label(r)));
            }
        }

        return list;
    }

    /// <summary>
    /// Two annotations' ranges as spans on one integer axis, so span matching (the IoU of intervals, as
    /// for segments on audio) scores them. Both are mapped by the same affine map from their joint extent
    /// onto 2^30 steps: IoU does not change under such a map, and epoch milliseconds fit no int. An
    /// instant is one step wide, so two instants match when they fall on the same step.
    /// </summary>
    internal static (List<Span> A, List<Span> B) OnOneAxis(List<Range> a, List<Range> b)
    {
        const double Steps = 1 << 30;
        var lo = double.PositiveInfinity;
        var hi = double.NegativeInfinity;
        foreach (var r in a.Concat(b))
        {
            lo = Math.Min(lo, r.Start);
            hi = Math.Max(hi, r.End);
        }

        var scale = hi > lo ? Steps / (hi - lo) : 1;
        List<Span> Map(List<Range> rs) => rs.ConvertAll(r =>
        {
            var start = (int)Math.Round((r.Start - lo) * scale);
            return new Span(start, Math.Max(start + 1, (int)Math.Round((r.End - lo) * scale)), r.Label);
        });
        return (Map(a), Map(b));
    }

    private static double Overlap(List<Range> reference, List<Range> compared)
    {
        var (x, y) = OnOneAxis(reference, compared);
        return RegionMetrics.CompareSpans(x, y, SpanMatch.Overlap).F1;
    }

    private static List<Range> Read(JsonElement result, string control) =>
        ResultValues.TryGet(result, control, out var v) && v.ValueKind == JsonValueKind.Array ? Ranges(v.EnumerateArray()) : [];

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        Overlap(Ranges(GoldScoring.Items(gold)), Ranges(GoldScoring.Items(result)));

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new PairwiseAccumulator<List<Range>>(c, r => Read(r, name), ["f1Overlap"], (x, y) => [Overlap(x, y)]);
    }

    internal override bool HasCsvColumn => true;

    // One cell: "start/end:label" per range (start and end as written), joined with |.
    internal override string CsvCell(JsonElement v) => v.ValueKind != JsonValueKind.Array ? "" : string.Join("|", v.EnumerateArray().Select(r =>
        $"{Cell(r, "start")}/{Cell(r, "end")}:{Str(r, "label") ?? ""}"));

    private static string Cell(JsonElement r, string key) =>
        !r.TryGetProperty(key, out var v) ? "" : v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
}

/// <summary>Times on a time series axis: finite numbers, or ISO 8601 times read as Unix milliseconds.</summary>
public static class TimeAxis
{
    /// <summary>Reads one time; false when it is neither a finite number nor an ISO 8601 time.</summary>
    public static bool TryRead(JsonElement v, out double time)
    {
        time = 0;
        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.TryGetDouble(out time) && double.IsFinite(time);
        }

        // A leading digit keeps "now" and "tomorrow" out; RoundtripKind reads "Z" and offsets.
        if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: >= 4 } s && char.IsAsciiDigit(s[0])
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
        {
            time = (t - DateTimeOffset.UnixEpoch).TotalMilliseconds;
            return true;
        }

        return false;
    }
}

/// <summary>
/// The task data of a time series field: a string naming a CSV file (a URL or media path, Label Studio's
/// <c>valueType="url"</c>), or inline columns (<c>valueType="json"</c>) as
/// <c>{ "time": [...], "channels": { "name": [...] } }</c> or Label Studio's flat
/// <c>{ "time": [...], "name": [...] }</c>. Channels are numbers; the time column holds numbers or ISO times.
/// </summary>
public static class TimeSeriesData
{
    /// <summary>What is wrong with a field's value: the message, and the column at fault as a pointer suffix.</summary>
    public sealed record Problem(string Message, string? Column);

    /// <summary>Checks one field's value; null when it is fit.</summary>
    public static Problem? Check(FieldDef field, JsonElement v)
    {
        ArgumentNullException.ThrowIfNull(field);
        var name = field.Name;
        if (v.ValueKind == JsonValueKind.String)
        {
            return v.GetString()!.Trim().Length > 0 ? null : new Problem($"Field '{name}' names no CSV file.", null);
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            return new Problem($"Field '{name}' must be a CSV reference (a URL or media path) or an object of columns, not {JsonText.Describe(v)}.", null);
        }

        var timeKey = field.TimeColumn ?? "time";
        int? length = null;
        Problem? Column(string pointer, string column, JsonElement values, bool isTime)
        {
            if (values.ValueKind != JsonValueKind.Array)
            {
                return new Problem($"Column '{column}' of field '{name}' must be an array, not {JsonText.Describe(values)}.", pointer);
            }

            var n = values.GetArrayLength();
            if (length is { } l && l != n)
            {
                return new Problem($"Column '{column}' of field '{name}' has {n} values; the columns before it have {l}.", pointer);
            }

            length = n;
            var i = 0;
            foreach (var x in values.EnumerateArray())
            {
                if (isTime ? !TimeAxis.TryRead(x, out _) : x.ValueKind is not (JsonValueKind.Number or JsonValueKind.Null))
                {
                    return new Problem(isTime
                        ? $"Time {i} of field '{name}' is neither a number nor an ISO 8601 time."
                        : $"Value {i} of column '{column}' of field '{name}' is not a number.", pointer + "/" + i.ToString(CultureInfo.InvariantCulture));
                }

                i++;
            }

            return null;
        }

        if (v.TryGetProperty(timeKey, out var time) && Column(JsonText.EscapePointerToken(timeKey), timeKey, time, true) is { } p)
        {
            return p;
        }

        var channels = 0;
        var nested = v.TryGetProperty("channels", out var ch) && ch.ValueKind == JsonValueKind.Object && timeKey != "channels";
        foreach (var c in nested ? ch.EnumerateObject() : v.EnumerateObject())
        {
            if (!nested && c.Name == timeKey)
            {
                continue;
            }

            var pointer = (nested ? "channels/" : "") + JsonText.EscapePointerToken(c.Name);
            if (Column(pointer, c.Name, c.Value, false) is { } q)
            {
                return q;
            }

            channels++;
        }

        return channels == 0 ? new Problem($"Field '{name}' has no channel: give at least one column of numbers besides '{timeKey}'.", null) : null;
    }
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- time series ----

        private static readonly RegionKeys _timeSeriesKeys = new("start", "end", "instant");

        internal void TimeSeries(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "ranges"))
            {
                return;
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "range", _timeSeriesKeys)
                    && Time(plan, i, item, "start", out var start) & Time(plan, i, item, "end", out var end))
                {
                    var instant = item.TryGetProperty("instant"u8, out var iv) && iv.ValueKind == JsonValueKind.True;
                    if (instant ? end != start : end < start)
                    {
                        Fail(At(plan, i, "end"), instant
                                ? $"An instant of '{plan.Def.Name}' ends where it starts; its end differs from its start."
                                : $"A range of '{plan.Def.Name}' must not end before it starts.",
                            SchemaErrorCodes.TimeSeriesRangeReversed, ("start", item.GetProperty("start").ToString()), ("end", item.GetProperty("end").ToString()));
                    }
                }

                i++;
            }
        }

        private bool Time(ControlPlan plan, int i, JsonElement item, string key, out double time)
        {
            time = 0;
            if (!item.TryGetProperty(key, out var v))
            {
                Fail(At(plan, i, key), $"Each range of '{plan.Def.Name}' needs '{key}', a number or an ISO 8601 time.", SchemaErrorCodes.NumberNeeded, ("key", key));
                return false;
            }

            if (!TimeAxis.TryRead(v, out time))
            {
                Fail(At(plan, i, key), $"'{key}' of a range must be a finite number or an ISO 8601 time, not {JsonText.Describe(v)}.",
                    SchemaErrorCodes.TimeSeriesTimeInvalid, ("key", key));
                return false;
            }

            return true;
        }
    }
}

using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>Time segments of an audio or video.</summary>
internal sealed class SegmentsKind : ControlKind
{
    public override ControlType Type => ControlType.Segments;

    public override string Name => "segments";

    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.Audio, FieldType.Video];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "labels";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Segments(plan, index, value);

    // Label Studio's generic <Labels> on an audio or video.
    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context) =>
        LabelledDraft(e, name!, field!, context, "Label");

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, regions =>
        {
            if (!value.TryGetProperty("start", out var segStart) || segStart.ValueKind != JsonValueKind.Number
                || !value.TryGetProperty("end", out var segEnd) || segEnd.ValueKind != JsonValueKind.Number)
            {
                return "value.start and value.end must be numbers of seconds";
            }

            regions.Add(new JsonObject { ["start"] = Finite(segStart), ["end"] = Finite(segEnd) });
            return null;
        });

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        var output = context.Output;
        JsonObject Item(string? id, string type, JsonObject value) => context.Item(control, id, type, value);

        foreach (var seg in v.EnumerateArray())
        {
            output.Add(Item(Str(seg, "id"), "labels", WithLabel(new JsonObject
            {
                ["start"] = seg.GetProperty("start").GetDouble(),
                ["end"] = seg.GetProperty("end").GetDouble(),
            }, "labels", seg)));
        }

        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        RegionMetrics.CompareSpans(GoldScoring.Segments(gold), GoldScoring.Segments(result), SpanMatch.Overlap).F1;

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new PairwiseAccumulator<List<Span>>(c, r => ResultValues.Segments(r, name), ["f1Overlap"], (x, y) =>
            [RegionMetrics.CompareSpans(x, y, SpanMatch.Overlap).F1]);
    }
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- segments and transcription ----

        private static readonly RegionKeys _segmentKeys = new("start", "end");

        internal void Segments(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "segments"))
            {
                return;
            }

            var duration = plan.Field is { } f ? media?.Invoke(f.Name)?.DurationSeconds : null;
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                // Non-short-circuit &: report a missing start and a missing end together.
                if (Region(plan, index, i, item, "segment", _segmentKeys)
                    && Number(plan, i, item, "start", "segment", out var start)
                    & Number(plan, i, item, "end", "segment", out var end))
                {
                    if (start < 0)
                    {
                        Fail(At(plan, i, "start"), $"Segment start {JsonText.Number(start)} s must be 0 or more.", SchemaErrorCodes.Negative, ("value", start));
                    }
                    else if (end <= start)
                    {
                        Fail(At(plan, i, "end"), $"Segment end {JsonText.Number(end)} s must be after its start {JsonText.Number(start)} s.",
                            SchemaErrorCodes.SegmentEmpty, ("start", start), ("end", end));
                    }
                    else if (duration is { } d && end > d + DurationToleranceSeconds)
                    {
                        Fail(At(plan, i, "end"), $"Segment end {JsonText.Number(end)} s is past the end of the media, which lasts {JsonText.Number(d)} s.",
                            SchemaErrorCodes.SegmentPastMedia, ("end", end), ("duration", d));
                    }
                }

                i++;
            }
        }
    }
}

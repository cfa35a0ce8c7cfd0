using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>Free text for the whole task or per segment.</summary>
internal sealed class TranscriptionKind : ControlKind
{
    public override ControlType Type => ControlType.Transcription;

    public override string Name => "transcription";

    public override bool TakesLabels => false;

    internal override bool AllowsKey(string key) => key is "required" or "field" or "perSegment" or "perRegion" or "perMessage";

    internal override void CheckReferences(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
        PerRegion.CheckReferences(c, path, controls, errors);
        if (c.PerSegment is not null)
        {
            if (!controls.TryGetValue(c.PerSegment, out var target) || target.Type != ControlType.Segments)
            {
                errors.Add(SchemaError.Of(path + "/perSegment", $"{JsonText.Quote(c.PerSegment)} is not the name of a segments control.",
                    SchemaErrorCodes.SchemaPerSegmentUnknown, ("name", c.PerSegment)));
            }
            else if (c.Field is not null && target.Field is not null && c.Field != target.Field)
            {
                errors.Add(SchemaError.Of(path + "/field",
                    $"Field {JsonText.Quote(c.Field)} differs from field {JsonText.Quote(target.Field)} of segments control {JsonText.Quote(target.Name)}.",
                    SchemaErrorCodes.SchemaPerSegmentField, ("field", c.Field), ("other", target.Field), ("control", target.Name)));
            }
        }
    }

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) {
        if (!run.PerRegionValues(plan, value))
        {
            run.Transcription(plan, value);
        }
    }

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["TextArea"];

    // perRegion is resolved to the field's segments control once every tag is mapped.
    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        var d = new LabelStudioDraft(e, name!, ControlType.Transcription)
        {
            Field = field?.Name,
            PerRegion = LabelStudioImportContext.IsTrue(LabelStudioImportContext.Attr(e, "perRegion")),
        };
        context.ReportChildren(e, null);
        return d;
    }

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context)
    {
        var byControl = context.ByControl;

        var text = TextOf(value);
        if (text is null)
        {
            return "value.text must be a string or an array of strings";
        }

        if (control.PerRegion is not null || control.PerMessage is not null)
        {
            return PerRegion.SetValue(control, id, text, context, value);
        }

        if (control.PerSegment is not null)
        {
            if (id is null)
            {
                return "a per-segment transcription needs the region id";
            }

            var map = byControl.TryGetValue(control.Name, out var m) ? (JsonObject)m : new JsonObject();
            map[id] = map[id] is { } prior ? prior.GetValue<string>() + "\n" + text : text;
            byControl[control.Name] = map;
        }
        else
        {
            byControl[control.Name] = byControl.TryGetValue(control.Name, out var prior)
                ? prior.GetValue<string>() + "\n" + text
                : text;
        }

        return null;
    }

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        var nativeResult = context.NativeResult;
        var output = context.Output;
        JsonObject Item(string? id, string type, JsonObject value) => context.Item(control, id, type, value);

        if (v.ValueKind == JsonValueKind.String)
        {
            output.Add(Item(control.Name, "textarea", new JsonObject { ["text"] = new JsonArray(v.GetString()) }));
            return null;
        }

        if (control.PerRegion is not null || control.PerMessage is not null)
        {
            foreach (var p in v.EnumerateObject())
            {
                PerRegion.AddItem(control, p.Name, "textarea", "text", new JsonArray(p.Value.GetString()), context);
            }

            return null;
        }

        foreach (var seg in v.EnumerateObject())
        {
            var value = new JsonObject();
            if (control.PerSegment is not null && FindRegion(nativeResult, control.PerSegment, seg.Name) is { } region)
            {
                value["start"] = region.GetProperty("start").GetDouble();
                value["end"] = region.GetProperty("end").GetDouble();
            }

            value["text"] = new JsonArray(seg.Value.GetString());
            output.Add(Item(seg.Name, "textarea", value));
        }

        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        Math.Max(0, 1 - TextMetrics.CharacterErrorRate(
            Transcript(gold, goldWhole, c.PerSegment), Transcript(result, resultWhole, c.PerSegment)));

    // Error rates are asymmetric (divided by the reference's length); a pair takes the mean of both directions.
    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new PairwiseAccumulator<string>(c, r => ResultValues.Transcript(r, name, c.PerSegment), ["cer", "wer"], (x, y) =>
        [
            (TextMetrics.CharacterErrorRate(x, y) + TextMetrics.CharacterErrorRate(y, x)) / 2,
            (TextMetrics.WordErrorRate(x, y) + TextMetrics.WordErrorRate(y, x)) / 2,
        ]);
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
            foreach (var s in GoldScoring.Items(segments))
            {
                if (s.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    start[id.GetString()!] = GoldScoring.Number(s, "start");
                }
            }
        }
        return string.Join(" ", e.EnumerateObject()
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .OrderBy(p => start.GetValueOrDefault(p.Name, double.MaxValue))
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Value.GetString()));
    }
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        internal void Transcription(ControlPlan plan, JsonElement value)
        {
            var name = plan.Def.Name;
            if (plan.PerSegmentControl < 0)
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    Fail(plan.Pointer, $"Transcription '{name}' must be a string, not {JsonText.Describe(value)}.", SchemaErrorCodes.NotText);
                }

                return;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(plan.Pointer, $"Transcription '{name}' is per segment: it must be an object from segment id to text, not {JsonText.Describe(value)}.",
                    SchemaErrorCodes.TranscriptionNotObject);
                return;
            }

            foreach (var p in value.EnumerateObject())
            {
                if (SegmentOwner(p) != plan.PerSegmentControl)
                {
                    Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name),
                        $"{JsonText.Quote(p.Name)} is not the id of a segment of '{plan.Def.PerSegment}' in this result.",
                        SchemaErrorCodes.TranscriptionSegmentUnknown, ("id", p.Name));
                }
                else if (p.Value.ValueKind != JsonValueKind.String)
                {
                    Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name),
                        $"The transcription of segment {JsonText.Quote(p.Name)} must be a string, not {JsonText.Describe(p.Value)}.", SchemaErrorCodes.NotText);
                }
            }
        }

        private int SegmentOwner(JsonProperty p)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(p);
            Span<char> buffer = stackalloc char[128];
            if (raw.IndexOf((byte)'\\') < 0 && System.Text.Encoding.UTF8.TryGetChars(raw, buffer, out var n))
            {
                return _idLookup.TryGetValue(buffer[..n], out var owner) ? owner : -1;
            }

            return regionIds.TryGetValue(p.Name, out var o) ? o : -1;
        }
    }
}

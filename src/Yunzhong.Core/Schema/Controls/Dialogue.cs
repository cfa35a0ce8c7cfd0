using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Labels on the messages of a dialogue field, and on spans of text inside one message. A region is
/// <c>{ id, message, label }</c> for a whole message, or <c>{ id, message, start, end, text, label }</c>
/// for a span, its offsets counting code points of the message's text as the spans control does.
/// Label Studio's <c>&lt;ParagraphLabels&gt;</c> on <c>&lt;Paragraphs&gt;</c> (or <c>&lt;Chat&gt;</c>).
/// </summary>
internal sealed class DialogueKind : ControlKind
{
    // Gold and agreement compare regions as spans on one axis: message m covers [m·Stride, (m+1)·Stride).
    private const int Stride = 1 << 18;

    public override ControlType Type => ControlType.Dialogue;

    public override string Name => "dialogue";

    internal override bool NeedsLabels => true;

    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.Dialogue];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "labels";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Dialogue(plan, index, value);

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["ParagraphLabels"];

    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context) =>
        LabelledDraft(e, name!, field!, context, "Label");

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, regions =>
        {
            if (!Messages.TryRead(context.TaskData, control.Field, out var messages))
            {
                return $"the task has no dialogue in field '{control.Field}'";
            }

            // Label Studio writes the paragraph indexes as strings ("0"); numbers are read too.
            if (!Index(value, "start", out var m) || !Index(value, "end", out var last))
            {
                return "value.start and value.end must be paragraph indexes";
            }

            if (m != last)
            {
                return $"the region runs from paragraph {m} to {last}; a region lies inside one message";
            }

            if (m < 0 || m >= messages.Count)
            {
                return $"paragraph {m} is not in the dialogue, which has {messages.Count} messages";
            }

            var text = new TextIndex(messages[m].Text);
            var hasOffsets = value.TryGetProperty("startOffset", out var so) & value.TryGetProperty("endOffset", out var eo);
            if (!hasOffsets)
            {
                regions.Add(new JsonObject { ["message"] = m });
                return null;
            }

            if (!so.TryGetInt32(out var start) || !eo.TryGetInt32(out var end))
            {
                return "value.startOffset and value.endOffset must be integers";
            }

            var cpStart = text.CodePoint(start);
            var cpEnd = text.CodePoint(end);
            if (cpStart < 0 || cpEnd < 0 || start >= end)
            {
                return $"offsets {start}..{end} do not fit message {m} (or split a surrogate pair)";
            }

            // A span over the whole message is a label on the message.
            regions.Add(start == 0 && end == text.Text.Length
                ? new JsonObject { ["message"] = m }
                : new JsonObject { ["message"] = m, ["start"] = cpStart, ["end"] = cpEnd, ["text"] = text.Text[start..end] });
            return null;
        });

    private static bool Index(JsonElement value, string key, out int index)
    {
        index = -1;
        if (!value.TryGetProperty(key, out var v))
        {
            return false;
        }

        return v.ValueKind == JsonValueKind.String
            ? int.TryParse(v.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index)
            : v.TryGetInt32(out index);
    }

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        if (!Messages.TryRead(context.TaskData, control.Field, out var messages))
        {
            return $"the task has no dialogue in field '{control.Field}'";
        }

        foreach (var r in v.EnumerateArray())
        {
            var m = r.GetProperty("message").GetInt32();
            if (m < 0 || m >= messages.Count)
            {
                return $"region {Str(r, "id")} names message {m}, which the dialogue lacks";
            }

            var text = messages[m].Text;
            int start = 0, end = text.Length;
            if (r.TryGetProperty("start", out var s) && r.TryGetProperty("end", out var e))
            {
                start = CodePointToUtf16(text, s.GetInt32());
                end = CodePointToUtf16(text, e.GetInt32());
                if (start < 0 || end < 0 || start >= end)
                {
                    return $"region {Str(r, "id")} does not fit message {m}";
                }
            }

            var index = m.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Output.Add(context.Item(control, Str(r, "id"), "paragraphlabels", WithLabel(new JsonObject
            {
                ["start"] = index,
                ["end"] = index,
                ["startOffset"] = start,
                ["endOffset"] = end,
                ["text"] = text[start..end],
            }, "paragraphlabels", r)));
        }

        return null;
    }

    /// <summary>The regions as spans on one axis, message by message; a whole message is its full stride.</summary>
    internal static List<Span> AsSpans(IEnumerable<JsonElement> regions)
    {
        var list = new List<Span>();
        foreach (var r in regions)
        {
            if (!r.TryGetProperty("message", out var mv) || !mv.TryGetInt32(out var m) || m < 0 || m >= int.MaxValue / Stride)
            {
                continue;
            }

            var label = r.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "";
            list.Add(r.TryGetProperty("start", out var s) && r.TryGetProperty("end", out var e) && s.TryGetInt32(out var start) && e.TryGetInt32(out var end)
                ? new Span(m * Stride + Math.Min(start, Stride - 1), m * Stride + Math.Min(end, Stride), label)
                : new Span(m * Stride, (m + 1) * Stride, label));
        }

        return list;
    }

    private static List<Span>? Read(JsonElement result, string control) =>
        ResultValues.TryGet(result, control, out var v) && v.ValueKind == JsonValueKind.Array ? AsSpans(v.EnumerateArray()) : [];

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        RegionMetrics.CompareSpans(AsSpans(GoldScoring.Items(gold)), AsSpans(GoldScoring.Items(result)), SpanMatch.Overlap).F1;

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new PairwiseAccumulator<List<Span>>(c, r => Read(r, name), ["f1Exact", "f1Overlap"], (x, y) =>
            [RegionMetrics.CompareSpans(x, y, SpanMatch.Exact).F1, RegionMetrics.CompareSpans(x, y, SpanMatch.Overlap).F1]);
    }

    internal override bool HasCsvColumn => true;

    // One cell: "message:label" for a message, "message:start-end:label" for a span, joined with |.
    internal override string CsvCell(JsonElement v) => v.ValueKind != JsonValueKind.Array ? "" : string.Join("|", v.EnumerateArray().Select(r =>
    {
        var m = r.TryGetProperty("message", out var mv) ? mv.GetRawText() : "?";
        var label = Str(r, "label") ?? "";
        return r.TryGetProperty("start", out var s) && r.TryGetProperty("end", out var e)
            ? $"{m}:{s.GetRawText()}-{e.GetRawText()}:{label}"
            : $"{m}:{label}";
    }));
}

/// <summary>
/// The messages of a dialogue field as users have them: <c>{ role, content }</c> (LLM chats),
/// <c>{ author, text }</c> (Label Studio's <c>Paragraphs</c>), <c>{ speaker, text }</c>, or plain strings.
/// </summary>
public static class Messages
{
    /// <summary>Keys read as the text of a message, in order.</summary>
    public static readonly IReadOnlyList<string> TextKeys = ["content", "text", "value"];

    /// <summary>Keys read as who wrote a message, in order.</summary>
    public static readonly IReadOnlyList<string> RoleKeys = ["role", "author", "speaker", "name"];

    /// <summary>The text of one message, or null when it has none.</summary>
    public static string? TextOf(JsonElement message)
    {
        if (message.ValueKind == JsonValueKind.String)
        {
            return message.GetString();
        }

        if (message.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var k in TextKeys)
        {
            if (message.TryGetProperty(k, out var t) && t.ValueKind == JsonValueKind.String)
            {
                return t.GetString();
            }
        }

        return null;
    }

    /// <summary>Reads a dialogue field; false when the task has none or a message has no text.</summary>
    internal static bool TryRead(JsonElement taskData, string? field, out List<(string? Role, string Text)> messages)
    {
        messages = [];
        if (field is null || taskData.ValueKind != JsonValueKind.Object || !taskData.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var m in v.EnumerateArray())
        {
            if (TextOf(m) is not { } text)
            {
                return false;
            }

            messages.Add((m.ValueKind == JsonValueKind.Object ? RoleKeys.Select(k => Str(m, k)).FirstOrDefault(r => r is not null) : null, text));
        }

        return true;
    }
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- dialogue ----

        private static readonly RegionKeys _dialogueKeys = new("message", "start", "end", "text");

        internal void Dialogue(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "message regions"))
            {
                return;
            }

            var field = plan.Field!.Name;
            if (taskData.ValueKind != JsonValueKind.Object || !taskData.TryGetProperty(field, out var dialogue) || dialogue.ValueKind != JsonValueKind.Array)
            {
                Fail(plan.Pointer, $"The task has no dialogue in field '{field}' to place the regions of '{plan.Def.Name}' in.", SchemaErrorCodes.DialogueNoMessages, ("name", field));
                return;
            }

            var count = dialogue.GetArrayLength();
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "message region", _dialogueKeys))
                {
                    DialogueRegion(plan, i, item, dialogue, count);
                }

                i++;
            }
        }

        private void DialogueRegion(ControlPlan plan, int i, JsonElement item, JsonElement dialogue, int count)
        {
            if (!item.TryGetProperty("message"u8, out var mv) || !JsonText.TryGetInteger(mv, out var m))
            {
                Fail(At(plan, i, "message"), $"Each region of '{plan.Def.Name}' needs an integer 'message', the index of its message.", SchemaErrorCodes.DialogueMessageInvalid);
                return;
            }

            if (m < 0 || m >= count)
            {
                Fail(At(plan, i, "message"), $"Message {m} is not in the dialogue, which has {count} messages.", SchemaErrorCodes.DialogueMessageOutOfRange,
                    ("value", m), ("count", count));
                return;
            }

            var hasStart = item.TryGetProperty("start"u8, out _);
            var hasEnd = item.TryGetProperty("end"u8, out _);
            if (!hasStart && !hasEnd)
            {
                return; // a label on the whole message
            }

            if (Messages.TextOf(dialogue[(int)m]) is not { } text)
            {
                Fail(At(plan, i, "message"), $"Message {m} has no text to place a span in.", SchemaErrorCodes.DialogueNoMessages, ("name", plan.Field!.Name));
                return;
            }

            SpanInText(plan, i, item, text);
        }
    }
}

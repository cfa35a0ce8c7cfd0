using System.Buffers;
using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>Entity spans in a text field.</summary>
internal sealed class SpansKind : ControlKind
{
    public override ControlType Type => ControlType.Spans;

    public override string Name => "spans";

    internal override bool NeedsLabels => true;

    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.Text, FieldType.Html];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "labels";

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Spans(plan, index, value);

    // Label Studio's generic <Labels> (and <HyperTextLabels>) on a text.
    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context) =>
        LabelledDraft(e, name!, field!, context, "Label");

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, regions =>
        {
            if (context.IsHtml(control.Field))
            {
                return HtmlToNative(control, value, context, regions);
            }

            var taskData = context.TaskData;
            var texts = context.Texts;

            var field = control.Field ?? "";
            if (!texts.TryGetValue(field, out var index))
            {
                texts[field] = index = FieldString(taskData, control.Field) is { } t ? new TextIndex(t) : null;
            }

            if (index is null)
            {
                return $"the task has no text field '{control.Field}'";
            }

            if (!value.TryGetProperty("start", out var s) || !s.TryGetInt32(out var start)
                || !value.TryGetProperty("end", out var e) || !e.TryGetInt32(out var end))
            {
                return "value.start and value.end must be integers";
            }

            var text = index.Text;
            var cpStart = index.CodePoint(start);
            var cpEnd = index.CodePoint(end);
            if (cpStart < 0 || cpEnd < 0 || start >= end)
            {
                return $"offsets {start}..{end} do not fit the text (or split a surrogate pair)";
            }

            regions.Add(new JsonObject { ["start"] = cpStart, ["end"] = cpEnd, ["text"] = text[start..end] });
            return null;
        });

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        var taskData = context.TaskData;
        var output = context.Output;
        JsonObject Item(string? id, string type, JsonObject value) => context.Item(control, id, type, value);

        if (context.IsHtml(control.Field))
        {
            return HtmlFromNative(control, v, context);
        }

        var text = FieldString(taskData, control.Field);
        if (text is null)
        {
            return $"the task has no text field '{control.Field}'";
        }

        foreach (var span in v.EnumerateArray())
        {
            var start = CodePointToUtf16(text, span.GetProperty("start").GetInt32());
            var end = CodePointToUtf16(text, span.GetProperty("end").GetInt32());
            if (start < 0 || end < 0 || start >= end)
            {
                return $"span {Str(span, "id")} does not fit the text";
            }

            output.Add(Item(Str(span, "id"), "labels", WithLabel(new JsonObject
            {
                ["start"] = start,
                ["end"] = end,
                ["text"] = text[start..end],
            }, "labels", span)));
        }

        return null;
    }

    // Label Studio's HyperTextLabels place a range by XPaths to text nodes and offsets in them (code
    // points), and also write "global offsets"; the XPaths are read first, as they name the very node.
    private static string? HtmlToNative(SchemaView.Control control, JsonElement value, LabelStudioResultContext context, List<JsonObject> regions)
    {
        if (context.Html(control.Field) is not { } html)
        {
            return $"the task has no HTML field '{control.Field}'";
        }

        (int Start, int End)? span = null;
        var hasPaths = Str(value, "start") is not null && Str(value, "end") is not null;
        if (hasPaths && value.TryGetProperty("startOffset", out var so) && so.TryGetInt32(out var startOffset)
            && value.TryGetProperty("endOffset", out var eo) && eo.TryGetInt32(out var endOffset))
        {
            span = html.FromLabelStudio(Str(value, "start")!, startOffset, Str(value, "end")!, endOffset);
        }

        if (span is null && value.TryGetProperty("globalOffsets", out var g) && g.ValueKind == JsonValueKind.Object
            && g.TryGetProperty("start", out var gs) && gs.TryGetInt32(out var globalStart)
            && g.TryGetProperty("end", out var ge) && ge.TryGetInt32(out var globalEnd))
        {
            span = html.FromGlobalOffsets(globalStart, globalEnd);
        }

        if (span is not { } s)
        {
            return hasPaths || value.TryGetProperty("globalOffsets", out _)
                ? "value.start/value.end with startOffset/endOffset (or value.globalOffsets) do not place a range in the HTML's shown text"
                : "value.start and value.end (XPaths) with value.startOffset and value.endOffset, or value.globalOffsets, are needed";
        }

        regions.Add(new JsonObject { ["start"] = s.Start, ["end"] = s.End, ["text"] = html.Slice(s.Start, s.End) });
        return null;
    }

    private static string? HtmlFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        if (context.Html(control.Field) is not { } html)
        {
            return $"the task has no HTML field '{control.Field}'";
        }

        foreach (var span in v.EnumerateArray())
        {
            var start = span.GetProperty("start").GetInt32();
            var end = span.GetProperty("end").GetInt32();
            if (html.ToLabelStudio(start, end) is not { } r)
            {
                return $"span {Str(span, "id")} does not fit the HTML's text";
            }

            context.Output.Add(context.Item(control, Str(span, "id"), "hypertextlabels", WithLabel(new JsonObject
            {
                ["start"] = r.Start,
                ["end"] = r.End,
                ["startOffset"] = r.StartOffset,
                ["endOffset"] = r.EndOffset,
                ["globalOffsets"] = new JsonObject { ["start"] = r.GlobalStart, ["end"] = r.GlobalEnd },
                ["text"] = html.Slice(start, end),
            }, "hypertextlabels", span)));
        }

        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        RegionMetrics.CompareSpans(GoldScoring.Spans(gold), GoldScoring.Spans(result), SpanMatch.Exact).F1;

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new PairwiseAccumulator<List<Span>>(c, r => ResultValues.Spans(r, name), ["f1Exact", "f1Overlap"], (x, y) =>
            [RegionMetrics.CompareSpans(x, y, SpanMatch.Exact).F1, RegionMetrics.CompareSpans(x, y, SpanMatch.Overlap).F1]);
    }

    public override ConsensusWay Consensus => ConsensusWay.PerTask;

    public override void WriteConsensus(Utf8JsonWriter json, ControlDef c, IReadOnlyList<JsonElement> results) =>
        WriteConsensusRegions(json, c.Name, Core.Quality.Consensus.Spans(results.Select(d => (IReadOnlyList<Span>)ResultValues.Spans(d, c.Name)).ToList()), (w, span) =>
        {
            w.WriteNumber("start", span.Start);
            w.WriteNumber("end", span.End);
            w.WriteString("label", span.Label);
        });
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- spans ----

        private static readonly RegionKeys _spanKeys = new("start", "end", "text");

        internal void Spans(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "spans"))
            {
                return;
            }

            var field = plan.Field!.Name;
            if (taskData.ValueKind != JsonValueKind.Object
                || !taskData.TryGetProperty(field, out var textElement)
                || textElement.ValueKind != JsonValueKind.String)
            {
                Fail(plan.Pointer, $"The task has no text in field '{field}' to place the spans of '{plan.Def.Name}' in.", SchemaErrorCodes.SpanNoText, ("name", field));
                return;
            }

            if (plan.Field.Type == FieldType.Html)
            {
                // Spans over HTML count the code points of its text content, as the workbench shows it.
                var content = HtmlText.TextOf(textElement.GetString()!);
                var k = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Region(plan, index, k, item, "span", _spanKeys))
                    {
                        SpanInText(plan, k, item, content);
                    }

                    k++;
                }

                return;
            }

            var chars = ControlPlan.RentChars(textElement, out var length);
            if (chars is null)
            {
                Fail(plan.Pointer, $"The text in field '{field}' holds an unpaired surrogate, so span offsets cannot be checked.", SchemaErrorCodes.SpanBadText, ("name", field));
                return;
            }

            int[]? astral = null;
            try
            {
                var text = chars.AsSpan(0, length);
                astral = AstralPairs(text, out var pairs);
                var offsets = new CodePoints(astral is null ? default : astral.AsSpan(0, pairs), length - pairs);
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Region(plan, index, i, item, "span", _spanKeys))
                    {
                        Span(plan, i, item, text, offsets);
                    }

                    i++;
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
                if (astral is not null)
                {
                    ArrayPool<int>.Shared.Return(astral);
                }
            }
        }

        /// <summary>
        /// Offsets count code points. Notes the code-point position of each surrogate pair once (in a
        /// rented array, null when the text has none); a UTF-16 index is then the code point plus the
        /// pairs before it.
        /// </summary>
        private static int[]? AstralPairs(ReadOnlySpan<char> text, out int pairs)
        {
            pairs = 0;
            var length = text.Length;
            if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
            {
                return null;
            }

            var astral = ArrayPool<int>.Shared.Rent(length / 2 + 1);
            var u = 0;
            while (u < length)
            {
                var k = text[u..].IndexOfAnyInRange('\uD800', '\uDFFF');
                if (k < 0)
                {
                    break;
                }

                u += k;
                if (char.IsHighSurrogate(text[u]) && u + 1 < length && char.IsLowSurrogate(text[u + 1]))
                {
                    astral[pairs] = u - pairs;
                    pairs++;
                    u += 2;
                }
                else
                {
                    u++; // an unpaired surrogate counts as one code point
                }
            }

            return astral;
        }

        /// <summary>Checks one span region against a text given as a string (a message of a dialogue).</summary>
        private void SpanInText(ControlPlan plan, int i, JsonElement item, string text)
        {
            var astral = AstralPairs(text, out var pairs);
            try
            {
                Span(plan, i, item, text, new CodePoints(astral is null ? default : astral.AsSpan(0, pairs), text.Length - pairs));
            }
            finally
            {
                if (astral is not null)
                {
                    ArrayPool<int>.Shared.Return(astral);
                }
            }
        }

        /// <summary>Maps code-point offsets of one text to UTF-16 indexes.</summary>
        private readonly ref struct CodePoints(ReadOnlySpan<int> astral, int length)
        {
            private readonly ReadOnlySpan<int> _astral = astral;

            public int Length { get; } = length;

            public int Utf16(long codePoint)
            {
                var cp = (int)codePoint;
                if (_astral.IsEmpty)
                {
                    return cp;
                }

                // Pairs that start before this code point each take one extra UTF-16 unit.
                var at = _astral.BinarySearch(cp);
                var before = at >= 0 ? at : ~at;
                return cp + before;
            }
        }

        private void Span(ControlPlan plan, int i, JsonElement item, ReadOnlySpan<char> text, CodePoints offsets)
        {
            var codePoints = offsets.Length;
            if (!Offset(plan, i, item, "start", out var start) | !Offset(plan, i, item, "end", out var end))
            {
                return;
            }

            if (start < 0)
            {
                Fail(At(plan, i, "start"), $"Span start {start} must be 0 or more.", SchemaErrorCodes.SpanOutOfRange, ("start", start), ("length", codePoints));
                return;
            }

            if (end <= start)
            {
                Fail(At(plan, i, "end"), $"Span end {end} must be greater than its start {start}.", SchemaErrorCodes.SpanEmpty, ("start", start), ("end", end));
                return;
            }

            if (end > codePoints)
            {
                Fail(At(plan, i, "end"), $"Span end {end} is past the end of the text, which has {codePoints} characters (code points).",
                    SchemaErrorCodes.SpanOutOfRange, ("end", end), ("length", codePoints));
                return;
            }

            if (!item.TryGetProperty("text"u8, out var spanText) || spanText.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (spanText.ValueKind != JsonValueKind.String)
            {
                Fail(At(plan, i, "text"), $"Span text must be a string, not {JsonText.Describe(spanText)}.", SchemaErrorCodes.NotText);
                return;
            }

            var from = offsets.Utf16(start);
            var to = offsets.Utf16(end);
            var slice = text[from..to];
            if (!spanText.ValueEquals(slice))
            {
                Fail(At(plan, i, "text"),
                    $"Span text {JsonText.Describe(spanText)} differs from the text at {start}..{end}, which is {JsonText.Quote(slice.ToString())}.",
                    SchemaErrorCodes.SpanTextDiffers, ("value", JsonText.Value(spanText)), ("expected", JsonText.Quote(slice.ToString())[1..^1]));
            }
        }

        private bool Offset(ControlPlan plan, int i, JsonElement item, string key, out long value)
        {
            value = 0;
            if (!item.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Fail(At(plan, i, key), $"Each span of '{plan.Def.Name}' needs an integer '{key}'.", SchemaErrorCodes.SpanOffsetInvalid, ("key", key));
                return false;
            }

            if (!JsonText.TryGetInteger(v, out value))
            {
                Fail(At(plan, i, key), $"Span {key} must be an integer count of code points, not {JsonText.Describe(v)}.", SchemaErrorCodes.SpanOffsetInvalid, ("key", key));
                return false;
            }

            return true;
        }
    }
}

using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>An order of a list's items, or a preference between its first two.</summary>
internal sealed class RankingKind : ControlKind
{
    public override ControlType Type => ControlType.Ranking;

    public override string Name => "ranking";

    public override bool TakesLabels => false;

    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.List];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "mode" or "rationale";

    internal override void WriteEntry(Utf8JsonWriter w, ControlDef c)
    {
        w.WriteString("mode", c.Mode == RankingMode.Pairwise ? "pairwise" : "rank");
        w.WriteBoolean("rationale", c.Rationale);
    }

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Ranking(plan, value);

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["Ranker", "Pairwise"];

    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        var pairwise = e.Name.LocalName.Equals("Pairwise", StringComparison.OrdinalIgnoreCase);
        var d = new LabelStudioDraft(e, name!, ControlType.Ranking) { Field = field!.Name, Mode = pairwise ? RankingMode.Pairwise : RankingMode.Rank };
        context.ReportChildren(e, null);
        return d;
    }

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context)
    {
        var byControl = context.ByControl;

        var ranking = new JsonObject();
        if (control.Mode == "pairwise")
        {
            var selected = Str(value, "selected");
            ranking["preferred"] = selected switch
            {
                "left" => "a",
                "right" => "b",
                "none" or "tie" => "tie",
                _ => null,
            };
            if (ranking["preferred"] is null)
            {
                return "value.selected must be left, right or none";
            }
        }
        else
        {
            if (!value.TryGetProperty("ranker", out var ranker) || ranker.ValueKind != JsonValueKind.Object)
            {
                return "value.ranker must be an object of buckets";
            }

            // Without buckets the order sits under the list's name; with buckets, "_"
            // holds the untouched original list, so it is the last resort.
            var toName = Str(item, "to_name");
            var buckets = ranker.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Array).ToList();
            var order = buckets.FirstOrDefault(p => p.Name == toName);
            if (order.Value.ValueKind != JsonValueKind.Array)
            {
                order = buckets.FirstOrDefault(p => p.Name != "_");
            }

            if (order.Value.ValueKind != JsonValueKind.Array)
            {
                order = buckets.FirstOrDefault();
            }

            if (order.Value.ValueKind != JsonValueKind.Array)
            {
                return "value.ranker has no ordered bucket";
            }

            ranking["order"] = new JsonArray(order.Value.EnumerateArray().Select(e => (JsonNode?)e.GetString()).ToArray());
        }

        if (Str(value, "rationale") is { } rationale)
        {
            ranking["rationale"] = rationale;
        }

        byControl[control.Name] = ranking;
        return null;
    }

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        var toName = context.Schema.TargetField(control);
        var output = context.Output;
        JsonObject Item(string? id, string type, JsonObject value) => context.Item(control, id, type, value);

        var value = new JsonObject();
        string type;
        if (control.Mode == "pairwise")
        {
            type = "pairwise";
            value["selected"] = Str(v, "preferred") switch
            {
                "a" => "left",
                "b" => "right",
                "tie" => "none",
                var other => throw new FormatException(other),
            };
        }
        else
        {
            type = "ranker";
            value["ranker"] = new JsonObject { [toName] = JsonNode.Parse(v.GetProperty("order").GetRawText()) };
        }

        if (Str(v, "rationale") is { } rationale)
        {
            value["rationale"] = rationale;
        }

        output.Add(Item(control.Name, type, value));
        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole)
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

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        if (c.Mode == RankingMode.Pairwise)
        {
            return new NominalAccumulator(c, r => ResultValues.Preferred(r, name));
        }

        return new PairwiseAccumulator<string[]>(c, r => ResultValues.Order(r, name), ["kendallTau"], (x, y) =>
        {
            try
            {
                return [TextMetrics.KendallTau(x, y)];
            }
            catch (ArgumentException)
            {
                return [null]; // not the same items: the list changed between the two annotations
            }
        });
    }
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        internal void Ranking(ControlPlan plan, JsonElement value)
        {
            var c = plan.Def;
            var pairwise = c.Mode == RankingMode.Pairwise;
            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(plan.Pointer, pairwise
                    ? $"Ranking '{c.Name}' must be an object {{ \"preferred\": \"a\" | \"b\" | \"tie\" }}, not {JsonText.Describe(value)}."
                    : $"Ranking '{c.Name}' must be an object {{ \"order\": [item ids] }}, not {JsonText.Describe(value)}.", SchemaErrorCodes.RankingNotObject);
                return;
            }

            foreach (var p in value.EnumerateObject())
            {
                var known = p.NameEquals(pairwise ? "preferred"u8 : "order"u8) || (c.Rationale && p.NameEquals("rationale"u8));
                if (!known)
                {
                    if (p.NameEquals("rationale"u8))
                    {
                        Fail(plan.Pointer + "/rationale", $"Ranking '{c.Name}' does not ask for a rationale.", SchemaErrorCodes.RankingNoRationale);
                    }
                    else
                    {
                        Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name),
                            $"Key '{p.Name}' does not belong in ranking '{c.Name}'; it has {(pairwise ? "preferred" : "order")}{(c.Rationale ? ", rationale" : "")}.",
                            SchemaErrorCodes.KeyUnknown, ("key", p.Name));
                    }
                }
            }

            if (c.Rationale && value.TryGetProperty("rationale"u8, out var why)
                && why.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                Fail(plan.Pointer + "/rationale", $"The rationale must be a string, not {JsonText.Describe(why)}.", SchemaErrorCodes.NotText);
            }

            var field = c.Field!;
            if (taskData.ValueKind != JsonValueKind.Object
                || !taskData.TryGetProperty(field, out var items)
                || items.ValueKind != JsonValueKind.Array)
            {
                Fail(plan.Pointer, $"The task has no list in field '{field}' to rank.", SchemaErrorCodes.RankingNoList, ("name", field));
                return;
            }

            if (pairwise)
            {
                Preferred(plan, value, items, field);
            }
            else
            {
                Order(plan, value, items, field);
            }
        }

        private void Preferred(ControlPlan plan, JsonElement value, JsonElement items, string field)
        {
            var count = items.GetArrayLength();
            if (count < 2)
            {
                Fail(plan.Pointer, $"A pairwise comparison needs at least two items in field '{field}'; the task has {count}.",
                    SchemaErrorCodes.RankingTooFewItems, ("name", field), ("count", count));
            }

            if (!value.TryGetProperty("preferred"u8, out var preferred) || preferred.ValueKind == JsonValueKind.Null)
            {
                Fail(plan.Pointer + "/preferred", $"Ranking '{plan.Def.Name}' needs 'preferred': \"a\", \"b\" or \"tie\".", SchemaErrorCodes.RankingPreferred);
            }
            else if (preferred.ValueKind != JsonValueKind.String
                || !(preferred.ValueEquals("a"u8) || preferred.ValueEquals("b"u8) || preferred.ValueEquals("tie"u8)))
            {
                Fail(plan.Pointer + "/preferred", $"Preferred {JsonText.Describe(preferred)} must be \"a\", \"b\" or \"tie\".", SchemaErrorCodes.RankingPreferred);
            }
        }

        private void Order(ControlPlan plan, JsonElement value, JsonElement items, string field)
        {
            var path = plan.Pointer + "/order";
            if (!value.TryGetProperty("order"u8, out var order) || order.ValueKind != JsonValueKind.Array)
            {
                Fail(path, $"Ranking '{plan.Def.Name}' needs 'order', an array of the item ids of field '{field}'{(order.ValueKind == JsonValueKind.Undefined ? "" : ", not " + JsonText.Describe(order))}.",
                    SchemaErrorCodes.RankingOrderNeeded, ("name", field));
                return;
            }

            var count = items.GetArrayLength();
            var seen = count <= 256 ? stackalloc bool[count] : new bool[count];
            var found = 0;
            var k = 0;
            foreach (var id in order.EnumerateArray())
            {
                var at = ItemIndex(items, id);
                if (id.ValueKind != JsonValueKind.String)
                {
                    Fail(path + "/" + k, $"Order entry {k} must be an item id (a string), not {JsonText.Describe(id)}.", SchemaErrorCodes.NotText);
                }
                else if (at < 0)
                {
                    Fail(path + "/" + k, $"{JsonText.Describe(id)} is not an item id of field '{field}'.", SchemaErrorCodes.RankingItemUnknown, ("value", JsonText.Value(id)), ("name", field));
                }
                else if (seen[at])
                {
                    Fail(path + "/" + k, $"Item {JsonText.Describe(id)} appears more than once in the order.", SchemaErrorCodes.RankingItemRepeated, ("value", JsonText.Value(id)));
                }
                else
                {
                    seen[at] = true;
                    found++;
                }

                k++;
            }

            if (found < count)
            {
                var missing = seen.IndexOf(false);
                var item = items[missing];
                var missingId = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id"u8, out var mid)
                    ? JsonText.Value(mid)
                    : missing.ToString(CultureInfo.InvariantCulture);
                Fail(path, $"The order must list every item of field '{field}' exactly once; it misses '{missingId}'.",
                    SchemaErrorCodes.RankingIncomplete, ("name", field), ("missing", missingId));
            }
        }

        /// <summary>Position of the item an order entry names: an object's id, or the index of a plain string.</summary>
        private static int ItemIndex(JsonElement items, JsonElement id)
        {
            if (id.ValueKind != JsonValueKind.String)
            {
                return -1;
            }

            var count = items.GetArrayLength();
            if (count > 0 && items[0].ValueKind == JsonValueKind.String)
            {
                // Plain strings are named by their index, written canonically ("0", "12", never "012").
                var raw = JsonMarshal.GetRawUtf8Value(id)[1..^1];
                if (raw.Length is 0 or > 9 || (raw.Length > 1 && raw[0] == (byte)'0'))
                {
                    return -1;
                }

                var n = 0;
                foreach (var b in raw)
                {
                    if (b is < (byte)'0' or > (byte)'9')
                    {
                        return -1;
                    }

                    n = n * 10 + (b - '0');
                }

                return n < count ? n : -1;
            }

            // Lists are short (responses to compare), so a scan beats building a map.
            var i = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("id"u8, out var itemId)
                    && itemId.ValueKind == JsonValueKind.String
                    && Equal(itemId, id))
                {
                    return i;
                }

                i++;
            }

            return -1;
        }

        private static bool Equal(JsonElement a, JsonElement b)
        {
            var ra = JsonMarshal.GetRawUtf8Value(a);
            var rb = JsonMarshal.GetRawUtf8Value(b);
            if (ra.IndexOf((byte)'\\') < 0 && rb.IndexOf((byte)'\\') < 0)
            {
                return ra.SequenceEqual(rb);
            }

            return a.ValueEquals(JsonText.SafeString(b));
        }
    }
}

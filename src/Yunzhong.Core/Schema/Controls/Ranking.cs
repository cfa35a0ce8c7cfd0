using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>
/// An order of a list's items, a preference between its first two (or between two fields), or the
/// list's items sorted into named buckets.
/// </summary>
internal sealed class RankingKind : ControlKind
{
    /// <summary>Label Studio's name for the column of items left out of every bucket.</summary>
    internal const string LeftOut = "_";

    public override ControlType Type => ControlType.Ranking;

    public override string Name => "ranking";

    /// <summary>The labels of a ranking are its buckets (none: rank or compare).</summary>
    public override string LabelKey => "buckets";

    // Bucket names are keys of an answer, not values, and every item lands in one: nothing to count.
    public override bool CountsLabels => false;

    // A pairwise control over two fields names them in 'fields' instead (checked in CheckEntry).
    internal override bool NeedsField => true;

    internal override FieldType[]? FittingFields { get; } = [FieldType.List];

    internal override bool AllowsKey(string key) => key is "required" or "field" or "fields" or "mode" or "rationale" or "buckets";

    internal override void CheckEntry(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
        if (c.Fields is { } fields)
        {
            if (c.Mode != RankingMode.Pairwise || c.Field is not null || fields.Count != 2 || fields[0] == fields[1])
            {
                errors.Add(SchemaError.Of(path + "/fields",
                    $"Ranking '{c.Name}' names {fields.Count} field(s) in 'fields'; a pairwise ranking without 'field' compares exactly two different fields (left, right).",
                    SchemaErrorCodes.SchemaRankingFields, ("name", c.Name)));
            }
        }

        if (c.Labels.Count > 0 && (c.Mode == RankingMode.Pairwise || c.Labels.Any(l => l.Value == LeftOut)))
        {
            errors.Add(SchemaError.Of(path + "/buckets", c.Mode == RankingMode.Pairwise
                    ? $"Ranking '{c.Name}' compares two items; only a ranking in mode 'rank' sorts items into buckets."
                    : $"Ranking '{c.Name}' has a bucket named '{LeftOut}', which Label Studio keeps for the items left out of every bucket.",
                SchemaErrorCodes.SchemaRankingBuckets, ("name", c.Name)));
        }
    }

    internal override void WriteEntry(Utf8JsonWriter w, ControlDef c)
    {
        w.WriteString("mode", c.Mode == RankingMode.Pairwise ? "pairwise" : "rank");
        w.WriteBoolean("rationale", c.Rationale);
        if (c.Labels.Count > 0)
        {
            WriteLabels(w, LabelKey, c.Labels);
        }
    }

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Ranking(plan, value);

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["Ranker", "Pairwise"];

    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        var pairwise = e.Name.LocalName.Equals("Pairwise", StringComparison.OrdinalIgnoreCase);
        var d = new LabelStudioDraft(e, name!, ControlType.Ranking) { Field = field?.Name, Mode = pairwise ? RankingMode.Pairwise : RankingMode.Rank };
        if (field is null)
        {
            // <Pairwise toName="text1,text2">: two objects compared, the first shown left.
            var objects = (LabelStudioImportContext.Attr(e, "toName") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (objects.Length != 2)
            {
                context.Error(e, $"<{e.Name.LocalName}> '{name}' names {objects.Length} objects; a pairwise comparison takes two (toName=\"left,right\").",
                    SchemaErrorCodes.LabelStudioPairwiseObjects, ("tag", e.Name.LocalName), ("count", objects.Length));
                return null;
            }

            d.Fields = [.. objects.Select(o => context.ObjectField(o)!.Name)];
        }

        if (pairwise)
        {
            context.ReportChildren(e, null);
            return d;
        }

        // Label Studio 1.10+: <Bucket name title> children sort the list's items into named groups.
        foreach (var child in e.Elements())
        {
            if (!child.Name.LocalName.Equals("Bucket", StringComparison.OrdinalIgnoreCase))
            {
                context.Unmapped(child);
                continue;
            }

            var bucket = LabelStudioImportContext.Attr(child, "name");
            if (string.IsNullOrEmpty(bucket))
            {
                context.Error(child, "<Bucket> needs a 'name' attribute.", SchemaErrorCodes.LabelStudioNeedsAttribute, ("tag", "Bucket"), ("attribute", "name"));
                continue;
            }

            var title = LabelStudioImportContext.Attr(child, "title");
            var label = new LabelDef(bucket) { Title = string.IsNullOrEmpty(title) || title == bucket ? null : title };
            if (d.LabelsSeen.Add(label))
            {
                d.Labels.Add(label);
            }
        }

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

            if (control.Labels.Count > 0)
            {
                // Buckets: each named bucket's items in order; "_" holds the items left out.
                var sorted = new JsonObject();
                foreach (var p in ranker.EnumerateObject())
                {
                    if (p.Name == LeftOut)
                    {
                        continue;
                    }

                    if (!control.Labels.Contains(p.Name))
                    {
                        return $"value.ranker has bucket '{p.Name}', which ranker '{control.Name}' lacks; it has {string.Join(", ", control.Labels)}";
                    }

                    if (p.Value.ValueKind != JsonValueKind.Array || p.Value.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
                    {
                        return $"value.ranker.{p.Name} must be an array of item ids";
                    }

                    sorted[p.Name] = JsonNode.Parse(p.Value.GetRawText());
                }

                ranking["buckets"] = sorted;
                if (Str(value, "rationale") is { } why)
                {
                    ranking["rationale"] = why;
                }

                byControl[control.Name] = ranking;
                return null;
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
        else if (control.Labels.Count > 0)
        {
            // As Label Studio writes a ranker with buckets: every bucket (empty ones too), then "_"
            // with the list's items in no bucket, in the list's order.
            type = "ranker";
            var ranker = new JsonObject();
            var placed = new HashSet<string>(StringComparer.Ordinal);
            v.TryGetProperty("buckets", out var buckets);
            foreach (var bucket in control.Labels)
            {
                var ids = new JsonArray();
                if (buckets.ValueKind == JsonValueKind.Object && buckets.TryGetProperty(bucket, out var inBucket) && inBucket.ValueKind == JsonValueKind.Array)
                {
                    foreach (var id in inBucket.EnumerateArray())
                    {
                        ids.Add(id.GetString());
                        placed.Add(id.GetString()!);
                    }
                }

                ranker[bucket] = ids;
            }

            ranker[LeftOut] = new JsonArray([.. ListIds(context.TaskData, control.Field).Where(id => !placed.Contains(id)).Select(id => (JsonNode?)id)]);
            value["ranker"] = ranker;
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

        var item = Item(control.Name, type, value);
        if (type == "pairwise")
        {
            // Label Studio registers Pairwise as an object tag of its own and makes its result on itself
            // (createResult(..., self.name)), so the item's to_name is the Pairwise's name; it resolves
            // to_name by tag name when it loads an annotation, and "text1,text2" names no tag.
            item["to_name"] = control.Name;
        }

        output.Add(item);
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
        if (gold.TryGetProperty("buckets", out var goldBuckets))
        {
            return result.TryGetProperty("buckets", out var answeredBuckets)
                ? SameBucketShare(BucketOf(goldBuckets), BucketOf(answeredBuckets)) ?? 1
                : 0;
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

        if (c.Labels.Count > 0)
        {
            return new PairwiseAccumulator<Dictionary<string, string>>(c,
                r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object
                    && v.TryGetProperty("buckets", out var b) && b.ValueKind == JsonValueKind.Object ? BucketOf(b) : null,
                ["sameBucket"], (x, y) => [SameBucketShare(x, y)]);
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

    /// <summary>The bucket of each item an answer places (the first, should one be named twice).</summary>
    private static Dictionary<string, string> BucketOf(JsonElement buckets)
    {
        var of = new Dictionary<string, string>(StringComparer.Ordinal);
        if (buckets.ValueKind != JsonValueKind.Object)
        {
            return of;
        }

        foreach (var b in buckets.EnumerateObject())
        {
            if (b.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var id in b.Value.EnumerateArray())
                {
                    if (id.ValueKind == JsonValueKind.String)
                    {
                        of.TryAdd(id.GetString()!, b.Name);
                    }
                }
            }
        }

        return of;
    }

    /// <summary>
    /// The share of the items either answer places that both put into the same bucket (an item one
    /// leaves out counts as in no bucket); null when neither places any item.
    /// </summary>
    internal static double? SameBucketShare(IReadOnlyDictionary<string, string> x, IReadOnlyDictionary<string, string> y)
    {
        var union = 0;
        var same = 0;
        foreach (var (id, bucket) in x)
        {
            union++;
            if (y.TryGetValue(id, out var other) && other == bucket)
            {
                same++;
            }
        }

        foreach (var id in y.Keys)
        {
            if (!x.ContainsKey(id))
            {
                union++;
            }
        }

        return union == 0 ? null : (double)same / union;
    }

    /// <summary>The ids of a list field's items: an object's id, or a plain string's index.</summary>
    private static IEnumerable<string> ListIds(JsonElement data, string? field)
    {
        if (field is null || data.ValueKind != JsonValueKind.Object || !data.TryGetProperty(field, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                yield return i.ToString(CultureInfo.InvariantCulture);
            }
            else if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                yield return id.GetString()!;
            }

            i++;
        }
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
            var bucketed = !pairwise && c.Labels.Count > 0;
            var answerKey = pairwise ? "preferred" : bucketed ? "buckets" : "order";
            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(plan.Pointer, pairwise
                    ? $"Ranking '{c.Name}' must be an object {{ \"preferred\": \"a\" | \"b\" | \"tie\" }}, not {JsonText.Describe(value)}."
                    : bucketed ? $"Ranking '{c.Name}' must be an object {{ \"buckets\": {{ bucket: [item ids] }} }}, not {JsonText.Describe(value)}."
                    : $"Ranking '{c.Name}' must be an object {{ \"order\": [item ids] }}, not {JsonText.Describe(value)}.", SchemaErrorCodes.RankingNotObject);
                return;
            }

            foreach (var p in value.EnumerateObject())
            {
                var known = p.NameEquals(answerKey) || (c.Rationale && p.NameEquals("rationale"u8));
                if (!known)
                {
                    if (p.NameEquals("rationale"u8))
                    {
                        Fail(plan.Pointer + "/rationale", $"Ranking '{c.Name}' does not ask for a rationale.", SchemaErrorCodes.RankingNoRationale);
                    }
                    else
                    {
                        Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name),
                            $"Key '{p.Name}' does not belong in ranking '{c.Name}'; it has {answerKey}{(c.Rationale ? ", rationale" : "")}.",
                            SchemaErrorCodes.KeyUnknown, ("key", p.Name));
                    }
                }
            }

            if (c.Rationale && value.TryGetProperty("rationale"u8, out var why)
                && why.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                Fail(plan.Pointer + "/rationale", $"The rationale must be a string, not {JsonText.Describe(why)}.", SchemaErrorCodes.NotText);
            }

            if (c.Fields is not null)
            {
                // Two fields compared: the task's import checked that both are there.
                Preferred(plan, value, default, null);
                return;
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
            else if (bucketed)
            {
                Buckets(plan, value, items, field);
            }
            else
            {
                Order(plan, value, items, field);
            }
        }

        private void Preferred(ControlPlan plan, JsonElement value, JsonElement items, string? field)
        {
            var count = field is null ? 2 : items.GetArrayLength();
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

        /// <summary>Items sorted into buckets: known buckets, known items, each item in one bucket at most.</summary>
        private void Buckets(ControlPlan plan, JsonElement value, JsonElement items, string field)
        {
            var c = plan.Def;
            var path = plan.Pointer + "/buckets";
            if (!value.TryGetProperty("buckets"u8, out var buckets) || buckets.ValueKind != JsonValueKind.Object)
            {
                Fail(path, $"Ranking '{c.Name}' needs 'buckets', an object from bucket name to an array of the item ids of field '{field}'.",
                    SchemaErrorCodes.RankingBucketsNeeded, ("name", c.Name));
                return;
            }

            var count = items.GetArrayLength();
            var seen = count <= 256 ? stackalloc bool[count] : new bool[count];
            foreach (var b in buckets.EnumerateObject())
            {
                var bucketPath = path + "/" + JsonText.EscapePointerToken(b.Name);
                if (!c.Labels.Any(l => b.NameEquals(l.Value)))
                {
                    Fail(bucketPath, $"'{b.Name}' is not a bucket of ranking '{c.Name}'; it has {string.Join(", ", c.Labels.Select(l => l.Value))}.",
                        SchemaErrorCodes.RankingBucketUnknown, ("value", b.Name), ("name", c.Name));
                    continue;
                }

                if (b.Value.ValueKind != JsonValueKind.Array)
                {
                    Fail(bucketPath, $"Bucket '{b.Name}' must be an array of item ids, not {JsonText.Describe(b.Value)}.", SchemaErrorCodes.NotList);
                    continue;
                }

                var k = 0;
                foreach (var id in b.Value.EnumerateArray())
                {
                    var at = ItemIndex(items, id);
                    if (id.ValueKind != JsonValueKind.String)
                    {
                        Fail(bucketPath + "/" + k, $"Entry {k} of bucket '{b.Name}' must be an item id (a string), not {JsonText.Describe(id)}.", SchemaErrorCodes.NotText);
                    }
                    else if (at < 0)
                    {
                        Fail(bucketPath + "/" + k, $"{JsonText.Describe(id)} is not an item id of field '{field}'.", SchemaErrorCodes.RankingItemUnknown, ("value", JsonText.Value(id)), ("name", field));
                    }
                    else if (seen[at])
                    {
                        Fail(bucketPath + "/" + k, $"Item {JsonText.Describe(id)} is in more than one place among the buckets.", SchemaErrorCodes.RankingItemRepeated, ("value", JsonText.Value(id)));
                    }
                    else
                    {
                        seen[at] = true;
                    }

                    k++;
                }
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

using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>Directed links between two spans of a spans control: from → to, or both ways (<c>direction: "bi"</c>).
/// <c>direction: "left"</c> means the same as none and only records that Label Studio wrote the ends the other way round.</summary>
internal sealed class RelationsKind : ControlKind
{
    public override ControlType Type => ControlType.Relations;

    public override string Name => "relations";

    internal override bool AllowsKey(string key) => key is "required" or "labels" or "spans";

    internal override void CheckReferences(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
        if (c.Spans is null)
        {
            errors.Add(new SchemaError(path + "/spans", "A relations control needs 'spans', the name of a spans control.", SchemaErrorCodes.SchemaSpansNeeded));
        }
        else if (!controls.TryGetValue(c.Spans, out var target) || target.Type != ControlType.Spans)
        {
            errors.Add(SchemaError.Of(path + "/spans", $"{JsonText.Quote(c.Spans)} is not the name of a spans control.", SchemaErrorCodes.SchemaSpansUnknown, ("name", c.Spans)));
        }
    }

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) => run.Relations(plan, value);

    // Not scored: relations link span ids, which differ between annotators.
    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["Relations"];

    internal override bool LabelStudioTargets => false;

    // The spans control it links is found once every tag is mapped (LabelStudioConfig).
    // Relations name no field: they link spans of the spans control.
    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context) =>
        LabelledDraft(e, name ?? "relations", null, context, "Relation");

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        var output = context.Output;

        foreach (var rel in v.EnumerateArray())
        {
            // from → to is the relation's sense; "left" says Label Studio wrote it the other way round.
            var direction = Str(rel, "direction") ?? "right";
            var (from, to) = (rel.GetProperty("from").GetString(), rel.GetProperty("to").GetString());
            var o = new JsonObject
            {
                ["from_id"] = direction == "left" ? to : from,
                ["to_id"] = direction == "left" ? from : to,
                ["type"] = "relation",
                ["direction"] = direction,
            };
            if (Str(rel, "label") is { } label)
            {
                o["labels"] = new JsonArray(label);
            }

            output.Add(o);
        }

        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) => null;
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- relations ----

        internal void Relations(ControlPlan plan, JsonElement value)
        {
            if (!Array(plan, value, "relations"))
            {
                return;
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Fail(At(plan, i), $"Each relation of '{plan.Def.Name}' must be an object, not {JsonText.Describe(item)}.", SchemaErrorCodes.ItemNotObject);
                    i++;
                    continue;
                }

                foreach (var p in item.EnumerateObject())
                {
                    if (p.NameEquals("direction"u8))
                    {
                        if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString() is not ("right" or "left" or "bi"))
                        {
                            Fail(At(plan, i, "direction"), $"A relation's direction is right, left or bi, not {JsonText.Describe(p.Value)}.",
                                SchemaErrorCodes.RelationDirectionInvalid, ("value", JsonText.Value(p.Value)));
                        }
                    }
                    else if (!p.NameEquals("from"u8) && !p.NameEquals("to"u8) && !p.NameEquals("label"u8))
                    {
                        Fail(At(plan, i, JsonText.EscapePointerToken(p.Name)), $"Key '{p.Name}' does not belong in a relation; it has from, to, label, direction.",
                            SchemaErrorCodes.KeyUnknown, ("key", p.Name));
                    }
                }

                End(plan, i, item, "from");
                End(plan, i, item, "to");
                // Label Studio lets a relation go without a label even where its control lists some.
                if (item.TryGetProperty("label"u8, out var label) && label.ValueKind != JsonValueKind.Null)
                {
                    Label(plan, i, item, "relation");
                }
                i++;
            }
        }

        private void End(ControlPlan plan, int i, JsonElement item, string key)
        {
            if (!item.TryGetProperty(key, out var id) || id.ValueKind != JsonValueKind.String)
            {
                Fail(At(plan, i, key), $"A relation needs '{key}', the id of a span.", SchemaErrorCodes.RelationEndNeeded, ("key", key));
                return;
            }

            if (RegionOwner(id) != plan.SpansControl)
            {
                Fail(At(plan, i, key), $"Relation end {JsonText.Describe(id)} is not the id of a span of '{plan.Def.Spans}' in this result.",
                    SchemaErrorCodes.RelationEndUnknown, ("value", JsonText.Value(id)), ("control", plan.Def.Spans));
            }
        }
    }
}

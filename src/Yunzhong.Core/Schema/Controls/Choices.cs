using System.Text.Json.Nodes;
using static Yunzhong.Core.Formats.LabelStudioResults;

namespace Yunzhong.Core.Schema;

/// <summary>One or several options for the whole task.</summary>
internal sealed class ChoicesKind : ControlKind
{
    public override ControlType Type => ControlType.Choices;

    public override string Name => "choices";

    public override string LabelKey => "options";

    internal override bool NeedsLabels => true;

    internal override bool AllowsKey(string key) => key is "required" or "field" or "options" or "optionsFrom" or "multiple" or "min" or "max" or "perRegion" or "perMessage";

    internal override void CheckReferences(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors) =>
        PerRegion.CheckReferences(c, path, controls, errors);

    internal override void CheckEntry(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
        if (!c.Multiple && (c.Min is not null || c.Max is not null))
        {
            errors.Add(SchemaError.Of(path + (c.Min is not null ? "/min" : "/max"),
                "'min' and 'max' apply only when 'multiple' is true; a single choice is exactly one option.", SchemaErrorCodes.SchemaMinMaxSingle,
                ("key", c.Min is not null ? "min" : "max")));
        }

        if (c.Min is < 0)
        {
            errors.Add(SchemaError.Of(path + "/min", $"'min' must be 0 or more, not {c.Min}.", SchemaErrorCodes.SchemaMinNegative, ("value", c.Min)));
        }

        if (c.Max is < 1)
        {
            errors.Add(SchemaError.Of(path + "/max", $"'max' must be 1 or more, not {c.Max}.", SchemaErrorCodes.SchemaMaxBelowOne, ("value", c.Max)));
        }

        if (c.Min is { } min && c.Max is { } max && min > max)
        {
            errors.Add(SchemaError.Of(path + "/min", $"'min' {min} is greater than 'max' {max}.", SchemaErrorCodes.SchemaMinAboveMax, ("min", min), ("max", max)));
        }

        if (c.Min is { } m && m > c.Labels.Count && c.LabelsFrom is null)
        {
            errors.Add(SchemaError.Of(path + "/min", $"'min' {m} is more than the {c.Labels.Count} options there are.", SchemaErrorCodes.SchemaMinAboveOptions,
                ("min", m), ("count", c.Labels.Count)));
        }
    }

    internal override void WriteEntry(Utf8JsonWriter w, ControlDef c)
    {
        WriteLabels(w, LabelKey, c.Labels);
        w.WriteBoolean("multiple", c.Multiple);
        if (c.Min is { } min)
        {
            w.WriteNumber("min", min);
        }

        if (c.Max is { } max)
        {
            w.WriteNumber("max", max);
        }
    }

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) {
        if (!run.PerRegionValues(plan, value))
        {
            run.Choices(plan, value);
        }
    }

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["Choices"];

    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        var d = LabelledDraft(e, name!, field!, context, "Choice");
        d.Multiple = string.Equals(LabelStudioImportContext.Attr(e, "choice"), "multiple", StringComparison.OrdinalIgnoreCase);
        d.PerRegion = LabelStudioImportContext.IsTrue(LabelStudioImportContext.Attr(e, "perRegion"));
        return d;
    }

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context)
    {
        var byControl = context.ByControl;

        if (!value.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
        {
            return "value.choices must be an array";
        }

        if (control.PerRegion is not null || control.PerMessage is not null)
        {
            return PerRegion.SetValue(control, id, new JsonArray([.. choices.EnumerateArray().Select(c => (JsonNode?)control.Canonical(c.GetString()!)).Distinct()]), context, value);
        }

        var list = ListOf(byControl, control.Name);
        foreach (var c in choices.EnumerateArray())
        {
            var s = c.GetString() is { } raw ? control.Canonical(raw) : null;
            if (!list.Any(n => n!.GetValue<string>() == s))
            {
                list.Add(s);
            }
        }

        return null;
    }

    internal override string? LabelStudioFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        var output = context.Output;
        JsonObject Item(string? id, string type, JsonObject value) => context.Item(control, id, type, value);

        if (control.PerRegion is not null || control.PerMessage is not null)
        {
            foreach (var p in v.EnumerateObject())
            {
                PerRegion.AddItem(control, p.Name, "choices", "choices", JsonNode.Parse(p.Value.GetRawText())!, context);
            }

            return null;
        }

        if (v.GetArrayLength() > 0)
        {
            output.Add(Item(control.Name, "choices", new JsonObject { ["choices"] = JsonNode.Parse(v.GetRawText()) }));
        }

        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        GoldScoring.Strings(gold).SetEquals(GoldScoring.Strings(result)) ? 1 : 0;

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new NominalAccumulator(c, r => ResultValues.ChoiceLabel(r, name));
    }

    public override ConsensusWay Consensus => ConsensusWay.TruthInference;

    internal override bool HasCsvColumn => true;
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- choices ----

        internal void Choices(ControlPlan plan, JsonElement value, string? pointer = null)
        {
            var name = plan.Def.Name;
            var at = pointer ?? plan.Pointer;
            if (value.ValueKind != JsonValueKind.Array)
            {
                Fail(at, $"Choices '{name}' must be an array of option values, not {JsonText.Describe(value)}.", SchemaErrorCodes.NotList);
                return;
            }

            var options = plan.Def.Labels.Count;
            var chosen = options <= 256 ? stackalloc bool[options] : new bool[options];
            var fromData = plan.Def.LabelsFrom is null ? null : DataOptionsOf(plan);
            HashSet<string>? chosenFromData = null;
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    Fail(at + "/" + i, $"Choice {i} of '{name}' must be an option value (a string), not {JsonText.Describe(item)}.", SchemaErrorCodes.NotText);
                }
                else if (fromData is not null)
                {
                    // Options from the task's data: looked up by value, as the task gives them.
                    var s = item.GetString()!;
                    if (!fromData.Contains(s))
                    {
                        Fail(at + "/" + i, $"{JsonText.Describe(item)} is not an option of choices '{name}' for this task.", SchemaErrorCodes.UnknownOption, ("value", s));
                    }
                    else if (!(chosenFromData ??= new(StringComparer.Ordinal)).Add(s))
                    {
                        Fail(at + "/" + i, $"Option {JsonText.Describe(item)} is chosen more than once in '{name}'.", SchemaErrorCodes.ChoiceRepeated, ("value", s));
                    }
                }
                else if (!plan.TryGetLabel(item, out var option))
                {
                    Fail(at + "/" + i, $"{JsonText.Describe(item)} is not an option of choices '{name}'.", SchemaErrorCodes.UnknownOption, ("value", item.GetString()));
                }
                else if (chosen[option])
                {
                    Fail(at + "/" + i, $"Option {JsonText.Describe(item)} is chosen more than once in '{name}'.", SchemaErrorCodes.ChoiceRepeated, ("value", JsonText.Value(item)));
                }
                else
                {
                    chosen[option] = true;
                }

                i++;
            }

            var c = plan.Def;
            if (!c.Multiple && i != 1)
            {
                Fail(at, $"Choices '{name}' takes exactly one option; the result has {i}.", SchemaErrorCodes.ChoiceCount, ("min", 1), ("max", 1), ("count", i));
            }
            else if (c.Min is { } min && i < min)
            {
                Fail(at, $"Choices '{name}' needs at least {min} options; the result has {i}.", SchemaErrorCodes.ChoiceCount, ("min", min), ("max", c.Max), ("count", i));
            }
            else if (c.Max is { } max && i > max)
            {
                Fail(at, $"Choices '{name}' allows at most {max} options; the result has {i}.", SchemaErrorCodes.ChoiceCount, ("min", c.Min), ("max", max), ("count", i));
            }
        }
    }
}

using System.Text.Json.Nodes;

namespace Yunzhong.Core.Schema;

/// <summary>An integer 1..max.</summary>
internal sealed class RatingKind : ControlKind
{
    public override ControlType Type => ControlType.Rating;

    public override string Name => "rating";

    public override bool TakesLabels => false;

    internal override bool AllowsKey(string key) => key is "required" or "max" or "perRegion" or "perMessage";

    internal override void CheckReferences(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors) =>
        PerRegion.CheckReferences(c, path, controls, errors);

    internal override void CheckEntry(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
        if (c.Max is { } top && (top < SchemaRules.MinRatingMax || top > SchemaRules.MaxRatingMax))
        {
            errors.Add(SchemaError.Of(path + "/max", $"A rating's 'max' must be between {SchemaRules.MinRatingMax} and {SchemaRules.MaxRatingMax}, not {top}.",
                SchemaErrorCodes.SchemaRatingMax, ("min", SchemaRules.MinRatingMax), ("max", SchemaRules.MaxRatingMax), ("value", top)));
        }
    }

    internal override int? NormalizedMax(ControlDef c) => c.RatingMax;

    internal override void WriteEntry(Utf8JsonWriter w, ControlDef c)
    {
        if (c.Max is { } max)
        {
            w.WriteNumber("max", max);
        }
    }

    internal override void Validate(AnnotationValidator.Run run, ControlPlan plan, int index, JsonElement value) {
        if (!run.PerRegionValues(plan, value))
        {
            run.Rating(plan, value);
        }
    }

    internal override IReadOnlyList<string> LabelStudioTags { get; } = ["Rating"];

    // Its toName is dropped: a rating rates the task.
    internal override LabelStudioDraft? ImportLabelStudio(XElement e, string? name, FieldDef? field, LabelStudioImportContext context)
    {
        var d = new LabelStudioDraft(e, name!, ControlType.Rating)
        {
            Max = context.MaxRating(e),
            PerRegion = LabelStudioImportContext.IsTrue(LabelStudioImportContext.Attr(e, "perRegion")),
            RegionField = field?.Name,
        };
        context.ReportChildren(e, null);
        return d;
    }

    internal override string? LabelStudioToNative(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context)
    {
        var byControl = context.ByControl;

        if (!value.TryGetProperty("rating", out var rating) || !rating.TryGetInt32(out var r))
        {
            return "value.rating must be an integer";
        }

        if (control.PerRegion is not null || control.PerMessage is not null)
        {
            return PerRegion.SetValue(control, id, r, context, value);
        }

        byControl[control.Name] = r;
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
                PerRegion.AddItem(control, p.Name, "rating", "rating", p.Value.GetInt32(), context);
            }

            return null;
        }

        output.Add(Item(control.Name, "rating", new JsonObject { ["rating"] = v.GetInt32() }));
        return null;
    }

    internal override double? GoldScore(ControlDef c, JsonElement gold, JsonElement result, JsonElement goldWhole, JsonElement resultWhole) =>
        result.ValueKind == JsonValueKind.Number
            ? 1 - Math.Abs(gold.GetDouble() - result.GetDouble()) / Math.Max(1, c.RatingMax - 1)
            : 0;

    public override AgreementAccumulator? CreateAgreement(ControlDef c)
    {
        var name = c.Name;
        return new IntervalAccumulator(c, r => ResultValues.Rating(r, name));
    }

    internal override bool HasCsvColumn => true;
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        // ---- rating and ranking ----

        internal void Rating(ControlPlan plan, JsonElement value, string? pointer = null)
        {
            var at = pointer ?? plan.Pointer;
            var max = plan.Def.RatingMax;
            if (!JsonText.TryGetInteger(value, out var n))
            {
                Fail(at, $"Rating '{plan.Def.Name}' must be an integer from 1 to {max}, not {JsonText.Describe(value)}.",
                    SchemaErrorCodes.RatingRange, ("max", max), ("value", JsonText.Value(value)));
            }
            else if (n < 1 || n > max)
            {
                Fail(at, $"Rating {n} is outside 1..{max} of '{plan.Def.Name}'.", SchemaErrorCodes.RatingRange, ("max", max), ("value", n));
            }
        }
    }
}

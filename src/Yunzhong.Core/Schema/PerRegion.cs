using System.Text.Json.Nodes;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Per-region attributes: a transcription, choices or rating control with <c>perRegion</c> gives
/// each region of the named region controls its own value. The result holds them under the
/// attribute's name as an object from region id to the value the control would take for the whole
/// task (<c>{"transcription": {"r1": "EXIT"}}</c>), so every control keeps one key of the result and
/// region ids (unique in a result) tie each value to its region.
/// </summary>
internal static class PerRegion
{
    /// <summary>Whether a control of this type draws regions with ids an attribute can describe.</summary>
    public static bool IsRegionType(ControlType t) =>
        t is ControlType.Spans or ControlType.Rectangles or ControlType.Polygons or ControlType.Keypoints or ControlType.Segments;

    /// <summary>The rules on <c>perRegion</c>: region controls, each once, and not beside <c>perSegment</c>.</summary>
    public static void CheckReferences(ControlDef c, string path, IReadOnlyDictionary<string, ControlDef> controls, List<SchemaError> errors)
    {
        if (c.PerRegion is not { } names)
        {
            return;
        }

        if (c.PerSegment is not null)
        {
            errors.Add(SchemaError.Of(path + "/perRegion", $"Control {JsonText.Quote(c.Name)} is either per segment or per region, not both.",
                SchemaErrorCodes.SchemaPerRegionAndSegment));
        }

        if (names.Count == 0)
        {
            errors.Add(SchemaError.Of(path + "/perRegion", "'perRegion' must name at least one region control.", SchemaErrorCodes.SchemaPerRegionUnknown, ("name", "")));
        }

        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (!controls.TryGetValue(name, out var target) || !IsRegionType(target.Type))
            {
                errors.Add(SchemaError.Of(path + "/perRegion/" + i,
                    $"{JsonText.Quote(name)} is not the name of a spans, rectangles, polygons, keypoints or segments control.",
                    SchemaErrorCodes.SchemaPerRegionUnknown, ("name", name)));
            }
            else if (names.Take(i).Contains(name, StringComparer.Ordinal))
            {
                errors.Add(SchemaError.Of(path + "/perRegion/" + i, $"{JsonText.Quote(name)} is named twice in 'perRegion'.",
                    SchemaErrorCodes.SchemaNameDuplicate, ("name", name)));
            }
        }
    }

    /// <summary>Writes the Label Studio item of one region's attribute: the region's own geometry
    /// (as its item in <see cref="LabelStudioResultContext.Output"/> has it, without its labels) and
    /// the attribute's value, under the region's id, as Label Studio writes per-region results.</summary>
    public static void AddItem(SchemaView.Control control, string regionId, string type, string key, JsonNode value, LabelStudioResultContext context)
    {
        var geometry = new JsonObject();
        JsonObject? region = null;
        foreach (var node in context.Output)
        {
            if (node is JsonObject o && o["id"]?.GetValue<string>() == regionId && !IsAttribute(context, o["from_name"]?.GetValue<string>()))
            {
                region = o;
                break;
            }
        }

        if (region?["value"] is JsonObject v)
        {
            foreach (var (k, x) in v)
            {
                if (k is not ("labels" or "rectanglelabels" or "polygonlabels" or "keypointlabels" or "hypertextlabels") && k != key)
                {
                    geometry[k] = x?.DeepClone();
                }
            }
        }

        geometry[key] = value;
        var item = context.Item(control, regionId, type, geometry);
        if (region is not null)
        {
            foreach (var k in (ReadOnlySpan<string>)["to_name", "original_width", "original_height", "image_rotation", "item_index"])
            {
                if (region[k] is { } x)
                {
                    item[k] = x.DeepClone();
                }
            }
        }

        context.Output.Add(item);
    }

    private static bool IsAttribute(LabelStudioResultContext context, string? name) =>
        name is not null && context.Schema.Find(name) is { PerRegion: not null };

    /// <summary>To native: the value of one region in the attribute's map (created on first use).</summary>
    public static string? SetValue(SchemaView.Control control, string? id, JsonNode value, LabelStudioResultContext context)
    {
        if (id is null)
        {
            return "a per-region result needs the region's id";
        }

        var map = context.ByControl.TryGetValue(control.Name, out var m) ? (JsonObject)m : new JsonObject();
        map[id] = value;
        context.ByControl[control.Name] = map;
        return null;
    }
}

public static partial class AnnotationValidator
{
    internal sealed partial class Run
    {
        /// <summary>
        /// Checks a per-region attribute's object: each key a region of the controls it describes,
        /// each value what the control takes for a whole task; false when the control is not per region.
        /// </summary>
        internal bool PerRegionValues(ControlPlan plan, JsonElement value)
        {
            if (plan.PerRegionControls is not { } owners)
            {
                return false;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(plan.Pointer, $"'{plan.Def.Name}' is per region: it must be an object from region id to value, not {JsonText.Describe(value)}.",
                    SchemaErrorCodes.AttributeNotObject);
                return true;
            }

            foreach (var p in value.EnumerateObject())
            {
                var at = plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name);
                if (System.Array.IndexOf(owners, SegmentOwner(p)) < 0)
                {
                    Fail(at, $"{JsonText.Quote(p.Name)} is not the id of a region of {string.Join(", ", plan.Def.PerRegion!.Select(JsonText.Quote))} in this result.",
                        SchemaErrorCodes.AttributeRegionUnknown, ("id", p.Name), ("control", plan.Def.Name));
                }
                else if (!IsEmpty(p.Value))
                {
                    switch (plan.Def.Type)
                    {
                        case ControlType.Choices:
                            Choices(plan, p.Value, at);
                            break;
                        case ControlType.Rating:
                            Rating(plan, p.Value, at);
                            break;
                        default:
                            if (p.Value.ValueKind != JsonValueKind.String)
                            {
                                Fail(at, $"The text of region {JsonText.Quote(p.Name)} must be a string, not {JsonText.Describe(p.Value)}.", SchemaErrorCodes.NotText);
                            }

                            break;
                    }
                }
            }

            return true;
        }

        /// <summary>A required per-region attribute: every region it describes has a non-empty value.</summary>
        private void PerRegionRequired(ControlPlan plan, JsonElement value)
        {
            var owners = plan.PerRegionControls!;
            foreach (var (id, owner) in regionIds)
            {
                if (System.Array.IndexOf(owners, owner) >= 0
                    && !(value.ValueKind == JsonValueKind.Object && value.TryGetProperty(id, out var v) && !IsEmpty(v)))
                {
                    Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(id),
                        $"Region {JsonText.Quote(id)} of '{schema.Controls[owner].Name}' needs a value for '{plan.Def.Name}'.",
                        SchemaErrorCodes.AttributeRequired, ("id", id), ("control", plan.Def.Name));
                }
            }
        }
    }
}

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
        t is ControlType.Spans or ControlType.Rectangles or ControlType.Polygons or ControlType.Keypoints or ControlType.Segments
            or ControlType.TimeSeries;

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
                    $"{JsonText.Quote(name)} is not the name of a spans, rectangles, polygons, keypoints, segments or timeseries control.",
                    SchemaErrorCodes.SchemaPerRegionUnknown, ("name", name)));
            }
            else if (names.Take(i).Contains(name, StringComparer.Ordinal))
            {
                errors.Add(SchemaError.Of(path + "/perRegion/" + i, $"{JsonText.Quote(name)} is named twice in 'perRegion'.",
                    SchemaErrorCodes.SchemaNameDuplicate, ("name", name)));
            }
        }
    }

    /// <summary>The rules on <c>perMessage</c>: a dialogue field, and neither per segment nor per region beside it.</summary>
    public static void CheckMessageField(ControlDef c, string path, IReadOnlyDictionary<string, FieldDef> fields, List<SchemaError> errors)
    {
        if (c.PerMessage is not { } name)
        {
            return;
        }

        if (c.PerSegment is not null || c.PerRegion is not null)
        {
            errors.Add(SchemaError.Of(path + "/perMessage", $"Control {JsonText.Quote(c.Name)} is per message, per segment or per region, only one of them.",
                SchemaErrorCodes.SchemaPerRegionAndSegment));
        }

        if (!fields.TryGetValue(name, out var field))
        {
            errors.Add(SchemaError.Of(path + "/perMessage", $"Field {JsonText.Quote(name)} is not a field of the schema.", SchemaErrorCodes.SchemaFieldUnknown, ("name", name)));
        }
        else if (field.Type != FieldType.Dialogue)
        {
            errors.Add(SchemaError.Of(path + "/perMessage",
                $"Field {JsonText.Quote(name)} is {SchemaRules.Name(field.Type)}; 'perMessage' names a dialogue field.",
                SchemaErrorCodes.SchemaFieldUnfit, ("name", name), ("fieldType", SchemaRules.Name(field.Type)), ("type", ControlKinds.Of(c.Type).Name), ("fitting", "dialogue")));
        }
    }

    /// <summary>The message index of a per-message value as written in the native result: <c>"0"</c>, <c>"1"</c>, …
    /// (no sign, no leading zero), or -1.</summary>
    public static int MessageIndex(string key)
    {
        if (key.Length is 0 or > 9 || (key.Length > 1 && key[0] == '0') || !key.All(char.IsAsciiDigit))
        {
            return -1;
        }

        return int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes the Label Studio item of one region's attribute: the region's own geometry
    /// (as its item in <see cref="LabelStudioResultContext.Output"/> has it, without its labels) and
    /// the attribute's value, under the region's id, as Label Studio writes per-region results.</summary>
    public static void AddItem(SchemaView.Control control, string regionId, string type, string key, JsonNode value, LabelStudioResultContext context)
    {
        if (control.PerMessage is { } field)
        {
            AddMessageItem(control, field, regionId, type, key, value, context);
            return;
        }

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
                if (k is not ("labels" or "rectanglelabels" or "polygonlabels" or "keypointlabels" or "hypertextlabels" or "timeserieslabels") && k != key)
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

    /// <summary>
    /// A message's attribute as a Label Studio per-region item on the chat: the message in
    /// <c>value.chatmessage</c> (role and content, as Label Studio writes a chat message region) and its
    /// index in <c>value.message</c>, so the item names its message whether or not the reader knows ids.
    /// The id is the message's own (<c>message-1</c>), the same for every attribute of that message.
    /// </summary>
    private static void AddMessageItem(SchemaView.Control control, string field, string key, string type, string valueKey, JsonNode value, LabelStudioResultContext context)
    {
        var index = MessageIndex(key);
        var geometry = new JsonObject { ["message"] = index };
        if (Messages.TryRead(context.TaskData, field, out var messages) && index >= 0 && index < messages.Count)
        {
            var message = new JsonObject();
            if (messages[index].Role is { } role)
            {
                message["role"] = role;
            }

            message["content"] = messages[index].Text;
            geometry["chatmessage"] = message;
        }

        geometry[valueKey] = value;
        var item = context.Item(control, "message-" + key, type, geometry);
        item["to_name"] = control.ToName ?? field;
        context.Output.Add(item);
    }

    /// <summary>
    /// To native: the message a Label Studio per-region item on a chat describes: <c>value.message</c>
    /// (the index, as this export writes it), else the first message whose role and content equal
    /// <c>value.chatmessage</c> (as Label Studio writes a chat message region), else an id
    /// <c>message-N</c>. Null when none names a message of the task.
    /// </summary>
    private static string? MessageKey(SchemaView.Control control, string? id, JsonElement itemValue, LabelStudioResultContext context)
    {
        Messages.TryRead(context.TaskData, control.PerMessage, out var messages);
        var index = -1;
        if (itemValue.TryGetProperty("message", out var m) && m.TryGetInt32(out var n))
        {
            index = n;
        }
        else if (itemValue.TryGetProperty("chatmessage", out var cm) && cm.ValueKind == JsonValueKind.Object)
        {
            var content = cm.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var role = cm.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            index = messages.FindIndex(x => x.Text == content && (role is null || x.Role == role));
        }
        else if (id is not null && id.StartsWith("message-", StringComparison.Ordinal))
        {
            index = MessageIndex(id["message-".Length..]);
        }

        return index >= 0 && index < messages.Count ? index.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static bool IsAttribute(LabelStudioResultContext context, string? name) =>
        name is not null && context.Schema.Find(name) is { PerRegion: not null };

    /// <summary>To native: the value of one region (or message) in the attribute's map (created on first use).</summary>
    public static string? SetValue(SchemaView.Control control, string? id, JsonNode value, LabelStudioResultContext context, JsonElement itemValue = default)
    {
        if (control.PerMessage is not null)
        {
            id = MessageKey(control, id, itemValue, context);
            if (id is null)
            {
                return "a per-message result needs value.message (the message's index) or value.chatmessage (its role and content) naming a message of the task";
            }
        }
        else if (id is null)
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
            var owners = plan.PerRegionControls;
            var perMessage = plan.Def.PerMessage;
            if (owners is null && perMessage is null)
            {
                return false;
            }

            var messageCount = perMessage is null ? 0 : MessageCount(perMessage);

            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(plan.Pointer, $"'{plan.Def.Name}' is per region: it must be an object from region id to value, not {JsonText.Describe(value)}.",
                    SchemaErrorCodes.AttributeNotObject);
                return true;
            }

            foreach (var p in value.EnumerateObject())
            {
                var at = plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name);
                if (perMessage is not null && PerRegion.MessageIndex(p.Name) is var m && (m < 0 || m >= messageCount))
                {
                    Fail(at, $"{JsonText.Quote(p.Name)} is not the index of a message of '{perMessage}' (0 to {messageCount - 1}, written without leading zeros).",
                        SchemaErrorCodes.AttributeRegionUnknown, ("id", p.Name), ("control", plan.Def.Name));
                }
                else if (perMessage is null && System.Array.IndexOf(owners!, SegmentOwner(p)) < 0)
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

        /// <summary>The number of messages of a dialogue field in the task (0 when it has none).</summary>
        private int MessageCount(string field) =>
            taskData.ValueKind == JsonValueKind.Object && taskData.TryGetProperty(field, out var d) && d.ValueKind == JsonValueKind.Array ? d.GetArrayLength() : 0;

        private static bool HasValue(JsonElement value, string key) =>
            value.ValueKind == JsonValueKind.Object && value.TryGetProperty(key, out var v) && !IsEmpty(v);

        /// <summary>A required per-region attribute: every region (or message) it describes has a non-empty value.</summary>
        private void PerRegionRequired(ControlPlan plan, JsonElement value)
        {
            if (plan.Def.PerMessage is { } field)
            {
                for (var m = 0; m < MessageCount(field); m++)
                {
                    var key = m.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    if (!HasValue(value, key))
                    {
                        Fail(plan.Pointer + "/" + key, $"Message {key} of '{field}' needs a value for '{plan.Def.Name}'.",
                            SchemaErrorCodes.AttributeRequired, ("id", key), ("control", plan.Def.Name));
                    }
                }

                return;
            }

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

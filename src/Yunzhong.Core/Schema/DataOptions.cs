namespace Yunzhong.Core.Schema;

/// <summary>
/// Options (labels) given per task (Label Studio's <c>&lt;Choices value="$options"&gt;</c>): a
/// control's <see cref="ControlDef.LabelsFrom"/> names a key of the task data holding an array of
/// options, each a string or an object with a string <c>value</c> (and, as Label Studio writes
/// them, <c>html</c>, <c>hotkey</c>, <c>style</c>, <c>selected</c>, nested <c>children</c>). The
/// task's options are the control's own labels and every value of that array, children included.
/// </summary>
internal static class DataOptions
{
    /// <summary>How deep nested <c>children</c> are read; deeper ones are an error, not a stack overflow.</summary>
    private const int MaxDepth = 16;

    /// <summary>The schema key of a kind's options from the data: <c>optionsFrom</c> or <c>labelsFrom</c>.</summary>
    public static string Key(ControlKind kind) => kind.LabelKey + "From";

    /// <summary>Checks the task data's array of options for every control that takes them from the data.</summary>
    public static void Check(IReadOnlyList<ControlDef> controls, JsonElement data, ref List<SchemaError>? errors)
    {
        HashSet<string>? seen = null;
        foreach (var c in controls)
        {
            if (c.LabelsFrom is not { } key || !(seen ??= new(StringComparer.Ordinal)).Add(key))
            {
                continue;
            }

            var path = "/data/" + key;
            if (!data.TryGetProperty(key, out var v) || v.ValueKind != JsonValueKind.Array)
            {
                (errors ??= []).Add(SchemaError.Of(path,
                    $"'{key}' must be an array of options (strings or objects with a 'value') for control '{c.Name}', not {(data.TryGetProperty(key, out v) ? JsonText.Describe(v) : "missing")}.",
                    SchemaErrorCodes.DataOptionsInvalid, ("name", key), ("control", c.Name)));
                continue;
            }

            if (FirstBad(v, path, 0) is { } bad)
            {
                (errors ??= []).Add(SchemaError.Of(bad,
                    $"An option in '{key}' must be a string or an object with a non-empty string 'value' (and 'children' an array of such).",
                    SchemaErrorCodes.DataOptionsInvalid, ("name", key), ("control", c.Name)));
            }
        }
    }

    private static string? FirstBad(JsonElement array, string path, int depth)
    {
        var i = 0;
        foreach (var o in array.EnumerateArray())
        {
            var at = path + "/" + i.ToString(CultureInfo.InvariantCulture);
            if (depth > MaxDepth || ValueOf(o) is not { Length: > 0 })
            {
                return at;
            }

            if (o.ValueKind == JsonValueKind.Object && o.TryGetProperty("children"u8, out var children))
            {
                if (children.ValueKind != JsonValueKind.Array)
                {
                    return at + "/children";
                }

                if (FirstBad(children, at + "/children", depth + 1) is { } bad)
                {
                    return bad;
                }
            }

            i++;
        }

        return null;
    }

    private static string? ValueOf(JsonElement o) => o.ValueKind switch
    {
        JsonValueKind.String => o.GetString(),
        JsonValueKind.Object when o.TryGetProperty("value"u8, out var v) && v.ValueKind == JsonValueKind.String => v.GetString(),
        _ => null,
    };

    /// <summary>The option values of one task: the control's own labels, then those of the data (children too),
    /// each once. A malformed array gives what it can; task data is checked at import.</summary>
    public static HashSet<string> Of(ControlDef c, JsonElement data)
    {
        var values = new HashSet<string>(c.Labels.Select(l => l.Value), StringComparer.Ordinal);
        if (c.LabelsFrom is { } key && data.ValueKind == JsonValueKind.Object && data.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array)
        {
            Add(v, values, 0);
        }

        return values;
    }

    private static void Add(JsonElement array, HashSet<string> values, int depth)
    {
        foreach (var o in array.EnumerateArray())
        {
            if (ValueOf(o) is { Length: > 0 } value)
            {
                values.Add(value);
            }

            if (depth < MaxDepth && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("children"u8, out var children) && children.ValueKind == JsonValueKind.Array)
            {
                Add(children, values, depth + 1);
            }
        }
    }
}

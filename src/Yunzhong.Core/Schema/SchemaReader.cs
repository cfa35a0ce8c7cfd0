namespace Yunzhong.Core.Schema;

/// <summary>Reads the native JSON form into definitions, reporting shape errors with JSON pointers.</summary>
internal static class SchemaReader
{
    /// <remarks>
    /// A control with a broken key is still returned (that key left unset) so that references to it
    /// resolve; its index goes into <paramref name="broken"/> so its own content is not judged twice.
    /// </remarks>
    public static (List<(int Index, FieldDef Def)> Fields, List<(int Index, ControlDef Def)> Controls) Read(
        JsonElement root, List<SchemaError> errors, HashSet<int> broken)
    {
        var fields = new List<(int, FieldDef)>();
        var controls = new List<(int, ControlDef)>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new SchemaError("", $"The schema must be an object, not {JsonText.KindName(root.ValueKind)}.", SchemaErrorCodes.SchemaNotObject));
            return (fields, controls);
        }

        foreach (var p in root.EnumerateObject())
        {
            // "$schema" lets editors find label-schema.schema.json.
            if (p.Name is not ("fields" or "controls" or "$schema"))
            {
                errors.Add(SchemaError.Of("/" + JsonText.EscapePointerToken(p.Name),
                    $"Unknown key '{p.Name}'; a schema has 'fields' and 'controls'.", SchemaErrorCodes.SchemaUnknownKey, ("key", p.Name)));
            }
        }

        if (root.TryGetProperty("fields", out var fs) && fs.ValueKind != JsonValueKind.Null)
        {
            if (fs.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new SchemaError("/fields", $"'fields' must be an array, not {JsonText.KindName(fs.ValueKind)}.", SchemaErrorCodes.SchemaNotList));
            }
            else
            {
                var i = 0;
                foreach (var f in fs.EnumerateArray())
                {
                    if (ReadField(f, "/fields/" + i, errors) is { } def)
                    {
                        fields.Add((i, def));
                    }

                    i++;
                }
            }
        }

        if (!root.TryGetProperty("controls", out var cs) || cs.ValueKind == JsonValueKind.Null)
        {
            errors.Add(SchemaError.Of("/controls", "The schema needs a 'controls' array with at least one control.", SchemaErrorCodes.SchemaNeedsControl));
        }
        else if (cs.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new SchemaError("/controls", $"'controls' must be an array, not {JsonText.KindName(cs.ValueKind)}.", SchemaErrorCodes.SchemaNotList));
        }
        else
        {
            var i = 0;
            foreach (var c in cs.EnumerateArray())
            {
                if (ReadControl(c, "/controls/" + i, errors, out var ok) is { } def)
                {
                    controls.Add((i, def));
                    if (!ok)
                    {
                        broken.Add(i);
                    }
                }

                i++;
            }

            if (i == 0)
            {
                errors.Add(SchemaError.Of("/controls", "The schema needs at least one control.", SchemaErrorCodes.SchemaNeedsControl));
            }
        }

        return (fields, controls);
    }

    private static FieldDef? ReadField(JsonElement f, string path, List<SchemaError> errors)
    {
        if (f.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new SchemaError(path, $"A field must be an object, not {JsonText.Describe(f)}.", SchemaErrorCodes.SchemaNotObject));
            return null;
        }

        // A time series field also names its time column and its channels (Label Studio's timeColumn and <Channel column>).
        // A document's pages may be objects, the page image under pageKey (Label Studio's Repeater).
        var timeSeries = f.TryGetProperty("type", out var tv) && tv.ValueKind == JsonValueKind.String && tv.ValueEquals("timeseries");
        var document = tv.ValueKind == JsonValueKind.String && tv.ValueEquals("document");
        foreach (var p in f.EnumerateObject())
        {
            if (p.Name is not ("name" or "type") && !(timeSeries && p.Name is "timeColumn" or "channels") && !(document && p.Name == "pageKey"))
            {
                errors.Add(SchemaError.Of(path + "/" + JsonText.EscapePointerToken(p.Name),
                    $"Unknown key '{p.Name}'; a field has 'name' and 'type'.", SchemaErrorCodes.SchemaFieldKeyUnknown, ("key", p.Name)));
            }
        }

        var name = RequiredString(f, "name", path, "A field", errors);
        var typeText = RequiredString(f, "type", path, "A field", errors);
        FieldType? type = null;
        if (typeText is not null)
        {
            type = SchemaRules.ParseFieldType(typeText);
            if (type is null)
            {
                errors.Add(SchemaError.Of(path + "/type",
                    $"Field type {JsonText.Quote(typeText)} is unknown; expected one of text, image, audio, video, list, json, dialogue, timeseries.",
                    SchemaErrorCodes.SchemaUnknownFieldType, ("value", typeText)));
            }
        }

        var ok = true;
        var timeColumn = timeSeries ? OptionalString(f, "timeColumn", path, errors, ref ok) : null;
        var channels = timeSeries ? OptionalStrings(f, "channels", path, errors, ref ok) : null;
        var pageKey = document ? OptionalString(f, "pageKey", path, errors, ref ok) : null;
        return name is not null && type is { } t && ok ? new FieldDef(name, t) { TimeColumn = timeColumn, Channels = channels, PageKey = pageKey } : null;
    }

    private static ControlDef? ReadControl(JsonElement c, string path, List<SchemaError> errors, out bool ok)
    {
        ok = true;
        if (c.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new SchemaError(path, $"A control must be an object, not {JsonText.Describe(c)}.", SchemaErrorCodes.SchemaNotObject));
            return null;
        }

        var name = RequiredString(c, "name", path, "A control", errors);
        var typeText = RequiredString(c, "type", path, "A control", errors);
        if (typeText is null)
        {
            return null;
        }

        if (SchemaRules.ParseControlType(typeText) is not { } type)
        {
            errors.Add(SchemaError.Of(path + "/type",
                $"Control type {JsonText.Quote(typeText)} is unknown; expected one of {string.Join(", ", Enum.GetValues<ControlType>().Select(SchemaRules.Name))}.",
                SchemaErrorCodes.SchemaUnknownControlType, ("value", typeText)));
            return null;
        }

        var kind = ControlKinds.Of(type);
        var typeName = kind.Name;
        foreach (var p in c.EnumerateObject())
        {
            if (p.Name is "name" or "type" or "toName" or "fromName" || SchemaRules.AllowsKey(type, p.Name))
            {
                continue;
            }

            var hint = p.Name is "labels" or "options" && kind.TakesLabels && p.Name != kind.LabelKey
                ? $"; a {typeName} control lists '{kind.LabelKey}'"
                : "";
            errors.Add(SchemaError.Of(path + "/" + JsonText.EscapePointerToken(p.Name),
                $"Key '{p.Name}' does not apply to a {typeName} control{hint}.", SchemaErrorCodes.SchemaKeyNotApplicable, ("key", p.Name), ("type", typeName)));
        }

        var labels = Array.Empty<LabelDef>();
        var labelKey = kind.LabelKey;
        if (kind.TakesLabels && c.TryGetProperty(labelKey, out var ls) && ls.ValueKind != JsonValueKind.Null)
        {
            labels = ReadLabels(ls, path + "/" + labelKey, errors, ref ok, kind.AllowsKey("leafsOnly") ? 0 : -1, titled: labelKey == "buckets") ?? [];
        }

        var labelsFrom = kind.AllowsKey(DataOptions.Key(kind)) ? OptionalString(c, DataOptions.Key(kind), path, errors, ref ok) : null;
        var field = OptionalString(c, "field", path, errors, ref ok);
        var spans = OptionalString(c, "spans", path, errors, ref ok);
        var perSegment = OptionalString(c, "perSegment", path, errors, ref ok);
        var perRegion = OptionalStrings(c, "perRegion", path, errors, ref ok);
        var fields = OptionalStrings(c, "fields", path, errors, ref ok);
        var perMessage = OptionalString(c, "perMessage", path, errors, ref ok);
        var toName = OptionalString(c, "toName", path, errors, ref ok);
        var fromName = OptionalString(c, "fromName", path, errors, ref ok);
        var multiple = OptionalBool(c, "multiple", path, errors, ref ok) ?? false;
        var required = OptionalBool(c, "required", path, errors, ref ok) ?? false;
        var rationale = OptionalBool(c, "rationale", path, errors, ref ok) ?? false;
        var leafsOnly = OptionalBool(c, "leafsOnly", path, errors, ref ok) ?? false;
        var min = OptionalInt(c, "min", path, errors, ref ok);
        var max = OptionalInt(c, "max", path, errors, ref ok);
        var mode = RankingMode.Rank;
        if (OptionalString(c, "mode", path, errors, ref ok) is { } modeText)
        {
            switch (modeText)
            {
                case "rank":
                    break;
                case "pairwise":
                    mode = RankingMode.Pairwise;
                    break;
                default:
                    errors.Add(SchemaError.Of(path + "/mode", $"Ranking mode {JsonText.Quote(modeText)} is unknown; expected 'rank' or 'pairwise'.",
                        SchemaErrorCodes.SchemaRankingMode, ("value", modeText)));
                    ok = false;
                    break;
            }
        }

        if (name is null)
        {
            return null;
        }

        return new ControlDef
        {
            Name = name,
            Type = type,
            Field = SchemaRules.AllowsKey(type, "field") ? field : null,
            Spans = SchemaRules.AllowsKey(type, "spans") ? spans : null,
            PerSegment = SchemaRules.AllowsKey(type, "perSegment") ? perSegment : null,
            PerRegion = SchemaRules.AllowsKey(type, "perRegion") ? perRegion : null,
            PerMessage = SchemaRules.AllowsKey(type, "perMessage") ? perMessage : null,
            Fields = SchemaRules.AllowsKey(type, "fields") ? fields : null,
            Labels = labels,
            Multiple = SchemaRules.AllowsKey(type, "multiple") && multiple,
            Required = required,
            Rationale = SchemaRules.AllowsKey(type, "rationale") && rationale,
            Min = SchemaRules.AllowsKey(type, "min") ? min : null,
            Max = SchemaRules.AllowsKey(type, "max") ? max : null,
            Mode = mode,
            LeafsOnly = SchemaRules.AllowsKey(type, "leafsOnly") && leafsOnly,
            ToName = toName,
            FromName = fromName,
            LabelsFrom = labelsFrom,
        };
    }

    /// <summary>Reads a control's labels or options, adding an error per bad one.</summary>
    /// <param name="ls">The JSON array of labels.</param>
    /// <param name="path">Where the array lies, for error paths.</param>
    /// <param name="errors">Where errors are added.</param>
    /// <param name="ok">Set false when an error was added.</param>
    /// <param name="depth">How deep in an option tree <paramref name="ls"/> lies; -1 where labels have no children.</param>
    /// <remarks>The depth of an option tree is bounded by <see cref="SchemaLimits.MaxDepth"/> before it gets here.</remarks>
    /// <param name="titled">Whether a label may carry a <c>title</c> (ranking buckets).</param>
    private static LabelDef[]? ReadLabels(JsonElement ls, string path, List<SchemaError> errors, ref bool ok, int depth = -1, bool titled = false)
    {
        if (ls.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new SchemaError(path, $"Labels must be an array, not {JsonText.Describe(ls)}.", SchemaErrorCodes.SchemaNotList));
            ok = false;
            return null;
        }

        var result = new List<LabelDef>();
        var i = 0;
        foreach (var l in ls.EnumerateArray())
        {
            var itemPath = path + "/" + i++;
            if (l.ValueKind == JsonValueKind.String)
            {
                result.Add(new LabelDef(l.GetString()!));
                continue;
            }

            if (l.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new SchemaError(itemPath, $"A label must be a string or a {{ \"value\", \"hotkey\", \"color\" }} object, not {JsonText.Describe(l)}.",
                    SchemaErrorCodes.SchemaLabelInvalid));
                ok = false;
                continue;
            }

            foreach (var p in l.EnumerateObject())
            {
                if (p.Name is not ("value" or "hotkey" or "color") && !(depth >= 0 && p.Name == "children") && !(titled && p.Name == "title"))
                {
                    errors.Add(SchemaError.Of(itemPath + "/" + JsonText.EscapePointerToken(p.Name), depth >= 0
                        ? $"Unknown key '{p.Name}'; an option has 'value', 'hotkey', 'color' and 'children'."
                        : titled ? $"Unknown key '{p.Name}'; a bucket has 'value', 'title', 'hotkey' and 'color'."
                        : $"Unknown key '{p.Name}'; a label has 'value', 'hotkey' and 'color'.", SchemaErrorCodes.SchemaLabelKeyUnknown, ("key", p.Name)));
                    ok = false;
                }
            }

            var value = RequiredString(l, "value", itemPath, "A label", errors);
            var hotkey = OptionalString(l, "hotkey", itemPath, errors, ref ok);
            var color = OptionalString(l, "color", itemPath, errors, ref ok);
            var title = titled ? OptionalString(l, "title", itemPath, errors, ref ok) : null;
            if (value is null)
            {
                ok = false;
                continue;
            }

            LabelDef[]? children = null;
            if (depth >= 0 && l.TryGetProperty("children", out var cs) && cs.ValueKind != JsonValueKind.Null)
            {
                children = ReadLabels(cs, itemPath + "/children", errors, ref ok, depth + 1);
            }

            result.Add(new LabelDef(value, hotkey, color, children is { Length: > 0 } ? children : null) { Title = title });
        }

        return [.. result];
    }

    private static string? RequiredString(JsonElement o, string key, string path, string what, List<SchemaError> errors)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            errors.Add(SchemaError.Of(path + "/" + key, $"{what} needs a '{key}'.", SchemaErrorCodes.SchemaNeedsKey, ("key", key)));
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(SchemaError.Of(path + "/" + key, $"'{key}' must be a string, not {JsonText.Describe(v)}.", SchemaErrorCodes.SchemaNotString, ("key", key)));
            return null;
        }

        return v.GetString();
    }

    private static string? OptionalString(JsonElement o, string key, string path, List<SchemaError> errors, ref bool ok)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(SchemaError.Of(path + "/" + key, $"'{key}' must be a string, not {JsonText.Describe(v)}.", SchemaErrorCodes.SchemaNotString, ("key", key)));
            ok = false;
            return null;
        }

        return v.GetString();
    }

    private static string[]? OptionalStrings(JsonElement o, string key, string path, List<SchemaError> errors, ref bool ok)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            errors.Add(SchemaError.Of(path + "/" + key, $"'{key}' must be an array of names, not {JsonText.Describe(v)}.", SchemaErrorCodes.SchemaNotList));
            ok = false;
            return null;
        }

        return [.. v.EnumerateArray().Select(e => e.GetString()!)];
    }

    private static bool? OptionalBool(JsonElement o, string key, string path, List<SchemaError> errors, ref bool ok)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(SchemaError.Of(path + "/" + key, $"'{key}' must be true or false, not {JsonText.Describe(v)}.", SchemaErrorCodes.SchemaNotBool, ("key", key)));
            ok = false;
            return null;
        }

        return v.GetBoolean();
    }

    private static int? OptionalInt(JsonElement o, string key, string path, List<SchemaError> errors, ref bool ok)
    {
        if (!o.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (!JsonText.TryGetInteger(v, out var n) || n < int.MinValue || n > int.MaxValue)
        {
            errors.Add(SchemaError.Of(path + "/" + key, $"'{key}' must be an integer, not {JsonText.Describe(v)}.", SchemaErrorCodes.SchemaNotInteger, ("key", key)));
            ok = false;
            return null;
        }

        return (int)n;
    }
}

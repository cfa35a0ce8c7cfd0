namespace Yunzhong.Core.Schema;

/// <summary>The rules a schema must keep, shared by the JSON reader and <see cref="LabelSchema.Create"/>.</summary>
internal static class SchemaRules
{
    public const int MinRatingMax = 2;
    public const int MaxRatingMax = 10;

    public static string Name(FieldType t) => t switch
    {
        FieldType.Text => "text",
        FieldType.Html => "html",
        FieldType.Image => "image",
        FieldType.Audio => "audio",
        FieldType.Video => "video",
        FieldType.List => "list",
        FieldType.Dialogue => "dialogue",
        FieldType.TimeSeries => "timeseries",
        FieldType.Document => "document",
        _ => "json",
    };

    public static string Name(ControlType t) => ControlKinds.Of(t).Name;

    public static FieldType? ParseFieldType(string s) => s switch
    {
        "text" => FieldType.Text,
        "html" => FieldType.Html,
        "image" => FieldType.Image,
        "audio" => FieldType.Audio,
        "video" => FieldType.Video,
        "list" => FieldType.List,
        "json" => FieldType.Json,
        "dialogue" => FieldType.Dialogue,
        "timeseries" => FieldType.TimeSeries,
        "document" => FieldType.Document,
        _ => null,
    };

    public static ControlType? ParseControlType(string s) => ControlKinds.Find(s)?.Type;

    public static bool TakesLabels(ControlType t) => ControlKinds.Of(t).TakesLabels;

    /// <summary>Keys besides name and type (and <c>required</c>, which every control takes).</summary>
    public static bool AllowsKey(ControlType t, string key) => ControlKinds.Of(t).AllowsKey(key);

    /// <summary>For controls built in code: properties their type does not take must be left unset.</summary>
    public static void CheckApplicableProperties(int index, ControlDef c, List<SchemaError> errors)
    {
        var path = "/controls/" + index;
        var typeName = Name(c.Type);
        void Check(bool set, string key)
        {
            if (set && !AllowsKey(c.Type, key))
            {
                errors.Add(SchemaError.Of(path + "/" + key, $"Key '{key}' does not apply to a {typeName} control.", SchemaErrorCodes.SchemaKeyNotApplicable, ("key", key), ("type", typeName)));
            }
        }

        Check(c.Field is not null, "field");
        Check(c.Fields is not null, "fields");
        Check(c.Labels.Count > 0, ControlKinds.Of(c.Type).LabelKey);
        Check(c.Multiple, "multiple");
        Check(c.Min is not null, "min");
        Check(c.Max is not null, "max");
        Check(c.Spans is not null, "spans");
        Check(c.PerSegment is not null, "perSegment");
        Check(c.PerRegion is not null, "perRegion");
        Check(c.PerMessage is not null, "perMessage");
        Check(c.Mode != RankingMode.Rank, "mode");
        Check(c.Rationale, "rationale");
        Check(c.LeafsOnly, "leafsOnly");
        Check(c.LabelsFrom is not null, DataOptions.Key(ControlKinds.Of(c.Type)));
    }

    public static void Check(
        List<(int Index, FieldDef Def)> fields,
        List<(int Index, ControlDef Def)> controls,
        HashSet<int> broken,
        List<SchemaError> errors)
    {
        var fieldsByName = new Dictionary<string, FieldDef>(StringComparer.Ordinal);
        foreach (var (i, f) in fields)
        {
            var path = "/fields/" + i + "/name";
            if (!IsValidName(f.Name))
            {
                errors.Add(SchemaError.Of(path, $"Field name {JsonText.Quote(f.Name)} must match ^[A-Za-z_][A-Za-z0-9_-]{{0,63}}$.", SchemaErrorCodes.SchemaNamePattern, ("name", f.Name)));
            }
            else if (!fieldsByName.TryAdd(f.Name, f))
            {
                errors.Add(SchemaError.Of(path, $"Field name {JsonText.Quote(f.Name)} is used more than once.", SchemaErrorCodes.SchemaNameDuplicate, ("name", f.Name)));
            }
        }

        var controlsByName = new Dictionary<string, ControlDef>(StringComparer.Ordinal);
        foreach (var (i, c) in controls)
        {
            var path = "/controls/" + i + "/name";
            if (!IsValidName(c.Name))
            {
                errors.Add(SchemaError.Of(path, $"Control name {JsonText.Quote(c.Name)} must match ^[A-Za-z_][A-Za-z0-9_-]{{0,63}}$.", SchemaErrorCodes.SchemaNamePattern, ("name", c.Name)));
            }
            else if (!controlsByName.TryAdd(c.Name, c))
            {
                errors.Add(SchemaError.Of(path, $"Control name {JsonText.Quote(c.Name)} is used more than once.", SchemaErrorCodes.SchemaNameDuplicate, ("name", c.Name)));
            }
        }

        foreach (var (i, c) in controls)
        {
            if (!broken.Contains(i))
            {
                CheckControl(i, c, fieldsByName, controlsByName, errors);
            }
        }
    }

    private static void CheckControl(
        int index,
        ControlDef c,
        Dictionary<string, FieldDef> fields,
        Dictionary<string, ControlDef> controls,
        List<SchemaError> errors)
    {
        var path = "/controls/" + index;
        var kind = ControlKinds.Of(c.Type);
        var typeName = kind.Name;

        if (c.Field is null)
        {
            if (kind.NeedsField && c.Fields is null)
            {
                errors.Add(SchemaError.Of(path + "/field", $"A {typeName} control needs a 'field'.", SchemaErrorCodes.SchemaControlNeedsField, ("type", typeName)));
            }
        }
        else if (!fields.TryGetValue(c.Field, out var field))
        {
            errors.Add(SchemaError.Of(path + "/field", $"Field {JsonText.Quote(c.Field)} is not a field of the schema.", SchemaErrorCodes.SchemaFieldUnknown, ("name", c.Field)));
        }
        else if (kind.FittingFields is { } fitting && !fitting.Contains(field.Type))
        {
            errors.Add(SchemaError.Of(path + "/field",
                $"Field {JsonText.Quote(c.Field)} is {Name(field.Type)}; a {typeName} control labels {string.Join(" or ", fitting.Select(Name))} fields.",
                SchemaErrorCodes.SchemaFieldUnfit, ("name", c.Field), ("fieldType", Name(field.Type)), ("type", typeName), ("fitting", string.Join(", ", fitting.Select(Name)))));
        }

        for (var i = 0; i < (c.Fields?.Count ?? 0); i++)
        {
            if (!fields.ContainsKey(c.Fields![i]))
            {
                errors.Add(SchemaError.Of(path + "/fields/" + i, $"Field {JsonText.Quote(c.Fields[i])} is not a field of the schema.", SchemaErrorCodes.SchemaFieldUnknown, ("name", c.Fields[i])));
            }
        }

        kind.CheckReferences(c, path, controls, errors);
        PerRegion.CheckMessageField(c, path, fields, errors);

        CheckLabels(c, path, errors);

        kind.CheckEntry(c, path, controls, errors);
    }

    private static void CheckLabels(ControlDef c, string path, List<SchemaError> errors)
    {
        var kind = ControlKinds.Of(c.Type);
        var key = kind.LabelKey;
        if (kind.NeedsLabels && c.Labels.Count == 0 && c.LabelsFrom is null)
        {
            errors.Add(SchemaError.Of(path + "/" + key, $"A {kind.Name} control needs at least one {(key == "options" ? "option" : "label")}.", SchemaErrorCodes.SchemaNeedsLabels, ("type", kind.Name)));
            return;
        }

        var values = new HashSet<string>(StringComparer.Ordinal);
        var hotkeys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < c.Labels.Count; i++)
        {
            var l = c.Labels[i];
            var itemPath = path + "/" + key + "/" + i;
            if (string.IsNullOrEmpty(l.Value))
            {
                errors.Add(SchemaError.Of(itemPath + "/value", "A label value must not be empty.", SchemaErrorCodes.SchemaLabelEmpty));
            }
            else if (!values.Add(l.Value))
            {
                errors.Add(SchemaError.Of(itemPath + "/value", $"Label value {JsonText.Quote(l.Value)} appears more than once in control {JsonText.Quote(c.Name)}.",
                    SchemaErrorCodes.SchemaLabelDuplicate, ("value", l.Value), ("control", c.Name)));
            }

            if (l.Hotkey is not null)
            {
                if (l.Hotkey.Length == 0)
                {
                    errors.Add(SchemaError.Of(itemPath + "/hotkey", "A hotkey must not be empty.", SchemaErrorCodes.SchemaHotkeyEmpty));
                }
                else if (!hotkeys.Add(l.Hotkey))
                {
                    errors.Add(SchemaError.Of(itemPath + "/hotkey", $"Hotkey {JsonText.Quote(l.Hotkey)} is used by two labels of control {JsonText.Quote(c.Name)}.",
                        SchemaErrorCodes.SchemaHotkeyDuplicate, ("hotkey", l.Hotkey), ("control", c.Name)));
                }
            }

            if (l.Color is { Length: 0 })
            {
                errors.Add(SchemaError.Of(itemPath + "/color", "A color must not be empty.", SchemaErrorCodes.SchemaColorEmpty));
            }
        }
    }

    /// <summary>^[A-Za-z_][A-Za-z0-9_\-]{0,63}$, without a regex's trailing-newline leniency.</summary>
    public static bool IsValidName(string? s)
    {
        if (string.IsNullOrEmpty(s) || s.Length > 64 || !(char.IsAsciiLetter(s[0]) || s[0] == '_'))
        {
            return false;
        }

        foreach (var ch in s)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An immutable copy with defaults made explicit (<see cref="ControlKind.NormalizedMax"/>).</summary>
    public static ControlDef Normalize(ControlDef c) => new()
    {
        Name = c.Name,
        Type = c.Type,
        Field = c.Field,
        Labels = CopyLabels(c.Labels),
        Multiple = c.Multiple,
        Min = c.Min,
        Max = ControlKinds.Of(c.Type).NormalizedMax(c),
        Required = c.Required,
        Spans = c.Spans,
        PerSegment = c.PerSegment,
        PerRegion = c.PerRegion is null ? null : [.. c.PerRegion],
        PerMessage = c.PerMessage,
        Fields = c.Fields is null ? null : [.. c.Fields],
        Mode = c.Mode,
        Rationale = c.Rationale,
        LeafsOnly = c.LeafsOnly,
        ToName = c.ToName,
        FromName = c.FromName,
        LabelsFrom = c.LabelsFrom,
    };

    private static LabelDef[] CopyLabels(IReadOnlyList<LabelDef> labels) =>
        [.. labels.Select(l => l.Children is null ? l : l with { Children = CopyLabels(l.Children) })];
}

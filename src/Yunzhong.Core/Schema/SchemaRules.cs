namespace Yunzhong.Core.Schema;

/// <summary>The rules a schema must keep, shared by the JSON reader and <see cref="LabelSchema.Create"/>.</summary>
internal static class SchemaRules
{
    public const int MinRatingMax = 2;
    public const int MaxRatingMax = 10;

    public static string Name(FieldType t) => t switch
    {
        FieldType.Text => "text",
        FieldType.Image => "image",
        FieldType.Audio => "audio",
        FieldType.Video => "video",
        FieldType.List => "list",
        _ => "json",
    };

    public static string Name(ControlType t) => t switch
    {
        ControlType.Choices => "choices",
        ControlType.Spans => "spans",
        ControlType.Relations => "relations",
        ControlType.Rectangles => "rectangles",
        ControlType.Polygons => "polygons",
        ControlType.Keypoints => "keypoints",
        ControlType.Segments => "segments",
        ControlType.Transcription => "transcription",
        ControlType.Rating => "rating",
        _ => "ranking",
    };

    public static FieldType? ParseFieldType(string s) => s switch
    {
        "text" => FieldType.Text,
        "image" => FieldType.Image,
        "audio" => FieldType.Audio,
        "video" => FieldType.Video,
        "list" => FieldType.List,
        "json" => FieldType.Json,
        _ => null,
    };

    public static ControlType? ParseControlType(string s) => s switch
    {
        "choices" => ControlType.Choices,
        "spans" => ControlType.Spans,
        "relations" => ControlType.Relations,
        "rectangles" => ControlType.Rectangles,
        "polygons" => ControlType.Polygons,
        "keypoints" => ControlType.Keypoints,
        "segments" => ControlType.Segments,
        "transcription" => ControlType.Transcription,
        "rating" => ControlType.Rating,
        "ranking" => ControlType.Ranking,
        _ => null,
    };

    public static bool TakesLabels(ControlType t) =>
        t is not (ControlType.Transcription or ControlType.Rating or ControlType.Ranking);

    /// <summary>Keys besides name and type (and <c>required</c>, which every control takes).</summary>
    public static bool AllowsKey(ControlType t, string key) => key switch
    {
        "required" => true,
        "field" => t is not (ControlType.Relations or ControlType.Rating),
        "options" => t == ControlType.Choices,
        "labels" => t != ControlType.Choices && TakesLabels(t),
        "multiple" or "min" => t == ControlType.Choices,
        "max" => t is ControlType.Choices or ControlType.Rating,
        "spans" => t == ControlType.Relations,
        "perSegment" => t == ControlType.Transcription,
        "mode" or "rationale" => t == ControlType.Ranking,
        _ => false,
    };

    /// <summary>Field types a control's <c>field</c> may name; null means any.</summary>
    private static FieldType[]? FittingFields(ControlType t) => t switch
    {
        ControlType.Spans => [FieldType.Text],
        ControlType.Rectangles or ControlType.Polygons or ControlType.Keypoints => [FieldType.Image],
        ControlType.Segments => [FieldType.Audio, FieldType.Video],
        ControlType.Ranking => [FieldType.List],
        _ => null,
    };

    private static bool NeedsField(ControlType t) =>
        t is ControlType.Spans or ControlType.Rectangles or ControlType.Polygons or ControlType.Keypoints
            or ControlType.Segments or ControlType.Ranking;

    /// <summary>For controls built in code: properties their type does not take must be left unset.</summary>
    public static void CheckApplicableProperties(int index, ControlDef c, List<SchemaError> errors)
    {
        var path = "/controls/" + index;
        var typeName = Name(c.Type);
        void Check(bool set, string key)
        {
            if (set && !AllowsKey(c.Type, key))
            {
                errors.Add(new SchemaError(path + "/" + key, $"Key '{key}' does not apply to a {typeName} control."));
            }
        }

        Check(c.Field is not null, "field");
        Check(c.Labels.Count > 0, c.Type == ControlType.Choices ? "options" : "labels");
        Check(c.Multiple, "multiple");
        Check(c.Min is not null, "min");
        Check(c.Max is not null, "max");
        Check(c.Spans is not null, "spans");
        Check(c.PerSegment is not null, "perSegment");
        Check(c.Mode != RankingMode.Rank, "mode");
        Check(c.Rationale, "rationale");
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
                errors.Add(new SchemaError(path, $"Field name {JsonText.Quote(f.Name)} must match ^[A-Za-z_][A-Za-z0-9_-]{{0,63}}$."));
            }
            else if (!fieldsByName.TryAdd(f.Name, f))
            {
                errors.Add(new SchemaError(path, $"Field name {JsonText.Quote(f.Name)} is used more than once."));
            }
        }

        var controlsByName = new Dictionary<string, ControlDef>(StringComparer.Ordinal);
        foreach (var (i, c) in controls)
        {
            var path = "/controls/" + i + "/name";
            if (!IsValidName(c.Name))
            {
                errors.Add(new SchemaError(path, $"Control name {JsonText.Quote(c.Name)} must match ^[A-Za-z_][A-Za-z0-9_-]{{0,63}}$."));
            }
            else if (!controlsByName.TryAdd(c.Name, c))
            {
                errors.Add(new SchemaError(path, $"Control name {JsonText.Quote(c.Name)} is used more than once."));
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
        var typeName = Name(c.Type);

        if (c.Field is null)
        {
            if (NeedsField(c.Type))
            {
                errors.Add(new SchemaError(path + "/field", $"A {typeName} control needs a 'field'."));
            }
        }
        else if (!fields.TryGetValue(c.Field, out var field))
        {
            errors.Add(new SchemaError(path + "/field", $"Field {JsonText.Quote(c.Field)} is not a field of the schema."));
        }
        else if (FittingFields(c.Type) is { } fitting && !fitting.Contains(field.Type))
        {
            errors.Add(new SchemaError(path + "/field",
                $"Field {JsonText.Quote(c.Field)} is {Name(field.Type)}; a {typeName} control labels {string.Join(" or ", fitting.Select(Name))} fields."));
        }

        if (c.Type == ControlType.Relations)
        {
            if (c.Spans is null)
            {
                errors.Add(new SchemaError(path + "/spans", "A relations control needs 'spans', the name of a spans control."));
            }
            else if (!controls.TryGetValue(c.Spans, out var target) || target.Type != ControlType.Spans)
            {
                errors.Add(new SchemaError(path + "/spans", $"{JsonText.Quote(c.Spans)} is not the name of a spans control."));
            }
        }

        if (c.PerSegment is not null)
        {
            if (!controls.TryGetValue(c.PerSegment, out var target) || target.Type != ControlType.Segments)
            {
                errors.Add(new SchemaError(path + "/perSegment", $"{JsonText.Quote(c.PerSegment)} is not the name of a segments control."));
            }
            else if (c.Field is not null && target.Field is not null && c.Field != target.Field)
            {
                errors.Add(new SchemaError(path + "/field",
                    $"Field {JsonText.Quote(c.Field)} differs from field {JsonText.Quote(target.Field)} of segments control {JsonText.Quote(target.Name)}."));
            }
        }

        CheckLabels(c, path, errors);

        if (c.Type == ControlType.Choices)
        {
            if (!c.Multiple && (c.Min is not null || c.Max is not null))
            {
                errors.Add(new SchemaError(path + (c.Min is not null ? "/min" : "/max"),
                    "'min' and 'max' apply only when 'multiple' is true; a single choice is exactly one option."));
            }

            if (c.Min is < 0)
            {
                errors.Add(new SchemaError(path + "/min", $"'min' must be 0 or more, not {c.Min}."));
            }

            if (c.Max is < 1)
            {
                errors.Add(new SchemaError(path + "/max", $"'max' must be 1 or more, not {c.Max}."));
            }

            if (c.Min is { } min && c.Max is { } max && min > max)
            {
                errors.Add(new SchemaError(path + "/min", $"'min' {min} is greater than 'max' {max}."));
            }

            if (c.Min is { } m && m > c.Labels.Count)
            {
                errors.Add(new SchemaError(path + "/min", $"'min' {m} is more than the {c.Labels.Count} options there are."));
            }
        }

        if (c.Type == ControlType.Rating && c.Max is { } top && (top < MinRatingMax || top > MaxRatingMax))
        {
            errors.Add(new SchemaError(path + "/max", $"A rating's 'max' must be between {MinRatingMax} and {MaxRatingMax}, not {top}."));
        }
    }

    private static void CheckLabels(ControlDef c, string path, List<SchemaError> errors)
    {
        var key = c.Type == ControlType.Choices ? "options" : "labels";
        if (c.Type is ControlType.Choices or ControlType.Spans && c.Labels.Count == 0)
        {
            errors.Add(new SchemaError(path + "/" + key, $"A {Name(c.Type)} control needs at least one {(c.Type == ControlType.Choices ? "option" : "label")}."));
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
                errors.Add(new SchemaError(itemPath + "/value", "A label value must not be empty."));
            }
            else if (!values.Add(l.Value))
            {
                errors.Add(new SchemaError(itemPath + "/value", $"Label value {JsonText.Quote(l.Value)} appears more than once in control {JsonText.Quote(c.Name)}."));
            }

            if (l.Hotkey is not null)
            {
                if (l.Hotkey.Length == 0)
                {
                    errors.Add(new SchemaError(itemPath + "/hotkey", "A hotkey must not be empty."));
                }
                else if (!hotkeys.Add(l.Hotkey))
                {
                    errors.Add(new SchemaError(itemPath + "/hotkey", $"Hotkey {JsonText.Quote(l.Hotkey)} is used by two labels of control {JsonText.Quote(c.Name)}."));
                }
            }

            if (l.Color is { Length: 0 })
            {
                errors.Add(new SchemaError(itemPath + "/color", "A color must not be empty."));
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

    /// <summary>An immutable copy with defaults made explicit (a rating's max).</summary>
    public static ControlDef Normalize(ControlDef c) => new()
    {
        Name = c.Name,
        Type = c.Type,
        Field = c.Field,
        Labels = c.Labels.ToArray(),
        Multiple = c.Multiple,
        Min = c.Min,
        Max = c.Type == ControlType.Rating ? c.RatingMax : c.Max,
        Required = c.Required,
        Spans = c.Spans,
        PerSegment = c.PerSegment,
        Mode = c.Mode,
        Rationale = c.Rationale,
    };
}

namespace Yunzhong.Core.Formats;

/// <summary>
/// The little of the label schema the converters need, read straight from its JSON (which is what
/// the converters are given) rather than parsed into the schema model; what a control's kind does
/// is asked of <see cref="Schema.ControlKinds"/> by the control's type name.
/// </summary>
internal sealed class SchemaView
{
    /// <summary>A control as the converters see it; <c>ToName</c> is the Label Studio object tag it
    /// labels, kept from an imported config so exports name it again (null for schemas made here).</summary>
    public sealed record Control(
        string Name, string Type, string? Field, IReadOnlyList<string> Labels,
        string? Spans, string? PerSegment, string? Mode, string? ToName = null, IReadOnlyList<string>? PerRegion = null, string? PerMessage = null,
        string? FromName = null, IReadOnlyList<string>? Fields = null)
    {
        /// <summary>Label Studio's from_name and to_name of this control's results on page <paramref name="page"/>
        /// of a document, where a Repeater names them per page (<see cref="FromName"/> <c>labels_{{idx}}</c>).</summary>
        public (string From, string? To) RepeatedNames(int page)
        {
            var index = page.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (FromName!.Replace(Schema.LabelStudioConfig.RepeatIndex, index, StringComparison.Ordinal),
                ToName?.Replace(Schema.LabelStudioConfig.RepeatIndex, index, StringComparison.Ordinal));
        }

        /// <summary>
        /// The control's own spelling of <paramref name="label"/>: itself when it is a label, else the
        /// one label equal to it ignoring case (Label Studio matches labels that way), else itself.
        /// </summary>
        public string Canonical(string label)
        {
            string? found = null;
            foreach (var l in Labels)
            {
                if (l == label)
                {
                    return l;
                }

                if (found is null && string.Equals(l, label, StringComparison.OrdinalIgnoreCase))
                {
                    found = l;
                }
            }

            return found ?? label;
        }
    }

    private readonly Dictionary<string, Control> _byName;

    private SchemaView(List<Control> controls, List<(string Name, string Type)> fields, Dictionary<string, string>? pageKeys = null)
    {
        Controls = controls;
        Fields = fields;
        PageKeys = pageKeys ?? [];
        _byName = controls.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _repeated = [.. controls.Where(c => c.FromName is not null)];
    }

    private readonly List<Control> _repeated;

    /// <summary>Document fields whose pages are objects: the key of each holding the page image.</summary>
    public IReadOnlyDictionary<string, string> PageKeys { get; }

    /// <summary>The control a Label Studio Repeater result names per page (<c>labels_3</c> for
    /// <c>labels_{{idx}}</c>), and the page.</summary>
    public Control? FindRepeated(string fromName, out int page)
    {
        page = -1;
        foreach (var c in _repeated)
        {
            var at = c.FromName!.IndexOf(Schema.LabelStudioConfig.RepeatIndex, StringComparison.Ordinal);
            var before = c.FromName.AsSpan(0, at);
            var after = c.FromName.AsSpan(at + Schema.LabelStudioConfig.RepeatIndex.Length);
            if (fromName.Length > before.Length + after.Length && fromName.AsSpan().StartsWith(before, StringComparison.Ordinal)
                && fromName.AsSpan().EndsWith(after, StringComparison.Ordinal)
                && int.TryParse(fromName.AsSpan(before.Length, fromName.Length - before.Length - after.Length),
                    System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out page))
            {
                return c;
            }
        }

        return null;
    }

    public IReadOnlyList<Control> Controls { get; }

    public IReadOnlyList<(string Name, string Type)> Fields { get; }

    public Control? Find(string name) => _byName.GetValueOrDefault(name);

    public static SchemaView From(JsonElement schema)
    {
        var controls = new List<Control>();
        var fields = new List<(string, string)>();
        var pageKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return new SchemaView(controls, fields);
        }

        if (schema.TryGetProperty("fields", out var fs) && fs.ValueKind == JsonValueKind.Array)
        {
            foreach (var f in fs.EnumerateArray())
            {
                var name = Str(f, "name");
                if (name is not null)
                {
                    fields.Add((name, Str(f, "type") ?? "text"));
                    if (Str(f, "pageKey") is { } pageKey)
                    {
                        pageKeys[name] = pageKey;
                    }
                }
            }
        }

        if (schema.TryGetProperty("controls", out var cs) && cs.ValueKind == JsonValueKind.Array)
        {
            foreach (var c in cs.EnumerateArray())
            {
                var name = Str(c, "name");
                var type = Str(c, "type");
                if (name is null || type is null)
                {
                    continue;
                }

                var labels = new List<string>();
                foreach (var key in (ReadOnlySpan<string>)["labels", "options", "buckets"])
                {
                    if (c.TryGetProperty(key, out var ls) && ls.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var l in ls.EnumerateArray())
                        {
                            var value = l.ValueKind == JsonValueKind.String ? l.GetString() : Str(l, "value");
                            if (value is not null)
                            {
                                labels.Add(value);
                            }
                        }
                    }
                }

                controls.Add(new Control(name, type, Str(c, "field"), labels, Str(c, "spans"), Str(c, "perSegment"), Str(c, "mode"), Str(c, "toName"),
                    c.TryGetProperty("perRegion", out var pr) && pr.ValueKind == JsonValueKind.Array
                        ? [.. pr.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
                        : null, Str(c, "perMessage"), Str(c, "fromName"),
                    c.TryGetProperty("fields", out var cf) && cf.ValueKind == JsonValueKind.Array
                        ? [.. cf.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)]
                        : null));
            }
        }

        return new SchemaView(controls, fields, pageKeys);
    }

    /// <summary>The field a control looks at; relations look at their spans control's field.</summary>
    public string TargetField(Control control)
    {
        if (control.Field is not null)
        {
            return control.Field;
        }

        if (control.Spans is not null && Find(control.Spans) is { Field: { } f })
        {
            return f;
        }

        return Fields.Count > 0 ? Fields[0].Name : "";
    }

    private static string? Str(JsonElement e, string key) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;
}

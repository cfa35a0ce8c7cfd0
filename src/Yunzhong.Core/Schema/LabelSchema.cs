using System.Buffers;
using System.Text.Encodings.Web;

namespace Yunzhong.Core.Schema;

/// <summary>
/// A project's label schema (标注配置): the task fields and the controls that label them. Immutable;
/// build one with <see cref="Parse(string, SchemaLimits?)"/> or <see cref="Create"/>, which check every rule of
/// <c>docs/label-schema.md</c>. Lookups used by validation are computed once here.
/// </summary>
public sealed class LabelSchema
{
    private readonly Dictionary<string, FieldDef> _fieldsByName;
    private readonly Dictionary<string, int> _controlIndex;

    private LabelSchema(IReadOnlyList<FieldDef> fields, IReadOnlyList<ControlDef> controls)
    {
        Fields = fields;
        Controls = controls;
        _fieldsByName = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        _controlIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < controls.Count; i++)
        {
            _controlIndex[controls[i].Name] = i;
        }

        Plans = new ControlPlan[controls.Count];
        for (var i = 0; i < controls.Count; i++)
        {
            var c = controls[i];
            Plans[i] = new ControlPlan(
                c,
                c.Field is null ? null : _fieldsByName[c.Field],
                c.Spans is null ? -1 : _controlIndex[c.Spans],
                c.PerSegment is null ? -1 : _controlIndex[c.PerSegment],
                c.PerRegion?.Select(r => _controlIndex[r]).ToArray());
        }

        // Controls whose values refer to regions of other controls are checked after those.
        Order = Enumerable.Range(0, controls.Count)
            .OrderBy(i => Plans[i].ReferencesRegions ? 1 : 0)
            .ToArray();
    }

    /// <summary>The task fields, in document order.</summary>
    public IReadOnlyList<FieldDef> Fields { get; }

    /// <summary>The controls, in document order.</summary>
    public IReadOnlyList<ControlDef> Controls { get; }

    /// <summary>Where the task data of this schema refers to media (see <see cref="MediaReferences"/>).</summary>
    public MediaReferences Media => field ??= new MediaReferences(Fields);

    internal ControlPlan[] Plans { get; }

    /// <summary>Control indexes with region-referencing controls (relations, per-segment transcription) last.</summary>
    internal int[] Order { get; }

    /// <summary>The field of that name, or null.</summary>
    public FieldDef? Field(string name) => _fieldsByName.GetValueOrDefault(name);

    /// <summary>The control of that name, or null.</summary>
    public ControlDef? Control(string name) => _controlIndex.TryGetValue(name, out var i) ? Controls[i] : null;

    private const string What = "schema";

    internal const string InvalidUnicode =
        "The JSON has a string that is not valid Unicode: bytes that are not UTF-8, or a \\u escape of a lone surrogate (\\ud800 to \\udfff without its pair).";

    /// <summary>Parses a schema document in its native JSON form.</summary>
    /// <param name="json">The document.</param>
    /// <param name="limits">Bounds on its size; <see cref="SchemaLimits.Default"/> when null. A document
    /// beyond them comes back with <see cref="SchemaParseResult.LimitBreached"/> set.</param>
    /// <returns>The schema, or every error found, each with a JSON pointer into the document.</returns>
    public static SchemaParseResult Parse(string json, SchemaLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        limits ??= SchemaLimits.Default;
        if (json.Length > limits.MaxCharacters)
        {
            return SchemaParseResult.Refused(SchemaLimitBreach.Characters(limits.MaxCharacters, json.Length, What));
        }

        // Measured before parsing: JsonDocument refuses a deeper document too, but in an error that
        // cannot be told apart from bad syntax.
        if (JsonText.Depth(json) > limits.MaxDepth)
        {
            return SchemaParseResult.Refused(SchemaLimitBreach.Depth(limits.MaxDepth, What));
        }

        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = limits.MaxDepth });
            return Parse(doc.RootElement, limits);
        }
        catch (JsonException ex)
        {
            return new SchemaParseResult(null, [new SchemaError("", "The schema is not valid JSON: " + ex.Message, SchemaErrorCodes.SchemaNotJson)]);
        }
    }

    /// <summary>Parses a schema document in its native JSON form.</summary>
    /// <param name="root">The document.</param>
    /// <param name="limits">Bounds on its depth and number of values; <see cref="SchemaLimits.Default"/>
    /// when null. A document beyond them comes back with <see cref="SchemaParseResult.LimitBreached"/> set.</param>
    /// <returns>The schema, or every error found, each with a JSON pointer into the document.</returns>
    public static SchemaParseResult Parse(JsonElement root, SchemaLimits? limits = null)
    {
        if (Measure(root, limits ?? SchemaLimits.Default) is { } breach)
        {
            return SchemaParseResult.Refused(breach);
        }

        if (!JsonText.IsValidUnicode(root))
        {
            return new SchemaParseResult(null, [new SchemaError("", InvalidUnicode, SchemaErrorCodes.SchemaBadUnicode)]);
        }

        var errors = new List<SchemaError>();
        var broken = new HashSet<int>();
        var (fields, controls) = SchemaReader.Read(root, errors, broken);
        return Build(fields, controls, broken, errors);
    }

    /// <summary>
    /// Counts values and nesting with a stack of its own, stopping at the first bound crossed, before
    /// any of the document is judged (so a million labels do not become a million errors).
    /// </summary>
    private static SchemaLimitBreach? Measure(JsonElement root, SchemaLimits limits)
    {
        var pending = new Stack<(JsonElement Value, int Depth)>();
        pending.Push((root, 1));
        var values = 0;
        while (pending.TryPop(out var item))
        {
            if (++values > limits.MaxElements)
            {
                return SchemaLimitBreach.Elements(limits.MaxElements, What, "JSON values");
            }

            var (value, depth) = item;
            if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                continue;
            }

            if (depth > limits.MaxDepth)
            {
                return SchemaLimitBreach.Depth(limits.MaxDepth, What);
            }

            if (value.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in value.EnumerateObject())
                {
                    pending.Push((p.Value, depth + 1));
                }
            }
            else
            {
                foreach (var v in value.EnumerateArray())
                {
                    pending.Push((v, depth + 1));
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Checks fields and controls built in code (e.g. by an importer) against the same rules as
    /// <see cref="Parse(string, SchemaLimits?)"/>; error paths point where they would be in the JSON form.
    /// </summary>
    public static SchemaParseResult Create(IEnumerable<FieldDef> fields, IEnumerable<ControlDef> controls)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(controls);
        var errors = new List<SchemaError>();
        var f = fields.Select((d, i) => (i, d)).ToList();
        var c = controls.Select((d, i) => (i, d)).ToList();
        if (c.Count == 0)
        {
            // The JSON reader's rule, here too: without it a Label Studio <View/> imported as a schema
            // whose canonical JSON Parse then refused (found by fuzzing).
            errors.Add(SchemaError.Of("/controls", "The schema needs at least one control.", SchemaErrorCodes.SchemaNeedsControl));
        }

        foreach (var (i, d) in c)
        {
            SchemaRules.CheckApplicableProperties(i, d, errors);
        }

        return Build(f, c, [], errors);
    }

    private static SchemaParseResult Build(
        List<(int Index, FieldDef Def)> fields,
        List<(int Index, ControlDef Def)> controls,
        HashSet<int> broken,
        List<SchemaError> errors)
    {
        SchemaRules.Check(fields, controls, broken, errors);
        if (errors.Count > 0)
        {
            return new SchemaParseResult(null, errors);
        }

        var normalized = controls.Select(c => SchemaRules.Normalize(c.Def)).ToArray();
        return new SchemaParseResult(new LabelSchema(fields.Select(f => f.Def).ToArray(), normalized), []);
    }

    /// <summary>
    /// Writes the canonical JSON form: fixed key order, labels as objects, defaults that change
    /// behaviour written out. <c>Parse(s.ToJson()).Schema.ToJson()</c> equals <c>s.ToJson()</c>.
    /// </summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            IndentSize = 2,
            // Stored and shown to people, not embedded in HTML: keep Chinese readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            w.WriteStartObject();
            w.WriteStartArray("fields");
            foreach (var f in Fields)
            {
                w.WriteStartObject();
                w.WriteString("name", f.Name);
                w.WriteString("type", SchemaRules.Name(f.Type));
                if (f.TimeColumn is not null)
                {
                    w.WriteString("timeColumn", f.TimeColumn);
                }

                if (f.PageKey is not null)
                {
                    w.WriteString("pageKey", f.PageKey);
                }

                if (f.Channels is not null)
                {
                    w.WriteStartArray("channels");
                    foreach (var ch in f.Channels)
                    {
                        w.WriteStringValue(ch);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("controls");
            foreach (var c in Controls)
            {
                WriteControl(w, c);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteControl(Utf8JsonWriter w, ControlDef c)
    {
        w.WriteStartObject();
        w.WriteString("name", c.Name);
        w.WriteString("type", SchemaRules.Name(c.Type));
        if (c.Field is not null)
        {
            w.WriteString("field", c.Field);
        }

        if (c.Spans is not null)
        {
            w.WriteString("spans", c.Spans);
        }

        if (c.PerSegment is not null)
        {
            w.WriteString("perSegment", c.PerSegment);
        }

        if (c.PerMessage is not null)
        {
            w.WriteString("perMessage", c.PerMessage);
        }

        if (c.Fields is not null)
        {
            w.WriteStartArray("fields");
            foreach (var f in c.Fields)
            {
                w.WriteStringValue(f);
            }

            w.WriteEndArray();
        }

        if (c.PerRegion is not null)
        {
            w.WriteStartArray("perRegion");
            foreach (var r in c.PerRegion)
            {
                w.WriteStringValue(r);
            }

            w.WriteEndArray();
        }

        ControlKinds.Of(c.Type).WriteEntry(w, c);
        if (c.LabelsFrom is not null)
        {
            w.WriteString(DataOptions.Key(ControlKinds.Of(c.Type)), c.LabelsFrom);
        }

        if (c.Required)
        {
            w.WriteBoolean("required", true);
        }

        if (c.ToName is not null)
        {
            w.WriteString("toName", c.ToName);
        }

        if (c.FromName is not null)
        {
            w.WriteString("fromName", c.FromName);
        }

        w.WriteEndObject();
    }

    /// <summary>
    /// Checks one task's <c>data</c> object at import: every schema field is present with a fitting
    /// JSON type. Extra keys are allowed. Error paths are <c>/data/&lt;field&gt;…</c>.
    /// </summary>
    public IReadOnlyList<SchemaError> ValidateTaskData(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return [new SchemaError("/data", $"The task data must be an object, not {JsonText.KindName(data.ValueKind)}.", SchemaErrorCodes.DataNotObject)];
        }

        List<SchemaError>? errors = null;
        foreach (var f in Fields)
        {
            var path = "/data/" + f.Name;
            if (!data.TryGetProperty(f.Name, out var v))
            {
                (errors ??= []).Add(SchemaError.Of(path, $"Field '{f.Name}' is missing from the task data.", SchemaErrorCodes.DataFieldMissing, ("name", f.Name)));
                continue;
            }

            switch (f.Type)
            {
                case FieldType.Text or FieldType.Html when v.ValueKind != JsonValueKind.String:
                    (errors ??= []).Add(SchemaError.Of(path, $"Field '{f.Name}' must be a string, not {JsonText.Describe(v)}.", SchemaErrorCodes.DataFieldNotText, ("name", f.Name)));
                    break;
                case FieldType.Image or FieldType.Audio or FieldType.Video
                    when v.ValueKind != JsonValueKind.String || v.GetString()!.Trim().Length == 0:
                    (errors ??= []).Add(SchemaError.Of(path,
                        $"Field '{f.Name}' must be a non-empty string (a URL or media path) of the {SchemaRules.Name(f.Type)}, not {JsonText.Describe(v)}.",
                        SchemaErrorCodes.DataMediaMissing, ("name", f.Name), ("type", SchemaRules.Name(f.Type))));
                    break;
                case FieldType.Html when HtmlText.NestsTooDeep(v.GetString()!):
                    (errors ??= []).Add(SchemaError.Of(path,
                        $"Field '{f.Name}' nests HTML elements more than {HtmlText.MaxDepth} deep, past what browsers show as written.",
                        SchemaErrorCodes.DataHtmlTooDeep, ("name", f.Name), ("max", HtmlText.MaxDepth)));
                    break;
                case FieldType.List:
                    CheckList(f.Name, path, v, ref errors);
                    break;
                case FieldType.Dialogue:
                    CheckDialogue(f.Name, path, v, ref errors);
                    break;
                case FieldType.TimeSeries when TimeSeriesData.Check(f, v) is { } problem:
                    (errors ??= []).Add(SchemaError.Of(problem.Column is null ? path : path + "/" + problem.Column, problem.Message,
                        SchemaErrorCodes.DataTimeSeriesInvalid, ("name", f.Name)));
                    break;
                case FieldType.Document:
                    CheckDocument(f.Name, f.PageKey, path, v, ref errors);
                    break;
            }
        }

        DataOptions.Check(Controls, data, ref errors);

        return errors ?? (IReadOnlyList<SchemaError>)[];
    }

    /// <summary>A document is a PDF's URL or media path, or a non-empty array of page images' URLs or media paths
    /// (with a <paramref name="pageKey"/>, of objects holding them under that key).</summary>
    private static void CheckDocument(string name, string? pageKey, string path, JsonElement v, ref List<SchemaError>? errors)
    {
        static bool Reference(JsonElement e) => e.ValueKind == JsonValueKind.String && e.GetString()!.Trim().Length > 0;
        var at = path;
        var ok = pageKey is null && Reference(v);
        if (v.ValueKind == JsonValueKind.Array)
        {
            ok = v.GetArrayLength() > 0;
            var i = 0;
            foreach (var page in v.EnumerateArray())
            {
                if (pageKey is null ? !Reference(page) : page.ValueKind != JsonValueKind.Object || !page.TryGetProperty(pageKey, out var r) || !Reference(r))
                {
                    (ok, at) = (false, path + "/" + i.ToString(CultureInfo.InvariantCulture));
                    break;
                }

                i++;
            }
        }

        if (!ok)
        {
            (errors ??= []).Add(SchemaError.Of(at,
                pageKey is null
                    ? $"Field '{name}' must be a non-empty string (a URL or media path of a PDF) or a non-empty array of such strings (page images), not {JsonText.Describe(v)}."
                    : $"Field '{name}' must be a non-empty array of pages, each an object whose '{pageKey}' is the URL or media path of the page image, not {JsonText.Describe(v)}.",
                SchemaErrorCodes.DataMediaMissing, ("name", name), ("type", "document")));
        }
    }

    private static void CheckDialogue(string name, string path, JsonElement v, ref List<SchemaError>? errors)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            (errors ??= []).Add(SchemaError.Of(path, $"Field '{name}' must be an array of messages, not {JsonText.Describe(v)}.",
                SchemaErrorCodes.DataDialogueInvalid, ("name", name)));
            return;
        }

        var i = 0;
        foreach (var m in v.EnumerateArray())
        {
            if (Messages.TextOf(m) is null)
            {
                (errors ??= []).Add(SchemaError.Of(path + "/" + i.ToString(CultureInfo.InvariantCulture),
                    $"Message {i} of field '{name}' has no text: a message is a string or an object with 'content', 'text' or 'value'.",
                    SchemaErrorCodes.DataMessageNoText, ("name", name), ("index", i)));
                return;
            }

            i++;
        }
    }

    private static void CheckList(string name, string path, JsonElement v, ref List<SchemaError>? errors)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            (errors ??= []).Add(SchemaError.Of(path, $"Field '{name}' must be an array of strings or of {{ \"id\", \"text\" }} objects, not {JsonText.Describe(v)}.",
                SchemaErrorCodes.DataListInvalid, ("name", name)));
            return;
        }

        JsonValueKind? kind = null;
        HashSet<string>? ids = null;
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var itemPath = path + "/" + i;
            kind ??= item.ValueKind;
            if (item.ValueKind != kind || (item.ValueKind != JsonValueKind.String && item.ValueKind != JsonValueKind.Object))
            {
                (errors ??= []).Add(SchemaError.Of(itemPath,
                    $"Item {i} of field '{name}' is {JsonText.Describe(item)}; the items must be all strings or all {{ \"id\", \"text\" }} objects.",
                    SchemaErrorCodes.DataListItemInvalid, ("name", name)));
            }
            else if (item.ValueKind == JsonValueKind.Object)
            {
                if (!item.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
                {
                    (errors ??= []).Add(SchemaError.Of(itemPath + "/id", $"Item {i} of field '{name}' needs a non-empty string 'id'.", SchemaErrorCodes.DataListIdNeeded, ("name", name)));
                }
                else if (!(ids ??= new HashSet<string>(StringComparer.Ordinal)).Add(id.GetString()!))
                {
                    (errors ??= []).Add(SchemaError.Of(itemPath + "/id", $"Item id {JsonText.Describe(id)} appears more than once in field '{name}'.",
                        SchemaErrorCodes.DataListIdRepeated, ("id", JsonText.Value(id)), ("name", name)));
                }

                if (!item.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    (errors ??= []).Add(SchemaError.Of(itemPath + "/text", $"Item {i} of field '{name}' needs a string 'text'.", SchemaErrorCodes.DataListTextNeeded, ("name", name)));
                }
            }

            i++;
        }
    }
}

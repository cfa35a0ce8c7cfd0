using System.Xml;

namespace Yunzhong.Core.Schema;

/// <summary>A Label Studio tag the import could not map, reported rather than dropped.</summary>
/// <param name="Tag">The tag name as written, e.g. <c>BrushLabels</c>.</param>
/// <param name="Name">Its <c>name</c> attribute, if it has one.</param>
public sealed record UnmappedTag(string Tag, string? Name);

/// <summary>The outcome of importing a Label Studio XML config.</summary>
public sealed class LabelStudioConfigImport
{
    internal LabelStudioConfigImport(
        LabelSchema? schema, IReadOnlyList<UnmappedTag> unmapped, IReadOnlyList<SchemaError> errors, SchemaLimitBreach? limitBreached = null)
    {
        Schema = schema;
        Unmapped = unmapped;
        Errors = errors;
        LimitBreached = limitBreached;
    }

    internal static LabelStudioConfigImport Refused(SchemaLimitBreach breach) =>
        new(null, [], [new SchemaError("", breach.Message)], breach);

    /// <summary>Set when the config was refused for its size (<see cref="SchemaLimits"/>); its one
    /// error says so, and nothing else was judged.</summary>
    public SchemaLimitBreach? LimitBreached { get; }

    /// <summary>The imported schema; null when <see cref="Errors"/> is not empty.</summary>
    public LabelSchema? Schema { get; }

    /// <summary>Tags with no native counterpart, in document order; the schema leaves them out.</summary>
    public IReadOnlyList<UnmappedTag> Unmapped { get; }

    /// <summary>Malformed XML, unresolvable references, or schema rules the mapped config breaks.
    /// Paths are element paths such as <c>/View[1]/Labels[1]</c>.</summary>
    public IReadOnlyList<SchemaError> Errors { get; }
}

/// <summary>Imports Label Studio <c>&lt;View&gt;</c> configs into the native <see cref="LabelSchema"/>.</summary>
public static class LabelStudioConfig
{
    private static readonly Dictionary<string, FieldType> _objectTags = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Text"] = FieldType.Text,
        ["HyperText"] = FieldType.Html,
        ["Image"] = FieldType.Image,
        ["Audio"] = FieldType.Audio,
        ["AudioPlus"] = FieldType.Audio,
        ["Video"] = FieldType.Video,
        ["List"] = FieldType.List,
        ["Paragraphs"] = FieldType.Dialogue,
        ["Chat"] = FieldType.Dialogue,
        ["TimeSeries"] = FieldType.TimeSeries,
        ["Pdf"] = FieldType.Document,
        ["Table"] = FieldType.Json,
    };

    // Label Studio's generic labels: spans on text, segments on audio or video, labels for the bare
    // region tools on an image. Every other control tag belongs to one kind (ControlKinds).
    private static readonly HashSet<string> _genericLabels = new(StringComparer.OrdinalIgnoreCase) { "Labels", "HyperTextLabels" };

    /// <summary>A Repeater's index placeholder as names are kept (whatever its <c>indexFlag</c>).</summary>
    internal const string RepeatIndex = "{{idx}}";

    private static readonly HashSet<string> _layout = new(StringComparer.OrdinalIgnoreCase)
    {
        "View", "Header", "Style", "Collapse", "Panel", "Filter",
    };

    private const string What = "Label Studio XML config";

    /// <summary>Imports one config. Never throws on bad input; problems come back as errors.</summary>
    /// <param name="xml">The <c>&lt;View&gt;</c> config.</param>
    /// <param name="limits">Bounds on its size; <see cref="SchemaLimits.Default"/> when null. A config
    /// beyond them comes back with <see cref="LabelStudioConfigImport.LimitBreached"/> set and is not
    /// judged further.</param>
    public static LabelStudioConfigImport Import(string xml, SchemaLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        limits ??= SchemaLimits.Default;
        if (xml.Length > limits.MaxCharacters)
        {
            return LabelStudioConfigImport.Refused(SchemaLimitBreach.Characters(limits.MaxCharacters, xml.Length, What));
        }

        XElement root;
        try
        {
            var (read, breach) = Read(xml, limits);
            if (breach is not null)
            {
                return LabelStudioConfigImport.Refused(breach);
            }

            root = read!;
        }
        catch (XmlException ex)
        {
            return new LabelStudioConfigImport(null, [], [SchemaError.Of("", "The config is not well-formed XML: " + ex.Message, SchemaErrorCodes.LabelStudioNotXml, ("reason", ex.Message))]);
        }

        return new Importer().Run(root);
    }

    /// <summary>
    /// Builds the element tree start tag by start tag instead of through <c>XDocument.Load</c>, so the
    /// depth and element bounds are checked as the reader meets each element and the work stops there.
    /// Each element gets its step of <see cref="Importer.PathOf"/> (name and position among same-named
    /// siblings) here, where counting costs nothing; counting siblings afterwards for every error was
    /// quadratic. Text, comments and namespace declarations are left out: the import reads attributes only.
    /// </summary>
    private static (XElement? Root, SchemaLimitBreach? Breach) Read(string xml, SchemaLimits limits)
    {
        // No DTDs and no resolver: a config must not reach files or hosts (XXE) or expand entities.
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            MaxCharactersInDocument = limits.MaxCharacters,
        };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        var open = new Stack<(XElement Element, Dictionary<XName, int> Seen)>();
        XElement? root = null;
        var elements = 0;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.EndElement)
            {
                open.Pop();
                continue;
            }

            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (reader.Depth + 1 > limits.MaxDepth)
            {
                return (null, SchemaLimitBreach.Depth(limits.MaxDepth, What));
            }

            if (++elements > limits.MaxElements)
            {
                return (null, SchemaLimitBreach.Elements(limits.MaxElements, What, "elements"));
            }

            var e = new XElement(XNamespace.Get(reader.NamespaceURI) + reader.LocalName);
            if (reader.MoveToFirstAttribute())
            {
                do
                {
                    if (reader.NamespaceURI != XNamespace.Xmlns.NamespaceName)
                    {
                        e.Add(new XAttribute(XNamespace.Get(reader.NamespaceURI) + reader.LocalName, reader.Value));
                    }
                }
                while (reader.MoveToNextAttribute());

                reader.MoveToElement();
            }

            var position = 1;
            if (open.TryPeek(out var parent))
            {
                position = parent.Seen[e.Name] = parent.Seen.GetValueOrDefault(e.Name) + 1;
                parent.Element.Add(e);
            }
            else
            {
                root = e;
            }

            e.AddAnnotation(new Step(e.Name.LocalName + "[" + position.ToString(CultureInfo.InvariantCulture) + "]"));
            if (!reader.IsEmptyElement)
            {
                open.Push((e, []));
            }
        }

        return (root, null);
    }

    /// <summary>An element's step in its path, e.g. <c>Labels[2]</c>.</summary>
    private sealed class Step(string text)
    {
        public string Text { get; } = text;
    }

    private sealed class Importer : LabelStudioImportContext
    {
        private readonly List<SchemaError> _errors = [];
        private readonly List<UnmappedTag> _unmapped = [];
        private readonly List<(FieldDef Def, XElement Source)> _fields = [];
        private readonly Dictionary<string, FieldDef> _fieldsByName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, FieldDef> _objects = new(StringComparer.Ordinal);
        private readonly List<XElement> _controlElements = [];

        /// <summary>Controls inside a <c>&lt;Repeater&gt;</c>, named per page.</summary>
        private readonly HashSet<XElement> _repeated = [];
        private readonly List<LabelStudioDraft> _drafts = [];
        private readonly List<(XElement Source, FieldDef Field)> _imageLabels = [];

        public override void Error(XElement e, string message, string code, params (string Key, object? Value)[] args) =>
            _errors.Add(SchemaError.Of(PathOf(e), message, code, args));

        public LabelStudioConfigImport Run(XElement root)
        {
            if (!root.Name.LocalName.Equals("View", StringComparison.OrdinalIgnoreCase))
            {
                _errors.Add(SchemaError.Of(PathOf(root), $"A Label Studio config starts with <View>, not <{root.Name.LocalName}>.",
                    SchemaErrorCodes.LabelStudioRoot, ("tag", root.Name.LocalName)));
                return Done(null);
            }

            Walk(root);
            foreach (var e in _controlElements)
            {
                MapControl(e);
            }

            ResolveLate();
            if (_errors.Count > 0)
            {
                return Done(null);
            }

            var controls = _drafts.Select(d => new ControlDef
            {
                Name = d.Name,
                Type = d.Type,
                Field = d.Field,
                Labels = d.Labels,
                Multiple = d.Multiple,
                Required = d.Required,
                Max = d.Max,
                Spans = d.Spans,
                PerSegment = d.PerSegment,
                PerRegion = d.PerRegionNames,
                PerMessage = d.PerMessage,
                Fields = d.Fields,
                Mode = d.Mode,
                LeafsOnly = d.LeafsOnly,
                ToName = d.ToName,
                FromName = d.FromName,
                LabelsFrom = d.LabelsFrom,
            }).ToList();
            var result = LabelSchema.Create(_fields.Select(f => f.Def), controls);
            foreach (var e in result.Errors)
            {
                _errors.Add(e with { Path = SourcePath(e.Path) });
            }

            return Done(result.Schema);
        }

        private LabelStudioConfigImport Done(LabelSchema? schema) => new(_errors.Count == 0 ? schema : null, _unmapped, _errors);

        /// <summary>Maps a pointer into the would-be JSON schema back to the element it came from.</summary>
        private string SourcePath(string pointer)
        {
            var parts = pointer.Split('/');
            if (parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var i))
            {
                if (parts[1] == "controls" && i < _drafts.Count)
                {
                    return PathOf(_drafts[i].Source);
                }

                if (parts[1] == "fields" && i < _fields.Count)
                {
                    return PathOf(_fields[i].Source);
                }
            }

            return pointer;
        }

        /// <remarks>Walks with <see cref="BelowLayout"/>: no recursion however deep layout tags nest.</remarks>
        private void Walk(XElement root)
        {
            foreach (var child in BelowLayout(root))
            {
                var tag = child.Name.LocalName;
                if (_objectTags.TryGetValue(tag, out var type))
                {
                    // A multi-page image (valueList="$pages") is a document of page images.
                    var list = type == FieldType.Image ? Attr(child, "valueList") : null;
                    MapObject(child, list is null ? type : FieldType.Document, list ?? Attr(child, "value"));
                }
                else if (_genericLabels.Contains(tag) || ControlKinds.ForLabelStudioTag(tag) is not null)
                {
                    _controlElements.Add(child);
                }
                else if (tag.Equals("Repeater", StringComparison.OrdinalIgnoreCase))
                {
                    Repeater(child);
                }
                else
                {
                    Unmapped(child);
                }
            }
        }

        /// <summary>
        /// Label Studio's <c>&lt;Repeater on="$document" indexFlag="{{idx}}"&gt;</c> over one <c>&lt;Image&gt;</c>: the
        /// items of the task's array are the pages of one document field (each item a page image, or an object
        /// holding it, <c>value="$document[{{idx}}].page"</c>), and the repeated controls are the document's:
        /// boxes, which carry their page, and per-region attributes of the boxes. A control that answers once per
        /// item (a page's rating) has no place in a schema whose controls answer once per task, and is refused.
        /// </summary>
        private void Repeater(XElement r)
        {
            var on = Attr(r, "on")?.Trim();
            var flag = Attr(r, "indexFlag") is { Length: > 0 } f ? f : RepeatIndex;
            var objects = BelowLayout(r).Where(e => _objectTags.ContainsKey(e.Name.LocalName)).ToList();
            if (on is not { Length: > 1 } || on[0] != '$' || objects is not [var image]
                || _objectTags[image.Name.LocalName] != FieldType.Image)
            {
                var shown = string.Join(", ", objects.Select(o => "<" + o.Name.LocalName + ">").Distinct());
                _errors.Add(SchemaError.Of(PathOf(r),
                    objects.Count == 0 || on is not { Length: > 1 } || on[0] != '$'
                        ? $"<Repeater> needs on=\"$key\" naming the task's array and one object tag to repeat over its items."
                        : $"<Repeater> over {on} repeats {shown}; only one <Image> per item maps (the items are the pages of a document). HTML pages (<HyperText>) and other objects per item have no field that holds them.",
                    SchemaErrorCodes.LabelStudioRepeater, ("tag", "Repeater"), ("on", on)));
                return;
            }

            // The flag is a placeholder: written one way, {{idx}}, the names match whatever the config chose.
            foreach (var e in r.Descendants())
            {
                foreach (var a in e.Attributes().Where(a => a.Name.LocalName is "name" or "toName" or "value"))
                {
                    a.Value = a.Value.Replace(flag, RepeatIndex, StringComparison.Ordinal);
                }
            }

            var name = Attr(image, "name");
            var value = Attr(image, "value")?.Trim();
            var items = on + "[" + RepeatIndex + "]";
            string? pageKey = null;
            var ok = name is not null && name.Contains(RepeatIndex, StringComparison.Ordinal) && value is not null && value.StartsWith(items, StringComparison.Ordinal);
            if (ok && value!.Length > items.Length)
            {
                pageKey = value[(items.Length + 1)..];
                ok = value[items.Length] == '.' && pageKey.Length > 0 && pageKey.IndexOfAny(['.', '[', ']', '{', '}']) < 0;
            }

            if (!ok)
            {
                _errors.Add(SchemaError.Of(PathOf(image),
                    $"<Image> in a <Repeater> over {on} needs a name with {RepeatIndex} and value=\"{items}\" or value=\"{items}.key\", not name '{name}' and value '{value}'.",
                    SchemaErrorCodes.LabelStudioRepeater, ("tag", "Repeater"), ("on", on)));
                return;
            }

            MapObject(image, FieldType.Document, on, pageKey);
            foreach (var e in BelowLayout(r))
            {
                var tag = e.Name.LocalName;
                if (e == image)
                {
                    continue;
                }

                if (_genericLabels.Contains(tag) || ControlKinds.ForLabelStudioTag(tag) is not null)
                {
                    _controlElements.Add(e);
                    _repeated.Add(e);
                }
                else
                {
                    Unmapped(e);
                }
            }
        }

        /// <summary>The elements below <paramref name="root"/> in document order, looking inside layout tags
        /// (<c>View</c>, <c>Header</c>, …) and not yielding them: a stack of its own instead of recursion,
        /// so how deep layout nests is for <see cref="SchemaLimits.MaxDepth"/> to bound, never the thread's stack.</summary>
        private static IEnumerable<XElement> BelowLayout(XElement root)
        {
            var open = new Stack<IEnumerator<XElement>>();
            open.Push(root.Elements().GetEnumerator());
            try
            {
                while (open.TryPeek(out var children))
                {
                    if (!children.MoveNext())
                    {
                        open.Pop().Dispose();
                        continue;
                    }

                    var child = children.Current;
                    if (_layout.Contains(child.Name.LocalName))
                    {
                        open.Push(child.Elements().GetEnumerator());
                    }
                    else
                    {
                        yield return child;
                    }
                }
            }
            finally
            {
                while (open.TryPop(out var rest))
                {
                    rest.Dispose();
                }
            }
        }

        public override void Unmapped(XElement e) => _unmapped.Add(new UnmappedTag(e.Name.LocalName, Attr(e, "name")));

        private void MapObject(XElement e, FieldType type, string? variable, string? pageKey = null)
        {
            var name = Attr(e, "name");
            var value = variable?.Trim();
            if (name is null || value is null || value.Length < 2 || value[0] != '$')
            {
                // Static text (instructions written into the config) is display, like <Header>: it
                // holds no task field and nothing is lost. Any other object with no data variable
                // is reported.
                if (value is null || type is not (FieldType.Text or FieldType.Html))
                {
                    Unmapped(e);
                }

                return;
            }

            if (type is FieldType.Text or FieldType.Html or FieldType.Dialogue
                && string.Equals(Attr(e, "valueType")?.Trim(), "url", StringComparison.OrdinalIgnoreCase))
            {
                // Label Studio's browser fetches the text from the URL the task holds. Fetched here it would be an
                // outbound call per task to any host a file names (and the text of spans would depend on
                // what that host answers that day); read as it is, the URL would be labelled as the text.
                _errors.Add(SchemaError.Of(PathOf(e),
                    $"<{e.Name.LocalName}> '{name}' has valueType=\"url\": its text is fetched from a URL in each task, which Yunzhong does not do. Put the text itself into the tasks (valueType=\"text\", the default) and import them.",
                    SchemaErrorCodes.LabelStudioValueFromUrl, ("tag", e.Name.LocalName), ("name", name)));
                return;
            }

            var fieldName = value[1..];
            // A dictionary, not a scan of the fields so far: the scan made 250,000 fields take minutes.
            if (!_fieldsByName.TryGetValue(fieldName, out var existing))
            {
                existing = type == FieldType.TimeSeries ? TimeSeriesField(e, fieldName) : new FieldDef(fieldName, type) { PageKey = pageKey };
                _fieldsByName.Add(fieldName, existing);
                _fields.Add((existing, e));
            }
            else if (existing.Type != type && (existing.Type, type) is (FieldType.Video, FieldType.Audio) or (FieldType.Audio, FieldType.Video))
            {
                // Label Studio's "sync" trick: one video file shown as <Video> and as <Audio> so that
                // <Labels> can mark segments on its timeline. A video field has both.
                existing = AsVideo(existing);
            }
            else if (existing.Type != type)
            {
                _errors.Add(SchemaError.Of(PathOf(e),
                    $"<{e.Name.LocalName}> shows ${fieldName} as {SchemaRules.Name(type)}, but another tag shows it as {SchemaRules.Name(existing.Type)}.",
                    SchemaErrorCodes.LabelStudioFieldTypes, ("name", fieldName)));
            }

            if (!_objects.TryAdd(name, existing))
            {
                _errors.Add(SchemaError.Of(PathOf(e), $"Object name '{name}' is used by more than one tag.", SchemaErrorCodes.LabelStudioNameDuplicate, ("name", name)));
            }
        }

        /// <summary>A time series field with the time column and the <c>&lt;Channel column&gt;</c> children of its tag;
        /// the channels' looks (colours, units, formats) are the browser's to choose.</summary>
        private static FieldDef TimeSeriesField(XElement e, string fieldName)
        {
            var channels = e.Elements().Where(c => c.Name.LocalName.Equals("Channel", StringComparison.OrdinalIgnoreCase))
                .Select(c => Attr(c, "column")).OfType<string>().ToList();
            return new FieldDef(fieldName, FieldType.TimeSeries)
            {
                TimeColumn = Attr(e, "timeColumn") is { Length: > 0 } t ? t : null,
                Channels = channels.Count > 0 ? channels : null,
            };
        }

        /// <summary>Turns an audio field into a video field of the same name, wherever it is referred to.</summary>
        private FieldDef AsVideo(FieldDef field)
        {
            if (field.Type == FieldType.Video)
            {
                return field;
            }

            var video = field with { Type = FieldType.Video };
            _fieldsByName[field.Name] = video;
            var i = _fields.FindIndex(f => f.Def == field);
            _fields[i] = (video, _fields[i].Source);
            foreach (var key in _objects.Where(o => o.Value == field).Select(o => o.Key).ToList())
            {
                _objects[key] = video;
            }

            return video;
        }

        private void MapControl(XElement e)
        {
            var tag = e.Name.LocalName;
            var kind = _genericLabels.Contains(tag) ? null : ControlKinds.ForLabelStudioTag(tag)!;
            var targets = kind?.LabelStudioTargets ?? true;
            var name = Attr(e, "name");
            if (name is null && targets)
            {
                _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> needs a 'name' attribute.", SchemaErrorCodes.LabelStudioNeedsAttribute, ("tag", tag), ("attribute", "name")));
                return;
            }

            string? fromName = null;
            if (_repeated.Contains(e))
            {
                // Named per page (labels_{{idx}}): one control here, named without the index.
                fromName = name;
                name = name?.Replace(RepeatIndex, "", StringComparison.Ordinal).Trim('_', '-', '.', ' ');
                if (fromName is null || !fromName.Contains(RepeatIndex, StringComparison.Ordinal) || name is not { Length: > 0 })
                {
                    _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> '{fromName}' in a <Repeater> needs a name with {RepeatIndex} in it and more (labels_{RepeatIndex}), as each page's results are named apart.",
                        SchemaErrorCodes.LabelStudioRepeater, ("tag", tag), ("on", fromName)));
                    return;
                }
            }

            FieldDef? field = null;
            var toName = Attr(e, "toName");
            var taskWide = kind is { NeedsField: false } && (kind.Type == ControlType.Rating && string.IsNullOrWhiteSpace(toName) || Several(toName));
            if (taskWide)
            {
                // A control that needs no field may rate the task as a whole (Label Studio's <Rating>
                // without toName) or name several objects (toName="left_cc,right_cc"): it keeps no
                // field, and its toName as written for exports. Every object it names must exist.
                if (!Targets(e, tag, toName))
                {
                    return;
                }
            }
            else if (tag.Equals("Pairwise", StringComparison.OrdinalIgnoreCase) && Several(toName))
            {
                // Two objects compared: the ranking kind names their fields (left, right).
                if (!Targets(e, tag, toName))
                {
                    return;
                }
            }
            else if (targets)
            {
                field = Target(e, tag, tag.Equals("Pairwise", StringComparison.OrdinalIgnoreCase));
                if (field is null)
                {
                    return;
                }
            }

            var d = kind is null ? SpanOrSegmentLabels(e, tag, name!, field!) : kind.ImportLabelStudio(e, name, field, this);
            if (d is not null && LabelsFromData(e, tag, d) is false)
            {
                return;
            }

            if (d is not null && fromName is not null && !(d.Type == ControlType.Rectangles || d.PerRegion))
            {
                _errors.Add(SchemaError.Of(PathOf(e),
                    $"<{tag}> '{fromName}' answers once per page; a control here answers once per task or describes a region (perRegion), so only boxes and their per-region attributes repeat over a document's pages.",
                    SchemaErrorCodes.LabelStudioRepeaterPerItem, ("tag", tag), ("name", fromName)));
                return;
            }

            if (d is not null)
            {
                d.FromName = fromName;
                d.Required = IsTrue(Attr(e, "required"));
                d.ToName = targets ? NullIfEmpty(toName?.Trim()) : null;
                _drafts.Add(d);
            }
        }

        /// <summary>A control's <c>value="$key"</c>: its options come from that key of each task's data.
        /// Null when it has none, false when its kind cannot take them (reported).</summary>
        private bool? LabelsFromData(XElement e, string tag, LabelStudioDraft d)
        {
            var value = Attr(e, "value")?.Trim();
            if (value is not { Length: > 1 } || value[0] != '$')
            {
                return null;
            }

            var kind = ControlKinds.Of(d.Type);
            if (!kind.AllowsKey(DataOptions.Key(kind)))
            {
                _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> takes its labels from the task data ({value}); a {kind.Name} control cannot, only choices and the region tools on an image.",
                    SchemaErrorCodes.LabelStudioOptionsFromData, ("tag", tag), ("name", d.Name)));
                return false;
            }

            d.LabelsFrom = value[1..];
            return true;
        }

        private static bool Several(string? toName) => toName is not null && toName.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Length > 1;

        /// <summary>Checks that every object a task-wide control names exists (none named is fine).</summary>
        private bool Targets(XElement e, string tag, string? toName)
        {
            foreach (var target in (toName ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!_objects.ContainsKey(target))
                {
                    _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> toName '{target}' is not the name of an object tag with a $variable.",
                        SchemaErrorCodes.LabelStudioToNameUnknown, ("tag", tag), ("name", target)));
                    return false;
                }
            }

            return true;
        }

        /// <summary>The field a control's <c>toName</c> names.</summary>
        private FieldDef? Target(XElement e, string tag, bool pairwise)
        {
            var toName = Attr(e, "toName");
            if (string.IsNullOrWhiteSpace(toName))
            {
                _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> needs a 'toName' attribute naming the object it labels.",
                    SchemaErrorCodes.LabelStudioNeedsAttribute, ("tag", tag), ("attribute", "toName")));
                return null;
            }

            var targets = toName.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (pairwise && targets.Length > 1)
            {
                _errors.Add(SchemaError.Of(PathOf(e),
                    $"<{tag}> compares two objects ({string.Join(", ", targets)}); the native ranking control compares the first two items of one list field, so put both into one <List>.",
                    SchemaErrorCodes.LabelStudioPairwiseObjects, ("tag", tag)));
                return null;
            }

            if (targets.Length != 1)
            {
                _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> toName '{toName}' must name exactly one object.", SchemaErrorCodes.LabelStudioToNameOne, ("tag", tag), ("name", toName)));
                return null;
            }

            if (!_objects.TryGetValue(targets[0], out var field))
            {
                _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> toName '{targets[0]}' is not the name of an object tag with a $variable.",
                    SchemaErrorCodes.LabelStudioToNameUnknown, ("tag", tag), ("name", targets[0])));
                return null;
            }

            return field;
        }

        private LabelStudioDraft? SpanOrSegmentLabels(XElement e, string tag, string name, FieldDef field)
        {
            switch (field.Type)
            {
                case FieldType.Text or FieldType.Html:
                    return ControlKinds.Of(ControlType.Spans).ImportLabelStudio(e, name, field, this);
                case FieldType.Video when HasVideoTool(e):
                    // Label Studio's <Labels> on a video with a <VideoRectangle> label its tracks.
                    _imageLabels.Add((e, field));
                    return null;
                case FieldType.Audio or FieldType.Video:
                    return ControlKinds.Of(ControlType.Segments).ImportLabelStudio(e, name, field, this);
                case FieldType.Image or FieldType.Document:
                    // Generic <Labels> on an image give their labels to the bare <Rectangle>,
                    // <Polygon> or <KeyPoint> tools on it, which may come later in the config
                    // (on a document's pages, the bare <Rectangle> of an OCR config).
                    _imageLabels.Add((e, field));
                    return null;
                default:
                    _errors.Add(SchemaError.Of(PathOf(e), $"<{tag}> '{name}' labels a {SchemaRules.Name(field.Type)} field; spans need text and segments need audio or video.",
                        SchemaErrorCodes.LabelStudioLabelsUnfit, ("tag", tag), ("name", name)));
                    return null;
            }
        }

        /// <summary>Whether a <c>&lt;VideoRectangle&gt;</c> anywhere in the config labels the same object as <paramref name="labels"/>.</summary>
        private static bool HasVideoTool(XElement labels) =>
            labels.AncestorsAndSelf().Last().Descendants().Any(d => d.Name.LocalName.Equals("VideoRectangle", StringComparison.OrdinalIgnoreCase)
                && Attr(d, "toName")?.Trim() == Attr(labels, "toName")?.Trim());

        public override LabelStudioDraft? Geometry(XElement e, string name, FieldDef field, ControlType type, string labelledTag)
        {
            // Boxes alone go on the pages of a document (a PDF or a multi-page image).
            if (field.Type != FieldType.Image && !(field.Type == FieldType.Document && type == ControlType.Rectangles))
            {
                _errors.Add(SchemaError.Of(PathOf(e), $"<{e.Name.LocalName}> '{name}' must label an image, not the {SchemaRules.Name(field.Type)} field '{field.Name}'.",
                    SchemaErrorCodes.LabelStudioNotImage, ("tag", e.Name.LocalName), ("name", name), ("field", field.Name)));
                return null;
            }

            var d = new LabelStudioDraft(e, name, type) { Field = field.Name };
            if (e.Name.LocalName.Equals(labelledTag, StringComparison.OrdinalIgnoreCase))
            {
                AddLabels(d, e, "Label");
            }
            else
            {
                ReportChildren(e, null);
            }

            return d;
        }

        /// <remarks>Layout tags between a control and its labels are looked inside, as in <see cref="Walk"/>.</remarks>
        public override void AddLabels(LabelStudioDraft d, XElement control, string childTag)
        {
            foreach (var child in BelowLayout(control))
            {
                var tag = child.Name.LocalName;
                if (tag.Equals(childTag, StringComparison.OrdinalIgnoreCase))
                {
                    var value = Attr(child, "value");
                    if (value is null)
                    {
                        _errors.Add(SchemaError.Of(PathOf(child), $"<{tag}> needs a 'value' attribute.", SchemaErrorCodes.LabelStudioNeedsAttribute, ("tag", tag), ("attribute", "value")));
                        continue;
                    }

                    // Label Studio shows a label written twice twice, but its results cannot tell the
                    // two apart: one option holds all it means. Two that differ (another hotkey or
                    // colour) stay, and the schema's rule on duplicates reports them.
                    var label = new LabelDef(value, NullIfEmpty(Attr(child, "hotkey")), NullIfEmpty(Attr(child, "background")));
                    if (d.LabelsSeen.Add(label))
                    {
                        d.Labels.Add(label);
                    }
                }
                else
                {
                    Unmapped(child);
                }
            }
        }

        public override void ReportChildren(XElement control, string? allowed)
        {
            foreach (var child in control.Elements())
            {
                if (allowed is null || !child.Name.LocalName.Equals(allowed, StringComparison.OrdinalIgnoreCase))
                {
                    Unmapped(child);
                }
            }
        }

        public override FieldDef? ObjectField(string name) => _objects.GetValueOrDefault(name);

        public override int? MaxRating(XElement e)
        {
            var text = Attr(e, "maxRating");
            if (text is null)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var max))
            {
                return max;
            }

            _errors.Add(SchemaError.Of(PathOf(e), $"maxRating '{text}' is not an integer.", SchemaErrorCodes.LabelStudioNotWhole, ("attribute", "maxRating"), ("value", text)));
            return null;
        }

        /// <summary>References that need every control mapped first.</summary>
        private void ResolveLate()
        {
            // Looked up by field, not searched per control: many controls must not cost their square.
            var bare = _drafts.Where(t => t.Labels.Count == 0
                && t.Type is ControlType.Rectangles or ControlType.Polygons or ControlType.Keypoints or ControlType.Tracks or ControlType.Masks).ToLookup(t => t.Field);
            foreach (var (source, field) in _imageLabels)
            {
                var tools = bare[field.Name].ToList();
                if (tools.Count == 0)
                {
                    _errors.Add(SchemaError.Of(PathOf(source),
                        $"<{source.Name.LocalName}> '{Attr(source, "name")}' labels image '{field.Name}', but it has no <Rectangle>, <Polygon>, <KeyPoint> or <Brush> to take the labels.",
                        SchemaErrorCodes.LabelStudioNoTool, ("tag", source.Name.LocalName), ("name", Attr(source, "name")), ("field", field.Name)));
                }

                // Read the labels once so unmapped children are reported once.
                var labels = new LabelStudioDraft(source, "", ControlType.Rectangles);
                AddLabels(labels, source, "Label");
                foreach (var tool in tools)
                {
                    tool.Labels.AddRange(labels.Labels);
                }
            }

            var spans = _drafts.Where(d => d.Type == ControlType.Spans).ToList();
            var regionsByField = _drafts.Where(s => PerRegion.IsRegionType(s.Type)).ToLookup(s => s.Field);
            foreach (var d in _drafts)
            {
                if (d.Type == ControlType.Relations)
                {
                    if (spans.Count == 1)
                    {
                        d.Spans = spans[0].Name;
                    }
                    else
                    {
                        _errors.Add(spans.Count == 0
                            ? SchemaError.Of(PathOf(d.Source), "<Relations> links spans, but the config has no <Labels> on a text.", SchemaErrorCodes.LabelStudioRelationsNoSpans)
                            : SchemaError.Of(PathOf(d.Source), $"<Relations> cannot tell which spans control it links: {string.Join(", ", spans.Select(s => s.Name))}.",
                                SchemaErrorCodes.LabelStudioRelationsAmbiguous, ("names", string.Join(", ", spans.Select(s => s.Name)))));
                    }
                }

                if (d.PerRegion)
                {
                    // One segments control keeps the older per-segment form; anything else describes
                    // every region drawn on the same object.
                    var field = d.RegionField ?? d.Field;
                    var regions = regionsByField[field].ToList();
                    if (d.Type == ControlType.Transcription && regions is [{ Type: ControlType.Segments } only])
                    {
                        d.PerSegment = only.Name;
                    }
                    else if (regions.Count > 0)
                    {
                        d.PerRegionNames = [.. regions.Select(r => r.Name)];
                    }
                    else if (field is not null && _fieldsByName.TryGetValue(field, out var f) && f.Type == FieldType.Dialogue)
                    {
                        // A chat's messages are its regions in Label Studio: one value per message.
                        d.PerMessage = field;
                    }
                    else
                    {
                        _errors.Add(SchemaError.Of(PathOf(d.Source), $"<{d.Source.Name.LocalName}> '{d.Name}' is per region, but '{field}' has no regions (<Labels>, <Rectangle>, <Polygon>, <KeyPoint>, <TimeSeriesLabels>) to describe.",
                            SchemaErrorCodes.LabelStudioPerRegionNoSegments, ("name", d.Name), ("field", field)));
                    }
                }
            }
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        /// <summary>An XPath-like location: each step with its position among same-named siblings,
        /// as <see cref="Read"/> numbered them.</summary>
        internal static string PathOf(XElement e)
        {
            var steps = new Stack<string>();
            for (var x = e; x is not null; x = x.Parent)
            {
                steps.Push(x.Annotation<Step>()!.Text);
            }

            return "/" + string.Join("/", steps);
        }
    }
}

/// <summary>A control mapped from a Label Studio tag, before references between controls are resolved.</summary>
internal sealed class LabelStudioDraft(XElement source, string name, ControlType type)
{
    public XElement Source { get; } = source;
    public string Name { get; } = name;
    public ControlType Type { get; } = type;
    public string? Field { get; set; }
    public List<LabelDef> Labels { get; } = [];
    /// <summary>The labels in <see cref="Labels"/>, so one written twice alike is kept once without a scan.</summary>
    public HashSet<LabelDef> LabelsSeen { get; } = [];
    public bool Multiple { get; set; }
    public bool Required { get; set; }
    public int? Max { get; set; }
    public string? Spans { get; set; }
    public string? PerSegment { get; set; }
    public RankingMode Mode { get; set; }
    /// <summary>A pairwise comparison of two objects: their fields, left then right.</summary>
    public List<string>? Fields { get; set; }
    public bool PerRegion { get; set; }
    /// <summary>Per region: the field whose regions it describes, where the control itself keeps no field (rating).</summary>
    public string? RegionField { get; set; }
    public List<string>? PerRegionNames { get; set; }
    /// <summary>Per region on a dialogue with no regions of its own (Label Studio's <c>Chat</c>): the field whose messages it describes.</summary>
    public string? PerMessage { get; set; }
    public bool LeafsOnly { get; set; }
    public string? ToName { get; set; }
    public string? FromName { get; set; }
    public string? LabelsFrom { get; set; }
}

/// <summary>What a kind importing its own Label Studio tag reports through, and the readings kinds share.</summary>
internal abstract class LabelStudioImportContext
{
    /// <summary>An error at the element's path.</summary>
    public abstract void Error(XElement e, string message, string code, params (string Key, object? Value)[] args);

    /// <summary>An element the import leaves out (listed for the user, not an error).</summary>
    public abstract void Unmapped(XElement e);

    /// <summary>Adds the control's <paramref name="childTag"/> children (through layout tags) as labels; reports the rest as unmapped.</summary>
    public abstract void AddLabels(LabelStudioDraft d, XElement control, string childTag);

    /// <summary>Reports every child of a control (but <paramref name="allowed"/>) as unmapped.</summary>
    public abstract void ReportChildren(XElement control, string? allowed);

    /// <summary>A region tool on an image: its labels when it is the labelled tag, none (yet) when bare.</summary>
    public abstract LabelStudioDraft? Geometry(XElement e, string name, FieldDef field, ControlType type, string labelledTag);

    /// <summary>A rating's <c>maxRating</c>; null when absent or not an integer (reported).</summary>
    public abstract int? MaxRating(XElement e);

    /// <summary>The field of the object tag named <paramref name="name"/>; null when there is none.</summary>
    public abstract FieldDef? ObjectField(string name);

    public static string? Attr(XElement e, string name) => e.Attribute(name)?.Value;

    public static bool IsTrue(string? s) => string.Equals(s, "true", StringComparison.OrdinalIgnoreCase);
}

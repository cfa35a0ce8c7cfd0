using System.Diagnostics.CodeAnalysis;

namespace Yunzhong.Core.Schema;

/// <summary>What a task field holds.</summary>
public enum FieldType
{
    /// <summary>A string.</summary>
    Text,
    /// <summary>A URL or media path of an image.</summary>
    Image,
    /// <summary>A URL or media path of an audio file.</summary>
    Audio,
    /// <summary>A URL or media path of a video file.</summary>
    Video,
    /// <summary>An array of strings or of <c>{ "id", "text" }</c> objects.</summary>
    List,
    /// <summary>Any JSON value, shown as is.</summary>
    Json,
    /// <summary>An array of messages: <c>{ role, content }</c>, <c>{ author, text }</c> or strings (see <see cref="Messages"/>).</summary>
    Dialogue,
    /// <summary>Channels over a time axis: a CSV reference (URL or media path) or an object of columns (see <see cref="TimeSeriesData"/>).</summary>
    TimeSeries,
    /// <summary>A document of pages: a URL or media path of a PDF, or an array of URLs or media paths of page images.</summary>
    Document,
    /// <summary>A string of HTML, shown rendered and sanitised; spans count code points of its text content (see <see cref="HtmlText"/>).</summary>
    Html,
}

/// <summary>What field types have in common.</summary>
public static class FieldTypes
{
    /// <summary>Whether the field is of a media kind a dropped file can become a task of: images, audio, video and
    /// documents. Where task data refers to media (a document's page images and a time series' CSV too) is
    /// <see cref="MediaReferences"/>' to say.</summary>
    public static bool IsMedia(this FieldType type) => type is FieldType.Image or FieldType.Audio or FieldType.Video or FieldType.Document;
}

/// <summary>The kind of a labelling control.</summary>
public enum ControlType
{
    /// <summary>One or several options for the whole task.</summary>
    Choices,
    /// <summary>Entity spans in a text field.</summary>
    Spans,
    /// <summary>Directed links between two spans of a spans control.</summary>
    Relations,
    /// <summary>Axis-aligned, optionally rotated boxes on an image.</summary>
    Rectangles,
    /// <summary>Closed polygons on an image.</summary>
    Polygons,
    /// <summary>Single points on an image.</summary>
    Keypoints,
    /// <summary>Time segments of an audio or video.</summary>
    Segments,
    /// <summary>Free text for the whole task or per segment.</summary>
    Transcription,
    /// <summary>An integer 1..max.</summary>
    Rating,
    /// <summary>An order of a list's items, or a preference between its first two.</summary>
    Ranking,
    /// <summary>One or several paths through a tree of options (hierarchical choices).</summary>
    Taxonomy,
    /// <summary>Boxes tracked over the frames of a video, with keyframes.</summary>
    Tracks,
    /// <summary>Pixel masks on an image, one label each, as COCO run lengths.</summary>
    Masks,
    /// <summary>Labels on whole messages of a dialogue and on spans inside one message.</summary>
    Dialogue,
    /// <summary>Labelled ranges (and instants) on the time axis of a time series.</summary>
    TimeSeries,
}

/// <summary>How a ranking control asks for the items of its list.</summary>
public enum RankingMode
{
    /// <summary>Every item once, best first.</summary>
    Rank,
    /// <summary>A preference between the first two items, or between the two fields of <see cref="ControlDef.Fields"/>: <c>a</c>, <c>b</c> or <c>tie</c>.</summary>
    Pairwise,
}

/// <summary>A field of the task's <c>data</c> object.</summary>
/// <param name="Name">Key in the task's data.</param>
/// <param name="Type">What the value holds.</param>
public sealed record FieldDef(string Name, FieldType Type)
{
    /// <summary>Time series: the column holding the time axis; null for <c>time</c>, and the row index when the data lacks it.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>Time series: the columns shown as channels, in order; null for every column but the time.</summary>
    public IReadOnlyList<string>? Channels { get; init; }

    /// <summary>Document: its pages are objects and this key of each holds the page image's URL or media path
    /// (Label Studio's <c>&lt;Repeater on="$document"&gt;</c> over <c>value="$document[{{idx}}].page"</c>); null when the pages are strings.</summary>
    public string? PageKey { get; init; }
}

/// <summary>A label of a control, or an option of a choices control.</summary>
/// <param name="Value">The value written into results; unique within its control.</param>
/// <param name="Hotkey">Keyboard shortcut in the workbench, if any.</param>
/// <param name="Color">Display colour (e.g. <c>#e4572e</c>), if any.</param>
/// <param name="Children">Taxonomy: the options under this one; null for a leaf.</param>
public sealed record LabelDef(string Value, string? Hotkey = null, string? Color = null, IReadOnlyList<LabelDef>? Children = null)
{
    /// <summary>Ranking buckets: the heading shown for the bucket, when it differs from <see cref="Value"/>
    /// (Label Studio's <c>&lt;Bucket title&gt;</c>).</summary>
    public string? Title { get; init; }
}

/// <summary>
/// One control of a label schema. Which properties apply depends on <see cref="Type"/>; see
/// <c>docs/label-schema.md</c>. Build one directly and validate it with
/// <see cref="LabelSchema.Create"/>, or get it from <see cref="LabelSchema.Parse(string, SchemaLimits?)"/>.
/// </summary>
public sealed class ControlDef
{
    /// <summary>Unique name; the key of this control in annotation results.</summary>
    public required string Name { get; init; }

    /// <summary>The kind of control.</summary>
    public required ControlType Type { get; init; }

    /// <summary>The field this control labels (null where the type allows none).</summary>
    public string? Field { get; init; }

    /// <summary>Labels of the control; for <see cref="ControlType.Choices"/> these are its options.</summary>
    public IReadOnlyList<LabelDef> Labels { get; init; } = [];

    /// <summary>Choices and taxonomy: whether several options (paths) may be chosen.</summary>
    public bool Multiple { get; init; }

    /// <summary>Choices with <see cref="Multiple"/>: the fewest options an answer may have.</summary>
    public int? Min { get; init; }

    /// <summary>
    /// Choices with <see cref="Multiple"/>: the most options an answer may have. Taxonomy with
    /// <see cref="Multiple"/>: the most paths. Rating: the top of the scale (2..10; null means 5).
    /// </summary>
    public int? Max { get; init; }

    /// <summary>Whether every annotation must give this control a non-empty value.</summary>
    public bool Required { get; init; }

    /// <summary>Relations: the name of the spans control whose spans are linked.</summary>
    public string? Spans { get; init; }

    /// <summary>Transcription: the name of the segments control to transcribe one text per segment.</summary>
    public string? PerSegment { get; init; }

    /// <summary>
    /// Transcription, choices and rating: the region controls (spans, rectangles, polygons,
    /// keypoints, segments, timeseries) whose regions each get their own value; the result is then an object
    /// from region id to the value. Null for a value of the whole task.
    /// </summary>
    public IReadOnlyList<string>? PerRegion { get; init; }

    /// <summary>
    /// Transcription, choices and rating: the <c>dialogue</c> field whose messages each get their own
    /// value; the result is then an object from message index (<c>"0"</c>, <c>"1"</c>, …) to the value.
    /// Null for a value of the whole task (or per region).
    /// </summary>
    public string? PerMessage { get; init; }

    /// <summary>Ranking: rank the whole list or compare its first two items.</summary>
    public RankingMode Mode { get; init; }

    /// <summary>
    /// Ranking in <see cref="RankingMode.Pairwise"/> mode: the two fields compared, left (<c>a</c>) then
    /// right (<c>b</c>), instead of the first two items of a list <see cref="Field"/> (Label Studio's
    /// <c>&lt;Pairwise toName="text1,text2"&gt;</c>). Null for a comparison within one list.
    /// </summary>
    public IReadOnlyList<string>? Fields { get; init; }

    /// <summary>Ranking: whether the answer may carry a free-text rationale.</summary>
    public bool Rationale { get; init; }

    /// <summary>Taxonomy: whether only leaves (options without children) may be chosen.</summary>
    public bool LeafsOnly { get; init; }

    /// <summary>
    /// The Label Studio object tag this control labels (its <c>toName</c>), kept when the schema
    /// came from a Label Studio config so that exports name that tag again; any control may carry it.
    /// </summary>
    public string? ToName { get; init; }

    /// <summary>The control's name in a Label Studio config where it is repeated per page of a document
    /// (a <c>&lt;Repeater&gt;</c>'s <c>labels_{{idx}}</c>): exports write <c>{{idx}}</c> as the page, as do
    /// <see cref="ToName"/>'s. Null for a control named as it is here.</summary>
    public string? FromName { get; init; }

    /// <summary>
    /// Choices and the region kinds on an image: the key of the task data whose array gives more
    /// options (labels) for that task, beside <see cref="Labels"/> (Label Studio's
    /// <c>value="$options"</c>). Written as <c>optionsFrom</c> or <c>labelsFrom</c>.
    /// </summary>
    public string? LabelsFrom { get; init; }

    /// <summary>The top of a rating scale, with the default applied.</summary>
    public int RatingMax => Max ?? 5;
}

/// <summary>One problem found in a schema, task data or annotation result.</summary>
/// <param name="Path">
/// JSON pointer into the checked document (e.g. <c>/controls/2/field</c>, <c>/entities/2/end</c>);
/// <c>""</c> is the whole document. For Label Studio XML, an element path such as <c>/View[1]/Labels[1]</c>.
/// </param>
/// <param name="Message">An English sentence naming the offending value.</param>
/// <param name="Code">
/// A stable code for the kind of problem (one of <see cref="SchemaErrorCodes"/>), which clients
/// translate; null for a problem with no code of its own, which the server reports under a general one.
/// </param>
/// <param name="Args">The values the message names (a limit, an offset), for a translated message.</param>
public sealed record SchemaError(string Path, string Message, string? Code = null, IReadOnlyDictionary<string, object?>? Args = null)
{
    /// <summary>An error with its code and the values its translated message needs.</summary>
    public static SchemaError Of(string path, string message, string code, params (string Key, object? Value)[] args) =>
        new(path, message, code, args.ToDictionary(a => a.Key, a => a.Value));
}

/// <summary>Codes of <see cref="SchemaError"/>s that clients translate; the rest go under a general code.</summary>
public static partial class SchemaErrorCodes
{
    /// <summary>A required control has no value, or an empty one.</summary>
    public const string Required = "annotation.required";

    /// <summary>A key of the result names no control of the schema.</summary>
    public const string UnknownControl = "annotation.unknown_control";

    /// <summary>A span starts before the text or ends past it (<c>length</c>: the text's length).</summary>
    public const string SpanOutOfRange = "annotation.span.out_of_range";

    /// <summary>A span ends at or before its start.</summary>
    public const string SpanEmpty = "annotation.span.empty";

    /// <summary>A choice that is not an option of the control (<c>value</c>).</summary>
    public const string UnknownOption = "annotation.choice.unknown";

    /// <summary>Too few or too many options chosen (<c>min</c>, <c>max</c>, <c>count</c>).</summary>
    public const string ChoiceCount = "annotation.choice.count";

    /// <summary>Any other problem of an annotation: the value does not fit its control.</summary>
    public const string Invalid = "annotation.invalid";

    /// <summary>A key the schema (or its part) does not have (<c>key</c>).</summary>
    public const string SchemaUnknownKey = "schema.unknown_key";

    /// <summary>A key that a control of this type does not take (<c>key</c>, <c>type</c>).</summary>
    public const string SchemaKeyNotApplicable = "schema.key_not_applicable";

    /// <summary>A required key is missing (<c>key</c>).</summary>
    public const string SchemaNeedsKey = "schema.needs_key";

    /// <summary>A key's value is not text (<c>key</c>).</summary>
    public const string SchemaNotString = "schema.not_string";

    /// <summary>An unknown field type (<c>value</c>).</summary>
    public const string SchemaUnknownFieldType = "schema.unknown_field_type";

    /// <summary>An unknown control type (<c>value</c>).</summary>
    public const string SchemaUnknownControlType = "schema.unknown_control_type";

    /// <summary>The schema has no control.</summary>
    public const string SchemaNeedsControl = "schema.needs_control";

    /// <summary>A field's or control's name breaks the pattern (<c>name</c>).</summary>
    public const string SchemaNamePattern = "schema.name_pattern";

    /// <summary>A field's or control's name is used twice (<c>name</c>).</summary>
    public const string SchemaNameDuplicate = "schema.name_duplicate";

    /// <summary>A control that labels a field names none (<c>type</c>).</summary>
    public const string SchemaControlNeedsField = "schema.control_needs_field";

    /// <summary>A control names a field the schema lacks (<c>name</c>).</summary>
    public const string SchemaFieldUnknown = "schema.field_unknown";

    /// <summary>A control names a field of a type it cannot label (<c>name</c>, <c>fieldType</c>, <c>type</c>, <c>fitting</c>).</summary>
    public const string SchemaFieldUnfit = "schema.field_unfit";

    /// <summary>A control that needs labels or options has none (<c>type</c>).</summary>
    public const string SchemaNeedsLabels = "schema.needs_labels";

    /// <summary>A label with an empty value.</summary>
    public const string SchemaLabelEmpty = "schema.label_empty";

    /// <summary>A label value given twice in a control (<c>value</c>, <c>control</c>).</summary>
    public const string SchemaLabelDuplicate = "schema.label_duplicate";

    /// <summary>An empty hotkey.</summary>
    public const string SchemaHotkeyEmpty = "schema.hotkey_empty";

    /// <summary>A hotkey on two labels of a control (<c>hotkey</c>, <c>control</c>).</summary>
    public const string SchemaHotkeyDuplicate = "schema.hotkey_duplicate";

    /// <summary>An empty colour.</summary>
    public const string SchemaColorEmpty = "schema.color_empty";

    /// <summary>A Label Studio config that is not XML (<c>reason</c>: the parser's words).</summary>
    public const string LabelStudioNotXml = "schema.ls.not_xml";

    /// <summary>A Label Studio config whose root is not &lt;View&gt; (<c>tag</c>).</summary>
    public const string LabelStudioRoot = "schema.ls.root";

    /// <summary>A tag without the attribute it needs (<c>tag</c>, <c>attribute</c>: name, toName or value).</summary>
    public const string LabelStudioNeedsAttribute = "schema.ls.needs_attribute";

    /// <summary>An object name on two tags (<c>name</c>).</summary>
    public const string LabelStudioNameDuplicate = "schema.ls.name_duplicate";

    /// <summary>A Label Studio <c>&lt;Repeater&gt;</c>: tags per item of a task's array (<c>tag</c>, <c>on</c>).</summary>
    public const string LabelStudioRepeater = "schema.ls.repeater";

    /// <summary>A control in a Label Studio <c>&lt;Repeater&gt;</c> that answers once per item, as a page's rating (<c>tag</c>, <c>name</c>).</summary>
    public const string LabelStudioRepeaterPerItem = "schema.ls.repeater_per_item";

    /// <summary>A Label Studio <c>Text</c>, <c>HyperText</c> or <c>Paragraphs</c> with <c>valueType="url"</c>: the task holds
    /// a URL the browser would fetch the text from (<c>tag</c>, <c>name</c>).</summary>
    public const string LabelStudioValueFromUrl = "schema.ls.value_from_url";

    /// <summary>A Label Studio control taking its labels from the task data (<c>value="$x"</c>) whose kind cannot (<c>tag</c>, <c>name</c>).</summary>
    public const string LabelStudioOptionsFromData = "schema.ls.options_from_data";

    /// <summary>A toName that names no object tag with a $variable (<c>tag</c>, <c>name</c>).</summary>
    public const string LabelStudioToNameUnknown = "schema.ls.to_name_unknown";
}

/// <summary>The outcome of parsing or creating a <see cref="LabelSchema"/>: a schema or errors, never both.</summary>
public sealed class SchemaParseResult
{
    internal SchemaParseResult(LabelSchema? schema, IReadOnlyList<SchemaError> errors, SchemaLimitBreach? limitBreached = null)
    {
        Schema = schema;
        Errors = errors;
        LimitBreached = limitBreached;
    }

    internal static SchemaParseResult Refused(SchemaLimitBreach breach) => new(null, [new SchemaError("", breach.Message)], breach);

    /// <summary>Set when the document was refused for its size (<see cref="SchemaLimits"/>); its one
    /// error says so, and nothing else was judged.</summary>
    public SchemaLimitBreach? LimitBreached { get; }

    /// <summary>The schema, when it had no errors.</summary>
    public LabelSchema? Schema { get; }

    /// <summary>What is wrong with the schema document; empty on success.</summary>
    public IReadOnlyList<SchemaError> Errors { get; }

    /// <summary>True when <see cref="Schema"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Schema))]
    public bool Success => Schema is not null;
}

namespace Yunzhong.Core.Formats;

/// <summary>
/// File formats <see cref="TaskImport"/> reads. Memory: a plain enum.
/// </summary>
public enum ImportFormat
{
    /// <summary>A top-level JSON array of tasks.</summary>
    Json,
    /// <summary>One JSON task per line.</summary>
    Jsonl,
    /// <summary>Comma-separated values with a header row (RFC 4180 quoting).</summary>
    Csv,
    /// <summary>Tab-separated values with a header row (same quoting rules as CSV).</summary>
    Tsv,
    /// <summary>Label Studio's JSON task export: an array of <c>{ id?, data, predictions?, annotations? }</c>.</summary>
    LabelStudio,
}

/// <summary>
/// Optional knowledge a reader needs for some formats. Memory: holds references only.
/// </summary>
/// <param name="Schema">The project's label schema JSON; required to convert Label Studio results.</param>
/// <param name="Media">Looks up media by the task data's value (URL or path), for image sizes.</param>
public sealed record ImportOptions(JsonElement? Schema = null, Func<string, MediaInfo?>? Media = null)
{
    /// <summary>
    /// The longest single row (JSONL line, JSON array item, CSV record) read, in bytes; 64 MiB by
    /// default. A longer JSONL line is one error row and reading goes on at the next line; in the
    /// other formats there is no safe place to resume, so reading stops after the error row.
    /// </summary>
    public int MaxRowBytes { get; init; } = 64 * 1024 * 1024;
}

/// <summary>
/// A row-level problem in an import file. Memory: a few strings.
/// </summary>
/// <param name="Line">1-based line number where the row starts.</param>
/// <param name="Field"><c>data</c>, <c>priority</c>, <c>key</c>, <c>gold</c>, <c>predictions</c>,
/// <c>annotations</c>, a CSV column name, or null when the row as a whole is bad.</param>
/// <param name="Message">What is wrong, in English.</param>
/// <param name="Code">A stable code for the kind of problem (<see cref="ImportErrorCodes"/>, or a schema
/// check's <see cref="Schema.SchemaErrorCodes"/>), which clients translate.</param>
/// <param name="Args">The values the translated message needs, and where the error is beyond the row
/// (<c>field</c>, <c>item</c>, <c>key</c>; <c>part</c> and <c>partItem</c>: the gold answer, or which
/// prediction or annotation).</param>
public sealed record ImportError(int Line, string? Field, string Message, string Code, IReadOnlyDictionary<string, object?>? Args = null)
{
    /// <summary>An error with its code and the values its translated message needs.</summary>
    public static ImportError Of(int line, string? field, string message, string code, params (string Key, object? Value)[] args) =>
        new(line, field, message, code, args.ToDictionary(a => a.Key, a => a.Value));

    /// <summary>Equal when every member is, the args compared by content (none and an empty set alike).</summary>
    public bool Equals(ImportError? other) =>
        other is not null && Line == other.Line && Field == other.Field && Message == other.Message && Code == other.Code
        && (Args ?? _empty).Count == (other.Args ?? _empty).Count
        && (Args ?? _empty).All(a => (other.Args ?? _empty).TryGetValue(a.Key, out var v) && Equals(a.Value, v));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Line, Field, Message, Code);

    private static readonly IReadOnlyDictionary<string, object?> _empty = new Dictionary<string, object?>();
}

/// <summary>
/// One prediction or annotation that came with an imported task. Memory: owns its result JSON string.
/// </summary>
/// <param name="ResultJson">The result in native form (an object keyed by control name), compact JSON.</param>
/// <param name="Author">Model name for predictions, annotator name for annotations, when given.</param>
/// <param name="Score">A prediction's score, when given.</param>
public sealed record ImportedResult(string ResultJson, string? Author, double? Score)
{
    /// <summary>When the annotation was made, as the file says (Label Studio's <c>created_at</c>); null: unknown.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Seconds the annotator spent, as the file says (Label Studio's <c>lead_time</c>); null: unknown.</summary>
    public double? LeadTimeSeconds { get; init; }

    /// <summary>When the annotation was last changed, as the file says (Label Studio's <c>updated_at</c>); null: unknown.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Whether the file marks the annotation as the task's reference answer (Label Studio's <c>ground_truth</c>).</summary>
    public bool GroundTruth { get; init; }

    /// <summary>The review outcome the file gives (<c>accepted</c>, <c>rejected</c> or <c>fixed</c>: accepted after a
    /// reviewer's fix); null when it gives none.</summary>
    public string? Review { get; init; }

    /// <summary>
    /// What the file says about the annotation that has no column of its own, as compact JSON, so an export
    /// writes it back as it came: Label Studio's <c>completed_by</c> (its user id, or a user object),
    /// <c>created_username</c> and <c>last_action</c>. Null when the file says none of it.
    /// </summary>
    public string? SourceJson { get; init; }
}

/// <summary>
/// One task read from an import file, or the error that row had. Memory: owns one copy of the
/// task's data bytes and its results; the reader keeps no reference once the row is yielded.
/// </summary>
public sealed class ImportRow
{
    internal static readonly IReadOnlyList<ImportedResult> NoResults = [];

    /// <summary>1-based line where the row starts (for JSON arrays: where the item starts).</summary>
    public required int Line { get; init; }

    /// <summary>0-based item number among the file's rows (blank lines are not rows).</summary>
    public required int Index { get; init; }

    /// <summary>Optional client-given key for duplicate detection.</summary>
    public string? Key { get; init; }

    /// <summary>Queue priority; higher goes first. Default 0.</summary>
    public int Priority { get; init; }

    /// <summary>Whether the task came with a known answer.</summary>
    public bool IsGold => GoldAnswerJson is not null;

    /// <summary>
    /// Pixel sizes of the task's images by their data value, as a Label Studio file gave them
    /// (<c>original_width</c>/<c>original_height</c>); empty when none. Exports need them for images
    /// the project does not hold.
    /// </summary>
    public IReadOnlyDictionary<string, (int Width, int Height)> ImageSizes { get; init; } = NoSizes;

    internal static readonly IReadOnlyDictionary<string, (int Width, int Height)> NoSizes = new Dictionary<string, (int, int)>();

    /// <summary>The gold answer in native result form, compact JSON.</summary>
    public string? GoldAnswerJson { get; init; }

    /// <summary>The task's <c>data</c> object as compact UTF-8 JSON; empty when <see cref="Error"/> is set.</summary>
    public byte[] DataJson { get; init; } = [];

    /// <summary>Predictions that came with the task.</summary>
    public IReadOnlyList<ImportedResult> Predictions { get; init; } = NoResults;

    /// <summary>Annotations that came with the task.</summary>
    public IReadOnlyList<ImportedResult> Annotations { get; init; } = NoResults;

    /// <summary>Set when the row is malformed; the other members are then not meaningful.</summary>
    public ImportError? Error { get; init; }

    /// <summary>The data JSON decoded to a string (allocates).</summary>
    public string DataJsonString => Encoding.UTF8.GetString(DataJson);

    internal static ImportRow Fail(int line, int index, string? field, string message, string code, params (string Key, object? Value)[] args) =>
        new() { Line = line, Index = index, Error = ImportError.Of(line, field, message, code, args) };
}

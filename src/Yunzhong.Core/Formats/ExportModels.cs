namespace Yunzhong.Core.Formats;

/// <summary>Formats <see cref="ExportWriter"/> writes. Memory: a plain enum.</summary>
public enum ExportFormat
{
    /// <summary>Native JSON lines: one task per line with its annotations.</summary>
    Jsonl,
    /// <summary>A JSON array in Label Studio's task export shape.</summary>
    LabelStudio,
    /// <summary>One row per exported annotation with data fields and choices/rating columns.</summary>
    Csv,
    /// <summary>CoNLL-2003-style token/BIO tag lines for the schema's first spans control.</summary>
    Conll,
    /// <summary>COCO detection JSON for rectangles, polygons and keypoints.</summary>
    Coco,
    /// <summary>A zip of YOLO label files (detection, segmentation, oriented boxes) with data.yaml.</summary>
    Yolo,
    /// <summary>A zip of Pascal VOC XML annotations, one per image.</summary>
    Voc,
    /// <summary>Apache Parquet: the CSV columns, typed, plus each annotation's whole result as JSON.</summary>
    Parquet,
}

/// <summary>
/// One task handed to an exporter. Memory: the caller's; writers keep nothing of it after
/// <see cref="ExportWriter.WriteTaskAsync"/> returns.
/// </summary>
/// <param name="Id">The task's id (COCO image id, Label Studio task id).</param>
/// <param name="Key">The client's duplicate-detection key, when it has one.</param>
/// <param name="DataJson">The task's data object as JSON.</param>
/// <param name="State">The task's workflow state, written as is (for example <c>done</c>).</param>
/// <param name="Annotations">The task's annotations, every version; writers pick final ones unless
/// <see cref="ExportOptions.IncludeHistory"/> is set.</param>
/// <param name="Media">Media the task refers to, keyed by the value in the task's data (the URL or
/// media path); gives COCO file names and sizes and Label Studio percent coordinates. Look up the task's
/// own references only: the map may be shared by several tasks (an export's page) and hold theirs too.
/// Null when none of the task's media is known.</param>
/// <param name="ConsensusJson">A consensus result object for the task (keyed by control name), when
/// one was asked for; the JSON lines format writes it as <c>consensus</c>, the others ignore it.</param>
/// <param name="Predictions">The task's pre-annotations (model output); JSON lines and Label Studio
/// write them, so an export imports back with its predictions.</param>
public sealed record ExportTask(
    long Id,
    string? Key,
    string DataJson,
    string State,
    IReadOnlyList<ExportAnnotation> Annotations,
    IReadOnlyDictionary<string, MediaInfo>? Media = null,
    string? ConsensusJson = null,
    IReadOnlyList<ExportPrediction>? Predictions = null);

/// <summary>A model's pre-annotation of a task: the native result object as JSON.</summary>
public sealed record ExportPrediction(string Model, string ResultJson, double? Score);

/// <summary>
/// One version of one annotator's annotation. Memory: the caller's.
/// </summary>
/// <param name="Id">The annotation's id.</param>
/// <param name="Annotator">Who made it (a name or login; written as is).</param>
/// <param name="ResultJson">The native result object as JSON.</param>
/// <param name="CreatedAt">When this version was made.</param>
/// <param name="LeadTimeSeconds">Time the annotator spent, when measured.</param>
/// <param name="Version">1 for the first version, counting up with each edit.</param>
/// <param name="Review">The review outcome (<c>accepted</c>, <c>rejected</c>, <c>pending</c>, <c>superseded</c>) or null.</param>
/// <param name="IsFinal">Whether this is the version that counts (the latest, after review).</param>
public sealed record ExportAnnotation(
    long Id,
    string Annotator,
    string ResultJson,
    DateTimeOffset CreatedAt,
    double? LeadTimeSeconds,
    int Version,
    string? Review,
    bool IsFinal)
{
    /// <summary>When it was last changed, where an imported file said so; null: at <see cref="CreatedAt"/>.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Whether an imported file marked it as the task's reference answer.</summary>
    public bool GroundTruth { get; init; }

    /// <summary>Whether this accepted version is a reviewer's fix of the annotator's (written by the reviewer).</summary>
    public bool ReviewerFix { get; init; }

    /// <summary>The imported file's own fields of the annotation that nothing else holds (see
    /// <see cref="ImportedResult.SourceJson"/>); null for work done here.</summary>
    public string? SourceJson { get; init; }
}

/// <summary>
/// How an export is written. Memory: holds references only.
/// </summary>
public sealed record ExportOptions
{
    /// <summary>Export every annotation version instead of final ones only.</summary>
    public bool IncludeHistory { get; init; }

    /// <summary>
    /// Makes a readable, writable, seekable scratch stream for formats that must spill (COCO writes
    /// images after all annotations). The writer disposes it. Required for <see cref="ExportFormat.Coco"/>.
    /// </summary>
    public Func<Stream>? TempStreamFactory { get; init; }
}

/// <summary>
/// Something an exporter could not write (for example a region whose image size is unknown);
/// the rest of the task is still written. Memory: a few strings.
/// </summary>
public sealed record ExportProblem(long TaskId, long? AnnotationId, string Message);

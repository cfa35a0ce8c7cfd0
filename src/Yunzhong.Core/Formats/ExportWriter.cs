using System.Buffers;

namespace Yunzhong.Core.Formats;

/// <summary>
/// Writes tasks with their annotations to a stream in one <see cref="ExportFormat"/>. Call
/// <see cref="WriteTaskAsync"/> once per task, then <see cref="CompleteAsync"/>. Memory: one
/// output buffer of about 64 KiB, flushed as it fills; COCO also keeps its categories and spills
/// images to the temp stream. Nothing grows with the number of tasks except
/// <see cref="Problems"/>, which keeps the first 1,000.
/// </summary>
public abstract class ExportWriter
{
    private const int FlushThreshold = 64 * 1024;
    private const int MaxProblems = 1000;

    private readonly List<ExportProblem> _problems = [];

    private protected ExportWriter(Stream output, ExportOptions options)
    {
        Output = output;
        Options = options;
        Buffer = new ArrayBufferWriter<byte>(FlushThreshold * 2);
        Json = new Utf8JsonWriter(Buffer, JsonBytes.RawWriterOptions);
    }

    /// <summary>What could not be written, in order; the first 1,000.</summary>
    public IReadOnlyList<ExportProblem> Problems => _problems;

    /// <summary>How many problems there were in all.</summary>
    public int ProblemCount { get; private set; }

    private protected Stream Output { get; }

    private protected ExportOptions Options { get; }

    private protected ArrayBufferWriter<byte> Buffer { get; }

    private protected Utf8JsonWriter Json { get; }

    /// <summary>Makes the writer for <paramref name="format"/>.</summary>
    /// <param name="format">The format to write.</param>
    /// <param name="output">Where to write; not disposed by the writer.</param>
    /// <param name="schema">The project's label schema JSON.</param>
    /// <param name="options">History and temp-stream options.</param>
    public static ExportWriter Create(ExportFormat format, Stream output, JsonElement schema, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var view = SchemaView.From(schema);
        return format switch
        {
            ExportFormat.Jsonl => new JsonlExportWriter(output, options),
            ExportFormat.LabelStudio => new LabelStudioExportWriter(output, view, options),
            ExportFormat.Csv => new CsvExportWriter(output, view, options),
            ExportFormat.Conll => new ConllExportWriter(output, view, options),
            ExportFormat.Coco => new CocoExportWriter(output, view, options),
            ExportFormat.Yolo => new YoloExportWriter(output, view, options),
            ExportFormat.Voc => new VocExportWriter(output, view, options),
            ExportFormat.Parquet => new ParquetExportWriter(output, view, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown export format"),
        };
    }

    /// <summary>Writes one task. Tasks are written in the order given.</summary>
    public abstract ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct);

    /// <summary>Writes whatever closes the file and flushes. Call once, after the last task.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken ct);

    /// <summary>The annotations this export includes: final ones, or every version with history.</summary>
    private protected IEnumerable<ExportAnnotation> Selected(ExportTask task) =>
        Options.IncludeHistory ? task.Annotations : task.Annotations.Where(a => a.IsFinal);

    private protected void AddProblem(long taskId, long? annotationId, string message)
    {
        ProblemCount++;
        if (_problems.Count < MaxProblems)
        {
            _problems.Add(new ExportProblem(taskId, annotationId, message));
        }
    }

    /// <summary>Parses stored JSON; a problem instead of an exception when it is broken.</summary>
    private protected JsonDocument? TryParse(string json, long taskId, long? annotationId)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            AddProblem(taskId, annotationId, annotationId is null ? "the task data is not valid JSON" : "the result is not valid JSON");
            return null;
        }
    }

    private protected void WriteRaw(ReadOnlySpan<byte> utf8)
    {
        Json.Flush();
        Buffer.Write(utf8);
    }

    private protected void WriteText(string text)
    {
        Json.Flush();
        var span = Buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        Buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private protected ValueTask FlushIfFullAsync(CancellationToken ct)
    {
        Json.Flush();
        return Buffer.WrittenCount >= FlushThreshold ? FlushAsync(ct) : ValueTask.CompletedTask;
    }

    private protected async ValueTask FlushAsync(CancellationToken ct)
    {
        Json.Flush();
        if (Buffer.WrittenCount > 0)
        {
            await Output.WriteAsync(Buffer.WrittenMemory, ct).ConfigureAwait(false);
            Buffer.ResetWrittenCount();
            Json.Reset(Buffer);
        }
    }

    private protected static void WriteCreatedAt(Utf8JsonWriter json, string name, DateTimeOffset at) =>
        json.WriteString(name, at.UtcDateTime);
}

using Parquet;
using Parquet.Schema;

namespace Yunzhong.Core.Formats;

/// <summary>
/// Apache Parquet for tabular and text datasets: the CSV export's rows and columns, typed, plus the
/// whole result of each annotation as JSON (spans, regions and everything a CSV cell cannot hold).
/// Columns: <c>id</c> (int64), <c>key</c>, one string column per schema field (strings as they are,
/// other values as compact JSON), <c>annotator</c>, with history <c>version</c> (int32) and
/// <c>final</c> (boolean), one string column per control with a CSV column (choices joined with
/// <c>|</c>, ratings, taxonomy paths), <c>result</c>, <c>created_at</c> (UTC timestamp) and
/// <c>lead_time</c> (seconds, double). A task without an exported annotation is one row with the
/// annotation's columns null. Nothing is escaped for spreadsheets: Parquet cells are data, not text
/// a program runs.
/// <para>
/// Memory: one row group (<see cref="RowGroupSize"/> rows) of column arrays at a time; each full
/// group is written and dropped. Snappy compression. The writer counts what it writes itself, so the
/// output need not be seekable (an object store's upload stream).
/// </para>
/// </summary>
internal sealed class ParquetExportWriter : ExportWriter
{
    /// <summary>Rows per row group: large enough for good compression, small enough to keep memory flat.</summary>
    internal const int RowGroupSize = 16_384;

    private readonly string[] _fields;
    private readonly SchemaView.Control[] _controls;
    private readonly ControlKind[] _kinds;
    private readonly ParquetSchema _schema;
    private readonly DataField<long> _id;
    private readonly DataField<string> _key;
    private readonly DataField<string>[] _fieldColumns;
    private readonly DataField<string> _annotator;
    private readonly DataField<int?>? _version;
    private readonly DataField<bool?>? _final;
    private readonly DataField<string>[] _controlColumns;
    private readonly DataField<string> _result;
    private readonly DataField<DateTime?> _createdAt;
    private readonly DataField<double?> _leadTime;

    private readonly List<long> _ids = [];
    private readonly List<string?> _keys = [];
    private readonly List<string?>[] _fieldValues;
    private readonly List<string?> _annotators = [];
    private readonly List<int?> _versions = [];
    private readonly List<bool?> _finals = [];
    private readonly List<string?>[] _controlValues;
    private readonly List<string?> _results = [];
    private readonly List<DateTime?> _created = [];
    private readonly List<double?> _leadTimes = [];

    private ParquetWriter? _writer;

    public ParquetExportWriter(Stream output, SchemaView schema, ExportOptions options)
        : base(output, options)
    {
        _fields = schema.Fields.Select(f => f.Name).ToArray();
        _controls = schema.Controls.Where(c => ControlKinds.Find(c.Type) is { HasCsvColumn: true }).ToArray();
        _kinds = [.. _controls.Select(c => ControlKinds.Find(c.Type)!)];
        var names = new HashSet<string>(StringComparer.Ordinal);
        _id = new DataField<long>(Unique(names, "id"));
        _key = new DataField<string>(Unique(names, "key"), nullable: true);
        _fieldColumns = [.. _fields.Select(f => new DataField<string>(Unique(names, f), nullable: true))];
        _annotator = new DataField<string>(Unique(names, "annotator"), nullable: true);
        if (options.IncludeHistory)
        {
            _version = new DataField<int?>(Unique(names, "version"));
            _final = new DataField<bool?>(Unique(names, "final"));
        }

        _controlColumns = [.. _controls.Select(c => new DataField<string>(Unique(names, c.Name), nullable: true))];
        _result = new DataField<string>(Unique(names, "result"), nullable: true);
        _createdAt = new DataField<DateTime?>(Unique(names, "created_at"));
        _leadTime = new DataField<double?>(Unique(names, "lead_time"));
        var all = new List<Field> { _id, _key };
        all.AddRange(_fieldColumns);
        all.Add(_annotator);
        if (_version is not null && _final is not null)
        {
            all.Add(_version);
            all.Add(_final);
        }

        all.AddRange(_controlColumns);
        all.Add(_result);
        all.Add(_createdAt);
        all.Add(_leadTime);
        _schema = new ParquetSchema(all);
        _fieldValues = [.. _fields.Select(_ => new List<string?>())];
        _controlValues = [.. _controls.Select(_ => new List<string?>())];
    }

    /// <summary>Column names are unique in a Parquet schema: a field or control named like one of the fixed
    /// columns (a field called <c>id</c>) gets a suffix, <c>id_2</c>.</summary>
    private static string Unique(HashSet<string> taken, string name)
    {
        var candidate = name;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{name}_{n.ToString(CultureInfo.InvariantCulture)}";
        }

        return candidate;
    }

    public override async ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        using var data = TryParse(task.DataJson, task.Id, null);
        if (data is null)
        {
            return;
        }

        var fieldCells = new string?[_fields.Length];
        for (var i = 0; i < _fields.Length; i++)
        {
            fieldCells[i] = data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty(_fields[i], out var v)
                ? v.ValueKind == JsonValueKind.String ? v.GetString() : JsonBytes.CompactString(v)
                : null;
        }

        var any = false;
        foreach (var a in Selected(task))
        {
            using var result = TryParse(a.ResultJson, task.Id, a.Id);
            AddRow(task, fieldCells, a, result?.RootElement);
            any = true;
        }

        if (!any)
        {
            AddRow(task, fieldCells, null, null);
        }

        if (_ids.Count >= RowGroupSize)
        {
            await WriteRowGroupAsync(ct).ConfigureAwait(false);
        }
    }

    private void AddRow(ExportTask task, string?[] fieldCells, ExportAnnotation? a, JsonElement? result)
    {
        _ids.Add(task.Id);
        _keys.Add(task.Key);
        for (var i = 0; i < fieldCells.Length; i++)
        {
            _fieldValues[i].Add(fieldCells[i]);
        }

        _annotators.Add(a?.Annotator);
        _versions.Add(a?.Version);
        _finals.Add(a?.IsFinal);
        for (var i = 0; i < _controls.Length; i++)
        {
            _controlValues[i].Add(result is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty(_controls[i].Name, out var v)
                ? NullIfEmpty(_kinds[i].CsvCell(v))
                : null);
        }

        _results.Add(result is { } whole ? JsonBytes.CompactString(whole) : null);
        _created.Add(a?.CreatedAt.UtcDateTime);
        _leadTimes.Add(a?.LeadTimeSeconds);
    }

    private static string? NullIfEmpty(string cell) => cell.Length == 0 ? null : cell;

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        if (_ids.Count > 0 || _writer is null)
        {
            await WriteRowGroupAsync(ct).ConfigureAwait(false);
        }

        await _writer!.DisposeAsync().ConfigureAwait(false);
        await Output.FlushAsync(ct).ConfigureAwait(false);
    }

    private async ValueTask WriteRowGroupAsync(CancellationToken ct)
    {
        _writer ??= await ParquetWriter.CreateAsync(_schema, new CountingStream(Output), new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: ct).ConfigureAwait(false);
        using (var group = _writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(_id, _ids.ToArray(), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync(_key, _keys!).ConfigureAwait(false);
            for (var i = 0; i < _fieldColumns.Length; i++)
            {
                await group.WriteAsync(_fieldColumns[i], _fieldValues[i]!).ConfigureAwait(false);
            }

            await group.WriteAsync(_annotator, _annotators!).ConfigureAwait(false);
            if (_version is not null && _final is not null)
            {
                await group.WriteAsync<int>(_version, _versions.ToArray(), cancellationToken: ct).ConfigureAwait(false);
                await group.WriteAsync<bool>(_final, _finals.ToArray(), cancellationToken: ct).ConfigureAwait(false);
            }

            for (var i = 0; i < _controlColumns.Length; i++)
            {
                await group.WriteAsync(_controlColumns[i], _controlValues[i]!).ConfigureAwait(false);
            }

            await group.WriteAsync(_result, _results!).ConfigureAwait(false);
            await group.WriteAsync<DateTime>(_createdAt, _created.ToArray(), cancellationToken: ct).ConfigureAwait(false);
            await group.WriteAsync<double>(_leadTime, _leadTimes.ToArray(), cancellationToken: ct).ConfigureAwait(false);
        }

        _ids.Clear();
        _keys.Clear();
        foreach (var l in _fieldValues)
        {
            l.Clear();
        }

        _annotators.Clear();
        _versions.Clear();
        _finals.Clear();
        foreach (var l in _controlValues)
        {
            l.Clear();
        }

        _results.Clear();
        _created.Clear();
        _leadTimes.Clear();
    }

    /// <summary>A write-only stream over the output that knows how much it has written, which is all
    /// a Parquet writer asks of <see cref="Stream.Position"/> (offsets in the footer). Disposing it
    /// leaves the output open: that belongs to the caller.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            _written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    }
}

using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

/// <summary>
/// The Parquet export read back with Parquet.Net's reader (the server's tests read it again with
/// hyparquet, an independent JavaScript reader). Written through a stream that cannot seek, as an
/// object store's upload stream cannot.
/// </summary>
public class ParquetExportTests
{
    private static readonly DateTimeOffset _at = new(2026, 11, 23, 8, 30, 0, TimeSpan.FromHours(8));

    private const string Schema = """
        { "fields": [ { "name": "text", "type": "text" }, { "name": "id", "type": "json" } ],
          "controls": [
            { "name": "topic", "type": "choices", "field": "text", "multiple": true, "options": ["体育", "财经"] },
            { "name": "entities", "type": "spans", "field": "text", "labels": ["PER"] },
            { "name": "quality", "type": "rating" } ] }
        """;

    private static ExportAnnotation Ann(long id, string annotator, string result, bool final = true, int version = 1, double? lead = 12.5) =>
        new(id, annotator, result, _at, lead, version, null, final);

    private static async Task<byte[]> ExportAsync(IEnumerable<ExportTask> tasks, bool history = false)
    {
        var output = new MemoryStream();
        var writer = ExportWriter.Create(ExportFormat.Parquet, new ForwardOnly(output), Json(Schema), new ExportOptions { IncludeHistory = history });
        foreach (var t in tasks)
        {
            await writer.WriteTaskAsync(t, CancellationToken.None);
        }

        await writer.CompleteAsync(CancellationToken.None);
        Assert.Empty(writer.Problems);
        return output.ToArray();
    }

    /// <summary>Every column of every row group, by name, in order.</summary>
    private static async Task<(string[] Names, Dictionary<string, List<object?>> Columns, int Groups)> ReadAsync(byte[] bytes)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(bytes));
        var fields = reader.Schema.GetDataFields();
        var columns = fields.ToDictionary(f => f.Name, _ => new List<object?>());
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = (int)group.RowCount;
            foreach (var f in fields)
            {
                columns[f.Name].AddRange(f.ClrType switch
                {
                    // The reader describes text columns as ReadOnlyMemory<char>; they read as strings.
                    var t when t == typeof(string) || t == typeof(ReadOnlyMemory<char>) => await ReadColumn(n, m => group.ReadAsync(f, m)),
                    var t when t == typeof(long) && !f.IsNullable => await ReadColumn<long>(n, m => group.ReadAsync(f, m)),
                    var t when t == typeof(int) => await ReadColumn<int?>(n, m => group.ReadAsync(f, m)),
                    var t when t == typeof(bool) => await ReadColumn<bool?>(n, m => group.ReadAsync(f, m)),
                    var t when t == typeof(DateTime) => await ReadColumn<DateTime?>(n, m => group.ReadAsync(f, m)),
                    var t when t == typeof(double) => await ReadColumn<double?>(n, m => group.ReadAsync(f, m)),
                    var t => throw new InvalidOperationException($"column {f.Name} is {t}"),
                });
            }
        }

        return ([.. fields.Select(f => f.Name)], columns, reader.RowGroupCount);
    }

    [Fact]
    public async Task RowsAreTheCsvRowsTypedWithTheWholeResultAndNullsWhereNothingWasAnnotated()
    {
        var bytes = await ExportAsync(
        [
            new ExportTask(1, "k,1", """{"text":"张三说😀好","id":{"a":1}}""", "done",
            [
                Ann(1, "甲", """{"topic":["体育","财经"],"entities":[{"start":0,"end":2,"label":"PER"}],"quality":5}"""),
                Ann(2, "乙", """{"topic":["财经"]}""", lead: null),
                Ann(3, "乙", """{"topic":["体育"]}""", final: false),
            ]),
            new ExportTask(2, null, """{"text":"=SUM(A1)"}""", "open", []),
        ]);

        Assert.Equal("PAR1", System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        var (names, c, groups) = await ReadAsync(bytes);
        Assert.Equal(1, groups);
        // A field named like a fixed column gets a suffix rather than clashing.
        Assert.Equal(["id", "key", "text", "id_2", "annotator", "topic", "quality", "result", "created_at", "lead_time"], names);
        Assert.Equal([1L, 1L, 2L], c["id"]);
        Assert.Equal(["k,1", "k,1", null], c["key"]);
        Assert.Equal(["张三说😀好", "张三说😀好", "=SUM(A1)"], c["text"]);
        Assert.Equal(["""{"a":1}""", """{"a":1}""", null], c["id_2"]);
        Assert.Equal(["甲", "乙", null], c["annotator"]);
        Assert.Equal(["体育|财经", "财经", null], c["topic"]);
        Assert.Equal(["5", null, null], c["quality"]);
        var first = JsonDocument.Parse((string)c["result"][0]!).RootElement;
        Assert.Equal(2, first.GetProperty("entities")[0].GetProperty("end").GetInt32());
        Assert.Null(c["result"][2]);
        Assert.Equal(_at.UtcDateTime, Assert.IsType<DateTime>(c["created_at"][0]));
        Assert.Null(c["created_at"][2]);
        Assert.Equal([12.5, null, null], c["lead_time"]);
    }

    [Fact]
    public async Task HistoryAddsTypedVersionAndFinalColumns()
    {
        var bytes = await ExportAsync(
            [new ExportTask(1, null, """{"text":"t"}""", "done", [Ann(1, "a", """{"quality":1}""", final: false), Ann(2, "a", """{"quality":2}""", version: 2)])],
            history: true);

        var (names, c, _) = await ReadAsync(bytes);
        Assert.Equal(["id", "key", "text", "id_2", "annotator", "version", "final", "topic", "quality", "result", "created_at", "lead_time"], names);
        Assert.Equal([1, 2], c["version"]);
        Assert.Equal([false, true], c["final"]);
        Assert.Equal(["1", "2"], c["quality"]);
    }

    [Fact]
    public async Task ManyRowsSpanSeveralRowGroupsAndAllComeBackInOrder()
    {
        var count = ParquetExportWriter.RowGroupSize * 2 + 7;
        var bytes = await ExportAsync(Enumerable.Range(1, count)
            .Select(i => new ExportTask(i, $"k{i}", $$"""{"text":"第{{i}}条"}""", "done", [Ann(i, "a", $$"""{"quality":{{i % 5 + 1}}}""")])));

        var (_, c, groups) = await ReadAsync(bytes);
        Assert.Equal(3, groups);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (object?)(long)i), c["id"]);
        Assert.Equal($"第{count}条", c["text"][^1]);
    }

    [Fact]
    public async Task AProjectWithNoTasksStillGivesAReadableFileWithItsColumns()
    {
        var (names, c, _) = await ReadAsync(await ExportAsync([]));
        Assert.Contains("result", names);
        Assert.Empty(c["id"]);
    }

    private static async Task<IEnumerable<object?>> ReadColumn<T>(int n, Func<Memory<T>, ValueTask> read)
    {
        var values = new T[n];
        await read(values);
        return values.Cast<object?>();
    }

    private static Task<IEnumerable<object?>> ReadColumn(int n, Func<Memory<string?>, ValueTask> read) => ReadColumn<string?>(n, read);

    /// <summary>A write-only stream that cannot seek or tell its position, like an upload.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

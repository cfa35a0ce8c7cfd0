using System.Text;
using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

public class JsonImportTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task JsonlReadsEnvelopesAndBareDataWithChineseAndEmoji(int chunk)
    {
        var content = "\uFEFF{\"text\":\"张三丰 去了 北京 😀\"}\r\n"
            + "\n"
            + "{ \"data\": {\"text\": \"a b\"}, \"key\": \"k-2\", \"priority\": 3 }\n"
            + "{\"data\":{\"t\":1},\"gold\":{\"sentiment\":[\"positive\"]},\"predictions\":[{\"result\":{\"sentiment\":[\"negative\"]},\"model\":\"m1\",\"score\":0.25}],\"annotations\":[{\"result\":{\"quality\":4},\"annotator\":\"王五\"}]}";
        var rows = await ReadAllAsync(content, ImportFormat.Jsonl, chunk: chunk);

        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Equal([1, 3, 4], rows.Select(r => r.Line));
        Assert.Equal([0, 1, 2], rows.Select(r => r.Index));
        Assert.Equal("{\"text\":\"张三丰 去了 北京 😀\"}", rows[0].DataJsonString);
        Assert.Null(rows[0].Key);
        Assert.Equal("{\"text\":\"a b\"}", rows[1].DataJsonString);
        Assert.Equal("k-2", rows[1].Key);
        Assert.Equal(3, rows[1].Priority);
        Assert.False(rows[1].IsGold);
        Assert.True(rows[2].IsGold);
        Assert.Equal("{\"sentiment\":[\"positive\"]}", rows[2].GoldAnswerJson);
        var p = Assert.Single(rows[2].Predictions);
        Assert.Equal(new ImportedResult("{\"sentiment\":[\"negative\"]}", "m1", 0.25), p);
        var a = Assert.Single(rows[2].Annotations);
        Assert.Equal(new ImportedResult("{\"quality\":4}", "王五", null), a);
    }

    [Fact]
    public async Task JsonlMalformedRowsAreReportedWithTheirLinesAndReadingGoesOn()
    {
        var content = "{\"a\":1}\n"
            + "{\"a\":\n"
            + "[1,2]\n"
            + "{\"data\":{\"a\":1},\"priority\":\"high\"}\n"
            + "{\"data\":\"text\"}\n"
            + "{\"a\":1} {\"b\":2}\n"
            + "{\"data\":{},\"priority\":1.5}\n"
            + "{\"a\":2}\n";
        var rows = await ReadAllAsync(content, ImportFormat.Jsonl);

        Assert.Equal(8, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal(ImportError.Of(2, null, rows[1].Error!.Message, ImportErrorCodes.NotJson), rows[1].Error);
        Assert.StartsWith("invalid JSON", rows[1].Error!.Message);
        Assert.Equal(ImportError.Of(3, null, "a task must be a JSON object", ImportErrorCodes.TaskNotObject), rows[2].Error);
        Assert.Equal(ImportError.Of(4, "priority", "priority must be an integer", ImportErrorCodes.PriorityInvalid, ("value", "high")), rows[3].Error);
        Assert.Equal(ImportError.Of(5, "data", "data must be a JSON object", ImportErrorCodes.DataNotObject), rows[4].Error);
        Assert.Equal(6, rows[5].Error!.Line);
        Assert.Equal("priority", rows[6].Error!.Field);
        Assert.Null(rows[7].Error);
        Assert.Equal("{\"a\":2}", rows[7].DataJsonString);
        Assert.Equal(7, rows[7].Index);
    }

    [Fact]
    public async Task ObjectWithoutDataIsItselfTheDataEvenWithEnvelopeLookingKeys()
    {
        var rows = await ReadAllAsync("{\"key\":\"x\",\"priority\":\"not a number\"}", ImportFormat.Jsonl);

        var row = Assert.Single(rows);
        Assert.Null(row.Error);
        Assert.Null(row.Key);
        Assert.Equal(0, row.Priority);
        Assert.Equal("{\"key\":\"x\",\"priority\":\"not a number\"}", row.DataJsonString);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task JsonArrayItemsCarryTheLineWhereTheyStartAndCompactData(int chunk)
    {
        var content = "\uFEFF[\n"
            + "  {\n"
            + "    \"text\": \"你好 世界\",\n"
            + "    \"n\": [1, 2]\n"
            + "  },\n"
            + "  {\"data\": {\"text\": \"a \\\" b\"}, \"key\": 7},\n"
            + "\n"
            + "  42\n"
            + "]\n";
        var rows = await ReadAllAsync(content, ImportFormat.Json, chunk: chunk);

        Assert.Equal(3, rows.Count);
        Assert.Equal([2, 6, 8], rows.Select(r => r.Line));
        Assert.Equal("{\"text\":\"你好 世界\",\"n\":[1,2]}", rows[0].DataJsonString);
        Assert.Equal("{\"text\":\"a \\\" b\"}", rows[1].DataJsonString);
        Assert.Equal("7", rows[1].Key);
        Assert.Equal(ImportError.Of(8, null, "a task must be a JSON object", ImportErrorCodes.TaskNotObject), rows[2].Error);
    }

    [Fact]
    public async Task BrokenJsonArrayYieldsOneErrorAtTheBrokenLineAndStops()
    {
        var content = "[\n{\"a\":1},\n{\"a\":2,,},\n{\"a\":3}\n]";
        var rows = await ReadAllAsync(content, ImportFormat.Json);

        Assert.Equal(2, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal(3, rows[1].Error!.Line);
        Assert.StartsWith("invalid JSON", rows[1].Error!.Message);
    }

    [Fact]
    public async Task UnclosedJsonArrayIsReported()
    {
        var rows = await ReadAllAsync("[{\"a\":1},\n{\"a\":2}", ImportFormat.Json);

        Assert.Equal(3, rows.Count);
        Assert.Null(rows[1].Error);
        Assert.Equal(2, rows[2].Error!.Line);
        Assert.StartsWith("invalid JSON", rows[2].Error!.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task OverlongJsonlLineIsOneErrorAndReadingGoesOnAtTheNextLine(int chunk)
    {
        var content = "{\"a\":1}\n{\"a\":\"" + new string('x', 500) + "\"}\n{\"a\":3}\n";
        var rows = await ReadAllAsync(content, ImportFormat.Jsonl, new ImportOptions { MaxRowBytes = 100 }, chunk);

        Assert.Equal(3, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal(ImportError.Of(2, null, "the line is longer than 100 bytes", ImportErrorCodes.RowTooLong, ("max", 100)), rows[1].Error);
        Assert.Equal("{\"a\":3}", rows[2].DataJsonString);
        Assert.Equal(3, rows[2].Line);
        Assert.Equal(2, rows[2].Index);
    }

    [Fact]
    public async Task OverlongCsvRecordStopsTheReadWhenItOutgrowsTheLimitWhileReading()
    {
        var content = "a\nshort\n\"" + new string('x', 500) + "\"\nnever\n";
        var rows = await ReadAllAsync(content, ImportFormat.Csv, new ImportOptions { MaxRowBytes = 100 }, chunk: 16);

        Assert.Equal(2, rows.Count);
        Assert.Equal(ImportError.Of(3, null, "a record is longer than 100 bytes", ImportErrorCodes.RowTooLong, ("max", 100)), rows[1].Error);
    }

    [Fact]
    public async Task TwoHundredThousandJsonlRowsStreamThrough()
    {
        const int count = 200_000;
        var stream = new GeneratedJsonlStream(count);
        var seen = 0;
        long prioritySum = 0;
        ImportRow? last = null;
        await foreach (var row in TaskImport.ReadAsync(stream, ImportFormat.Jsonl, CancellationToken.None))
        {
            Assert.Null(row.Error);
            if (row.Index == 123_456)
            {
                Assert.Equal("{\"text\":\"第123456条 row\",\"n\":123456}", row.DataJsonString);
                Assert.Equal("k123456", row.Key);
                Assert.Equal(123_457, row.Line);
            }

            prioritySum += row.Priority;
            seen++;
            last = row;
        }

        Assert.Equal(count, seen);
        Assert.Equal(count - 1, last!.Index);
        // priority = i % 7 over 0..199999: 28571 full cycles sum to 21 each, plus 0+1+2 for the 3 left over.
        Assert.Equal(28_571L * 21 + 3, prioritySum);
    }

    [Theory]
    [InlineData("tasks.jsonl", "{}", ImportFormat.Jsonl)]
    [InlineData("tasks.NDJSON", "", ImportFormat.Jsonl)]
    [InlineData("tasks.csv", "a,b", ImportFormat.Csv)]
    [InlineData("tasks.tsv", "a\tb", ImportFormat.Tsv)]
    [InlineData("tasks.json", "\uFEFF  [ {\"text\": \"x\"} ]", ImportFormat.Json)]
    [InlineData("tasks.json", "[{\"data\":{},\"annotations\":[{\"result\":{\"a\":[\"x\"]}}]}]", ImportFormat.Json)]
    [InlineData("export.json", "[{\"id\":1,\"annotations\":[{\"result\" : [ ]}],\"data\":{}}]", ImportFormat.LabelStudio)]
    [InlineData("export.json", "[{\"id\":1,\"predictions\":[{\"result\":[{\"from_name\":\"x\"", ImportFormat.LabelStudio)]
    [InlineData("upload", "{\"a\":1}\n", ImportFormat.Jsonl)]
    [InlineData("upload", "[1]", ImportFormat.Json)]
    public void DetectUsesExtensionThenContent(string name, string head, ImportFormat expected)
    {
        Assert.Equal(expected, TaskImport.Detect(name, Encoding.UTF8.GetBytes(head)));
    }

    [Fact]
    public void DetectGivesUpOnUnknownContent()
    {
        Assert.Null(TaskImport.Detect("notes.txt", "hello"u8));
    }
}

/// <summary>Makes JSONL rows on the fly so the test itself does not hold the file.</summary>
internal sealed class GeneratedJsonlStream(int count) : Stream
{
    private int _next;
    private byte[] _pending = [];
    private int _pendingOffset;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int size)
    {
        var written = 0;
        while (written < size)
        {
            if (_pendingOffset == _pending.Length)
            {
                if (_next == count)
                {
                    break;
                }

                var i = _next++;
                _pending = Encoding.UTF8.GetBytes(
                    i % 2 == 0
                        ? $"{{\"data\":{{\"text\":\"第{i}条 row\",\"n\":{i}}},\"key\":\"k{i}\",\"priority\":{i % 7}}}\n"
                        : $"{{\"data\": {{\"text\": \"第{i}条 row\", \"n\": {i}}}, \"key\": \"k{i}\", \"priority\": {i % 7}}}\r\n");
                _pendingOffset = 0;
            }

            var n = Math.Min(size - written, _pending.Length - _pendingOffset);
            Array.Copy(_pending, _pendingOffset, buffer, offset + written, n);
            _pendingOffset += n;
            written += n;
        }

        return written;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

public class JsonImportEncodingTests
{
    [Fact]
    public async Task InvalidUtf8InAJsonlRowIsARowError()
    {
        var bytes = "{\"a\":\"ok\"}\n{\"a\":\""u8.ToArray().Concat(new byte[] { 0xe4, 0xb8 }).Concat("\"}\n{\"a\":1}\n"u8.ToArray()).ToArray();
        var rows = new List<ImportRow>();
        await foreach (var r in TaskImport.ReadAsync(new MemoryStream(bytes), ImportFormat.Jsonl, CancellationToken.None))
        {
            rows.Add(r);
        }

        Assert.Equal(3, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal(ImportError.Of(2, null, "the row is not valid UTF-8", ImportErrorCodes.NotUtf8), rows[1].Error);
        Assert.Null(rows[2].Error);
    }
}

using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.Formats;

public class CsvImportTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public async Task CsvHandlesQuotingEmbeddedNewlinesBomAndChinese(int chunk)
    {
        var content = "\uFEFFtext,key,priority,note\r\n"
            + "你好，世界 😀,k1,2,plain\r\n"
            + "\"a, \"\"quoted\"\" b\",,,\"line one\nline two\"\r\n"
            + "\r\n"
            + "\"\",k3,-1,\n"
            + "last,k4,0,\"end\"";
        var rows = await ReadAllAsync(content, ImportFormat.Csv, chunk: chunk);

        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Equal([2, 3, 6, 7], rows.Select(r => r.Line));
        Assert.Equal([0, 1, 2, 3], rows.Select(r => r.Index));
        Assert.Equal("{\"text\":\"你好，世界 😀\",\"note\":\"plain\"}", Normalise(rows[0].DataJsonString));
        Assert.Equal("k1", rows[0].Key);
        Assert.Equal(2, rows[0].Priority);
        Assert.Equal("{\"text\":\"a, \\\"quoted\\\" b\",\"note\":\"line one\\nline two\"}", rows[1].DataJsonString);
        Assert.Null(rows[1].Key);
        Assert.Equal(0, rows[1].Priority);
        Assert.Equal("{\"text\":\"\",\"note\":\"\"}", rows[2].DataJsonString);
        Assert.Equal(-1, rows[2].Priority);
        Assert.Equal("{\"text\":\"last\",\"note\":\"end\"}", rows[3].DataJsonString);
    }

    [Fact]
    public async Task RaggedRowsAndBadPriorityAreReportedAtTheLineWhereTheRecordStarts()
    {
        var content = "text,priority\n"
            + "\"multi\nline\",1\n"
            + "only-one-field\n"
            + "x,high\n"
            + "a,1,extra\n"
            + "ok,5\n";
        var rows = await ReadAllAsync(content, ImportFormat.Csv);

        Assert.Equal(5, rows.Count);
        Assert.Null(rows[0].Error);
        Assert.Equal(ImportError.Of(4, null, "row has 1 fields but the header has 2", ImportErrorCodes.CsvColumns, ("count", 1), ("expected", 2)), rows[1].Error);
        Assert.Equal(ImportError.Of(5, "priority", "priority 'high' is not an integer", ImportErrorCodes.PriorityInvalid, ("value", "high")), rows[2].Error);
        Assert.Equal(ImportError.Of(6, null, "row has 3 fields but the header has 2", ImportErrorCodes.CsvColumns, ("count", 3), ("expected", 2)), rows[3].Error);
        Assert.Null(rows[4].Error);
        Assert.Equal(5, rows[4].Priority);
        Assert.Equal(7, rows[4].Line);
    }

    [Fact]
    public async Task UnclosedQuoteAndTextAfterQuoteAreRowErrors()
    {
        var content = "a,b\n\"x\"y,1\nfine,2\n\"never closed,3\n";
        var rows = await ReadAllAsync(content, ImportFormat.Csv);

        Assert.Equal(3, rows.Count);
        Assert.Equal(ImportError.Of(2, null, "unexpected text after a closing quote", ImportErrorCodes.CsvTextAfterQuote), rows[0].Error);
        Assert.Equal("{\"a\":\"fine\",\"b\":\"2\"}", rows[1].DataJsonString);
        Assert.Equal(ImportError.Of(4, null, "a quoted field is not closed before the end of the file", ImportErrorCodes.CsvUnclosedQuote), rows[2].Error);
    }

    [Fact]
    public async Task QuotedEmptyFieldAloneOnALineIsARowNotABlankLine()
    {
        var rows = await ReadAllAsync("only\n\"\"\n\nx\n", ImportFormat.Csv);

        Assert.Equal(["{\"only\":\"\"}", "{\"only\":\"x\"}"], rows.Select(r => r.DataJsonString));
        Assert.Equal([2, 4], rows.Select(r => r.Line));
    }

    [Fact]
    public async Task DuplicateHeaderIsReportedOnce()
    {
        var rows = await ReadAllAsync("a,b,a\n1,2,3\n", ImportFormat.Csv);

        var row = Assert.Single(rows);
        Assert.Equal(ImportError.Of(1, "a", "the header names column 'a' twice", ImportErrorCodes.CsvHeaderRepeated, ("name", "a")), row.Error);
    }

    [Fact]
    public async Task TsvSplitsOnTabsAndKeepsCommas()
    {
        var rows = await ReadAllAsync("text\tlabel\n北京, 上海\tcity\n", ImportFormat.Tsv, chunk: 2);

        var row = Assert.Single(rows);
        Assert.Equal("{\"text\":\"北京, 上海\",\"label\":\"city\"}", row.DataJsonString);
    }

    [Fact]
    public async Task InvalidUtf8IsReportedOnItsColumn()
    {
        var bytes = "a,b\nok,"u8.ToArray().Concat(new byte[] { 0xff, 0xfe, (byte)'\n' }).ToArray();
        var rows = new List<ImportRow>();
        await foreach (var r in TaskImport.ReadAsync(new MemoryStream(bytes), ImportFormat.Csv, CancellationToken.None))
        {
            rows.Add(r);
        }

        var row = Assert.Single(rows);
        Assert.Equal(ImportError.Of(2, "b", "the value is not valid UTF-8", ImportErrorCodes.NotUtf8), row.Error);
    }

    private static string Normalise(string s) => s;
}

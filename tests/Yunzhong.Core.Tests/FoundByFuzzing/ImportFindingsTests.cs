using System.Text;
using System.Text.Json;
using Yunzhong.Core.Formats;
using static Yunzhong.Core.Tests.Formats.FormatTestHelpers;

namespace Yunzhong.Core.Tests.FoundByFuzzing;

/// <summary>
/// What the import fuzz targets (tests/Yunzhong.Fuzz, docs/fuzzing.md) found in the task readers,
/// one behaviour per test. Each input is the fuzzer's reproducer, cut down by hand.
/// </summary>
public class ImportFindingsTests
{
    [Theory]
    [InlineData("{\"key\":\"\\ud800\",\"data\":{\"a\":1}}")]                              // lone high surrogate in the key
    [InlineData("{\"data\":{\"a\":\"x\\udc00\"}}")]                                       // lone low surrogate in the data
    [InlineData("{\"data\":{\"a\":1},\"predictions\":[{\"model\":\"\\ud83d\",\"result\":{}}]}")] // in a prediction's author
    public async Task JsonlRowWithALoneSurrogateEscapeIsAnErrorRowNotAnException(string row)
    {
        var rows = await ReadAllAsync(row + "\n{\"a\":2}\n", ImportFormat.Jsonl);

        Assert.Equal(2, rows.Count);
        Assert.Contains("lone surrogate", rows[0].Error!.Message);
        Assert.Equal(1, rows[0].Error!.Line);
        Assert.Null(rows[1].Error);
    }

    [Fact]
    public async Task PairedSurrogateEscapesStillImport()
    {
        var rows = await ReadAllAsync("{\"data\":{\"a\":\"\\ud83d\\ude00 \\\\ud800\"}}\n", ImportFormat.Jsonl);

        Assert.Null(rows[0].Error);
        using var doc = JsonDocument.Parse(rows[0].DataJson);
        Assert.Equal("😀 \\ud800", doc.RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public async Task LabelStudioTaskWithALoneSurrogateEscapeIsAnErrorRowNotAnException()
    {
        var options = new ImportOptions(Json(Formats.LabelStudioTests.SchemaJson));
        var rows = await ReadAllAsync("[{\"id\":1,\"data\":{\"text\":\"a\"},\"annotations\":[{\"result\":[{\"type\":\"\\udc00\"}]}]}]", ImportFormat.LabelStudio, options);

        Assert.Single(rows);
        Assert.Contains("lone surrogate", rows[0].Error!.Message);
    }

    [Fact]
    public async Task APredictionScoreTooLargeForADoubleIsAnErrorNotInfinity()
    {
        var rows = await ReadAllAsync("{\"data\":{\"a\":1},\"predictions\":[{\"score\":1e309,\"result\":{}}]}\n", ImportFormat.Jsonl);

        Assert.Equal(ImportError.Of(1, "predictions", "predictions[0].score must be a finite number", ImportErrorCodes.ScoreInvalid, ("item", 1)), rows[0].Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task AJsonlLineOfExactlyMaxRowBytesIsAcceptedWhateverTheReadSize(int chunk)
    {
        var line = "{\"a\":\"" + new string('x', 100 - 8) + "\"}";
        Assert.Equal(100, Encoding.UTF8.GetByteCount(line));

        var rows = await ReadAllAsync(line + "\n{\"a\":2}\n", ImportFormat.Jsonl, new ImportOptions { MaxRowBytes = 100 }, chunk);

        Assert.All(rows, r => Assert.Null(r.Error));
        Assert.Equal(2, rows.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(16)]
    public async Task OverlongItemsStopTheReadWhetherOrNotTheyAreAlreadyInTheBuffer(int chunk)
    {
        // Before: an item already in the buffer was an error and reading went on, one still arriving
        // stopped the read, so the rows depended on how the network split the body.
        var big = new string('x', 500);
        var csv = await ReadAllAsync($"a\n{big}\nok\n", ImportFormat.Csv, new ImportOptions { MaxRowBytes = 100 }, chunk);
        var json = await ReadAllAsync($"[\"{big}\",\n{{\"a\":1}}]", ImportFormat.Json, new ImportOptions { MaxRowBytes = 100 }, chunk);

        Assert.Equal([ImportError.Of(2, null, "a record is longer than 100 bytes", ImportErrorCodes.RowTooLong, ("max", 100))], csv.Select(r => r.Error));
        Assert.Equal([ImportError.Of(1, null, "an item is longer than 100 bytes", ImportErrorCodes.RowTooLong, ("max", 100))], json.Select(r => r.Error));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    public async Task AnOverlongJsonItemIsTooLongEvenWhenItIsAlsoBrokenPastTheLimit(int chunk)
    {
        // The syntax error sits past the limit: read whole, the parser used to reach it first.
        var content = "[\n  {\"key\": \"librivox-0870\",[]\n]";
        var rows = await ReadAllAsync(content, ImportFormat.Json, new ImportOptions { MaxRowBytes = 17 }, chunk);

        Assert.Equal(["an item is longer than 17 bytes"], rows.Select(r => r.Error?.Message));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public async Task ACsvWhoseHeaderIsBrokenStopsInsteadOfTakingTheNextRowForTheHeader(int chunk)
    {
        var rows = await ReadAllAsync("\"text\"x,key\nhello,k1\nworld,k2\n", ImportFormat.Csv, chunk: chunk);

        Assert.Equal([ImportError.Of(1, null, "unexpected text after a closing quote", ImportErrorCodes.CsvTextAfterQuote)], rows.Select(r => r.Error));
        Assert.Equal([0], rows.Select(r => r.Index));
    }

    [Theory]
    [InlineData(ImportFormat.Jsonl, 4096)]
    [InlineData(ImportFormat.Json, 4096)]
    [InlineData(ImportFormat.LabelStudio, 4096)]
    [InlineData(ImportFormat.Csv, 4096)]
    [InlineData(ImportFormat.Tsv, 1000)]
    public async Task ALongRowReadInSmallPiecesGivesTheSameRowAsReadWhole(ImportFormat format, int chunk)
    {
        // The readers now wait for the buffered bytes to double before parsing a row again (it was
        // quadratic in the row's length); the row must come out the same.
        var text = string.Concat(Enumerable.Repeat("张三😀 \"q\" ", 20_000));
        var quoted = text.Replace("\"", "\"\"", StringComparison.Ordinal);
        var content = format switch
        {
            ImportFormat.Csv => $"key,text\nk1,\"{quoted}\"\nk2,short\n",
            ImportFormat.Tsv => $"key\ttext\nk1\t\"{quoted}\"\nk2\tshort\n",
            ImportFormat.Jsonl => $"{{\"key\":\"k1\",\"data\":{{\"text\":{JsonSerializer.Serialize(text)}}}}}\n{{\"key\":\"k2\",\"data\":{{\"text\":\"short\"}}}}\n",
            _ => $"[{{\"id\":\"k1\",\"data\":{{\"text\":{JsonSerializer.Serialize(text)}}}}},\n{{\"id\":\"k2\",\"data\":{{\"text\":\"short\"}}}}]",
        };
        var options = new ImportOptions(format == ImportFormat.LabelStudio ? Json(Formats.LabelStudioTests.SchemaJson) : null);

        var whole = await ReadAllAsync(content, format, options);
        var pieces = await ReadAllAsync(content, format, options, chunk);

        Assert.Equal(2, whole.Count);
        Assert.All(whole, r => Assert.Null(r.Error));
        Assert.Equal(text, JsonDocument.Parse(whole[0].DataJson).RootElement.GetProperty("text").GetString());
        Assert.Equal(whole.Select(r => (r.Key, r.Line, r.DataJsonString)), pieces.Select(r => (r.Key, r.Line, r.DataJsonString)));
    }
}

using System.Text;
using System.Text.Json;
using Yunzhong.Core.Formats;

using Yunzhong.Testing;

namespace Yunzhong.Core.Tests.Formats;

internal static class FormatTestHelpers
{
    public static async Task<List<ImportRow>> ReadAllAsync(string content, ImportFormat format, ImportOptions? options = null, int chunk = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        Stream stream = chunk > 0 ? new TrickleStream(bytes, chunk) : new MemoryStream(bytes);
        var rows = new List<ImportRow>();
        await foreach (var row in TaskImport.ReadAsync(stream, format, options ?? new ImportOptions(), CancellationToken.None))
        {
            rows.Add(row);
        }

        return rows;
    }

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static void AssertJsonEqual(string expected, string actual)
    {
        var e = Json(expected);
        var a = Json(actual);
        Assert.True(JsonElement.DeepEquals(e, a), $"expected {expected}\nactual   {actual}");
    }
}


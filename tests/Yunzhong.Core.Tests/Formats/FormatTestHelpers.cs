using System.Text;
using System.Text.Json;
using Yunzhong.Core.Formats;

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

/// <summary>Hands out at most a few bytes per read, to push every buffer boundary through the readers.</summary>
internal sealed class TrickleStream(byte[] data, int chunk) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(count, chunk), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

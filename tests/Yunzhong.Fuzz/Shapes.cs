using System.IO.Compression;
using System.Text;
using Yunzhong.Core.Formats;

namespace Yunzhong.Fuzz;

/// <summary>Inputs that grow with n, for the scaling check.</summary>
public static class Shapes
{
    private const string TaskText = "张三在阿里巴巴工作 😀 and some plain words, \\\"quoted\\\" too";

    public static byte[] Rows(ImportFormat format, int n)
    {
        var sb = new StringBuilder();
        switch (format)
        {
            case ImportFormat.Csv:
            case ImportFormat.Tsv:
                var d = format == ImportFormat.Csv ? ',' : '\t';
                sb.Append($"key{d}priority{d}text\n");
                for (var i = 0; i < n; i++)
                {
                    sb.Append($"k{i}{d}{i % 5}{d}\"{TaskText.Replace("\\\"", "\"\"", StringComparison.Ordinal)}\"\n");
                }
                break;
            case ImportFormat.Jsonl:
                for (var i = 0; i < n; i++)
                {
                    sb.Append($"{{\"key\":\"k{i}\",\"priority\":{i % 5},\"data\":{{\"text\":\"{TaskText}\"}}}}\n");
                }
                break;
            default:
                sb.Append('[');
                for (var i = 0; i < n; i++)
                {
                    sb.Append(i == 0 ? "" : ",\n").Append(format == ImportFormat.LabelStudio
                        ? $"{{\"id\":{i},\"data\":{{\"text\":\"{TaskText}\"}}}}"
                        : $"{{\"key\":\"k{i}\",\"priority\":{i % 5},\"data\":{{\"text\":\"{TaskText}\"}}}}");
                }
                sb.Append(']');
                break;
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>One row whose text is n bytes: how a reader copes with a row that spans many reads.</summary>
    public static byte[] LongRow(ImportFormat format, int n)
    {
        var text = new string('x', n);
        return Encoding.UTF8.GetBytes(format switch
        {
            ImportFormat.Csv => $"key,text\nk1,\"{text}\"\n",
            ImportFormat.Tsv => $"key\ttext\nk1\t{text}\n",
            ImportFormat.Jsonl => $"{{\"key\":\"k1\",\"data\":{{\"text\":\"{text}\"}}}}\n",
            _ => $"[{{\"id\":1,\"data\":{{\"text\":\"{text}\"}}}}]",
        });
    }

    public static byte[] LabelStudioResults(int n)
    {
        var text = string.Concat(Enumerable.Repeat("张三在阿里巴巴工作。", n / 2 + 1));
        var items = new List<string>();
        for (var i = 0; i < n; i++)
        {
            items.Add($"{{\"id\":\"e{i}\",\"from_name\":\"entities\",\"to_name\":\"text\",\"type\":\"labels\",\"value\":{{\"start\":{i * 2},\"end\":{i * 2 + 2},\"labels\":[\"PER\"]}}}}");
        }
        for (var i = 1; i < n; i++)
        {
            items.Add($"{{\"from_id\":\"e{i - 1}\",\"to_id\":\"e{i}\",\"type\":\"relation\",\"labels\":[\"works_for\"]}}");
        }
        return Encoding.UTF8.GetBytes($"[{{\"id\":1,\"data\":{{\"text\":\"{text}\"}},\"annotations\":[{{\"result\":[{string.Join(",", items)}]}}]}}]");
    }

    public static byte[] SchemaControls(int n) => Encoding.UTF8.GetBytes(
        "{\"fields\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => $"{{\"name\":\"f{i}\",\"type\":\"text\"}}"))
        + "],\"controls\":[" + string.Join(",", Enumerable.Range(0, n).Select(i => i % 2 == 0
            ? $"{{\"name\":\"c{i}\",\"type\":\"spans\",\"field\":\"f{i}\",\"labels\":[\"A\",\"B\"]}}"
            : $"{{\"name\":\"c{i}\",\"type\":\"relations\",\"spans\":\"c{i - 1}\",\"labels\":[\"r\"]}}")) + "]}");

    public static byte[] SchemaLabels(int n) => Encoding.UTF8.GetBytes(
        "{\"fields\":[{\"name\":\"t\",\"type\":\"text\"}],\"controls\":[{\"name\":\"c\",\"type\":\"choices\",\"field\":\"t\",\"options\":["
        + string.Join(",", Enumerable.Range(0, n).Select(i => $"\"o{i}\"")) + "]}]}");

    /// <summary>A result for the all-controls schema with n spans over the task text and a relation between each pair in turn.</summary>
    public static byte[] SpansAndRelations(int n)
    {
        // The all-controls task text is "😀张三在阿里巴巴工作" (10 code points): the spans overlap freely.
        var spans = Enumerable.Range(0, n).Select(i => $"{{\"id\":\"s{i}\",\"start\":{i % 9},\"end\":{i % 9 + 1},\"label\":\"PER\"}}");
        var links = Enumerable.Range(1, n - 1).Select(i => $"{{\"from\":\"s{i - 1}\",\"to\":\"s{i}\",\"label\":\"works_for\"}}");
        return Encoding.UTF8.GetBytes($"{{\"entities\":[{string.Join(",", spans)}],\"links\":[{string.Join(",", links)}]}}");
    }

    public static byte[] Polygon(int n) => Encoding.UTF8.GetBytes(
        "{\"shapes\":[{\"id\":\"p1\",\"label\":\"road\",\"points\":["
        + string.Join(",", Enumerable.Range(0, n).Select(i => $"[{i % 640},{(i * 7) % 480}]")) + "]}]}");

    public static byte[] Mp4Brands(int n)
    {
        var b = new byte[16 + 4 * n];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(b, (uint)b.Length);
        "ftypqt  \0\0\0\0"u8.CopyTo(b.AsSpan(4));
        for (var i = 0; i < n; i++)
        {
            "abcd"u8.CopyTo(b.AsSpan(16 + 4 * i));
        }
        "isom"u8.CopyTo(b.AsSpan(b.Length - 4));
        return b;
    }

    public static byte[] JpegSegments(int n)
    {
        var b = new List<byte> { 0xFF, 0xD8 };
        for (var i = 0; i < n; i++)
        {
            b.AddRange([0xFF, 0xE1, 0, 10, 1, 2, 3, 4, 5, 6, 7, 8]);
        }
        b.AddRange([0xFF, 0xC0, 0, 17, 8, 1, 0, 2, 0, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]);
        return [.. b];
    }

    public static byte[] Zip(int n, byte[] content)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < n; i++)
            {
                using var s = zip.CreateEntry($"dir/{i}.bin", CompressionLevel.Fastest).Open();
                s.Write(content);
            }
        }
        return ms.ToArray();
    }
}

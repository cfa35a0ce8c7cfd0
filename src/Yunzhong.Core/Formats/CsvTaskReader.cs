using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace Yunzhong.Core.Formats;

/// <summary>
/// RFC 4180 reader for CSV and TSV task files: a header row names the data fields; <c>key</c>
/// and <c>priority</c> columns are taken out of the data; every other value becomes a JSON string.
/// </summary>
internal static class CsvTaskReader
{
    private readonly record struct Field(int Start, int Length, bool HasEscapedQuotes, bool Quoted = false);

    public static async IAsyncEnumerable<ImportRow> ReadAsync(
        Stream input, byte delimiter, int maxRowBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var fields = new List<Field>();
        var output = new ArrayBufferWriter<byte>(1024);
        Header? header = null;
        try
        {
            int start = 0, end = 0, line = 1, index = 0;
            var eof = false;
            var first = true;
            while (true)
            {
                if (first && (end - start >= 3 || eof))
                {
                    if (buffer.AsSpan(start, end - start).StartsWith("\uFEFF"u8))
                    {
                        start += 3;
                    }

                    first = false;
                }

                string? error = null;
                // At most one byte past the limit, whatever was read: see TaskImport's JSON array reader.
                var window = Math.Min(end - start, maxRowBytes + 1);
                var consumed = first ? -1 : TryParseRecord(buffer.AsSpan(start, window), eof && window == end - start, delimiter, fields, out error);
                if (consumed < 0)
                {
                    if (end - start > maxRowBytes)
                    {
                        yield return ImportRow.Fail(line, index, null, $"a record is longer than {maxRowBytes} bytes", ImportErrorCodes.RowTooLong, ("max", maxRowBytes));
                        yield break;
                    }

                    if (eof)
                    {
                        yield break;
                    }

                    // The record is split again from its first byte; see ReadMoreAsync for why not after every read.
                    (buffer, start, end, eof) = await TaskImport.ReadMoreAsync(input, buffer, start, end, maxRowBytes, ct).ConfigureAwait(false);
                    continue;
                }

                var record = buffer.AsSpan(start, consumed);
                var recordLine = line;
                line += record.Count((byte)'\n');
                start += consumed;

                if (consumed > maxRowBytes)
                {
                    // Reading stops here as it does when the record is still arriving, so the rows do
                    // not depend on how the stream splits its reads (found by fuzzing).
                    yield return ImportRow.Fail(recordLine, index, null, $"a record is longer than {maxRowBytes} bytes", ImportErrorCodes.RowTooLong, ("max", maxRowBytes));
                    yield break;
                }

                if (error is not null)
                {
                    yield return ImportRow.Fail(recordLine, index++, null, error,
                        error == UnclosedQuote ? ImportErrorCodes.CsvUnclosedQuote : ImportErrorCodes.CsvTextAfterQuote);
                    if (header is null)
                    {
                        // A broken header names no columns, and taking the next record as the header
                        // would read the file wrongly (found by fuzzing).
                        yield break;
                    }

                    continue;
                }

                if (fields.Count == 1 && fields[0].Length == 0 && !fields[0].Quoted)
                {
                    continue; // blank line
                }

                if (header is null)
                {
                    header = Header.Create(record, fields, out var headerError);
                    if (headerError is not null)
                    {
                        yield return new ImportRow { Line = recordLine, Index = 0, Error = headerError with { Line = recordLine } };
                        yield break;
                    }

                    continue;
                }

                var row = BuildRow(record, fields, header, recordLine, index, output);
                index++;
                ct.ThrowIfCancellationRequested();
                yield return row;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private sealed class Header
    {
        public required string[] Names { get; init; }
        public required byte[][] JsonNames { get; init; }
        public int KeyColumn { get; init; } = -1;
        public int PriorityColumn { get; init; } = -1;

        public static Header? Create(ReadOnlySpan<byte> record, List<Field> fields, out ImportError? error)
        {
            error = null;
            var names = new string[fields.Count];
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int key = -1, priority = -1;
            for (var i = 0; i < fields.Count; i++)
            {
                var name = Decode(record, fields[i]).Trim();
                if (name.Length == 0)
                {
                    error = ImportError.Of(1, null, $"column {i + 1} of the header has no name", ImportErrorCodes.CsvHeaderUnnamed, ("column", i + 1));
                    return null;
                }

                if (!seen.Add(name))
                {
                    error = ImportError.Of(1, name, $"the header names column '{name}' twice", ImportErrorCodes.CsvHeaderRepeated, ("name", name));
                    return null;
                }

                names[i] = name;
                if (name == "key")
                {
                    key = i;
                }
                else if (name == "priority")
                {
                    priority = i;
                }
            }

            return new Header
            {
                Names = names,
                JsonNames = Array.ConvertAll(names, n => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(n, JsonBytes.SerializerOptions))),
                KeyColumn = key,
                PriorityColumn = priority,
            };
        }
    }

    private static ImportRow BuildRow(
        ReadOnlySpan<byte> record, List<Field> fields, Header header, int line, int index,
        ArrayBufferWriter<byte> output)
    {
        if (fields.Count != header.Names.Length)
        {
            return ImportRow.Fail(line, index, null, $"row has {fields.Count} fields but the header has {header.Names.Length}",
                ImportErrorCodes.CsvColumns, ("count", fields.Count), ("expected", header.Names.Length));
        }

        string? key = null;
        var priority = 0;
        output.ResetWrittenCount();
        output.Write("{"u8);
        var firstField = true;
        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            if (i == header.KeyColumn)
            {
                var k = Decode(record, f);
                key = k.Length == 0 ? null : k;
                continue;
            }

            if (i == header.PriorityColumn)
            {
                var p = Decode(record, f).Trim();
                if (p.Length > 0 && !int.TryParse(p, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out priority))
                {
                    return ImportRow.Fail(line, index, "priority", $"priority '{p}' is not an integer", ImportErrorCodes.PriorityInvalid, ("value", p));
                }

                continue;
            }

            var raw = record.Slice(f.Start, f.Length);
            if (!Utf8.IsValid(raw))
            {
                return ImportRow.Fail(line, index, header.Names[i], "the value is not valid UTF-8", ImportErrorCodes.NotUtf8);
            }

            if (!firstField)
            {
                output.Write(","u8);
            }

            firstField = false;
            output.Write(header.JsonNames[i]);
            output.Write(":"u8);
            WriteJsonString(output, raw, f.HasEscapedQuotes);
        }

        output.Write("}"u8);
        return new ImportRow { Line = line, Index = index, Key = key, Priority = priority, DataJson = output.WrittenSpan.ToArray() };
    }

    private static readonly SearchValues<byte> _needsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    // Hand-written so that non-ASCII text (emoji included) stays as UTF-8 instead of \u escapes.
    private static void WriteJsonString(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> raw, bool doubledQuotes)
    {
        output.Write("\""u8);
        while (!raw.IsEmpty)
        {
            var j = raw.IndexOfAny(_needsEscape);
            if (j < 0)
            {
                output.Write(raw);
                break;
            }

            output.Write(raw[..j]);
            var c = raw[j];
            raw = raw[(j + 1)..];
            switch (c)
            {
                case (byte)'"':
                    output.Write("\\\""u8);
                    if (doubledQuotes && !raw.IsEmpty && raw[0] == (byte)'"')
                    {
                        raw = raw[1..];
                    }

                    break;
                case (byte)'\\':
                    output.Write("\\\\"u8);
                    break;
                case (byte)'\n':
                    output.Write("\\n"u8);
                    break;
                case (byte)'\r':
                    output.Write("\\r"u8);
                    break;
                case (byte)'\t':
                    output.Write("\\t"u8);
                    break;
                default:
                    output.Write("\\u00"u8);
                    output.Write([HexDigit(c >> 4), HexDigit(c & 0xf)]);
                    break;
            }
        }

        output.Write("\""u8);
    }

    private static byte HexDigit(int v) => (byte)(v < 10 ? '0' + v : 'a' + v - 10);

    private static string Decode(ReadOnlySpan<byte> record, Field f)
    {
        var raw = record.Slice(f.Start, f.Length);
        var text = Encoding.UTF8.GetString(raw);
        return f.HasEscapedQuotes ? text.Replace("\"\"", "\"", StringComparison.Ordinal) : text;
    }

    private const string UnclosedQuote = "a quoted field is not closed before the end of the file";

    /// <summary>
    /// Splits one record. Returns the bytes consumed (through its line break), or -1 when the
    /// record is not complete in <paramref name="data"/> and more input may come.
    /// </summary>
    private static int TryParseRecord(ReadOnlySpan<byte> data, bool isFinal, byte delimiter, List<Field> fields, out string? error)
    {
        fields.Clear();
        error = null;
        var pos = 0;
        if (data.IsEmpty)
        {
            return -1;
        }

        while (true)
        {
            if (pos < data.Length && data[pos] == (byte)'"')
            {
                var contentStart = pos + 1;
                var i = contentStart;
                var escaped = false;
                while (true)
                {
                    var q = data[i..].IndexOf((byte)'"');
                    if (q < 0)
                    {
                        if (!isFinal)
                        {
                            return -1;
                        }

                        error = UnclosedQuote;
                        return data.Length;
                    }

                    i += q;
                    if (i + 1 < data.Length && data[i + 1] == (byte)'"')
                    {
                        escaped = true;
                        i += 2;
                        continue;
                    }

                    if (i + 1 >= data.Length && !isFinal)
                    {
                        return -1; // the next byte may be a second quote
                    }

                    break;
                }

                fields.Add(new Field(contentStart, i - contentStart, escaped, Quoted: true));
                pos = i + 1;
                if (pos >= data.Length)
                {
                    return pos;
                }

                var c = data[pos];
                if (c == delimiter)
                {
                    pos++;
                    continue;
                }

                if (c == (byte)'\n')
                {
                    return pos + 1;
                }

                if (c == (byte)'\r')
                {
                    if (pos + 1 >= data.Length)
                    {
                        return isFinal ? pos + 1 : -1;
                    }

                    if (data[pos + 1] == (byte)'\n')
                    {
                        return pos + 2;
                    }
                }

                // Text after a closing quote: report it, and skip the rest of the line.
                var nl = data[pos..].IndexOf((byte)'\n');
                if (nl < 0 && !isFinal)
                {
                    return -1;
                }

                error = "unexpected text after a closing quote";
                return nl < 0 ? data.Length : pos + nl + 1;
            }

            var rest = data[pos..];
            var stop = rest.IndexOfAny(delimiter, (byte)'\n');
            if (stop < 0)
            {
                if (!isFinal)
                {
                    return -1;
                }

                fields.Add(new Field(pos, TrimCr(rest), false));
                return data.Length;
            }

            if (rest[stop] == delimiter)
            {
                fields.Add(new Field(pos, stop, false));
                pos += stop + 1;
                continue;
            }

            fields.Add(new Field(pos, TrimCr(rest[..stop]), false));
            return pos + stop + 1;
        }
    }

    private static int TrimCr(ReadOnlySpan<byte> field) =>
        field.Length > 0 && field[^1] == (byte)'\r' ? field.Length - 1 : field.Length;
}

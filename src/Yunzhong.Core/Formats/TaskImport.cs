using System.Buffers;
using System.Runtime.CompilerServices;

namespace Yunzhong.Core.Formats;

/// <summary>
/// Reads task import files row by row. Memory: one pooled buffer that grows only to the largest
/// single row (JSONL line, JSON array item or CSV record), plus the rows the caller still holds;
/// the file is never held whole.
/// </summary>
public static class TaskImport
{
    private const int InitialBufferSize = 64 * 1024;

    /// <summary>
    /// Reads tasks from <paramref name="input"/>. Row-level problems (bad JSON, a row that is not
    /// an object, a wrong type for <c>priority</c>, a ragged CSV row) come back as rows with
    /// <see cref="ImportRow.Error"/> set and reading goes on; deciding to stop is the caller's.
    /// A JSON array that stops being valid JSON yields one error row and ends, because there is
    /// no line boundary to resume at.
    /// <para>JSON and JSONL rows: an object with a <c>data</c> key is an envelope
    /// <c>{ data: {...}, key?, priority?, gold?: {native result}, predictions?: [{result, model?,
    /// score?}], annotations?: [{result, annotator?}] }</c> (other keys are ignored); an object
    /// without <c>data</c> is itself the data. CSV/TSV: the header names the data fields; the
    /// <c>key</c> and <c>priority</c> columns are taken out of the data; every other value becomes
    /// a JSON string; blank lines are skipped. Lines count from 1 and count every physical line,
    /// so a CSV record with an embedded line break moves the next record's line on.</para>
    /// </summary>
    public static IAsyncEnumerable<ImportRow> ReadAsync(Stream input, ImportFormat format, CancellationToken ct) =>
        ReadAsync(input, format, new ImportOptions(), ct);

    /// <summary>
    /// As <see cref="ReadAsync(Stream, ImportFormat, CancellationToken)"/>, with the schema and
    /// media look-up that Label Studio files need to convert their results.
    /// </summary>
    public static IAsyncEnumerable<ImportRow> ReadAsync(
        Stream input, ImportFormat format, ImportOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        return format switch
        {
            ImportFormat.Jsonl => ReadJsonlAsync(input, options.MaxRowBytes, ct),
            ImportFormat.Json => ReadJsonArrayAsync(input, null, options.MaxRowBytes, ct),
            ImportFormat.LabelStudio => ReadJsonArrayAsync(input, options, options.MaxRowBytes, ct),
            ImportFormat.Csv => CsvTaskReader.ReadAsync(input, (byte)',', options.MaxRowBytes, ct),
            ImportFormat.Tsv => CsvTaskReader.ReadAsync(input, (byte)'\t', options.MaxRowBytes, ct),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown import format"),
        };
    }

    /// <summary>
    /// Guesses a file's format from its name and first bytes (a few KiB are enough); null when
    /// neither tells. A <c>.json</c> array whose first task carries Label Studio result arrays
    /// (<c>"result": [</c>, <c>from_name</c>) is <see cref="ImportFormat.LabelStudio"/>.
    /// </summary>
    public static ImportFormat? Detect(string fileName, ReadOnlySpan<byte> head)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        switch (ext)
        {
            case ".jsonl":
            case ".ndjson":
                return ImportFormat.Jsonl;
            case ".csv":
                return ImportFormat.Csv;
            case ".tsv":
            case ".tab":
                return ImportFormat.Tsv;
        }

        if (head.StartsWith("\uFEFF"u8))
        {
            head = head[3..];
        }

        var trimmed = head.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return ext == ".json" ? ImportFormat.Json : null;
        }

        if (trimmed[0] == (byte)'[')
        {
            return LooksLikeLabelStudio(trimmed) ? ImportFormat.LabelStudio : ImportFormat.Json;
        }

        if (trimmed[0] == (byte)'{')
        {
            // A .json file holding one task object (or several, one after another) rather than an
            // array: Label Studio writes a single task that way. Other names keep one object a line.
            if (ext == ".json")
            {
                return LooksLikeLabelStudio(trimmed) ? ImportFormat.LabelStudio : ImportFormat.Json;
            }

            return ImportFormat.Jsonl;
        }

        return null;
    }

    private static bool LooksLikeLabelStudio(ReadOnlySpan<byte> head)
    {
        if (head.IndexOf("\"from_name\""u8) >= 0)
        {
            return true;
        }

        // Our envelope has "result": {...}; Label Studio's has "result": [...].
        var at = head.IndexOf("\"result\""u8);
        while (at >= 0)
        {
            var rest = head[(at + 8)..].TrimStart(" \t\r\n"u8);
            if (rest.Length > 1 && rest[0] == (byte)':' && rest[1..].TrimStart(" \t\r\n"u8) is [(byte)'[', ..])
            {
                return true;
            }

            var next = head[(at + 8)..].IndexOf("\"result\""u8);
            at = next < 0 ? -1 : at + 8 + next;
        }

        return false;
    }

    private static async IAsyncEnumerable<ImportRow> ReadJsonlAsync(
        Stream input, int maxRowBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            int start = 0, end = 0, line = 0, index = 0;
            var eof = false;
            var first = true;
            var skipping = false;
            // Bytes after start already searched for the line break: a line that spans many reads is
            // searched once, not again from its start after every read (which made a long line cost
            // quadratic time on a stream that hands out a few KiB per read; found by fuzzing).
            var searched = 0;
            while (true)
            {
                if (skipping)
                {
                    // Dropping the rest of a line that was too long, without keeping it.
                    var rest = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                    if (rest >= 0)
                    {
                        start += rest + 1;
                        skipping = false;
                        continue;
                    }

                    start = end = 0;
                    if (eof)
                    {
                        yield break;
                    }

                    var m = await input.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
                    eof = m == 0;
                    end = m;
                    continue;
                }

                var nl = eof && start >= end ? -1 : buffer.AsSpan(start + searched, end - start - searched).IndexOf((byte)'\n');
                nl = nl < 0 ? -1 : nl + searched;
                int lineLength;
                if (nl >= 0)
                {
                    lineLength = nl;
                }
                else if (eof)
                {
                    if (start >= end)
                    {
                        yield break;
                    }

                    lineLength = end - start;
                }
                else if (end - start > maxRowBytes)
                {
                    // Strictly longer: a line of exactly maxRowBytes whose break has not arrived yet is
                    // allowed, as it is when the break is already in the buffer.
                    line++;
                    first = false;
                    skipping = true;
                    start = end = searched = 0;
                    yield return ImportRow.Fail(line, index++, null, $"the line is longer than {maxRowBytes} bytes", ImportErrorCodes.RowTooLong, ("max", maxRowBytes));
                    continue;
                }
                else
                {
                    searched = end - start;
                    (buffer, start, end) = Compact(buffer, start, end);
                    var n = await input.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        eof = true;
                    }

                    end += n;
                    continue;
                }

                line++;
                var row = lineLength > maxRowBytes
                    ? ImportRow.Fail(line, index, null, $"the line is longer than {maxRowBytes} bytes", ImportErrorCodes.RowTooLong, ("max", maxRowBytes))
                    : ParseJsonlLine(buffer.AsSpan(start, lineLength), line, index, first);
                first = false;
                start += Math.Min(lineLength + 1, end - start);
                searched = 0;
                if (row is not null)
                {
                    index++;
                    ct.ThrowIfCancellationRequested();
                    yield return row;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ImportRow? ParseJsonlLine(ReadOnlySpan<byte> span, int line, int index, bool first)
    {
        if (first && span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        span = span.Trim(" \t\r"u8);
        return span.IsEmpty ? null : NativeTaskParser.Parse(span, line, index);
    }

    /// <summary>
    /// Reads until the unread bytes have doubled (or, at most, one past <paramref name="maxRowBytes"/>)
    /// or the input ends. For readers that parse a row again from its first byte after each read: with
    /// a stream that hands out a few KiB per read, parsing after every read made a long row cost
    /// quadratic time (a 2 MiB item took 29 ms, a 64 MiB one would take about 30 s; found by fuzzing);
    /// doubling keeps the total work within twice the row's length.
    /// </summary>
    internal static async ValueTask<(byte[] Buffer, int Start, int End, bool Eof)> ReadMoreAsync(
        Stream input, byte[] buffer, int start, int end, int maxRowBytes, CancellationToken ct)
    {
        var want = Math.Min(2L * (end - start), maxRowBytes + 1L);
        var eof = false;
        do
        {
            (buffer, start, end) = Compact(buffer, start, end);
            var n = await input.ReadAsync(buffer.AsMemory(end), ct).ConfigureAwait(false);
            eof = n == 0;
            end += n;
        }
        while (!eof && end - start < want);

        return (buffer, start, end, eof);
    }

    /// <summary>Moves unread bytes to the front and doubles the buffer when it is full.</summary>
    internal static (byte[] Buffer, int Start, int End) Compact(byte[] buffer, int start, int end)
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
            Buffer.BlockCopy(buffer, 0, bigger, 0, end);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }

        return (buffer, start, end);
    }

    private enum ArrayStep { NeedMore, Item, Skipped, End, Error }

    /// <summary>What a JSON file holds: not yet seen, an array of tasks, or task objects one after another.</summary>
    private enum Shape { Unknown, Array, Objects }

    private static async IAsyncEnumerable<ImportRow> ReadJsonArrayAsync(
        Stream input, ImportOptions? labelStudio, int maxRowBytes, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            int start = 0, end = 0, index = 0, lineAtStart = 1;
            var eof = false;
            var bomChecked = false;
            var shape = Shape.Unknown;
            // Several values one after another are read only in the Objects shape; an array stops at its end.
            var state = new JsonReaderState(new JsonReaderOptions { AllowMultipleValues = true });
            while (true)
            {
                if (!bomChecked && (end - start >= 3 || eof))
                {
                    if (buffer.AsSpan(start, end - start).StartsWith("\uFEFF"u8))
                    {
                        start += 3;
                    }

                    bomChecked = true;
                }

                // The parser sees at most one byte past the limit, as it would if the stream had handed
                // out no more yet: whether an over-long item ends in "too long" or in a syntax error
                // further on must not depend on the read sizes (found by fuzzing).
                var visible = Math.Min(end - start, maxRowBytes + 1);
                var step = bomChecked
                    ? NextArrayItem(buffer.AsSpan(start, visible), eof && visible == end - start, ref state, ref shape, out var itemStart, out var itemEnd, out var consumed, out var error)
                    : Unread(out itemStart, out itemEnd, out consumed, out error);
                if (step == ArrayStep.NeedMore)
                {
                    if (end - start > maxRowBytes)
                    {
                        yield return ImportRow.Fail(lineAtStart, index, null, $"an item is longer than {maxRowBytes} bytes", ImportErrorCodes.RowTooLong, ("max", maxRowBytes));
                        yield break;
                    }

                    if (eof)
                    {
                        yield return shape == Shape.Array
                            ? ImportRow.Fail(lineAtStart, index, null, "the JSON array is not closed", ImportErrorCodes.NotJson)
                            : ImportRow.Fail(lineAtStart, index, null, "the file is empty; expected a JSON array of tasks or a task object", ImportErrorCodes.NotTasks);
                        yield break;
                    }

                    (buffer, start, end, eof) = await ReadMoreAsync(input, buffer, start, end, maxRowBytes, ct).ConfigureAwait(false);
                    continue;
                }

                if (step == ArrayStep.Error)
                {
                    yield return new ImportRow { Line = error!.Line, Index = index, Error = error };
                    yield break;
                }

                if (step == ArrayStep.End)
                {
                    yield break;
                }

                var window = buffer.AsSpan(start, consumed);
                if (step == ArrayStep.Skipped)
                {
                    lineAtStart += window.Count((byte)'\n');
                    start += consumed;
                    continue;
                }

                var itemLine = lineAtStart + window[..itemStart].Count((byte)'\n');
                lineAtStart = itemLine + window[itemStart..].Count((byte)'\n');
                var item = window[itemStart..itemEnd];
                if (consumed > maxRowBytes)
                {
                    // Judged on the same bytes as while the item is still arriving (the separator before
                    // it included), and reading stops the same way, so the rows do not depend on how the
                    // stream splits its reads (found by fuzzing).
                    yield return ImportRow.Fail(itemLine, index, null, $"an item is longer than {maxRowBytes} bytes", ImportErrorCodes.RowTooLong, ("max", maxRowBytes));
                    yield break;
                }

                var row = labelStudio is null
                    ? NativeTaskParser.Parse(item, itemLine, index)
                    : LabelStudioTaskParser.Parse(item, itemLine, index, labelStudio);
                start += consumed;
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

    private static ArrayStep Unread(out int itemStart, out int itemEnd, out int consumed, out ImportError? error)
    {
        itemStart = itemEnd = consumed = 0;
        error = null;
        return ArrayStep.NeedMore;
    }

    private static ArrayStep NextArrayItem(
        ReadOnlySpan<byte> data, bool isFinal, ref JsonReaderState state, ref Shape shape,
        out int itemStart, out int itemEnd, out int consumed, out ImportError? error)
    {
        itemStart = itemEnd = consumed = 0;
        error = null;
        var reader = new Utf8JsonReader(data, isFinal, state);
        try
        {
            if (!reader.Read())
            {
                // Only whitespace left: the end of a file of task objects (an array ends at its bracket).
                return isFinal && shape == Shape.Objects ? ArrayStep.End : ArrayStep.NeedMore;
            }

            if (shape == Shape.Unknown)
            {
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    shape = Shape.Objects;
                }
                else if (reader.TokenType != JsonTokenType.StartArray)
                {
                    error = ImportError.Of(1, null, "expected a JSON array of tasks or a task object", ImportErrorCodes.NotTasks);
                    return ArrayStep.Error;
                }
                else
                {
                    shape = Shape.Array;
                    consumed = (int)reader.BytesConsumed;
                    state = reader.CurrentState;
                    return ArrayStep.Skipped;
                }
            }

            if (shape == Shape.Array && reader.TokenType == JsonTokenType.EndArray)
            {
                return ArrayStep.End;
            }

            itemStart = (int)reader.TokenStartIndex;
            if (!reader.TrySkip())
            {
                return ArrayStep.NeedMore;
            }

            itemEnd = consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
            return ArrayStep.Item;
        }
        catch (JsonException ex)
        {
            // The reader state carries line counts across buffers, so this line is absolute.
            error = ImportError.Of((int)(ex.LineNumber ?? 0) + 1, null, "invalid JSON: " + ex.Message, ImportErrorCodes.NotJson);
            return ArrayStep.Error;
        }
    }
}

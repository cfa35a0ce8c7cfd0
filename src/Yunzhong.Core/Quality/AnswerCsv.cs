namespace Yunzhong.Core.Quality;

/// <summary>A malformed CSV row; <see cref="Line"/> is the 1-based physical line where it starts.</summary>
public sealed class CsvFormatException(long line, string message) : FormatException($"line {line}: {message}")
{
    /// <summary>1-based line number of the offending row.</summary>
    public long Line { get; } = line;
}

/// <summary>
/// RFC 4180 CSV for crowd answers and truths: header <c>question,worker,answer</c> (answers) or
/// <c>question,truth</c> (truths), UTF-8, optional BOM, quoted fields with doubled quotes and
/// embedded line breaks, CRLF or LF. Rows stream; nothing is held beyond the current row.
/// </summary>
public static class AnswerCsv
{
    /// <summary>Reads answer rows; throws <see cref="CsvFormatException"/> naming the line of a bad row.</summary>
    public static IEnumerable<(string Question, string Worker, string Answer)> ReadAnswers(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        foreach (var (line, fields) in ReadRecords(reader, ["question", "worker", "answer"]))
        {
            yield return (fields[0], fields[1], fields[2]);
        }
    }

    /// <summary>Reads numeric answer rows (invariant culture numbers).</summary>
    public static IEnumerable<(string Question, string Worker, double Value)> ReadNumericAnswers(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        foreach (var (line, fields) in ReadRecords(reader, ["question", "worker", "answer"]))
        {
            if (!double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            {
                throw new CsvFormatException(line, $"answer '{fields[2]}' is not a number");
            }
            yield return (fields[0], fields[1], v);
        }
    }

    /// <summary>Reads <c>question,truth</c> rows; a question given twice is an error.</summary>
    public static Dictionary<string, string> ReadTruths(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var truths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (line, fields) in ReadRecords(reader, ["question", "truth"]))
        {
            if (!truths.TryAdd(fields[0], fields[1]))
            {
                throw new CsvFormatException(line, $"question '{fields[0]}' has more than one truth");
            }
        }
        return truths;
    }

    /// <summary>Writes <c>question,truth,confidence</c>, one row per question.</summary>
    public static void WriteTruths(TextWriter writer, IEnumerable<(string Question, string Truth, double Confidence)> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write("question,truth,confidence\n");
        foreach (var (q, t, c) in rows)
        {
            writer.Write(Quote(q));
            writer.Write(',');
            writer.Write(Quote(t));
            writer.Write(',');
            writer.Write(c.ToString("0.######", CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
    }

    /// <summary>Quotes a field when it holds a comma, quote or line break.</summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// Data records after the header, which must equal <paramref name="header"/> (case-insensitive,
    /// surrounding spaces ignored). Every record must have exactly that many fields, none empty;
    /// blank lines are skipped.
    /// </summary>
    internal static IEnumerable<(long Line, string[] Fields)> ReadRecords(TextReader reader, string[] header)
    {
        var parser = new Parser(reader);
        var first = parser.Next();
        if (first is null) throw new CsvFormatException(1, $"empty file; expected header '{string.Join(',', header)}'");
        var h = first.Value.Fields;
        if (h.Length > 0 && h[0].StartsWith('\uFEFF')) h[0] = h[0][1..];
        if (h.Length != header.Length || !h.Zip(header).All(p => string.Equals(p.First.Trim(), p.Second, StringComparison.OrdinalIgnoreCase)))
        {
            throw new CsvFormatException(first.Value.Line, $"expected header '{string.Join(',', header)}', got '{string.Join(',', h)}'");
        }
        while (parser.Next() is { } record)
        {
            var f = record.Fields;
            if (f.Length == 1 && f[0].Length == 0) continue;
            if (f.Length != header.Length)
            {
                throw new CsvFormatException(record.Line, $"expected {header.Length} fields, got {f.Length}");
            }
            for (var i = 0; i < f.Length; i++)
            {
                if (f[i].Length == 0) throw new CsvFormatException(record.Line, $"field '{header[i]}' is empty");
            }
            yield return record;
        }
    }

    // Reads through a block buffer: per-character TextReader calls cost more than the parsing.
    private sealed class Parser(TextReader reader)
    {
        private readonly StringBuilder _field = new();
        private readonly List<string> _fields = [];
        private readonly char[] _buffer = new char[1 << 16];
        private int _pos;
        private int _len;
        private long _line = 1;

        private int Read()
        {
            var c = Peek();
            if (c >= 0)
            {
                _pos++;
            }
            return c;
        }

        private int Peek()
        {
            if (_pos == _len)
            {
                _len = Math.Max(0, reader.Read(_buffer, 0, _buffer.Length));
                _pos = 0;
            }
            return _pos < _len ? _buffer[_pos] : -1;
        }

        public (long Line, string[] Fields)? Next()
        {
            var c = Read();
            if (c < 0) return null;
            var start = _line;
            _fields.Clear();
            _field.Clear();
            var quoted = false;
            var wasQuoted = false;
            while (true)
            {
                if (quoted)
                {
                    if (c < 0) throw new CsvFormatException(start, "quoted field is not closed");
                    if (c == '"')
                    {
                        if (Peek() == '"')
                        {
                            Read();
                            _field.Append('"');
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n') _line++;
                        _field.Append((char)c);
                    }
                }
                else if (c == ',')
                {
                    _fields.Add(_field.ToString());
                    _field.Clear();
                    wasQuoted = false;
                }
                else if (c is '\n' or '\r' or -1)
                {
                    if (c == '\r' && Peek() == '\n') Read();
                    if (c >= 0) _line++;
                    _fields.Add(_field.ToString());
                    return (start, _fields.ToArray());
                }
                else if (c == '"')
                {
                    if (_field.Length > 0 || wasQuoted) throw new CsvFormatException(_line, "quote inside an unquoted field");
                    quoted = true;
                    wasQuoted = true;
                }
                else
                {
                    if (wasQuoted) throw new CsvFormatException(_line, "text after a closing quote");
                    _field.Append((char)c);
                }
                c = Read();
            }
        }
    }
}

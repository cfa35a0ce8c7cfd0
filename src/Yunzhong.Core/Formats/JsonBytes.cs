using System.Buffers;
using System.Text.Encodings.Web;

namespace Yunzhong.Core.Formats;

/// <summary>Small helpers over raw UTF-8 JSON shared by readers and writers.</summary>
internal static class JsonBytes
{
    // The default encoder escapes every non-ASCII character; Chinese text would triple in size.
    // Validation is skipped because the writers emit a fixed shape and raw values we copy in were
    // validated when they were stored.
    public static readonly JsonWriterOptions RawWriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static readonly JsonSerializerOptions SerializerOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly SearchValues<byte> _whitespaceOrQuote = SearchValues.Create(" \t\r\n\""u8);
    private static readonly SearchValues<byte> _quoteOrBackslash = SearchValues.Create("\"\\"u8);

    /// <summary>
    /// Copies already-validated JSON, dropping whitespace outside strings. Escapes are kept as
    /// they are, so the copy is byte-for-byte the input's tokens.
    /// </summary>
    public static byte[] CopyCompact(ReadOnlySpan<byte> json)
    {
        if (json.IndexOfAny(_whitespaceOrQuote) < 0)
        {
            return json.ToArray();
        }

        var rented = ArrayPool<byte>.Shared.Rent(json.Length);
        try
        {
            var written = 0;
            var i = 0;
            while (i < json.Length)
            {
                var rest = json[i..];
                var j = rest.IndexOfAny(_whitespaceOrQuote);
                if (j < 0)
                {
                    rest.CopyTo(rented.AsSpan(written));
                    written += rest.Length;
                    break;
                }

                rest[..j].CopyTo(rented.AsSpan(written));
                written += j;
                i += j;
                if (json[i] != (byte)'"')
                {
                    i++;
                    continue;
                }

                // Inside a string: copy through the closing quote, stepping over escapes.
                rented[written++] = (byte)'"';
                i++;
                while (i < json.Length)
                {
                    var s = json[i..];
                    var k = s.IndexOfAny(_quoteOrBackslash);
                    if (k < 0)
                    {
                        k = s.Length - 1;
                    }

                    var take = s[k] == (byte)'\\' ? Math.Min(k + 2, s.Length) : k + 1;
                    s[..take].CopyTo(rented.AsSpan(written));
                    written += take;
                    i += take;
                    if (s[k] == (byte)'"')
                    {
                        break;
                    }
                }
            }

            return rented.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> exactly as <see cref="Utf8JsonWriter.WriteNumberValue(double)"/> does, faster
    /// for whole numbers (pixel coordinates mostly are): below 10^15 a whole double prints as the integer
    /// it is, which formats without the shortest-round-trip search. Negative zero keeps its sign.
    /// </summary>
    public static void WriteNumber(Utf8JsonWriter json, double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15 && (value != 0 || !double.IsNegative(value)))
        {
            json.WriteNumberValue((long)value);
        }
        else
        {
            json.WriteNumberValue(value);
        }
    }

    public static string CompactString(ReadOnlySpan<byte> json) =>
        System.Text.Encoding.UTF8.GetString(CopyCompact(json));

    public static string CompactString(JsonElement element) =>
        JsonSerializer.Serialize(element, SerializerOptions);
}

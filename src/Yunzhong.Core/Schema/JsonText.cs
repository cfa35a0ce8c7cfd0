using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace Yunzhong.Core.Schema;

/// <summary>Allocation-free reads of JSON values, and wording of values for error messages.</summary>
internal static class JsonText
{
    /// <summary>
    /// The deepest nesting of objects and arrays in JSON text (the root container is 1), read in one
    /// pass without parsing. Brackets inside strings do not count; text that is not JSON gets some
    /// number and is refused by the parser afterwards.
    /// </summary>
    public static int Depth(string json)
    {
        int depth = 0, deepest = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c is '{' or '[')
            {
                deepest = Math.Max(deepest, ++depth);
            }
            else if (c is '}' or ']')
            {
                depth--;
            }
        }

        return deepest;
    }

    /// <summary>
    /// Copies a string element's characters into <paramref name="destination"/> without allocating;
    /// false when they do not fit (the caller then falls back to <see cref="JsonElement.GetString"/>).
    /// </summary>
    public static bool TryCopyString(JsonElement element, Span<char> destination, out int written)
    {
        // The raw value still has its quotes and escapes; most strings have no escapes, so their
        // UTF-8 bytes transcode straight into the buffer.
        var raw = JsonMarshal.GetRawUtf8Value(element);
        var inner = raw[1..^1];
        if (inner.IndexOf((byte)'\\') < 0)
        {
            return Encoding.UTF8.TryGetChars(inner, destination, out written);
        }

        var reader = new Utf8JsonReader(raw);
        reader.Read();
        try
        {
            written = reader.CopyString(destination);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // Too small a buffer, or an escaped lone surrogate that is not valid UTF-16.
            written = 0;
            return false;
        }
    }

    /// <summary>
    /// Whether every string in already-parsed JSON text decodes to valid Unicode: the bytes are UTF-8
    /// and no <c>\u</c> escape is a lone surrogate. System.Text.Json checks neither while parsing,
    /// only when a string is read, and then throws InvalidOperationException (found by fuzzing), so
    /// readers of user JSON check once at the door and answer with an error instead.
    /// </summary>
    public static bool IsValidUnicode(ReadOnlySpan<byte> json) => Utf8.IsValid(json) && SurrogateEscapesArePaired(json);

    /// <summary>The escape half of <see cref="IsValidUnicode(ReadOnlySpan{byte})"/>, for callers that checked UTF-8 already.</summary>
    public static bool SurrogateEscapesArePaired(ReadOnlySpan<byte> json)
    {
        // Backslashes only occur inside strings in valid JSON; each starts a two-byte escape or \uXXXX.
        var i = json.IndexOf((byte)'\\');
        while (i >= 0 && i + 1 < json.Length)
        {
            if (json[i + 1] != (byte)'u' || !TryHex4(json[(i + 2)..], out var unit))
            {
                i += 2;
            }
            else if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (json.Length < i + 12 || json[i + 6] != (byte)'\\' || json[i + 7] != (byte)'u'
                    || !TryHex4(json[(i + 8)..], out var low) || low is < 0xDC00 or > 0xDFFF)
                {
                    return false;
                }

                i += 12;
            }
            else if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return false;
            }
            else
            {
                i += 6;
            }

            var next = i < json.Length ? json[i..].IndexOf((byte)'\\') : -1;
            i = next < 0 ? -1 : i + next;
        }

        return true;
    }

    private static bool TryHex4(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.Length < 4)
        {
            return false;
        }

        for (var k = 0; k < 4; k++)
        {
            var d = HexValue(s[k]);
            if (d < 0)
            {
                return false;
            }

            value = value << 4 | d;
        }

        return true;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Whether every string in <paramref name="element"/> decodes to valid Unicode.</summary>
    public static bool IsValidUnicode(JsonElement element) => IsValidUnicode(JsonMarshal.GetRawUtf8Value(element));

    /// <summary>The number of UTF-16 units a string element needs at most (its raw UTF-8 length).</summary>
    public static int MaxCharLength(JsonElement element) => JsonMarshal.GetRawUtf8Value(element).Length;

    /// <summary>Reads an integral JSON number (also written as <c>4.0</c>); false for anything else.</summary>
    public static bool TryGetInteger(JsonElement element, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        if (element.TryGetInt64(out value))
        {
            return true;
        }

        var d = element.GetDouble();
        if (Math.Floor(d) == d && Math.Abs(d) < 9e15)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    /// <summary>Escapes one reference token of a JSON pointer (RFC 6901).</summary>
    public static string EscapePointerToken(string token) =>
        token.AsSpan().IndexOfAny('~', '/') < 0 ? token : token.Replace("~", "~0").Replace("/", "~1");

    /// <summary>Words a value for an error message: strings quoted, numbers as written, others by kind.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Quote(SafeString(element)),
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    /// <summary>
    /// A value as a translated message shows it (an error's param): a string as itself, cut like
    /// <see cref="Quote"/> but without quotes; a number, true, false or null as written; a list or
    /// object as <c>[…]</c> or <c>{…}</c>.
    /// </summary>
    public static string Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => Quote(SafeString(element))[1..^1],
        JsonValueKind.Array => "[…]",
        JsonValueKind.Object => "{…}",
        JsonValueKind.Undefined => "",
        _ => element.GetRawText(),
    };

    /// <summary>The string, or its raw JSON when it holds an escaped lone surrogate.</summary>
    public static string SafeString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return element.GetRawText();
        }
    }

    /// <summary>Quotes a string for a message, cutting very long ones.</summary>
    public static string Quote(string value)
    {
        const int limit = 80;
        if (value.Length <= limit)
        {
            return "'" + value + "'";
        }

        // Never cut between the halves of a surrogate pair.
        var cut = char.IsHighSurrogate(value[limit - 1]) ? limit - 1 : limit;
        return "'" + value[..cut] + "…'";
    }

    /// <summary>Formats a number for a message without culture surprises.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The JSON word for a kind, for "must be X, not Y" messages.</summary>
    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };
}

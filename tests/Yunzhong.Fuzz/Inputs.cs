using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;

namespace Yunzhong.Fuzz;

/// <summary>
/// Structured input generators: valid-shaped files with awkward content, so that parsers get past
/// their first checks and into the code that does the work.
/// </summary>
public static class Inputs
{
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Text that has broken parsers: emoji and ZWJ sequences, RTL marks, combining marks, NUL, BOM, CRLF.</summary>
    public static readonly string[] OddTexts =
    [
        "", " ", "plain", "😀", "👩‍👩‍👧", "\u202Eabc", "مرحبا بالعالم", "שלום", "张三在阿里巴巴工作", "e\u0301", "\0", "\uFEFF",
        "\r\n", "\n", "\t", "\"", "\"\"", "\\", ",", "a,b", "=1+1", "\u2028", "𝔘𝔫𝔦", "\uD800", "\uDC00", "\uFFFF", "key", "priority",
        "data", "text", "image", "audio", "responses", "$text", "PER", "ORG", "car", "speech", "s1", "s2", "g1", "r1", "a", "b", "c",
    ];

    public static readonly Gen<string> Text = Gen.Frequency(
        (5, Gen.String[Gen.Char["abcxyzXYZ0123 _-"], 0, 16]),
        (4, Gen.OneOf(OddTexts)),
        (2, Gen.OneOf(OddTexts).Array[1, 5].Select(string.Concat)),
        (1, Gen.String[0, 24]));

    public static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "0.5", "1e3", "1E-7", "2147483647", "2147483648", "-2147483649", "9007199254740993",
        "123456789012345678901234567890", "1e308", "1e309", "-1e309", "5e-324", "4.9e-325", "100", "640", "479.9999",
    ];

    public static string JsonString(string s) => JsonSerializer.Serialize(s, Relaxed);

    public static readonly Gen<string> JsonScalar = Gen.Frequency(
        (4, Text.Select(JsonString)),
        (3, Gen.OneOf(Numbers)),
        (1, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("true", "false", "null")));

    public static readonly Gen<string> AnyJson = Gen.Recursive<string>((depth, self) => depth >= 4
        ? JsonScalar
        : Gen.Frequency(
            (5, JsonScalar),
            (2, self.Array[0, 4].Select(a => "[" + string.Join(",", a) + "]")),
            (2, Gen.Select(Text, self).Array[0, 4].Select(Object))));

    public static string Object((string Key, string Value)[] members) =>
        "{" + string.Join(",", members.Select(m => JsonString(m.Key) + ":" + m.Value)) + "}";

    public static readonly Gen<string> DataObject = Gen.Select(Text, AnyJson).Array[0, 5].Select(Object);

    private static readonly Gen<string> _resultList = Gen.Frequency(
        (3, Gen.Select(DataObject, Text, Gen.OneOf("0.5", "1", "null", "\"x\"", "1e309")).Array[0, 3]
            .Select(a => "[" + string.Join(",", a.Select(p => $"{{\"result\":{p.Item1},\"model\":{JsonString(p.Item2)},\"annotator\":{JsonString(p.Item2)},\"score\":{p.Item3}}}")) + "]")),
        (1, AnyJson));

    /// <summary>A task as JSON: bare data, or the envelope with key, priority, gold, predictions, annotations.</summary>
    public static readonly Gen<string> Task = Gen.Frequency(
        (2, DataObject),
        (5, Gen.Select(DataObject, Gen.Frequency((3, Text.Select(JsonString)), (2, Gen.OneOf(Numbers)), (1, AnyJson)),
            Gen.Frequency((3, Gen.Int[-5, 5].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))), (1, Gen.OneOf(Numbers)), (1, AnyJson)),
            Gen.Frequency((3, Gen.Const("")), (1, DataObject), (1, AnyJson)), _resultList, _resultList, Gen.Int[0, 63],
            (data, key, priority, gold, predictions, annotations, mask) =>
            {
                var parts = new List<string> { "\"data\":" + data };
                if ((mask & 1) != 0) parts.Add("\"key\":" + key);
                if ((mask & 2) != 0) parts.Add("\"priority\":" + priority);
                if ((mask & 4) != 0 && gold.Length > 0) parts.Add("\"gold\":" + gold);
                if ((mask & 8) != 0) parts.Add("\"predictions\":" + predictions);
                if ((mask & 16) != 0) parts.Add("\"annotations\":" + annotations);
                if ((mask & 32) != 0) parts.Reverse();
                return "{" + string.Join(",", parts) + "}";
            })),
        (1, AnyJson));

    private static readonly Gen<string> _bom = Gen.Frequency((4, Gen.Const("")), (1, Gen.Const("\uFEFF")));

    public static readonly Gen<byte[]> Jsonl = Gen.Select(_bom, Task.Array[0, 8], Gen.OneOf("\n", "\r\n", "\n\n \t\n"), Gen.OneOf("", "\n", "\r\n", " "),
        (bom, tasks, sep, end) => Encoding.UTF8.GetBytes(bom + string.Join(sep, tasks) + end));

    public static readonly Gen<byte[]> JsonArray = Gen.Select(_bom, Task.Array[0, 8], Gen.OneOf(",", ",\n", ",\r\n  "), Gen.OneOf("", "\n", " \r\n"),
        (bom, tasks, sep, end) => Encoding.UTF8.GetBytes(bom + "[" + string.Join(sep, tasks) + "]" + end));

    private static readonly Gen<string> _headerName = Gen.Frequency(
        (4, Gen.OneOf("key", "priority", "text", "image", "lang", "名字", "😀", "text ", "a\"b")),
        (1, Gen.OneOf("", " ")),
        (2, Text));

    /// <summary>CSV or TSV: a header and rows, fields plain or quoted (doubled quotes, line breaks inside), sometimes ragged.</summary>
    public static Gen<byte[]> Csv(char delimiter) =>
        Gen.Select(_bom, _headerName.Array[1, 6], Gen.Select(Text, Gen.Int[0, 5]).Array[0, 8].Array[0, 6],
            Gen.OneOf("\n", "\r\n"), Gen.Int[0, 1 << 20],
            (bom, header, rows, eol, mask) =>
            {
                var sb = new StringBuilder(bom);
                sb.Append(string.Join(delimiter, header.Select(h => Field(h, 0, delimiter)))).Append(eol);
                var r = 0;
                foreach (var row in rows)
                {
                    // Mostly the header's width, now and then one more or one fewer.
                    var width = (mask >> (r % 20)) % 7 == 0 ? Math.Max(0, header.Length + (r % 2 == 0 ? 1 : -1)) : header.Length;
                    var fields = Enumerable.Range(0, width).Select(i => i < row.Length ? Field(row[i].Item1, row[i].Item2, delimiter) : "");
                    sb.Append(string.Join(delimiter, fields));
                    if (r < rows.Length - 1 || (mask & 1) != 0)
                    {
                        sb.Append(eol);
                    }
                    if ((mask >> r) % 11 == 0)
                    {
                        sb.Append(eol); // a blank line
                    }
                    r++;
                }
                return Encoding.UTF8.GetBytes(sb.ToString());
            });

    private static string Field(string value, int style, char delimiter) => style switch
    {
        0 or 1 when value.IndexOfAny([delimiter, '"', '\n', '\r']) < 0 => value,
        4 => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"x", // text after the closing quote
        5 => "\"" + value, // never closed
        _ => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
    };

    /// <summary>
    /// A structure-aware mutation of JSON: replaces, drops and repeats members and leaves, drawing
    /// new values from <paramref name="names"/> (control names, labels, ids the schema knows) so the
    /// result still reaches the checks past the first lookup.
    /// </summary>
    /// <param name="calm">1 changes much; higher changes less, so more results stay valid and reach the deep checks.</param>
    public static JsonNode? Tweak(JsonNode? node, Random rnd, IReadOnlyList<string> names, int calm = 1)
    {
        if (rnd.Next(12 * calm) == 0)
        {
            return RandomLeaf(rnd, names);
        }
        switch (node)
        {
            case JsonObject o:
                {
                    var copy = new JsonObject();
                    foreach (var (k, v) in o)
                    {
                        if (rnd.Next(10 * calm) == 0)
                        {
                            continue; // drop
                        }
                        var key = rnd.Next(25 * calm) == 0 ? names[rnd.Next(names.Count)] : k;
                        copy[key] = Tweak(v?.DeepClone(), rnd, names, calm);
                    }
                    if (rnd.Next(6 * calm) == 0)
                    {
                        copy[names[rnd.Next(names.Count)]] = RandomLeaf(rnd, names);
                    }
                    return copy;
                }
            case JsonArray a:
                {
                    var copy = new JsonArray();
                    foreach (var v in a)
                    {
                        var times = rnd.Next(10 * calm) switch { 0 => 0, 1 => 2, _ => 1 };
                        for (var t = 0; t < times; t++)
                        {
                            copy.Add(Tweak(v?.DeepClone(), rnd, names, calm));
                        }
                    }
                    if (rnd.Next(8 * calm) == 0)
                    {
                        copy.Add(RandomLeaf(rnd, names));
                    }
                    return copy;
                }
            default:
                return rnd.Next(5 * calm) == 0 ? RandomLeaf(rnd, names) : node?.DeepClone();
        }
    }

    public static JsonNode? RandomLeaf(Random rnd, IReadOnlyList<string> names) => rnd.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(rnd.Next(2) == 0),
        2 or 3 => JsonNode.Parse(Numbers[rnd.Next(Numbers.Length)]),
        4 => JsonValue.Create(rnd.NextDouble() * 1000 - 100),
        5 => new JsonArray(JsonValue.Create(names[rnd.Next(names.Count)]), JsonValue.Create(rnd.Next(-2, 50))),
        6 => new JsonObject { [names[rnd.Next(names.Count)]] = JsonValue.Create(rnd.Next(-2, 50)) },
        7 => JsonValue.Create(OddTexts[rnd.Next(OddTexts.Length)]),
        _ => JsonValue.Create(names[rnd.Next(names.Count)]),
    };

    /// <summary>Every string in a JSON document (keys and values): the names a tweak draws from.</summary>
    public static List<string> Strings(JsonNode? node)
    {
        var list = new List<string>();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        list.Add(k);
                        Walk(v);
                    }
                    break;
                case JsonArray a:
                    foreach (var v in a)
                    {
                        Walk(v);
                    }
                    break;
                case JsonValue v when v.TryGetValue<string>(out var s) && s.Length < 40:
                    list.Add(s);
                    break;
            }
        }
        Walk(node);
        list.AddRange(["id", "label", "labels", "start", "end", "x", "y", "width", "height", "rotation", "points", "from", "to", "order", "preferred", "rationale", "value", "type", "field", "options", "spans", "perSegment", "multiple", "min", "max", "required", "mode"]);
        return [.. list.Distinct()];
    }

    public static string ToJson(JsonNode? node) => node?.ToJsonString(Relaxed) ?? "null";
}

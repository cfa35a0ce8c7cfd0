using System.Text;
using CsCheck;

namespace Yunzhong.Fuzz;

/// <summary>
/// Byte-level mutations of seed inputs, driven by numbers CsCheck draws, so that a seed replays the
/// same inputs. Each step is one of the things that break parsers in practice: flipped bits, cut
/// files, spliced files, repeated ranges, deep nesting, huge numbers and awkward Unicode.
/// </summary>
public static class Mutator
{
    /// <summary>Fragments worth inserting anywhere: encodings, line ends, quotes, numbers, brackets.</summary>
    public static readonly byte[][] Fragments =
    [
        .. new[]
        {
            "\uFEFF", "\r\n", "\r", "\n", "\0", "\"", "\"\"", "\\", "\\u0000", "\\ud800", "\\udc00x", "\\uDBFF\\uDFFF",
            "😀", "👩‍👩‍👧", "\u202Eالعربية", "שלום", "张三在阿里巴巴工作", "e\u0301", "\u2028", "\u2029", "𝔘", "\uFFFD",
            ",", "\t", "{", "}", "[", "]", ":", "{\"data\":", "{\"a\":", "[[", "]]", "null", "true", "-0", "1e309", "-1e309",
            "123456789012345678901234567890", "0.000000000000000000000000000001", "NaN", "2147483648", "-2147483649",
            "<View>", "</View>", "<Text name=\"t\" value=\"$t\"/>", "<!DOCTYPE x [<!ENTITY e \"e\">]>", "&e;", "&#0;", "<![CDATA[",
            "\"result\":[", "\"from_name\":", "\"id\":", "\"label\":", "\"start\":", "\"end\":", "\"points\":[[",
        }.Select(Encoding.UTF8.GetBytes),
        // Bytes that are not UTF-8: a lone surrogate encoded (CESU style), an overlong slash, a cut sequence.
        [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xE4, 0xB8], [0xFF], [0x80], [0xF4, 0x90, 0x80, 0x80],
        // Bytes that media headers are made of.
        [0xFF, 0xD8, 0xFF], [0xFF, 0xFF, 0xFF, 0xFF], [0x00, 0x00, 0x00, 0x00], [0x7F, 0xFF, 0xFF, 0xFF], [0x80, 0x00, 0x00, 0x00],
        "PK\u0003\u0004"u8.ToArray(), "PK\u0001\u0002"u8.ToArray(), "PK\u0005\u0006"u8.ToArray(),
    ];

    private static readonly byte[] _interesting = [0, 1, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'\\', (byte)'{', (byte)'[', (byte)',', (byte)'\n', (byte)'\r', (byte)'<', (byte)'>', 0xC0, 0xED];

    /// <summary>One to six mutations of a seed input picked from <paramref name="seeds"/>.</summary>
    public static Gen<byte[]> Mutations(IReadOnlyList<byte[]> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Int[0, seeds.Count - 1], Gen.UInt.Array[6, 36],
            (a, b, choices) => Apply(seeds[a], seeds[b], choices));

    /// <summary>Mutations of whatever <paramref name="inputs"/> makes (a structured generator's output).</summary>
    public static Gen<byte[]> Mutations(Gen<byte[]> inputs, IReadOnlyList<byte[]> seeds) =>
        Gen.Select(inputs, Gen.Int[0, seeds.Count - 1], Gen.UInt.Array[6, 36],
            (a, b, choices) => Apply(a, seeds[b], choices));

    /// <summary>
    /// Applies mutations to <paramref name="input"/>; <paramref name="other"/> is the splice partner.
    /// Every choice comes from <paramref name="r"/>, read in order, so the result is reproducible.
    /// </summary>
    public static byte[] Apply(byte[] input, byte[] other, uint[] r)
    {
        var data = new List<byte>(input);
        var k = 0;
        uint Next() => r[k++ % r.Length] ^ (uint)(k * 0x9E3779B9);
        int Pos(int length) => length == 0 ? 0 : (int)(Next() % (uint)(length + 1));
        var steps = 1 + (int)(Next() % 6);
        for (var s = 0; s < steps; s++)
        {
            switch (Next() % 11)
            {
                case 0 when data.Count > 0: // bit flip
                    {
                        var p = (int)(Next() % (uint)data.Count);
                        data[p] ^= (byte)(1 << (int)(Next() % 8));
                        break;
                    }
                case 1 when data.Count > 0: // an interesting byte
                    data[(int)(Next() % (uint)data.Count)] = _interesting[Next() % (uint)_interesting.Length];
                    break;
                case 2 when data.Count > 0: // truncate
                    {
                        var cut = (int)(Next() % (uint)data.Count);
                        data.RemoveRange(cut, data.Count - cut);
                        break;
                    }
                case 3: // insert a fragment
                    data.InsertRange(Pos(data.Count), Fragments[Next() % (uint)Fragments.Length]);
                    break;
                case 4 when data.Count > 0: // delete a range
                    {
                        var p = (int)(Next() % (uint)data.Count);
                        data.RemoveRange(p, Math.Min(data.Count - p, 1 + (int)(Next() % 64)));
                        break;
                    }
                case 5 when data.Count > 0: // repeat a range a few times
                    {
                        var p = (int)(Next() % (uint)data.Count);
                        var len = Math.Min(data.Count - p, 1 + (int)(Next() % 48));
                        var copy = data.GetRange(p, len);
                        var times = 1 + (int)(Next() % 8);
                        for (var t = 0; t < times; t++)
                        {
                            data.InsertRange(p, copy);
                        }
                        break;
                    }
                case 6: // splice: this input's head, the other's tail
                    {
                        var head = Pos(data.Count);
                        var tail = other.Length == 0 ? 0 : (int)(Next() % (uint)other.Length);
                        data.RemoveRange(head, data.Count - head);
                        data.AddRange(other.AsSpan(tail).ToArray());
                        break;
                    }
                case 7: // deep nesting around a point
                    {
                        var depth = 1 + (int)(Next() % 300);
                        var (open, close) = (Next() % 3) switch
                        {
                            0 => ("[", "]"),
                            1 => ("{\"a\":", "}"),
                            _ => ("<View>", "</View>"),
                        };
                        var p = Pos(data.Count);
                        data.InsertRange(p, Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth))));
                        if (Next() % 2 == 0)
                        {
                            data.InsertRange(Pos(data.Count), Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(close, depth))));
                        }
                        break;
                    }
                case 8 when data.Count > 0: // replace a digit run with a huge or odd number
                    {
                        var p = (int)(Next() % (uint)data.Count);
                        var at = data.FindIndex(p, b => b is >= (byte)'0' and <= (byte)'9');
                        if (at >= 0)
                        {
                            var end = data.FindIndex(at, b => b is not (>= (byte)'0' and <= (byte)'9'));
                            end = end < 0 ? data.Count : end;
                            string[] numbers = ["99999999999999999999999", "1e400", "-1", "0", "2147483647", "-2147483648", "4294967296", "1.7976931348623157e308", "5e-324", "00", "-0.0"];
                            data.RemoveRange(at, end - at);
                            data.InsertRange(at, Encoding.ASCII.GetBytes(numbers[Next() % (uint)numbers.Length]));
                        }
                        break;
                    }
                case 9 when data.Count >= 4: // overwrite four bytes with an extreme integer (binary headers: sizes, lengths)
                    {
                        var p = (int)(Next() % (uint)(data.Count - 3));
                        var value = (Next() % 5) switch { 0 => 0u, 1 => uint.MaxValue, 2 => 0x7FFFFFFFu, 3 => 0x80000000u, _ => Next() };
                        for (var i = 0; i < 4; i++)
                        {
                            data[p + i] = (byte)(value >> (8 * ((Next() % 2 == 0) ? i : 3 - i)));
                        }
                        break;
                    }
                case 10: // line ends: LF to CRLF or back, everywhere
                    {
                        var text = data.ToArray();
                        var crlf = Next() % 2 == 0;
                        data.Clear();
                        foreach (var b in text)
                        {
                            if (crlf && b == (byte)'\n')
                            {
                                data.Add((byte)'\r');
                            }
                            if (crlf || b != (byte)'\r')
                            {
                                data.Add(b);
                            }
                        }
                        break;
                    }
            }
        }

        return [.. data];
    }
}

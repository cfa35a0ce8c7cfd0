using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Yunzhong.Core;
using Yunzhong.Core.Formats;
using Yunzhong.Core.Media;
using Yunzhong.Core.Schema;
using Yunzhong.Server.Features.Media;

using Yunzhong.Testing;

namespace Yunzhong.Fuzz;

/// <summary>Every parser that takes user input, as a fuzz target.</summary>
public static class Targets
{
    /// <summary>The targets, built on first use (their generators are static fields below).</summary>
    public static IReadOnlyList<FuzzTarget> All => _all.Value;

    private static readonly Lazy<IReadOnlyList<FuzzTarget>> _all = new(() =>
    [
        Import("jsonl", ImportFormat.Jsonl, Inputs.Jsonl),
        Import("json", ImportFormat.Json, Inputs.JsonArray),
        Import("csv", ImportFormat.Csv, Inputs.Csv(',')),
        Import("tsv", ImportFormat.Tsv, Inputs.Csv('\t')),
        Import("labelstudio", ImportFormat.LabelStudio, LabelStudioExports()),
        Schema(),
        Xml(),
        Annotation(),
        Media(),
        Zip(),
    ]);

    public static FuzzTarget Find(string name) =>
        All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"no fuzz target '{name}'; targets: {string.Join(", ", All.Select(t => t.Name))}");

    // ---- task import: JSONL, JSON, CSV, TSV, Label Studio JSON ----

    /// <summary>The schema imports are checked against (every control kind), from the corpus.</summary>
    private static readonly Lazy<(JsonElement Element, LabelSchema Schema)> _allControls = new(() =>
    {
        var json = File.ReadAllText(Path.Combine(Corpus.Root, "schema", "all-controls.json"));
        return (JsonDocument.Parse(json).RootElement.Clone(), LabelSchema.Parse(json).Schema!);
    });

    private static MediaInfo? AnyMedia(string reference) =>
        reference.Length % 3 == 0 ? null : new MediaInfo(reference, "image/jpeg", 640, 480, 12.5);

    private static FuzzTarget Import(string name, ImportFormat format, Gen<byte[]> structured)
    {
        var seeds = Corpus.Load(name);
        var shapes = new List<ScalingShape>
        {
            new("rows", 2_000, n => Shapes.Rows(format, n), b => ReadCount(b, format, int.MaxValue)),
            new("one long row, 4 KiB reads", 1024 * 1024, n => Shapes.LongRow(format, n), b => ReadCount(b, format, 4096)),
        };
        if (format is ImportFormat.Csv)
        {
            shapes.Add(new("one record of empty fields, 4 KiB reads", 64 * 1024, n => Encoding.ASCII.GetBytes("a\n" + new string(',', n)), b => ReadCount(b, format, 4096)));
            shapes.Add(new("header of n columns", 4_000, n => Encoding.ASCII.GetBytes(string.Join(',', Enumerable.Range(0, n).Select(i => "c" + i)) + "\n" + new string(',', n - 1) + "\n"), b => ReadCount(b, format, int.MaxValue)));
        }
        if (format is ImportFormat.LabelStudio)
        {
            shapes.Add(new("n results in one task", 1_000, Shapes.LabelStudioResults, b => ReadCount(b, format, int.MaxValue)));
        }
        return new FuzzTarget
        {
            Name = name,
            Description = $"TaskImport.ReadAsync({format}) over a whole stream and a trickling one, small and default MaxRowBytes",
            Inputs = Gen.Frequency((3, structured), (5, Mutator.Mutations(seeds)), (2, Mutator.Mutations(structured, seeds))),
            Check = input => CheckImport(input, format),
            Scaling = shapes,
        };
    }

    private static ImportOptions OptionsFor(ImportFormat format, int maxRowBytes) =>
        (format == ImportFormat.LabelStudio ? new ImportOptions(_allControls.Value.Element, AnyMedia) : new ImportOptions()) with { MaxRowBytes = maxRowBytes };

    /// <summary>
    /// Properties of a task import: nothing escapes but rows; each row is an error naming a line, or
    /// data that is a JSON object with results that are JSON objects the validator can read; and the
    /// rows do not depend on how the stream hands out its bytes (a network read is any size).
    /// </summary>
    private static string CheckImport(byte[] input, ImportFormat format)
    {
        // How to read is derived from the input itself, so a reproducer file replays exactly.
        // The imports endpoint guesses the format from the first 8 KiB when the request names none.
        TaskImport.Detect("", input.AsSpan(0, Math.Min(input.Length, 8192)));
        TaskImport.Detect("upload.json", input.AsSpan(0, Math.Min(input.Length, 8192)));
        var h = Fuzzer.StableHash(Convert.ToBase64String(input));
        var chunk = 1 + (int)(h % 61);
        var maxRow = (h >> 8) % 3 == 0 ? 16 + (int)((h >> 16) % 600) : 64 * 1024 * 1024;
        var whole = Read(input, format, OptionsFor(format, maxRow), int.MaxValue);
        var trickled = Read(input, format, OptionsFor(format, maxRow), chunk);
        var index = 0;
        foreach (var row in whole)
        {
            if (row.Index != index++)
            {
                throw new PropertyException($"row indexes are not consecutive: {row.Index} where {index - 1} was due");
            }
            if (row.Line < 1 || row.Error is { Line: < 1 })
            {
                throw new PropertyException($"row {row.Index} has line {row.Line} / error line {row.Error?.Line}");
            }
            if (row.Error is not null)
            {
                continue;
            }
            JsonDocument data;
            try
            {
                data = JsonDocument.Parse(row.DataJson);
            }
            catch (JsonException ex)
            {
                throw new PropertyException($"row {row.Index}: the data the reader passed on is not JSON ({ex.Message}): {row.DataJsonString}");
            }
            using (data)
            {
                if (data.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new PropertyException($"row {row.Index}: the data is a {data.RootElement.ValueKind}, not an object");
                }
                foreach (var result in row.Predictions.Concat(row.Annotations).Select(r => r.ResultJson).Append(row.GoldAnswerJson).OfType<string>())
                {
                    using var doc = JsonDocument.Parse(result);
                    // The importer validates every result that comes with a task against the project's schema.
                    AnnotationValidator.Validate(_allControls.Value.Schema, data.RootElement, doc.RootElement, AnyMedia);
                }
            }
        }
        var a = string.Join("\n", whole.Select(Describe));
        var b = string.Join("\n", trickled.Select(Describe));
        if (a != b)
        {
            var at = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i]);
            throw new PropertyException($"reading in {chunk}-byte pieces gives other rows than reading whole (MaxRowBytes {maxRow}):\n whole:    {Clip(a, at)}\n trickled: {Clip(b, at)}");
        }
        var good = whole.Count(r => r.Error is null);
        return whole.Count == 0 ? "no rows" : good == whole.Count ? "all rows taken" : good > 0 ? "some rows taken" : "only error rows";
    }

    private static string Clip(string s, int at) => s.Substring(Math.Max(0, at - 60), Math.Min(s.Length - Math.Max(0, at - 60), 200)).ReplaceLineEndings("⏎");

    // System.Text.Json quotes the bytes it had in hand when it gave up ("'f��' is an invalid JSON
    // literal"), which depend on the read size; the row, line, field and position of an error must not.
    private static string Describe(ImportRow r) =>
        $"{r.Index}@{r.Line} key={r.Key} p={r.Priority} gold={r.GoldAnswerJson} data={r.DataJsonString} pred={string.Join("|", r.Predictions)} ann={string.Join("|", r.Annotations)} err={r.Error?.Line}/{r.Error?.Field}/{(r.Error is null ? "" : System.Text.RegularExpressions.Regex.Replace(r.Error.Message, "^invalid JSON: .*?(LineNumber: [0-9]+ [|] BytePositionInLine: [0-9]+)", "invalid JSON: … $1", System.Text.RegularExpressions.RegexOptions.Singleline))}";

    public static List<ImportRow> Read(byte[] input, ImportFormat format, ImportOptions options, int chunk)
    {
        using var stream = new TrickleStream(input, chunk);
        return ReadAsync(stream, format, options).GetAwaiter().GetResult();
    }

    private static async Task<List<ImportRow>> ReadAsync(Stream stream, ImportFormat format, ImportOptions options)
    {
        var rows = new List<ImportRow>();
        await foreach (var row in TaskImport.ReadAsync(stream, format, options, CancellationToken.None).ConfigureAwait(false))
        {
            rows.Add(row);
        }
        return rows;
    }

    private static void ReadCount(byte[] input, ImportFormat format, int chunk)
    {
        using var stream = new TrickleStream(input, chunk);
        CountAsync(stream, format).GetAwaiter().GetResult();
    }

    // Counting instead of keeping rows: the measurement is the reader's cost, not the list's.
    private static async Task<int> CountAsync(Stream stream, ImportFormat format)
    {
        var n = 0;
        await foreach (var row in TaskImport.ReadAsync(stream, format, OptionsFor(format, 64 * 1024 * 1024), CancellationToken.None).ConfigureAwait(false))
        {
            n += row.Error is null ? 1 : 0;
        }
        return n;
    }

    private static Gen<byte[]> LabelStudioExports()
    {
        var template = JsonNode.Parse(Corpus.Load("labelstudio")[0])!;
        var names = Inputs.Strings(template);
        return Gen.Int.Select(seed =>
        {
            var rnd = new Random(seed);
            return Encoding.UTF8.GetBytes(Inputs.ToJson(Inputs.Tweak(template, rnd, names, calm: 1 + rnd.Next(6))));
        });
    }

    // ---- native label schema (JSON) ----

    private static FuzzTarget Schema()
    {
        var seeds = Corpus.Load("schema");
        var nodes = seeds.Select(s => JsonNode.Parse(s)).ToArray();
        var names = nodes.SelectMany(Inputs.Strings).Concat(["text", "list", "image", "audio", "video", "choices", "spans", "relations", "rectangles", "polygons", "keypoints", "segments", "transcription", "rating", "ranking", "rank", "pairwise", "masks"]).Distinct().ToList();
        var structured = Gen.Select(Gen.Int[0, nodes.Length - 1], Gen.Int, (i, seed) => Encoding.UTF8.GetBytes(Inputs.ToJson(Inputs.Tweak(nodes[i], new Random(seed), names, calm: 1 + (seed & 7)))));
        return new FuzzTarget
        {
            Name = "schema",
            Description = "LabelSchema.Parse(JsonElement) as the projects API calls it; ToJson round trip; validation against the parsed schema",
            Inputs = Gen.Frequency((4, structured), (4, Mutator.Mutations(seeds)), (2, Mutator.Mutations(structured, seeds))),
            Check = CheckSchema,
            Scaling =
            [
                new("n controls", 500, Shapes.SchemaControls, ParseSchema),
                new("n labels in one control", 2_000, Shapes.SchemaLabels, ParseSchema),
            ],
        };
    }

    private static void ParseSchema(byte[] input)
    {
        using var doc = JsonDocument.Parse(input);
        LabelSchema.Parse(doc.RootElement);
    }

    private static string CheckSchema(byte[] input)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(input);
        }
        catch (JsonException)
        {
            return "not JSON"; // the endpoint's body binding answers 400 before the parser sees it
        }
        using (doc)
        {
            var parsed = LabelSchema.Parse(doc.RootElement);
            return CheckParsed(parsed.Schema, parsed.Errors);
        }
    }

    private static string CheckParsed(LabelSchema? parsedSchema, IReadOnlyList<SchemaError> errors)
    {
        if ((parsedSchema is null) == (errors.Count == 0))
        {
            throw new PropertyException($"a parse must give a schema or errors, not {(parsedSchema is null ? "neither" : "both")}");
        }
        foreach (var e in errors)
        {
            if (e.Path.Length > 0 && e.Path[0] != '/')
            {
                throw new PropertyException($"error path '{e.Path}' is not a JSON pointer");
            }
        }
        if (parsedSchema is not { } schema)
        {
            return "errors";
        }
        // Documented: Parse(s.ToJson()).Schema.ToJson() equals s.ToJson().
        var json = schema.ToJson();
        var again = LabelSchema.Parse(json);
        if (again.Schema?.ToJson() != json)
        {
            throw new PropertyException($"the canonical form does not parse back to itself: {json}\n errors: {string.Join("; ", again.Errors)}");
        }
        using var empty = JsonDocument.Parse("{}");
        schema.ValidateTaskData(empty.RootElement);
        AnnotationValidator.Validate(schema, empty.RootElement, empty.RootElement);
        return "schema";
    }

    // ---- Label Studio XML config ----

    private static FuzzTarget Xml()
    {
        var seeds = Corpus.Load("xml");
        return new FuzzTarget
        {
            Name = "xml",
            Description = "LabelStudioConfig.Import(string): never throws; an imported schema round-trips",
            Inputs = Gen.Frequency((4, _xmlConfigs), (4, Mutator.Mutations(seeds)), (2, Mutator.Mutations(_xmlConfigs, seeds))),
            Check = input => CheckImported(LabelStudioConfig.Import(Encoding.UTF8.GetString(input))),
            Scaling =
            [
                new("n labels", 2_000, n => Encoding.UTF8.GetBytes("<View><Text name=\"t\" value=\"$t\"/><Labels name=\"l\" toName=\"t\">" + string.Concat(Enumerable.Range(0, n).Select(i => $"<Label value=\"L{i}\"/>")) + "</Labels></View>"), b => LabelStudioConfig.Import(Encoding.UTF8.GetString(b))),
                new("n fields and controls", 250, n => Encoding.UTF8.GetBytes("<View>" + string.Concat(Enumerable.Range(0, n).Select(i => $"<Text name=\"t{i}\" value=\"$t{i}\"/><Choices name=\"c{i}\" toName=\"t{i}\"><Choice value=\"a\"/></Choices>")) + "</View>"), b => LabelStudioConfig.Import(Encoding.UTF8.GetString(b))),
                new("nesting depth n", 500, n => Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<View>", n)) + "<Text name=\"t\" value=\"$t\"/>" + string.Concat(Enumerable.Repeat("</View>", n))), b => LabelStudioConfig.Import(Encoding.UTF8.GetString(b))),
            ],
        };
    }

    private static string CheckImported(LabelStudioConfigImport import) => CheckParsed(import.Schema, import.Errors);

    private static readonly string[] _xmlObjects = ["Text", "HyperText", "Image", "Audio", "AudioPlus", "Video", "List", "Paragraphs", "Table"];
    private static readonly string[] _xmlControls = ["Choices", "Labels", "HyperTextLabels", "Relations", "RectangleLabels", "Rectangle", "PolygonLabels", "Polygon", "KeyPointLabels", "KeyPoint", "TextArea", "Rating", "Ranker", "Pairwise", "BrushLabels", "Number"];
    private static readonly string[] _xmlChildren = ["Choice", "Label", "Relation", "Bucket", "Header"];
    private static readonly string[] _xmlLayout = ["View", "Header", "Style", "Collapse", "Panel", "Filter"];
    private static readonly string[] _xmlAttributes = ["name", "toName", "value", "choice", "maxRating", "perRegion", "required", "background", "hotkey", "granularity", "showInline", "rows", "editable", "maxSubmissions", "alias", "selected"];

    /// <summary>Configs built from Label Studio's own tags, names that refer to each other, and awkward values.</summary>
    private static readonly Gen<byte[]> _xmlConfigs = Gen.Int.Select(seed =>
    {
        var rnd = new Random(seed);
        var names = new List<string> { "text", "image", "label", "t", "$text", "a,b", "😀", "" };
        var sb = new StringBuilder(rnd.Next(8) == 0 ? "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" : "");
        void Element(int depth)
        {
            var roll = rnd.Next(10);
            string tag;
            if (depth == 0 || (roll < 3 && depth < 30))
            {
                tag = depth == 0 || rnd.Next(3) > 0 ? "View" : _xmlLayout[rnd.Next(_xmlLayout.Length)];
            }
            else
            {
                tag = roll < 6 ? _xmlObjects[rnd.Next(_xmlObjects.Length)] : roll < 9 ? _xmlControls[rnd.Next(_xmlControls.Length)] : _xmlChildren[rnd.Next(_xmlChildren.Length)];
            }
            sb.Append('<').Append(tag);
            for (var a = rnd.Next(4); a > 0; a--)
            {
                var attr = _xmlAttributes[rnd.Next(_xmlAttributes.Length)];
                var value = rnd.Next(3) switch
                {
                    0 => names[rnd.Next(names.Count)],
                    1 => "$" + names[rnd.Next(names.Count)],
                    _ => Inputs.OddTexts[rnd.Next(Inputs.OddTexts.Length)],
                };
                if (attr == "name")
                {
                    names.Add(value = "n" + rnd.Next(20));
                }
                sb.Append(' ').Append(attr).Append("=\"").Append(System.Security.SecurityElement.Escape(value.Replace("\0", "", StringComparison.Ordinal).Replace("\uD800", "", StringComparison.Ordinal).Replace("\uDC00", "", StringComparison.Ordinal).Replace("\uFFFF", "", StringComparison.Ordinal))).Append('"');
            }
            var children = tag is "View" or "Collapse" or "Panel" ? rnd.Next(6) : _xmlControls.Contains(tag) ? rnd.Next(4) : 0;
            if (children == 0)
            {
                sb.Append("/>");
                return;
            }
            sb.Append('>');
            for (var c = 0; c < children; c++)
            {
                if (_xmlControls.Contains(tag))
                {
                    sb.Append('<').Append(_xmlChildren[rnd.Next(_xmlChildren.Length)]).Append(" value=\"").Append(System.Security.SecurityElement.Escape(names[rnd.Next(names.Count)])).Append("\"/>");
                }
                else
                {
                    Element(depth + 1);
                }
            }
            sb.Append("</").Append(tag).Append('>');
        }
        Element(0);
        return Encoding.UTF8.GetBytes(sb.ToString());
    });

    // ---- annotation results against a schema ----

    /// <summary>An annotation input: the corpus file that gives schema and task data, a line break, then the result as sent.</summary>
    private static FuzzTarget Annotation()
    {
        var triples = Corpus.LoadNamed("annotation").Select(f =>
        {
            var node = JsonNode.Parse(f.Bytes)!;
            return (f.Name, Schema: LabelSchema.Parse(node["schema"]!.ToJsonString()).Schema!, Data: JsonDocument.Parse(node["data"]!.ToJsonString()).RootElement.Clone(), Result: node["result"]!, Names: Inputs.Strings(node),
                SchemaJson: JsonDocument.Parse(node["schema"]!.ToJsonString()).RootElement.Clone());
        }).ToArray();
        byte[] Wrap(string name, string result) => Encoding.UTF8.GetBytes(name + "\n" + result);
        var seeds = triples.Select(t => Wrap(t.Name, Inputs.ToJson(t.Result))).ToList();
        var structured = Gen.Select(Gen.Int[0, triples.Length - 1], Gen.Int, (i, seed) => Wrap(triples[i].Name, Inputs.ToJson(Inputs.Tweak(triples[i].Result, new Random(seed), triples[i].Names, calm: 1 + (seed & 7)))));
        // Byte mutations of the result only: a damaged file name would just fall back to the first triple.
        var mutated = Gen.Select(Gen.Int[0, triples.Length - 1], Gen.Frequency((1, Gen.Int[0, seeds.Count - 1].Select(i => seeds[i])), (1, structured)), Gen.UInt.Array[6, 36],
            (i, wrapped, r) =>
            {
                var nl = Array.IndexOf(wrapped, (byte)'\n');
                return Wrap(Encoding.UTF8.GetString(wrapped, 0, nl), "").Concat(Mutator.Apply(wrapped[(nl + 1)..], seeds[i][(Array.IndexOf(seeds[i], (byte)'\n') + 1)..], r)).ToArray();
            });
        var byName = triples.ToDictionary(t => t.Name);
        return new FuzzTarget
        {
            Name = "annotation",
            Description = "AnnotationValidator.Validate(schema, task data, result JSON, media) as submit, review and import call it; a valid result through LabelStudioResults.FromNative and back",
            Inputs = Gen.Frequency((5, structured), (4, mutated)),
            Check = input =>
            {
                var nl = Array.IndexOf(input, (byte)'\n');
                var t = nl > 0 && byName.TryGetValue(Encoding.UTF8.GetString(input, 0, nl), out var found) ? found : triples[0];
                JsonDocument result;
                try
                {
                    result = JsonDocument.Parse(input.AsMemory(nl + 1));
                }
                catch (JsonException)
                {
                    return "not JSON"; // the endpoint's body binding answers 400 first
                }
                using (result)
                {
                    var errors = AnnotationValidator.Validate(t.Schema, t.Data, result.RootElement, AnyMedia);
                    foreach (var e in errors)
                    {
                        if (e.Path.Length > 0 && e.Path[0] != '/')
                        {
                            throw new PropertyException($"error path '{e.Path}' is not a JSON pointer");
                        }
                    }
                    if (errors.Count > 0)
                    {
                        return "errors";
                    }
                    // A valid result goes out in Label Studio exports and may come back in an import.
                    var ls = LabelStudioResults.FromNative(result.RootElement, t.SchemaJson, t.Data, AnyMedia);
                    if (ls.Ok)
                    {
                        using var lsDoc = JsonDocument.Parse(ls.Json);
                        LabelStudioResults.ToNative(lsDoc.RootElement, t.SchemaJson, t.Data, AnyMedia);
                    }
                    return ls.Ok ? "valid, exported" : "valid, not exportable";
                }
            },
            Scaling =
            [
                new("n spans and n relations", 500, Shapes.SpansAndRelations, b => ValidateShape(triples.First(t => t.Name == "all-controls.json"), b)),
                new("polygon of n points", 2_000, Shapes.Polygon, b => ValidateShape(triples.First(t => t.Name == "all-controls.json"), b)),
            ],
        };
    }

    private static void ValidateShape((string Name, LabelSchema Schema, JsonElement Data, JsonNode Result, List<string> Names, JsonElement SchemaJson) t, byte[] result)
    {
        using var doc = JsonDocument.Parse(result);
        AnnotationValidator.Validate(t.Schema, t.Data, doc.RootElement, AnyMedia);
    }

    // ---- media sniffer ----

    /// <summary>A media input: eight bytes of the file's total length (little-endian, at least the head's), then the head.</summary>
    private static FuzzTarget Media()
    {
        var seeds = Corpus.Load("media");
        var heads = Gen.Frequency((4, _mediaHeaders), (4, Mutator.Mutations(seeds)), (2, Mutator.Mutations(_mediaHeaders, seeds)));
        var inputs = Gen.Select(heads, Gen.Frequency((3, Gen.Const(0L)), (2, Gen.Long[0, 1 << 20]), (1, Gen.Const(long.MaxValue - (1 << 20)))),
            (head, extra) =>
            {
                var b = new byte[8 + head.Length];
                BinaryPrimitives.WriteInt64LittleEndian(b, head.Length + extra);
                head.CopyTo(b, 8);
                return b;
            });
        return new FuzzTarget
        {
            Name = "media",
            Description = "MediaSniffer.Sniff(first 64 KiB, total length) as the media upload calls it",
            Inputs = inputs,
            Check = input =>
            {
                var total = input.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(input) : 0;
                var head = input.AsSpan(Math.Min(8, input.Length));
                head = head[..Math.Min(head.Length, MediaSniffer.HeadBytes)];
                var sniff = MediaSniffer.Sniff(head, Math.Max(total, head.Length));
                CheckSniff(sniff);
                return sniff?.ContentType ?? "not media";
            },
            Scaling =
            [
                new("MP4 ftyp with n brands", 1_000, n => Shapes.Mp4Brands(n), b => MediaSniffer.Sniff(b, b.Length)),
                new("JPEG with n segments before the frame", 600, n => Shapes.JpegSegments(n), b => MediaSniffer.Sniff(b, b.Length)),
            ],
        };
    }

    private static void CheckSniff(SniffResult? s)
    {
        if (s is null)
        {
            return;
        }
        var typed = s.Kind switch
        {
            "image" or "audio" or "video" => s.ContentType.StartsWith(s.Kind + "/", StringComparison.Ordinal),
            "document" => s.ContentType == MediaSniffer.PdfType,
            "table" => s.ContentType == MediaSniffer.CsvType && s is { Width: null, Height: null, DurationSeconds: null },
            _ => false,
        };
        if (!typed)
        {
            throw new PropertyException($"kind {s.Kind} with type {s.ContentType}");
        }
        if (s.Width is <= 0 || s.Height is <= 0)
        {
            throw new PropertyException($"{s.ContentType} of {s.Width} × {s.Height} pixels");
        }
        if (s.DurationSeconds is { } d && (!double.IsFinite(d) || d < 0))
        {
            throw new PropertyException($"{s.ContentType} lasting {d} s");
        }
    }

    /// <summary>Headers of every format the sniffer knows, with the fields after the magic drawn at random.</summary>
    private static readonly Gen<byte[]> _mediaHeaders = Gen.Select(Gen.Int[0, 12], Gen.Byte.Array[0, 96], Gen.UInt, Gen.UInt, byte[] (kind, tail, a, b) =>
    {
        byte[] head = kind switch
        {
            0 => [0x89, .. "PNG\r\n\x1A\n"u8, 0, 0, 0, 13, .. "IHDR"u8, .. BE(a), .. BE(b)],
            1 => [0xFF, 0xD8, 0xFF, 0xE0, 0, (byte)(a % 20), .. new byte[a % 20], 0xFF, 0xC0, 0, 17, 8, (byte)(a >> 8), (byte)a, (byte)(b >> 8), (byte)b],
            2 => [.. "GIF89a"u8, (byte)a, (byte)(a >> 8), (byte)b, (byte)(b >> 8), (byte)(a >> 16), 0, 0, .. new byte[3 << (int)((a >> 16) % 8 + 1)], 0x2C],
            3 => [.. "RIFF"u8, .. LE(a), .. "WEBP"u8, .. new[] { "VP8 "u8.ToArray(), "VP8L"u8.ToArray(), "VP8X"u8.ToArray() }[b % 3], .. LE(a), 0x2F, 0, 0, 0x9D, 0x01, 0x2A, .. LE(b), .. LE(a)],
            4 => [.. "BM"u8, .. LE(a), 0, 0, 0, 0, 54, 0, 0, 0, .. LE(new uint[] { 12, 40, 124, b }[a % 4]), .. LE(a), .. LE(b), 1, 0, 24, 0],
            5 => [.. "RIFF"u8, .. LE(a), .. "WAVE"u8, .. "fmt "u8, 16, 0, 0, 0, 1, 0, 1, 0, .. LE(b), .. LE(a), 2, 0, 16, 0, .. "data"u8, .. LE(a ^ b)],
            6 => [.. "fLaC"u8, (byte)(a % 2 * 0x80), 0, 0, 34, .. BE(a), .. BE(b), .. BE(a ^ b), .. BE(b * 7), .. BE(a * 3)],
            7 => [.. "OggS"u8, 0, 2, .. new byte[20], (byte)(a % 8), .. new byte[a % 8], 0x80, .. "theora"u8],
            8 => [.. "ID3"u8, (byte)(2 + a % 3), 0, (byte)(b & 0x10), (byte)(a >> 25 & 0x7F), (byte)(a >> 18 & 0x7F), (byte)(a >> 11 & 0x7F), (byte)(a & 0x7F), 0xFF, 0xFB, 0x90, 0x00],
            9 => [0xFF, (byte)(0xE0 | a % 32), (byte)b, (byte)(b >> 8)],
            10 => [.. BE(a % 64), .. "ftyp"u8, .. new[] { "isom"u8.ToArray(), "heic"u8.ToArray(), "M4A "u8.ToArray(), "qt  "u8.ToArray() }[b % 4], 0, 0, 0, 0, .. "mp41"u8, .. "avif"u8],
            11 => [0x1A, 0x45, 0xDF, 0xA3, (byte)(0x80 | a % 64), 0x42, 0x82, (byte)(0x80 | b % 16), .. "webm"u8, .. BE(a)],
            _ => [],
        };
        byte[] input = [.. head, .. tail];
        return input;
    });

    private static byte[] BE(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); return b; }

    private static byte[] LE(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }

    // ---- zip uploads ----

    /// <summary>Stops the harness reading an entry: the zip-bomb limits are another piece of work, not this check.</summary>
    private const long ZipEntryReadCap = 8 * 1024 * 1024;

    /// <summary>What <see cref="UnpackLikeTheServer"/> answers when an entry ran past the cap.</summary>
    private const int ZipBomb = int.MinValue;

    private static FuzzTarget Zip()
    {
        var seeds = Corpus.Load("zip");
        var media = Corpus.Load("media");
        var structured = Gen.Int.Select(seed => BuildZip(new Random(seed), media));
        return new FuzzTarget
        {
            Name = "zip",
            Description = "ZipArchive reading + MediaStore.CheckName + MediaSniffer per entry, as the media upload unpacks a .zip",
            Inputs = Gen.Frequency((3, structured), (4, Mutator.Mutations(seeds)), (3, Mutator.Mutations(structured, seeds))),
            Check = input => UnpackLikeTheServer(input) switch
            {
                ZipBomb => "an entry past 8 MiB (the server refuses it by Limits:ZipMaxRatio and MediaMaxFileBytes)",
                < 0 => "not a zip (400)",
                0 => "no entry stored",
                _ => "entries stored",
            },
            Scaling = [new("n entries", 200, n => Shapes.Zip(n, media[0]), b => UnpackLikeTheServer(b))],
        };
    }

    /// <summary>
    /// The loop of <c>MediaApi.Upload</c> for a <c>.zip</c> part, without HTTP and blob store: open
    /// the archive, skip folders, check each name, sniff the first 64 KiB with the entry's length,
    /// copy the rest. The exceptions the upload answers with 400 (InvalidDataException, and
    /// ArgumentOutOfRangeException from its form stream) are its error path; any other is a finding.
    /// </summary>
    public static int UnpackLikeTheServer(byte[] input)
    {
        var stored = 0;
        try
        {
            using var zip = new ZipArchive(new FormFileLikeStream(input), ZipArchiveMode.Read);
            var names = new HashSet<string>(StringComparer.Ordinal);
            var head = new byte[MediaSniffer.HeadBytes];
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                if (MediaStore.CheckName(entry.FullName) is not null || !names.Add(entry.FullName))
                {
                    return stored; // the upload answers 400 naming the entry
                }
                using var es = entry.Open();
                var n = es.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                var sniff = MediaSniffer.Sniff(head.AsSpan(0, n), entry.Length);
                if (sniff is null)
                {
                    return stored;
                }
                CheckSniff(sniff);
                long total = n;
                int read;
                while ((read = es.Read(head)) > 0)
                {
                    total += read;
                    if (total > ZipEntryReadCap)
                    {
                        return ZipBomb; // the upload would store it whole
                    }
                }
                stored++;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentOutOfRangeException)
        {
            return -1; // what the upload turns into 400 "not a zip archive this server can read"
        }
        return stored;
    }

    /// <summary>
    /// Seeks as ASP.NET Core's form file stream does: a position before the start or past the end
    /// throws ArgumentOutOfRangeException, where a MemoryStream would throw IOException (before) or
    /// allow it (past). A harness over a MemoryStream missed the server's 500 for a zip too short to
    /// hold its end record.
    /// </summary>
    private sealed class FormFileLikeStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override long Position
        {
            get => base.Position;
            set => base.Position = value >= 0 && value <= Length ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"The Position must be within the length of the Stream: {Length}");
        }

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch
            {
                SeekOrigin.Begin => offset,
                SeekOrigin.Current => Position + offset,
                _ => Length + offset,
            };
            return Position;
        }
    }

    private static readonly string[] _zipNames = ["a.gif", "dir/b.png", "dir/", "../up.gif", "/abs.gif", "a\\b.gif", "c\u0001.gif", "😀/张三.jpg", "\u202Egif.exe", "a.gif", "", ".", "x//y.gif", new string('n', 300)];

    private static byte[] BuildZip(Random rnd, List<byte[]> media)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: rnd.Next(3) == 0 ? Encoding.Latin1 : null))
        {
            for (var i = rnd.Next(5); i >= 0; i--)
            {
                var name = rnd.Next(3) == 0 ? _zipNames[rnd.Next(_zipNames.Length)] : $"m{i}.{rnd.Next(100)}";
                if (name.Length == 0)
                {
                    continue; // ZipArchive will not write one; a damaged header below can still make one
                }
                var entry = zip.CreateEntry(name, (CompressionLevel)rnd.Next(4));
                using var s = entry.Open();
                var content = media[rnd.Next(media.Count)];
                s.Write(content, 0, rnd.Next(4) == 0 ? rnd.Next(content.Length + 1) : content.Length);
            }
        }
        var bytes = ms.ToArray();
        // Damage a header field now and then: sizes, offsets, counts, the method.
        for (var k = rnd.Next(3); k > 0 && bytes.Length > 0; k--)
        {
            bytes[rnd.Next(bytes.Length)] = (byte)rnd.Next(256);
        }
        return bytes;
    }
}

/// <summary>The seed corpus: <c>tests/Yunzhong.Fuzz/Corpus/&lt;target&gt;/</c>, copied next to the build.</summary>
public static class Corpus
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Corpus");

    public static List<byte[]> Load(string target) => [.. LoadNamed(target).Select(f => f.Bytes)];

    public static List<(string Name, byte[] Bytes)> LoadNamed(string target) =>
        [.. Directory.GetFiles(Path.Combine(Root, target)).Order(StringComparer.Ordinal).Select(p => (Path.GetFileName(p), File.ReadAllBytes(p)))];
}


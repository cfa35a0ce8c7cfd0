using System.Buffers;
using System.Runtime.InteropServices;

namespace Yunzhong.Core.Formats;

/// <summary>
/// COCO detection JSON: <c>info</c>, <c>categories</c>, <c>images</c>, <c>annotations</c>.
/// Categories are known from the schema and written first; images are written as tasks come;
/// annotations spill to the temp stream and are copied in by <see cref="CompleteAsync"/>.
/// </summary>
/// <remarks>
/// The image field is that of the schema's first rectangles, polygons or keypoints control; only
/// controls on that field are exported. Image id = task id; <c>file_name</c> is the media's name
/// (or the data value when the media is unknown); width and height are left out, with a problem
/// reported, when the size is unknown. Categories are the distinct labels of those controls in
/// schema order, ids from 1; a label used by a keypoints control gets <c>keypoints: [label]</c>.
/// A rectangle gives <c>bbox</c>, its four corners as <c>segmentation</c> and <c>area</c> = w·h;
/// a rotated rectangle (degrees clockwise about its top-left corner) gives the bbox of its
/// corners. A polygon gives its points as <c>segmentation</c>, the bbox of its points and its
/// shoelace area. A keypoint gives <c>keypoints: [x, y, 2]</c>, <c>num_keypoints: 1</c>, a
/// zero-size bbox and area 0. Every exported annotation's regions are written (so overlap 3 gives
/// three sets); <c>attributes</c> names the annotator and the region id.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The JSON writer writes to an in-memory buffer and holds no unmanaged resource; the export's stream is owned by the caller.")]
internal sealed class CocoExportWriter : ExportWriter
{
    private readonly string? _imageField;
    private readonly SchemaView.Control[] _controls;
    private readonly Dictionary<string, int> _categories = new(StringComparer.Ordinal);
    private readonly Stream _temp;
    private readonly ArrayBufferWriter<byte> _annBuffer = new(128 * 1024);
    private readonly Utf8JsonWriter _ann;
    private long _nextAnnotationId = 1;
    private bool _anyImage;
    private bool _anyAnnotation;
    private readonly byte[] _imageFieldUtf8;
    private readonly byte[][] _controlNamesUtf8;
    private readonly List<double> _points = [];
    private byte[] _dataScratch = new byte[4096];
    private byte[] _resultScratch = new byte[4096];

    public CocoExportWriter(Stream output, SchemaView schema, ExportOptions options)
        : base(output, options)
    {
        if (options.TempStreamFactory is null)
        {
            throw new ArgumentException("COCO export needs ExportOptions.TempStreamFactory to spill annotations", nameof(options));
        }

        _imageField = schema.Controls.FirstOrDefault(c => c.Type is "rectangles" or "polygons" or "keypoints")?.Field;
        _controls = schema.Controls
            .Where(c => c.Type is "rectangles" or "polygons" or "keypoints" && c.Field == _imageField)
            .ToArray();
        _imageFieldUtf8 = Encoding.UTF8.GetBytes(_imageField ?? "");
        _controlNamesUtf8 = _controls.Select(c => Encoding.UTF8.GetBytes(c.Name)).ToArray();
        _temp = options.TempStreamFactory();
        _ann = new Utf8JsonWriter(_annBuffer, JsonBytes.RawWriterOptions);

        var keypointLabels = _controls.Where(c => c.Type == "keypoints").SelectMany(c => c.Labels).ToHashSet(StringComparer.Ordinal);
        var json = Json;
        json.WriteStartObject();
        json.WriteStartObject("info"u8);
        json.WriteString("description"u8, "Yunzhong export");
        json.WriteEndObject();
        json.WriteStartArray("categories"u8);
        foreach (var label in _controls.SelectMany(c => c.Labels))
        {
            if (_categories.ContainsKey(label))
            {
                continue;
            }

            _categories[label] = _categories.Count + 1;
            json.WriteStartObject();
            json.WriteNumber("id"u8, _categories[label]);
            json.WriteString("name"u8, label);
            json.WriteString("supercategory"u8, "");
            if (keypointLabels.Contains(label))
            {
                json.WriteStartArray("keypoints"u8);
                json.WriteStringValue(label);
                json.WriteEndArray();
                json.WriteStartArray("skeleton"u8);
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.Flush();
        WriteRaw(",\"images\":["u8);
    }

    public override async ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        if (_imageField is null)
        {
            return;
        }

        string? reference;
        try
        {
            reference = TopLevelString(Utf8(task.DataJson, ref _dataScratch), _imageFieldUtf8);
        }
        catch (JsonException)
        {
            AddProblem(task.Id, null, "the task data is not valid JSON");
            return;
        }

        if (reference is null)
        {
            AddProblem(task.Id, null, $"the task has no image field '{_imageField}'");
            return;
        }

        var media = task.Media?.GetValueOrDefault(reference);
        WriteRaw(_anyImage ? ","u8 : ""u8);
        _anyImage = true;
        var json = Json;
        json.Reset(Buffer);
        json.WriteStartObject();
        json.WriteNumber("id"u8, task.Id);
        json.WriteString("file_name"u8, media?.Name ?? reference);
        if (media is { Width: { } w, Height: { } h })
        {
            json.WriteNumber("width"u8, w);
            json.WriteNumber("height"u8, h);
        }
        else
        {
            AddProblem(task.Id, null, $"the size of image '{reference}' is unknown");
        }

        json.WriteEndObject();

        foreach (var a in task.Annotations)
        {
            if (!Options.IncludeHistory && !a.IsFinal)
            {
                continue;
            }

            try
            {
                WriteRegions(task.Id, a, Utf8(a.ResultJson, ref _resultScratch));
            }
            catch (JsonException)
            {
                AddProblem(task.Id, a.Id, "the result is not valid JSON");
            }
        }

        await FlushIfFullAsync(ct).ConfigureAwait(false);
        _ann.Flush();
        if (_annBuffer.WrittenCount >= 64 * 1024)
        {
            await SpillAsync(ct).ConfigureAwait(false);
        }
    }

    private static ReadOnlySpan<byte> Utf8(string text, ref byte[] scratch)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (scratch.Length < max)
        {
            scratch = new byte[Math.Max(max, scratch.Length * 2)];
        }

        return scratch.AsSpan(0, Encoding.UTF8.GetBytes(text, scratch));
    }

    private static string? TopLevelString(ReadOnlySpan<byte> json, byte[] name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            if (match)
            {
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }

            reader.Skip();
        }

        return null;
    }

    // A hand-rolled reader: this runs once per annotation on the export hot path.
    private void WriteRegions(long taskId, ExportAnnotation a, ReadOnlySpan<byte> result)
    {
        var reader = new Utf8JsonReader(result);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            SchemaView.Control? control = null;
            for (var i = 0; i < _controls.Length; i++)
            {
                if (reader.ValueTextEquals(_controlNamesUtf8[i]))
                {
                    control = _controls[i];
                    break;
                }
            }

            reader.Read();
            if (control is null || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    AddProblem(taskId, a.Id, $"{control.Name}: a region is not an object");
                    continue;
                }

                var region = ReadRegion(ref reader);
                if (region.Label is null || !_categories.TryGetValue(region.Label, out var categoryId))
                {
                    AddProblem(taskId, a.Id, $"{control.Name}: label '{region.Label}' is not a category");
                    continue;
                }

                var missing = control.Type switch
                {
                    "rectangles" => !(region.Has(Field.X) && region.Has(Field.Y) && region.Has(Field.Width) && region.Has(Field.Height)),
                    "polygons" => _points.Count < 6,
                    _ => !(region.Has(Field.X) && region.Has(Field.Y)),
                };
                if (missing)
                {
                    AddProblem(taskId, a.Id, $"{control.Name}: region '{region.Id}' lacks its geometry");
                    continue;
                }

                WriteAnnotation(taskId, a, control.Type, region, categoryId);
            }
        }
    }

    [Flags]
    private enum Field { None = 0, X = 1, Y = 2, Width = 4, Height = 8 }

    private struct Region
    {
        public string? Id;
        public string? Label;
        public double X, Y, Width, Height, Rotation;
        public Field Present;

        public readonly bool Has(Field f) => (Present & f) == f;
    }

    private Region ReadRegion(ref Utf8JsonReader reader)
    {
        var region = default(Region);
        _points.Clear();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                region.Id = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("label"u8))
            {
                reader.Read();
                region.Label = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("x"u8))
            {
                region.X = ReadNumber(ref reader, Field.X, ref region.Present);
            }
            else if (reader.ValueTextEquals("y"u8))
            {
                region.Y = ReadNumber(ref reader, Field.Y, ref region.Present);
            }
            else if (reader.ValueTextEquals("width"u8))
            {
                region.Width = ReadNumber(ref reader, Field.Width, ref region.Present);
            }
            else if (reader.ValueTextEquals("height"u8))
            {
                region.Height = ReadNumber(ref reader, Field.Height, ref region.Present);
            }
            else if (reader.ValueTextEquals("rotation"u8))
            {
                var ignored = Field.None;
                region.Rotation = ReadNumber(ref reader, Field.None, ref ignored);
            }
            else if (reader.ValueTextEquals("points"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    if (reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        var px = reader.GetDouble();
                        if (reader.Read() && reader.TokenType == JsonTokenType.Number)
                        {
                            _points.Add(px);
                            _points.Add(reader.GetDouble());
                        }
                    }

                    while (reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Read();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return region;
    }

    private static double ReadNumber(ref Utf8JsonReader reader, Field field, ref Field present)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            present |= field;
            return reader.GetDouble();
        }

        reader.Skip();
        return 0;
    }

    private void WriteAnnotation(long imageId, ExportAnnotation a, string type, in Region region, int categoryId)
    {
        scoped ReadOnlySpan<double> polygon;
        double area;
        var isPoint = false;
        Span<double> corners = stackalloc double[8];
        switch (type)
        {
            case "rectangles":
            {
                double x = region.X, y = region.Y, w = region.Width, h = region.Height;
                var t = region.Rotation * Math.PI / 180;
                var (cos, sin) = region.Rotation == 0 ? (1.0, 0.0) : (Math.Cos(t), Math.Sin(t));
                corners[0] = x;
                corners[1] = y;
                corners[2] = x + w * cos;
                corners[3] = y + w * sin;
                corners[4] = x + w * cos - h * sin;
                corners[5] = y + w * sin + h * cos;
                corners[6] = x - h * sin;
                corners[7] = y + h * cos;
                polygon = corners;
                area = w * h;
                break;
            }

            case "polygons":
                polygon = CollectionsMarshal.AsSpan(_points);
                area = ShoelaceArea(polygon);
                break;

            default:
                corners[0] = region.X;
                corners[1] = region.Y;
                polygon = corners[..2];
                area = 0;
                isPoint = true;
                break;
        }

        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i + 1 < polygon.Length; i += 2)
        {
            minX = Math.Min(minX, polygon[i]);
            maxX = Math.Max(maxX, polygon[i]);
            minY = Math.Min(minY, polygon[i + 1]);
            maxY = Math.Max(maxY, polygon[i + 1]);
        }

        _ann.Reset(_annBuffer);
        if (_anyAnnotation)
        {
            _annBuffer.Write(","u8);
        }

        _anyAnnotation = true;
        var json = _ann;
        json.WriteStartObject();
        json.WriteNumber("id"u8, _nextAnnotationId++);
        json.WriteNumber("image_id"u8, imageId);
        json.WriteNumber("category_id"u8, categoryId);
        json.WriteStartArray("bbox"u8);
        json.WriteNumberValue(minX);
        json.WriteNumberValue(minY);
        json.WriteNumberValue(maxX - minX);
        json.WriteNumberValue(maxY - minY);
        json.WriteEndArray();
        json.WriteNumber("area"u8, area);
        json.WriteNumber("iscrowd"u8, 0);
        json.WriteStartArray("segmentation"u8);
        if (!isPoint)
        {
            json.WriteStartArray();
            foreach (var v in polygon)
            {
                json.WriteNumberValue(v);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        if (isPoint)
        {
            json.WriteStartArray("keypoints"u8);
            json.WriteNumberValue(region.X);
            json.WriteNumberValue(region.Y);
            json.WriteNumberValue(2);
            json.WriteEndArray();
            json.WriteNumber("num_keypoints"u8, 1);
        }

        json.WriteStartObject("attributes"u8);
        json.WriteString("annotator"u8, a.Annotator);
        if (region.Id is not null)
        {
            json.WriteString("region"u8, region.Id);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }

    internal static double ShoelaceArea(ReadOnlySpan<double> xy)
    {
        var sum = 0.0;
        var n = xy.Length / 2;
        for (var i = 0; i < n; i++)
        {
            var j = (i + 1) % n;
            sum += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
        }

        return Math.Abs(sum) / 2;
    }

    private async ValueTask SpillAsync(CancellationToken ct)
    {
        _ann.Flush();
        await _temp.WriteAsync(_annBuffer.WrittenMemory, ct).ConfigureAwait(false);
        _annBuffer.ResetWrittenCount();
        _ann.Reset(_annBuffer);
    }

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        await using (_temp.ConfigureAwait(false))
        {
            await SpillAsync(ct).ConfigureAwait(false);
            WriteRaw("],\"annotations\":["u8);
            await FlushAsync(ct).ConfigureAwait(false);
            await _temp.FlushAsync(ct).ConfigureAwait(false);
            _temp.Position = 0;
            await _temp.CopyToAsync(Output, ct).ConfigureAwait(false);
            WriteRaw("]}\n"u8);
            await FlushAsync(ct).ConfigureAwait(false);
            await Output.FlushAsync(ct).ConfigureAwait(false);
        }
    }
}

using System.Buffers;
using System.Text.Json;

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

        using var data = JsonDocument.Parse(task.DataJson);
        var reference = LabelStudioResults.FieldString(data.RootElement, _imageField);
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

        foreach (var a in Selected(task))
        {
            using var result = JsonDocument.Parse(a.ResultJson);
            if (result.RootElement.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var control in _controls)
            {
                if (!result.RootElement.TryGetProperty(control.Name, out var regions) || regions.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var region in regions.EnumerateArray())
                {
                    try
                    {
                        WriteAnnotation(task.Id, a, control, region);
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or KeyNotFoundException or FormatException)
                    {
                        AddProblem(task.Id, a.Id, $"{control.Name}: a region has the wrong shape");
                    }
                }
            }
        }

        await FlushIfFullAsync(ct).ConfigureAwait(false);
        _ann.Flush();
        if (_annBuffer.WrittenCount >= 64 * 1024)
        {
            await SpillAsync(ct).ConfigureAwait(false);
        }
    }

    private void WriteAnnotation(long imageId, ExportAnnotation a, SchemaView.Control control, JsonElement region)
    {
        var label = region.TryGetProperty("label", out var l) ? l.GetString() : null;
        if (label is null || !_categories.TryGetValue(label, out var categoryId))
        {
            AddProblem(imageId, a.Id, $"{control.Name}: label '{label}' is not a category");
            return;
        }

        // Compute everything first so a bad region writes nothing.
        double[] polygon;
        double area;
        double[]? keypoint = null;
        switch (control.Type)
        {
            case "rectangles":
            {
                double x = region.GetProperty("x").GetDouble(), y = region.GetProperty("y").GetDouble();
                double w = region.GetProperty("width").GetDouble(), h = region.GetProperty("height").GetDouble();
                var rotation = region.TryGetProperty("rotation", out var r) ? r.GetDouble() : 0;
                var t = rotation * Math.PI / 180;
                var (cos, sin) = rotation == 0 ? (1.0, 0.0) : (Math.Cos(t), Math.Sin(t));
                polygon =
                [
                    x, y,
                    x + w * cos, y + w * sin,
                    x + w * cos - h * sin, y + w * sin + h * cos,
                    x - h * sin, y + h * cos,
                ];
                area = w * h;
                break;
            }

            case "polygons":
                polygon = region.GetProperty("points").EnumerateArray()
                    .SelectMany(p => new[] { p[0].GetDouble(), p[1].GetDouble() })
                    .ToArray();
                area = ShoelaceArea(polygon);
                break;

            default:
                keypoint = [region.GetProperty("x").GetDouble(), region.GetProperty("y").GetDouble()];
                polygon = keypoint;
                area = 0;
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
            _ann.Flush();
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
        if (keypoint is null)
        {
            json.WriteStartArray();
            foreach (var v in polygon)
            {
                json.WriteNumberValue(v);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        if (keypoint is not null)
        {
            json.WriteStartArray("keypoints"u8);
            json.WriteNumberValue(keypoint[0]);
            json.WriteNumberValue(keypoint[1]);
            json.WriteNumberValue(2);
            json.WriteEndArray();
            json.WriteNumber("num_keypoints"u8, 1);
        }

        json.WriteStartObject("attributes"u8);
        json.WriteString("annotator"u8, a.Annotator);
        if (region.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            json.WriteString("region"u8, id.GetString());
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }

    internal static double ShoelaceArea(double[] xy)
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

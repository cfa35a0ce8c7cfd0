using System.Globalization;
using System.IO.Compression;
using System.Xml;

namespace Yunzhong.Core.Formats;

/// <summary>
/// A zip of one label file per image, as detection toolkits read them (YOLO, Pascal VOC). The image
/// field is that of the schema's first rectangles or polygons control; only controls on that field
/// are exported. Each image takes the regions of ONE annotation, the newest in force (a detector
/// trains on one truth per image; overlapping annotations would double every object — for overlap,
/// export JSON lines with consensus). A label file is named after the image (its media name, or the
/// last segment of its URL, without extension); a name already taken gets the task id appended.
/// An image whose size is unknown cannot be written (both formats need it) and is reported.
/// Memory: the zip entry being written and the set of names used.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The zip is closed by CompleteAsync, as every writer's file is; the export's stream is owned by the caller.")]
internal abstract class ImageArchiveExportWriter : ExportWriter
{
    private readonly ZipArchive _zip;
    private readonly HashSet<string> _stems = new(StringComparer.OrdinalIgnoreCase);

    private protected ImageArchiveExportWriter(Stream output, SchemaView schema, ExportOptions options)
        : base(output, options)
    {
        ImageField = schema.Controls.FirstOrDefault(c => c.Type is "rectangles" or "polygons")?.Field;
        Controls = [.. schema.Controls.Where(c => c.Type is "rectangles" or "polygons" && c.Field == ImageField)];
        Labels = [.. Controls.SelectMany(c => c.Labels).Distinct(StringComparer.Ordinal)];
        KeypointControl = ImageField is null ? null : schema.Controls.FirstOrDefault(c => c.Type == "keypoints" && c.Field == ImageField);
        _zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
    }

    private protected string? ImageField { get; }

    private protected SchemaView.Control[] Controls { get; }

    /// <summary>The first keypoints control on the image field (YOLO writes its points as pose instances).</summary>
    private protected SchemaView.Control? KeypointControl { get; }

    /// <summary>The current image's points of <see cref="KeypointControl"/>: keypoint name (index into its labels), pixels, region id.</summary>
    private protected List<(int Name, double X, double Y, string? Id)> Points { get; } = [];

    /// <summary>The task being written (for problems).</summary>
    private protected long TaskId { get; private set; }

    /// <summary>The distinct labels of the exported controls in schema order: class ids 0, 1, ….</summary>
    private protected string[] Labels { get; }

    /// <summary>One region in pixels: a box (rotation in degrees clockwise about its top-left corner) or a polygon.</summary>
    private protected sealed record Region(string Label, double X, double Y, double Width, double Height, double Rotation, double[]? Points)
    {
        /// <summary>The region's outline: a polygon's points, or a box's four corners (turned).</summary>
        public double[] Outline()
        {
            if (Points is not null)
            {
                return Points;
            }

            var t = Rotation * Math.PI / 180;
            var (cos, sin) = Rotation == 0 ? (1.0, 0.0) : (Math.Cos(t), Math.Sin(t));
            return
            [
                X, Y,
                X + (Width * cos), Y + (Width * sin),
                X + (Width * cos) - (Height * sin), Y + (Width * sin) + (Height * cos),
                X - (Height * sin), Y + (Height * cos),
            ];
        }

        /// <summary>The axis-aligned box around the outline: left, top, right, bottom.</summary>
        public (double Left, double Top, double Right, double Bottom) Bounds()
        {
            var o = Outline();
            double left = double.MaxValue, top = double.MaxValue, right = double.MinValue, bottom = double.MinValue;
            for (var i = 0; i + 1 < o.Length; i += 2)
            {
                (left, right) = (Math.Min(left, o[i]), Math.Max(right, o[i]));
                (top, bottom) = (Math.Min(top, o[i + 1]), Math.Max(bottom, o[i + 1]));
            }

            return (left, top, right, bottom);
        }
    }

    public override async ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        if (ImageField is null)
        {
            return;
        }

        using var data = TryParse(task.DataJson, task.Id, null);
        if (data is null)
        {
            return;
        }

        if (LabelStudioResults.FieldString(data.RootElement, ImageField) is not { } reference)
        {
            AddProblem(task.Id, null, $"the task has no image field '{ImageField}'");
            return;
        }

        var media = task.Media?.GetValueOrDefault(reference);
        if (media is not { Width: > 0 and var width, Height: > 0 and var height })
        {
            AddProblem(task.Id, null, $"the size of image '{reference}' is unknown");
            return;
        }

        var annotation = Selected(task).LastOrDefault();
        var regions = new List<Region>();
        Points.Clear();
        TaskId = task.Id;
        if (annotation is not null)
        {
            using var result = TryParse(annotation.ResultJson, task.Id, annotation.Id);
            if (result is null)
            {
                return;
            }

            foreach (var c in Controls)
            {
                if (result.RootElement.TryGetProperty(c.Name, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    regions.AddRange(list.EnumerateArray().Select(r => ReadRegion(c, r)).OfType<Region>());
                }
            }

            if (KeypointControl is { } k && result.RootElement.TryGetProperty(k.Name, out var points) && points.ValueKind == JsonValueKind.Array)
            {
                foreach (var r in points.EnumerateArray())
                {
                    var keypoint = r.ValueKind == JsonValueKind.Object && LabelStudioResults.Str(r, "label") is { } label ? NameIndex(k.Labels, label) : -1;
                    if (keypoint >= 0 && r.TryGetProperty("x", out var x) && x.ValueKind == JsonValueKind.Number && r.TryGetProperty("y", out var y) && y.ValueKind == JsonValueKind.Number)
                    {
                        Points.Add((keypoint, x.GetDouble(), y.GetDouble(), LabelStudioResults.Str(r, "id")));
                    }
                }
            }
        }

        var fileName = media.Name is { Length: > 0 } name && name != reference ? name : LastSegment(reference);
        var stem = Path.GetFileNameWithoutExtension(fileName);
        if (stem.Length == 0 || !_stems.Add(stem))
        {
            stem = $"{(stem.Length == 0 ? "image" : stem)}_{task.Id}";
            _stems.Add(stem);
        }

        await WriteImageAsync(stem, fileName, width, height, regions, ct).ConfigureAwait(false);
    }

    /// <summary>Writes the label file(s) of one image.</summary>
    private protected abstract ValueTask WriteImageAsync(string stem, string fileName, int width, int height, List<Region> regions, CancellationToken ct);

    /// <summary>Writes the files that describe the whole set (class names, image lists).</summary>
    private protected abstract ValueTask WriteSetFilesAsync(CancellationToken ct);

    /// <summary>Adds one file to the zip.</summary>
    private protected async ValueTask AddEntryAsync(string path, string text, CancellationToken ct)
    {
        var entry = _zip.CreateEntry(path, CompressionLevel.Fastest);
        await using var stream = await entry.OpenAsync(ct).ConfigureAwait(false);
        var bytes = Encoding.UTF8.GetBytes(text);
        await stream.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        await WriteSetFilesAsync(ct).ConfigureAwait(false);
        await _zip.DisposeAsync().ConfigureAwait(false);
        await Output.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A number as label files write it: invariant, at most six decimals.</summary>
    private protected static string Num(double value) => Math.Round(value, 6).ToString("0.######", CultureInfo.InvariantCulture);

    private static int NameIndex(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string LastSegment(string reference)
    {
        var path = reference.Split('?', '#')[0].TrimEnd('/');
        var slash = path.LastIndexOf('/');
        return Uri.UnescapeDataString(slash >= 0 ? path[(slash + 1)..] : path);
    }

    private static Region? ReadRegion(SchemaView.Control control, JsonElement r)
    {
        if (r.ValueKind != JsonValueKind.Object || LabelStudioResults.Str(r, "label") is not { } label)
        {
            return null;
        }

        if (control.Type == "polygons")
        {
            if (!r.TryGetProperty("points", out var pts) || pts.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var points = pts.EnumerateArray().SelectMany(p => new[] { p[0].GetDouble(), p[1].GetDouble() }).ToArray();
            return new Region(label, 0, 0, 0, 0, 0, points);
        }

        var rotation = r.TryGetProperty("rotation", out var rot) && rot.ValueKind == JsonValueKind.Number ? rot.GetDouble() : 0;
        return new Region(label, r.GetProperty("x").GetDouble(), r.GetProperty("y").GetDouble(),
            r.GetProperty("width").GetDouble(), r.GetProperty("height").GetDouble(), rotation, null);
    }
}

/// <summary>
/// YOLO (Ultralytics) labels in a zip: <c>data.yaml</c> naming the classes; <c>labels/STEM.txt</c>,
/// one line per box <c>class cx cy w h</c> normalised to 0–1 (a turned box or a polygon gives the box
/// around it); where the schema has polygons, <c>labels-seg/STEM.txt</c> with <c>class x1 y1 x2 y2 …</c>
/// (boxes as their four corners); where the schema has boxes, <c>labels-obb/STEM.txt</c> with every
/// box as an oriented box <c>class x1 y1 … x4 y4</c> (its turn kept). An image with no regions gets an empty file (a negative example).
/// Where a keypoints control is on the image field, <c>labels-pose/STEM.txt</c> as Ultralytics' pose
/// format has it: one line per box <c>class cx cy w h px1 py1 v1 … pxK pyK vK</c>, its keypoints in
/// the order of the control's labels (K of them; <c>kpt_shape: [K, 3]</c> in data.yaml), normalised,
/// v = 2 for a placed point and <c>0 0 0</c> for a missing one (Yunzhong has no "placed but hidden", so
/// never 1). Points are grouped into boxes as the COCO export groups them (<see cref="KeypointInstances"/>:
/// the smallest box holding a point); a point inside no box has no instance in YOLO and is reported, as
/// is a second point of one name in one box. Only the first keypoints control is written (one
/// <c>kpt_shape</c> per data set); polygons have no pose line.
/// </summary>
internal sealed class YoloExportWriter(Stream output, SchemaView schema, ExportOptions options)
    : ImageArchiveExportWriter(output, schema, options)
{
    private readonly bool _segments = schema.Controls.Any(c => c.Type == "polygons");
    private readonly bool _boxes = schema.Controls.Any(c => c.Type == "rectangles");

    private protected override async ValueTask WriteImageAsync(string stem, string fileName, int width, int height, List<Region> regions, CancellationToken ct)
    {
        var detect = new StringBuilder();
        var seg = new StringBuilder();
        var obb = new StringBuilder();
        var pose = new StringBuilder();
        var boxes = new List<(double Left, double Top, double Right, double Bottom)>();
        var boxClasses = new List<int>();
        foreach (var r in regions)
        {
            var cls = Array.IndexOf(Labels, r.Label);
            if (cls < 0)
            {
                continue;
            }

            var (left, top, right, bottom) = r.Bounds();
            detect.Append(CultureInfo.InvariantCulture, $"{cls} {Num((left + right) / 2 / width)} {Num((top + bottom) / 2 / height)} {Num((right - left) / width)} {Num((bottom - top) / height)}\n");
            var outline = Normalised(r.Outline(), width, height);
            seg.Append(CultureInfo.InvariantCulture, $"{cls} {outline}\n");
            if (r.Points is null)
            {
                obb.Append(CultureInfo.InvariantCulture, $"{cls} {outline}\n");
                boxes.Add((left, top, right, bottom));
                boxClasses.Add(cls);
            }
        }

        if (KeypointControl is { } keypoints)
        {
            var groups = KeypointInstances.Group(Points.Count, p => (0, Points[p].X, Points[p].Y), boxes);
            for (var b = 0; b < boxes.Count; b++)
            {
                var members = groups.GetValueOrDefault((0, b)) ?? [];
                var slots = KeypointInstances.Slots(members, keypoints.Labels.Count, p => (Points[p].Name, Points[p].X, Points[p].Y),
                    p => AddProblem(TaskId, null, $"{keypoints.Name}: a second '{keypoints.Labels[Points[p].Name]}' point ('{Points[p].Id}') in one box was left out"));
                var (left, top, right, bottom) = boxes[b];
                pose.Append(CultureInfo.InvariantCulture, $"{boxClasses[b]} {Num((left + right) / 2 / width)} {Num((top + bottom) / 2 / height)} {Num((right - left) / width)} {Num((bottom - top) / height)}");
                foreach (var (x, y, point) in slots)
                {
                    pose.Append(point < 0 ? " 0 0 0" : $" {Num(Math.Clamp(x / width, 0, 1))} {Num(Math.Clamp(y / height, 0, 1))} 2");
                }

                pose.Append('\n');
            }

            if (groups.GetValueOrDefault((0, KeypointInstances.NoBox)) is { } outside)
            {
                AddProblem(TaskId, null, $"{keypoints.Name}: {outside.Count} point(s) inside no box were left out of the pose labels ({string.Join(',', outside.Select(p => Points[p].Id))})");
            }

            await AddEntryAsync($"labels-pose/{stem}.txt", pose.ToString(), ct).ConfigureAwait(false);
        }

        await AddEntryAsync($"labels/{stem}.txt", detect.ToString(), ct).ConfigureAwait(false);
        if (_segments)
        {
            await AddEntryAsync($"labels-seg/{stem}.txt", seg.ToString(), ct).ConfigureAwait(false);
        }

        if (_boxes)
        {
            await AddEntryAsync($"labels-obb/{stem}.txt", obb.ToString(), ct).ConfigureAwait(false);
        }
    }

    private protected override async ValueTask WriteSetFilesAsync(CancellationToken ct)
    {
        var yaml = new StringBuilder("# Written by Yunzhong. Put the images in images/ beside labels/ (same names).\npath: .\ntrain: images\nval: images\nnames:\n");
        for (var i = 0; i < Labels.Length; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  {i}: {JsonSerializer.Serialize(Labels[i], JsonBytes.SerializerOptions)}\n");
        }

        if (KeypointControl is { } keypoints)
        {
            // Pose (labels-pose/): K keypoints of x, y, visibility; their names in order, as a comment for the reader.
            yaml.Append(CultureInfo.InvariantCulture, $"kpt_shape: [{keypoints.Labels.Count}, 3]\n");
            yaml.Append(CultureInfo.InvariantCulture, $"# keypoints: {string.Join(", ", keypoints.Labels.Select(l => JsonSerializer.Serialize(l, JsonBytes.SerializerOptions)))}\n");
        }

        await AddEntryAsync("data.yaml", yaml.ToString(), ct).ConfigureAwait(false);
    }

    private static string Normalised(double[] outline, int width, int height) =>
        string.Join(' ', outline.Select((v, i) => Num(Math.Clamp(v / (i % 2 == 0 ? width : height), 0, 1))));
}

/// <summary>
/// Pascal VOC in a zip: <c>Annotations/STEM.xml</c> per image (file name, size, one
/// <c>object</c> per region with its <c>bndbox</c> in 1-based whole pixels: xmin = ⌊left⌋ + 1,
/// xmax = ⌈right⌉, clamped to the image; a turned box or a polygon gives the box around it) and
/// <c>ImageSets/Main/default.txt</c> listing the images.
/// </summary>
internal sealed class VocExportWriter(Stream output, SchemaView schema, ExportOptions options)
    : ImageArchiveExportWriter(output, schema, options)
{
    private readonly StringBuilder _list = new();

    private protected override async ValueTask WriteImageAsync(string stem, string fileName, int width, int height, List<Region> regions, CancellationToken ct)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            xml.WriteStartElement("annotation");
            xml.WriteElementString("folder", "JPEGImages");
            xml.WriteElementString("filename", fileName);
            xml.WriteStartElement("size");
            xml.WriteElementString("width", width.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("height", height.ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("depth", "3");
            xml.WriteEndElement();
            xml.WriteElementString("segmented", "0");
            foreach (var r in regions)
            {
                var (left, top, right, bottom) = r.Bounds();
                xml.WriteStartElement("object");
                xml.WriteElementString("name", r.Label);
                xml.WriteElementString("pose", "Unspecified");
                xml.WriteElementString("truncated", left < 0 || top < 0 || right > width || bottom > height ? "1" : "0");
                xml.WriteElementString("difficult", "0");
                xml.WriteStartElement("bndbox");
                xml.WriteElementString("xmin", Pixel(Math.Floor(left) + 1, width));
                xml.WriteElementString("ymin", Pixel(Math.Floor(top) + 1, height));
                xml.WriteElementString("xmax", Pixel(Math.Ceiling(right), width));
                xml.WriteElementString("ymax", Pixel(Math.Ceiling(bottom), height));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        await AddEntryAsync($"Annotations/{stem}.xml", text.Append('\n').ToString(), ct).ConfigureAwait(false);
        _list.Append(stem).Append('\n');
    }

    private protected override ValueTask WriteSetFilesAsync(CancellationToken ct) =>
        AddEntryAsync("ImageSets/Main/default.txt", _list.ToString(), ct);

    private static string Pixel(double value, int size) => ((int)Math.Clamp(value, 1, size)).ToString(CultureInfo.InvariantCulture);
}

using System.Buffers;
using System.Runtime.InteropServices;

namespace Yunzhong.Core.Formats;

/// <summary>
/// COCO detection JSON: <c>info</c>, <c>categories</c>, <c>images</c>, <c>annotations</c>.
/// Categories are known from the schema and written first; annotations are written as tasks come;
/// images spill to the temp stream and are copied in last by <see cref="CompleteAsync"/>.
/// </summary>
/// <remarks>
/// One pass over the tasks cannot write both arrays in place, so one of them waits in the temp stream.
/// It is the images (about 60 bytes a task) rather than the annotations (about 190 bytes a box): a
/// 1,000,000-task export with two boxes a task spills 60 MB instead of 380 MB. The keys' order
/// (annotations before images) means nothing to JSON readers, pycocotools included.
/// The image field is that of the schema's first rectangles, polygons or keypoints control; only
/// controls on that field are exported. Image id = task id; <c>file_name</c> is the media's name
/// (or the data value when the media is unknown); width and height are left out, with a problem
/// reported, when the size is unknown. Categories are the distinct labels of the rectangles and
/// polygons controls in schema order, ids from 1, then one category per keypoints control, named
/// after the control, whose <c>keypoints</c> are its labels (COCO's convention: a category such as
/// <c>person</c> lists its keypoint names) with an empty <c>skeleton</c> (the schema has no edges).
/// A rectangle gives <c>bbox</c>, its four corners as <c>segmentation</c> and <c>area</c> = w·h;
/// a rotated rectangle (degrees clockwise about its top-left corner) gives the bbox of its
/// corners. A polygon gives its points as <c>segmentation</c>, the bbox of its points and its
/// shoelace area. Keypoints become instances, one annotation each, as COCO has them: the points of
/// an annotation that fall inside a rectangle of it (the smallest, if several) are one instance
/// with that rectangle's bbox; the points outside every rectangle are one more, boxed by their
/// bounds. An instance's <c>keypoints</c> holds x, y, v for every keypoint name in order (v = 2
/// for a placed point, 0 0 0 for a missing one) and <c>num_keypoints</c> the placed ones; a second
/// point of one name in one instance is reported and left out. Every exported annotation's regions
/// are written (so overlap 3 gives three sets); <c>attributes</c> names the annotator and the
/// region id (an instance: its points' ids) and, as CVAT writes them, the region's per-region
/// attributes under their control names: text as a string, a single choice as its option, several
/// choices as an array, a rating as a number. A mask gives COCO's compressed RLE as
/// <c>segmentation</c> (<c>{"size": [h, w], "counts": "…"}</c>, as pycocotools writes it), the
/// bbox of its pixels and their number as <c>area</c>.
/// A document field (a PDF, or a list of page images) gives one image per page instead, numbered
/// from 1 across the export and carrying <c>task_id</c> and <c>page</c>: every listed page image,
/// or each page of a PDF that a box lies on (<c>file_name</c> the PDF's with <c>#page=N</c>, N from
/// 1); a page's size is that its boxes state (<c>pageWidth</c>, <c>pageHeight</c>), else the page
/// image's.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The JSON writer writes to an in-memory buffer and holds no unmanaged resource; the export's stream is owned by the caller.")]
internal sealed class CocoExportWriter : ExportWriter
{
    private readonly string? _imageField;
    private readonly SchemaView.Control[] _controls;
    private readonly Dictionary<string, int> _categories = new(StringComparer.Ordinal);
    private readonly Stream _temp;
    private readonly ArrayBufferWriter<byte> _imageBuffer = new(128 * 1024);
    private readonly Utf8JsonWriter _image;
    private readonly Utf8JsonWriter _ann;
    private long _nextAnnotationId = 1;
    private bool _anyImage;
    private bool _anyAnnotation;
    private readonly byte[] _imageFieldUtf8;
    private readonly byte[][] _controlNamesUtf8;
    private readonly List<double> _points = [];
    private readonly Dictionary<string, int> _keypointCategories = new(StringComparer.Ordinal);
    private readonly List<(double Left, double Top, double Right, double Bottom)> _boxes = [];
    private readonly List<(SchemaView.Control Control, int Name, double X, double Y, string? Id)> _placed = [];
    private readonly SchemaView.Control[] _attributes;
    private readonly Dictionary<string, List<(SchemaView.Control Control, JsonElement Value)>> _regionAttributes = new(StringComparer.Ordinal);
    private readonly bool _document;

    /// <summary>The key of a page object holding its image, where a document's pages are objects.</summary>
    private readonly string? _pageKey;
    private readonly SortedDictionary<int, (long Id, double Width, double Height)> _pages = [];
    private long _nextPageImageId = 1;
    private bool _listedPages;
    private byte[] _dataScratch = new byte[4096];
    private byte[] _resultScratch = new byte[4096];

    public CocoExportWriter(Stream output, SchemaView schema, ExportOptions options)
        : base(output, options)
    {
        if (options.TempStreamFactory is null)
        {
            throw new ArgumentException("COCO export needs ExportOptions.TempStreamFactory to spill images", nameof(options));
        }

        _imageField = schema.Controls.FirstOrDefault(c => c.Type is "rectangles" or "polygons" or "keypoints" or "masks")?.Field;
        _controls = schema.Controls
            .Where(c => c.Type is "rectangles" or "polygons" or "keypoints" or "masks" && c.Field == _imageField)
            .ToArray();
        _imageFieldUtf8 = Encoding.UTF8.GetBytes(_imageField ?? "");
        _document = schema.Fields.Any(f => f.Name == _imageField && f.Type == "document");
        _pageKey = _imageField is null ? null : schema.PageKeys.GetValueOrDefault(_imageField);
        _controlNamesUtf8 = _controls.Select(c => Encoding.UTF8.GetBytes(c.Name)).ToArray();
        _attributes = schema.Controls.Where(c => c.PerRegion is { } owners && _controls.Any(o => owners.Contains(o.Name))).ToArray();
        _temp = options.TempStreamFactory();
        _image = new Utf8JsonWriter(_imageBuffer, JsonBytes.RawWriterOptions);
        // Annotations go straight into the output buffer; the base writer is idle (flushed) while they do.
        _ann = new Utf8JsonWriter(Buffer, JsonBytes.RawWriterOptions);

        var json = Json;
        json.WriteStartObject();
        json.WriteStartObject("info"u8);
        json.WriteString("description"u8, "Yunzhong export");
        json.WriteEndObject();
        // The project records no licence for its images; a release states one in its manifest.
        json.WriteStartArray("licenses"u8);
        json.WriteEndArray();
        json.WriteStartArray("categories"u8);
        foreach (var label in _controls.Where(c => c.Type != "keypoints").SelectMany(c => c.Labels))
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
            json.WriteEndObject();
        }

        foreach (var control in _controls.Where(c => c.Type == "keypoints"))
        {
            _keypointCategories[control.Name] = _categories.Count + _keypointCategories.Count + 1;
            json.WriteStartObject();
            json.WriteNumber("id"u8, _keypointCategories[control.Name]);
            json.WriteString("name"u8, control.Name);
            json.WriteString("supercategory"u8, "");
            json.WriteStartArray("keypoints"u8);
            foreach (var label in control.Labels)
            {
                json.WriteStringValue(label);
            }

            json.WriteEndArray();
            json.WriteStartArray("skeleton"u8);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.Flush();
        WriteRaw(",\"annotations\":["u8);
    }

    public override async ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        if (_imageField is null)
        {
            return;
        }

        if (_document)
        {
            await WriteDocumentAsync(task, ct).ConfigureAwait(false);
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
        var json = StartImage();
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
        WriteAnnotations(task);
        await FlushAnnotationsAsync(ct).ConfigureAwait(false);
    }

    private void WriteAnnotations(ExportTask task)
    {
        foreach (var a in task.Annotations)
        {
            if (!Options.IncludeHistory && !a.IsFinal)
            {
                continue;
            }

            try
            {
                var result = Utf8(a.ResultJson, ref _resultScratch);
                using var attributes = ReadAttributes(result);
                WriteRegions(task.Id, a, result);
            }
            catch (JsonException)
            {
                AddProblem(task.Id, a.Id, "the result is not valid JSON");
            }
        }
    }

    /// <summary>A document's task: its boxes first (they name the pages of a PDF and their sizes), then one image per page.</summary>
    private async ValueTask WriteDocumentAsync(ExportTask task, CancellationToken ct)
    {
        _pages.Clear();
        string? pdf = null;
        List<string>? pageImages = null;
        using (var data = JsonDocument.Parse(task.DataJson))
        {
            if (data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty(_imageField!, out var doc))
            {
                if (doc.ValueKind == JsonValueKind.String)
                {
                    pdf = doc.GetString();
                }
                else if (doc.ValueKind == JsonValueKind.Array)
                {
                    pageImages = doc.EnumerateArray().Select(p => _pageKey is not null && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(_pageKey, out var image) ? image : p)
                        .Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : "").ToList();
                }
            }
        }

        if (pdf is null && pageImages is null)
        {
            AddProblem(task.Id, null, $"the task has no document field '{_imageField}'");
            return;
        }

        _listedPages = pageImages is not null;
        for (var p = 0; p < (pageImages?.Count ?? 0); p++)
        {
            _pages[p] = (_nextPageImageId++, 0, 0);
        }

        WriteAnnotations(task);
        foreach (var (page, (id, width, height)) in _pages)
        {
            var reference = pageImages is null ? pdf! : pageImages[page];
            var media = task.Media?.GetValueOrDefault(reference);
            var json = StartImage();
            json.WriteStartObject();
            json.WriteNumber("id"u8, id);
            json.WriteString("file_name"u8, pageImages is null
                ? (media?.Name ?? reference) + "#page=" + (page + 1).ToString(CultureInfo.InvariantCulture)
                : media?.Name ?? reference);
            var (w, h) = width > 0 ? (width, height) : (media?.Width ?? 0, media?.Height ?? 0);
            if (w > 0 && h > 0)
            {
                json.WriteNumber("width"u8, w);
                json.WriteNumber("height"u8, h);
            }
            else
            {
                AddProblem(task.Id, null, $"the size of page {page + 1} of '{reference}' is unknown");
            }

            json.WriteNumber("task_id"u8, task.Id);
            json.WriteNumber("page"u8, page);
            json.WriteEndObject();
        }

        await FlushAnnotationsAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The image of a box's page: a listed page's, or a PDF page's made on first use; null (with a problem) when the page is not the document's.</summary>
    private long? PageImage(long taskId, ExportAnnotation a, in Region region, bool listed)
    {
        if (_pages.TryGetValue(region.Page, out var page))
        {
            if (page.Width <= 0 && region.PageWidth > 0)
            {
                _pages[region.Page] = (page.Id, region.PageWidth, region.PageHeight);
            }

            return page.Id;
        }

        if (listed || region.Page < 0)
        {
            AddProblem(taskId, a.Id, $"region '{region.Id}' is on page {region.Page}, which the document does not have");
            return null;
        }

        _pages[region.Page] = (_nextPageImageId, region.PageWidth, region.PageHeight);
        return _nextPageImageId++;
    }

    /// <summary>The writer of the next image object, after a comma when it is not the first.</summary>
    private Utf8JsonWriter StartImage()
    {
        _image.Flush(); // a document's earlier page: Reset would drop what is not flushed
        _image.Reset(_imageBuffer);
        if (_anyImage)
        {
            _imageBuffer.Write(","u8);
        }

        _anyImage = true;
        return _image;
    }

    private async ValueTask FlushAnnotationsAsync(CancellationToken ct)
    {
        _ann.Flush();
        await FlushIfFullAsync(ct).ConfigureAwait(false);
        _image.Flush();
        if (_imageBuffer.WrittenCount >= 64 * 1024)
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

        _boxes.Clear();
        _placed.Clear();

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
                if (control.Type == "keypoints")
                {
                    var name = region.Label is null ? -1 : IndexOf(control.Labels, region.Label);
                    if (name < 0 || !(region.Has(Field.X) && region.Has(Field.Y)))
                    {
                        AddProblem(taskId, a.Id, name < 0 ? $"{control.Name}: label '{region.Label}' is not a keypoint name" : $"{control.Name}: region '{region.Id}' lacks its geometry");
                        continue;
                    }

                    _placed.Add((control, name, region.X, region.Y, region.Id));
                    continue;
                }

                if (region.Label is null || !_categories.TryGetValue(region.Label, out var categoryId))
                {
                    AddProblem(taskId, a.Id, $"{control.Name}: label '{region.Label}' is not a category");
                    continue;
                }

                if (control.Type == "masks")
                {
                    WriteMaskAnnotation(taskId, a, control, region, categoryId);
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

                var imageId = taskId;
                if (_document)
                {
                    if (PageImage(taskId, a, region, _listedPages) is not { } pageImage)
                    {
                        continue;
                    }

                    imageId = pageImage;
                }

                var bounds = WriteAnnotation(imageId, a, control, region, categoryId);
                if (control.Type == "rectangles")
                {
                    _boxes.Add(bounds);
                }
            }
        }

        WriteKeypointInstances(taskId, a);
    }

    /// <summary>Collects the result's per-region attribute values by region id (nothing to do, and nothing
    /// parsed, when the schema has no attribute on an exported control); the document holds the values.</summary>
    private JsonDocument? ReadAttributes(ReadOnlySpan<byte> result)
    {
        _regionAttributes.Clear();
        if (_attributes.Length == 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(result);
        var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            return doc;
        }

        foreach (var control in _attributes)
        {
            if (!doc.RootElement.TryGetProperty(control.Name, out var map) || map.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var p in map.EnumerateObject())
            {
                if (p.Value.ValueKind is JsonValueKind.Null || (p.Value.ValueKind == JsonValueKind.Array && p.Value.GetArrayLength() == 0))
                {
                    continue;
                }

                if (!_regionAttributes.TryGetValue(p.Name, out var list))
                {
                    _regionAttributes[p.Name] = list = [];
                }

                list.Add((control, p.Value));
            }
        }

        return doc;
    }

    /// <summary>Writes the per-region attributes of region <paramref name="regionId"/> of <paramref name="control"/>.</summary>
    private void WriteRegionAttributes(Utf8JsonWriter json, SchemaView.Control control, string regionId)
    {
        if (!_regionAttributes.TryGetValue(regionId, out var list))
        {
            return;
        }

        foreach (var (attribute, value) in list)
        {
            if (!attribute.PerRegion!.Contains(control.Name))
            {
                continue;
            }

            json.WritePropertyName(attribute.Name);
            if (attribute.Type == "choices" && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 1)
            {
                value[0].WriteTo(json);
            }
            else
            {
                value.WriteTo(json);
            }
        }
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The annotation's keypoints as COCO instances: grouped by the smallest of its rectangles
    /// holding each point (inside none: a group of their own, written last), one annotation per
    /// control and group, in the order of the rectangles.</summary>
    private void WriteKeypointInstances(long taskId, ExportAnnotation a)
    {
        if (_placed.Count == 0)
        {
            return;
        }

        var groups = KeypointInstances.Group(_placed.Count, p => (Array.IndexOf(_controls, _placed[p].Control), _placed[p].X, _placed[p].Y), _boxes);
        foreach (var ((controlIndex, box), members) in groups)
        {
            var control = _controls[controlIndex];
            var slots = KeypointInstances.Slots(members, control.Labels.Count, p => (_placed[p].Name, _placed[p].X, _placed[p].Y),
                p => AddProblem(taskId, a.Id, $"{control.Name}: a second '{control.Labels[_placed[p].Name]}' point ('{_placed[p].Id}') in one instance was left out"));
            var ids = members.Where(p => slots[_placed[p].Name].Point == p).Select(p => _placed[p].Id).OfType<string>();
            double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
            foreach (var (x, y, point) in slots)
            {
                if (point >= 0)
                {
                    (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
                }
            }

            var (bx, by, bw, bh) = box < _boxes.Count
                ? (_boxes[box].Left, _boxes[box].Top, _boxes[box].Right - _boxes[box].Left, _boxes[box].Bottom - _boxes[box].Top)
                : (minX, minY, maxX - minX, maxY - minY);
            var json = StartAnnotation(taskId, _keypointCategories[control.Name], bx, by, bw, bh, bw * bh);
            json.WriteStartArray("segmentation"u8);
            json.WriteEndArray();
            json.WriteStartArray("keypoints"u8);
            var placed = 0;
            foreach (var (x, y, point) in slots)
            {
                var isPlaced = point >= 0;
                JsonBytes.WriteNumber(json, isPlaced ? x : 0);
                JsonBytes.WriteNumber(json, isPlaced ? y : 0);
                json.WriteNumberValue(isPlaced ? 2 : 0);
                placed += isPlaced ? 1 : 0;
            }

            json.WriteEndArray();
            json.WriteNumber("num_keypoints"u8, placed);
            json.WriteStartObject("attributes"u8);
            json.WriteString("annotator"u8, a.Annotator);
            json.WriteString("regions"u8, string.Join(',', ids));
            json.WriteEndObject();
            json.WriteEndObject();
            json.Flush();
        }
    }

    [Flags]
    private enum Field { None = 0, X = 1, Y = 2, Width = 4, Height = 8 }

    private struct Region
    {
        public string? Id;
        public string? Label;
        public string? MaskCounts;
        public int MaskHeight, MaskWidth;
        public double X, Y, Width, Height, Rotation, PageWidth, PageHeight;
        public int Page;
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
            else if (reader.ValueTextEquals("page"u8))
            {
                reader.Read();
                region.Page = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var page) ? page : -1;
            }
            else if (reader.ValueTextEquals("pageWidth"u8) || reader.ValueTextEquals("pageHeight"u8))
            {
                var isWidth = reader.ValueTextEquals("pageWidth"u8);
                var ignored = Field.None;
                var size = ReadNumber(ref reader, Field.None, ref ignored);
                (isWidth ? ref region.PageWidth : ref region.PageHeight) = size;
            }
            else if (reader.ValueTextEquals("mask"u8))
            {
                ReadMask(ref reader, ref region);
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

    private static void ReadMask(ref Utf8JsonReader reader, ref Region region)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("counts"u8))
            {
                reader.Read();
                region.MaskCounts = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip(); // a non-string value's contents
            }
            else if (reader.ValueTextEquals("size"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                int k = 0, h = 0, w = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n))
                    {
                        (h, w) = k == 0 ? (n, w) : k == 1 ? (h, n) : (h, w);
                    }
                    else
                    {
                        reader.Skip();
                    }

                    k++;
                }

                (region.MaskHeight, region.MaskWidth) = k == 2 ? (h, w) : (0, 0);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>A mask as COCO's compressed RLE segmentation, with its bbox and pixel area.</summary>
    private void WriteMaskAnnotation(long imageId, ExportAnnotation a, SchemaView.Control control, in Region region, int categoryId)
    {
        if (region.MaskCounts is not { } counts || region.MaskHeight <= 0 || region.MaskWidth <= 0
            || !MaskRle.TryParse(counts, region.MaskHeight, region.MaskWidth, out var mask, out _))
        {
            AddProblem(imageId, a.Id, $"{control.Name}: region '{region.Id}' lacks a valid mask");
            return;
        }

        var (x, y, w, h) = mask!.Bounds();
        var json = StartAnnotation(imageId, categoryId, x, y, w, h, mask.Area);
        json.WriteStartObject("segmentation"u8);
        json.WriteStartArray("size"u8);
        json.WriteNumberValue(mask.Height);
        json.WriteNumberValue(mask.Width);
        json.WriteEndArray();
        json.WriteString("counts"u8, mask.ToCocoString());
        json.WriteEndObject();
        EndRegionAnnotation(json, a, control, region.Id);
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

    /// <summary>Writes a box or polygon annotation; answers its bounds (left, top, right, bottom).</summary>
    private (double Left, double Top, double Right, double Bottom) WriteAnnotation(long imageId, ExportAnnotation a, SchemaView.Control control, in Region region, int categoryId)
    {
        scoped ReadOnlySpan<double> polygon;
        double area;
        Span<double> corners = stackalloc double[8];
        switch (control.Type)
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

            default:
                polygon = CollectionsMarshal.AsSpan(_points);
                area = ShoelaceArea(polygon);
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

        var json = StartAnnotation(imageId, categoryId, minX, minY, maxX - minX, maxY - minY, area);
        json.WriteStartArray("segmentation"u8);
        json.WriteStartArray();
        foreach (var v in polygon)
        {
            JsonBytes.WriteNumber(json, v);
        }

        json.WriteEndArray();
        json.WriteEndArray();

        EndRegionAnnotation(json, a, control, region.Id);
        return (minX, minY, maxX, maxY);
    }

    /// <summary>Closes an annotation of one region: who drew it and the region's id.</summary>
    private void EndRegionAnnotation(Utf8JsonWriter json, ExportAnnotation a, SchemaView.Control control, string? regionId)
    {
        json.WriteStartObject("attributes"u8);
        json.WriteString("annotator"u8, a.Annotator);
        if (regionId is not null)
        {
            json.WriteString("region"u8, regionId);
            WriteRegionAttributes(json, control, regionId);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Opens the next annotation object: its id, image, category, bbox, area and iscrowd written.</summary>
    private Utf8JsonWriter StartAnnotation(long imageId, int categoryId, double x, double y, double width, double height, double area)
    {
        _ann.Flush();
        _ann.Reset(Buffer);
        if (_anyAnnotation)
        {
            Buffer.Write(","u8);
        }

        _anyAnnotation = true;
        var json = _ann;
        json.WriteStartObject();
        json.WriteNumber("id"u8, _nextAnnotationId++);
        json.WriteNumber("image_id"u8, imageId);
        json.WriteNumber("category_id"u8, categoryId);
        json.WriteStartArray("bbox"u8);
        JsonBytes.WriteNumber(json, x);
        JsonBytes.WriteNumber(json, y);
        JsonBytes.WriteNumber(json, width);
        JsonBytes.WriteNumber(json, height);
        json.WriteEndArray();
        json.WritePropertyName("area"u8);
        JsonBytes.WriteNumber(json, area);
        json.WriteNumber("iscrowd"u8, 0);
        return json;
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
        _image.Flush();
        await _temp.WriteAsync(_imageBuffer.WrittenMemory, ct).ConfigureAwait(false);
        _imageBuffer.ResetWrittenCount();
        _image.Reset(_imageBuffer);
    }

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        await using (_temp.ConfigureAwait(false))
        {
            await SpillAsync(ct).ConfigureAwait(false);
            _ann.Flush();
            WriteRaw("],\"images\":["u8);
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

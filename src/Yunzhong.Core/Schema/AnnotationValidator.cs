using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Yunzhong.Core.Schema;

/// <summary>
/// Checks an annotation result against its schema and task (the rules of
/// <c>docs/label-schema.md</c>). Runs on the submit path: it reads the <see cref="JsonElement"/>s in
/// place and allocates little beyond region ids and the errors it reports.
/// </summary>
public static class AnnotationValidator
{
    // Media durations are probed on the server and by the browser, which disagree by a frame or so.
    private const double DurationToleranceSeconds = 0.001;

    // Pixel coordinates are doubles; a rotated box computed by the client lands a hair outside.
    private const double PixelTolerance = 1e-6;

    [ThreadStatic]
    private static Dictionary<string, int>? t_regionIds;

    /// <summary>Validates one annotation result.</summary>
    /// <param name="schema">The project's label schema.</param>
    /// <param name="taskData">The task's <c>data</c> object (texts, lists and media of the fields).</param>
    /// <param name="result">The result object, keyed by control name.</param>
    /// <param name="media">What is known of the media in a field, by field name; null when nothing is.</param>
    /// <returns>Every error found, each with a JSON pointer into <paramref name="result"/>; empty when valid.</returns>
    public static IReadOnlyList<SchemaError> Validate(
        LabelSchema schema,
        JsonElement taskData,
        JsonElement result,
        Func<string, MediaInfo?>? media = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        // First: System.Text.Json parses such strings without complaint and throws when one is read,
        // and every check below reads strings, down to describing a wrong value (found by fuzzing).
        if (!JsonText.IsValidUnicode(result))
        {
            return [new SchemaError("", LabelSchema.InvalidUnicode)];
        }

        if (result.ValueKind != JsonValueKind.Object)
        {
            return [new SchemaError("", $"The result must be an object keyed by control name, not {JsonText.Describe(result)}.")];
        }

        var ids = t_regionIds ?? new Dictionary<string, int>(StringComparer.Ordinal);
        t_regionIds = null; // re-entrancy (a media callback validating) gets its own
        try
        {
            var run = new Run(schema, taskData, media, ids);
            run.ValidateResult(result);
            return run.Errors ?? (IReadOnlyList<SchemaError>)[];
        }
        finally
        {
            ids.Clear();
            if (ids.EnsureCapacity(0) <= 4096)
            {
                t_regionIds = ids;
            }
        }
    }

    private sealed class Run(LabelSchema schema, JsonElement taskData, Func<string, MediaInfo?>? media, Dictionary<string, int> regionIds)
    {
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idLookup =
            regionIds.GetAlternateLookup<ReadOnlySpan<char>>();

        public List<SchemaError>? Errors { get; private set; }

        private void Fail(string path, string message) => (Errors ??= []).Add(new SchemaError(path, message));

        private static string At(ControlPlan p, int i) => p.Pointer + "/" + i;

        private static string At(ControlPlan p, int i, string key) => p.Pointer + "/" + i + "/" + key;

        public void ValidateResult(JsonElement result)
        {
            var matched = 0;
            foreach (var index in schema.Order)
            {
                var plan = schema.Plans[index];
                if (!result.TryGetProperty(plan.NameUtf8, out var value))
                {
                    if (plan.Def.Required)
                    {
                        Fail(plan.Pointer, $"Control '{plan.Def.Name}' is required but the result has no value for it.");
                    }

                    continue;
                }

                matched++;
                if (IsEmpty(value))
                {
                    if (plan.Def.Required)
                    {
                        Fail(plan.Pointer, $"Control '{plan.Def.Name}' is required but its value is empty.");
                    }

                    continue;
                }

                ValidateControl(plan, index, value);
            }

            var count = 0;
            foreach (var _ in result.EnumerateObject())
            {
                count++;
            }

            if (count != matched)
            {
                ReportUnknownKeys(result);
            }
        }

        private void ReportUnknownKeys(JsonElement result)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in result.EnumerateObject())
            {
                var path = "/" + JsonText.EscapePointerToken(p.Name);
                if (schema.Control(p.Name) is null)
                {
                    Fail(path, $"{JsonText.Quote(p.Name)} is not a control of the schema.");
                }
                else if (!seen.Add(p.Name))
                {
                    Fail(path, $"Control {JsonText.Quote(p.Name)} appears more than once in the result.");
                }
            }
        }

        private static bool IsEmpty(JsonElement v) => v.ValueKind switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.Array => v.GetArrayLength() == 0,
            JsonValueKind.String => JsonMarshal.GetRawUtf8Value(v).Length == 2,
            JsonValueKind.Object => !v.EnumerateObject().MoveNext(),
            _ => false,
        };

        private void ValidateControl(ControlPlan plan, int index, JsonElement value)
        {
            switch (plan.Def.Type)
            {
                case ControlType.Choices:
                    Choices(plan, value);
                    break;
                case ControlType.Spans:
                    Spans(plan, index, value);
                    break;
                case ControlType.Relations:
                    Relations(plan, value);
                    break;
                case ControlType.Rectangles:
                    Rectangles(plan, index, value);
                    break;
                case ControlType.Polygons:
                    Polygons(plan, index, value);
                    break;
                case ControlType.Keypoints:
                    Keypoints(plan, index, value);
                    break;
                case ControlType.Segments:
                    Segments(plan, index, value);
                    break;
                case ControlType.Transcription:
                    Transcription(plan, value);
                    break;
                case ControlType.Rating:
                    Rating(plan, value);
                    break;
                case ControlType.Ranking:
                    Ranking(plan, value);
                    break;
            }
        }

        // ---- choices ----

        private void Choices(ControlPlan plan, JsonElement value)
        {
            var name = plan.Def.Name;
            if (value.ValueKind != JsonValueKind.Array)
            {
                Fail(plan.Pointer, $"Choices '{name}' must be an array of option values, not {JsonText.Describe(value)}.");
                return;
            }

            var options = plan.Def.Labels.Count;
            var chosen = options <= 256 ? stackalloc bool[options] : new bool[options];
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    Fail(At(plan, i), $"Choice {i} of '{name}' must be an option value (a string), not {JsonText.Describe(item)}.");
                }
                else if (!plan.TryGetLabel(item, out var option))
                {
                    Fail(At(plan, i), $"{JsonText.Describe(item)} is not an option of choices '{name}'.");
                }
                else if (chosen[option])
                {
                    Fail(At(plan, i), $"Option {JsonText.Describe(item)} is chosen more than once in '{name}'.");
                }
                else
                {
                    chosen[option] = true;
                }

                i++;
            }

            var c = plan.Def;
            if (!c.Multiple && i != 1)
            {
                Fail(plan.Pointer, $"Choices '{name}' takes exactly one option; the result has {i}.");
            }
            else if (c.Min is { } min && i < min)
            {
                Fail(plan.Pointer, $"Choices '{name}' needs at least {min} options; the result has {i}.");
            }
            else if (c.Max is { } max && i > max)
            {
                Fail(plan.Pointer, $"Choices '{name}' allows at most {max} options; the result has {i}.");
            }
        }

        // ---- regions: shared checks ----

        /// <summary>Checks a region's keys, id and label; false when it is not an object at all.</summary>
        private bool Region(ControlPlan plan, int index, int i, JsonElement item, string kind, RegionKeys keys)
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                Fail(At(plan, i), $"Each {kind} of '{plan.Def.Name}' must be an object, not {JsonText.Describe(item)}.");
                return false;
            }

            foreach (var p in item.EnumerateObject())
            {
                if (!keys.Contains(p) && !p.NameEquals("id"u8) && !p.NameEquals("label"u8))
                {
                    Fail(At(plan, i, JsonText.EscapePointerToken(p.Name)),
                        $"Key '{p.Name}' does not belong in a {kind}; it has id, label, {string.Join(", ", keys.Names)}.");
                }
            }

            if (!item.TryGetProperty("id"u8, out var id) || id.ValueKind != JsonValueKind.String || IsEmpty(id))
            {
                Fail(At(plan, i, "id"), id.ValueKind == JsonValueKind.Undefined
                    ? $"Each {kind} of '{plan.Def.Name}' needs a non-empty string id."
                    : $"Each {kind} of '{plan.Def.Name}' needs a non-empty string id, not {JsonText.Describe(id)}.");
            }
            else
            {
                AddRegionId(plan, index, i, id);
            }

            Label(plan, i, item, kind);
            return true;
        }

        /// <summary>The keys a kind of region has besides id and label, kept as UTF-8 for fast matching.</summary>
        private sealed class RegionKeys(params string[] names)
        {
            private readonly byte[][] _utf8 = [.. names.Select(System.Text.Encoding.UTF8.GetBytes)];

            public string[] Names { get; } = names;

            public bool Contains(JsonProperty p)
            {
                foreach (var k in _utf8)
                {
                    if (p.NameEquals(k))
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        private void Label(ControlPlan plan, int i, JsonElement item, string kind)
        {
            var has = item.TryGetProperty("label"u8, out var label) && label.ValueKind != JsonValueKind.Null;
            if (!plan.HasLabels)
            {
                if (has)
                {
                    Fail(At(plan, i, "label"), $"Control '{plan.Def.Name}' has no labels, so the {kind} cannot carry label {JsonText.Describe(label)}.");
                }

                return;
            }

            if (!has)
            {
                Fail(At(plan, i, "label"), $"Each {kind} of '{plan.Def.Name}' needs a label.");
            }
            else if (!plan.TryGetLabel(label, out _))
            {
                Fail(At(plan, i, "label"), $"{JsonText.Describe(label)} is not a label of control '{plan.Def.Name}'.");
            }
        }

        private void AddRegionId(ControlPlan plan, int index, int i, JsonElement id)
        {
            Span<char> buffer = stackalloc char[128];
            if (JsonText.TryCopyString(id, buffer, out var n))
            {
                if (!_idLookup.TryAdd(buffer[..n], index))
                {
                    DuplicateId(plan, i, id);
                }
            }
            else if (!regionIds.TryAdd(JsonText.SafeString(id), index))
            {
                DuplicateId(plan, i, id);
            }
        }

        private void DuplicateId(ControlPlan plan, int i, JsonElement id) =>
            Fail(At(plan, i, "id"), $"Region id {JsonText.Describe(id)} is used more than once in the result.");

        /// <summary>The control index owning a region id, or -1.</summary>
        private int RegionOwner(JsonElement id)
        {
            Span<char> buffer = stackalloc char[128];
            if (JsonText.TryCopyString(id, buffer, out var n))
            {
                return _idLookup.TryGetValue(buffer[..n], out var owner) ? owner : -1;
            }

            return regionIds.TryGetValue(JsonText.SafeString(id), out var o) ? o : -1;
        }

        private bool Array(ControlPlan plan, JsonElement value, string kinds)
        {
            if (value.ValueKind == JsonValueKind.Array)
            {
                return true;
            }

            Fail(plan.Pointer, $"'{plan.Def.Name}' must be an array of {kinds}, not {JsonText.Describe(value)}.");
            return false;
        }

        private bool Number(ControlPlan plan, int i, JsonElement item, string key, string kind, out double value)
        {
            value = 0;
            if (!item.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Fail(At(plan, i, key), $"Each {kind} of '{plan.Def.Name}' needs a number '{key}'.");
                return false;
            }

            if (v.ValueKind != JsonValueKind.Number)
            {
                Fail(At(plan, i, key), $"'{key}' of a {kind} must be a number, not {JsonText.Describe(v)}.");
                return false;
            }

            value = v.GetDouble();
            return true;
        }

        private (int? Width, int? Height) ImageSize(ControlPlan plan) =>
            plan.Field is { } f && media?.Invoke(f.Name) is { } m ? (m.Width, m.Height) : (null, null);

        // ---- spans ----

        private static readonly RegionKeys s_spanKeys = new("start", "end", "text");

        private void Spans(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "spans"))
            {
                return;
            }

            var field = plan.Field!.Name;
            if (taskData.ValueKind != JsonValueKind.Object
                || !taskData.TryGetProperty(field, out var textElement)
                || textElement.ValueKind != JsonValueKind.String)
            {
                Fail(plan.Pointer, $"The task has no text in field '{field}' to place the spans of '{plan.Def.Name}' in.");
                return;
            }

            var chars = ControlPlan.RentChars(textElement, out var length);
            if (chars is null)
            {
                Fail(plan.Pointer, $"The text in field '{field}' holds an unpaired surrogate, so span offsets cannot be checked.");
                return;
            }

            int[]? astral = null;
            try
            {
                var text = chars.AsSpan(0, length);
                var pairs = 0;
                if (text.IndexOfAnyInRange('\uD800', '\uDFFF') >= 0)
                {
                    // Offsets count code points. Note the code-point position of each surrogate pair
                    // once; a UTF-16 index is then the code point plus the pairs before it.
                    astral = ArrayPool<int>.Shared.Rent(length / 2 + 1);
                    var u = 0;
                    while (u < length)
                    {
                        var k = text[u..].IndexOfAnyInRange('\uD800', '\uDFFF');
                        if (k < 0)
                        {
                            break;
                        }

                        u += k;
                        if (char.IsHighSurrogate(text[u]) && u + 1 < length && char.IsLowSurrogate(text[u + 1]))
                        {
                            astral[pairs] = u - pairs;
                            pairs++;
                            u += 2;
                        }
                        else
                        {
                            u++; // an unpaired surrogate counts as one code point
                        }
                    }
                }

                var offsets = new CodePoints(astral is null ? default : astral.AsSpan(0, pairs), length - pairs);
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (Region(plan, index, i, item, "span", s_spanKeys))
                    {
                        Span(plan, i, item, text, offsets);
                    }

                    i++;
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(chars);
                if (astral is not null)
                {
                    ArrayPool<int>.Shared.Return(astral);
                }
            }
        }

        /// <summary>Maps code-point offsets of one text to UTF-16 indexes.</summary>
        private readonly ref struct CodePoints(ReadOnlySpan<int> astral, int length)
        {
            private readonly ReadOnlySpan<int> _astral = astral;

            public int Length { get; } = length;

            public int Utf16(long codePoint)
            {
                var cp = (int)codePoint;
                if (_astral.IsEmpty)
                {
                    return cp;
                }

                // Pairs that start before this code point each take one extra UTF-16 unit.
                var at = _astral.BinarySearch(cp);
                var before = at >= 0 ? at : ~at;
                return cp + before;
            }
        }

        private void Span(ControlPlan plan, int i, JsonElement item, ReadOnlySpan<char> text, CodePoints offsets)
        {
            var codePoints = offsets.Length;
            if (!Offset(plan, i, item, "start", out var start) | !Offset(plan, i, item, "end", out var end))
            {
                return;
            }

            if (start < 0)
            {
                Fail(At(plan, i, "start"), $"Span start {start} must be 0 or more.");
                return;
            }

            if (end <= start)
            {
                Fail(At(plan, i, "end"), $"Span end {end} must be greater than its start {start}.");
                return;
            }

            if (end > codePoints)
            {
                Fail(At(plan, i, "end"), $"Span end {end} is past the end of the text, which has {codePoints} characters (code points).");
                return;
            }

            if (!item.TryGetProperty("text"u8, out var spanText) || spanText.ValueKind == JsonValueKind.Null)
            {
                return;
            }

            if (spanText.ValueKind != JsonValueKind.String)
            {
                Fail(At(plan, i, "text"), $"Span text must be a string, not {JsonText.Describe(spanText)}.");
                return;
            }

            var from = offsets.Utf16(start);
            var to = offsets.Utf16(end);
            var slice = text[from..to];
            if (!spanText.ValueEquals(slice))
            {
                Fail(At(plan, i, "text"),
                    $"Span text {JsonText.Describe(spanText)} differs from the text at {start}..{end}, which is {JsonText.Quote(slice.ToString())}.");
            }
        }

        private bool Offset(ControlPlan plan, int i, JsonElement item, string key, out long value)
        {
            value = 0;
            if (!item.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                Fail(At(plan, i, key), $"Each span of '{plan.Def.Name}' needs an integer '{key}'.");
                return false;
            }

            if (!JsonText.TryGetInteger(v, out value))
            {
                Fail(At(plan, i, key), $"Span {key} must be an integer count of code points, not {JsonText.Describe(v)}.");
                return false;
            }

            return true;
        }

        // ---- relations ----

        private void Relations(ControlPlan plan, JsonElement value)
        {
            if (!Array(plan, value, "relations"))
            {
                return;
            }

            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    Fail(At(plan, i), $"Each relation of '{plan.Def.Name}' must be an object, not {JsonText.Describe(item)}.");
                    i++;
                    continue;
                }

                foreach (var p in item.EnumerateObject())
                {
                    if (!p.NameEquals("from"u8) && !p.NameEquals("to"u8) && !p.NameEquals("label"u8))
                    {
                        Fail(At(plan, i, JsonText.EscapePointerToken(p.Name)), $"Key '{p.Name}' does not belong in a relation; it has from, to, label.");
                    }
                }

                End(plan, i, item, "from");
                End(plan, i, item, "to");
                Label(plan, i, item, "relation");
                i++;
            }
        }

        private void End(ControlPlan plan, int i, JsonElement item, string key)
        {
            if (!item.TryGetProperty(key, out var id) || id.ValueKind != JsonValueKind.String)
            {
                Fail(At(plan, i, key), $"A relation needs '{key}', the id of a span.");
                return;
            }

            if (RegionOwner(id) != plan.SpansControl)
            {
                Fail(At(plan, i, key), $"Relation end {JsonText.Describe(id)} is not the id of a span of '{plan.Def.Spans}' in this result.");
            }
        }

        // ---- image geometry ----

        private static readonly RegionKeys s_boxKeys = new("x", "y", "width", "height", "rotation");
        private static readonly RegionKeys s_polygonKeys = new("points");
        private static readonly RegionKeys s_pointKeys = new("x", "y");

        private void Rectangles(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "boxes"))
            {
                return;
            }

            var (width, height) = ImageSize(plan);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "box", s_boxKeys))
                {
                    Box(plan, i, item, width, height);
                }

                i++;
            }
        }

        private void Box(ControlPlan plan, int i, JsonElement item, int? imageWidth, int? imageHeight)
        {
            var ok = Number(plan, i, item, "x", "box", out var x)
                & Number(plan, i, item, "y", "box", out var y)
                & Number(plan, i, item, "width", "box", out var w)
                & Number(plan, i, item, "height", "box", out var h);
            var rotation = 0.0;
            if (item.TryGetProperty("rotation"u8, out var r) && r.ValueKind != JsonValueKind.Null)
            {
                if (r.ValueKind != JsonValueKind.Number)
                {
                    Fail(At(plan, i, "rotation"), $"'rotation' of a box must be a number of degrees, not {JsonText.Describe(r)}.");
                    ok = false;
                }
                else
                {
                    rotation = r.GetDouble();
                }
            }

            if (!ok)
            {
                return;
            }

            if (w <= 0)
            {
                Fail(At(plan, i, "width"), $"Box width {JsonText.Number(w)} must be greater than 0.");
            }

            if (h <= 0)
            {
                Fail(At(plan, i, "height"), $"Box height {JsonText.Number(h)} must be greater than 0.");
            }

            if (x < 0)
            {
                Fail(At(plan, i, "x"), $"Box x {JsonText.Number(x)} must be 0 or more.");
            }

            if (y < 0)
            {
                Fail(At(plan, i, "y"), $"Box y {JsonText.Number(y)} must be 0 or more.");
            }

            if (w <= 0 || h <= 0 || x < 0 || y < 0)
            {
                return;
            }

            if (rotation % 360 == 0)
            {
                if (imageWidth is { } iw && x + w > iw + PixelTolerance)
                {
                    Fail(At(plan, i, "width"), $"Box right edge x + width = {JsonText.Number(x + w)} is past the image width {iw}.");
                }

                if (imageHeight is { } ih && y + h > ih + PixelTolerance)
                {
                    Fail(At(plan, i, "height"), $"Box bottom edge y + height = {JsonText.Number(y + h)} is past the image height {ih}.");
                }

                return;
            }

            // Rotation turns the box about its top-left corner (x, y), clockwise in image coordinates.
            var rad = rotation * Math.PI / 180;
            var (cos, sin) = (Math.Cos(rad), Math.Sin(rad));
            Span<double> xs = [x, x + w * cos, x - h * sin, x + w * cos - h * sin];
            Span<double> ys = [y, y + w * sin, y + h * cos, y + w * sin + h * cos];
            var minX = Min(xs);
            var minY = Min(ys);
            var maxX = Max(xs);
            var maxY = Max(ys);
            if (minX < -PixelTolerance || minY < -PixelTolerance
                || (imageWidth is { } rw && maxX > rw + PixelTolerance)
                || (imageHeight is { } rh && maxY > rh + PixelTolerance))
            {
                var size = imageWidth is not null && imageHeight is not null ? $" of the {imageWidth}×{imageHeight} image" : "";
                Fail(At(plan, i, "rotation"),
                    $"Box rotated by {JsonText.Number(rotation)}° spans x {JsonText.Number(Math.Round(minX, 2))}..{JsonText.Number(Math.Round(maxX, 2))}, y {JsonText.Number(Math.Round(minY, 2))}..{JsonText.Number(Math.Round(maxY, 2))}, outside the bounds{size}.");
            }
        }

        private static double Min(ReadOnlySpan<double> v)
        {
            var m = v[0];
            foreach (var d in v)
            {
                m = Math.Min(m, d);
            }

            return m;
        }

        private static double Max(ReadOnlySpan<double> v)
        {
            var m = v[0];
            foreach (var d in v)
            {
                m = Math.Max(m, d);
            }

            return m;
        }

        private void Polygons(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "polygons"))
            {
                return;
            }

            var (width, height) = ImageSize(plan);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "polygon", s_polygonKeys))
                {
                    Polygon(plan, i, item, width, height);
                }

                i++;
            }
        }

        private void Polygon(ControlPlan plan, int i, JsonElement item, int? width, int? height)
        {
            if (!item.TryGetProperty("points"u8, out var points) || points.ValueKind != JsonValueKind.Array)
            {
                Fail(At(plan, i, "points"), points.ValueKind == JsonValueKind.Undefined
                    ? "A polygon needs 'points', an array of [x, y] pairs."
                    : $"A polygon needs 'points', an array of [x, y] pairs, not {JsonText.Describe(points)}.");
                return;
            }

            var n = points.GetArrayLength();
            if (n < 3)
            {
                Fail(At(plan, i, "points"), $"A polygon needs at least 3 points; this one has {n}.");
            }

            var k = 0;
            foreach (var point in points.EnumerateArray())
            {
                if (point.ValueKind != JsonValueKind.Array || point.GetArrayLength() != 2)
                {
                    Fail(At(plan, i, "points/" + k), $"Polygon point {k} must be an [x, y] pair, not {JsonText.Describe(point)}.");
                    k++;
                    continue;
                }

                var axis = 0;
                foreach (var c in point.EnumerateArray())
                {
                    var limit = axis == 0 ? width : height;
                    var name = axis == 0 ? "x" : "y";
                    var path = At(plan, i, "points/" + k + "/" + axis);
                    if (c.ValueKind != JsonValueKind.Number)
                    {
                        Fail(path, $"Polygon point {k} {name} must be a number, not {JsonText.Describe(c)}.");
                    }
                    else if (c.GetDouble() is var d && d < 0)
                    {
                        Fail(path, $"Polygon point {k} {name} = {JsonText.Number(d)} must be 0 or more.");
                    }
                    else if (limit is { } l && d > l + PixelTolerance)
                    {
                        Fail(path, $"Polygon point {k} {name} = {JsonText.Number(d)} is past the image {(axis == 0 ? "width" : "height")} {l}.");
                    }

                    axis++;
                }

                k++;
            }
        }

        private void Keypoints(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "keypoints"))
            {
                return;
            }

            var (width, height) = ImageSize(plan);
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (Region(plan, index, i, item, "keypoint", s_pointKeys))
                {
                    if (Number(plan, i, item, "x", "keypoint", out var x))
                    {
                        Coordinate(plan, i, "x", x, width, "width");
                    }

                    if (Number(plan, i, item, "y", "keypoint", out var y))
                    {
                        Coordinate(plan, i, "y", y, height, "height");
                    }
                }

                i++;
            }
        }

        private void Coordinate(ControlPlan plan, int i, string key, double v, int? limit, string dimension)
        {
            if (v < 0)
            {
                Fail(At(plan, i, key), $"Keypoint {key} {JsonText.Number(v)} must be 0 or more.");
            }
            else if (limit is { } l && v > l + PixelTolerance)
            {
                Fail(At(plan, i, key), $"Keypoint {key} {JsonText.Number(v)} is past the image {dimension} {l}.");
            }
        }

        // ---- segments and transcription ----

        private static readonly RegionKeys s_segmentKeys = new("start", "end");

        private void Segments(ControlPlan plan, int index, JsonElement value)
        {
            if (!Array(plan, value, "segments"))
            {
                return;
            }

            var duration = plan.Field is { } f ? media?.Invoke(f.Name)?.DurationSeconds : null;
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                // Non-short-circuit &: report a missing start and a missing end together.
                if (Region(plan, index, i, item, "segment", s_segmentKeys)
                    && Number(plan, i, item, "start", "segment", out var start)
                    & Number(plan, i, item, "end", "segment", out var end))
                {
                    if (start < 0)
                    {
                        Fail(At(plan, i, "start"), $"Segment start {JsonText.Number(start)} s must be 0 or more.");
                    }
                    else if (end <= start)
                    {
                        Fail(At(plan, i, "end"), $"Segment end {JsonText.Number(end)} s must be after its start {JsonText.Number(start)} s.");
                    }
                    else if (duration is { } d && end > d + DurationToleranceSeconds)
                    {
                        Fail(At(plan, i, "end"), $"Segment end {JsonText.Number(end)} s is past the end of the media, which lasts {JsonText.Number(d)} s.");
                    }
                }

                i++;
            }
        }

        private void Transcription(ControlPlan plan, JsonElement value)
        {
            var name = plan.Def.Name;
            if (plan.PerSegmentControl < 0)
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    Fail(plan.Pointer, $"Transcription '{name}' must be a string, not {JsonText.Describe(value)}.");
                }

                return;
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(plan.Pointer, $"Transcription '{name}' is per segment: it must be an object from segment id to text, not {JsonText.Describe(value)}.");
                return;
            }

            foreach (var p in value.EnumerateObject())
            {
                if (SegmentOwner(p) != plan.PerSegmentControl)
                {
                    Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name),
                        $"{JsonText.Quote(p.Name)} is not the id of a segment of '{plan.Def.PerSegment}' in this result.");
                }
                else if (p.Value.ValueKind != JsonValueKind.String)
                {
                    Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name),
                        $"The transcription of segment {JsonText.Quote(p.Name)} must be a string, not {JsonText.Describe(p.Value)}.");
                }
            }
        }

        private int SegmentOwner(JsonProperty p)
        {
            var raw = JsonMarshal.GetRawUtf8PropertyName(p);
            Span<char> buffer = stackalloc char[128];
            if (raw.IndexOf((byte)'\\') < 0 && System.Text.Encoding.UTF8.TryGetChars(raw, buffer, out var n))
            {
                return _idLookup.TryGetValue(buffer[..n], out var owner) ? owner : -1;
            }

            return regionIds.TryGetValue(p.Name, out var o) ? o : -1;
        }

        // ---- rating and ranking ----

        private void Rating(ControlPlan plan, JsonElement value)
        {
            var max = plan.Def.RatingMax;
            if (!JsonText.TryGetInteger(value, out var n))
            {
                Fail(plan.Pointer, $"Rating '{plan.Def.Name}' must be an integer from 1 to {max}, not {JsonText.Describe(value)}.");
            }
            else if (n < 1 || n > max)
            {
                Fail(plan.Pointer, $"Rating {n} is outside 1..{max} of '{plan.Def.Name}'.");
            }
        }

        private void Ranking(ControlPlan plan, JsonElement value)
        {
            var c = plan.Def;
            var pairwise = c.Mode == RankingMode.Pairwise;
            if (value.ValueKind != JsonValueKind.Object)
            {
                Fail(plan.Pointer, pairwise
                    ? $"Ranking '{c.Name}' must be an object {{ \"preferred\": \"a\" | \"b\" | \"tie\" }}, not {JsonText.Describe(value)}."
                    : $"Ranking '{c.Name}' must be an object {{ \"order\": [item ids] }}, not {JsonText.Describe(value)}.");
                return;
            }

            foreach (var p in value.EnumerateObject())
            {
                var known = p.NameEquals(pairwise ? "preferred"u8 : "order"u8) || (c.Rationale && p.NameEquals("rationale"u8));
                if (!known)
                {
                    Fail(plan.Pointer + "/" + JsonText.EscapePointerToken(p.Name), p.NameEquals("rationale"u8)
                        ? $"Ranking '{c.Name}' does not ask for a rationale."
                        : $"Key '{p.Name}' does not belong in ranking '{c.Name}'; it has {(pairwise ? "preferred" : "order")}{(c.Rationale ? ", rationale" : "")}.");
                }
            }

            if (c.Rationale && value.TryGetProperty("rationale"u8, out var why)
                && why.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                Fail(plan.Pointer + "/rationale", $"The rationale must be a string, not {JsonText.Describe(why)}.");
            }

            var field = c.Field!;
            if (taskData.ValueKind != JsonValueKind.Object
                || !taskData.TryGetProperty(field, out var items)
                || items.ValueKind != JsonValueKind.Array)
            {
                Fail(plan.Pointer, $"The task has no list in field '{field}' to rank.");
                return;
            }

            if (pairwise)
            {
                Preferred(plan, value, items, field);
            }
            else
            {
                Order(plan, value, items, field);
            }
        }

        private void Preferred(ControlPlan plan, JsonElement value, JsonElement items, string field)
        {
            var count = items.GetArrayLength();
            if (count < 2)
            {
                Fail(plan.Pointer, $"A pairwise comparison needs at least two items in field '{field}'; the task has {count}.");
            }

            if (!value.TryGetProperty("preferred"u8, out var preferred) || preferred.ValueKind == JsonValueKind.Null)
            {
                Fail(plan.Pointer + "/preferred", $"Ranking '{plan.Def.Name}' needs 'preferred': \"a\", \"b\" or \"tie\".");
            }
            else if (preferred.ValueKind != JsonValueKind.String
                || !(preferred.ValueEquals("a"u8) || preferred.ValueEquals("b"u8) || preferred.ValueEquals("tie"u8)))
            {
                Fail(plan.Pointer + "/preferred", $"Preferred {JsonText.Describe(preferred)} must be \"a\", \"b\" or \"tie\".");
            }
        }

        private void Order(ControlPlan plan, JsonElement value, JsonElement items, string field)
        {
            var path = plan.Pointer + "/order";
            if (!value.TryGetProperty("order"u8, out var order) || order.ValueKind != JsonValueKind.Array)
            {
                Fail(path, $"Ranking '{plan.Def.Name}' needs 'order', an array of the item ids of field '{field}'{(order.ValueKind == JsonValueKind.Undefined ? "" : ", not " + JsonText.Describe(order))}.");
                return;
            }

            var count = items.GetArrayLength();
            var seen = count <= 256 ? stackalloc bool[count] : new bool[count];
            var found = 0;
            var k = 0;
            foreach (var id in order.EnumerateArray())
            {
                var at = ItemIndex(items, id);
                if (id.ValueKind != JsonValueKind.String)
                {
                    Fail(path + "/" + k, $"Order entry {k} must be an item id (a string), not {JsonText.Describe(id)}.");
                }
                else if (at < 0)
                {
                    Fail(path + "/" + k, $"{JsonText.Describe(id)} is not an item id of field '{field}'.");
                }
                else if (seen[at])
                {
                    Fail(path + "/" + k, $"Item {JsonText.Describe(id)} appears more than once in the order.");
                }
                else
                {
                    seen[at] = true;
                    found++;
                }

                k++;
            }

            if (found < count)
            {
                var missing = seen.IndexOf(false);
                var item = items[missing];
                var missingId = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id"u8, out var mid)
                    ? JsonText.Describe(mid)
                    : "'" + missing + "'";
                Fail(path, $"The order must list every item of field '{field}' exactly once; it misses {missingId}.");
            }
        }

        /// <summary>Position of the item an order entry names: an object's id, or the index of a plain string.</summary>
        private static int ItemIndex(JsonElement items, JsonElement id)
        {
            if (id.ValueKind != JsonValueKind.String)
            {
                return -1;
            }

            var count = items.GetArrayLength();
            if (count > 0 && items[0].ValueKind == JsonValueKind.String)
            {
                // Plain strings are named by their index, written canonically ("0", "12", never "012").
                var raw = JsonMarshal.GetRawUtf8Value(id)[1..^1];
                if (raw.Length is 0 or > 9 || (raw.Length > 1 && raw[0] == (byte)'0'))
                {
                    return -1;
                }

                var n = 0;
                foreach (var b in raw)
                {
                    if (b is < (byte)'0' or > (byte)'9')
                    {
                        return -1;
                    }

                    n = n * 10 + (b - '0');
                }

                return n < count ? n : -1;
            }

            // Lists are short (responses to compare), so a scan beats building a map.
            var i = 0;
            foreach (var item in items.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("id"u8, out var itemId)
                    && itemId.ValueKind == JsonValueKind.String
                    && Equal(itemId, id))
                {
                    return i;
                }

                i++;
            }

            return -1;
        }

        private static bool Equal(JsonElement a, JsonElement b)
        {
            var ra = JsonMarshal.GetRawUtf8Value(a);
            var rb = JsonMarshal.GetRawUtf8Value(b);
            if (ra.IndexOf((byte)'\\') < 0 && rb.IndexOf((byte)'\\') < 0)
            {
                return ra.SequenceEqual(rb);
            }

            return a.ValueEquals(JsonText.SafeString(b));
        }
    }
}

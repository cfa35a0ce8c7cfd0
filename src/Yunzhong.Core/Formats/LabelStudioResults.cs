using System.Text.Json.Nodes;

namespace Yunzhong.Core.Formats;

/// <summary>
/// The outcome of a result conversion: the converted JSON and what could not be converted.
/// Items that fail are left out of <see cref="Json"/> and named in <see cref="Errors"/>.
/// Memory: one string per conversion.
/// </summary>
/// <param name="Json">Compact JSON: a native result object, or a Label Studio result array.</param>
/// <param name="Errors">One English message per item that could not be converted.</param>
public sealed record ResultConversion(string Json, IReadOnlyList<string> Errors)
{
    /// <summary>True when everything converted.</summary>
    public bool Ok => Errors.Count == 0;

    /// <summary>The code of the first error (<see cref="ImportErrorCodes"/>); null when none.</summary>
    public string? FirstCode { get; init; }

    /// <summary>The values of the first error's translated message.</summary>
    public IReadOnlyDictionary<string, object?>? FirstArgs { get; init; }

    /// <summary>To native: the index in the Label Studio result array of the first item that failed, so an
    /// import names the item at fault; null when none failed or the array itself was wrong.</summary>
    public int? FirstBadItem { get; init; }
}

/// <summary>
/// Converts annotation results between Label Studio's result arrays and the native result object
/// (see docs/label-schema.md). Each call reads the schema JSON afresh, which is cheap for
/// schemas of tens of controls. Memory: builds each result in memory; results are small.
/// </summary>
/// <remarks>
/// Mapping (Label Studio <c>type</c> ↔ native control type):
/// <c>choices</c> ↔ choices; <c>labels</c> ↔ spans (text; Label Studio counts UTF-16 units, we count
/// code points, converted with the task's text) or segments (audio/video; seconds both sides);
/// <c>rectanglelabels</c>, <c>polygonlabels</c>, <c>keypointlabels</c> ↔ rectangles, polygons,
/// keypoints (Label Studio uses percent of <c>original_width</c>/<c>original_height</c>, we use
/// pixels rounded to 4 decimals; without a known size the item is an error);
/// <c>relation</c> ↔ relations (<c>direction: "left"</c> is turned around and remembered as
/// <c>direction: "left"</c>, so it goes back out as it came; <c>"bi"</c> is kept as <c>direction: "bi"</c>); <c>textarea</c> ↔ transcription (a region id makes it per segment; several texts
/// are joined with a line break); <c>rating</c> ↔ rating; <c>ranker</c> ↔ ranking mode rank (the
/// bucket named after the list, else the first bucket other than <c>_</c>, is the order; a ranking with
/// <c>buckets</c> takes each named bucket, <c>_</c> being the items in none);
/// <c>pairwise</c> ↔ ranking mode pairwise, over a list or two fields (<c>left</c> = a, <c>right</c> = b, <c>none</c> = tie). A ranking rationale travels as a non-standard
/// <c>value.rationale</c>. A Label Studio region with several labels becomes one native region per
/// label, the second and later with ids suffixed <c>_2</c>, <c>_3</c>, …; back to Label Studio they are one region
/// with several labels again. An item's <c>score</c> becomes its regions' <c>score</c> and goes back out on the item.
/// </remarks>
public static class LabelStudioResults
{
    /// <summary>Converts a Label Studio result array into a native result object.</summary>
    /// <param name="lsResult">The <c>result</c> array of one Label Studio annotation or prediction.</param>
    /// <param name="schema">The project's label schema JSON.</param>
    /// <param name="taskData">The task's <c>data</c> object (span texts, media references).</param>
    /// <param name="media">Looks up media by the data value of an image field, for its size.</param>
    public static ResultConversion ToNative(
        JsonElement lsResult, JsonElement schema, JsonElement taskData, Func<string, MediaInfo?>? media) =>
        ToNative(lsResult, SchemaView.From(schema), taskData, media);

    /// <summary>Converts a native result object into a Label Studio result array.</summary>
    /// <param name="nativeResult">The native result object keyed by control name.</param>
    /// <param name="schema">The project's label schema JSON.</param>
    /// <param name="taskData">The task's <c>data</c> object (span texts, media references).</param>
    /// <param name="media">Looks up media by the data value of an image field; its size is needed
    /// to turn pixels into Label Studio's percent.</param>
    public static ResultConversion FromNative(
        JsonElement nativeResult, JsonElement schema, JsonElement taskData, Func<string, MediaInfo?>? media) =>
        FromNative(nativeResult, SchemaView.From(schema), taskData, media);

    internal static ResultConversion ToNative(
        JsonElement lsResult, SchemaView schema, JsonElement taskData, Func<string, MediaInfo?>? media)
    {
        var errors = new List<string>();
        int? firstBad = null;
        string? firstCode = null;
        Dictionary<string, object?>? firstArgs = null;
        void Fail(int index, string message, string code, params (string Key, object? Value)[] args)
        {
            if (firstBad is null)
            {
                firstBad = index;
                firstCode = code;
                firstArgs = args.ToDictionary(a => a.Key, a => a.Value);
            }

            errors.Add(message);
        }

        var context = new LabelStudioResultContext(schema, taskData, media);
        var byControl = context.ByControl;
        var regionOwner = context.RegionOwner;
        if (lsResult.ValueKind != JsonValueKind.Array)
        {
            errors.Add("a Label Studio result must be an array");
            return new ResultConversion("{}", errors) { FirstCode = ImportErrorCodes.LabelStudioResultNotList };
        }

        var relations = new List<(int Index, JsonElement Item)>();
        var i = -1;
        foreach (var element in lsResult.EnumerateArray())
        {
            var item = element;
            i++;
            var type = Str(item, "type")?.ToLowerInvariant();
            if (type == "relation")
            {
                relations.Add((i, item));
                continue;
            }

            var fromName = Str(item, "from_name");
            var control = fromName is null ? null : schema.Find(fromName);
            if (control is null && fromName is not null && schema.FindRepeated(fromName, out var page) is { } repeated)
            {
                // A Repeater's result names its page (labels_3): the page is the box's, as item_index says it
                // of a multi-page image.
                control = repeated;
                var withPage = JsonNode.Parse(item.GetRawText())!.AsObject();
                withPage["item_index"] = page;
                item = JsonSerializer.SerializeToElement(withPage, JsonBytes.SerializerOptions);
            }

            if (control is null)
            {
                Fail(i, $"result[{i}]: from_name '{fromName}' is not a control of the schema", ImportErrorCodes.LabelStudioUnknownControl, ("name", fromName ?? ""));
                continue;
            }

            if (!item.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Object)
            {
                Fail(i, $"result[{i}]: value must be an object", ImportErrorCodes.LabelStudioValueNotObject);
                continue;
            }

            context.ItemScore = null;
            if (item.TryGetProperty("score", out var score) && score.ValueKind != JsonValueKind.Null)
            {
                if (score.ValueKind != JsonValueKind.Number || !double.IsFinite(score.GetDouble()))
                {
                    Fail(i, $"result[{i}] ({control.Name}): score must be a finite number", ImportErrorCodes.LabelStudioValueInvalid, ("control", control.Name));
                    continue;
                }

                context.ItemScore = score.GetDouble();
            }

            var id = IdOf(item);
            try
            {
                var error = ControlKinds.Find(control.Type) is { } kind
                    ? kind.LabelStudioToNative(control, item, value, id, context)
                    : NoRegionForm(control, item, value, id, context);
                if (error is not null)
                {
                    Fail(i, $"result[{i}] ({control.Name}): {error}", ImportErrorCodes.LabelStudioValueInvalid, ("control", control.Name));
                }
                else if (id is not null && id != control.Name && IsWholeTask(control))
                {
                    // A whole-task answer has no id of its own here; Label Studio's is kept beside the answers.
                    context.WholeTaskIds.TryAdd(control.Name, id);
                }
            }
            // A missing key (Num), an index past an array's end (a point with one coordinate) and a
            // coordinate too large to write as JSON come here too, as in FromNative (found by fuzzing).
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException or IndexOutOfRangeException)
            {
                Fail(i, $"result[{i}] ({control.Name}): a value is missing, out of range or of the wrong type", ImportErrorCodes.LabelStudioValueInvalid, ("control", control.Name));
            }
        }

        foreach (var (index, item) in relations)
        {
            var from = Str(item, "from_id");
            var to = Str(item, "to_id");
            if (from is null || to is null)
            {
                Fail(index, $"result[{index}]: a relation needs from_id and to_id", ImportErrorCodes.LabelStudioRelationEnds);
                continue;
            }

            var control = RelationControl(schema, Str(item, "from_name"), regionOwner.GetValueOrDefault(from));
            if (control is null)
            {
                Fail(index, $"result[{index}]: no relations control of the schema fits this relation", ImportErrorCodes.LabelStudioRelationNoControl);
                continue;
            }

            var direction = item.TryGetProperty("direction", out var d) && d.ValueKind != JsonValueKind.Null
                ? d.ValueKind == JsonValueKind.String ? d.GetString() : JsonText.Describe(d)
                : null;
            if (direction is not (null or "right" or "left" or "bi"))
            {
                Fail(index, $"result[{index}]: a relation's direction is right, left or bi, not '{direction}'", ImportErrorCodes.LabelStudioValueInvalid, ("control", control.Name));
                continue;
            }

            // Natively from → to is the relation's sense: a "left" one is turned round and remembers it was.
            if (direction == "left")
            {
                (from, to) = (to, from);
            }

            var rel = new JsonObject { ["from"] = from, ["to"] = to };
            var labels = item.TryGetProperty("labels", out var ls) ? ls
                : item.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Object && v.TryGetProperty("labels", out var vl) ? vl
                : default;
            if (labels.ValueKind == JsonValueKind.Array && labels.GetArrayLength() > 0 && labels[0].ValueKind == JsonValueKind.String)
            {
                rel["label"] = control.Canonical(labels[0].GetString()!);
            }

            if (direction is "left" or "bi")
            {
                rel["direction"] = direction;
            }

            ListOf(byControl, control.Name).Add(rel);
        }

        // Schema order keeps the output stable whatever order Label Studio listed items in.
        var result = new JsonObject();
        foreach (var c in schema.Controls)
        {
            if (byControl.Remove(c.Name, out var node))
            {
                result[c.Name] = node;
            }
        }

        var ids = new JsonObject();
        foreach (var c in schema.Controls)
        {
            if (result.ContainsKey(c.Name) && context.WholeTaskIds.TryGetValue(c.Name, out var kept))
            {
                ids[c.Name] = kept;
            }
        }

        if (ids.Count > 0)
        {
            result[ResultIds.Key] = ids;
        }

        return new ResultConversion(result.ToJsonString(JsonBytes.SerializerOptions), errors) { FirstBadItem = firstBad, FirstCode = firstCode, FirstArgs = firstArgs };
    }

    /// <summary>Whether the control answers once for the whole task (one Label Studio item, which Yunzhong writes with the control's name as its id).</summary>
    private static bool IsWholeTask(SchemaView.Control control) =>
        control is { PerRegion: null, PerMessage: null, PerSegment: null }
        && control.Type is "choices" or "rating" or "ranking" or "taxonomy" or "transcription";

    private static SchemaView.Control? RelationControl(SchemaView schema, string? fromName, string? spansOfFrom)
    {
        if (fromName is not null && schema.Find(fromName) is { Type: "relations" } named)
        {
            return named;
        }

        SchemaView.Control? only = null;
        var count = 0;
        foreach (var c in schema.Controls)
        {
            if (c.Type != "relations")
            {
                continue;
            }

            if (spansOfFrom is not null && c.Spans == spansOfFrom)
            {
                return c;
            }

            only = c;
            count++;
        }

        return count == 1 ? only : null;
    }

    /// <summary>
    /// The shared part of a region item's conversion: its id and labels, then one native region per
    /// label (Label Studio may put several labels on one region), each remembered as its control's.
    /// <paramref name="geometry"/> adds the kind's region (or answers an error).
    /// </summary>
    internal static string? RegionsToNative(
        SchemaView.Control control, JsonElement value, string? id, LabelStudioResultContext context, Func<List<JsonObject>, string?> geometry)
    {
        var byControl = context.ByControl;
        var regionOwner = context.RegionOwner;
        if (id is null)
        {
            return "a region needs an id";
        }

        var labels = LabelsOf(value).ConvertAll(control.Canonical);
        if (labels.Count == 0 && control.Labels.Count > 0)
        {
            return "the region has no label";
        }

        var regions = new List<JsonObject>();
        if (geometry(regions) is { } error)
        {
            return error;
        }

        var list2 = ListOf(byControl, control.Name);
        var template = regions[0];
        var count = Math.Max(1, labels.Count);
        for (var k = 0; k < count; k++)
        {
            var regionId = k == 0 ? id : $"{id}_{k + 1}";
            var native = new JsonObject { ["id"] = regionId };
            if (labels.Count > 0)
            {
                native["label"] = labels[k];
            }

            if (context.ItemScore is { } score)
            {
                native["score"] = score;
            }

            foreach (var (key, v) in template)
            {
                native[key] = v?.DeepClone();
            }

            list2.Add(native);
            regionOwner.TryAdd(regionId, control.Name);
        }

        return null;
    }

    /// <summary>What a control of a kind without a Label Studio result form answers for an item (after the region checks, as before).</summary>
    internal static string? NoRegionForm(SchemaView.Control control, JsonElement item, JsonElement value, string? id, LabelStudioResultContext context) =>
        RegionsToNative(control, value, id, context, _ => $"control type '{control.Type}' cannot take a Label Studio '{Str(item, "type")}' result");

    /// <summary>A rectangle, polygon or keypoint from Label Studio's percent of the original image into pixels.</summary>
    internal static string? ImageRegionToNative(SchemaView.Control control, JsonElement item, JsonElement value, LabelStudioResultContext context, List<JsonObject> regions)
    {
        var taskData = context.TaskData;
        var media = context.Media;
        var document = OnDocument(context.Schema, control);
        var (w, h) = document ? PageSize(item) : ImageSize(item, control, taskData, media);
        if (w is null || h is null)
        {
            return document
                ? "a box on a document's page needs the page's original_width and original_height"
                : "the original image size is unknown, so percent coordinates cannot become pixels";
        }

        var region = new JsonObject();
        if (document)
        {
            // Label Studio numbers the pages of a multi-page object by item_index, from 0 (absent: the first).
            var page = item.TryGetProperty("item_index", out var ix) ? (ix.TryGetInt32(out var p) && p >= 0 ? p : -1) : 0;
            if (page < 0)
            {
                return "item_index must be a page number, 0 or more";
            }

            region["page"] = page;
            region["pageWidth"] = w.Value;
            region["pageHeight"] = h.Value;
        }

        if (control.Type == "polygons")
        {
            if (!value.TryGetProperty("points", out var pts) || pts.ValueKind != JsonValueKind.Array)
            {
                return "value.points must be an array";
            }

            foreach (var p in pts.EnumerateArray())
            {
                if (OffImage(p[0].GetDouble()) || OffImage(p[1].GetDouble()))
                {
                    return "a point of the polygon lies outside the image (coordinates are percent, 0–100)";
                }
            }

            region["points"] = new JsonArray(pts.EnumerateArray()
                .Select(p => (JsonNode?)new JsonArray(Px(p[0].GetDouble(), w.Value), Px(p[1].GetDouble(), h.Value)))
                .ToArray());
        }
        else
        {
            var rotated = value.TryGetProperty("rotation", out var turn) && Finite(turn) % 360 != 0;
            var (width, height) = control.Type == "rectangles" ? (Num(value, "width"), Num(value, "height")) : (0, 0);
            // A turned box may reach past the corner it is anchored at; only its anchor is checked then.
            if ((PastEdge("x", Num(value, "x"), "width", rotated ? 0 : width) ?? PastEdge("y", Num(value, "y"), "height", rotated ? 0 : height)) is { } past)
            {
                return $"the region reaches past the image's edge ({past} %; coordinates are percent, 0–100)";
            }

            region["x"] = Px(Num(value, "x"), w.Value);
            region["y"] = Px(Num(value, "y"), h.Value);
            if (control.Type == "rectangles")
            {
                region["width"] = Px(Num(value, "width"), w.Value);
                region["height"] = Px(Num(value, "height"), h.Value);
                region["rotation"] = value.TryGetProperty("rotation", out var rot) ? Finite(rot) : 0;
            }
        }

        regions.Add(region);
        return null;
    }

    internal static ResultConversion FromNative(
        JsonElement nativeResult, SchemaView schema, JsonElement taskData, Func<string, MediaInfo?>? media)
    {
        var errors = new List<string>();
        var output = new JsonArray();
        var context = new LabelStudioResultContext(schema, taskData, media) { NativeResult = nativeResult, Output = output };
        if (nativeResult.ValueKind != JsonValueKind.Object)
        {
            errors.Add("a native result must be an object");
            return new ResultConversion("[]", errors);
        }

        if (nativeResult.TryGetProperty(ResultIds.Key, out var keptIds) && keptIds.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in keptIds.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    context.WholeTaskIds[p.Name] = p.Value.GetString()!;
                }
            }
        }

        // Per-region attributes go second: each item repeats its region's geometry from the region's item.
        foreach (var prop in nativeResult.EnumerateObject().OrderBy(p => schema.Find(p.Name) is { PerRegion: null, PerMessage: null } ? 0 : 1))
        {
            if (prop.NameEquals(ResultIds.Key))
            {
                continue;
            }

            var control = schema.Find(prop.Name);
            if (control is null)
            {
                errors.Add($"{prop.Name}: not a control of the schema");
                continue;
            }

            var v = prop.Value;
            if (v.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            try
            {
                var error = ControlKinds.Find(control.Type) is { } kind
                    ? kind.LabelStudioFromNative(control, v, context)
                    : $"control type '{control.Type}' has no Label Studio form";
                if (error is not null)
                {
                    errors.Add($"{control.Name}: {error}");
                }
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or KeyNotFoundException or IndexOutOfRangeException)
            {
                errors.Add($"{control.Name}: a value has the wrong type");
            }
        }

        RegionScoresAndLabels(schema, nativeResult, output);
        RepeatedNames(schema, output);
        return new ResultConversion(output.ToJsonString(JsonBytes.SerializerOptions), errors);
    }

    /// <summary>The label keys of Label Studio's region values, one per region type.</summary>
    private static readonly string[] _labelKeys =
        ["labels", "rectanglelabels", "polygonlabels", "keypointlabels", "hypertextlabels", "brushlabels", "paragraphlabels", "timeserieslabels"];

    /// <summary>
    /// Gives each region's item its <c>score</c>, and puts a region that came from Label Studio with several labels
    /// back together: ToNative made it one region per label (id, id_2, id_3 …, the same in all else), which
    /// would go out as that many regions. A split is joined only while nothing else names its id (a relation,
    /// a per-region answer), so no link is lost.
    /// </summary>
    private static void RegionScoresAndLabels(SchemaView schema, JsonElement nativeResult, JsonArray output)
    {
        Dictionary<(string Control, string Id), double>? scores = null;
        var suffixed = false;
        foreach (var control in schema.Controls)
        {
            if (!nativeResult.TryGetProperty(control.Name, out var regions) || regions.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var region in regions.EnumerateArray())
            {
                if (Str(region, "id") is not { } id)
                {
                    continue;
                }

                suffixed |= id.Contains('_', StringComparison.Ordinal);
                if (region.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number)
                {
                    (scores ??= [])[(control.Name, id)] = score.GetDouble();
                }
            }
        }

        if (scores is not null)
        {
            foreach (var node in output)
            {
                if (node is JsonObject item && item["id"]?.GetValue<string>() is { } id && item["from_name"]?.GetValue<string>() is { } name
                    && scores.TryGetValue((name, id), out var score))
                {
                    item["score"] = score;
                }
            }
        }

        if (suffixed)
        {
            JoinLabels(output);
        }
    }

    private static void JoinLabels(JsonArray output)
    {
        // How often each id is named: as an item's id (per-region answers share their region's) or a relation's end.
        var named = new Dictionary<string, int>(StringComparer.Ordinal);
        var byKey = new Dictionary<(string, string, string), (int At, JsonObject Item)>();
        for (var n = 0; n < output.Count; n++)
        {
            if (output[n] is not JsonObject item)
            {
                continue;
            }

            foreach (var key in (ReadOnlySpan<string>)["id", "from_id", "to_id"])
            {
                if (item[key] is JsonValue v && v.TryGetValue<string>(out var id))
                {
                    named[id] = named.GetValueOrDefault(id) + 1;
                }
            }

            if (item["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var own) && item["from_name"] is JsonValue fromValue
                && fromValue.TryGetValue<string>(out var from) && item["type"] is JsonValue typeValue && typeValue.TryGetValue<string>(out var type))
            {
                byKey.TryAdd((own, from, type), (n, item));
            }
        }

        // Only id_2, id_3 … in turn after their first part, as ToNative makes them, so that reading the joined
        // item again gives the same regions back: the labels join in the order Label Studio gave them.
        var joined = new List<int>();
        var parts = new Dictionary<JsonObject, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < output.Count; i++)
        {
            if (output[i] is not JsonObject item || item["id"] is not JsonValue idNode || !idNode.TryGetValue<string>(out var id)
                || named.GetValueOrDefault(id) != 1)
            {
                continue;
            }

            var cut = id.LastIndexOf('_');
            if (cut <= 0 || !int.TryParse(id.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 2
                || item["from_name"] is not JsonValue fromValue || !fromValue.TryGetValue<string>(out var from)
                || item["type"] is not JsonValue typeValue || !typeValue.TryGetValue<string>(out var type)
                || !byKey.TryGetValue((id[..cut], from, type), out var found) || found.At > i
                || k != parts.GetValueOrDefault(found.Item, 1) + 1
                || LabelsKey(item) is not { } key || LabelsKey(found.Item) != key
                || !JsonNode.DeepEquals(WithoutLabels(item, key), WithoutLabels(found.Item, key)))
            {
                continue;
            }

            var first = found.Item;
            var labels = first["value"]![key]!.AsArray();
            foreach (var label in item["value"]![key]!.AsArray())
            {
                labels.Add(label?.DeepClone());
            }

            parts[first] = k;
            joined.Add(i);
        }

        for (var j = joined.Count - 1; j >= 0; j--)
        {
            output.RemoveAt(joined[j]);
        }
    }

    private static string? LabelsKey(JsonObject item) =>
        item["value"] is JsonObject value ? Array.Find(_labelKeys, k => value[k] is JsonArray) : null;

    /// <summary>The item as it would be without its id and labels, to compare a split region's parts.</summary>
    private static JsonObject WithoutLabels(JsonObject item, string key)
    {
        var copy = item.DeepClone().AsObject();
        copy.Remove("id");
        copy["value"]!.AsObject().Remove(key);
        return copy;
    }

    /// <summary>A Repeater names each page's results apart (from_name labels_0, to_name page_0) and gives no
    /// item_index: the items of controls kept from one are renamed so, as Label Studio writes them.</summary>
    private static void RepeatedNames(SchemaView schema, JsonArray output)
    {
        foreach (var node in output)
        {
            if (node is JsonObject item && item["from_name"]?.GetValue<string>() is { } name && schema.Find(name) is { FromName: not null } control
                && item["item_index"]?.GetValue<int>() is { } page)
            {
                var (from, to) = control.RepeatedNames(page);
                item["from_name"] = from;
                item["to_name"] = to ?? item["to_name"]?.DeepClone();
                item.Remove("item_index");
            }
        }
    }

    /// <summary>Rectangles, polygons or keypoints from pixels into Label Studio's percent of the original image.</summary>
    internal static string? ImageRegionsFromNative(SchemaView.Control control, JsonElement v, LabelStudioResultContext context)
    {
        var taskData = context.TaskData;
        var media = context.Media;
        var output = context.Output;
        var document = OnDocument(context.Schema, control);
        var reference = document ? null : FieldString(taskData, control.Field);
        var info = reference is null ? null : media?.Invoke(reference);
        var (w, h) = (info?.Width ?? 0, info?.Height ?? 0);
        if (!document && (w <= 0 || h <= 0))
        {
            return $"the size of image '{reference}' is unknown, so pixels cannot become percent";
        }

        foreach (var region in v.EnumerateArray())
        {
            if (document)
            {
                // A document box carries its page's size (validated positive) and its page.
                (w, h) = ((int)Math.Round(Num(region, "pageWidth")), (int)Math.Round(Num(region, "pageHeight")));
            }

            var value = new JsonObject();
            string type;
            if (control.Type == "polygons")
            {
                type = "polygonlabels";
                value["points"] = new JsonArray(region.GetProperty("points").EnumerateArray()
                    .Select(p => (JsonNode?)new JsonArray(Pct(p[0].GetDouble(), w), Pct(p[1].GetDouble(), h)))
                    .ToArray());
                value["closed"] = true;
            }
            else
            {
                value["x"] = Pct(Num(region, "x"), w);
                value["y"] = Pct(Num(region, "y"), h);
                if (control.Type == "rectangles")
                {
                    type = "rectanglelabels";
                    value["width"] = Pct(Num(region, "width"), w);
                    value["height"] = Pct(Num(region, "height"), h);
                    value["rotation"] = region.TryGetProperty("rotation", out var rot) ? rot.GetDouble() : 0;
                }
                else
                {
                    type = "keypointlabels";
                }
            }

            // A bare tool (<Rectangle>, no labels) writes Label Studio's own type for it, which its config loads.
            var item = context.Item(control, Str(region, "id"), control.Labels.Count == 0 ? type[..^"labels".Length] : type, WithLabel(value, type, region));
            item["original_width"] = w;
            item["original_height"] = h;
            item["image_rotation"] = 0;
            if (document)
            {
                item["item_index"] = (int)Num(region, "page");
            }

            output.Add(item);
        }

        return null;
    }

    internal static JsonObject WithLabel(JsonObject value, string key, JsonElement region)
    {
        if (Str(region, "label") is { } label)
        {
            value[key] = new JsonArray(label);
        }

        return value;
    }

    internal static JsonElement? FindRegion(JsonElement nativeResult, string control, string id)
    {
        if (nativeResult.TryGetProperty(control, out var regions) && regions.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in regions.EnumerateArray())
            {
                if (Str(r, "id") == id)
                {
                    return r;
                }
            }
        }

        return null;
    }

    /// <summary>Whether the control draws on the pages of a document field.</summary>
    internal static bool OnDocument(SchemaView schema, SchemaView.Control control) =>
        schema.Fields.Any(f => f.Name == control.Field && f.Type == "document");

    /// <summary>The size the item states (<c>original_width</c>/<c>original_height</c>); a PDF's page has no media record to ask.</summary>
    private static (int? Width, int? Height) PageSize(JsonElement item) =>
        item.TryGetProperty("original_width", out var ow) && ow.TryGetDouble(out var w) && w > 0
            && item.TryGetProperty("original_height", out var oh) && oh.TryGetDouble(out var h) && h > 0
            ? ((int)Math.Round(w), (int)Math.Round(h)) : (null, null);

    internal static (int? Width, int? Height) ImageSize(
        JsonElement item, SchemaView.Control control, JsonElement taskData, Func<string, MediaInfo?>? media)
    {
        if (PageSize(item) is { Width: not null } stated)
        {
            return stated;
        }

        var reference = FieldString(taskData, control.Field);
        var info = reference is null ? null : media?.Invoke(reference);
        return info?.Width > 0 && info.Height > 0 ? (info.Width, info.Height) : (null, null);
    }

    internal static List<string> LabelsOf(JsonElement value)
    {
        var labels = new List<string>();
        foreach (var key in (ReadOnlySpan<string>)["labels", "rectanglelabels", "polygonlabels", "keypointlabels", "hypertextlabels", "brushlabels", "paragraphlabels", "timeserieslabels"])
        {
            if (value.TryGetProperty(key, out var ls) && ls.ValueKind == JsonValueKind.Array)
            {
                foreach (var l in ls.EnumerateArray())
                {
                    if (l.GetString() is { } s)
                    {
                        labels.Add(s);
                    }
                }
            }
        }

        return labels;
    }

    internal static string? TextOf(JsonElement value)
    {
        if (!value.TryGetProperty("text", out var text))
        {
            return null;
        }

        return text.ValueKind switch
        {
            JsonValueKind.String => text.GetString(),
            JsonValueKind.Array => string.Join("\n", text.EnumerateArray().Select(t => t.GetString())),
            _ => null,
        };
    }

    internal static JsonArray ListOf(Dictionary<string, JsonNode> byControl, string name)
    {
        if (!byControl.TryGetValue(name, out var node))
        {
            node = new JsonArray();
            byControl[name] = node;
        }

        return (JsonArray)node;
    }

    internal static string? IdOf(JsonElement item) =>
        item.TryGetProperty("id", out var id)
            ? id.ValueKind switch
            {
                JsonValueKind.String => id.GetString(),
                JsonValueKind.Number => id.GetRawText(),
                _ => null,
            }
            : null;

    internal static string? FieldString(JsonElement taskData, string? field) =>
        field is not null && taskData.ValueKind == JsonValueKind.Object
            && taskData.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    internal static string? Str(JsonElement e, string key) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    internal static double Num(JsonElement e, string key) => Finite(e.GetProperty(key));

    // GetDouble reads 1e309 as infinity, which JSON cannot hold when the result is written out.
    internal static double Finite(JsonElement e)
    {
        var d = e.GetDouble();
        return double.IsFinite(d) ? d : throw new FormatException("a number is out of range");
    }

    // Percent → pixels, rounded so that pixels → percent → pixels gives back what went in. A percent
    // near double's limit overflows to infinity, which JSON cannot hold: the caller reports it.
    internal static double Px(double percent, int size)
    {
        var px = Math.Round(percent * size / 100, 4);
        return double.IsFinite(px) ? px : throw new FormatException("a coordinate is out of range");
    }

    internal static double Pct(double pixels, int size) => pixels * 100 / size;

    // Label Studio's percent coordinates carry float noise at the edges (100.00000000000001), so a
    // hundredth of a percent is let through; anything further is a region past the image.
    private const double EdgeSlack = 0.01;

    /// <summary>Whether a percent coordinate lies off the image.</summary>
    private static bool OffImage(double percent) => percent < -EdgeSlack || percent > 100 + EdgeSlack;

    /// <summary>"x = -5" or "x + width = 110" when a region's start or far end leaves 0–100, else null.</summary>
    private static string? PastEdge(string axis, double start, string extentName, double extent) =>
        OffImage(start) ? FormattableString.Invariant($"{axis} = {start:0.###}")
        : OffImage(start + extent) ? FormattableString.Invariant($"{axis} + {extentName} = {start + extent:0.###}")
        : null;

    /// <summary>
    /// A task text and its UTF-16 → code point map, made once per conversion. Decoding the text and
    /// walking it from the start for every span made a task with n spans over a long text cost n²
    /// in time and memory (8,000 spans: 1.6 s and 630 MiB; found by fuzzing).
    /// </summary>
    internal sealed class TextIndex(string text)
    {
        // Null while the text has no surrogates, where the two indexes are the same.
        private readonly int[]? _codePointAt = MapOrNull(text);

        public string Text { get; } = text;

        /// <summary>As <see cref="Utf16ToCodePoint"/>, in constant time.</summary>
        public int CodePoint(int utf16)
        {
            if (utf16 < 0 || utf16 > Text.Length)
            {
                return -1;
            }

            if (utf16 > 0 && utf16 < Text.Length && char.IsLowSurrogate(Text[utf16]) && char.IsHighSurrogate(Text[utf16 - 1]))
            {
                return -1;
            }

            return _codePointAt is null ? utf16 : _codePointAt[utf16];
        }

        private static int[]? MapOrNull(string text)
        {
            if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
            {
                return null;
            }

            var map = new int[text.Length + 1];
            var cp = 0;
            for (var i = 0; i < text.Length; i++)
            {
                map[i] = cp;
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    map[++i] = cp; // inside the pair: CodePoint answers -1 before reading it
                }

                cp++;
            }

            map[text.Length] = cp;
            return map;
        }
    }

    /// <summary>UTF-16 index → code point index; -1 when outside the text or inside a surrogate pair.</summary>
    internal static int Utf16ToCodePoint(string text, int utf16)
    {
        if (utf16 < 0 || utf16 > text.Length)
        {
            return -1;
        }

        if (utf16 > 0 && utf16 < text.Length && char.IsLowSurrogate(text[utf16]) && char.IsHighSurrogate(text[utf16 - 1]))
        {
            return -1;
        }

        var cp = 0;
        for (var i = 0; i < utf16; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }

            cp++;
        }

        return cp;
    }

    /// <summary>Code point index → UTF-16 index; -1 when past the end of the text.</summary>
    internal static int CodePointToUtf16(string text, int codePoint)
    {
        if (codePoint < 0)
        {
            return -1;
        }

        var i = 0;
        for (var cp = 0; cp < codePoint; cp++)
        {
            if (i >= text.Length)
            {
                return -1;
            }

            i += char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
        }

        return i;
    }}

/// <summary>What converting one result between Label Studio and native shares across its controls and items.</summary>
internal sealed class LabelStudioResultContext(SchemaView schema, JsonElement taskData, Func<string, MediaInfo?>? media)
{
    public SchemaView Schema { get; } = schema;

    public JsonElement TaskData { get; } = taskData;

    public Func<string, MediaInfo?>? Media { get; } = media;

    /// <summary>To native: the value built so far per control.</summary>
    public Dictionary<string, JsonNode> ByControl { get; } = new(StringComparer.Ordinal);

    /// <summary>To native: the control of each region id, for relations.</summary>
    public Dictionary<string, string> RegionOwner { get; } = new(StringComparer.Ordinal);

    /// <summary>Label Studio's ids of whole-task items by control (to native: as read; from native: from the result's
    /// <see cref="ResultIds.Key"/>), so a round trip writes each item's id back.</summary>
    public Dictionary<string, string> WholeTaskIds { get; } = new(StringComparer.Ordinal);

    /// <summary>To native: the <c>score</c> of the item being converted, which each region made of it carries.</summary>
    public double? ItemScore { get; set; }

    /// <summary>To native: code-point indexes of the texts of fields, made once per field.</summary>
    public Dictionary<string, LabelStudioResults.TextIndex?> Texts { get; } = new(StringComparer.Ordinal);

    private Dictionary<string, HtmlText?>? _html;

    /// <summary>Whether the schema's field <paramref name="field"/> holds HTML.</summary>
    public bool IsHtml(string? field) => field is not null && Schema.Fields.Any(f => f.Name == field && f.Type == "html");

    /// <summary>The text content of the task's HTML field, parsed once per field.</summary>
    public HtmlText? Html(string? field)
    {
        _html ??= new(StringComparer.Ordinal);
        var key = field ?? "";
        if (!_html.TryGetValue(key, out var html))
        {
            _html[key] = html = LabelStudioResults.FieldString(TaskData, field) is { } s ? HtmlText.Parse(s) : null;
        }

        return html;
    }

    /// <summary>From native: the whole native result (per-segment texts look up their segments).</summary>
    public JsonElement NativeResult { get; init; }

    /// <summary>From native: the Label Studio items written so far.</summary>
    public JsonArray Output { get; init; } = [];

    /// <summary>From native: one Label Studio result item of a control.</summary>
    public JsonObject Item(SchemaView.Control control, string? id, string type, JsonObject value)
    {
        var o = new JsonObject();
        if (id == control.Name && WholeTaskIds.TryGetValue(control.Name, out var kept))
        {
            id = kept;
        }

        if (id is not null)
        {
            o["id"] = id;
        }

        o["from_name"] = control.Name;
        o["to_name"] = control.ToName ?? Schema.TargetField(control);
        o["type"] = type;
        o["value"] = value;
        return o;
    }
}

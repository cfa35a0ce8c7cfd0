using System.Globalization;
using System.Text.Unicode;

namespace Yunzhong.Core.Formats;

/// <summary>
/// Turns one task of a Label Studio JSON export into an <see cref="ImportRow"/>: its <c>id</c>
/// becomes the key, and its predictions and annotations are converted to native results.
/// </summary>
internal static class LabelStudioTaskParser
{
    public static ImportRow Parse(ReadOnlySpan<byte> json, int line, int index, ImportOptions options)
    {
        if (!Utf8.IsValid(json))
        {
            return ImportRow.Fail(line, index, null, "the task is not valid UTF-8", ImportErrorCodes.NotUtf8);
        }

        if (!JsonText.SurrogateEscapesArePaired(json))
        {
            return ImportRow.Fail(line, index, null, NativeTaskParser.LoneSurrogate, ImportErrorCodes.LoneSurrogate);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException ex)
        {
            return ImportRow.Fail(line, index, null, "invalid JSON: " + ex.Message, ImportErrorCodes.NotJson);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ImportRow.Fail(line, index, null, "a task must be a JSON object", ImportErrorCodes.TaskNotObject);
            }

            // Label Studio also accepts bare data objects in its import lists.
            if (!root.TryGetProperty("data", out var data))
            {
                return new ImportRow { Line = line, Index = index, DataJson = JsonBytes.CopyCompact(json) };
            }

            if (data.ValueKind != JsonValueKind.Object)
            {
                return ImportRow.Fail(line, index, "data", "data must be a JSON object", ImportErrorCodes.DataNotObject);
            }

            string? key = null;
            if (root.TryGetProperty("id", out var id))
            {
                key = id.ValueKind switch
                {
                    JsonValueKind.String => id.GetString(),
                    JsonValueKind.Number => id.GetRawText(),
                    _ => null,
                };
            }

            SchemaView? schema = options.Schema is { } s ? SchemaView.From(s) : null;
            string? groundTruth = null;
            // An ML backend's predictions often leave out the image size that the task's annotations
            // (or other predictions) state: any item's size serves the whole task.
            var sizes = schema is null ? ImportRow.NoSizes : ImageSizes(root, schema, data);
            if (sizes.Count > 0)
            {
                var media = options.Media;
                options = options with
                {
                    Media = reference => media?.Invoke(reference)
                        ?? (sizes.TryGetValue(reference, out var size) ? new MediaInfo(reference, "image/*", size.Width, size.Height) : null),
                };
            }

            var (predictions, predError) = Convert(root, "predictions", schema, data, options, line, ref groundTruth);
            if (predError is not null)
            {
                return new ImportRow { Line = line, Index = index, Error = predError };
            }

            var (annotations, annError) = Convert(root, "annotations", schema, data, options, line, ref groundTruth);
            if (annError is not null)
            {
                return new ImportRow { Line = line, Index = index, Error = annError };
            }

            // Label Studio before 1.0 called annotations "completions"; its exports still circulate.
            var (completions, compError) = Convert(root, "completions", schema, data, options, line, ref groundTruth);
            if (compError is not null)
            {
                return new ImportRow { Line = line, Index = index, Error = compError };
            }

            if (completions.Count > 0)
            {
                annotations = [.. annotations, .. completions];
            }

            return new ImportRow
            {
                Line = line,
                Index = index,
                Key = key,
                DataJson = JsonBytes.CopyCompact(Encoding.UTF8.GetBytes(data.GetRawText())),
                Predictions = predictions,
                Annotations = annotations,
                GoldAnswerJson = groundTruth,
                ImageSizes = sizes,
            };
        }
    }

    /// <summary>An array of Label Studio annotations or predictions converted; <paramref name="groundTruth"/>
    /// gets the first annotation marked <c>ground_truth</c> (the task's reference answer).</summary>
    private static (IReadOnlyList<ImportedResult>, ImportError?) Convert(
        JsonElement root, string field, SchemaView? schema, JsonElement data, ImportOptions options, int line, ref string? groundTruth)
    {
        if (!root.TryGetProperty(field, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return (ImportRow.NoResults, null);
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            return ([], ImportError.Of(line, field, field + " must be an array", ImportErrorCodes.ResultsNotList));
        }

        if (list.GetArrayLength() == 0)
        {
            return (ImportRow.NoResults, null);
        }

        if (schema is null)
        {
            return ([], ImportError.Of(line, field, "a label schema is needed to convert Label Studio results", ImportErrorCodes.NeedsSchema));
        }

        var results = new List<ImportedResult>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("result", out var result))
            {
                return ([], ImportError.Of(line, field, $"{field}[{i}] must be an object with a result array", ImportErrorCodes.ResultInvalid, ("item", i + 1)));
            }

            if (item.TryGetProperty("was_cancelled", out var cancelled) && cancelled.ValueKind == JsonValueKind.True)
            {
                i++;
                continue;
            }

            var conversion = LabelStudioResults.ToNative(result, schema, data, options.Media);
            if (!conversion.Ok)
            {
                // Named down to the result item at fault: annotations[0].result[2].
                var at = conversion.FirstBadItem is { } bad ? $"{field}[{i}].result[{bad}]" : $"{field}[{i}]";
                var where = new Dictionary<string, object?>(conversion.FirstArgs ?? new Dictionary<string, object?>())
                {
                    ["part"] = field,
                    ["partItem"] = i + 1,
                };
                if (conversion.FirstBadItem is { } badItem)
                {
                    where["result"] = badItem + 1;
                }

                return ([], new ImportError(line, at, $"{field}[{i}]: {string.Join("; ", conversion.Errors)}",
                    conversion.FirstCode ?? ImportErrorCodes.LabelStudioValueInvalid, where));
            }

            results.Add(new ImportedResult(conversion.Json, AuthorOf(item, field), ScoreOf(item))
            {
                CreatedAt = CreatedAtOf(item),
                LeadTimeSeconds = item.TryGetProperty("lead_time", out var lead) && lead.ValueKind == JsonValueKind.Number
                    && lead.GetDouble() is var seconds && double.IsFinite(seconds) && seconds >= 0 ? seconds : null,
            });
            if (field != "predictions" && item.TryGetProperty("ground_truth", out var truth) && truth.ValueKind == JsonValueKind.True)
            {
                groundTruth ??= conversion.Json;
            }

            i++;
        }

        return (results, null);
    }

    private static string? AuthorOf(JsonElement item, string field)
    {
        if (field == "predictions")
        {
            return item.TryGetProperty("model_version", out var mv) && mv.ValueKind == JsonValueKind.String ? mv.GetString() : null;
        }

        if (item.TryGetProperty("created_username", out var user) && user.ValueKind == JsonValueKind.String)
        {
            return user.GetString();
        }

        if (item.TryGetProperty("completed_by", out var by))
        {
            return by.ValueKind switch
            {
                JsonValueKind.Number => by.GetRawText(),
                JsonValueKind.String => by.GetString(),
                JsonValueKind.Object when by.TryGetProperty("email", out var email) => email.GetString(),
                _ => null,
            };
        }

        return null;
    }

    /// <summary>The sizes the task's result items give its images, by the image field's data value.</summary>
    private static IReadOnlyDictionary<string, (int Width, int Height)> ImageSizes(JsonElement root, SchemaView schema, JsonElement data)
    {
        Dictionary<string, (int, int)>? sizes = null;
        foreach (var field in (ReadOnlySpan<string>)["annotations", "completions", "predictions"])
        {
            if (!root.TryGetProperty(field, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var entry in list.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var item in result.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("original_width", out var ow) && ow.TryGetDouble(out var w) && w >= 1 && w <= int.MaxValue
                        && item.TryGetProperty("original_height", out var oh) && oh.TryGetDouble(out var h) && h >= 1 && h <= int.MaxValue
                        && LabelStudioResults.Str(item, "from_name") is { } name && schema.Find(name) is { Field: { } imageField }
                        && LabelStudioResults.FieldString(data, imageField) is { } reference)
                    {
                        (sizes ??= new(StringComparer.Ordinal)).TryAdd(reference, ((int)Math.Round(w), (int)Math.Round(h)));
                    }
                }
            }
        }

        return sizes ?? ImportRow.NoSizes;
    }

    private static DateTimeOffset? CreatedAtOf(JsonElement item) =>
        item.TryGetProperty("created_at", out var at) && at.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(at.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when)
            ? when
            : null;

    private static double? ScoreOf(JsonElement item) =>
        item.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number && double.IsFinite(s.GetDouble()) ? s.GetDouble() : null;
}

using System.Globalization;
using System.Text.Json.Nodes;
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

            var imported = new ImportedResult(conversion.Json, AuthorOf(item, field), ScoreOf(item));
            if (field == "predictions")
            {
                if (imported.Score is null && item.TryGetProperty("score", out var score) && score.ValueKind != JsonValueKind.Null)
                {
                    return ([], ImportError.Of(line, $"{field}[{i}].score", $"{field}[{i}].score must be a finite number", ImportErrorCodes.ScoreInvalid,
                        ("item", i + 1), ("part", field), ("partItem", i + 1)));
                }
            }
            else
            {
                var (withFields, fieldError) = AnnotationFields(item, imported, field, i, line);
                if (fieldError is not null)
                {
                    return ([], fieldError);
                }

                imported = withFields;
                if (imported.GroundTruth)
                {
                    groundTruth ??= conversion.Json;
                }
            }

            results.Add(imported);
            i++;
        }

        return (results, null);
    }

    /// <summary>The most a kept <c>completed_by</c> may take, in characters of JSON: a user object is a few fields.</summary>
    internal const int MaxSourceBytes = 4096;

    /// <summary>
    /// An annotation's own fields besides its result: times, lead time, ground truth, review and the file's
    /// attribution (kept as it came, see <see cref="ImportedResult.SourceJson"/>). A field present with a value
    /// of the wrong kind is an error naming it (<c>annotations[0].updated_at</c>); null counts as absent.
    /// </summary>
    private static (ImportedResult, ImportError?) AnnotationFields(JsonElement item, ImportedResult result, string field, int i, int line)
    {
        var at = $"{field}[{i}]";
        ImportError Bad(string key, string must) =>
            new(line, $"{at}.{key}", $"{at}.{key} must be {must}", ImportErrorCodes.LabelStudioAnnotationFieldInvalid,
                new Dictionary<string, object?> { ["field"] = key, ["part"] = field, ["partItem"] = i + 1 });
        static bool Given(JsonElement item, string key, out JsonElement value) =>
            item.TryGetProperty(key, out value) && value.ValueKind != JsonValueKind.Null;

        JsonObject? source = null;
        if (Given(item, "completed_by", out var by))
        {
            var ok = by.ValueKind switch
            {
                JsonValueKind.Number => by.TryGetInt64(out _),
                JsonValueKind.String => true,
                JsonValueKind.Object => !by.TryGetProperty("email", out var email) || email.ValueKind is JsonValueKind.String or JsonValueKind.Null,
                _ => false,
            };
            if (!ok || by.GetRawText().Length > MaxSourceBytes)
            {
                return (result, Bad("completed_by", $"a user id (an integer) or a user object whose email is a string, of at most {MaxSourceBytes} characters"));
            }

            (source ??= [])["completed_by"] = JsonNode.Parse(by.GetRawText());
        }

        foreach (var key in (ReadOnlySpan<string>)["created_username", "last_action"])
        {
            if (Given(item, key, out var text))
            {
                if (text.ValueKind != JsonValueKind.String || text.GetString()!.Length > ResultIds.MaxLength)
                {
                    return (result, Bad(key, $"a string of at most {ResultIds.MaxLength} characters"));
                }

                (source ??= [])[key] = text.GetString();
            }
        }

        DateTimeOffset? created = null, updated = null;
        foreach (var key in (ReadOnlySpan<string>)["created_at", "updated_at"])
        {
            if (Given(item, key, out var when))
            {
                if (when.ValueKind != JsonValueKind.String
                    || !DateTimeOffset.TryParse(when.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    return (result, Bad(key, "a date and time such as 2024-11-02T02:00:00.125Z"));
                }

                (key == "created_at" ? ref created : ref updated) = parsed;
            }
        }

        double? lead = null;
        if (Given(item, "lead_time", out var leadTime))
        {
            if (leadTime.ValueKind != JsonValueKind.Number)
            {
                return (result, Bad("lead_time", "a number of seconds"));
            }

            // A negative time (a clock that went back) is no time, as before: files with one exist and import.
            var seconds = leadTime.GetDouble();
            lead = seconds >= 0 && double.IsFinite(seconds) ? seconds : null;
        }

        var truth = false;
        if (Given(item, "ground_truth", out var groundTruth))
        {
            if (groundTruth.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (result, Bad("ground_truth", "true or false"));
            }

            truth = groundTruth.ValueKind == JsonValueKind.True;
        }

        var (review, reviewError) = ReviewOf(item);
        if (reviewError is not null)
        {
            return (result, Bad("reviews", reviewError));
        }

        return (result with
        {
            Author = AnnotatorOf(item),
            CreatedAt = created,
            UpdatedAt = updated,
            LeadTimeSeconds = lead,
            GroundTruth = truth,
            Review = review,
            SourceJson = source?.ToJsonString(JsonBytes.SerializerOptions),
        }, null);
    }

    /// <summary>
    /// The review outcome: Label Studio's <c>last_action</c> when it is a review's (accepted, rejected,
    /// fixed_and_accepted), else the last of Label Studio Enterprise's <c>reviews</c> (<c>accepted</c>: true or false).
    /// </summary>
    private static (string? Review, string? Error) ReviewOf(JsonElement item)
    {
        if (LabelStudioResults.Str(item, "last_action") is { } action)
        {
            var review = action switch { "accepted" => "accepted", "rejected" => "rejected", "fixed_and_accepted" => "fixed", _ => null };
            if (review is not null)
            {
                return (review, null);
            }
        }

        if (!item.TryGetProperty("reviews", out var reviews) || reviews.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        const string Shape = "a list of reviews, each an object whose accepted is true or false";
        if (reviews.ValueKind != JsonValueKind.Array)
        {
            return (null, Shape);
        }

        string? last = null;
        foreach (var r in reviews.EnumerateArray())
        {
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("accepted", out var accepted) || accepted.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return (null, Shape);
            }

            last = accepted.ValueKind == JsonValueKind.True ? "accepted" : "rejected";
        }

        return (last, null);
    }

    private static string? AuthorOf(JsonElement item, string field) =>
        field == "predictions"
            ? item.TryGetProperty("model_version", out var mv) && mv.ValueKind == JsonValueKind.String ? mv.GetString() : null
            : AnnotatorOf(item);

    /// <summary>Who the file says made the annotation, an email first (the server matches members by it): a user
    /// object's email, then created_username ("email, id"), then completed_by as it is.</summary>
    private static string? AnnotatorOf(JsonElement item)
    {
        item.TryGetProperty("completed_by", out var by);
        if (by.ValueKind == JsonValueKind.Object && LabelStudioResults.Str(by, "email") is { } email)
        {
            return email;
        }

        if (LabelStudioResults.Str(item, "created_username") is { } user)
        {
            return user;
        }

        return by.ValueKind switch
        {
            JsonValueKind.Number => by.GetRawText(),
            JsonValueKind.String => by.GetString(),
            _ => null,
        };
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

    private static double? ScoreOf(JsonElement item) =>
        item.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number && double.IsFinite(s.GetDouble()) ? s.GetDouble() : null;
}

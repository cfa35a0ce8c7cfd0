namespace Yunzhong.Core.Formats;

/// <summary>
/// A JSON array in Label Studio's export shape: <c>{id, data, meta: {key, state}, annotations:
/// [{id, completed_by?, created_username, result, created_at, updated_at, lead_time?, was_cancelled, ground_truth,
/// last_action?}], predictions: [{model_version, score?, result}]}</c>. Rejected annotations are written too, as
/// Label Studio's own export has them.
/// Results go through <see cref="LabelStudioResults.FromNative(JsonElement, JsonElement, JsonElement, Func{string, MediaInfo?}?)"/>;
/// items that cannot be converted are left out and reported in <see cref="ExportWriter.Problems"/>.
/// </summary>
internal sealed class LabelStudioExportWriter(Stream output, SchemaView schema, ExportOptions options)
    : ExportWriter(output, options)
{
    private bool _started;

    public override ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        using var data = TryParse(task.DataJson, task.Id, null);
        if (data is null)
        {
            return ValueTask.CompletedTask;
        }

        WriteRaw(_started ? ",\n"u8 : "[\n"u8);
        _started = true;
        Func<string, MediaInfo?>? media = task.Media is { } m ? reference => m.GetValueOrDefault(reference) : null;
        var json = Json;
        json.Reset(Buffer);
        json.WriteStartObject();
        json.WriteNumber("id"u8, task.Id);
        json.WritePropertyName("data"u8);
        json.WriteRawValue(task.DataJson, skipInputValidation: true);
        json.WriteStartObject("meta"u8);
        if (task.Key is not null)
        {
            json.WriteString("key"u8, task.Key);
        }

        json.WriteString("state"u8, task.State);
        json.WriteEndObject();
        json.WriteStartArray("annotations"u8);
        // Label Studio keeps a rejected annotation beside the others, marked by its last action: so does its export.
        foreach (var a in Options.IncludeHistory ? task.Annotations : task.Annotations.Where(a => a.IsFinal || a.Review == "rejected"))
        {
            using var result = TryParse(a.ResultJson, task.Id, a.Id);
            var converted = result is null
                ? new ResultConversion("[]", [])
                : LabelStudioResults.FromNative(result.RootElement, schema, data.RootElement, media);
            foreach (var error in converted.Errors)
            {
                AddProblem(task.Id, a.Id, error);
            }

            // An imported annotation goes back out under the attribution its file gave it (completed_by is
            // the other tool's user id or user object), whoever it is attributed to here.
            using var source = a.SourceJson is null ? null : TryParse(a.SourceJson, task.Id, a.Id);
            var given = source?.RootElement ?? default;
            json.WriteStartObject();
            json.WriteNumber("id"u8, a.Id);
            if (given.ValueKind == JsonValueKind.Object && given.TryGetProperty("completed_by"u8, out var by))
            {
                json.WritePropertyName("completed_by"u8);
                by.WriteTo(json);
            }

            json.WriteString("created_username"u8, LabelStudioResults.Str(given, "created_username") ?? a.Annotator);
            json.WritePropertyName("result"u8);
            json.WriteRawValue(converted.Json, skipInputValidation: true);
            json.WriteString("created_at"u8, a.CreatedAt.UtcDateTime);
            json.WriteString("updated_at"u8, (a.UpdatedAt ?? a.CreatedAt).UtcDateTime);
            if (a.LeadTimeSeconds is { } lead)
            {
                json.WriteNumber("lead_time"u8, lead);
            }

            json.WriteBoolean("was_cancelled"u8, false);
            json.WriteBoolean("ground_truth"u8, a.GroundTruth);
            if (LastAction(a.ReviewerFix ? "fixed" : a.Review, LabelStudioResults.Str(given, "last_action")) is { } action)
            {
                json.WriteString("last_action"u8, action);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("predictions"u8);
        foreach (var p in task.Predictions ?? [])
        {
            using var result = TryParse(p.ResultJson, task.Id, null);
            if (result is null)
            {
                continue;
            }
            var converted = LabelStudioResults.FromNative(result.RootElement, schema, data.RootElement, media);
            foreach (var error in converted.Errors)
            {
                AddProblem(task.Id, null, $"prediction of {p.Model}: {error}");
            }

            json.WriteStartObject();
            json.WriteString("model_version"u8, p.Model);
            if (p.Score is { } score)
            {
                json.WriteNumber("score"u8, score);
            }

            json.WritePropertyName("result"u8);
            json.WriteRawValue(converted.Json, skipInputValidation: true);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        return FlushIfFullAsync(ct);
    }

    /// <summary>
    /// Label Studio's <c>last_action</c>: the review outcome here (a reviewer's fix here is
    /// <c>fixed_and_accepted</c>; a fix there is accepted here and keeps its spelling), else what the imported
    /// file said, unless that was a review outcome which no longer holds.
    /// </summary>
    private static string? LastAction(string? review, string? given) => review switch
    {
        "fixed" => "fixed_and_accepted",
        "accepted" => given is "accepted" or "fixed_and_accepted" ? given : "accepted",
        "rejected" => "rejected",
        _ => given is "accepted" or "rejected" or "fixed_and_accepted" ? null : given,
    };

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        WriteRaw(_started ? "\n]\n"u8 : "[]\n"u8);
        await FlushAsync(ct).ConfigureAwait(false);
        await Output.FlushAsync(ct).ConfigureAwait(false);
    }
}

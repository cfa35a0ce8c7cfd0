namespace Yunzhong.Core.Formats;

/// <summary>
/// A JSON array in Label Studio's export shape: <c>{id, data, meta: {key, state}, annotations:
/// [{id, created_username, result, created_at, lead_time, was_cancelled}], predictions:
/// [{model_version, score?, result}]}</c>.
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
        foreach (var a in Selected(task))
        {
            using var result = TryParse(a.ResultJson, task.Id, a.Id);
            var converted = result is null
                ? new ResultConversion("[]", [])
                : LabelStudioResults.FromNative(result.RootElement, schema, data.RootElement, media);
            foreach (var error in converted.Errors)
            {
                AddProblem(task.Id, a.Id, error);
            }

            json.WriteStartObject();
            json.WriteNumber("id"u8, a.Id);
            json.WriteString("created_username"u8, a.Annotator);
            json.WritePropertyName("result"u8);
            json.WriteRawValue(converted.Json, skipInputValidation: true);
            json.WriteString("created_at"u8, a.CreatedAt.UtcDateTime);
            if (a.LeadTimeSeconds is { } lead)
            {
                json.WriteNumber("lead_time"u8, lead);
            }

            json.WriteBoolean("was_cancelled"u8, false);
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

    public override async ValueTask CompleteAsync(CancellationToken ct)
    {
        WriteRaw(_started ? "\n]\n"u8 : "[]\n"u8);
        await FlushAsync(ct).ConfigureAwait(false);
        await Output.FlushAsync(ct).ConfigureAwait(false);
    }
}

namespace Yunzhong.Core.Formats;

/// <summary>
/// Native JSON lines: <c>{id, key, data, state, annotations: [{id, annotator, result, created_at,
/// lead_time, version, review, final}], predictions?: [{model, result, score}], consensus?}</c> per
/// line. Data and results are copied in as they are; <c>predictions</c> and <c>consensus</c> appear
/// only when the task has them. The line imports back as it is (predictions included).
/// </summary>
internal sealed class JsonlExportWriter(Stream output, ExportOptions options) : ExportWriter(output, options)
{
    public override ValueTask WriteTaskAsync(ExportTask task, CancellationToken ct)
    {
        var json = Json;
        json.Reset(Buffer);
        json.WriteStartObject();
        json.WriteNumber("id"u8, task.Id);
        if (task.Key is null)
        {
            json.WriteNull("key"u8);
        }
        else
        {
            json.WriteString("key"u8, task.Key);
        }

        json.WritePropertyName("data"u8);
        json.WriteRawValue(task.DataJson, skipInputValidation: true);
        json.WriteString("state"u8, task.State);
        json.WriteStartArray("annotations"u8);
        foreach (var a in Selected(task))
        {
            json.WriteStartObject();
            json.WriteNumber("id"u8, a.Id);
            json.WriteString("annotator"u8, a.Annotator);
            json.WritePropertyName("result"u8);
            json.WriteRawValue(a.ResultJson, skipInputValidation: true);
            json.WriteString("created_at"u8, a.CreatedAt.UtcDateTime);
            if (a.LeadTimeSeconds is { } lead)
            {
                json.WriteNumber("lead_time"u8, lead);
            }
            else
            {
                json.WriteNull("lead_time"u8);
            }

            json.WriteNumber("version"u8, a.Version);
            if (a.Review is null)
            {
                json.WriteNull("review"u8);
            }
            else
            {
                json.WriteString("review"u8, a.Review);
            }

            json.WriteBoolean("final"u8, a.IsFinal);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (task.Predictions is { Count: > 0 } predictions)
        {
            json.WriteStartArray("predictions"u8);
            foreach (var p in predictions)
            {
                json.WriteStartObject();
                json.WriteString("model"u8, p.Model);
                json.WritePropertyName("result"u8);
                json.WriteRawValue(p.ResultJson, skipInputValidation: true);
                if (p.Score is { } score)
                {
                    json.WriteNumber("score"u8, score);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (task.ConsensusJson is not null)
        {
            json.WritePropertyName("consensus"u8);
            json.WriteRawValue(task.ConsensusJson, skipInputValidation: true);
        }

        json.WriteEndObject();
        WriteRaw("\n"u8);
        return FlushIfFullAsync(ct);
    }

    public override ValueTask CompleteAsync(CancellationToken ct) => FlushAndFlushStreamAsync(ct);

    private async ValueTask FlushAndFlushStreamAsync(CancellationToken ct)
    {
        await FlushAsync(ct).ConfigureAwait(false);
        await Output.FlushAsync(ct).ConfigureAwait(false);
    }
}

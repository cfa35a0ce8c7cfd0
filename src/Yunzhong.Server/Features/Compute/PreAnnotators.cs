using System.Text.Json.Nodes;

namespace Yunzhong.Server.Features.Compute;

/// <summary>Where in a project a model's predictions go: the field it reads, the control it fills, the label it gives.</summary>
/// <param name="Field">The task data field holding the media.</param>
/// <param name="Control">The control the model's regions go into.</param>
/// <param name="Label">The label each region gets (one named like the model's output, else the control's first); null when the control has none.</param>
/// <param name="Transcription">OCR: a whole-task transcription control on the same field that gets the text read, one box per line;
/// null when <paramref name="BoxText"/> is set.</param>
/// <param name="BoxText">OCR: a per-region transcription attribute of <paramref name="Control"/> that gets each box's own text
/// (<c>{"ocr1": "EXIT"}</c>); taken before a whole-task transcription.</param>
public sealed record ModelTarget(string Field, string Control, string? Label, string? Transcription, string? BoxText = null)
{
    /// <summary>The target of <paramref name="spec"/> in <paramref name="schema"/>, or why there is none.</summary>
    public static (ModelTarget? Target, string? Refusal) Find(ModelSpec spec, LabelSchema schema)
    {
        foreach (var field in schema.Fields.Where(f => f.Type == spec.InputField))
        {
            var control = schema.Controls.FirstOrDefault(c => c.Type == spec.OutputControl && c.Field == field.Name);
            if (control is null)
            {
                continue;
            }
            var wanted = spec.Task == ModelTask.SpeechSegments ? "speech" : "text";
            var label = control.Labels.FirstOrDefault(l => string.Equals(l.Value, wanted, StringComparison.OrdinalIgnoreCase))?.Value
                ?? (control.Labels.Count > 0 ? control.Labels[0].Value : null);
            if (spec.Task != ModelTask.TextInImages)
            {
                return (new(field.Name, control.Name, label, null), null);
            }
            var boxText = schema.Controls.FirstOrDefault(c => c.Type == ControlType.Transcription && c.PerRegion is { } owners && owners.Contains(control.Name))?.Name;
            var transcription = boxText is null
                ? schema.Controls.FirstOrDefault(c => c.Type == ControlType.Transcription && c.Field == field.Name && c.PerSegment is null && c.PerRegion is null)?.Name
                : null;
            return (new(field.Name, control.Name, label, transcription, boxText), null);
        }
        return (null, $"Model {spec.Tag} reads a field of type {Wire.Name(spec.InputField)} labelled by a {Wire.Name(spec.OutputControl)} control; "
            + "this project's schema has no such pair.");
    }
}

/// <summary>One model's prediction for one task: the result object and its score.</summary>
public sealed record PredictionResult(JsonObject Result, double? Score);

/// <summary>A loaded model that turns one media file into a prediction. Two implementations: speech segments and text in images.</summary>
public interface IPreAnnotator : IDisposable
{
    ModelSpec Spec { get; }

    /// <summary>The prediction for <paramref name="media"/>; throws <see cref="Core.Compute.AudioFormatException"/> or
    /// <see cref="InvalidDataException"/> for a file the model cannot read.</summary>
    PredictionResult Predict(ReadOnlySpan<byte> media, ModelTarget target);
}

/// <summary>Loads the pre-annotator of a registered model.</summary>
public static class PreAnnotators
{
    public static IPreAnnotator Load(ModelSpec spec, OnnxHost host) => spec.Task switch
    {
        ModelTask.SpeechSegments => new SileroVad(spec, host),
        ModelTask.TextInImages => new PaddleOcr(spec, host),
        _ => throw new ModelFileException($"No runner for {spec.Tag}."),
    };
}

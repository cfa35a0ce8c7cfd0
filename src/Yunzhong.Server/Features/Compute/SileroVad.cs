using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Yunzhong.Core.Compute;

namespace Yunzhong.Server.Features.Compute;

/// <summary>
/// Silero VAD v5 over 16 kHz mono: 512-sample frames (32 ms), each given with the 64 samples before
/// it as the model's own wrapper does, its recurrent state carried from frame to frame; the
/// probabilities become segments by <see cref="VadSegments"/>.
/// </summary>
public sealed class SileroVad : IPreAnnotator
{
    public const int Rate = 16000;
    public const int Frame = 512;
    private const int Context = 64;
    private readonly InferenceSession _session;

    public SileroVad(ModelSpec spec, OnnxHost host)
    {
        Spec = spec;
        _session = host.Open(host.Verified(spec.Files[0]), spec.Inputs[0]);
    }

    public ModelSpec Spec { get; }

    public PredictionResult Predict(ReadOnlySpan<byte> media, ModelTarget target)
    {
        var samples = WavAudio.Decode(media, Rate);
        var probabilities = Probabilities(samples);
        var segments = VadSegments.From(probabilities, (double)Frame / Rate, (double)samples.Length / Rate);
        var list = new JsonArray();
        var i = 0;
        foreach (var s in segments)
        {
            var region = new JsonObject { ["id"] = $"vad{++i}", ["start"] = s.Start, ["end"] = s.End };
            if (target.Label is not null)
            {
                region["label"] = target.Label;
            }
            list.Add(region);
        }
        return new(new JsonObject { [target.Control] = list }, segments.Count > 0 ? Math.Round(segments.Average(s => s.Score), 4) : null);
    }

    /// <summary>The speech probability of each 32 ms frame of <paramref name="samples"/> (16 kHz).</summary>
    public float[] Probabilities(ReadOnlySpan<float> samples)
    {
        var frames = (samples.Length + Frame - 1) / Frame;
        var output = new float[frames];
        var input = new DenseTensor<float>([1, Context + Frame]);
        var state = new DenseTensor<float>([2, 1, 128]);
        var sr = new DenseTensor<long>(new long[] { Rate }, []);
        var buffer = input.Buffer.Span;
        for (var f = 0; f < frames; f++)
        {
            // Context: the last 64 samples of the previous frame (zeros before the first).
            buffer[Frame..].CopyTo(buffer);
            var from = f * Frame;
            var n = Math.Min(Frame, samples.Length - from);
            samples.Slice(from, n).CopyTo(buffer[Context..]);
            buffer[(Context + n)..].Clear();
            using var results = _session.Run(
            [
                NamedOnnxValue.CreateFromTensor("input", input),
                NamedOnnxValue.CreateFromTensor("state", state),
                NamedOnnxValue.CreateFromTensor("sr", sr),
            ]);
            output[f] = results[0].AsTensor<float>().GetValue(0);
            var next = results[1].AsTensor<float>();
            for (var k = 0; k < 256; k++)
            {
                state.SetValue(k, next.GetValue(k));
            }
        }
        return output;
    }

    public void Dispose() => _session.Dispose();
}

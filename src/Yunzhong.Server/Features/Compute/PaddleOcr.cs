using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;
using Yunzhong.Core.Compute;

namespace Yunzhong.Server.Features.Compute;

/// <summary>
/// PaddleOCR PP-OCRv4: the detector marks text regions on the image scaled to at most 960 px a side
/// (multiples of 32), <see cref="OcrDecode.Boxes"/> turns its map into boxes, and the recogniser reads
/// each box scaled to 48 px high, decoded by CTC over the model's 6,623-character dictionary (plus space).
/// Pixels go in as PaddleOCR's own pipeline feeds them: BGR order, detector normalised with the
/// ImageNet mean and deviation, recogniser to −1…1.
/// </summary>
public sealed class PaddleOcr : IPreAnnotator
{
    private const int MaxSide = 960;
    private const int LineHeight = 48;
    private const int MaxBoxes = 200;
    private static readonly float[] _mean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] _std = [0.229f, 0.224f, 0.225f];
    private readonly InferenceSession _detector;
    private readonly InferenceSession _recogniser;
    private readonly string[] _alphabet;

    public PaddleOcr(ModelSpec spec, OnnxHost host)
    {
        Spec = spec;
        _alphabet = [.. File.ReadAllText(host.Verified(spec.Files[2])).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n'), " "];
        _detector = host.Open(host.Verified(spec.Files[0]), spec.Inputs[0]);
        try
        {
            _recogniser = host.Open(host.Verified(spec.Files[1]), spec.Inputs[1]);
        }
        catch
        {
            _detector.Dispose();
            throw;
        }
    }

    public ModelSpec Spec { get; }

    public PredictionResult Predict(ReadOnlySpan<byte> media, ModelTarget target)
    {
        using var image = SKBitmap.Decode(media) ?? throw new InvalidDataException("The file is not an image SkiaSharp can decode (PNG, JPEG, WebP, GIF, BMP).");
        var lines = Read(image);
        var boxes = new JsonArray();
        var texts = new JsonObject();
        var i = 0;
        foreach (var (box, text, _) in lines)
        {
            var id = $"ocr{++i}";
            texts[id] = text;
            var region = new JsonObject { ["id"] = id, ["x"] = box.X, ["y"] = box.Y, ["width"] = box.Width, ["height"] = box.Height, ["rotation"] = 0 };
            if (target.Label is not null)
            {
                region["label"] = target.Label;
            }
            boxes.Add(region);
        }
        var result = new JsonObject { [target.Control] = boxes };
        if (target.BoxText is not null)
        {
            result[target.BoxText] = texts;
        }
        else if (target.Transcription is not null)
        {
            result[target.Transcription] = string.Join('\n', lines.Select(l => l.Text));
        }
        return new(result, lines.Count > 0 ? Math.Round(lines.Average(l => l.Score), 4) : null);
    }

    /// <summary>The text boxes of <paramref name="image"/> in reading order, each with its text and the recogniser's score.</summary>
    public List<(TextBox Box, string Text, double Score)> Read(SKBitmap image)
    {
        var scale = Math.Min(1.0, (double)MaxSide / Math.Max(image.Width, image.Height));
        var w = Math.Max(32, (int)Math.Round(image.Width * scale / 32) * 32);
        var h = Math.Max(32, (int)Math.Round(image.Height * scale / 32) * 32);
        var input = new DenseTensor<float>([1, 3, h, w]);
        using (var scaled = image.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear)))
        {
            Fill(scaled, input, 0, w, (v, c) => (v / 255f - _mean[c]) / _std[c]);
        }
        float[] map;
        using (var det = _detector.Run([NamedOnnxValue.CreateFromTensor("x", input)]))
        {
            map = det[0].AsTensor<float>().ToArray();
        }
        var boxes = OcrDecode.Boxes(map, w, h, (double)image.Width / w, (double)image.Height / h, image.Width, image.Height);
        var lines = new List<(TextBox, string, double)>();
        foreach (var box in boxes.Take(MaxBoxes))
        {
            var (text, score) = Recognise(image, box);
            if (text.Trim().Length > 0)
            {
                lines.Add((box, text.Trim(), score));
            }
        }
        return lines;
    }

    private (string Text, double Score) Recognise(SKBitmap image, TextBox box)
    {
        var width = Math.Clamp((int)Math.Ceiling(LineHeight * (double)box.Width / box.Height), 16, 1600);
        var input = new DenseTensor<float>([1, 3, LineHeight, width]);
        using (var crop = new SKBitmap(box.Width, box.Height, SKColorType.Rgba8888, SKAlphaType.Premul))
        {
            image.ExtractSubset(crop, new SKRectI(box.X, box.Y, box.X + box.Width, box.Y + box.Height));
            using var line = crop.Resize(new SKImageInfo(width, LineHeight, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear));
            Fill(line, input, 0, width, (v, _) => (v / 255f - 0.5f) / 0.5f);
        }
        using var rec = _recogniser.Run([NamedOnnxValue.CreateFromTensor("x", input)]);
        var output = rec[0].AsTensor<float>();
        var probabilities = output.ToArray();
        return OcrDecode.Ctc(probabilities, output.Dimensions[1], output.Dimensions[2], _alphabet);
    }

    /// <summary>Writes <paramref name="bitmap"/>'s pixels into <paramref name="tensor"/> (1×3×H×W) in BGR order through <paramref name="normalise"/>.</summary>
    private static void Fill(SKBitmap bitmap, DenseTensor<float> tensor, int x0, int width, Func<float, int, float> normalise)
    {
        var h = bitmap.Height;
        var plane = h * width;
        var span = tensor.Buffer.Span;
        var pixels = bitmap.Pixels;
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < Math.Min(width, bitmap.Width); x++)
            {
                var p = pixels[y * bitmap.Width + x];
                var at = y * width + x + x0;
                span[at] = normalise(p.Blue, 0);
                span[plane + at] = normalise(p.Green, 1);
                span[2 * plane + at] = normalise(p.Red, 2);
            }
        }
    }

    public void Dispose()
    {
        _detector.Dispose();
        _recogniser.Dispose();
    }
}

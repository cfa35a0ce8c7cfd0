using Microsoft.Extensions.Logging.Abstractions;
using Yunzhong.Core.Compute;
using Yunzhong.Server.Features.Compute;

namespace Yunzhong.Server.Tests.Compute;

/// <summary>
/// The shipped models on real inputs, in-process: Silero VAD on a LibriVox reading of the demo,
/// PaddleOCR on an image with three lines of text rendered into it (Compute/Data/ocr-text.png,
/// drawn with DejaVu Sans and Noto Sans CJK); and the refusals of files that are not what the
/// registry says.
/// </summary>
public sealed class ModelRunTests
{
    internal static OnnxHost Host(ProviderChoice provider = ProviderChoice.Cpu, string? dir = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new ComputeOptions { Provider = provider, ModelsDir = dir }), NullLogger<OnnxHost>.Instance);

    internal static byte[] OcrImage() => File.ReadAllBytes(Path.Combine(
        ServerFixture.RepoFolder(Path.Combine("tests", "Yunzhong.Server.Tests", "Compute", "Data")), "ocr-text.png"));

    private static readonly ModelTarget _speech = new("audio", "turns", "speech", null);

    [Fact]
    public void VadFindsTheSpeechOfARealReading()
    {
        using var vad = new SileroVad(ModelCatalog.SileroVad, Host());
        var wav = Api.DemoFile("speech/media/librivox-0880.wav");
        var seconds = WavAudio.Decode(wav).Length / 16000.0;
        var result = vad.Predict(wav, _speech);
        var segments = result.Result["turns"]!.AsArray();
        Assert.NotEmpty(segments);
        var covered = segments.Sum(s => (double)s!["end"]! - (double)s!["start"]!);
        // A read sentence: mostly speech, not all of it (pauses and the edges are silence).
        Assert.InRange(covered / seconds, 0.5, 0.99);
        Assert.All(segments, s => Assert.Equal("speech", (string)s!["label"]!));
        Assert.InRange(result.Score!.Value, 0.5, 1);
    }

    [Fact]
    public void VadFindsNoSpeechInSilenceAndRefusesWhatIsNotAudio()
    {
        using var vad = new SileroVad(ModelCatalog.SileroVad, Host());
        var silence = WavAudio.Pcm16(new float[16000 * 2], 16000);
        Assert.Empty(vad.Predict(silence, _speech).Result["turns"]!.AsArray());
        var e = Assert.Throws<AudioFormatException>(() => vad.Predict(OcrImage(), _speech));
        Assert.Contains("not WAV audio", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OcrReadsTheLinesOfARenderedImageInOrder()
    {
        using var ocr = new PaddleOcr(ModelCatalog.PaddleOcr, Host());
        var result = ocr.Predict(OcrImage(), new ModelTarget("image", "boxes", "text", "transcript"));
        var boxes = result.Result["boxes"]!.AsArray();
        Assert.Equal(3, boxes.Count);
        var lines = ((string)result.Result["transcript"]!).Split('\n');
        Assert.Equal(["YUNZHONG 2026", "云中数据标注", "Hello OCR 123"], lines);
        // Boxes in pixels of the 480 × 200 image, top to bottom, each around its line.
        var ys = boxes.Select(b => (int)b!["y"]!).ToList();
        Assert.Equal(ys.Order(), ys);
        Assert.InRange((int)boxes[1]!["y"]!, 70, 100);
        Assert.All(boxes, b => Assert.InRange((int)b!["x"]!, 15, 40));
    }

    [Fact]
    public void AFileThatIsNotOnnxOrHasAnotherChecksumOrInputIsRefusedByName()
    {
        var dir = Directory.CreateTempSubdirectory("yz-models-");
        try
        {
            var host = Host(dir: dir.FullName);
            File.WriteAllText(Path.Combine(dir.FullName, "silero_vad_v5.onnx"), "not a model");
            var sum = Assert.Throws<ModelFileException>(() => new SileroVad(ModelCatalog.SileroVad, host));
            Assert.Contains("SHA-256", sum.Message, StringComparison.Ordinal);

            var garbage = Path.Combine(dir.FullName, "garbage.onnx");
            File.WriteAllText(garbage, "not a model");
            var notOnnx = Assert.Throws<ModelFileException>(() => host.Open(garbage, ModelCatalog.SileroVad.Inputs[0]));
            Assert.Contains("is not an ONNX model", notOnnx.Message, StringComparison.Ordinal);

            // The real VAD file declared as the OCR recogniser: its input is not the declared one.
            var vadFile = Host().Verified(ModelCatalog.SileroVad.Files[0]);
            var wrong = Assert.Throws<ModelFileException>(() => host.Open(vadFile, ModelCatalog.PaddleOcr.Inputs[1]));
            Assert.Contains("has no input 'x'", wrong.Message, StringComparison.Ordinal);
            Assert.Contains("missing", Assert.Throws<ModelFileException>(() => new PaddleOcr(ModelCatalog.PaddleOcr, host)).Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheStartUpChoiceTakesCudaWhenItLoadsAndTheCpuWithTheReasonWhenItFails()
    {
        var tried = 0;
        Action loads = () => tried++;
        Action missingLibrary = () => throw new DllNotFoundException("libonnxruntime_providers_cuda.so: cannot open shared object file\nmore lines");
        Action noEntryPoint = () => throw new EntryPointNotFoundException("OrtSessionOptionsAppendExecutionProvider_CUDA");

        // Cpu never tries CUDA, even where it would load.
        Assert.Equal(("cpu", (string?)null), OnnxHost.Choose(ProviderChoice.Cpu, loads));
        Assert.Equal(0, tried);
        // Auto and Cuda take CUDA when the provider appends (a GPU build on a GPU machine).
        Assert.Equal(("cuda", (string?)null), OnnxHost.Choose(ProviderChoice.Auto, loads));
        Assert.Equal(("cuda", (string?)null), OnnxHost.Choose(ProviderChoice.Cuda, loads));
        Assert.Equal(2, tried);
        // A CUDA provider that fails to load leaves the CPU, with the first line of why.
        foreach (var choice in new[] { ProviderChoice.Auto, ProviderChoice.Cuda })
        {
            var (provider, reason) = OnnxHost.Choose(choice, missingLibrary);
            Assert.Equal("cpu", provider);
            Assert.Equal("CUDA is not available (libonnxruntime_providers_cuda.so: cannot open shared object file).", reason);
            Assert.Equal(("cpu", "CUDA is not available (OrtSessionOptionsAppendExecutionProvider_CUDA)."), OnnxHost.Choose(choice, noEntryPoint));
        }
    }

    [Fact]
    public void AJobsThreadIsLoweredToTheLowestPriorityAndNoOtherThreadIs()
    {
        // Linux: a thread's nice value is field 19 of /proc/thread-self/stat, its scheduling policy field 41
        // (counted after the command's closing parenthesis, which ends field 2).
        static int Stat(int field) => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[field - 3],
            System.Globalization.CultureInfo.InvariantCulture);
        static int Nice() => Stat(19);
        static int Policy() => Stat(41);
        if (!OperatingSystem.IsLinux())
        {
            return; // elsewhere LowerCurrentThread does nothing, and there is no /proc to read
        }
        var before = Nice();
        var policyBefore = Policy();
        var (lowered, niceThere, policyThere) = (false, 0, 0);
        var thread = new Thread(() => (lowered, niceThere, policyThere) = (BackgroundPriority.LowerCurrentThread(), Nice(), Policy()));
        thread.Start();
        thread.Join();
        Assert.True(lowered);
        Assert.Equal(19, niceThere);
        Assert.Equal(5, policyThere); // SCHED_IDLE
        // The process and the calling thread keep their priority: requests are not slowed.
        Assert.Equal(before, Nice());
        Assert.NotEqual(19, before);
        Assert.Equal(0, policyBefore); // SCHED_OTHER
        Assert.Equal(policyBefore, Policy());
    }

    [Fact]
    public void CudaAskedForOnTheCpuBuildFallsBackToTheCpuWithTheReason()
    {
        var cpu = Host(ProviderChoice.Cpu);
        Assert.Equal("cpu", cpu.Provider);
        Assert.Null(cpu.FallbackReason);
        var cuda = Host(ProviderChoice.Cuda);
        // The CPU build of ONNX Runtime (the default package) has no CUDA provider; a GPU build on a GPU machine would say "cuda".
        if (cuda.Provider == "cpu")
        {
            Assert.Contains("CUDA", cuda.FallbackReason, StringComparison.Ordinal);
        }
        using var vad = new SileroVad(ModelCatalog.SileroVad, cuda);
        Assert.NotEmpty(vad.Probabilities(new float[16000]));
    }
}

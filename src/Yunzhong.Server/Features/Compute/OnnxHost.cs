using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Yunzhong.Server.Features.Compute;

/// <summary>Why a model cannot run: a missing or changed file, a file that is not ONNX, or one that does not take the declared input.</summary>
public sealed class ModelFileException(string message) : Exception(message);

/// <summary>
/// Makes ONNX Runtime sessions with the execution provider chosen once at start: CUDA when asked
/// for (or on auto) and it loads, else the CPU. The CPU build of ONNX Runtime has no CUDA provider,
/// so there CUDA fails to append and the CPU is used, with the reason kept for the models page.
/// </summary>
public sealed class OnnxHost
{
    private readonly ComputeOptions _options;

    public OnnxHost(IOptions<ComputeOptions> options, ILogger<OnnxHost> log)
    {
        _options = options.Value;
        (Provider, FallbackReason) = Choose(_options.Provider);
        if (FallbackReason is not null)
        {
            log.LogInformation("Models run on the CPU: {Reason}", FallbackReason);
        }
    }

    /// <summary>"cuda" or "cpu".</summary>
    public string Provider { get; }

    /// <summary>Why CUDA was not used, when it was asked for or could have been.</summary>
    public string? FallbackReason { get; }

    public string ModelsPath => _options.ModelsPath;

    /// <summary>
    /// The provider for <paramref name="choice"/>: the CPU when asked for (CUDA is then never tried),
    /// else CUDA when <paramref name="appendCuda"/> (by default: appending ONNX Runtime's CUDA provider
    /// to a session's options) succeeds, else the CPU with the first line of why it failed.
    /// </summary>
    internal static (string Provider, string? Reason) Choose(ProviderChoice choice, Action? appendCuda = null)
    {
        if (choice == ProviderChoice.Cpu)
        {
            return ("cpu", null);
        }
        try
        {
            (appendCuda ?? AppendCuda)();
            return ("cuda", null);
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return ("cpu", "CUDA is not available (" + e.Message.Split('\n')[0].Trim() + ").");
        }
    }

    private static void AppendCuda()
    {
        using var probe = new SessionOptions();
        probe.AppendExecutionProvider_CUDA(0);
    }

    /// <summary>Session options for one job: its threads, sequential execution, the chosen provider.</summary>
    public SessionOptions Options()
    {
        var o = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, _options.Threads),
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        // Threads that spin waiting for work would take the annotators' core between inferences.
        o.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (Provider == "cuda")
        {
            o.AppendExecutionProvider_CUDA(0);
        }
        return o;
    }

    /// <summary>The path of <paramref name="file"/>, checked against its declared checksum.</summary>
    public string Verified(ModelFile file)
    {
        var path = Path.Combine(ModelsPath, file.Name);
        if (!File.Exists(path))
        {
            throw new ModelFileException($"Model file {file.Name} is missing from {ModelsPath}; it is installed at build time (scripts/models.sh).");
        }
        using var s = File.OpenRead(path);
        var sum = Convert.ToHexStringLower(SHA256.HashData(s));
        if (sum != file.Sha256)
        {
            throw new ModelFileException($"Model file {file.Name} has SHA-256 {sum}, not the registered {file.Sha256}.");
        }
        return path;
    }

    /// <summary>A session over the ONNX file at <paramref name="path"/>, refused unless it takes <paramref name="inputs"/>.</summary>
    public InferenceSession Open(string path, IReadOnlyList<DeclaredInput> inputs)
    {
        var options = Options();
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelFileException($"{Path.GetFileName(path)} is not an ONNX model ONNX Runtime can load: {e.Message.Split('\n')[0].Trim()}");
        }
        finally
        {
            options.Dispose();
        }
        try
        {
            Check(Path.GetFileName(path), session.InputMetadata, inputs);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    internal static void Check(string file, IReadOnlyDictionary<string, NodeMetadata> actual, IReadOnlyList<DeclaredInput> declared)
    {
        foreach (var d in declared)
        {
            if (!actual.TryGetValue(d.Name, out var meta))
            {
                throw new ModelFileException($"{file} has no input '{d.Name}' (it takes {string.Join(", ", actual.Keys)}).");
            }
            if (meta.Dimensions.Length != d.Rank)
            {
                throw new ModelFileException($"{file} input '{d.Name}' has {meta.Dimensions.Length} dimensions, not the declared {d.Rank}.");
            }
            foreach (var (index, size) in d.Fixed)
            {
                if (meta.Dimensions[index] != size)
                {
                    throw new ModelFileException($"{file} input '{d.Name}' has size {meta.Dimensions[index]} in dimension {index}, not the declared {size}.");
                }
            }
        }
    }
}

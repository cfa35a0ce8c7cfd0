namespace Yunzhong.Server.Features.Compute;

/// <summary>Which ONNX Runtime execution provider runs the models.</summary>
public enum ProviderChoice
{
    /// <summary>CUDA when the CUDA build is installed and a GPU answers, else the CPU.</summary>
    Auto,

    /// <summary>The CPU only.</summary>
    Cpu,

    /// <summary>CUDA, falling back to the CPU (with the reason shown on the models page) when it cannot load.</summary>
    Cuda,
}

/// <summary>The <c>Compute</c> configuration section: how pre-annotation jobs run.</summary>
public sealed class ComputeOptions
{
    public const string Section = "Compute";

    /// <summary>Execution provider (Compute__Provider).</summary>
    public ProviderChoice Provider { get; set; } = ProviderChoice.Auto;

    /// <summary>
    /// ONNX Runtime intra-op threads of a job. One job runs at a time, on one worker thread, with
    /// this many threads inside each inference: 1 leaves the second core of a 2-core server to the
    /// annotators (docs/benchmarks.md measures `yz bench` with a job running).
    /// </summary>
    public int Threads { get; set; } = 1;

    /// <summary>Tasks predicted and written per transaction.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>A running job whose worker has not beaten for this long is taken over (its server stopped). A batch beats once.</summary>
    public int AbandonAfterSeconds { get; set; } = 60;

    /// <summary>Where the model files are; default the server's own output folder's <c>models/</c>.</summary>
    public string? ModelsDir { get; set; }

    internal string ModelsPath => ModelsDir ?? Path.Combine(AppContext.BaseDirectory, "models");
}

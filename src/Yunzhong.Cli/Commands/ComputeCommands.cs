using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;
using Yunzhong.Core.Compute;
using Yunzhong.Server;
using Yunzhong.Server.Features;
using Yunzhong.Server.Features.Compute;

namespace Yunzhong.Cli.Commands;

/// <summary>`yz models`, `yz predict` (a pre-annotation job with its progress) and `yz bench-models` (the models' speed in-process).</summary>
internal static class ComputeCommands
{
    public static async Task<int> ModelsAsync(CliArgs args, CancellationToken ct)
    {
        using var api = Api.FromArgs(args);
        var runtime = await api.GetAsync<PredictJobsApi.RuntimeView>("api/compute/runtime", ct);
        Console.WriteLine($"runtime: {runtime.Provider} ({runtime.Cores} cores){(runtime.FallbackReason is { } why ? " — " + why : "")}");
        foreach (var m in await api.GetAsync<List<ModelView>>("api/models", ct))
        {
            Console.WriteLine($"{m.Id,3}  {m.Name}@{m.Version,-6} {Wire.Name(m.Task),-16} {Wire.Name(m.InputField)} → {Wire.Name(m.OutputControl),-11} {(m.Available ? "ready" : "NOT AVAILABLE: " + m.Problem)}");
            Console.WriteLine($"     licence: {m.Licence}");
            Console.WriteLine($"     source:  {m.Source}");
        }
        return 0;
    }

    /// <summary>Starts a job (or follows/cancels one) and shows its progress until it ends; Ctrl+C cancels it on the server.</summary>
    public static async Task<int> PredictAsync(CliArgs args, CancellationToken ct)
    {
        using var api = Api.FromArgs(args);
        PredictJobView job;
        if (args.Get("cancel") is { } cancel)
        {
            job = await api.PostAsync<PredictJobView>($"api/predict-jobs/{cancel}/cancel", null, ct);
            Console.WriteLine($"job {job.Id}: {Wire.Name(job.Status)}");
            return 0;
        }
        if (args.Get("job") is { } follow)
        {
            job = await api.GetAsync<PredictJobView>($"api/predict-jobs/{follow}", ct);
        }
        else
        {
            var project = args.Require("project");
            var wanted = args.Require("model");
            var models = await api.GetAsync<List<ModelView>>("api/models", ct);
            var model = models.FirstOrDefault(m => m.Id.ToString(CultureInfo.InvariantCulture) == wanted || m.Name == wanted || $"{m.Name}@{m.Version}" == wanted)
                ?? throw new CliException($"no model '{wanted}'; the server has {string.Join(", ", models.Select(m => $"{m.Name}@{m.Version} (id {m.Id})"))}");
            var deadline = args.Get("deadline") is { } d ? DateTimeOffset.Parse(d, CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
            job = await api.PostAsync<PredictJobView>($"api/projects/{project}/predict-jobs", new PredictJobRequest(
                model.Id, Wire.Parse<PredictScope>(args.Get("scope", "missing")), args.Get("state"),
                args.Get("pool") is { } pool ? long.Parse(pool, CultureInfo.InvariantCulture) : null, deadline is not null, deadline,
                Wire.Parse<ScheduleGoal>(args.Get("goal", "greenest"))), ct);
            Console.Error.WriteLine($"job {job.Id}: {job.Model} over {job.Total:N0} task(s), {Wire.Name(job.Status)}"
                + (job.WindowStart is { } w ? $", placed at {w:yyyy-MM-dd HH:mm}Z–{job.WindowEnd:HH:mm}Z" : ""));
        }
        if (args.Flag("no-wait"))
        {
            Console.WriteLine(job.Id);
            return 0;
        }
        var progress = new Progress($"job {job.Id}", job.Total);
        try
        {
            while (job.Status is PredictJobStatus.Queued or PredictJobStatus.Running or PredictJobStatus.Scheduled)
            {
                progress.Report(job.Done + job.Skipped);
                await Task.Delay(500, ct);
                job = await api.GetAsync<PredictJobView>($"api/predict-jobs/{job.Id}", ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await api.PostAsync<PredictJobView>($"api/predict-jobs/{job.Id}/cancel", null, quick.Token);
            Console.Error.WriteLine($"\njob {job.Id} cancelled");
            return 130;
        }
        progress.Done(job.Done + job.Skipped);
        Console.WriteLine($"job {job.Id}: {Wire.Name(job.Status)}; {job.Predictions:N0} prediction(s), {job.Skipped:N0} skipped{(job.Note is { } n ? " (" + n + ")" : "")}");
        if (job.Error is { } error)
        {
            Console.WriteLine("  " + error);
        }
        if (job.Energy is { } e)
        {
            Console.WriteLine($"  compute {e.ComputeSeconds:0.0} s at an assumed {e.Watts:0} W: {e.Kwh * 1000:0.###} Wh, {e.CostCny:0.######} yuan, {e.GreenShare:P0} green");
            Console.WriteLine($"  run at once it would have been {e.RunNowCostCny:0.######} yuan, {e.RunNowGreenShare:P0} green");
        }
        return job.Status == PredictJobStatus.Done ? 0 : 1;
    }

    /// <summary>
    /// The models' speed in-process, as a job runs them: Silero VAD over --minutes of audio (the demo's
    /// LibriVox and CMU Sphinx recordings, repeated), OCR over --images runs of the test image and the
    /// demo photos; each with --threads intra-op threads (a job's setting, default 1).
    /// </summary>
    public static Task<int> BenchAsync(CliArgs args, CancellationToken ct)
    {
        var minutes = args.GetInt("minutes", 60);
        var images = args.GetInt("images", 40);
        var threads = args.GetInt("threads", 1);
        // --background: at the lowest CPU priority, as a job runs (to measure `yz bench` beside it).
        var background = args.Flag("background") && BackgroundPriority.LowerCurrentThread();
        var host = new OnnxHost(Microsoft.Extensions.Options.Options.Create(new ComputeOptions
        {
            Threads = threads, Provider = Wire.Parse<ProviderChoice>(args.Get("provider", "auto")),
        }), NullLogger<OnnxHost>.Instance);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {host.Provider}{(host.FallbackReason is { } why ? " (" + why + ")" : "")}, {threads} intra-op thread(s){(background ? ", lowest CPU priority" : "")}");

        if (minutes > 0)
        {
            var audio = SpeechAudio(minutes * 60 * SileroVad.Rate);
            using var vad = new SileroVad(ModelCatalog.SileroVad, host);
            vad.Probabilities(audio.AsSpan(0, SileroVad.Rate * 5)); // warm-up
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var p = vad.Probabilities(audio);
            var seconds = clock.Elapsed.TotalSeconds;
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var segments = VadSegments.From(p, (double)SileroVad.Frame / SileroVad.Rate, audio.Length / (double)SileroVad.Rate);
            Console.WriteLine($"vad: {minutes} min of audio in {seconds:0.00} s = {minutes * 60 / seconds:0}× real time ({segments.Count:N0} segments); one hour takes {3600 / (minutes * 60 / seconds):0.0} s, {cpu.TotalSeconds:0.0} s of CPU");
        }
        if (images > 0)
        {
            var files = OcrImages();
            using var ocr = new PaddleOcr(ModelCatalog.PaddleOcr, host);
            var target = new ModelTarget("image", "boxes", "text", "text");
            ocr.Predict(files[0].Bytes, target);
            var clock = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            long lines = 0;
            for (var i = 0; i < images; i++)
            {
                var (_, bytes) = files[i % files.Count];
                lines += ((string?)ocr.Predict(bytes, target).Result["text"])?.Split('\n').Length ?? 0;
            }
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"ocr: {images} images ({string.Join(", ", files.Select(f => f.Name))}, in turn) in {seconds:0.00} s = {images / seconds:0.00} images/s, {lines / seconds:0.0} lines/s, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s of CPU");
        }
        return Task.FromResult(0);
    }

    /// <summary>The demo's speech recordings at 16 kHz, repeated to <paramref name="samples"/>; a synthetic voice-like signal when the repository is not there.</summary>
    private static float[] SpeechAudio(int samples)
    {
        var clips = (ServerOptions.FindRepoFolder(Path.Combine("demo", "speech", "media")) is { } dir ? Directory.GetFiles(dir, "*.wav") : [])
            .Order(StringComparer.Ordinal).Select(f => WavAudio.Decode(File.ReadAllBytes(f))).ToList();
        if (clips.Count == 0)
        {
            var rng = new Random(7);
            clips.Add([.. Enumerable.Range(0, SileroVad.Rate * 10).Select(i =>
                (float)(i % 32000 < 20000 ? 0.3 * Math.Sin(i * 2 * Math.PI * 140 / SileroVad.Rate) * (1 + Math.Sin(i / 800.0)) : 0.01 * (rng.NextDouble() - 0.5)))]);
        }
        var audio = new float[samples];
        for (int at = 0, k = 0; at < samples; k++)
        {
            var clip = clips[k % clips.Count];
            var n = Math.Min(clip.Length, samples - at);
            clip.AsSpan(0, n).CopyTo(audio.AsSpan(at));
            at += n;
        }
        return audio;
    }

    private static List<(string Name, byte[] Bytes)> OcrImages()
    {
        var list = new List<(string, byte[])>();
        if (ServerOptions.FindRepoFolder(Path.Combine("tests", "Yunzhong.Server.Tests", "Compute", "Data")) is { } fixtures)
        {
            list.Add(("ocr-text.png", File.ReadAllBytes(Path.Combine(fixtures, "ocr-text.png"))));
        }
        if (ServerOptions.FindRepoFolder(Path.Combine("demo", "photos", "media")) is { } photos)
        {
            list.AddRange(Directory.GetFiles(photos).Order(StringComparer.Ordinal).Take(3).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))));
        }
        if (list.Count == 0)
        {
            using var bitmap = new SKBitmap(640, 200);
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(SKColors.White);
            }
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            list.Add(("blank.png", png.ToArray()));
        }
        return list;
    }
}

using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Yunzhong.Core.Media;
using Yunzhong.Server.Features.Compute;
using Yunzhong.Server.Storage;

namespace Yunzhong.Server.Features.Media;

/// <summary>The <c>Media</c> configuration section: how scrub proxies of videos are made.</summary>
public sealed class ScrubOptions
{
    public const string Section = "Media";

    /// <summary>The ffmpeg program (Media__Ffmpeg); when unset, <c>ffmpeg</c> on the PATH. Where there is
    /// none, videos get no proxy and the workbench scrubs by seeking the video.</summary>
    public string? Ffmpeg { get; set; }

    /// <summary>Width of a proxy frame in pixels (narrower videos keep their own); the height keeps the aspect.</summary>
    [Range(64, 1920)]
    public int ProxyWidth { get; set; } = 480;

    /// <summary>
    /// Frames in one chunk, the unit the browser fetches. A drag across a 10-minute timeline in 10 s
    /// passes 25 frames per animation frame, so each one asks for a new chunk: small chunks waste
    /// fewer bytes fetched for the one frame shown; a slow drag fetches one chunk per 16 frames.
    /// </summary>
    [Range(1, 1000)]
    public int ChunkFrames { get; set; } = 16;

    /// <summary>
    /// Most frames in a proxy's storyboard: every s-th frame of the proxy in one blob, which the
    /// browser loads when the video opens so that a fast drag always has a frame near the pointer
    /// (chunks arrive after such a drag has moved on). s is the smallest power of two that keeps the
    /// storyboard within this count: a 10-minute video at 25 fps gets every 32nd frame (469 frames,
    /// one per 1.3 s, ~3 MB of 480-px JPEG), a 2-hour one at 30 fps every 512th.
    /// </summary>
    [Range(1, 100_000)]
    public int StoryboardFrames { get; set; } = 512;

    /// <summary>ffmpeg's <c>-q:v</c> for the JPEG frames: 2 (best) to 31 (smallest).</summary>
    [Range(2, 31)]
    public int JpegQuality { get; set; } = 7;

    /// <summary>Most frames a proxy holds (the first ones of a longer video; past them the view seeks): 2 hours at 30 fps.</summary>
    [Range(1, int.MaxValue)]
    public int MaxFrames { get; set; } = 216_000;

    /// <summary>Largest proxy in bytes; a video whose proxy would be larger gets none.</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 4L << 30;

    /// <summary>Largest JPEG frame in bytes: a stream that runs past it is not a proxy frame.</summary>
    [Range(1024, 64 << 20)]
    public int MaxFrameBytes { get; set; } = 4 << 20;

    /// <summary>Longest ffmpeg may run for one video before it is stopped and the proxy recorded as failed.</summary>
    [Range(1, 7 * 24 * 3600)]
    public int TimeoutSeconds { get; set; } = 4 * 3600;

    /// <summary>A running proxy whose worker has not beaten for this long is taken over (its server stopped).</summary>
    [Range(10, 24 * 3600)]
    public int AbandonAfterSeconds { get; set; } = 120;

    /// <summary>The ffmpeg to run, or null where there is none.</summary>
    public string? FindFfmpeg()
    {
        if (!string.IsNullOrEmpty(Ffmpeg))
        {
            return File.Exists(Ffmpeg) ? Path.GetFullPath(Ffmpeg) : null;
        }
        var name = OperatingSystem.IsWindows() ? "ffmpeg.exe" : "ffmpeg";
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }
        return null;
    }
}

/// <summary>Where a video's scrub proxy stands.</summary>
public enum ScrubStatus
{
    /// <summary>The medium is no video, or was stored before proxies were made.</summary>
    None,
    Queued,
    Running,
    Ready,
    Failed,
    /// <summary>The server had no ffmpeg when the video was stored.</summary>
    Unavailable,
}

/// <summary>
/// A video's scrub proxy: frame k of the proxy (from 0) is frame k + 1 of the video as the workbench
/// counts (time × fps). Chunk c (from 0) holds frames c × <paramref name="ChunkFrames"/> on, at
/// <paramref name="ChunkUrl"/> followed by c. <paramref name="StoryboardUrl"/> holds every s-th frame
/// in one blob ("YZSB", s, then a chunk); a proxy made before storyboards were answers it 404.
/// </summary>
public sealed record ScrubView(
    ScrubStatus Status, string? Error, double? Fps, int? Frames, int? ChunkFrames, int? Width, int? Height, string? ChunkUrl, string? StoryboardUrl);

/// <summary>
/// Scrub proxies of videos: queued in the transaction that stores a video, made here in the
/// background by ffmpeg, one at a time, at the lowest priority (nice 19 and SCHED_IDLE, like
/// pre-annotation jobs), claimed through the database so any node can make any proxy.
/// </summary>
/// <remarks>
/// ffmpeg decodes every frame (<c>-fps_mode passthrough</c>: no frame dropped or repeated, so the
/// k-th image written is the k-th frame of the stream), scales it and writes JPEG images to its
/// standard output; they are cut as they arrive (<see cref="JpegCutter"/>) and stored a chunk at a
/// time, so memory holds one chunk whatever the video's length. A chunk is the blob
/// <c>scrub/{project}/{key}/{chunk}</c>: "YZSP", the number of frames n and n frame lengths (32-bit
/// little-endian), then the n JPEG images. The storyboard, <c>scrub/{project}/{key}/storyboard</c>, is
/// "YZSB" and the step s (32-bit little-endian) followed by a chunk of every s-th frame from the first
/// (<see cref="ScrubOptions.StoryboardFrames"/>); it is kept in memory while the proxy is made, so
/// memory holds one chunk and the storyboard whatever the video's length. Nothing is readable before
/// every chunk is stored and the row says ready; a failure deletes what was stored.
/// </remarks>
public sealed partial class ScrubProxies(Db db, IBlobStore blobs, TimeProvider time, IOptions<ScrubOptions> options, ILogger<ScrubProxies> log)
    : BackgroundService
{
    private readonly ScrubOptions _o = options.Value;
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>What a proxy chunk starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "YZSP"u8;

    /// <summary>What a proxy's storyboard starts with, before its step and its chunk.</summary>
    public static ReadOnlySpan<byte> StoryboardMagic => "YZSB"u8;

    public void Wake() => _wake.Release();

    public static bool IsVideo(string contentType) => contentType.StartsWith("video/", StringComparison.Ordinal);

    /// <summary>The key of a video's proxy in URLs and chunk names: the last part of the video's blob name.</summary>
    public static string KeyOf(string mediaBlob) => mediaBlob[(mediaBlob.LastIndexOf('/') + 1)..];

    public static string ChunkBlob(long projectId, string key, int chunk) => $"scrub/{projectId}/{key}/{chunk}";

    public static string StoryboardBlob(long projectId, string key) => $"scrub/{projectId}/{key}/storyboard";

    /// <summary>Queues the proxy of a video being stored, in the transaction that stores it.</summary>
    public async Task QueueAsync(DbConnection c, DbTransaction tx, long projectId, string blob, long now, CancellationToken ct)
    {
        var ffmpeg = _o.FindFfmpeg();
        await c.ExecuteAsync(new CommandDefinition(ScrubSql.QueueSql, new
        {
            blob, projectId, now,
            status = ffmpeg is null ? "unavailable" : "queued",
            error = ffmpeg is null ? NoFfmpeg : null,
        }, tx, cancellationToken: ct));
    }

    private const string NoFfmpeg = "The server has no ffmpeg (Media:Ffmpeg or the PATH): scrubbing seeks the video.";

    /// <summary>Deletes the proxies of video blobs that are gone (an upload replaced them), chunks first.</summary>
    public async Task ForgetAsync(IReadOnlyCollection<string> mediaBlobs, CancellationToken ct)
    {
        if (mediaBlobs.Count == 0)
        {
            return;
        }
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<(string Blob, long ProjectId, long? Frames, long? ChunkFrames)>(new CommandDefinition(
            ScrubSql.OfBlobsSql(db.Dialect), new { blobs = mediaBlobs.ToArray() }, cancellationToken: ct))).ToList();
        foreach (var r in rows)
        {
            await c.ExecuteAsync(new CommandDefinition(ScrubSql.DeleteSql, new { blob = r.Blob }, cancellationToken: ct));
            if (r is { Frames: { } frames, ChunkFrames: { } per })
            {
                await DeleteChunksAsync(r.ProjectId, KeyOf(r.Blob), (int)((frames + per - 1) / per), ct);
            }
        }
    }

    /// <summary>Deletes a proxy's chunks and its storyboard (stored after the last chunk, so only where a chunk was).</summary>
    private async Task DeleteChunksAsync(long projectId, string key, int chunks, CancellationToken ct)
    {
        if (chunks > 0)
        {
            await blobs.DeleteAsync(StoryboardBlob(projectId, key), ct);
        }
        for (var i = 0; i < chunks; i++)
        {
            await blobs.DeleteAsync(ChunkBlob(projectId, key, i), ct);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => JobLoop.RunAsync(ClaimAndRunAsync, _wake, time, log, stoppingToken);

    private async Task<bool> ClaimAndRunAsync(CancellationToken ct)
    {
        string blob;
        long projectId;
        await using (var c = await db.OpenAsync(ct))
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var stale = now - _o.AbandonAfterSeconds * 1000L;
            var next = await c.QueryFirstOrDefaultAsync<(string Blob, long ProjectId, long Attempts)?>(new CommandDefinition(
                ScrubSql.NextSql, new { stale }, cancellationToken: ct));
            if (next is null)
            {
                return false;
            }
            if (await c.ExecuteAsync(new CommandDefinition(ScrubSql.ClaimSql, new { next.Value.Blob, now, stale }, cancellationToken: ct)) == 0)
            {
                return true; // another worker took it
            }
            (blob, projectId) = (next.Value.Blob, next.Value.ProjectId);
            if (next.Value.Attempts >= 3)
            {
                // Three workers took it and none finished: whatever stops them would stop a fourth.
                await EndAsync(blob, "failed", "Three attempts to make the proxy did not finish.", ct);
                return true;
            }
        }
        try
        {
            var made = await MakeAsync(blob, projectId, ct);
            await using var c = await db.OpenAsync(ct);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (await c.ExecuteAsync(new CommandDefinition(ScrubSql.ReadySql, new
            {
                blob, now, made.Fps, made.Frames, made.ChunkFrames, made.Width, made.Height, made.SizeBytes,
            }, cancellationToken: ct)) == 0)
            {
                // The video was replaced while its proxy was made: its row went with it.
                await DeleteChunksAsync(projectId, KeyOf(blob), (made.Frames + made.ChunkFrames - 1) / made.ChunkFrames, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The server is stopping: the next worker starts it again.
            await using var c = await db.OpenAsync(CancellationToken.None);
            await c.ExecuteAsync(new CommandDefinition(ScrubSql.GiveBackSql, new { blob }, cancellationToken: CancellationToken.None));
            throw;
        }
        catch (ScrubException e)
        {
            log.LogWarning("No scrub proxy for {Blob}: {Why}", blob, e.Message);
            await EndAsync(blob, e.Unavailable ? "unavailable" : "failed", e.Message, ct);
        }
        catch (Exception e)
        {
            log.LogError(e, "Making the scrub proxy of {Blob} failed", blob);
            await EndAsync(blob, "failed", OutOfSpace.IsDiskFull(e)
                ? "The server ran out of storage space while storing the proxy."
                : "The proxy could not be made; the server's log has the details.", ct);
        }
        return true;
    }

    private async Task EndAsync(string blob, string status, string error, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(ScrubSql.EndSql, new { blob, status, error, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
    }

    internal sealed record Made(double Fps, int Frames, int ChunkFrames, int Width, int Height, long SizeBytes);

    /// <summary>Why a video gets no proxy, in words for the people who stored it (no server paths).</summary>
    internal sealed class ScrubException(string message, bool unavailable = false) : Exception(message)
    {
        public bool Unavailable { get; } = unavailable;
    }

    /// <summary>Makes and stores the proxy of video blob <paramref name="blob"/>; on any failure deletes what it stored.</summary>
    internal async Task<Made> MakeAsync(string blob, long projectId, CancellationToken ct)
    {
        var ffmpeg = _o.FindFfmpeg() ?? throw new ScrubException(NoFfmpeg, unavailable: true);
        (string Name, double? Duration)? medium;
        await using (var c = await db.OpenAsync(ct))
        {
            medium = await c.QueryFirstOrDefaultAsync<(string Name, double? Duration)?>(new CommandDefinition(ScrubSql.MediumSql, new { blob }, cancellationToken: ct));
        }
        if (medium is null)
        {
            throw new ScrubException("The video is no longer stored.");
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(TimeSpan.FromSeconds(_o.TimeoutSeconds));
        var (input, temp) = await InputAsync(blob, budget.Token);
        var key = KeyOf(blob);
        var stored = 0;
        try
        {
            return await RunFfmpegAsync(ffmpeg, input, blob, projectId, key, medium.Value, n => stored = n, budget.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await DeleteChunksAsync(projectId, key, stored, CancellationToken.None);
            throw new ScrubException($"ffmpeg took longer than {_o.TimeoutSeconds} s (Media:TimeoutSeconds).");
        }
        catch
        {
            await DeleteChunksAsync(projectId, key, stored, CancellationToken.None);
            throw;
        }
        finally
        {
            if (temp)
            {
                File.Delete(input);
            }
        }
    }

    /// <summary>A file ffmpeg can seek in: the blob's own file in a local store, else a copy in the temp folder.</summary>
    private async Task<(string Path, bool Temp)> InputAsync(string blob, CancellationToken ct)
    {
        if (blobs is LocalBlobStore local)
        {
            return (local.PathOf(blob), false);
        }
        await using var source = await blobs.OpenReadAsync(blob, ct) ?? throw new ScrubException("The video is no longer stored.");
        var path = Path.Combine(Path.GetTempPath(), $"yz-scrub-{Guid.NewGuid():N}");
        try
        {
            await using var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await source.CopyToAsync(copy, ct);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        return (path, true);
    }

    private async Task<Made> RunFfmpegAsync(
        string ffmpeg, string input, string blob, long projectId, string key, (string Name, double? Duration) medium, Action<int> stored, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(ffmpeg)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "-nostdin", "-hide_banner", "-nostats", "-v", "info", "-threads", "1",
            "-i", input, "-map", "0:v:0", "-an", "-sn", "-dn",
            // Every decoded frame once, none dropped or repeated: image k is the stream's frame k.
            "-fps_mode", "passthrough",
            "-vf", $"scale=w='min({_o.ProxyWidth},iw)':h=-2:flags=bilinear",
            "-frames:v", _o.MaxFrames.ToString(CultureInfo.InvariantCulture),
            "-c:v", "mjpeg", "-pix_fmt", "yuvj420p", "-q:v", _o.JpegQuality.ToString(CultureInfo.InvariantCulture),
            "-f", "image2pipe", "pipe:1",
        })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = StartIdle(psi);
        // Killed with whatever stops the job: a timeout, the server stopping, a failure below.
        await using var kill = ct.Register(() => Kill(process));
        var errors = new StderrTail();
        var reading = Task.Run(async () =>
        {
            string? line;
            while ((line = await process.StandardError.ReadLineAsync(CancellationToken.None)) is not null)
            {
                errors.Add(line);
            }
        }, CancellationToken.None);
        var per = _o.ChunkFrames;
        var cutter = new JpegCutter(_o.MaxFrameBytes);
        var chunk = new MemoryStream();
        var lengths = new List<int>(per);
        var storyboard = new Storyboard(_o.StoryboardFrames);
        int frames = 0, chunks = 0, width = 0, height = 0;
        long size = 0;
        var beat = time.GetTimestamp();
        var names = new List<string>();
        try
        {
            var buffer = new byte[1 << 16];
            var output = process.StandardOutput.BaseStream;
            int n;
            while ((n = await output.ReadAsync(buffer, ct)) > 0)
            {
                cutter.Write(buffer.AsSpan(0, n));
                while (cutter.TryRead(out var image))
                {
                    if (frames == 0)
                    {
                        (width, height) = JpegCutter.SizeOf(image) ?? throw new ScrubException("ffmpeg wrote a frame that is no baseline JPEG.");
                    }
                    chunk.Write(image);
                    lengths.Add(image.Length);
                    storyboard.Add(frames, image);
                    frames++;
                    if (lengths.Count == per)
                    {
                        size += await StoreChunkAsync(projectId, key, chunks++, chunk, lengths, ct);
                        names.Add(ChunkBlob(projectId, key, chunks - 1));
                        stored(chunks);
                        if (size > _o.MaxBytes)
                        {
                            throw new ScrubException($"The proxy would be larger than {_o.MaxBytes} bytes (Media:MaxBytes).");
                        }
                    }
                }
                if (time.GetElapsedTime(beat) > TimeSpan.FromSeconds(10))
                {
                    beat = time.GetTimestamp();
                    await using var c = await db.OpenAsync(ct);
                    await c.ExecuteAsync(new CommandDefinition(ScrubSql.HeartbeatSql, new { blob, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: ct));
                }
            }
            // A killed ffmpeg ends its output too: stopping is not a broken stream.
            ct.ThrowIfCancellationRequested();
            if (cutter.Pending > 0)
            {
                throw new ScrubException("ffmpeg's output ended inside a frame.");
            }
            if (lengths.Count > 0)
            {
                size += await StoreChunkAsync(projectId, key, chunks++, chunk, lengths, ct);
                names.Add(ChunkBlob(projectId, key, chunks - 1));
                stored(chunks);
            }
            if (frames > 0)
            {
                size += await StoreStoryboardAsync(projectId, key, storyboard, ct);
                names.Add(StoryboardBlob(projectId, key));
            }
            await process.WaitForExitAsync(ct);
            await reading;
        }
        catch (InvalidDataException e)
        {
            throw new ScrubException("ffmpeg's output is not a stream of JPEG frames: " + e.Message);
        }
        finally
        {
            Kill(process);
        }
        var said = errors.Text(input, medium.Name);
        if (process.ExitCode != 0)
        {
            throw new ScrubException($"ffmpeg could not decode the video (exit code {process.ExitCode}): {said}");
        }
        if (frames == 0)
        {
            throw new ScrubException($"ffmpeg found no video frame in the file. {said}".TrimEnd());
        }
        // The rate the container declares, as the browser reads it; the view counts frames as time × fps.
        var fps = errors.Fps ?? throw new ScrubException("ffmpeg did not report the video's frame rate.");
        var duration = medium.Duration ?? errors.Duration;
        if (frames < _o.MaxFrames && duration is { } d)
        {
            // The view's last frame is round(duration × fps): a file whose decoded frames do not come to
            // that (a variable frame rate, a damaged stream) would show proxy frames off by some.
            var expected = (int)Math.Round(d * fps);
            if (Math.Abs(frames - expected) > 1)
            {
                throw new ScrubException(
                    $"ffmpeg decoded {frames} frames where the file's duration and frame rate ({d:0.###} s at {fps:0.###} fps) say {expected}: proxy frames would not line up with the video's.");
            }
        }
        await blobs.SyncAsync(names, ct);
        return new Made(fps, frames, per, width, height, size);
    }

    private async Task<long> StoreChunkAsync(long projectId, string key, int index, MemoryStream chunk, List<int> lengths, CancellationToken ct)
    {
        var header = new byte[8 + 4 * lengths.Count];
        Magic.CopyTo(header);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), lengths.Count);
        for (var i = 0; i < lengths.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8 + 4 * i), lengths[i]);
        }
        await using (var w = await blobs.CreateAsync(ChunkBlob(projectId, key, index), ct))
        {
            await w.Stream.WriteAsync(header, ct);
            await w.Stream.WriteAsync(chunk.GetBuffer().AsMemory(0, (int)chunk.Length), ct);
            // Made durable all together before the row says ready.
            await w.CommitAsync(durable: false, ct);
        }
        var size = header.Length + chunk.Length;
        chunk.SetLength(0);
        lengths.Clear();
        return size;
    }

    private async Task<long> StoreStoryboardAsync(long projectId, string key, Storyboard storyboard, CancellationToken ct)
    {
        var header = new byte[8 + 8 + 4 * storyboard.Images.Count];
        StoryboardMagic.CopyTo(header);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), storyboard.Step);
        Magic.CopyTo(header.AsSpan(8));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), storyboard.Images.Count);
        long size = header.Length;
        for (var i = 0; i < storyboard.Images.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16 + 4 * i), storyboard.Images[i].Length);
            size += storyboard.Images[i].Length;
        }
        await using (var w = await blobs.CreateAsync(StoryboardBlob(projectId, key), ct))
        {
            await w.Stream.WriteAsync(header, ct);
            foreach (var image in storyboard.Images)
            {
                await w.Stream.WriteAsync(image, ct);
            }
            await w.CommitAsync(durable: false, ct);
        }
        return size;
    }

    /// <summary>
    /// Every <see cref="Step"/>-th frame from the first, at most <c>max</c> of them: when one more would
    /// pass it, every other one is dropped and the step doubles, so the step is the smallest power of
    /// two that fits the whole video without knowing its length beforehand.
    /// </summary>
    internal sealed class Storyboard(int max)
    {
        public int Step { get; private set; } = 1;

        public List<byte[]> Images { get; } = [];

        /// <summary>Frame <paramref name="index"/> (from 0; frames come in order, each once).</summary>
        public void Add(int index, ReadOnlySpan<byte> image)
        {
            if (index % Step != 0)
            {
                return;
            }
            while (Images.Count >= max)
            {
                var kept = 0;
                for (var i = 0; i < Images.Count; i += 2)
                {
                    Images[kept++] = Images[i];
                }
                Images.RemoveRange(kept, Images.Count - kept);
                Step *= 2;
                if (index % Step != 0)
                {
                    return;
                }
            }
            Images.Add(image.ToArray());
        }
    }

    /// <summary>
    /// Starts ffmpeg from a thread lowered to nice 19 and SCHED_IDLE: a child process, and every thread
    /// it starts, inherit the scheduling of the thread that forked it, so the whole decode takes only
    /// CPU time the annotators' requests leave.
    /// </summary>
    private static Process StartIdle(ProcessStartInfo psi)
    {
        Process? started = null;
        Exception? failed = null;
        var t = new Thread(() =>
        {
            BackgroundPriority.LowerCurrentThread();
            try
            {
                started = Process.Start(psi);
            }
            catch (Exception e)
            {
                failed = e;
            }
        }) { IsBackground = true, Name = "scrub ffmpeg start" };
        t.Start();
        t.Join();
        if (failed is System.ComponentModel.Win32Exception)
        {
            throw new ScrubException("ffmpeg could not be started.", unavailable: true);
        }
        return started ?? throw new InvalidOperationException("ffmpeg did not start.", failed);
    }

    private static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>What ffmpeg wrote on stderr: the input's frame rate and duration, and the last lines, for the failure's words.</summary>
    private sealed partial class StderrTail
    {
        private readonly Queue<string> _last = new();
        private bool _output;

        public double? Fps { get; private set; }

        public double? Duration { get; private set; }

        public void Add(string line)
        {
            lock (_last)
            {
                if (line.StartsWith("Output #", StringComparison.Ordinal))
                {
                    _output = true;
                }
                if (!_output && Fps is null && VideoStream().Match(line) is { Success: true } m)
                {
                    Fps = double.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
                }
                if (!_output && Duration is null && DurationLine().Match(line) is { Success: true } dm)
                {
                    Duration = int.Parse(dm.Groups[1].ValueSpan, CultureInfo.InvariantCulture) * 3600
                        + int.Parse(dm.Groups[2].ValueSpan, CultureInfo.InvariantCulture) * 60
                        + double.Parse(dm.Groups[3].ValueSpan, CultureInfo.InvariantCulture);
                }
                if (line.Length > 0 && !line.StartsWith(' '))
                {
                    _last.Enqueue(line.Length > 300 ? line[..300] : line);
                    if (_last.Count > 3)
                    {
                        _last.Dequeue();
                    }
                }
            }
        }

        /// <summary>The last lines, with the server's path of the file put as the medium's name.</summary>
        public string Text(string input, string name)
        {
            lock (_last)
            {
                var s = new StringBuilder();
                foreach (var l in _last)
                {
                    s.Append(l.Replace(input, name, StringComparison.Ordinal)).Append(' ');
                }
                return s.ToString().Trim();
            }
        }

        [GeneratedRegex(@"^\s*Stream #0:\d+.*?: Video: .*?, (\d+(?:\.\d+)?) fps,")]
        private static partial Regex VideoStream();

        [GeneratedRegex(@"^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")]
        private static partial Regex DurationLine();
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using Yunzhong.Server.Features.Media;

namespace Yunzhong.Server.Tests.Media;

/// <summary>
/// Scrub proxies of stored videos, made by the real ffmpeg (scripts/test.sh installs it) from a video
/// made here whose frame k has the brightness 20 + 8k: the proxy's frame k must be the video's frame
/// k, with no frame dropped, repeated or shifted.
/// </summary>
public abstract class ScrubProxyTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    private const int Frames = 25;

    private async Task<(Org Org, Person Manager, long Project)> ProjectAsync()
    {
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        return (org, manager, await TestData.ProjectAsync(manager, org.Id));
    }

    [Fact]
    public async Task EachFrameOfTheProxyIsThatFrameOfTheVideo()
    {
        var (org, manager, project) = await ProjectAsync();
        await manager.Http.UploadOkAsync(project, ("clips/steps.mp4", Video.Steps()));

        var view = await Video.WaitAsync(manager.Http, project, "clips/steps.mp4");
        Assert.True(view.Status == ScrubStatus.Ready, view.Error);
        Assert.Equal(25, view.Fps);
        Assert.Equal(Frames, view.Frames);
        Assert.Equal(16, view.ChunkFrames);
        Assert.Equal((160, 120), (view.Width, view.Height)); // narrower than 480: kept at its own size

        // An annotator of the project reads it as they read the video.
        var annotator = await org.PersonAsync(Roles.Annotator);
        var jpegs = new List<byte[]>();
        for (var chunk = 0; chunk < 2; chunk++)
        {
            using var r = await annotator.Http.GetAsync(view.ChunkUrl!.TrimStart('/') + chunk);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("immutable", r.Headers.CacheControl?.ToString());
            jpegs.AddRange(Video.Unpack(await r.Content.ReadAsByteArrayAsync()));
        }
        Assert.Equal(Frames, jpegs.Count);
        Assert.Equal(16, Video.Unpack(await annotator.Http.GetByteArrayAsync(view.ChunkUrl!.TrimStart('/') + 0)).Count);

        // The storyboard of a video this short holds every frame (a step of 1), the same images as the chunks.
        using (var r = await annotator.Http.GetAsync(view.StoryboardUrl!.TrimStart('/')))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains("immutable", r.Headers.CacheControl?.ToString());
            var board = await r.Content.ReadAsByteArrayAsync();
            Assert.Equal("YZSB"u8.ToArray(), board[..4]);
            Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(board.AsSpan(4)));
            Assert.Equal(jpegs, Video.Unpack(board[8..]));
        }
        using (var r = await annotator.Http.GetAsync(view.ChunkUrl!.TrimStart('/') + 2))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }

        // Frame k is 20 + 8k in the video's (limited) range: 9.3 apart once the JPEG's full range
        // stretches it. A frame dropped is a step of ~19, one repeated a step of 0, a shift a wrong start.
        var luma = Video.CentreLuma(jpegs, 160, 120);
        Assert.InRange(luma[0], 1, 9); // (20 − 16) × 255 / 219 ≈ 4.7
        for (var k = 1; k < Frames; k++)
        {
            Assert.True(luma[k] - luma[k - 1] is >= 6 and <= 13, $"frame {k}: {luma[k - 1]} then {luma[k]} ({string.Join(' ', luma)})");
        }
    }

    [Fact]
    public async Task OtherOrganisationsGetNotFoundForTheProxyAsForTheVideo()
    {
        var (_, manager, project) = await ProjectAsync();
        await manager.Http.UploadOkAsync(project, ("steps.mp4", Video.Steps()));
        var view = await Video.WaitAsync(manager.Http, project, "steps.mp4");
        Assert.Equal(ScrubStatus.Ready, view.Status);

        var strangers = await fx.NewOrgAsync();
        var stranger = await strangers.PersonAsync(Roles.Admin | Roles.Manager | Roles.Annotator);
        foreach (var url in new[]
        {
            $"api/projects/{project}/scrub?name=steps.mp4", view.ChunkUrl!.TrimStart('/') + 0, view.StoryboardUrl!.TrimStart('/'), $"api/projects/{project}/media/steps.mp4",
        })
        {
            using var r = await stranger.Http.GetAsync(url);
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        // The stranger's own project does not open another project's chunks by their key.
        var own = await TestData.ProjectAsync(stranger, strangers.Id);
        var key = view.ChunkUrl!.TrimEnd('/').Split('/')[^1];
        foreach (var what in new[] { "0", "storyboard" })
        {
            using var r = await stranger.Http.GetAsync($"api/projects/{own}/scrub/{key}/{what}");
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task ABrokenVideoFailsCleanlyWithNoChunkLeftAndTheVideoStillServed()
    {
        var (_, manager, project) = await ProjectAsync();
        var whole = Video.Steps();
        // The index and half the frames: ffmpeg decodes what is there and the count gives it away.
        var cut = whole[..(whole.Length / 2)];
        // A video's header and then noise: ffmpeg cannot read it at all.
        byte[] noise = [.. whole[..32], .. Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7919 >> 3))];
        await manager.Http.UploadOkAsync(project, ("cut.mp4", cut), ("noise.mp4", noise), ("horse.png", Api.DemoFile("photos/media/horse.png")));

        foreach (var name in new[] { "cut.mp4", "noise.mp4" })
        {
            var view = await Video.WaitAsync(manager.Http, project, name);
            Assert.Equal(ScrubStatus.Failed, view.Status);
            Assert.False(string.IsNullOrWhiteSpace(view.Error));
            Assert.DoesNotContain(fx.DataDir, view.Error);
            Assert.DoesNotContain("/tmp/", view.Error);
            Assert.Null(view.ChunkUrl);
        }
        Assert.Equal(ScrubStatus.None, (await manager.Http.GetOkAsync<ScrubView>($"api/projects/{project}/scrub?name=horse.png")).Status);
        Assert.Empty(await fx.BlobsUnderAsync($"scrub/{project}/"));
        Assert.Equal(cut, await manager.Http.GetByteArrayAsync($"api/projects/{project}/media/cut.mp4"));
    }

    [Fact]
    public async Task AReplacedVideoTakesItsProxyAlong()
    {
        var (_, manager, project) = await ProjectAsync();
        await manager.Http.UploadOkAsync(project, ("steps.mp4", Video.Steps()));
        var first = await Video.WaitAsync(manager.Http, project, "steps.mp4");
        Assert.Equal(ScrubStatus.Ready, first.Status);
        Assert.Equal(3, (await fx.BlobsUnderAsync($"scrub/{project}/")).Length); // two chunks and the storyboard

        await manager.Http.UploadOkAsync(project, ("steps.mp4", Video.Steps()));
        var second = await Video.WaitAsync(manager.Http, project, "steps.mp4");
        Assert.Equal(ScrubStatus.Ready, second.Status);
        Assert.NotEqual(first.ChunkUrl, second.ChunkUrl);
        using (var r = await manager.Http.GetAsync(first.ChunkUrl!.TrimStart('/') + 0))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        using (var r = await manager.Http.GetAsync(first.StoryboardUrl!.TrimStart('/')))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(3, (await fx.BlobsUnderAsync($"scrub/{project}/")).Length);
    }

    [Fact]
    public async Task AskingWithoutANameIsAnsweredNamingTheField()
    {
        var (_, manager, project) = await ProjectAsync();
        using (var r = await manager.Http.GetAsync($"api/projects/{project}/scrub"))
        {
            var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), problem.ToString());
        }
        using (var r = await manager.Http.GetAsync($"api/projects/{project}/scrub?name=absent.mp4"))
        {
            await r.ProblemAsync(HttpStatusCode.NotFound);
        }
    }
}

public sealed class ScrubStoryboardTests
{
    [Theory]
    [InlineData(5, 23, 8, new[] { 0, 8, 16 })] // 4 apart would be 6 frames: too many
    [InlineData(5, 5, 1, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(5, 6, 2, new[] { 0, 2, 4 })]
    [InlineData(3, 9, 4, new[] { 0, 4, 8 })]
    [InlineData(512, 15_000, 32, null)] // the 10-minute benchmark video at 25 fps: 469 frames
    public void TheStoryboardKeepsEveryStepthFrameWithTheSmallestPowerOfTwoThatFits(int max, int frames, int step, int[]? kept)
    {
        var board = new ScrubProxies.Storyboard(max);
        for (var k = 0; k < frames; k++)
        {
            board.Add(k, BitConverter.GetBytes(k));
        }
        Assert.Equal(step, board.Step);
        var got = board.Images.Select(i => BitConverter.ToInt32(i)).ToArray();
        Assert.Equal(kept ?? [.. Enumerable.Range(0, (frames + step - 1) / step).Select(j => j * step)], got);
        Assert.InRange(got.Length, 1, max);
    }
}

public sealed class SqliteScrubProxyTests(SqliteFixture fx) : ScrubProxyTests<SqliteFixture>(fx);

public sealed class PostgresScrubProxyTests(PostgresFixture fx) : ScrubProxyTests<PostgresFixture>(fx);

public sealed class SqliteS3ScrubProxyTests(SqliteS3Fixture fx) : ScrubProxyTests<SqliteS3Fixture>(fx);

public sealed class PostgresS3ScrubProxyTests(PostgresS3Fixture fx) : ScrubProxyTests<PostgresS3Fixture>(fx);

/// <summary>A server with no ffmpeg: videos are stored and served as ever, and say why they have no proxy.</summary>
public sealed class ScrubWithoutFfmpegTests
{
    [Fact]
    public async Task WithoutFfmpegAVideoIsStoredAndItsProxyIsUnavailable()
    {
        await using var fx = new ConfiguredSqliteFixture(Configured.With(("Media:Ffmpeg", "/nonexistent/ffmpeg")));
        await fx.InitializeAsync();
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var project = await TestData.ProjectAsync(manager, org.Id);
        var video = Video.Steps();
        await manager.Http.UploadOkAsync(project, ("steps.mp4", video));

        var view = await manager.Http.GetOkAsync<ScrubView>($"api/projects/{project}/scrub?name=steps.mp4");
        Assert.Equal(ScrubStatus.Unavailable, view.Status);
        Assert.Contains("ffmpeg", view.Error);
        Assert.Null(view.ChunkUrl);
        Assert.Equal(video, await manager.Http.GetByteArrayAsync($"api/projects/{project}/media/steps.mp4"));
        Assert.Empty(await fx.BlobsUnderAsync($"scrub/{project}/"));
    }
}

internal static class Video
{
    private static readonly Lazy<byte[]> _steps = new(Make);

    /// <summary>1 s of 160×120 at 25 fps, H.264 with B-frames and a keyframe every 10 frames, frame k of brightness 20 + 8k.</summary>
    public static byte[] Steps() => _steps.Value;

    private static byte[] Make()
    {
        var path = Path.Combine(Path.GetTempPath(), $"yz-steps-{Guid.NewGuid():N}.mp4");
        try
        {
            Ffmpeg(null, "-v", "error", "-f", "lavfi", "-i", $"color=c=black:s=160x120:r=25:d=1,format=yuv420p,geq=lum='20+8*N':cb=128:cr=128",
                "-frames:v", $"{Frames}", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "4", "-g", "10", "-bf", "2", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private const int Frames = 25;

    public static async Task<ScrubView> WaitAsync(HttpClient http, long project, string name)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var view = await http.GetOkAsync<ScrubView>($"api/projects/{project}/scrub?name={Uri.EscapeDataString(name)}");
            if (view.Status is not (ScrubStatus.Queued or ScrubStatus.Running) || DateTime.UtcNow > until)
            {
                return view;
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The JPEG frames of one chunk: "YZSP", n, n lengths (32-bit little-endian), the frames.</summary>
    public static List<byte[]> Unpack(byte[] chunk)
    {
        Assert.Equal("YZSP"u8.ToArray(), chunk[..4]);
        var n = BinaryPrimitives.ReadInt32LittleEndian(chunk.AsSpan(4));
        var at = 8 + 4 * n;
        var frames = new List<byte[]>();
        for (var i = 0; i < n; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(chunk.AsSpan(8 + 4 * i));
            frames.Add(chunk[at..(at + length)]);
            at += length;
        }
        Assert.Equal(chunk.Length, at);
        return frames;
    }

    /// <summary>Each JPEG's mean brightness over its middle 20×20 pixels, as ffmpeg decodes it.</summary>
    public static int[] CentreLuma(List<byte[]> jpegs, int width, int height)
    {
        var gray = Ffmpeg([.. jpegs.SelectMany(j => j)], "-v", "error", "-f", "jpeg_pipe", "-i", "pipe:0", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1");
        Assert.Equal(jpegs.Count * width * height, gray.Length);
        return [.. Enumerable.Range(0, jpegs.Count).Select(f =>
        {
            var sum = 0;
            for (var y = height / 2 - 10; y < height / 2 + 10; y++)
            {
                for (var x = width / 2 - 10; x < width / 2 + 10; x++)
                {
                    sum += gray[f * width * height + y * width + x];
                }
            }
            return (int)Math.Round(sum / 400.0);
        })];
    }

    private static byte[] Ffmpeg(byte[]? input, params string[] args)
    {
        var psi = new ProcessStartInfo("ffmpeg") { RedirectStandardInput = input is not null, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("ffmpeg is not installed (scripts/test.sh installs it).");
        var writing = input is null ? Task.CompletedTask : Task.Run(async () =>
        {
            await p.StandardInput.BaseStream.WriteAsync(input);
            p.StandardInput.Close();
        });
        var errors = p.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        writing.GetAwaiter().GetResult();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffmpeg {string.Join(' ', args)}: {errors.Result}");
        return output.ToArray();
    }
}

using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Yunzhong.Core.Compute;
using Yunzhong.Server.Features.Compute;

namespace Yunzhong.Server.Tests.Compute;

/// <summary>
/// Pre-annotation jobs through the API on both engines: VAD segments on an audio project and OCR
/// boxes with text on an image project, scopes, cancel, a failed batch that writes nothing, the
/// refusals (no matching field, a deadline no window meets, bad power profiles) and a deferrable
/// job placed in the green window with its energy beside "run now".
/// </summary>
public abstract class PredictJobTests<TFixture>(TFixture fx) : IClassFixture<TFixture> where TFixture : ServerFixture
{
    internal static readonly object AudioSchema = new
    {
        fields = new[] { new { name = "audio", type = "audio" } },
        controls = new object[] { new { name = "turns", type = "segments", field = "audio", labels = new[] { "noise", "speech" } } },
    };

    internal static readonly object ImageSchema = new
    {
        fields = new[] { new { name = "image", type = "image" } },
        controls = new object[]
        {
            new { name = "boxes", type = "rectangles", field = "image", labels = new[] { "text", "logo" } },
            new { name = "transcript", type = "transcription", field = "image" },
        },
    };

    private static readonly string[] _clips = ["librivox-0870.wav", "librivox-0880.wav", "cards-001.wav"];

    internal static async Task<long> ModelIdAsync(HttpClient http, ModelTask task) =>
        (await http.GetOkAsync<List<ModelView>>("api/models")).Single(m => m.Task == task).Id;

    /// <summary>A project of <paramref name="schema"/> with <paramref name="files"/> uploaded and one task per file.</summary>
    internal static async Task<long> MediaProjectAsync(Person admin, long org, object schema, string field, params (string Name, byte[] Bytes)[] files)
    {
        var project = await TestData.ProjectAsync(admin, org, schema);
        var media = await admin.Http.UploadOkAsync(project, files);
        var body = string.Join("\n", media.Select((m, i) => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["key"] = $"m{i}", ["data"] = new Dictionary<string, string> { [field] = m.Url },
        })));
        using var r = await TestData.ImportRawAsync(admin.Http, project, body);
        await r.OkAsync<ImportResponse>("import");
        return project;
    }

    internal static async Task<PredictJobView> WaitAsync(HttpClient http, long jobId, Func<PredictJobView, bool>? until = null)
    {
        until ??= j => j.Status is PredictJobStatus.Done or PredictJobStatus.Failed or PredictJobStatus.Cancelled;
        for (var i = 0; i < 1200; i++)
        {
            var job = await http.GetOkAsync<PredictJobView>($"api/predict-jobs/{jobId}");
            if (until(job))
            {
                return job;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"job {jobId} did not get there");
    }

    private async Task<(Person Admin, long Org)> OrgAsync()
    {
        var org = await fx.NewOrgAsync();
        return (await org.PersonAsync(Roles.Admin | Roles.Manager), org.Id);
    }

    private static async Task<List<TaskDetail>> TasksAsync(HttpClient http, long project)
    {
        var list = await http.GetOkAsync<TaskPage>($"api/projects/{project}/tasks?limit=100");
        var details = new List<TaskDetail>();
        foreach (var t in list.Items)
        {
            details.Add(await http.GetOkAsync<TaskDetail>($"api/tasks/{t.Id}"));
        }
        return details;
    }

    [Fact]
    public async Task AnAudioProjectGetsVadSegmentsFromAJobThatShowsProgress()
    {
        var (admin, org) = await OrgAsync();
        var project = await MediaProjectAsync(admin, org, AudioSchema, "audio", [.. _clips.Select(c => (c, Api.DemoFile("speech/media/" + c)))]);
        var model = await ModelIdAsync(admin.Http, ModelTask.SpeechSegments);
        var started = await admin.Http.PostAsJsonAsync($"api/projects/{project}/predict-jobs", new { modelId = model, scope = "all" }, HttpJson.Options);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var job = await started.Content.ReadFromJsonAsync<PredictJobView>(HttpJson.Options);
        Assert.Equal(3, job!.Total);
        job = await WaitAsync(admin.Http, job.Id);
        Assert.Equal((PredictJobStatus.Done, 3L, 3L, 0L), (job.Status, job.Done, job.Predictions, job.Skipped));
        Assert.Equal("silero-vad@5", job.Model);
        Assert.Null(job.Energy); // no pool: nothing to price

        foreach (var task in await TasksAsync(admin.Http, project))
        {
            var p = Assert.Single(task.Predictions);
            Assert.Equal("silero-vad@5", p.Model);
            var segments = p.Result.GetProperty("turns").EnumerateArray().ToList();
            Assert.NotEmpty(segments);
            Assert.All(segments, s => Assert.Equal("speech", s.GetProperty("label").GetString()));
            Assert.NotNull(p.Score);
        }

        // Scope "missing" finds nothing left to do; "all" does every task again.
        var again = await admin.Http.PostOkAsync<PredictJobView>($"api/projects/{project}/predict-jobs", new { modelId = model });
        Assert.Equal(0, again.Total);
        Assert.Equal(PredictJobStatus.Done, (await WaitAsync(admin.Http, again.Id)).Status);
        var list = await admin.Http.GetOkAsync<List<PredictJobView>>($"api/projects/{project}/predict-jobs");
        Assert.Equal([again.Id, job.Id], list.Select(j => j.Id));
    }

    [Fact]
    public async Task TheRuntimeSaysWhichProviderRunsAndWhyNotCuda()
    {
        // The models page and `yz models` read GET /api/compute/runtime; on this CPU build it names
        // the CPU and the reason CUDA was not taken (the server's Compute:Provider default is auto).
        var org = await fx.NewOrgAsync();
        var manager = await org.PersonAsync(Roles.Manager);
        var runtime = await manager.Http.GetOkAsync<PredictJobsApi.RuntimeView>("api/compute/runtime");
        var host = fx.Services.GetRequiredService<OnnxHost>();
        Assert.Equal((host.Provider, host.FallbackReason, Environment.ProcessorCount), (runtime.Provider, runtime.FallbackReason, runtime.Cores));
        if (runtime.Provider == "cpu")
        {
            Assert.StartsWith("CUDA is not available (", runtime.FallbackReason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnImageProjectGetsOcrBoxesWithText()
    {
        var (admin, org) = await OrgAsync();
        var project = await MediaProjectAsync(admin, org, ImageSchema, "image", ("text.png", ModelRunTests.OcrImage()), ("horse.png", Api.DemoFile("photos/media/horse.png")));
        var model = await ModelIdAsync(admin.Http, ModelTask.TextInImages);
        var job = await admin.Http.PostOkAsync<PredictJobView>($"api/projects/{project}/predict-jobs", new { modelId = model, scope = "filter", state = "new" });
        Assert.Equal(["new"], job.States);
        job = await WaitAsync(admin.Http, job.Id);
        Assert.Equal((PredictJobStatus.Done, 2L), (job.Status, job.Done));
        var text = (await TasksAsync(admin.Http, project)).Single(t => t.Key == "m0" || t.Data.GetProperty("image").GetString()!.EndsWith("text.png", StringComparison.Ordinal));
        var p = Assert.Single(text.Predictions);
        Assert.Equal(3, p.Result.GetProperty("boxes").GetArrayLength());
        Assert.Equal("YUNZHONG 2026\n云中数据标注\nHello OCR 123", p.Result.GetProperty("transcript").GetString());
        Assert.All(p.Result.GetProperty("boxes").EnumerateArray(), b => Assert.Equal("text", b.GetProperty("label").GetString()));
    }

    [Fact]
    public async Task AJobOnAProjectWithoutAMatchingFieldIsRefusedByName()
    {
        var (admin, org) = await OrgAsync();
        var project = await TestData.ProjectAsync(admin, org);
        var model = await ModelIdAsync(admin.Http, ModelTask.SpeechSegments);
        using var r = await admin.Http.PostAsJsonAsync($"api/projects/{project}/predict-jobs", new { modelId = model }, HttpJson.Options);
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("no such pair", problem.Errors("modelId")[0], StringComparison.Ordinal);
        Assert.Equal("compute.no_matching_field", problem.GetProperty("fields").GetProperty("modelId")[0].GetProperty("code").GetString());
        using var missing = await admin.Http.PostAsJsonAsync($"api/projects/{project}/predict-jobs", new { modelId = 999_999 }, HttpJson.Options);
        await missing.ProblemAsync(HttpStatusCode.NotFound);
        using var badState = await admin.Http.PostAsJsonAsync($"api/projects/{project}/predict-jobs", new { modelId = model, scope = "filter", state = "sleeping" }, HttpJson.Options);
        await badState.ProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task AFailedBatchLeavesNoHalfWrittenPredictionsAndCancelStopsAJob()
    {
        var (admin, org) = await OrgAsync();
        // 20 short silent clips: two batches of the fixture's 16.
        var silence = WavAudio.Pcm16(new float[8000], 16000);
        var project = await MediaProjectAsync(admin, org, AudioSchema, "audio", [.. Enumerable.Range(0, 20).Select(i => ($"s{i}.wav", silence))]);
        var model = await ModelIdAsync(admin.Http, ModelTask.SpeechSegments);
        var worker = fx.Services.GetRequiredService<PredictWorker>();
        worker.BeforeCommit = (_, batch) =>
        {
            if (batch == 2)
            {
                throw new IOException("disk gone");
            }
        };
        PredictJobView job;
        try
        {
            job = await admin.Http.PostOkAsync<PredictJobView>($"api/projects/{project}/predict-jobs", new { modelId = model });
            job = await WaitAsync(admin.Http, job.Id);
        }
        finally
        {
            worker.BeforeCommit = null;
        }
        Assert.Equal(PredictJobStatus.Failed, job.Status);
        Assert.Contains("was not written", job.Error, StringComparison.Ordinal);
        Assert.Equal(16, job.Predictions);
        var stored = await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM predictions p JOIN tasks t ON t.id = p.task_id WHERE t.project_id = @project", new { project });
        Assert.Equal(16, stored);

        // Cancel while the model runs: the batch in hand is not written; a second cancel is refused.
        using var entered = new SemaphoreSlim(0);
        using var proceed = new SemaphoreSlim(0);
        worker.BeforeWrite = (_, _) =>
        {
            entered.Release();
            proceed.Wait(TimeSpan.FromSeconds(30));
        };
        try
        {
            var next = await admin.Http.PostOkAsync<PredictJobView>($"api/projects/{project}/predict-jobs", new { modelId = model });
            Assert.Equal(4, next.Total);
            Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30)));
            var cancelled = await admin.Http.PostOkAsync<PredictJobView>($"api/predict-jobs/{next.Id}/cancel");
            Assert.Equal(PredictJobStatus.Cancelled, cancelled.Status);
            proceed.Release();
            using var twice = await admin.Http.PostAsync($"api/predict-jobs/{next.Id}/cancel", null);
            Assert.Equal("compute.job_ended", (await twice.ProblemAsync(HttpStatusCode.Conflict)).GetProperty("code").GetString());
            await Task.Delay(500);
            var after = await admin.Http.GetOkAsync<PredictJobView>($"api/predict-jobs/{next.Id}");
            Assert.Equal((PredictJobStatus.Cancelled, 0L), (after.Status, after.Predictions));
        }
        finally
        {
            worker.BeforeWrite = null;
            proceed.Release();
        }
        Assert.Equal(16, await fx.QueryScalarAsync<long>(
            "SELECT COUNT(*) FROM predictions p JOIN tasks t ON t.id = p.task_id WHERE t.project_id = @project", new { project }));
    }

    private static string Profile(DateTimeOffset from, int hours, Func<int, (double Price, double Green)> at)
    {
        var sb = new StringBuilder(PowerProfileCsv.Header + "\n");
        for (var h = 0; h < hours; h++)
        {
            var (price, green) = at(h);
            sb.Append(FormattableString.Invariant($"{from.AddHours(h):yyyy-MM-dd'T'HH:mm:ss'Z'},{price},{green}\n"));
        }
        return sb.ToString();
    }

    private static DateTimeOffset HourOf(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task APowerProfileWithAGapOrWrongUnitsIsRefusedNamingTheRow()
    {
        var (admin, org) = await OrgAsync();
        var pool = await admin.Http.PostOkAsync<PoolView>($"api/organizations/{org}/pools", new { name = "pool", watts = 80 });
        var csv = PowerProfileCsv.Header + "\n2026-12-05T00:00:00Z,0.3,0.5\n2026-12-05T02:00:00Z,0.3,0.5\n2026-12-05T03:00:00Z,0.3,55\n";
        using var r = await admin.Http.PutAsJsonAsync($"api/pools/{pool.Id}/profile", new { csv }, HttpJson.Options);
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("compute.profile_invalid", problem.GetProperty("code").GetString());
        Assert.Equal(["/csv/3/hour_utc", "/csv/4/green_share"], problem.ErrorKeys());
        Assert.Contains("percentage", problem.Errors("/csv/4/green_share")[0], StringComparison.Ordinal);
        Assert.Equal(0, (await admin.Http.GetOkAsync<PoolProfileView>($"api/pools/{pool.Id}")).Pool.Hours);
    }

    [Fact]
    public async Task ADeferrableJobWaitsForTheGreenWindowAndReportsItsSaving()
    {
        var (admin, org) = await OrgAsync();
        var project = await MediaProjectAsync(admin, org, AudioSchema, "audio", ("a.wav", Api.DemoFile("speech/media/librivox-0880.wav")));
        var model = await ModelIdAsync(admin.Http, ModelTask.SpeechSegments);
        var pool = await admin.Http.PostOkAsync<PoolView>($"api/organizations/{org}/pools", new { name = "大同绿电池", watts = 100 });
        var now = fx.Time.GetUtcNow();
        var start = HourOf(now).AddHours(-1);
        // Dear and coal-heavy except hours 5 and 6 from now (wind at night): 0.9 green at 0.2 yuan.
        var csv = Profile(start, 48, h => h is 6 or 7 ? (0.2, 0.9) : (0.6, 0.2));
        var profile = await admin.Http.PutOkAsync<PoolProfileView>($"api/pools/{pool.Id}/profile", new { csv, note = "synthetic" });
        Assert.Equal(48, profile.Pool.Hours);
        Assert.Equal("synthetic", profile.Pool.ProfileNote);

        var job = await admin.Http.PostOkAsync<PredictJobView>($"api/projects/{project}/predict-jobs",
            new { modelId = model, poolId = pool.Id, deferrable = true, deadline = now.AddHours(12), goal = "greenest" });
        Assert.Equal(PredictJobStatus.Scheduled, job.Status);
        Assert.Equal(start.AddHours(6), job.WindowStart);
        Assert.False(job.Energy!.Measured);
        Assert.Equal(0.9, job.Energy.GreenShare, 6);
        Assert.Equal(0.2, job.Energy.RunNowGreenShare, 6);
        Assert.True(job.Energy.CostCny < job.Energy.RunNowCostCny);
        await Task.Delay(2500);
        Assert.Equal(PredictJobStatus.Scheduled, (await admin.Http.GetOkAsync<PredictJobView>($"api/predict-jobs/{job.Id}")).Status);

        // The window opens: the job runs and reports measured figures.
        fx.Time.Advance(job.WindowStart!.Value - now + TimeSpan.FromMinutes(1));
        fx.Services.GetRequiredService<PredictWorker>().Wake();
        job = await WaitAsync(admin.Http, job.Id);
        Assert.Equal(PredictJobStatus.Done, job.Status);
        Assert.True(job.Energy!.Measured);
        Assert.True(job.Energy.ComputeSeconds > 0);
        Assert.Equal(100, job.Energy.Watts);
        Assert.Equal(0.9, job.Energy.GreenShare, 6);
        Assert.Equal(job.Energy.ComputeSeconds * 100 / 3_600_000, job.Energy.Kwh, 5);

        // A deadline the work cannot meet, and one past the profile's end, are refused by name.
        using var r = await admin.Http.PostAsJsonAsync($"api/projects/{project}/predict-jobs",
            new { modelId = model, scope = "all", poolId = pool.Id, deferrable = true, deadline = now.AddHours(-2) }, HttpJson.Options);
        var problem = await r.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal("compute.deadline_unmet", problem.GetProperty("fields").GetProperty("deadline")[0].GetProperty("code").GetString());
        using var noPool = await admin.Http.PostAsJsonAsync($"api/projects/{project}/predict-jobs",
            new { modelId = model, deferrable = true, deadline = now.AddHours(5) }, HttpJson.Options);
        Assert.Equal(["poolId"], (await noPool.ProblemAsync(HttpStatusCode.BadRequest)).ErrorKeys());
    }
}

public sealed class SqlitePredictJobTests(SqliteFixture fx) : PredictJobTests<SqliteFixture>(fx);

public sealed class PostgresPredictJobTests(PostgresFixture fx) : PredictJobTests<PostgresFixture>(fx);

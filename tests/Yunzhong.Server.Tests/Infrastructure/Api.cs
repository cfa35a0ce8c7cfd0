using System.Net.Http.Headers;
using System.Text;
using Yunzhong.Server.Features.Exports;
using Yunzhong.Server.Features.Media;
using Yunzhong.Server.Features.Queue;

namespace Yunzhong.Server.Tests.Infrastructure;

/// <summary>Calls the tests make again and again: the queue cycle, media uploads, exports and error checks.</summary>
public static class Api
{
    public static byte[] DemoFile(string relative) => File.ReadAllBytes(Path.Combine(ServerFixture.RepoFolder("demo"), relative));

    /// <summary>A media sample of the sniffer tests (their Media/Data/README.md says where each comes from).</summary>
    public static string MediaSamplePath(string name) =>
        Path.Combine(ServerFixture.RepoFolder(Path.Combine("tests", "Yunzhong.Core.Tests", "Media", "Data")), name);

    public static byte[] MediaSample(string name) => File.ReadAllBytes(MediaSamplePath(name));

    /// <summary>Every error is RFC 7807: checks the status and the media type, and hands back the body.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage r, HttpStatusCode status)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == status, $"expected {(int)status}, got {(int)r.StatusCode}: {body}");
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Null(UncodedPart(problem));
        return problem;
    }

    /// <summary>
    /// What of a problem a client could not translate: no known <c>code</c> (<see cref="ProblemCodes.All"/>),
    /// no <c>params</c> object, or a key of <c>errors</c> without its coded entries under <c>fields</c>;
    /// null when every part carries a known code.
    /// </summary>
    public static string? UncodedPart(JsonElement problem)
    {
        if (!problem.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String || !ProblemCodes.All.Contains(code.GetString()!))
        {
            return $"no known code: {problem}";
        }
        if (!problem.TryGetProperty("params", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return $"no params: {problem}";
        }
        if (!problem.TryGetProperty("errors", out var errors))
        {
            return null;
        }
        if (!problem.TryGetProperty("fields", out var fields))
        {
            return $"errors without fields: {problem}";
        }
        foreach (var e in errors.EnumerateObject())
        {
            if (!fields.TryGetProperty(e.Name, out var coded) || coded.GetArrayLength() != e.Value.GetArrayLength()
                || coded.EnumerateArray().Any(c => !ProblemCodes.All.Contains(c.GetProperty("code").GetString()!) || c.GetProperty("params").ValueKind != JsonValueKind.Object))
            {
                return $"field '{e.Name}' without a known code per message: {problem}";
            }
        }
        return null;
    }

    /// <summary>The messages of one key of a validation problem's <c>errors</c>, failing when the key is absent.</summary>
    public static string[] Errors(this JsonElement problem, string key)
    {
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(key, out var list), $"no error under '{key}' in {errors}");
        return list.EnumerateArray().Select(e => e.GetString()!).ToArray();
    }

    public static string[] Strings(this JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    public static string[] ErrorKeys(this JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The next task of the queue, or null when it has none for this person (204).</summary>
    public static async Task<NextResponse?> NextAsync(this Person p, long project)
    {
        using var r = await p.Http.PostAsync($"api/projects/{project}/queue/next", null);
        return r.StatusCode == HttpStatusCode.NoContent ? null : await r.OkAsync<NextResponse>("next");
    }

    public static Task<HttpResponseMessage> SubmitAsync(this Person p, long assignment, object result, double? leadTimeSeconds = null) =>
        p.Http.PostAsJsonAsync($"api/assignments/{assignment}/submit", new { result, leadTimeSeconds }, HttpJson.Options);

    /// <summary>Submits raw JSON as written, so non-ASCII arrives unescaped as a browser sends it.</summary>
    public static Task<HttpResponseMessage> SubmitRawAsync(this Person p, long assignment, string body) =>
        p.Http.PostAsync($"api/assignments/{assignment}/submit", new StringContent(body, Encoding.UTF8, "application/json"));

    /// <summary>Takes the next task and submits <paramref name="result"/> for it; returns the task and the new annotation.</summary>
    public static async Task<(long Task, long Annotation)> AnnotateAsync(this Person p, long project, object result, double? leadTimeSeconds = null)
    {
        var lease = await p.NextAsync(project) ?? throw new InvalidOperationException("the queue is empty");
        using var r = await p.SubmitAsync(lease.AssignmentId, result, leadTimeSeconds);
        return (lease.Task.Id, (await r.OkAsync<SubmitResponse>("submit")).AnnotationId);
    }

    /// <summary>Waits for an export job to finish (it must end done) and downloads its file.</summary>
    public static async Task<string> DownloadExportAsync(this Person manager, long exportId)
    {
        ExportView? view = null;
        for (var i = 0; i < 200; i++)
        {
            view = await manager.Http.GetOkAsync<ExportView>($"api/exports/{exportId}");
            if (view.Status is ExportStatus.Done or ExportStatus.Incomplete or ExportStatus.Failed)
            {
                break;
            }
            await Task.Delay(50);
        }
        Assert.Equal(ExportStatus.Done, view!.Status);
        return await manager.Http.GetStringAsync($"api/exports/{exportId}/download");
    }

    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient http, long project, params (string Name, byte[] Bytes)[] files)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            // Set the header by hand: the framework would quote or encode some names we want sent as they are.
            part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"files\"", FileName = "\"" + name + "\"" };
            form.Add(part);
        }
        return await http.PostAsync($"api/projects/{project}/media", form);
    }

    public static async Task<List<MediaView>> UploadOkAsync(this HttpClient http, long project, params (string Name, byte[] Bytes)[] files)
    {
        using var r = await http.UploadAsync(project, files);
        return await r.OkAsync<List<MediaView>>("upload");
    }

    /// <summary>Starts an export job, polls it to the end and downloads the file as text.</summary>
    public static async Task<(ExportView Job, string Text)> ExportAsync(this HttpClient http, long project, object request)
    {
        var (job, bytes) = await http.ExportFileAsync(project, request);
        return (job, Encoding.UTF8.GetString(bytes));
    }

    /// <summary>Starts an export job, polls it to the end and downloads the file's bytes.</summary>
    public static async Task<(ExportView Job, byte[] Bytes)> ExportFileAsync(this HttpClient http, long project, object request)
    {
        using var started = await http.PostAsJsonAsync($"api/projects/{project}/exports", request, HttpJson.Options);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"export answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        var job = await started.ReadAsync<ExportView>();
        for (var i = 0; i < 300; i++)
        {
            job = await http.GetOkAsync<ExportView>($"api/exports/{job.Id}");
            if (job.Status is ExportStatus.Done or ExportStatus.Incomplete)
            {
                return (job, await http.GetByteArrayAsync(job.DownloadUrl!.TrimStart('/')));
            }
            Assert.NotEqual(ExportStatus.Failed, job.Status);
            await Task.Delay(50);
        }
        throw new TimeoutException($"export {job.Id} did not finish: {job}");
    }

    /// <summary>Queues a release (202 with its job), polls the job to its end and answers the job (done or failed).</summary>
    public static async Task<Features.Releases.ReleaseJobView> ReleaseJobAsync(this HttpClient http, long project, object request)
    {
        using var started = await http.PostAsJsonAsync($"api/projects/{project}/releases", request, HttpJson.Options);
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, $"release answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        var job = await started.ReadAsync<Features.Releases.ReleaseJobView>();
        for (var i = 0; i < 600; i++)
        {
            job = await http.GetOkAsync<Features.Releases.ReleaseJobView>($"api/release-jobs/{job.Id}");
            if (job.Status is Features.Releases.ReleaseJobStatus.Done or Features.Releases.ReleaseJobStatus.Failed)
            {
                return job;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"release job {job.Id} did not finish: {job}");
    }

    /// <summary>Queues a release, waits for it to be built (it must be) and answers the release.</summary>
    public static async Task<Features.Releases.ReleaseView> ReleaseOkAsync(this HttpClient http, long project, object request)
    {
        var job = await http.ReleaseJobAsync(project, request);
        Assert.True(job.Status == Features.Releases.ReleaseJobStatus.Done, $"release job {job.Id} failed: {job.Error}");
        return await http.GetOkAsync<Features.Releases.ReleaseView>($"api/releases/{job.ReleaseId}");
    }
}
